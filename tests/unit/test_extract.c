/* SPDX-License-Identifier: Apache-2.0 */
/* test_extract.c: the extraction pipeline and the feature registry. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

/* A 6x5x4 image with 2x2x3 mm voxels; voxel value = 10*i + j - k; a label
 * map with label 3 on the box i 1..3, j 2..3, k 1..2 (12 voxels). */
static void make_case(qib_volume **img, qib_volume **lab) {
    qib_grid g;
    qib_grid_init(&g, 6, 5, 4);
    g.spacing[0] = g.spacing[1] = 2;
    g.spacing[2] = 3;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, img, &err), &err);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, lab, &err), &err);
    int16_t *d = qib_volume_data(*img);
    uint8_t *m = qib_volume_data(*lab);
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < 5; j++)
            for (int i = 0; i < 6; i++) {
                int n = i + 6 * (j + 5 * k);
                d[n] = (int16_t)(10 * i + j - k);
                m[n] = (i >= 1 && i <= 3 && j >= 2 && j <= 3 && k >= 1 && k <= 2) ? 3 : 0;
            }
    m[5] = 1; /* another label elsewhere */
}

static double value(const qib_results *r, const char *name) {
    const qib_result *x = qib_results_find(r, "diagnostics", name);
    if (!x) fail_msg("no result %s", name);
    return x->value;
}

static void test_diagnostics(void **state) {
    (void)state;
    qib_volume *img, *lab;
    make_case(&img, &lab);
    qib_settings *s = NULL;
    qib_results *r = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "label", "3", &err), &err);
    TU_OK(qib_extract(img, lab, s, &r, &err), &err);
    assert_true(value(r, "roi_voxel_count") == 12);
    assert_true(value(r, "roi_volume") == 12 * 12.0);
    assert_true(value(r, "roi_bbox_x_min") == 1 && value(r, "roi_bbox_x_max") == 3);
    assert_true(value(r, "roi_bbox_y_min") == 2 && value(r, "roi_bbox_y_max") == 3);
    assert_true(value(r, "roi_bbox_z_min") == 1 && value(r, "roi_bbox_z_max") == 2);
    /* values 10i + j - k over i 1..3, j 2..3, k 1..2: mean 20 + 2.5 - 1.5 = 21 */
    assert_true(value(r, "roi_intensity_min") == 10 + 2 - 2);
    assert_true(value(r, "roi_intensity_max") == 30 + 3 - 1);
    assert_true(fabs(value(r, "roi_intensity_mean") - 21.0) < 1e-12);
    assert_true(value(r, "image_size_y") == 5 && value(r, "image_spacing_z") == 3);
    const qib_result *x = qib_results_find(r, "diagnostics", "roi_voxel_count");
    char col[128];
    qib_result_column(x, col, sizeof col);
    assert_string_equal(col, "original_diagnostics_roi_voxel_count");
    qib_results_free(r);
    /* the same with padding gives the same values */
    TU_OK(qib_settings_set(s, "crop_padding", "2", &err), &err);
    TU_OK(qib_extract(img, lab, s, &r, &err), &err);
    assert_true(fabs(value(r, "roi_intensity_mean") - 21.0) < 1e-12);
    qib_results_free(r);
    qib_settings_free(s);
    qib_volume_free(img);
    qib_volume_free(lab);
}

static void test_errors(void **state) {
    (void)state;
    qib_volume *img, *lab, *other = NULL;
    make_case(&img, &lab);
    qib_results *r = NULL;
    qib_error err;
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "label", "9", &err), &err);
    assert_int_equal(qib_extract(img, lab, s, &r, &err), QIB_ERR_EMPTY_ROI);
    assert_non_null(strstr(err.reason, "labels present: 1, 3"));
    qib_grid g = *qib_volume_grid(lab);
    g.dim[2] = 3;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, &other, &err), &err);
    assert_int_equal(qib_extract(img, other, NULL, &r, &err), QIB_ERR_GRID_MISMATCH);
    assert_non_null(strstr(err.reason, "6\u00d75\u00d73 differ from image 6\u00d75\u00d74"));
    TU_OK(qib_settings_set(s, "families", "diagnostics, nonsense", &err), &err);
    assert_int_equal(qib_extract(img, lab, s, &r, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "'nonsense' is not a feature family"));
    assert_null(r);
    qib_settings_free(s);
    qib_volume_free(other);
    qib_volume_free(img);
    qib_volume_free(lab);
}

static void test_registry(void **state) {
    (void)state;
    assert_true(qib_feature_count() > 0);
    for (size_t i = 0; i < qib_feature_count(); i++) {
        const qib_feature_info *f = qib_feature_at(i);
        assert_non_null(qib_family_find(f->family));
        assert_ptr_equal(qib_feature_find(f->family, f->name), f);
        size_t len = strlen(f->ibsi_code);
        assert_true(len == 0 || len == 4);
        /* IBSI names are snake_case; PyRadiomics' are its own (CamelCase,
         * "10Percentile"): letters and digits only */
        bool pyrad = !strcmp(qib_family_set(qib_family_find(f->family)), "pyradiomics");
        for (const char *p = f->name; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                        (pyrad ? (*p >= 'A' && *p <= 'Z') : *p == '_'));
        assert_true(strlen(f->description) > 5);
    }
    assert_null(qib_feature_at(qib_feature_count()));
    assert_null(qib_feature_find("diagnostics", "nope"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
