/* SPDX-License-Identifier: Apache-2.0 */
/* tu_ibsi.h: IBSI 1 reference values and the IBSI match rule, for the unit
 * tests of the intensity families (header-only; include in one test file).
 *
 * Match rule (IBSI compliance spreadsheet, /work/shared/ibsi/README.md):
 * d = reference - value, truncated toward zero at the reference's third
 * significant digit (the units digit when the reference is 0); a match when
 * |d| <= tolerance, a partial match when |d| < 3 tolerance. */
#ifndef QIB_TU_IBSI_H
#define QIB_TU_IBSI_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* |a - b| <= eps (cmocka here has no assert_double_equal). */
#define TU_NEAR(a, b, eps)                                                              \
    do {                                                                                \
        double tu_a_ = (a), tu_b_ = (b);                                                \
        if (!(fabs(tu_a_ - tu_b_) <= (eps)))                                            \
            fail_msg("%s = %.17g, expected %.17g (+- %g)", #a, tu_a_, tu_b_, (double)(eps)); \
    } while (0)

typedef struct tu_ref {
    char tag[64];   /* ibsi_tag, e.g. stat_mean */
    char code[8];
    bool has_ref;
    double ref, tol;
} tu_ref;

/* Splits one CSV line (quotes allowed) into at most max fields, in place. */
static inline int tu_csv_split(char *line, char **f, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) break;
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
        } else {
            while (*p && *p != ',' && *p != '\n' && *p != '\r') *out++ = *p++;
        }
        char end = *p;
        *out = 0;
        f[n++] = start;
        if (end != ',') break;
        p++;
    }
    return n;
}

/* Loads the rows of a reference CSV under ../shared (rel path); NULL (after
 * a SKIP message) when absent. */
static inline tu_ref *tu_ibsi_load(const char *rel, size_t *count) {
    char path[1024];
    if (!tu_shared(rel, path, sizeof path)) return NULL;
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[2048];
    size_t n = 0, cap = 64;
    tu_ref *rows = malloc(cap * sizeof *rows);
    assert_non_null(rows);
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        char *f[12];
        if (tu_csv_split(line, f, 12) < 10) continue;
        if (n == cap) {
            cap *= 2;
            rows = realloc(rows, cap * sizeof *rows);
            assert_non_null(rows);
        }
        tu_ref *r = &rows[n++];
        snprintf(r->tag, sizeof r->tag, "%s", f[9]);
        snprintf(r->code, sizeof r->code, "%s", f[2]);
        r->has_ref = f[4][0] != 0;
        r->ref = r->has_ref ? strtod(f[4], NULL) : NAN;
        r->tol = r->has_ref ? strtod(f[5], NULL) : NAN;
    }
    fclose(fp);
    *count = n;
    return rows;
}

static inline const tu_ref *tu_ibsi_find(const tu_ref *rows, size_t n, const char *tag) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].tag, tag)) return &rows[i];
    return NULL;
}

/* 2 match, 1 partial match, 0 no match. */
static inline int tu_ibsi_match(double ref, double tol, double value) {
    if (!isfinite(value)) return 0;
    double e = ref == 0 ? 0 : floor(log10(fabs(ref))) - 2;
    double unit = pow(10, e);
    double d = ref - value;
    /* guard against d/unit landing a rounding error below an integer */
    double q = d / unit;
    double t = trunc(q + (q > 0 ? 1e-9 : -1e-9)) * unit;
    if (fabs(t) <= tol * (1 + 1e-12)) return 2;
    if (fabs(t) < 3 * tol) return 1;
    return 0;
}

/* qib (family, feature) -> IBSI tag, for the intensity families. */
static const char *const tu_ibsi_tags[][3] = {
    {"stat", "mean", "stat_mean"}, {"stat", "variance", "stat_var"},
    {"stat", "skewness", "stat_skew"}, {"stat", "kurtosis", "stat_kurt"},
    {"stat", "median", "stat_median"}, {"stat", "minimum", "stat_min"},
    {"stat", "p10", "stat_p10"}, {"stat", "p90", "stat_p90"},
    {"stat", "maximum", "stat_max"}, {"stat", "interquartile_range", "stat_iqr"},
    {"stat", "range", "stat_range"}, {"stat", "mean_absolute_deviation", "stat_mad"},
    {"stat", "robust_mean_absolute_deviation", "stat_rmad"},
    {"stat", "median_absolute_deviation", "stat_medad"},
    {"stat", "coefficient_of_variation", "stat_cov"},
    {"stat", "quartile_coefficient_of_dispersion", "stat_qcod"},
    {"stat", "energy", "stat_energy"}, {"stat", "root_mean_square", "stat_rms"},
    {"ih", "mean", "ih_mean"}, {"ih", "variance", "ih_var"}, {"ih", "skewness", "ih_skew"},
    {"ih", "kurtosis", "ih_kurt"}, {"ih", "median", "ih_median"}, {"ih", "minimum", "ih_min"},
    {"ih", "p10", "ih_p10"}, {"ih", "p90", "ih_p90"}, {"ih", "maximum", "ih_max"},
    {"ih", "mode", "ih_mode"}, {"ih", "interquartile_range", "ih_iqr"},
    {"ih", "range", "ih_range"}, {"ih", "mean_absolute_deviation", "ih_mad"},
    {"ih", "robust_mean_absolute_deviation", "ih_rmad"},
    {"ih", "median_absolute_deviation", "ih_medad"},
    {"ih", "coefficient_of_variation", "ih_cov"},
    {"ih", "quartile_coefficient_of_dispersion", "ih_qcod"}, {"ih", "entropy", "ih_entropy"},
    {"ih", "uniformity", "ih_uniformity"}, {"ih", "max_gradient", "ih_max_grad"},
    {"ih", "max_gradient_level", "ih_max_grad_g"}, {"ih", "min_gradient", "ih_min_grad"},
    {"ih", "min_gradient_level", "ih_min_grad_g"},
    {"ivh", "v10", "ivh_v10"}, {"ivh", "v90", "ivh_v90"}, {"ivh", "i10", "ivh_i10"},
    {"ivh", "i90", "ivh_i90"}, {"ivh", "diff_v10_v90", "ivh_diff_v10_v90"},
    {"ivh", "diff_i10_i90", "ivh_diff_i10_i90"}, {"ivh", "auc", "ivh_auc"},
};

/* Compares every result of `family` that has a reference value; prints each
 * row and the counts. Returns the number of full matches; *total gets the
 * rows with a reference value, *partial the partial matches. */
static inline int tu_ibsi_check(const qib_results *res, const tu_ref *rows, size_t nrows,
                         const char *family, const char *label, int *total, int *partial) {
    int pass = 0, part = 0, tot = 0;
    for (size_t k = 0; k < sizeof tu_ibsi_tags / sizeof tu_ibsi_tags[0]; k++) {
        if (strcmp(tu_ibsi_tags[k][0], family)) continue;
        const tu_ref *r = tu_ibsi_find(rows, nrows, tu_ibsi_tags[k][2]);
        if (!r || !r->has_ref) continue;
        const qib_result *x = qib_results_find(res, family, tu_ibsi_tags[k][1]);
        assert_non_null(x);
        assert_string_equal(x->ibsi_code, r->code);
        int m = tu_ibsi_match(r->ref, r->tol, x->value);
        tot++;
        pass += m == 2;
        part += m == 1;
        printf("  %-6s %-20s %-36s ref %-10g tol %-8g got %-14.8g %s\n", label,
               tu_ibsi_tags[k][2], tu_ibsi_tags[k][1], r->ref, r->tol, x->value,
               m == 2 ? "match" : m == 1 ? "PARTIAL" : "MISMATCH");
    }
    printf("%s %s: %d/%d match, %d partial\n", label, family, pass, tot, part);
    *total = tot;
    *partial = part;
    return pass;
}

/* The IBSI 1 digital phantom's ROI values (README: 1 x50, 3 x1, 4 x16,
 * 6 x7; 6 voxels outside). Intensity families do not depend on where the
 * values sit, so this in-memory stand-in gives the phantom's exact
 * stat/ih/ivh values; 5 x 4 x 4 voxels of 2 mm. */
static inline void tu_phantom_values(qib_volume **img, qib_volume **lab) {
    qib_grid g;
    qib_grid_init(&g, 5, 4, 4);
    g.spacing[0] = g.spacing[1] = g.spacing[2] = 2;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, img, &err), &err);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, lab, &err), &err);
    int16_t *d = qib_volume_data(*img);
    uint8_t *m = qib_volume_data(*lab);
    for (int i = 0; i < 80; i++) {
        d[i] = (int16_t)(i < 50 ? 1 : i < 51 ? 3 : i < 67 ? 4 : i < 74 ? 6 : 9);
        m[i] = i < 74;
    }
}

/* Runs qib_extract with settings "name=value" pairs (NULL-terminated). */
static inline qib_results *tu_extract(const qib_volume *img, const qib_volume *lab,
                               const char *const *kv) {
    qib_settings *s = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    for (size_t i = 0; kv && kv[i]; i += 2) TU_OK(qib_settings_set(s, kv[i], kv[i + 1], &err), &err);
    qib_results *r = NULL;
    TU_OK(qib_extract(img, lab, s, &r, &err), &err);
    qib_settings_free(s);
    return r;
}

static inline double tu_value(const qib_results *r, const char *family, const char *name) {
    const qib_result *x = qib_results_find(r, family, name);
    if (!x) fail_msg("no result %s_%s", family, name);
    return x->value;
}

/* Loads the IBSI CT phantom (NIfTI) and extracts `families` with preset
 * `preset` (ibsi-a, ...); NULL when the data are absent. */
static inline qib_results *tu_ct_extract(const char *preset, const char *families) {
    char ip[1024], mp[1024];
    if (!tu_shared("ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz", ip, sizeof ip) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz", mp, sizeof mp))
        return NULL;
    qib_error err;
    qib_volume *img = NULL, *lab = NULL;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &lab, NULL, &err), &err);
    const char *kv[] = {"preset", preset, "families", families, NULL};
    qib_results *r = tu_extract(img, lab, kv);
    qib_volume_free(img);
    qib_volume_free(lab);
    return r;
}

#endif
