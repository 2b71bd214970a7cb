/* SPDX-License-Identifier: Apache-2.0 */
/* pr_diameters.c: PyRadiomics 3.1's maximum diameters (radiomics/src/
 * cshape.c, calculate_meshDiameter): the largest distance between two mesh
 * vertices, over all vertices (Maximum3DDiameter) and over the pairs that
 * share their k (Slice), j (Column) or i (Row) coordinate.
 *
 * The vertices are the midpoints of the voxel edges that cross the border,
 * integral in doubled voxel coordinates. PyRadiomics compares every pair;
 * here only the pairs that can be farthest apart are, with the same result:
 *   - the farthest pair of a point set are vertices of its convex hull, and
 *     a point between two others on a line is never one. So each plane (one
 *     k, j or i) keeps, per line of its grid, the two end vertices; their 2D
 *     convex hull (Andrew's monotone chain, exact in integers) gives the
 *     plane's candidates, compared pairwise.
 *   - a vertex of the 3D hull is a hull vertex of each of the three planes
 *     through it, so Maximum3DDiameter compares only the points that are
 *     hull vertices in their Slice, Column and Row planes.
 * Distances are in mm (doubled coordinates times spacing / 2); the hulls
 * are taken in doubled coordinates, which an axis scaling does not change. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_diameters.h"

/* Vertex ends per line: for plane coordinate p and row coordinate r (both
 * doubled), the lowest and highest doubled coordinate along the line, and
 * which of the two are vertices of the plane's convex hull. */
typedef struct pr_lines {
    int pa, ra, ca; /* axes of the plane, the rows, and along the lines */
    size_t np, nr;
    int32_t *lo, *hi; /* lo > hi: no vertex on the line */
    uint8_t *on_hull; /* bit 0: lo, bit 1: hi */
} pr_lines;

static bool lines_init(pr_lines *l, int pa, int ra, int ca, const size_t q[3]) {
    l->pa = pa, l->ra = ra, l->ca = ca;
    l->np = 2 * q[pa];
    l->nr = 2 * q[ra];
    size_t n = l->np * l->nr;
    l->lo = malloc(n * sizeof *l->lo);
    l->hi = malloc(n * sizeof *l->hi);
    l->on_hull = calloc(n, 1);
    if (!l->lo || !l->hi || !l->on_hull) return false;
    for (size_t i = 0; i < n; i++) l->lo[i] = INT32_MAX, l->hi[i] = INT32_MIN;
    return true;
}

static void lines_free(pr_lines *l) {
    free(l->lo);
    free(l->hi);
    free(l->on_hull);
}

static inline void lines_add(pr_lines *l, const int32_t v[3]) {
    size_t i = (size_t)v[l->pa] * l->nr + (size_t)v[l->ra];
    if (v[l->ca] < l->lo[i]) l->lo[i] = v[l->ca];
    if (v[l->ca] > l->hi[i]) l->hi[i] = v[l->ca];
}

/* Is the vertex v a hull vertex of its plane in l? */
static bool lines_on_hull(const pr_lines *l, const int32_t v[3]) {
    size_t i = (size_t)v[l->pa] * l->nr + (size_t)v[l->ra];
    return ((l->on_hull[i] & 1) && v[l->ca] == l->lo[i]) ||
           ((l->on_hull[i] & 2) && v[l->ca] == l->hi[i]);
}

static void add_vertex(pr_lines l[3], int32_t x, int32_t y, int32_t z) {
    int32_t p[3] = {x, y, z};
    for (int t = 0; t < 3; t++) lines_add(&l[t], p);
}

/* Every vertex (an edge between an inside and an outside voxel), row by
 * row, within the rows' inside extents: along i within the row, along j
 * and k against the next row and the next slab's row. */
static size_t collect_vertices(const qib_pr_padded *p, pr_lines l[3]) {
    const size_t *q = p->q, row = q[0], slab = q[0] * q[1];
    size_t n = 0;
    for (size_t z = 0; z + 1 < q[2]; z++)
        for (size_t y = 0; y + 1 < q[1]; y++) {
            size_t ri = z * q[1] + y, rj = ri + 1, rk = ri + q[1];
            const uint8_t *r = p->b + z * slab + y * row;
            int32_t y2 = (int32_t)(2 * y), z2 = (int32_t)(2 * z);
            if (p->first[ri] <= p->last[ri])
                for (size_t x = p->first[ri] - 1; x <= p->last[ri]; x++)
                    if (r[x] != r[x + 1]) add_vertex(l, (int32_t)(2 * x + 1), y2, z2), n++;
            for (int axis = 1; axis <= 2; axis++) {
                size_t o = axis == 1 ? rj : rk;
                const uint8_t *s = r + (axis == 1 ? row : slab);
                size_t lo = p->first[ri] < p->first[o] ? p->first[ri] : p->first[o];
                size_t hi = p->last[ri] > p->last[o] ? p->last[ri] : p->last[o];
                for (size_t x = lo; x <= hi && lo <= hi; x++)
                    if (r[x] != s[x])
                        add_vertex(l, (int32_t)(2 * x), y2 + (axis == 1), z2 + (axis == 2)), n++;
            }
        }
    return n;
}

typedef struct {
    int32_t r, c;
    size_t line; /* index into the line arrays */
    uint8_t end; /* 1: lo, 2: hi */
} pt2;

static int64_t cross2(const pt2 *o, const pt2 *a, const pt2 *b) {
    return (int64_t)(a->r - o->r) * (b->c - o->c) - (int64_t)(a->c - o->c) * (b->r - o->r);
}

/* Convex hull vertices of n points sorted by (r, c), distinct; h has room
 * for 2 n. Returns their number. */
static size_t hull2(const pt2 *p, size_t n, pt2 *h) {
    if (n < 3) {
        memcpy(h, p, n * sizeof *p);
        return n;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k >= 2 && cross2(&h[k - 2], &h[k - 1], &p[i]) <= 0) k--;
        h[k++] = p[i];
    }
    for (size_t i = n - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross2(&h[k - 2], &h[k - 1], &p[i]) <= 0) k--;
        h[k++] = p[i];
    }
    return k - 1;
}

/* Squared largest distance within each plane of l (mm^2), the maximum over
 * the planes; marks the planes' hull vertices in l->on_hull. */
static double planes_diameter2(pr_lines *l, const double sp[3], pt2 *pts, pt2 *hull) {
    double hr = 0.5 * sp[l->ra], hc = 0.5 * sp[l->ca], best = 0;
    for (size_t p = 0; p < l->np; p++) {
        size_t n = 0;
        for (size_t r = 0; r < l->nr; r++) {
            size_t i = p * l->nr + r;
            if (l->lo[i] > l->hi[i]) continue;
            pts[n++] = (pt2){(int32_t)r, l->lo[i], i, 1};
            if (l->hi[i] != l->lo[i]) pts[n++] = (pt2){(int32_t)r, l->hi[i], i, 2};
        }
        size_t h = hull2(pts, n, hull);
        for (size_t a = 0; a < h; a++) {
            l->on_hull[hull[a].line] |= hull[a].end;
            for (size_t b = a + 1; b < h; b++) {
                double dr = (hull[a].r - hull[b].r) * hr, dc = (hull[a].c - hull[b].c) * hc;
                double d2 = dr * dr + dc * dc;
                if (d2 > best) best = d2;
            }
        }
    }
    return best;
}

/* Squared largest distance between the points that are hull vertices in
 * all three planes through them (mm^2). l[0] has lines along i. */
static qib_status diameter3d2(const pr_lines l[3], const double sp[3], double *out,
                              qib_error *err) {
    size_t cap = 64, n = 0;
    double *c = malloc(3 * cap * sizeof *c);
    if (!c) return qib__nomem(err, NULL, "PyRadiomics diameters");
    const pr_lines *s = &l[0];
    for (size_t i = 0; i < s->np * s->nr; i++) {
        if (!s->on_hull[i]) continue;
        for (int end = 1; end <= 2; end++) {
            if (!(s->on_hull[i] & end)) continue;
            int32_t v[3];
            v[s->pa] = (int32_t)(i / s->nr);
            v[s->ra] = (int32_t)(i % s->nr);
            v[s->ca] = end == 1 ? s->lo[i] : s->hi[i];
            if (!lines_on_hull(&l[1], v) || !lines_on_hull(&l[2], v)) continue;
            if (n == cap) {
                double *g = realloc(c, 6 * cap * sizeof *c);
                if (!g) {
                    free(c);
                    return qib__nomem(err, NULL, "PyRadiomics diameters");
                }
                c = g, cap *= 2;
            }
            for (int d = 0; d < 3; d++) c[3 * n + d] = 0.5 * sp[d] * v[d];
            n++;
        }
    }
    double best = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            double dx = c[3 * a] - c[3 * b], dy = c[3 * a + 1] - c[3 * b + 1],
                   dz = c[3 * a + 2] - c[3 * b + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > best) best = d2;
        }
    free(c);
    *out = best;
    return QIB_OK;
}

qib_status qib__pr_diameters(const qib_pr_padded *p, const double spacing[3],
                             qib_pr_mesh_measures *out, qib_error *err) {
    const size_t *q = p->q;
    /* lines along i (Slice planes, one k), along k (Column, one j), along j
     * (Row, one i) */
    pr_lines l[3];
    memset(l, 0, sizeof l);
    size_t rows = 2 * (q[0] > q[1] ? (q[0] > q[2] ? q[0] : q[2]) : (q[1] > q[2] ? q[1] : q[2]));
    pt2 *pts = malloc(2 * rows * sizeof *pts), *hull = malloc(4 * rows * sizeof *hull);
    qib_status st = QIB_OK;
    if (!pts || !hull || !lines_init(&l[0], 2, 1, 0, q) || !lines_init(&l[1], 1, 0, 2, q) ||
        !lines_init(&l[2], 0, 2, 1, q)) {
        st = qib__nomem(err, NULL, "PyRadiomics diameters");
        goto done;
    }
    out->n_vert = collect_vertices(p, l);
    out->diam_slice = sqrt(planes_diameter2(&l[0], spacing, pts, hull));
    out->diam_column = sqrt(planes_diameter2(&l[1], spacing, pts, hull));
    out->diam_row = sqrt(planes_diameter2(&l[2], spacing, pts, hull));
    double d2 = 0;
    st = diameter3d2(l, spacing, &d2, err);
    out->diam_3d = sqrt(d2);
done:
    free(pts);
    free(hull);
    for (int t = 0; t < 3; t++) lines_free(&l[t]);
    return st;
}
