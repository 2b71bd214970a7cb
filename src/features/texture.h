/* SPDX-License-Identifier: Apache-2.0 */
/* texture.h: what the texture-matrix families share (folder-private).
 *
 * IBSI 1 manual, section "Feature aggregation" (texture features): a
 * matrix is counted over voxel pairs or runs along a direction. In 3D there
 * are 13 directions (every neighbour in the 26-neighbourhood, one of each
 * opposite pair); in 2D the 4 in-plane directions of a slice (axis k is the
 * slice axis). GLCM directions are scaled by the Chebyshev distance delta
 * (setting glcm_distance); run lengths always use unit steps.
 *
 * The six aggregation methods (IBSI codes), in the order families list them:
 *   BTW3  2D, averaged:           one matrix per slice and direction;
 *                                 features averaged over all of them
 *   SUJT  2D, slice-merged:       the 4 directions of a slice merged; features
 *                                 averaged over slices
 *   JJUI  2.5D, direction-merged: each direction merged over all slices;
 *                                 features averaged over the 4 directions
 *   ZW7Z  2.5D, merged:           one matrix from every slice and direction
 *   ITBB  3D, averaged:           one matrix per 3D direction; features
 *                                 averaged over the 13 directions
 *   IAZD  3D, merged:             one matrix from all 13 directions
 * Merging means adding the counts of the matrices. A matrix without any
 * count (a slice without region voxels, a direction with no pair inside the
 * region) is left out of the average; a feature that is NaN for one matrix
 * is left out of that feature's average (NaN when it is NaN for all). */
#ifndef QIB_FEATURES_TEXTURE_H
#define QIB_FEATURES_TEXTURE_H

#include "family.h"

/* Aggregation indices (positions in qib__tex_aggregations). */
enum {
    QIB_TEX_2D_AVG = 0,    /* BTW3 */
    QIB_TEX_2D_SLICE = 1,  /* SUJT */
    QIB_TEX_25D_DIR = 2,   /* JJUI */
    QIB_TEX_25D_MERGE = 3, /* ZW7Z */
    QIB_TEX_3D_AVG = 4,    /* ITBB */
    QIB_TEX_3D_MERGE = 5,  /* IAZD */
    QIB_TEX_AGG_COUNT = 6
};
extern const char *const qib__tex_aggregations[QIB_TEX_AGG_COUNT];

/* Most features a texture family has (size of qib_tex_values). */
#define QIB_TEX_MAX_FEATURES 32

/* A block of slices z0..z1-1 of the region's grid, with the grey levels
 * present in it numbered 0..np-1 in ascending order (matrices are sized by
 * the levels present, not by Ng). */
typedef struct qib_tex_slab {
    const int32_t *levels; /* the region's levels, 0 outside the intensity mask */
    size_t nx, ny, nz;     /* grid of levels */
    size_t z0, z1;         /* slices of this slab */
    int32_t ng;            /* Ng of the discretisation (used by normalised features) */
    size_t np;             /* distinct levels in the slab (>= 1) */
    const int32_t *value;  /* value[c]: grey level of index c, ascending */
    const int32_t *index;  /* index[l]: index of level l (valid for levels present) */
} qib_tex_slab;

/* A direction (voxel step), already scaled by the distance. */
typedef struct qib_tex_dir {
    int dx, dy, dz;
} qib_tex_dir;

/* What a matrix family gives the aggregation driver. */
typedef struct qib_tex_ops {
    const char *what;   /* for messages: "GLCM" */
    size_t n_features;  /* <= QIB_TEX_MAX_FEATURES */
    bool scale_by_distance; /* GLCM: directions times glcm_distance */
    /* bytes of one matrix for this slab (to bound memory) */
    size_t (*mat_bytes)(const qib_tex_slab *s);
    /* a zeroed matrix for this slab; NULL when out of memory */
    void *(*mat_new)(const qib_tex_slab *s);
    void (*mat_free)(void *m);
    /* Adds the counts of direction dirs[d] to mats[d], d < ndirs, in one
     * pass over the slab. Entries of mats may be the same matrix (merging). */
    void (*count)(const qib_tex_slab *s, const qib_tex_dir *dirs, size_t ndirs,
                  void *const *mats);
    /* Every feature of one matrix into v[0..n_features-1]; false when the
     * matrix holds no count (it is then left out). Called once per
     * matrix, after counting: it may finish the matrix in place (GLCM
     * makes it symmetric) and use scratch space that mat_new put in m. */
    bool (*features)(const qib_tex_slab *s, void *m, double *v);
} qib_tex_ops;

/* The context the families hand to their feature functions. */
typedef struct qib_tex_values {
    double v[QIB_TEX_MAX_FEATURES];
} qib_tex_values;

/* Numbers the grey levels present in levels[from..to): value[0..np) gets
 * them ascending and index[l] their position. index must hold -1 for every
 * level on entry; qib__tex_levels_reset puts it back. Returns np. Shared by
 * the matrix families (texture.c) and the zone families (zones.c). */
size_t qib__tex_levels_number(const int32_t *levels, size_t from, size_t to, int32_t *index,
                              int32_t *value);
void qib__tex_levels_reset(int32_t *index, const int32_t *value, size_t np);

/* The mean of each feature over matrices, leaving NaN values out (IBSI
 * averaging over directions and slices); a feature with no value is NaN. */
typedef struct qib_tex_mean {
    double sum[QIB_TEX_MAX_FEATURES];
    size_t n[QIB_TEX_MAX_FEATURES];
} qib_tex_mean;
void qib__tex_mean_add(qib_tex_mean *m, const double *v, size_t nf);
void qib__tex_mean_result(const qib_tex_mean *m, size_t nf, qib_tex_values *out);

/* Computes every feature of a family for aggregation `agg` (index above)
 * over the region: v[k] is feature k, averaged as the method says. NaN
 * for every feature when the region has no matrix with a count. Errors:
 * QIB_ERR_ARG (bad agg), QIB_ERR_NUMERIC (a level outside 1..n_levels),
 * QIB_ERR_NOMEM. */
qib_status qib__tex_compute(const qib_roi *roi, size_t agg, const qib_tex_ops *ops,
                            qib_tex_values *out, qib_error *err);

/* The prepare/release pair of a texture family. */
qib_status qib__tex_prepare(const qib_roi *roi, size_t agg, const qib_tex_ops *ops,
                            void **ctx, qib_error *err);
void qib__tex_release(void *ctx);

#endif
