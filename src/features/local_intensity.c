/* SPDX-License-Identifier: Apache-2.0 */
/* local_intensity.c: the IBSI local intensity family (IBSI 1, "Local
 * intensity features", 9ST6): local and global intensity peak.
 *
 * Both are means of the image over a 1 cm^3 sphere, in world units, centred
 * on a voxel of the intensity mask: every voxel of the IMAGE (inside the
 * region or not) whose centre lies within r = (3 / (4 pi))^(1/3) cm
 * (6.2 mm) of the centre voxel's centre, the centre voxel included.
 * Voxels beyond the image's edge do not exist and are not counted.
 *
 * Speed: the sphere is a stack of voxel rows along i. With prefix sums
 * along each image row, one row of the sphere costs two loads, so a centre
 * costs one step per (j, k) row of the sphere (about 50 at 1 x 1 x 3 mm)
 * instead of one per voxel (about 440), and the global peak over every
 * region voxel stays fast. The centres of one image row whose spheres lie
 * wholly inside the grid are summed together, sphere row by sphere row
 * with the centres innermost (vector instructions), in the same order of
 * terms as one centre at a time.
 *
 * The sphere reaches beyond the region, so the processed grid must extend
 * r beyond it (local_intensity.h). When the grid handed over stops short of
 * the processed image's edge within a sphere's reach, the peaks would be
 * averages of partial spheres: they are NaN instead. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "local_intensity.h"

size_t qib__loc_pad_voxels(const double spacing[3]) {
    double s = fmin(spacing[0], fmin(spacing[1], spacing[2]));
    return s > 0 ? (size_t)ceil(QIB_LOC_RADIUS_MM / s) : 0;
}

typedef struct loc_ctx {
    double peak_local, peak_global;
} loc_ctx;

/* One row of the sphere: offsets (dj, dk), and |di| <= half. */
typedef struct {
    long dj, dk, half;
} sphere_row;

/* The rows of the sphere for this spacing: every offset with
 * (di sx)^2 + (dj sy)^2 + (dk sz)^2 <= r^2. */
static sphere_row *sphere_rows(const double sp[3], size_t *n_rows, long reach[3]) {
    double r = QIB_LOC_RADIUS_MM, r2 = r * r;
    for (int a = 0; a < 3; a++) reach[a] = (long)floor(r / sp[a]);
    size_t cap = (size_t)(2 * reach[1] + 1) * (size_t)(2 * reach[2] + 1), n = 0;
    sphere_row *rows = malloc(cap * sizeof *rows);
    if (!rows) return NULL;
    for (long dk = -reach[2]; dk <= reach[2]; dk++)
        for (long dj = -reach[1]; dj <= reach[1]; dj++) {
            double rest = r2 - (dj * sp[1]) * (dj * sp[1]) - (dk * sp[2]) * (dk * sp[2]);
            if (rest < 0) continue;
            long h = 0;
            while ((h + 1) * sp[0] * (h + 1) * sp[0] <= rest) h++;
            rows[n++] = (sphere_row){dj, dk, h};
        }
    *n_rows = n;
    return rows;
}

static qib_status loc_prepare(const qib_roi *roi, size_t aggregation, void **out,
                              qib_error *err) {
    (void)aggregation;
    loc_ctx *c = calloc(1, sizeof *c);
    if (!c) return qib__nomem(err, NULL, "local intensity");
    c->peak_local = c->peak_global = NAN;
    const size_t *dim = roi->grid.dim;
    size_t nx = dim[0], nrow = dim[1] * dim[2];
    long reach[3];
    size_t n_rows = 0;
    sphere_row *rows = sphere_rows(roi->grid.spacing, &n_rows, reach);
    double *pre = malloc(nrow * (nx + 1) * sizeof *pre);
    double *acc = malloc(nx * sizeof *acc);
    if (!rows || !pre || !acc) {
        free(rows);
        free(pre);
        free(acc);
        free(c);
        return qib__nomem(err, NULL, "local intensity");
    }
    /* pre[row * (nx + 1) + i] = sum of the row's first i voxels */
    for (size_t r = 0; r < nrow; r++) {
        double *p = pre + r * (nx + 1);
        const double *x = roi->image + r * nx;
        p[0] = 0.0;
        for (size_t i = 0; i < nx; i++) p[i + 1] = p[i] + x[i];
    }
    /* Where the grid's faces are not the processed image's edges, a sphere
     * that crosses them would miss voxels. Without the processing grid
     * (processed_full_grid unset) the grid is taken to be the whole image. */
    bool open_lo[3] = {false, false, false}, open_hi[3] = {false, false, false};
    if (roi->processed_full_grid.dim[0]) {
        for (int a = 0; a < 3; a++) {
            open_lo[a] = roi->processed_box.lo[a] > 0;
            open_hi[a] = roi->processed_box.lo[a] + roi->processed_box.size[a] <
                         roi->processed_full_grid.dim[a];
        }
    }
    double max_int = -HUGE_VAL;
    for (size_t v = 0; v < roi->n; v++)
        if (roi->int_mask[v] && roi->image[v] > max_int) max_int = roi->image[v];
    double best_global = -HUGE_VAL, best_local = -HUGE_VAL;
    bool missing = false;
    /* the sphere's voxel count when no part of it is cut off */
    size_t full = 0;
    long hmax = 0;
    for (size_t s = 0; s < n_rows; s++) {
        full += (size_t)(2 * rows[s].half + 1);
        if (rows[s].half > hmax) hmax = rows[s].half;
    }
    for (size_t k = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++) {
            size_t r0 = (k * dim[1] + j) * nx;
            const uint8_t *m = roi->int_mask + r0;
            size_t ia = 0, ib = nx;
            while (ia < nx && !m[ia]) ia++;
            if (ia == nx) continue;
            while (!m[ib - 1]) ib--;
            /* Where the whole sphere lies inside the grid (every row of it,
             * and along i), the sums of the voxels ia..ib-1 are run over the
             * sphere's rows with i innermost, which the compiler vectorises:
             * each voxel's sum still adds the same terms in the same order
             * as the per-voxel loop below, so the values are identical. */
            size_t va = ib, vb = ib;
            if ((long)j - reach[1] >= 0 && (long)j + reach[1] < (long)dim[1] &&
                (long)k - reach[2] >= 0 && (long)k + reach[2] < (long)dim[2] &&
                nx > (size_t)(2 * hmax)) {
                va = ia > (size_t)hmax ? ia : (size_t)hmax;
                vb = ib < nx - (size_t)hmax ? ib : nx - (size_t)hmax;
                if (va > vb) va = vb;
            }
            for (size_t i = va; i < vb; i++) acc[i] = 0.0;
            for (size_t s = 0; s < n_rows && va < vb; s++) {
                size_t jj = (size_t)((long)j + rows[s].dj), kk = (size_t)((long)k + rows[s].dk);
                const double *pr = pre + (kk * dim[1] + jj) * (nx + 1);
                size_t h = (size_t)rows[s].half;
                const double *hi = pr + h + 1;
                for (size_t i = va; i < vb; i++) acc[i] += hi[i] - pr[i - h];
            }
            for (size_t i = ia; i < ib; i++) {
                if (!m[i]) continue;
                long p[3] = {(long)i, (long)j, (long)k};
                for (int a = 0; a < 3; a++)
                    if ((open_lo[a] && p[a] - reach[a] < 0) ||
                        (open_hi[a] && p[a] + reach[a] >= (long)dim[a]))
                        missing = true;
                double sum = 0.0;
                size_t cnt = 0;
                if (i >= va && i < vb) {
                    sum = acc[i];
                    cnt = full;
                } else {
                    for (size_t s = 0; s < n_rows; s++) {
                        long jj = p[1] + rows[s].dj, kk = p[2] + rows[s].dk;
                        if (jj < 0 || kk < 0 || jj >= (long)dim[1] || kk >= (long)dim[2])
                            continue;
                        long lo = p[0] - rows[s].half, hi = p[0] + rows[s].half;
                        if (lo < 0) lo = 0;
                        if (hi >= (long)nx) hi = (long)nx - 1;
                        const double *pr = pre + ((size_t)kk * dim[1] + (size_t)jj) * (nx + 1);
                        sum += pr[hi + 1] - pr[lo];
                        cnt += (size_t)(hi - lo + 1);
                    }
                }
                double mean = sum / (double)cnt;
                if (mean > best_global) best_global = mean;
                if (roi->image[r0 + i] == max_int && mean > best_local) best_local = mean;
            }
        }
    if (roi->n_int && !missing) {
        c->peak_global = best_global;
        c->peak_local = best_local;
    }
    free(rows);
    free(pre);
    free(acc);
    *out = c;
    return QIB_OK;
}

static void loc_release(void *ctx) { free(ctx); }

#define CTX(p) ((const loc_ctx *)(p))

/* Local intensity peak, IBSI VJGA (no PyRadiomics equivalent).
 * Mean image intensity over the 1 cm^3 sphere (radius 6.2 mm, voxel centres
 * within r) around the voxel with the highest intensity in the intensity
 * mask; with several such voxels, the highest of their means (IBSI 1,
 * "Local intensity peak"). NaN for an empty intensity mask or when the
 * grid does not reach r beyond the region. */
static double peak_local(const void *c) { return CTX(c)->peak_local; }

/* Global intensity peak, IBSI 0F91.
 * The highest of the same sphere means over every voxel of the intensity
 * mask (IBSI 1, "Global intensity peak"). NaN as for the local peak. */
static double peak_global(const void *c) { return CTX(c)->peak_global; }

#define LOC(name, code, text) {{"loc", #name, code, "", "", 0, text}, name}

static const qib_feature_def loc_features[] = {
    LOC(peak_local, "VJGA", "Mean intensity in a 1 cm^3 sphere around the brightest voxel."),
    LOC(peak_global, "0F91", "Highest mean intensity in a 1 cm^3 sphere around a voxel."),
};

const qib_family_def qib__family_loc = {
    {"loc", "Local intensity", "local intensity",
     "Mean intensity in a 1 cm^3 sphere around the region's brightest voxels.", NULL, NULL},
    loc_features,
    sizeof loc_features / sizeof loc_features[0],
    NULL,
    0,
    loc_prepare,
    loc_release,
};
