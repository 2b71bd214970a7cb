/* SPDX-License-Identifier: Apache-2.0 */
/* log.c: the Laplacian of Gaussian filter (IBSI 2, "Laplacian of Gaussian
 * filter", code L6PA), optionally Riesz-transformed.
 *
 * IBSI 2 defines the d-dimensional kernel, in voxel units, as
 *     h(x) = -1/s^2 * (1 / (sqrt(2 pi) s))^d * (d - |x|^2 / s^2) * exp(-|x|^2 / (2 s^2)),
 * the Laplacian of the normalised Gaussian G of deviation s, with s = sigma
 * / spacing, sampled at the voxel centres of a cube of half-width
 *     R = floor(truncation * s + 0.5)
 * (truncation 4 in IBSI 2's tests) and not renormalised: test 2.a's centre
 * value, -6.396 = 255 * h(0) for s = 1.5, is the analytic one. Because
 *     h(x) = sum_a G''(x_a) prod_{b != a} G(x_b),
 *     G(t) = exp(-t^2 / (2 s^2)) / (sqrt(2 pi) s),  G''(t) = G(t) (t^2/s^4 - 1/s^2),
 * the filter runs as d separable terms of d 1D passes each: d^2 (2R+1)
 * products per voxel instead of (2R+1)^d. On an anisotropic grid each axis
 * has its own s_a = sigma / spacing_a and R_a (the Laplacian is taken in
 * voxel coordinates, which is IBSI 2's kernel when the grid is isotropic). */
#include <math.h>
#include <stdlib.h>

#include "filter.h"

typedef struct log_params {
    int dims;
    double s[3];     /* deviation per axis, voxels */
    size_t R[3];     /* half-width per axis, voxels */
    qib__bc bc;
    int has_riesz;
    qib__riesz riesz;
    long margin;
} log_params;

static qib_status read_params(const qib_filter_spec *s, const double sp[3], log_params *p,
                              qib_error *err) {
    double sigma = qib__spec_num(s, "sigma"), trunc = qib__spec_num(s, "truncation");
    p->dims = qib__spec_choice(s, "dim") == QIB__DIM_3D ? 3 : 2;
    p->bc = (qib__bc)qib__spec_choice(s, "boundary");
    p->margin = (long)qib__spec_num(s, "margin");
    for (int a = 0; a < 3; a++) {
        p->s[a] = sigma / sp[a];
        double r = floor(trunc * p->s[a] + 0.5);
        if (a < p->dims && r > QIB__FILTER_MAX_RADIUS)
            return qib__spec_fail(s, "sigma", err,
                                  "sigma %g mm with truncation %g is a kernel half-width of "
                                  "%.0f voxels along axis %d; at most %d allowed",
                                  sigma, trunc, r, a, QIB__FILTER_MAX_RADIUS);
        p->R[a] = a < p->dims ? (size_t)r : 0;
    }
    return qib__riesz_parse(s, "riesz", p->dims, &p->riesz, &p->has_riesz, err);
}

qib_status qib__log_check(const qib_filter_spec *s, qib_error *err) {
    qib__riesz r;
    int present;
    return qib__riesz_parse(s, "riesz", qib__spec_choice(s, "dim") == QIB__DIM_3D ? 3 : 2, &r,
                            &present, err);
}

qib_status qib__log_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                            size_t margin[3], int *global, qib_error *err) {
    log_params p;
    QIB_FORWARD(read_params(s, sp, &p, err));
    for (int a = 0; a < 3; a++) margin[a] = p.R[a];
    *global = p.has_riesz;
    return QIB_OK;
}

/* G (second = 0) or G'' (second = 1) sampled at t = -R..R. */
static void gauss_kernel(double s, size_t R, int second, double *k) {
    double norm = 1.0 / (sqrt(2.0 * QIB__PI) * s);
    for (size_t m = 0; m <= 2 * R; m++) {
        double t = (double)m - (double)R, g = norm * exp(-t * t / (2.0 * s * s));
        k[m] = second ? g * (t * t / (s * s * s * s) - 1.0 / (s * s)) : g;
    }
}

/* The sum over axes a of (G'' along a, G along the others), sharing passes:
 *   3D: A = Gz f, B = G''z f; C = Gy A, D = G''y A + Gy B; out = G''x C + Gx D
 *   2D:                       C = Gy f, D = G''y f;        out = G''x C + Gx D
 * (7 or 4 passes instead of 9 or 4). */
static qib_status log_spatial(qib__img *img, const log_params *p, qib_error *err) {
    size_t total = qib__img_count(img), klen = 0;
    for (int a = 0; a < p->dims; a++)
        if (2 * p->R[a] + 1 > klen) klen = 2 * p->R[a] + 1;
    double *g = malloc(3 * klen * sizeof(double)), *g2 = malloc(3 * klen * sizeof(double));
    qib__img A = {NULL, {0, 0, 0}, {0, 0, 0}}, B = A, C = A, D = A;
    qib_status st = QIB_OK;
    if (!g || !g2) {
        st = qib__nomem(err, NULL, "a LoG kernel");
        goto done;
    }
    qib__kernel1d G[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
    qib__kernel1d G2[3] = {G[0], G[1], G[2]};
    for (int a = 0; a < p->dims; a++) {
        gauss_kernel(p->s[a], p->R[a], 0, g + a * klen);
        gauss_kernel(p->s[a], p->R[a], 1, g2 + a * klen);
        G[a] = (qib__kernel1d){g + a * klen, 2 * p->R[a] + 1, p->R[a]};
        G2[a] = (qib__kernel1d){g2 + a * klen, 2 * p->R[a] + 1, p->R[a]};
    }
    if ((st = qib__img_copy(img, &A, err))) goto done;
    if (p->dims == 3) {
        if ((st = qib__img_copy(img, &B, err))) goto done;
        if ((st = qib__conv_axis(&A, 2, G[2], p->bc, err))) goto done;
        if ((st = qib__conv_axis(&B, 2, G2[2], p->bc, err))) goto done;
        if ((st = qib__conv_axis(&B, 1, G[1], p->bc, err))) goto done;
    }
    if ((st = qib__img_copy(&A, &C, err))) goto done;
    if ((st = qib__conv_axis(&C, 1, G[1], p->bc, err))) goto done;
    D = A; /* D takes over A's block */
    A.v = NULL;
    if ((st = qib__conv_axis(&D, 1, G2[1], p->bc, err))) goto done;
    if (p->dims == 3)
        for (size_t i = 0; i < total; i++) D.v[i] += B.v[i];
    if ((st = qib__conv_axis(&C, 0, G2[0], p->bc, err))) goto done;
    if ((st = qib__conv_axis(&D, 0, G[0], p->bc, err))) goto done;
    for (size_t i = 0; i < total; i++) img->v[i] = C.v[i] + D.v[i];
done:
    qib__img_free(&A);
    qib__img_free(&B);
    qib__img_free(&C);
    qib__img_free(&D);
    free(g);
    free(g2);
    return st;
}

/* Per-axis transforms of the sampled 1D kernels on the DFT grid of the
 * padded block: Ghat(w) = G(0) + 2 sum_{t=1..R} G(t) cos(w t) (G is even,
 * so Ghat is real), likewise for G''. */
typedef struct log_fourier {
    const log_params *p;
    double *gh[3], *g2h[3];
} log_fourier;

static void log_riesz_transfer(const double w[3], const size_t q[3], const void *ctx,
                               double out[2]) {
    const log_fourier *f = ctx;
    double h = 0.0;
    for (int a = 0; a < f->p->dims; a++) {
        double term = f->g2h[a][q[a]];
        for (int b = 0; b < f->p->dims; b++)
            if (b != a) term *= f->gh[b][q[b]];
        h += term;
    }
    out[0] = h;
    out[1] = 0.0;
    qib__riesz_apply_at(&f->p->riesz, w, out);
}

/* Riesz-transformed LoG, in the Fourier domain: the image is extended by
 * the margin under the boundary condition (fft.c) and its spectrum is
 * multiplied by the transform of the sampled LoG kernel and by the Riesz
 * transfer function. The LoG then acts circularly on the extended block,
 * which differs from the boundary-extended convolution only within R of
 * the block's outer edge, `margin` (>= R) voxels away from the image. */
static qib_status log_riesz(qib__img *img, const log_params *p, qib_error *err) {
    size_t margin[3], pad[3], N[3];
    for (int a = 0; a < 3; a++)
        margin[a] = a < p->dims ? qib__fft_margin(p->margin, img->n[a], p->R[a]) : 0;
    qib__fft_block(img->n, p->dims, margin, p->bc, pad, N);
    log_fourier f = {p, {NULL, NULL, NULL}, {NULL, NULL, NULL}};
    size_t klen = 0;
    for (int a = 0; a < p->dims; a++)
        if (2 * p->R[a] + 1 > klen) klen = 2 * p->R[a] + 1;
    double *k = malloc(2 * klen * sizeof(double));
    qib_status st = QIB_OK;
    if (!k) st = qib__nomem(err, NULL, "a LoG kernel");
    for (int a = 0; a < p->dims && st == QIB_OK; a++) {
        f.gh[a] = malloc(N[a] * sizeof(double));
        f.g2h[a] = malloc(N[a] * sizeof(double));
        if (!f.gh[a] || !f.g2h[a]) {
            st = qib__nomem(err, NULL, "LoG transforms");
            break;
        }
        gauss_kernel(p->s[a], p->R[a], 0, k);
        gauss_kernel(p->s[a], p->R[a], 1, k + klen);
        for (size_t q = 0; q < N[a]; q++) {
            double w = qib__freq(QIB__GRID_DFT, q, N[a]);
            double s0 = k[p->R[a]], s2 = k[klen + p->R[a]];
            for (size_t t = 1; t <= p->R[a]; t++) {
                double c = 2.0 * cos(w * (double)t);
                s0 += c * k[p->R[a] + t];
                s2 += c * k[klen + p->R[a] + t];
            }
            f.gh[a][q] = s0;
            f.g2h[a][q] = s2;
        }
    }
    if (st == QIB_OK)
        st = qib__fft_filter(img, p->dims, margin, p->bc, QIB__GRID_DFT, log_riesz_transfer, &f,
                             err);
    for (int a = 0; a < 3; a++) {
        free(f.gh[a]);
        free(f.g2h[a]);
    }
    free(k);
    return st;
}

qib_status qib__log_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    log_params p;
    QIB_FORWARD(read_params(s, img->sp, &p, err));
    return p.has_riesz ? log_riesz(img, &p, err) : log_spatial(img, &p, err);
}
