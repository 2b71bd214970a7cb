/* SPDX-License-Identifier: Apache-2.0 */
/* test_dicom_series.c: DICOM series to volume: the IBSI 1 CT phantom against
 * its NIfTI (voxel for voxel and in geometry), enhanced multi-frame and
 * oriented corpus series, and built folders with a missing slice, uneven
 * spacing, mixed orientation and gantry tilt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qib/dicom.h"
#include "test_util.h"

static void test_ibsi_phantom(void **state) {
    (void)state;
    char dir[1024], nii[1024];
    if (!tu_shared("ibsi/ibsi1_ct_phantom/dicom/image", dir, sizeof dir) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz", nii, sizeof nii)) {
        skip();
        return;
    }
    qib_volume *ref = NULL, *v = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_image_read(nii, NULL, &ref, NULL, &err);
    if (st != QIB_OK) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        printf("SKIP: the NIfTI reader cannot read the reference yet: %s\n", msg);
        skip();
        return;
    }
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    TU_OK(qib_dicom_load_series(dir, NULL, &v, &w, &err), &err);
    assert_int_equal(w.count, 0);
    const qib_grid *a = qib_volume_grid(v), *b = qib_volume_grid(ref);
    printf("dicom %zux%zux%zu %s; nifti %zux%zux%zu %s\n", a->dim[0], a->dim[1], a->dim[2],
           qib_dtype_name(qib_volume_dtype(v)), b->dim[0], b->dim[1], b->dim[2],
           qib_dtype_name(qib_volume_dtype(ref)));
    printf("origin dicom (%.6f %.6f %.6f) nifti (%.6f %.6f %.6f)\n", a->origin[0], a->origin[1],
           a->origin[2], b->origin[0], b->origin[1], b->origin[2]);
    TU_OK(qib_grid_check_same(a, b, 1e-5, 1e-5, &err), &err);
    size_t n = qib_volume_frame_voxels(v), diff = 0;
    assert_int_equal(n, qib_volume_frame_voxels(ref));
    for (size_t i = 0; i < n; i++)
        if (qib_volume_value(v, i) != qib_volume_value(ref, i)) diff++;
    printf("ibsi phantom: %zu voxels compared, %zu differ\n", n, diff);
    assert_int_equal(diff, 0);
    qib_volume_free(v);
    qib_volume_free(ref);
}

static void test_corpus_series(void **state) {
    (void)state;
    char path[1024];
    qib_error err;
    qib_volume *v = NULL;
    if (tu_shared("dicom-corpus/files/ts_explicit_vr_le/emri_small.dcm", path, sizeof path)) {
        /* an enhanced MR without any plane position or orientation: refused */
        assert_int_equal(qib_dicom_load_series(path, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
        assert_string_equal(err.field, "(0020,0037)");
    }
    if (tu_shared("dicom-corpus/files/modality_ct_oriented", path, sizeof path)) {
        TU_OK(qib_dicom_load_series(path, NULL, &v, NULL, &err), &err);
        const qib_grid *g = qib_volume_grid(v);
        assert_int_equal(g->dim[2], 3);
        /* direction columns orthonormal; the first voxel is the first slice's IPP */
        for (int c = 0; c < 3; c++) {
            double len = 0;
            for (int r = 0; r < 3; r++) len += g->direction[3 * r + c] * g->direction[3 * r + c];
            assert_true(fabs(len - 1) < 1e-6);
        }
        printf("oriented CT: spacing %g %g %g, dtype %s\n", g->spacing[0], g->spacing[1],
               g->spacing[2], qib_dtype_name(qib_volume_dtype(v)));
        qib_volume_free(v);
    }
    if (tu_shared("dicom-corpus/files/seg/dcmqi_23x38x3/multiframe/mf.dcm", path, sizeof path)) {
        qib_volume *mf = NULL, *cl = NULL;
        char dir[1024];
        TU_OK(qib_dicom_load_series(path, NULL, &mf, NULL, &err), &err);
        if (tu_shared("dicom-corpus/files/seg/dcmqi_23x38x3/image", dir, sizeof dir)) {
            /* the enhanced multi-frame copy gives the same volume as the slices */
            TU_OK(qib_dicom_load_series(dir, NULL, &cl, NULL, &err), &err);
            TU_OK(qib_grid_check_same(qib_volume_grid(mf), qib_volume_grid(cl), 1e-4, 1e-4, &err),
                  &err);
            size_t n = qib_volume_frame_voxels(cl);
            for (size_t i = 0; i < n; i++)
                assert_true(qib_volume_value(mf, i) == qib_volume_value(cl, i));
            qib_volume_free(cl);
        }
        qib_volume_free(mf);
    }
    /* a folder with several series must name them */
    if (tu_shared("dicom-corpus/files/seg/dcmqi_23x38x3", path, sizeof path)) {
        qib_dicom_series_options o;
        qib_dicom_series_options_default(&o);
        o.recursive = 1;
        assert_int_equal(qib_dicom_load_series(path, &o, &v, NULL, &err), QIB_ERR_ARG);
        qib_dicom_series_info *info = NULL;
        size_t n = 0;
        TU_OK(qib_dicom_scan_dir(path, &o, &info, &n, NULL, &err), &err);
        assert_int_equal(n, 3);
        free(info);
    }
}

/* ---- built series ---- */

typedef struct {
    uint8_t b[2048];
    size_t n;
} wbuf;

static void w16(wbuf *w, uint16_t v) {
    w->b[w->n++] = (uint8_t)v;
    w->b[w->n++] = (uint8_t)(v >> 8);
}
static void wel(wbuf *w, uint16_t g, uint16_t e, const char *vr, const void *v, size_t n) {
    w16(w, g);
    w16(w, e);
    memcpy(w->b + w->n, vr, 2);
    w->n += 2;
    if (!strcmp(vr, "OW")) {
        w16(w, 0);
        w16(w, (uint16_t)n);
        w16(w, (uint16_t)(n >> 16));
    } else {
        w16(w, (uint16_t)n);
    }
    memcpy(w->b + w->n, v, n);
    w->n += n;
}
static void wstr(wbuf *w, uint16_t g, uint16_t e, const char *vr, const char *s) {
    char tmp[128];
    size_t n = strlen(s);
    memcpy(tmp, s, n);
    if (n & 1) tmp[n++] = vr[0] == 'U' && vr[1] == 'I' ? '\0' : ' ';
    wel(w, g, e, vr, tmp, n);
}

/* A 2x2 int16 CT slice at z (with x shifted by dx) and orientation iop. */
static void slice_file(const char *dir, int k, double z, double dx, const char *iop, int value) {
    wbuf w = {{0}, 0};
    memset(w.b, 0, 128);
    w.n = 128;
    memcpy(w.b + w.n, "DICM", 4);
    w.n += 4;
    wstr(&w, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");
    wstr(&w, 0x0008, 0x0060, "CS", "CT");
    wstr(&w, 0x0020, 0x000E, "UI", "1.2.3.4");
    char s[96];
    snprintf(s, sizeof s, "%d", k + 1);
    wstr(&w, 0x0020, 0x0013, "IS", s);
    snprintf(s, sizeof s, "%.3f\\-10\\%.3f", dx, z);
    wstr(&w, 0x0020, 0x0032, "DS", s);
    wstr(&w, 0x0020, 0x0037, "DS", iop);
    uint16_t one = 1, two = 2, b16 = 16, b15 = 15, pr = 1;
    wel(&w, 0x0028, 0x0002, "US", &one, 2);
    wstr(&w, 0x0028, 0x0004, "CS", "MONOCHROME2");
    wel(&w, 0x0028, 0x0010, "US", &two, 2);
    wel(&w, 0x0028, 0x0011, "US", &two, 2);
    wstr(&w, 0x0028, 0x0030, "DS", "0.5\\0.75");
    wel(&w, 0x0028, 0x0100, "US", &b16, 2);
    wel(&w, 0x0028, 0x0101, "US", &b16, 2);
    wel(&w, 0x0028, 0x0102, "US", &b15, 2);
    wel(&w, 0x0028, 0x0103, "US", &pr, 2);
    wstr(&w, 0x0028, 0x1052, "DS", "-1024");
    wstr(&w, 0x0028, 0x1053, "DS", "1");
    int16_t px[4] = {(int16_t)value, (int16_t)(value + 1), (int16_t)(value + 2), (int16_t)(value + 3)};
    wel(&w, 0x7FE0, 0x0010, "OW", px, sizeof px);
    char path[1024];
    snprintf(path, sizeof path, "%s/s%02d.dcm", dir, k);
    tu_write(path, w.b, w.n);
}

static void make_dir(const char *name, char *dir, size_t n) {
    tu_tmp(name, dir, n);
    mkdir(dir, 0755);
}

static void test_built_series(void **state) {
    (void)state;
    const char *axial = "1\\0\\0\\0\\1\\0";
    char dir[1024];
    qib_volume *v = NULL;
    qib_error err;
    qib_dicom_warnings w;
    /* regular: files written in reverse order, sorted by position */
    make_dir("series_ok", dir, sizeof dir);
    for (int k = 0; k < 4; k++) slice_file(dir, k, 10.0 - 2.5 * k, 0, axial, 1000 * k);
    TU_OK(qib_dicom_load_series(dir, NULL, &v, NULL, &err), &err);
    const qib_grid *g = qib_volume_grid(v);
    assert_int_equal(g->dim[0], 2);
    assert_int_equal(g->dim[2], 4);
    assert_true(fabs(g->spacing[0] - 0.75) < 1e-9 && fabs(g->spacing[1] - 0.5) < 1e-9);
    assert_true(fabs(g->spacing[2] - 2.5) < 1e-9);
    assert_true(fabs(g->origin[2] - 2.5) < 1e-9); /* lowest z first */
    assert_int_equal(qib_volume_dtype(v), QIB_DT_I16);
    assert_true(qib_volume_value(v, 0) == 3000 - 1024);
    assert_true(qib_volume_value(v, 4 * 3 + 1) == 0 + 1 - 1024);
    qib_volume_free(v);

    /* missing slice */
    make_dir("series_gap", dir, sizeof dir);
    for (int k = 0; k < 4; k++) slice_file(dir, k, k < 2 ? 2.5 * k : 2.5 * (k + 1), 0, axial, 0);
    assert_int_equal(qib_dicom_load_series(dir, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "missing slice"));
    qib_dicom_series_options o;
    qib_dicom_series_options_default(&o);
    o.allow_irregular = 1;
    memset(&w, 0, sizeof w);
    TU_OK(qib_dicom_load_series(dir, &o, &v, &w, &err), &err);
    assert_int_equal(w.count, 1);
    qib_volume_free(v);

    /* mixed orientation */
    make_dir("series_mixed", dir, sizeof dir);
    slice_file(dir, 0, 0, 0, axial, 0);
    slice_file(dir, 1, 2.5, 0, "0\\1\\0\\0\\0\\-1", 0);
    assert_int_equal(qib_dicom_load_series(dir, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "mixed orientation"));

    /* gantry tilt: positions drift along x */
    make_dir("series_tilt", dir, sizeof dir);
    for (int k = 0; k < 3; k++) slice_file(dir, k, 2.5 * k, 0.5 * k, axial, 0);
    assert_int_equal(qib_dicom_load_series(dir, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "gantry tilt"));

    /* duplicate position */
    make_dir("series_dup", dir, sizeof dir);
    slice_file(dir, 0, 0, 0, axial, 0);
    slice_file(dir, 1, 0, 0, axial, 0);
    assert_int_equal(qib_dicom_load_series(dir, NULL, &v, NULL, &err), QIB_ERR_FORMAT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_series),
        cmocka_unit_test(test_corpus_series),
        cmocka_unit_test(test_ibsi_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
