/* SPDX-License-Identifier: Apache-2.0 */
/* glszm.c: PyRadiomics 3.1's GLSZM class (radiomics/glszm.py, matrix from
 * radiomics/src/cmatrices.c calculate_glszm), with its definitions and
 * column names (glszm_ZoneEntropy, ...).
 *
 * Matrix: one for the region. A zone is a maximal group of region voxels
 * of one grey level connected through PyRadiomics' distance-1 angles in
 * both directions: 26-connected in 3D, 8-connected within the planes of
 * the force2D dimension (zones never cross planes; all planes give one
 * matrix). P(i, j) counts the zones of level i and size j. This is IBSI's
 * 3D (KOBO) matrix, and for force2D dimension 0 its 2.5D (62GR) one. The
 * setting distances does not apply. (zones.c finds the same zones by
 * flood fill; the labelling below is faster on large regions.)
 *
 * Symbols (glszm.py): i the grey level (bin index, not renumbered), j the
 * zone size; N_z = sum_ij P(i,j) the number of zones; N_p the region's
 * voxels; p_g(i) = sum_j P(i,j), p_s(j) = sum_i P(i,j);
 * p(i,j) = P(i,j) / N_z; eps = 2.2e-16. Sources: PyRadiomics 3.1
 * documentation, "Gray Level Size Zone Matrix (GLSZM) Features"; IBSI 1
 * manual section 3.8 (the definitions agree; the entropy adds eps). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

/* The matrix kept sparse: its non-zero entries, and the marginals. Zone
 * sizes run up to the region's size, so a dense level x size matrix would
 * be mostly empty (PyRadiomics deletes the empty size columns too). */
typedef struct glszm_cell {
    uint32_t c;    /* level index */
    uint32_t size; /* zone size j */
    double count;  /* P(i, j) */
} glszm_cell;

typedef struct glszm_mat {
    glszm_cell *cell; /* non-zero entries, by level then size */
    size_t ncell;
    const int32_t *value; /* level of each index */
    double *pg;           /* p_g(i), by level index */
    size_t np;
    glszm_cell *ps;       /* p_s(j): size and count of each size present */
    size_t nps;
    double nz, np_vox;    /* N_z, N_p */
} glszm_mat;

/* (1/N_z) sum_ij P(i,j) i^gi j^gj, gi and gj in -2, 0, 2 */
static double emphasis(const glszm_mat *m, int gi, int gj) {
    double x = 0;
    for (size_t k = 0; k < m->ncell; k++) {
        double i2 = (double)m->value[m->cell[k].c] * m->value[m->cell[k].c];
        double j2 = (double)m->cell[k].size * m->cell[k].size;
        double wi = gi > 0 ? i2 : gi < 0 ? 1.0 / i2 : 1.0;
        double wj = gj > 0 ? j2 : gj < 0 ? 1.0 / j2 : 1.0;
        x += m->cell[k].count * wi * wj;
    }
    return x / m->nz;
}

/* ---- the features ---- */

/* Grey level non-uniformity. PyRadiomics glszm_GrayLevelNonUniformity;
 * IBSI JNSA. sum_i p_g(i)^2 / N_z. */
static double gln(const glszm_mat *m) { return qib__zn_sum_sq(m->pg, m->np) / m->nz; }

/* Grey level non-uniformity normalised. PyRadiomics
 * glszm_GrayLevelNonUniformityNormalized; IBSI Y1RO. sum_i p_g(i)^2 / N_z^2. */
static double glnn(const glszm_mat *m) {
    return qib__zn_sum_sq(m->pg, m->np) / (m->nz * m->nz);
}

/* Grey level variance. PyRadiomics glszm_GrayLevelVariance; IBSI BYLV.
 * sum_i (p_g(i)/N_z) (i - mu)^2, mu = sum_i (p_g(i)/N_z) i. */
static double glv(const glszm_mat *m) {
    double mu = 0, x = 0;
    for (size_t a = 0; a < m->np; a++) mu += m->pg[a] / m->nz * m->value[a];
    for (size_t a = 0; a < m->np; a++)
        x += m->pg[a] / m->nz * (m->value[a] - mu) * (m->value[a] - mu);
    return x;
}

/* High grey level zone emphasis. PyRadiomics
 * glszm_HighGrayLevelZoneEmphasis; IBSI 5GN9. sum_ij P(i,j) i^2 / N_z. */
static double hglze(const glszm_mat *m) { return emphasis(m, 2, 0); }

/* Large area emphasis. PyRadiomics glszm_LargeAreaEmphasis; IBSI 48P8.
 * sum_ij P(i,j) j^2 / N_z. */
static double lae(const glszm_mat *m) { return emphasis(m, 0, 2); }

/* Large area high grey level emphasis. PyRadiomics
 * glszm_LargeAreaHighGrayLevelEmphasis; IBSI J17V. sum_ij P(i,j) i^2 j^2 / N_z. */
static double lahgle(const glszm_mat *m) { return emphasis(m, 2, 2); }

/* Large area low grey level emphasis. PyRadiomics
 * glszm_LargeAreaLowGrayLevelEmphasis; IBSI YH51. sum_ij P(i,j) j^2 / i^2 / N_z. */
static double lalgle(const glszm_mat *m) { return emphasis(m, -2, 2); }

/* Low grey level zone emphasis. PyRadiomics glszm_LowGrayLevelZoneEmphasis;
 * IBSI XMSY. sum_ij P(i,j) / i^2 / N_z. */
static double lglze(const glszm_mat *m) { return emphasis(m, -2, 0); }

/* Size zone non-uniformity. PyRadiomics glszm_SizeZoneNonUniformity; IBSI
 * 4JP3. sum_j p_s(j)^2 / N_z. */
static double szn(const glszm_mat *m) {
    double x = 0;
    for (size_t k = 0; k < m->nps; k++) x += m->ps[k].count * m->ps[k].count;
    return x / m->nz;
}

/* Size zone non-uniformity normalised. PyRadiomics
 * glszm_SizeZoneNonUniformityNormalized; IBSI VB3A. sum_j p_s(j)^2 / N_z^2. */
static double sznn(const glszm_mat *m) { return szn(m) / m->nz; }

/* Small area emphasis. PyRadiomics glszm_SmallAreaEmphasis; IBSI 5QRC.
 * sum_ij P(i,j) / j^2 / N_z. */
static double sae(const glszm_mat *m) { return emphasis(m, 0, -2); }

/* Small area high grey level emphasis. PyRadiomics
 * glszm_SmallAreaHighGrayLevelEmphasis; IBSI HW1V. sum_ij P(i,j) i^2 / j^2 / N_z. */
static double sahgle(const glszm_mat *m) { return emphasis(m, 2, -2); }

/* Small area low grey level emphasis. PyRadiomics
 * glszm_SmallAreaLowGrayLevelEmphasis; IBSI 5RAI. sum_ij P(i,j) / (i^2 j^2) / N_z. */
static double salgle(const glszm_mat *m) { return emphasis(m, -2, -2); }

/* Zone entropy. PyRadiomics glszm_ZoneEntropy; IBSI GU8N.
 * -sum_ij p(i,j) log2(p(i,j) + eps), p = P / N_z. */
static double ze(const glszm_mat *m) {
    double h = 0;
    for (size_t k = 0; k < m->ncell; k++) {
        double p = m->cell[k].count / m->nz;
        h -= p * log2(p + QIB_PR_EPS);
    }
    return h;
}

/* Zone percentage. PyRadiomics glszm_ZonePercentage; IBSI P30P. N_z / N_p. */
static double zp(const glszm_mat *m) { return m->nz / m->np_vox; }

/* Zone variance. PyRadiomics glszm_ZoneVariance; IBSI 3NSA.
 * sum_j (p_s(j)/N_z) (j - mu)^2, mu = sum_j (p_s(j)/N_z) j. */
static double zv(const glszm_mat *m) {
    double mu = 0, x = 0;
    for (size_t k = 0; k < m->nps; k++) mu += m->ps[k].count / m->nz * m->ps[k].size;
    for (size_t k = 0; k < m->nps; k++)
        x += m->ps[k].count / m->nz * (m->ps[k].size - mu) * (m->ps[k].size - mu);
    return x;
}

/* ---- registration ---- */

#define GLSZM_LIST(X)                                                                          \
    X(gln, "GrayLevelNonUniformity", "JNSA", "Grey level non-uniformity.")                     \
    X(glnn, "GrayLevelNonUniformityNormalized", "Y1RO", "Normalised grey level non-uniformity.") \
    X(glv, "GrayLevelVariance", "BYLV", "Variance of the zone grey levels.")                   \
    X(hglze, "HighGrayLevelZoneEmphasis", "5GN9", "High grey level zone emphasis.")            \
    X(lae, "LargeAreaEmphasis", "48P8", "Large zone emphasis.")                                \
    X(lahgle, "LargeAreaHighGrayLevelEmphasis", "J17V", "Large zone high grey level emphasis.") \
    X(lalgle, "LargeAreaLowGrayLevelEmphasis", "YH51", "Large zone low grey level emphasis.")  \
    X(lglze, "LowGrayLevelZoneEmphasis", "XMSY", "Low grey level zone emphasis.")              \
    X(szn, "SizeZoneNonUniformity", "4JP3", "Zone size non-uniformity.")                       \
    X(sznn, "SizeZoneNonUniformityNormalized", "VB3A", "Normalised zone size non-uniformity.") \
    X(sae, "SmallAreaEmphasis", "5QRC", "Small zone emphasis.")                                \
    X(sahgle, "SmallAreaHighGrayLevelEmphasis", "HW1V", "Small zone high grey level emphasis.") \
    X(salgle, "SmallAreaLowGrayLevelEmphasis", "5RAI", "Small zone low grey level emphasis.")  \
    X(ze, "ZoneEntropy", "GU8N", "Entropy of the size zone matrix.")                           \
    X(zp, "ZonePercentage", "P30P", "Zones per voxel.")                                        \
    X(zv, "ZoneVariance", "3NSA", "Variance of the zone sizes.")

#define ENUM(fn, name, code, text) GLSZM_##fn,
enum { GLSZM_LIST(ENUM) GLSZM_N };

#define FN(fn, name, code, text) fn,
static double (*const glszm_fns[GLSZM_N])(const glszm_mat *) = {GLSZM_LIST(FN)};

#define GET(fn, name, code, text)                                                              \
    static double get_##fn(const void *c) { return ((const qib_tex_values *)c)->v[GLSZM_##fn]; }
GLSZM_LIST(GET)

/* ---- matrix ---- */

/* The sparse matrix from the zones (level index zc[k], size zs[k]): a
 * counting sort by size then a stable one by level puts equal entries
 * together (the size counts are p_s), then they are merged. */
static bool glszm_finish(glszm_mat *m, const qib_pr_box *b, const uint32_t *zc,
                         const uint32_t *zs, size_t nz) {
    uint32_t maxs = 0;
    for (size_t k = 0; k < nz; k++) maxs = zs[k] > maxs ? zs[k] : maxs;
    size_t *ns = calloc((size_t)maxs + 1, sizeof *ns), *nc = calloc(b->np + 1, sizeof *nc);
    size_t *o1 = malloc((nz ? nz : 1) * sizeof *o1), *o2 = malloc((nz ? nz : 1) * sizeof *o2);
    m->cell = malloc((nz ? nz : 1) * sizeof *m->cell);
    m->pg = calloc(b->np, sizeof *m->pg);
    bool ok = ns && nc && o1 && o2 && m->cell && m->pg;
    if (ok) {
        for (size_t k = 0; k < nz; k++) ns[zs[k]]++;
        size_t nps = 0;
        for (size_t j = 1; j <= maxs; j++) nps += ns[j] != 0;
        m->ps = malloc((nps ? nps : 1) * sizeof *m->ps);
        ok = m->ps != NULL;
    }
    if (ok) {
        /* p_s, then the sort by size (ns becomes the bucket starts) */
        size_t u = 0, at = 0;
        for (size_t j = 1; j <= maxs; j++) {
            if (ns[j]) m->ps[u++] = (glszm_cell){0, (uint32_t)j, (double)ns[j]};
            size_t t = ns[j];
            ns[j] = at;
            at += t;
        }
        m->nps = u;
        for (size_t k = 0; k < nz; k++) o1[ns[zs[k]]++] = k;
        for (size_t k = 0; k < nz; k++) nc[zc[k] + 1]++;
        for (size_t c = 0; c < b->np; c++) nc[c + 1] += nc[c];
        for (size_t k = 0; k < nz; k++) o2[nc[zc[o1[k]]]++] = o1[k];
        size_t w = 0;
        for (size_t k = 0; k < nz; k++) {
            uint32_t c = zc[o2[k]], j = zs[o2[k]];
            m->pg[c] += 1;
            if (w && m->cell[w - 1].c == c && m->cell[w - 1].size == j)
                m->cell[w - 1].count += 1;
            else
                m->cell[w++] = (glszm_cell){c, j, 1.0};
        }
        m->ncell = w;
        m->nz = (double)nz;
        m->np_vox = (double)b->n_vox;
        m->value = b->value;
        m->np = b->np;
    }
    free(ns);
    free(nc);
    free(o1);
    free(o2);
    return ok;
}

/* Zones by connected-component labelling with an equivalence table, in one
 * raster pass over the region's rows: each voxel takes the label of the
 * neighbours before it (one of each opposite pair of PyRadiomics'
 * distance-1 angles, the one pointing back) that have its level, joining
 * their labels when they differ, or opens a new label; the padding (0)
 * never matches. The neighbours before a voxel lie in its slice or the one
 * before, so labels are kept for two slices only (a ring indexed by the
 * slice's parity), which stays in cache. Each root label is then a zone:
 * its size is in tab, its level was noted when it was opened. */
static qib_status find_zones(const qib_pr_box *b, const qib_pr_angle *ang, size_t na,
                             uint32_t *zc, uint32_t *zs, size_t *nzones, qib_error *err) {
    QIB_FAIL_IF(b->n_vox > INT32_MAX, err, QIB_ERR_LIMIT, NULL, -1, "GLSZM",
                "%zu region voxels, at most %d", b->n_vox, INT32_MAX);
    const size_t plane = b->dim[0] * b->dim[1];
    ptrdiff_t back[13], ring[2][13];
    for (size_t q = 0; q < na; q++) {
        int d[3]; /* the offset pointing back in raster order */
        bool flip = qib__pr_offset(b, ang[q].d) > 0;
        for (int ax = 0; ax < 3; ax++) d[ax] = flip ? -ang[q].d[ax] : ang[q].d[ax];
        back[q] = qib__pr_offset(b, d);
        /* in the ring, the slice before is the other half */
        ring[1][q] = back[q];
        ring[0][q] = back[q] + (d[2] ? 2 * (ptrdiff_t)plane : 0);
    }
    uint32_t *lab = malloc(2 * plane * sizeof *lab);
    int32_t *tab = malloc(b->n_vox * sizeof *tab);
    uint32_t *lvl = malloc(b->n_vox * sizeof *lvl);
    if (!lab || !tab || !lvl) {
        free(lab);
        free(tab);
        free(lvl);
        return qib__nomem(err, NULL, "GLSZM");
    }
    const int32_t *lev = b->lev;
    const size_t nrow = b->n[1] * b->n[2];
    uint32_t nlab = 0;
    for (size_t r = 0; r < nrow; r++) {
        const uint32_t lo = b->span[2 * r], hi = b->span[2 * r + 1];
        if (lo == hi) continue;
        const size_t t = qib__pr_row_start(b, r), zp = r / b->n[1] + b->pad, par = zp & 1;
        const size_t rbase = par * plane + (t - zp * plane); /* ring index of the row */
        const ptrdiff_t *rq = ring[par];
        for (uint32_t x = lo; x < hi; x++) {
            const int32_t c = lev[t + x];
            if (!c) continue;
            uint32_t *lv = lab + rbase + x;
            const int32_t *v = lev + t + x;
            uint32_t same = 0; /* the neighbours of equal level, found without branches */
            for (size_t q = 0; q < na; q++) same |= (uint32_t)(v[back[q]] == c) << q;
            uint32_t cur = UINT32_MAX, last = UINT32_MAX; /* last: a label known to be in cur */
            for (; same; same &= same - 1) {
                size_t q = (size_t)__builtin_ctz(same);
                if (lv[rq[q]] == last) continue;
                last = lv[rq[q]];
                uint32_t root = last;
                while (tab[root] >= 0) { /* find, halving the path */
                    int32_t p = tab[root];
                    if (tab[p] >= 0) tab[root] = tab[p];
                    root = (uint32_t)p;
                }
                if (cur == UINT32_MAX) {
                    cur = root;
                } else if (root != cur) { /* the larger zone (more negative) stays root */
                    if (tab[root] < tab[cur]) {
                        uint32_t tmp = root;
                        root = cur;
                        cur = tmp;
                    }
                    tab[cur] += tab[root];
                    tab[root] = (int32_t)cur;
                }
            }
            if (cur == UINT32_MAX) {
                cur = nlab++;
                tab[cur] = 0;
                lvl[cur] = (uint32_t)b->index[c];
            }
            tab[cur]--;
            *lv = cur;
        }
    }
    size_t nz = 0;
    for (uint32_t l = 0; l < nlab; l++)
        if (tab[l] < 0) {
            zc[nz] = lvl[l];
            zs[nz++] = (uint32_t)-tab[l];
        }
    *nzones = nz;
    free(lab);
    free(tab);
    free(lvl);
    return QIB_OK;
}

static qib_status glszm_compute(const qib_pr_box *b, const qib_pr_opts *o, qib_tex_values *out,
                                qib_error *err) {
    static const int one[1] = {1};
    qib_pr_angle *ang = NULL;
    size_t na = 0;
    QIB_FORWARD(qib__pr_angles(b, one, 1, o->force2d_axis, false, &ang, &na, err));
    glszm_mat m;
    memset(&m, 0, sizeof m);
    uint32_t *zc = malloc(b->n_vox * sizeof *zc), *zs = malloc(b->n_vox * sizeof *zs);
    size_t nz = 0;
    qib_status st = zc && zs ? find_zones(b, ang, na < 13 ? na : 13, zc, zs, &nz, err)
                             : qib__nomem(err, NULL, "GLSZM");
    free(ang);
    if (st == QIB_OK && !glszm_finish(&m, b, zc, zs, nz)) st = qib__nomem(err, NULL, "GLSZM");
    if (st == QIB_OK && m.nz > 0)
        for (size_t f = 0; f < GLSZM_N; f++) out->v[f] = glszm_fns[f](&m);
    free(zc);
    free(zs);
    free(m.cell);
    free(m.pg);
    free(m.ps);
    return st;
}

static qib_status glszm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    (void)agg;
    return qib__pr_prepare(roi, "GLSZM", false, glszm_compute, ctx, err);
}

#define DEF(fn, name, code, text)                                                              \
    {{"pyradiomics_glszm", name, code, "glszm_" name, "", 0, text}, get_##fn},
static const qib_feature_def glszm_table[] = {GLSZM_LIST(DEF)};

const qib_family_def qib__family_pr_glszm = {
    {"pyradiomics_glszm", "PyRadiomics GLSZM", "",
     "PyRadiomics 3.1 grey level size zone matrix features (26-connected zones).", "glszm",
     "pyradiomics"},
    glszm_table,
    GLSZM_N,
    NULL,
    0,
    glszm_prepare,
    qib__tex_release,
};
