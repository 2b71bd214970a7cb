/* SPDX-License-Identifier: Apache-2.0 */
/* test_ivh.c: intensity-volume histogram features (src/features/ivh.c)
 * against hand computations, the IBSI 1 digital phantom and the IBSI CT
 * phantom (A, B, C). */
#include "tu_ibsi.h"

static const char *const PHANTOM_CSV =
    "ibsi/ibsi1_reference_values/ibsi1_reference_values_digital_phantom.csv";

static void make_0_10_10_20(qib_volume **img, qib_volume **lab) {
    qib_grid g;
    qib_grid_init(&g, 4, 1, 1);
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, img, &err), &err);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, lab, &err), &err);
    int16_t *d = qib_volume_data(*img);
    uint8_t *m = qib_volume_data(*lab);
    const int16_t v[4] = {10, 0, 20, 10};
    for (int i = 0; i < 4; i++) {
        d[i] = v[i];
        m[i] = 1;
    }
}

/* Intensities 0, 10, 10, 20, no discretisation: levels g = 0..20, gamma =
 * g/20, nu(0) = 1, nu(1..10) = 0.75, nu(11..20) = 0.25. By hand: V10 = nu(2)
 * = 0.75; V90 = nu(18) = 0.25; I10: no level has nu <= 0.1 -> one above the
 * top, 21; I90 = 1 (nu(1) = 0.75); AUC = 0.05 (0.875 + 9*0.75 + 0.5 + 9*0.25)
 * = 0.51875. */
static void test_hand_none(void **state) {
    (void)state;
    qib_volume *img, *lab;
    make_0_10_10_20(&img, &lab);
    const char *kv[] = {"families", "ivh", "ivh_discretisation", "none", NULL};
    qib_results *r = tu_extract(img, lab, kv);
    TU_NEAR(tu_value(r, "ivh", "v10"), 0.75, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "v90"), 0.25, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "i10"), 21, 0);
    TU_NEAR(tu_value(r, "ivh", "i90"), 1, 0);
    TU_NEAR(tu_value(r, "ivh", "diff_v10_v90"), 0.5, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "diff_i10_i90"), 20, 0);
    TU_NEAR(tu_value(r, "ivh", "auc"), 0.51875, 1e-12);
    qib_results_free(r);
    qib_volume_free(img);
    qib_volume_free(lab);
}

/* Same intensities, re-segmentation range [0, 20], fixed bin size 5: bins
 * 1..5 (ceil(20/5) + 1), 0 -> 1, 10 -> 3, 20 -> 5; bin centres 2.5 .. 22.5,
 * gamma = (g - 2.5) / 20; nu = 1, .75, .75, .25, .25. V10 = nu(bin 2) = 0.75;
 * V90 = nu(bin 5) = 0.25; I90 = 7.5; I10 = 22.5 + 5 = 27.5. Fixed bin number
 * 4 over [0, 20]: 0 -> 1, 10 -> 3, 20 -> 4 (Xmax); gamma = (i-1)/3, so V90 =
 * nu(4) = 0.25 and I90 = 2. */
static void test_hand_fbs_fbn(void **state) {
    (void)state;
    qib_volume *img, *lab;
    make_0_10_10_20(&img, &lab);
    const char *kv[] = {"families", "ivh", "reseg_range", "0,20", "ivh_discretisation", "fbs",
                        "ivh_bin_width", "5", NULL};
    qib_results *r = tu_extract(img, lab, kv);
    TU_NEAR(tu_value(r, "ivh", "v10"), 0.75, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "v90"), 0.25, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "i90"), 7.5, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "i10"), 27.5, 1e-12);
    qib_results_free(r);
    const char *kv2[] = {"families", "ivh", "ivh_discretisation", "fbn", "ivh_bin_count", "4",
                         NULL};
    r = tu_extract(img, lab, kv2);
    TU_NEAR(tu_value(r, "ivh", "v90"), 0.25, 1e-12);
    TU_NEAR(tu_value(r, "ivh", "i90"), 2, 0);
    TU_NEAR(tu_value(r, "ivh", "i10"), 5, 0);
    qib_results_free(r);
    qib_volume_free(img);
    qib_volume_free(lab);
}

static void test_flags(void **state) {
    (void)state;
    const qib_feature_info *auc = qib_feature_find("ivh", "auc");
    assert_non_null(auc);
    assert_true(auc->flags & QIB_FEATURE_NO_CONSENSUS);
    assert_string_equal(auc->ibsi_code, "9CMM");
    assert_false(qib_feature_find("ivh", "v10")->flags & QIB_FEATURE_NO_CONSENSUS);
}

static void test_digital_phantom(void **state) {
    (void)state;
    size_t n;
    tu_ref *rows = tu_ibsi_load(PHANTOM_CSV, &n);
    if (!rows) skip();
    qib_volume *img, *lab;
    tu_phantom_values(&img, &lab);
    const char *kv[] = {"preset", "ibsi-phantom", "families", "ivh", NULL};
    qib_results *r = tu_extract(img, lab, kv);
    int total, partial;
    int pass = tu_ibsi_check(r, rows, n, "ivh", "phantom", &total, &partial);
    assert_int_equal(total, 6); /* the AUC has no reference value */
    assert_int_equal(pass, total);
    qib_results_free(r);
    qib_volume_free(img);
    qib_volume_free(lab);
    free(rows);
}

/* IBSI CT phantom: the floors are what qib reaches today. */
static void ct_config(const char *config, const char *preset, int floor_pass) {
    char rel[160];
    snprintf(rel, sizeof rel, "ibsi/ibsi1_reference_values/ibsi1_reference_values_config_%s.csv",
             config);
    size_t n;
    tu_ref *rows = tu_ibsi_load(rel, &n);
    if (!rows) skip();
    qib_results *r = tu_ct_extract(preset, "ivh");
    if (!r) {
        free(rows);
        skip();
    }
    int total, partial;
    int pass = tu_ibsi_check(r, rows, n, "ivh", config, &total, &partial);
    assert_int_equal(total, 6);
    assert_true(pass >= floor_pass);
    qib_results_free(r);
    free(rows);
}

static void test_ct_a(void **state) { (void)state; ct_config("A", "ibsi-a", 6); }
static void test_ct_b(void **state) { (void)state; ct_config("B", "ibsi-b", 6); }
static void test_ct_c(void **state) { (void)state; ct_config("C", "ibsi-c", 6); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_none),
        cmocka_unit_test(test_hand_fbs_fbn),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_digital_phantom),
        cmocka_unit_test(test_ct_a),
        cmocka_unit_test(test_ct_b),
        cmocka_unit_test(test_ct_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
