/* SPDX-License-Identifier: Apache-2.0 */
/* mesh.c: the marching-cubes surface of a binary mask (IBSI 1, "Mesh-based
 * representation"; Lorensen & Cline 1987).
 *
 * The mask is padded with one voxel of zeros and meshed at iso-level 0.5.
 * With 0/1 values and linear interpolation every vertex is the midpoint of
 * a cube edge whose two corners differ.
 *
 * The case table (256 corner configurations) is derived here, not typed in:
 * on each face of a cube the edges whose corners differ are joined by
 * segments, each oriented so that the face's outward normal crossed with
 * the segment's direction points away from the region's corners. On a
 * face with two diagonal inside corners (the ambiguous face) the segments
 * cut off the two outside corners, joining the inside ones (the voxels
 * touch along an edge, 18-connectivity); the two cubes that share a face
 * make the same choice, so the mesh is closed. Every crossed edge then has
 * one segment leaving it and one arriving, and the segments chain into
 * closed loops; each loop is cut into a triangle fan (see fan_start).
 * The loops turn counter-clockwise seen from outside the region, so every
 * triangle's normal (right-hand rule) points outward and every mesh edge
 * is used as often in one direction as in the other: the surface is closed
 * and consistently oriented, as the signed-tetrahedra volume requires. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh.h"

#define MC_MAX_TRI 12


/* Corner c of a unit cube is at (c & 1, (c >> 1) & 1, (c >> 2) & 1). */
static int corner_coord(int c, int axis) { return (c >> axis) & 1; }

/* Edge e runs along axis e >> 2; the other two axes, (axis + 1) % 3 and
 * (axis + 2) % 3, take bits 0 and 1 of e & 3. */
static int edge_corner(int e, int end) {
    int a = e >> 2, r = e & 3;
    int p[3];
    p[a] = end;
    p[(a + 1) % 3] = r & 1;
    p[(a + 2) % 3] = (r >> 1) & 1;
    return p[0] | (p[1] << 1) | (p[2] << 2);
}

/* Doubled coordinates of the midpoint of edge e. */
static void edge_mid2(int e, int m[3]) {
    int c0 = edge_corner(e, 0), c1 = edge_corner(e, 1);
    for (int a = 0; a < 3; a++) m[a] = corner_coord(c0, a) + corner_coord(c1, a);
}

typedef struct mc_table {
    uint8_t n_tri[256];
    uint8_t tri[256][MC_MAX_TRI][3]; /* edge ids */
} mc_table;

/* Orients segment (p, q) (edges) on a face with outward normal n so that
 * n x (q - p) points away from corner `in` (inside). Writes next[p] = q. */
static void add_segment(int p, int q, const int n[3], int in, int next[12]) {
    int mp[3], mq[3];
    edge_mid2(p, mp);
    edge_mid2(q, mq);
    int d[3] = {mq[0] - mp[0], mq[1] - mp[1], mq[2] - mp[2]};
    int t[3] = {n[1] * d[2] - n[2] * d[1], n[2] * d[0] - n[0] * d[2], n[0] * d[1] - n[1] * d[0]};
    int s = 0;
    for (int a = 0; a < 3; a++) s += t[a] * (2 * corner_coord(in, a) - mp[a]);
    if (s < 0)
        next[p] = q;
    else
        next[q] = p;
}

/* Twice the area of the fan of loop from vertex `start`, in cube units. */
static double fan_area(const int *loop, int len, int start) {
    double a = 0;
    int p0[3];
    edge_mid2(loop[start], p0);
    for (int i = 1; i + 1 < len; i++) {
        int p1[3], p2[3];
        edge_mid2(loop[(start + i) % len], p1);
        edge_mid2(loop[(start + i + 1) % len], p2);
        double u[3], v[3];
        for (int d = 0; d < 3; d++) u[d] = p1[d] - p0[d], v[d] = p2[d] - p0[d];
        double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2],
               z = u[0] * v[1] - u[1] * v[0];
        a += sqrt(x * x + y * y + z * z);
    }
    return a;
}

/* A loop of more than three vertices is not always planar (three inside
 * corners on one face give a twisted pentagon), and then its triangulation
 * changes area and volume a little. The fan with the largest area is taken
 * (ties: the first): it bulges outwards, and it reproduces the IBSI digital
 * phantom's consensus mesh (volume 556, area 388), where the smallest-area
 * fan gives 549 and 387. */
static int fan_start(const int *loop, int len) {
    int best = 0;
    double ba = fan_area(loop, len, 0);
    for (int s = 1; s < len; s++) {
        double a = fan_area(loop, len, s);
        if (a > ba + 1e-9) best = s, ba = a;
    }
    return best;
}

static void mc_case(int cfg, mc_table *tab) {
    int next[12];
    for (int e = 0; e < 12; e++) next[e] = -1;
    for (int f = 0; f < 6; f++) {
        int axis = f >> 1, side = f & 1;
        int n[3] = {0, 0, 0};
        n[axis] = side ? 1 : -1;
        /* the face's four edges and, per edge, its two corners */
        int edges[4], k = 0;
        for (int e = 0; e < 12; e++) {
            if ((e >> 2) == axis) continue;
            if (corner_coord(edge_corner(e, 0), axis) == side) edges[k++] = e;
        }
        int cross[4], nc = 0;
        for (int i = 0; i < 4; i++) {
            int c0 = edge_corner(edges[i], 0), c1 = edge_corner(edges[i], 1);
            if (((cfg >> c0) & 1) != ((cfg >> c1) & 1)) cross[nc++] = edges[i];
        }
        if (nc == 2) {
            int in = -1;
            for (int i = 0; i < 4 && in < 0; i++)
                for (int end = 0; end < 2; end++) {
                    int c = edge_corner(edges[i], end);
                    if ((cfg >> c) & 1) in = c;
                }
            add_segment(cross[0], cross[1], n, in, next);
        } else if (nc == 4) {
            /* ambiguous face: cut off each outside corner on its own */
            int in = -1;
            for (int c = 0; c < 8; c++)
                if (corner_coord(c, axis) == side && ((cfg >> c) & 1)) in = c;
            for (int c = 0; c < 8; c++) {
                if (corner_coord(c, axis) != side || ((cfg >> c) & 1)) continue;
                int pair[2], np = 0;
                for (int i = 0; i < 4; i++)
                    if (edge_corner(edges[i], 0) == c || edge_corner(edges[i], 1) == c)
                        pair[np++] = edges[i];
                add_segment(pair[0], pair[1], n, in, next);
            }
        }
    }
    /* chain the segments into loops and fan-triangulate each loop */
    int used[12] = {0};
    int nt = 0;
    for (int e = 0; e < 12; e++) {
        if (next[e] < 0 || used[e]) continue;
        int loop[12], len = 0;
        for (int v = e; !used[v]; v = next[v]) {
            used[v] = 1;
            loop[len++] = v;
        }
        int start = fan_start(loop, len);
        for (int i = 1; i + 1 < len; i++) {
            tab->tri[cfg][nt][0] = (uint8_t)loop[start];
            tab->tri[cfg][nt][1] = (uint8_t)loop[(start + i) % len];
            tab->tri[cfg][nt][2] = (uint8_t)loop[(start + i + 1) % len];
            nt++;
        }
    }
    tab->n_tri[cfg] = (uint8_t)nt;
}

/* Growable arrays. */
typedef struct {
    void *p;
    size_t n, cap, size;
} vec;
static bool vec_reserve(vec *v, size_t extra) {
    if (v->n + extra <= v->cap) return true;
    size_t cap = v->cap ? v->cap : 1024;
    while (cap < v->n + extra) cap *= 2;
    void *q = realloc(v->p, cap * v->size);
    if (!q) return false;
    v->p = q;
    v->cap = cap;
    return true;
}

qib_status qib__mesh_build(const uint8_t *mask, const size_t dim[3], const double spacing[3],
                           qib_mesh *out, qib_error *err) {
    memset(out, 0, sizeof *out);
    mc_table *tab = calloc(1, sizeof *tab);
    if (!tab) return qib__nomem(err, NULL, "marching-cubes table");
    for (int c = 0; c < 256; c++) mc_case(c, tab);

    /* padded grid: one zero voxel on each side; cubes sit between padded
     * grid points, so there are (dim + 1) cubes per axis */
    size_t pn[3] = {dim[0] + 2, dim[1] + 2, dim[2] + 2}, plane = 0, npts = 0;
    if (!qib__mul_ok(pn[0], pn[1], &plane) || !qib__mul_ok(plane, pn[2], &npts) ||
        !qib__mul_ok(plane, 6, &plane)) {
        free(tab);
        return qib__nomem(err, NULL, "mesh grid");
    }
    /* Vertex numbers by cube edge: the edge along axis a from padded grid
     * point (bx, by, bz) has slot 3 (by pn[0] + bx) + a of layer bz. The
     * cubes of layer z use grid layers z and z + 1, so two layers are kept
     * and recycled. */
    size_t layer = 3 * pn[0] * pn[1];
    int32_t *vid = NULL;
    uint8_t *pad = NULL; /* the mask inside one voxel of zeros */
    vec verts = {NULL, 0, 0, sizeof(double) * 3}, iverts = {NULL, 0, 0, sizeof(int32_t) * 3};
    vec tris = {NULL, 0, 0, sizeof(uint32_t) * 3};
    qib_status st = QIB_OK;
    if (!(vid = malloc(2 * layer * sizeof *vid)) || !(pad = calloc(npts, 1))) {
        st = qib__nomem(err, NULL, "mesh vertex index");
        goto done;
    }
    for (size_t i = 0; i < 2 * layer; i++) vid[i] = -1;
    for (size_t z = 0; z < dim[2]; z++)
        for (size_t y = 0; y < dim[1]; y++)
            for (size_t x = 0; x < dim[0]; x++)
                pad[((z + 1) * pn[1] + y + 1) * pn[0] + x + 1] =
                    mask[(z * dim[1] + y) * dim[0] + x] != 0;

    for (size_t z = 0; z + 1 < pn[2]; z++) {
        if (z > 0) { /* layer z + 1 takes the place of layer z - 1 */
            int32_t *next = vid + ((z + 1) % 2) * layer;
            for (size_t i = 0; i < layer; i++) next[i] = -1;
        }
        for (size_t y = 0; y + 1 < pn[1]; y++) {
            /* the four rows of corners of this row of cubes: bit c of the
             * configuration is corner (c & 1, (c >> 1) & 1, (c >> 2) & 1) */
            const uint8_t *r00 = pad + (z * pn[1] + y) * pn[0], *r10 = r00 + pn[0];
            const uint8_t *r01 = r00 + pn[0] * pn[1], *r11 = r01 + pn[0];
            int left = r00[0] | r10[0] << 2 | r01[0] << 4 | r11[0] << 6;
            for (size_t x = 0; x + 1 < pn[0]; x++) {
                int right = r00[x + 1] | r10[x + 1] << 2 | r01[x + 1] << 4 | r11[x + 1] << 6;
                int cfg = left | right << 1;
                left = right;
                if (!tab->n_tri[cfg]) continue;
                if (!vec_reserve(&tris, tab->n_tri[cfg])) {
                    st = qib__nomem(err, NULL, "mesh triangles");
                    goto done;
                }
                for (int t = 0; t < tab->n_tri[cfg]; t++) {
                    uint32_t *tv = (uint32_t *)tris.p + 3 * tris.n;
                    for (int k = 0; k < 3; k++) {
                        int e = tab->tri[cfg][t][k];
                        int c0 = edge_corner(e, 0), a = e >> 2;
                        size_t bx = x + (size_t)corner_coord(c0, 0);
                        size_t by = y + (size_t)corner_coord(c0, 1);
                        size_t bz = z + (size_t)corner_coord(c0, 2);
                        int32_t *slot = vid + (bz % 2) * layer + 3 * (by * pn[0] + bx) + a;
                        if (*slot < 0) {
                            if (verts.n >= INT32_MAX || !vec_reserve(&verts, 1) ||
                                !vec_reserve(&iverts, 1)) {
                                st = qib__nomem(err, NULL, "mesh vertices");
                                goto done;
                            }
                            /* doubled index in the unpadded grid */
                            int32_t iv[3] = {2 * ((int32_t)bx - 1), 2 * ((int32_t)by - 1),
                                             2 * ((int32_t)bz - 1)};
                            iv[a] += 1;
                            int32_t *pi = (int32_t *)iverts.p + 3 * iverts.n;
                            double *pv = (double *)verts.p + 3 * verts.n;
                            for (int d = 0; d < 3; d++) {
                                pi[d] = iv[d];
                                pv[d] = 0.5 * iv[d] * spacing[d];
                            }
                            *slot = (int32_t)verts.n;
                            verts.n++;
                            iverts.n++;
                        }
                        tv[k] = (uint32_t)*slot;
                    }
                    tris.n++;
                }
            }
        }
    }
    out->n_vert = verts.n;
    out->n_tri = tris.n;
    out->vert = verts.p;
    out->ivert = iverts.p;
    out->tri = tris.p;
    verts.p = iverts.p = tris.p = NULL;
done:
    free(verts.p);
    free(iverts.p);
    free(tris.p);
    free(vid);
    free(pad);
    free(tab);
    return st;
}

void qib__mesh_free(qib_mesh *m) {
    if (!m) return;
    free(m->vert);
    free(m->ivert);
    free(m->tri);
    memset(m, 0, sizeof *m);
}

/* Signed volume: each face and the mesh's first vertex (instead of the
 * origin: the sum is the same for a closed mesh, and the terms are
 * smaller) span a tetrahedron of volume a . (b x c) / 6. */
double qib__mesh_volume(const qib_mesh *m) {
    if (!m->n_tri) return 0.0;
    const double *o = m->vert;
    double sum = 0.0;
    for (size_t t = 0; t < m->n_tri; t++) {
        const double *p[3];
        for (int k = 0; k < 3; k++) p[k] = m->vert + 3 * m->tri[3 * t + k];
        double a[3], b[3], c[3];
        for (int d = 0; d < 3; d++) {
            a[d] = p[0][d] - o[d];
            b[d] = p[1][d] - o[d];
            c[d] = p[2][d] - o[d];
        }
        sum += a[0] * (b[1] * c[2] - b[2] * c[1]) + a[1] * (b[2] * c[0] - b[0] * c[2]) +
               a[2] * (b[0] * c[1] - b[1] * c[0]);
    }
    return fabs(sum) / 6.0;
}

/* Area: sum of |ab x ac| / 2 over the faces. */
double qib__mesh_area(const qib_mesh *m) {
    double sum = 0.0;
    for (size_t t = 0; t < m->n_tri; t++) {
        const double *a = m->vert + 3 * m->tri[3 * t], *b = m->vert + 3 * m->tri[3 * t + 1],
                     *c = m->vert + 3 * m->tri[3 * t + 2];
        double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
        double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2],
               z = u[0] * v[1] - u[1] * v[0];
        sum += 0.5 * sqrt(x * x + y * y + z * z);
    }
    return sum;
}
