/* SPDX-License-Identifier: Apache-2.0 */
/* discretise.c: intensity discretisation into grey levels 1..Ng.
 *
 * IBSI 1 manual, "Image processing" > "Intensity discretisation":
 *   fixed bin number (FBN): X_d = floor(Ng (X - Xmin) / (Xmax - Xmin)) + 1,
 *       with X = Xmax mapped to Ng; Xmin, Xmax are the ROI's (intensity mask)
 *       extremes;
 *   fixed bin size (FBS): X_d = floor((X - Xmin) / w) + 1, with Xmin the lower
 *       bound of the re-segmentation range when there is one, else the ROI
 *       minimum. */
#include <math.h>

#include "processing.h"

/* More levels than this is a mistake (a tiny bin width), not a histogram. */
#define MAX_LEVELS 16777216.0

qib_status qib__discretise(const double *img, const uint8_t *mask, size_t n, qib_discr method,
                           double param, double lo_bound, int32_t *levels, int32_t *n_levels,
                           double *x_min, qib_error *err) {
    double mn = HUGE_VAL, mx = -HUGE_VAL;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        levels[i] = 0;
        if (!mask[i]) continue;
        if (img[i] < mn) mn = img[i];
        if (img[i] > mx) mx = img[i];
        count++;
    }
    if (count == 0) {
        *n_levels = 0;
        *x_min = NAN;
        return QIB_OK;
    }
    QIB_FAIL_IF(!isfinite(mn) || !isfinite(mx), err, QIB_ERR_NUMERIC, NULL, -1, "discretisation",
                "the region holds a non-finite intensity");
    int32_t top = 1;
    if (method == QIB_DISCR_FBN) {
        QIB_FAIL_IF(!(param >= 1) || param > MAX_LEVELS, err, QIB_ERR_ARG, NULL, -1, "bin_count",
                    "bin count %g is not in [1, %g]", param, MAX_LEVELS);
        double ng = floor(param), range = mx - mn;
        for (size_t i = 0; i < n; i++) {
            if (!mask[i]) continue;
            double d = range > 0 ? floor(ng * (img[i] - mn) / range) + 1.0 : 1.0;
            if (d > ng) d = ng; /* X = Xmax */
            if (d < 1) d = 1;
            levels[i] = (int32_t)d;
        }
        *n_levels = (int32_t)ng;
        *x_min = mn;
        return QIB_OK;
    }
    double base = isfinite(lo_bound) ? lo_bound : mn;
    double w = method == QIB_DISCR_FBS ? param : 1.0;
    QIB_FAIL_IF(!(w > 0) || !isfinite(w), err, QIB_ERR_ARG, NULL, -1, "bin_width",
                "bin width %g is not > 0", w);
    if (method == QIB_DISCR_NONE) base = round(base);
    double span = ((method == QIB_DISCR_NONE ? round(mx) : mx) - base) / w;
    QIB_FAIL_IF(span + 1 > MAX_LEVELS, err, QIB_ERR_LIMIT, NULL, -1,
                method == QIB_DISCR_FBS ? "bin_width" : "discretisation",
                "intensities %g..%g would need %.0f bins; at most %.0f are allowed", base, mx,
                span + 1, MAX_LEVELS);
    for (size_t i = 0; i < n; i++) {
        if (!mask[i]) continue;
        double x = method == QIB_DISCR_NONE ? round(img[i]) : img[i];
        double d = floor((x - base) / w) + 1.0;
        if (d < 1) d = 1; /* below the re-segmentation bound: only if not re-segmented */
        levels[i] = (int32_t)d;
        if (levels[i] > top) top = levels[i];
    }
    *n_levels = top;
    *x_min = base;
    return QIB_OK;
}
