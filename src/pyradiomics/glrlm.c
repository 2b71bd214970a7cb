/* SPDX-License-Identifier: Apache-2.0 */
/* glrlm.c: PyRadiomics 3.1's GLRLM class (radiomics/glrlm.py, matrices
 * from radiomics/src/cmatrices.c calculate_glrlm), with its definitions and
 * column names (glrlm_RunEntropy, ...).
 *
 * Matrix: for each angle a (one of each opposite pair of the distance-1
 * angles, pr_texture.h; the setting distances does not apply) P_a(i, j)
 * counts the runs along a of grey level i and length j: maximal sequences
 * of consecutive region voxels of one level on a line of the bounding box.
 * An angle along which no line holds two region voxels is emptied
 * (cmatrices.c: "Segmentation is 2D for this angle"). Without weighting
 * (default) every feature is computed per angle and averaged over the
 * angles with runs (numpy.nanmean): IBSI's "3D averaged" aggregation
 * (ITBB). With weighting_norm the matrices are summed with weights ||d_a||
 * (the angle's length in mm under that norm, 1 for no_weighting) and the
 * features are computed once on the sum.
 *
 * Symbols (glrlm.py): i the grey level (bin index, not renumbered), j the
 * run length; N_r(a) = sum_ij P(i,j) the number of runs; p_g(i) =
 * sum_j P(i,j), p_r(j) = sum_i P(i,j); N_p(a) = sum_j j p_r(j) (the
 * voxels counted); p(i,j) = P(i,j) / N_r(a); eps = 2.2e-16. Sources:
 * PyRadiomics 3.1 documentation, "Gray Level Run Length Matrix (GLRLM)
 * Features"; IBSI 1 manual section 3.7 (the definitions agree). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

/* One angle's matrix (or the weighted sum). */
typedef struct glrlm_ang {
    size_t np, nr;    /* rows (levels present) x run lengths 1..nr (row stride) */
    size_t nj;        /* run lengths 1..nj hold counts (nj <= nr) */
    const double *lv; /* level value of each row */
    double *r;        /* P(i,j): row = level index, column = length - 1 */
    double *pg, *pr;  /* marginals */
    double ns, nv;    /* N_r(a), N_p(a) */
} glrlm_ang;

#define R(m, a, b) ((m)->r[(a) * (m)->nr + (b)])
#define LEN(b) ((double)(b) + 1.0)

/* (1/N_r) sum_ij P(i,j) i^gi j^gj, gi and gj in -2, 0, 2 */
static double emphasis(const glrlm_ang *m, int gi, int gj) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++) {
        double i2 = m->lv[a] * m->lv[a], wi = gi > 0 ? i2 : gi < 0 ? 1.0 / i2 : 1.0;
        for (size_t b = 0; b < m->nj; b++) {
            double q = R(m, a, b);
            if (q == 0) continue;
            double j2 = LEN(b) * LEN(b), wj = gj > 0 ? j2 : gj < 0 ? 1.0 / j2 : 1.0;
            x += q * wi * wj;
        }
    }
    return x / m->ns;
}

static double sum_sq(const double *x, size_t n) {
    double s = 0;
    for (size_t k = 0; k < n; k++) s += x[k] * x[k];
    return s;
}

/* ---- the features, each from one angle's matrix ---- */

/* Grey level non-uniformity. PyRadiomics glrlm_GrayLevelNonUniformity;
 * IBSI R5YN. sum_i p_g(i)^2 / N_r. */
static double gln(const glrlm_ang *m) { return sum_sq(m->pg, m->np) / m->ns; }

/* Grey level non-uniformity normalised. PyRadiomics
 * glrlm_GrayLevelNonUniformityNormalized; IBSI OVBL. sum_i p_g(i)^2 / N_r^2. */
static double glnn(const glrlm_ang *m) {
    return sum_sq(m->pg, m->np) / (m->ns * m->ns);
}

/* Grey level variance. PyRadiomics glrlm_GrayLevelVariance; IBSI 8CE5.
 * sum_i (p_g(i)/N_r) (i - mu)^2, mu = sum_i (p_g(i)/N_r) i. */
static double glv(const glrlm_ang *m) {
    double mu = 0, x = 0;
    for (size_t a = 0; a < m->np; a++) mu += m->pg[a] / m->ns * m->lv[a];
    for (size_t a = 0; a < m->np; a++) x += m->pg[a] / m->ns * (m->lv[a] - mu) * (m->lv[a] - mu);
    return x;
}

/* High grey level run emphasis. PyRadiomics glrlm_HighGrayLevelRunEmphasis;
 * IBSI G3QZ. sum_ij P(i,j) i^2 / N_r. */
static double hglre(const glrlm_ang *m) { return emphasis(m, 2, 0); }

/* Long run emphasis. PyRadiomics glrlm_LongRunEmphasis; IBSI W4KF.
 * sum_ij P(i,j) j^2 / N_r. */
static double lre(const glrlm_ang *m) { return emphasis(m, 0, 2); }

/* Long run high grey level emphasis. PyRadiomics
 * glrlm_LongRunHighGrayLevelEmphasis; IBSI 3KUM. sum_ij P(i,j) i^2 j^2 / N_r. */
static double lrhgle(const glrlm_ang *m) { return emphasis(m, 2, 2); }

/* Long run low grey level emphasis. PyRadiomics
 * glrlm_LongRunLowGrayLevelEmphasis; IBSI IVPO. sum_ij P(i,j) j^2 / i^2 / N_r. */
static double lrlgle(const glrlm_ang *m) { return emphasis(m, -2, 2); }

/* Low grey level run emphasis. PyRadiomics glrlm_LowGrayLevelRunEmphasis;
 * IBSI V3SW. sum_ij P(i,j) / i^2 / N_r. */
static double lglre(const glrlm_ang *m) { return emphasis(m, -2, 0); }

/* Run entropy. PyRadiomics glrlm_RunEntropy; IBSI HJ9O.
 * -sum_ij p(i,j) log2(p(i,j) + eps). */
static double re(const glrlm_ang *m) {
    double h = 0;
    for (size_t a = 0; a < m->np; a++)
        h += qib__pr_entropy(m->r + a * m->nr, m->nj, 1.0 / m->ns);
    return h;
}

/* Run length non-uniformity. PyRadiomics glrlm_RunLengthNonUniformity;
 * IBSI W92Y. sum_j p_r(j)^2 / N_r. */
static double rln(const glrlm_ang *m) { return sum_sq(m->pr, m->nj) / m->ns; }

/* Run length non-uniformity normalised. PyRadiomics
 * glrlm_RunLengthNonUniformityNormalized; IBSI IC23. sum_j p_r(j)^2 / N_r^2. */
static double rlnn(const glrlm_ang *m) {
    return sum_sq(m->pr, m->nj) / (m->ns * m->ns);
}

/* Run percentage. PyRadiomics glrlm_RunPercentage; IBSI 9ZK5.
 * N_r / N_p, N_p = sum_j j p_r(j) (with weighting, the weighted count). */
static double rp(const glrlm_ang *m) { return m->ns / m->nv; }

/* Run variance. PyRadiomics glrlm_RunVariance; IBSI SXLW.
 * sum_j (p_r(j)/N_r) (j - mu)^2, mu = sum_j (p_r(j)/N_r) j. */
static double rv(const glrlm_ang *m) {
    double mu = 0, x = 0;
    for (size_t b = 0; b < m->nj; b++) mu += m->pr[b] / m->ns * LEN(b);
    for (size_t b = 0; b < m->nj; b++) x += m->pr[b] / m->ns * (LEN(b) - mu) * (LEN(b) - mu);
    return x;
}

/* Short run emphasis. PyRadiomics glrlm_ShortRunEmphasis; IBSI 22OV.
 * sum_ij P(i,j) / j^2 / N_r. */
static double sre(const glrlm_ang *m) { return emphasis(m, 0, -2); }

/* Short run high grey level emphasis. PyRadiomics
 * glrlm_ShortRunHighGrayLevelEmphasis; IBSI GD3A. sum_ij P(i,j) i^2 / j^2 / N_r. */
static double srhgle(const glrlm_ang *m) { return emphasis(m, 2, -2); }

/* Short run low grey level emphasis. PyRadiomics
 * glrlm_ShortRunLowGrayLevelEmphasis; IBSI HTZT. sum_ij P(i,j) / (i^2 j^2) / N_r. */
static double srlgle(const glrlm_ang *m) { return emphasis(m, -2, -2); }

/* ---- registration ---- */

#define GLRLM_LIST(X)                                                                          \
    X(gln, "GrayLevelNonUniformity", "R5YN", "Grey level non-uniformity.")                     \
    X(glnn, "GrayLevelNonUniformityNormalized", "OVBL", "Normalised grey level non-uniformity.") \
    X(glv, "GrayLevelVariance", "8CE5", "Variance of the run grey levels.")                    \
    X(hglre, "HighGrayLevelRunEmphasis", "G3QZ", "High grey level run emphasis.")              \
    X(lre, "LongRunEmphasis", "W4KF", "Long run emphasis.")                                    \
    X(lrhgle, "LongRunHighGrayLevelEmphasis", "3KUM", "Long run high grey level emphasis.")    \
    X(lrlgle, "LongRunLowGrayLevelEmphasis", "IVPO", "Long run low grey level emphasis.")      \
    X(lglre, "LowGrayLevelRunEmphasis", "V3SW", "Low grey level run emphasis.")                \
    X(re, "RunEntropy", "HJ9O", "Entropy of the run length matrix.")                           \
    X(rln, "RunLengthNonUniformity", "W92Y", "Run length non-uniformity.")                     \
    X(rlnn, "RunLengthNonUniformityNormalized", "IC23",                                        \
      "Normalised run length non-uniformity.")                                                 \
    X(rp, "RunPercentage", "9ZK5", "Runs per voxel.")                                          \
    X(rv, "RunVariance", "SXLW", "Variance of the run lengths.")                               \
    X(sre, "ShortRunEmphasis", "22OV", "Short run emphasis.")                                  \
    X(srhgle, "ShortRunHighGrayLevelEmphasis", "GD3A", "Short run high grey level emphasis.")  \
    X(srlgle, "ShortRunLowGrayLevelEmphasis", "HTZT", "Short run low grey level emphasis.")

#define ENUM(fn, name, code, text) GLRLM_##fn,
enum { GLRLM_LIST(ENUM) GLRLM_N };

#define FN(fn, name, code, text) fn,
static double (*const glrlm_fns[GLRLM_N])(const glrlm_ang *) = {GLRLM_LIST(FN)};

#define GET(fn, name, code, text)                                                              \
    static double get_##fn(const void *c) { return ((const qib_tex_values *)c)->v[GLRLM_##fn]; }
GLRLM_LIST(GET)

/* ---- matrices ---- */

/* Does some line of the box along the unit-step angle a hold two region
 * voxels? Each region voxel's line is named by the voxel where the line
 * enters the box. Only asked when every run has length 1. */
static qib_status line_shared(const qib_pr_box *b, const qib_pr_angle *a, bool *shared,
                              qib_error *err) {
    uint8_t *seen = calloc(b->n[0] * b->n[1] * b->n[2], 1);
    if (!seen) return qib__nomem(err, NULL, "GLRLM");
    *shared = false;
    const size_t nrow = b->n[1] * b->n[2];
    for (size_t r = 0; r < nrow && !*shared; r++) {
        const int32_t *row = b->lev + qib__pr_row_start(b, r);
        for (uint32_t x = b->span[2 * r]; x < b->span[2 * r + 1] && !*shared; x++) {
            if (!row[x]) continue;
            size_t c[3] = {x, r % b->n[1], r / b->n[1]};
            size_t back = SIZE_MAX; /* steps back to the entry voxel */
            for (int ax = 0; ax < 3; ax++) {
                size_t s = a->d[ax] > 0 ? c[ax] : a->d[ax] < 0 ? b->n[ax] - 1 - c[ax] : SIZE_MAX;
                back = s < back ? s : back;
            }
            for (int ax = 0; ax < 3; ax++)
                c[ax] = (size_t)((ptrdiff_t)c[ax] - (ptrdiff_t)back * a->d[ax]);
            size_t key = (c[2] * b->n[1] + c[1]) * b->n[0] + c[0];
            *shared = seen[key];
            seen[key] = 1;
        }
    }
    free(seen);
    return QIB_OK;
}

/* Counts the runs along the unit-step angle a into cnt (np x nr, rows of
 * nr run lengths), row by row over the region's spans (pr_texture.h),
 * without branches on the data. len[v] is the length of the run so far at
 * v: len[v - off] + 1 when the voxel before v along a has v's level, else
 * 1; a run ends at v when the voxel after it has another level (the
 * padding is 0). Along i the length is carried from voxel to voxel; along
 * the other angles the voxel before lies on an earlier row, so a row's
 * lengths are independent of each other and the loop vectorises. Zero
 * voxels inside a span get lengths too (at most the span), but count
 * nothing (index[0] = 0: row 0, with a zero increment). len is scratch over
 * the padded box, zeroed by the caller. */
static void count_runs(const qib_pr_box *b, const qib_pr_angle *a, uint32_t *cnt, size_t nr,
                       uint32_t *len) {
    ptrdiff_t off = qib__pr_offset(b, a->d);
    if (off < 0) off = -off; /* the same runs, walked the other way */
    const bool along_i = a->d[1] == 0 && a->d[2] == 0;
    const int32_t *ix = b->index;
    const size_t nrow = b->n[1] * b->n[2];
    for (size_t r = 0; r < nrow; r++) {
        const uint32_t lo = b->span[2 * r], n = b->span[2 * r + 1] - lo;
        if (!n) continue;
        const size_t t0 = qib__pr_row_start(b, r) + lo;
        const int32_t *cur = b->lev + t0;
        uint32_t *l = len + t0;
        if (along_i) {
            uint32_t run = 0;
            int32_t before = cur[-1];
            for (uint32_t x = 0; x < n; x++) {
                run = (cur[x] == before ? run : 0) + 1;
                before = cur[x];
                l[x] = run;
            }
        } else {
            const int32_t *prev = cur - off;
            const uint32_t *lp = l - off;
            for (uint32_t x = 0; x < n; x++)
                l[x] = (lp[x] & (0u - (uint32_t)(prev[x] == cur[x]))) + 1;
        }
        for (uint32_t x = 0; x < n; x++)
            cnt[(size_t)ix[cur[x]] * nr + l[x] - 1] += (cur[x] != 0) & (cur[x + off] != cur[x]);
    }
}

/* Marginals and sums of m; false when it holds no run. */
static bool glrlm_finish(glrlm_ang *m) {
    double ns = 0, nv = 0;
    memset(m->pr, 0, m->nr * sizeof *m->pr);
    for (size_t a = 0; a < m->np; a++) {
        double ra = 0;
        for (size_t b = 0; b < m->nj; b++) {
            double q = R(m, a, b);
            ra += q;
            m->pr[b] += q;
            nv += q * LEN(b);
        }
        m->pg[a] = ra;
        ns += ra;
    }
    m->ns = ns;
    m->nv = nv;
    return ns > 0;
}

static qib_status glrlm_compute(const qib_pr_box *b, const qib_pr_opts *o, qib_tex_values *out,
                                qib_error *err) {
    static const int one[1] = {1};
    qib_pr_angle *ang = NULL;
    size_t na = 0;
    QIB_FORWARD(qib__pr_angles(b, one, 1, o->force2d_axis, false, &ang, &na, err));
    glrlm_ang m;
    memset(&m, 0, sizeof m);
    m.np = b->np;
    m.nr = b->n[0] > b->n[1] ? b->n[0] : b->n[1]; /* no run is longer than the box */
    m.nr = b->n[2] > m.nr ? b->n[2] : m.nr;
    const size_t cells = m.np * m.nr;
    double *lv = malloc(m.np * sizeof *lv);
    m.r = calloc(cells, sizeof *m.r);
    m.pg = malloc(m.np * sizeof *m.pg);
    m.pr = malloc(m.nr * sizeof *m.pr);
    uint32_t *cnt = malloc(cells * sizeof *cnt);
    uint32_t *len = calloc(b->nb, sizeof *len);
    qib_status st = QIB_OK;
    if (!lv || !m.r || !m.pg || !m.pr || !cnt || !len) {
        st = qib__nomem(err, NULL, "GLRLM");
        goto done;
    }
    for (size_t c = 0; c < m.np; c++) lv[c] = (double)b->value[c];
    m.lv = lv;
    uint32_t all_longest = 0;
    const bool merged = o->weighting != QIB_PR_WEIGHT_NONE;
    qib_tex_mean mean;
    memset(&mean, 0, sizeof mean);
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t q = 0; q < na; q++) {
        memset(cnt, 0, cells * sizeof *cnt);
        count_runs(b, &ang[q], cnt, m.nr, len);
        uint32_t longest = 0; /* the longest run counted */
        for (size_t c = 0; c < m.np; c++)
            for (size_t j = m.nr; j > longest; j--)
                if (cnt[c * m.nr + j - 1]) {
                    longest = (uint32_t)j;
                    break;
                }
        bool multi = longest > 1;
        if (!multi && (st = line_shared(b, &ang[q], &multi, err)) != QIB_OK) goto done;
        if (!multi) continue; /* PyRadiomics empties the angle */
        double w = merged ? qib__pr_norm(b, &ang[q], o->weighting) : 1.0;
        if (!merged) memset(m.r, 0, cells * sizeof *m.r);
        for (size_t t = 0; t < cells; t++) m.r[t] += w * (double)cnt[t];
        all_longest = longest > all_longest ? longest : all_longest;
        m.nj = merged ? all_longest : longest;
        if (!merged && glrlm_finish(&m)) {
            for (size_t f = 0; f < GLRLM_N; f++) v[f] = glrlm_fns[f](&m);
            qib__tex_mean_add(&mean, v, GLRLM_N);
        }
    }
    if (merged && glrlm_finish(&m)) {
        for (size_t f = 0; f < GLRLM_N; f++) v[f] = glrlm_fns[f](&m);
        qib__tex_mean_add(&mean, v, GLRLM_N);
    }
    qib__tex_mean_result(&mean, GLRLM_N, out);
done:
    free(lv);
    free(m.r);
    free(m.pg);
    free(m.pr);
    free(cnt);
    free(len);
    free(ang);
    return st;
}

static qib_status glrlm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    (void)agg;
    return qib__pr_prepare(roi, "GLRLM", false, glrlm_compute, ctx, err);
}

#define DEF(fn, name, code, text)                                                              \
    {{"pyradiomics_glrlm", name, code, "glrlm_" name, "", 0, text}, get_##fn},
static const qib_feature_def glrlm_table[] = {GLRLM_LIST(DEF)};

const qib_family_def qib__family_pr_glrlm = {
    {"pyradiomics_glrlm", "PyRadiomics GLRLM", "",
     "PyRadiomics 3.1 grey level run length matrix features: per angle, averaged.", "glrlm",
     "pyradiomics"},
    glrlm_table,
    GLRLM_N,
    NULL,
    0,
    glrlm_prepare,
    qib__tex_release,
};
