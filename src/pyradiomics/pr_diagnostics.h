/* SPDX-License-Identifier: Apache-2.0 */
/* pr_diagnostics.h: PyRadiomics' diagnostics columns and image-type list
 * (folder-private; used by src/extract/). */
#ifndef QIB_PR_DIAGNOSTICS_H
#define QIB_PR_DIAGNOSTICS_H

#include "../common/qib_internal.h"

/* Appends PyRadiomics' diagnostics_* values (Versions, Configuration,
 * Image-original_*, Mask-original_*) for `image`, its label volume and the
 * selected region `mask` (diagnostics.c). */
qib_status qib__pr_diagnostics(const qib_volume *image, const qib_volume *labels,
                               const qib_mask *mask, const qib_settings *s, qib_results *r,
                               qib_error *err);

/* One image type of setting image_types: PyRadiomics' name ("Original",
 * "Wavelet", "LoG", ...) and its parameters as written ("sigma" ->
 * "[1.0, 3.0]"). */
enum { QIB_PR_MAX_TYPE_PARAMS = 16 };
typedef struct qib_pr_image_type {
    char name[32];
    size_t n_params;
    char *keys[QIB_PR_MAX_TYPE_PARAMS];
    char *values[QIB_PR_MAX_TYPE_PARAMS];
} qib_pr_image_type;

typedef struct qib_pr_image_types {
    qib_pr_image_type *items;
    size_t n;
} qib_pr_image_types;

/* Parses image_types: ';'-separated entries NAME or NAME:KEY=VALUE,KEY=VALUE;
 * a VALUE may be a bracketed list holding commas ("sigma=[1.0, 3.0]"). Names
 * are matched without regard to case and stored as PyRadiomics spells them
 * (image_types.c). */
qib_status qib__pr_image_types_parse(const char *text, qib_pr_image_types *out, qib_error *err);
void qib__pr_image_types_free(qib_pr_image_types *t);

/* PyRadiomics' Configuration_EnabledImageTypes text: "{'Original': {}, 'LoG':
 * {'sigma': [1.0, 3.0]}}". */
qib_status qib__pr_enabled_image_types(const qib_settings *s, qib_buf *b);

#endif
