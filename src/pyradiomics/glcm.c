/* SPDX-License-Identifier: Apache-2.0 */
/* glcm.c: PyRadiomics 3.1's GLCM class (radiomics/glcm.py, matrices from
 * radiomics/src/cmatrices.c calculate_glcm), reproduced with its own
 * definitions and column names (glcm_Contrast, ...).
 *
 * Matrix: for each angle a (one of each opposite pair of PyRadiomics'
 * angles for the setting distances, pr_texture.h) P_a(i, j) counts the
 * region voxels of level i whose neighbour at offset a is a region voxel
 * of level j; with symmetrical_glcm (default) P_a + P_a^T. Rows and
 * columns exist for the levels present in the region only. Without
 * weighting (default) every feature is computed on each angle's
 * normalised matrix p = P_a / sum P_a and averaged over the angles
 * (numpy.nanmean; angles without a pair are deleted first): IBSI's "3D
 * averaged" aggregation (ITBB) for distance 1. With weighting_norm the
 * matrices are summed with weights exp(-||d_a||^2), ||d_a|| the angle's
 * length in mm under that norm (1 for no_weighting), and the features are
 * computed once on the sum.
 *
 * Symbols (glcm.py): i, j the grey levels (bin indices, not renumbered);
 * N_g the highest level present; p_x(i) = sum_j p(i,j), p_y(j) =
 * sum_i p(i,j); mu_x = sum i p(i,j), mu_y = sum j p(i,j);
 * p_{x+y}(k) = sum over i + j = k, p_{x-y}(k) = sum over |i - j| = k;
 * eps = 2.2e-16 (numpy.spacing(1)); logarithms base 2 with eps added:
 * HX = -sum p_x log2(p_x + eps), HY likewise, HXY = -sum p log2(p + eps),
 * HXY1 = -sum p log2(p_x p_y + eps), HXY2 = -sum p_x p_y log2(p_x p_y + eps).
 * Sources: PyRadiomics 3.1 documentation, "Gray Level Co-occurrence Matrix
 * (GLCM) Features"; IBSI 1 manual section 3.6 where the definitions agree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

/* At most this many bytes of per-angle matrices at once; above it the
 * angles are counted in several passes. */
#define GLCM_BUDGET ((size_t)256 << 20)

/* One normalised matrix and its coefficients. */
typedef struct glcm_ang {
    size_t np;          /* rows (levels present) */
    const double *lv;   /* level value of each row */
    double ng;          /* N_g */
    double *p;          /* p(i,j), np x np */
    double *px, *py;    /* marginals, np */
    double *psum;       /* p_{x+y}(k), k = 0..2 N_g */
    double *pdif;       /* p_{x-y}(k), k = 0..N_g-1 */
    size_t nsum, ndif;
    double ux, uy, hx, hy, hxy, hxy1, hxy2;
    double *work;       /* MCC scratch: 2 np^2 */
    size_t *keep;       /* MCC scratch: np */
} glcm_ang;

#define P(m, a, b) ((m)->p[(a) * (m)->np + (b)])

/* ---- the features, each from one angle's matrix ---- */

/* Autocorrelation. PyRadiomics glcm_Autocorrelation; IBSI QWB0.
 * sum_ij p(i,j) i j. */
static double autocorrelation(const glcm_ang *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) x += P(m, a, b) * m->lv[a] * m->lv[b];
    return x;
}

/* sum_ij p(i,j) (i + j - mu_x - mu_y)^e: the cluster moments. */
static double cluster(const glcm_ang *m, int e) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) {
            double d = m->lv[a] + m->lv[b] - m->ux - m->uy, t = d * d;
            x += P(m, a, b) * (e == 2 ? t : e == 3 ? t * d : t * t);
        }
    return x;
}

/* Cluster prominence. PyRadiomics glcm_ClusterProminence; IBSI AE86.
 * sum_ij (i + j - mu_x - mu_y)^4 p(i,j). */
static double cluster_prominence(const glcm_ang *m) { return cluster(m, 4); }

/* Cluster shade. PyRadiomics glcm_ClusterShade; IBSI 7NFM.
 * sum_ij (i + j - mu_x - mu_y)^3 p(i,j). */
static double cluster_shade(const glcm_ang *m) { return cluster(m, 3); }

/* Cluster tendency. PyRadiomics glcm_ClusterTendency; IBSI DG8W.
 * sum_ij (i + j - mu_x - mu_y)^2 p(i,j). */
static double cluster_tendency(const glcm_ang *m) { return cluster(m, 2); }

/* Contrast. PyRadiomics glcm_Contrast; IBSI ACUI.
 * sum_ij (i - j)^2 p(i,j). */
static double contrast(const glcm_ang *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) {
            double d = m->lv[a] - m->lv[b];
            x += P(m, a, b) * d * d;
        }
    return x;
}

/* Correlation. PyRadiomics glcm_Correlation; IBSI NI2N.
 * (sum_ij p(i,j) (i - mu_x)(j - mu_y)) / (sigma_x sigma_y + eps), with
 * sigma_x^2 = sum_ij p(i,j) (i - mu_x)^2 (sigma_y likewise); 1 when
 * sigma_x sigma_y = 0 (one grey level; IBSI leaves it undefined). */
static double correlation(const glcm_ang *m) {
    double sx = 0, sy = 0, c = 0;
    for (size_t a = 0; a < m->np; a++) {
        double da = m->lv[a] - m->ux, db = m->lv[a] - m->uy;
        sx += m->px[a] * da * da;
        sy += m->py[a] * db * db;
    }
    double s = sqrt(sx) * sqrt(sy);
    if (s == 0) return 1;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            c += P(m, a, b) * (m->lv[a] - m->ux) * (m->lv[b] - m->uy);
    return c / (s + QIB_PR_EPS);
}

/* Difference average. PyRadiomics glcm_DifferenceAverage; IBSI TF7R.
 * sum_k k p_{x-y}(k), k = 0..N_g-1. */
static double difference_average(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->ndif; k++) x += (double)k * m->pdif[k];
    return x;
}

/* Difference entropy. PyRadiomics glcm_DifferenceEntropy; IBSI NTRS.
 * -sum_k p_{x-y}(k) log2(p_{x-y}(k) + eps). */
static double difference_entropy(const glcm_ang *m) {
    return qib__pr_entropy(m->pdif, m->ndif, 1.0);
}

/* Difference variance. PyRadiomics glcm_DifferenceVariance; IBSI D3YU.
 * sum_k (k - DA)^2 p_{x-y}(k), DA the difference average. */
static double difference_variance(const glcm_ang *m) {
    double da = difference_average(m), x = 0;
    for (size_t k = 0; k < m->ndif; k++) x += ((double)k - da) * ((double)k - da) * m->pdif[k];
    return x;
}

/* Inverse difference. PyRadiomics glcm_Id; IBSI IB1Z.
 * sum_k p_{x-y}(k) / (1 + k). */
static double id(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->ndif; k++) x += m->pdif[k] / (1.0 + (double)k);
    return x;
}

/* Inverse difference moment. PyRadiomics glcm_Idm; IBSI WF0Z.
 * sum_k p_{x-y}(k) / (1 + k^2). */
static double idm(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->ndif; k++) x += m->pdif[k] / (1.0 + (double)k * (double)k);
    return x;
}

/* Inverse difference moment normalised. PyRadiomics glcm_Idmn; IBSI 1QCO
 * has the same form with IBSI's N_g (the discretisation's number of
 * levels), PyRadiomics' N_g is the highest level present.
 * sum_k p_{x-y}(k) / (1 + k^2 / N_g^2). */
static double idmn(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->ndif; k++)
        x += m->pdif[k] / (1.0 + (double)k * (double)k / (m->ng * m->ng));
    return x;
}

/* Inverse difference normalised. PyRadiomics glcm_Idn; IBSI NDRX with
 * IBSI's N_g (see Idmn). sum_k p_{x-y}(k) / (1 + k / N_g). */
static double idn(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->ndif; k++) x += m->pdif[k] / (1.0 + (double)k / m->ng);
    return x;
}

/* Informational measure of correlation 1. PyRadiomics glcm_Imc1; IBSI
 * R8DG. (HXY - HXY1) / max(HX, HY); 0 when HX = HY = 0 (one grey level;
 * IBSI leaves it undefined). */
static double imc1(const glcm_ang *m) {
    double div = m->hx > m->hy ? m->hx : m->hy;
    return div != 0 ? (m->hxy - m->hxy1) / div : 0;
}

/* Informational measure of correlation 2. PyRadiomics glcm_Imc2; IBSI
 * JN9H. sqrt(1 - e^(-2 (HXY2 - HXY))); 0 when HXY2 = HXY; NaN when
 * HXY2 < HXY by rounding (numpy's square root of a negative number, left
 * out of the mean over angles). */
static double imc2(const glcm_ang *m) {
    if (m->hxy2 == m->hxy) return 0;
    double x = 1.0 - exp(-2.0 * (m->hxy2 - m->hxy));
    return x >= 0 ? sqrt(x) : NAN;
}

/* Inverse variance. PyRadiomics glcm_InverseVariance; IBSI E8JP.
 * sum_{k>=1} p_{x-y}(k) / k^2. */
static double inverse_variance(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 1; k < m->ndif; k++) x += m->pdif[k] / ((double)k * (double)k);
    return x;
}

/* Joint average. PyRadiomics glcm_JointAverage; IBSI 60VM.
 * mu_x = sum_ij p(i,j) i. */
static double joint_average(const glcm_ang *m) { return m->ux; }

/* Joint energy. PyRadiomics glcm_JointEnergy; IBSI 8ZQL (angular second
 * moment). sum_ij p(i,j)^2. */
static double joint_energy(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->np * m->np; k++) x += m->p[k] * m->p[k];
    return x;
}

/* Joint entropy. PyRadiomics glcm_JointEntropy; IBSI TU9B.
 * HXY = -sum_ij p(i,j) log2(p(i,j) + eps). */
static double joint_entropy(const glcm_ang *m) { return m->hxy; }

/* Maximal correlation coefficient. PyRadiomics glcm_MCC; no IBSI feature.
 * sqrt of the second largest eigenvalue of
 * Q(i,j) = sum_k p(i,k) p(j,k) / (p_x(i) p_y(k)). Q is similar to the
 * symmetric S = D_x^-1/2 P D_y^-1 P^T D_x^-1/2 (D the diagonal marginals),
 * whose eigenvalues are computed (pr_texture.c); rows with p_x(i) = 0 give
 * eigenvalues 0. PyRadiomics adds eps to the denominator and takes the
 * eigenvalues of Q itself (numpy.linalg.eigvals): the two agree to about
 * eps / (p_x p_y) relative. 1 when the region has one grey level. */
static double mcc(const glcm_ang *m) {
    if (m->np < 2) return 1;
    size_t np = m->np, n = 0;
    double *bm = m->work, *s = m->work + np * np;
    size_t *keep = m->keep;
    for (size_t a = 0; a < np; a++)
        if (m->px[a] > 0) keep[n++] = a;
    if (n < 2) return 0; /* the second eigenvalue is one of the zeros */
    for (size_t r = 0; r < n; r++) {
        double sa = sqrt(m->px[keep[r]]);
        for (size_t k = 0; k < np; k++)
            bm[r * np + k] = m->py[k] > 0 ? P(m, keep[r], k) / (sa * sqrt(m->py[k])) : 0;
    }
    for (size_t r = 0; r < n; r++)
        for (size_t c = r; c < n; c++) {
            double x = 0;
            for (size_t k = 0; k < np; k++) x += bm[r * np + k] * bm[c * np + k];
            s[r * n + c] = s[c * n + r] = x;
        }
    double lam = qib__pr_eig_second(s, n);
    return isnan(lam) ? NAN : lam > 0 ? sqrt(lam) : 0;
}

/* Maximum probability. PyRadiomics glcm_MaximumProbability; IBSI GYBY
 * (joint maximum). max_ij p(i,j). */
static double maximum_probability(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 0; k < m->np * m->np; k++)
        if (m->p[k] > x) x = m->p[k];
    return x;
}

/* Sum average. PyRadiomics glcm_SumAverage; IBSI ZGXS.
 * sum_k k p_{x+y}(k), k = 2..2 N_g. */
static double sum_average(const glcm_ang *m) {
    double x = 0;
    for (size_t k = 2; k < m->nsum; k++) x += (double)k * m->psum[k];
    return x;
}

/* Sum entropy. PyRadiomics glcm_SumEntropy; IBSI P6QZ.
 * -sum_k p_{x+y}(k) log2(p_{x+y}(k) + eps). */
static double sum_entropy(const glcm_ang *m) { return qib__pr_entropy(m->psum, m->nsum, 1.0); }

/* Sum of squares. PyRadiomics glcm_SumSquares; IBSI UR99 (joint
 * variance). sum_ij (i - mu_x)^2 p(i,j). */
static double sum_squares(const glcm_ang *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++) x += (m->lv[a] - m->ux) * (m->lv[a] - m->ux) * m->px[a];
    return x;
}

/* ---- registration ---- */

#define GLCM_LIST(X)                                                                           \
    X(autocorrelation, "Autocorrelation", "QWB0", "Mean product of the pair grey levels.")     \
    X(cluster_prominence, "ClusterProminence", "AE86", "Cluster prominence.")                  \
    X(cluster_shade, "ClusterShade", "7NFM", "Cluster shade.")                                 \
    X(cluster_tendency, "ClusterTendency", "DG8W", "Cluster tendency.")                        \
    X(contrast, "Contrast", "ACUI", "Mean squared grey level difference.")                     \
    X(correlation, "Correlation", "NI2N", "Correlation of the pair grey levels.")              \
    X(difference_average, "DifferenceAverage", "TF7R", "Mean absolute grey level difference.") \
    X(difference_entropy, "DifferenceEntropy", "NTRS", "Entropy of the grey level differences.") \
    X(difference_variance, "DifferenceVariance", "D3YU",                                       \
      "Variance of the grey level differences.")                                               \
    X(id, "Id", "IB1Z", "Inverse difference.")                                                 \
    X(idm, "Idm", "WF0Z", "Inverse difference moment.")                                        \
    X(idmn, "Idmn", "", "Inverse difference moment normalised by the highest level.")          \
    X(idn, "Idn", "", "Inverse difference normalised by the highest level.")                   \
    X(imc1, "Imc1", "R8DG", "Informational measure of correlation 1.")                         \
    X(imc2, "Imc2", "JN9H", "Informational measure of correlation 2.")                         \
    X(inverse_variance, "InverseVariance", "E8JP", "Inverse variance.")                        \
    X(joint_average, "JointAverage", "60VM", "Mean grey level of the pairs.")                  \
    X(joint_energy, "JointEnergy", "8ZQL", "Sum of squared joint probabilities.")              \
    X(joint_entropy, "JointEntropy", "TU9B", "Entropy of the joint probabilities.")            \
    X(mcc, "MCC", "", "Maximal correlation coefficient.")                                      \
    X(maximum_probability, "MaximumProbability", "GYBY", "Largest joint probability.")         \
    X(sum_average, "SumAverage", "ZGXS", "Mean grey level sum of the pairs.")                  \
    X(sum_entropy, "SumEntropy", "P6QZ", "Entropy of the grey level sums.")                    \
    X(sum_squares, "SumSquares", "UR99", "Variance of the pair grey levels.")

#define ENUM(fn, name, code, text) GLCM_##fn,
enum { GLCM_LIST(ENUM) GLCM_N };

#define FN(fn, name, code, text) fn,
static double (*const glcm_fns[GLCM_N])(const glcm_ang *) = {GLCM_LIST(FN)};

#define GET(fn, name, code, text)                                                              \
    static double get_##fn(const void *c) { return ((const qib_tex_values *)c)->v[GLCM_##fn]; }
GLCM_LIST(GET)

/* ---- matrices ---- */

/* Counts into cnt[q](i, j) every pair (region voxel of level index i,
 * region voxel of level index j at offset off[q]), q < na, in one pass over
 * the region's rows (the box's padding keeps every neighbour inside). */
static void count_pairs(const qib_pr_box *b, size_t na, uint32_t *cnt, const ptrdiff_t *off) {
    const size_t np = b->np, cells = np * np, nrow = b->n[1] * b->n[2];
    const int32_t *ix = b->index;
    for (size_t r = 0; r < nrow; r++) {
        const uint32_t lo = b->span[2 * r], hi = b->span[2 * r + 1];
        const int32_t *row = b->lev + qib__pr_row_start(b, r);
        for (uint32_t x = lo; x < hi; x++) {
            const int32_t *v = row + x;
            if (!*v) continue;
            uint32_t *c = cnt + (size_t)ix[*v] * np;
            for (size_t q = 0; q < na; q++, c += cells) {
                int32_t e = v[off[q]];
                c[ix[e]] += e != 0; /* index[0] = 0: no branch on the data */
            }
        }
    }
}

/* Normalises counts c (made symmetric first when asked) into m and fills
 * the coefficients; false when c holds no pair (the angle is deleted). */
static bool glcm_normalise(glcm_ang *m, double *c, bool symmetric) {
    const size_t np = m->np;
    if (symmetric)
        for (size_t a = 0; a < np; a++)
            for (size_t b = a; b < np; b++) {
                double s = c[a * np + b] + c[b * np + a];
                c[a * np + b] = c[b * np + a] = s;
            }
    double total = 0;
    for (size_t k = 0; k < np * np; k++) total += c[k];
    if (!(total > 0)) return false;
    memset(m->px, 0, np * sizeof *m->px);
    memset(m->py, 0, np * sizeof *m->py);
    memset(m->psum, 0, m->nsum * sizeof *m->psum);
    memset(m->pdif, 0, m->ndif * sizeof *m->pdif);
    double hxy = 0;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++) {
            double p = c[a * np + b] / total;
            P(m, a, b) = p;
            if (p == 0) continue;
            m->px[a] += p;
            m->py[b] += p;
            m->psum[(size_t)(m->lv[a] + m->lv[b])] += p;
            m->pdif[(size_t)fabs(m->lv[a] - m->lv[b])] += p;
            hxy -= p * log2(p + QIB_PR_EPS);
        }
    double ux = 0, uy = 0;
    for (size_t a = 0; a < np; a++) {
        ux += m->px[a] * m->lv[a];
        uy += m->py[a] * m->lv[a];
    }
    /* HXY1 and HXY2 share log2(p_x p_y + eps) */
    double h1 = 0, h2 = 0;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++) {
            double q = m->px[a] * m->py[b];
            if (q == 0) continue;
            double l = log2(q + QIB_PR_EPS);
            h1 -= P(m, a, b) * l;
            h2 -= q * l;
        }
    m->ux = ux;
    m->uy = uy;
    m->hx = qib__pr_entropy(m->px, np, 1.0);
    m->hy = qib__pr_entropy(m->py, np, 1.0);
    m->hxy = hxy;
    m->hxy1 = h1;
    m->hxy2 = h2;
    return true;
}

typedef struct glcm_work {
    glcm_ang m;
    double *lv;
    double *c;      /* one matrix as doubles (np x np) */
    double *w;      /* weight of each angle */
    ptrdiff_t *off; /* offset of each angle in the box */
} glcm_work;

static void work_free(glcm_work *k) {
    free(k->m.p);
    free(k->m.px);
    free(k->m.py);
    free(k->m.psum);
    free(k->m.pdif);
    free(k->m.work);
    free(k->m.keep);
    free(k->lv);
    free(k->c);
    free(k->w);
    free(k->off);
}

/* The scratch of one matrix's features, and each angle's weight and
 * offset. */
static bool work_alloc(glcm_work *k, const qib_pr_box *b, size_t na) {
    size_t np = b->np, cells = np * np;
    glcm_ang *m = &k->m;
    m->np = np;
    m->ng = (double)b->ng;
    m->nsum = 2 * (size_t)b->ng + 1;
    m->ndif = (size_t)b->ng;
    k->lv = malloc(np * sizeof *k->lv);
    m->p = malloc(cells * sizeof *m->p);
    m->px = malloc(np * sizeof *m->px);
    m->py = malloc(np * sizeof *m->py);
    m->psum = malloc(m->nsum * sizeof *m->psum);
    m->pdif = malloc(m->ndif * sizeof *m->pdif);
    m->work = malloc(2 * cells * sizeof *m->work);
    m->keep = malloc(np * sizeof *m->keep);
    k->c = calloc(cells, sizeof *k->c);
    k->w = malloc(na * sizeof *k->w);
    k->off = malloc(na * sizeof *k->off);
    if (!k->lv || !m->p || !m->px || !m->py || !m->psum || !m->pdif || !m->work || !m->keep ||
        !k->c || !k->w || !k->off)
        return false;
    for (size_t c = 0; c < np; c++) k->lv[c] = (double)b->value[c];
    m->lv = k->lv;
    return true;
}

/* Features of one matrix (counts in k->c) added to the mean. */
static void add_features(glcm_work *k, bool symmetric, qib_tex_mean *mean) {
    double v[QIB_TEX_MAX_FEATURES];
    if (!glcm_normalise(&k->m, k->c, symmetric)) return;
    for (size_t f = 0; f < GLCM_N; f++) v[f] = glcm_fns[f](&k->m);
    qib__tex_mean_add(mean, v, GLCM_N);
}

/* Features of the angles (or of their weighted sum), into out. The angles
 * are counted in groups that fit GLCM_BUDGET, one pass over the region per
 * group (a single group for the usual sizes). */
static qib_status glcm_compute(const qib_pr_box *b, const qib_pr_opts *o, qib_tex_values *out,
                               qib_error *err) {
    qib_pr_angle *ang = NULL;
    size_t na = 0;
    QIB_FORWARD(qib__pr_angles(b, o->dist, o->ndist, o->force2d_axis, false, &ang, &na, err));
    glcm_work k;
    memset(&k, 0, sizeof k);
    const size_t cells = b->np * b->np, bytes = cells * sizeof(uint32_t);
    size_t per = bytes && GLCM_BUDGET / bytes < na ? GLCM_BUDGET / bytes : na;
    if (per < 1) per = 1;
    const bool merged = o->weighting != QIB_PR_WEIGHT_NONE;
    uint32_t *cnt = NULL;
    qib_tex_mean mean;
    memset(&mean, 0, sizeof mean);
    qib_status st = QIB_OK;
    if (!na) goto done; /* no angle fits the box: every value NaN */
    if (!work_alloc(&k, b, na) || !(cnt = malloc(per * cells * sizeof *cnt))) {
        st = qib__nomem(err, NULL, "GLCM");
        goto done;
    }
    for (size_t q = 0; q < na; q++) {
        k.off[q] = qib__pr_offset(b, ang[q].d);
        double d = qib__pr_norm(b, &ang[q], o->weighting);
        k.w[q] = o->weighting == QIB_PR_WEIGHT_NONE || o->weighting == QIB_PR_WEIGHT_ONE
                     ? 1.0
                     : exp(-d * d);
    }
    for (size_t a0 = 0; a0 < na; a0 += per) {
        size_t n = na - a0 < per ? na - a0 : per;
        memset(cnt, 0, n * cells * sizeof *cnt);
        count_pairs(b, n, cnt, k.off + a0);
        for (size_t q = 0; q < n; q++) {
            const uint32_t *cq = cnt + q * cells;
            if (merged) {
                for (size_t t = 0; t < cells; t++) k.c[t] += k.w[a0 + q] * (double)cq[t];
                continue;
            }
            for (size_t t = 0; t < cells; t++) k.c[t] = (double)cq[t];
            add_features(&k, o->symmetric, &mean);
        }
    }
    if (merged) add_features(&k, o->symmetric, &mean);
    qib__tex_mean_result(&mean, GLCM_N, out);
done:
    free(cnt);
    work_free(&k);
    free(ang);
    return st;
}

static qib_status glcm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    (void)agg;
    return qib__pr_prepare(roi, "GLCM", true, glcm_compute, ctx, err);
}

#define DEF(fn, name, code, text)                                                              \
    {{"pyradiomics_glcm", name, code, "glcm_" name, "", 0, text}, get_##fn},
static const qib_feature_def glcm_table[] = {GLCM_LIST(DEF)};

const qib_family_def qib__family_pr_glcm = {
    {"pyradiomics_glcm", "PyRadiomics GLCM", "",
     "PyRadiomics 3.1 grey level co-occurrence matrix features: per angle, averaged.", "glcm",
     "pyradiomics"},
    glcm_table,
    GLCM_N,
    NULL,
    0,
    glcm_prepare,
    qib__tex_release,
};
