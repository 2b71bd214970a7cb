/* SPDX-License-Identifier: Apache-2.0 */
/* stat.c: intensity-based statistical features (IBSI 1 manual, section
 * "Intensity-based statistical features", family code UHIW).
 *
 * Computed on the processed intensities X_k of the N_v voxels of the
 * intensity mask (after re-segmentation), over the whole 3D region even in
 * 2D configurations. Moments are population moments. When the intensity mask
 * is empty every feature is NaN (the pipeline refuses empty regions). */
#include <math.h>
#include <stdlib.h>

#include "family.h"
#include "first_order.h"

typedef struct stat_ctx {
    qib_first_order fo;
} stat_ctx;

static qib_status stat_prepare(const qib_roi *roi, size_t aggregation, void **out,
                               qib_error *err) {
    stat_ctx *c = calloc(1, sizeof *c);
    double *v = malloc((roi->n_int ? roi->n_int : 1) * sizeof *v);
    if (!c || !v) {
        free(c);
        free(v);
        return qib__nomem(err, NULL, "intensity statistics");
    }
    size_t n = 0;
    for (size_t i = 0; i < roi->n; i++)
        if (roi->int_mask[i]) v[n++] = roi->image[i];
    qib__first_order(v, n, &c->fo);
    free(v);
    *out = c;
    return QIB_OK;
}

static void stat_release(void *ctx) { free(ctx); }

#define FO(p) (&((const stat_ctx *)(p))->fo)

/* Mean intensity. IBSI Q4LE; PyRadiomics firstorder_Mean.
 * mu = (1/N_v) sum_k X_k. IBSI 1 section 3.3.1. */
static double mean(const void *c) { return FO(c)->mean; }

/* Intensity variance. IBSI ECT3; PyRadiomics firstorder_Variance.
 * sigma^2 = (1/N_v) sum_k (X_k - mu)^2 (population variance). IBSI 3.3.2. */
static double variance(const void *c) { return FO(c)->var; }

/* Intensity skewness. IBSI KE2A; PyRadiomics firstorder_Skewness.
 * ((1/N_v) sum_k (X_k - mu)^3) / sigma^3. IBSI 3.3.3.
 * Edge case: 0 when sigma = 0 (a single intensity). */
static double skewness(const void *c) { return FO(c)->skew; }

/* (Excess) intensity kurtosis. IBSI IPH6; PyRadiomics firstorder_Kurtosis is
 * NOT excess (it is this value + 3).
 * ((1/N_v) sum_k (X_k - mu)^4) / sigma^4 - 3. IBSI 3.3.4.
 * Edge case: 0 when sigma = 0. */
static double kurtosis(const void *c) { return FO(c)->kurt; }

/* Median intensity. IBSI Y12H; PyRadiomics firstorder_Median.
 * The 50th percentile P50 (linear interpolation between order statistics,
 * see first_order.h). IBSI 3.3.5. */
static double median(const void *c) { return FO(c)->median; }

/* Minimum intensity. IBSI 1GSF; PyRadiomics firstorder_Minimum.
 * min_k X_k. IBSI 3.3.6. */
static double minimum(const void *c) { return FO(c)->min; }

/* 10th intensity percentile. IBSI QG58; PyRadiomics firstorder_10Percentile.
 * P10, linear interpolation at position 0.1 (N_v - 1) of the sorted X.
 * IBSI 3.3.7. */
static double p10(const void *c) { return FO(c)->p10; }

/* 90th intensity percentile. IBSI 8DWT; PyRadiomics firstorder_90Percentile.
 * P90, as P10. IBSI 3.3.8. */
static double p90(const void *c) { return FO(c)->p90; }

/* Maximum intensity. IBSI 84IY; PyRadiomics firstorder_Maximum.
 * max_k X_k. IBSI 3.3.9. */
static double maximum(const void *c) { return FO(c)->max; }

/* Intensity interquartile range. IBSI SALO; PyRadiomics
 * firstorder_InterquartileRange. P75 - P25. IBSI 3.3.10. */
static double interquartile_range(const void *c) { return FO(c)->p75 - FO(c)->p25; }

/* Intensity range. IBSI 2OJQ; PyRadiomics firstorder_Range.
 * max X - min X. IBSI 3.3.11. */
static double range(const void *c) { return FO(c)->max - FO(c)->min; }

/* Intensity-based mean absolute deviation. IBSI 4FUA; PyRadiomics
 * firstorder_MeanAbsoluteDeviation. (1/N_v) sum_k |X_k - mu|. IBSI 3.3.12. */
static double mean_absolute_deviation(const void *c) { return FO(c)->mad; }

/* Intensity-based robust mean absolute deviation. IBSI 1128; PyRadiomics
 * firstorder_RobustMeanAbsoluteDeviation.
 * (1/N_10-90) sum |X_k - mu_10-90| over the voxels with P10 <= X_k <= P90,
 * mu_10-90 their mean. IBSI 3.3.13. */
static double robust_mean_absolute_deviation(const void *c) { return FO(c)->rmad; }

/* Intensity-based median absolute deviation. IBSI N72L; no PyRadiomics
 * feature. (1/N_v) sum_k |X_k - M|, M the median (a mean of absolute
 * deviations from the median, as IBSI defines it). IBSI 3.3.14. */
static double median_absolute_deviation(const void *c) { return FO(c)->medad; }

/* Intensity-based coefficient of variation. IBSI 7TET; no PyRadiomics
 * feature. sigma / mu. IBSI 3.3.15.
 * Edge cases: 0 when sigma = 0; NaN when mu = 0 and sigma > 0. */
static double coefficient_of_variation(const void *c) {
    const qib_first_order *f = FO(c);
    if (f->var == 0) return 0.0;
    return f->mean != 0 ? sqrt(f->var) / f->mean : NAN;
}

/* Intensity-based quartile coefficient of dispersion. IBSI 9S40; no
 * PyRadiomics feature. (P75 - P25) / (P75 + P25). IBSI 3.3.16.
 * Edge case: NaN when P75 + P25 = 0. */
static double quartile_coefficient_of_dispersion(const void *c) {
    const qib_first_order *f = FO(c);
    double s = f->p75 + f->p25;
    return s != 0 ? (f->p75 - f->p25) / s : NAN;
}

/* Intensity-based energy. IBSI N8CA; PyRadiomics firstorder_Energy (with
 * voxelArrayShift 0). sum_k X_k^2 (not scaled by voxel volume). IBSI 3.3.17. */
static double energy(const void *c) { return FO(c)->energy; }

/* Root mean square intensity. IBSI 5ZWQ; PyRadiomics
 * firstorder_RootMeanSquared. sqrt((1/N_v) sum_k X_k^2). IBSI 3.3.18. */
static double root_mean_square(const void *c) {
    return FO(c)->n ? sqrt(FO(c)->energy / (double)FO(c)->n) : NAN;
}

#define STAT(name, code, pyrad, text) {{"stat", #name, code, pyrad, "", 0, text}, name}

static const qib_feature_def stat_features[] = {
    STAT(mean, "Q4LE", "firstorder_Mean", "Mean intensity."),
    STAT(variance, "ECT3", "firstorder_Variance", "Intensity variance (population)."),
    STAT(skewness, "KE2A", "firstorder_Skewness", "Intensity skewness."),
    STAT(kurtosis, "IPH6", "", "Excess intensity kurtosis."),
    STAT(median, "Y12H", "firstorder_Median", "Median intensity."),
    STAT(minimum, "1GSF", "firstorder_Minimum", "Minimum intensity."),
    STAT(p10, "QG58", "firstorder_10Percentile", "10th intensity percentile."),
    STAT(p90, "8DWT", "firstorder_90Percentile", "90th intensity percentile."),
    STAT(maximum, "84IY", "firstorder_Maximum", "Maximum intensity."),
    STAT(interquartile_range, "SALO", "firstorder_InterquartileRange",
         "Intensity interquartile range, P75 - P25."),
    STAT(range, "2OJQ", "firstorder_Range", "Intensity range, maximum - minimum."),
    STAT(mean_absolute_deviation, "4FUA", "firstorder_MeanAbsoluteDeviation",
         "Mean absolute deviation from the mean."),
    STAT(robust_mean_absolute_deviation, "1128", "firstorder_RobustMeanAbsoluteDeviation",
         "Mean absolute deviation of the intensities between P10 and P90."),
    STAT(median_absolute_deviation, "N72L", "", "Mean absolute deviation from the median."),
    STAT(coefficient_of_variation, "7TET", "", "Standard deviation divided by the mean."),
    STAT(quartile_coefficient_of_dispersion, "9S40", "", "(P75 - P25) / (P75 + P25)."),
    STAT(energy, "N8CA", "firstorder_Energy", "Sum of squared intensities."),
    STAT(root_mean_square, "5ZWQ", "firstorder_RootMeanSquared", "Root mean square intensity."),
};

const qib_family_def qib__family_stat = {
    {"stat", "Intensity statistics", "intensity-based statistics",
     "Statistics of the processed intensities in the intensity mask.", NULL, NULL},
    stat_features,
    sizeof stat_features / sizeof stat_features[0],
    NULL,
    0,
    stat_prepare,
    stat_release,
};
