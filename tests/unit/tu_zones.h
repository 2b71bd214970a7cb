/* SPDX-License-Identifier: Apache-2.0 */
/* tu_zones.h: helpers for the tests of the 2D / 2.5D / 3D texture families
 * (test_glszm.c, test_gldzm.c, test_ngtdm.c, test_ngldm.c): the IBSI 1
 * digital phantom and CT phantom reference rows, checked with the IBSI
 * match rule, with a tally per aggregation. Header-only, on top of
 * tu_texture.h; included by one test file each. */
#ifndef QIB_TU_ZONES_H
#define QIB_TU_ZONES_H

#include "features/zones.h"
#include "tu_texture.h"

#define TU_REF_DIR "ibsi/ibsi1_reference_values/"

static size_t tu_zn_index(const qib_family_def *fam, const char *name) {
    for (size_t k = 0; k < fam->n_features; k++)
        if (!strcmp(fam->features[k].info.name, name)) return k;
    fail_msg("no %s feature %s", fam->info.name, name);
    return 0;
}

/* values[a][k]: feature k of aggregation a. Compares every row of the CSV
 * (under shared/ibsi/ibsi1_reference_values) whose feature_family is
 * csv_family; prints the rows that do not match and a tally per
 * aggregation. *total gets the rows with a reference value. Returns the
 * matches, or -1 when the CSV is absent. */
static int tu_zn_check_rows(const qib_family_def *fam, const char *csv, const char *csv_family,
                            const char *label,
                            double values[QIB_ZN_AGG_COUNT][QIB_TEX_MAX_FEATURES],
                            const bool *have, int *total) {
    char path[1024], rel[256];
    snprintf(rel, sizeof rel, TU_REF_DIR "%s", csv);
    if (!tu_shared(rel, path, sizeof path)) return -1;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    char *col[16];
    int tot[QIB_ZN_AGG_COUNT] = {0}, ok[QIB_ZN_AGG_COUNT] = {0};
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        size_t nf = tu_csv_split(line, col, 16);
        if (nf < 10 || strcmp(col[0], csv_family) || !col[4][0]) continue;
        size_t a = QIB_ZN_AGG_COUNT, k = fam->n_features;
        for (size_t i = 0; i < QIB_ZN_AGG_COUNT; i++)
            if (!strcmp(col[7], qib__zn_aggregations[i])) a = i;
        for (size_t i = 0; i < fam->n_features; i++)
            if (!strcmp(col[2], fam->features[i].info.ibsi_code)) k = i;
        if (a == QIB_ZN_AGG_COUNT || k == fam->n_features) {
            printf("  no feature for %s %s (%s)\n", col[2], col[7], col[9]);
            continue;
        }
        double ref = strtod(col[4], NULL), tol = strtod(col[5], NULL);
        tot[a]++;
        double v = have[a] ? values[a][k] : NAN;
        if (tu_ibsi_match(ref, tol, v))
            ok[a]++;
        else
            printf("  MISMATCH %-6s %-10s %s %s: qib %.6g, IBSI %s +- %s\n", label,
                   fam->features[k].info.name, col[2], col[7], v, col[4], col[5]);
    }
    fclose(f);
    int all = 0, all_ok = 0;
    for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++) {
        if (!tot[a]) continue;
        printf("TALLY %s %s %s: %d/%d match\n", fam->info.name, label, qib__zn_aggregations[a],
               ok[a], tot[a]);
        all += tot[a];
        all_ok += ok[a];
    }
    printf("TALLY %s %s all: %d/%d match\n", fam->info.name, label, all_ok, all);
    *total = all;
    return all_ok;
}

/* Every digital phantom row of csv_family; returns the mismatches. */
static int tu_zn_check_phantom(const qib_family_def *fam, const char *csv_family) {
    (void)tu_check_phantom; /* tu_texture.h's six-aggregation check is not for these */
    tu_region r;
    if (!tu_digital_phantom(&r)) return 0;
    double v[QIB_ZN_AGG_COUNT][QIB_TEX_MAX_FEATURES];
    bool have[QIB_ZN_AGG_COUNT] = {true, true, true};
    for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++) tu_family_values(fam, &r.roi, a, v[a]);
    int total = 0;
    int ok = tu_zn_check_rows(fam, "ibsi1_reference_values_digital_phantom.csv", csv_family,
                              "phantom", v, have, &total);
    tu_region_free(&r);
    if (ok < 0) return 0;
    assert_true(total > 0);
    return total - ok;
}

/* The CT phantom (NIfTI) through qib_extract with an IBSI preset and the
 * one family; returns the matches (-1 when the data are absent) and the
 * rows in *total. */
static int tu_zn_check_ct(const qib_family_def *fam, const char *csv_family, const char *config,
                          const char *preset, int *total) {
    char ip[1024], mp[1024];
    *total = 0;
    if (!tu_shared("ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz", ip, sizeof ip) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz", mp, sizeof mp))
        return -1;
    qib_error err;
    qib_volume *img = NULL, *lab = NULL;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &lab, NULL, &err), &err);
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "preset", preset, &err), &err);
    TU_OK(qib_settings_set(s, "families", fam->info.name, &err), &err);
    TU_OK(qib_settings_set(s, "texture_aggregations", "all", &err), &err);
    qib_results *res = NULL;
    TU_OK(qib_extract(img, lab, s, &res, &err), &err);
    double v[QIB_ZN_AGG_COUNT][QIB_TEX_MAX_FEATURES];
    bool have[QIB_ZN_AGG_COUNT] = {false, false, false};
    for (size_t i = 0; i < qib_results_count(res); i++) {
        const qib_result *x = qib_results_at(res, i);
        if (strcmp(x->family, fam->info.name)) continue;
        for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++)
            if (!strcmp(x->aggregation, qib__zn_aggregations[a])) {
                v[a][tu_zn_index(fam, x->feature)] = x->value;
                have[a] = true;
            }
    }
    char csv[128];
    snprintf(csv, sizeof csv, "ibsi1_reference_values_config_%s.csv", config);
    int ok = tu_zn_check_rows(fam, csv, csv_family, config, v, have, total);
    qib_results_free(res);
    qib_settings_free(s);
    qib_volume_free(img);
    qib_volume_free(lab);
    return ok;
}

#endif
