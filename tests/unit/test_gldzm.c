/* SPDX-License-Identifier: Apache-2.0 */
/* test_gldzm.c: the GLDZM family (src/features/gldzm.c, zones.c) against
 * distances worked out by hand, and against every GLDZM row of the IBSI 1
 * digital phantom and of CT configurations A, B (2D, 2.5D) and C (3D).
 * Run alone: ctest -R gldzm, or ./test_gldzm in the build's tests folder. */
#include "tu_zones.h"

#define FAM qib__family_gldzm
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)
#define IDX(name) tu_zn_index(&FAM, name)

/* A 5 x 5 slice of level 1 with level 2 in the centre. Distance map in
 * the slice (4-connected, the grid's edge is the region's edge):
 *     1 1 1 1 1
 *     1 2 2 2 1
 *     1 2 3 2 1
 *     1 2 2 2 1
 *     1 1 1 1 1
 * Zones: level 1 (24 voxels) at distance 1, level 2 (1 voxel) at 3:
 *   SDE (1 + 1/9)/2, LDE (1 + 9)/2, zone distance variance 1 (j 1 and 3),
 *   zone percentage 2/25, both 2D and 2.5D (one slice).
 * In 3D the slice has no voxel above or below it, so every voxel is on the
 * edge (distance 1): SDE = LDE = 1, variance 0. */
static void test_hand(void **state) {
    (void)state;
    int32_t lv[25];
    for (int i = 0; i < 25; i++) lv[i] = i == 12 ? 2 : 1;
    tu_region r;
    tu_region_make(&r, lv, 5, 5, 1, 2);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = QIB_ZN_2D; a <= QIB_ZN_25D; a++) {
        tu_family_values(&FAM, &r.roi, a, v);
        NEAR(v[IDX("sde")], (1 + 1.0 / 9) / 2);
        NEAR(v[IDX("lde")], 5);
        NEAR(v[IDX("zd_var")], 1);
        NEAR(v[IDX("z_perc")], 2.0 / 25);
        NEAR(v[IDX("ldhge")], (1 + 4 * 9.0) / 2);
        NEAR(v[IDX("zdnu")], 1);
    }
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    NEAR(v[IDX("sde")], 1);
    NEAR(v[IDX("lde")], 1);
    NEAR(v[IDX("zd_var")], 0);
    NEAR(v[IDX("zdnu")], 2);
    tu_region_free(&r);
}

/* The distance map comes from the morphological mask, zones from the
 * intensity mask (IBSI 3.9): a 5 x 5 morphological mask whose outer ring
 * was re-segmented away. The inner 3 x 3 is level 1 around a level-2
 * centre: the level-1 ring sits at distance 2, the centre at 3, so SDE is
 * (1/4 + 1/9)/2 (it would be (1 + 1/4)/2 from the intensity mask). */
static void test_morph_mask(void **state) {
    (void)state;
    int32_t lv[25] = {0};
    for (int y = 1; y <= 3; y++)
        for (int x = 1; x <= 3; x++) lv[y * 5 + x] = (x == 2 && y == 2) ? 2 : 1;
    tu_region r;
    tu_region_make(&r, lv, 5, 5, 1, 2);
    uint8_t morph[25];
    memset(morph, 1, sizeof morph);
    r.roi.morph_mask = morph;
    r.roi.n_morph = 25;
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_2D, v);
    NEAR(v[IDX("sde")], (0.25 + 1.0 / 9) / 2);
    NEAR(v[IDX("z_perc")], 2.0 / 9);
    tu_region_free(&r);
}

/* 2.5D merges the slices' matrices; two 3 x 3 slices (in-plane distances:
 * 1 on the edge, 2 in the centre).
 * Slice 0: all level 1 = one zone at distance 1.
 * Slice 1: level 1 except a level-3 centre: zones (1, d 1), (3, d 2).
 * 8QNN: SDE mean of 1 and (1 + 1/4)/2; 62GR: (1 + 1 + 1/4)/3, % 3/18. */
static void test_merge(void **state) {
    (void)state;
    int32_t lv[18];
    for (int i = 0; i < 18; i++) lv[i] = i == 13 ? 3 : 1;
    tu_region r;
    tu_region_make(&r, lv, 3, 3, 2, 3);
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_2D, v);
    NEAR(v[IDX("sde")], (1 + 1.25 / 2) / 2);
    tu_family_values(&FAM, &r.roi, QIB_ZN_25D, v);
    NEAR(v[IDX("sde")], 2.25 / 3);
    NEAR(v[IDX("z_perc")], 3.0 / 18);
    tu_region_free(&r);
}

#define CSV_FAMILY "grey level distance zone matrix"

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
static void test_ct_a(void **state) { (void)state; ct("A", "ibsi-a", 32); }
static void test_ct_b(void **state) { (void)state; ct("B", "ibsi-b", 32); }
static void test_ct_c(void **state) { (void)state; ct("C", "ibsi-c", 16); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),  cmocka_unit_test(test_morph_mask),
        cmocka_unit_test(test_merge), cmocka_unit_test(test_digital_phantom),
        cmocka_unit_test(test_ct_a),  cmocka_unit_test(test_ct_b),
        cmocka_unit_test(test_ct_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
