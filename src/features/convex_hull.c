/* SPDX-License-Identifier: Apache-2.0 */
/* convex_hull.c: the 3D convex hull of integer points, for the morphology
 * family (convex hull volume and area density, maximum 3D diameter, the
 * bounding boxes and ellipsoids).
 *
 * Mesh vertices sit on a half-voxel lattice, so they are kept as integers
 * (doubled voxel indices) and every orientation test is an exact 64-bit
 * determinant: the many coplanar and collinear points of a voxelised shape
 * need no tolerance. The hull is built incrementally (Clarkson & Shor's
 * randomised incremental construction, with a fixed pseudo-random order so
 * results never vary): a point strictly above at least one face replaces the
 * faces it sees with a fan from the horizon to itself; points on or below
 * every face plane are inside. Coplanar hull facets may come out split into
 * several triangles, which changes neither volume nor area.
 *
 * A hull vertex is also a vertex of the 2D hull of the points in each of
 * the three axis-perpendicular planes through it, so before the hull is
 * built each point must pass that test for all three planes (linear time,
 * see mark_plane_vertices). Of a voxelised shape's surface this keeps a
 * few points per slice outline, which makes the O(points x faces)
 * construction fast. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh.h"

static int64_t cross2i(const int32_t *o, const int32_t *a, const int32_t *b) {
    return ((int64_t)a[0] - o[0]) * ((int64_t)b[1] - o[1]) -
           ((int64_t)a[1] - o[1]) * ((int64_t)b[0] - o[0]);
}

/* Marks (hits[i]++) the points that are vertices of the 2D convex hull of
 * the points in their plane across `axis` (same coordinate along it). A
 * point that is not is a convex combination of other points, so it is no
 * vertex of the 3D hull either. Per plane, only the lowest and highest
 * point of each line along the plane's second axis can be hull vertices;
 * those come out sorted by the first axis, and Andrew's monotone chain
 * (strict turns only, exact in integers) finds the vertices among them, in
 * time linear in the number of lines. Returns 0 (marking nothing) when
 * the table of lines would be too large, or when it cannot be allocated. */
static int mark_plane_vertices(const int32_t *pts, size_t n, int axis, const int32_t lo[3],
                               const int32_t hi[3], uint8_t *hits) {
    int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    size_t nc = (size_t)(hi[axis] - lo[axis]) + 1, nu = (size_t)(hi[a1] - lo[a1]) + 1;
    if (nc > SIZE_MAX / nu || nc * nu > 4 * n + 65536) return 0;
    size_t cells = nc * nu;
    int32_t *vmin = malloc(cells * sizeof *vmin), *vmax = malloc(cells * sizeof *vmax);
    uint8_t *flag = calloc(cells, 1); /* bit 0: the lowest point is a vertex, bit 1: the highest */
    /* at most two candidates per line, and the chain holds both halves */
    int32_t *cand = malloc(2 * (2 * nu) * sizeof *cand);
    int32_t *chain = malloc(2 * (4 * nu + 2) * sizeof *chain);
    int ok = vmin && vmax && flag && chain && cand;
    if (ok) {
        for (size_t c = 0; c < cells; c++) vmin[c] = INT32_MAX, vmax[c] = INT32_MIN;
        for (size_t i = 0; i < n; i++) {
            const int32_t *p = pts + 3 * i;
            size_t c = (size_t)(p[axis] - lo[axis]) * nu + (size_t)(p[a1] - lo[a1]);
            if (p[a2] < vmin[c]) vmin[c] = p[a2];
            if (p[a2] > vmax[c]) vmax[c] = p[a2];
        }
        for (size_t pl = 0; pl < nc; pl++) {
            /* the candidates (u, v), sorted by u then v */
            size_t m = 0;
            for (size_t u = 0; u < nu; u++) {
                size_t c = pl * nu + u;
                if (vmin[c] == INT32_MAX) continue;
                cand[2 * m] = (int32_t)u, cand[2 * m + 1] = vmin[c], m++;
                if (vmax[c] != vmin[c]) cand[2 * m] = (int32_t)u, cand[2 * m + 1] = vmax[c], m++;
            }
            /* Andrew's monotone chain: lower hull, then upper hull */
            size_t k = 0;
            for (size_t i = 0; i < m; i++) {
                while (k >= 2 &&
                       cross2i(chain + 2 * (k - 2), chain + 2 * (k - 1), cand + 2 * i) <= 0)
                    k--;
                chain[2 * k] = cand[2 * i], chain[2 * k + 1] = cand[2 * i + 1], k++;
            }
            for (size_t i = m - 1, t = k + 1; m > 1 && i-- > 0;) {
                while (k >= t &&
                       cross2i(chain + 2 * (k - 2), chain + 2 * (k - 1), cand + 2 * i) <= 0)
                    k--;
                chain[2 * k] = cand[2 * i], chain[2 * k + 1] = cand[2 * i + 1], k++;
            }
            for (size_t i = 0; i < k; i++) {
                size_t c = pl * nu + (size_t)chain[2 * i];
                if (chain[2 * i + 1] == vmin[c]) flag[c] |= 1;
                if (chain[2 * i + 1] == vmax[c]) flag[c] |= 2;
            }
        }
        for (size_t i = 0; i < n; i++) {
            const int32_t *p = pts + 3 * i;
            size_t c = (size_t)(p[axis] - lo[axis]) * nu + (size_t)(p[a1] - lo[a1]);
            if ((p[a2] == vmin[c] && (flag[c] & 1)) || (p[a2] == vmax[c] && (flag[c] & 2)))
                hits[i]++;
        }
    }
    free(vmin);
    free(vmax);
    free(flag);
    free(chain);
    free(cand);
    return ok;
}

static void sub3(const int32_t *a, const int32_t *b, int64_t r[3]) {
    for (int d = 0; d < 3; d++) r[d] = (int64_t)a[d] - b[d];
}

/* det[b - a, c - a, p - a] = (p - a) . ((b - a) x (c - a)): > 0 when p lies
 * on the side the face normal of triangle (a, b, c) points to, i.e. p sees
 * the face. Exact when coordinates differ by less than 2^20 (three products
 * of such differences, times 6, stay below 2^63). */
static int64_t orient(const int32_t *a, const int32_t *b, const int32_t *c, const int32_t *p) {
    int64_t u[3], v[3], w[3];
    sub3(b, a, u);
    sub3(c, a, v);
    sub3(p, a, w);
    return u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) +
           u[2] * (v[0] * w[1] - v[1] * w[0]);
}

typedef struct {
    uint32_t v[3];
} face;

typedef struct {
    uint32_t a, b; /* directed edge of a visible face */
} dedge;

static int dedge_cmp(const void *pa, const void *pb) {
    const dedge *x = pa, *y = pb;
    uint32_t x0 = x->a < x->b ? x->a : x->b, x1 = x->a < x->b ? x->b : x->a;
    uint32_t y0 = y->a < y->b ? y->a : y->b, y1 = y->a < y->b ? y->b : y->a;
    if (x0 != y0) return x0 < y0 ? -1 : 1;
    if (x1 != y1) return x1 < y1 ? -1 : 1;
    return 0;
}

/* Chooses four affinely independent points; 0 if all are coplanar. */
static int initial_simplex(const int32_t *pts, const uint32_t *cand, size_t n, uint32_t s[4]) {
    size_t i0 = 0;
    for (size_t i = 1; i < n; i++) {
        const int32_t *p = pts + 3 * cand[i], *q = pts + 3 * cand[i0];
        if (p[0] < q[0] || (p[0] == q[0] && (p[1] < q[1] || (p[1] == q[1] && p[2] < q[2]))))
            i0 = i;
    }
    const int32_t *a = pts + 3 * cand[i0];
    size_t i1 = i0;
    int64_t best = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t d[3];
        sub3(pts + 3 * cand[i], a, d);
        int64_t q = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (q > best) best = q, i1 = i;
    }
    if (!best) return 0;
    const int32_t *b = pts + 3 * cand[i1];
    size_t i2 = i0;
    double best2 = 0; /* squared cross products may exceed 2^63 */
    for (size_t i = 0; i < n; i++) {
        int64_t u[3], v[3];
        sub3(b, a, u);
        sub3(pts + 3 * cand[i], a, v);
        double x = (double)(u[1] * v[2] - u[2] * v[1]), y = (double)(u[2] * v[0] - u[0] * v[2]),
               z = (double)(u[0] * v[1] - u[1] * v[0]);
        double q = x * x + y * y + z * z;
        if (q > best2) best2 = q, i2 = i;
    }
    if (!(best2 > 0)) return 0;
    const int32_t *c = pts + 3 * cand[i2];
    size_t i3 = i0;
    best = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t o = orient(a, b, c, pts + 3 * cand[i]);
        if (o < 0) o = -o;
        if (o > best) best = o, i3 = i;
    }
    if (!best) return 0;
    s[0] = cand[i0], s[1] = cand[i1], s[2] = cand[i2], s[3] = cand[i3];
    return 1;
}

qib_status qib__hull_build(const int32_t *pts, size_t n, const double scale[3], qib_hull *out,
                           qib_error *err) {
    memset(out, 0, sizeof *out);
    qib_status st = QIB_OK;
    uint8_t *hits = NULL;
    uint32_t *cand = NULL;
    face *faces = NULL;
    uint8_t *dead = NULL;
    dedge *edges = NULL;
    size_t n_faces = 0, cap_faces = 0, cap_edges = 0;

    if (n < 4) {
        out->degenerate = 1;
        return QIB_OK;
    }
    for (size_t i = 0; i < 3 * n; i++)
        QIB_FAIL_IF(pts[i] <= -(1 << 19) || pts[i] >= (1 << 19), err, QIB_ERR_LIMIT, NULL, -1,
                    "convex hull", "point coordinate %ld is outside (-2^19, 2^19)",
                    (long)pts[i]);
    hits = calloc(n, 1);
    cand = malloc(n * sizeof *cand);
    if (!hits || !cand) goto nomem;
    int32_t lo[3] = {INT32_MAX, INT32_MAX, INT32_MAX}, hi[3] = {INT32_MIN, INT32_MIN, INT32_MIN};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 3; d++) {
            if (pts[3 * i + d] < lo[d]) lo[d] = pts[3 * i + d];
            if (pts[3 * i + d] > hi[d]) hi[d] = pts[3 * i + d];
        }
    int planes = 0;
    for (int axis = 0; axis < 3; axis++) planes += mark_plane_vertices(pts, n, axis, lo, hi, hits);
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (hits[i] == planes) cand[nc++] = (uint32_t)i;
    /* a fixed pseudo-random insertion order (64-bit LCG, Fisher-Yates) */
    uint64_t rng = UINT64_C(0x9E3779B97F4A7C15);
    for (size_t i = nc; i > 1; i--) {
        rng = rng * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        size_t j = (size_t)((rng >> 33) % i);
        uint32_t t = cand[i - 1];
        cand[i - 1] = cand[j];
        cand[j] = t;
    }
    uint32_t s[4];
    if (nc < 4 || !initial_simplex(pts, cand, nc, s)) {
        out->degenerate = 1;
        goto done;
    }
    cap_faces = 64;
    faces = malloc(cap_faces * sizeof *faces);
    dead = calloc(cap_faces, 1);
    if (!faces || !dead) goto nomem;
    /* the four faces of the simplex, each oriented away from the fourth point */
    static const int tet[4][4] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 3, 1}, {1, 2, 3, 0}};
    for (int f = 0; f < 4; f++) {
        uint32_t a = s[tet[f][0]], b = s[tet[f][1]], c = s[tet[f][2]];
        if (orient(pts + 3 * a, pts + 3 * b, pts + 3 * c, pts + 3 * s[tet[f][3]]) > 0) {
            uint32_t t = b;
            b = c;
            c = t;
        }
        faces[n_faces++] = (face){{a, b, c}};
    }
    for (size_t ci = 0; ci < nc; ci++) {
        uint32_t p = cand[ci];
        if (p == s[0] || p == s[1] || p == s[2] || p == s[3]) continue;
        const int32_t *pp = pts + 3 * p;
        size_t ne = 0;
        for (size_t f = 0; f < n_faces; f++) {
            if (dead[f]) continue;
            const face *fc = &faces[f];
            if (orient(pts + 3 * fc->v[0], pts + 3 * fc->v[1], pts + 3 * fc->v[2], pp) <= 0)
                continue;
            dead[f] = 1;
            if (ne + 3 > cap_edges) {
                size_t cap = cap_edges ? 2 * cap_edges : 256;
                dedge *q = realloc(edges, cap * sizeof *q);
                if (!q) goto nomem;
                edges = q;
                cap_edges = cap;
            }
            for (int k = 0; k < 3; k++) edges[ne++] = (dedge){fc->v[k], fc->v[(k + 1) % 3]};
        }
        if (!ne) continue; /* inside */
        /* horizon: directed edges whose reverse is not also visible */
        qsort(edges, ne, sizeof *edges, dedge_cmp);
        for (size_t i = 0; i < ne;) {
            size_t j = i + 1;
            while (j < ne && !dedge_cmp(&edges[i], &edges[j])) j++;
            if (j - i == 1) {
                if (n_faces == cap_faces) {
                    /* drop dead faces first; grow only if that is not enough */
                    size_t w = 0;
                    for (size_t f = 0; f < n_faces; f++)
                        if (!dead[f]) faces[w++] = faces[f];
                    n_faces = w;
                    memset(dead, 0, cap_faces);
                    if (n_faces * 2 > cap_faces) {
                        size_t cap = cap_faces * 2;
                        face *q = realloc(faces, cap * sizeof *q);
                        if (!q) goto nomem;
                        faces = q;
                        uint8_t *dq = realloc(dead, cap);
                        if (!dq) goto nomem;
                        dead = dq;
                        memset(dead, 0, cap);
                        cap_faces = cap;
                    }
                }
                dead[n_faces] = 0;
                faces[n_faces++] = (face){{edges[i].a, edges[i].b, p}};
            }
            i = j;
        }
    }
    /* collect the live faces and their vertices; measure the scaled hull */
    size_t w = 0;
    for (size_t f = 0; f < n_faces; f++)
        if (!dead[f]) faces[w++] = faces[f];
    n_faces = w;
    out->tri = malloc(3 * n_faces * sizeof *out->tri);
    if (!out->tri) goto nomem;
    memset(hits, 0, n);
    size_t nv = 0;
    const int32_t *o = pts + 3 * faces[0].v[0];
    double vol = 0.0, area = 0.0;
    for (size_t f = 0; f < n_faces; f++) {
        double q[3][3];
        for (int k = 0; k < 3; k++) {
            uint32_t v = faces[f].v[k];
            out->tri[3 * f + k] = v;
            if (!hits[v]) hits[v] = 1, nv++;
            for (int d = 0; d < 3; d++) q[k][d] = 0.5 * (pts[3 * v + d] - o[d]) * scale[d];
        }
        double u[3], x[3];
        for (int d = 0; d < 3; d++) u[d] = q[1][d] - q[0][d], x[d] = q[2][d] - q[0][d];
        double cx = u[1] * x[2] - u[2] * x[1], cy = u[2] * x[0] - u[0] * x[2],
               cz = u[0] * x[1] - u[1] * x[0];
        area += 0.5 * sqrt(cx * cx + cy * cy + cz * cz);
        vol += q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) -
               q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0]) +
               q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0]);
    }
    out->vert = malloc((nv ? nv : 1) * sizeof *out->vert);
    if (!out->vert) goto nomem;
    for (size_t i = 0, k = 0; i < n; i++)
        if (hits[i]) out->vert[k++] = (uint32_t)i;
    out->n_tri = n_faces;
    out->n_vert = nv;
    out->volume = fabs(vol) / 6.0;
    out->area = area;
    goto done;
nomem:
    st = qib__nomem(err, NULL, "convex hull");
    qib__hull_free(out);
done:
    free(hits);
    free(cand);
    free(faces);
    free(dead);
    free(edges);
    return st;
}

void qib__hull_free(qib_hull *h) {
    if (!h) return;
    free(h->tri);
    free(h->vert);
    memset(h, 0, sizeof *h);
}
