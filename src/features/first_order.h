/* SPDX-License-Identifier: Apache-2.0 */
/* first_order.h: statistics of a set of values, shared by the intensity
 * statistics (stat.c, on intensities) and intensity histogram (ih.c, on
 * discretised levels) families (folder-private). */
#ifndef QIB_FEATURES_FIRST_ORDER_H
#define QIB_FEATURES_FIRST_ORDER_H

#include <stddef.h>

/* Summary of n values. Moments are population moments (divide by n).
 * Percentiles interpolate linearly between order statistics: P_q is at
 * position q/100 * (n - 1) of the sorted values (numpy's default, used by
 * MIRP; IBSI does not fix a percentile definition). */
typedef struct qib_first_order {
    size_t n;
    double mean, var, skew, kurt; /* kurt: excess kurtosis */
    double min, max, median, p10, p25, p75, p90;
    double mad;    /* mean absolute deviation from the mean */
    double rmad;   /* same, over the values in [p10, p90] */
    double medad;  /* mean absolute deviation from the median */
    double energy; /* sum of squares */
} qib_first_order;

/* Sorts v[0..n-1] in place (ascending) and summarises it. n may be 0
 * (every field NaN, n 0). Skewness and kurtosis are 0 when the variance is 0. */
void qib__first_order(double *v, size_t n, qib_first_order *out);
/* Sorts v[0..n-1] ascending, in the order glibc's qsort (a stable merge
 * sort) gives: equal values, including -0 and +0, keep their order. */
void qib__sort_doubles(double *v, size_t n);
/* P_q of sorted values (q in [0, 100]). */
double qib__percentile_sorted(const double *v, size_t n, double q);

#endif
