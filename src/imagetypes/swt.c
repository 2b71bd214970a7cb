/* SPDX-License-Identifier: Apache-2.0 */
/* swt.c: PyWavelets-compatible stationary wavelet transform kernels (see swt.h for
 * the formula and its source). The separable passes are written once as a macro for
 * double and float, since pywt keeps float32 data in float32 and qib reproduces the
 * rounding of either. Every output sums its taps in ascending j starting from the
 * first product, the order of pywt's convolution loop. */
#include "swt.h"

qib_status qib__swt1d_periodic(const double *x, size_t n, const double *f, size_t flen,
                               unsigned level, double *out, qib_error *err) {
    QIB_FAIL_IF(level < 1 || level > 30, err, QIB_ERR_ARG, NULL, -1, "level",
                "swt level %u is not in 1..30", level);
    size_t s = (size_t)1 << (level - 1);
    QIB_FAIL_IF(n == 0 || n % (2 * s) != 0, err, QIB_ERR_ARG, NULL, -1, "level",
                "signal length %zu is not a multiple of 2^%u", n, level);
    for (size_t o = 0; o < n; o++) {
        double sum = 0;
        /* (o + s*F/2 - s*j) mod n, kept non-negative by adding a multiple of n */
        size_t base = o + (s * (flen / 2)) % n + n * (1 + (s * flen) / n);
        for (size_t j = 0; j < flen; j++) sum += f[j] * x[(base - s * j) % n];
        out[o] = sum;
    }
    return QIB_OK;
}

/* Along x (contiguous): one dot product per output sample and filter. */
#define DEFINE_PASS_X(NAME, T)                                                          \
    static void NAME(const T *in, const size_t n[3], const T *lo, const T *hi,          \
                     size_t flen, size_t step, T *out_lo, T *out_hi) {                  \
        size_t m0 = n[0] - step * (flen - 1), lines = n[1] * n[2];                     \
        for (size_t l = 0; l < lines; l++) {                                            \
            const T *src = in + l * n[0];                                               \
            for (size_t r = 0; r < m0; r++) {                                           \
                const T *p = src + r + step * (flen - 1);                               \
                T sl = 0, sh = 0;                                                       \
                for (size_t j = 0; j < flen; j++, p -= step) {                          \
                    sl += lo[j] * *p;                                                   \
                    sh += hi[j] * *p;                                                   \
                }                                                                       \
                if (out_lo) out_lo[l * m0 + r] = sl;                                    \
                if (out_hi) out_hi[l * m0 + r] = sh;                                    \
            }                                                                           \
        }                                                                               \
    }

/* Along y or z: whole rows (y) or slices (z) are scaled and added, tap by tap, so
 * the inner loop runs over contiguous memory. `len` is the run length (n0 for y,
 * n0*n1 for z), `count` the input runs per block along the axis, `blocks` the
 * independent blocks (z slices for y, 1 for z). */
#define DEFINE_PASS_RUNS(NAME, T)                                                       \
    static void NAME(const T *in, size_t len, size_t count, size_t blocks,              \
                     const T *f, size_t flen, size_t step, T *out) {                    \
        size_t m = count - step * (flen - 1);                                           \
        for (size_t b = 0; b < blocks; b++) {                                           \
            const T *src = in + b * count * len;                                        \
            T *dst = out + b * m * len;                                                 \
            for (size_t r = 0; r < m; r++) {                                            \
                T *d = dst + r * len;                                                   \
                const T *row = src + (r + step * (flen - 1)) * len;                     \
                for (size_t i = 0; i < len; i++) d[i] = f[0] * row[i];                  \
                for (size_t j = 1; j < flen; j++) {                                     \
                    row = src + (r + step * (flen - 1 - j)) * len;                      \
                    T c = f[j];                                                         \
                    for (size_t i = 0; i < len; i++) d[i] += c * row[i];                \
                }                                                                       \
            }                                                                           \
        }                                                                               \
    }

#define DEFINE_PASS(NAME, XNAME, RNAME, T)                                              \
    DEFINE_PASS_X(XNAME, T)                                                             \
    DEFINE_PASS_RUNS(RNAME, T)                                                          \
    void NAME(const T *in, const size_t n[3], int axis, const T *lo, const T *hi,       \
              size_t flen, size_t step, T *out_lo, T *out_hi) {                         \
        if (axis == 0) {                                                                \
            XNAME(in, n, lo, hi, flen, step, out_lo, out_hi);                           \
            return;                                                                     \
        }                                                                               \
        size_t len = axis == 1 ? n[0] : n[0] * n[1];                                    \
        size_t count = n[axis], blocks = axis == 1 ? n[2] : 1;                          \
        if (out_lo) RNAME(in, len, count, blocks, lo, flen, step, out_lo);              \
        if (out_hi) RNAME(in, len, count, blocks, hi, flen, step, out_hi);              \
    }

DEFINE_PASS(qib__swt_pass_f64, pass_x_f64, pass_runs_f64, double)
DEFINE_PASS(qib__swt_pass_f32, pass_x_f32, pass_runs_f32, float)
