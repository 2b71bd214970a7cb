/* SPDX-License-Identifier: Apache-2.0 */
/* gldzm.c: grey level distance zone matrix features (IBSI 1 manual,
 * section 3.9 "Grey level distance zone based features", family code VMDZ).
 *
 * Zones are those of the GLSZM (intensity mask; 8-connected within a slice
 * in 2D and 2.5D, 26-connected in 3D). The distance of a zone is the
 * smallest distance-map value of its voxels; the distance map is computed
 * on the MORPHOLOGICAL mask (IBSI 3.9, "Morphological and intensity
 * masks"): the taxicab distance of a voxel to the nearest voxel outside
 * the mask, 1 on the mask's edge, with 4-connectedness within a slice in
 * 2D / 2.5D and 6-connectedness in 3D (zones.c). The matrix d_ij counts
 * the zones with grey level i and distance j. Aggregation: 8QNN per slice
 * averaged, 62GR slice matrices merged (N_v added), KOBO one 3D matrix.
 *
 * Symbols: i the grey level, j the distance (1..N_d); N_s = sum_ij d_ij
 * the number of zones; d_i. = sum_j d_ij, d_.j = sum_i d_ij; N_v the
 * intensity-mask voxels of the matrix; p_ij = d_ij / N_s. Logarithms are
 * base 2. PyRadiomics has no GLDZM. */
#include <math.h>
#include <stdlib.h>

#include "zones.h"

typedef qib_zn_mat gldzm_mat;

/* ---- the features, each from one matrix ---- */

/* Small distance emphasis. IBSI 0GBI; no PyRadiomics equivalent.
 * (1/N_s) sum_j d_.j / j^2. IBSI 3.9.1. */
static double sde(const gldzm_mat *m) { return qib__zn_emphasis(m, 0, -2); }

/* Large distance emphasis. IBSI MB4I. (1/N_s) sum_j j^2 d_.j. IBSI 3.9.2. */
static double lde(const gldzm_mat *m) { return qib__zn_emphasis(m, 0, 2); }

/* Low grey level zone emphasis. IBSI S1RA. (1/N_s) sum_i d_i. / i^2.
 * IBSI 3.9.3. */
static double lgze(const gldzm_mat *m) { return qib__zn_emphasis(m, -2, 0); }

/* High grey level zone emphasis. IBSI K26C. (1/N_s) sum_i i^2 d_i..
 * IBSI 3.9.4. */
static double hgze(const gldzm_mat *m) { return qib__zn_emphasis(m, 2, 0); }

/* Small distance low grey level emphasis. IBSI RUVG.
 * (1/N_s) sum_ij d_ij / (i^2 j^2). IBSI 3.9.5. */
static double sdlge(const gldzm_mat *m) { return qib__zn_emphasis(m, -2, -2); }

/* Small distance high grey level emphasis. IBSI DKNJ.
 * (1/N_s) sum_ij i^2 d_ij / j^2. IBSI 3.9.6. */
static double sdhge(const gldzm_mat *m) { return qib__zn_emphasis(m, 2, -2); }

/* Large distance low grey level emphasis. IBSI A7WM.
 * (1/N_s) sum_ij j^2 d_ij / i^2. IBSI 3.9.7. */
static double ldlge(const gldzm_mat *m) { return qib__zn_emphasis(m, -2, 2); }

/* Large distance high grey level emphasis. IBSI KLTH.
 * (1/N_s) sum_ij i^2 j^2 d_ij. IBSI 3.9.8. */
static double ldhge(const gldzm_mat *m) { return qib__zn_emphasis(m, 2, 2); }

/* Grey level non-uniformity. IBSI VFT7. (1/N_s) sum_i d_i.^2. IBSI 3.9.9. */
static double glnu(const gldzm_mat *m) { return qib__zn_sum_sq(m->ri, m->np) / m->ns; }

/* Normalised grey level non-uniformity. IBSI 7HP3.
 * (1/N_s^2) sum_i d_i.^2. IBSI 3.9.10. */
static double glnu_norm(const gldzm_mat *m) {
    return qib__zn_sum_sq(m->ri, m->np) / (m->ns * m->ns);
}

/* Zone distance non-uniformity. IBSI V294. (1/N_s) sum_j d_.j^2.
 * IBSI 3.9.11. */
static double zdnu(const gldzm_mat *m) { return qib__zn_sum_sq(m->rj, m->nj) / m->ns; }

/* Normalised zone distance non-uniformity. IBSI IATH.
 * (1/N_s^2) sum_j d_.j^2. IBSI 3.9.12. */
static double zdnu_norm(const gldzm_mat *m) {
    return qib__zn_sum_sq(m->rj, m->nj) / (m->ns * m->ns);
}

/* Zone percentage. IBSI VIWW. N_s / N_v, N_v summed over merged slices.
 * IBSI 3.9.13. */
static double z_perc(const gldzm_mat *m) { return m->ns / m->nv; }

/* Grey level variance. IBSI QK93. sum_ij (i - mu)^2 p_ij,
 * mu = sum_ij i p_ij. IBSI 3.9.14. */
static double gl_var(const gldzm_mat *m) { return qib__zn_level_var(m); }

/* Zone distance variance. IBSI 7WT1. sum_ij (j - mu)^2 p_ij,
 * mu = sum_ij j p_ij. IBSI 3.9.15. */
static double zd_var(const gldzm_mat *m) { return qib__zn_count_var(m); }

/* Zone distance entropy. IBSI GBDU. -sum_ij p_ij log2 p_ij (p_ij > 0).
 * IBSI 3.9.16. */
static double zd_entr(const gldzm_mat *m) { return qib__zn_entropy(m); }

/* ---- registration ---- */

#define GLDZM_LIST(X)                                                                          \
    X(sde, "0GBI", "", "Small distance emphasis.")                                             \
    X(lde, "MB4I", "", "Large distance emphasis.")                                             \
    X(lgze, "S1RA", "", "Low grey level zone emphasis.")                                       \
    X(hgze, "K26C", "", "High grey level zone emphasis.")                                      \
    X(sdlge, "RUVG", "", "Small distance low grey level emphasis.")                            \
    X(sdhge, "DKNJ", "", "Small distance high grey level emphasis.")                           \
    X(ldlge, "A7WM", "", "Large distance low grey level emphasis.")                            \
    X(ldhge, "KLTH", "", "Large distance high grey level emphasis.")                           \
    X(glnu, "VFT7", "", "Grey level non-uniformity.")                                          \
    X(glnu_norm, "7HP3", "", "Normalised grey level non-uniformity.")                          \
    X(zdnu, "V294", "", "Zone distance non-uniformity.")                                       \
    X(zdnu_norm, "IATH", "", "Normalised zone distance non-uniformity.")                       \
    X(z_perc, "VIWW", "", "Zones per voxel.")                                                  \
    X(gl_var, "QK93", "", "Variance of the zone grey levels.")                                 \
    X(zd_var, "7WT1", "", "Variance of the zone distances.")                                   \
    X(zd_entr, "GBDU", "", "Entropy of the distance zone matrix.")

#define ENUM(name, code, pyrad, text) GLDZM_##name,
enum { GLDZM_LIST(ENUM) GLDZM_N };

#define FN(name, code, pyrad, text) name,
static double (*const gldzm_fns[GLDZM_N])(const gldzm_mat *) = {GLDZM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                           \
    static double get_##name(const void *c) {                                                  \
        return ((const qib_tex_values *)c)->v[GLDZM_##name];                                   \
    }
GLDZM_LIST(GET)

/* ---- matrices ---- */

static void *gldzm_new(const qib_zn_block *b) { return qib__zn_mat_new(b->np); }

typedef struct zone_sink {
    gldzm_mat *m;
    const qib_zn_block *b;
} zone_sink;

/* One zone: d_ij += 1 at i = level, j = its distance. A zone voxel outside
 * the morphological mask (distance 0) cannot happen, as the intensity mask
 * lies inside it; such a zone would count at distance 1. */
static void add_zone(void *user, int32_t level, size_t size, int32_t dist) {
    zone_sink *k = user;
    k->m->nv += (double)size;
    qib__zn_mat_add(k->m, (size_t)k->b->index[level], dist > 1 ? (size_t)dist : 1, 1.0);
}

static qib_status gldzm_count(const qib_zn_block *b, void *p, qib_error *err) {
    gldzm_mat *m = p;
    zone_sink k = {m, b};
    int32_t *dist = NULL;
    QIB_FORWARD(qib__zn_distance(b, &dist, err));
    qib_status st = qib__zn_zones(b, dist, add_zone, &k, err);
    free(dist);
    QIB_FORWARD(st);
    if (m->failed) return qib__nomem(err, NULL, "GLDZM");
    return QIB_OK;
}

static bool gldzm_features(const qib_zn_block *b, void *p, double *v) {
    gldzm_mat *m = p;
    if (!qib__zn_mat_finish(m, b->value)) return false;
    for (size_t k = 0; k < GLDZM_N; k++) v[k] = gldzm_fns[k](m);
    return true;
}

static const qib_zn_ops gldzm_ops = {
    "GLDZM", GLDZM_N, gldzm_new, qib__zn_mat_free, gldzm_count, gldzm_features,
};

static qib_status gldzm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__zn_prepare(roi, agg, &gldzm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"gldzm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def gldzm_features_table[] = {GLDZM_LIST(DEF)};

const qib_family_def qib__family_gldzm = {
    {"gldzm", "Grey level distance zone matrix", "grey level distance zone matrix",
     "Texture from zones of connected voxels with equal grey level, by distance to the "
     "region's edge.", NULL, NULL},
    gldzm_features_table,
    GLDZM_N,
    qib__zn_aggregations,
    QIB_ZN_AGG_COUNT,
    gldzm_prepare,
    qib__tex_release,
};
