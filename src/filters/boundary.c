/* SPDX-License-Identifier: Apache-2.0 */
/* boundary.c: IBSI 2 boundary conditions (padding) for the filters.
 *
 * IBSI 2 ("Boundary conditions"): an image of n voxels
 * a b c d is extended beyond its edges as
 *     zero (constant):  0 0 0 0 | a b c d | 0 0 0 0
 *     nearest (edge):   a a a a | a b c d | d d d d
 *     periodic (wrap):  a b c d | a b c d | a b c d
 *     mirror (symmetric, edge repeated): d c b a | a b c d | d c b a
 * The extensions are valid arbitrarily far from the image (the periodic
 * one has period n, the mirror one period 2n), so a kernel wider than the
 * image is handled as well. These are SciPy ndimage's modes "constant",
 * "nearest", "wrap" and "reflect". */
#include "filter.h"

/* Index into [0, n) of position x under bc, -1 for a zero value. */
ptrdiff_t qib__bc_index(qib__bc bc, ptrdiff_t x, size_t n) {
    ptrdiff_t nn = (ptrdiff_t)n;
    if (x >= 0 && x < nn) return x;
    switch (bc) {
    case QIB__BC_ZERO: return -1;
    case QIB__BC_NEAREST: return x < 0 ? 0 : nn - 1;
    case QIB__BC_PERIODIC: {
        ptrdiff_t m = x % nn;
        return m < 0 ? m + nn : m;
    }
    case QIB__BC_MIRROR: {
        /* period 2n: positions n..2n-1 read n-1..0 */
        ptrdiff_t p = 2 * nn, m = x % p;
        if (m < 0) m += p;
        return m < nn ? m : p - 1 - m;
    }
    }
    return -1;
}

void qib__bc_extend(qib__bc bc, const double *src, size_t stride, size_t n, size_t before,
                    size_t after, double *dst) {
    for (size_t t = 0; t < n; t++) dst[before + t] = src[t * stride];
    for (size_t t = 0; t < before; t++) {
        ptrdiff_t q = qib__bc_index(bc, (ptrdiff_t)t - (ptrdiff_t)before, n);
        dst[t] = q < 0 ? 0.0 : src[(size_t)q * stride];
    }
    for (size_t t = 0; t < after; t++) {
        ptrdiff_t q = qib__bc_index(bc, (ptrdiff_t)(n + t), n);
        dst[before + n + t] = q < 0 ? 0.0 : src[(size_t)q * stride];
    }
}
