/* SPDX-License-Identifier: Apache-2.0 */
/* glrlm.c: grey level run length matrix features (IBSI 1 manual, section
 * "Grey level run length based features", family code TP0I).
 *
 * For a direction m (unit steps) the matrix r_ij counts the runs: maximal
 * sequences of consecutive intensity-mask voxels along m with grey level i,
 * of length j. Each direction is one pass over the slab: a voxel starts a
 * run unless the voxel before it along m has the same level, and the run is
 * then walked to its end. Matrices are merged (counts added) or averaged as
 * the aggregation method says (texture.c).
 *
 * Symbols: i the grey level (1..N_g), j the run length (1..N_r);
 * N_s = sum_ij r_ij the number of runs; r_i. = sum_j r_ij and
 * r_.j = sum_i r_ij; N_v = sum_ij j r_ij the voxels of the matrix (the
 * region's voxels, times the number of merged matrices, as IBSI asks for
 * merged matrices); p_ij = r_ij / N_s. Logarithms are base 2. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "texture.h"

typedef struct glrlm_mat {
    size_t np, nr; /* grey levels present (rows) x longest possible run (columns) */
    double *r;     /* r_ij: row = level index, column = length - 1 */
    double *ri;    /* r_i., np */
    double *rj;    /* r_.j, nr */
    /* set by glrlm_features */
    const int32_t *value;
    double ns, nv;
} glrlm_mat;

#define R(m, a, b) ((m)->r[(a) * (m)->nr + (b)])
#define LV(m, a) ((double)(m)->value[a])
#define LEN(b) ((double)(b) + 1.0)

/* sum_ij r_ij i^gi j^gj / N_s, for the emphasis features (gi, gj in
 * -2, 0, 2). */
static double emphasis(const glrlm_mat *m, int gi, int gj) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++) {
        double i2 = LV(m, a) * LV(m, a), wi = gi > 0 ? i2 : gi < 0 ? 1.0 / i2 : 1.0;
        for (size_t b = 0; b < m->nr; b++) {
            double q = R(m, a, b);
            if (q == 0) continue;
            double j2 = LEN(b) * LEN(b), wj = gj > 0 ? j2 : gj < 0 ? 1.0 / j2 : 1.0;
            x += q * wi * wj;
        }
    }
    return x / m->ns;
}

/* ---- the features, each from one matrix ---- */

/* Short runs emphasis. IBSI 22OV; PyRadiomics glrlm_ShortRunEmphasis.
 * (1/N_s) sum_ij r_ij / j^2. IBSI 3.7.1. */
static double sre(const glrlm_mat *m) { return emphasis(m, 0, -2); }

/* Long runs emphasis. IBSI W4KF; PyRadiomics glrlm_LongRunEmphasis.
 * (1/N_s) sum_ij r_ij j^2. IBSI 3.7.2. */
static double lre(const glrlm_mat *m) { return emphasis(m, 0, 2); }

/* Low grey level run emphasis. IBSI V3SW; PyRadiomics
 * glrlm_LowGrayLevelRunEmphasis. (1/N_s) sum_ij r_ij / i^2. IBSI 3.7.3. */
static double lgre(const glrlm_mat *m) { return emphasis(m, -2, 0); }

/* High grey level run emphasis. IBSI G3QZ; PyRadiomics
 * glrlm_HighGrayLevelRunEmphasis. (1/N_s) sum_ij r_ij i^2. IBSI 3.7.4. */
static double hgre(const glrlm_mat *m) { return emphasis(m, 2, 0); }

/* Short run low grey level emphasis. IBSI HTZT; PyRadiomics
 * glrlm_ShortRunLowGrayLevelEmphasis. (1/N_s) sum_ij r_ij / (i^2 j^2).
 * IBSI 3.7.5. */
static double srlge(const glrlm_mat *m) { return emphasis(m, -2, -2); }

/* Short run high grey level emphasis. IBSI GD3A; PyRadiomics
 * glrlm_ShortRunHighGrayLevelEmphasis. (1/N_s) sum_ij r_ij i^2 / j^2.
 * IBSI 3.7.6. */
static double srhge(const glrlm_mat *m) { return emphasis(m, 2, -2); }

/* Long run low grey level emphasis. IBSI IVPO; PyRadiomics
 * glrlm_LongRunLowGrayLevelEmphasis. (1/N_s) sum_ij r_ij j^2 / i^2.
 * IBSI 3.7.7. */
static double lrlge(const glrlm_mat *m) { return emphasis(m, -2, 2); }

/* Long run high grey level emphasis. IBSI 3KUM; PyRadiomics
 * glrlm_LongRunHighGrayLevelEmphasis. (1/N_s) sum_ij r_ij i^2 j^2.
 * IBSI 3.7.8. */
static double lrhge(const glrlm_mat *m) { return emphasis(m, 2, 2); }

/* sum of squares of a marginal */
static double sum_sq(const double *x, size_t n) {
    double s = 0;
    for (size_t k = 0; k < n; k++) s += x[k] * x[k];
    return s;
}

/* Grey level non-uniformity. IBSI R5YN; PyRadiomics
 * glrlm_GrayLevelNonUniformity. (1/N_s) sum_i r_i.^2. IBSI 3.7.9. */
static double glnu(const glrlm_mat *m) { return sum_sq(m->ri, m->np) / m->ns; }

/* Normalised grey level non-uniformity. IBSI OVBL; PyRadiomics
 * glrlm_GrayLevelNonUniformityNormalized. (1/N_s^2) sum_i r_i.^2.
 * IBSI 3.7.10. */
static double glnu_norm(const glrlm_mat *m) { return sum_sq(m->ri, m->np) / (m->ns * m->ns); }

/* Run length non-uniformity. IBSI W92Y; PyRadiomics
 * glrlm_RunLengthNonUniformity. (1/N_s) sum_j r_.j^2. IBSI 3.7.11. */
static double rlnu(const glrlm_mat *m) { return sum_sq(m->rj, m->nr) / m->ns; }

/* Normalised run length non-uniformity. IBSI IC23; PyRadiomics
 * glrlm_RunLengthNonUniformityNormalized. (1/N_s^2) sum_j r_.j^2.
 * IBSI 3.7.12. */
static double rlnu_norm(const glrlm_mat *m) { return sum_sq(m->rj, m->nr) / (m->ns * m->ns); }

/* Run percentage. IBSI 9ZK5; PyRadiomics glrlm_RunPercentage.
 * N_s / N_v, N_v summed over merged matrices. IBSI 3.7.13. */
static double r_perc(const glrlm_mat *m) { return m->ns / m->nv; }

/* Grey level variance. IBSI 8CE5; PyRadiomics glrlm_GrayLevelVariance.
 * sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij. IBSI 3.7.14. */
static double gl_var(const glrlm_mat *m) {
    double mu = 0, x = 0;
    for (size_t a = 0; a < m->np; a++) mu += LV(m, a) * m->ri[a];
    mu /= m->ns;
    for (size_t a = 0; a < m->np; a++) x += (LV(m, a) - mu) * (LV(m, a) - mu) * m->ri[a];
    return x / m->ns;
}

/* Run length variance. IBSI SXLW; PyRadiomics glrlm_RunVariance.
 * sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij. IBSI 3.7.15. */
static double rl_var(const glrlm_mat *m) {
    double mu = 0, x = 0;
    for (size_t b = 0; b < m->nr; b++) mu += LEN(b) * m->rj[b];
    mu /= m->ns;
    for (size_t b = 0; b < m->nr; b++) x += (LEN(b) - mu) * (LEN(b) - mu) * m->rj[b];
    return x / m->ns;
}

/* Run entropy. IBSI HJ9O; PyRadiomics glrlm_RunEntropy.
 * -sum_ij p_ij log2 p_ij (p_ij > 0). IBSI 3.7.16. */
static double rl_entr(const glrlm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->np * m->nr; k++)
        if (m->r[k] > 0) {
            double p = m->r[k] / m->ns;
            x -= p * log2(p);
        }
    return x;
}

/* ---- registration ---- */

#define GLRLM_LIST(X)                                                                          \
    X(sre, "22OV", "glrlm_ShortRunEmphasis", "Short runs emphasis.")                           \
    X(lre, "W4KF", "glrlm_LongRunEmphasis", "Long runs emphasis.")                             \
    X(lgre, "V3SW", "glrlm_LowGrayLevelRunEmphasis", "Low grey level run emphasis.")           \
    X(hgre, "G3QZ", "glrlm_HighGrayLevelRunEmphasis", "High grey level run emphasis.")         \
    X(srlge, "HTZT", "glrlm_ShortRunLowGrayLevelEmphasis", "Short run low grey level emphasis.") \
    X(srhge, "GD3A", "glrlm_ShortRunHighGrayLevelEmphasis",                                    \
      "Short run high grey level emphasis.")                                                   \
    X(lrlge, "IVPO", "glrlm_LongRunLowGrayLevelEmphasis", "Long run low grey level emphasis.")  \
    X(lrhge, "3KUM", "glrlm_LongRunHighGrayLevelEmphasis", "Long run high grey level emphasis.") \
    X(glnu, "R5YN", "glrlm_GrayLevelNonUniformity", "Grey level non-uniformity.")              \
    X(glnu_norm, "OVBL", "glrlm_GrayLevelNonUniformityNormalized",                             \
      "Normalised grey level non-uniformity.")                                                 \
    X(rlnu, "W92Y", "glrlm_RunLengthNonUniformity", "Run length non-uniformity.")              \
    X(rlnu_norm, "IC23", "glrlm_RunLengthNonUniformityNormalized",                             \
      "Normalised run length non-uniformity.")                                                 \
    X(r_perc, "9ZK5", "glrlm_RunPercentage", "Runs per voxel.")                                \
    X(gl_var, "8CE5", "glrlm_GrayLevelVariance", "Variance of the run grey levels.")           \
    X(rl_var, "SXLW", "glrlm_RunVariance", "Variance of the run lengths.")                     \
    X(rl_entr, "HJ9O", "glrlm_RunEntropy", "Entropy of the run length matrix.")

#define ENUM(name, code, pyrad, text) GLRLM_##name,
enum { GLRLM_LIST(ENUM) GLRLM_N };

#define FN(name, code, pyrad, text) name,
static double (*const glrlm_fns[GLRLM_N])(const glrlm_mat *) = {GLRLM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                           \
    static double get_##name(const void *c) {                                                  \
        return ((const qib_tex_values *)c)->v[GLRLM_##name];                                   \
    }
GLRLM_LIST(GET)

/* ---- matrices ---- */

static void glrlm_free(void *p) {
    glrlm_mat *m = p;
    if (!m) return;
    free(m->r);
    free(m->ri);
    free(m->rj);
    free(m);
}

/* The longest run a slab can hold: its longest side. */
static size_t max_run(const qib_tex_slab *s) {
    size_t n = s->nx;
    if (s->ny > n) n = s->ny;
    if (s->z1 - s->z0 > n) n = s->z1 - s->z0;
    return n;
}

static size_t glrlm_bytes(const qib_tex_slab *s) {
    size_t n;
    if (!qib__mul_ok(s->np, max_run(s), &n) || !qib__mul_ok(n, sizeof(double), &n)) return SIZE_MAX;
    return n;
}

static void *glrlm_new(const qib_tex_slab *s) {
    glrlm_mat *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->np = s->np;
    m->nr = max_run(s);
    size_t cells;
    if (!qib__mul_ok(m->np, m->nr, &cells) || cells > SIZE_MAX / sizeof(double)) {
        free(m);
        return NULL;
    }
    m->r = calloc(cells, sizeof *m->r);
    m->ri = malloc(m->np * sizeof *m->ri);
    m->rj = malloc(m->nr * sizeof *m->rj);
    if (!m->r || !m->ri || !m->rj) {
        glrlm_free(m);
        return NULL;
    }
    return m;
}

/* Steps left from coordinate u (0..n-1) along a step of sign du, this
 * voxel included: n - u going up, u + 1 going down, unbounded for 0. */
static int64_t steps(int64_t u, int64_t n, int du) {
    return du > 0 ? n - u : du < 0 ? u + 1 : INT64_MAX;
}

/* Walks the line of n voxels that starts at linear index i, step off,
 * adding each run of one level to m. */
static void walk_line(const qib_tex_slab *s, glrlm_mat *m, int64_t i, int64_t off, int64_t n) {
    int32_t cur = s->levels[i];
    size_t len = 1;
    for (int64_t t = 1; t < n; t++) {
        i += off;
        int32_t l = s->levels[i];
        if (l == cur) {
            len++;
            continue;
        }
        if (cur > 0) R(m, (size_t)s->index[cur], len - 1) += 1.0;
        cur = l;
        len = 1;
    }
    if (cur > 0) R(m, (size_t)s->index[cur], len - 1) += 1.0;
}

/* One pass over the slab per direction: every line of voxels along the
 * direction is walked once from the face of the slab where it starts, so
 * each voxel is read once and needs no bounds check. */
static void glrlm_count(const qib_tex_slab *s, const qib_tex_dir *dirs, size_t nd,
                        void *const *mats) {
    const int64_t nx = (int64_t)s->nx, ny = (int64_t)s->ny;
    const int64_t z0 = (int64_t)s->z0, z1 = (int64_t)s->z1, nz = z1 - z0;
    for (size_t d = 0; d < nd; d++) {
        const int dx = dirs[d].dx, dy = dirs[d].dy, dz = dirs[d].dz;
        const int64_t off = dx + nx * (dy + ny * dz);
        glrlm_mat *m = mats[d];
        for (int64_t z = z0; z < z1; z++)
            for (int64_t y = 0; y < ny; y++) {
                /* lines start on the faces the direction leaves from */
                bool face = (dy > 0 && y == 0) || (dy < 0 && y == ny - 1) ||
                            (dz > 0 && z == z0) || (dz < 0 && z == z1 - 1);
                int64_t ln = steps(y, ny, dy), lz = steps(z - z0, nz, dz);
                int64_t lyz = ln < lz ? ln : lz;
                int64_t row = (z * ny + y) * nx;
                if (face) {
                    for (int64_t x = 0; x < nx; x++) {
                        int64_t lx = steps(x, nx, dx);
                        walk_line(s, m, row + x, off, lx < lyz ? lx : lyz);
                    }
                } else if (dx != 0) {
                    int64_t x = dx > 0 ? 0 : nx - 1, lx = steps(x, nx, dx);
                    walk_line(s, m, row + x, off, lx < lyz ? lx : lyz);
                }
            }
    }
}

static bool glrlm_features(const qib_tex_slab *s, void *p, double *v) {
    glrlm_mat *m = p;
    double ns = 0, nv = 0;
    for (size_t b = 0; b < m->nr; b++) m->rj[b] = 0;
    for (size_t a = 0; a < m->np; a++) {
        double ra = 0;
        for (size_t b = 0; b < m->nr; b++) {
            double q = R(m, a, b);
            ra += q;
            m->rj[b] += q;
            nv += q * LEN(b);
        }
        m->ri[a] = ra;
        ns += ra;
    }
    if (!(ns > 0)) return false;
    m->value = s->value;
    m->ns = ns;
    m->nv = nv;
    for (size_t k = 0; k < GLRLM_N; k++) v[k] = glrlm_fns[k](m);
    return true;
}

static const qib_tex_ops glrlm_ops = {
    "GLRLM", GLRLM_N, false, glrlm_bytes, glrlm_new, glrlm_free, glrlm_count, glrlm_features,
};

static qib_status glrlm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__tex_prepare(roi, agg, &glrlm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"glrlm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def glrlm_features_table[] = {GLRLM_LIST(DEF)};

const qib_family_def qib__family_glrlm = {
    {"glrlm", "Grey level run length matrix", "grey level run length matrix",
     "Texture from runs of equal grey levels along the 13 (3D) or 4 (2D) directions.", NULL, NULL},
    glrlm_features_table,
    GLRLM_N,
    qib__tex_aggregations,
    QIB_TEX_AGG_COUNT,
    glrlm_prepare,
    qib__tex_release,
};
