/* SPDX-License-Identifier: Apache-2.0 */
/* test_seg.c: DICOM SEG to mask. A hand-made 1-bit SEG with 5x3 frames
 * (15 bits: the second frame starts mid-byte) of two segments on a 5x3x3
 * grid, a frame off the grid; the corpus SEGs against seg.csv, and binary,
 * label-map and non-byte-aligned SEGs placed on their source series, where
 * the mask must hold exactly the set pixels of the segment's frames. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib/dicom.h"
#include "test_util.h"
#include "tu_dcmbuild.h"

static void build(tu_dcm *b, double z2) {
    char pos[64];
    tu_dcm_begin(b, QIB_SOP_SEG);
    tu_dcm_us(b, 0x0028, 0x0002, 1);
    tu_dcm_str(b, 0x0028, 0x0004, "CS", "MONOCHROME2");
    tu_dcm_str(b, 0x0028, 0x0008, "IS", "2");
    tu_dcm_us(b, 0x0028, 0x0010, 3);
    tu_dcm_us(b, 0x0028, 0x0011, 5);
    tu_dcm_us(b, 0x0028, 0x0100, 1);
    tu_dcm_us(b, 0x0028, 0x0101, 1);
    tu_dcm_us(b, 0x0028, 0x0102, 0);
    tu_dcm_us(b, 0x0028, 0x0103, 0);
    tu_dcm_str(b, 0x0062, 0x0001, "CS", "BINARY");
    tu_dcm_seq(b, 0x0062, 0x0002);
    for (int s = 1; s <= 2; s++) {
        tu_dcm_item(b);
        tu_dcm_us(b, 0x0062, 0x0004, (uint16_t)s);
        tu_dcm_str(b, 0x0062, 0x0005, "LO", s == 1 ? "one" : "two");
        tu_dcm_str(b, 0x0062, 0x0008, "CS", "MANUAL");
        tu_dcm_item_end(b);
    }
    tu_dcm_seq_end(b);
    tu_dcm_seq(b, 0x5200, 0x9229);
    tu_dcm_item(b);
    tu_dcm_seq(b, 0x0020, 0x9116);
    tu_dcm_item(b);
    tu_dcm_str(b, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
    tu_dcm_item_end(b);
    tu_dcm_seq_end(b);
    tu_dcm_item_end(b);
    tu_dcm_seq_end(b);
    tu_dcm_seq(b, 0x5200, 0x9230);
    for (int f = 0; f < 2; f++) {
        tu_dcm_item(b);
        tu_dcm_seq(b, 0x0020, 0x9113);
        tu_dcm_item(b);
        snprintf(pos, sizeof pos, "0\\0\\%g", f ? z2 : 0.0);
        tu_dcm_str(b, 0x0020, 0x0032, "DS", pos);
        tu_dcm_item_end(b);
        tu_dcm_seq_end(b);
        tu_dcm_seq(b, 0x0062, 0x000A);
        tu_dcm_item(b);
        tu_dcm_us(b, 0x0062, 0x000B, (uint16_t)(f + 1));
        tu_dcm_item_end(b);
        tu_dcm_seq_end(b);
        tu_dcm_item_end(b);
    }
    tu_dcm_seq_end(b);
    /* frame 1: all 15 pixels; frame 2 (bits 15..29): its first and last */
    const uint8_t px[4] = {0xFF, 0xFF, 0x00, 0x20};
    tu_dcm_el(b, 0x7FE0, 0x0010, "OB", px, 4);
}

static qib_status place(double z2, int64_t segment, qib_mask **m, qib_error *err) {
    tu_dcm b;
    build(&b, z2);
    qib_dicom *d = NULL;
    qib_grid g;
    qib_grid_init(&g, 5, 3, 3);
    qib_status st = qib_dicom_open_mem(b.p, b.n, "seg.dcm", NULL, &d, err);
    if (!st) st = qib_seg_to_mask(d, segment, &g, NULL, m, NULL, err);
    qib_dicom_free(d);
    free(b.p);
    return st;
}

static void test_handmade(void **state) {
    (void)state;
    qib_mask *m = NULL;
    qib_error err;
    TU_OK(place(2, 1, &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 15);
    for (size_t i = 0; i < 15; i++) assert_int_equal(qib_mask_cdata(m)[i], 1);
    qib_mask_free(m);
    TU_OK(place(2, 2, &m, &err), &err);
    assert_int_equal(qib_mask_count(m), 2);
    assert_int_equal(qib_mask_cdata(m)[30], 1);      /* (0,0,2) */
    assert_int_equal(qib_mask_cdata(m)[30 + 14], 1); /* (4,2,2) */
    qib_mask_free(m);
    assert_int_equal(place(2.5, 2, &m, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "frame 2 is not on the image grid"));
    assert_int_equal(place(5, 2, &m, &err), QIB_ERR_FORMAT);
    assert_int_equal(place(2, 3, &m, &err), QIB_ERR_EMPTY_ROI);
    assert_non_null(strstr(err.reason, "1 \"one\", 2 \"two\""));
    /* frames of segment 1 only: a bad frame of segment 2 is not looked at */
    TU_OK(place(2.5, 1, &m, &err), &err);
    qib_mask_free(m);
}

/* seg.csv: path,SOPClassUID,SegmentationType,number_of_segments,NumberOfFrames,
 * Rows,Columns,segment_labels,frames_per_segment,MaximumFractionalValue */
static int split_csv(char *line, char **fld, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            fld[n++] = ++p;
            char *q = strchr(p, '"');
            if (!q) return n;
            *q = 0;
            p = q + 1;
        } else {
            fld[n++] = p;
            p += strcspn(p, ",");
        }
        if (*p != ',') break;
        *p++ = 0;
    }
    return n;
}

static void test_corpus_csv(void **state) {
    (void)state;
    char csv[1024];
    if (!tu_shared("dicom-corpus/seg.csv", csv, sizeof csv)) {
        skip();
        return;
    }
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    static char line[8192];
    size_t rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *c[10] = {0}, rel[8300], full[8400];
        assert_int_equal(split_csv(line, c, 10), 10);
        snprintf(rel, sizeof rel, "dicom-corpus/%s", c[0]);
        assert_non_null(tu_shared(rel, full, sizeof full));
        qib_dicom *d = NULL;
        qib_error err;
        TU_OK(qib_dicom_open(full, NULL, &d, &err), &err);
        qib_seg_info in;
        qib_seg_segment *s = NULL;
        size_t n = 0;
        TU_OK(qib_seg_segments(d, &in, &s, &n, &err), &err);
        assert_int_equal(in.labelmap, !strcmp(c[1], QIB_SOP_LABELMAP_SEG));
        assert_string_equal(in.type, c[2]);
        assert_int_equal(n, (size_t)atoll(c[3]));
        assert_int_equal(in.frames, strcmp(c[4], "(absent)") ? (uint32_t)atoll(c[4]) : 1u);
        assert_int_equal(in.rows, (uint32_t)atoll(c[5]));
        assert_int_equal(in.columns, (uint32_t)atoll(c[6]));
        char labels[8192] = "", fps[1024] = "";
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(labels);
            snprintf(labels + l, sizeof labels - l, "%s%lld:%s", i ? ";" : "",
                     (long long)s[i].number, s[i].label);
            l = strlen(fps);
            /* TILED_FULL files have no per-frame groups: seg.csv leaves it empty */
            if (!in.labelmap && qib_dicom_find(qib_dicom_root(d), 0x52009230u, NULL))
                snprintf(fps + l, sizeof fps - l, "%s%lld:%zu", i ? ";" : "",
                         (long long)s[i].number, s[i].frames);
        }
        assert_string_equal(labels, c[7]);
        assert_string_equal(fps, c[8]);
        if (c[9][0]) assert_true(fabs(in.max_fractional - atof(c[9])) < 1e-9);
        free(s);
        qib_dicom_free(d);
        rows++;
    }
    fclose(f);
    printf("seg.csv: %zu SEG rows match\n", rows);
    assert_int_equal(rows, 26);
}

/* Places segment 1 of seg on the series dir; the mask must hold as many
 * voxels as the segment's frames have set pixels (frames do not overlap). */
static void check_place(const char *dir_rel, const char *seg_rel, size_t expect) {
    char dir[1024], segp[1024];
    if (!tu_shared(dir_rel, dir, sizeof dir) || !tu_shared(seg_rel, segp, sizeof segp)) return;
    qib_volume *img = NULL;
    qib_dicom *d = NULL;
    qib_mask *m = NULL;
    qib_dicom_reference *ref = NULL;
    qib_error err;
    TU_OK(qib_dicom_load_series(dir, NULL, &img, NULL, &err), &err);
    TU_OK(qib_dicom_series_reference(dir, NULL, qib_volume_grid(img), &ref, &err), &err);
    TU_OK(qib_dicom_open(segp, NULL, &d, &err), &err);
    qib_seg_options o;
    qib_seg_options_default(&o);
    o.reference = ref;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    TU_OK(qib_seg_to_mask(d, 1, qib_volume_grid(img), &o, &m, &w, &err), &err);
    /* independent count: set pixels of every frame of segment 1 */
    qib_dicom_pixels px;
    qib_seg_info in;
    qib_seg_segment *s = NULL;
    size_t n = 0, set = 0;
    TU_OK(qib_dicom_get_pixels(d, &px, &err), &err);
    TU_OK(qib_seg_segments(d, &in, &s, &n, &err), &err);
    free(s);
    uint8_t *buf = malloc(px.frame_bytes);
    assert_non_null(buf);
    for (uint32_t f = 0; f < px.frames; f++) {
        const qib_dicom_item *pf = qib_dicom_item_of(qib_dicom_root(d), 0x52009230u, f);
        const qib_dicom_item *si = pf ? qib_dicom_item_of(pf, 0x0062000Au, 0) : NULL;
        int64_t sn = 1;
        if (!in.labelmap && si) qib_dicom_get_int(si, 0x0062000Bu, 0, &sn, NULL);
        if (sn != 1) continue;
        TU_OK(qib_dicom_decode_frame(d, f, buf, px.frame_bytes, &err), &err);
        for (size_t i = 0; i < (size_t)px.rows * px.columns; i++)
            set += in.labelmap ? (px.dtype == QIB_DT_U8 ? buf[i] == 1 : ((uint16_t *)buf)[i] == 1)
                               : buf[i] != 0;
    }
    free(buf);
    printf("%s on %s: %zu voxels (frames' set pixels %zu), %zu warning(s)\n", seg_rel, dir_rel,
           qib_mask_count(m), set, w.count);
    assert_int_equal(qib_mask_count(m), set);
    assert_int_equal(qib_mask_count(m), expect);
    qib_mask_free(m);
    qib_dicom_free(d);
    qib_dicom_reference_free(ref);
    qib_volume_free(img);
}

static void test_corpus_place(void **state) {
    (void)state;
    check_place("dicom-corpus/files/seg/dcmqi_23x38x3/image",
                "dicom-corpus/files/seg/dcmqi_23x38x3/seg/label.seg", 322);
    check_place("dicom-corpus/files/seg/dcmqi_24x38x3/image",
                "dicom-corpus/files/seg/dcmqi_24x38x3/seg/label.seg", 315);
    check_place("dicom-corpus/files/seg/dcmqi_24x38x3/image",
                "dicom-corpus/files/seg/dcmqi_labelmap/sparse-labelmap-ppv5.dcm", 630);
    check_place("dicom-corpus/files/seg/dcmqi_liver/ct-3slice",
                "dicom-corpus/files/seg/dcmqi_liver/liver.dcm", 107098);
    check_place("dicom-corpus/files/seg/dcmqi_liver/ct-3slice",
                "dicom-corpus/files/seg/pydicom_liver/liver_nonbyte_aligned.dcm", 107098);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handmade),
        cmocka_unit_test(test_corpus_csv),
        cmocka_unit_test(test_corpus_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
