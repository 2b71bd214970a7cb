/* SPDX-License-Identifier: Apache-2.0 */
/* pr_order.c: a few order statistics of many values, in linear time.
 *
 * The values are first counted into buckets of equal width between the
 * smallest and the largest (the bucket of x, floor((x - min) * scale), never
 * decreases as x grows, so the k-th smallest value lies in the bucket where
 * the running count passes k). Only the values of the buckets that hold a
 * wanted rank are then gathered, and a three-way quickselect finds the
 * ranks among them. Images have few distinct intensities (CT: integers),
 * so these buckets are small and two passes over the values do the work;
 * a full sort of ct_large's 78,000 region values would cost several times
 * more. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_order.h"

#define PR_BUCKETS 4096

static void swap_d(double *a, double *b) {
    double t = *a;
    *a = *b;
    *b = t;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Rearranges v[lo..hi) so that v[r] holds the r-th smallest value for each
 * r in ranks[0..nr) (ascending, all in [lo, hi)): quickselect for several
 * ranks at once with three-way partitions (many values are equal); once
 * `depth` runs out the part left is sorted, which bounds the worst case. */
static void select_ranks(double *v, size_t lo, size_t hi, const size_t *ranks, size_t nr,
                         int depth) {
    while (nr > 0 && hi - lo > 1) {
        if (depth-- <= 0) {
            qsort(v + lo, hi - lo, sizeof *v, cmp_d);
            return;
        }
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
        double p = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < p, [lt,gt) == p, [gt,hi) > p */
        while (i < gt) {
            if (v[i] < p)
                swap_d(&v[lt++], &v[i++]);
            else if (v[i] > p)
                swap_d(&v[i], &v[--gt]);
            else
                i++;
        }
        size_t nl = 0; /* ranks left of the run equal to p */
        while (nl < nr && ranks[nl] < lt) nl++;
        size_t ne = nl; /* ... and up to its end */
        while (ne < nr && ranks[ne] < gt) ne++;
        select_ranks(v, lo, lt, ranks, nl, depth);
        ranks += ne, nr -= ne, lo = gt;
    }
}

/* Quickselect on a copy of all the values. */
static qib_status order_direct(const double *v, size_t n, const size_t *ranks, size_t nr,
                               double *out, qib_error *err) {
    double *w = malloc(n * sizeof *w);
    if (!w) return qib__nomem(err, NULL, "order statistics");
    memcpy(w, v, n * sizeof *w);
    select_ranks(w, 0, n, ranks, nr, 64);
    for (size_t r = 0; r < nr; r++) out[r] = w[ranks[r]];
    free(w);
    return QIB_OK;
}

static size_t bucket_of(double x, double mn, double scale) {
    double t = (x - mn) * scale;
    return t >= 0 ? (t < PR_BUCKETS ? (size_t)t : PR_BUCKETS - 1) : 0; /* NaN: 0 */
}

qib_status qib__pr_order_stats(const double *v, size_t n, double mn, double mx,
                               const size_t *ranks, size_t nr, double *out, qib_error *err) {
    if (nr == 0) return QIB_OK;
    if (mn == mx) {
        for (size_t r = 0; r < nr; r++) out[r] = mn;
        return QIB_OK;
    }
    double scale = (PR_BUCKETS - 1) / (mx - mn);
    if (n < 4 * PR_BUCKETS || !(scale > 0) || !isfinite(scale))
        return order_direct(v, n, ranks, nr, out, err);

    size_t *start = calloc(PR_BUCKETS + 1, sizeof *start);
    int32_t *slot = malloc(PR_BUCKETS * sizeof *slot);
    size_t bucket[64], off[64], fill[64], nb = 0; /* the buckets holding ranks */
    double *buf = NULL;
    if (!start || !slot || nr > 64) {
        free(start);
        free(slot);
        return nr > 64 ? order_direct(v, n, ranks, nr, out, err)
                       : qib__nomem(err, NULL, "order statistics");
    }
    for (size_t i = 0; i < n; i++) start[bucket_of(v[i], mn, scale) + 1]++;
    for (size_t b = 0; b < PR_BUCKETS; b++) start[b + 1] += start[b];
    for (size_t b = 0; b < PR_BUCKETS; b++) slot[b] = -1;
    size_t total = 0;
    for (size_t r = 0, b = 0; r < nr; r++) {
        while (start[b + 1] <= ranks[r]) b++;
        if (slot[b] < 0) {
            slot[b] = (int32_t)nb;
            bucket[nb] = b, off[nb] = total, fill[nb] = 0;
            total += start[b + 1] - start[b];
            nb++;
        }
    }
    buf = malloc(total * sizeof *buf);
    if (!buf) {
        free(start);
        free(slot);
        return qib__nomem(err, NULL, "order statistics");
    }
    for (size_t i = 0; i < n; i++) {
        int32_t s = slot[bucket_of(v[i], mn, scale)];
        if (s >= 0) buf[off[s] + fill[s]++] = v[i];
    }
    for (size_t s = 0, r = 0; s < nb; s++) {
        size_t b = bucket[s], local[64], nl = 0, first = r;
        while (r < nr && ranks[r] < start[b + 1]) local[nl++] = ranks[r++] - start[b];
        select_ranks(buf + off[s], 0, start[b + 1] - start[b], local, nl, 64);
        for (size_t k = 0; k < nl; k++) out[first + k] = buf[off[s] + local[k]];
    }
    free(buf);
    free(start);
    free(slot);
    return QIB_OK;
}
