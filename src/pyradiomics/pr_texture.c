/* SPDX-License-Identifier: Apache-2.0 */
/* pr_texture.c: the region box, settings, angles, neighbourhood walk and
 * small numerical helpers shared by the PyRadiomics texture classes (see
 * pr_texture.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_texture.h"

/* ---- the region box ---- */

qib_status qib__pr_box_make(const qib_roi *roi, size_t pad, qib_pr_box *b, const char *what,
                            qib_error *err) {
    memset(b, 0, sizeof *b);
    b->pad = pad;
    size_t nb = 1;
    bool ok = true;
    for (int a = 0; a < 3; a++) {
        b->spacing[a] = roi->grid.spacing[a];
        b->n[a] = roi->grid.dim[a];
        b->dim[a] = b->n[a] + 2 * pad;
        ok = ok && b->dim[a] >= b->n[a] && qib__mul_ok(nb, b->dim[a], &nb);
    }
    QIB_FAIL_IF(!ok || nb > SIZE_MAX / sizeof(size_t) || b->n[0] > UINT32_MAX, err, QIB_ERR_LIMIT,
                NULL, -1, "distances", "%s: the padded region box is too large", what);
    b->nb = nb;
    const size_t nx = b->n[0], nrow = b->n[1] * b->n[2];
    b->lev = calloc(nb, sizeof *b->lev);
    b->span = calloc(2 * nrow, sizeof *b->span);
    if (!b->lev || !b->span) {
        qib__pr_box_free(b);
        return qib__nomem(err, NULL, what);
    }
    /* copy each row into the padded box; its span runs from the first to
     * the last region voxel, and within it the counts and the range of
     * levels are loops the compiler vectorises */
    size_t cnt = 0;
    int32_t top = 0, low = 0;
    for (size_t r = 0; r < nrow; r++) {
        const int32_t *row = roi->levels + r * nx;
        memcpy(b->lev + qib__pr_row_start(b, r), row, nx * sizeof *row);
        uint32_t any = 0;
        for (size_t i = 0; i < nx; i++) any |= (uint32_t)row[i];
        if (!any) continue;
        size_t lo = 0, hi = nx;
        while (!row[lo]) lo++;
        while (!row[hi - 1]) hi--;
        b->span[2 * r] = (uint32_t)lo;
        b->span[2 * r + 1] = (uint32_t)hi;
        for (size_t i = lo; i < hi; i++) {
            cnt += row[i] != 0;
            top = row[i] > top ? row[i] : top;
            low = row[i] < low ? row[i] : low;
        }
    }
    if (low < 0) {
        qib__pr_box_free(b);
        return qib__fail(err, QIB_ERR_NUMERIC, NULL, -1, "levels", "%s: grey level %d is negative",
                         what, (int)low);
    }
    b->n_vox = cnt;
    b->ng = top;
    if (!cnt) return QIB_OK; /* no region */
    b->index = calloc((size_t)top + 1, sizeof *b->index);
    if (!b->index) {
        qib__pr_box_free(b);
        return qib__nomem(err, NULL, what);
    }
    /* mark the levels present */
    int32_t *index = b->index;
    for (size_t r = 0; r < nrow; r++) {
        const int32_t *row = b->lev + qib__pr_row_start(b, r);
        for (uint32_t i = b->span[2 * r]; i < b->span[2 * r + 1]; i++) index[row[i]] = 1;
    }
    /* the levels present, numbered in ascending order */
    size_t np = 0;
    for (int32_t l = 1; l <= top; l++) np += index[l] != 0;
    b->value = malloc(np * sizeof *b->value);
    if (!b->value) {
        qib__pr_box_free(b);
        return qib__nomem(err, NULL, what);
    }
    np = 0;
    for (int32_t l = 1; l <= top; l++)
        if (index[l]) {
            b->value[np] = l;
            index[l] = (int32_t)np++;
        }
    index[0] = 0; /* level 0 (outside) maps to a valid row, for branch-free counting */
    b->np = np;
    return QIB_OK;
}

size_t qib__pr_row_start(const qib_pr_box *b, size_t r) {
    return ((r / b->n[1] + b->pad) * b->dim[1] + r % b->n[1] + b->pad) * b->dim[0] + b->pad;
}

void qib__pr_box_free(qib_pr_box *b) {
    free(b->lev);
    free(b->span);
    free(b->value);
    free(b->index);
    b->lev = NULL;
    b->span = NULL;
    b->value = NULL;
    b->index = NULL;
}

/* ---- settings ---- */

static bool setting_bool(const qib_settings *s, const char *name, bool def) {
    return s && qib_setting_find(name) ? qib_settings_bool(s, name) != 0 : def;
}

static const char *setting_string(const qib_settings *s, const char *name, const char *def) {
    const char *v = s && qib_setting_find(name) ? qib_settings_string(s, name) : NULL;
    return v && *v ? v : def;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "1", "1,2", "[1, 2]": integers 1..QIB_PR_MAX_DISTANCE, sorted, unique. */
static qib_status parse_distances(const char *text, qib_pr_opts *o, qib_error *err) {
    const char *p = text;
    o->ndist = 0;
    while (*p) {
        if (*p == ' ' || *p == ',' || *p == '[' || *p == ']' || *p == '\t') {
            p++;
            continue;
        }
        char *end;
        long d = strtol(p, &end, 10);
        QIB_FAIL_IF(end == p || d < 1 || d > QIB_PR_MAX_DISTANCE, err, QIB_ERR_ARG, NULL, -1,
                    "distances", "'%s': expected integers 1..%d separated by commas", text,
                    QIB_PR_MAX_DISTANCE);
        QIB_FAIL_IF(o->ndist == QIB_PR_MAX_DISTANCES, err, QIB_ERR_ARG, NULL, -1, "distances",
                    "'%s': more than %d distances", text, QIB_PR_MAX_DISTANCES);
        o->dist[o->ndist++] = (int)d;
        p = end;
    }
    QIB_FAIL_IF(o->ndist == 0, err, QIB_ERR_ARG, NULL, -1, "distances",
                "'%s': no distance given", text);
    qsort(o->dist, o->ndist, sizeof o->dist[0], cmp_int);
    size_t u = 1;
    for (size_t k = 1; k < o->ndist; k++)
        if (o->dist[k] != o->dist[u - 1]) o->dist[u++] = o->dist[k];
    o->ndist = u;
    return QIB_OK;
}

qib_status qib__pr_opts_read(const qib_settings *s, qib_pr_opts *o, qib_error *err) {
    memset(o, 0, sizeof *o);
    QIB_FORWARD(parse_distances(setting_string(s, "distances", "1"), o, err));
    o->force2d_axis = -1;
    if (setting_bool(s, "force2d", false)) {
        int64_t dim = 0;
        if (qib_setting_find("force2d_dimension")) dim = qib_settings_int(s, "force2d_dimension");
        QIB_FAIL_IF(dim < 0 || dim > 2, err, QIB_ERR_ARG, NULL, -1, "force2d_dimension",
                    "%lld, expected 0, 1 or 2", (long long)dim);
        o->force2d_axis = 2 - (int)dim; /* PyRadiomics counts axes z, y, x */
    }
    o->symmetric = setting_bool(s, "symmetrical_glcm", true);
    const char *w = setting_string(s, "weighting_norm", "none");
    o->weighting = !strcmp(w, "manhattan")      ? QIB_PR_WEIGHT_MANHATTAN
                   : !strcmp(w, "euclidean")    ? QIB_PR_WEIGHT_EUCLIDEAN
                   : !strcmp(w, "infinity")     ? QIB_PR_WEIGHT_INFINITY
                   : !strcmp(w, "no_weighting") ? QIB_PR_WEIGHT_ONE
                                                : QIB_PR_WEIGHT_NONE;
    QIB_FAIL_IF(o->weighting == QIB_PR_WEIGHT_NONE && strcmp(w, "none"), err, QIB_ERR_ARG, NULL,
                -1, "weighting_norm", "'%s', expected none, manhattan, euclidean, infinity or "
                "no_weighting", w);
    o->alpha = s && qib_setting_find("gldm_alpha") ? qib_settings_real(s, "gldm_alpha") : 0.0;
    QIB_FAIL_IF(!(o->alpha >= 0), err, QIB_ERR_ARG, NULL, -1, "gldm_alpha",
                "%g, expected >= 0", o->alpha);
    return QIB_OK;
}

/* ---- angles ---- */

/* The t-th candidate offset of PyRadiomics' enumeration: (dk, dj, di) =
 * maxd - the base-(2 maxd + 1) digits of t, dk slowest; stored along
 * i, j, k. true when it is one of the angles asked for. */
static bool candidate(const qib_pr_box *b, size_t t, int maxd, const int *dist, size_t ndist,
                      int f2d, qib_pr_angle *a) {
    size_t nn = 2 * (size_t)maxd + 1;
    a->d[2] = maxd - (int)(t / (nn * nn) % nn);
    a->d[1] = maxd - (int)(t / nn % nn);
    a->d[0] = maxd - (int)(t % nn);
    int norm = 0;
    for (int ax = 0; ax < 3; ax++) {
        int o = a->d[ax], m = o < 0 ? -o : o;
        if ((ax == f2d && o != 0) || (size_t)m >= b->n[ax]) return false;
        if (m > norm) norm = m;
    }
    for (size_t k = 0; k < ndist; k++)
        if (norm == dist[k]) return true;
    return false;
}

qib_status qib__pr_angles(const qib_pr_box *b, const int *dist, size_t ndist, int force2d_axis,
                          bool both_ways, qib_pr_angle **out, size_t *n, qib_error *err) {
    int maxd = 0;
    for (size_t k = 0; k < ndist; k++)
        if (dist[k] > maxd) maxd = dist[k];
    size_t nn = 2 * (size_t)maxd + 1, total = nn * nn * nn, cnt = 0;
    qib_pr_angle a;
    for (size_t t = 0; t < total; t++) cnt += candidate(b, t, maxd, dist, ndist, force2d_axis, &a);
    /* the list is symmetric (entry m is minus entry cnt-1-m): its first
     * half holds one of each opposite pair */
    size_t keep = both_ways ? cnt : cnt / 2;
    qib_pr_angle *list = malloc((keep ? keep : 1) * sizeof *list);
    if (!list) return qib__nomem(err, NULL, "angles");
    size_t m = 0;
    for (size_t t = 0; t < total && m < keep; t++)
        if (candidate(b, t, maxd, dist, ndist, force2d_axis, &a)) list[m++] = a;
    *out = list;
    *n = keep;
    return QIB_OK;
}

double qib__pr_norm(const qib_pr_box *b, const qib_pr_angle *a, qib_pr_weighting w) {
    double s = 0, mx = 0, sq = 0;
    for (int ax = 0; ax < 3; ax++) {
        double x = fabs((double)a->d[ax]) * b->spacing[ax];
        s += x;
        sq += x * x;
        if (x > mx) mx = x;
    }
    switch (w) {
    case QIB_PR_WEIGHT_MANHATTAN: return s;
    case QIB_PR_WEIGHT_EUCLIDEAN: return sqrt(sq);
    case QIB_PR_WEIGHT_INFINITY: return mx;
    default: return 1.0;
    }
}

/* ---- neighbourhoods (GLDM, NGTDM) ---- */

qib_status qib__pr_neighbours(const qib_pr_box *b, const qib_pr_angle *a, size_t na,
                              double alpha, bool want_sum, qib_pr_voxel_fn fn, void *user,
                              qib_error *err) {
    const size_t nx = b->n[0], nrow = b->n[1] * b->n[2];
    ptrdiff_t *off = malloc((na ? na : 1) * sizeof *off);
    uint32_t *cnt = malloc(nx * sizeof *cnt), *dep = malloc(nx * sizeof *dep);
    int64_t *sum = malloc(nx * sizeof *sum);
    int32_t *sum32 = malloc(nx * sizeof *sum32);
    if (!off || !cnt || !dep || !sum || !sum32) {
        free(off);
        free(cnt);
        free(dep);
        free(sum);
        free(sum32);
        return qib__nomem(err, NULL, "neighbours");
    }
    for (size_t q = 0; q < na; q++) off[q] = qib__pr_offset(b, a[q].d);
    /* sums in 32 bits when they cannot overflow (twice the lanes) */
    const bool narrow = (double)na * (double)b->ng < 2147483647.0;
    /* levels are integers: |i - j| <= alpha is |i - j| <= floor(alpha), and
     * with 0 <= i, j the test is (unsigned)(j - i) + al <= 2 al */
    const uint32_t al = alpha < 1073741823.0 ? (uint32_t)floor(alpha) : 1073741823u;
    /* row by row over the region's span, each neighbour offset in turn:
     * loops over consecutive voxels that the compiler vectorises */
    for (size_t r = 0; r < nrow; r++) {
        const uint32_t lo = b->span[2 * r], len = b->span[2 * r + 1] - lo;
        if (!len) continue;
        const int32_t *cur = b->lev + qib__pr_row_start(b, r) + lo;
        memset(cnt, 0, len * sizeof *cnt);
        memset(dep, 0, len * sizeof *dep);
        memset(sum, 0, len * sizeof *sum);
        memset(sum32, 0, len * sizeof *sum32);
        for (size_t q = 0; q < na; q++) {
            const int32_t *nb = cur + off[q];
            if (want_sum && narrow) {
                for (uint32_t x = 0; x < len; x++) {
                    cnt[x] += nb[x] != 0;
                    sum32[x] += nb[x];
                }
            } else if (want_sum) {
                for (uint32_t x = 0; x < len; x++) {
                    cnt[x] += nb[x] != 0;
                    sum[x] += nb[x];
                }
            } else if (al == 0) {
                for (uint32_t x = 0; x < len; x++) dep[x] += nb[x] == cur[x];
            } else {
                for (uint32_t x = 0; x < len; x++)
                    dep[x] += (nb[x] != 0) & ((uint32_t)(nb[x] - cur[x]) + al <= 2 * al);
            }
        }
        for (uint32_t x = 0; x < len; x++)
            if (cur[x])
                fn(user, (size_t)b->index[cur[x]], cnt[x], (double)(sum[x] + sum32[x]), dep[x]);
    }
    free(off);
    free(cnt);
    free(dep);
    free(sum);
    free(sum32);
    return QIB_OK;
}

/* ---- numerics ---- */

double qib__pr_entropy(const double *x, size_t n, double scale) {
    double h = 0;
    for (size_t k = 0; k < n; k++) {
        double p = x[k] * scale;
        if (p != 0) h -= p * log2(p + QIB_PR_EPS);
    }
    return h;
}

double qib__pr_zn_entropy(const qib_zn_mat *m) {
    double h = 0;
    for (size_t a = 0; a < m->np; a++) h += qib__pr_entropy(m->row[a], m->len[a], 1.0 / m->ns);
    return h;
}

/* Householder reduction of the symmetric matrix a (row-major, n >= 2) to
 * tridiagonal form: diagonal d[0..n-1], off-diagonal e[0..n-2]. Step k
 * reflects column k below the diagonal onto its first entry:
 * H = I - beta v v^T, and the trailing block becomes
 * A - v w^T - w v^T with p = beta A v, w = p - (beta/2)(v.p) v.
 * v and p are scratch of n entries. */
static void tridiagonalise(double *a, size_t n, double *d, double *e, double *v, double *p) {
    for (size_t k = 0; k + 2 < n; k++) {
        size_t m = n - k - 1, b = k + 1; /* trailing block rows/cols b..n-1 */
        double norm = 0;
        for (size_t t = 0; t < m; t++) norm += a[(b + t) * n + k] * a[(b + t) * n + k];
        norm = sqrt(norm);
        d[k] = a[k * n + k];
        if (norm == 0) {
            e[k] = 0;
            continue;
        }
        double x0 = a[b * n + k], alpha = x0 >= 0 ? -norm : norm;
        for (size_t t = 0; t < m; t++) v[t] = a[(b + t) * n + k];
        v[0] -= alpha;
        double vv = 0;
        for (size_t t = 0; t < m; t++) vv += v[t] * v[t];
        double beta = 2.0 / vv, vp = 0;
        for (size_t r = 0; r < m; r++) {
            const double *row = a + (b + r) * n + b;
            double s = 0;
            for (size_t c = 0; c < m; c++) s += row[c] * v[c];
            p[r] = beta * s;
            vp += v[r] * p[r];
        }
        double kk = 0.5 * beta * vp;
        for (size_t r = 0; r < m; r++) p[r] -= kk * v[r];
        for (size_t r = 0; r < m; r++) {
            double *row = a + (b + r) * n + b;
            for (size_t c = 0; c < m; c++) row[c] -= v[r] * p[c] + p[r] * v[c];
        }
        e[k] = alpha;
    }
    d[n - 2] = a[(n - 2) * n + n - 2];
    d[n - 1] = a[(n - 1) * n + n - 1];
    e[n - 2] = a[(n - 1) * n + n - 2];
}

/* Eigenvalues of the tridiagonal matrix below x (Sturm sequence count of
 * negative pivots of T - x I = L D L^T). */
static size_t count_below(const double *d, const double *e, size_t n, double x, double pivmin) {
    size_t c = 0;
    double q = d[0] - x;
    for (size_t i = 0;;) {
        if (fabs(q) < pivmin) q = -pivmin;
        c += q < 0;
        if (++i == n) break;
        q = d[i] - x - e[i - 1] * e[i - 1] / q;
    }
    return c;
}

double qib__pr_eig_second(double *a, size_t n) {
    double *w = malloc(4 * n * sizeof *w);
    if (!w) return NAN;
    double *d = w, *e = w + n, *v = w + 2 * n, *p = w + 3 * n;
    tridiagonalise(a, n, d, e, v, p);
    /* Gershgorin interval */
    double lo = INFINITY, hi = -INFINITY, emax = 0;
    for (size_t i = 0; i < n; i++) {
        double r = (i ? fabs(e[i - 1]) : 0) + (i + 1 < n ? fabs(e[i]) : 0);
        if (d[i] - r < lo) lo = d[i] - r;
        if (d[i] + r > hi) hi = d[i] + r;
        if (i + 1 < n && fabs(e[i]) > emax) emax = fabs(e[i]);
    }
    double pivmin = DBL_MIN * (emax * emax > 1 ? emax * emax : 1);
    /* bisection for the eigenvalue with ascending index n - 2 */
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (count_below(d, e, n, mid, pivmin) > n - 2)
            hi = mid;
        else
            lo = mid;
    }
    free(w);
    return 0.5 * (lo + hi);
}

qib_status qib__pr_prepare(const qib_roi *roi, const char *what, bool uses_distances,
                           qib_pr_compute_fn compute, void **ctx, qib_error *err) {
    qib_pr_opts o;
    QIB_FORWARD(qib__pr_opts_read(roi->settings, &o, err));
    size_t pad = 1;
    for (size_t k = 0; uses_distances && k < o.ndist; k++)
        if ((size_t)o.dist[k] > pad) pad = (size_t)o.dist[k];
    qib_tex_values *out = malloc(sizeof *out);
    if (!out) return qib__nomem(err, NULL, what);
    for (size_t k = 0; k < QIB_TEX_MAX_FEATURES; k++) out->v[k] = NAN;
    qib_pr_box b;
    qib_status st = qib__pr_box_make(roi, pad, &b, what, err);
    if (st == QIB_OK && b.np) st = compute(&b, &o, out, err);
    qib__pr_box_free(&b);
    if (st != QIB_OK) {
        free(out);
        return st;
    }
    *ctx = out;
    return QIB_OK;
}
