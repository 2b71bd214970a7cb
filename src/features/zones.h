/* SPDX-License-Identifier: Apache-2.0 */
/* zones.h: what the zone and neighbourhood texture families share
 * (GLSZM, GLDZM, NGTDM, NGLDM; folder-private).
 *
 * IBSI 1 manual, sections 3.8-3.11, "Aggregating features": these families
 * have three aggregation methods (IBSI codes), in this order:
 *   8QNN  2D:   one matrix per slice (axis k), in-plane neighbourhoods;
 *               features averaged over the slices
 *   62GR  2.5D: the per-slice matrices merged (counts added, N_v added)
 *   KOBO  3D:   one matrix from the volume, 3D neighbourhoods
 * A slice without intensity-mask voxels, or a matrix without any count,
 * is left out of the average; a feature that is NaN for one matrix is left
 * out of that feature's average (NaN when it is NaN for all).
 *
 * Also here: zones (connected voxels of one grey level: 8-connected within
 * a slice in 2D, 26-connected in 3D; IBSI 3.8) and the GLDZM distance map
 * (IBSI 3.9), and the level x count matrix that GLSZM, GLDZM and NGLDM all
 * use with the GLRLM-style features. */
#ifndef QIB_FEATURES_ZONES_H
#define QIB_FEATURES_ZONES_H

#include "texture.h" /* qib_tex_values, qib__tex_release */

enum { QIB_ZN_2D = 0, QIB_ZN_25D = 1, QIB_ZN_3D = 2, QIB_ZN_AGG_COUNT = 3 };
extern const char *const qib__zn_aggregations[QIB_ZN_AGG_COUNT];

/* Slices z0..z1-1 of the region's grid, counted either slice by slice
 * with in-plane neighbourhoods (planar) or as one 3D block. The grey
 * levels present in the block are numbered 0..np-1 in ascending order. */
typedef struct qib_zn_block {
    const qib_roi *roi;
    const int32_t *levels; /* the region's levels, 0 outside the intensity mask */
    size_t nx, ny, nz;     /* grid of levels */
    size_t z0, z1;
    bool planar;
    size_t np;
    const int32_t *value; /* value[c]: grey level of index c, ascending */
    const int32_t *index; /* index[l]: index of level l (levels present) */
} qib_zn_block;

/* What a family gives the aggregation driver. */
typedef struct qib_zn_ops {
    const char *what; /* for messages: "GLSZM" */
    size_t n_features; /* <= QIB_TEX_MAX_FEATURES */
    /* a zeroed matrix for the block; NULL when out of memory */
    void *(*mat_new)(const qib_zn_block *b);
    void (*mat_free)(void *m);
    /* adds the counts of the block to m */
    qib_status (*count)(const qib_zn_block *b, void *m, qib_error *err);
    /* every feature into v; false when m holds no count (left out) */
    bool (*features)(const qib_zn_block *b, void *m, double *v);
} qib_zn_ops;

/* Every feature of a family for aggregation agg (QIB_ZN_*): v[k] is
 * feature k, averaged or merged as the method says. NaN for every feature
 * when the region has no matrix with a count. Errors: QIB_ERR_ARG,
 * QIB_ERR_NUMERIC (a level outside 1..n_levels), QIB_ERR_NOMEM. */
qib_status qib__zn_compute(const qib_roi *roi, size_t agg, const qib_zn_ops *ops,
                           qib_tex_values *out, qib_error *err);
/* prepare for a family (release is qib__tex_release) */
qib_status qib__zn_prepare(const qib_roi *roi, size_t agg, const qib_zn_ops *ops, void **ctx,
                           qib_error *err);

/* ---- zones ---- */

/* Called once per zone: its grey level, voxel count and the smallest
 * distance-map value of its voxels (0 when no map was given). */
typedef void (*qib_zone_fn)(void *user, int32_t level, size_t size, int32_t dist);

/* Finds the zones of the block (breadth-first with an explicit queue, each
 * voxel visited once). dist: NULL, or the block's distance map from
 * qib__zn_distance. */
qib_status qib__zn_zones(const qib_zn_block *b, const int32_t *dist, qib_zone_fn emit,
                         void *user, qib_error *err);

/* Distance map of the block, indexed (i - z0 * nx * ny): for each voxel
 * of the morphological mask the taxicab (Manhattan) distance to the
 * nearest voxel outside it, 1 on the mask's edge; voxels past the grid
 * count as outside. 4-neighbourhood within each slice when planar,
 * 6-neighbourhood in 3D (IBSI 3.9: iterated erosion). 0 outside the mask.
 * *out is malloc'ed. */
qib_status qib__zn_distance(const qib_zn_block *b, int32_t **out, qib_error *err);

/* ---- the level x count matrix of GLSZM, GLDZM and NGLDM ----
 * m_ij: how many zones (neighbourhoods) have grey level index i (0..np-1)
 * and size / distance / dependence j >= 1. Rows grow as needed, so memory
 * follows the largest j seen per level, not np x the largest j. */
typedef struct qib_zn_mat {
    size_t np;
    double **row;  /* row[a][j - 1] */
    size_t *len;   /* entries of each row */
    size_t nj;     /* longest row */
    double *ri;    /* m_i. (np), set by qib__zn_mat_finish */
    double *rj;    /* m_.j (nj), set by qib__zn_mat_finish */
    double ns;     /* sum of all counts, set by qib__zn_mat_finish */
    double nv;     /* voxels counted (families add to it) */
    const int32_t *value; /* grey level of each index, set by finish */
    bool failed;   /* an allocation failed (sticky) */
} qib_zn_mat;

qib_zn_mat *qib__zn_mat_new(size_t np);
void qib__zn_mat_free(void *m);
/* Adds count to m_aj (j >= 1); sets failed when out of memory. */
void qib__zn_mat_add(qib_zn_mat *m, size_t a, size_t j, double count);
/* Marginals, N_s and the level values; false when the matrix holds no
 * count or an allocation failed. */
bool qib__zn_mat_finish(qib_zn_mat *m, const int32_t *value);
/* (1/N_s) sum_ij m_ij i^gi j^gj, gi and gj in -2, 0, 2. */
double qib__zn_emphasis(const qib_zn_mat *m, int gi, int gj);
/* sum_k x_k^2 */
double qib__zn_sum_sq(const double *x, size_t n);
/* sum_ij (i - mu)^2 p_ij, p_ij = m_ij / N_s, mu = sum_ij i p_ij */
double qib__zn_level_var(const qib_zn_mat *m);
/* sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij */
double qib__zn_count_var(const qib_zn_mat *m);
/* -sum_ij p_ij log2 p_ij over p_ij > 0 */
double qib__zn_entropy(const qib_zn_mat *m);
/* sum_ij p_ij^2 */
double qib__zn_energy(const qib_zn_mat *m);

#endif
