/* SPDX-License-Identifier: Apache-2.0 */
/* pr_texture.h: what the PyRadiomics 3.1 texture classes share
 * (glcm.c, gldm.c, glrlm.c, glszm.c, ngtdm.c in this folder; private).
 *
 * PyRadiomics works on the region's bounding box (its C matrices in
 * radiomics/src/cmatrices.c); each class here copies the region's grid
 * into a padded box (qib_pr_box) and works on it. Grey levels are
 * PyRadiomics' bin indices; only the levels present get a row of a matrix
 * (PyRadiomics deletes empty levels), but the formulas use the level
 * values themselves (its ivector = grayLevels), and N_g is the highest
 * level present (base.py, _applyBinning: Ng = max(grayLevels)).
 *
 * Neighbours are PyRadiomics' "angles" (cmatrices.c, build_angles): every
 * offset (dk, dj, di) whose largest component (infinity norm) is one of
 * the distances, with no offset as large as the box along its axis and,
 * under force2D, none along the out-of-plane axis. GLCM and GLRLM take one
 * of each opposite pair (13 for distance 1), GLSZM, GLDM and NGTDM both (26).
 * The order is PyRadiomics': dk slowest, offsets from +d down to -d. */
#ifndef QIB_PYRADIOMICS_PR_TEXTURE_H
#define QIB_PYRADIOMICS_PR_TEXTURE_H

#include "../features/texture.h"
#include "../features/zones.h"

/* numpy.spacing(1), PyRadiomics' eps inside logarithms and denominators. */
#define QIB_PR_EPS 2.220446049250313e-16

/* The largest distance accepted in the setting "distances" (a distance d
 * has 24 d^2 + 2 neighbours). */
#define QIB_PR_MAX_DISTANCE 64
#define QIB_PR_MAX_DISTANCES 16

/* An offset along the grid axes i, j, k. */
typedef struct qib_pr_angle {
    int d[3];
} qib_pr_angle;

/* The region's grid copied with pad voxels of 0 on every side, so that
 * neighbours up to pad away need no bounds check. The box is the grid the
 * pipeline cropped to (the region's bounding box plus crop_padding): a
 * larger box than PyRadiomics' only adds angles that meet no pair. */
typedef struct qib_pr_box {
    size_t n[3];        /* grid size along i, j, k (unpadded) */
    size_t pad;         /* padding on each side */
    size_t dim[3];      /* padded size, n + 2 pad */
    size_t nb;          /* voxels of the padded box */
    int32_t *lev;       /* grey level per padded box voxel, 0 outside the region */
    uint32_t *span;     /* per row r = k n[1] + j: the region lies within columns
                           span[2r] .. span[2r+1]-1 (empty when equal) */
    size_t n_vox;       /* voxels in the region (PyRadiomics Np) */
    size_t np;          /* grey levels present */
    int32_t *value;     /* value[c]: the c-th level present, ascending */
    int32_t *index;     /* index[l]: c of level l present (0..ng); index[0] = 0 */
    int32_t ng;         /* highest level present (PyRadiomics Ng) */
    double spacing[3];  /* mm along i, j, k */
} qib_pr_box;

/* Linear offset of an angle in the padded box. */
static inline ptrdiff_t qib__pr_offset(const qib_pr_box *b, const int d[3]) {
    return (ptrdiff_t)d[0] +
           (ptrdiff_t)b->dim[0] * ((ptrdiff_t)d[1] + (ptrdiff_t)b->dim[1] * (ptrdiff_t)d[2]);
}

/* Copies the levels of roi (the region: levels > 0) into b, padded by pad
 * (>= 1). An empty region gives np = 0 (every feature is then NaN).
 * Errors: QIB_ERR_NUMERIC (a negative level), QIB_ERR_LIMIT, QIB_ERR_NOMEM. */
qib_status qib__pr_box_make(const qib_roi *roi, size_t pad, qib_pr_box *b, const char *what,
                            qib_error *err);
void qib__pr_box_free(qib_pr_box *b);
/* Padded box index of the first voxel of row r (= k n[1] + j). */
size_t qib__pr_row_start(const qib_pr_box *b, size_t r);

/* Distance weighting of GLCM/GLRLM angles (setting weighting_norm). */
typedef enum {
    QIB_PR_WEIGHT_NONE = 0, /* features per angle, then averaged */
    QIB_PR_WEIGHT_MANHATTAN,
    QIB_PR_WEIGHT_EUCLIDEAN,
    QIB_PR_WEIGHT_INFINITY,
    QIB_PR_WEIGHT_ONE /* no_weighting: every angle weighs 1 */
} qib_pr_weighting;

/* The PyRadiomics settings the texture classes read. */
typedef struct qib_pr_opts {
    int dist[QIB_PR_MAX_DISTANCES]; /* distances (setting distances) */
    size_t ndist;
    int force2d_axis;          /* grid axis left out by force2D, -1 for none */
    bool symmetric;            /* symmetrical_glcm */
    qib_pr_weighting weighting; /* weighting_norm */
    double alpha;              /* gldm_alpha */
} qib_pr_opts;

/* Reads the settings (defaults when s is NULL). Errors: QIB_ERR_ARG (a
 * distance list that is not integers in 1..QIB_PR_MAX_DISTANCE). */
qib_status qib__pr_opts_read(const qib_settings *s, qib_pr_opts *o, qib_error *err);

/* PyRadiomics' angles for the box (see above); *out is malloc'ed. */
qib_status qib__pr_angles(const qib_pr_box *b, const int *dist, size_t ndist, int force2d_axis,
                          bool both_ways, qib_pr_angle **out, size_t *n, qib_error *err);

/* Length in mm of offset a under a norm (1 for QIB_PR_WEIGHT_ONE and NONE). */
double qib__pr_norm(const qib_pr_box *b, const qib_pr_angle *a, qib_pr_weighting w);

/* For every region voxel in raster order (i fastest): its level index, the
 * number of its neighbours (angles a[0..na-1], each at most b->pad away)
 * inside the region, the sum of their levels, and how many of them differ
 * from it by at most alpha (PyRadiomics calculate_ngtdm and calculate_gldm).
 * want_sum false skips the sum (GLDM). */
typedef void (*qib_pr_voxel_fn)(void *user, size_t c, size_t count, double sum, size_t dep);
qib_status qib__pr_neighbours(const qib_pr_box *b, const qib_pr_angle *a, size_t na,
                              double alpha, bool want_sum, qib_pr_voxel_fn fn, void *user,
                              qib_error *err);

/* -sum_k p_k log2(p_k + eps), p_k = scale x[k] (PyRadiomics' entropies;
 * p_k = 0 adds nothing). */
double qib__pr_entropy(const double *x, size_t n, double scale);

/* -sum_ij p_ij log2(p_ij + eps), p_ij = m_ij / N_s, over a level x count
 * matrix (GLDM). */
double qib__pr_zn_entropy(const qib_zn_mat *m);

/* The second largest eigenvalue of the symmetric n x n matrix a (row-major,
 * destroyed), n >= 2: Householder tridiagonalisation, then bisection on
 * Sturm counts. */
double qib__pr_eig_second(double *a, size_t n);

/* The features of one class, from the region's box, into out (every value
 * NaN on entry). */
typedef qib_status (*qib_pr_compute_fn)(const qib_pr_box *b, const qib_pr_opts *o,
                                        qib_tex_values *out, qib_error *err);

/* The prepare step of a class: reads the settings, makes the box (padded
 * for the setting distances when the class uses them, else by 1) and, when
 * the region is not empty, computes the features into a qib_tex_values
 * context (released with qib__tex_release). */
qib_status qib__pr_prepare(const qib_roi *roi, const char *what, bool uses_distances,
                           qib_pr_compute_fn compute, void **ctx, qib_error *err);

#endif
