/* SPDX-License-Identifier: Apache-2.0 */
/* ih.c: intensity histogram features (IBSI 1 manual, section "Intensity
 * histogram features", family code ZVCW).
 *
 * Computed on the discretised grey levels X_d,k (1..N_g, settings
 * discretisation / bin_count / bin_width) of the N_v voxels of the intensity
 * mask, over the whole 3D region. The histogram H_i counts the voxels with
 * level i = 1..N_g, p_i = H_i / N_v; N_g is the bin count for fixed bin
 * number and the highest level present otherwise. When the intensity mask is
 * empty every feature is NaN. */
#include <math.h>
#include <stdlib.h>

#include "family.h"
#include "first_order.h"

typedef struct ih_ctx {
    qib_first_order fo;
    size_t ng;   /* levels 1..ng */
    double *h;   /* h[i - 1] = voxels at level i */
    double mode, entropy, uniformity;
    double max_grad, min_grad, max_grad_level, min_grad_level;
} ih_ctx;

static void ih_release(void *ctx) {
    ih_ctx *c = ctx;
    if (!c) return;
    free(c->h);
    free(c);
}

/* Histogram gradient H'_i: central differences (H_{i+1} - H_{i-1}) / 2
 * inside, one-sided H_2 - H_1 and H_Ng - H_{Ng-1} at the ends (IBSI 3.4.20);
 * 0 for a single level. The level of an extreme is its first (lowest). */
static void gradients(ih_ctx *c) {
    size_t n = c->ng;
    c->max_grad = -HUGE_VAL;
    c->min_grad = HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double g;
        if (n == 1)
            g = 0;
        else if (i == 0)
            g = c->h[1] - c->h[0];
        else if (i == n - 1)
            g = c->h[n - 1] - c->h[n - 2];
        else
            g = (c->h[i + 1] - c->h[i - 1]) / 2.0;
        if (g > c->max_grad) {
            c->max_grad = g;
            c->max_grad_level = (double)(i + 1);
        }
        if (g < c->min_grad) {
            c->min_grad = g;
            c->min_grad_level = (double)(i + 1);
        }
    }
}

static qib_status ih_prepare(const qib_roi *roi, size_t aggregation, void **out,
                             qib_error *err) {
    ih_ctx *c = calloc(1, sizeof *c);
    size_t ng = roi->n_levels > 0 ? (size_t)roi->n_levels : 1;
    double *v = malloc((roi->n_int ? roi->n_int : 1) * sizeof *v);
    if (c) c->h = calloc(ng, sizeof *c->h);
    if (!c || !v || !c->h) {
        free(v);
        ih_release(c);
        return qib__nomem(err, NULL, "intensity histogram");
    }
    c->ng = ng;
    size_t n = 0;
    for (size_t i = 0; i < roi->n; i++) {
        if (!roi->int_mask[i]) continue;
        int32_t l = roi->levels[i];
        if (l < 1 || (size_t)l > ng) { /* a pipeline bug, not a user error */
            free(v);
            ih_release(c);
            return qib__fail(err, QIB_ERR_NUMERIC, NULL, -1, "levels",
                             "grey level %d is outside 1..%zu", (int)l, ng);
        }
        v[n++] = (double)l;
        c->h[l - 1] += 1.0;
    }
    qib__first_order(v, n, &c->fo);
    free(v);
    if (n == 0) {
        c->mode = c->entropy = c->uniformity = NAN;
        c->max_grad = c->min_grad = c->max_grad_level = c->min_grad_level = NAN;
        *out = c;
        return QIB_OK;
    }
    /* mode: most frequent level; ties go to the level closest to the mean,
     * then to the lower level (as MIRP resolves them) */
    double best = -1;
    for (size_t i = 0; i < ng; i++) {
        double lvl = (double)(i + 1);
        if (c->h[i] > best ||
            (c->h[i] == best && fabs(lvl - c->fo.mean) < fabs(c->mode - c->fo.mean))) {
            best = c->h[i];
            c->mode = lvl;
        }
    }
    double e = 0, u = 0;
    for (size_t i = 0; i < ng; i++) {
        double p = c->h[i] / (double)n;
        if (p > 0) e -= p * log2(p);
        u += p * p;
    }
    c->entropy = e;
    c->uniformity = u;
    gradients(c);
    *out = c;
    return QIB_OK;
}

#define CTX(p) ((const ih_ctx *)(p))
#define FO(p) (&CTX(p)->fo)

/* Mean discretised intensity. IBSI X6K6; no PyRadiomics feature.
 * mu = (1/N_v) sum_k X_d,k = sum_i i p_i. IBSI 3.4.1. */
static double mean(const void *c) { return FO(c)->mean; }

/* Discretised intensity variance. IBSI CH89. (1/N_v) sum_k (X_d,k - mu)^2.
 * IBSI 3.4.2. */
static double variance(const void *c) { return FO(c)->var; }

/* Discretised intensity skewness. IBSI 88K1. third central moment /
 * sigma^3; 0 when sigma = 0. IBSI 3.4.3. */
static double skewness(const void *c) { return FO(c)->skew; }

/* (Excess) discretised intensity kurtosis. IBSI C3I7. fourth central
 * moment / sigma^4 - 3; 0 when sigma = 0. IBSI 3.4.4. */
static double kurtosis(const void *c) { return FO(c)->kurt; }

/* Median discretised intensity. IBSI WIFQ. P50 of X_d (linear
 * interpolation, see first_order.h). IBSI 3.4.5. */
static double median(const void *c) { return FO(c)->median; }

/* Minimum discretised intensity. IBSI 1PR8. min_k X_d,k. IBSI 3.4.6. */
static double minimum(const void *c) { return FO(c)->min; }

/* 10th discretised intensity percentile. IBSI GPMT. P10 of X_d. IBSI 3.4.7. */
static double p10(const void *c) { return FO(c)->p10; }

/* 90th discretised intensity percentile. IBSI OZ0C. P90 of X_d. IBSI 3.4.8. */
static double p90(const void *c) { return FO(c)->p90; }

/* Maximum discretised intensity. IBSI 3NCY. max_k X_d,k. IBSI 3.4.9. */
static double maximum(const void *c) { return FO(c)->max; }

/* Intensity histogram mode. IBSI AMMC. The level i with the largest H_i;
 * ties: the one closest to mu, then the lowest. IBSI 3.4.10. */
static double mode(const void *c) { return CTX(c)->mode; }

/* Discretised intensity interquartile range. IBSI WR0O. P75 - P25 of X_d.
 * IBSI 3.4.11. */
static double interquartile_range(const void *c) { return FO(c)->p75 - FO(c)->p25; }

/* Discretised intensity range. IBSI 5Z3W. max X_d - min X_d. IBSI 3.4.12. */
static double range(const void *c) { return FO(c)->max - FO(c)->min; }

/* Intensity histogram mean absolute deviation. IBSI D2ZX.
 * (1/N_v) sum_k |X_d,k - mu|. IBSI 3.4.13. */
static double mean_absolute_deviation(const void *c) { return FO(c)->mad; }

/* Intensity histogram robust mean absolute deviation. IBSI WRZB.
 * Mean absolute deviation from their own mean of the X_d,k with
 * P10 <= X_d,k <= P90. IBSI 3.4.14. */
static double robust_mean_absolute_deviation(const void *c) { return FO(c)->rmad; }

/* Intensity histogram median absolute deviation. IBSI 4RNL.
 * (1/N_v) sum_k |X_d,k - M|, M the median. IBSI 3.4.15. */
static double median_absolute_deviation(const void *c) { return FO(c)->medad; }

/* Intensity histogram coefficient of variation. IBSI CWYJ. sigma / mu
 * (mu >= 1 for levels, so always defined); 0 when sigma = 0. IBSI 3.4.16. */
static double coefficient_of_variation(const void *c) {
    return FO(c)->var > 0 ? sqrt(FO(c)->var) / FO(c)->mean : 0.0;
}

/* Intensity histogram quartile coefficient of dispersion. IBSI SLWD.
 * (P75 - P25) / (P75 + P25) of X_d (levels >= 1: always defined).
 * IBSI 3.4.17. */
static double quartile_coefficient_of_dispersion(const void *c) {
    return (FO(c)->p75 - FO(c)->p25) / (FO(c)->p75 + FO(c)->p25);
}

/* Discretised intensity entropy. IBSI TLU2; PyRadiomics firstorder_Entropy.
 * -sum_i p_i log2 p_i over p_i > 0. IBSI 3.4.18. */
static double entropy(const void *c) { return CTX(c)->entropy; }

/* Discretised intensity uniformity. IBSI BJ5W; PyRadiomics
 * firstorder_Uniformity. sum_i p_i^2. IBSI 3.4.19. */
static double uniformity(const void *c) { return CTX(c)->uniformity; }

/* Maximum histogram gradient. IBSI 12CE. max_i H'_i (see gradients()).
 * IBSI 3.4.20. */
static double max_gradient(const void *c) { return CTX(c)->max_grad; }

/* Maximum histogram gradient intensity. IBSI 8E6O. The level i of
 * max_i H'_i (the lowest on ties). IBSI 3.4.21. */
static double max_gradient_level(const void *c) { return CTX(c)->max_grad_level; }

/* Minimum histogram gradient. IBSI VQB3. min_i H'_i. IBSI 3.4.22. */
static double min_gradient(const void *c) { return CTX(c)->min_grad; }

/* Minimum histogram gradient intensity. IBSI RHQZ. The level of
 * min_i H'_i (the lowest on ties). IBSI 3.4.23. */
static double min_gradient_level(const void *c) { return CTX(c)->min_grad_level; }

#define IH(name, code, pyrad, text) {{"ih", #name, code, pyrad, "", 0, text}, name}

static const qib_feature_def ih_features[] = {
    IH(mean, "X6K6", "", "Mean discretised intensity."),
    IH(variance, "CH89", "", "Discretised intensity variance."),
    IH(skewness, "88K1", "", "Discretised intensity skewness."),
    IH(kurtosis, "C3I7", "", "Excess discretised intensity kurtosis."),
    IH(median, "WIFQ", "", "Median discretised intensity."),
    IH(minimum, "1PR8", "", "Minimum discretised intensity."),
    IH(p10, "GPMT", "", "10th discretised intensity percentile."),
    IH(p90, "OZ0C", "", "90th discretised intensity percentile."),
    IH(maximum, "3NCY", "", "Maximum discretised intensity."),
    IH(mode, "AMMC", "", "Most frequent grey level."),
    IH(interquartile_range, "WR0O", "", "Discretised intensity interquartile range."),
    IH(range, "5Z3W", "", "Discretised intensity range."),
    IH(mean_absolute_deviation, "D2ZX", "", "Mean absolute deviation of the grey levels."),
    IH(robust_mean_absolute_deviation, "WRZB", "",
       "Mean absolute deviation of the grey levels between P10 and P90."),
    IH(median_absolute_deviation, "4RNL", "",
       "Mean absolute deviation of the grey levels from their median."),
    IH(coefficient_of_variation, "CWYJ", "", "Grey level standard deviation / mean."),
    IH(quartile_coefficient_of_dispersion, "SLWD", "", "(P75 - P25) / (P75 + P25) of the levels."),
    IH(entropy, "TLU2", "firstorder_Entropy", "Shannon entropy (base 2) of the histogram."),
    IH(uniformity, "BJ5W", "firstorder_Uniformity", "Sum of squared histogram probabilities."),
    IH(max_gradient, "12CE", "", "Largest histogram gradient."),
    IH(max_gradient_level, "8E6O", "", "Grey level of the largest histogram gradient."),
    IH(min_gradient, "VQB3", "", "Smallest histogram gradient."),
    IH(min_gradient_level, "RHQZ", "", "Grey level of the smallest histogram gradient."),
};

const qib_family_def qib__family_ih = {
    {"ih", "Intensity histogram", "intensity histogram",
     "Statistics of the discretised grey levels in the intensity mask.", NULL, NULL},
    ih_features,
    sizeof ih_features / sizeof ih_features[0],
    NULL,
    0,
    ih_prepare,
    ih_release,
};
