/* SPDX-License-Identifier: Apache-2.0 */
/* first_order.c: moments, percentiles and deviations of a set of values. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "first_order.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The IEEE-754 bits of x as an unsigned key in the order of the values:
 * negative values have every bit flipped, others the sign bit set. -0 gets
 * the key of +0, as the two compare equal. */
static inline uint64_t order_key(double x) {
    uint64_t b;
    if (x == 0) x = 0.0;
    memcpy(&b, &x, sizeof b);
    return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
}

/* Sorts v ascending exactly as qsort with cmp_double does in glibc, whose
 * qsort is a stable merge sort: values that compare equal keep their
 * order. A stable least-significant-digit radix sort (11-bit digits of the
 * order key, skipping digits that every value shares, which for integer or
 * narrow-range data is most of them) gives that same order in a few linear
 * passes. With a NaN (no consistent order) or without memory for the
 * second buffer, qsort itself runs. */
void qib__sort_doubles(double *v, size_t n) {
    if (n < 64) {
        qsort(v, n, sizeof *v, cmp_double);
        return;
    }
    uint64_t all_and = ~UINT64_C(0), all_or = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) {
            qsort(v, n, sizeof *v, cmp_double);
            return;
        }
        uint64_t k = order_key(v[i]);
        all_and &= k;
        all_or |= k;
    }
    double *tmp = malloc(n * sizeof *tmp);
    size_t *count = malloc(2048 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        qsort(v, n, sizeof *v, cmp_double);
        return;
    }
    double *src = v, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 11) {
        uint64_t mask = (uint64_t)2047 << shift;
        if ((all_and & mask) == (all_or & mask)) continue; /* one digit for all */
        memset(count, 0, 2048 * sizeof *count);
        for (size_t i = 0; i < n; i++) count[(order_key(src[i]) >> shift) & 2047]++;
        size_t at = 0;
        for (size_t d = 0; d < 2048; d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(order_key(src[i]) >> shift) & 2047]++] = src[i];
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
    free(tmp);
    free(count);
}

double qib__percentile_sorted(const double *v, size_t n, double q) {
    if (n == 0) return NAN;
    double pos = q / 100.0 * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo >= n - 1) return v[n - 1];
    double t = pos - (double)lo;
    return v[lo] + (v[lo + 1] - v[lo]) * t;
}

void qib__first_order(double *v, size_t n, qib_first_order *o) {
    o->n = n;
    if (n == 0) {
        o->mean = o->var = o->skew = o->kurt = o->min = o->max = o->median = NAN;
        o->p10 = o->p25 = o->p75 = o->p90 = o->mad = o->rmad = o->medad = o->energy = NAN;
        return;
    }
    qib__sort_doubles(v, n);
    /* sums in sorted order: the same values give the same bits */
    double sum = 0, energy = 0;
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        energy += v[i] * v[i];
    }
    double mean = sum / (double)n;
    double m2 = 0, m3 = 0, m4 = 0, mad = 0;
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
        mad += fabs(d);
    }
    m2 /= (double)n;
    m3 /= (double)n;
    m4 /= (double)n;
    o->mean = mean;
    o->var = m2;
    o->skew = m2 > 0 ? m3 / pow(m2, 1.5) : 0.0;
    o->kurt = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    o->min = v[0];
    o->max = v[n - 1];
    o->median = qib__percentile_sorted(v, n, 50);
    o->p10 = qib__percentile_sorted(v, n, 10);
    o->p25 = qib__percentile_sorted(v, n, 25);
    o->p75 = qib__percentile_sorted(v, n, 75);
    o->p90 = qib__percentile_sorted(v, n, 90);
    o->mad = mad / (double)n;
    o->energy = energy;
    double medad = 0;
    for (size_t i = 0; i < n; i++) medad += fabs(v[i] - o->median);
    o->medad = medad / (double)n;
    /* robust: values in [p10, p90] (a contiguous run of the sorted values) */
    double rs = 0;
    size_t rn = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= o->p10 && v[i] <= o->p90) {
            rs += v[i];
            rn++;
        }
    double rmean = rs / (double)rn, rmad = 0; /* rn >= 1: the median is in range */
    for (size_t i = 0; i < n; i++)
        if (v[i] >= o->p10 && v[i] <= o->p90) rmad += fabs(v[i] - rmean);
    o->rmad = rmad / (double)rn;
}
