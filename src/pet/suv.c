/* SPDX-License-Identifier: Apache-2.0 */
/* suv.c: SUV factors from the PET header, following the vendor-neutral
 * pseudo-code of the QIBA FDG-PET/CT Profile (version 1.13, Appendix G),
 * with lean body mass (Janmahasatian 2005) and body surface area (Du Bois
 * 1916) normalisation; and the SUV volume of a loaded series.
 *
 * Every value is checked where it is used: a missing, malformed, implausible
 * or inconsistent value fails the factor with an error naming the file and
 * the tag. docs/BIOMARKERS.md lists the rules and messages. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/qib_internal.h"
#include "pet_internal.h"

#define SOP_ENHANCED_PET "1.2.840.10008.5.1.4.1.1.130"
#define SOP_LEGACY_ENHANCED_PET "1.2.840.10008.5.1.4.1.1.128.1"

/* ---- names ---- */

const char *qib_suv_type_name(qib_suv_type t) {
    switch (t) {
    case QIB_SUV_BW: return "bw";
    case QIB_SUV_LBM: return "lbm";
    case QIB_SUV_BSA: return "bsa";
    }
    return "invalid";
}

/* DICOM CID 85 "SUV Units": g/ml for SUVbw and SUVlbm, cm2/ml for SUVbsa. */
const char *qib_suv_type_unit(qib_suv_type t) {
    switch (t) {
    case QIB_SUV_BW:
    case QIB_SUV_LBM: return "g/ml";
    case QIB_SUV_BSA: return "cm2/ml";
    }
    return "invalid";
}

qib_status qib_suv_type_parse(const char *text, qib_suv_type *out, qib_error *err) {
    QIB_FAIL_IF(!text || !out, err, QIB_ERR_ARG, NULL, -1, "suv", "no SUV type given");
    if (!strcmp(text, "bw")) *out = QIB_SUV_BW;
    else if (!strcmp(text, "lbm") || !strcmp(text, "sul")) *out = QIB_SUV_LBM;
    else if (!strcmp(text, "bsa")) *out = QIB_SUV_BSA;
    else
        return qib__fail(err, QIB_ERR_ARG, NULL, -1, "suv",
                         "SUV type '%s' is not bw, lbm (sul) or bsa", text);
    return QIB_OK;
}

const char *qib_suv_units_rule_name(qib_suv_units_rule r) {
    switch (r) {
    case QIB_SUV_UNITS_BQML: return "BQML";
    case QIB_SUV_UNITS_PHILIPS_SUV: return "CNTS x Philips SUV scale factor (7053,1000)";
    case QIB_SUV_UNITS_PHILIPS_BQML: return "CNTS x Philips activity concentration scale factor (7053,1009) = Bq/ml";
    case QIB_SUV_UNITS_GML: return "GML (already body-weight SUV)";
    }
    return "invalid";
}

const char *qib_suv_time_rule_name(qib_suv_time_rule r) {
    switch (r) {
    case QIB_SUV_TIME_NONE: return "no decay (dose as injected)";
    case QIB_SUV_TIME_SERIES: return "SeriesDate/SeriesTime";
    case QIB_SUV_TIME_GE_PRIVATE: return "GE private scan date/time (0009,100D)";
    case QIB_SUV_TIME_EARLIEST_ACQ: return "earliest AcquisitionDate/AcquisitionTime";
    case QIB_SUV_TIME_ACQUISITION: return "each image's AcquisitionDate/AcquisitionTime";
    }
    return "invalid";
}

/* ---- body size ---- */

/* Janmahasatian S, Duffull SB, Ash S, Ward LC, Byrne NM, Green B.
 * Quantification of lean bodyweight. Clin Pharmacokinet 2005;44(10):1051-65,
 * equation (the "LBW" of the abstract), as QIBA FDG-PET/CT Profile 1.13
 * Appendix H recommends for SUL:
 *   male   LBM = 9270 x W / (6680 + 216 x BMI)
 *   female LBM = 9270 x W / (8780 + 244 x BMI),  BMI = W / H^2 (kg, m). */
double qib_lbm_janmahasatian(double weight_kg, double height_m, int female) {
    if (!(weight_kg > 0) || !(height_m > 0)) return NAN;
    double bmi = weight_kg / (height_m * height_m);
    return female ? 9270.0 * weight_kg / (8780.0 + 244.0 * bmi)
                  : 9270.0 * weight_kg / (6680.0 + 216.0 * bmi);
}

/* Du Bois D, Du Bois EF. A formula to estimate the approximate surface area
 * if height and weight be known. Arch Intern Med 1916;17:863-71:
 *   BSA (m^2) = 0.007184 x W^0.425 x H^0.725  (W in kg, H in cm). */
double qib_bsa_dubois(double weight_kg, double height_m) {
    if (!(weight_kg > 0) || !(height_m > 0)) return NAN;
    return 0.007184 * pow(weight_kg, 0.425) * pow(100.0 * height_m, 0.725);
}

/* QIBA FDG-PET/CT Profile 1.13, Appendix G: the injected dose decayed over
 * t seconds, decayed dose = injected dose x 2^(-t / half-life). */
static double decayed_dose(double dose, double t, double half_life) {
    return dose * pow(2.0, -t / half_life);
}

/* ---- located errors ---- */

static qib_status field_fail(qib_error *err, qib_status st, const qib_suv_header *h,
                             qib_suv_field f, const char *fmt, ...) QIB_PRINTF(5, 6);
static qib_status field_fail(qib_error *err, qib_status st, const qib_suv_header *h,
                             qib_suv_field f, const char *fmt, ...) {
    char tag[40], msg[QIB_ERROR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    qib_suv_field_tag(h, f, tag, sizeof tag);
    return qib__fail(err, st, h->file[0] ? h->file : NULL, -1, tag, "%s %s",
                     qib_suv_field_keyword(f), msg);
}

/* A computation: the headers, the result being filled and the error. */
typedef struct ctx {
    const qib_suv_header *h;
    size_t n;
    qib_suv_type type;
    qib_suv_result *r;
    qib_error *err;
} ctx;

static const qib_suv_value *use(ctx *c, const qib_suv_header *h, qib_suv_field f) {
    c->r->used |= (uint64_t)1 << f;
    return &h->v[f];
}

/* The text of a required value; why: what needs it. */
static qib_status need_text(ctx *c, const qib_suv_header *h, qib_suv_field f, const char *why,
                            const char **out) {
    const qib_suv_value *v = use(c, h, f);
    if (!v->present) return field_fail(c->err, QIB_ERR_FORMAT, h, f, "is absent: %s", why);
    *out = v->text;
    return QIB_OK;
}

/* A required number in (lo, hi] with its unit. */
static qib_status need_number(ctx *c, const qib_suv_header *h, qib_suv_field f, const char *why,
                              double lo, double hi, const char *unit, double *out) {
    const qib_suv_value *v = use(c, h, f);
    if (!v->present) return field_fail(c->err, QIB_ERR_FORMAT, h, f, "is absent: %s", why);
    if (!v->numeric)
        return field_fail(c->err, QIB_ERR_FORMAT, h, f, "'%s' is not one decimal number", v->text);
    if (!(v->number > lo) || !(v->number <= hi)) {
        if (!isfinite(hi))
            return field_fail(c->err, QIB_ERR_FORMAT, h, f, "%s %s is not > %g", v->text, unit, lo);
        return field_fail(c->err, QIB_ERR_FORMAT, h, f, "%s %s is outside (%g, %g] %s%s", v->text,
                          unit, lo, hi, unit,
                          f == QIB_SUVF_SIZE ? ": DICOM gives the height in metres" : "");
    }
    *out = v->number;
    return QIB_OK;
}

/* Date field + time field of header h on one clock. */
static qib_status date_time(ctx *c, const qib_suv_header *h, qib_suv_field df, qib_suv_field tf,
                            const char *why, qib__pet_time *out) {
    const char *ds = "", *ts = "";
    QIB_FORWARD(need_text(c, h, df, why, &ds));
    QIB_FORWARD(need_text(c, h, tf, why, &ts));
    if (!qib__pet_parse_da(ds, &out->day))
        return field_fail(c->err, QIB_ERR_FORMAT, h, df, "'%s' is not a DICOM date (YYYYMMDD)", ds);
    if (!qib__pet_parse_tm(ts, &out->sec))
        return field_fail(c->err, QIB_ERR_FORMAT, h, tf,
                          "'%s' is not a DICOM time (HHMMSS.FFFFFF)", ts);
    return QIB_OK;
}

/* A DT value (the injection, GE's scan time) on the clock of the series'
 * dates and times: with a UTC offset it is moved to the offset of
 * Timezone Offset From UTC (0008,0201), which must then be given. */
static qib_status date_time_dt(ctx *c, const qib_suv_header *h, qib_suv_field f, const char *text,
                               qib__pet_time *out) {
    bool has_off;
    int off;
    if (!qib__pet_parse_dt(text, out, &has_off, &off))
        return field_fail(c->err, QIB_ERR_FORMAT, h, f,
                          "'%s' is not a DICOM date-time with hours and minutes "
                          "(YYYYMMDDHHMMSS.FFFFFF&ZZXX)",
                          text);
    if (has_off) {
        const qib_suv_value *tz = use(c, h, QIB_SUVF_TIMEZONE_OFFSET);
        int local;
        if (!tz->present)
            return field_fail(c->err, QIB_ERR_FORMAT, h, f,
                              "'%s' has a UTC offset but TimezoneOffsetFromUTC (0008,0201) is "
                              "absent: it cannot be put on the clock of the series times",
                              text);
        if (!qib__pet_parse_offset(tz->text, &local))
            return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_TIMEZONE_OFFSET,
                              "'%s' is not an offset +HHMM or -HHMM", tz->text);
        qib__pet_time_add_minutes(out, local - off);
    }
    return QIB_OK;
}

/* ---- checks of the series as a whole ---- */

static const qib_suv_field series_fields[] = {
    QIB_SUVF_MODALITY,     QIB_SUVF_SOP_CLASS,      QIB_SUVF_UNITS,
    QIB_SUVF_DECAY_CORRECTION, QIB_SUVF_CORRECTED_IMAGE, QIB_SUVF_SERIES_DATE,
    QIB_SUVF_SERIES_TIME,  QIB_SUVF_TIMEZONE_OFFSET, QIB_SUVF_START_TIME,
    QIB_SUVF_START_DATETIME, QIB_SUVF_TOTAL_DOSE,   QIB_SUVF_HALF_LIFE,
    QIB_SUVF_WEIGHT,       QIB_SUVF_SIZE,           QIB_SUVF_SEX,
    QIB_SUVF_GE_SCAN_DATETIME,
};

/* Series-level values must be the same in every image. */
static qib_status check_same(ctx *c) {
    const qib_suv_header *h0 = &c->h[0];
    for (size_t i = 1; i < c->n; i++) {
        const qib_suv_header *h = &c->h[i];
        for (size_t k = 0; k < sizeof series_fields / sizeof series_fields[0]; k++) {
            qib_suv_field f = series_fields[k];
            const qib_suv_value *a = &h0->v[f], *b = &h->v[f];
            if (a->present != b->present || strcmp(a->text, b->text))
                return field_fail(c->err, QIB_ERR_FORMAT, h, f,
                                  "differs within the series: '%s' here, '%s' in %s", b->text,
                                  a->text, h0->file);
        }
        if (h->radiopharmaceuticals != h0->radiopharmaceuticals)
            return qib__fail(c->err, QIB_ERR_FORMAT, h->file, -1, "(0054,0016)",
                             "RadiopharmaceuticalInformationSequence has %zu items here, %zu in %s",
                             h->radiopharmaceuticals, h0->radiopharmaceuticals, h0->file);
    }
    return QIB_OK;
}

/* Modality PT, a PET Image Storage object. */
static qib_status check_modality(ctx *c) {
    const qib_suv_header *h = &c->h[0];
    const char *m = "", *sop = use(c, h, QIB_SUVF_SOP_CLASS)->text;
    QIB_FORWARD(need_text(c, h, QIB_SUVF_MODALITY, "SUV needs a PET image (PT)", &m));
    if (strcmp(m, "PT"))
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_MODALITY,
                          "is '%s', not PT: SUV needs a PET image", m);
    if (!strcmp(sop, SOP_ENHANCED_PET) || !strcmp(sop, SOP_LEGACY_ENHANCED_PET))
        return field_fail(c->err, QIB_ERR_UNSUPPORTED, h, QIB_SUVF_SOP_CLASS,
                          "%s is Enhanced PET: its SUV attributes are not supported", sop);
    return QIB_OK;
}

typedef enum { DECAY_START, DECAY_ADMIN, DECAY_NONE } decay_kind;

/* Does the multi-valued CS text hold the value `word`? */
static bool has_word(const char *text, const char *word) {
    size_t n = strlen(word);
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\\');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, word, n)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

/* Decay Correction and Corrected Image must agree: SUV needs attenuation
 * corrected images (ATTN); START and ADMIN images are decay corrected
 * (DECY), NONE images are not (QIBA Appendix G, PS3.3 C.8.9.1.1.1). */
static qib_status decay_correction(ctx *c, decay_kind *out) {
    const qib_suv_header *h = &c->h[0];
    const char *dc = "", *ci = "";
    QIB_FORWARD(need_text(c, h, QIB_SUVF_DECAY_CORRECTION,
                          "the time the activity refers to is unknown", &dc));
    if (!strcmp(dc, "START")) *out = DECAY_START;
    else if (!strcmp(dc, "ADMIN")) *out = DECAY_ADMIN;
    else if (!strcmp(dc, "NONE")) *out = DECAY_NONE;
    else
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_DECAY_CORRECTION,
                          "'%s' is not START, ADMIN or NONE", dc);
    QIB_FORWARD(need_text(c, h, QIB_SUVF_CORRECTED_IMAGE,
                          "SUV needs attenuation-corrected images (ATTN)", &ci));
    if (!has_word(ci, "ATTN"))
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_CORRECTED_IMAGE,
                          "'%s' has no ATTN: SUV needs attenuation-corrected images", ci);
    bool decy = has_word(ci, "DECY");
    if (*out != DECAY_NONE && !decy)
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_CORRECTED_IMAGE,
                          "'%s' has no DECY but DecayCorrection is %s", ci, dc);
    if (*out == DECAY_NONE && decy)
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_CORRECTED_IMAGE,
                          "'%s' has DECY but DecayCorrection is NONE", ci);
    return QIB_OK;
}

/* ---- times ---- */

/* The decay reference of DecayCorrection START (QIBA Appendix G): Series
 * Date/Time when it is not after the earliest Acquisition Date/Time of the
 * series; otherwise (a post-processed series) GE's private scan date/time
 * when present, else the earliest acquisition. */
static qib_status scan_time(ctx *c, qib__pet_time *ref) {
    qib__pet_time series, earliest = {0, 0}, t;
    QIB_FORWARD(date_time(c, &c->h[0], QIB_SUVF_SERIES_DATE, QIB_SUVF_SERIES_TIME,
                          "the decay reference of DecayCorrection START is the series' start",
                          &series));
    for (size_t i = 0; i < c->n; i++) {
        QIB_FORWARD(date_time(c, &c->h[i], QIB_SUVF_ACQUISITION_DATE, QIB_SUVF_ACQUISITION_TIME,
                              "it is compared with SeriesDate/SeriesTime (QIBA: a series time "
                              "after the acquisition marks a post-processed series)",
                              &t));
        if (i == 0 || qib__pet_time_diff(&t, &earliest) < 0) earliest = t;
    }
    if (qib__pet_time_diff(&series, &earliest) <= 0) {
        *ref = series;
        c->r->time_rule = QIB_SUV_TIME_SERIES;
        return QIB_OK;
    }
    const qib_suv_value *ge = &c->h[0].v[QIB_SUVF_GE_SCAN_DATETIME];
    if (ge->present) {
        use(c, &c->h[0], QIB_SUVF_GE_SCAN_DATETIME);
        QIB_FORWARD(date_time_dt(c, &c->h[0], QIB_SUVF_GE_SCAN_DATETIME, ge->text, ref));
        c->r->time_rule = QIB_SUV_TIME_GE_PRIVATE;
        return QIB_OK;
    }
    *ref = earliest;
    c->r->time_rule = QIB_SUV_TIME_EARLIEST_ACQ;
    return QIB_OK;
}

/* The injection: Radiopharmaceutical Start DateTime, else Start Time on the
 * day of `ref` (the day before when that would put it after ref: QIBA
 * "consider spanning midnight"). */
static qib_status injection_time(ctx *c, const qib__pet_time *ref, qib__pet_time *out) {
    const qib_suv_header *h = &c->h[0];
    const qib_suv_value *dt = use(c, h, QIB_SUVF_START_DATETIME);
    if (dt->present) return date_time_dt(c, h, QIB_SUVF_START_DATETIME, dt->text, out);
    const char *tm = "";
    QIB_FORWARD(need_text(c, h, QIB_SUVF_START_TIME,
                          "RadiopharmaceuticalStartDateTime (0018,1078) is absent too: the "
                          "injection time is needed for decay correction",
                          &tm));
    double sec;
    if (!qib__pet_parse_tm(tm, &sec))
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_START_TIME,
                          "'%s' is not a DICOM time (HHMMSS.FFFFFF)", tm);
    out->day = ref->day;
    out->sec = sec;
    if (qib__pet_time_diff(out, ref) > 0) {
        out->day--;
        c->r->injection_day_before = 1;
    }
    return QIB_OK;
}

/* The one radiopharmaceutical of the series. */
static qib_status radiopharmaceutical(ctx *c) {
    const qib_suv_header *h = &c->h[0];
    if (h->radiopharmaceuticals == 0)
        return qib__fail(c->err, QIB_ERR_FORMAT, h->file[0] ? h->file : NULL, -1, "(0054,0016)",
                         "RadiopharmaceuticalInformationSequence is absent or empty: the "
                         "injected dose, its time and half-life are needed");
    if (h->radiopharmaceuticals > 1)
        return qib__fail(c->err, QIB_ERR_UNSUPPORTED, h->file[0] ? h->file : NULL, -1,
                         "(0054,0016)",
                         "RadiopharmaceuticalInformationSequence has %zu items: which "
                         "radiopharmaceutical the image shows is ambiguous",
                         h->radiopharmaceuticals);
    return QIB_OK;
}

/* ---- factors ---- */

/* Units and the per-image scale of the activity concentration. */
static qib_status units(ctx *c, double *scale) {
    const qib_suv_header *h0 = &c->h[0];
    const char *u = "";
    QIB_FORWARD(need_text(c, h0, QIB_SUVF_UNITS, "the unit of the pixel values is unknown", &u));
    if (!strcmp(u, "BQML")) {
        c->r->units_rule = QIB_SUV_UNITS_BQML;
        for (size_t i = 0; i < c->n; i++) scale[i] = 1.0;
        return QIB_OK;
    }
    if (!strcmp(u, "GML")) {
        c->r->units_rule = QIB_SUV_UNITS_GML;
        for (size_t i = 0; i < c->n; i++) scale[i] = 1.0;
        return QIB_OK;
    }
    if (strcmp(u, "CNTS"))
        return field_fail(c->err, QIB_ERR_UNSUPPORTED, h0, QIB_SUVF_UNITS,
                          "'%s' is not BQML, CNTS or GML: no SUV rule for it", u);
    /* Philips: the SUV scale factor (7053,1000) if present, else the activity
     * concentration scale factor (7053,1009) gives Bq/ml. Each image has its
     * own (they follow its Rescale Slope). */
    qib_suv_field f = h0->v[QIB_SUVF_PHILIPS_SUV_FACTOR].present ? QIB_SUVF_PHILIPS_SUV_FACTOR
                                                                 : QIB_SUVF_PHILIPS_ACTIVITY_FACTOR;
    if (!h0->v[f].present)
        return field_fail(c->err, QIB_ERR_FORMAT, h0, QIB_SUVF_PHILIPS_SUV_FACTOR,
                          "is absent and so is ActivityConcentrationScaleFactor (7053,1009) of "
                          "private creator 'Philips PET Private Group': Units CNTS cannot be "
                          "converted");
    c->r->units_rule = f == QIB_SUVF_PHILIPS_SUV_FACTOR ? QIB_SUV_UNITS_PHILIPS_SUV
                                                        : QIB_SUV_UNITS_PHILIPS_BQML;
    for (size_t i = 0; i < c->n; i++)
        QIB_FORWARD(need_number(c, &c->h[i], f, "Units CNTS need it in every image of the series",
                                0, INFINITY, "", &scale[i]));
    c->r->scale = scale[0];
    return QIB_OK;
}

/* The normaliser of the SUV type: weight (g), lean body mass (g) or body
 * surface area (cm^2); NaN in *norm when the type needs no weight (bw of
 * GML or the Philips SUV factor). */
static qib_status normaliser(ctx *c, bool need_weight, double *norm, double *weight_g) {
    const qib_suv_header *h = &c->h[0];
    qib_suv_result *r = c->r;
    double w, hm = NAN;
    *norm = *weight_g = NAN;
    if (!need_weight && c->type == QIB_SUV_BW) return QIB_OK;
    QIB_FORWARD(need_number(c, h, QIB_SUVF_WEIGHT,
                            "SUV needs the patient's weight in kg; qib never assumes one", 0, 1000,
                            "kg", &w));
    r->weight_kg = w;
    *weight_g = 1000.0 * w;
    if (c->type == QIB_SUV_BW) {
        *norm = *weight_g;
        return QIB_OK;
    }
    QIB_FORWARD(need_number(c, h, QIB_SUVF_SIZE,
                            c->type == QIB_SUV_LBM
                                ? "SUL (lean body mass) needs the patient's height in metres"
                                : "SUVbsa (body surface area) needs the patient's height in metres",
                            0, 3, "m", &hm));
    r->height_m = hm;
    r->bmi = w / (hm * hm);
    if (c->type == QIB_SUV_BSA) {
        r->bsa_m2 = qib_bsa_dubois(w, hm);
        *norm = 1e4 * r->bsa_m2;
        return QIB_OK;
    }
    const char *sex = "";
    QIB_FORWARD(need_text(c, h, QIB_SUVF_SEX,
                          "the Janmahasatian lean body mass differs for men (M) and women (F)",
                          &sex));
    if (strcmp(sex, "M") && strcmp(sex, "F"))
        return field_fail(c->err, QIB_ERR_FORMAT, h, QIB_SUVF_SEX,
                          "'%s' is not M or F: the Janmahasatian lean body mass has a formula "
                          "for men and one for women only",
                          sex);
    r->lbm_kg = qib_lbm_janmahasatian(w, hm, sex[0] == 'F');
    *norm = 1000.0 * r->lbm_kg;
    return QIB_OK;
}

/* Decay times (s) of each image from the injection to the time its pixel
 * values refer to. */
static qib_status decay_times(ctx *c, decay_kind kind, double *t) {
    qib_suv_result *r = c->r;
    if (kind == DECAY_ADMIN) { /* decay corrected to the administration */
        r->time_rule = QIB_SUV_TIME_NONE;
        for (size_t i = 0; i < c->n; i++) t[i] = 0;
        r->decay_time = 0;
        return QIB_OK;
    }
    qib__pet_time ref, inj;
    if (kind == DECAY_START) {
        QIB_FORWARD(scan_time(c, &ref));
    } else { /* NONE: each image at its own acquisition start */
        r->time_rule = QIB_SUV_TIME_ACQUISITION;
        for (size_t i = 0; i < c->n; i++) {
            qib__pet_time a;
            QIB_FORWARD(date_time(c, &c->h[i], QIB_SUVF_ACQUISITION_DATE,
                                  QIB_SUVF_ACQUISITION_TIME,
                                  "images without decay correction (NONE) refer to their "
                                  "acquisition time",
                                  &a));
            if (i == 0 || qib__pet_time_diff(&a, &ref) < 0) ref = a;
        }
    }
    QIB_FORWARD(injection_time(c, &ref, &inj));
    qib__pet_time_format(&inj, r->injection, sizeof r->injection);
    for (size_t i = 0; i < c->n; i++) {
        qib__pet_time at = ref;
        if (kind == DECAY_NONE)
            QIB_FORWARD(date_time(c, &c->h[i], QIB_SUVF_ACQUISITION_DATE,
                                  QIB_SUVF_ACQUISITION_TIME, "", &at));
        t[i] = qib__pet_time_diff(&at, &inj);
        if (t[i] < 0) {
            char a[32], b[32];
            qib__pet_time_format(&inj, a, sizeof a);
            qib__pet_time_format(&at, b, sizeof b);
            return field_fail(c->err, QIB_ERR_FORMAT, &c->h[i],
                              c->h[0].v[QIB_SUVF_START_DATETIME].present
                                  ? QIB_SUVF_START_DATETIME
                                  : QIB_SUVF_START_TIME,
                              "puts the injection at %s, %.3f s after the time the activity "
                              "refers to (%s, %s): the injection cannot follow the scan",
                              a, -t[i], b, qib_suv_time_rule_name(r->time_rule));
        }
        if (i == 0) qib__pet_time_format(&at, r->decay_reference, sizeof r->decay_reference);
    }
    r->decay_time = t[0];
    return QIB_OK;
}

static void result_init(qib_suv_result *r, qib_suv_type t) {
    memset(r, 0, sizeof *r);
    r->type = t;
    r->factor = r->decay_time = r->decay_factor = r->decayed_dose = NAN;
    r->weight_kg = r->height_m = r->bmi = r->lbm_kg = r->bsa_m2 = NAN;
    r->normaliser = r->scale = NAN;
}

static qib_status compute(ctx *c, double *factors) {
    qib_suv_result *r = c->r;
    size_t n = c->n;
    QIB_FORWARD(check_same(c));
    QIB_FORWARD(check_modality(c));
    decay_kind kind = DECAY_START;
    QIB_FORWARD(decay_correction(c, &kind));
    use(c, &c->h[0], QIB_SUVF_RESCALE_SLOPE); /* applied by the series loader */
    use(c, &c->h[0], QIB_SUVF_RESCALE_INTERCEPT);
    /* scale: activity scale per image; t: decay time per image; f: factors */
    double *scale = malloc(3 * n * sizeof *scale);
    if (!scale) return qib__nomem(c->err, NULL, "SUV factors");
    double *t = scale + n, *f = t + n;
    qib_status st = units(c, scale);
    bool activity = !st && (r->units_rule == QIB_SUV_UNITS_BQML ||
                            r->units_rule == QIB_SUV_UNITS_PHILIPS_BQML);
    double norm = NAN, weight_g = NAN;
    if (!st) st = normaliser(c, activity, &norm, &weight_g);
    r->normaliser = norm;
    if (!st && activity) {
        double dose = 0, half = 0;
        const qib_suv_header *h = &c->h[0];
        st = radiopharmaceutical(c);
        if (!st)
            st = need_number(c, h, QIB_SUVF_TOTAL_DOSE, "the injected activity (Bq) is needed",
                             0, INFINITY, "Bq", &dose);
        if (!st)
            st = need_number(c, h, QIB_SUVF_HALF_LIFE, "the half-life (s) is needed for decay",
                             0, INFINITY, "s", &half);
        if (!st) st = decay_times(c, kind, t);
        for (size_t i = 0; !st && i < n; i++) {
            double dd = decayed_dose(dose, t[i], half);
            f[i] = scale[i] * norm / dd;
            if (i == 0) {
                r->decay_factor = dd / dose;
                r->decayed_dose = dd;
            }
        }
    } else if (!st) {
        /* GML or the Philips SUV factor: scale is the body-weight factor */
        double ratio = r->type == QIB_SUV_BW ? 1.0 : norm / weight_g;
        for (size_t i = 0; i < n; i++) f[i] = scale[i] * ratio;
    }
    for (size_t i = 0; !st && i < n; i++)
        if (!isfinite(f[i]) || !(f[i] > 0))
            st = qib__fail(c->err, QIB_ERR_NUMERIC, c->h[i].file[0] ? c->h[i].file : NULL, -1,
                           NULL, "the SUV factor is %g, not a positive number", f[i]);
    if (!st) {
        memcpy(factors, f, n * sizeof *factors);
        r->factor = f[0];
    }
    free(scale);
    return st;
}

qib_status qib_suv_series_factors(const qib_suv_header *h, size_t n, qib_suv_type t,
                                  double *factors, qib_suv_result *res, qib_error *err) {
    QIB_FAIL_IF(!h || !n || !factors, err, QIB_ERR_ARG, NULL, -1, NULL,
                "headers and a factor array are needed");
    QIB_FAIL_IF((unsigned)t >= QIB_SUV_TYPES, err, QIB_ERR_ARG, NULL, -1, "suv",
                "invalid SUV type %d", (int)t);
    qib_suv_result local;
    qib_suv_result *r = res ? res : &local;
    result_init(r, t);
    ctx c = {h, n, t, r, err};
    return compute(&c, factors);
}

qib_status qib_suv_factor(const qib_suv_header *h, qib_suv_type t, qib_suv_result *res,
                          qib_error *err) {
    double f;
    return qib_suv_series_factors(h, 1, t, &f, res, err);
}

/* ---- volumes ---- */

qib_status qib_suv_apply(const qib_volume *v, const double *factors, qib_volume **out,
                         qib_error *err) {
    QIB_FAIL_IF(!v || !factors || !out, err, QIB_ERR_ARG, NULL, -1, NULL,
                "a volume, factors and an output are needed");
    QIB_FAIL_IF(qib_volume_frames(v) != 1, err, QIB_ERR_ARG, NULL, -1, NULL,
                "SUV conversion takes one frame, the volume has %zu", qib_volume_frames(v));
    const qib_grid *g = qib_volume_grid(v);
    qib_volume *o = NULL;
    QIB_FORWARD(qib_volume_create(g, 1, QIB_DT_F32, &o, err));
    float *dst = qib_volume_data(o);
    size_t plane = g->dim[0] * g->dim[1];
    for (size_t k = 0, n = 0; k < g->dim[2]; k++)
        for (size_t i = 0; i < plane; i++, n++) dst[n] = (float)(qib_volume_value(v, n) * factors[k]);
    *out = o;
    return QIB_OK;
}

qib_status qib_suv_convert(const char *path, const qib_load_options *opt, const qib_volume *image,
                           qib_suv_type t, qib_volume **out, qib_suv_result *res,
                           double *factor_min, double *factor_max, qib_error *err) {
    QIB_FAIL_IF(!path || !image || !out, err, QIB_ERR_ARG, path, -1, NULL,
                "a path, an image and an output are needed");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    if (!S_ISDIR(sb.st_mode)) {
        qib_dicom_options o;
        qib_dicom_options_default(&o);
        o.header_only = 1;
        qib_dicom *d = NULL;
        if (qib_dicom_open(path, &o, &d, NULL) != QIB_OK)
            return qib__fail(err, QIB_ERR_ARG, path, -1, NULL,
                             "SUV needs the DICOM PET series (its header holds the dose, weight "
                             "and times); this is not a DICOM file");
        qib_dicom_free(d);
    }
    qib_dicom_series_options so;
    qib_dicom_series_options_default(&so);
    if (opt) {
        so.recursive = opt->recursive;
        so.series_uid = opt->series_uid;
    }
    const qib_grid *g = qib_volume_grid(image);
    qib_suv_header *h = NULL;
    size_t n = 0;
    QIB_FORWARD(qib_suv_read_series(path, &so, g, &h, &n, err));
    double *f = malloc((n ? n : 1) * sizeof *f);
    qib_status st = f ? QIB_OK : qib__nomem(err, path, "SUV factors");
    if (!st) st = qib_suv_series_factors(h, n, t, f, res, err);
    if (!st) st = qib_suv_apply(image, f, out, err);
    if (!st) {
        double lo = f[0], hi = f[0];
        for (size_t k = 1; k < n; k++) {
            lo = fmin(lo, f[k]);
            hi = fmax(hi, f[k]);
        }
        if (factor_min) *factor_min = lo;
        if (factor_max) *factor_max = hi;
    }
    free(f);
    free(h);
    return st;
}
