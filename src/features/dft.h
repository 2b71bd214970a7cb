/* SPDX-License-Identifier: Apache-2.0 */
/* dft.h: discrete Fourier transforms of many columns at once
 * (folder-private; used by spatial_autocorr.c).
 *
 * The data of a batch of transforms are laid out "columns innermost": value
 * t of column c sits at re[t * stride + c] (and im likewise), so every
 * butterfly works on runs of adjacent columns, which the compiler turns
 * into vector instructions whatever the transform length. Lengths are
 * products of 2, 3 and 5 (qib__dft_good_size). The algorithm is Stockham's
 * self-sorting mixed-radix FFT (radix 8, 4, 2, 3, 5), out of place between
 * the caller's array and a scratch buffer, on blocks of QIB_DFT_BLOCK
 * columns so that each block stays in cache across the passes. Only plain
 * additions and multiplications in a fixed order are used: results are the
 * same on every run and do not depend on the block size chosen. */
#ifndef QIB_FEATURES_DFT_H
#define QIB_FEATURES_DFT_H

#include <stddef.h>

#include "../common/qib_internal.h"

#define QIB_DFT_MAX_STAGES 64
/* Columns transformed together (the scratch holds 4 x n x QIB_DFT_PITCH doubles). */
#define QIB_DFT_BLOCK 64
/* Row pitch of the scratch (doubles): a block plus a cache line. */
#define QIB_DFT_PITCH (QIB_DFT_BLOCK + 8)

typedef struct qib_dft {
    size_t n;
    int n_stages;
    int radix[QIB_DFT_MAX_STAGES];
    size_t tw_at[QIB_DFT_MAX_STAGES]; /* first twiddle of each stage in tw */
    double *tw; /* exp(-2 pi i r k / (L R)) as (re, im) pairs, per stage */
    double *scratch;                  /* 4 buffers of n * QIB_DFT_PITCH doubles */
    double *zero;                     /* QIB_DFT_BLOCK zeros */
} qib_dft;

/* The smallest m >= n whose only prime factors are 2, 3 and 5 (n >= 1). */
size_t qib__dft_good_size(size_t n);

/* Prepares forward transforms of length n (a product of 2, 3, 5; n >= 1). */
qib_status qib__dft_init(qib_dft *p, size_t n, qib_error *err);
void qib__dft_free(qib_dft *p);

/* In place, for each column c < cols:
 *     X_f = sum_{t < n} x_t exp(-2 pi i f t / n),  f = 0..n-1,
 * with x_t = re[t * stride + c] + i im[t * stride + c] (stride >= cols) for
 * t < live and x_t = 0 for t >= live: those rows (zero-padding) are never
 * read, so they need not be cleared; all n rows are written.
 * Not thread-safe on one qib_dft (it owns its scratch); use one per thread. */
void qib__dft_columns(qib_dft *p, double *re, double *im, size_t stride, size_t cols,
                      size_t live);

#endif
