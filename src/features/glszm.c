/* SPDX-License-Identifier: Apache-2.0 */
/* glszm.c: grey level size zone matrix features (IBSI 1 manual, section
 * 3.8 "Grey level size zone based features", family code 9SAK).
 *
 * A zone is a maximal group of connected intensity-mask voxels with the
 * same grey level: 8-connected within a slice (2D, 2.5D), 26-connected in
 * 3D (zones.c). The matrix s_ij counts the zones with grey level i and
 * size (voxel count) j. Aggregation: 8QNN per slice averaged, 62GR slice
 * matrices merged, KOBO one 3D matrix (zones.h).
 *
 * Symbols: i the grey level, j the zone size (1..N_z); N_s = sum_ij s_ij
 * the number of zones; s_i. = sum_j s_ij, s_.j = sum_i s_ij; N_v the
 * voxels of the matrix (summed over merged slices); p_ij = s_ij / N_s.
 * Logarithms are base 2. PyRadiomics glszm_* use the same sums (its
 * entropy adds eps = 2.2e-16 inside the logarithm). */
#include <math.h>
#include <stdlib.h>

#include "zones.h"

typedef qib_zn_mat glszm_mat;

/* ---- the features, each from one matrix ---- */

/* Small zone emphasis. IBSI 5QRC; PyRadiomics glszm_SmallAreaEmphasis.
 * (1/N_s) sum_j s_.j / j^2. IBSI 3.8.1. */
static double sze(const glszm_mat *m) { return qib__zn_emphasis(m, 0, -2); }

/* Large zone emphasis. IBSI 48P8; PyRadiomics glszm_LargeAreaEmphasis.
 * (1/N_s) sum_j j^2 s_.j. IBSI 3.8.2. */
static double lze(const glszm_mat *m) { return qib__zn_emphasis(m, 0, 2); }

/* Low grey level zone emphasis. IBSI XMSY; PyRadiomics
 * glszm_LowGrayLevelZoneEmphasis. (1/N_s) sum_i s_i. / i^2. IBSI 3.8.3. */
static double lgze(const glszm_mat *m) { return qib__zn_emphasis(m, -2, 0); }

/* High grey level zone emphasis. IBSI 5GN9; PyRadiomics
 * glszm_HighGrayLevelZoneEmphasis. (1/N_s) sum_i i^2 s_i.. IBSI 3.8.4. */
static double hgze(const glszm_mat *m) { return qib__zn_emphasis(m, 2, 0); }

/* Small zone low grey level emphasis. IBSI 5RAI; PyRadiomics
 * glszm_SmallAreaLowGrayLevelEmphasis. (1/N_s) sum_ij s_ij / (i^2 j^2).
 * IBSI 3.8.5. */
static double szlge(const glszm_mat *m) { return qib__zn_emphasis(m, -2, -2); }

/* Small zone high grey level emphasis. IBSI HW1V; PyRadiomics
 * glszm_SmallAreaHighGrayLevelEmphasis. (1/N_s) sum_ij i^2 s_ij / j^2.
 * IBSI 3.8.6. */
static double szhge(const glszm_mat *m) { return qib__zn_emphasis(m, 2, -2); }

/* Large zone low grey level emphasis. IBSI YH51; PyRadiomics
 * glszm_LargeAreaLowGrayLevelEmphasis. (1/N_s) sum_ij j^2 s_ij / i^2.
 * IBSI 3.8.7. */
static double lzlge(const glszm_mat *m) { return qib__zn_emphasis(m, -2, 2); }

/* Large zone high grey level emphasis. IBSI J17V; PyRadiomics
 * glszm_LargeAreaHighGrayLevelEmphasis. (1/N_s) sum_ij i^2 j^2 s_ij.
 * IBSI 3.8.8. */
static double lzhge(const glszm_mat *m) { return qib__zn_emphasis(m, 2, 2); }

/* Grey level non-uniformity. IBSI JNSA; PyRadiomics
 * glszm_GrayLevelNonUniformity. (1/N_s) sum_i s_i.^2. IBSI 3.8.9. */
static double glnu(const glszm_mat *m) { return qib__zn_sum_sq(m->ri, m->np) / m->ns; }

/* Normalised grey level non-uniformity. IBSI Y1RO; PyRadiomics
 * glszm_GrayLevelNonUniformityNormalized. (1/N_s^2) sum_i s_i.^2.
 * IBSI 3.8.10. */
static double glnu_norm(const glszm_mat *m) {
    return qib__zn_sum_sq(m->ri, m->np) / (m->ns * m->ns);
}

/* Zone size non-uniformity. IBSI 4JP3; PyRadiomics
 * glszm_SizeZoneNonUniformity. (1/N_s) sum_j s_.j^2. IBSI 3.8.11. */
static double zsnu(const glszm_mat *m) { return qib__zn_sum_sq(m->rj, m->nj) / m->ns; }

/* Normalised zone size non-uniformity. IBSI VB3A; PyRadiomics
 * glszm_SizeZoneNonUniformityNormalized. (1/N_s^2) sum_j s_.j^2.
 * IBSI 3.8.12. */
static double zsnu_norm(const glszm_mat *m) {
    return qib__zn_sum_sq(m->rj, m->nj) / (m->ns * m->ns);
}

/* Zone percentage. IBSI P30P; PyRadiomics glszm_ZonePercentage.
 * N_s / N_v, N_v summed over merged slices. IBSI 3.8.13. */
static double z_perc(const glszm_mat *m) { return m->ns / m->nv; }

/* Grey level variance. IBSI BYLV; PyRadiomics glszm_GrayLevelVariance.
 * sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij. IBSI 3.8.14. 0 for one
 * grey level. */
static double gl_var(const glszm_mat *m) { return qib__zn_level_var(m); }

/* Zone size variance. IBSI 3NSA; PyRadiomics glszm_ZoneVariance.
 * sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij. IBSI 3.8.15. */
static double zs_var(const glszm_mat *m) { return qib__zn_count_var(m); }

/* Zone size entropy. IBSI GU8N; PyRadiomics glszm_ZoneEntropy.
 * -sum_ij p_ij log2 p_ij (p_ij > 0). IBSI 3.8.16. */
static double zs_entr(const glszm_mat *m) { return qib__zn_entropy(m); }

/* ---- registration ---- */

#define GLSZM_LIST(X)                                                                          \
    X(sze, "5QRC", "glszm_SmallAreaEmphasis", "Small zone emphasis.")                          \
    X(lze, "48P8", "glszm_LargeAreaEmphasis", "Large zone emphasis.")                          \
    X(lgze, "XMSY", "glszm_LowGrayLevelZoneEmphasis", "Low grey level zone emphasis.")         \
    X(hgze, "5GN9", "glszm_HighGrayLevelZoneEmphasis", "High grey level zone emphasis.")       \
    X(szlge, "5RAI", "glszm_SmallAreaLowGrayLevelEmphasis",                                    \
      "Small zone low grey level emphasis.")                                                   \
    X(szhge, "HW1V", "glszm_SmallAreaHighGrayLevelEmphasis",                                   \
      "Small zone high grey level emphasis.")                                                  \
    X(lzlge, "YH51", "glszm_LargeAreaLowGrayLevelEmphasis",                                    \
      "Large zone low grey level emphasis.")                                                   \
    X(lzhge, "J17V", "glszm_LargeAreaHighGrayLevelEmphasis",                                   \
      "Large zone high grey level emphasis.")                                                  \
    X(glnu, "JNSA", "glszm_GrayLevelNonUniformity", "Grey level non-uniformity.")              \
    X(glnu_norm, "Y1RO", "glszm_GrayLevelNonUniformityNormalized",                             \
      "Normalised grey level non-uniformity.")                                                 \
    X(zsnu, "4JP3", "glszm_SizeZoneNonUniformity", "Zone size non-uniformity.")                \
    X(zsnu_norm, "VB3A", "glszm_SizeZoneNonUniformityNormalized",                              \
      "Normalised zone size non-uniformity.")                                                  \
    X(z_perc, "P30P", "glszm_ZonePercentage", "Zones per voxel.")                              \
    X(gl_var, "BYLV", "glszm_GrayLevelVariance", "Variance of the zone grey levels.")          \
    X(zs_var, "3NSA", "glszm_ZoneVariance", "Variance of the zone sizes.")                     \
    X(zs_entr, "GU8N", "glszm_ZoneEntropy", "Entropy of the size zone matrix.")

#define ENUM(name, code, pyrad, text) GLSZM_##name,
enum { GLSZM_LIST(ENUM) GLSZM_N };

#define FN(name, code, pyrad, text) name,
static double (*const glszm_fns[GLSZM_N])(const glszm_mat *) = {GLSZM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                           \
    static double get_##name(const void *c) {                                                  \
        return ((const qib_tex_values *)c)->v[GLSZM_##name];                                   \
    }
GLSZM_LIST(GET)

/* ---- matrices ---- */

static void *glszm_new(const qib_zn_block *b) { return qib__zn_mat_new(b->np); }

typedef struct zone_sink {
    glszm_mat *m;
    const qib_zn_block *b;
} zone_sink;

/* One zone of `size` voxels: s_ij += 1 at i = level, j = size. */
static void add_zone(void *user, int32_t level, size_t size, int32_t dist) {
    (void)dist;
    zone_sink *k = user;
    k->m->nv += (double)size;
    qib__zn_mat_add(k->m, (size_t)k->b->index[level], size, 1.0);
}

static qib_status glszm_count(const qib_zn_block *b, void *p, qib_error *err) {
    glszm_mat *m = p;
    zone_sink k = {m, b};
    QIB_FORWARD(qib__zn_zones(b, NULL, add_zone, &k, err));
    if (m->failed) return qib__nomem(err, NULL, "GLSZM");
    return QIB_OK;
}

static bool glszm_features(const qib_zn_block *b, void *p, double *v) {
    glszm_mat *m = p;
    if (!qib__zn_mat_finish(m, b->value)) return false;
    for (size_t k = 0; k < GLSZM_N; k++) v[k] = glszm_fns[k](m);
    return true;
}

static const qib_zn_ops glszm_ops = {
    "GLSZM", GLSZM_N, glszm_new, qib__zn_mat_free, glszm_count, glszm_features,
};

static qib_status glszm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__zn_prepare(roi, agg, &glszm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"glszm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def glszm_features_table[] = {GLSZM_LIST(DEF)};

const qib_family_def qib__family_glszm = {
    {"glszm", "Grey level size zone matrix", "grey level size zone matrix",
     "Texture from zones of connected voxels with equal grey level, by zone size.", NULL, NULL},
    glszm_features_table,
    GLSZM_N,
    qib__zn_aggregations,
    QIB_ZN_AGG_COUNT,
    glszm_prepare,
    qib__tex_release,
};
