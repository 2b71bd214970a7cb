/* SPDX-License-Identifier: Apache-2.0 */
/* adc.c: the mono-exponential ADC fit per voxel and ADC statistics in a
 * region. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"
#include "qib/adc.h"

/* ---- the fit ---- */

/* Distinct b-values and, per frame, the index of its b-value. */
typedef struct bgroups {
    double *b;      /* distinct b-values, ascending */
    size_t *count;  /* frames per distinct b-value */
    size_t *of;     /* of[frame] = index into b */
    double *w;      /* least-squares weights, see fit_weights */
    size_t k;       /* distinct b-values */
} bgroups;

static void bgroups_free(bgroups *g) {
    free(g->b);
    free(g->count);
    free(g->of);
    free(g->w);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Least-squares slope of y on b over the K distinct b-values:
 *     slope = sum_k (b_k - mean b) (y_k - mean y) / sum_k (b_k - mean b)^2
 * Since sum_k (b_k - mean b) = 0 this is sum_k w_k y_k with
 *     w_k = (b_k - mean b) / sum_j (b_j - mean b)^2,
 * so the weights are computed once and each voxel costs K products.
 * ADC = -slope (the model ln S = ln S0 - b ADC; QIBA DWI profile, section
 * on ADC computation: mono-exponential, linear least squares on ln S). */
static qib_status fit_weights(const double *bvalues, size_t n, bgroups *g, qib_error *err) {
    memset(g, 0, sizeof *g);
    g->b = malloc(n * sizeof *g->b);
    g->count = calloc(n, sizeof *g->count);
    g->of = malloc(n * sizeof *g->of);
    g->w = malloc(n * sizeof *g->w);
    if (!g->b || !g->count || !g->of || !g->w) return qib__nomem(err, NULL, "b-value groups");
    for (size_t i = 0; i < n; i++) {
        QIB_FAIL_IF(!(bvalues[i] >= 0 && bvalues[i] <= QIB_BVALUE_MAX), err, QIB_ERR_ARG, NULL,
                    -1, "b-values", "b-value %zu is %g; b-values are from 0 to 1e6 s/mm^2", i + 1,
                    bvalues[i]);
        g->b[i] = bvalues[i];
    }
    qsort(g->b, n, sizeof *g->b, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || g->b[i] != g->b[k - 1]) g->b[k++] = g->b[i];
    g->k = k;
    QIB_FAIL_IF(k < 2, err, QIB_ERR_ARG, NULL, -1, "b-values",
                "all %zu frames have b-value %g: an ADC fit needs at least two distinct "
                "b-values", n, g->b[0]);
    /* 1 s/mm^2 of spread bounds every weight by 2 (sum (b - mean)^2 >=
     * range^2 / 2), so the fitted ADC is finite for any finite ln S */
    QIB_FAIL_IF(g->b[k - 1] - g->b[0] < 1, err, QIB_ERR_ARG, NULL, -1, "b-values",
                "the b-values span %g s/mm^2; an ADC fit needs them at least 1 s/mm^2 apart",
                g->b[k - 1] - g->b[0]);
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = k - 1; /* bisect: b is sorted and holds bvalues[i] */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (g->b[mid] < bvalues[i]) lo = mid + 1;
            else hi = mid;
        }
        g->of[i] = lo;
        g->count[lo]++;
    }
    double mean = 0;
    for (size_t j = 0; j < k; j++) mean += g->b[j];
    mean /= (double)k;
    double sxx = 0;
    for (size_t j = 0; j < k; j++) sxx += (g->b[j] - mean) * (g->b[j] - mean);
    for (size_t j = 0; j < k; j++) g->w[j] = (g->b[j] - mean) / sxx;
    return QIB_OK;
}

qib_status qib_adc_fit(const qib_volume *dwi, const double *bvalues, size_t n, qib_volume **adc,
                       qib_volume **flags, size_t *flagged, qib_error *err) {
    QIB_FAIL_IF(!dwi || !bvalues || !adc, err, QIB_ERR_ARG, NULL, -1, NULL,
                "a DWI volume, b-values and an output are needed");
    size_t frames = qib_volume_frames(dwi);
    QIB_FAIL_IF(n != frames, err, QIB_ERR_ARG, NULL, -1, "b-values",
                "%zu b-values for %zu frames: give one b-value per frame", n, frames);
    bgroups g;
    qib_status st = fit_weights(bvalues, n, &g, err);
    const qib_grid *grid = qib_volume_grid(dwi);
    size_t nvox = qib_volume_frame_voxels(dwi);
    qib_volume *a = NULL, *f = NULL;
    double *frame = NULL, *sum = NULL;
    uint8_t *bad = NULL;
    if (st == QIB_OK) st = qib_volume_create(grid, 1, QIB_DT_F32, &a, err);
    if (st == QIB_OK) st = qib_volume_create(grid, 1, QIB_DT_U8, &f, err);
    size_t bytes = 0;
    if (st == QIB_OK && !qib__mul_ok(nvox, g.k * sizeof *sum, &bytes))
        st = qib__fail(err, QIB_ERR_LIMIT, NULL, -1, NULL, "too many voxels x b-values");
    if (st == QIB_OK) {
        frame = malloc(nvox * sizeof *frame);
        sum = calloc(1, bytes ? bytes : 1);
        if (!frame || !sum) st = qib__nomem(err, NULL, "ADC fit");
    }
    if (st == QIB_OK) {
        bad = qib_volume_data(f);
        /* sum[v * K + j]: sum of ln S over the frames with b-value j */
        for (size_t t = 0; t < frames; t++) {
            qib_volume_frame_to_f64(dwi, t, frame);
            size_t j = g.of[t];
            for (size_t v = 0; v < nvox; v++) {
                double s = frame[v];
                if (!(s > 0) || !isfinite(s)) { /* NaN fails s > 0 */
                    bad[v] = QIB_ADC_FLAG_NONPOSITIVE;
                    continue;
                }
                sum[v * g.k + j] += log(s);
            }
        }
        float *out = qib_volume_data(a);
        size_t nbad = 0;
        for (size_t v = 0; v < nvox; v++) {
            if (bad[v]) {
                out[v] = 0.0f;
                nbad++;
                continue;
            }
            double slope = 0;
            for (size_t j = 0; j < g.k; j++)
                slope += g.w[j] * (sum[v * g.k + j] / (double)g.count[j]);
            /* mm^2/s -> 10^-3 mm^2/s; + 0.0 turns -0 (slope 0) into 0 */
            out[v] = (float)(-slope * 1000.0 + 0.0);
        }
        if (flagged) *flagged = nbad;
    }
    free(frame);
    free(sum);
    bgroups_free(&g);
    if (st != QIB_OK) {
        qib_volume_free(a);
        qib_volume_free(f);
        return st;
    }
    *adc = a;
    if (flags) *flags = f;
    else qib_volume_free(f);
    return QIB_OK;
}

/* ---- statistics ---- */

double qib_percentile_sorted(const double *sorted, size_t n, double p) {
    if (n == 0) return NAN;
    double h = (double)(n - 1) * p / 100.0;
    if (h <= 0) return sorted[0];
    if (h >= (double)(n - 1)) return sorted[n - 1];
    size_t lo = (size_t)floor(h);
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* Neumaier's compensated sum (Neumaier 1974), so the mean does not depend
 * on the order of magnitudes of the values added. */
static double neumaier_sum(const double *x, size_t n) {
    double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double t = s + x[i];
        if (fabs(s) >= fabs(x[i])) c += (s - t) + x[i];
        else c += (x[i] - t) + s;
        s = t;
    }
    return s + c;
}

qib_status qib_adc_stats_compute(const qib_volume *adc, const qib_volume *flags,
                                 const qib_mask *region, double threshold, qib_adc_stats *out,
                                 qib_error *err) {
    QIB_FAIL_IF(!adc || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "an ADC map and an output are needed");
    QIB_FAIL_IF(!isfinite(threshold), err, QIB_ERR_ARG, NULL, -1, "threshold",
                "the threshold %g is not a finite number", threshold);
    const qib_grid *g = qib_volume_grid(adc);
    if (region) QIB_FORWARD(qib_grid_check_same(g, qib_mask_grid(region), 0, 0, err));
    if (flags) QIB_FORWARD(qib_grid_check_same(g, qib_volume_grid(flags), 0, 0, err));
    size_t nvox = qib_volume_frame_voxels(adc);
    const uint8_t *in = region ? qib_mask_cdata(region) : NULL;
    double *vals = malloc((nvox ? nvox : 1) * sizeof *vals);
    if (!vals) return qib__nomem(err, NULL, "ADC statistics");
    qib_adc_stats s;
    memset(&s, 0, sizeof s);
    s.threshold = threshold;
    size_t used = 0;
    for (size_t v = 0; v < nvox; v++) {
        if (in && !in[v]) continue;
        s.voxels++;
        double x = qib_volume_value(adc, v);
        bool flagged = (flags && qib_volume_value(flags, v) != 0) || !isfinite(x);
        if (flagged) {
            s.flagged++;
            continue;
        }
        vals[used++] = x;
        if (x < threshold) s.below++;
    }
    if (used == 0) {
        free(vals);
        return qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "region",
                         "no voxel to summarise: the region has %zu voxels, %zu of them flagged "
                         "(signal <= 0 at some b-value)", s.voxels, s.flagged);
    }
    s.used = used;
    s.mean = neumaier_sum(vals, used) / (double)used;
    double *dev = malloc(used * sizeof *dev);
    if (!dev) {
        free(vals);
        return qib__nomem(err, NULL, "ADC statistics");
    }
    for (size_t i = 0; i < used; i++) dev[i] = (vals[i] - s.mean) * (vals[i] - s.mean);
    s.sd = sqrt(neumaier_sum(dev, used) / (double)used);
    free(dev);
    qsort(vals, used, sizeof *vals, cmp_double);
    s.min = vals[0];
    s.max = vals[used - 1];
    s.median = qib_percentile_sorted(vals, used, 50);
    s.p10 = qib_percentile_sorted(vals, used, 10);
    s.p25 = qib_percentile_sorted(vals, used, 25);
    s.p75 = qib_percentile_sorted(vals, used, 75);
    s.p90 = qib_percentile_sorted(vals, used, 90);
    s.fraction_below = (double)s.below / (double)used;
    free(vals);
    *out = s;
    return QIB_OK;
}
