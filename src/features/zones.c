/* SPDX-License-Identifier: Apache-2.0 */
/* zones.c: the 2D / 2.5D / 3D aggregation driver, zones, the GLDZM
 * distance map and the level x count matrix shared by GLSZM, GLDZM, NGTDM
 * and NGLDM (see zones.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zones.h"

const char *const qib__zn_aggregations[QIB_ZN_AGG_COUNT] = {"8QNN", "62GR", "KOBO"};

/* ---- blocks ---- */

typedef struct zn_work {
    int32_t *index; /* n_levels + 1 entries, -1 for levels not in the block */
    int32_t *value;
} zn_work;

/* Numbers the levels present in slices z0..z1-1; np 0 when there is none. */
static void block_make(const qib_roi *roi, zn_work *w, size_t z0, size_t z1, bool planar,
                       qib_zn_block *b) {
    b->roi = roi;
    b->levels = roi->levels;
    b->nx = roi->grid.dim[0];
    b->ny = roi->grid.dim[1];
    b->nz = roi->grid.dim[2];
    b->z0 = z0;
    b->z1 = z1;
    b->planar = planar;
    size_t plane = b->nx * b->ny;
    size_t np = qib__tex_levels_number(roi->levels, z0 * plane, z1 * plane, w->index, w->value);
    b->np = np;
    b->value = w->value;
    b->index = w->index;
}

static void block_done(zn_work *w, const qib_zn_block *b) {
    qib__tex_levels_reset(w->index, w->value, b->np);
}

/* ---- aggregation ---- */

/* One matrix over the block: counted, its features added to the mean. */
static qib_status one_matrix(const qib_zn_ops *ops, const qib_zn_block *b, qib_tex_mean *mean,
                             qib_error *err) {
    void *m = ops->mat_new(b);
    if (!m) return qib__nomem(err, NULL, ops->what);
    qib_status st = ops->count(b, m, err);
    double v[QIB_TEX_MAX_FEATURES];
    if (st == QIB_OK && ops->features(b, m, v)) qib__tex_mean_add(mean, v, ops->n_features);
    ops->mat_free(m);
    return st;
}

qib_status qib__zn_compute(const qib_roi *roi, size_t agg, const qib_zn_ops *ops,
                           qib_tex_values *out, qib_error *err) {
    QIB_FAIL_IF(agg >= QIB_ZN_AGG_COUNT, err, QIB_ERR_ARG, NULL, -1, "aggregation",
                "aggregation %zu is not one of the %d IBSI methods of %s", agg,
                QIB_ZN_AGG_COUNT, ops->what);
    QIB_FAIL_IF(ops->n_features > QIB_TEX_MAX_FEATURES, err, QIB_ERR_ARG, NULL, -1, ops->what,
                "%zu features, at most %d", ops->n_features, QIB_TEX_MAX_FEATURES);
    int32_t ng = roi->n_levels > 0 ? roi->n_levels : 0;
    size_t n_int = 0;
    for (size_t i = 0; i < roi->n; i++) { /* a pipeline bug, not a user error */
        QIB_FAIL_IF(roi->levels[i] < 0 || roi->levels[i] > ng, err, QIB_ERR_NUMERIC, NULL, -1,
                    "levels", "grey level %d is outside 0..%d", (int)roi->levels[i], (int)ng);
        n_int += roi->levels[i] > 0;
    }
    zn_work w;
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
    qib_zn_block b;
    if (agg == QIB_ZN_2D) {
        for (size_t z = 0; z < nz && st == QIB_OK; z++) {
            block_make(roi, &w, z, z + 1, true, &b);
            if (b.np) st = one_matrix(ops, &b, &mean, err);
            block_done(&w, &b);
        }
    } else {
        block_make(roi, &w, 0, nz, agg == QIB_ZN_25D, &b);
        if (b.np) st = one_matrix(ops, &b, &mean, err);
        block_done(&w, &b);
    }
    free(w.index);
    free(w.value);
    if (st != QIB_OK) return st;
    qib__tex_mean_result(&mean, ops->n_features, out);
    return QIB_OK;
}

qib_status qib__zn_prepare(const qib_roi *roi, size_t agg, const qib_zn_ops *ops, void **ctx,
                           qib_error *err) {
    qib_tex_values *v = malloc(sizeof *v);
    if (!v) return qib__nomem(err, NULL, ops->what);
    qib_status st = qib__zn_compute(roi, agg, ops, v, err);
    if (st != QIB_OK) {
        free(v);
        return st;
    }
    *ctx = v;
    return QIB_OK;
}

/* ---- zones ---- */

qib_status qib__zn_zones(const qib_zn_block *b, const int32_t *dist, qib_zone_fn emit,
                         void *user, qib_error *err) {
    const size_t nx = b->nx, ny = b->ny, plane = nx * ny;
    const size_t nb = plane * (b->z1 - b->z0), base = b->z0 * plane;
    uint8_t *seen = calloc(nb ? nb : 1, 1);
    size_t *queue = malloc((nb ? nb : 1) * sizeof *queue);
    if (!seen || !queue) {
        free(seen);
        free(queue);
        return qib__nomem(err, NULL, "zones");
    }
    const int64_t dz_max = b->planar ? 0 : 1, nzb = (int64_t)(b->z1 - b->z0);
    /* neighbour offsets, for voxels away from the block's faces */
    ptrdiff_t off[26];
    size_t noff = 0;
    for (int64_t dz = -dz_max; dz <= dz_max; dz++)
        for (int64_t dy = -1; dy <= 1; dy++)
            for (int64_t dx = -1; dx <= 1; dx++)
                if (dx || dy || dz)
                    off[noff++] = (ptrdiff_t)((dz * (int64_t)ny + dy) * (int64_t)nx + dx);
    /* seen: bit 0 queued, bit 1 on a face of the block (needs bounds checks) */
    for (int64_t z = 0; z < nzb; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++)
                if (x == 0 || x + 1 == nx || y == 0 || y + 1 == ny ||
                    (!b->planar && (z == 0 || z + 1 == nzb)))
                    seen[((size_t)z * ny + y) * nx + x] = 2;
    for (size_t s = 0; s < nb; s++) {
        int32_t l = b->levels[base + s];
        if (l <= 0 || (seen[s] & 1)) continue;
        /* breadth-first from s over voxels of level l; local indices */
        size_t head = 0, tail = 0, size = 0;
        int32_t dmin = INT32_MAX;
        queue[tail++] = s;
        seen[s] |= 1;
        while (head < tail) {
            size_t v = queue[head++];
            size++;
            if (dist && dist[v] < dmin) dmin = dist[v];
            if (!(seen[v] & 2)) {
                for (size_t k = 0; k < noff; k++) {
                    size_t u = (size_t)((ptrdiff_t)v + off[k]);
                    if ((seen[u] & 1) || b->levels[base + u] != l) continue;
                    seen[u] |= 1;
                    queue[tail++] = u;
                }
                continue;
            }
            int64_t x = (int64_t)(v % nx), y = (int64_t)((v / nx) % ny), z = (int64_t)(v / plane);
            for (int64_t dz = -dz_max; dz <= dz_max; dz++) {
                int64_t zz = z + dz;
                if (zz < 0 || zz >= nzb) continue;
                for (int64_t dy = -1; dy <= 1; dy++) {
                    int64_t yy = y + dy;
                    if (yy < 0 || yy >= (int64_t)ny) continue;
                    for (int64_t dx = -1; dx <= 1; dx++) {
                        int64_t xx = x + dx;
                        if (xx < 0 || xx >= (int64_t)nx) continue;
                        size_t u = (size_t)((zz * (int64_t)ny + yy) * (int64_t)nx + xx);
                        if ((seen[u] & 1) || b->levels[base + u] != l) continue;
                        seen[u] |= 1;
                        queue[tail++] = u;
                    }
                }
            }
        }
        emit(user, l, size, dist ? dmin : 0);
    }
    free(seen);
    free(queue);
    return QIB_OK;
}

/* ---- distance map ---- */

qib_status qib__zn_distance(const qib_zn_block *b, int32_t **out, qib_error *err) {
    const size_t nx = b->nx, ny = b->ny, plane = nx * ny, nzb = b->z1 - b->z0;
    const size_t nb = plane * nzb, base = b->z0 * plane;
    int32_t *d = malloc((nb ? nb : 1) * sizeof *d);
    if (!d) return qib__nomem(err, NULL, "GLDZM distance map");
    const uint8_t *mask = b->roi->morph_mask;
    for (size_t s = 0; s < nb; s++) d[s] = mask[base + s] ? INT32_MAX / 2 : 0;
    const bool use_z = !b->planar;
    /* Two raster passes of the city-block transform (Rosenfeld & Pfaltz):
     * forward from the -x, -y, -z neighbours, backward from the +x, +y, +z
     * ones; a neighbour past the grid is outside the mask (distance 0). */
    for (size_t z = 0; z < nzb; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                size_t s = (z * ny + y) * nx + x;
                if (!d[s]) continue;
                int32_t m = x ? d[s - 1] : 0;
                int32_t t = y ? d[s - nx] : 0;
                if (t < m) m = t;
                if (use_z) {
                    t = z ? d[s - plane] : 0;
                    if (t < m) m = t;
                }
                if (m + 1 < d[s]) d[s] = m + 1;
            }
    for (size_t z = nzb; z-- > 0;)
        for (size_t y = ny; y-- > 0;)
            for (size_t x = nx; x-- > 0;) {
                size_t s = (z * ny + y) * nx + x;
                if (!d[s]) continue;
                int32_t m = x + 1 < nx ? d[s + 1] : 0;
                int32_t t = y + 1 < ny ? d[s + nx] : 0;
                if (t < m) m = t;
                if (use_z) {
                    t = z + 1 < nzb ? d[s + plane] : 0;
                    if (t < m) m = t;
                }
                if (m + 1 < d[s]) d[s] = m + 1;
            }
    *out = d;
    return QIB_OK;
}

/* ---- level x count matrix ---- */

qib_zn_mat *qib__zn_mat_new(size_t np) {
    qib_zn_mat *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->np = np;
    m->row = calloc(np ? np : 1, sizeof *m->row);
    m->len = calloc(np ? np : 1, sizeof *m->len);
    m->ri = calloc(np ? np : 1, sizeof *m->ri);
    if (!m->row || !m->len || !m->ri) {
        qib__zn_mat_free(m);
        return NULL;
    }
    return m;
}

void qib__zn_mat_free(void *p) {
    qib_zn_mat *m = p;
    if (!m) return;
    if (m->row)
        for (size_t a = 0; a < m->np; a++) free(m->row[a]);
    free(m->row);
    free(m->len);
    free(m->ri);
    free(m->rj);
    free(m);
}

void qib__zn_mat_add(qib_zn_mat *m, size_t a, size_t j, double count) {
    if (m->failed || a >= m->np || j < 1) {
        m->failed = true;
        return;
    }
    if (j > m->len[a]) { /* grow the row to at least j, doubling */
        size_t n = m->len[a] ? m->len[a] : 4;
        while (n < j) n = n > SIZE_MAX / 2 ? j : 2 * n;
        double *r = n <= SIZE_MAX / sizeof *r ? realloc(m->row[a], n * sizeof *r) : NULL;
        if (!r) {
            m->failed = true;
            return;
        }
        memset(r + m->len[a], 0, (n - m->len[a]) * sizeof *r);
        m->row[a] = r;
        m->len[a] = n;
        if (n > m->nj) m->nj = n;
    }
    m->row[a][j - 1] += count;
}

bool qib__zn_mat_finish(qib_zn_mat *m, const int32_t *value) {
    if (m->failed) return false;
    free(m->rj);
    m->rj = calloc(m->nj ? m->nj : 1, sizeof *m->rj);
    if (!m->rj) {
        m->failed = true;
        return false;
    }
    double ns = 0;
    for (size_t a = 0; a < m->np; a++) {
        double ra = 0;
        for (size_t b = 0; b < m->len[a]; b++) {
            ra += m->row[a][b];
            m->rj[b] += m->row[a][b];
        }
        m->ri[a] = ra;
        ns += ra;
    }
    m->ns = ns;
    m->value = value;
    return ns > 0;
}

#define LV(m, a) ((double)(m)->value[a])
#define JV(b) ((double)(b) + 1.0)

double qib__zn_emphasis(const qib_zn_mat *m, int gi, int gj) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++) {
        double i2 = LV(m, a) * LV(m, a), wi = gi > 0 ? i2 : gi < 0 ? 1.0 / i2 : 1.0;
        for (size_t b = 0; b < m->len[a]; b++) {
            double q = m->row[a][b];
            if (q == 0) continue;
            double j2 = JV(b) * JV(b), wj = gj > 0 ? j2 : gj < 0 ? 1.0 / j2 : 1.0;
            x += q * wi * wj;
        }
    }
    return x / m->ns;
}

double qib__zn_sum_sq(const double *x, size_t n) {
    double s = 0;
    for (size_t k = 0; k < n; k++) s += x[k] * x[k];
    return s;
}

double qib__zn_level_var(const qib_zn_mat *m) {
    double mu = 0, x = 0;
    for (size_t a = 0; a < m->np; a++) mu += LV(m, a) * m->ri[a];
    mu /= m->ns;
    for (size_t a = 0; a < m->np; a++) x += (LV(m, a) - mu) * (LV(m, a) - mu) * m->ri[a];
    return x / m->ns;
}

double qib__zn_count_var(const qib_zn_mat *m) {
    double mu = 0, x = 0;
    for (size_t b = 0; b < m->nj; b++) mu += JV(b) * m->rj[b];
    mu /= m->ns;
    for (size_t b = 0; b < m->nj; b++) x += (JV(b) - mu) * (JV(b) - mu) * m->rj[b];
    return x / m->ns;
}

double qib__zn_entropy(const qib_zn_mat *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->len[a]; b++)
            if (m->row[a][b] > 0) {
                double p = m->row[a][b] / m->ns;
                x -= p * log2(p);
            }
    return x;
}

double qib__zn_energy(const qib_zn_mat *m) {
    double x = 0;
    for (size_t a = 0; a < m->np; a++)
        for (size_t b = 0; b < m->len[a]; b++) {
            double p = m->row[a][b] / m->ns;
            x += p * p;
        }
    return x;
}
