/* SPDX-License-Identifier: Apache-2.0 */
/* test_glszm.c: the GLSZM family (src/features/glszm.c, zones.c) against
 * zones counted by hand, and against every GLSZM row of the IBSI 1 digital
 * phantom and of CT configurations A, B (2D, 2.5D) and C (3D).
 * Run alone: ctest -R glszm, or ./test_glszm in the build's tests folder. */
#include <time.h>

#include "tu_zones.h"

/* The hand example: 3 x 3 x 2, x to the right, y down; 0 = outside.
 *   slice 0:  1 1 2     slice 1:  1 0 0
 *             1 2 2               0 3 0
 *             3 2 1               0 0 0
 * 2D (8-connected in a slice):
 *   slice 0: level 1 {(0,0),(1,0),(0,1)} size 3 and {(2,2)} size 1 (its
 *            neighbours are all 2); level 2 {(2,0),(1,1),(2,1),(1,2)} size 4
 *            ((2,0)-(1,1) is diagonal); level 3 size 1. N_s 4, N_v 9.
 *   slice 1: level 1 size 1, level 3 size 1. N_s 2, N_v 2.
 *   8QNN: SZE = mean of (1/9 + 1 + 1/16 + 1)/4 and 1;
 *         zone percentage mean of 4/9 and 1.
 *   62GR: the 6 zones merged, N_v 11: SZE (1/9 + 1/16 + 4)/6, % 6/11,
 *         s_i. = 3, 1, 2: GLNU 14/6; s_.j = 4 (j 1), 1 (3), 1 (4): ZSNU 18/6.
 * 3D (26-connected): (0,0,1) joins the level-1 zone above it (size 4);
 *   (1,1,1) joins (0,2,0) diagonally (level 3, size 2); {(2,2,0)} stays
 *   alone (size 1); level 2 size 4. N_s 4, N_v 11:
 *   SZE (1/16 + 1 + 1/16 + 1/4)/4, LZE (16 + 1 + 16 + 4)/4,
 *   four zones, each p = 1/4: entropy 2. */
static const int32_t hand[18] = {1, 1, 2, 1, 2, 2, 3, 2, 1, /* slice 0 */
                                 1, 0, 0, 0, 3, 0, 0, 0, 0};

#define FAM qib__family_glszm
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)
#define IDX(name) tu_zn_index(&FAM, name)

static void test_hand(void **state) {
    (void)state;
    tu_region r;
    tu_region_make(&r, hand, 3, 3, 2, 3);
    double v[QIB_TEX_MAX_FEATURES];
    tu_family_values(&FAM, &r.roi, QIB_ZN_2D, v);
    NEAR(v[IDX("sze")], ((1.0 / 9 + 1 + 1.0 / 16 + 1) / 4 + 1) / 2);
    NEAR(v[IDX("z_perc")], (4.0 / 9 + 1) / 2);
    NEAR(v[IDX("lze")], ((9.0 + 1 + 16 + 1) / 4 + 1) / 2);
    tu_family_values(&FAM, &r.roi, QIB_ZN_25D, v);
    NEAR(v[IDX("sze")], (1.0 / 9 + 1.0 / 16 + 4) / 6);
    NEAR(v[IDX("z_perc")], 6.0 / 11);
    NEAR(v[IDX("glnu")], 14.0 / 6);
    NEAR(v[IDX("zsnu")], 18.0 / 6);
    NEAR(v[IDX("zsnu_norm")], 18.0 / 36);
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    NEAR(v[IDX("sze")], (1.0 / 16 + 1 + 1.0 / 16 + 0.25) / 4);
    NEAR(v[IDX("lze")], 37.0 / 4);
    NEAR(v[IDX("z_perc")], 4.0 / 11);
    NEAR(v[IDX("zs_entr")], 2);
    /* levels 1, 1, 2, 3: mean 7/4, variance (2 (3/4)^2 + (1/4)^2 + (5/4)^2)/4 */
    NEAR(v[IDX("gl_var")], (2 * 0.5625 + 0.0625 + 1.5625) / 4);
    NEAR(v[IDX("hgze")], (1.0 + 1 + 4 + 9) / 4);
    tu_region_free(&r);
}

/* One grey level filling a slice is one zone (variances 0, entropy 0);
 * a region without voxels gives NaN. */
static void test_edge_cases(void **state) {
    (void)state;
    int32_t flat[9] = {4, 4, 4, 4, 4, 4, 4, 4, 4};
    tu_region r;
    tu_region_make(&r, flat, 3, 3, 1, 4);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_ZN_AGG_COUNT; a++) {
        tu_family_values(&FAM, &r.roi, a, v);
        NEAR(v[IDX("lze")], 81);
        NEAR(v[IDX("gl_var")], 0);
        NEAR(v[IDX("zs_var")], 0);
        NEAR(v[IDX("zs_entr")], 0);
        NEAR(v[IDX("z_perc")], 1.0 / 9);
    }
    tu_region_free(&r);
    int32_t none[9] = {0};
    tu_region_make(&r, none, 3, 3, 1, 1);
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    for (size_t k = 0; k < FAM.n_features; k++) assert_true(isnan(v[k]));
    tu_region_free(&r);
}

/* Zones of a 64 x 64 x 25 region (about 100 cm^3 at 1 x 1 x 1 mm) with 8
 * levels: in bands (large zones) and in bands with one-voxel noise (many
 * small zones, the slow case). Prints the time of the 3D matrix. */
static void speed(bool noisy) {
    size_t nx = 64, ny = 64, nz = 25, n = nx * ny * nz;
    int32_t *lv = malloc(n * sizeof *lv);
    assert_non_null(lv);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        size_t px = i % nx, py = (i / nx) % ny, pz = i / (nx * ny);
        size_t noise = noisy ? (x >> 16) & 1 : 0;
        lv[i] = (int32_t)(1 + ((px / 3 + py / 4 + pz / 2 + noise) % 8));
    }
    tu_region r;
    tu_region_make(&r, lv, nx, ny, nz, 8);
    double v[QIB_TEX_MAX_FEATURES];
    clock_t t0 = clock();
    tu_family_values(&FAM, &r.roi, QIB_ZN_3D, v);
    double ms = 1000.0 * (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("GLSZM 3D on %zu voxels (%s): %.1f ms, %.0f zones\n", n,
           noisy ? "noisy" : "bands", ms, v[IDX("z_perc")] * (double)n);
    assert_true(v[IDX("sze")] > 0);
    tu_region_free(&r);
    free(lv);
}

static void test_speed(void **state) {
    (void)state;
    speed(false);
    speed(true);
}

#define CSV_FAMILY "grey level size zone matrix"

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
        cmocka_unit_test(test_hand),          cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_speed),         cmocka_unit_test(test_digital_phantom),
        cmocka_unit_test(test_ct_a),          cmocka_unit_test(test_ct_b),
        cmocka_unit_test(test_ct_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
