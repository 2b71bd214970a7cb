/* SPDX-License-Identifier: Apache-2.0 */
/* test_ngldm.c: the NGLDM family (src/features/ngldm.c, zones.c) against
 * dependences counted by hand, and against every NGLDM row of the IBSI 1
 * digital phantom and of CT configurations A, B (2D, 2.5D) and C (3D).
 * Run alone: ctest -R ngldm, or ./test_ngldm in the build's tests folder. */
#include "tu_zones.h"

#define FAM qib__family_ngldm
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)
#define IDX(name) tu_zn_index(&FAM, name)

/* The hand example: a 3 x 3 slice, x to the right, y down, delta 1.
 *     1 1 2
 *     1 2 2
 *     3 2 1
 * alpha 0: j = 1 + neighbours of the same level:
 *   (0,0) 3  (1,0) 3  (2,0) 3  (0,1) 3  (1,1) 4  (2,1) 4  (0,2) 1  (1,2) 3
 *   (2,2) 1
 *   level 1: j 3 x3, j 1 x1; level 2: j 3 x2, j 4 x2; level 3: j 1 x1.
 *   N_s 9: LDE (3/9 + 1 + 2/9 + 2/16 + 1)/9, HDE (27 + 1 + 18 + 32 + 1)/9,
 *   s_i. = 4, 4, 1: GLNU 33/9; s_.j = 2 (j 1), 5 (3), 2 (4): DCNU 33/9.
 * alpha 1: level 3 depends on 2, 1 and 2 on each other (1 and 3 do not):
 *   j = 4, 6, 4, 5, 9, 6, 3, 6, 4: HDE (16+36+16+25+81+36+9+36+16)/9. */
static const int32_t hand[9] = {1, 1, 2, 1, 2, 2, 3, 2, 1};

static void test_hand(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 3);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++) { /* one slice: all the same */
        tu_family_values(&FAM, &r.roi, a, v);
        NEAR(v[IDX("lde")], (3.0 / 9 + 1 + 2.0 / 9 + 2.0 / 16 + 1) / 9);
        NEAR(v[IDX("hde")], 79.0 / 9);
        NEAR(v[IDX("glnu")], 33.0 / 9);
        NEAR(v[IDX("dcnu")], 33.0 / 9);
        NEAR(v[IDX("dc_perc")], 1);
        /* p_ij: 3/9, 1/9, 2/9, 2/9, 1/9 */
        NEAR(v[IDX("dc_energy")], (9.0 + 1 + 4 + 4 + 1) / 81);
    }
    qib_error err;
    TU_OK(qib_settings_set(r.s, "ngldm_alpha", "1", &err), &err);
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    NEAR(v[IDX("hde")], 271.0 / 9);
    tu_region_free(&r);
}

/* Across slices: a 1 x 1 x 3 column of one level. 2D: every voxel alone
 * (j 1); 3D: the ends have 1 neighbour (j 2), the middle 2 (j 3). */
static void test_slices(void **state) {
    (void)state;
    int32_t col[3] = {2, 2, 2};
    tu_region r;
    tu_region_make(&r, col, 1, 1, 3, 2);
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_2D, v);
    NEAR(v[IDX("hde")], 1);
    tu_family_values(&FAM, &r.roi, QIB_ZN_25D, v);
    NEAR(v[IDX("hde")], 1);
    NEAR(v[IDX("dc_var")], 0);
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    NEAR(v[IDX("hde")], (4 + 9 + 4) / 3.0);
    NEAR(v[IDX("lde")], (0.25 + 1.0 / 9 + 0.25) / 3);
    tu_region_free(&r);
}

#define CSV_FAMILY "neighbouring grey level dependence matrix"

static void test_digital_phantom(void **state) {
    (void)state;
    assert_int_equal(tu_zn_check_phantom(&FAM, CSV_FAMILY), 0);
}

/* CT phantom: floors are what qib reaches today. */
static void ct(const char *config, const char *preset, int floor) {
    int total;
    int ok = tu_zn_check_ct(&FAM, CSV_FAMILY, config, preset, &total);
    if (ok < 0) skip();
    assert_true(ok >= floor);
}
static void test_ct_a(void **state) { (void)state; ct("A", "ibsi-a", 34); }
static void test_ct_b(void **state) { (void)state; ct("B", "ibsi-b", 34); }
static void test_ct_c(void **state) { (void)state; ct("C", "ibsi-c", 17); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand), cmocka_unit_test(test_slices),
        cmocka_unit_test(test_digital_phantom), cmocka_unit_test(test_ct_a),
        cmocka_unit_test(test_ct_b), cmocka_unit_test(test_ct_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
