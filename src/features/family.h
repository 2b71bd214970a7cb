/* SPDX-License-Identifier: Apache-2.0 */
/* family.h: how a feature family plugs into the registry (folder-private).
 *
 * A family is one file under src/features/ (diagnostics.c, morphology.c,
 * glcm.c, ...). It defines
 *   - a table of qib_feature_def, one per feature, each with the function
 *     that computes it from the family's prepared context, and
 *   - one qib_family_def with prepare/release, which build and free what the
 *     features share (sorted values, histograms, texture matrices).
 * Registering the family is one line in registry.c. Output columns,
 * `qib features` and docs/FEATURES.md all come from these tables. */
#ifndef QIB_FEATURES_FAMILY_H
#define QIB_FEATURES_FAMILY_H

#include "../common/qib_internal.h"

/* The region a family works on, after the processing chain. All arrays are
 * on `grid` (the region's bounding box, plus padding, of the processed
 * image), i fastest. */
typedef struct qib_roi {
    qib_grid grid;             /* grid of the arrays below (LPS) */
    size_t n;                  /* voxels in grid */
    const double *image;       /* processed intensities */
    const uint8_t *morph_mask; /* morphological mask: 1 inside */
    const uint8_t *int_mask;   /* intensity mask: morph mask after re-segmentation */
    size_t n_morph, n_int;     /* voxels inside each mask */
    const qib_settings *settings;

    /* The input as loaded, for diagnostics. */
    const qib_volume *source_image;
    const qib_mask *source_mask; /* the selected label on the source grid */
    qib_box source_box;          /* bounding box of source_mask (no padding) */
} qib_roi;

typedef struct qib_feature_def {
    qib_feature_info info;
    /* Value of the feature from the family's prepared context; NaN when it
     * is undefined for this region (say why in the comment above it). */
    double (*fn)(const void *ctx);
} qib_feature_def;

typedef struct qib_family_def {
    qib_family_info info;
    const qib_feature_def *features;
    size_t n_features;
    /* IBSI aggregation codes this family is computed with, or NULL/0 when
     * the family has none (its results carry an empty aggregation). */
    const char *const *aggregations;
    size_t n_aggregations;
    /* Builds the shared context for one aggregation (index into
     * aggregations, 0 when none). */
    qib_status (*prepare)(const qib_roi *roi, size_t aggregation, void **ctx, qib_error *err);
    void (*release)(void *ctx);
} qib_family_def;

/* All registered families, in output order (registry.c). */
extern const qib_family_def *const qib__families[];
extern const size_t qib__family_total;

/* The families (one per file). */
extern const qib_family_def qib__family_diagnostics;

#endif
