/* SPDX-License-Identifier: Apache-2.0 */
/* texture.c: directions, slabs of slices and the six IBSI aggregation
 * methods shared by the texture-matrix families (see texture.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "texture.h"

const char *const qib__tex_aggregations[QIB_TEX_AGG_COUNT] = {"BTW3", "SUJT", "JJUI",
                                                               "ZW7Z", "ITBB", "IAZD"};

/* The 13 unit directions: the 4 in-plane ones first (2D uses those). */
static const qib_tex_dir unit_dirs[13] = {
    {1, 0, 0},  {0, 1, 0},  {1, 1, 0},  {1, -1, 0}, {0, 0, 1},  {1, 0, 1},   {-1, 0, 1},
    {0, 1, 1},  {0, -1, 1}, {1, 1, 1},  {1, -1, 1}, {-1, 1, 1}, {-1, -1, 1},
};
#define N_DIRS_2D 4
#define N_DIRS_3D 13

/* At most this many bytes of matrices are held at once for the 3D averaged
 * method; above it the directions are counted in several passes. */
#define TEX_MATRIX_BUDGET ((size_t)256 << 20)

/* Codes of the 2D/2.5D and the 3D aggregations of every texture family
 * (GLCM/GLRLM, and GLSZM/GLDZM/NGTDM/NGLDM). */
static bool code_in(const char *code, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(code, list[i])) return true;
    return false;
}

bool qib__aggregation_enabled(const qib_settings *s, const char *code) {
    static const char *const codes_2d[] = {"BTW3", "SUJT", "JJUI", "ZW7Z", "8QNN", "62GR"};
    static const char *const codes_3d[] = {"ITBB", "IAZD", "KOBO"};
    bool is2 = code_in(code, codes_2d, sizeof codes_2d / sizeof codes_2d[0]);
    bool is3 = code_in(code, codes_3d, sizeof codes_3d / sizeof codes_3d[0]);
    if (!is2 && !is3) return true; /* not a texture aggregation */
    const char *want = s ? qib_settings_string(s, "texture_aggregations") : NULL;
    if (!want || !strcmp(want, "auto")) {
        const char *dim = s ? qib_settings_string(s, "dimensionality") : NULL;
        want = dim && !strcmp(dim, "2d") ? "2d" : "3d";
    }
    if (!strcmp(want, "all")) return true;
    return !strcmp(want, "2d") ? is2 : is3;
}

/* ---- slabs ---- */

typedef struct tex_work {
    int32_t *index; /* n_levels + 1 entries */
    int32_t *value; /* distinct levels of the current slab */
    size_t cap;
} tex_work;

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Finds the levels present in slices z0..z1-1; np 0 when there is none. */
static void slab_make(const qib_roi *roi, tex_work *w, size_t z0, size_t z1, qib_tex_slab *s) {
    s->levels = roi->levels;
    s->nx = roi->grid.dim[0];
    s->ny = roi->grid.dim[1];
    s->nz = roi->grid.dim[2];
    s->z0 = z0;
    s->z1 = z1;
    s->ng = roi->n_levels;
    size_t plane = s->nx * s->ny;
    size_t np = qib__tex_levels_number(roi->levels, z0 * plane, z1 * plane, w->index, w->value);
    s->np = np;
    s->value = w->value;
    s->index = w->index;
}

static void slab_done(tex_work *w, const qib_tex_slab *s) {
    qib__tex_levels_reset(w->index, w->value, s->np);
}

/* ---- averaging ---- */

size_t qib__tex_levels_number(const int32_t *levels, size_t from, size_t to, int32_t *index,
                              int32_t *value) {
    /* mark each level present once: index[l] is -1 while unseen (reset by
     * qib__tex_levels_reset for the levels found, so it is cleared once) */
    size_t np = 0;
    for (size_t i = from; i < to; i++) {
        int32_t l = levels[i];
        if (l > 0 && index[l] < 0) {
            index[l] = 0;
            value[np++] = l;
        }
    }
    qsort(value, np, sizeof *value, cmp_i32);
    for (size_t c = 0; c < np; c++) index[value[c]] = (int32_t)c;
    return np;
}

void qib__tex_levels_reset(int32_t *index, const int32_t *value, size_t np) {
    for (size_t c = 0; c < np; c++) index[value[c]] = -1;
}

void qib__tex_mean_add(qib_tex_mean *m, const double *v, size_t nf) {
    for (size_t k = 0; k < nf; k++)
        if (!isnan(v[k])) {
            m->sum[k] += v[k];
            m->n[k]++;
        }
}

void qib__tex_mean_result(const qib_tex_mean *m, size_t nf, qib_tex_values *out) {
    for (size_t k = 0; k < nf; k++) out->v[k] = m->n[k] ? m->sum[k] / (double)m->n[k] : NAN;
    for (size_t k = nf; k < QIB_TEX_MAX_FEATURES; k++) out->v[k] = NAN;
}

/* Features of mats[0..nm-1] added to the mean. */
static void add_features(const qib_tex_ops *ops, const qib_tex_slab *s, void *const *mats,
                         size_t nm, qib_tex_mean *mean) {
    double v[QIB_TEX_MAX_FEATURES];
    for (size_t d = 0; d < nm; d++)
        if (ops->features(s, mats[d], v)) qib__tex_mean_add(mean, v, ops->n_features);
}

/* Counts dirs[0..nd-1] over the slab into nm new matrices (nm == nd: one
 * per direction, nm == 1: all merged) and adds their features to mean. */
static qib_status count_and_add(const qib_tex_ops *ops, const qib_tex_slab *s,
                                const qib_tex_dir *dirs, size_t nd, size_t nm, qib_tex_mean *mean,
                                qib_error *err) {
    void *mats[N_DIRS_3D] = {0};
    void *use[N_DIRS_3D];
    qib_status st = QIB_OK;
    for (size_t d = 0; d < nm; d++)
        if (!(mats[d] = ops->mat_new(s))) st = qib__nomem(err, NULL, ops->what);
    if (st == QIB_OK) {
        for (size_t d = 0; d < nd; d++) use[d] = mats[nm == 1 ? 0 : d];
        ops->count(s, dirs, nd, use);
        add_features(ops, s, mats, nm, mean);
    }
    for (size_t d = 0; d < nm; d++) ops->mat_free(mats[d]);
    return st;
}

qib_status qib__tex_compute(const qib_roi *roi, size_t agg, const qib_tex_ops *ops,
                            qib_tex_values *out, qib_error *err) {
    QIB_FAIL_IF(agg >= QIB_TEX_AGG_COUNT, err, QIB_ERR_ARG, NULL, -1, "aggregation",
                "texture aggregation %zu is not one of the %d IBSI methods", agg,
                QIB_TEX_AGG_COUNT);
    QIB_FAIL_IF(ops->n_features > QIB_TEX_MAX_FEATURES, err, QIB_ERR_ARG, NULL, -1, ops->what,
                "%zu features, at most %d", ops->n_features, QIB_TEX_MAX_FEATURES);
    int32_t ng = roi->n_levels > 0 ? roi->n_levels : 0;
    for (size_t i = 0; i < roi->n; i++) /* a pipeline bug, not a user error */
        QIB_FAIL_IF(roi->levels[i] < 0 || roi->levels[i] > ng, err, QIB_ERR_NUMERIC, NULL, -1,
                    "levels", "grey level %d is outside 0..%d", (int)roi->levels[i], (int)ng);

    /* directions, scaled by the GLCM distance */
    qib_tex_dir dirs[N_DIRS_3D];
    int64_t delta = 1;
    if (ops->scale_by_distance && roi->settings)
        delta = qib_settings_int(roi->settings, "glcm_distance");
    QIB_FAIL_IF(delta < 1 || delta > 1000, err, QIB_ERR_ARG, NULL, -1, "glcm_distance",
                "distance %lld, expected 1..1000", (long long)delta);
    for (size_t d = 0; d < N_DIRS_3D; d++) {
        dirs[d].dx = unit_dirs[d].dx * (int)delta;
        dirs[d].dy = unit_dirs[d].dy * (int)delta;
        dirs[d].dz = unit_dirs[d].dz * (int)delta;
    }

    tex_work w = {0};
    size_t n_int = 0;
    for (size_t i = 0; i < roi->n; i++) n_int += roi->levels[i] > 0;
    size_t vcap = n_int < (size_t)ng ? n_int : (size_t)ng;
    w.index = malloc(((size_t)ng + 1) * sizeof *w.index);
    w.value = malloc((vcap ? vcap : 1) * sizeof *w.value);
    if (!w.index || !w.value) {
        free(w.index);
        free(w.value);
        return qib__nomem(err, NULL, ops->what);
    }
    for (size_t l = 0; l <= (size_t)ng; l++) w.index[l] = -1;

    qib_tex_mean mean;
    memset(&mean, 0, sizeof mean);
    qib_status st = QIB_OK;
    size_t nz = roi->grid.dim[2];
    qib_tex_slab s;
    if (agg == QIB_TEX_2D_AVG || agg == QIB_TEX_2D_SLICE) {
        for (size_t z = 0; z < nz && st == QIB_OK; z++) {
            slab_make(roi, &w, z, z + 1, &s);
            if (s.np)
                st = count_and_add(ops, &s, dirs, N_DIRS_2D,
                                   agg == QIB_TEX_2D_AVG ? N_DIRS_2D : 1, &mean, err);
            slab_done(&w, &s);
        }
    } else {
        slab_make(roi, &w, 0, nz, &s);
        if (s.np) {
            if (agg == QIB_TEX_25D_DIR)
                st = count_and_add(ops, &s, dirs, N_DIRS_2D, N_DIRS_2D, &mean, err);
            else if (agg == QIB_TEX_25D_MERGE)
                st = count_and_add(ops, &s, dirs, N_DIRS_2D, 1, &mean, err);
            else if (agg == QIB_TEX_3D_MERGE)
                st = count_and_add(ops, &s, dirs, N_DIRS_3D, 1, &mean, err);
            else { /* 3D averaged: as many directions per pass as the budget allows */
                size_t bytes = ops->mat_bytes(&s), per = bytes ? TEX_MATRIX_BUDGET / bytes : 1;
                if (per < 1) per = 1;
                for (size_t d = 0; d < N_DIRS_3D && st == QIB_OK; d += per) {
                    size_t k = N_DIRS_3D - d < per ? N_DIRS_3D - d : per;
                    st = count_and_add(ops, &s, dirs + d, k, k, &mean, err);
                }
            }
        }
        slab_done(&w, &s);
    }
    free(w.index);
    free(w.value);
    if (st != QIB_OK) return st;
    qib__tex_mean_result(&mean, ops->n_features, out);
    return QIB_OK;
}

qib_status qib__tex_prepare(const qib_roi *roi, size_t agg, const qib_tex_ops *ops, void **ctx,
                            qib_error *err) {
    qib_tex_values *v = malloc(sizeof *v);
    if (!v) return qib__nomem(err, NULL, ops->what);
    qib_status st = qib__tex_compute(roi, agg, ops, v, err);
    if (st != QIB_OK) {
        free(v);
        return st;
    }
    *ctx = v;
    return QIB_OK;
}

void qib__tex_release(void *ctx) { free(ctx); }
