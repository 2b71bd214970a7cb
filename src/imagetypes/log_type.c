/* SPDX-License-Identifier: Apache-2.0 */
/* log_type.c: PyRadiomics' LoG image type, with ITK's recursive Gaussian.
 *
 * Source: PyRadiomics 3.1 getLoGImage: nothing when the image has fewer than 4 voxels
 * along an axis; for each sigma (mm, in the order given) with size >= ceil(sigma /
 * spacing) + 1 along every axis, SimpleITK's LaplacianRecursiveGaussianImageFilter with
 * SetNormalizeAcrossScale(True) and SetSigma(sigma), named
 * "log-sigma-" + str(sigma).replace('.', '-') + "-mm-3D". Other sigmas are skipped.
 *
 * ITK (Modules/Filtering/ImageFeature/itkLaplacianRecursiveGaussianImageFilter.hxx):
 *     LoG = sum over d = x, y, z of  D2_d(S_j(S_k(...))) / spacing_d^2
 * where D2_d is the recursive second-derivative filter along d applied to the input,
 * followed by the zero-order (smoothing) filters along the other two axes in
 * ascending order; each filter reads float, filters lines in double and writes float
 * (InternalRealType = float); the sum is kept in float: acc = (float)(acc + b *
 * (1.0 / spacing_d^2)), starting from 0, d = x, y, z.
 *
 * The recursive filters are Deriche's 4th-order IIR approximation in ITK's form
 * (Modules/Filtering/Smoothing/itkRecursiveGaussianImageFilter.hxx SetUp, and
 * ImageFilterBase/itkRecursiveSeparableImageFilter.hxx FilterDataArray): R. Deriche,
 * "Recursively implementing the Gaussian and its derivatives", INRIA RR-1893 (1993),
 * with ITK's normalisation (sum of the kernel 1, second moment 2 for order 2) and its
 * edge-extension boundary coefficients. NormalizeAcrossScale multiplies the second
 * derivative by sigma^2 (not the zero order).
 *
 * A recursive filter needs whole lines, so the output box is computed exactly by
 * filtering whole lines while keeping only what later passes read: x lines over the
 * whole image, y lines for the box's x range, z lines for its x and y ranges. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagetypes_internal.h"

typedef struct rg_coef {
    double n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4;
    double bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4;
} rg_coef;

/* Deriche's exponential-series parameters (ITK SetUp): shared W, L; A, B per order. */
static const double W1 = 0.6681, L1 = -1.3932, W2 = 2.0787, L2 = -1.3732;
static const double A1[3] = {1.3530, -0.6724, -1.3563}, B1[3] = {1.8151, -3.4327, 5.2318};
static const double A2[3] = {-0.3531, 0.6724, 0.3446}, B2[3] = {0.0902, 0.6100, -2.2355};

/* Causal input coefficients N0..N3 and their sums SN = sum Ni, DN = sum i Ni,
 * EN = sum i^2 Ni (ITK ComputeNCoefficients). */
static void n_coefs(double sd, int order, double n[4], double *sn, double *dn, double *en) {
    double a1 = A1[order], b1 = B1[order], a2 = A2[order], b2 = B2[order];
    double sin1 = sin(W1 / sd), sin2 = sin(W2 / sd), cos1 = cos(W1 / sd), cos2 = cos(W2 / sd);
    double e1 = exp(L1 / sd), e2 = exp(L2 / sd);
    n[0] = a1 + a2;
    n[1] = e2 * (b2 * sin2 - (a2 + 2 * a1) * cos2);
    n[1] += e1 * (b1 * sin1 - (a1 + 2 * a2) * cos1);
    n[2] = (a1 + a2) * cos2 * cos1;
    n[2] -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
    n[2] *= 2 * e1 * e2;
    n[2] += a2 * e1 * e1 + a1 * e2 * e2;
    n[3] = e2 * e1 * e1 * (b2 * sin2 - a2 * cos2);
    n[3] += e1 * e2 * e2 * (b1 * sin1 - a1 * cos1);
    *sn = n[0] + n[1] + n[2] + n[3];
    *dn = n[1] + 2 * n[2] + 3 * n[3];
    *en = n[1] + 4 * n[2] + 9 * n[3];
}

/* Recursive coefficients D1..D4 and SD, DD, ED (ITK ComputeDCoefficients). */
static void d_coefs(double sd, rg_coef *c, double *s, double *d, double *e) {
    double cos1 = cos(W1 / sd), cos2 = cos(W2 / sd), e1 = exp(L1 / sd), e2 = exp(L2 / sd);
    c->d4 = e1 * e1 * e2 * e2;
    c->d3 = -2 * cos1 * e1 * e2 * e2;
    c->d3 += -2 * cos2 * e2 * e1 * e1;
    c->d2 = 4 * cos2 * cos1 * e1 * e2;
    c->d2 += e1 * e1 + e2 * e2;
    c->d1 = -2 * (e2 * cos2 + e1 * cos1);
    *s = 1.0 + c->d1 + c->d2 + c->d3 + c->d4;
    *d = c->d1 + 2 * c->d2 + 3 * c->d3 + 4 * c->d4;
    *e = c->d1 + 4 * c->d2 + 9 * c->d3 + 16 * c->d4;
}

/* Anti-causal and boundary coefficients of a symmetric kernel (orders 0 and 2; ITK
 * ComputeRemainingCoefficients): Mi = Ni - Di N0, M4 = -D4 N0; BNi = Di SN / SD,
 * BMi = Di SM / SD simulate a constant extension of the edge values. */
static void remaining_coefs(rg_coef *c) {
    c->m1 = c->n1 - c->d1 * c->n0;
    c->m2 = c->n2 - c->d2 * c->n0;
    c->m3 = c->n3 - c->d3 * c->n0;
    c->m4 = -c->d4 * c->n0;
    double sn = c->n0 + c->n1 + c->n2 + c->n3, sm = c->m1 + c->m2 + c->m3 + c->m4;
    double sd = 1.0 + c->d1 + c->d2 + c->d3 + c->d4;
    c->bn1 = c->d1 * sn / sd;
    c->bn2 = c->d2 * sn / sd;
    c->bn3 = c->d3 * sn / sd;
    c->bn4 = c->d4 * sn / sd;
    c->bm1 = c->d1 * sm / sd;
    c->bm2 = c->d2 * sm / sd;
    c->bm3 = c->d3 * sm / sd;
    c->bm4 = c->d4 * sm / sd;
}

/* ITK RecursiveGaussianImageFilter::SetUp for order 0 (Gaussian) or 2 (second
 * derivative), sigma in mm, spacing in mm. Order 0: N scaled to unit sum
 * (alpha0 = 2 SN / SD - N0). Order 2: N = N(order 2) + beta N(order 0) with beta
 * making the kernel sum 0, scaled by sigma^2 (normalise across scale) / alpha2,
 * alpha2 its second moment term (EN SD^2 - ED SN SD - 2 DN DD SD + 2 DD^2 SN) / SD^3. */
static void rg_setup(double sigma, double spacing, int order, rg_coef *c) {
    double sigmad = sigma / spacing, sd, dd, ed;
    double n[4];
    memset(c, 0, sizeof *c);
    d_coefs(sigmad, c, &sd, &dd, &ed);
    if (order == 0) {
        double sn, dn, en;
        n_coefs(sigmad, 0, n, &sn, &dn, &en);
        double alpha0 = 2 * sn / sd - n[0];
        c->n0 = n[0] * (1.0 / alpha0);
        c->n1 = n[1] * (1.0 / alpha0);
        c->n2 = n[2] * (1.0 / alpha0);
        c->n3 = n[3] * (1.0 / alpha0);
    } else {
        double n0[4], n2[4], sn0, dn0, en0, sn2, dn2, en2;
        n_coefs(sigmad, 0, n0, &sn0, &dn0, &en0);
        n_coefs(sigmad, 2, n2, &sn2, &dn2, &en2);
        double beta = -(2 * sn2 - sd * n2[0]) / (2 * sn0 - sd * n0[0]);
        for (int i = 0; i < 4; i++) n[i] = n2[i] + beta * n0[i];
        double sn = sn2 + beta * sn0, dn = dn2 + beta * dn0, en = en2 + beta * en0;
        double alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn;
        alpha2 /= sd * sd * sd;
        double scale = sigma * sigma;
        c->n0 = n[0] * (scale / alpha2);
        c->n1 = n[1] * (scale / alpha2);
        c->n2 = n[2] * (scale / alpha2);
        c->n3 = n[3] * (scale / alpha2);
    }
    remaining_coefs(c);
}

/* out = a1 b1 + a2 b2 + a3 b3 + a4 b4 (ITK MathEMAMAMAM) */
static inline double ema(double a1, double b1, double a2, double b2, double a3, double b3,
                         double a4, double b4) {
    return a1 * b1 + a2 * b2 + a3 * b3 + a4 * b4;
}

/* One line (ln >= 4) through the causal and anti-causal recursions (ITK
 * FilterDataArray): the causal part starts as if data[0] extended to -infinity, the
 * anti-causal as if data[ln-1] extended to +infinity; out = causal + anti-causal. */
static void rg_line(const rg_coef *c, const double *data, double *out, double *s2, size_t ln) {
    double v1 = data[0];
    out[0] = ema(v1, c->n0, v1, c->n1, v1, c->n2, v1, c->n3);
    out[1] = ema(data[1], c->n0, v1, c->n1, v1, c->n2, v1, c->n3);
    out[2] = ema(data[2], c->n0, data[1], c->n1, v1, c->n2, v1, c->n3);
    out[3] = ema(data[3], c->n0, data[2], c->n1, data[1], c->n2, v1, c->n3);
    out[0] -= ema(v1, c->bn1, v1, c->bn2, v1, c->bn3, v1, c->bn4);
    out[1] -= ema(out[0], c->d1, v1, c->bn2, v1, c->bn3, v1, c->bn4);
    out[2] -= ema(out[1], c->d1, out[0], c->d2, v1, c->bn3, v1, c->bn4);
    out[3] -= ema(out[2], c->d1, out[1], c->d2, out[0], c->d3, v1, c->bn4);
    for (size_t i = 4; i < ln; i++) {
        out[i] = ema(data[i], c->n0, data[i - 1], c->n1, data[i - 2], c->n2, data[i - 3], c->n3);
        out[i] -= ema(out[i - 1], c->d1, out[i - 2], c->d2, out[i - 3], c->d3, out[i - 4], c->d4);
    }
    double v2 = data[ln - 1];
    s2[ln - 1] = ema(v2, c->m1, v2, c->m2, v2, c->m3, v2, c->m4);
    s2[ln - 2] = ema(data[ln - 1], c->m1, v2, c->m2, v2, c->m3, v2, c->m4);
    s2[ln - 3] = ema(data[ln - 2], c->m1, data[ln - 1], c->m2, v2, c->m3, v2, c->m4);
    s2[ln - 4] = ema(data[ln - 3], c->m1, data[ln - 2], c->m2, data[ln - 1], c->m3, v2, c->m4);
    s2[ln - 1] -= ema(v2, c->bm1, v2, c->bm2, v2, c->bm3, v2, c->bm4);
    s2[ln - 2] -= ema(s2[ln - 1], c->d1, v2, c->bm2, v2, c->bm3, v2, c->bm4);
    s2[ln - 3] -= ema(s2[ln - 2], c->d1, s2[ln - 1], c->d2, v2, c->bm3, v2, c->bm4);
    s2[ln - 4] -= ema(s2[ln - 3], c->d1, s2[ln - 2], c->d2, s2[ln - 1], c->d3, v2, c->bm4);
    for (size_t i = ln - 4; i > 0; i--) {
        s2[i - 1] = ema(data[i], c->m1, data[i + 1], c->m2, data[i + 2], c->m3, data[i + 3], c->m4);
        s2[i - 1] -= ema(s2[i], c->d1, s2[i + 1], c->d2, s2[i + 2], c->d3, s2[i + 3], c->d4);
    }
    for (size_t i = 0; i < ln; i++) out[i] += s2[i];
}

/* Line buffers: the line, the causal result and the anti-causal scratch. */
typedef struct rg_lines {
    double *line, *res, *s2;
} rg_lines;

/* Strides of dims n (x fastest) and the two axes other than a, ascending. */
static void strides_of(const size_t n[3], size_t st[3]) {
    st[0] = 1;
    st[1] = n[0];
    st[2] = n[0] * n[1];
}
static void other_axes(int a, int *b, int *e) {
    *b = a == 0 ? 1 : 0;
    *e = a == 2 ? 1 : 2;
}

/* A float array on dims n filtered along axis a (whole lines, read as double) into a
 * new float array keeping indices [keep_lo, keep_lo + keep_n) along a. */
static float *filter_axis(const float *in, const size_t n[3], int a, const rg_coef *c,
                          size_t keep_lo, size_t keep_n, const rg_lines *w) {
    size_t m[3] = {n[0], n[1], n[2]}, st[3], ost[3];
    m[a] = keep_n;
    float *out = malloc(m[0] * m[1] * m[2] * sizeof *out);
    if (!out) return NULL;
    strides_of(n, st);
    strides_of(m, ost);
    int b, e;
    other_axes(a, &b, &e);
    for (size_t v = 0; v < n[e]; v++)
        for (size_t u = 0; u < n[b]; u++) {
            const float *src = in + u * st[b] + v * st[e];
            float *dst = out + u * ost[b] + v * ost[e];
            for (size_t i = 0; i < n[a]; i++) w->line[i] = src[i * st[a]];
            rg_line(c, w->line, w->res, w->s2, n[a]);
            for (size_t i = 0; i < keep_n; i++) dst[i * ost[a]] = (float)w->res[keep_lo + i];
        }
    return out;
}

/* The first filter of a term, along axis a of the image itself (pixels read as
 * double, as ITK's RealType), keeping [keep_lo, keep_lo + keep_n) along a. The image
 * is read a slab at a time: rows (a = x), z slices (a = y) or x-z planes (a = z). */
static float *filter_image(const qib__imgt_ctx *c, int a, const rg_coef *coef, size_t keep_lo,
                           size_t keep_n, const rg_lines *w) {
    const size_t *d = c->grid->dim;
    size_t m[3] = {d[0], d[1], d[2]}, ost[3];
    m[a] = keep_n;
    strides_of(m, ost);
    float *out = malloc(m[0] * m[1] * m[2] * sizeof *out);
    size_t slab_n = a == 0 ? d[0] : a == 1 ? d[0] * d[1] : d[0] * d[2];
    double *slab = malloc(slab_n * sizeof *slab);
    if (!out || !slab) {
        free(out);
        free(slab);
        return NULL;
    }
    int b, e;
    other_axes(a, &b, &e);
    for (size_t v = 0; v < d[e]; v++) {
        /* the slab: every voxel with index v along axis e, x fastest */
        size_t lines = d[b];
        if (a == 1) /* slice z = v: d[0] x d[1] */
            qib__imgt_read(c->image, v * d[0] * d[1], d[0] * d[1], slab);
        if (a == 2) /* plane y = v: rows (v, k) for every k */
            for (size_t k = 0; k < d[2]; k++)
                qib__imgt_read(c->image, (k * d[1] + v) * d[0], d[0], slab + k * d[0]);
        for (size_t u = 0; u < lines; u++) {
            const double *src;
            size_t step;
            if (a == 0) { /* b = y, e = z: one row */
                qib__imgt_read(c->image, (v * d[1] + u) * d[0], d[0], slab);
                src = slab;
                step = 1;
            } else {      /* b = x: a column of the slab */
                src = slab + u;
                step = d[0];
            }
            for (size_t i = 0; i < d[a]; i++) w->line[i] = src[i * step];
            rg_line(coef, w->line, w->res, w->s2, d[a]);
            float *dst = out + u * ost[b] + v * ost[e];
            for (size_t i = 0; i < keep_n; i++) dst[i * ost[a]] = (float)w->res[keep_lo + i];
        }
    }
    free(slab);
    return out;
}

/* The LoG of one sigma on the output box of c, as doubles (box order). Term d is
 * S_k(S_j(D2_d(image))) with j < k the other axes, in ITK's order; each pass keeps
 * only the box range of its axis. */
static qib_status log_box(const qib__imgt_ctx *c, double sigma, double *result,
                          qib_error *err) {
    const size_t *d = c->grid->dim;
    const double *sp = c->grid->spacing;
    const qib_box *b = &c->box;
    rg_coef der[3], smo[3];
    for (int a = 0; a < 3; a++) {
        rg_setup(sigma, sp[a], 2, &der[a]);
        rg_setup(sigma, sp[a], 0, &smo[a]);
    }
    size_t maxn = d[0] > d[1] ? d[0] : d[1];
    if (d[2] > maxn) maxn = d[2];
    double *buf = malloc(3 * maxn * sizeof *buf);
    if (!buf) return qib__nomem(err, NULL, "the LoG filter");
    rg_lines w = {buf, buf + maxn, buf + 2 * maxn};
    size_t nb = b->size[0] * b->size[1] * b->size[2];
    for (size_t i = 0; i < nb; i++) result[i] = 0;
    float *acc = calloc(nb, sizeof *acc);
    qib_status st = acc ? QIB_OK : qib__nomem(err, NULL, "the LoG filter");
    for (int t = 0; t < 3 && st == QIB_OK; t++) {
        int j, k;
        other_axes(t, &j, &k);
        size_t n1[3] = {d[0], d[1], d[2]};
        n1[t] = b->size[t];
        float *p1 = filter_image(c, t, &der[t], b->lo[t], b->size[t], &w);
        size_t n2[3] = {n1[0], n1[1], n1[2]};
        n2[j] = b->size[j];
        float *p2 = p1 ? filter_axis(p1, n1, j, &smo[j], b->lo[j], b->size[j], &w) : NULL;
        float *p3 = p2 ? filter_axis(p2, n2, k, &smo[k], b->lo[k], b->size[k], &w) : NULL;
        if (p3) {
            double inv = 1.0 / (sp[t] * sp[t]);
            for (size_t i = 0; i < nb; i++) acc[i] = (float)(acc[i] + p3[i] * inv);
        } else {
            st = qib__nomem(err, NULL, "the LoG filter");
        }
        free(p1);
        free(p2);
        free(p3);
    }
    if (st == QIB_OK)
        for (size_t i = 0; i < nb; i++) result[i] = acc[i];
    free(acc);
    free(buf);
    return st;
}

qib_status qib__imgt_log(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    double sig[QIB_IMGT_LIST_MAX];
    char txt[QIB_IMGT_LIST_MAX][32];
    size_t ns = 0;
    QIB_FORWARD(qib__imgt_number_list(c, "sigma", sig, txt, QIB_IMGT_LIST_MAX, &ns, err));
    for (size_t i = 0; i < ns; i++)
        QIB_FAIL_IF(!(sig[i] > 0), err, QIB_ERR_ARG, NULL, -1, "sigma",
                    "sigma %s is not > 0", txt[i]);
    const size_t *d = c->grid->dim;
    if (d[0] < 4 || d[1] < 4 || d[2] < 4) return QIB_OK; /* PyRadiomics: too small */
    size_t nb = c->box.size[0] * c->box.size[1] * c->box.size[2];
    for (size_t i = 0; i < ns; i++) {
        bool fits = true;
        for (int a = 0; a < 3; a++)
            if ((double)d[a] < ceil(sig[i] / c->grid->spacing[a]) + 1) fits = false;
        if (!fits) continue; /* PyRadiomics skips this sigma with a warning */
        double *v = malloc(nb * sizeof *v);
        if (!v) return qib__nomem(err, NULL, "a LoG image");
        qib_status st = log_box(c, sig[i], v, err);
        qib_volume *vol = NULL;
        if (st == QIB_OK) st = qib__imgt_box_volume(c, v, false, &vol, err);
        free(v);
        QIB_FORWARD(st);
        char name[64];
        char s[32];
        snprintf(s, sizeof s, "%s", txt[i]);
        for (char *p = s; *p; p++)
            if (*p == '.') *p = '-';
        snprintf(name, sizeof name, "log-sigma-%s-mm-3D", s);
        QIB_FORWARD(qib__imgt_push(out, name, vol, err));
    }
    return QIB_OK;
}
