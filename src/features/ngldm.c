/* SPDX-License-Identifier: Apache-2.0 */
/* ngldm.c: neighbouring grey level dependence matrix features (IBSI 1
 * manual, section 3.11 "Neighbouring grey level dependence based
 * features", family code REK0).
 *
 * For each intensity-mask voxel k with grey level X_k, the dependence
 *   j_k = 1 + #{neighbours m within Chebyshev distance delta, in the
 *              intensity mask, with |X_k - X_m| <= alpha}
 * (settings ngldm_distance delta, IBSI default 1, and ngldm_alpha, the
 * coarseness parameter, default 0). Neighbours lie in the slice for 2D /
 * 2.5D and in 3D otherwise. The matrix s_ij counts the voxels with grey
 * level i and dependence j; every voxel counts, so N_s = N_v (IBSI).
 * Aggregation: 8QNN per slice averaged, 62GR slice matrices merged, KOBO
 * one 3D matrix (zones.h).
 *
 * Symbols: i the grey level, j the dependence (1..N_n); N_s = sum_ij s_ij;
 * s_i. = sum_j s_ij, s_.j = sum_i s_ij; p_ij = s_ij / N_s. Logarithms are
 * base 2.
 *
 * PyRadiomics' GLDM (gldm_*) is this matrix for alpha = 0 and delta = 1,
 * its dependence also counting the centre voxel. It has no normalised
 * grey level non-uniformity (deprecated there), no dependence count
 * percentage (always 1) and no dependence count energy. */
#include <math.h>
#include <stdlib.h>

#include "zones.h"

typedef qib_zn_mat ngldm_mat;

/* ---- the features, each from one matrix ---- */

/* Low dependence emphasis. IBSI SODN; PyRadiomics
 * gldm_SmallDependenceEmphasis. (1/N_s) sum_j s_.j / j^2. IBSI 3.11.1. */
static double lde(const ngldm_mat *m) { return qib__zn_emphasis(m, 0, -2); }

/* High dependence emphasis. IBSI IMOQ; PyRadiomics
 * gldm_LargeDependenceEmphasis. (1/N_s) sum_j j^2 s_.j. IBSI 3.11.2. */
static double hde(const ngldm_mat *m) { return qib__zn_emphasis(m, 0, 2); }

/* Low grey level count emphasis. IBSI TL9H; PyRadiomics
 * gldm_LowGrayLevelEmphasis. (1/N_s) sum_i s_i. / i^2. IBSI 3.11.3. */
static double lgce(const ngldm_mat *m) { return qib__zn_emphasis(m, -2, 0); }

/* High grey level count emphasis. IBSI OAE7; PyRadiomics
 * gldm_HighGrayLevelEmphasis. (1/N_s) sum_i i^2 s_i.. IBSI 3.11.4. */
static double hgce(const ngldm_mat *m) { return qib__zn_emphasis(m, 2, 0); }

/* Low dependence low grey level emphasis. IBSI EQ3F; PyRadiomics
 * gldm_SmallDependenceLowGrayLevelEmphasis. (1/N_s) sum_ij s_ij /
 * (i^2 j^2). IBSI 3.11.5. */
static double ldlge(const ngldm_mat *m) { return qib__zn_emphasis(m, -2, -2); }

/* Low dependence high grey level emphasis. IBSI JA6D; PyRadiomics
 * gldm_SmallDependenceHighGrayLevelEmphasis. (1/N_s) sum_ij i^2 s_ij / j^2.
 * IBSI 3.11.6. */
static double ldhge(const ngldm_mat *m) { return qib__zn_emphasis(m, 2, -2); }

/* High dependence low grey level emphasis. IBSI NBZI; PyRadiomics
 * gldm_LargeDependenceLowGrayLevelEmphasis. (1/N_s) sum_ij j^2 s_ij / i^2.
 * IBSI 3.11.7. */
static double hdlge(const ngldm_mat *m) { return qib__zn_emphasis(m, -2, 2); }

/* High dependence high grey level emphasis. IBSI 9QMG; PyRadiomics
 * gldm_LargeDependenceHighGrayLevelEmphasis. (1/N_s) sum_ij i^2 j^2 s_ij.
 * IBSI 3.11.8. */
static double hdhge(const ngldm_mat *m) { return qib__zn_emphasis(m, 2, 2); }

/* Grey level non-uniformity. IBSI FP8K; PyRadiomics
 * gldm_GrayLevelNonUniformity. (1/N_s) sum_i s_i.^2. IBSI 3.11.9. */
static double glnu(const ngldm_mat *m) { return qib__zn_sum_sq(m->ri, m->np) / m->ns; }

/* Normalised grey level non-uniformity. IBSI 5SPA; no PyRadiomics column.
 * (1/N_s^2) sum_i s_i.^2. IBSI 3.11.10. */
static double glnu_norm(const ngldm_mat *m) {
    return qib__zn_sum_sq(m->ri, m->np) / (m->ns * m->ns);
}

/* Dependence count non-uniformity. IBSI Z87G; PyRadiomics
 * gldm_DependenceNonUniformity. (1/N_s) sum_j s_.j^2. IBSI 3.11.11. */
static double dcnu(const ngldm_mat *m) { return qib__zn_sum_sq(m->rj, m->nj) / m->ns; }

/* Normalised dependence count non-uniformity. IBSI OKJI; PyRadiomics
 * gldm_DependenceNonUniformityNormalized. (1/N_s^2) sum_j s_.j^2.
 * IBSI 3.11.12. */
static double dcnu_norm(const ngldm_mat *m) {
    return qib__zn_sum_sq(m->rj, m->nj) / (m->ns * m->ns);
}

/* Dependence count percentage. IBSI 6XV8; no PyRadiomics column.
 * N_s / N_v: 1, as every voxel has a neighbourhood. IBSI 3.11.13. */
static double dc_perc(const ngldm_mat *m) { return m->ns / m->nv; }

/* Grey level variance. IBSI 1PFV; PyRadiomics gldm_GrayLevelVariance.
 * sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij. IBSI 3.11.14. */
static double gl_var(const ngldm_mat *m) { return qib__zn_level_var(m); }

/* Dependence count variance. IBSI DNX2; PyRadiomics gldm_DependenceVariance.
 * sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij. IBSI 3.11.15. */
static double dc_var(const ngldm_mat *m) { return qib__zn_count_var(m); }

/* Dependence count entropy. IBSI FCBV; PyRadiomics gldm_DependenceEntropy
 * (which adds eps = 2.2e-16 inside the logarithm).
 * -sum_ij p_ij log2 p_ij (p_ij > 0). IBSI 3.11.16. */
static double dc_entr(const ngldm_mat *m) { return qib__zn_entropy(m); }

/* Dependence count energy. IBSI CAS9; no PyRadiomics column.
 * sum_ij p_ij^2. IBSI 3.11.17. */
static double dc_energy(const ngldm_mat *m) { return qib__zn_energy(m); }

/* ---- registration ---- */

#define NGLDM_LIST(X)                                                                          \
    X(lde, "SODN", "gldm_SmallDependenceEmphasis", "Low dependence emphasis.")                 \
    X(hde, "IMOQ", "gldm_LargeDependenceEmphasis", "High dependence emphasis.")                \
    X(lgce, "TL9H", "gldm_LowGrayLevelEmphasis", "Low grey level count emphasis.")             \
    X(hgce, "OAE7", "gldm_HighGrayLevelEmphasis", "High grey level count emphasis.")           \
    X(ldlge, "EQ3F", "gldm_SmallDependenceLowGrayLevelEmphasis",                               \
      "Low dependence low grey level emphasis.")                                               \
    X(ldhge, "JA6D", "gldm_SmallDependenceHighGrayLevelEmphasis",                              \
      "Low dependence high grey level emphasis.")                                              \
    X(hdlge, "NBZI", "gldm_LargeDependenceLowGrayLevelEmphasis",                               \
      "High dependence low grey level emphasis.")                                              \
    X(hdhge, "9QMG", "gldm_LargeDependenceHighGrayLevelEmphasis",                              \
      "High dependence high grey level emphasis.")                                             \
    X(glnu, "FP8K", "gldm_GrayLevelNonUniformity", "Grey level non-uniformity.")               \
    X(glnu_norm, "5SPA", "", "Normalised grey level non-uniformity.")                          \
    X(dcnu, "Z87G", "gldm_DependenceNonUniformity", "Dependence count non-uniformity.")        \
    X(dcnu_norm, "OKJI", "gldm_DependenceNonUniformityNormalized",                             \
      "Normalised dependence count non-uniformity.")                                           \
    X(dc_perc, "6XV8", "", "Dependence count percentage.")                                     \
    X(gl_var, "1PFV", "gldm_GrayLevelVariance", "Variance of the grey levels.")                \
    X(dc_var, "DNX2", "gldm_DependenceVariance", "Variance of the dependence counts.")         \
    X(dc_entr, "FCBV", "gldm_DependenceEntropy", "Entropy of the dependence matrix.")          \
    X(dc_energy, "CAS9", "", "Energy of the dependence matrix.")

#define ENUM(name, code, pyrad, text) NGLDM_##name,
enum { NGLDM_LIST(ENUM) NGLDM_N };

#define FN(name, code, pyrad, text) name,
static double (*const ngldm_fns[NGLDM_N])(const ngldm_mat *) = {NGLDM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                           \
    static double get_##name(const void *c) {                                                  \
        return ((const qib_tex_values *)c)->v[NGLDM_##name];                                   \
    }
NGLDM_LIST(GET)

/* ---- matrices ---- */

static void *ngldm_new(const qib_zn_block *b) { return qib__zn_mat_new(b->np); }

static qib_status ngldm_count(const qib_zn_block *b, void *p, qib_error *err) {
    ngldm_mat *m = p;
    const qib_settings *s = b->roi->settings;
    int64_t delta = s ? qib_settings_int(s, "ngldm_distance") : 1;
    int64_t alpha = s ? qib_settings_int(s, "ngldm_alpha") : 0;
    QIB_FAIL_IF(delta < 1 || delta > 1000, err, QIB_ERR_ARG, NULL, -1, "ngldm_distance",
                "distance %lld, expected 1..1000", (long long)delta);
    QIB_FAIL_IF(alpha < 0, err, QIB_ERR_ARG, NULL, -1, "ngldm_alpha",
                "coarseness %lld, expected >= 0", (long long)alpha);
    const int64_t nx = (int64_t)b->nx, ny = (int64_t)b->ny;
    const int64_t z0 = (int64_t)b->z0, z1 = (int64_t)b->z1, dzm = b->planar ? 0 : delta;
    const int32_t *lv = b->levels;
    for (int64_t z = z0; z < z1; z++)
        for (int64_t y = 0; y < ny; y++)
            for (int64_t x = 0; x < nx; x++) {
                int32_t l = lv[(z * ny + y) * nx + x];
                if (l <= 0) continue;
                /* the neighbourhood box, clipped to the block */
                int64_t za = z - dzm < z0 ? z0 : z - dzm, zb = z + dzm >= z1 ? z1 - 1 : z + dzm;
                int64_t ya = y > delta ? y - delta : 0, yb = y + delta < ny ? y + delta : ny - 1;
                int64_t xa = x > delta ? x - delta : 0, xb = x + delta < nx ? x + delta : nx - 1;
                size_t j = 0; /* the centre counts itself: j >= 1 */
                for (int64_t zz = za; zz <= zb; zz++)
                    for (int64_t yy = ya; yy <= yb; yy++) {
                        const int32_t *row = lv + (zz * ny + yy) * nx;
                        for (int64_t xx = xa; xx <= xb; xx++)
                            if (row[xx] > 0 && llabs((long long)row[xx] - l) <= alpha) j++;
                    }
                m->nv += 1;
                qib__zn_mat_add(m, (size_t)b->index[l], j, 1.0);
            }
    if (m->failed) return qib__nomem(err, NULL, "NGLDM");
    return QIB_OK;
}

static bool ngldm_features(const qib_zn_block *b, void *p, double *v) {
    ngldm_mat *m = p;
    if (!qib__zn_mat_finish(m, b->value)) return false;
    for (size_t k = 0; k < NGLDM_N; k++) v[k] = ngldm_fns[k](m);
    return true;
}

static const qib_zn_ops ngldm_ops = {
    "NGLDM", NGLDM_N, ngldm_new, qib__zn_mat_free, ngldm_count, ngldm_features,
};

static qib_status ngldm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__zn_prepare(roi, agg, &ngldm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"ngldm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def ngldm_features_table[] = {NGLDM_LIST(DEF)};

const qib_family_def qib__family_ngldm = {
    {"ngldm", "Neighbouring grey level dependence matrix",
     "neighbouring grey level dependence matrix",
     "Texture from the number of neighbours whose grey level depends on each voxel's.", NULL, NULL},
    ngldm_features_table,
    NGLDM_N,
    qib__zn_aggregations,
    QIB_ZN_AGG_COUNT,
    ngldm_prepare,
    qib__tex_release,
};
