/* SPDX-License-Identifier: Apache-2.0 */
/* qib/recist.h: RECIST 1.1 tumour response.
 *
 * Two parts. (1) Lesion diameters on a mask: the longest in-plane diameter
 * on the slice where it is longest and, in that slice, the short axis (the
 * longest diameter perpendicular to it), as a radiologist measures a lesion
 * and a lymph node. (2) Response: from a table of lesion assessments over
 * time points, the sum of diameters, its change from baseline and from the
 * nadir, the target, non-target and overall response per time point and the
 * best overall response, with the rules of RECIST 1.1 (Eisenhauer EA et al.,
 * New response evaluation criteria in solid tumours: revised RECIST
 * guideline (version 1.1), Eur J Cancer 2009;45:228-247) and the RECIST
 * committee's published clarifications (recist.eortc.org). docs/RECIST.md
 * lists every rule with its section. */
#ifndef QIB_RECIST_H
#define QIB_RECIST_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diameters on a mask ---- */

typedef struct qib_recist_diameters {
    double long_axis_mm;   /* longest in-plane diameter over all slices */
    double short_axis_mm;  /* longest diameter perpendicular to it, same slice */
    size_t slice;          /* k index of that slice (the first one on a tie) */
    size_t slice_voxels;   /* voxels of the lesion in that slice */
    double long_end[2][3]; /* end points of the long axis, LPS mm */
    double short_end[2][3];/* end points of the short axis, LPS mm */
} qib_recist_diameters;

/* Measures the lesion of mask m (every voxel inside, as one lesion) in the
 * planes of constant k (the acquisition plane of an axial CT). Voxels are
 * squares of spacing[0] x spacing[1] mm: the long axis is the largest
 * distance between two points of the union of the lesion's squares in a
 * slice (a calliper from edge to edge; attained at square corners, found on
 * their convex hull). The short axis is, over the lines perpendicular to
 * the long axis, the largest extent of the lesion along one line (from its
 * first to its last point): for a convex lesion, the longest perpendicular
 * chord. For a w x h rectangle (w >= h) this gives sqrt(w^2 + h^2) and
 * h sqrt(w^2 + h^2) / w; for an ellipse of axes 2a >= 2b, 2a and 2b.
 * Both are rounded to 10^-9 mm. QIB_ERR_EMPTY_ROI when the mask is empty;
 * QIB_ERR_LIMIT when a slice has more than 2^18 boundary pixels (noise,
 * not a lesion). */
QIB_API qib_status qib_recist_measure(const qib_mask *m, qib_recist_diameters *out,
                                      qib_error *err);

/* RECIST 1.1 measurability at baseline (section 3.1): non-nodal lesions
 * "measurable" at >= 10 mm (CT, slices <= 5 mm), else "non-measurable";
 * lymph nodes by short axis: "measurable" >= 15 mm, "pathological,
 * non-measurable" 10 to < 15 mm, "normal" < 10 mm. Never NULL. */
QIB_API const char *qib_recist_measurability(double diameter_mm, int node);

/* ---- the lesion table ---- */

typedef enum qib_recist_role {
    QIB_RECIST_TARGET = 1,
    QIB_RECIST_NONTARGET = 2,
    QIB_RECIST_NEW = 3
} qib_recist_role;

typedef enum qib_recist_status {
    QIB_RECIST_MEASURED = 1,   /* target: diameter_mm holds the measurement */
    QIB_RECIST_TOO_SMALL = 2,  /* target: present but too small to measure: 5 mm */
    QIB_RECIST_ABSENT = 3,     /* target: 0 mm; non-target: disappeared (a node: < 10 mm) */
    QIB_RECIST_PRESENT = 4,    /* non-target still there; new lesion */
    QIB_RECIST_UNEQUIVOCAL_PROGRESSION = 5, /* non-target */
    QIB_RECIST_NOT_EVALUATED = 6 /* any: not assessed at this time point */
} qib_recist_status;

/* One row of a table. Strings are owned by the table. */
typedef struct qib_recist_row {
    const char *subject, *timepoint, *lesion, *organ;
    qib_recist_role role;
    int node;              /* lymph node: diameter_mm is its short axis */
    double diameter_mm;    /* NaN when empty */
    qib_recist_status status;
    double day;            /* the optional day column; NaN when absent or empty */
    uint64_t line;         /* line of the file where the row starts (header: 1) */
} qib_recist_row;

typedef struct qib_recist_table qib_recist_table;

/* Parses a lesion table: CSV (RFC 4180, as qib_manifest_parse) with a
 * header naming the columns subject, timepoint, lesion, role, organ, node,
 * diameter_mm, status and optionally day (days since baseline), in any
 * order; names are matched ignoring case, any other column is an error.
 * Values: role target | nontarget | new; node yes | no (also y/n, true/
 * false, 1/0); status measured | too_small | absent | present |
 * unequivocal_progression | not_evaluated; values ignore case and take '-'
 * or ' ' for '_' ("non-target", "too small"). Row by row: subject,
 * timepoint and lesion are non-empty; a target's status is measured (the
 * default when empty), too_small, absent or not_evaluated and a measured
 * target needs a diameter >= 0; a non-target's status is present, absent,
 * unequivocal_progression or not_evaluated and its diameter is empty; a new
 * lesion's status is present (the default) and its diameter, if any, is
 * kept but not used. Rules that need several rows (baseline, target counts,
 * measurability, consistency over time) are checked by qib_recist_evaluate.
 * Every error names the file (name), the field "line L, column C" and the
 * value seen: QIB_ERR_FORMAT; QIB_ERR_LIMIT above QIB_RECIST_MAX_ROWS rows. */
#define QIB_RECIST_MAX_ROWS 1000000u
QIB_API qib_status qib_recist_table_parse(const char *text, size_t len, const char *name,
                                          qib_recist_table **out, qib_error *err);
/* Reads and parses a file (at most 256 MiB). */
QIB_API qib_status qib_recist_table_read(const char *path, qib_recist_table **out,
                                         qib_error *err);
QIB_API void qib_recist_table_free(qib_recist_table *t);
QIB_API size_t qib_recist_table_rows(const qib_recist_table *t);
/* Row i (0-based, file order), or NULL when out of range. */
QIB_API const qib_recist_row *qib_recist_table_row(const qib_recist_table *t, size_t i);
/* 1 when the table has a day column. */
QIB_API int qib_recist_table_has_days(const qib_recist_table *t);
/* The name given to the parser (for messages). */
QIB_API const char *qib_recist_table_name(const qib_recist_table *t);

/* ---- responses ---- */

typedef enum qib_recist_response {
    QIB_RECIST_NA = 0,         /* baseline, or no lesion of this kind */
    QIB_RECIST_CR = 1,
    QIB_RECIST_PR = 2,
    QIB_RECIST_SD = 3,
    QIB_RECIST_PD = 4,
    QIB_RECIST_NE = 5,
    QIB_RECIST_NON_CR_NON_PD = 6 /* non-target (and non-target-only overall) */
} qib_recist_response;

/* "CR", "PR", "SD", "PD", "NE", "NON-CR/NON-PD", "NA". */
QIB_API const char *qib_recist_response_name(qib_recist_response r);

typedef struct qib_recist_options {
    /* Best overall response needs CR and PR confirmed by the next assessment
     * (at least confirm_days later when the table has days), as in
     * non-randomised trials (RECIST 1.1 sections 4.4.3 and 4.6). Default 0:
     * no confirmation, the rule for randomised trials. */
    int confirm;
    double confirm_days;  /* default 28 (4 weeks) */
    /* SD counts for the best overall response only at >= sd_min_days from
     * baseline (section 4.4.3; protocol-specific). Default 0 (any follow-up);
     * > 0 needs a day column. */
    double sd_min_days;
} qib_recist_options;

QIB_API void qib_recist_options_default(qib_recist_options *o);

/* One subject at one time point. */
typedef struct qib_recist_timepoint {
    const char *subject, *timepoint; /* owned by the result */
    int baseline;           /* the subject's first time point */
    double day;             /* NaN without a day column */
    size_t targets;         /* target lesions of the subject */
    size_t targets_assessed;/* of which assessed at this time point */
    double sum_mm;          /* sum of diameters of the assessed targets (NaN: no targets) */
    double nadir_mm;        /* smallest complete sum before this time point (NaN at baseline) */
    double change_baseline_pct; /* 100 (sum - baseline) / baseline; NaN when undefined */
    double change_nadir_pct;    /* 100 (sum - nadir) / nadir; NaN when undefined (nadir 0) */
    int new_lesions;        /* a new lesion is present */
    qib_recist_response target, nontarget, overall; /* QIB_RECIST_NA at baseline */
} qib_recist_timepoint;

typedef struct qib_recist_subject {
    const char *subject;
    size_t first, count;    /* its time points: tp[first .. first + count - 1] */
    qib_recist_response best; /* best overall response */
} qib_recist_subject;

typedef struct qib_recist_result {
    qib_recist_timepoint *tp;
    size_t n_tp;
    qib_recist_subject *subjects;
    size_t n_subjects;
} qib_recist_result;

/* Evaluates every subject of t (subjects and their time points in the
 * order they first appear; each subject's first time point is its
 * baseline). Checks, each error naming the row's line and column: at most 5
 * targets and 2 per organ (all lymph nodes count as one organ), targets
 * measurable at baseline, non-targets present at baseline, no new lesion at
 * baseline, every target and non-target has a baseline row, a lesion keeps
 * its role, organ and node flag, one row per lesion and time point, days
 * (when given) equal within a time point and increasing. QIB_ERR_FORMAT for
 * those, QIB_ERR_ARG for options that need days the table lacks,
 * QIB_ERR_LIMIT above QIB_RECIST_MAX_LESIONS lesions or time points per
 * subject. opt NULL means defaults. */
#define QIB_RECIST_MAX_LESIONS 1000u
QIB_API qib_status qib_recist_evaluate(const qib_recist_table *t, const qib_recist_options *opt,
                                       qib_recist_result **out, qib_error *err);
QIB_API void qib_recist_result_free(qib_recist_result *r);

#ifdef __cplusplus
}
#endif
#endif
