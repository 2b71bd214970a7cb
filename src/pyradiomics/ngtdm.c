/* SPDX-License-Identifier: Apache-2.0 */
/* ngtdm.c: PyRadiomics 3.1's NGTDM class (radiomics/ngtdm.py, matrix from
 * radiomics/src/cmatrices.c calculate_ngtdm), with its definitions and
 * column names (ngtdm_Busyness, ...).
 *
 * Matrix: one for the region. A region voxel's neighbours are the region
 * voxels at PyRadiomics' angles in both directions for the setting
 * distances (26 for distance 1; distance d alone is the shell at infinity
 * norm exactly d; force2D keeps the in-plane ones), the centre excluded.
 * For level i: n_i = the region voxels of level i, s_i = the sum of
 * |i - A| over them, A the mean level of the voxel's neighbours. Unlike
 * IBSI (3.10, N_v,c), a voxel without neighbours still counts in n_i, with
 * |i - A| taken as 0 (cmatrices.c: "if (count == 0) diff = 0").
 *
 * Symbols (ngtdm.py): i the grey level (bin index, not renumbered); only
 * levels with n_i > 0 enter the sums; N_vp = sum n_i (= N_p);
 * p_i = n_i / N_vp; N_gp the number of levels with p_i > 0. Sources:
 * PyRadiomics 3.1 documentation, "Neighbouring Gray Tone Difference Matrix
 * (NGTDM) Features"; IBSI 1 manual section 3.10 for the formulas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

typedef struct ngtdm_mat {
    size_t np;        /* levels present (= N_gp) */
    const int32_t *value;
    double *n, *s, *p; /* n_i, s_i, p_i by level index */
    double nvp, sum_s, sum_ps;
} ngtdm_mat;

#define LV(m, a) ((double)(m)->value[a])

/* ---- the features ---- */

/* Busyness. PyRadiomics ngtdm_Busyness (IBSI NQ30's formula).
 * sum_i p_i s_i / sum_i sum_j |i p_i - j p_j|; 0 when the denominator is 0
 * (one grey level). */
static double busyness(const ngtdm_mat *m) {
    double den = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) den += fabs(LV(m, a) * m->p[a] - LV(m, b) * m->p[b]);
    return den != 0 ? m->sum_ps / den : 0;
}

/* Coarseness. PyRadiomics ngtdm_Coarseness (IBSI QCDE's formula).
 * 1 / sum_i p_i s_i; 10^6 when the sum is 0. */
static double coarseness(const ngtdm_mat *m) { return m->sum_ps != 0 ? 1.0 / m->sum_ps : 1e6; }

/* Complexity. PyRadiomics ngtdm_Complexity (IBSI HDEZ's formula).
 * (1/N_vp) sum_i sum_j |i - j| (p_i s_i + p_j s_j) / (p_i + p_j). */
static double complexity(const ngtdm_mat *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            x += fabs(LV(m, a) - LV(m, b)) * (m->p[a] * m->s[a] + m->p[b] * m->s[b]) /
                 (m->p[a] + m->p[b]);
    return x / m->nvp;
}

/* Contrast. PyRadiomics ngtdm_Contrast (IBSI 65HE's formula).
 * [sum_i sum_j p_i p_j (i - j)^2 / (N_gp (N_gp - 1))] (sum_i s_i / N_vp);
 * 0 when N_gp = 1. */
static double contrast(const ngtdm_mat *m) {
    if (m->np <= 1) return 0;
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) {
            double d = LV(m, a) - LV(m, b);
            x += m->p[a] * m->p[b] * d * d;
        }
    double g = (double)m->np;
    return x / (g * (g - 1)) * (m->sum_s / m->nvp);
}

/* Strength. PyRadiomics ngtdm_Strength (IBSI 1X9X's formula).
 * sum_i sum_j (p_i + p_j)(i - j)^2 / sum_i s_i; 0 when sum_i s_i = 0. */
static double strength(const ngtdm_mat *m) {
    if (m->sum_s == 0) return 0;
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) {
            double d = LV(m, a) - LV(m, b);
            x += (m->p[a] + m->p[b]) * d * d;
        }
    return x / m->sum_s;
}

/* ---- registration ---- */

#define NGTDM_LIST(X)                                                                          \
    X(busyness, "Busyness", "Busyness.")                                                       \
    X(coarseness, "Coarseness", "Coarseness.")                                                 \
    X(complexity, "Complexity", "Complexity.")                                                 \
    X(contrast, "Contrast", "Contrast.")                                                       \
    X(strength, "Strength", "Strength.")

#define ENUM(fn, name, text) NGTDM_##fn,
enum { NGTDM_LIST(ENUM) NGTDM_N };

#define FN(fn, name, text) fn,
static double (*const ngtdm_fns[NGTDM_N])(const ngtdm_mat *) = {NGTDM_LIST(FN)};

#define GET(fn, name, text)                                                                    \
    static double get_##fn(const void *c) { return ((const qib_tex_values *)c)->v[NGTDM_##fn]; }
NGTDM_LIST(GET)

/* ---- matrix ---- */

/* One voxel of level index c: n_c += 1, s_c += |i - A| (0 without
 * neighbours). */
static void add_voxel(void *user, size_t c, size_t count, double sum, size_t dep) {
    (void)dep;
    ngtdm_mat *m = user;
    m->n[c] += 1;
    if (count) m->s[c] += fabs((double)m->value[c] - sum / (double)count);
}

static qib_status ngtdm_compute(const qib_pr_box *b, const qib_pr_opts *o, qib_tex_values *out,
                                qib_error *err) {
    qib_pr_angle *ang = NULL;
    size_t na = 0;
    QIB_FORWARD(qib__pr_angles(b, o->dist, o->ndist, o->force2d_axis, true, &ang, &na, err));
    ngtdm_mat m;
    memset(&m, 0, sizeof m);
    m.np = b->np;
    m.value = b->value;
    m.n = calloc(b->np, sizeof *m.n);
    m.s = calloc(b->np, sizeof *m.s);
    m.p = calloc(b->np, sizeof *m.p);
    qib_status st = QIB_OK;
    if (!m.n || !m.s || !m.p) {
        st = qib__nomem(err, NULL, "NGTDM");
    } else if ((st = qib__pr_neighbours(b, ang, na, 0, true, add_voxel, &m, err)) == QIB_OK) {
        for (size_t a = 0; a < m.np; a++) m.nvp += m.n[a];
        for (size_t a = 0; a < m.np; a++) {
            m.p[a] = m.n[a] / m.nvp;
            m.sum_s += m.s[a];
            m.sum_ps += m.p[a] * m.s[a];
        }
        for (size_t f = 0; f < NGTDM_N; f++) out->v[f] = ngtdm_fns[f](&m);
    }
    free(m.n);
    free(m.s);
    free(m.p);
    free(ang);
    return st;
}

static qib_status ngtdm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    (void)agg;
    return qib__pr_prepare(roi, "NGTDM", true, ngtdm_compute, ctx, err);
}

#define DEF(fn, name, text)                                                                    \
    {{"pyradiomics_ngtdm", name, "", "ngtdm_" name, "", 0, text}, get_##fn},
static const qib_feature_def ngtdm_table[] = {NGTDM_LIST(DEF)};

const qib_family_def qib__family_pr_ngtdm = {
    {"pyradiomics_ngtdm", "PyRadiomics NGTDM", "",
     "PyRadiomics 3.1 neighbourhood grey tone difference matrix features.", "ngtdm",
     "pyradiomics"},
    ngtdm_table,
    NGTDM_N,
    NULL,
    0,
    ngtdm_prepare,
    qib__tex_release,
};
