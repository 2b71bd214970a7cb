/* SPDX-License-Identifier: Apache-2.0 */
/* ngtdm.c: neighbourhood grey tone difference matrix features (IBSI 1
 * manual, section 3.10 "Neighbourhood grey tone difference based
 * features", family code IPET).
 *
 * For each intensity-mask voxel k with grey level X_k, the neighbourhood
 * is every voxel within Chebyshev distance delta (setting ngtdm_distance,
 * IBSI default 1), the centre excluded, that lies in the intensity mask:
 * in the slice only for 2D / 2.5D, in 3D otherwise. W_k is their number and
 * A_k their mean grey level. Voxels with W_k = 0 are left out (IBSI's
 * definition; Amadasun and King asked for complete neighbourhoods). Then
 *   n_i = number of voxels with level i and W_k > 0,
 *   s_i = sum over those voxels of |i - A_k|.
 * Aggregation: 8QNN per slice averaged, 62GR n_i and s_i added over
 * slices, KOBO one 3D matrix (zones.h).
 *
 * Symbols: N_vc = sum_i n_i; p_i = n_i / N_vc; N_gp the number of levels
 * with p_i > 0; sums over i1, i2 run over levels with p > 0 only. */
#include <math.h>
#include <stdlib.h>

#include "zones.h"

typedef struct ngtdm_mat {
    size_t np;
    double *n, *s;   /* n_i, s_i by level index */
    double *p;       /* p_i, set by ngtdm_features */
    const int32_t *value;
    double nvc, sum_s, sum_ps;
    size_t ngp;
} ngtdm_mat;

#define LV(m, a) ((double)(m)->value[a])

/* ---- the features, each from one matrix ---- */

/* Coarseness. IBSI QCDE; PyRadiomics ngtdm_Coarseness.
 * 1 / sum_i p_i s_i; 10^6 when the sum is 0 (IBSI 3.10.1, as PyRadiomics). */
static double coarseness(const ngtdm_mat *m) {
    return m->sum_ps > 0 ? 1.0 / m->sum_ps : 1e6;
}

/* Contrast. IBSI 65HE; PyRadiomics ngtdm_Contrast.
 * [1/(N_gp (N_gp - 1)) sum_i1 sum_i2 p_i1 p_i2 (i1 - i2)^2]
 * x [(1/N_vc) sum_i s_i]; 0 when N_gp = 1. IBSI 3.10.2. */
static double contrast(const ngtdm_mat *m) {
    if (m->ngp < 2) return 0;
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++) {
            double d = LV(m, a) - LV(m, b);
            x += m->p[a] * m->p[b] * d * d;
        }
    double g = (double)m->ngp;
    return x / (g * (g - 1)) * (m->sum_s / m->nvc);
}

/* Busyness. IBSI NQ30; PyRadiomics ngtdm_Busyness.
 * sum_i p_i s_i / sum_i1 sum_i2 |i1 p_i1 - i2 p_i2| (Hatt's form; IBSI
 * 3.10.3). 0 when N_gp = 1, and 0 when the denominator is 0 (as
 * PyRadiomics). */
static double busyness(const ngtdm_mat *m) {
    if (m->ngp < 2) return 0;
    double den = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            if (m->p[a] > 0 && m->p[b] > 0) den += fabs(LV(m, a) * m->p[a] - LV(m, b) * m->p[b]);
    return den > 0 ? m->sum_ps / den : 0;
}

/* Complexity. IBSI HDEZ; PyRadiomics ngtdm_Complexity.
 * (1/N_vc) sum_i1 sum_i2 |i1 - i2| (p_i1 s_i1 + p_i2 s_i2) / (p_i1 + p_i2).
 * IBSI 3.10.4. */
static double complexity(const ngtdm_mat *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            if (m->p[a] > 0 && m->p[b] > 0)
                x += fabs(LV(m, a) - LV(m, b)) * (m->p[a] * m->s[a] + m->p[b] * m->s[b]) /
                     (m->p[a] + m->p[b]);
    return x / m->nvc;
}

/* Strength. IBSI 1X9X; PyRadiomics ngtdm_Strength.
 * sum_i1 sum_i2 (p_i1 + p_i2)(i1 - i2)^2 / sum_i s_i; 0 when sum_i s_i = 0.
 * IBSI 3.10.5. */
static double strength(const ngtdm_mat *m) {
    if (!(m->sum_s > 0)) return 0;
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->np; b++)
            if (m->p[a] > 0 && m->p[b] > 0) {
                double d = LV(m, a) - LV(m, b);
                x += (m->p[a] + m->p[b]) * d * d;
            }
    return x / m->sum_s;
}

/* ---- registration ---- */

#define NGTDM_LIST(X)                                                                          \
    X(coarseness, "QCDE", "ngtdm_Coarseness", "Coarseness.")                                   \
    X(contrast, "65HE", "ngtdm_Contrast", "Contrast.")                                         \
    X(busyness, "NQ30", "ngtdm_Busyness", "Busyness.")                                         \
    X(complexity, "HDEZ", "ngtdm_Complexity", "Complexity.")                                   \
    X(strength, "1X9X", "ngtdm_Strength", "Strength.")

#define ENUM(name, code, pyrad, text) NGTDM_##name,
enum { NGTDM_LIST(ENUM) NGTDM_N };

#define FN(name, code, pyrad, text) name,
static double (*const ngtdm_fns[NGTDM_N])(const ngtdm_mat *) = {NGTDM_LIST(FN)};

#define GET(name, code, pyrad, text)                                                           \
    static double get_##name(const void *c) {                                                  \
        return ((const qib_tex_values *)c)->v[NGTDM_##name];                                   \
    }
NGTDM_LIST(GET)

/* ---- matrices ---- */

static void ngtdm_free(void *p) {
    ngtdm_mat *m = p;
    if (!m) return;
    free(m->n);
    free(m->s);
    free(m->p);
    free(m);
}

static void *ngtdm_new(const qib_zn_block *b) {
    ngtdm_mat *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->np = b->np;
    size_t n = b->np ? b->np : 1;
    m->n = calloc(n, sizeof *m->n);
    m->s = calloc(n, sizeof *m->s);
    m->p = calloc(n, sizeof *m->p);
    if (!m->n || !m->s || !m->p) {
        ngtdm_free(m);
        return NULL;
    }
    return m;
}

static qib_status ngtdm_count(const qib_zn_block *b, void *p, qib_error *err) {
    ngtdm_mat *m = p;
    int64_t delta = b->roi->settings ? qib_settings_int(b->roi->settings, "ngtdm_distance") : 1;
    QIB_FAIL_IF(delta < 1 || delta > 1000, err, QIB_ERR_ARG, NULL, -1, "ngtdm_distance",
                "distance %lld, expected 1..1000", (long long)delta);
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
                double sum = 0, w = 0;
                for (int64_t zz = za; zz <= zb; zz++)
                    for (int64_t yy = ya; yy <= yb; yy++) {
                        const int32_t *row = lv + (zz * ny + yy) * nx;
                        for (int64_t xx = xa; xx <= xb; xx++)
                            if (row[xx] > 0) {
                                sum += row[xx];
                                w += 1;
                            }
                    }
                w -= 1; /* the centre itself */
                sum -= l;
                if (w <= 0) continue;
                size_t a = (size_t)b->index[l];
                m->n[a] += 1;
                m->s[a] += fabs((double)l - sum / w);
            }
    return QIB_OK;
}

static bool ngtdm_features(const qib_zn_block *b, void *p, double *v) {
    ngtdm_mat *m = p;
    double nvc = 0;
    for (size_t a = 0; a < m->np; a++) nvc += m->n[a];
    if (!(nvc > 0)) return false;
    m->value = b->value;
    m->nvc = nvc;
    m->sum_s = m->sum_ps = 0;
    m->ngp = 0;
    for (size_t a = 0; a < m->np; a++) {
        m->p[a] = m->n[a] / nvc;
        m->sum_s += m->s[a];
        m->sum_ps += m->p[a] * m->s[a];
        m->ngp += m->p[a] > 0;
    }
    for (size_t k = 0; k < NGTDM_N; k++) v[k] = ngtdm_fns[k](m);
    return true;
}

static const qib_zn_ops ngtdm_ops = {
    "NGTDM", NGTDM_N, ngtdm_new, ngtdm_free, ngtdm_count, ngtdm_features,
};

static qib_status ngtdm_prepare(const qib_roi *roi, size_t agg, void **ctx, qib_error *err) {
    return qib__zn_prepare(roi, agg, &ngtdm_ops, ctx, err);
}

#define DEF(name, code, pyrad, text) {{"ngtdm", #name, code, pyrad, "", 0, text}, get_##name},
static const qib_feature_def ngtdm_features_table[] = {NGTDM_LIST(DEF)};

const qib_family_def qib__family_ngtdm = {
    {"ngtdm", "Neighbourhood grey tone difference matrix",
     "neighbourhood grey tone difference matrix",
     "Texture from the difference between each voxel's grey level and its neighbours' mean.", NULL, NULL},
    ngtdm_features_table,
    NGTDM_N,
    qib__zn_aggregations,
    QIB_ZN_AGG_COUNT,
    ngtdm_prepare,
    qib__tex_release,
};
