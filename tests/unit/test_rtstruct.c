/* SPDX-License-Identifier: Apache-2.0 */
/* test_rtstruct.c: RT Structure Set to mask. Hand-made structure sets on a
 * 10x10x3 grid (1 mm, origin 0) whose filled voxels are counted by hand
 * (centre rule, half-open boundary, even-odd holes), contours between
 * slices and off the grid, ROI selection; the corpus RTSTRUCTs against
 * rtstruct.csv; the IBSI 1 CT phantom GTV-1 against its NIfTI mask. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib/dicom.h"
#include "test_util.h"
#include "tu_dcmbuild.h"

/* A contour: n points (x,y) at height z, as Contour Data text. */
typedef struct tcontour {
    const char *type;
    size_t n;
    double xy[16];
    double z;
} tcontour;

/* One ROI "A" (number 1) with the contours given, and ROI "P" (number 2)
 * with a single POINT contour. */
static void build(tu_dcm *b, const tcontour *cs, size_t nc) {
    tu_dcm_begin(b, QIB_SOP_RTSTRUCT);
    tu_dcm_str(b, 0x3006, 0x0002, "SH", "test");
    tu_dcm_seq(b, 0x3006, 0x0020);
    tu_dcm_item(b);
    tu_dcm_str(b, 0x3006, 0x0022, "IS", "1");
    tu_dcm_str(b, 0x3006, 0x0026, "LO", "A");
    tu_dcm_item_end(b);
    tu_dcm_item(b);
    tu_dcm_str(b, 0x3006, 0x0022, "IS", "2");
    tu_dcm_str(b, 0x3006, 0x0026, "LO", "P");
    tu_dcm_item_end(b);
    tu_dcm_seq_end(b);
    tu_dcm_seq(b, 0x3006, 0x0039);
    tu_dcm_item(b);
    tu_dcm_seq(b, 0x3006, 0x0040);
    for (size_t c = 0; c < nc; c++) {
        char num[16], data[1024];
        size_t l = 0;
        for (size_t p = 0; p < cs[c].n; p++)
            l += (size_t)snprintf(data + l, sizeof data - l, "%s%g\\%g\\%g", p ? "\\" : "",
                                  cs[c].xy[2 * p], cs[c].xy[2 * p + 1], cs[c].z);
        snprintf(num, sizeof num, "%zu", cs[c].n);
        tu_dcm_item(b);
        tu_dcm_str(b, 0x3006, 0x0042, "CS", cs[c].type);
        tu_dcm_str(b, 0x3006, 0x0046, "IS", num);
        tu_dcm_str(b, 0x3006, 0x0050, "DS", data);
        tu_dcm_item_end(b);
    }
    tu_dcm_seq_end(b);
    tu_dcm_str(b, 0x3006, 0x0084, "IS", "1");
    tu_dcm_item_end(b);
    tu_dcm_item(b);
    tu_dcm_seq(b, 0x3006, 0x0040);
    tu_dcm_item(b);
    tu_dcm_str(b, 0x3006, 0x0042, "CS", "POINT");
    tu_dcm_str(b, 0x3006, 0x0046, "IS", "1");
    tu_dcm_str(b, 0x3006, 0x0050, "DS", "1\\1\\1");
    tu_dcm_item_end(b);
    tu_dcm_seq_end(b);
    tu_dcm_str(b, 0x3006, 0x0084, "IS", "2");
    tu_dcm_item_end(b);
    tu_dcm_seq_end(b);
}

/* Rasterises ROI roi of the built set on the 10x10x3 grid. */
static qib_status raster(const tcontour *cs, size_t nc, const char *roi, qib_mask **m,
                         qib_error *err) {
    tu_dcm b;
    build(&b, cs, nc);
    qib_dicom *d = NULL;
    qib_grid g;
    qib_grid_init(&g, 10, 10, 3);
    qib_status st = qib_dicom_open_mem(b.p, b.n, "test.dcm", NULL, &d, err);
    if (!st) st = qib_rtstruct_to_mask(d, roi, &g, NULL, m, NULL, err);
    qib_dicom_free(d);
    free(b.p);
    return st;
}

static int at(const qib_mask *m, int i, int j, int k) {
    return qib_mask_cdata(m)[(size_t)k * 100 + (size_t)j * 10 + (size_t)i];
}

static void test_square(void **state) {
    (void)state;
    /* corners at half-integers: voxels i = 2..5, j = 2..4 on slice 1 (12);
     * corners on voxel centres 2 and 5 on slice 2: i, j = 2..4 (9), the
     * half-open convention; counter-clockwise and clockwise alike */
    tcontour cs[] = {
        {"CLOSED_PLANAR", 4, {1.5, 1.5, 5.5, 1.5, 5.5, 4.5, 1.5, 4.5}, 1},
        {"CLOSED_PLANAR", 4, {2, 2, 2, 5, 5, 5, 5, 2}, 2},
    };
    qib_mask *m = NULL;
    qib_error err;
    TU_OK(raster(cs, 2, "A", &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 12 + 9);
    for (int j = 0; j < 10; j++)
        for (int i = 0; i < 10; i++) {
            assert_int_equal(at(m, i, j, 0), 0);
            assert_int_equal(at(m, i, j, 1), i >= 2 && i <= 5 && j >= 2 && j <= 4);
            assert_int_equal(at(m, i, j, 2), i >= 2 && i <= 4 && j >= 2 && j <= 4);
        }
    qib_mask_free(m);
    /* by number */
    TU_OK(raster(cs, 1, "1", &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 12);
    qib_mask_free(m);
}

static void test_hole(void **state) {
    (void)state;
    /* outer i,j = 1..8 (64 voxels) minus inner i,j = 3..5 (9): 55 */
    tcontour cs[] = {
        {"CLOSED_PLANAR", 4, {0.5, 0.5, 8.5, 0.5, 8.5, 8.5, 0.5, 8.5}, 0},
        {"CLOSED_PLANAR", 4, {2.5, 2.5, 5.5, 2.5, 5.5, 5.5, 2.5, 5.5}, 0},
    };
    qib_mask *m = NULL;
    qib_error err;
    TU_OK(raster(cs, 2, "A", &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 55);
    assert_int_equal(at(m, 4, 4, 0), 0);
    assert_int_equal(at(m, 2, 2, 0), 1);
    assert_int_equal(at(m, 8, 8, 0), 1);
    qib_mask_free(m);
}

static void test_errors(void **state) {
    (void)state;
    qib_mask *m = NULL;
    qib_error err;
    tcontour between[] = {{"CLOSED_PLANAR", 4, {1.5, 1.5, 5.5, 1.5, 5.5, 4.5, 1.5, 4.5}, 1.5}};
    assert_int_equal(raster(between, 1, "A", &m, &err), QIB_ERR_FORMAT);
    printf("between: %s\n", err.reason);
    assert_non_null(strstr(err.reason, "contour 1 lies between image slices"));
    tcontour off[] = {{"CLOSED_PLANAR", 4, {1.5, 1.5, 5.5, 1.5, 5.5, 4.5, 1.5, 4.5}, 7}};
    assert_int_equal(raster(off, 1, "A", &m, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "off the image grid"));
    tcontour ok[] = {{"CLOSED_PLANAR", 3, {1, 1, 5, 1, 1, 5}, 0}};
    assert_int_equal(raster(ok, 1, "B", &m, &err), QIB_ERR_EMPTY_ROI);
    assert_non_null(strstr(err.reason, "1 \"A\", 2 \"P\""));
    assert_int_equal(raster(ok, 1, NULL, &m, &err), QIB_ERR_EMPTY_ROI); /* two ROIs: choose */
    assert_int_equal(raster(ok, 1, "P", &m, &err), QIB_ERR_EMPTY_ROI);  /* POINT only */
    assert_non_null(strstr(err.reason, "no CLOSED_PLANAR"));
    /* an open contour is listed but not drawn */
    tcontour open[] = {{"OPEN_PLANAR", 3, {1, 1, 5, 1, 1, 5}, 0}};
    assert_int_equal(raster(open, 1, "A", &m, &err), QIB_ERR_EMPTY_ROI);
    assert_null(m);
}

/* rtstruct.csv: path,ROINumber,ROIName,num_contours,num_points,geometric_types,matches */
static void test_corpus_csv(void **state) {
    (void)state;
    char csv[1024], path[1024];
    if (!tu_shared("dicom-corpus/rtstruct.csv", csv, sizeof csv)) {
        skip();
        return;
    }
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[1024];
    size_t rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *fld[7];
        char *p = line;
        for (int i = 0; i < 7; i++) {
            fld[i] = p;
            p = strchr(p, ',');
            if (p) *p++ = 0;
            else p = fld[i] + strlen(fld[i]);
        }
        snprintf(path, sizeof path, "dicom-corpus/%s", fld[0]);
        char full[1024];
        assert_non_null(tu_shared(path, full, sizeof full));
        qib_dicom *d = NULL;
        qib_error err;
        TU_OK(qib_dicom_open(full, NULL, &d, &err), &err);
        qib_rtstruct_roi *r = NULL;
        size_t n = 0, hit = 0;
        TU_OK(qib_rtstruct_rois(d, &r, &n, &err), &err);
        for (size_t i = 0; i < n; i++) {
            if (r[i].number != atoll(fld[1])) continue;
            hit = 1;
            assert_string_equal(r[i].name, fld[2]);
            assert_int_equal(r[i].contours, (size_t)atoll(fld[3]));
            assert_int_equal(r[i].points, (size_t)atoll(fld[4]));
            assert_string_equal(r[i].types, fld[5]);
            assert_int_equal(r[i].data_len_matches, !strcmp(fld[6], "yes"));
        }
        assert_int_equal(hit, 1);
        free(r);
        qib_dicom_free(d);
        rows++;
    }
    fclose(f);
    printf("rtstruct.csv: %zu ROI rows match\n", rows);
    assert_int_equal(rows, 12);
}

/* rt-utils: the valid set fills voxels on its two CT slices; the one whose
 * contours lie elsewhere fails naming the contour. */
static void test_corpus_raster(void **state) {
    (void)state;
    char dir[1024], rt[1024], bad[1024];
    if (!tu_shared("dicom-corpus/files/rtstruct/rt-utils_mock_data", dir, sizeof dir) ||
        !tu_shared("dicom-corpus/files/rtstruct/rt-utils_mock_data/rt.dcm", rt, sizeof rt) ||
        !tu_shared("dicom-corpus/files/rtstruct/rt-utils_mock_data/invalid_reference_rt.dcm",
                   bad, sizeof bad)) {
        skip();
        return;
    }
    qib_volume *img = NULL;
    qib_dicom *d = NULL;
    qib_mask *m = NULL;
    qib_dicom_reference *ref = NULL;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_error err;
    TU_OK(qib_dicom_load_series(dir, NULL, &img, NULL, &err), &err);
    TU_OK(qib_dicom_series_reference(dir, NULL, qib_volume_grid(img), &ref, &err), &err);
    TU_OK(qib_dicom_open(rt, NULL, &d, &err), &err);
    qib_rtstruct_options o;
    qib_rtstruct_options_default(&o);
    o.reference = ref;
    TU_OK(qib_rtstruct_to_mask(d, NULL, qib_volume_grid(img), &o, &m, &w, &err), &err);
    printf("rt-utils rt.dcm ROI-1: %zu voxels, %zu warning(s)%s%s\n", qib_mask_count(m), w.count,
           w.count ? ": " : "", w.count ? w.text[0] : "");
    assert_int_equal(qib_mask_count(m), 1443);
    qib_mask_free(m);
    qib_dicom_free(d);
    TU_OK(qib_dicom_open(bad, NULL, &d, &err), &err);
    assert_int_equal(qib_rtstruct_to_mask(d, "ROI-1", qib_volume_grid(img), &o, &m, &w, &err),
                     QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "contour 1"));
    qib_dicom_free(d);
    qib_dicom_reference_free(ref);
    qib_volume_free(img);
}

/* GTV-1 of the IBSI 1 CT phantom against the NIfTI mask made from it. */
static void test_ibsi_phantom(void **state) {
    (void)state;
    char dir[1024], rs[1024], nii[1024];
    if (!tu_shared("ibsi/ibsi1_ct_phantom/dicom/image", dir, sizeof dir) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/dicom/mask/DCM_RS_00060.dcm", rs, sizeof rs) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz", nii, sizeof nii)) {
        skip();
        return;
    }
    qib_volume *img = NULL, *ref = NULL;
    qib_dicom *d = NULL;
    qib_dicom_reference *sr = NULL;
    qib_error err;
    TU_OK(qib_dicom_load_series(dir, NULL, &img, NULL, &err), &err);
    TU_OK(qib_dicom_series_reference(dir, NULL, qib_volume_grid(img), &sr, &err), &err);
    TU_OK(qib_image_read(nii, NULL, &ref, NULL, &err), &err);
    TU_OK(qib_dicom_open(rs, NULL, &d, &err), &err);
    const double cover[] = {0, 0.5};
    for (int c = 0; c < 2; c++) {
        qib_rtstruct_options o;
        qib_rtstruct_options_default(&o);
        o.coverage = cover[c];
        o.reference = sr;
        qib_dicom_warnings w;
        memset(&w, 0, sizeof w);
        qib_mask *m = NULL;
        TU_OK(qib_rtstruct_to_mask(d, "GTV-1", qib_volume_grid(img), &o, &m, &w, &err), &err);
        assert_int_equal(w.count, 0);
        size_t n = qib_volume_frame_voxels(ref), a = 0, b = 0, both = 0;
        const uint8_t *md = qib_mask_cdata(m);
        for (size_t i = 0; i < n; i++) {
            int x = md[i] != 0, y = qib_volume_value(ref, i) != 0;
            a += (size_t)x;
            b += (size_t)y;
            both += (size_t)(x && y);
        }
        double dice = 2.0 * (double)both / (double)(a + b);
        printf("IBSI GTV-1 %s: %zu voxels (NIfTI %zu), Dice %.6f\n",
               c ? ">=50% coverage" : "centre rule", a, b, dice);
        if (c == 0) { /* the default rule reproduces the IBSI mask exactly */
            assert_int_equal(a, 125256);
            assert_int_equal(both, 125256);
        } else {
            assert_true(dice > 0.998);
        }
        qib_mask_free(m);
    }
    qib_dicom_free(d);
    qib_dicom_reference_free(sr);
    qib_volume_free(ref);
    qib_volume_free(img);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square),         cmocka_unit_test(test_hole),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_corpus_csv),
        cmocka_unit_test(test_corpus_raster),  cmocka_unit_test(test_ibsi_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
