/* SPDX-License-Identifier: Apache-2.0 */
/* test_phantom.c: qib_phantom_make (src/phantom/) against independent
 * references: a second, differently written inside test, the analytic
 * volumes, exact cube counts, and a pinned checksum for reproducibility. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phantom/rng.h"
#include "test_util.h"

typedef struct {
    qib_volume *img, *msk;
    qib_phantom_truth truth;
} made;

static void make_ok(const qib_phantom_params *p, made *m) {
    qib_error err;
    qib_error_clear(&err);
    memset(m, 0, sizeof *m);
    TU_OK(qib_phantom_make(p, &m->img, &m->msk, &m->truth, &err), &err);
    assert_non_null(m->img);
    assert_non_null(m->msk);
    assert_int_equal(qib_volume_dtype(m->img), QIB_DT_I16);
    assert_int_equal(qib_volume_dtype(m->msk), QIB_DT_U8);
}

static void made_free(made *m) {
    qib_volume_free(m->img);
    qib_volume_free(m->msk);
    m->img = m->msk = NULL;
}

/* FNV-1a 64 over the int16 values as little-endian bytes, so the checksum is
 * the same on hosts of either byte order. */
static uint64_t fnv_i16(const int16_t *v, size_t n) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        uint16_t u = (uint16_t)v[i];
        uint8_t b[2] = {(uint8_t)(u & 0xff), (uint8_t)(u >> 8)};
        for (int k = 0; k < 2; k++) h = (h ^ b[k]) * UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t fnv_u8(const uint8_t *v, size_t n) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ v[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* A length in whole tenths of a millimetre; the test parameters are chosen
 * so that this is exact. */
static int64_t tenths(double mm) {
    double t = mm * 10;
    int64_t r = (int64_t)(t < 0 ? t - 0.5 : t + 0.5);
    assert_true(fabs(t - (double)r) < 1e-6);
    return r;
}

/* The independent inside test, in exact integer arithmetic: every length in
 * units of 0.05 mm (twice the tenths, so that the half-voxel centres of even
 * dimensions are whole), centres from (2 index - (n-1)) * spacing / 2 about
 * the grid centre, not from the grid's origin; shapes in cleared-denominator
 * form. Decimal ties (a centre exactly on the surface) are therefore decided
 * exactly: inside. Compares voxel by voxel and returns the count. */
static size_t independent_count(const qib_phantom_params *p, const uint8_t *msk) {
    size_t count = 0, mismatches = 0;
    const size_t *n = p->dim;
    int64_t sp[3], off2[3], r2[3];
    for (int a = 0; a < 3; a++) {
        sp[a] = tenths(p->spacing[a]);
        off2[a] = 2 * tenths(p->centre_offset[a]);
        r2[a] = 2 * tenths(p->radius[p->shape == QIB_PHANTOM_SPHERE ? 0 : a]);
    }
    for (size_t k = 0; k < n[2]; k++)
        for (size_t j = 0; j < n[1]; j++)
            for (size_t i = 0; i < n[0]; i++) {
                int64_t idx[3] = {(int64_t)i, (int64_t)j, (int64_t)k}, dd[3];
                for (int a = 0; a < 3; a++)
                    dd[a] = (2 * idx[a] - (int64_t)(n[a] - 1)) * sp[a] - off2[a];
                int in;
                if (p->shape == QIB_PHANTOM_CUBE) {
                    in = llabs(dd[0]) <= r2[0] && llabs(dd[1]) <= r2[1] && llabs(dd[2]) <= r2[2];
                } else {
                    /* sum (dd_a / r_a)^2 <= 1, times r0^2 r1^2 r2^2 */
                    int64_t q0 = r2[0] * r2[0], q1 = r2[1] * r2[1], q2 = r2[2] * r2[2];
                    int64_t lhs = dd[2] * dd[2] * q0 * q1 + dd[1] * dd[1] * q0 * q2 +
                                  dd[0] * dd[0] * q1 * q2;
                    in = lhs <= q0 * q1 * q2;
                }
                count += (size_t)in;
                mismatches += (size_t)(in != msk[(k * n[1] + j) * n[0] + i]);
            }
    assert_int_equal(mismatches, 0);
    return count;
}

/* ---- determinism and the regression pin ---- */

static void test_deterministic(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    made a, b;
    make_ok(&p, &a);
    make_ok(&p, &b);
    assert_int_equal(qib_volume_bytes(a.img), qib_volume_bytes(b.img));
    assert_memory_equal(qib_volume_cdata(a.img), qib_volume_cdata(b.img), qib_volume_bytes(a.img));
    assert_memory_equal(qib_volume_cdata(a.msk), qib_volume_cdata(b.msk), qib_volume_bytes(a.msk));
    assert_memory_equal(&a.truth, &b.truth, sizeof a.truth);

    /* another seed changes the noise only: same mask, other image */
    made c;
    p.seed = 2;
    make_ok(&p, &c);
    assert_memory_equal(qib_volume_cdata(a.msk), qib_volume_cdata(c.msk), qib_volume_bytes(a.msk));
    assert_memory_not_equal(qib_volume_cdata(a.img), qib_volume_cdata(c.img),
                            qib_volume_bytes(a.img));
    made_free(&a);
    made_free(&b);
    made_free(&c);
}

static void test_regression_pin(void **state) {
    (void)state;
    /* REGRESSION PIN, not an independent truth: these checksums were taken
     * from qib's own output for the default parameters. They catch any
     * change of the generated bytes (PRNG, normal method, texture, rounding,
     * geometry) on any compiler or machine. If the change is intended, say
     * so in the commit and paste the new values printed by the failure.
     * Seen identical with gcc 12 and clang 14 at -O0..-O3, -march=native
     * (FMA) and -ffp-contract=fast on x86-64. */
    const uint64_t want_image = UINT64_C(0x563831ba6279b873);
    const uint64_t want_mask = UINT64_C(0xe4164af456b8a105);
    const size_t want_count = 7872;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    made a;
    make_ok(&p, &a);
    size_t n = qib_volume_frame_voxels(a.img);
    uint64_t hi = fnv_i16(qib_volume_cdata(a.img), n);
    uint64_t hm = fnv_u8(qib_volume_cdata(a.msk), n);
    if (hi != want_image || hm != want_mask || a.truth.voxel_count != want_count)
        fail_msg("default phantom changed: image 0x%016llx mask 0x%016llx count %zu "
                 "(pinned 0x%016llx, 0x%016llx, %zu)",
                 (unsigned long long)hi, (unsigned long long)hm, a.truth.voxel_count,
                 (unsigned long long)want_image, (unsigned long long)want_mask, want_count);
    made_free(&a);
}

/* ---- geometry and counts ---- */

static void test_geometry(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    made a;
    make_ok(&p, &a);
    const qib_grid *g = qib_volume_grid(a.img);
    for (int c = 0; c < 3; c++) {
        assert_int_equal(g->dim[c], p.dim[c]);
        assert_true(g->spacing[c] == p.spacing[c]);
        for (int r = 0; r < 3; r++) assert_true(g->direction[3 * r + c] == (r == c ? 1.0 : 0.0));
    }
    /* the grid centre, index (n-1)/2, is world (0,0,0) */
    double ijk[3] = {63.5, 63.5, 31.5}, xyz[3];
    qib_grid_index_to_world(g, ijk, xyz);
    for (int c = 0; c < 3; c++) assert_true(fabs(xyz[c]) < 1e-12);
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_grid_check_same(g, qib_volume_grid(a.msk), 0, 0, &err), &err);
    made_free(&a);
}

static void test_sphere_count_and_volume(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    made a;
    make_ok(&p, &a);
    size_t n = qib_volume_frame_voxels(a.msk);
    const uint8_t *m = qib_volume_cdata(a.msk);
    size_t ones = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(m[i] <= 1);
        ones += m[i];
    }
    assert_int_equal(ones, a.truth.voxel_count);
    assert_int_equal(independent_count(&p, m), a.truth.voxel_count);

    double exact = 4.0 / 3.0 * 3.14159265358979323846 * 13.4 * 13.4 * 13.4;
    assert_true(fabs(a.truth.volume_mm3 - exact) < 1e-9 * exact);
    double vox = (double)a.truth.voxel_count * 0.8 * 0.8 * 2.0;
    assert_true(fabs(a.truth.voxel_volume_mm3 - vox) < 1e-9 * vox);
    double rel = fabs(a.truth.voxel_volume_mm3 - exact) / exact;
    assert_true(rel < 0.02);
    made_free(&a);
}

static void test_ellipsoid_offset(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    p.shape = QIB_PHANTOM_ELLIPSOID;
    p.radius[0] = 20;
    p.radius[1] = 12;
    p.radius[2] = 16;
    p.centre_offset[0] = 10.3;
    p.centre_offset[1] = -7.1;
    p.centre_offset[2] = 5;
    made a;
    make_ok(&p, &a);
    assert_int_equal(independent_count(&p, qib_volume_cdata(a.msk)), a.truth.voxel_count);
    double exact = 4.0 / 3.0 * 3.14159265358979323846 * 20 * 12 * 16;
    assert_true(fabs(a.truth.volume_mm3 - exact) < 1e-9 * exact);
    assert_true(fabs(a.truth.voxel_volume_mm3 - exact) / exact < 0.02);
    made_free(&a);
}

/* The mask stays inside the grid, even for a lesion touching its edge, and
 * the bounding box is where the shape says. */
static void test_mask_within_grid(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    p.dim[0] = 40;
    p.dim[1] = 30;
    p.dim[2] = 20;
    p.spacing[0] = p.spacing[1] = p.spacing[2] = 1.0;
    p.radius[0] = 5;
    p.centre_offset[0] = 15; /* x from 10 to 20 = the grid's edge */
    made a;
    make_ok(&p, &a);
    qib_volume *mv = a.msk;
    const qib_grid *g = qib_volume_grid(mv);
    qib_mask *m = NULL;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_mask_from_labels(mv, 1, &m, &err), &err);
    qib_box box;
    assert_int_equal(qib_mask_bbox(m, &box), 1);
    for (int c = 0; c < 3; c++) assert_true(box.lo[c] + box.size[c] <= g->dim[c]);
    /* centres at x = i - 19.5: inside for 10 <= x <= 20, i = 30..39 */
    assert_int_equal(box.lo[0], 30);
    assert_int_equal(box.size[0], 10);
    assert_int_equal(independent_count(&p, qib_volume_cdata(mv)), a.truth.voxel_count);
    qib_mask_free(m);
    made_free(&a);
}

/* A cube whose half sides are whole multiples of the spacing, centred
 * between voxel centres (even dimensions), holds exactly (2a/s) voxels per
 * axis, so the voxel volume equals the exact volume. */
static void test_cube_exact(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    p.shape = QIB_PHANTOM_CUBE;
    p.radius[0] = 4 * 0.8;
    p.radius[1] = 5 * 0.8;
    p.radius[2] = 3 * 2.0;
    made a;
    make_ok(&p, &a);
    assert_int_equal(a.truth.voxel_count, 8 * 10 * 6);
    assert_int_equal(independent_count(&p, qib_volume_cdata(a.msk)), 8 * 10 * 6);
    assert_true(fabs(a.truth.volume_mm3 - 8 * 3.2 * 4.0 * 6.0) < 1e-9);
    assert_true(fabs(a.truth.voxel_volume_mm3 - a.truth.volume_mm3) < 1e-9);
    made_free(&a);

    /* odd dimensions put a voxel centre at the cube's centre, so the faces
     * pass exactly through centres: boundary included, 2a/s + 1 per axis */
    p.dim[0] = 65;
    p.dim[1] = 33;
    p.dim[2] = 21;
    made b;
    make_ok(&p, &b);
    assert_int_equal(b.truth.voxel_count, 9 * 11 * 7);
    assert_int_equal(independent_count(&p, qib_volume_cdata(b.msk)), 9 * 11 * 7);
    made_free(&b);
}

/* ---- intensities ---- */

static void lesion_mean(const made *a, double *mean_in, double *mean_out) {
    size_t n = qib_volume_frame_voxels(a->img), nin = 0;
    const int16_t *v = qib_volume_cdata(a->img);
    const uint8_t *m = qib_volume_cdata(a->msk);
    int64_t sin = 0, sout = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i]) {
            sin += v[i];
            nin++;
        } else {
            sout += v[i];
        }
    }
    *mean_in = (double)sin / (double)nin;
    *mean_out = (double)sout / (double)(n - nin);
}

static void test_noiseless_mean(void **state) {
    (void)state;
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    p.noise_sd = 0;
    made a;
    make_ok(&p, &a);
    double in, out;
    lesion_mean(&a, &in, &out);
    assert_true(in == a.truth.mean_hu_noiseless);
    /* the lesion texture is at most +-10 HU and the background's +-95 HU */
    assert_true(fabs(in - 40) < 10);
    assert_true(fabs(out + 700) < 95);

    /* with noise: the difference from the noiseless image is the noise */
    qib_phantom_params q = p;
    q.noise_sd = 10;
    made b;
    make_ok(&q, &b);
    assert_memory_equal(&a.truth, &b.truth, sizeof a.truth);
    size_t n = qib_volume_frame_voxels(a.img);
    const int16_t *v0 = qib_volume_cdata(a.img), *v1 = qib_volume_cdata(b.img);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)v1[i] - (double)v0[i];
        s += d;
        s2 += d * d;
    }
    double mean = s / (double)n, sd = sqrt(s2 / (double)n - mean * mean);
    /* 1M samples: SE of the mean 0.01 HU, of the SD about 0.007 HU; the two
     * roundings add about 1/12 HU^2 of variance each */
    assert_true(fabs(mean) < 0.05);
    assert_true(fabs(sd - sqrt(100 + 2.0 / 12)) < 0.05);
    double bin, bout;
    lesion_mean(&b, &bin, &bout);
    assert_true(fabs(bin - b.truth.mean_hu_noiseless) < 0.5); /* 5 SE for 10,000 voxels */
    made_free(&a);
    made_free(&b);
}

/* ---- the PRNG ---- */

static void test_rng(void **state) {
    (void)state;
    qib_rng r;
    qib__rng_seed(&r, 12345);
    /* the portable log agrees with libm to a few ulp */
    for (int i = 0; i < 100000; i++) {
        double x = qib__rng_uniform(&r);
        if (x == 0) continue;
        if (i % 2) x = ldexp(x, (int)(qib__rng_next(&r) % 200) - 100);
        double want = log(x), got = qib__rng_log(x);
        assert_true(fabs(got - want) <= 8 * fabs(nextafter(want, 0) - want) + 1e-300);
    }
    assert_true(qib__rng_log(1.0) == 0);
    /* seed 0 is a valid state */
    qib__rng_seed(&r, 0);
    uint64_t x = 0;
    for (int i = 0; i < 4; i++) x |= qib__rng_next(&r);
    assert_true(x != 0);
}

/* ---- invalid parameters ---- */

static void expect_refused(const qib_phantom_params *p, qib_status want, const char *field) {
    qib_volume *img = NULL, *msk = NULL;
    qib_phantom_truth t;
    memset(&t, 0x5a, sizeof t);
    qib_phantom_truth t0 = t;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_phantom_make(p, &img, &msk, &t, &err);
    if (st != want || strcmp(err.field, field) != 0)
        fail_msg("expected %s on '%s', got %s on '%s': %s", qib_status_name(want), field,
                 qib_status_name(st), err.field, err.reason);
    assert_true(err.reason[0] != 0);
    /* outputs are untouched on failure */
    assert_null(img);
    assert_null(msk);
    assert_memory_equal(&t, &t0, sizeof t);
}

static void test_invalid(void **state) {
    (void)state;
    qib_phantom_params d, p;
    qib_phantom_params_default(&d);

    p = d; p.dim[0] = 0; expect_refused(&p, QIB_ERR_ARG, "dim[0]");
    p = d; p.dim[2] = 4097; expect_refused(&p, QIB_ERR_ARG, "dim[2]");
    p = d; p.dim[0] = p.dim[1] = p.dim[2] = 4096; expect_refused(&p, QIB_ERR_LIMIT, "dim");
    p = d; p.spacing[1] = 0; expect_refused(&p, QIB_ERR_ARG, "spacing[1]");
    p = d; p.spacing[2] = -1; expect_refused(&p, QIB_ERR_ARG, "spacing[2]");
    p = d; p.spacing[0] = NAN; expect_refused(&p, QIB_ERR_ARG, "spacing[0]");
    p = d; p.spacing[0] = INFINITY; expect_refused(&p, QIB_ERR_ARG, "spacing[0]");
    p = d; p.shape = (qib_phantom_shape)7; expect_refused(&p, QIB_ERR_ARG, "shape");
    p = d; p.radius[0] = 0; expect_refused(&p, QIB_ERR_ARG, "radius[0]");
    p = d; p.radius[0] = -3; expect_refused(&p, QIB_ERR_ARG, "radius[0]");
    p = d; p.shape = QIB_PHANTOM_ELLIPSOID; p.radius[1] = NAN;
    expect_refused(&p, QIB_ERR_ARG, "radius[1]");
    /* too big: the z field of view is 64 x 2 mm = +-64 mm */
    p = d; p.radius[0] = 64.5; expect_refused(&p, QIB_ERR_ARG, "radius[0]");
    p = d; p.shape = QIB_PHANTOM_CUBE; p.radius[1] = 60; expect_refused(&p, QIB_ERR_ARG, "radius[1]");
    p = d; p.centre_offset[2] = 60; expect_refused(&p, QIB_ERR_ARG, "radius[0]");
    p = d; p.centre_offset[1] = 52; expect_refused(&p, QIB_ERR_ARG, "centre_offset[1]");
    p = d; p.centre_offset[0] = NAN; expect_refused(&p, QIB_ERR_ARG, "centre_offset[0]");
    p = d; p.background_hu = INFINITY; expect_refused(&p, QIB_ERR_ARG, "background_hu");
    p = d; p.lesion_hu = NAN; expect_refused(&p, QIB_ERR_ARG, "lesion_hu");
    p = d; p.noise_sd = -1; expect_refused(&p, QIB_ERR_ARG, "noise_sd");
    /* smaller than the spacing and between voxel centres: no voxel inside */
    p = d; p.radius[0] = 0.3; expect_refused(&p, QIB_ERR_EMPTY_ROI, "radius");

    qib_volume *img = NULL, *msk = NULL;
    assert_int_equal(qib_phantom_make(NULL, &img, &msk, NULL, NULL), QIB_ERR_ARG);
    assert_int_equal(qib_phantom_make(&d, NULL, &msk, NULL, NULL), QIB_ERR_ARG);
    /* truth may be NULL */
    assert_int_equal(qib_phantom_make(&d, &img, &msk, NULL, NULL), QIB_OK);
    qib_volume_free(img);
    qib_volume_free(msk);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_regression_pin),
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_sphere_count_and_volume),
        cmocka_unit_test(test_ellipsoid_offset),
        cmocka_unit_test(test_mask_within_grid),
        cmocka_unit_test(test_cube_exact),
        cmocka_unit_test(test_noiseless_mean),
        cmocka_unit_test(test_rng),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
