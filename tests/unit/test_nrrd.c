/* SPDX-License-Identifier: Apache-2.0 */
/* test_nrrd.c: NRRD reading and writing (src/io/nrrd.c, nrrd_header.c).
 *
 * Geometry expectations are worked out by hand in the comments, from the
 * NRRD spec (teem.sourceforge.net/nrrd/format.html, section 4) and ITK's
 * rule: spacing = |space direction|, direction = the unit vector, RAS
 * coordinates -> LPS by negating x and y, LAS by negating y. Inputs that
 * must fail, each with its status and field, are in test_nrrd_errors.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/qib_internal.h"
#include "test_util.h"

/* ---- helpers ---- */

static const qib_dtype all_types[] = {QIB_DT_U8,  QIB_DT_I8,  QIB_DT_U16, QIB_DT_I16,
                                      QIB_DT_U32, QIB_DT_I32, QIB_DT_U64, QIB_DT_I64,
                                      QIB_DT_F32, QIB_DT_F64};

/* A volume of type t whose voxel bytes follow a fixed pattern that uses
 * every byte (so byte-order mistakes show). */
static qib_volume *pattern_volume(qib_dtype t, size_t nx, size_t ny, size_t nz, size_t frames,
                                  const qib_grid *geom) {
    qib_grid g;
    if (geom)
        g = *geom;
    else
        qib_grid_init(&g, nx, ny, nz);
    g.dim[0] = nx;
    g.dim[1] = ny;
    g.dim[2] = nz;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, frames, t, &v, &err), &err);
    uint8_t *p = qib_volume_data(v);
    size_t n = qib_volume_bytes(v);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 37u + 11u);
    if (t == QIB_DT_F32) { /* keep floats finite: small integers / 4 */
        float *f = qib_volume_data(v);
        for (size_t i = 0; i < n / 4; i++) f[i] = (float)((int)(i % 97) - 40) * 0.25f;
    } else if (t == QIB_DT_F64) {
        double *d = qib_volume_data(v);
        for (size_t i = 0; i < n / 8; i++) d[i] = ((double)(i % 89) - 30.0) / 3.0;
    }
    return v;
}

/* An oblique grid: columns are a rotation about z by atan2(0.8, 0.6)
 * combined with a flip of k, spacing 0.5, 0.75, 2.5, origin (-12.5, 7, 3.25). */
static void oblique_grid(qib_grid *g, size_t nx, size_t ny, size_t nz) {
    qib_grid_init(g, nx, ny, nz);
    const double d[9] = {0.6, -0.8, 0, 0.8, 0.6, 0, 0, 0, -1};
    memcpy(g->direction, d, sizeof d);
    g->spacing[0] = 0.5;
    g->spacing[1] = 0.75;
    g->spacing[2] = 2.5;
    g->origin[0] = -12.5;
    g->origin[1] = 7;
    g->origin[2] = 3.25;
}

static void assert_grid_near(const qib_grid *a, const qib_grid *b, double tol) {
    for (int c = 0; c < 3; c++) {
        assert_int_equal(a->dim[c], b->dim[c]);
        assert_true(fabs(a->spacing[c] - b->spacing[c]) <= tol);
        assert_true(fabs(a->origin[c] - b->origin[c]) <= tol);
    }
    for (int k = 0; k < 9; k++) assert_true(fabs(a->direction[k] - b->direction[k]) <= tol);
}

static void assert_same_volume(const qib_volume *a, const qib_volume *b, double tol) {
    assert_int_equal(qib_volume_dtype(a), qib_volume_dtype(b));
    assert_int_equal(qib_volume_frames(a), qib_volume_frames(b));
    assert_grid_near(qib_volume_grid(a), qib_volume_grid(b), tol);
    assert_int_equal(qib_volume_bytes(a), qib_volume_bytes(b));
    assert_memory_equal(qib_volume_cdata(a), qib_volume_cdata(b), qib_volume_bytes(a));
}

/* Reads an in-memory NRRD made of header text + data bytes. */
static qib_status read_text(const char *hdr, const void *data, size_t n, qib_volume **out,
                            qib_error *err) {
    size_t h = strlen(hdr);
    uint8_t *buf = malloc(h + n + 1);
    assert_non_null(buf);
    memcpy(buf, hdr, h);
    if (n) memcpy(buf + h, data, n);
    qib_status st = qib_nrrd_read_mem(buf, h + n, "mem.nrrd", NULL, out, NULL, err);
    free(buf);
    return st;
}

/* Expects a read of header+data to fail with status st and field. */
static void expect_fail(const char *hdr, const void *data, size_t n, qib_status st,
                        const char *field) {
    qib_volume *v = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status got = read_text(hdr, data, n, &v, &err);
    char msg[1024];
    qib_error_format(&err, msg, sizeof msg);
    if (got != st || strcmp(err.field, field) != 0)
        fail_msg("expected %s on '%s', got %s: %s", qib_status_name(st), field,
                 qib_status_name(got), msg);
    assert_null(v);
    assert_int_equal(err.status, st);
    assert_true(err.reason[0] != '\0');
}

static void write_file(const char *path, const void *a, size_t na, const void *b, size_t nb) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (na) assert_int_equal(fwrite(a, 1, na, f), na);
    if (nb) assert_int_equal(fwrite(b, 1, nb, f), nb);
    fclose(f);
}

/* ---- round trips ---- */

/* Every dtype, 3D, attached .nrrd with gzip: same voxels, same grid. */
static void test_roundtrip_all_dtypes(void **state) {
    (void)state;
    qib_grid g;
    oblique_grid(&g, 5, 4, 3);
    for (size_t k = 0; k < sizeof all_types / sizeof all_types[0]; k++) {
        qib_volume *v = pattern_volume(all_types[k], 5, 4, 3, 1, &g), *r = NULL;
        char path[512];
        char name[64];
        snprintf(name, sizeof name, "rt_%s.nrrd", qib_dtype_name(all_types[k]));
        tu_tmp(name, path, sizeof path);
        qib_error err;
        TU_OK(qib_nrrd_write(path, v, &err), &err);
        qib_image_info info;
        TU_OK(qib_nrrd_read(path, NULL, &r, &info, &err), &err);
        assert_same_volume(v, r, 1e-12);
        assert_int_equal(info.format, QIB_FORMAT_NRRD);
        assert_int_equal(info.gzip, 1);
        assert_int_equal(info.stored_dtype, all_types[k]);
        assert_true(info.scl_slope == 1.0 && info.scl_inter == 0.0);
        qib_volume_free(v);
        qib_volume_free(r);
        unlink(path);
    }
}

/* 4D series, attached and detached (.nhdr + .raw.gz): frames stay the
 * slowest axis and the frame step survives. */
static void test_roundtrip_4d_both_forms(void **state) {
    (void)state;
    qib_grid g;
    oblique_grid(&g, 3, 2, 2);
    const char *names[] = {"series.nrrd", "series.nhdr"};
    for (int k = 0; k < 2; k++) {
        qib_volume *v = pattern_volume(QIB_DT_I16, 3, 2, 2, 4, &g), *r = NULL;
        qib_volume_set_frame_step(v, 2.5);
        char path[512];
        tu_tmp(names[k], path, sizeof path);
        qib_error err;
        TU_OK(qib_nrrd_write(path, v, &err), &err);
        TU_OK(qib_nrrd_read(path, NULL, &r, NULL, &err), &err);
        assert_same_volume(v, r, 1e-12);
        assert_true(qib_volume_frame_step(r) == 2.5);
        qib_volume_free(r);
        if (k == 1) { /* the data sit in <base>.raw.gz, named relative to the header */
            char data[520];
            snprintf(data, sizeof data, "%.*s.raw.gz", (int)(strlen(path) - 5), path);
            assert_int_equal(access(data, R_OK), 0);
            uint8_t *txt = NULL;
            size_t n = 0;
            TU_OK(qib__read_file(path, 1 << 20, &txt, &n, &err), &err);
            const char *base = strrchr(data, '/') + 1;
            char want[600];
            snprintf(want, sizeof want, "data file: %s\n", base);
            assert_non_null(strstr((char *)txt, want));
            assert_non_null(strstr((char *)txt, "kinds: domain domain domain list\n"));
            free(txt);
            unlink(data);
        }
        qib_volume_free(v);
        unlink(path);
    }
}

/* A 3D detached pair of every integer width, to cover .nhdr with types. */
static void test_roundtrip_nhdr_types(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof all_types / sizeof all_types[0]; k++) {
        qib_volume *v = pattern_volume(all_types[k], 4, 3, 2, 1, NULL), *r = NULL;
        char path[512], data[520];
        tu_tmp("types.nhdr", path, sizeof path);
        qib_error err;
        TU_OK(qib_nrrd_write(path, v, &err), &err);
        TU_OK(qib_nrrd_read(path, NULL, &r, NULL, &err), &err);
        assert_same_volume(v, r, 0);
        qib_volume_free(v);
        qib_volume_free(r);
        snprintf(data, sizeof data, "%.*s.raw.gz", (int)(strlen(path) - 5), path);
        unlink(data);
        unlink(path);
    }
}

/* ---- geometry against hand-computed values ---- */

/* The same oblique header in LPS, RAS (both spellings) and LAS.
 *   axis 0: (1.2, 1.6, 0)  |.| = sqrt(1.44 + 2.56) = 2, unit (0.6, 0.8, 0)
 *   axis 1: (-2.4, 1.8, 0) |.| = sqrt(5.76 + 3.24) = 3, unit (-0.8, 0.6, 0)
 *   axis 2: (0, 0, -4)     |.| = 4,                    unit (0, 0, -1)
 *   origin (10, -20, 30)
 * LPS: as written. RAS: negate x and y of every unit vector and the origin.
 * LAS: negate y only. direction[3*r + c] is row r of column (axis) c. */
static const char *oblique_hdr = "NRRD0004\n"
                                 "type: uint8\n"
                                 "dimension: 3\n"
                                 "space: %s\n"
                                 "sizes: 2 2 2\n"
                                 "space directions: (1.2,1.6,0) ( -2.4 , 1.8 , 0 ) (0,0,-4)\n"
                                 "kinds: domain domain domain\n"
                                 "encoding: raw\n"
                                 "space origin: (10,-20,30)\n"
                                 "\n";

static void read_oblique(const char *space, qib_grid *g) {
    char hdr[1024];
    snprintf(hdr, sizeof hdr, oblique_hdr, space);
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 8, &v, &err), &err);
    *g = *qib_volume_grid(v);
    assert_memory_equal(qib_volume_cdata(v), data, 8);
    qib_volume_free(v);
}

static void test_oblique_lps(void **state) {
    (void)state;
    qib_grid g;
    read_oblique("left-posterior-superior", &g);
    const double dir[9] = {0.6, -0.8, 0, 0.8, 0.6, 0, 0, 0, -1};
    for (int k = 0; k < 9; k++) assert_true(fabs(g.direction[k] - dir[k]) < 1e-15);
    assert_true(fabs(g.spacing[0] - 2) < 1e-15 && fabs(g.spacing[1] - 3) < 1e-15 &&
                g.spacing[2] == 4);
    assert_true(g.origin[0] == 10 && g.origin[1] == -20 && g.origin[2] == 30);
}

static void test_oblique_ras(void **state) {
    (void)state;
    /* RAS -> LPS: columns (-0.6,-0.8,0), (0.8,-0.6,0), (0,0,-1); origin
     * (-10, 20, 30). Voxel (1,1,1) in RAS is o + a0 + a1 + a2 =
     * (10+1.2-2.4, -20+1.6+1.8, 30-4) = (8.8, -16.6, 26), so in LPS
     * (-8.8, 16.6, 26). */
    const char *names[] = {"RAS", "right-anterior-superior", "Right-Anterior-Superior"};
    for (int n = 0; n < 3; n++) {
        qib_grid g;
        read_oblique(names[n], &g);
        const double dir[9] = {-0.6, 0.8, 0, -0.8, -0.6, 0, 0, 0, -1};
        for (int k = 0; k < 9; k++) assert_true(fabs(g.direction[k] - dir[k]) < 1e-15);
        assert_true(g.origin[0] == -10 && g.origin[1] == 20 && g.origin[2] == 30);
        double ijk[3] = {1, 1, 1}, xyz[3];
        qib_grid_index_to_world(&g, ijk, xyz);
        assert_true(fabs(xyz[0] + 8.8) < 1e-12 && fabs(xyz[1] - 16.6) < 1e-12 &&
                    fabs(xyz[2] - 26) < 1e-12);
    }
}

static void test_oblique_las(void **state) {
    (void)state;
    /* LAS -> LPS: negate y only: columns (0.6,-0.8,0), (-0.8,-0.6,0),
     * (0,0,-1); origin (10, 20, 30). */
    qib_grid g;
    read_oblique("left-anterior-superior", &g);
    const double dir[9] = {0.6, -0.8, 0, -0.8, -0.6, 0, 0, 0, -1};
    for (int k = 0; k < 9; k++) assert_true(fabs(g.direction[k] - dir[k]) < 1e-15);
    assert_true(g.origin[0] == 10 && g.origin[1] == 20 && g.origin[2] == 30);
}

/* Spaces with no anatomical meaning are taken as they are (as ITK does). */
static void test_scanner_space_as_is(void **state) {
    (void)state;
    qib_grid g;
    read_oblique("scanner-xyz", &g);
    assert_true(fabs(g.direction[0] - 0.6) < 1e-15 && g.origin[1] == -20);
    read_oblique("3D-right-handed", &g);
    assert_true(fabs(g.direction[3] - 0.8) < 1e-15 && g.origin[0] == 10);
    char hdr[1024];
    snprintf(hdr, sizeof hdr, oblique_hdr, "3D-left-handed");
    uint8_t data[8] = {0};
    expect_fail(hdr, data, 8, QIB_ERR_UNSUPPORTED, "space");
}

/* No space at all: "spacings" give the spacing, directions are identity,
 * nan spacing means 1 (ITK's default). */
static void test_spacings_only(void **state) {
    (void)state;
    const char *hdr = "NRRD0001\ntype: unsigned char\ndimension: 3\nsizes: 2 1 1\n"
                      "spacings: 0.5 nan 3\nencoding: raw\n\n";
    uint8_t data[2] = {9, 8};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 2, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_true(g->spacing[0] == 0.5 && g->spacing[1] == 1 && g->spacing[2] == 3);
    assert_true(g->direction[0] == 1 && g->direction[4] == 1 && g->direction[8] == 1);
    qib_volume_free(v);
}

/* A negative spacing (legal in teem) keeps the index-to-world map:
 * spacing |s| and that axis reversed. Zero spacing is refused. */
static void test_negative_spacing(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\n"
                      "spacings: 1 -2 1\nencoding: raw\n\n";
    uint8_t d = 3;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, &d, 1, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_true(g->spacing[1] == 2 && g->direction[4] == -1);
    qib_volume_free(v);
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nspacings: 1 0 1\n"
                "encoding: raw\n\n",
                &d, 1, QIB_ERR_FORMAT, "spacings");
}

/* A NRRD gzip-compressed as a whole file (x.nrrd.gz) reads the same. */
static void test_whole_file_gzip(void **state) {
    (void)state;
    const char *txt = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 1 1\nencoding: raw\n\n"
                      "\x05\x06";
    uint8_t *gz = NULL;
    size_t n = 0;
    qib_error err;
    TU_OK(qib__gzip(txt, strlen(txt), 6, &gz, &n, &err), &err);
    qib_volume *v = NULL;
    qib_image_info info;
    TU_OK(qib_nrrd_read_mem(gz, n, "x.nrrd.gz", NULL, &v, &info, &err), &err);
    assert_true(qib_volume_value(v, 0) == 5 && qib_volume_value(v, 1) == 6);
    assert_int_equal(info.gzip, 1);
    qib_volume_free(v);
    free(gz);
}

/* A time space (RAST): 4-vectors, the frame axis a pure time vector whose
 * length is the frame step; x and y of space are flipped to LPS. */
static void test_time_space(void **state) {
    (void)state;
    const char *hdr = "NRRD0005\ntype: uint8\ndimension: 4\n"
                      "space: right-anterior-superior-time\nsizes: 1 1 1 2\n"
                      "space directions: (2,0,0,0) (0,3,0,0) (0,0,4,0) (0,0,0,1.5)\n"
                      "space origin: (1,2,3,0)\nencoding: raw\n\n";
    uint8_t data[2] = {5, 6};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 2, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(qib_volume_frames(v), 2);
    assert_true(qib_volume_frame_step(v) == 1.5);
    assert_true(g->spacing[0] == 2 && g->spacing[1] == 3 && g->spacing[2] == 4);
    assert_true(g->direction[0] == -1 && g->direction[4] == -1 && g->direction[8] == 1);
    assert_true(g->origin[0] == -1 && g->origin[1] == -2 && g->origin[2] == 3);
    qib_volume_free(v);
}

/* A 4D image as ITK writes one: "space dimension: 4" with (x,y,z,t)
 * vectors; taken as LPS (ITK's rule for a space with no name), frames along
 * the 4th axis, frame step = its time component. */
static void test_itk_4d_space_dimension(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\ntype: uchar\ndimension: 4\nspace dimension: 4\n"
                      "sizes: 1 1 1 3\nspace directions: (0.5,0,0,0) (0,0.5,0,0) (0,0,2,0) "
                      "(0,0,0,4)\nkinds: domain domain domain domain\nencoding: raw\n"
                      "space origin: (1,2,3,0)\n\n";
    uint8_t data[3] = {1, 2, 3};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 3, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(qib_volume_frames(v), 3);
    assert_true(qib_volume_frame_step(v) == 4);
    assert_true(g->spacing[0] == 0.5 && g->spacing[2] == 2 && g->direction[0] == 1);
    assert_true(g->origin[0] == 1 && g->origin[1] == 2 && g->origin[2] == 3);
    assert_true(qib_volume_value(v, 2) == 3);
    qib_volume_free(v);
}

/* The generic entry points pick the NRRD reader and writer by content and
 * by name (.nrrd, .nhdr). */
static void test_image_read_dispatch(void **state) {
    (void)state;
    const char *names[] = {"dispatch.nrrd", "dispatch.nhdr"};
    for (int k = 0; k < 2; k++) {
        qib_volume *v = pattern_volume(QIB_DT_F32, 3, 3, 2, 1, NULL), *r = NULL;
        char path[512];
        tu_tmp(names[k], path, sizeof path);
        qib_error err;
        qib_image_info info;
        TU_OK(qib_image_write(path, v, &err), &err);
        TU_OK(qib_image_read(path, NULL, &r, &info, &err), &err);
        assert_int_equal(info.format, QIB_FORMAT_NRRD);
        assert_same_volume(v, r, 0);
        qib_volume_free(v);
        qib_volume_free(r);
        if (k == 1) {
            char data[520];
            snprintf(data, sizeof data, "%.*s.raw.gz", (int)(strlen(path) - 5), path);
            unlink(data);
        }
        unlink(path);
    }
}

/* 2D: read as one slice; the third axis is the plane normal. */
static void test_2d_single_slice(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\ntype: short\ndimension: 2\nspace: LPS\nsizes: 2 1\n"
                      "space directions: (0,2,0) (1,0,0)\nendian: little\nencoding: raw\n\n";
    uint8_t data[4] = {1, 0, 2, 0};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 4, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(g->dim[2], 1);
    /* columns (0,1,0), (1,0,0), normal (0,1,0)x(1,0,0) = (0,0,-1) */
    assert_true(g->direction[1] == 1 && g->direction[3] == 1 && g->direction[8] == -1);
    assert_true(g->spacing[0] == 2 && g->spacing[1] == 1 && g->spacing[2] == 1);
    assert_true(qib_volume_value(v, 1) == 2);
    qib_volume_free(v);
}

/* ---- data layouts ---- */

/* Big-endian raw data of 2- and 4-byte types. */
static void test_big_endian_raw(void **state) {
    (void)state;
    const char *h16 = "NRRD0004\ntype: int16\ndimension: 3\nsizes: 2 1 1\nendian: big\n"
                      "encoding: raw\n\n";
    const uint8_t d16[4] = {0x01, 0x02, 0xFF, 0xFE}; /* 258, -2 */
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(h16, d16, 4, &v, &err), &err);
    assert_true(qib_volume_value(v, 0) == 258 && qib_volume_value(v, 1) == -2);
    qib_volume_free(v);
    const char *hf = "NRRD0004\ntype: float\ndimension: 3\nsizes: 1 1 2\nendian: big\n"
                     "encoding: raw\n\n";
    const uint8_t df[8] = {0x3F, 0xC0, 0, 0, 0xC1, 0x20, 0, 0}; /* 1.5f, -10.0f */
    TU_OK(read_text(hf, df, 8, &v, &err), &err);
    assert_true(qib_volume_value(v, 0) == 1.5 && qib_volume_value(v, 1) == -10.0);
    qib_volume_free(v);
}

/* Detached raw data with line skip 2 then byte skip 4 (section 5). */
static void test_line_and_byte_skip(void **state) {
    (void)state;
    char hpath[512], dpath[512];
    tu_tmp("skip.nhdr", hpath, sizeof hpath);
    tu_tmp("skip.dat", dpath, sizeof dpath);
    const char *lead = "first line\nsecond line\nXXXX";
    const uint8_t data[4] = {10, 20, 30, 40};
    write_file(dpath, lead, strlen(lead), data, 4);
    char hdr[1024];
    snprintf(hdr, sizeof hdr,
             "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 2 1\nencoding: raw\n"
             "line skip: 2\nbyte skip: 4\ndata file: %s",
             strrchr(dpath, '/') + 1); /* no final newline: a detached header may end at EOF */
    write_file(hpath, hdr, strlen(hdr), NULL, 0);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_nrrd_read(hpath, NULL, &v, NULL, &err), &err);
    assert_memory_equal(qib_volume_cdata(v), data, 4);
    qib_volume_free(v);
    unlink(hpath);
    unlink(dpath);
}

/* byte skip -1: the data are the last bytes, whatever precedes them. */
static void test_byte_skip_minus_one(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 3 1 1\nencoding: raw\n"
                      "byte skip: -1\n\n";
    const uint8_t data[7] = {'j', 'u', 'n', 'k', 7, 8, 9};
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, data, 7, &v, &err), &err);
    assert_true(qib_volume_value(v, 0) == 7 && qib_volume_value(v, 2) == 9);
    qib_volume_free(v);
    const char *gz = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 3 1 1\nencoding: gzip\n"
                     "byte skip: -1\n\n";
    expect_fail(gz, data, 7, QIB_ERR_FORMAT, "byte skip");
}

/* gzip: the byte skip applies to the decompressed bytes (teem's rule). */
static void test_gzip_byte_skip(void **state) {
    (void)state;
    const uint8_t plain[6] = {'a', 'b', 1, 0, 2, 0};
    uint8_t *gz = NULL;
    size_t n = 0;
    qib_error err;
    TU_OK(qib__gzip(plain, 6, 6, &gz, &n, &err), &err);
    const char *hdr = "NRRD0004\ntype: ushort\ndimension: 3\nsizes: 1 2 1\nendian: little\n"
                      "encoding: gz\nbyte skip: 2\n\n";
    qib_volume *v = NULL;
    TU_OK(read_text(hdr, gz, n, &v, &err), &err);
    assert_true(qib_volume_value(v, 0) == 1 && qib_volume_value(v, 1) == 2);
    qib_volume_free(v);
    free(gz);
}

/* ascii encoding: values separated by blanks, newlines or commas. */
static void test_ascii(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\ntype: short\ndimension: 3\nsizes: 3 2 1\nencoding: ascii\n\n";
    const char *txt = "1 -2 3\n4,5,\t-32768\n";
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, txt, strlen(txt), &v, &err), &err);
    assert_true(qib_volume_value(v, 1) == -2 && qib_volume_value(v, 5) == -32768);
    qib_volume_free(v);
    expect_fail(hdr, "1 2 3 4 5 40000", 15, QIB_ERR_FORMAT, "data");
    expect_fail(hdr, "1 2 3 4 5", 9, QIB_ERR_TRUNCATED, "data");
}

/* Multi-file detached data: "LIST" and the printf form, one slice each. */
static void test_multi_file(void **state) {
    (void)state;
    char hpath[512], dpath[512], name[64];
    for (int k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "sl_%02d.raw", k);
        tu_tmp(name, dpath, sizeof dpath);
        uint8_t d[2] = {(uint8_t)(10 * k), (uint8_t)(10 * k + 1)};
        write_file(dpath, d, 2, NULL, 0);
    }
    const char *prefix = strrchr(tu_tmp("", dpath, sizeof dpath), '/') + 1; /* "<pid>_" */
    char hdr[2048];
    for (int form = 0; form < 2; form++) {
        if (form == 0)
            snprintf(hdr, sizeof hdr,
                     "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 1 3\nencoding: raw\n"
                     "data file: %ssl_%%02d.raw 1 3 1 2\n",
                     prefix);
        else
            snprintf(hdr, sizeof hdr,
                     "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 1 3\nencoding: raw\n"
                     "data file: LIST\n%ssl_01.raw\n%ssl_02.raw\n%ssl_03.raw\n",
                     prefix, prefix, prefix);
        tu_tmp("multi.nhdr", hpath, sizeof hpath);
        write_file(hpath, hdr, strlen(hdr), NULL, 0);
        qib_volume *v = NULL;
        qib_error err;
        TU_OK(qib_nrrd_read(hpath, NULL, &v, NULL, &err), &err);
        const uint8_t want[6] = {10, 11, 20, 21, 30, 31};
        assert_memory_equal(qib_volume_cdata(v), want, 6);
        qib_volume_free(v);
    }
    /* a format that is not one integer conversion is refused */
    snprintf(hdr, sizeof hdr,
             "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 1 3\nencoding: raw\n"
             "data file: %ssl_%%s.raw 1 3 1\n",
             prefix);
    write_file(hpath, hdr, strlen(hdr), NULL, 0);
    qib_volume *v = NULL;
    qib_error err;
    assert_int_equal(qib_nrrd_read(hpath, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "data file");
    /* two names for three slices */
    snprintf(hdr, sizeof hdr,
             "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 1 3\nencoding: raw\n"
             "data file: LIST\n%ssl_01.raw\n%ssl_02.raw\n",
             prefix, prefix);
    write_file(hpath, hdr, strlen(hdr), NULL, 0);
    assert_int_equal(qib_nrrd_read(hpath, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "data file");
    unlink(hpath);
    for (int k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "sl_%02d.raw", k);
        unlink(tu_tmp(name, dpath, sizeof dpath));
    }
}

/* A NRRD such as a 3D Slicer user writes: comments, key/value pairs,
 * RAS spelled out, CRLF line ends. */
static void test_slicer_style_header(void **state) {
    (void)state;
    const char *hdr = "NRRD0004\r\n# Complete NRRD file format specification at:\r\n"
                      "# http://teem.sourceforge.net/nrrd/format.html\r\n"
                      "type: unsigned char\r\ndimension: 3\r\n"
                      "space: right-anterior-superior\r\nsizes: 1 1 1\r\n"
                      "space directions: (-1,0,0) (0,-1,0) (0,0,1)\r\n"
                      "kinds: domain domain domain\r\nencoding: raw\r\n"
                      "space origin: (5,6,7)\r\nSegment0_Name:=tumour: left\r\n\r\n";
    uint8_t d = 1;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(read_text(hdr, &d, 1, &v, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    /* RAS (-1,0,0) is LPS (1,0,0): identity; origin (-5,-6,7) */
    assert_true(g->direction[0] == 1 && g->direction[4] == 1 && g->direction[8] == 1);
    assert_true(g->origin[0] == -5 && g->origin[1] == -6 && g->origin[2] == 7);
    qib_volume_free(v);
}

/* ---- cross-check with the NIfTI reader on the IBSI digital phantom ---- */

#if defined(__has_include)
#if __has_include("io/nifti.c")
#define HAVE_NIFTI_READER 1
#endif
#endif

static void test_ibsi_phantom_via_nifti(void **state) {
    (void)state;
#ifndef HAVE_NIFTI_READER
    printf("SKIP: the NIfTI reader (src/io/nifti.c) is not in this tree yet\n");
#else
    char src[1024], path[512];
    if (!tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", src, sizeof src)) return;
    qib_volume *a = NULL, *b = NULL;
    qib_error err;
    TU_OK(qib_nifti_read(src, NULL, &a, NULL, &err), &err);
    const char *forms[] = {"phantom.nrrd", "phantom.nhdr"};
    for (int k = 0; k < 2; k++) {
        tu_tmp(forms[k], path, sizeof path);
        TU_OK(qib_nrrd_write(path, a, &err), &err);
        TU_OK(qib_nrrd_read(path, NULL, &b, NULL, &err), &err);
        /* the phantom's grid is axis-aligned: it must come back exactly */
        assert_same_volume(a, b, 0);
        TU_OK(qib_grid_check_same(qib_volume_grid(a), qib_volume_grid(b), 0, 0, &err), &err);
        qib_volume_free(b);
        b = NULL;
        if (k == 1) {
            char data[520];
            snprintf(data, sizeof data, "%.*s.raw.gz", (int)(strlen(path) - 5), path);
            unlink(data);
        }
        unlink(path);
    }
    qib_volume_free(a);
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_all_dtypes),
        cmocka_unit_test(test_roundtrip_4d_both_forms),
        cmocka_unit_test(test_roundtrip_nhdr_types),
        cmocka_unit_test(test_oblique_lps),
        cmocka_unit_test(test_oblique_ras),
        cmocka_unit_test(test_oblique_las),
        cmocka_unit_test(test_scanner_space_as_is),
        cmocka_unit_test(test_spacings_only),
        cmocka_unit_test(test_negative_spacing),
        cmocka_unit_test(test_whole_file_gzip),
        cmocka_unit_test(test_time_space),
        cmocka_unit_test(test_itk_4d_space_dimension),
        cmocka_unit_test(test_image_read_dispatch),
        cmocka_unit_test(test_2d_single_slice),
        cmocka_unit_test(test_big_endian_raw),
        cmocka_unit_test(test_line_and_byte_skip),
        cmocka_unit_test(test_byte_skip_minus_one),
        cmocka_unit_test(test_gzip_byte_skip),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_multi_file),
        cmocka_unit_test(test_slicer_style_header),
        cmocka_unit_test(test_ibsi_phantom_via_nifti),
    };
    return cmocka_run_group_tests_name("nrrd", tests, NULL, NULL);
}
