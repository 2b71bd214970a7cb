/* SPDX-License-Identifier: Apache-2.0 */
/* test_suv.c: SUV factors from the PET header (QIBA FDG-PET/CT Profile
 * Appendix G rules, Janmahasatian SUL, Du Bois BSA).
 *
 * References are independent of qib: the corpus factors are worked out
 * here from pet.csv (a table written by pydicom) with the textbook formula;
 * the synthetic series are designed so that the SUV is a round number
 * (dose 350 MBq and 70 kg give W / D = 2e-4 exactly; a decay time of one
 * half-life halves the dose), and lean body mass and body surface area are
 * hand-computed to 30 digits (Python decimal) in the comments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pet/pet_internal.h"
#include "test_util.h"
#include "tu_petbuild.h"

#define REL(a, b) (fabs((a) - (b)) <= 1e-12 * fabs(b))

static void assert_rel(double got, double want, double tol) {
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, tol);
}

/* Header of a built file (its name set to "x.dcm" for messages). */
static void header_of(const tu_pet *p, qib_suv_header *h) {
    tu_dcm b;
    tu_pet_build(p, &b);
    qib_dicom *d = NULL;
    qib_error err;
    TU_OK(qib_dicom_open_mem(b.p, b.n, "x.dcm", NULL, &d, &err), &err);
    TU_OK(qib_suv_header_read(d, h, &err), &err);
    snprintf(h->file, sizeof h->file, "x.dcm");
    qib_dicom_free(d);
    free(b.p);
}

static double factor_of(const tu_pet *p, qib_suv_type t, qib_suv_result *r) {
    qib_suv_header h;
    header_of(p, &h);
    qib_error err;
    qib_suv_result local;
    TU_OK(qib_suv_factor(&h, t, r ? r : &local, &err), &err);
    return (r ? r : &local)->factor;
}

/* ---- dates and times ---- */

static void test_time_parsers(void **state) {
    (void)state;
    /* day numbers from Python's datetime.date differences */
    assert_int_equal(qib__pet_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(qib__pet_days_from_civil(2024, 3, 5), 19787);
    assert_int_equal(qib__pet_days_from_civil(1960, 1, 1), -3653);
    assert_int_equal(qib__pet_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(qib__pet_days_from_civil(1600, 2, 29), -135081);
    int64_t day;
    assert_true(qib__pet_parse_da("20240305", &day) && day == 19787);
    assert_true(qib__pet_parse_da("2024.03.05", &day) && day == 19787);
    assert_true(qib__pet_parse_da("20240229", &day));
    assert_false(qib__pet_parse_da("20230229", &day));
    assert_false(qib__pet_parse_da("20241301", &day));
    assert_false(qib__pet_parse_da("2024035", &day));
    assert_false(qib__pet_parse_da("2024030a", &day));
    assert_false(qib__pet_parse_da("", &day));
    double s;
    assert_true(qib__pet_parse_tm("101530.25", &s) && s == 36930.25);
    assert_true(qib__pet_parse_tm("1015", &s) && s == 36900);
    assert_true(qib__pet_parse_tm("10", &s) && s == 36000);
    assert_true(qib__pet_parse_tm("10:15:30.5", &s) && s == 36930.5);
    assert_true(qib__pet_parse_tm("235960", &s) && s == 86400); /* leap second */
    assert_false(qib__pet_parse_tm("2400", &s));
    assert_false(qib__pet_parse_tm("1060", &s));
    assert_false(qib__pet_parse_tm("10153", &s));
    assert_false(qib__pet_parse_tm("101530.", &s));
    assert_false(qib__pet_parse_tm("101530.1234567", &s));
    assert_false(qib__pet_parse_tm("1015.5", &s));
    assert_false(qib__pet_parse_tm("10h15", &s));
    qib__pet_time t;
    bool off;
    int om;
    assert_true(qib__pet_parse_dt("20240305093000.5+0100", &t, &off, &om));
    assert_true(t.day == 19787 && t.sec == 34200.5 && off && om == 60);
    assert_true(qib__pet_parse_dt("202403050930", &t, &off, &om) && t.sec == 34200 && !off);
    assert_true(qib__pet_parse_dt("20240305093000-0530", &t, &off, &om) && om == -330);
    assert_false(qib__pet_parse_dt("20240305", &t, &off, &om));   /* no time of day */
    assert_false(qib__pet_parse_dt("2024030509", &t, &off, &om)); /* no minutes */
    assert_false(qib__pet_parse_dt("20240305093000+01", &t, &off, &om));
    assert_false(qib__pet_parse_dt("20240305093000Z", &t, &off, &om));
    char buf[32];
    t.day = 19787;
    t.sec = 34200.5;
    qib__pet_time_add_minutes(&t, -600); /* 09:30 - 10 h: the day before, 23:30 */
    assert_true(t.day == 19786 && t.sec == 84600.5);
    qib__pet_time_format(&t, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-04T23:30:00.500000");
}

/* ---- body size ---- */

static void test_body_size(void **state) {
    (void)state;
    /* 70 kg, 1.75 m: BMI 22.857142857142857142857142857; Janmahasatian
     * male 9270 x 70 / (6680 + 216 BMI) = 55.857107722577471716674864732,
     * female 9270 x 70 / (8780 + 244 BMI) = 45.197014925373134328358208955;
     * Du Bois 0.007184 x 70^0.425 x 175^0.725 = 1.8481430181213463 m^2 */
    assert_rel(qib_lbm_janmahasatian(70, 1.75, 0), 55.857107722577471716674864732, 1e-14);
    assert_rel(qib_lbm_janmahasatian(70, 1.75, 1), 45.197014925373134328358208955, 1e-14);
    assert_rel(qib_bsa_dubois(70, 1.75), 1.8481430181213463, 1e-14);
    assert_true(isnan(qib_lbm_janmahasatian(0, 1.75, 0)));
    assert_true(isnan(qib_bsa_dubois(70, -1)));
    qib_suv_type t;
    qib_error err;
    assert_int_equal(qib_suv_type_parse("sul", &t, &err), QIB_OK);
    assert_int_equal(t, QIB_SUV_LBM);
    assert_int_equal(qib_suv_type_parse("BW", &t, &err), QIB_ERR_ARG);
    assert_string_equal(qib_suv_type_unit(QIB_SUV_BSA), "cm2/ml");
}

/* ---- the corpus: pet.csv (pydicom's reading) and the hand formula ---- */

static double hhmmss(const char *s) {
    int h, m;
    double sec;
    if (sscanf(s, "%2d%2d%lf", &h, &m, &sec) != 3) fail_msg("bad time '%s' in pet.csv", s);
    return h * 3600.0 + m * 60.0 + sec;
}

static int column(char **names, int n, const char *want) {
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], want)) return i;
    fail_msg("pet.csv has no column %s", want);
    return -1;
}

/* Splits a CSV line without quotes in place. */
static int split(char *line, char **f, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

static void test_corpus_factors(void **state) {
    (void)state;
    char csv[1024], path[1024];
    if (!tu_shared("dicom-corpus/pet.csv", csv, sizeof csv)) return;
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char head[4096], line[4096], *names[32], *v[32];
    assert_non_null(fgets(head, sizeof head, f));
    int nc = split(head, names, 32);
    int c_path = column(names, nc, "path"), c_units = column(names, nc, "Units"),
        c_decay = column(names, nc, "DecayCorrection"), c_w = column(names, nc, "PatientWeight"),
        c_st = column(names, nc, "SeriesTime"), c_at = column(names, nc, "AcquisitionTime"),
        c_inj = column(names, nc, "RadiopharmaceuticalStartTime"),
        c_injdt = column(names, nc, "RadiopharmaceuticalStartDateTime"),
        c_dose = column(names, nc, "RadionuclideTotalDose"),
        c_half = column(names, nc, "RadionuclideHalfLife");
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, v, 32) != nc) fail_msg("pet.csv row %d has a different column count", rows + 2);
        /* the hand computation covers BQML, START, a start time without date */
        assert_string_equal(v[c_units], "BQML");
        assert_string_equal(v[c_decay], "START");
        assert_string_equal(v[c_injdt], "");
        double series = hhmmss(v[c_st]), acq = hhmmss(v[c_at]), inj = hhmmss(v[c_inj]);
        double scan = series <= acq ? series : acq; /* QIBA: series time unless after acquisition */
        double t = scan - inj, w = strtod(v[c_w], NULL), dose = strtod(v[c_dose], NULL),
               half = strtod(v[c_half], NULL);
        double want = w * 1000.0 / (dose * exp(-log(2.0) * t / half));
        char rel[512];
        snprintf(rel, sizeof rel, "dicom-corpus/%s", v[c_path]);
        assert_non_null(tu_shared(rel, path, sizeof path));
        qib_dicom_options o;
        qib_dicom_options_default(&o);
        o.header_only = 1;
        qib_dicom *d = NULL;
        qib_error err;
        TU_OK(qib_dicom_open(path, &o, &d, &err), &err);
        qib_suv_header h;
        TU_OK(qib_suv_header_read(d, &h, &err), &err);
        qib_dicom_free(d);
        qib_suv_result r;
        TU_OK(qib_suv_factor(&h, QIB_SUV_BW, &r, &err), &err);
        printf("%s: SUVbw factor %.17g, hand %.17g (decay %.6f s)\n", v[c_path], r.factor, want, t);
        assert_rel(r.factor, want, 1e-12);
        assert_rel(r.decay_time, t, 1e-9);
        assert_int_equal(r.time_rule, QIB_SUV_TIME_SERIES);
        /* no PatientSize in these files: SUL names the tag */
        assert_int_equal(qib_suv_factor(&h, QIB_SUV_LBM, &r, &err), QIB_ERR_FORMAT);
        assert_string_equal(err.field, "(0010,1020)");
        /* the SUV volume is the loaded (rescaled) image times the factor */
        qib_volume *img = NULL, *suv = NULL;
        TU_OK(qib_load_case_image(path, NULL, &img, NULL, NULL, &err), &err);
        double lo, hi;
        TU_OK(qib_suv_convert(path, NULL, img, QIB_SUV_BW, &suv, &r, &lo, &hi, &err), &err);
        assert_true(lo == hi && REL(lo, r.factor));
        size_t n = qib_volume_frame_voxels(img), nonzero = 0;
        for (size_t i = 0; i < n; i++) {
            double a = qib_volume_value(img, i), s = qib_volume_value(suv, i);
            if (a != 0) nonzero++;
            if (!(fabs(s - a * want) <= 1e-6 * fabs(a * want) + 1e-30))
                fail_msg("voxel %zu: SUV %.9g, want %.9g", i, s, a * want);
        }
        assert_true(nonzero > 0);
        qib_volume_free(img);
        qib_volume_free(suv);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 2);
}

/* ---- synthetic images: every units and decay-correction case ---- */

static void test_decay_cases(void **state) {
    (void)state;
    tu_pet p;
    qib_suv_result r;
    /* ADMIN: no decay; W / D = 70000 / 350e6 = 2e-4 */
    tu_pet_default(&p);
    p.dose = "350000000";
    p.decay = "ADMIN";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 2e-4, 1e-15);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_NONE);
    assert_true(r.decay_time == 0);
    /* START, injected one half-life (6586.2 s) before the series: 4e-4 */
    p.decay = "START";
    p.start_time = "081013.8"; /* 10:00:00 - 6586.2 s */
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_SERIES);
    assert_rel(r.decay_time, 6586.2, 1e-12);
    assert_string_equal(r.decay_reference, "2024-03-05T10:00:00.000000");
    assert_string_equal(r.injection, "2024-03-05T08:10:13.800000");
    assert_true(r.used >> QIB_SUVF_SERIES_TIME & 1);
    assert_true(r.used >> QIB_SUVF_WEIGHT & 1);
    /* NONE: the image's own acquisition, two half-lives after injection */
    p.decay = "NONE";
    p.corrected = "ATTN\\SCAT";
    p.acq_time = "114946.2";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 8e-4, 1e-12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_ACQUISITION);
    /* START with a post-processed series (series time after acquisition):
     * the earliest acquisition, or GE's private scan time when present */
    tu_pet_default(&p);
    p.dose = "350000000";
    p.start_time = "081013.8";
    p.series_time = "120000";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_EARLIEST_ACQ);
    p.ge_scan = "20240305081013.8"; /* the injection itself: no decay */
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 2e-4, 1e-12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_GE_PRIVATE);
    /* a series time equal to the acquisition time is not "after" it */
    p.series_time = "100000";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_SERIES);
    /* Start DateTime wins over Start Time */
    tu_pet_default(&p);
    p.dose = "350000000";
    p.start_time = "000000";
    p.start_datetime = "20240305081013.8";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    assert_true(r.used >> QIB_SUVF_START_DATETIME & 1);
    /* a UTC offset moves it to the series' clock: 07:10:13.8 UTC = 08:10:13.8 +0100 */
    p.start_datetime = "20240305071013.8+0000";
    p.timezone = "+0100";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    /* spanning midnight: injected 22:20:13.8 on the 4th, scanned 00:10:00 */
    tu_pet_default(&p);
    p.dose = "350000000";
    p.series_date = p.acq_date = "20240305";
    p.series_time = p.acq_time = "001000";
    p.start_time = "222013.8";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 4e-4, 1e-12);
    assert_true(r.injection_day_before);
    assert_string_equal(r.injection, "2024-03-04T22:20:13.800000");
}

static void test_units_cases(void **state) {
    (void)state;
    tu_pet p;
    qib_suv_result r;
    /* GML: the pixels are SUVbw already */
    tu_pet_default(&p);
    p.units = "GML";
    p.weight = NULL; /* not needed for bw */
    assert_true(factor_of(&p, QIB_SUV_BW, &r) == 1.0);
    assert_int_equal(r.units_rule, QIB_SUV_UNITS_GML);
    p.weight = "70";
    /* SUL = SUVbw x LBM / W = 55.857107722577471716674864732 / 70 */
    assert_rel(factor_of(&p, QIB_SUV_LBM, &r), 55.857107722577471716674864732 / 70, 1e-14);
    /* Philips CNTS: the SUV scale factor, in a private block 0x11 */
    tu_pet_default(&p);
    p.units = "CNTS";
    p.philips_suv = "0.000123";
    p.philips_block = 0x11;
    assert_true(factor_of(&p, QIB_SUV_BW, &r) == 0.000123);
    assert_int_equal(r.units_rule, QIB_SUV_UNITS_PHILIPS_SUV);
    qib_suv_header h;
    header_of(&p, &h);
    assert_int_equal(h.v[QIB_SUVF_PHILIPS_SUV_FACTOR].tag, QIB_TAG(0x7053, 0x1100));
    char tag[40];
    assert_string_equal(qib_suv_field_tag(&h, QIB_SUVF_PHILIPS_SUV_FACTOR, tag, sizeof tag),
                        "(7053,1100)");
    /* BSA from it: x BSA / W = 18481.430181213463 cm^2 / 70000 g */
    assert_rel(factor_of(&p, QIB_SUV_BSA, &r), 0.000123 * 18481.430181213463 / 70000, 1e-14);
    /* CNTS with only the activity concentration factor: x 4 Bq/ml per unit,
     * then BQML rules (ADMIN, 350 MBq: 2e-4) */
    p.philips_suv = NULL;
    p.philips_act = "4";
    p.decay = "ADMIN";
    p.dose = "350000000";
    assert_rel(factor_of(&p, QIB_SUV_BW, &r), 8e-4, 1e-15);
    assert_int_equal(r.units_rule, QIB_SUV_UNITS_PHILIPS_BQML);
    /* BQML SUL and SUVbsa (ADMIN, 350 MBq) */
    tu_pet_default(&p);
    p.decay = "ADMIN";
    p.dose = "350000000";
    assert_rel(factor_of(&p, QIB_SUV_LBM, &r), 55857.107722577471716674864732 / 350e6, 1e-14);
    assert_rel(r.lbm_kg, 55.857107722577471716674864732, 1e-14);
    p.sex = "F";
    assert_rel(factor_of(&p, QIB_SUV_LBM, &r), 45197.014925373134328358208955 / 350e6, 1e-14);
    assert_rel(factor_of(&p, QIB_SUV_BSA, &r), 18481.430181213463 / 350e6, 1e-14);
    assert_rel(r.bsa_m2, 1.8481430181213463, 1e-14);
}

/* ---- every missing or wrong value names its tag ---- */

typedef struct bad_case {
    const char *what;
    qib_suv_type type;
    qib_status status;
    const char *field, *reason;
} bad_case;

/* Applies case i to p (the default image). */
static void spoil(int i, tu_pet *p) {
    switch (i) {
    case 0: p->modality = NULL; break;
    case 1: p->modality = "CT"; break;
    case 2: p->units = NULL; break;
    case 3: p->units = "CM2ML"; break;
    case 4: p->decay = NULL; break;
    case 5: p->decay = "LATER"; break;
    case 6: p->corrected = NULL; break;
    case 7: p->corrected = "DECY\\SCAT"; break;
    case 8: p->corrected = "ATTN"; break;
    case 9: p->series_time = NULL; break;
    case 10: p->series_date = NULL; break;
    case 11: p->acq_time = NULL; break;
    case 12: p->acq_date = NULL; break;
    case 13: p->series_time = "25000"; break;
    case 14: p->start_time = NULL; break;
    case 15: p->dose = NULL; break;
    case 16: p->dose = "0"; break;
    case 17: p->half_life = NULL; break;
    case 18: p->weight = NULL; break;
    case 19: p->weight = "0"; break;
    case 20: p->weight = "70kg"; break;
    case 21: p->radiopharmaceuticals = 0; break;
    case 22: p->radiopharmaceuticals = 2; break;
    case 23: p->size = NULL; break;
    case 24: p->size = "175"; break;
    case 25: p->sex = NULL; break;
    case 26: p->sex = "O"; break;
    case 27: p->size = NULL; break;
    case 28: p->units = "CNTS"; break;
    case 29: p->units = "CNTS"; p->philips_suv = "x"; break;
    case 30: p->sop_class = "1.2.840.10008.5.1.4.1.1.130"; break;
    case 31: p->decay = "NONE"; break;
    case 32: p->start_time = "110000"; p->start_datetime = "20240305110000"; break;
    case 33: p->start_datetime = "20240305090000+0100"; break;
    case 34: p->start_time = "9h00"; break;
    case 35: p->half_life = "-6586.2"; break;
    }
}

static void test_errors_name_tags(void **state) {
    (void)state;
    static const bad_case cases[] = {
        {"no Modality", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0060)", "Modality is absent"},
        {"CT", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0060)", "Modality is 'CT', not PT"},
        {"no Units", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,1001)", "Units is absent"},
        {"Units CM2ML", QIB_SUV_BW, QIB_ERR_UNSUPPORTED, "(0054,1001)", "not BQML, CNTS or GML"},
        {"no DecayCorrection", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,1102)", "DecayCorrection is absent"},
        {"DecayCorrection LATER", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,1102)", "not START, ADMIN or NONE"},
        {"no CorrectedImage", QIB_SUV_BW, QIB_ERR_FORMAT, "(0028,0051)", "CorrectedImage is absent"},
        {"no ATTN", QIB_SUV_BW, QIB_ERR_FORMAT, "(0028,0051)", "has no ATTN"},
        {"START without DECY", QIB_SUV_BW, QIB_ERR_FORMAT, "(0028,0051)", "has no DECY"},
        {"no SeriesTime", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0031)", "SeriesTime is absent"},
        {"no SeriesDate", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0021)", "SeriesDate is absent"},
        {"no AcquisitionTime", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0032)", "AcquisitionTime is absent"},
        {"no AcquisitionDate", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0022)", "AcquisitionDate is absent"},
        {"SeriesTime 25000", QIB_SUV_BW, QIB_ERR_FORMAT, "(0008,0031)", "not a DICOM time"},
        {"no start time", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1072)",
         "RadiopharmaceuticalStartTime is absent"},
        {"no dose", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1074)",
         "RadionuclideTotalDose is absent"},
        {"dose 0", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1074)", "is not > 0"},
        {"no half-life", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1075)",
         "RadionuclideHalfLife is absent"},
        {"no weight", QIB_SUV_BW, QIB_ERR_FORMAT, "(0010,1030)", "PatientWeight is absent"},
        {"weight 0", QIB_SUV_BW, QIB_ERR_FORMAT, "(0010,1030)", "is outside (0, 1000] kg"},
        {"weight 70kg", QIB_SUV_BW, QIB_ERR_FORMAT, "(0010,1030)", "'70kg' is not one decimal number"},
        {"no radiopharmaceutical", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)", "is absent or empty"},
        {"two radiopharmaceuticals", QIB_SUV_BW, QIB_ERR_UNSUPPORTED, "(0054,0016)", "has 2 items"},
        {"SUL without height", QIB_SUV_LBM, QIB_ERR_FORMAT, "(0010,1020)", "PatientSize is absent"},
        {"height in cm", QIB_SUV_LBM, QIB_ERR_FORMAT, "(0010,1020)", "DICOM gives the height in metres"},
        {"SUL without sex", QIB_SUV_LBM, QIB_ERR_FORMAT, "(0010,0040)", "PatientSex is absent"},
        {"SUL sex O", QIB_SUV_LBM, QIB_ERR_FORMAT, "(0010,0040)", "'O' is not M or F"},
        {"BSA without height", QIB_SUV_BSA, QIB_ERR_FORMAT, "(0010,1020)", "PatientSize is absent"},
        {"CNTS without Philips", QIB_SUV_BW, QIB_ERR_FORMAT, "(7053,1000)",
         "ActivityConcentrationScaleFactor (7053,1009)"},
        {"Philips factor x", QIB_SUV_BW, QIB_ERR_FORMAT, "(7053,1000)", "'x' is not one decimal number"},
        {"Enhanced PET", QIB_SUV_BW, QIB_ERR_UNSUPPORTED, "(0008,0016)", "Enhanced PET"},
        {"NONE with DECY", QIB_SUV_BW, QIB_ERR_FORMAT, "(0028,0051)", "has DECY but DecayCorrection is NONE"},
        {"injection after scan", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1078)",
         "the injection cannot follow the scan"},
        {"offset without timezone", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1078)",
         "TimezoneOffsetFromUTC (0008,0201) is absent"},
        {"start time 9h00", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1072)", "not a DICOM time"},
        {"negative half-life", QIB_SUV_BW, QIB_ERR_FORMAT, "(0054,0016)>(0018,1075)", "is not > 0"},
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        tu_pet p;
        tu_pet_default(&p);
        spoil(i, &p);
        qib_suv_header h;
        header_of(&p, &h);
        qib_suv_result r;
        qib_error err;
        qib_error_clear(&err);
        qib_status st = qib_suv_factor(&h, cases[i].type, &r, &err);
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        printf("%-26s -> %s\n", cases[i].what, msg);
        if (st != cases[i].status)
            fail_msg("%s: status %s, want %s", cases[i].what, qib_status_name(st),
                     qib_status_name(cases[i].status));
        if (strcmp(err.field, cases[i].field))
            fail_msg("%s: field %s, want %s", cases[i].what, err.field, cases[i].field);
        if (!strstr(err.reason, cases[i].reason))
            fail_msg("%s: reason '%s' lacks '%s'", cases[i].what, err.reason, cases[i].reason);
        assert_string_equal(err.file, "x.dcm");
    }
}

/* ---- series ---- */

static void make_dir(const char *name, char *dir, size_t n) {
    tu_tmp(name, dir, n);
    mkdir(dir, 0755);
}

/* SUV volume of the series in dir (type t) and its factor range. */
static qib_status convert_dir(const char *dir, qib_suv_type t, qib_volume **suv,
                              qib_suv_result *r, qib_error *err) {
    qib_volume *img = NULL;
    TU_OK(qib_load_case_image(dir, NULL, &img, NULL, NULL, err), err);
    qib_status st = qib_suv_convert(dir, NULL, img, t, suv, r, NULL, NULL, err);
    qib_volume_free(img);
    return st;
}

static void expect_volume(const qib_volume *v, const double *want, size_t n) {
    assert_int_equal(qib_volume_frame_voxels(v), n);
    assert_int_equal(qib_volume_dtype(v), QIB_DT_F32);
    for (size_t i = 0; i < n; i++)
        if (!(fabs(qib_volume_value(v, i) - want[i]) <= 1e-6 * fabs(want[i])))
            fail_msg("voxel %zu: %.9g, want %.9g", i, qib_volume_value(v, i), want[i]);
}

static void test_series(void **state) {
    (void)state;
    char dir[1024];
    qib_error err;
    qib_suv_result r;
    qib_volume *suv = NULL;
    tu_pet p;
    /* START, 3 slices (files named against the z order), acquisitions
     * 10:00, 10:02, 10:04: the series time 10:00 is the reference, one
     * half-life after the injection: factor 4e-4. Activity concentration
     * (stored x 0.5) 6250 Bq/ml gives SUV 2.5 exactly. */
    make_dir("suv_start", dir, sizeof dir);
    tu_pet_default(&p);
    p.dose = "350000000";
    p.start_time = "081013.8";
    const char *acq[3] = {"100000", "100200", "100400"};
    const char *names[3] = {"c.dcm", "b.dcm", "a.dcm"};
    double want[12];
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.acq_time = acq[k];
        for (int i = 0; i < 4; i++) {
            p.px[i] = (int16_t)(12500 + 1000 * k + 2 * i);
            want[4 * k + i] = (12500.0 + 1000 * k + 2 * i) * 0.5 * 4e-4;
        }
        tu_pet_write(&p, dir, names[k]);
    }
    TU_OK(convert_dir(dir, QIB_SUV_BW, &suv, &r, &err), &err);
    assert_true(fabs(qib_volume_value(suv, 0) - 2.5) < 1e-6);
    expect_volume(suv, want, 12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_SERIES);
    qib_volume_free(suv);
    /* the headers come back in slice order */
    qib_suv_header *h = NULL;
    size_t n = 0;
    qib_volume *img = NULL;
    TU_OK(qib_load_case_image(dir, NULL, &img, NULL, NULL, &err), &err);
    TU_OK(qib_suv_read_series(dir, NULL, qib_volume_grid(img), &h, &n, &err), &err);
    assert_int_equal(n, 3);
    for (int k = 0; k < 3; k++) assert_true(h[k].position[2] == 2.0 * k);
    free(h);
    /* a grid with a slice more than the files */
    qib_grid g = *qib_volume_grid(img);
    g.dim[2] = 4;
    assert_int_equal(qib_suv_read_series(dir, NULL, &g, &h, &n, &err), QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "slice 4 of the volume has no PET image header"));
    qib_volume_free(img);

    /* post-processed: series time 12:00 after the acquisitions; the
     * earliest acquisition 10:00 is the reference whatever the file order */
    make_dir("suv_post", dir, sizeof dir);
    p.series_time = "120000";
    const char *acq2[3] = {"100200", "100000", "100400"};
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.acq_time = acq2[k];
        for (int i = 0; i < 4; i++) p.px[i] = (int16_t)(12500 + 1000 * k + 2 * i);
        tu_pet_write(&p, dir, names[k]);
    }
    TU_OK(convert_dir(dir, QIB_SUV_BW, &suv, &r, &err), &err);
    expect_volume(suv, want, 12);
    assert_int_equal(r.time_rule, QIB_SUV_TIME_EARLIEST_ACQ);
    assert_string_equal(r.decay_reference, "2024-03-05T10:00:00.000000");
    qib_volume_free(suv);

    /* NONE: each slice at its own acquisition: 1, 2 and 3 half-lives after
     * the injection (factors 4e-4, 8e-4, 16e-4); activities that decayed
     * the same way (6250, 3125, 1562.5 Bq/ml) are all SUV 2.5 */
    make_dir("suv_none", dir, sizeof dir);
    tu_pet_default(&p);
    p.dose = "350000000";
    p.start_time = "081013.8";
    p.decay = "NONE";
    p.corrected = "ATTN\\SCAT";
    const char *acq3[3] = {"100000", "114946.2", "133932.4"};
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.acq_time = acq3[k];
        for (int i = 0; i < 4; i++) {
            p.px[i] = (int16_t)(12500 >> k);
            want[4 * k + i] = 2.5;
        }
        tu_pet_write(&p, dir, names[k]);
    }
    double lo, hi;
    TU_OK(qib_load_case_image(dir, NULL, &img, NULL, NULL, &err), &err);
    TU_OK(qib_suv_convert(dir, NULL, img, QIB_SUV_BW, &suv, &r, &lo, &hi, &err), &err);
    assert_rel(lo, 4e-4, 1e-12);
    assert_rel(hi, 16e-4, 1e-12);
    expect_volume(suv, want, 12);
    qib_volume_free(suv);
    qib_volume_free(img);

    /* Philips CNTS: each slice its own SUV scale factor */
    make_dir("suv_cnts", dir, sizeof dir);
    tu_pet_default(&p);
    p.units = "CNTS";
    const char *fac[3] = {"0.001", "0.002", "0.004"};
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.philips_suv = fac[k];
        for (int i = 0; i < 4; i++) {
            p.px[i] = (int16_t)(1000 + i);
            want[4 * k + i] = (1000.0 + i) * 0.5 * strtod(fac[k], NULL);
        }
        tu_pet_write(&p, dir, names[k]);
    }
    TU_OK(convert_dir(dir, QIB_SUV_BW, &suv, &r, &err), &err);
    expect_volume(suv, want, 12);
    qib_volume_free(suv);
    /* ... and SUL = SUVbw x LBM / W */
    for (int i = 0; i < 12; i++) want[i] *= 55.857107722577471716674864732 / 70;
    TU_OK(convert_dir(dir, QIB_SUV_LBM, &suv, &r, &err), &err);
    expect_volume(suv, want, 12);
    qib_volume_free(suv);

    /* one slice with another weight: the series is inconsistent */
    make_dir("suv_mixed", dir, sizeof dir);
    tu_pet_default(&p);
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.weight = k == 2 ? "71" : "70";
        tu_pet_write(&p, dir, names[k]);
    }
    assert_int_equal(convert_dir(dir, QIB_SUV_BW, &suv, &r, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "(0010,1030)");
    assert_non_null(strstr(err.reason, "differs within the series: '71' here, '70' in"));
    /* one slice without its Philips factor */
    make_dir("suv_cnts_gap", dir, sizeof dir);
    tu_pet_default(&p);
    p.units = "CNTS";
    for (int k = 0; k < 3; k++) {
        p.z = 2.0 * k;
        p.philips_suv = k == 1 ? NULL : "0.001";
        tu_pet_write(&p, dir, names[k]);
    }
    assert_int_equal(convert_dir(dir, QIB_SUV_BW, &suv, &r, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "(7053,1000)");
    assert_non_null(strstr(err.file, "b.dcm"));

    /* an image file has no PET header */
    qib_volume *v = NULL;
    qib_grid g1;
    qib_grid_init(&g1, 2, 2, 1);
    TU_OK(qib_volume_create(&g1, 1, QIB_DT_F32, &v, &err), &err);
    char nii[1024];
    tu_tmp("suv_plain.nii", nii, sizeof nii);
    TU_OK(qib_image_write(nii, v, &err), &err);
    assert_int_equal(qib_suv_convert(nii, NULL, v, QIB_SUV_BW, &suv, &r, NULL, NULL, &err),
                     QIB_ERR_ARG);
    qib_volume_free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parsers),  cmocka_unit_test(test_body_size),
        cmocka_unit_test(test_corpus_factors), cmocka_unit_test(test_decay_cases),
        cmocka_unit_test(test_units_cases),   cmocka_unit_test(test_errors_name_tags),
        cmocka_unit_test(test_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
