/* SPDX-License-Identifier: Apache-2.0 */
/* spatial_autocorr.c: the sums behind Moran's I (IBSI N365) and Geary's C
 * (IBSI NPT7) for the morphology family.
 *
 * Over every ordered pair of distinct intensity-mask voxels p != q, with
 * weight w(p - q) = 1 / ||x_p - x_q|| (world distance) and z = X - mean:
 *   S0 = sum w,   SI = sum w z_p z_q,   SC = sum w (z_p - z_q)^2.
 * All pairs are used, as the IBSI defines them: no subsampling.
 *
 * The weight depends only on the index offset d = q - p, so with the
 * region's indicator m (1 inside), z (0 outside) and q = z^2 these are sums
 * over offsets of weighted lagged products (correlations),
 *   S0 = sum_d w(d) C_mm(d),  SI = sum_d w(d) C_zz(d),
 *   SC = 2 sum_d w(d) C_qm(d) - 2 SI   (w(d) = w(-d)),
 * with C_ab(d) = sum_p a_p b_{p+d} and w(0) = 0.
 *   - Small regions: a direct loop over pairs, one table load per pair
 *     (w tabulated per offset); see DIRECT_RATIO.
 *   - Larger regions: the same sums through the discrete Fourier transform,
 *     exact up to rounding (relative 1e-12 against the pair loop in
 *     tests/unit/test_morphology.c). On the region's bounding box (e_a
 *     voxels along axis a), zero-padded to n_a >= 2 e_a - 1 so that no
 *     offset wraps around, Parseval's theorem gives
 *         sum_d w(d) C_ab(d) = (1/N) sum_f W(f) Re(conj(A(f)) B(f)),
 *     N = n_0 n_1 n_2, capitals the transforms; W is real because w is even.
 *     The arrays are real, so only frequencies f_0 <= n_0/2 are needed
 *     (the rest mirror them); their 3D transforms skip the lines that are
 *     all zero-padding, and W (even along every axis) is computed from one
 *     octant of offsets. See sums_fft for the steps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dft.h"
#include "mesh.h"

/* The pair loop (n^2 / 2 steps for n voxels) is used when n^2 is at most
 * DIRECT_RATIO times the zero-padded grid the transforms would work on;
 * measured on spheres, the two cost the same at about 700 voxels. */
#define DIRECT_RATIO 32.0
/* Largest zero-padded grid n_0 n_1 n_2 the transform route accepts. */
#define FFT_MAX_POINTS ((size_t)1 << 28)

/* The voxels of the intensity mask: offsets from the bounding box corner
 * and z values. */
typedef struct {
    size_t n, lo[3], ext[3];
    size_t *pt; /* 3 per voxel */
    double *z;
} voxel_set;

static qib_status sums_direct(const voxel_set *vs, const double sp[3], double out[3],
                              qib_error *err) {
    size_t sx = 2 * vs->ext[0] - 1, sy = 2 * vs->ext[1] - 1, sz = 2 * vs->ext[2] - 1;
    double *w = malloc(sx * sy * sz * sizeof *w);
    int64_t *pos = malloc(vs->n * sizeof *pos);
    if (!w || !pos) {
        free(w);
        free(pos);
        return qib__nomem(err, NULL, "Moran's I weights");
    }
    for (size_t c = 0, t = 0; c < sz; c++)
        for (size_t b = 0; b < sy; b++)
            for (size_t a = 0; a < sx; a++, t++) {
                double dx = ((double)a - (double)(vs->ext[0] - 1)) * sp[0];
                double dy = ((double)b - (double)(vs->ext[1] - 1)) * sp[1];
                double dz = ((double)c - (double)(vs->ext[2] - 1)) * sp[2];
                double d2 = dx * dx + dy * dy + dz * dz;
                w[t] = d2 > 0 ? 1.0 / sqrt(d2) : 0.0;
            }
    for (size_t v = 0; v < vs->n; v++)
        pos[v] = (int64_t)((vs->pt[3 * v + 2] * sy + vs->pt[3 * v + 1]) * sx + vs->pt[3 * v]);
    int64_t centre = (int64_t)(((vs->ext[2] - 1) * sy + (vs->ext[1] - 1)) * sx + (vs->ext[0] - 1));
    double s0 = 0.0, si = 0.0, sc = 0.0;
    const double *z = vs->z;
    for (size_t a = 0; a + 1 < vs->n; a++) {
        const double *wa = w + (centre - pos[a]);
        double sw = 0.0, swz = 0.0, swzz = 0.0;
        for (size_t b = a + 1; b < vs->n; b++) {
            double wb = wa[pos[b]];
            sw += wb;
            swz += wb * z[b];
            swzz += wb * z[b] * z[b];
        }
        double za = z[a];
        s0 += 2.0 * sw;
        si += 2.0 * za * swz;
        /* sum_b w (z_a - z_b)^2 = z_a^2 sum w - 2 z_a sum w z + sum w z^2 */
        sc += 2.0 * (za * za * sw - 2.0 * za * swz + swzz);
    }
    out[0] = s0, out[1] = si, out[2] = sc;
    free(w);
    free(pos);
    return QIB_OK;
}

/* The intensity mask's bounding box within the region's grid, and the
 * mean subtracted. */
typedef struct box_in {
    const qib_roi *roi;
    size_t lo[3], ext[3];
    double mean;
} box_in;

/* Value of array a (0: m, 1: z, 2: q = z^2) along box line (j, k), i < e_0,
 * stored every `step` doubles (into a column of a block). */
static void box_line(const box_in *bx, int a, size_t j, size_t k, double *out, size_t step) {
    const size_t *dim = bx->roi->grid.dim;
    size_t base = ((k + bx->lo[2]) * dim[1] + (j + bx->lo[1])) * dim[0] + bx->lo[0];
    const uint8_t *m = bx->roi->int_mask + base;
    const double *x = bx->roi->image + base;
    double mean = bx->mean;
    if (a == 0)
        for (size_t i = 0; i < bx->ext[0]; i++) out[i * step] = m[i] ? 1.0 : 0.0;
    else if (a == 1)
        for (size_t i = 0; i < bx->ext[0]; i++) out[i * step] = m[i] ? x[i] - mean : 0.0;
    else
        for (size_t i = 0; i < bx->ext[0]; i++) {
            double z = m[i] ? x[i] - mean : 0.0;
            out[i * step] = z * z;
        }
}

/* Row stride (in doubles) for a block of `cols` columns: at least cols and
 * an odd multiple of 8 doubles (64 bytes), so that rows a power of two apart
 * do not sit a multiple of 4 KiB apart, where loads would wait on unrelated
 * stores ("4K aliasing"; a 192-column block took three times as long). */
static size_t pitch(size_t cols) { return cols + (24 - cols % 16) % 16; }

/* w(d) = 1 / ||d * spacing|| at offset (d0, d1, d2), 0 at d = 0. */
static double weight(const double sp[3], size_t d0, size_t d1, size_t d2) {
    double x = (double)d0 * sp[0], y = (double)d1 * sp[1], z = (double)d2 * sp[2];
    double r2 = x * x + y * y + z * z;
    return r2 > 0 ? 1.0 / sqrt(r2) : 0.0;
}

/* Work space of sums_fft. */
typedef struct fft_work {
    qib_dft d[3];        /* transforms of lengths n_0, n_1, n_2 */
    double *a0[3][2];    /* A0[f0][j][k]: axis-0 transforms of m, z, q (re, im) */
    double *w1;          /* W1[f0][j][k]: axis-0 cosine transforms of w */
    double *xr, *xi;     /* n_0 rows of QIB_DFT_BLOCK: lines along axis 0 */
    double *pr, *pi;     /* n_1 rows of F e_2: a block along axis 1 */
    double *qr[4], *qi[4]; /* n_2 rows of F n_1: a block along axis 2 (m, z, q, w) */
    double *wb;          /* (n_2/2 + 1) x w_cap x (n_1/2 + 1): W for a block */
    double *wrow;        /* n_1 + 3: one row of W along f_1 */
    size_t w_lo, w_n, w_cap; /* the f_0 in wb: w_lo .. w_lo + w_n - 1 */
} fft_work;

static void fft_work_free(fft_work *w) {
    for (int a = 0; a < 3; a++) {
        qib__dft_free(&w->d[a]);
        free(w->a0[a][0]);
        free(w->a0[a][1]);
    }
    free(w->w1);
    free(w->wb);
    free(w->wrow);
    free(w->xr);
    free(w->xi);
    free(w->pr);
    free(w->pi);
    for (int a = 0; a < 4; a++) {
        free(w->qr[a]);
        free(w->qi[a]);
    }
}

/* Step 1: the transforms along axis 0 of every box line of m, z and q, and
 * the cosine transforms along axis 0 of the even extension of w, for
 * f_0 <= n_0/2. Two real lines share one complex transform: with
 * X = DFT(a + i b), A_f = (X_f + conj X_{n-f}) / 2 and
 * B_f = (X_f - conj X_{n-f}) / (2i); for even (real-transform) lines
 * A = Re X and B = Im X. Lines are numbered l = j e_2 + k. */
static void axis0_pass(const box_in *bx, fft_work *w, size_t n0, size_t h0) {
    size_t e0 = bx->ext[0], e1 = bx->ext[1], e2 = bx->ext[2], nl = e1 * e2;
    const size_t C = QIB_DFT_BLOCK;
    for (int a = 0; a < 4; a++) /* m, z, q, then w */
        for (size_t l0 = 0; l0 < nl; l0 += 2 * C) {
            size_t cb = (nl - l0 + 1) / 2 < C ? (nl - l0 + 1) / 2 : C, xs = pitch(cb);
            /* data lines: rows >= e_0 are zero-padding, never read; the
             * even extension of w also fills rows n_0 - t */
            if (a == 3 || (nl - l0) < 2 * cb) {
                memset(w->xr, 0, n0 * xs * sizeof *w->xr);
                memset(w->xi, 0, n0 * xs * sizeof *w->xi);
            }
            for (int half = 0; half < 2; half++)
                for (size_t c = 0; c < cb; c++) {
                    size_t l = l0 + (size_t)half * cb + c;
                    if (l >= nl) break;
                    size_t j = l / e2, k = l % e2;
                    double *dst = half ? w->xi : w->xr;
                    if (a < 3) {
                        box_line(bx, a, j, k, dst + c, xs);
                    } else {
                        for (size_t t = 0; t < e0; t++) {
                            double v = weight(bx->roi->grid.spacing, t, j, k);
                            dst[t * xs + c] = v;
                            if (t) dst[(n0 - t) * xs + c] = v;
                        }
                    }
                }
            qib__dft_columns(&w->d[0], w->xr, w->xi, xs, cb, a == 3 ? n0 : e0);
            size_t cb2 = nl - l0 - cb; /* columns whose imaginary part holds a line */
            if (cb2 > cb) cb2 = cb;
            for (size_t f = 0; f < h0; f++) {
                size_t g = (n0 - f) % n0;
                const double *fr = w->xr + f * xs, *fi = w->xi + f * xs;
                const double *gr = w->xr + g * xs, *gi = w->xi + g * xs;
                if (a == 3) {
                    memcpy(w->w1 + f * nl + l0, fr, cb * sizeof *fr);
                    memcpy(w->w1 + f * nl + l0 + cb, fi, cb2 * sizeof *fi);
                    continue;
                }
                double *ar = w->a0[a][0] + f * nl + l0, *ai = w->a0[a][1] + f * nl + l0;
                double *br = ar + cb, *bi = ai + cb;
                for (size_t c = 0; c < cb; c++) {
                    ar[c] = 0.5 * (fr[c] + gr[c]);
                    ai[c] = 0.5 * (fi[c] - gi[c]);
                }
                for (size_t c = 0; c < cb2; c++) {
                    br[c] = 0.5 * (fi[c] + gi[c]);
                    bi[c] = 0.5 * (gr[c] - fr[c]);
                }
            }
        }
}

/* The 2D cosine transforms (axes 1 and 2) of W1 for the nw frequencies
 * f_0 = f0 .. f0 + nw - 1: w->wb[g2][s g1n + g1] = W(f0 + s, g1, g2) for
 * g1 <= n1/2, g2 <= n2/2 (the other frequencies mirror these). The inputs
 * are even extensions (the value at t also at n - t), so the transforms
 * are real, and two slices share each complex transform: slices
 * s < ceil(nw/2) in the real parts, the others in the imaginary parts. */
static void w_block(const box_in *bx, fft_work *w, const size_t n[3], size_t f0, size_t nw) {
    size_t e1 = bx->ext[1], e2 = bx->ext[2], nl = e1 * e2;
    size_t n1 = n[1], n2 = n[2], g1n = n1 / 2 + 1, g2n = n2 / 2 + 1;
    size_t nh = (nw + 1) / 2, pc = pitch(nh * e2), wc = pitch(nh * g1n);
    double *pr = w->pr, *pi = w->pi, *qr = w->qr[3], *qi = w->qi[3];
    for (size_t t = 0; t < n1; t++) {
        size_t j = t < n1 - t ? t : n1 - t;
        for (size_t s = 0; s < nh; s++) {
            double *rr = pr + t * pc + s * e2, *ri = pi + t * pc + s * e2;
            if (j < e1) {
                memcpy(rr, w->w1 + (f0 + s) * nl + j * e2, e2 * sizeof *rr);
                if (s + nh < nw)
                    memcpy(ri, w->w1 + (f0 + s + nh) * nl + j * e2, e2 * sizeof *ri);
                else
                    memset(ri, 0, e2 * sizeof *ri);
            } else {
                memset(rr, 0, e2 * sizeof *rr);
                memset(ri, 0, e2 * sizeof *ri);
            }
        }
    }
    qib__dft_columns(&w->d[1], pr, pi, pc, nh * e2, n1);
    for (size_t t = 0; t < n2; t++) {
        size_t k = t < n2 - t ? t : n2 - t;
        double *rr = qr + t * wc, *ri = qi + t * wc;
        if (k >= e2) {
            memset(rr, 0, wc * sizeof *rr);
            memset(ri, 0, wc * sizeof *ri);
            continue;
        }
        for (size_t s = 0; s < nh; s++)
            for (size_t g = 0; g < g1n; g++) {
                rr[s * g1n + g] = pr[g * pc + s * e2 + k];
                ri[s * g1n + g] = pi[g * pc + s * e2 + k];
            }
    }
    qib__dft_columns(&w->d[2], qr, qi, wc, nh * g1n, n2);
    for (size_t g2 = 0; g2 < g2n; g2++)
        for (size_t s = 0; s < nw; s++)
            memcpy(w->wb + (g2 * nw + s) * g1n, (s < nh ? qr : qi) + g2 * wc + (s % nh) * g1n,
                   g1n * sizeof *w->wb);
}

/* Transposes rows x columns of src (row stride ss) into dst (row stride
 * ds), in 8 x 8 tiles so that both sides move whole cache lines. */
static void transpose(const double *src, size_t ss, double *dst, size_t ds, size_t rows,
                      size_t cols) {
    for (size_t r0 = 0; r0 < rows; r0 += 8)
        for (size_t c0 = 0; c0 < cols; c0 += 8) {
            size_t r1 = r0 + 8 < rows ? r0 + 8 : rows, c1 = c0 + 8 < cols ? c0 + 8 : cols;
            for (size_t c = c0; c < c1; c++)
                for (size_t r = r0; r < r1; r++) dst[c * ds + r] = src[r * ss + c];
        }
}

/* Steps 2 and 3 for the block of nb frequencies f_0 = f0 .. f0 + nb - 1:
 * transforms along axis 1 (the e_1 rows of each of the e_2 planes, zero
 * beyond) and then along axis 2 (e_2 planes, zero beyond), giving M, Z, Q
 * at every (f_1, f_2); W from w_block; then the three Parseval sums, each
 * term weighted by 2 for the f_0 whose mirror n_0 - f_0 is not in the half
 * spectrum. */
static void block_sums(const box_in *bx, fft_work *w, const size_t n[3], size_t f0, size_t nb,
                       double acc[3]) {
    size_t e1 = bx->ext[1], e2 = bx->ext[2], nl = e1 * e2;
    size_t n1 = n[1], n2 = n[2], g1n = n1 / 2 + 1;
    size_t pc = pitch(nb * e2), qc = pitch(nb * n1);
    for (int a = 0; a < 3; a++) {
        /* axis 1: P[t1][b e2 + k], rows t1 >= e1 zero-padding */
        for (size_t b = 0; b < nb; b++)
            for (size_t t = 0; t < e1; t++) {
                memcpy(w->pr + t * pc + b * e2, w->a0[a][0] + (f0 + b) * nl + t * e2,
                       e2 * sizeof *w->pr);
                memcpy(w->pi + t * pc + b * e2, w->a0[a][1] + (f0 + b) * nl + t * e2,
                       e2 * sizeof *w->pi);
            }
        qib__dft_columns(&w->d[1], w->pr, w->pi, pc, nb * e2, e1);
        /* axis 2: Q[t2][b n1 + f1], rows t2 >= e2 zero-padding */
        for (size_t b = 0; b < nb; b++) {
            transpose(w->pr + b * e2, pc, w->qr[a] + b * n1, qc, n1, e2);
            transpose(w->pi + b * e2, pc, w->qi[a] + b * n1, qc, n1, e2);
        }
        qib__dft_columns(&w->d[2], w->qr[a], w->qi[a], qc, nb * n1, e2);
    }
    size_t n0 = n[0];
    for (size_t b = 0; b < nb; b++) {
        size_t f = f0 + b;
        if (w->w_n == 0 || f < w->w_lo || f - w->w_lo >= w->w_n) { /* W for the next f_0 */
            w->w_lo = f;
            w->w_n = w->w_cap < n0 / 2 + 1 - f ? w->w_cap : n0 / 2 + 1 - f;
            w_block(bx, w, n, w->w_lo, w->w_n);
        }
        double mult = (f == 0 || 2 * f == n0) ? 1.0 : 2.0;
        /* four partial sums per quantity (a fixed order the compiler can
         * keep in vector registers) */
        double s0[4] = {0, 0, 0, 0}, si[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0};
        for (size_t f2 = 0; f2 < n2; f2++) {
            size_t g2 = f2 < n2 - f2 ? f2 : n2 - f2;
            const double *wv = w->wb + (g2 * w->w_n + (f - w->w_lo)) * g1n;
            double *ww = w->wrow; /* W along f_1, mirrored: W(n1 - f1) = W(f1) */
            for (size_t f1 = 0; f1 < g1n; f1++) ww[f1] = wv[f1];
            for (size_t f1 = g1n; f1 < n1; f1++) ww[f1] = wv[n1 - f1];
            for (size_t f1 = n1; f1 % 4; f1++) ww[f1] = 0.0;
            size_t o = f2 * qc + b * n1;
            const double *mr = w->qr[0] + o, *mi = w->qi[0] + o;
            const double *zr = w->qr[1] + o, *zi = w->qi[1] + o;
            const double *qr = w->qr[2] + o, *qi = w->qi[2] + o;
            size_t f1 = 0;
            for (; f1 + 4 <= n1; f1 += 4)
                for (int l = 0; l < 4; l++) {
                    size_t u = f1 + (size_t)l;
                    s0[l] += ww[u] * (mr[u] * mr[u] + mi[u] * mi[u]);
                    si[l] += ww[u] * (zr[u] * zr[u] + zi[u] * zi[u]);
                    sq[l] += ww[u] * (qr[u] * mr[u] + qi[u] * mi[u]);
                }
            for (int l = 0; f1 < n1; f1++, l++) {
                s0[l] += ww[f1] * (mr[f1] * mr[f1] + mi[f1] * mi[f1]);
                si[l] += ww[f1] * (zr[f1] * zr[f1] + zi[f1] * zi[f1]);
                sq[l] += ww[f1] * (qr[f1] * mr[f1] + qi[f1] * mi[f1]);
            }
        }
        acc[0] += mult * ((s0[0] + s0[1]) + (s0[2] + s0[3]));
        acc[1] += mult * ((si[0] + si[1]) + (si[2] + si[3]));
        acc[2] += mult * ((sq[0] + sq[1]) + (sq[2] + sq[3]));
    }
}

/* S0, SI, SC by the Fourier route (see the top of the file):
 *   1. along axis 0 (axis0_pass): every box line of m, z, q and of w;
 *   2. along axis 1 and 3. along axis 2, a few f_0 at a time (block_sums),
 *      each block summed as soon as it is transformed, so that only the
 *      axis-0 results are kept whole. */
static qib_status sums_fft(const box_in *bx, double out[3], qib_error *err) {
    size_t n[3], total = 1;
    for (int a = 0; a < 3; a++) {
        n[a] = qib__dft_good_size(2 * bx->ext[a] - 1);
        QIB_FAIL_IF(!qib__mul_ok(total, n[a], &total) || total > FFT_MAX_POINTS, err,
                    QIB_ERR_LIMIT, NULL, -1, "morph",
                    "intensity mask bounding box %zu x %zu x %zu is too large for Moran's I",
                    bx->ext[0], bx->ext[1], bx->ext[2]);
    }
    size_t h0 = n[0] / 2 + 1, nl = bx->ext[1] * bx->ext[2];
    /* f_0 values per block: enough columns along axis 1 for the vector loops */
    size_t nb = (32 + bx->ext[2] - 1) / bx->ext[2];
    if (nb > h0) nb = h0;
    fft_work w;
    memset(&w, 0, sizeof w);
    qib_status st = QIB_OK;
    for (int a = 0; a < 3 && st == QIB_OK; a++) st = qib__dft_init(&w.d[a], n[a], err);
    if (st) {
        fft_work_free(&w);
        return st;
    }
    bool ok = true;
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 2; c++) ok = ok && (w.a0[a][c] = malloc(h0 * nl * sizeof(double)));
    ok = ok && (w.w1 = malloc(h0 * nl * sizeof *w.w1));
    w.w_cap = nb < 2 ? 2 : nb; /* W is computed for two f_0 at a time at least */
    ok = ok && (w.wb = malloc((n[2] / 2 + 1) * w.w_cap * (n[1] / 2 + 1) * sizeof *w.wb));
    ok = ok && (w.wrow = malloc((n[1] + 3) * sizeof *w.wrow));
    ok = ok && (w.xr = malloc(n[0] * pitch(QIB_DFT_BLOCK) * sizeof *w.xr));
    ok = ok && (w.xi = malloc(n[0] * pitch(QIB_DFT_BLOCK) * sizeof *w.xi));
    size_t psz = n[1] * pitch(w.w_cap * bx->ext[2]);
    ok = ok && (w.pr = malloc(psz * sizeof *w.pr));
    ok = ok && (w.pi = malloc(psz * sizeof *w.pi));
    for (int a = 0; a < 4; a++) {
        ok = ok && (w.qr[a] = malloc(n[2] * pitch(w.w_cap * n[1]) * sizeof(double)));
        ok = ok && (w.qi[a] = malloc(n[2] * pitch(w.w_cap * n[1]) * sizeof(double)));
    }
    if (!ok) {
        fft_work_free(&w);
        return qib__nomem(err, NULL, "Moran's I transforms");
    }
    axis0_pass(bx, &w, n[0], h0);
    double acc[3] = {0, 0, 0};
    for (size_t f0 = 0; f0 < h0; f0 += nb)
        block_sums(bx, &w, n, f0, f0 + nb <= h0 ? nb : h0 - f0, acc);
    double nn = (double)total;
    out[0] = acc[0] / nn;
    out[1] = acc[1] / nn;
    out[2] = 2.0 * acc[2] / nn - 2.0 * out[1];
    fft_work_free(&w);
    return QIB_OK;
}

qib_status qib__autocorrelation(const qib_roi *roi, double mean, int method, double *moran,
                                double *geary, qib_error *err) {
    *moran = *geary = NAN;
    const size_t *dim = roi->grid.dim;
    if (roi->n_int < 2) return QIB_OK; /* no pair */
    /* the intensity mask's box, its voxel count and sum of squares */
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0}, count = 0;
    double ss = 0.0;
    for (size_t k = 0, v = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++)
            for (size_t i = 0; i < dim[0]; i++, v++) {
                if (!roi->int_mask[v]) continue;
                size_t p[3] = {i, j, k};
                for (int d = 0; d < 3; d++) {
                    if (p[d] < lo[d]) lo[d] = p[d];
                    if (p[d] > hi[d]) hi[d] = p[d];
                }
                double z = roi->image[v] - mean;
                ss += z * z;
                count++;
            }
    if (!(ss > 0)) return QIB_OK; /* constant intensities: both undefined */
    double s[3] = {0, 0, 0};
    qib_status st = QIB_OK;
    double grid = 1.0;
    for (int d = 0; d < 3; d++) grid *= (double)qib__dft_good_size(2 * (hi[d] - lo[d]) + 1);
    bool direct =
        method == 1 || (method == 0 && (double)count * (double)count <= DIRECT_RATIO * grid);
    if (direct) {
        voxel_set vs;
        memset(&vs, 0, sizeof vs);
        for (int d = 0; d < 3; d++) vs.lo[d] = lo[d], vs.ext[d] = hi[d] - lo[d] + 1;
        vs.pt = malloc(3 * count * sizeof *vs.pt);
        vs.z = malloc(count * sizeof *vs.z);
        if (!vs.pt || !vs.z) {
            free(vs.pt);
            free(vs.z);
            return qib__nomem(err, NULL, "Moran's I voxels");
        }
        for (size_t k = 0, v = 0; k < dim[2]; k++)
            for (size_t j = 0; j < dim[1]; j++)
                for (size_t i = 0; i < dim[0]; i++, v++) {
                    if (!roi->int_mask[v]) continue;
                    vs.pt[3 * vs.n] = i - vs.lo[0];
                    vs.pt[3 * vs.n + 1] = j - vs.lo[1];
                    vs.pt[3 * vs.n + 2] = k - vs.lo[2];
                    vs.z[vs.n] = roi->image[v] - mean;
                    vs.n++;
                }
        st = sums_direct(&vs, roi->grid.spacing, s, err);
        free(vs.pt);
        free(vs.z);
    } else {
        box_in bx = {roi, {lo[0], lo[1], lo[2]}, {0, 0, 0}, mean};
        for (int d = 0; d < 3; d++) bx.ext[d] = hi[d] - lo[d] + 1;
        st = sums_fft(&bx, s, err);
    }
    if (st) return st;
    double nn = (double)count;
    *moran = nn / s[0] * s[1] / ss;
    *geary = (nn - 1.0) / (2.0 * s[0]) * s[2] / ss;
    return QIB_OK;
}
