/* SPDX-License-Identifier: Apache-2.0 */
/* glcm.c: grey level co-occurrence matrix features (IBSI 1 manual, section
 * "Grey level co-occurrence based features", family code LFYI).
 *
 * For a direction m scaled by the Chebyshev distance delta (setting
 * glcm_distance, IBSI default 1) the matrix counts the pairs of intensity
 * mask voxels (v, v + m) with grey levels (i, j). It is always symmetric
 * (IBSI): each pair adds one to (i, j) and one to (j, i). Matrices are
 * counted in one pass over the slab for all directions and merged or
 * averaged as the aggregation method says (texture.c).
 *
 * Symbols: p_ij = c_ij / sum c, the normalised matrix; i, j the grey levels
 * (1..N_g, N_g = the discretisation's number of levels); p_i. = sum_j p_ij
 * (= p_.j, symmetric); mu = sum_i i p_i. and sigma^2 = sum_i (i - mu)^2 p_i.;
 * p_{x-y}(k) = sum over |i - j| = k of p_ij, k = 0..N_g-1;
 * p_{x+y}(k) = sum over i + j = k of p_ij, k = 2..2 N_g. Logarithms are
 * base 2. Only levels present in the slab get a row, so a matrix is
 * N_p x N_p with N_p <= N_g. */
#include <math.h>
#include <stdlib.h>

#include "texture.h"

typedef struct glcm_mat {
    size_t np, range;
    double *c;  /* counts c_ij, np x np (index c of the slab's levels) */
    double *pi; /* p_i., np */
    double *pd; /* p_{x-y}(k), k = 0..range-1 */
    double *ps; /* p_{x+y}(k + 2 vmin), k = 0..2 range-2 */
    /* set by glcm_features */
    const int32_t *value; /* grey level of each index */
    double vmin, ng, inv_total;
    double mu, var, hxy, hx, hxy1, hxy2, mu_d, mu_s;
} glcm_mat;

#define P(m, a, b) ((m)->c[(a) * (m)->np + (b)] * (m)->inv_total)
#define LV(m, a) ((double)(m)->value[a])

/* ---- the features, each from one normalised matrix ---- */

/* Joint maximum. IBSI GYBY; PyRadiomics glcm_MaximumProbability.
 * max_ij p_ij. IBSI 3.6.1. */
static double joint_max(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->np * m->np; k++)
        if (m->c[k] > x) x = m->c[k];
    return x * m->inv_total;
}

/* Joint average. IBSI 60VM; PyRadiomics glcm_JointAverage.
 * mu = sum_ij i p_ij. IBSI 3.6.2. */
static double joint_avg(const glcm_mat *m) { return m->mu; }

/* Joint variance. IBSI UR99; PyRadiomics glcm_SumSquares (the same sum).
 * sum_ij (i - mu)^2 p_ij. IBSI 3.6.3. */
static double joint_var(const glcm_mat *m) { return m->var; }

/* Joint entropy. IBSI TU9B; PyRadiomics glcm_JointEntropy.
 * -sum_ij p_ij log2 p_ij (p_ij > 0). IBSI 3.6.4. */
static double joint_entr(const glcm_mat *m) { return m->hxy; }

/* Difference average. IBSI TF7R; PyRadiomics glcm_DifferenceAverage.
 * mu_{x-y} = sum_k k p_{x-y}(k). IBSI 3.6.5. */
static double diff_avg(const glcm_mat *m) { return m->mu_d; }

/* Difference variance. IBSI D3YU; PyRadiomics glcm_DifferenceVariance.
 * sum_k (k - mu_{x-y})^2 p_{x-y}(k). IBSI 3.6.6. */
static double diff_var(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++) {
        double d = (double)k - m->mu_d;
        x += d * d * m->pd[k];
    }
    return x;
}

/* Difference entropy. IBSI NTRS; PyRadiomics glcm_DifferenceEntropy.
 * -sum_k p_{x-y}(k) log2 p_{x-y}(k). IBSI 3.6.7. */
static double diff_entr(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++)
        if (m->pd[k] > 0) x -= m->pd[k] * log2(m->pd[k]);
    return x;
}

/* Sum average. IBSI ZGXS; PyRadiomics glcm_SumAverage.
 * mu_{x+y} = sum_k k p_{x+y}(k) (= 2 mu). IBSI 3.6.8. */
static double sum_avg(const glcm_mat *m) { return m->mu_s; }

/* Sum variance. IBSI OEEB; no PyRadiomics feature (it equals cluster
 * tendency for a symmetric matrix). sum_k (k - mu_{x+y})^2 p_{x+y}(k).
 * IBSI 3.6.9. */
static double sum_var(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k + 1 < 2 * m->range; k++) {
        double d = (double)k + 2 * m->vmin - m->mu_s;
        x += d * d * m->ps[k];
    }
    return x;
}

/* Sum entropy. IBSI P6QZ; PyRadiomics glcm_SumEntropy.
 * -sum_k p_{x+y}(k) log2 p_{x+y}(k). IBSI 3.6.10. */
static double sum_entr(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k + 1 < 2 * m->range; k++)
        if (m->ps[k] > 0) x -= m->ps[k] * log2(m->ps[k]);
    return x;
}

/* Angular second moment (energy). IBSI 8ZQL; PyRadiomics glcm_JointEnergy.
 * sum_ij p_ij^2. IBSI 3.6.11. */
static double energy(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->np * m->np; k++) x += m->c[k] * m->c[k];
    return x * m->inv_total * m->inv_total;
}

/* Contrast. IBSI ACUI; PyRadiomics glcm_Contrast.
 * sum_ij (i - j)^2 p_ij = sum_k k^2 p_{x-y}(k). IBSI 3.6.12. */
static double contrast(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 1; k < m->range; k++) x += (double)k * (double)k * m->pd[k];
    return x;
}

/* Dissimilarity. IBSI 8S9J; no separate PyRadiomics feature (it equals
 * glcm_DifferenceAverage). sum_ij |i - j| p_ij. IBSI 3.6.13. */
static double dissimilarity(const glcm_mat *m) { return m->mu_d; }

/* Inverse difference. IBSI IB1Z; PyRadiomics glcm_Id.
 * sum_k p_{x-y}(k) / (1 + k). IBSI 3.6.14. */
static double inv_diff(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++) x += m->pd[k] / (1.0 + (double)k);
    return x;
}

/* Normalised inverse difference. IBSI NDRX; PyRadiomics glcm_Idn.
 * sum_k p_{x-y}(k) / (1 + k / N_g). IBSI 3.6.15. */
static double inv_diff_norm(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++) x += m->pd[k] / (1.0 + (double)k / m->ng);
    return x;
}

/* Inverse difference moment. IBSI WF0Z; PyRadiomics glcm_Idm.
 * sum_k p_{x-y}(k) / (1 + k^2). IBSI 3.6.16. */
static double inv_diff_mom(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++) x += m->pd[k] / (1.0 + (double)k * (double)k);
    return x;
}

/* Normalised inverse difference moment. IBSI 1QCO; PyRadiomics glcm_Idmn.
 * sum_k p_{x-y}(k) / (1 + k^2 / N_g^2). IBSI 3.6.17. */
static double inv_diff_mom_norm(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->range; k++)
        x += m->pd[k] / (1.0 + (double)k * (double)k / (m->ng * m->ng));
    return x;
}

/* Inverse variance. IBSI E8JP; PyRadiomics glcm_InverseVariance.
 * 2 sum_{i>j} p_ij / (i - j)^2 = sum_{k>=1} p_{x-y}(k) / k^2; 0 when every
 * pair has equal levels. IBSI 3.6.18. */
static double inv_var(const glcm_mat *m) {
    double x = 0;
    for (size_t k = 1; k < m->range; k++) x += m->pd[k] / ((double)k * (double)k);
    return x;
}

/* Correlation. IBSI NI2N; PyRadiomics glcm_Correlation.
 * (sum_ij i j p_ij - mu^2) / sigma^2. NaN when sigma = 0 (a single grey
 * level: undefined; PyRadiomics reports 1). IBSI 3.6.19. */
static double corr(const glcm_mat *m) {
    if (!(m->var > 0)) return NAN;
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            x += (LV(m, a) - m->mu) * (LV(m, b) - m->mu) * P(m, a, b);
    return x / m->var;
}

/* Autocorrelation. IBSI QWB0; PyRadiomics glcm_Autocorrelation.
 * sum_ij i j p_ij. IBSI 3.6.20. */
static double auto_corr(const glcm_mat *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) x += LV(m, a) * LV(m, b) * P(m, a, b);
    return x;
}

/* sum_k (k - 2 mu)^e p_{x+y}(k): the cluster moments. */
static double cluster_moment(const glcm_mat *m, int e) {
    double x = 0;
    for (size_t k = 0; k + 1 < 2 * m->range; k++) {
        double d = (double)k + 2 * m->vmin - 2 * m->mu;
        x += (e == 2 ? d * d : e == 3 ? d * d * d : d * d * d * d) * m->ps[k];
    }
    return x;
}

/* Cluster tendency. IBSI DG8W; PyRadiomics glcm_ClusterTendency.
 * sum_ij (i + j - 2 mu)^2 p_ij. IBSI 3.6.21. */
static double clust_tend(const glcm_mat *m) { return cluster_moment(m, 2); }

/* Cluster shade. IBSI 7NFM; PyRadiomics glcm_ClusterShade.
 * sum_ij (i + j - 2 mu)^3 p_ij. IBSI 3.6.22. */
static double clust_shade(const glcm_mat *m) { return cluster_moment(m, 3); }

/* Cluster prominence. IBSI AE86; PyRadiomics glcm_ClusterProminence.
 * sum_ij (i + j - 2 mu)^4 p_ij. IBSI 3.6.23. */
static double clust_prom(const glcm_mat *m) { return cluster_moment(m, 4); }

/* Information correlation 1. IBSI R8DG; PyRadiomics glcm_Imc1.
 * (HXY - HXY1) / HX with HXY the joint entropy, HX = -sum_i p_i. log2 p_i.
 * and HXY1 = -sum_ij p_ij log2(p_i. p_.j). NaN when HX = 0 (a single grey
 * level; PyRadiomics reports 0). IBSI 3.6.24. */
static double info_corr1(const glcm_mat *m) {
    return m->hx > 0 ? (m->hxy - m->hxy1) / m->hx : NAN;
}

/* Information correlation 2. IBSI JN9H; PyRadiomics glcm_Imc2.
 * sqrt(1 - exp(-2 (HXY2 - HXY))), HXY2 = -sum_ij p_i. p_.j log2(p_i. p_.j)
 * (entropies in base 2, exp in base e, as IBSI writes it); 0 for a single
 * grey level. IBSI 3.6.25. */
static double info_corr2(const glcm_mat *m) {
    double x = 1.0 - exp(-2.0 * (m->hxy2 - m->hxy));
    return x > 0 ? sqrt(x) : 0.0;
}

/* ---- registration ---- */

#define GLCM_LIST(X)                                                                     \
    X(joint_max, "GYBY", "glcm_MaximumProbability", "Largest joint probability.")             \
    X(joint_avg, "60VM", "glcm_JointAverage", "Mean grey level of the pairs.")                \
    X(joint_var, "UR99", "glcm_SumSquares", "Variance of the grey levels of the pairs.")      \
    X(joint_entr, "TU9B", "glcm_JointEntropy", "Entropy of the joint probabilities.")         \
    X(diff_avg, "TF7R", "glcm_DifferenceAverage", "Mean absolute grey level difference.")     \
    X(diff_var, "D3YU", "glcm_DifferenceVariance", "Variance of the grey level differences.") \
    X(diff_entr, "NTRS", "glcm_DifferenceEntropy", "Entropy of the grey level differences.")  \
    X(sum_avg, "ZGXS", "glcm_SumAverage", "Mean grey level sum of the pairs.")                \
    X(sum_var, "OEEB", "", "Variance of the grey level sums.")                           \
    X(sum_entr, "P6QZ", "glcm_SumEntropy", "Entropy of the grey level sums.")                 \
    X(energy, "8ZQL", "glcm_JointEnergy", "Angular second moment: sum of squared p_ij.")      \
    X(contrast, "ACUI", "glcm_Contrast", "Mean squared grey level difference.")               \
    X(dissimilarity, "8S9J", "", "Mean absolute grey level difference.")                 \
    X(inv_diff, "IB1Z", "glcm_Id", "Inverse difference.")                                     \
    X(inv_diff_norm, "NDRX", "glcm_Idn", "Inverse difference normalised by Ng.")              \
    X(inv_diff_mom, "WF0Z", "glcm_Idm", "Inverse difference moment.")                         \
    X(inv_diff_mom_norm, "1QCO", "glcm_Idmn", "Inverse difference moment normalised by Ng.")  \
    X(inv_var, "E8JP", "glcm_InverseVariance", "Inverse variance.")                           \
    X(corr, "NI2N", "glcm_Correlation", "Correlation of the grey levels of the pairs.")       \
    X(auto_corr, "QWB0", "glcm_Autocorrelation", "Mean product of the pair grey levels.")     \
    X(clust_tend, "DG8W", "glcm_ClusterTendency", "Cluster tendency.")                        \
    X(clust_shade, "7NFM", "glcm_ClusterShade", "Cluster shade.")                             \
    X(clust_prom, "AE86", "glcm_ClusterProminence", "Cluster prominence.")                    \
    X(info_corr1, "R8DG", "glcm_Imc1", "Information correlation 1.")                          \
    X(info_corr2, "JN9H", "glcm_Imc2", "Information correlation 2.")

#define ENUM(name, code, pyrad, text) GLCM_##name,
enum { GLCM_LIST(ENUM) GLCM_N };

#define FN(name, code, pyrad, text) name,
static double (*const glcm_fns[GLCM_N])(const glcm_mat *) = {GLCM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                     \
    static double get_##name(const void *c) {                                            \
        return ((const qib_tex_values *)c)->v[GLCM_##name];                              \
    }
GLCM_LIST(GET)

/* ---- matrices ---- */

static void glcm_free(void *p) {
    glcm_mat *m = p;
    if (!m) return;
    free(m->c);
    free(m->pi);
    free(m->pd);
    free(m->ps);
    free(m);
}

static size_t glcm_bytes(const qib_tex_slab *s) {
    size_t n;
    if (!qib__mul_ok(s->np, s->np, &n) || !qib__mul_ok(n, sizeof(double), &n)) return SIZE_MAX;
    return n;
}

static void *glcm_new(const qib_tex_slab *s) {
    glcm_mat *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->np = s->np;
    m->range = (size_t)(s->value[s->np - 1] - s->value[0]) + 1;
    size_t cells;
    if (!qib__mul_ok(s->np, s->np, &cells) || cells > SIZE_MAX / sizeof(double)) {
        free(m);
        return NULL;
    }
    m->c = calloc(cells, sizeof *m->c);
    m->pi = malloc(s->np * sizeof *m->pi);
    m->pd = malloc(m->range * sizeof *m->pd);
    m->ps = malloc((2 * m->range - 1) * sizeof *m->ps);
    if (!m->c || !m->pi || !m->pd || !m->ps) {
        glcm_free(m);
        return NULL;
    }
    return m;
}

/* Adds pair (level index ia, neighbour at linear position j) to one
 * matrix; counted one way here, made symmetric in glcm_features. */
static inline void add_pair(const qib_tex_slab *s, double *c, size_t np, size_t ia, size_t j) {
    int32_t b = s->levels[j];
    if (b > 0) c[ia * np + (size_t)s->index[b]] += 1.0;
}

/* One pass over the slab: every voxel with every direction. Neighbours
 * outside the slab or the intensity mask are not pairs. Voxels at least
 * the distance away from every side of the slab (the interior) need no
 * bounds check. */
static void glcm_count(const qib_tex_slab *s, const qib_tex_dir *dirs, size_t nd,
                       void *const *mats) {
    const int64_t nx = (int64_t)s->nx, ny = (int64_t)s->ny;
    const int64_t z0 = (int64_t)s->z0, z1 = (int64_t)s->z1;
    const size_t np = s->np;
    int64_t off[13], mx = 0, my = 0, mz = 0;
    double *c[13];
    for (size_t d = 0; d < nd; d++) {
        off[d] = dirs[d].dx + nx * (dirs[d].dy + ny * dirs[d].dz);
        c[d] = ((glcm_mat *)mats[d])->c;
        if (llabs(dirs[d].dx) > mx) mx = llabs(dirs[d].dx);
        if (llabs(dirs[d].dy) > my) my = llabs(dirs[d].dy);
        if (llabs(dirs[d].dz) > mz) mz = llabs(dirs[d].dz);
    }
    for (int64_t z = z0; z < z1; z++)
        for (int64_t y = 0; y < ny; y++) {
            bool row_inner = y >= my && y < ny - my && z >= z0 + mz && z < z1 - mz;
            int64_t row = (z * ny + y) * nx;
            for (int64_t x = 0; x < nx; x++) {
                int32_t a = s->levels[row + x];
                if (a <= 0) continue;
                size_t ia = (size_t)s->index[a];
                if (row_inner && x >= mx && x < nx - mx) {
                    for (size_t d = 0; d < nd; d++)
                        add_pair(s, c[d], np, ia, (size_t)(row + x + off[d]));
                    continue;
                }
                for (size_t d = 0; d < nd; d++) {
                    int64_t x2 = x + dirs[d].dx, y2 = y + dirs[d].dy, z2 = z + dirs[d].dz;
                    if (x2 < 0 || x2 >= nx || y2 < 0 || y2 >= ny || z2 < z0 || z2 >= z1) continue;
                    add_pair(s, c[d], np, ia, (size_t)(row + x + off[d]));
                }
            }
        }
}

/* Normalises and derives the marginals, then runs every feature. */
static bool glcm_features(const qib_tex_slab *s, void *p, double *v) {
    glcm_mat *m = p;
    size_t np = m->np;
    /* symmetric: c_ij + c_ji (glcm_count counts each pair one way) */
    for (size_t a = 0; a < np; a++) {
        m->c[a * np + a] *= 2;
        for (size_t b = a + 1; b < np; b++)
            m->c[a * np + b] = m->c[b * np + a] = m->c[a * np + b] + m->c[b * np + a];
    }
    double total = 0;
    for (size_t k = 0; k < np * np; k++) total += m->c[k];
    if (!(total > 0)) return false;
    m->value = s->value;
    m->vmin = (double)s->value[0];
    m->ng = (double)s->ng;
    m->inv_total = 1.0 / total;
    for (size_t k = 0; k < m->range; k++) m->pd[k] = 0;
    for (size_t k = 0; k + 1 < 2 * m->range; k++) m->ps[k] = 0;
    double hxy = 0;
    for (size_t a = 0; a < np; a++) {
        double pa = 0;
        for (size_t b = 0; b < np; b++) {
            double q = P(m, a, b);
            if (q <= 0) continue;
            pa += q;
            hxy -= q * log2(q);
            int32_t ia = s->value[a] - s->value[0], ib = s->value[b] - s->value[0];
            m->pd[ia > ib ? ia - ib : ib - ia] += q;
            m->ps[ia + ib] += q;
        }
        m->pi[a] = pa;
    }
    double mu = 0, var = 0, hx = 0;
    for (size_t a = 0; a < np; a++) mu += LV(m, a) * m->pi[a];
    for (size_t a = 0; a < np; a++) {
        var += (LV(m, a) - mu) * (LV(m, a) - mu) * m->pi[a];
        if (m->pi[a] > 0) hx -= m->pi[a] * log2(m->pi[a]);
    }
    double hxy1 = 0, hxy2 = 0;
    for (size_t a = 0; a < np; a++) {
        if (!(m->pi[a] > 0)) continue;
        for (size_t b = 0; b < np; b++) {
            if (!(m->pi[b] > 0)) continue;
            double pp = m->pi[a] * m->pi[b], l = log2(pp);
            hxy1 -= P(m, a, b) * l;
            hxy2 -= pp * l;
        }
    }
    double mu_d = 0, mu_s = 0;
    for (size_t k = 0; k < m->range; k++) mu_d += (double)k * m->pd[k];
    for (size_t k = 0; k + 1 < 2 * m->range; k++) mu_s += ((double)k + 2 * m->vmin) * m->ps[k];
    m->mu = mu;
    m->var = var;
    m->hx = hx;
    m->hxy = hxy;
    m->hxy1 = hxy1;
    m->hxy2 = hxy2;
    m->mu_d = mu_d;
    m->mu_s = mu_s;
    for (size_t k = 0; k < GLCM_N; k++) v[k] = glcm_fns[k](m);
    return true;
}

static const qib_tex_ops glcm_ops = {
    "GLCM", GLCM_N, true, glcm_bytes, glcm_new, glcm_free, glcm_count, glcm_features,
};

static qib_status glcm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__tex_prepare(roi, agg, &glcm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"glcm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def glcm_features_table[] = {GLCM_LIST(DEF)};

const qib_family_def qib__family_glcm = {
    {"glcm", "Grey level co-occurrence matrix", "grey level co-occurrence matrix",
     "Texture from the co-occurrence of grey levels at Chebyshev distance glcm_distance.", NULL, NULL},
    glcm_features_table,
    GLCM_N,
    qib__tex_aggregations,
    QIB_TEX_AGG_COUNT,
    glcm_prepare,
    qib__tex_release,
};
