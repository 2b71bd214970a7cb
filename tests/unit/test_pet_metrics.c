/* SPDX-License-Identifier: Apache-2.0 */
/* test_pet_metrics.c: SUVmax/mean/peak, MTV and TLG on analytic phantoms:
 * spheres of known activity in a known background on voxel grids.
 *
 * Voxel counts of a sphere (voxel centres at distance^2 <= n from a voxel
 * centre, 1 mm grid) are the lattice-point counts of OEIS A000605: 515 for
 * radius 5, 4169 for radius 10. The 1 ml SUVpeak sphere (radius
 * 6.2035 mm, distance^2 <= 38.48) holds 1021 such points, 73 on a
 * 2 x 2 x 3 mm grid; these were counted by a separate enumeration (a
 * Python loop over the cube of offsets). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static void assert_near(double got, double want, double tol) {
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* A float64 volume of n^3 voxels (spacing sp) filled by f(i, j, k). */
static qib_volume *phantom(size_t n, const double sp[3], double (*f)(long, long, long)) {
    qib_grid g;
    qib_grid_init(&g, n, n, n);
    memcpy(g.spacing, sp, sizeof g.spacing);
    g.origin[0] = -10;
    g.origin[1] = 5;
    g.origin[2] = 100;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F64, &v, &err), &err);
    double *x = qib_volume_data(v);
    for (size_t k = 0, m = 0; k < n; k++)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++, m++) x[m] = f((long)i, (long)j, (long)k);
    return v;
}

/* The region of voxels with lo <= i, j, k <= hi. */
static qib_mask *box(const qib_volume *v, long lo, long hi) {
    qib_mask *m = NULL;
    qib_error err;
    TU_OK(qib_mask_create(qib_volume_grid(v), &m, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    uint8_t *d = qib_mask_data(m);
    for (size_t k = 0, n = 0; k < g->dim[2]; k++)
        for (size_t j = 0; j < g->dim[1]; j++)
            for (size_t i = 0; i < g->dim[0]; i++, n++)
                d[n] = (long)i >= lo && (long)i <= hi && (long)j >= lo && (long)j <= hi &&
                       (long)k >= lo && (long)k <= hi;
    return m;
}

static long d2(long i, long j, long k, long c) {
    return (i - c) * (i - c) + (j - c) * (j - c) + (k - c) * (k - c);
}

static double sphere5(long i, long j, long k) { return d2(i, j, k, 20) <= 25 ? 10 : 1; }
static double sphere10(long i, long j, long k) { return d2(i, j, k, 20) <= 100 ? 10 : 1; }
static double sphere_peak(long i, long j, long k) { return d2(i, j, k, 20) <= 38 ? 10 : 1; }

static void test_sphere_phantoms(void **state) {
    (void)state;
    const double iso[3] = {1, 1, 1};
    qib_pet_options o;
    qib_pet_options_default(&o);
    assert_true(o.threshold == 2.5 && o.fraction == 0.41 && o.peak_ml == 1);
    assert_near(qib_pet_sphere_radius_mm(1), 6.203504908994001, 1e-12);
    qib_pet_metrics m;
    qib_error err;

    /* radius 5 (515 voxels) of SUV 10 in SUV 1, region: the 21^3 cube
     * around it. The peak sphere (1021 voxels) centred in it holds all 515
     * hot voxels and 506 background ones. */
    qib_volume *v = phantom(41, iso, sphere5);
    qib_mask *r = box(v, 10, 30);
    TU_OK(qib_pet_region_metrics(v, r, &o, &m, &err), &err);
    assert_int_equal(m.voxels, 9261);
    assert_near(m.volume_ml, 9.261, 1e-12);
    assert_true(m.suv_max == 10 && m.suv_min == 1);
    assert_near(m.suv_mean, (515 * 10.0 + 8746) / 9261, 1e-14);
    assert_int_equal(m.voxels_abs, 515);
    assert_near(m.mtv_abs_ml, 0.515, 1e-14);
    assert_near(m.tlg_abs, 5.15, 1e-12);
    assert_near(m.suv_mean_abs, 10, 1e-14);
    assert_near(m.threshold_rel, 4.1, 1e-15);
    assert_int_equal(m.voxels_rel, 515);
    assert_near(m.tlg_rel, 5.15, 1e-12);
    assert_near(m.suv_peak, 5656.0 / 1021, 1e-14);
    assert_int_equal(m.peak_voxels, 1021);
    assert_near(m.peak_radius_mm, 6.203504908994001, 1e-12);
    /* every centre within ~1 mm of the sphere's keeps all hot voxels: the
     * first of them in i, j, k order is reported */
    for (int a = 0; a < 3; a++) assert_true(labs((long)m.peak_index[a] - 20) <= 1);
    qib_mask_free(r);
    qib_volume_free(v);

    /* radius 10 (4169 voxels): the peak sphere fits inside, SUVpeak = 10 */
    v = phantom(41, iso, sphere10);
    r = box(v, 0, 40);
    TU_OK(qib_pet_region_metrics(v, r, &o, &m, &err), &err);
    assert_int_equal(m.voxels_abs, 4169);
    assert_near(m.mtv_abs_ml, 4.169, 1e-12);
    assert_near(m.tlg_abs, 41.69, 1e-11);
    assert_true(m.suv_peak == 10);
    qib_mask_free(r);
    qib_volume_free(v);

    /* hot region = the peak sphere's own shape: one centre only reaches 10;
     * its LPS position is the origin + 20 mm on each axis */
    v = phantom(41, iso, sphere_peak);
    r = box(v, 0, 40);
    TU_OK(qib_pet_region_metrics(v, r, &o, &m, &err), &err);
    assert_true(m.suv_peak == 10);
    assert_int_equal(m.peak_index[0], 20);
    assert_int_equal(m.peak_index[1], 20);
    assert_int_equal(m.peak_index[2], 20);
    assert_near(m.peak_centre[0], 10, 1e-12);
    assert_near(m.peak_centre[1], 25, 1e-12);
    assert_near(m.peak_centre[2], 120, 1e-12);
    assert_int_equal(m.voxels_abs, 1021);
    qib_mask_free(r);
    qib_volume_free(v);
}

/* A 3 x 3 x 3 cube of 10 at (10, 10, 10) and a single voxel of 20 at
 * (30, 30, 30), in 1. */
static double cube_and_spike(long i, long j, long k) {
    if (labs(i - 10) <= 1 && labs(j - 10) <= 1 && labs(k - 10) <= 1) return 10;
    if (i == 30 && j == 30 && k == 30) return 20;
    return 1;
}

static double x_index(long i, long j, long k) {
    (void)j;
    (void)k;
    return (double)i;
}

static void test_peak_placement(void **state) {
    (void)state;
    const double iso[3] = {1, 1, 1}, aniso[3] = {2, 2, 3};
    qib_pet_metrics m;
    qib_error err;
    /* the peak is where the mean is highest, not around the hottest voxel:
     * cube (27 x 10 + 994) / 1021 beats spike (20 + 1020) / 1021 */
    qib_volume *v = phantom(41, iso, cube_and_spike);
    qib_mask *r = box(v, 0, 40);
    TU_OK(qib_pet_region_metrics(v, r, NULL, &m, &err), &err);
    assert_true(m.suv_max == 20);
    assert_near(m.suv_peak, 1264.0 / 1021, 1e-14);
    /* several centres hold the whole cube (ties): the one reported does */
    for (long dk = -1; dk <= 1; dk++)
        for (long dj = -1; dj <= 1; dj++)
            for (long di = -1; di <= 1; di++) {
                long a = 10 + di - (long)m.peak_index[0], b = 10 + dj - (long)m.peak_index[1],
                     c = 10 + dk - (long)m.peak_index[2];
                assert_true(a * a + b * b + c * c <= 38);
            }
    qib_mask_free(r);
    /* with the region on the spike alone, its sphere is the only centre */
    r = box(v, 30, 30);
    TU_OK(qib_pet_region_metrics(v, r, NULL, &m, &err), &err);
    assert_near(m.suv_peak, 1040.0 / 1021, 1e-14);
    qib_mask_free(r);
    qib_volume_free(v);

    /* 2 x 2 x 3 mm voxels: 73 voxels in the sphere, all 27 of the cube */
    v = phantom(21, aniso, cube_and_spike);
    r = box(v, 9, 11);
    TU_OK(qib_pet_region_metrics(v, r, NULL, &m, &err), &err);
    assert_int_equal(m.peak_voxels, 73);
    assert_near(m.suv_peak, (27 * 10.0 + 46) / 73, 1e-14);
    assert_near(m.voxel_ml, 0.012, 1e-15);
    assert_near(m.mtv_abs_ml, 27 * 0.012, 1e-14);
    qib_mask_free(r);
    qib_volume_free(v);

    /* a sphere cut by the image's edge is not used: on a 13^3 image only
     * the centre voxel (6, 6, 6) has room (reach 6 voxels each way); its
     * mean of i is 6 by symmetry. A region 5 voxels from the edge has no
     * usable centre: NaN. */
    v = phantom(13, iso, x_index);
    r = box(v, 0, 12);
    TU_OK(qib_pet_region_metrics(v, r, NULL, &m, &err), &err);
    assert_int_equal(m.peak_voxels, 1021);
    assert_near(m.suv_peak, 6, 1e-13);
    assert_true(m.peak_index[0] == 6 && m.peak_index[1] == 6 && m.peak_index[2] == 6);
    qib_mask_free(r);
    r = box(v, 0, 5);
    TU_OK(qib_pet_region_metrics(v, r, NULL, &m, &err), &err);
    assert_true(isnan(m.suv_peak));
    assert_int_equal(m.peak_voxels, 0);
    assert_true(m.suv_max == 5); /* the other metrics are there */
    qib_mask_free(r);
    qib_volume_free(v);
}

/* four region voxels 2.5, 2.4999, 4.1, 10 (and 0 elsewhere) */
static double steps(long i, long j, long k) {
    if (j || k) return 0;
    static const double x[4] = {2.5, 2.4999, 4.1, 10};
    return i < 4 ? x[i] : 0;
}

static void test_thresholds(void **state) {
    (void)state;
    const double sp[3] = {2, 2, 2};
    qib_pet_metrics m;
    qib_error err;
    qib_volume *v = phantom(5, sp, steps);
    qib_mask *r = box(v, 0, 0);
    uint8_t *d = qib_mask_data(r);
    for (int i = 0; i < 4; i++) d[i] = 1;
    qib_pet_options o;
    qib_pet_options_default(&o);
    TU_OK(qib_pet_region_metrics(v, r, &o, &m, &err), &err);
    /* >= 2.5: 2.5, 4.1, 10 */
    assert_int_equal(m.voxels_abs, 3);
    assert_near(m.mtv_abs_ml, 3 * 0.008, 1e-15);
    assert_near(m.tlg_abs, (2.5 + 4.1 + 10) * 0.008, 1e-15);
    assert_near(m.suv_mean_abs, (2.5 + 4.1 + 10) / 3, 1e-15);
    /* >= 0.41 x 10 = 4.1: 4.1 and 10 */
    assert_int_equal(m.voxels_rel, 2);
    assert_near(m.tlg_rel, 14.1 * 0.008, 1e-15);
    /* sample SD of the four values */
    double mean = (2.5 + 2.4999 + 4.1 + 10) / 4, ss = 0;
    const double x[4] = {2.5, 2.4999, 4.1, 10};
    for (int i = 0; i < 4; i++) ss += (x[i] - mean) * (x[i] - mean);
    assert_near(m.suv_sd, sqrt(ss / 3), 1e-14);
    /* a threshold above everything: MTV 0, mean NaN */
    o.threshold = 11;
    TU_OK(qib_pet_region_metrics(v, r, &o, &m, &err), &err);
    assert_true(m.voxels_abs == 0 && m.mtv_abs_ml == 0 && m.tlg_abs == 0 && isnan(m.suv_mean_abs));

    /* errors */
    o.fraction = 0;
    assert_int_equal(qib_pet_region_metrics(v, r, &o, &m, &err), QIB_ERR_ARG);
    qib_pet_options_default(&o);
    o.peak_ml = -1;
    assert_int_equal(qib_pet_region_metrics(v, r, &o, &m, &err), QIB_ERR_ARG);
    qib_pet_options_default(&o);
    memset(d, 0, 125);
    assert_int_equal(qib_pet_region_metrics(v, r, &o, &m, &err), QIB_ERR_EMPTY_ROI);
    d[0] = 1;
    ((double *)qib_volume_data(v))[0] = NAN;
    assert_int_equal(qib_pet_region_metrics(v, r, &o, &m, &err), QIB_ERR_NUMERIC);
    assert_non_null(strstr(err.reason, "voxel (0, 0, 0)"));
    qib_grid g = *qib_volume_grid(v);
    g.dim[2] = 4;
    qib_mask *other = NULL;
    TU_OK(qib_mask_create(&g, &other, &err), &err);
    assert_int_equal(qib_pet_region_metrics(v, other, &o, &m, &err), QIB_ERR_GRID_MISMATCH);
    qib_mask_free(other);
    qib_mask_free(r);
    qib_volume_free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sphere_phantoms),
        cmocka_unit_test(test_peak_placement),
        cmocka_unit_test(test_thresholds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
