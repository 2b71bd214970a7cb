/* SPDX-License-Identifier: Apache-2.0 */
/* pet_metrics.c: the PET metrics of a region on an SUV (or SUL) volume:
 * SUVmax, SUVmean, SUVpeak, metabolic tumour volume (MTV) and total lesion
 * glycolysis (TLG) at a fixed SUV threshold and at a fraction of SUVmax.
 *
 * SUVpeak (PERCIST 1.0, Wahl et al. J Nucl Med 2009;50 Suppl 1:122S-150S,
 * "SULpeak": the mean of a 1 cm^3 sphere placed in the most active part of
 * the tumour, not necessarily centred on the hottest voxel) is discretised
 * as follows:
 *   - the sphere has the volume peak_ml exactly: radius
 *     r = 10 (3 peak_ml / (4 pi))^(1/3) mm, 6.2035 mm for 1 ml;
 *   - it averages, with equal weights, the voxels whose centres lie within
 *     r of its centre (distance in mm from the voxel spacing), so the
 *     averaged volume is a whole number of voxels close to peak_ml;
 *   - its centre may be the centre of any voxel of the region whose sphere
 *     lies wholly inside the image, and SUVpeak is the highest mean over
 *     those centres (ties: the first centre in i, j, k order); the sphere
 *     itself may reach beyond the region. A sphere cut by the image's edge
 *     would average fewer voxels (often a higher mean near a lesion): such
 *     centres are not used, and when no region voxel has room for a whole
 *     sphere SUVpeak is NaN (peak_voxels 0).
 * Sub-voxel centre positions are not searched. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"
#include "pet_internal.h"

#define PET_PI 3.14159265358979323846

void qib_pet_options_default(qib_pet_options *o) {
    o->threshold = 2.5; /* SUV 2.5: the usual fixed threshold for MTV */
    o->fraction = 0.41; /* 41 % of SUVmax: EANM procedure guidelines 2.0 (Boellaard 2015) */
    o->peak_ml = 1.0;   /* PERCIST 1.0: 1 cm^3 */
}

/* Radius of a sphere of volume v ml = v cm^3: r = (3 v / (4 pi))^(1/3) cm. */
double qib_pet_sphere_radius_mm(double volume_ml) {
    return 10.0 * cbrt(3.0 * volume_ml / (4.0 * PET_PI));
}

/* One line of the sphere along i: offsets (dj, dk) and |di| <= half. */
typedef struct peak_line {
    long dj, dk, half;
} peak_line;

/* The lines of voxel offsets whose centres lie within r mm of the centre:
 * (di sx)^2 + (dj sy)^2 + (dk sz)^2 <= r^2; reach: the largest offset
 * along each axis. */
static peak_line *sphere_lines(const double sp[3], double r, size_t *count, long reach[3]) {
    for (int a = 0; a < 3; a++) reach[a] = (long)floor(r / sp[a]);
    size_t cap = (size_t)(2 * reach[1] + 1) * (size_t)(2 * reach[2] + 1), n = 0;
    peak_line *lines = malloc(cap * sizeof *lines);
    if (!lines) return NULL;
    double r2 = r * r;
    for (long dk = -reach[2]; dk <= reach[2]; dk++)
        for (long dj = -reach[1]; dj <= reach[1]; dj++) {
            double y = dj * sp[1], z = dk * sp[2], rest = r2 - y * y - z * z;
            if (rest < 0) continue;
            long half = (long)floor(sqrt(rest) / sp[0]);
            while (half > 0 && (half * sp[0]) * (half * sp[0]) > rest) half--;
            while (((half + 1) * sp[0]) * ((half + 1) * sp[0]) <= rest) half++;
            lines[n++] = (peak_line){dj, dk, half};
        }
    /* the reach actually used (the floor above may overshoot by rounding) */
    reach[0] = reach[1] = reach[2] = 0;
    for (size_t l = 0; l < n; l++) {
        if (lines[l].half > reach[0]) reach[0] = lines[l].half;
        if (labs(lines[l].dj) > reach[1]) reach[1] = labs(lines[l].dj);
        if (labs(lines[l].dk) > reach[2]) reach[2] = labs(lines[l].dk);
    }
    *count = n;
    return lines;
}

/* SUVpeak: with running sums along each image row, one line of the sphere
 * costs one subtraction. */
static qib_status suv_peak(const double *x, const qib_grid *g, const uint8_t *in, double r,
                           qib_pet_metrics *m, qib_error *err) {
    size_t nx = g->dim[0], ny = g->dim[1], nz = g->dim[2], rows = ny * nz, nl = 0;
    long reach[3];
    peak_line *lines = sphere_lines(g->spacing, r, &nl, reach);
    double *run = malloc(rows * (nx + 1) * sizeof *run);
    if (!lines || !run) {
        free(lines);
        free(run);
        return qib__nomem(err, NULL, "SUVpeak");
    }
    for (size_t row = 0; row < rows; row++) {
        double *p = run + row * (nx + 1);
        p[0] = 0;
        for (size_t i = 0; i < nx; i++) p[i + 1] = p[i] + x[row * nx + i];
    }
    double best = -INFINITY;
    m->suv_peak = NAN;
    m->peak_voxels = 0;
    for (size_t k = 0, v = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++, v++) {
                if (!in[v]) continue;
                long c[3] = {(long)i, (long)j, (long)k}, dim[3] = {(long)nx, (long)ny, (long)nz};
                bool whole = true;
                for (int a = 0; a < 3; a++) whole = whole && c[a] >= reach[a] && c[a] + reach[a] < dim[a];
                if (!whole) continue;
                double sum = 0;
                size_t cnt = 0;
                for (size_t l = 0; l < nl; l++) {
                    long jj = c[1] + lines[l].dj, kk = c[2] + lines[l].dk;
                    long lo = c[0] - lines[l].half, hi = c[0] + lines[l].half;
                    const double *p = run + ((size_t)kk * ny + (size_t)jj) * (nx + 1);
                    sum += p[hi + 1] - p[lo];
                    cnt += (size_t)(hi - lo + 1);
                }
                double mean = sum / (double)cnt;
                if (mean > best) {
                    best = mean;
                    m->suv_peak = mean;
                    m->peak_voxels = cnt;
                    m->peak_index[0] = i;
                    m->peak_index[1] = j;
                    m->peak_index[2] = k;
                }
            }
    free(lines);
    free(run);
    double ijk[3] = {(double)m->peak_index[0], (double)m->peak_index[1], (double)m->peak_index[2]};
    qib_grid_index_to_world(g, ijk, m->peak_centre);
    return QIB_OK;
}

/* Voxels of the region with SUV >= t: count, MTV = count x voxel volume
 * (ml), TLG = MTV x their mean SUV = voxel volume x their SUV sum, and
 * that mean. */
static void thresholded(const double *x, const uint8_t *in, size_t n, double t, double voxel_ml,
                        size_t *count, double *mtv, double *tlg, double *mean) {
    size_t c = 0;
    double sum = 0;
    for (size_t v = 0; v < n; v++)
        if (in[v] && x[v] >= t) {
            c++;
            sum += x[v];
        }
    *count = c;
    *mtv = (double)c * voxel_ml;
    *tlg = sum * voxel_ml;
    *mean = c ? sum / (double)c : NAN;
}

/* SUVmax, SUVmin, SUVmean and the sample SD (two passes). */
static void basic_stats(const double *x, const uint8_t *in, size_t n, qib_pet_metrics *m) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    size_t c = 0;
    for (size_t v = 0; v < n; v++)
        if (in[v]) {
            sum += x[v];
            lo = fmin(lo, x[v]);
            hi = fmax(hi, x[v]);
            c++;
        }
    double mean = sum / (double)c, ss = 0;
    for (size_t v = 0; v < n; v++)
        if (in[v]) ss += (x[v] - mean) * (x[v] - mean);
    m->voxels = c;
    m->suv_mean = mean;
    m->suv_min = lo;
    m->suv_max = hi;
    m->suv_sd = c > 1 ? sqrt(ss / (double)(c - 1)) : 0.0;
}

qib_status qib_pet_region_metrics(const qib_volume *suv, const qib_mask *region,
                                  const qib_pet_options *opt, qib_pet_metrics *out,
                                  qib_error *err) {
    QIB_FAIL_IF(!suv || !region || !out, err, QIB_ERR_ARG, NULL, -1, NULL,
                "an SUV volume, a region and an output are needed");
    qib_pet_options dflt;
    if (!opt) {
        qib_pet_options_default(&dflt);
        opt = &dflt;
    }
    QIB_FAIL_IF(!isfinite(opt->threshold), err, QIB_ERR_ARG, NULL, -1, "threshold",
                "the MTV threshold %g is not a number", opt->threshold);
    QIB_FAIL_IF(!(opt->fraction > 0 && opt->fraction <= 1), err, QIB_ERR_ARG, NULL, -1, "fraction",
                "the MTV fraction of SUVmax %g is not in (0, 1]", opt->fraction);
    QIB_FAIL_IF(!(opt->peak_ml > 0 && opt->peak_ml < 1e6), err, QIB_ERR_ARG, NULL, -1, "peak_ml",
                "the SUVpeak sphere volume %g ml is not in (0, 1e6)", opt->peak_ml);
    QIB_FAIL_IF(qib_volume_frames(suv) != 1, err, QIB_ERR_ARG, NULL, -1, NULL,
                "PET metrics take one frame, the volume has %zu", qib_volume_frames(suv));
    const qib_grid *g = qib_volume_grid(suv);
    QIB_FORWARD(qib_grid_check_same(g, qib_mask_grid(region), 0, 0, err));
    const uint8_t *in = qib_mask_cdata(region);
    size_t n = qib_grid_voxels(g);
    if (!qib_mask_count(region))
        return qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, NULL, "the region has no voxel");
    double *x = malloc(n * sizeof *x);
    if (!x) return qib__nomem(err, NULL, "SUV values");
    qib_volume_frame_to_f64(suv, 0, x);
    for (size_t v = 0; v < n; v++)
        if (in[v] && !isfinite(x[v])) {
            size_t i = v % g->dim[0], j = v / g->dim[0] % g->dim[1], k = v / g->dim[0] / g->dim[1];
            double bad = x[v];
            free(x);
            return qib__fail(err, QIB_ERR_NUMERIC, NULL, -1, NULL,
                             "voxel (%zu, %zu, %zu) of the region is %g", i, j, k, bad);
        }
    qib_pet_metrics m;
    memset(&m, 0, sizeof m);
    m.voxel_ml = g->spacing[0] * g->spacing[1] * g->spacing[2] / 1000.0;
    basic_stats(x, in, n, &m);
    m.volume_ml = (double)m.voxels * m.voxel_ml;
    m.peak_radius_mm = qib_pet_sphere_radius_mm(opt->peak_ml);
    qib_status st = suv_peak(x, g, in, m.peak_radius_mm, &m, err);
    m.threshold_abs = opt->threshold;
    thresholded(x, in, n, m.threshold_abs, m.voxel_ml, &m.voxels_abs, &m.mtv_abs_ml, &m.tlg_abs,
                &m.suv_mean_abs);
    m.fraction = opt->fraction;
    m.threshold_rel = opt->fraction * m.suv_max;
    thresholded(x, in, n, m.threshold_rel, m.voxel_ml, &m.voxels_rel, &m.mtv_rel_ml, &m.tlg_rel,
                &m.suv_mean_rel);
    free(x);
    if (st) return st;
    *out = m;
    return QIB_OK;
}
