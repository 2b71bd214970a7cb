/* SPDX-License-Identifier: Apache-2.0 */
/* test_adc.c: src/dwi/: b-value lists, DICOM b-values (standard and vendor
 * private elements), DICOM DWI series to 4D, the ADC fit and its region
 * statistics. References: synthetic signals S = S0 exp(-b ADC) with a
 * known ADC per voxel, percentiles worked out by hand. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "tu_dcmbuild.h"

/* ---- b-value lists ---- */

static void parse_ok(const char *text, const double *want, size_t n) {
    qib_error err;
    qib_error_clear(&err);
    double *b = NULL;
    size_t got = 0;
    TU_OK(qib_bvalues_parse(text, strlen(text), "t.bval", &b, &got, &err), &err);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) assert_true(b[i] == want[i]);
    free(b);
}

static void parse_bad(const char *text, qib_status want, int64_t offset, const char *reason_part) {
    qib_error err;
    qib_error_clear(&err);
    double *b = NULL;
    size_t got = 0;
    qib_status st = qib_bvalues_parse(text, strlen(text), "t.bval", &b, &got, &err);
    if (st != want) fail_msg("'%s': got %s, want %s", text, qib_status_name(st), qib_status_name(want));
    assert_int_equal(err.offset, offset);
    if (!strstr(err.reason, reason_part)) fail_msg("'%s': reason '%s' lacks '%s'", text, err.reason, reason_part);
    assert_null(b);
}

static void test_bvalue_lists(void **state) {
    (void)state;
    const double w3[] = {0, 500, 1000};
    parse_ok("0 500 1000\n", w3, 3);          /* FSL .bval: one line */
    parse_ok("0,500,1000", w3, 3);            /* comma list */
    parse_ok("0\n500\r\n1000", w3, 3);        /* one per line, CRLF */
    parse_ok("  0, 500\t1000 \n\n", w3, 3);   /* mixed separators */
    const double w2[] = {1e3, 2.5};
    parse_ok("1e3 2.5", w2, 2);
    parse_bad("0,,500", QIB_ERR_FORMAT, 2, "empty value");
    parse_bad(",0", QIB_ERR_FORMAT, 0, "empty value");
    parse_bad("0,500,", QIB_ERR_FORMAT, 6, "ends with a comma");
    parse_bad("0 -5", QIB_ERR_FORMAT, 2, "value 2 '-5' is negative");
    parse_bad("0 abc", QIB_ERR_FORMAT, 2, "not a decimal number");
    parse_bad("1e400", QIB_ERR_FORMAT, 0, "not a decimal");
    parse_bad("nan", QIB_ERR_FORMAT, 0, "not a decimal");
    parse_bad("0 2e6", QIB_ERR_FORMAT, 2, "above 1e6");
    parse_bad("0x10", QIB_ERR_FORMAT, 0, "not a decimal");
    parse_bad("", QIB_ERR_ARG, -1, "no b-value");
    parse_bad(" \n ", QIB_ERR_ARG, -1, "no b-value");
}

static void test_bvalue_file_or_list(void **state) {
    (void)state;
    char path[512];
    tu_tmp("dwi.bval", path, sizeof path);
    tu_write(path, "0 800 800\n", 10);
    qib_error err;
    qib_error_clear(&err);
    double *b = NULL;
    size_t n = 0;
    TU_OK(qib_bvalues_load(path, &b, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_true(b[1] == 800);
    free(b);
    TU_OK(qib_bvalues_load("0,50", &b, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_true(b[1] == 50);
    free(b);
    b = NULL;
    assert_int_equal(qib_bvalues_load("no_such.bval", &b, &n, &err), QIB_ERR_FORMAT);
    remove(path);
}

/* ---- the fit ---- */

/* A 4D float64 volume of nx*ny*1 voxels and n frames; S(v, t) from f. */
static qib_volume *dwi_volume(size_t nx, size_t ny, size_t n, double (*f)(size_t v, size_t t)) {
    qib_grid g;
    qib_grid_init(&g, nx, ny, 1);
    g.spacing[0] = 1.5;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, n, QIB_DT_F64, &v, &err), &err);
    double *d = qib_volume_data(v);
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < nx * ny; i++) d[t * nx * ny + i] = f(i, t);
    return v;
}

/* Known ADC per voxel (mm^2/s) and S0. */
static const double true_adc[6] = {0.5e-3, 1.0e-3, 2.0e-3, 3.0e-3, 0.0, 0.8e-3};
static const double s0[6] = {1000, 250, 4000, 1, 700, 12345.5};
static const double bv5[5] = {0, 500, 1000, 1000, 1000};
/* Directional diffusivities whose mean is true_adc: the b = 1000 frames
 * differ by direction, their geometric mean is the trace-weighted signal. */
static double signal_dirs(size_t v, size_t t) {
    double d = true_adc[v];
    if (t == 2) d = true_adc[v] * 1.5;
    if (t == 3) d = true_adc[v] * 0.5;
    return s0[v] * exp(-bv5[t] * d);
}

static void test_fit_exact(void **state) {
    (void)state;
    qib_volume *dwi = dwi_volume(3, 2, 5, signal_dirs);
    qib_volume *adc = NULL, *flags = NULL;
    size_t flagged = 99;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_adc_fit(dwi, bv5, 5, &adc, &flags, &flagged, &err), &err);
    assert_int_equal(flagged, 0);
    assert_int_equal(qib_volume_dtype(adc), QIB_DT_F32);
    assert_int_equal(qib_volume_frames(adc), 1);
    assert_true(qib_volume_grid(adc)->spacing[0] == 1.5);
    for (size_t v = 0; v < 6; v++) {
        double got = qib_volume_value(adc, v), want = true_adc[v] * 1000; /* 10^-3 mm^2/s */
        if (fabs(got - want) > 1e-6 * fmax(1, want)) fail_msg("voxel %zu: ADC %.9g, want %.9g", v, got, want);
        assert_true(qib_volume_value(flags, v) == QIB_ADC_FLAG_OK);
    }
    qib_volume_free(adc);
    qib_volume_free(flags);
    qib_volume_free(dwi);
}

/* With three distinct b-values the fit is the least-squares line: noisy
 * ln S at b = 0, 400, 800 of ln 1000, ln 1000 - 0.4 - 0.01, ln 1000 - 0.8:
 * slope = sum (b - 400)(y - ybar) / sum (b - 400)^2 = (-400 y0 + 400 y2) /
 * 320000 = -0.8 * 400 / 320000 = -1e-3, unaffected by the middle point. */
static double signal_noisy(size_t v, size_t t) {
    (void)v;
    static const double y[3] = {0, -0.41, -0.8};
    return 1000 * exp(y[t]);
}

static void test_fit_least_squares(void **state) {
    (void)state;
    const double b3[3] = {0, 400, 800};
    qib_volume *dwi = dwi_volume(1, 1, 3, signal_noisy);
    qib_volume *adc = NULL;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_adc_fit(dwi, b3, 3, &adc, NULL, NULL, &err), &err);
    assert_true(fabs(qib_volume_value(adc, 0) - 1.0) < 1e-6);
    qib_volume_free(adc);
    qib_volume_free(dwi);
}

/* Zero, negative, NaN and infinite signals: flagged, written as 0, no NaN. */
static double signal_bad(size_t v, size_t t) {
    const double good = 100 * exp(-bv5[t] * 1e-3);
    if (v == 1 && t == 1) return 0;
    if (v == 2 && t == 4) return -3;
    if (v == 3 && t == 0) return NAN;
    if (v == 4 && t == 2) return INFINITY;
    return good;
}

static void test_fit_flags(void **state) {
    (void)state;
    qib_volume *dwi = dwi_volume(3, 2, 5, signal_bad);
    qib_volume *adc = NULL, *flags = NULL;
    size_t flagged = 0;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_adc_fit(dwi, bv5, 5, &adc, &flags, &flagged, &err), &err);
    assert_int_equal(flagged, 4);
    const int want_flag[6] = {0, 1, 1, 1, 1, 0};
    for (size_t v = 0; v < 6; v++) {
        double a = qib_volume_value(adc, v);
        assert_true(isfinite(a));
        assert_int_equal((int)qib_volume_value(flags, v), want_flag[v]);
        if (want_flag[v]) assert_true(a == 0);
        else assert_true(fabs(a - 1.0) < 1e-6);
    }
    /* statistics leave the flagged voxels out and count them */
    qib_adc_stats s;
    TU_OK(qib_adc_stats_compute(adc, flags, NULL, 1.0, &s, &err), &err);
    assert_int_equal(s.voxels, 6);
    assert_int_equal(s.flagged, 4);
    assert_int_equal(s.used, 2);
    assert_true(fabs(s.mean - 1.0) < 1e-6);
    qib_volume_free(adc);
    qib_volume_free(flags);
    qib_volume_free(dwi);
}

static void test_fit_errors(void **state) {
    (void)state;
    qib_volume *dwi = dwi_volume(3, 2, 5, signal_dirs);
    qib_volume *adc = NULL;
    qib_error err;
    qib_error_clear(&err);
    const double same[5] = {1000, 1000, 1000, 1000, 1000};
    assert_int_equal(qib_adc_fit(dwi, same, 5, &adc, NULL, NULL, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "at least two distinct b-values"));
    assert_int_equal(qib_adc_fit(dwi, bv5, 4, &adc, NULL, NULL, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "4 b-values for 5 frames"));
    const double close[5] = {0, 0.5, 0.5, 0.5, 0.5}; /* span < 1 s/mm^2 */
    assert_int_equal(qib_adc_fit(dwi, close, 5, &adc, NULL, NULL, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "at least 1 s/mm^2 apart"));
    const double neg[5] = {0, -500, 1000, 1000, 1000};
    assert_int_equal(qib_adc_fit(dwi, neg, 5, &adc, NULL, NULL, &err), QIB_ERR_ARG);
    assert_null(adc);
    qib_volume_free(dwi);
}

/* ---- statistics ---- */

/* ADC 1..10 (plus two voxels outside the region and one flagged inside).
 * Type 7 percentiles of 1..10: h = 9 p / 100; p10: h = 0.9 -> 1.9;
 * p25: 2.25 -> 3.25; median: 4.5 -> 5.5; p75: 6.75 -> 7.75; p90: 8.1 ->
 * 9.1. Mean 5.5; population sd sqrt(8.25); below 3.0: {1, 2} -> 0.2. */
static void test_stats(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 13, 1, 1);
    qib_volume *adc = NULL, *flags = NULL;
    qib_mask *region = NULL;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F32, &adc, &err), &err);
    TU_OK(qib_volume_create(&g, 1, QIB_DT_U8, &flags, &err), &err);
    TU_OK(qib_mask_create(&g, &region, &err), &err);
    float *a = qib_volume_data(adc);
    uint8_t *fl = qib_volume_data(flags), *in = qib_mask_data(region);
    const float vals[13] = {7, 100, 3, 10, 1, 5, -50, 9, 2, 8, 6, 4, 0};
    for (int i = 0; i < 13; i++) {
        a[i] = vals[i];
        in[i] = vals[i] != 100 && vals[i] != -50; /* two outside */
    }
    fl[12] = QIB_ADC_FLAG_NONPOSITIVE; /* inside, flagged */
    qib_adc_stats s;
    TU_OK(qib_adc_stats_compute(adc, flags, region, 3.0, &s, &err), &err);
    assert_int_equal(s.voxels, 11);
    assert_int_equal(s.flagged, 1);
    assert_int_equal(s.used, 10);
    assert_true(fabs(s.mean - 5.5) < 1e-12);
    assert_true(fabs(s.sd - sqrt(8.25)) < 1e-12);
    assert_true(s.min == 1 && s.max == 10);
    assert_true(fabs(s.p10 - 1.9) < 1e-12);
    assert_true(fabs(s.p25 - 3.25) < 1e-12);
    assert_true(fabs(s.median - 5.5) < 1e-12);
    assert_true(fabs(s.p75 - 7.75) < 1e-12);
    assert_true(fabs(s.p90 - 9.1) < 1e-12);
    assert_int_equal(s.below, 2);
    assert_true(fabs(s.fraction_below - 0.2) < 1e-15);
    /* strictly below: a threshold equal to a value does not count it */
    TU_OK(qib_adc_stats_compute(adc, flags, region, 1.0, &s, &err), &err);
    assert_int_equal(s.below, 0);
    /* a region of flagged voxels only: a located error, not NaN */
    memset(in, 0, 13);
    in[12] = 1;
    assert_int_equal(qib_adc_stats_compute(adc, flags, region, 1.0, &s, &err), QIB_ERR_EMPTY_ROI);
    assert_non_null(strstr(err.reason, "1 of them flagged"));
    assert_int_equal(qib_adc_stats_compute(adc, flags, region, NAN, &s, &err), QIB_ERR_ARG);
    /* a region on another grid */
    qib_mask *other = NULL;
    qib_grid g2;
    qib_grid_init(&g2, 12, 1, 1);
    TU_OK(qib_mask_create(&g2, &other, &err), &err);
    assert_int_equal(qib_adc_stats_compute(adc, NULL, other, 1.0, &s, &err), QIB_ERR_GRID_MISMATCH);
    qib_mask_free(other);
    qib_mask_free(region);
    qib_volume_free(flags);
    qib_volume_free(adc);
}

static void test_percentile_edges(void **state) {
    (void)state;
    const double one[1] = {4.5};
    assert_true(qib_percentile_sorted(one, 1, 10) == 4.5);
    assert_true(qib_percentile_sorted(one, 1, 90) == 4.5);
    const double two[2] = {1, 3};
    assert_true(qib_percentile_sorted(two, 2, 50) == 2);  /* h = 0.5 */
    assert_true(qib_percentile_sorted(two, 2, 25) == 1.5);
    assert_true(qib_percentile_sorted(two, 2, 0) == 1);
    assert_true(qib_percentile_sorted(two, 2, 100) == 3);
    assert_true(isnan(qib_percentile_sorted(two, 0, 50)));
}

/* ---- DICOM ---- */

typedef enum { BV_STANDARD, BV_SIEMENS, BV_GE, BV_GE_BLOCK11, BV_PHILIPS, BV_PHILIPS_UN,
               BV_NONE, BV_STANDARD_SEQ } bv_where;

static void put_fl(tu_dcm *d, uint16_t g, uint16_t e, const char *vr, float v) {
    uint8_t x[4];
    memcpy(x, &v, 4); /* the tests run on little-endian hosts, as the corpus does */
    tu_dcm_el(d, g, e, vr, x, 4);
}

/* A classic MR image: 4 x 3 pixels, 16-bit unsigned, at z = pos mm. */
typedef struct mr_spec {
    double b;
    bv_where where;
    double z;
    int instance;
    const uint16_t *px; /* 12 values */
    const char *image_type;
    const char *series;
} mr_spec;

static void build_mr(tu_dcm *d, const mr_spec *s) {
    memset(d, 0, sizeof *d);
    uint8_t pre[128] = {0};
    tu_dcm_put(d, pre, sizeof pre);
    tu_dcm_put(d, "DICM", 4);
    tu_dcm meta = {0};
    tu_dcm_el(&meta, 2, 1, "OB", "\0\1", 2);
    tu_dcm_str(&meta, 2, 2, "UI", "1.2.840.10008.5.1.4.1.1.4");
    tu_dcm_str(&meta, 2, 3, "UI", "1.2.3.4.5");
    tu_dcm_str(&meta, 2, 0x10, "UI", "1.2.840.10008.1.2.1");
    uint8_t len[4] = {(uint8_t)meta.n, (uint8_t)(meta.n >> 8), (uint8_t)(meta.n >> 16), 0};
    tu_dcm_el(d, 2, 0, "UL", len, 4);
    tu_dcm_put(d, meta.p, meta.n);
    free(meta.p);
    char buf[64];
    tu_dcm_str(d, 0x0008, 0x0008, "CS", s->image_type ? s->image_type : "ORIGINAL\\PRIMARY\\DIFFUSION\\NONE");
    tu_dcm_str(d, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.4");
    tu_dcm_str(d, 0x0008, 0x0060, "CS", "MR");
    if (s->where == BV_STANDARD) {
        double b = s->b;
        tu_dcm_el(d, 0x0018, 0x9087, "FD", &b, 8);
    }
    if (s->where == BV_STANDARD_SEQ) {
        tu_dcm_seq(d, 0x0018, 0x9117);
        tu_dcm_item(d);
        double b = s->b;
        tu_dcm_el(d, 0x0018, 0x9087, "FD", &b, 8);
        tu_dcm_item_end(d);
        tu_dcm_seq_end(d);
    }
    if (s->where == BV_SIEMENS) {
        tu_dcm_str(d, 0x0019, 0x0010, "LO", "SIEMENS MR HEADER");
        snprintf(buf, sizeof buf, "%.0f", s->b);
        tu_dcm_str(d, 0x0019, 0x100C, "IS", buf);
    }
    tu_dcm_str(d, 0x0020, 0x000E, "UI", s->series ? s->series : "1.2.3.9");
    snprintf(buf, sizeof buf, "%d", s->instance);
    tu_dcm_str(d, 0x0020, 0x0013, "IS", buf);
    snprintf(buf, sizeof buf, "-10\\-20\\%g", s->z);
    tu_dcm_str(d, 0x0020, 0x0032, "DS", buf);
    tu_dcm_str(d, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
    tu_dcm_us(d, 0x0028, 0x0002, 1);
    tu_dcm_str(d, 0x0028, 0x0004, "CS", "MONOCHROME2");
    tu_dcm_us(d, 0x0028, 0x0010, 3);
    tu_dcm_us(d, 0x0028, 0x0011, 4);
    tu_dcm_str(d, 0x0028, 0x0030, "DS", "0.75\\0.5"); /* row spacing \ column spacing */
    tu_dcm_us(d, 0x0028, 0x0100, 16);
    tu_dcm_us(d, 0x0028, 0x0101, 16);
    tu_dcm_us(d, 0x0028, 0x0102, 15);
    tu_dcm_us(d, 0x0028, 0x0103, 0);
    if (s->where == BV_GE || s->where == BV_GE_BLOCK11) {
        bool b11 = s->where == BV_GE_BLOCK11;
        if (b11) tu_dcm_str(d, 0x0043, 0x0010, "LO", "SOMETHING ELSE");
        tu_dcm_str(d, 0x0043, b11 ? 0x0011 : 0x0010, "LO", "GEMS_PARM_01");
        if (b11) tu_dcm_str(d, 0x0043, 0x1039, "IS", "7\\8\\0\\0"); /* another creator's */
        snprintf(buf, sizeof buf, "%.0f\\8\\0\\0", s->b + 1e9); /* with GE's bias */
        tu_dcm_str(d, 0x0043, b11 ? 0x1139 : 0x1039, "IS", buf);
    }
    if (s->where == BV_PHILIPS || s->where == BV_PHILIPS_UN) {
        tu_dcm_str(d, 0x2001, 0x0010, "LO", "Philips Imaging DD 001");
        put_fl(d, 0x2001, 0x1003, s->where == BV_PHILIPS ? "FL" : "UN", (float)s->b);
    }
    uint16_t px[12] = {0};
    if (s->px) memcpy(px, s->px, sizeof px);
    tu_dcm_el(d, 0x7FE0, 0x0010, "OW", px, sizeof px);
}

static qib_status bvalue_of(const mr_spec *s, double *b, qib_bvalue_source *src, qib_error *err) {
    tu_dcm d;
    build_mr(&d, s);
    qib_dicom *dc = NULL;
    TU_OK(qib_dicom_open_mem(d.p, d.n, "mr.dcm", NULL, &dc, err), err);
    qib_status st = qib_dicom_bvalue(dc, 0, b, src, err);
    qib_dicom_free(dc);
    free(d.p);
    return st;
}

static void test_dicom_bvalue_sources(void **state) {
    (void)state;
    static const struct {
        bv_where where;
        double b;
        qib_bvalue_source src;
    } cases[] = {
        {BV_STANDARD, 800, QIB_BVALUE_STANDARD},   {BV_STANDARD_SEQ, 50, QIB_BVALUE_STANDARD},
        {BV_SIEMENS, 1000, QIB_BVALUE_SIEMENS},    {BV_GE, 1000, QIB_BVALUE_GE},
        {BV_GE, 0, QIB_BVALUE_GE},                 {BV_GE_BLOCK11, 1500, QIB_BVALUE_GE},
        {BV_PHILIPS, 600, QIB_BVALUE_PHILIPS},     {BV_PHILIPS_UN, 1200, QIB_BVALUE_PHILIPS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mr_spec s = {cases[i].b, cases[i].where, 0, 1, NULL, NULL, NULL};
        double b = -1;
        qib_bvalue_source src = QIB_BVALUE_NONE;
        qib_error err;
        qib_error_clear(&err);
        TU_OK(bvalue_of(&s, &b, &src, &err), &err);
        if (b != cases[i].b || src != cases[i].src)
            fail_msg("case %zu: b %g from %s, want %g from %s", i, b, qib_bvalue_source_name(src),
                     cases[i].b, qib_bvalue_source_name(cases[i].src));
    }
    mr_spec none = {0, BV_NONE, 0, 1, NULL, NULL, NULL};
    double b;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(bvalue_of(&none, &b, NULL, &err), QIB_ERR_NOT_FOUND);
    assert_string_equal(err.field, "(0018,9087)");
    mr_spec neg = {-5, BV_STANDARD, 0, 1, NULL, NULL, NULL};
    assert_int_equal(bvalue_of(&neg, &b, NULL, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "(0018,9087)");
    assert_string_equal(qib_bvalue_source_name(QIB_BVALUE_GE), "GE");
}

/* A DWI series in a folder: two slices (z = 10 and 15 mm), b = 0, 500
 * (Siemens tag), 1000 in three directions (GE tag, with its bias); files
 * named so that their order is not the acquisition order. Four voxel
 * kinds with ratio r per 500 s/mm^2: S0 = 1600, S(500) = 1600 r, and the
 * three b = 1000 images 2, 1 and 1/2 times 1600 r^2 (geometric mean
 * 1600 r^2). ADC = -ln r / 500 mm^2/s exactly. */
static const double ratio[4] = {0.5, 0.25, 0.75, 1.0};

static void series_pixels(double b, int dir, int slice, uint16_t px[12]) {
    for (int i = 0; i < 12; i++) {
        double r = ratio[i % 4], s = 1600 + 800 * slice; /* S0 differs by slice */
        double v = b == 0 ? s : b == 500 ? s * r : s * r * r * (dir == 0 ? 2 : dir == 1 ? 1 : 0.5);
        px[i] = (uint16_t)lround(v);
    }
}

static void write_series(const char *dir, int skip_b500_slice1, int add_adc_map) {
    mkdir(dir, 0755);
    int inst = 1;
    for (int sl = 0; sl < 2; sl++) {
        const double bs[5] = {0, 500, 1000, 1000, 1000};
        for (int k = 0; k < 5; k++) {
            if (skip_b500_slice1 && k == 1 && sl == 1) continue;
            uint16_t px[12];
            series_pixels(bs[k], k - 2, sl, px);
            mr_spec s = {bs[k], k == 0 ? BV_STANDARD : k == 1 ? BV_SIEMENS : BV_GE,
                         10 + 5.0 * sl, inst, px, NULL, NULL};
            tu_dcm d;
            build_mr(&d, &s);
            char path[600];
            snprintf(path, sizeof path, "%s/img_%02d.dcm", dir, 20 - inst); /* reversed */
            inst++;
            tu_write(path, d.p, d.n);
            free(d.p);
        }
    }
    if (add_adc_map) {
        mr_spec s = {0, BV_STANDARD, 10, 99, NULL, "DERIVED\\PRIMARY\\DIFFUSION\\ADC", NULL};
        tu_dcm d;
        build_mr(&d, &s);
        char path[600];
        snprintf(path, sizeof path, "%s/adc_map.dcm", dir);
        tu_write(path, d.p, d.n);
        free(d.p);
    }
}

static void remove_series(const char *dir) {
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_dicom_series(void **state) {
    (void)state;
    char dir[512];
    tu_tmp("dwi_series", dir, sizeof dir);
    write_series(dir, 0, 1);
    qib_volume *dwi = NULL, *adc = NULL;
    double *b = NULL;
    size_t n = 0;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_dwi_load_dicom(dir, NULL, &dwi, &b, &n, &w, &err), &err);
    assert_int_equal(w.count, 1); /* the ADC map was skipped */
    assert_non_null(strstr(w.text[0], "adc_map.dcm: skipped"));
    assert_int_equal(n, 5);
    const double want_b[5] = {0, 500, 1000, 1000, 1000};
    for (size_t i = 0; i < 5; i++) assert_true(b[i] == want_b[i]);
    const qib_grid *g = qib_volume_grid(dwi);
    assert_int_equal(g->dim[0], 4);
    assert_int_equal(g->dim[1], 3);
    assert_int_equal(g->dim[2], 2);
    assert_int_equal(qib_volume_frames(dwi), 5);
    assert_true(g->spacing[0] == 0.5 && g->spacing[1] == 0.75 && fabs(g->spacing[2] - 5) < 1e-12);
    assert_true(g->origin[0] == -10 && g->origin[1] == -20 && g->origin[2] == 10);
    /* frame 2 (b = 1000, first direction by Instance Number), slice 1, voxel 1: 2 x 2400 x 0.25^2 */
    assert_true(qib_volume_value(dwi, (2 * 2 + 1) * 12 + 1) == 300);
    size_t flagged = 0;
    TU_OK(qib_adc_fit(dwi, b, n, &adc, NULL, &flagged, &err), &err);
    assert_int_equal(flagged, 0);
    for (size_t v = 0; v < 24; v++) {
        double want = -log(ratio[v % 4]) / 500 * 1000;
        double got = qib_volume_value(adc, v);
        if (fabs(got - want) > 1e-6) fail_msg("voxel %zu: ADC %.9g, want %.9g", v, got, want);
    }
    qib_volume_free(adc);
    qib_volume_free(dwi);
    free(b);
    remove_series(dir);
}

static void test_dicom_series_errors(void **state) {
    (void)state;
    char dir[512];
    tu_tmp("dwi_missing", dir, sizeof dir);
    write_series(dir, 1, 0);
    qib_volume *dwi = NULL;
    double *b = NULL;
    size_t n = 0;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(qib_dwi_load_dicom(dir, NULL, &dwi, &b, &n, NULL, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "b-value 500 has 0 image(s) at slice position 15"));
    assert_null(dwi);
    remove_series(dir);
    /* an image without any b-value is named */
    tu_tmp("dwi_nob", dir, sizeof dir);
    mkdir(dir, 0755);
    mr_spec s = {0, BV_NONE, 10, 1, NULL, NULL, NULL};
    tu_dcm d;
    build_mr(&d, &s);
    char path[600];
    snprintf(path, sizeof path, "%s/x.dcm", dir);
    tu_write(path, d.p, d.n);
    free(d.p);
    assert_int_equal(qib_dwi_load_dicom(dir, NULL, &dwi, &b, &n, NULL, &err), QIB_ERR_NOT_FOUND);
    assert_non_null(strstr(err.file, "x.dcm"));
    remove_series(dir);
    assert_int_equal(qib_dwi_load_dicom("/no/such/folder", NULL, &dwi, &b, &n, NULL, &err),
                     QIB_ERR_NOT_FOUND);
}

/* An enhanced MR image (one file, 4 frames of 2 x 2 pixels): slices at
 * z = 0 and 4 mm, b = 0 and 800 from the per-frame MR Diffusion Sequence,
 * positions per frame, orientation and pixel spacing shared. Frames are
 * stored b-major in reverse slice order. S(800) = S(0) / 2 in every pixel:
 * ADC = ln 2 / 800 mm^2/s = 0.866433975 x 10^-3. */
static void test_dicom_enhanced(void **state) {
    (void)state;
    tu_dcm d;
    tu_dcm_begin(&d, "1.2.840.10008.5.1.4.1.1.4.1");
    tu_dcm_str(&d, 0x0020, 0x000E, "UI", "1.2.3.10");
    tu_dcm_str(&d, 0x0020, 0x0013, "IS", "1");
    tu_dcm_us(&d, 0x0028, 0x0002, 1);
    tu_dcm_str(&d, 0x0028, 0x0004, "CS", "MONOCHROME2");
    tu_dcm_str(&d, 0x0028, 0x0008, "IS", "4");
    tu_dcm_us(&d, 0x0028, 0x0010, 2);
    tu_dcm_us(&d, 0x0028, 0x0011, 2);
    tu_dcm_us(&d, 0x0028, 0x0100, 16);
    tu_dcm_us(&d, 0x0028, 0x0101, 16);
    tu_dcm_us(&d, 0x0028, 0x0102, 15);
    tu_dcm_us(&d, 0x0028, 0x0103, 0);
    tu_dcm_seq(&d, 0x5200, 0x9229); /* shared: orientation, pixel measures */
    tu_dcm_item(&d);
    tu_dcm_seq(&d, 0x0020, 0x9116);
    tu_dcm_item(&d);
    tu_dcm_str(&d, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
    tu_dcm_item_end(&d);
    tu_dcm_seq_end(&d);
    tu_dcm_seq(&d, 0x0028, 0x9110);
    tu_dcm_item(&d);
    tu_dcm_str(&d, 0x0028, 0x0030, "DS", "2\\2");
    tu_dcm_item_end(&d);
    tu_dcm_seq_end(&d);
    tu_dcm_item_end(&d);
    tu_dcm_seq_end(&d);
    const double fb[4] = {0, 0, 800, 800};
    const char *fz[4] = {"0\\0\\4", "0\\0\\0", "0\\0\\4", "0\\0\\0"};
    tu_dcm_seq(&d, 0x5200, 0x9230); /* per frame: b-value and position */
    for (int f = 0; f < 4; f++) {
        tu_dcm_item(&d);
        tu_dcm_seq(&d, 0x0018, 0x9117);
        tu_dcm_item(&d);
        tu_dcm_el(&d, 0x0018, 0x9087, "FD", &fb[f], 8);
        tu_dcm_item_end(&d);
        tu_dcm_seq_end(&d);
        tu_dcm_seq(&d, 0x0020, 0x9113);
        tu_dcm_item(&d);
        tu_dcm_str(&d, 0x0020, 0x0032, "DS", fz[f]);
        tu_dcm_item_end(&d);
        tu_dcm_seq_end(&d);
        tu_dcm_item_end(&d);
    }
    tu_dcm_seq_end(&d);
    /* frame f, pixel p: S0 = 1000 + 100 p on slice z = 0, + 1000 on z = 4 */
    uint16_t px[16];
    for (int f = 0; f < 4; f++)
        for (int p = 0; p < 4; p++) {
            double base = 1000 + 100 * p + (fz[f][4] == '4' ? 1000 : 0);
            px[f * 4 + p] = (uint16_t)(fb[f] == 0 ? base : base / 2);
        }
    tu_dcm_el(&d, 0x7FE0, 0x0010, "OW", px, sizeof px);
    char path[512];
    tu_tmp("enhanced_dwi.dcm", path, sizeof path);
    tu_write(path, d.p, d.n);
    free(d.p);
    qib_volume *dwi = NULL, *adc = NULL;
    double *b = NULL;
    size_t n = 0;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_dwi_load_dicom(path, NULL, &dwi, &b, &n, NULL, &err), &err);
    assert_int_equal(n, 2);
    assert_true(b[0] == 0 && b[1] == 800);
    const qib_grid *g = qib_volume_grid(dwi);
    assert_true(g->dim[0] == 2 && g->dim[1] == 2 && g->dim[2] == 2);
    assert_true(g->spacing[0] == 2 && fabs(g->spacing[2] - 4) < 1e-12 && g->origin[2] == 0);
    assert_true(qib_volume_value(dwi, 4 + 3) == 2300); /* b = 0, z = 4, pixel 3 */
    assert_true(qib_volume_value(dwi, 8 + 1) == 550);  /* b = 800, z = 0, pixel 1 */
    TU_OK(qib_adc_fit(dwi, b, n, &adc, NULL, NULL, &err), &err);
    for (size_t v = 0; v < 8; v++)
        assert_true(fabs(qib_volume_value(adc, v) - log(2.0) / 800 * 1000) < 1e-6);
    qib_volume_free(adc);
    qib_volume_free(dwi);
    free(b);
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bvalue_lists),
        cmocka_unit_test(test_bvalue_file_or_list),
        cmocka_unit_test(test_fit_exact),
        cmocka_unit_test(test_fit_least_squares),
        cmocka_unit_test(test_fit_flags),
        cmocka_unit_test(test_fit_errors),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_percentile_edges),
        cmocka_unit_test(test_dicom_bvalue_sources),
        cmocka_unit_test(test_dicom_series),
        cmocka_unit_test(test_dicom_series_errors),
        cmocka_unit_test(test_dicom_enhanced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
