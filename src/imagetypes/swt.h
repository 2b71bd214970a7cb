/* SPDX-License-Identifier: Apache-2.0 */
/* swt.h: the stationary wavelet transform of PyWavelets (folder-private).
 *
 * PyWavelets 1.1.1 computes one step of pywt.swt at level l (1-based) of a signal x
 * of length N (a multiple of 2^l) as a periodic convolution with the filter f of
 * length F (F even) upsampled by s = 2^(l-1) (pywt wt.c swt_ and convolution.c
 * downsampling_convolution_periodization with step 1, fstep s):
 *     out[o] = sum_{j=0}^{F-1} f[j] * x[(o + s*F/2 - s*j) mod N],   o = 0..N-1
 * summed in ascending j from 0. There is no normalisation (norm=False: the filters
 * sum to sqrt(2)) and nothing is trimmed. pywt.swtn applies this along each axis in
 * turn (the order of its `axes`); the key of a sub-band has one letter per axis in
 * that order, 'a' (dec_lo) or 'd' (dec_hi).
 *
 * For a region, the same numbers come from "valid" filtering of the signal extended
 * periodically: if in[k] = x[(a + k) mod N] then
 *     out[a + s*(F/2-1) + r] = sum_j f[j] * in[r + s*(F-1-j)],
 * so a region needs s*(F/2-1) samples before it and s*F/2 after it, and each pass
 * shortens an axis by s*(F-1). qib__swt_pass_* do that along one axis of a 3-D array
 * (x fastest), low- and high-pass together, in double or in single precision (pywt
 * keeps float32 input in float32). */
#ifndef QIB_SWT_H
#define QIB_SWT_H

#include "../common/qib_internal.h"

/* One periodic pywt.swt step at `level` (1-based) of x (length n) with filter f
 * (length flen) into out (length n, not aliasing x). Fails (QIB_ERR_ARG) when n is
 * not a multiple of 2^level, as pywt does. */
qib_status qib__swt1d_periodic(const double *x, size_t n, const double *f, size_t flen,
                               unsigned level, double *out, qib_error *err);

/* Valid-mode filtering along `axis` (0 = x, 1 = y, 2 = z) of the array `in` of dims
 * n[3], with taps spaced `step` apart: out[r] = sum_j f[j] in[r + step*(flen-1-j)].
 * The outputs have dims n except n[axis] - step*(flen-1) along axis (the caller
 * makes sure that is >= 1). out_lo or out_hi may be NULL to skip that filter. */
void qib__swt_pass_f64(const double *in, const size_t n[3], int axis, const double *lo,
                       const double *hi, size_t flen, size_t step, double *out_lo,
                       double *out_hi);
void qib__swt_pass_f32(const float *in, const size_t n[3], int axis, const float *lo,
                       const float *hi, size_t flen, size_t step, float *out_lo,
                       float *out_hi);

#endif
