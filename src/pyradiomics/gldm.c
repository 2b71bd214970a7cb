/* SPDX-License-Identifier: Apache-2.0 */
/* gldm.c: PyRadiomics 3.1's GLDM class (radiomics/gldm.py, matrix from
 * radiomics/src/cmatrices.c calculate_gldm), with its definitions and
 * column names (gldm_DependenceEntropy, ...).
 *
 * Matrix: one for the region. A region voxel's neighbours are the region
 * voxels at PyRadiomics' angles in both directions for the setting
 * distances (26 for distance 1; distance d alone is the shell at infinity
 * norm exactly d; force2D keeps the in-plane ones); a neighbour is
 * dependent when its grey level differs by at most alpha (gldm_alpha, 0 by
 * default). The dependence is 1 + the dependent neighbours (the centre
 * counts), and P(i, j) counts the voxels of level i and dependence j. This
 * is IBSI's NGLDM (3D, KOBO) with delta = 1 and the same alpha.
 *
 * Symbols (gldm.py): i the grey level (bin index, not renumbered), j the
 * dependence; N_z = N_p, the region's voxels (every voxel has a
 * dependence); p_g(i) = sum_j P(i,j), p_d(j) = sum_i P(i,j);
 * p(i,j) = P(i,j) / N_z; eps = 2.2e-16. Sources: PyRadiomics 3.1
 * documentation, "Gray Level Dependence Matrix (GLDM) Features"; IBSI 1
 * manual section 3.11 (the definitions agree; the entropy adds eps). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

typedef qib_zn_mat gldm_mat;

/* ---- the features ---- */

/* Dependence entropy. PyRadiomics gldm_DependenceEntropy; IBSI FCBV.
 * -sum_ij p(i,j) log2(p(i,j) + eps). */
static double de(const gldm_mat *m) { return qib__pr_zn_entropy(m); }

/* Dependence non-uniformity. PyRadiomics gldm_DependenceNonUniformity;
 * IBSI Z87G. sum_j p_d(j)^2 / N_z. */
static double dn(const gldm_mat *m) { return qib__zn_sum_sq(m->rj, m->nj) / m->ns; }

/* Dependence non-uniformity normalised. PyRadiomics
 * gldm_DependenceNonUniformityNormalized; IBSI OKJI. sum_j p_d(j)^2 / N_z^2. */
static double dnn(const gldm_mat *m) {
    return qib__zn_sum_sq(m->rj, m->nj) / (m->ns * m->ns);
}

/* Dependence variance. PyRadiomics gldm_DependenceVariance; IBSI DNX2.
 * sum_ij p(i,j) (j - mu)^2, mu = sum_ij p(i,j) j. */
static double dv(const gldm_mat *m) { return qib__zn_count_var(m); }

/* Grey level non-uniformity. PyRadiomics gldm_GrayLevelNonUniformity;
 * IBSI FP8K. sum_i p_g(i)^2 / N_z. */
static double gln(const gldm_mat *m) { return qib__zn_sum_sq(m->ri, m->np) / m->ns; }

/* Grey level variance. PyRadiomics gldm_GrayLevelVariance; IBSI 1PFV.
 * sum_ij p(i,j) (i - mu)^2, mu = sum_ij p(i,j) i. */
static double glv(const gldm_mat *m) { return qib__zn_level_var(m); }

/* High grey level emphasis. PyRadiomics gldm_HighGrayLevelEmphasis; IBSI
 * OAE7. sum_ij P(i,j) i^2 / N_z. */
static double hgle(const gldm_mat *m) { return qib__zn_emphasis(m, 2, 0); }

/* Large dependence emphasis. PyRadiomics gldm_LargeDependenceEmphasis;
 * IBSI IMOQ. sum_ij P(i,j) j^2 / N_z. */
static double lde(const gldm_mat *m) { return qib__zn_emphasis(m, 0, 2); }

/* Large dependence high grey level emphasis. PyRadiomics
 * gldm_LargeDependenceHighGrayLevelEmphasis; IBSI 9QMG.
 * sum_ij P(i,j) i^2 j^2 / N_z. */
static double ldhgle(const gldm_mat *m) { return qib__zn_emphasis(m, 2, 2); }

/* Large dependence low grey level emphasis. PyRadiomics
 * gldm_LargeDependenceLowGrayLevelEmphasis; IBSI NBZI.
 * sum_ij P(i,j) j^2 / i^2 / N_z. */
static double ldlgle(const gldm_mat *m) { return qib__zn_emphasis(m, -2, 2); }

/* Low grey level emphasis. PyRadiomics gldm_LowGrayLevelEmphasis; IBSI
 * TL9H. sum_ij P(i,j) / i^2 / N_z. */
static double lgle(const gldm_mat *m) { return qib__zn_emphasis(m, -2, 0); }

/* Small dependence emphasis. PyRadiomics gldm_SmallDependenceEmphasis;
 * IBSI SODN. sum_ij P(i,j) / j^2 / N_z. */
static double sde(const gldm_mat *m) { return qib__zn_emphasis(m, 0, -2); }

/* Small dependence high grey level emphasis. PyRadiomics
 * gldm_SmallDependenceHighGrayLevelEmphasis; IBSI JA6D.
 * sum_ij P(i,j) i^2 / j^2 / N_z. */
static double sdhgle(const gldm_mat *m) { return qib__zn_emphasis(m, 2, -2); }

/* Small dependence low grey level emphasis. PyRadiomics
 * gldm_SmallDependenceLowGrayLevelEmphasis; IBSI EQ3F.
 * sum_ij P(i,j) / (i^2 j^2) / N_z. */
static double sdlgle(const gldm_mat *m) { return qib__zn_emphasis(m, -2, -2); }

/* ---- registration ---- */

#define GLDM_LIST(X)                                                                           \
    X(de, "DependenceEntropy", "FCBV", "Entropy of the dependence matrix.")                    \
    X(dn, "DependenceNonUniformity", "Z87G", "Dependence non-uniformity.")                     \
    X(dnn, "DependenceNonUniformityNormalized", "OKJI", "Normalised dependence non-uniformity.") \
    X(dv, "DependenceVariance", "DNX2", "Variance of the dependences.")                        \
    X(gln, "GrayLevelNonUniformity", "FP8K", "Grey level non-uniformity.")                     \
    X(glv, "GrayLevelVariance", "1PFV", "Variance of the grey levels.")                        \
    X(hgle, "HighGrayLevelEmphasis", "OAE7", "High grey level emphasis.")                      \
    X(lde, "LargeDependenceEmphasis", "IMOQ", "Large dependence emphasis.")                    \
    X(ldhgle, "LargeDependenceHighGrayLevelEmphasis", "9QMG",                                  \
      "Large dependence high grey level emphasis.")                                            \
    X(ldlgle, "LargeDependenceLowGrayLevelEmphasis", "NBZI",                                   \
      "Large dependence low grey level emphasis.")                                             \
    X(lgle, "LowGrayLevelEmphasis", "TL9H", "Low grey level emphasis.")                        \
    X(sde, "SmallDependenceEmphasis", "SODN", "Small dependence emphasis.")                    \
    X(sdhgle, "SmallDependenceHighGrayLevelEmphasis", "JA6D",                                  \
      "Small dependence high grey level emphasis.")                                            \
    X(sdlgle, "SmallDependenceLowGrayLevelEmphasis", "EQ3F",                                   \
      "Small dependence low grey level emphasis.")

#define ENUM(fn, name, code, text) GLDM_##fn,
enum { GLDM_LIST(ENUM) GLDM_N };

#define FN(fn, name, code, text) fn,
static double (*const gldm_fns[GLDM_N])(const gldm_mat *) = {GLDM_LIST(FN)};

#define GET(fn, name, code, text)                                                              \
    static double get_##fn(const void *c) { return ((const qib_tex_values *)c)->v[GLDM_##fn]; }
GLDM_LIST(GET)

/* ---- matrix ---- */

/* The counts P(i, j), dense: np rows of na + 1 dependences. */
typedef struct gldm_count {
    uint32_t *p;
    size_t nj;
} gldm_count;

/* One voxel of level index c with dep dependent neighbours: P(c, dep + 1). */
static void add_voxel(void *user, size_t c, size_t count, double sum, size_t dep) {
    (void)count;
    (void)sum;
    gldm_count *k = user;
    k->p[c * k->nj + dep]++;
}

static qib_status gldm_compute(const qib_pr_box *b, const qib_pr_opts *o, qib_tex_values *out,
                               qib_error *err) {
    qib_pr_angle *ang = NULL;
    size_t na = 0;
    QIB_FORWARD(qib__pr_angles(b, o->dist, o->ndist, o->force2d_axis, true, &ang, &na, err));
    gldm_count k = {calloc(b->np * (na + 1), sizeof(uint32_t)), na + 1};
    gldm_mat *m = qib__zn_mat_new(b->np);
    qib_status st = QIB_OK;
    if (!k.p || !m) {
        st = qib__nomem(err, NULL, "GLDM");
        goto done;
    }
    if ((st = qib__pr_neighbours(b, ang, na, o->alpha, false, add_voxel, &k, err)) != QIB_OK)
        goto done;
    for (size_t c = 0; c < b->np; c++)
        for (size_t j = 0; j < k.nj; j++)
            if (k.p[c * k.nj + j]) qib__zn_mat_add(m, c, j + 1, (double)k.p[c * k.nj + j]);
    m->nv = (double)b->n_vox;
    if (m->failed) {
        st = qib__nomem(err, NULL, "GLDM");
        goto done;
    }
    if (qib__zn_mat_finish(m, b->value))
        for (size_t f = 0; f < GLDM_N; f++) out->v[f] = gldm_fns[f](m);
done:
    qib__zn_mat_free(m);
    free(k.p);
    free(ang);
    return st;
}

static qib_status gldm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    (void)agg;
    return qib__pr_prepare(roi, "GLDM", true, gldm_compute, ctx, err);
}

#define DEF(fn, name, code, text)                                                              \
    {{"pyradiomics_gldm", name, code, "gldm_" name, "", 0, text}, get_##fn},
static const qib_feature_def gldm_table[] = {GLDM_LIST(DEF)};

const qib_family_def qib__family_pr_gldm = {
    {"pyradiomics_gldm", "PyRadiomics GLDM", "",
     "PyRadiomics 3.1 grey level dependence matrix features (alpha gldm_alpha).", "gldm",
     "pyradiomics"},
    gldm_table,
    GLDM_N,
    NULL,
    0,
    gldm_prepare,
    qib__tex_release,
};
