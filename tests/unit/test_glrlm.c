/* SPDX-License-Identifier: Apache-2.0 */
/* test_glrlm.c: the GLRLM family (src/features/glrlm.c, texture.c) against
 * runs counted by hand on a 3x3x1 region, and against every GLRLM row of
 * the IBSI 1 digital phantom reference values (six aggregations).
 * Run alone: ctest -R glrlm, or ./test_glrlm in the build's tests folder. */
#include "tu_texture.h"

/* The hand example: a 3x3 slice, x to the right, y down (9 voxels).
 *     1 1 2
 *     1 2 2
 *     3 2 1
 * Runs (level x length):
 *   (1,0) rows:    [1x2, 2x1] [1x1, 2x2] [3x1, 2x1, 1x1]
 *                  7 runs, 5 of length 1, 2 of length 2; level 1: 3, 2: 3, 3: 1
 *   (0,1) columns: [1x2, 3x1] [1x1, 2x2] [2x2, 1x1]
 *                  6 runs, 3 + 3; level 1: 3, 2: 2, 3: 1
 *   (1,1) diagonal: no two equal neighbours: 9 runs of length 1;
 *                  level 1: 4, 2: 4, 3: 1
 *   (1,-1) anti:   [3x1, 2x2] [1x2] [2x2] [1x1] [1x1]
 *                  6 runs, 3 + 3; level 1: 3, 2: 2, 3: 1
 * SRE = (1/N_s) sum r_ij / j^2: (5 + 2/4)/7, (3 + 3/4)/6, 1, (3 + 3/4)/6.
 * Merged over the 4 directions: 20 runs of length 1, 8 of length 2,
 *   N_s = 28, N_v = 4*9 = 36: SRE 22/28, run percentage 28/36;
 *   r_i. = 13, 11, 4: GLNU (169 + 121 + 16)/28.
 * In 3D the 9 directions with a z step see every voxel as a run of
 * length 1 (9 runs each, SRE 1): ITBB averages 13 matrices and IAZD has
 * 20 + 81 = 101 runs of length 1 and 8 of length 2: SRE 103/109. */
static const int32_t hand[9] = {1, 1, 2, 1, 2, 2, 3, 2, 1};

static size_t idx(const char *name) {
    for (size_t k = 0; k < qib__family_glrlm.n_features; k++)
        if (!strcmp(qib__family_glrlm.features[k].info.name, name)) return k;
    fail_msg("no GLRLM feature %s", name);
    return 0;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_hand(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 3);
    double v[QIB_TEX_MAX_FEATURES];
    double sre[4] = {5.5 / 7, 3.75 / 6, 1.0, 3.75 / 6};
    tu_family_values(&qib__family_glrlm, &r.roi, QIB_TEX_2D_AVG, v);
    NEAR(v[idx("sre")], (sre[0] + sre[1] + sre[2] + sre[3]) / 4);
    NEAR(v[idx("r_perc")], (7.0 / 9 + 6.0 / 9 + 9.0 / 9 + 6.0 / 9) / 4);
    for (size_t a = QIB_TEX_2D_SLICE; a <= QIB_TEX_25D_MERGE; a++) {
        tu_family_values(&qib__family_glrlm, &r.roi, a, v);
        if (a == QIB_TEX_25D_DIR) { /* per direction, averaged */
            NEAR(v[idx("sre")], (sre[0] + sre[1] + sre[2] + sre[3]) / 4);
            continue;
        }
        NEAR(v[idx("sre")], 22.0 / 28);
        NEAR(v[idx("r_perc")], 28.0 / 36);
        NEAR(v[idx("glnu")], 306.0 / 28);
        NEAR(v[idx("rlnu")], (400.0 + 64.0) / 28);
        NEAR(v[idx("lre")], (20.0 + 8 * 4.0) / 28);
    }
    tu_family_values(&qib__family_glrlm, &r.roi, QIB_TEX_3D_AVG, v);
    NEAR(v[idx("sre")], (sre[0] + sre[1] + sre[2] + sre[3] + 9) / 13);
    tu_family_values(&qib__family_glrlm, &r.roi, QIB_TEX_3D_MERGE, v);
    NEAR(v[idx("sre")], 103.0 / 109);
    NEAR(v[idx("r_perc")], 109.0 / (13 * 9));
    tu_region_free(&r);
}

/* One grey level in a full 3x3 slice: every row/column is one run of 3,
 * diagonals are runs of 1, 2, 3, 2, 1. Grey level variance 0, entropy of
 * the run lengths only. A region with no voxel gives NaN. */
static void test_edge_cases(void **state) {
    (void)state;
    int32_t flat[9] = {4, 4, 4, 4, 4, 4, 4, 4, 4};
    tu_region r;
    tu_region_make(&r, flat, 3, 3, 1, 4);
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&qib__family_glrlm, &r.roi, QIB_TEX_2D_AVG, v);
    NEAR(v[idx("gl_var")], 0);
    NEAR(v[idx("hgre")], 16);
    NEAR(v[idx("glnu_norm")], 1);
    /* rows: 3 runs of 3 (LRE 9); diagonal: runs 1,2,3,2,1 (LRE 19/5) */
    NEAR(v[idx("lre")], (9 + 9 + 19.0 / 5 + 19.0 / 5) / 4);
    tu_region_free(&r);
    int32_t none[9] = {0};
    tu_region_make(&r, none, 3, 3, 1, 1);
    tu_family_values(&qib__family_glrlm, &r.roi, QIB_TEX_3D_AVG, v);
    for (size_t k = 0; k < qib__family_glrlm.n_features; k++) assert_true(isnan(v[k]));
    tu_region_free(&r);
}

static void test_digital_phantom(void **state) {
    (void)state;
    assert_int_equal(tu_check_phantom(&qib__family_glrlm, "grey level run length matrix"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
