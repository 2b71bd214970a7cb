/* SPDX-License-Identifier: Apache-2.0 */
/* firstorder.c: PyRadiomics 3.1's firstorder class, its 18 default
 * features (radiomics/firstorder.py, RadiomicsFirstOrder; docs/features.rst
 * "First Order Features"). StandardDeviation is not here: it is marked
 * @deprecated, and PyRadiomics leaves deprecated features out when a class
 * is enabled as a whole, as its defaults do.
 *
 * X: the intensities of the N_p voxels of the intensity mask (after
 * re-segmentation), without voxelArrayShift; c: the setting
 * voxel_array_shift (PyRadiomics voxelArrayShift, default 0), added only in
 * Energy, TotalEnergy and RootMeanSquared. p(i) = P(i) / N_p: the
 * histogram of the grey levels of PyRadiomics' binning (roi->levels).
 * Moments are population moments. Percentiles are numpy.percentile's
 * default ("linear": position q/100 (N_p - 1) of the sorted values).
 *
 * One pass gathers the values, their sum, extremes, energy and level
 * histogram; a second the central moments; the percentiles come from a
 * partial selection of the order statistics they need, not a full sort. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../features/family.h"
#include "pr_order.h"

/* numpy.spacing(1), the eps of PyRadiomics' entropy. */
#define PR_EPS 2.220446049250313e-16

typedef struct pr_fo_ctx {
    size_t n;
    double mean, var, skew, kurt, min, max, median, p10, p25, p75, p90, mad, rmad;
    double energy;      /* sum (X + c)^2 */
    double voxel_mm3;   /* voxel volume */
    double entropy, uniformity;
} pr_fo_ctx;

/* numpy.percentile(x, q) (method "linear", numpy 1.24): virtual index
 * g = n qq + (1 - qq) - 1 with qq = q / 100, and between the order
 * statistics a = x_(floor g) and b = x_(floor g + 1) the lerp
 * a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5 (t = g - floor g). */
static double np_index(size_t n, double q) {
    double qq = q / 100.0;
    return (double)n * qq + (1.0 - qq) - 1.0;
}

/* The percentile from the order statistics at floor(g) (a) and the next (b). */
static double np_lerp(size_t n, double q, double a, double b) {
    double g = np_index(n, q), t = g - floor(g), d = b - a;
    if (g >= (double)(n - 1)) return b;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/* The order statistic of rank floor(g) of percentile q, clamped to [0, n). */
static size_t np_rank(size_t n, double q) {
    double f = floor(np_index(n, q));
    size_t i = f < 0 ? 0 : (size_t)f;
    return i > n - 1 ? n - 1 : i;
}

static void sort_sizes(size_t *a, size_t n) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
            size_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

/* Value of rank r among the nr ranks found (r is one of them). */
static double at_rank(const size_t *ranks, const double *val, size_t nr, size_t r) {
    size_t i = 0;
    while (i + 1 < nr && ranks[i] != r) i++;
    return val[i];
}

/* P10, P25, P75, P90 and the median of the n > 0 values, from the order
 * statistics they need (pr_order.c). */
static qib_status percentiles(const double *v, size_t n, pr_fo_ctx *c, qib_error *err) {
    static const double qs[4] = {10, 25, 75, 90};
    size_t ranks[10], nr = 0, uniq = 0;
    for (int k = 0; k < 4; k++) {
        size_t i = np_rank(n, qs[k]);
        ranks[nr++] = i;
        if (i + 1 < n) ranks[nr++] = i + 1;
    }
    ranks[nr++] = (n - 1) / 2; /* numpy.median: the middle one or two */
    ranks[nr++] = n / 2;
    sort_sizes(ranks, nr);
    for (size_t i = 0; i < nr; i++)
        if (!uniq || ranks[uniq - 1] != ranks[i]) ranks[uniq++] = ranks[i];
    double val[10];
    QIB_FORWARD(qib__pr_order_stats(v, n, c->min, c->max, ranks, uniq, val, err));
    double *p[4] = {&c->p10, &c->p25, &c->p75, &c->p90};
    for (int k = 0; k < 4; k++) {
        size_t i = np_rank(n, qs[k]);
        double a = at_rank(ranks, val, uniq, i);
        double b = i + 1 < n ? at_rank(ranks, val, uniq, i + 1) : a;
        *p[k] = np_lerp(n, qs[k], a, b);
    }
    double lo = at_rank(ranks, val, uniq, (n - 1) / 2), hi = at_rank(ranks, val, uniq, n / 2);
    c->median = n % 2 ? hi : (lo + hi) / 2.0;
    return QIB_OK;
}

/* Moments, deviations and percentiles of the n > 0 values. */
static qib_status summarise(const double *v, size_t n, double sum, pr_fo_ctx *c,
                            qib_error *err) {
    double mean = sum / (double)n, m2 = 0, m3 = 0, m4 = 0, mad = 0;
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - mean, d2 = d * d;
        m2 += d2, m3 += d2 * d, m4 += d2 * d2, mad += fabs(d);
    }
    m2 /= (double)n, m3 /= (double)n, m4 /= (double)n;
    c->mean = mean;
    c->var = m2;
    c->skew = m2 == 0 ? 0.0 : m3 / pow(m2, 1.5);
    c->kurt = m2 == 0 ? 0.0 : m4 / (m2 * m2);
    c->mad = mad / (double)n;
    QIB_FORWARD(percentiles(v, n, c, err));
    /* robust: the values in [P10, P90] (never empty: the median is there) */
    double rs = 0, rd = 0;
    size_t rn = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= c->p10 && v[i] <= c->p90) rs += v[i], rn++;
    double rmean = rs / (double)rn;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= c->p10 && v[i] <= c->p90) rd += fabs(v[i] - rmean);
    c->rmad = rd / (double)rn;
    return QIB_OK;
}

/* Entropy and uniformity of the level histogram h[1..nl] of n voxels. */
static void histogram_features(const size_t *h, size_t nl, size_t n, pr_fo_ctx *c) {
    double e = 0, u = 0;
    for (size_t l = 1; l <= nl; l++) {
        if (!h[l]) continue;
        double p = (double)h[l] / (double)n;
        e -= p * log2(p + PR_EPS);
        u += p * p;
    }
    c->entropy = e;
    c->uniformity = u;
}

static qib_status fo_prepare(const qib_roi *roi, size_t aggregation, void **out,
                             qib_error *err) {
    (void)aggregation;
    bool have_levels = roi->levels && roi->n_levels > 0;
    size_t nl = have_levels ? (size_t)roi->n_levels : 0;
    pr_fo_ctx *c = calloc(1, sizeof *c);
    double *v = malloc((roi->n_int ? roi->n_int : 1) * sizeof *v);
    size_t *h = calloc(nl + 1, sizeof *h);
    if (!c || !v || !h) {
        free(c);
        free(v);
        free(h);
        return qib__nomem(err, NULL, "PyRadiomics firstorder");
    }
    double shift = roi->settings ? qib_settings_real(roi->settings, "voxel_array_shift") : 0.0;
    double sum = 0, energy = 0, mn = HUGE_VAL, mx = -HUGE_VAL;
    size_t n = 0;
    for (size_t i = 0; i < roi->n && n < roi->n_int;) {
        const uint8_t *in = memchr(roi->int_mask + i, 1, roi->n - i); /* masks are 0/1 */
        if (!in) break;
        for (i = (size_t)(in - roi->int_mask); i < roi->n && roi->int_mask[i] && n < roi->n_int;
             i++) {
            double x = roi->image[i], xs = x + shift;
            v[n++] = x;
            sum += x;
            energy += xs * xs;
            if (x < mn) mn = x;
            if (x > mx) mx = x;
            if (have_levels && roi->levels[i] >= 1 && (size_t)roi->levels[i] <= nl)
                h[roi->levels[i]]++;
        }
    }
    c->n = n;
    c->voxel_mm3 = roi->grid.spacing[0] * roi->grid.spacing[1] * roi->grid.spacing[2];
    qib_status st = QIB_OK;
    if (n == 0) {
        /* empty region (the pipeline refuses it): every feature undefined */
        c->mean = c->var = c->skew = c->kurt = c->min = c->max = c->median = NAN;
        c->p10 = c->p25 = c->p75 = c->p90 = c->mad = c->rmad = c->energy = NAN;
        c->entropy = c->uniformity = NAN;
    } else {
        c->min = mn, c->max = mx, c->energy = energy;
        st = summarise(v, n, sum, c, err);
        if (have_levels)
            histogram_features(h, nl, n, c);
        else
            c->entropy = c->uniformity = NAN;
    }
    free(v);
    free(h);
    if (st) {
        free(c);
        return st;
    }
    *out = c;
    return QIB_OK;
}

static void fo_release(void *ctx) { free(ctx); }

#define CTX(p) ((const pr_fo_ctx *)(p))

/* 10Percentile; IBSI QG58. firstorder.py get10PercentileFeatureValue:
 * numpy.percentile(X, 10), linear interpolation at 0.1 (N_p - 1). */
static double p10(const void *c) { return CTX(c)->p10; }

/* 90Percentile; IBSI 8DWT. numpy.percentile(X, 90). */
static double p90(const void *c) { return CTX(c)->p90; }

/* Energy; IBSI N8CA when c = 0. firstorder.py getEnergyFeatureValue:
 * sum_i (X(i) + c)^2. */
static double energy(const void *c) { return CTX(c)->energy; }

/* Entropy; IBSI TLU2 (intensity histogram entropy, on PyRadiomics' bins).
 * firstorder.py getEntropyFeatureValue: -sum_i p(i) log2(p(i) + eps),
 * eps = numpy.spacing(1) = 2.2e-16, over the non-empty bins; one bin gives
 * -log2(1 + eps) = -3.2e-16, not 0. */
static double entropy(const void *c) { return CTX(c)->entropy; }

/* InterquartileRange; IBSI SALO. getInterquartileRangeFeatureValue:
 * P75 - P25 (numpy.percentile). */
static double iqr(const void *c) { return CTX(c)->p75 - CTX(c)->p25; }

/* Kurtosis; no IBSI equal: IBSI IPH6 is the excess kurtosis, this is it
 * plus 3. getKurtosisFeatureValue: mu_4 / sigma^4 with population moments;
 * 0 when sigma = 0 (a flat region). */
static double kurtosis(const void *c) { return CTX(c)->kurt; }

/* Maximum; IBSI 84IY. getMaximumFeatureValue: max(X). */
static double maximum(const void *c) { return CTX(c)->max; }

/* MeanAbsoluteDeviation; IBSI 4FUA. getMeanAbsoluteDeviationFeatureValue:
 * (1/N_p) sum_i |X(i) - mean(X)|. */
static double mad(const void *c) { return CTX(c)->mad; }

/* Mean; IBSI Q4LE. getMeanFeatureValue: (1/N_p) sum_i X(i). */
static double mean(const void *c) { return CTX(c)->mean; }

/* Median; IBSI Y12H. getMedianFeatureValue: numpy.median(X) (the middle
 * value, or the mean of the middle two). */
static double median(const void *c) { return CTX(c)->median; }

/* Minimum; IBSI 1GSF. getMinimumFeatureValue: min(X). */
static double minimum(const void *c) { return CTX(c)->min; }

/* Range; IBSI 2OJQ. getRangeFeatureValue: max(X) - min(X). */
static double range(const void *c) { return CTX(c)->max - CTX(c)->min; }

/* RobustMeanAbsoluteDeviation; IBSI 1128.
 * getRobustMeanAbsoluteDeviationFeatureValue: the mean absolute deviation
 * from their mean of the values X(i) with P10 <= X(i) <= P90. */
static double rmad(const void *c) { return CTX(c)->rmad; }

/* RootMeanSquared; IBSI 5ZWQ when c = 0. getRootMeanSquaredFeatureValue:
 * sqrt((1/N_p) sum_i (X(i) + c)^2). */
static double rms(const void *c) {
    return CTX(c)->n ? sqrt(CTX(c)->energy / (double)CTX(c)->n) : NAN;
}

/* Skewness; IBSI KE2A. getSkewnessFeatureValue: mu_3 / sigma^3 (population
 * moments); 0 when sigma = 0. */
static double skewness(const void *c) { return CTX(c)->skew; }

/* TotalEnergy; no IBSI equal. getTotalEnergyFeatureValue: voxel volume
 * (mm^3) times Energy. */
static double total_energy(const void *c) { return CTX(c)->voxel_mm3 * CTX(c)->energy; }

/* Uniformity; IBSI BJ5W (intensity histogram uniformity, on PyRadiomics'
 * bins). getUniformityFeatureValue: sum_i p(i)^2. */
static double uniformity(const void *c) { return CTX(c)->uniformity; }

/* Variance; IBSI ECT3. getVarianceFeatureValue: numpy.std(X)^2, the
 * population variance (1/N_p) sum_i (X(i) - mean)^2. */
static double variance(const void *c) { return CTX(c)->var; }

#define PRF(fn, name, code, text) \
    {{"pyradiomics_firstorder", name, code, "firstorder_" name, "", 0, text}, fn}

/* In PyRadiomics' output order (its getters, sorted by name). */
static const qib_feature_def pr_firstorder_features[] = {
    PRF(p10, "10Percentile", "QG58", "10th percentile (numpy linear)."),
    PRF(p90, "90Percentile", "8DWT", "90th percentile (numpy linear)."),
    PRF(energy, "Energy", "N8CA", "Sum of (intensity + voxelArrayShift)^2."),
    PRF(entropy, "Entropy", "TLU2", "-sum p log2(p + eps) of the binned histogram."),
    PRF(iqr, "InterquartileRange", "SALO", "P75 - P25."),
    PRF(kurtosis, "Kurtosis", "", "Kurtosis mu4 / sigma^4 (not excess: IBSI's + 3)."),
    PRF(maximum, "Maximum", "84IY", "Maximum intensity."),
    PRF(mad, "MeanAbsoluteDeviation", "4FUA", "Mean absolute deviation from the mean."),
    PRF(mean, "Mean", "Q4LE", "Mean intensity."),
    PRF(median, "Median", "Y12H", "Median intensity."),
    PRF(minimum, "Minimum", "1GSF", "Minimum intensity."),
    PRF(range, "Range", "2OJQ", "Maximum - minimum."),
    PRF(rmad, "RobustMeanAbsoluteDeviation", "1128",
        "Mean absolute deviation of the intensities in [P10, P90]."),
    PRF(rms, "RootMeanSquared", "5ZWQ", "sqrt(mean((intensity + voxelArrayShift)^2))."),
    PRF(skewness, "Skewness", "KE2A", "Skewness mu3 / sigma^3."),
    PRF(total_energy, "TotalEnergy", "", "Energy times the voxel volume."),
    PRF(uniformity, "Uniformity", "BJ5W", "sum p^2 of the binned histogram."),
    PRF(variance, "Variance", "ECT3", "Population variance."),
};

const qib_family_def qib__family_pr_firstorder = {
    {"pyradiomics_firstorder", "PyRadiomics first order", "",
     "PyRadiomics 3.1 firstorder class: statistics of the region's intensities.", "firstorder",
     "pyradiomics"},
    pr_firstorder_features,
    sizeof pr_firstorder_features / sizeof pr_firstorder_features[0],
    NULL,
    0,
    fo_prepare,
    fo_release,
};
