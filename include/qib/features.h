/* SPDX-License-Identifier: Apache-2.0 */
/* qib/features.h: the feature registry and feature results.
 *
 * Every feature qib computes is described once in the registry: family, name,
 * IBSI code, PyRadiomics name, unit and flags. Output columns, `qib features`
 * and docs/FEATURES.md are all generated from it. */
#ifndef QIB_FEATURES_H
#define QIB_FEATURES_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Feature flags. */
#define QIB_FEATURE_NO_CONSENSUS 0x1u /* IBSI reached no consensus on it */
#define QIB_FEATURE_DIAGNOSTIC 0x2u   /* describes the input, not the region's biology */

typedef struct qib_family_info {
    const char *name;        /* "diagnostics", "morph", "stat", ... (column prefix) */
    const char *title;       /* "Diagnostics", "Morphology", ... */
    const char *ibsi_family; /* IBSI family name, "" if not an IBSI family */
    const char *description;
    /* Output column prefix when it differs from name (PyRadiomics families:
     * name "pyradiomics_glcm", column "glcm"); NULL means name. */
    const char *column;
    /* Definition set: NULL for IBSI, "pyradiomics" for the families that
     * reproduce PyRadiomics 3.1 (setting feature_definitions chooses). */
    const char *set;
} qib_family_info;

/* The column prefix and definition set of a family ("ibsi" or "pyradiomics"). */
QIB_API const char *qib_family_column(const qib_family_info *f);
QIB_API const char *qib_family_set(const qib_family_info *f);

typedef struct qib_feature_info {
    const char *family;      /* a qib_family_info name */
    const char *name;        /* column-safe name, e.g. "voxel_count" */
    const char *ibsi_code;   /* 4-character IBSI identifier, "" if none */
    const char *pyradiomics; /* PyRadiomics column stem, "" if none */
    const char *unit;        /* "mm^3", "" for dimensionless */
    unsigned flags;          /* QIB_FEATURE_* */
    const char *description; /* one line */
} qib_feature_info;

QIB_API size_t qib_family_count(void);
QIB_API const qib_family_info *qib_family_at(size_t i);
QIB_API const qib_family_info *qib_family_find(const char *name);

QIB_API size_t qib_feature_count(void);
QIB_API const qib_feature_info *qib_feature_at(size_t i);
QIB_API const qib_feature_info *qib_feature_find(const char *family, const char *name);

/* One computed value. Strings belong to the results object. */
typedef struct qib_result {
    const char *image_type;  /* "original", or the filter, e.g. "log-sigma-1-0-mm-3D" */
    const char *family;
    const char *feature;
    const char *ibsi_code;
    const char *aggregation; /* IBSI aggregation code, "" if none */
    double value;            /* NaN when undefined for this region */
    const char *text;        /* a text value (PyRadiomics diagnostics), else NULL; value is NaN */
} qib_result;

typedef struct qib_results qib_results;

QIB_API qib_status qib_results_create(qib_results **out, qib_error *err);
QIB_API void qib_results_free(qib_results *r);
/* Appends a value (strings are copied). aggregation may be NULL. */
QIB_API qib_status qib_results_add(qib_results *r, const char *image_type, const char *family,
                                   const char *feature, const char *ibsi_code,
                                   const char *aggregation, double value, qib_error *err);
/* Appends a text value (a diagnostic such as a hash or a tuple). */
QIB_API qib_status qib_results_add_text(qib_results *r, const char *image_type,
                                        const char *family, const char *feature,
                                        const char *text, qib_error *err);
QIB_API size_t qib_results_count(const qib_results *r);
QIB_API const qib_result *qib_results_at(const qib_results *r, size_t i);
/* First result with this family and feature (any image type), or NULL. */
QIB_API const qib_result *qib_results_find(const qib_results *r, const char *family,
                                           const char *feature);
/* Wide-table column name: IMAGE_TYPE "_" FAMILY "_" FEATURE ["_" AGGREGATION]
 * (FAMILY "_" FEATURE when the image type is empty, as for PyRadiomics'
 * diagnostics_* columns).
 * Returns the length needed, like snprintf. */
QIB_API size_t qib_result_column(const qib_result *res, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
