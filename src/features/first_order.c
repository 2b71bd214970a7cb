/* SPDX-License-Identifier: Apache-2.0 */
/* first_order.c: moments, percentiles and deviations of a set of values. */
#include <math.h>
#include <stdlib.h>

#include "first_order.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
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
    qsort(v, n, sizeof *v, cmp_double);
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
