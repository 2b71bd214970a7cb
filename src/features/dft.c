/* SPDX-License-Identifier: Apache-2.0 */
/* dft.c: mixed-radix FFT of many columns at once (see dft.h).
 *
 * Stockham's self-sorting FFT, decimation in time (Van Loan, "Computational
 * Frameworks for the Fast Fourier Transform", 1992, section 1.7). With
 * n = R_1 R_2 ... R_S, stage s (radix R = R_s, L = R_1 ... R_{s-1} the
 * length of the transforms already done, T = n / R) maps x to y by
 *     for i < T, with k = i mod L and j = (i - k) R + k:
 *         u_r = x_{i + r T} exp(-2 pi i r k / (L R)),   r < R
 *         y_{j + q L} = sum_r u_r exp(-2 pi i q r / R),  q < R
 * and after the last stage y holds X in natural order. Each stage reads one
 * buffer and writes the other; here every load and store is a run of
 * adjacent columns, so the inner loops are over columns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dft.h"

#define PI 3.14159265358979323846

size_t qib__dft_good_size(size_t n) {
    for (size_t m = n > 1 ? n : 1;; m++) {
        size_t r = m;
        while (r % 2 == 0) r /= 2;
        while (r % 3 == 0) r /= 3;
        while (r % 5 == 0) r /= 5;
        if (r == 1) return m;
    }
}

qib_status qib__dft_init(qib_dft *p, size_t n, qib_error *err) {
    memset(p, 0, sizeof *p);
    QIB_FAIL_IF(n == 0, err, QIB_ERR_ARG, NULL, -1, "dft", "transform length 0");
    p->n = n;
    size_t m = n;
    /* radix 8 and 4 first (fewest passes), then the rest */
    while (m % 8 == 0) p->radix[p->n_stages++] = 8, m /= 8;
    while (m % 4 == 0) p->radix[p->n_stages++] = 4, m /= 4;
    while (m % 2 == 0) p->radix[p->n_stages++] = 2, m /= 2;
    while (m % 3 == 0) p->radix[p->n_stages++] = 3, m /= 3;
    while (m % 5 == 0) p->radix[p->n_stages++] = 5, m /= 5;
    QIB_FAIL_IF(m != 1, err, QIB_ERR_ARG, NULL, -1, "dft",
                "transform length %zu is not a product of 2, 3 and 5", n);
    size_t total = 0, len = 1;
    for (int s = 0; s < p->n_stages; s++) {
        p->tw_at[s] = total;
        total += len * (size_t)p->radix[s];
        len *= (size_t)p->radix[s];
    }
    size_t ns;
    p->tw = malloc(2 * (total ? total : 1) * sizeof *p->tw);
    p->scratch = qib__mul_ok(n, 4 * QIB_DFT_PITCH, &ns) && ns < SIZE_MAX / 2
                     ? malloc((ns + 4 * 64 + 32) * sizeof *p->scratch)
                     : NULL;
    p->zero = calloc(QIB_DFT_BLOCK, sizeof *p->zero);
    if (!p->tw || !p->scratch || !p->zero) {
        qib__dft_free(p);
        return qib__nomem(err, NULL, "Fourier transform tables");
    }
    len = 1;
    for (int s = 0; s < p->n_stages; s++) {
        size_t r_n = (size_t)p->radix[s], lr = len * r_n;
        double *w = p->tw + 2 * p->tw_at[s];
        for (size_t k = 0; k < len; k++)
            for (size_t r = 0; r < r_n; r++) {
                double a = -2.0 * PI * (double)(r * k) / (double)lr;
                w[2 * (k * r_n + r)] = cos(a);
                w[2 * (k * r_n + r) + 1] = sin(a);
            }
        len = lr;
    }
    return QIB_OK;
}

void qib__dft_free(qib_dft *p) {
    if (!p) return;
    free(p->tw);
    free(p->scratch);
    free(p->zero);
    memset(p, 0, sizeof *p);
}

/* u = x * w (complex), for a run of B columns. */
#define TWIDDLE(ur, ui, xr, xi, wr, wi)                                                     \
    double ur = (xr) * (wr) - (xi) * (wi), ui = (xr) * (wi) + (xi) * (wr)

/* The butterflies, on B adjacent columns. Every pointer is a separate
 * parameter marked restrict, so the compiler vectorises the loops without
 * run-time overlap checks (inputs may coincide: they are only read). w
 * holds the twiddles of inputs 1.. as (re, im) pairs. */

/* Radix 2: y_0 = u_0 + u_1, y_1 = u_0 - u_1. */
static void bfly2(size_t B, const double *restrict x0r, const double *restrict x0i,
                  const double *restrict x1r, const double *restrict x1i, double *restrict y0r,
                  double *restrict y0i, double *restrict y1r, double *restrict y1i,
                  const double *w) {
    double w1r = w[0], w1i = w[1];
    for (size_t b = 0; b < B; b++) {
        TWIDDLE(u1r, u1i, x1r[b], x1i[b], w1r, w1i);
        y0r[b] = x0r[b] + u1r, y0i[b] = x0i[b] + u1i;
        y1r[b] = x0r[b] - u1r, y1i[b] = x0i[b] - u1i;
    }
}

/* Radix 3: y_1 = u0 - (u1 + u2)/2 - i sin(2 pi/3) (u1 - u2), y_2 its mirror. */
static void bfly3(size_t B, const double *restrict x0r, const double *restrict x0i,
                  const double *restrict x1r, const double *restrict x1i,
                  const double *restrict x2r, const double *restrict x2i, double *restrict y0r,
                  double *restrict y0i, double *restrict y1r, double *restrict y1i,
                  double *restrict y2r, double *restrict y2i, const double *w) {
    const double h = 0.86602540378443864676;
    double w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3];
    for (size_t b = 0; b < B; b++) {
        double u0r = x0r[b], u0i = x0i[b];
        TWIDDLE(u1r, u1i, x1r[b], x1i[b], w1r, w1i);
        TWIDDLE(u2r, u2i, x2r[b], x2i[b], w2r, w2i);
        double sr = u1r + u2r, si = u1i + u2i, dr = u1r - u2r, di = u1i - u2i;
        double tr = u0r - 0.5 * sr, ti = u0i - 0.5 * si;
        y0r[b] = u0r + sr, y0i[b] = u0i + si;
        y1r[b] = tr + h * di, y1i[b] = ti - h * dr;
        y2r[b] = tr - h * di, y2i[b] = ti + h * dr;
    }
}

/* Radix 4: y_q = sum_r u_r (-i)^(q r). */
static void bfly4(size_t B, const double *restrict x0r, const double *restrict x0i,
                  const double *restrict x1r, const double *restrict x1i,
                  const double *restrict x2r, const double *restrict x2i,
                  const double *restrict x3r, const double *restrict x3i, double *restrict y0r,
                  double *restrict y0i, double *restrict y1r, double *restrict y1i,
                  double *restrict y2r, double *restrict y2i, double *restrict y3r,
                  double *restrict y3i, const double *w) {
    double w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5];
    for (size_t b = 0; b < B; b++) {
        double u0r = x0r[b], u0i = x0i[b];
        TWIDDLE(u1r, u1i, x1r[b], x1i[b], w1r, w1i);
        TWIDDLE(u2r, u2i, x2r[b], x2i[b], w2r, w2i);
        TWIDDLE(u3r, u3i, x3r[b], x3i[b], w3r, w3i);
        double s02r = u0r + u2r, s02i = u0i + u2i, d02r = u0r - u2r, d02i = u0i - u2i;
        double s13r = u1r + u3r, s13i = u1i + u3i, d13r = u1r - u3r, d13i = u1i - u3i;
        y0r[b] = s02r + s13r, y0i[b] = s02i + s13i;
        y2r[b] = s02r - s13r, y2i[b] = s02i - s13i;
        y1r[b] = d02r + d13i, y1i[b] = d02i - d13r;
        y3r[b] = d02r - d13i, y3i[b] = d02i + d13r;
    }
}

/* Radix 4 with u_2 = u_3 = 0 and no twiddles (zero-padded first stage):
 * y_q = u_0 + (-i)^q u_1. */
static void bfly4_half(size_t B, const double *restrict x0r, const double *restrict x0i,
                       const double *restrict x1r, const double *restrict x1i,
                       double *restrict y0r, double *restrict y0i, double *restrict y1r,
                       double *restrict y1i, double *restrict y2r, double *restrict y2i,
                       double *restrict y3r, double *restrict y3i) {
    for (size_t b = 0; b < B; b++) {
        double u0r = x0r[b], u0i = x0i[b], u1r = x1r[b], u1i = x1i[b];
        y0r[b] = u0r + u1r, y0i[b] = u0i + u1i;
        y2r[b] = u0r - u1r, y2i[b] = u0i - u1i;
        y1r[b] = u0r + u1i, y1i[b] = u0i - u1r;
        y3r[b] = u0r - u1i, y3i[b] = u0i + u1r;
    }
}

/* Radix 8 as two radix-4 halves: E = DFT4(u0, u2, u4, u6),
 * O = DFT4(u1, u3, u5, u7), y_q = E_q + h^q O_q and y_{q+4} = E_q - h^q O_q
 * with h = exp(-i pi/4). With half set, u4..u7 are zero (zero-padded first
 * stage, no twiddles) and are not read. */
static inline void bfly8_core(size_t B, const double *restrict x0r, const double *restrict x0i,
                              const double *restrict x1r, const double *restrict x1i,
                              const double *restrict x2r, const double *restrict x2i,
                              const double *restrict x3r, const double *restrict x3i,
                              const double *restrict x4r, const double *restrict x4i,
                              const double *restrict x5r, const double *restrict x5i,
                              const double *restrict x6r, const double *restrict x6i,
                              const double *restrict x7r, const double *restrict x7i,
                              double *restrict y0r, double *restrict y0i, double *restrict y1r,
                              double *restrict y1i, double *restrict y2r, double *restrict y2i,
                              double *restrict y3r, double *restrict y3i, double *restrict y4r,
                              double *restrict y4i, double *restrict y5r, double *restrict y5i,
                              double *restrict y6r, double *restrict y6i, double *restrict y7r,
                              double *restrict y7i, const double *w, bool half) {
    const double h = 0.70710678118654752440;
    double w1r = 1, w1i = 0, w2r = 1, w2i = 0, w3r = 1, w3i = 0, w4r = 1, w4i = 0;
    double w5r = 1, w5i = 0, w6r = 1, w6i = 0, w7r = 1, w7i = 0;
    if (!half) {
        w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5];
        w4r = w[6], w4i = w[7], w5r = w[8], w5i = w[9], w6r = w[10], w6i = w[11];
        w7r = w[12], w7i = w[13];
    }
#define BFLY8_TAIL                                                                          \
    double a04r = u0r + u4r, a04i = u0i + u4i, s04r = u0r - u4r, s04i = u0i - u4i;          \
    double a26r = u2r + u6r, a26i = u2i + u6i, s26r = u2r - u6r, s26i = u2i - u6i;          \
    double e0r = a04r + a26r, e0i = a04i + a26i, e2r = a04r - a26r, e2i = a04i - a26i;      \
    double e1r = s04r + s26i, e1i = s04i - s26r, e3r = s04r - s26i, e3i = s04i + s26r;      \
    double a15r = u1r + u5r, a15i = u1i + u5i, s15r = u1r - u5r, s15i = u1i - u5i;          \
    double a37r = u3r + u7r, a37i = u3i + u7i, s37r = u3r - u7r, s37i = u3i - u7i;          \
    double o0r = a15r + a37r, o0i = a15i + a37i, o2r = a15r - a37r, o2i = a15i - a37i;      \
    double o1r = s15r + s37i, o1i = s15i - s37r, o3r = s15r - s37i, o3i = s15i + s37r;      \
    double p1r = h * (o1r + o1i), p1i = h * (o1i - o1r);                                    \
    double p2r = o2i, p2i = -o2r;                                                           \
    double p3r = h * (o3i - o3r), p3i = -h * (o3r + o3i);                                   \
    y0r[b] = e0r + o0r, y0i[b] = e0i + o0i, y4r[b] = e0r - o0r, y4i[b] = e0i - o0i;         \
    y1r[b] = e1r + p1r, y1i[b] = e1i + p1i, y5r[b] = e1r - p1r, y5i[b] = e1i - p1i;         \
    y2r[b] = e2r + p2r, y2i[b] = e2i + p2i, y6r[b] = e2r - p2r, y6i[b] = e2i - p2i;         \
    y3r[b] = e3r + p3r, y3i[b] = e3i + p3i, y7r[b] = e3r - p3r, y7i[b] = e3i - p3i
    /* E from the even inputs, O from the odd ones (radix-4 butterflies);
     * h^1 o1 = h (o1r + o1i) + i h (o1i - o1r), h^2 o2 = -i o2,
     * h^3 o3 = h (o3i - o3r) - i h (o3r + o3i) */
    if (half) {
        for (size_t b = 0; b < B; b++) {
            double u0r = x0r[b], u0i = x0i[b], u1r = x1r[b], u1i = x1i[b];
            double u2r = x2r[b], u2i = x2i[b], u3r = x3r[b], u3i = x3i[b];
            double u4r = 0, u4i = 0, u5r = 0, u5i = 0, u6r = 0, u6i = 0, u7r = 0, u7i = 0;
            BFLY8_TAIL;
        }
        return;
    }
    for (size_t b = 0; b < B; b++) {
        double u0r = x0r[b], u0i = x0i[b];
        TWIDDLE(u1r, u1i, x1r[b], x1i[b], w1r, w1i);
        TWIDDLE(u2r, u2i, x2r[b], x2i[b], w2r, w2i);
        TWIDDLE(u3r, u3i, x3r[b], x3i[b], w3r, w3i);
        TWIDDLE(u4r, u4i, x4r[b], x4i[b], w4r, w4i);
        TWIDDLE(u5r, u5i, x5r[b], x5i[b], w5r, w5i);
        TWIDDLE(u6r, u6i, x6r[b], x6i[b], w6r, w6i);
        TWIDDLE(u7r, u7i, x7r[b], x7i[b], w7r, w7i);
        BFLY8_TAIL;
    }
#undef BFLY8_TAIL
}

/* Radix 5, with c1 = cos(2 pi/5), c2 = cos(4 pi/5), s1 = sin(2 pi/5),
 * s2 = sin(4 pi/5):
 *   y_1,4 = u0 + c1 (u1 + u4) + c2 (u2 + u3) -+ i (s1 (u1 - u4) + s2 (u2 - u3))
 *   y_2,3 = u0 + c2 (u1 + u4) + c1 (u2 + u3) -+ i (s2 (u1 - u4) - s1 (u2 - u3)) */
static void bfly5(size_t B, const double *restrict x0r, const double *restrict x0i,
                  const double *restrict x1r, const double *restrict x1i,
                  const double *restrict x2r, const double *restrict x2i,
                  const double *restrict x3r, const double *restrict x3i,
                  const double *restrict x4r, const double *restrict x4i, double *restrict y0r,
                  double *restrict y0i, double *restrict y1r, double *restrict y1i,
                  double *restrict y2r, double *restrict y2i, double *restrict y3r,
                  double *restrict y3i, double *restrict y4r, double *restrict y4i,
                  const double *w) {
    const double c1 = 0.30901699437494742410, c2 = -0.80901699437494742410;
    const double s1 = 0.95105651629515357212, s2 = 0.58778525229247312917;
    double w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3];
    double w3r = w[4], w3i = w[5], w4r = w[6], w4i = w[7];
    for (size_t b = 0; b < B; b++) {
        double u0r = x0r[b], u0i = x0i[b];
        TWIDDLE(u1r, u1i, x1r[b], x1i[b], w1r, w1i);
        TWIDDLE(u2r, u2i, x2r[b], x2i[b], w2r, w2i);
        TWIDDLE(u3r, u3i, x3r[b], x3i[b], w3r, w3i);
        TWIDDLE(u4r, u4i, x4r[b], x4i[b], w4r, w4i);
        double s14r = u1r + u4r, s14i = u1i + u4i, d14r = u1r - u4r, d14i = u1i - u4i;
        double s23r = u2r + u3r, s23i = u2i + u3i, d23r = u2r - u3r, d23i = u2i - u3i;
        double t1r = u0r + c1 * s14r + c2 * s23r, t1i = u0i + c1 * s14i + c2 * s23i;
        double t2r = u0r + c2 * s14r + c1 * s23r, t2i = u0i + c2 * s14i + c1 * s23i;
        double v1r = s1 * d14r + s2 * d23r, v1i = s1 * d14i + s2 * d23i;
        double v2r = s2 * d14r - s1 * d23r, v2i = s2 * d14i - s1 * d23i;
        y0r[b] = u0r + s14r + s23r, y0i[b] = u0i + s14i + s23i;
        y1r[b] = t1r + v1i, y1i[b] = t1i - v1r;
        y4r[b] = t1r - v1i, y4i[b] = t1i + v1r;
        y2r[b] = t2r + v2i, y2i[b] = t2i - v2r;
        y3r[b] = t2r - v2i, y3i[b] = t2i + v2r;
    }
}

/* One stage on B columns: x (row stride sx) -> y (row stride sy), with
 * L = the length already transformed (twiddles tw: L groups of R (re, im)
 * pairs). Input rows >= live are zero (zero-padding; only in the first
 * stage): they are read from `zero`, or, for radix 4 with only two live
 * inputs and radix 2 or 4 with one, skipped. */
static void stage(const double *xr, const double *xi, size_t sx, double *yr, double *yi,
                  size_t sy, size_t n, size_t B, size_t L, int R, const double *tw,
                  size_t live, const double *zero) {
    size_t T = n / (size_t)R;
    const double *ar[8], *ai[8];
    double *or_[8], *oi[8];
    for (size_t i0 = 0; i0 < T; i0 += L)
        for (size_t k = 0; k < L; k++) {
            size_t i = i0 + k, j = i0 * (size_t)R + k, nlive = 0;
            for (int r = 0; r < R; r++) {
                size_t t = i + (size_t)r * T;
                nlive += t < live;
                ar[r] = t < live ? xr + t * sx : zero;
                ai[r] = t < live ? xi + t * sx : zero;
                or_[r] = yr + (j + (size_t)r * L) * sy;
                oi[r] = yi + (j + (size_t)r * L) * sy;
            }
            const double *w = tw + 2 * k * (size_t)R + 2; /* skip r = 0 (w = 1) */
            if (nlive <= 1 && L == 1) { /* y_q = u_0 for every q */
                for (int r = 0; r < R; r++) {
                    memcpy(or_[r], ar[0], B * sizeof *yr);
                    memcpy(oi[r], ai[0], B * sizeof *yi);
                }
            } else if (R == 8) {
                bool half = nlive <= 4 && L == 1; /* rows i + 4T.. are zero-padding */
                bfly8_core(B, ar[0], ai[0], ar[1], ai[1], ar[2], ai[2], ar[3], ai[3], ar[4], ai[4],
                           ar[5], ai[5], ar[6], ai[6], ar[7], ai[7], or_[0], oi[0], or_[1],
                           oi[1], or_[2], oi[2], or_[3], oi[3], or_[4], oi[4], or_[5], oi[5],
                           or_[6], oi[6], or_[7], oi[7], w, half);
            } else if (R == 4 && nlive == 2 && L == 1) {
                bfly4_half(B, ar[0], ai[0], ar[1], ai[1], or_[0], oi[0], or_[1], oi[1], or_[2],
                           oi[2], or_[3], oi[3]);
            } else if (R == 4) {
                bfly4(B, ar[0], ai[0], ar[1], ai[1], ar[2], ai[2], ar[3], ai[3], or_[0], oi[0],
                      or_[1], oi[1], or_[2], oi[2], or_[3], oi[3], w);
            } else if (R == 2) {
                bfly2(B, ar[0], ai[0], ar[1], ai[1], or_[0], oi[0], or_[1], oi[1], w);
            } else if (R == 3) {
                bfly3(B, ar[0], ai[0], ar[1], ai[1], ar[2], ai[2], or_[0], oi[0], or_[1], oi[1],
                      or_[2], oi[2], w);
            } else {
                bfly5(B, ar[0], ai[0], ar[1], ai[1], ar[2], ai[2], ar[3], ai[3], ar[4], ai[4],
                      or_[0], oi[0], or_[1], oi[1], or_[2], oi[2], or_[3], oi[3], or_[4], oi[4],
                      w);
            }
        }
}

void qib__dft_columns(qib_dft *p, double *re, double *im, size_t stride, size_t cols,
                      size_t live) {
    size_t n = p->n;
    if (live > n) live = n;
    if (p->n_stages == 0) { /* n = 1: X_0 = x_0 */
        if (live == 0) memset(re, 0, cols * sizeof *re), memset(im, 0, cols * sizeof *im);
        return;
    }
    /* scratch rows QIB_DFT_PITCH apart and the four buffers staggered, so
     * that the rows a butterfly touches do not sit a multiple of 4 KiB apart
     * (loads would wait on unrelated stores: "4K aliasing") */
    size_t sz = n * QIB_DFT_PITCH + 64;
    double *s[2][2] = {{p->scratch, p->scratch + sz + 8},
                       {p->scratch + 2 * sz + 16, p->scratch + 3 * sz + 24}};
    for (size_t c0 = 0; c0 < cols; c0 += QIB_DFT_BLOCK) {
        size_t B = cols - c0 < QIB_DFT_BLOCK ? cols - c0 : QIB_DFT_BLOCK;
        const double *xr = re + c0, *xi = im + c0;
        size_t sx = stride, L = 1;
        int buf = 0;
        for (int st = 0; st < p->n_stages; st++) {
            int last = st == p->n_stages - 1 && st > 0;
            double *yr = last ? re + c0 : s[buf][0], *yi = last ? im + c0 : s[buf][1];
            size_t sy = last ? stride : QIB_DFT_PITCH;
            int R = p->radix[st];
            stage(xr, xi, sx, yr, yi, sy, n, B, L, R, p->tw + 2 * p->tw_at[st],
                  st == 0 ? live : n, p->zero);
            L *= (size_t)R;
            xr = yr, xi = yi, sx = sy;
            buf ^= 1;
        }
        if (p->n_stages == 1) /* the one stage wrote to scratch */
            for (size_t t = 0; t < n; t++) {
                memcpy(re + c0 + t * stride, s[0][0] + t * QIB_DFT_PITCH, B * sizeof *re);
                memcpy(im + c0 + t * stride, s[0][1] + t * QIB_DFT_PITCH, B * sizeof *im);
            }
    }
}
