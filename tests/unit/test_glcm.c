/* SPDX-License-Identifier: Apache-2.0 */
/* test_glcm.c: the GLCM family (src/features/glcm.c, texture.c) against
 * counts worked out by hand on a 3x3x1 region, and against every GLCM row
 * of the IBSI 1 digital phantom reference values (six aggregations).
 * Run alone: ctest -R glcm, or ./test_glcm in the build's tests folder. */
#include "tu_texture.h"

/* The hand example: a 3x3 slice, x to the right, y down, Ng = 3.
 *     1 1 2
 *     1 2 2
 *     3 2 1
 * Symmetric counts c_ij (pairs counted both ways), delta = 1:
 *   (1,0) rows:      (1,1) (1,2) | (1,2) (2,2) | (3,2) (2,1)
 *                    c11=2 c12=c21=3 c22=2 c23=c32=1        total 12
 *   (0,1) columns:   (1,1) (1,3) | (1,2) (2,2) | (2,2) (2,1)
 *                    c11=2 c13=c31=1 c12=c21=2 c22=4        total 12
 *   (1,1) diagonal:  1-2, 1-2, 1-2, 2-1: c12=c21=4          total 8
 *   (1,-1) anti:     1-1, 2-2, 3-2, 2-2: c11=2 c22=4 c23=c32=1 total 8
 * Contrast sum (i-j)^2 p_ij per direction: 8/12, 12/12, 8/8, 2/8.
 * Joint maximum per direction: 3/12, 4/12, 4/8, 4/8.
 * Energy sum p^2: 28/144, 30/144, 32/64, 22/64.
 * Merged (all four): c11=6 c12=c21=9 c13=c31=1 c22=10 c23=c32=2, total 40:
 *   contrast (18 + 2*4 + 4)/40 = 0.75, joint max 10/40, energy 308/1600,
 *   p_i. = 16/40, 21/40, 3/40, mu = 67/40, variance 14.775/40,
 *   sum i j p = 112/40, correlation (2.8 - 1.675^2)/0.369375,
 *   p_{x-y} = 16/40, 22/40, 2/40: inverse difference 0.4 + 0.275 + 0.05/3,
 *   normalised (Ng = 3) 0.4 + 0.55/(4/3) + 0.05/(5/3) = 0.8425.
 * Distance 2, merged: rows 1-2, 1-2, 3-1; columns 1-3, 1-2, 2-1; diagonal
 *   1-1; anti-diagonal 3-2: c12=c21=4, c13=c31=2, c11=2, c23=c32=1, total
 *   16; contrast (8 + 4*4 + 2)/16 = 1.625.
 * With one slice, JJUI (each direction merged over slices) equals BTW3; the
 * 3D directions with a z step have no pair in one slice, so ITBB equals
 * BTW3 too, and SUJT, ZW7Z and IAZD all give the merged matrix above. */
static const int32_t hand[9] = {1, 1, 2, 1, 2, 2, 3, 2, 1};

static size_t idx(const char *name) {
    for (size_t k = 0; k < qib__family_glcm.n_features; k++)
        if (!strcmp(qib__family_glcm.features[k].info.name, name)) return k;
    fail_msg("no GLCM feature %s", name);
    return 0;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_hand(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 3);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_TEX_AGG_COUNT; a++) {
        tu_family_values(&qib__family_glcm, &r.roi, a, v);
        if (a == QIB_TEX_2D_AVG || a == QIB_TEX_25D_DIR || a == QIB_TEX_3D_AVG) {
            NEAR(v[idx("contrast")], (8.0 / 12 + 1.0 + 1.0 + 0.25) / 4);
            NEAR(v[idx("joint_max")], (0.25 + 4.0 / 12 + 0.5 + 0.5) / 4);
            NEAR(v[idx("energy")], (28.0 / 144 + 30.0 / 144 + 0.5 + 22.0 / 64) / 4);
        } else {
            NEAR(v[idx("contrast")], 0.75);
            NEAR(v[idx("joint_max")], 0.25);
            NEAR(v[idx("energy")], 308.0 / 1600);
            NEAR(v[idx("joint_avg")], 67.0 / 40);
            NEAR(v[idx("joint_var")], 14.775 / 40);
            NEAR(v[idx("corr")], (2.8 - 1.675 * 1.675) / 0.369375);
            NEAR(v[idx("inv_diff")], 0.4 + 0.275 + 0.05 / 3);
            NEAR(v[idx("inv_diff_norm")], 0.8425);
            NEAR(v[idx("sum_avg")], 2 * 67.0 / 40);
            NEAR(v[idx("dissimilarity")], 26.0 / 40);
        }
    }
    qib_error err;
    TU_OK(qib_settings_set(r.s, "glcm_distance", "2", &err), &err);
    tu_family_values(&qib__family_glcm, &r.roi, QIB_TEX_3D_MERGE, v);
    NEAR(v[idx("contrast")], 1.625);
    tu_region_free(&r);
}

/* One grey level: correlation and information correlation 1 are 0/0 (NaN),
 * information correlation 2 is 0, energy and joint maximum 1. A slice
 * without region voxels is left out of the 2D averages. */
static void test_edge_cases(void **state) {
    (void)state;
    int32_t flat[18] = {2, 2, 2, 2, 2, 2, 2, 2, 2}; /* second slice empty */
    tu_region r;
    tu_region_make(&r, flat, 3, 3, 2, 4);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_TEX_AGG_COUNT; a++) {
        tu_family_values(&qib__family_glcm, &r.roi, a, v);
        assert_true(isnan(v[idx("corr")]));
        assert_true(isnan(v[idx("info_corr1")]));
        NEAR(v[idx("info_corr2")], 0);
        NEAR(v[idx("energy")], 1);
        NEAR(v[idx("joint_max")], 1);
        NEAR(v[idx("joint_avg")], 2);
        NEAR(v[idx("contrast")], 0);
        NEAR(v[idx("inv_var")], 0);
    }
    tu_region_free(&r);
    /* a single voxel has no pair: every feature NaN */
    int32_t one[9] = {0, 0, 0, 0, 5, 0, 0, 0, 0};
    tu_region_make(&r, one, 3, 3, 1, 5);
    tu_family_values(&qib__family_glcm, &r.roi, QIB_TEX_3D_MERGE, v);
    for (size_t k = 0; k < qib__family_glcm.n_features; k++) assert_true(isnan(v[k]));
    tu_region_free(&r);
}

/* A level outside 1..n_levels is a pipeline error, not a crash. */
static void test_bad_level(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 2); /* level 3 > Ng 2 */
    void *ctx = NULL;
    qib_error err;
    assert_int_equal(qib__family_glcm.prepare(&r.roi, 0, &ctx, &err), QIB_ERR_NUMERIC);
    tu_region_free(&r);
}

/* Which aggregations run under texture_aggregations / dimensionality. */
static void test_aggregation_setting(void **state) {
    (void)state;
    qib_settings *s = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    assert_false(qib__aggregation_enabled(s, "BTW3"));
    assert_true(qib__aggregation_enabled(s, "IAZD"));
    assert_true(qib__aggregation_enabled(s, ""));
    TU_OK(qib_settings_set(s, "dimensionality", "2d", &err), &err);
    assert_true(qib__aggregation_enabled(s, "ZW7Z"));
    assert_false(qib__aggregation_enabled(s, "ITBB"));
    TU_OK(qib_settings_set(s, "texture_aggregations", "all", &err), &err);
    assert_true(qib__aggregation_enabled(s, "ITBB") && qib__aggregation_enabled(s, "SUJT"));
    TU_OK(qib_settings_set(s, "texture_aggregations", "3d", &err), &err);
    assert_false(qib__aggregation_enabled(s, "SUJT"));
    assert_true(qib__aggregation_enabled(s, "DHQ4"));
    qib_settings_free(s);
}

static void test_digital_phantom(void **state) {
    (void)state;
    assert_int_equal(tu_check_phantom(&qib__family_glcm, "grey level co-occurrence matrix"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_bad_level),
        cmocka_unit_test(test_aggregation_setting),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
