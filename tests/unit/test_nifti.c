/* SPDX-License-Identifier: Apache-2.0 */
/* test_nifti.c: NIfTI-1/2 reading and writing, geometry as ITK 5.x reads it,
 * format dispatch (qib_image_read/qib_image_write) and malformed input.
 *
 * Expected geometries are worked out by hand in the comments, from the
 * NIfTI-1 definitions (nifti1.h: qform from the quaternion, sform rows) and
 * ITK's RAS->LPS rule: origin (-tx, -ty, tz), direction column c =
 * (-m0c, -m1c, m2c) normalised. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/qib_internal.h"
#include "test_util.h"

#define TU_PI 3.14159265358979323846

/* ---- helpers ---- */

/* Fills a volume's bytes with a fixed pseudo-random pattern (every bit of
 * every type is exercised; compared with memcmp, NaN patterns are fine). */
static void fill_pattern(qib_volume *v, uint32_t seed) {
    uint8_t *p = qib_volume_data(v);
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < qib_volume_bytes(v); i++) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;
        p[i] = (uint8_t)(s >> 7);
    }
}

/* A grid with an oblique direction: rotation by 30 degrees about z, then
 * the k axis reversed (an improper rotation, so qfac = -1 on write). */
static void oblique_grid(qib_grid *g, size_t nx, size_t ny, size_t nz) {
    qib_grid_init(g, nx, ny, nz);
    double c = cos(TU_PI / 6), s = sin(TU_PI / 6);
    double d[9] = {c, -s, 0, s, c, 0, 0, 0, -1};
    memcpy(g->direction, d, sizeof d);
    g->spacing[0] = 0.7, g->spacing[1] = 1.3, g->spacing[2] = 2.5;
    g->origin[0] = -12.5, g->origin[1] = 30.25, g->origin[2] = 101.125;
}

static void assert_close(double got, double want, double tol, const char *what) {
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.9g, want %.9g (tol %g)", what, got, want, tol);
}

static void assert_grid(const qib_grid *g, const double spacing[3], const double origin[3],
                        const double dir[9], double tol) {
    for (int i = 0; i < 3; i++)
        assert_close(g->spacing[i], spacing[i], tol * fmax(1, spacing[i]), "spacing");
    for (int i = 0; i < 3; i++)
        assert_close(g->origin[i], origin[i], tol * fmax(1, fabs(origin[i])), "origin");
    for (int i = 0; i < 9; i++) assert_close(g->direction[i], dir[i], tol, "direction");
}

/* Little- or big-endian field writers for hand-built headers. */
static void w16(uint8_t *b, size_t off, int v, bool be) {
    uint16_t u = (uint16_t)v;
    b[off + (be ? 1 : 0)] = (uint8_t)(u & 0xff);
    b[off + (be ? 0 : 1)] = (uint8_t)(u >> 8);
}
static void w32(uint8_t *b, size_t off, uint32_t u, bool be) {
    for (int i = 0; i < 4; i++) b[off + (size_t)(be ? 3 - i : i)] = (uint8_t)(u >> (8 * i));
}
static void wf32(uint8_t *b, size_t off, float f, bool be) {
    uint32_t u;
    memcpy(&u, &f, 4);
    w32(b, off, u, be);
}
static void w64(uint8_t *b, size_t off, uint64_t u) {
    for (int i = 0; i < 8; i++) b[off + (size_t)i] = (uint8_t)(u >> (8 * i));
}

/* A NIfTI-1 .nii image in memory: 2x2x2 int16 values 1..8, pixdim 1, no
 * qform/sform, vox_offset 352. Tests then change fields. */
#define NII1_LEN (352 + 16)
static void nii1_base(uint8_t *b, bool be) {
    memset(b, 0, NII1_LEN);
    w32(b, 0, 348, be);
    int dim[8] = {3, 2, 2, 2, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) w16(b, 40 + 2 * (size_t)i, dim[i], be);
    w16(b, 70, 4, be);  /* datatype INT16 */
    w16(b, 72, 16, be); /* bitpix */
    for (int i = 0; i < 8; i++) wf32(b, 76 + 4 * (size_t)i, 1.0f, be);
    wf32(b, 108, 352.0f, be);
    memcpy(b + 344, "n+1", 4);
    for (int i = 0; i < 8; i++) w16(b, 352 + 2 * (size_t)i, i + 1, be);
}
static void set_qform(uint8_t *b, int code, float qb, float qc, float qd, float qx, float qy,
                      float qz, float qfac) {
    w16(b, 252, code, false);
    wf32(b, 256, qb, false), wf32(b, 260, qc, false), wf32(b, 264, qd, false);
    wf32(b, 268, qx, false), wf32(b, 272, qy, false), wf32(b, 276, qz, false);
    wf32(b, 76, qfac, false);
}
static void set_sform(uint8_t *b, int code, const float rows[12]) {
    w16(b, 254, code, false);
    for (int i = 0; i < 12; i++) wf32(b, 280 + 4 * (size_t)i, rows[i], false);
}
static void set_pixdim(uint8_t *b, float x, float y, float z) {
    wf32(b, 80, x, false), wf32(b, 84, y, false), wf32(b, 88, z, false);
}

static qib_status read_mem(const uint8_t *b, size_t n, qib_volume **v, qib_image_info *info,
                           qib_error *err) {
    qib_error_clear(err);
    return qib_nifti_read_mem(b, n, "test.nii", NULL, v, info, err);
}

/* ---- round trips ---- */

static void roundtrip_one(qib_dtype t, size_t frames, int version, bool gz, bool via_image_io) {
    qib_grid g;
    oblique_grid(&g, 5, 4, 3);
    qib_volume *v = NULL, *r = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, frames, t, &v, &err), &err);
    fill_pattern(v, (uint32_t)t * 7 + (uint32_t)frames);
    if (frames > 1) qib_volume_set_frame_step(v, 2.5);
    char name[64], path[512];
    snprintf(name, sizeof name, "rt_%s_%zu_v%d.nii%s", qib_dtype_name(t), frames, version,
             gz ? ".gz" : "");
    tu_tmp(name, path, sizeof path);
    qib_image_info info;
    if (via_image_io) {
        TU_OK(qib_image_write(path, v, &err), &err);
        TU_OK(qib_image_read(path, NULL, &r, &info, &err), &err);
    } else {
        TU_OK(qib_nifti_write(path, v, version, &err), &err);
        TU_OK(qib_nifti_read(path, NULL, &r, &info, &err), &err);
    }
    assert_int_equal(qib_volume_dtype(r), t);
    assert_int_equal(qib_volume_frames(r), frames);
    const qib_grid *h = qib_volume_grid(r);
    for (int i = 0; i < 3; i++) assert_int_equal(h->dim[i], g.dim[i]);
    assert_int_equal(qib_volume_bytes(r), qib_volume_bytes(v));
    assert_memory_equal(qib_volume_cdata(r), qib_volume_cdata(v), qib_volume_bytes(v));
    /* NIfTI-1 keeps float32 fields: relative error about 6e-8 per value. */
    assert_grid(h, g.spacing, g.origin, g.direction, version == 1 ? 1e-6 : 1e-12);
    assert_close(qib_volume_frame_step(r), frames > 1 ? 2.5 : 0.0, 0, "frame step");
    assert_int_equal(info.format, version == 1 ? QIB_FORMAT_NIFTI1 : QIB_FORMAT_NIFTI2);
    assert_int_equal(info.gzip, gz);
    assert_int_equal(info.stored_dtype, t);
    assert_int_equal(info.qform_code, 1);
    assert_int_equal(info.sform_code, 1);
    assert_int_equal(info.used_sform, 1);
    assert_close(info.scl_slope, 1, 0, "slope");
    assert_close(info.scl_inter, 0, 0, "inter");
    qib_volume_free(v);
    qib_volume_free(r);
    remove(path);
}

static void test_roundtrip_every_dtype(void **state) {
    (void)state;
    static const qib_dtype types[] = {QIB_DT_U8,  QIB_DT_I8,  QIB_DT_U16, QIB_DT_I16, QIB_DT_U32,
                                      QIB_DT_I32, QIB_DT_U64, QIB_DT_I64, QIB_DT_F32, QIB_DT_F64};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        for (int version = 1; version <= 2; version++)
            for (int gz = 0; gz < 2; gz++)
                for (size_t frames = 1; frames <= 3; frames += 2)
                    roundtrip_one(types[i], frames, version, gz, false);
}

static void test_roundtrip_image_io(void **state) {
    (void)state;
    roundtrip_one(QIB_DT_I16, 1, 1, true, true);
    roundtrip_one(QIB_DT_F32, 4, 1, false, true);
}

/* A dimension above 32767 needs NIfTI-2: qib_image_write picks it, and
 * qib_nifti_write(version 1) refuses it. */
static void test_write_picks_nifti2(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 40000, 1, 2);
    qib_volume *v = NULL, *r = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, &v, &err), &err);
    fill_pattern(v, 3);
    char path[512];
    tu_tmp("wide.nii.gz", path, sizeof path);
    assert_int_equal(qib_nifti_write(path, v, 1, &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "dim[1]");
    TU_OK(qib_image_write(path, v, &err), &err);
    qib_image_info info;
    TU_OK(qib_image_read(path, NULL, &r, &info, &err), &err);
    assert_int_equal(info.format, QIB_FORMAT_NIFTI2);
    assert_int_equal(qib_volume_grid(r)->dim[0], 40000);
    assert_memory_equal(qib_volume_cdata(r), qib_volume_cdata(v), qib_volume_bytes(v));
    qib_volume_free(v);
    qib_volume_free(r);
    remove(path);
}

/* ---- the IBSI phantoms (shared data) ---- */

/* Digital phantom: nibabel affine diag(-2,-2,2), origin 0 (RAS). LPS: the
 * x and y rows change sign, so direction = identity, origin (0,0,0),
 * spacing 2,2,2. qform_code 2 and sform_code 1 (SCANNER_ANAT): the sform
 * wins. Voxels sum to 173 (nibabel). */
static void test_ibsi_digital_phantom(void **state) {
    (void)state;
    char buf[1024];
    const char *path =
        tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", buf, sizeof buf);
    if (!path) return;
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(qib_image_read(path, NULL, &v, &info, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(g->dim[0], 5);
    assert_int_equal(g->dim[1], 4);
    assert_int_equal(g->dim[2], 4);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_I16);
    double sp[3] = {2, 2, 2}, o[3] = {0, 0, 0}, d[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    assert_grid(g, sp, o, d, 1e-12);
    assert_int_equal(info.format, QIB_FORMAT_NIFTI1);
    assert_true(info.gzip);
    assert_int_equal(info.qform_code, 2);
    assert_int_equal(info.sform_code, 1);
    assert_int_equal(info.used_sform, 1);
    double sum = 0;
    for (size_t i = 0; i < 80; i++) sum += qib_volume_value(v, i);
    assert_close(sum, 173, 0, "voxel sum");
    qib_volume_free(v);
}

/* CT phantom: sform (code 1) diag(-0.977, -0.977, 3) with translation
 * (174.3945, 79.6255, -100.4) RAS. LPS origin (-174.3945, -79.6255, -100.4),
 * direction identity, spacing 0.977 (as float32), 0.977, 3. Mean -266.470
 * (nibabel; the IBSI diagnostic value is -266). */
static void test_ibsi_ct_phantom(void **state) {
    (void)state;
    char buf[1024];
    const char *path =
        tu_shared("ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz", buf, sizeof buf);
    if (!path) return;
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(qib_image_read(path, NULL, &v, &info, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(g->dim[0], 204);
    assert_int_equal(g->dim[1], 201);
    assert_int_equal(g->dim[2], 60);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_F32);
    double sp[3] = {(float)0.977, (float)0.977, 3};
    double o[3] = {-(double)174.3945f, -(double)79.6255f, (double)-100.4f};
    double d[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    assert_grid(g, sp, o, d, 1e-12);
    assert_int_equal(info.used_sform, 1);
    size_t n = qib_volume_frame_voxels(v);
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += qib_volume_value(v, i);
    assert_close(sum / (double)n, -266.4703671186551, 1e-9, "mean");
    assert_close(qib_volume_value(v, 0), -1000, 0, "first voxel");
    assert_close(qib_volume_value(v, 100 + 100 * 204 + 30 * 204 * 201), 53, 0,
                 "voxel (100,100,30)");
    qib_volume_free(v);
}

/* ---- geometry from hand-built headers ---- */

/* Oblique sform, code 1, no qform. RAS rows:
 *   srow_x = [2c, -3s, 0, 10], srow_y = [2s, 3c, 0, 20], srow_z = [0, 0, 4, 30]
 * with c = cos 30 = 0.8660254, s = 0.5: rotation by 30 degrees about z times
 * diag(2, 3, 4). LPS: origin (-10, -20, 30); columns (-m0c, -m1c, m2c)
 * normalised: i = (-c, -s, 0), j = (s, -c, 0), k = (0, 0, 1); spacing from
 * pixdim (2, 3, 4). */
static void test_oblique_sform(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    double c = cos(TU_PI / 6), s = 0.5;
    float rows[12] = {(float)(2 * c), (float)(-3 * s), 0, 10, (float)(2 * s), (float)(3 * c), 0, 20,
                      0, 0, 4, 30};
    set_sform(b, 1, rows);
    set_pixdim(b, 2, 3, 4);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    double sp[3] = {2, 3, 4}, o[3] = {-10, -20, 30};
    double d[9] = {-c, s, 0, -s, -c, 0, 0, 0, 1}; /* row-major: columns as above */
    assert_grid(qib_volume_grid(v), sp, o, d, 1e-6);
    assert_int_equal(info.used_sform, 1);
    qib_volume_free(v);
}

/* qform only (code 1), quaternion of a 90-degree rotation about z:
 * a = cos 45, (b, c, d) = (0, 0, sin 45). nifti1.h gives
 *   R = [[a2+b2-c2-d2, 2(bc-ad), 2(bd+ac)], [2(bc+ad), a2+c2-b2-d2, 2(cd-ab)],
 *        [2(bd-ac), 2(cd+ab), a2+d2-c2-b2]] = [[0,-1,0],[1,0,0],[0,0,1]].
 * qfac = pixdim[0] = -1 negates the third column: R = [[0,-1,0],[1,0,0],
 * [0,0,-1]]. Offsets (5, 6, 7), pixdim (2, 3, 4).
 * LPS: origin (-5, -6, 7); direction = diag(-1,-1,1) * R =
 * [[0,1,0],[-1,0,0],[0,0,-1]]: i = (0,-1,0), j = (1,0,0), k = (0,0,-1). */
static void test_qform_qfac_rotation(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    float h = (float)sqrt(0.5);
    set_qform(b, 1, 0, 0, h, 5, 6, 7, -1);
    set_pixdim(b, 2, 3, 4);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    double sp[3] = {2, 3, 4}, o[3] = {-5, -6, 7};
    double d[9] = {0, 1, 0, -1, 0, 0, 0, 0, -1};
    assert_grid(qib_volume_grid(v), sp, o, d, 1e-6);
    assert_int_equal(info.used_sform, 0);
    qib_volume_free(v);
}

/* Which transform ITK 5.x picks (see nifti_geometry.c):
 * qform: identity rotation, offsets (1, 2, 3) -> LPS origin (-1, -2, 3).
 * sform: identity rotation, offsets (100, 200, 300) -> origin (-100, -200, 300). */
static void check_pick(int qcode, int scode, const float rows[12], qib_status want_st,
                       int want_sform) {
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    set_qform(b, qcode, 0, 0, 0, 1, 2, 3, 1);
    set_sform(b, scode, rows);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    qib_status st = read_mem(b, sizeof b, &v, &info, &err);
    assert_int_equal(st, want_st);
    if (st != QIB_OK) {
        assert_true(err.field[0] != 0);
        assert_true(err.reason[0] != 0);
        return;
    }
    assert_int_equal(info.used_sform, want_sform);
    const qib_grid *g = qib_volume_grid(v);
    double want_x = want_sform ? -(double)rows[3] : -1.0;
    assert_close(g->origin[0], want_x, 1e-6, "origin x");
    qib_volume_free(v);
}

static void test_sform_qform_precedence(void **state) {
    (void)state;
    const float other[12] = {1, 0, 0, 100, 0, 1, 0, 200, 0, 0, 1, 300};
    const float near[12] = {1, 0, 0, 1.00001f, 0, 1, 0, 2, 0, 0, 1, 3};
    const float shear[12] = {1, 0.3f, 0, 100, 0, 1, 0, 200, 0, 0, 1, 300};
    /* sform SCANNER_ANAT (1) and orthonormal: sform, whatever the qform. */
    check_pick(1, 1, other, QIB_OK, 1);
    /* sform ALIGNED_ANAT (2), qform set, the two differ: qform. */
    check_pick(1, 2, other, QIB_OK, 0);
    /* sform 2 and qform describe nearly the same space (1e-5 mm): sform. */
    check_pick(1, 2, near, QIB_OK, 1);
    /* No qform: an orthonormal sform of any code is used. */
    check_pick(0, 3, other, QIB_OK, 1);
    /* A sheared sform (columns not orthonormal): the qform, even for code 1. */
    check_pick(1, 1, shear, QIB_OK, 0);
    /* A sheared sform and no qform: ITK refuses; so does qib. */
    check_pick(0, 1, shear, QIB_ERR_UNSUPPORTED, 0);
    /* sform code 0: the sform rows are ignored. */
    check_pick(1, 0, other, QIB_OK, 0);
}

/* Both codes 0 (NIfTI "method 1"): ITK sets origin 0 and leaves the
 * direction at identity; spacing from pixdim (here 0.5, 0.25, 3). */
static void test_no_transform(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    set_pixdim(b, 0.5f, 0.25f, 3);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    double sp[3] = {0.5, 0.25, 3}, o[3] = {0, 0, 0}, d[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    assert_grid(qib_volume_grid(v), sp, o, d, 0);
    qib_volume_free(v);
}

/* Odd pixdim values, as nifti_clib + ITK's ImageFileReader treat them.
 * qform identity (code 1), pixdim (-2, 0, NaN):
 *  - pixdim[1] = -2: the qform matrix uses 1 for a non-positive step, so
 *    column i is RAS (1,0,0) -> LPS (-1,0,0); ITK's spacing is -2, which
 *    ImageFileReader makes 2 while flipping the column: (1,0,0).
 *  - pixdim[2] = 0 and pixdim[3] = NaN become 1 (nifti_clib).
 * With xyzt_units = 1 (metres) spacing is scaled by 1000, origin is not. */
static void test_pixdim_quirks(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    set_qform(b, 1, 0, 0, 0, 1, 2, 3, 1);
    set_pixdim(b, -2, 0, NAN);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    double sp[3] = {2, 1, 1}, o[3] = {-1, -2, 3}, d[9] = {1, 0, 0, 0, -1, 0, 0, 0, 1};
    assert_grid(qib_volume_grid(v), sp, o, d, 1e-12);
    qib_volume_free(v);
    b[123] = 1; /* NIFTI_UNITS_METER */
    set_pixdim(b, 0.002f, 0.003f, 0.004f);
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    double sp2[3] = {2, 3, 4}, d2[9] = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    assert_grid(qib_volume_grid(v), sp2, o, d2, 1e-6);
    qib_volume_free(v);
}

/* The same 2x2x2 int16 image written big-endian: same values and geometry
 * (sform code 1 with translation (-4.5, 8, 12.25) -> LPS (4.5, -8, 12.25)). */
static void test_big_endian(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, true);
    w16(b, 254, 1, true);
    float rows[12] = {1, 0, 0, -4.5f, 0, 1, 0, 8, 0, 0, 1, 12.25f};
    for (int i = 0; i < 12; i++) wf32(b, 280 + 4 * (size_t)i, rows[i], true);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    for (size_t i = 0; i < 8; i++)
        assert_close(qib_volume_value(v, i), (double)(i + 1), 0, "value");
    double sp[3] = {1, 1, 1}, o[3] = {4.5, -8, 12.25}, d[9] = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    assert_grid(qib_volume_grid(v), sp, o, d, 0);
    qib_volume_free(v);
}

/* scl_slope 2, scl_inter -1 on int16 1..8: float32 values 1, 3, 5, ..., 15.
 * On int32 the result is float64. Slope 0 or NaN: no scaling (int16 kept). */
static void test_scaling(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    wf32(b, 112, 2.0f, false);
    wf32(b, 116, -1.0f, false);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_F32);
    assert_int_equal(info.stored_dtype, QIB_DT_I16);
    assert_close(info.scl_slope, 2, 0, "slope");
    assert_close(info.scl_inter, -1, 0, "inter");
    for (size_t i = 0; i < 8; i++)
        assert_close(qib_volume_value(v, i), 2.0 * (double)(i + 1) - 1, 0, "scaled");
    qib_volume_free(v);

    /* int32: the 16 data bytes hold four int32 values; use a 2x2x1 image. */
    w16(b, 46, 1, false); /* dim[3] = 1 */
    w16(b, 70, 8, false), w16(b, 72, 32, false);
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_F64);
    assert_close(qib_volume_value(v, 0), 2.0 * (1 + 2 * 65536) - 1, 0, "int32 scaled");
    qib_volume_free(v);

    nii1_base(b, false);
    wf32(b, 112, 0.0f, false);
    wf32(b, 116, 5.0f, false);
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err); /* slope 0 -> 1, inter 5 applies */
    assert_int_equal(qib_volume_dtype(v), QIB_DT_F32);
    assert_close(qib_volume_value(v, 0), 6, 0, "slope 0 reads as 1");
    qib_volume_free(v);
    wf32(b, 112, NAN, false);
    wf32(b, 116, NAN, false);
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_I16);
    assert_close(info.scl_slope, 1, 0, "no scaling");
    qib_volume_free(v);
}

/* A two-file pair: "ni1" header in a.hdr, voxels at offset 0 of a.img. */
static void test_hdr_img_pair(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];
    nii1_base(b, false);
    memcpy(b + 344, "ni1", 4);
    wf32(b, 108, 0.0f, false);
    char hdr[512], img[512];
    tu_tmp("pair.hdr", hdr, sizeof hdr);
    tu_tmp("pair.img", img, sizeof img);
    tu_write(hdr, b, 348);
    tu_write(img, b + 352, 16);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_image_read(hdr, NULL, &v, NULL, &err), &err);
    assert_close(qib_volume_value(v, 7), 8, 0, "last voxel");
    qib_volume_free(v);
    assert_int_equal(qib_nifti_read_mem(b, 348, "pair.hdr", NULL, &v, NULL, &err),
                     QIB_ERR_UNSUPPORTED);
    assert_string_equal(err.field, "magic");
    remove(hdr);
    remove(img);
}

/* ---- malformed input: one located error each ---- */

static void expect_fail(const uint8_t *b, size_t n, qib_status want, const char *field) {
    qib_volume *v = NULL;
    qib_error err;
    qib_status st = read_mem(b, n, &v, NULL, &err);
    if (st != want) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        fail_msg("want %s, got %s: %s", qib_status_name(want), qib_status_name(st), msg);
    }
    assert_null(v);
    assert_int_equal(err.status, want);
    assert_string_equal(err.file, "test.nii");
    if (field) assert_string_equal(err.field, field);
    assert_true(err.reason[0] != 0);
}

static void test_malformed(void **state) {
    (void)state;
    uint8_t b[NII1_LEN];

    nii1_base(b, false);
    expect_fail(b, 100, QIB_ERR_TRUNCATED, "header");         /* truncated header */
    expect_fail(b, 2, QIB_ERR_TRUNCATED, "sizeof_hdr");
    expect_fail(b, NII1_LEN - 1, QIB_ERR_TRUNCATED, "vox_offset"); /* truncated data */
    {
        qib_error err;
        qib_volume *v = NULL;
        read_mem(b, NII1_LEN - 1, &v, NULL, &err);
        assert_non_null(strstr(err.reason, "data need 16 bytes from offset 352, file has 367"));
    }

    nii1_base(b, false);
    w16(b, 44, -3, false); /* dim[2] = -3 */
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "dim[2]");
    w16(b, 44, 0, false);
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "dim[2]");

    nii1_base(b, false);
    w16(b, 40, 0, false); /* dim[0] = 0 */
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "dim[0]");
    w16(b, 40, 8, false);
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "dim[0]");

    nii1_base(b, false); /* absurd dims: 32767^3 voxels > 2^32 */
    for (int i = 1; i <= 3; i++) w16(b, 40 + 2 * (size_t)i, 32767, false);
    expect_fail(b, sizeof b, QIB_ERR_LIMIT, "dim");

    nii1_base(b, false); /* 5D */
    w16(b, 40, 5, false), w16(b, 50, 3, false);
    expect_fail(b, sizeof b, QIB_ERR_UNSUPPORTED, "dim[5]");

    nii1_base(b, false);
    wf32(b, 108, 100.0f, false); /* vox_offset inside the header */
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "vox_offset");
    wf32(b, 108, 352.5f, false);
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "vox_offset");
    wf32(b, 108, 3e9f, false); /* far beyond the header and extensions */
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "vox_offset");
    wf32(b, 108, 360.0f, false); /* plausible, but then the data run past the end */
    expect_fail(b, sizeof b, QIB_ERR_TRUNCATED, "vox_offset");

    nii1_base(b, false);
    w32(b, 0, 349, false);
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "sizeof_hdr");

    nii1_base(b, false);
    memcpy(b + 344, "\0\0\0\0", 4); /* Analyze 7.5 */
    expect_fail(b, sizeof b, QIB_ERR_UNSUPPORTED, "magic");

    nii1_base(b, false);
    w16(b, 70, 128, false), w16(b, 72, 24, false); /* RGB24 */
    expect_fail(b, sizeof b, QIB_ERR_UNSUPPORTED, "datatype");
    {
        qib_error err;
        qib_volume *v = NULL;
        read_mem(b, sizeof b, &v, NULL, &err);
        assert_non_null(strstr(err.reason, "128 (RGB24)"));
    }
    w16(b, 70, 3, false);
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "datatype");
    w16(b, 70, 4, false), w16(b, 72, 8, false); /* int16 with bitpix 8 */
    expect_fail(b, sizeof b, QIB_ERR_FORMAT, "bitpix");
}

/* NIfTI-2 with dim[1] = 1e9 (int64): refused by max_dim before any
 * allocation. */
static void test_absurd_dim_nifti2(void **state) {
    (void)state;
    uint8_t b[544 + 8];
    memset(b, 0, sizeof b);
    w32(b, 0, 540, false);
    memcpy(b + 4, "n+2\0\r\n\032\n", 8);
    w16(b, 12, 2, false), w16(b, 14, 8, false);
    uint64_t dim[8] = {3, 1000000000, 2, 2, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) w64(b, 16 + 8 * (size_t)i, dim[i]);
    double one = 1.0;
    uint64_t u;
    memcpy(&u, &one, 8);
    for (int i = 0; i < 8; i++) w64(b, 104 + 8 * (size_t)i, u);
    w64(b, 168, 544);
    expect_fail(b, sizeof b, QIB_ERR_LIMIT, "dim[1]");
    /* With a plausible size it reads (8 bytes of data, 2x2x2 uint8). */
    w64(b, 16 + 8, 2);
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    TU_OK(read_mem(b, sizeof b, &v, &info, &err), &err);
    assert_int_equal(info.format, QIB_FORMAT_NIFTI2);
    qib_volume_free(v);
}

/* A .nii.gz cut short: the gzip reader reports the truncation. */
static void test_gzip_cut_short(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 32, 32, 8);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, &v, &err), &err);
    fill_pattern(v, 9);
    char path[512];
    tu_tmp("cut.nii.gz", path, sizeof path);
    TU_OK(qib_nifti_write(path, v, 1, &err), &err);
    uint8_t *z = NULL;
    size_t zlen = 0;
    TU_OK(qib__read_file(path, 1 << 30, &z, &zlen, &err), &err);
    expect_fail(z, zlen / 2, QIB_ERR_TRUNCATED, NULL);
    expect_fail(z, 30, QIB_ERR_TRUNCATED, NULL); /* ends inside the header */
    tu_write(path, z, zlen - 8);
    qib_volume *r = NULL;
    assert_int_equal(qib_image_read(path, NULL, &r, NULL, &err), QIB_ERR_TRUNCATED);
    assert_null(r);
    free(z);
    qib_volume_free(v);
    remove(path);
}

/* qib_image_read names the file it cannot place; qib_image_write refuses
 * unknown extensions. */
static void test_dispatch_errors(void **state) {
    (void)state;
    char path[512];
    tu_tmp("notimage.nii", path, sizeof path);
    tu_write(path, "hello, world, this is text", 26);
    qib_volume *v = NULL;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(qib_image_read(path, NULL, &v, NULL, &err), QIB_ERR_UNKNOWN_FORMAT);
    assert_string_equal(err.file, path);
    remove(path);
    assert_int_equal(qib_image_read(path, NULL, &v, NULL, &err), QIB_ERR_NOT_FOUND);
    qib_grid g;
    qib_grid_init(&g, 2, 2, 2);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, &v, &err), &err);
    tu_tmp("x.png", path, sizeof path);
    assert_int_equal(qib_image_write(path, v, &err), QIB_ERR_UNKNOWN_FORMAT);
    assert_string_equal(err.file, path);
    qib_volume_free(v);
    assert_string_equal(qib_format_name(QIB_FORMAT_NIFTI2), "NIfTI-2");
    qib_limits lim;
    qib_limits_default(&lim);
    assert_true(lim.max_voxels == (uint64_t)1 << 32);
}

/* Optional argument: a cmocka name pattern ("test_malformed", "*sform*"). */
int main(int argc, char **argv) {
    if (argc > 1) cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_every_dtype),
        cmocka_unit_test(test_roundtrip_image_io),
        cmocka_unit_test(test_write_picks_nifti2),
        cmocka_unit_test(test_ibsi_digital_phantom),
        cmocka_unit_test(test_ibsi_ct_phantom),
        cmocka_unit_test(test_oblique_sform),
        cmocka_unit_test(test_qform_qfac_rotation),
        cmocka_unit_test(test_sform_qform_precedence),
        cmocka_unit_test(test_no_transform),
        cmocka_unit_test(test_pixdim_quirks),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_scaling),
        cmocka_unit_test(test_hdr_img_pair),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_absurd_dim_nifti2),
        cmocka_unit_test(test_gzip_cut_short),
        cmocka_unit_test(test_dispatch_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
