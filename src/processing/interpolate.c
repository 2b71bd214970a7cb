/* SPDX-License-Identifier: Apache-2.0 */
/* interpolate.c: image and mask interpolation onto IBSI's centred grid.
 *
 * IBSI 1 manual, "Image processing" > "Interpolation". The new grid has
 * ceil(n * s_old / s_new) voxels per axis and shares its centre with the
 * input grid (see processing.h for the formulas). The grid is axis-aligned
 * with the input, so interpolation is separable: one 1D pass per resampled
 * axis gives exactly the tensor-product nearest, (bi/tri)linear and cubic
 * B-spline interpolants. Positions beyond the input's outer voxel centres use
 * the edge value (scipy.ndimage.map_coordinates mode "nearest", which MIRP,
 * the IBSI coordinator's software, uses). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "processing.h"

/* Edge voxels replicated on each side of a line before the cubic B-spline
 * prefilter, as scipy does for mode "nearest" (its _prepad_for_spline_filter
 * pads 12). The prefilter's pole is sqrt(3) - 2, so the boundary's influence
 * has decayed to 0.268^12 ~ 1e-7 at the data. */
#define CUBIC_PAD 12
/* Extra input voxels kept around what the cubic kernel touches, so that the
 * prefilter sees (nearly) the same neighbourhood as on the whole image. */
#define CUBIC_MARGIN 16

/* ceil() that ignores a relative excess of 1e-9, so 100 * 0.2 / 0.1 gives 200. */
static double ceil_tol(double x) {
    double r = floor(x);
    return (x - r) > 1e-9 * fmax(1.0, fabs(x)) ? r + 1.0 : r;
}

void qib__interp_grid(const qib_grid *in, const double spacing[3], qib_grid *out,
                      double off[3], double ratio[3]) {
    qib_grid g = *in;
    for (int a = 0; a < 3; a++) {
        off[a] = 0.0;
        ratio[a] = 1.0;
        if (!(spacing[a] > 0) || spacing[a] == in->spacing[a]) continue;
        double sa = in->spacing[a], sb = spacing[a];
        double na = (double)in->dim[a];
        double nb = ceil_tol(na * sa / sb);
        if (nb < 1) nb = 1;
        g.dim[a] = (size_t)nb;
        g.spacing[a] = sb;
        ratio[a] = sb / sa;
        off[a] = (sa * (na - 1.0) - sb * (nb - 1.0)) / (2.0 * sa);
    }
    qib_grid_index_to_world(in, off, g.origin);
    *out = g;
}

static size_t clip_index(double x, size_t n) {
    if (!(x > 0)) return 0;
    if (x >= (double)(n - 1)) return n - 1;
    return (size_t)x;
}

static size_t support_of(qib_interp m) { return m == QIB_INTERP_CUBIC ? 2 + CUBIC_MARGIN : 1; }

qib_status qib__interp_plan_make(const qib_grid *in, const qib_box *roi_box,
                                 const qib_proc_options *o, size_t pad_out,
                                 qib_interp_plan *plan, qib_error *err) {
    qib_interp_plan p;
    memset(&p, 0, sizeof p);
    p.in_full = *in;
    double spacing[3] = {0, 0, 0};
    if (o->resample)
        for (int a = 0; a < 3; a++) spacing[a] = o->spacing[a];
    if (o->slice_2d) spacing[2] = 0; /* IBSI 2D: interpolate within slices only */
    for (int a = 0; a < 3; a++)
        QIB_FAIL_IF(spacing[a] < 0 || !isfinite(spacing[a]), err, QIB_ERR_ARG, NULL, -1,
                    "resample_spacing", "spacing %g mm is not >= 0", spacing[a]);
    qib__interp_grid(in, spacing, &p.out_full, p.off, p.ratio);
    size_t support = support_of(o->image_interp);
    if (support_of(o->mask_interp) > support) support = support_of(o->mask_interp);

    for (int a = 0; a < 3; a++) {
        size_t lo = roi_box->lo[a], hi = roi_box->lo[a] + roi_box->size[a] - 1;
        size_t nb = p.out_full.dim[a], na = in->dim[a];
        p.identity[a] = p.ratio[a] == 1.0 && p.off[a] == 0.0 && nb == na;
        if (p.identity[a]) {
            size_t olo = lo > pad_out ? lo - pad_out : 0;
            size_t ohi = na - 1 - hi > pad_out ? hi + pad_out : na - 1;
            p.out_box.lo[a] = p.in_box.lo[a] = olo;
            p.out_box.size[a] = p.in_box.size[a] = ohi - olo + 1;
            continue;
        }
        /* output voxels whose (linear) mask value can be non-zero */
        double jlo = floor(((double)lo - 1.0 - p.off[a]) / p.ratio[a]);
        double jhi = ceil(((double)hi + 1.0 - p.off[a]) / p.ratio[a]);
        size_t olo = clip_index(jlo, nb), ohi = clip_index(jhi, nb);
        olo = olo > pad_out ? olo - pad_out : 0;
        ohi = nb - 1 - ohi > pad_out ? ohi + pad_out : nb - 1;
        p.out_box.lo[a] = olo;
        p.out_box.size[a] = ohi - olo + 1;
        /* input voxels the kernel reads for them */
        double xlo = p.off[a] + p.ratio[a] * (double)olo;
        double xhi = p.off[a] + p.ratio[a] * (double)ohi;
        double ilo = floor(xlo) - (double)support, ihi = ceil(xhi) + (double)support;
        size_t a_lo = clip_index(ilo, na), a_hi = clip_index(ihi, na);
        p.in_box.lo[a] = a_lo;
        p.in_box.size[a] = a_hi - a_lo + 1;
    }
    *plan = p;
    return QIB_OK;
}

/* In-place cubic B-spline prefilter of c[0..n-1] (n >= 2): converts samples
 * to B-spline coefficients (Unser 1999, pole z = sqrt(3) - 2, gain 6), with a
 * mirror-symmetric boundary. */
static void bspline_prefilter(double *c, size_t n) {
    const double z = sqrt(3.0) - 2.0;
    for (size_t k = 0; k < n; k++) c[k] *= 6.0;
    /* causal initialisation: truncated sum (z^40 ~ 1e-23) */
    size_t horizon = n < 40 ? n : 40;
    double sum = c[0], zn = z;
    for (size_t k = 1; k < horizon; k++) {
        sum += zn * c[k];
        zn *= z;
    }
    c[0] = sum;
    for (size_t k = 1; k < n; k++) c[k] += z * c[k - 1];
    c[n - 1] = (z / (z * z - 1.0)) * (c[n - 1] + z * c[n - 2]);
    for (size_t k = n - 1; k-- > 0;) c[k] = z * (c[k + 1] - c[k]);
}

static inline double at_clamped(const double *c, long i, size_t n) {
    if (i < 0) i = 0;
    if (i >= (long)n) i = (long)n - 1;
    return c[i];
}

/* Resamples one line: src (n values, stride ss) at local positions pos[0..m-1]
 * (each in [0, n-1]) into dst (stride ds). work holds n + 2 * CUBIC_PAD values. */
static void resample_line(const double *src, size_t n, size_t ss, double *dst, size_t ds,
                          const double *pos, size_t m, qib_interp method, double *work) {
    switch (method) {
    case QIB_INTERP_NEAREST:
        for (size_t j = 0; j < m; j++) {
            size_t i = clip_index(floor(pos[j] + 0.5), n);
            dst[j * ds] = src[i * ss];
        }
        return;
    case QIB_INTERP_LINEAR:
        for (size_t j = 0; j < m; j++) {
            double x = pos[j];
            size_t i0 = clip_index(floor(x), n);
            size_t i1 = i0 + 1 < n ? i0 + 1 : i0;
            double t = x - (double)i0;
            if (t < 0) t = 0;
            if (t > 1) t = 1;
            dst[j * ds] = src[i0 * ss] * (1.0 - t) + src[i1 * ss] * t;
        }
        return;
    case QIB_INTERP_CUBIC: {
        size_t len = n + 2 * CUBIC_PAD;
        for (size_t k = 0; k < CUBIC_PAD; k++) {
            work[k] = src[0];
            work[CUBIC_PAD + n + k] = src[(n - 1) * ss];
        }
        for (size_t i = 0; i < n; i++) work[CUBIC_PAD + i] = src[i * ss];
        bspline_prefilter(work, len);
        for (size_t j = 0; j < m; j++) {
            double u = pos[j] + CUBIC_PAD;
            double fl = floor(u), t = u - fl;
            long i0 = (long)fl;
            double t2 = t * t, t3 = t2 * t, s = 1.0 - t;
            double w0 = s * s * s / 6.0;
            double w1 = (4.0 - 6.0 * t2 + 3.0 * t3) / 6.0;
            double w2 = (1.0 + 3.0 * t + 3.0 * t2 - 3.0 * t3) / 6.0;
            double w3 = t3 / 6.0;
            dst[j * ds] = w0 * at_clamped(work, i0 - 1, len) + w1 * at_clamped(work, i0, len) +
                          w2 * at_clamped(work, i0 + 1, len) + w3 * at_clamped(work, i0 + 2, len);
        }
        return;
    }
    }
}

qib_status qib__interp_apply(const qib_interp_plan *p, const double *in, qib_interp method,
                             double *out, qib_error *err) {
    size_t d[3] = {p->in_box.size[0], p->in_box.size[1], p->in_box.size[2]};
    size_t total = d[0] * d[1] * d[2];
    double *cur = malloc(total * sizeof *cur);
    if (!cur) return qib__nomem(err, NULL, "interpolation buffer");
    memcpy(cur, in, total * sizeof *cur);
    for (int a = 0; a < 3; a++) {
        if (p->identity[a]) continue;
        size_t m = p->out_box.size[a], n = d[a];
        size_t nd[3] = {d[0], d[1], d[2]};
        nd[a] = m;
        size_t ntotal = nd[0] * nd[1] * nd[2];
        double *next = malloc(ntotal * sizeof *next);
        double *pos = malloc(m * sizeof *pos);
        double *work = malloc((n + 2 * CUBIC_PAD) * sizeof *work);
        if (!next || !pos || !work) {
            free(next);
            free(pos);
            free(work);
            free(cur);
            return qib__nomem(err, NULL, "interpolation buffer");
        }
        double nmax = (double)(p->in_full.dim[a] - 1);
        for (size_t j = 0; j < m; j++) {
            double x = p->off[a] + p->ratio[a] * (double)(p->out_box.lo[a] + j);
            if (x < 0) x = 0;
            if (x > nmax) x = nmax;
            x -= (double)p->in_box.lo[a];
            if (x < 0) x = 0; /* the plan keeps this from happening */
            if (x > (double)(n - 1)) x = (double)(n - 1);
            pos[j] = x;
        }
        /* strides of axis a in the old and new arrays; lines over the other two */
        size_t ss = a == 0 ? 1 : a == 1 ? d[0] : d[0] * d[1];
        size_t ds = a == 0 ? 1 : a == 1 ? nd[0] : nd[0] * nd[1];
        int b = a == 0 ? 1 : 0, c = a == 2 ? 1 : 2; /* the other axes, b < c */
        size_t sb_old = b == 0 ? 1 : d[0], sc_old = c == 1 ? d[0] : d[0] * d[1];
        size_t sb_new = b == 0 ? 1 : nd[0], sc_new = c == 1 ? nd[0] : nd[0] * nd[1];
        for (size_t ic = 0; ic < d[c]; ic++)
            for (size_t ib = 0; ib < d[b]; ib++)
                resample_line(cur + ib * sb_old + ic * sc_old, n, ss,
                              next + ib * sb_new + ic * sc_new, ds, pos, m, method, work);
        free(pos);
        free(work);
        free(cur);
        cur = next;
        d[a] = m;
    }
    memcpy(out, cur, d[0] * d[1] * d[2] * sizeof *out);
    free(cur);
    return QIB_OK;
}
