/* SPDX-License-Identifier: Apache-2.0 */
/* ivh.c: intensity-volume histogram features (IBSI 1 manual, section
 * "Intensity-volume histogram features", family code P88C).
 *
 * The IVH is built on the N_v voxels of the intensity mask, over the whole 3D
 * region, with its own discretisation (setting ivh_discretisation):
 *   none: levels g = lo, lo+1, ..., hi (unit steps, for calibrated integer
 *         data such as HU); lo/hi are the re-segmentation bounds when set,
 *         else the ROI extremes; a voxel counts at level lo + floor(X - lo);
 *   fbs:  bins of width w from lo (as above), n = ceil((hi - lo) / w) + 1; a
 *         voxel goes to bin floor((X - lo) / w) + 1; each bin's intensity is
 *         its centre g_i = lo + (i - 0.5) w;
 *   fbn:  N_g bins between the ROI extremes (IBSI fixed bin number); the
 *         intensity of bin i is i.
 * Intensity fraction gamma_i = (g_i - g_min) / (g_max - g_min) over the
 * levels (none: lo, hi; fbs: first and last bin centres; fbn: 1, N_g), and
 * volume fraction nu_i = 1 - sum_{j < i} p_j, the fraction of voxels at
 * level i or above. This follows MIRP (the IBSI coordinator's software),
 * which reproduces the manual's reference values for the digital phantom and
 * configurations A-C. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"

/* Refuse IVHs with more levels than this (tiny bin width or wild range). */
#define MAX_IVH_LEVELS 16777216.0

typedef struct ivh_ctx {
    size_t n;        /* levels */
    double *g;       /* intensity of each level, ascending */
    double *gamma;   /* intensity fraction */
    double *nu;      /* volume fraction */
    double above;    /* the intensity one step above the top level */
    bool empty;
} ivh_ctx;

static void ivh_release(void *ctx) {
    ivh_ctx *c = ctx;
    if (!c) return;
    free(c->g);
    free(c->gamma);
    free(c->nu);
    free(c);
}

static qib_status ivh_prepare(const qib_roi *roi, size_t aggregation, void **out,
                              qib_error *err) {
    ivh_ctx *c = calloc(1, sizeof *c);
    if (!c) return qib__nomem(err, NULL, "intensity-volume histogram");
    double mn = HUGE_VAL, mx = -HUGE_VAL;
    size_t nv = 0;
    for (size_t i = 0; i < roi->n; i++)
        if (roi->int_mask[i]) {
            if (roi->image[i] < mn) mn = roi->image[i];
            if (roi->image[i] > mx) mx = roi->image[i];
            nv++;
        }
    if (nv == 0) {
        c->empty = true;
        *out = c;
        return QIB_OK;
    }
    const char *method = qib_settings_string(roi->settings, "ivh_discretisation");
    bool fbn = !strcmp(method, "fbn"), fbs = !strcmp(method, "fbs");
    double lo = isfinite(roi->reseg_lo) ? roi->reseg_lo : mn;
    double hi = isfinite(roi->reseg_hi) ? roi->reseg_hi : mx;
    double w = fbs ? qib_settings_real(roi->settings, "ivh_bin_width") : 1.0;
    double nb;
    if (fbn) {
        lo = mn;
        hi = mx;
        nb = (double)qib_settings_int(roi->settings, "ivh_bin_count");
    } else {
        nb = fbs ? ceil((hi - lo) / w) + 1.0 : floor(hi - lo) + 1.0;
    }
    QIB_FAIL_IF(!(nb >= 1) || nb > MAX_IVH_LEVELS, err, QIB_ERR_LIMIT, NULL, -1,
                "ivh_discretisation", "the IVH would have %.0f levels; at most %.0f are allowed",
                nb, MAX_IVH_LEVELS);
    size_t n = (size_t)nb;
    double *count = calloc(n, sizeof *count);
    c->g = malloc(n * sizeof *c->g);
    c->gamma = malloc(n * sizeof *c->gamma);
    c->nu = malloc(n * sizeof *c->nu);
    if (!count || !c->g || !c->gamma || !c->nu) {
        free(count);
        ivh_release(c);
        return qib__nomem(err, NULL, "intensity-volume histogram");
    }
    c->n = n;
    for (size_t i = 0; i < roi->n; i++) {
        if (!roi->int_mask[i]) continue;
        double x = roi->image[i], b;
        if (fbn)
            b = hi > lo ? floor(nb * (x - lo) / (hi - lo)) : 0.0;
        else if (fbs)
            b = floor((x - lo) / w);
        else
            b = floor(x - lo);
        if (b < 0) b = 0;
        if (b > nb - 1) b = nb - 1;
        count[(size_t)b] += 1.0;
    }
    for (size_t k = 0; k < n; k++)
        c->g[k] = fbn ? (double)(k + 1) : fbs ? lo + ((double)k + 0.5) * w : lo + (double)k;
    double g0 = c->g[0], g1 = c->g[n - 1];
    double cum = 0;
    for (size_t k = 0; k < n; k++) {
        c->gamma[k] = g1 > g0 ? (c->g[k] - g0) / (g1 - g0) : 0.0;
        c->nu[k] = 1.0 - cum / (double)nv;
        cum += count[k];
    }
    c->above = g1 + (fbn ? 1.0 : w);
    free(count);
    *out = c;
    return QIB_OK;
}

#define CTX(p) ((const ivh_ctx *)(p))

/* V_x: the volume fraction at the first level whose intensity fraction is
 * >= x (nu falls with the level, so this is the largest such nu); NaN when
 * no level reaches x (a single-level IVH). */
static double volume_at(const ivh_ctx *c, double x) {
    if (c->empty) return NAN;
    for (size_t k = 0; k < c->n; k++)
        if (c->gamma[k] >= x) return c->nu[k];
    return NAN;
}

/* I_x: the lowest level intensity whose volume fraction is <= x; when even
 * the top level holds more than x of the volume, the intensity one step
 * above the top level (MIRP returns N_g + 1 here for fbn). */
static double intensity_at(const ivh_ctx *c, double x) {
    if (c->empty) return NAN;
    for (size_t k = 0; k < c->n; k++)
        if (c->nu[k] <= x) return c->g[k];
    return c->above;
}

/* Volume fraction at 10% intensity. IBSI BC2M (V10); no PyRadiomics feature.
 * V_0.10 (see volume_at). IBSI 3.5.1. */
static double v10(const void *c) { return volume_at(CTX(c), 0.10); }

/* Volume fraction at 90% intensity. IBSI BC2M (V90). V_0.90. IBSI 3.5.1. */
static double v90(const void *c) { return volume_at(CTX(c), 0.90); }

/* Intensity at 10% volume. IBSI GBPN (I10). I_0.10 (see intensity_at).
 * IBSI 3.5.2. */
static double i10(const void *c) { return intensity_at(CTX(c), 0.10); }

/* Intensity at 90% volume. IBSI GBPN (I90). I_0.90. IBSI 3.5.2. */
static double i90(const void *c) { return intensity_at(CTX(c), 0.90); }

/* Volume fraction difference between intensity fractions. IBSI DDTU.
 * V10 - V90. IBSI 3.5.3. */
static double diff_v10_v90(const void *c) { return v10(c) - v90(c); }

/* Intensity fraction difference between volume fractions. IBSI CNV2.
 * I10 - I90. IBSI 3.5.4. */
static double diff_i10_i90(const void *c) { return i10(c) - i90(c); }

/* Area under the IVH curve. IBSI 9CMM. Trapezoidal integral of nu over
 * gamma. IBSI 3.5.5: no consensus and no reference value; IBSI advises
 * against its use. 0 for a single-level IVH. */
static double auc(const void *c) {
    const ivh_ctx *x = CTX(c);
    if (x->empty) return NAN;
    double a = 0;
    for (size_t k = 1; k < x->n; k++)
        a += 0.5 * (x->nu[k] + x->nu[k - 1]) * (x->gamma[k] - x->gamma[k - 1]);
    return a;
}

#define IVH(name, code, flags, text) {{"ivh", #name, code, "", "", flags, text}, name}

static const qib_feature_def ivh_features[] = {
    IVH(v10, "BC2M", 0, "Volume fraction with at least 10% of the intensity range."),
    IVH(v90, "BC2M", 0, "Volume fraction with at least 90% of the intensity range."),
    IVH(i10, "GBPN", 0, "Lowest intensity of the hottest 10% of the volume."),
    IVH(i90, "GBPN", 0, "Lowest intensity of the hottest 90% of the volume."),
    IVH(diff_v10_v90, "DDTU", 0, "V10 - V90."),
    IVH(diff_i10_i90, "CNV2", 0, "I10 - I90."),
    IVH(auc, "9CMM", QIB_FEATURE_NO_CONSENSUS, "Area under the IVH curve (no IBSI consensus)."),
};

const qib_family_def qib__family_ivh = {
    {"ivh", "Intensity-volume histogram", "intensity-volume histogram",
     "Volume and intensity fractions of the cumulative intensity histogram.", NULL, NULL},
    ivh_features,
    sizeof ivh_features / sizeof ivh_features[0],
    NULL,
    0,
    ivh_prepare,
    ivh_release,
};
