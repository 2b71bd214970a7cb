/* SPDX-License-Identifier: Apache-2.0 */
/* test_image.c: the image model: grids, transforms, volumes, masks, crop. */
#include <math.h>
#include <string.h>

#include "test_util.h"

#define PI 3.14159265358979323846

/* An oblique grid: 30 degree rotation about z, anisotropic spacing. */
static void oblique_grid(qib_grid *g) {
    qib_grid_init(g, 10, 20, 5);
    double c = cos(PI / 6), s = sin(PI / 6);
    double d[9] = {c, -s, 0, s, c, 0, 0, 0, 1};
    memcpy(g->direction, d, sizeof d);
    g->spacing[0] = 0.5;
    g->spacing[1] = 2.0;
    g->spacing[2] = 3.0;
    g->origin[0] = -10;
    g->origin[1] = 20;
    g->origin[2] = 5;
}

static void test_index_world_round_trip(void **state) {
    (void)state;
    qib_grid g;
    oblique_grid(&g);
    /* index (2, 1, 1): offset = R * (1.0, 2.0, 3.0) = (c - 2s, s + 2c, 3) */
    double ijk[3] = {2, 1, 1}, xyz[3], back[3];
    qib_grid_index_to_world(&g, ijk, xyz);
    double c = cos(PI / 6), s = sin(PI / 6);
    assert_true(fabs(xyz[0] - (-10 + c - 2 * s)) < 1e-12);
    assert_true(fabs(xyz[1] - (20 + s + 2 * c)) < 1e-12);
    assert_true(fabs(xyz[2] - (5 + 3)) < 1e-12);
    assert_int_equal(qib_grid_world_to_index(&g, xyz, back), QIB_OK);
    for (int k = 0; k < 3; k++) assert_true(fabs(back[k] - ijk[k]) < 1e-12);
    double m[16];
    qib_grid_affine(&g, m);
    assert_true(fabs(m[0] - c * 0.5) < 1e-15 && fabs(m[1] + s * 2.0) < 1e-15);
    assert_true(m[3] == -10 && m[15] == 1 && m[12] == 0);
}

static void test_singular_grid(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 2, 2, 2);
    memset(g.direction, 0, sizeof g.direction);
    double xyz[3] = {1, 2, 3}, ijk[3];
    assert_int_equal(qib_grid_world_to_index(&g, xyz, ijk), QIB_ERR_NUMERIC);
}

static void test_grid_check_same(void **state) {
    (void)state;
    qib_grid a, b;
    oblique_grid(&a);
    b = a;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_OK);
    b.origin[1] += 1e-7; /* within 1e-6 * 0.5 mm */
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_OK);
    b.origin[1] += 1e-5;
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_ERR_GRID_MISMATCH);
    assert_non_null(strstr(err.reason, "origin ("));
    b = a;
    b.dim[2] = 4;
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_ERR_GRID_MISMATCH);
    assert_string_equal(err.field, "");
    assert_non_null(strstr(err.reason, "dimensions 10\u00d720\u00d74 differ from image 10\u00d720\u00d75"));
    b = a;
    b.direction[0] += 1e-3;
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_ERR_GRID_MISMATCH);
    assert_non_null(strstr(err.reason, "direction cosines"));
    b = a;
    b.spacing[2] = 3.001; /* differs by 1e-3 mm; tolerance is a fraction of spacing[0] = 0.5 */
    assert_int_equal(qib_grid_check_same(&a, &b, 0, 0, &err), QIB_ERR_GRID_MISMATCH);
    assert_non_null(strstr(err.reason, "spacing 0.5"));
    assert_int_equal(qib_grid_check_same(&a, &b, 1e-3, 0, &err), QIB_ERR_GRID_MISMATCH);
    assert_int_equal(qib_grid_check_same(&a, &b, 1e-2, 0, &err), QIB_OK);
}

static void test_box_pad_and_sub(void **state) {
    (void)state;
    qib_grid g;
    oblique_grid(&g);
    qib_box box = {{1, 18, 2}, {3, 2, 1}};
    size_t pad[3] = {2, 2, 2};
    qib_box_pad(&box, pad, &g);
    /* x: 1-2 -> 0 (clipped), end 4+2=6; y: 16..20 (clipped at 20); z: 0..5 */
    assert_int_equal(box.lo[0], 0);
    assert_int_equal(box.size[0], 6);
    assert_int_equal(box.lo[1], 16);
    assert_int_equal(box.size[1], 4);
    assert_int_equal(box.lo[2], 0);
    assert_int_equal(box.size[2], 5);
    qib_grid sub;
    qib_box b2 = {{2, 3, 1}, {2, 2, 2}};
    qib_grid_sub(&g, &b2, &sub);
    double ijk[3] = {2, 3, 1}, want[3];
    qib_grid_index_to_world(&g, ijk, want);
    for (int k = 0; k < 3; k++) assert_true(fabs(sub.origin[k] - want[k]) < 1e-12);
    assert_int_equal(sub.dim[0], 2);
}

/* A 4x3x2 int16 volume whose voxel n holds n - 5. */
static qib_volume *ramp(void) {
    qib_grid g;
    qib_grid_init(&g, 4, 3, 2);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, &v, &err), &err);
    int16_t *d = qib_volume_data(v);
    for (int i = 0; i < 24; i++) d[i] = (int16_t)(i - 5);
    return v;
}

static void test_volume_crop_convert(void **state) {
    (void)state;
    qib_volume *v = ramp(), *c = NULL, *f = NULL, *u = NULL;
    qib_error err;
    qib_box box = {{1, 1, 1}, {2, 2, 1}};
    TU_OK(qib_volume_crop(v, &box, &c, &err), &err);
    /* voxels (1,1,1)=12+4+1=17 -> 12, (2,1,1) -> 13, (1,2,1)=21 -> 16, (2,2,1) -> 17 */
    const int16_t *d = qib_volume_cdata(c);
    assert_int_equal(d[0], 12);
    assert_int_equal(d[1], 13);
    assert_int_equal(d[2], 16);
    assert_int_equal(d[3], 17);
    assert_true(qib_volume_grid(c)->origin[0] == 1 && qib_volume_grid(c)->origin[2] == 1);
    TU_OK(qib_volume_convert(v, QIB_DT_F32, &f, &err), &err);
    assert_true(((const float *)qib_volume_cdata(f))[0] == -5.0f);
    TU_OK(qib_volume_convert(v, QIB_DT_U8, &u, &err), &err);
    assert_int_equal(((const uint8_t *)qib_volume_cdata(u))[0], 0); /* saturates */
    assert_int_equal(((const uint8_t *)qib_volume_cdata(u))[23], 18);
    qib_box bad = {{3, 0, 0}, {2, 1, 1}};
    assert_int_equal(qib_volume_crop(v, &bad, &c, &err), QIB_ERR_ARG);
    qib_volume_free(c);
    qib_volume_free(f);
    qib_volume_free(u);
    qib_volume_free(v);
}

static void test_mask_labels_bbox(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 5, 4, 3);
    qib_volume *lab = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F32, &lab, &err), &err);
    float *d = qib_volume_data(lab);
    d[1 + 5 * 2 + 20 * 1] = 1.0f;  /* (1,2,1) */
    d[3 + 5 * 1 + 20 * 2] = 0.6f;  /* (3,1,2): rounds to 1 */
    d[0] = 2.0f;                   /* label 2 at (0,0,0) */
    d[4 + 5 * 3 + 20 * 2] = 0.4f;  /* rounds to 0 */
    qib_mask *m = NULL;
    TU_OK(qib_mask_from_labels(lab, 1, &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 2);
    qib_box box;
    assert_int_equal(qib_mask_bbox(m, &box), 1);
    assert_int_equal(box.lo[0], 1);
    assert_int_equal(box.size[0], 3);
    assert_int_equal(box.lo[1], 1);
    assert_int_equal(box.size[1], 2);
    assert_int_equal(box.lo[2], 1);
    assert_int_equal(box.size[2], 2);
    qib_mask *mc = NULL;
    TU_OK(qib_mask_crop(m, &box, &mc, &err), &err);
    assert_int_equal(qib_mask_count(mc), 2);
    assert_int_equal(qib_mask_cdata(mc)[0 + 3 * 1 + 6 * 0], 1); /* (1,2,1) -> (0,1,0) */
    qib_mask_free(mc);
    qib_mask_free(m);
    TU_OK(qib_mask_from_labels(lab, 0, &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 3);
    qib_mask_free(m);
    int64_t labels[4];
    assert_int_equal(qib_volume_labels(lab, labels, 4), 2);
    assert_int_equal(labels[0], 1);
    assert_int_equal(labels[1], 2);
    assert_int_equal(qib_mask_from_labels(lab, 7, &m, &err), QIB_ERR_EMPTY_ROI);
    assert_non_null(strstr(err.reason, "label 7 has no voxel; labels present: 1, 2"));
    qib_mask *empty = NULL;
    TU_OK(qib_mask_create(&g, &empty, &err), &err);
    assert_int_equal(qib_mask_bbox(empty, &box), 0);
    qib_mask_free(empty);
    qib_volume_free(lab);
}

static void test_volume_rejects_bad_grid(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 4, 4, 4);
    g.spacing[1] = 0;
    qib_volume *v = NULL;
    qib_error err;
    assert_int_equal(qib_volume_create(&g, 1, QIB_DT_U8, &v, &err), QIB_ERR_ARG);
    qib_grid_init(&g, SIZE_MAX / 2, 4, 4);
    assert_int_equal(qib_volume_create(&g, 1, QIB_DT_U8, &v, &err), QIB_ERR_LIMIT);
    assert_null(v);
}

static void test_error_format(void **state) {
    (void)state;
    qib_error err;
    qib_error_clear(&err);
    snprintf(err.file, sizeof err.file, "mask.nii.gz");
    snprintf(err.field, sizeof err.field, "dim[3]");
    err.offset = 48;
    snprintf(err.reason, sizeof err.reason, "is -1; must be positive");
    char buf[256];
    qib_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "mask.nii.gz: dim[3] at byte 48: is -1; must be positive");
    assert_string_equal(qib_status_name(QIB_ERR_TRUNCATED), "QIB_ERR_TRUNCATED");
    assert_string_equal(qib_strerror(QIB_ERR_GRID_MISMATCH), "image and mask grids differ");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_world_round_trip), cmocka_unit_test(test_singular_grid),
        cmocka_unit_test(test_grid_check_same),        cmocka_unit_test(test_box_pad_and_sub),
        cmocka_unit_test(test_volume_crop_convert),    cmocka_unit_test(test_mask_labels_bbox),
        cmocka_unit_test(test_volume_rejects_bad_grid), cmocka_unit_test(test_error_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
