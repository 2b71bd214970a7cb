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

    /* Discretisation (settings discretisation, bin_count, bin_width): grey
     * level 1..n_levels of every int_mask voxel, 0 elsewhere. n_levels is Ng
     * for fixed bin number and the highest level present otherwise. */
    const int32_t *levels;
    int32_t n_levels;
    bool slice_2d;             /* dimensionality 2d: texture per slice (axis k) */
    double reseg_lo, reseg_hi; /* re-segmentation range; -inf/+inf when open */
    /* The processing grid over the whole image (the interpolated grid, or
     * the input grid when there is no interpolation), and where `grid` sits
     * in it. */
    qib_grid processed_full_grid;
    qib_box processed_box;

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

/* Is the aggregation with IBSI code `code` to be computed under settings s
 * (setting texture_aggregations: auto = the 3D ones when dimensionality is
 * 3d, the 2D and 2.5D ones when 2d; all; 2d; 3d)? Codes that are not
 * texture aggregations ("" or DHQ4) always are. texture.c. */
bool qib__aggregation_enabled(const qib_settings *s, const char *code);

/* All registered families, in output order (registry.c). */
extern const qib_family_def *const qib__families[];
extern const size_t qib__family_total;

/* The families (one per file). */
extern const qib_family_def qib__family_diagnostics;
extern const qib_family_def qib__family_morph; /* morphology.c */
extern const qib_family_def qib__family_loc;   /* local_intensity.c */
extern const qib_family_def qib__family_stat; /* stat.c */
extern const qib_family_def qib__family_ih;   /* ih.c */
extern const qib_family_def qib__family_ivh;  /* ivh.c */
extern const qib_family_def qib__family_glcm;  /* glcm.c */
extern const qib_family_def qib__family_glrlm; /* glrlm.c */
extern const qib_family_def qib__family_glszm; /* glszm.c */
extern const qib_family_def qib__family_gldzm; /* gldzm.c */
extern const qib_family_def qib__family_ngtdm; /* ngtdm.c */
extern const qib_family_def qib__family_ngldm; /* ngldm.c */

/* PyRadiomics 3.1 definitions (src/pyradiomics/, one file per class). */
extern const qib_family_def qib__family_pr_shape;      /* src/pyradiomics/shape.c */
extern const qib_family_def qib__family_pr_shape2d;    /* src/pyradiomics/shape2d.c */
extern const qib_family_def qib__family_pr_firstorder; /* src/pyradiomics/firstorder.c */
extern const qib_family_def qib__family_pr_glcm;  /* src/pyradiomics/glcm.c */
extern const qib_family_def qib__family_pr_gldm;  /* src/pyradiomics/gldm.c */
extern const qib_family_def qib__family_pr_glrlm; /* src/pyradiomics/glrlm.c */
extern const qib_family_def qib__family_pr_glszm; /* src/pyradiomics/glszm.c */
extern const qib_family_def qib__family_pr_ngtdm; /* src/pyradiomics/ngtdm.c */

#endif
