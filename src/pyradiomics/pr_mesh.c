/* SPDX-License-Identifier: Apache-2.0 */
/* pr_mesh.c: PyRadiomics 3.1's marching cubes: MeshVolume and SurfaceArea
 * (radiomics/src/cshape.c, calculate_coefficients; Lorensen & Cline 1987).
 *
 * PyRadiomics walks every 2x2x2 cube of the padded mask, looks its
 * configuration up in the classic 128-entry triangle table (Bourke's, with
 * the inside corners as the set bits) and adds, per triangle, its area and
 * the signed volume a . (b x c) / 6 of the tetrahedron it spans with the
 * padded array's origin. A cube whose corner at offset (0, 1, 1) is inside
 * is looked up as its complement and its volume counted with the opposite
 * sign (the same triangles, facing the other way).
 *
 * The table is not copied here: it is derived, like src/features/mesh.c
 * derives the IBSI one, from three rules that reproduce it (checked against
 * PyRadiomics' table for all 256 configurations: the same loops with the
 * same orientation, and per configuration the same area and the same signed
 * volume):
 *   1. on each cube face the crossed edges are joined by segments oriented
 *      so the face normal crossed with the segment points away from the
 *      inside corners; on an ambiguous face (inside corners on a diagonal)
 *      each inside corner is cut off on its own (separated). The segments
 *      chain into loops that turn counter-clockwise seen from outside.
 *   2. a loop is cut into a fan of triangles from one vertex: the fan of
 *      largest area (ties: the first), except for a seven-vertex loop, which
 *      the table fans from its sharpest (60 degree) corner.
 *   3. configurations with the (0, 1, 1) corner inside take the triangles
 *      of their complement, reversed.
 * Rule 3 makes neighbouring cubes treat a shared ambiguous face differently
 * when only one of them is complemented, which leaves a hole in the mesh;
 * PyRadiomics' volume then depends on its origin, which is why it is kept. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_diameters.h"
#include "pr_mesh.h"

#define PR_MAX_TRI 12
#define PR_FLIP_CORNER 6 /* the corner at offset (i, j, k) = (0, 1, 1) */

/* Corner c of the unit cube is at (c & 1, (c >> 1) & 1, (c >> 2) & 1). */
static int corner_at(int c, int axis) { return (c >> axis) & 1; }

/* Edge e runs along axis e >> 2; the next two axes (cyclically) take bits 0
 * and 1 of e & 3. Returns the corner at its low (end 0) or high end. */
static int edge_corner(int e, int end) {
    int a = e >> 2, r = e & 3;
    return (end << a) | ((r & 1) << ((a + 1) % 3)) | (((r >> 1) & 1) << ((a + 2) % 3));
}

/* Doubled coordinates of the midpoint of edge e (0, 1 or 2 per axis). */
static void edge_mid2(int e, int m[3]) {
    int c0 = edge_corner(e, 0), c1 = edge_corner(e, 1);
    for (int a = 0; a < 3; a++) m[a] = corner_at(c0, a) + corner_at(c1, a);
}

typedef struct pr_case {
    int n_tri;
    uint8_t tri[PR_MAX_TRI][3]; /* edge ids, counter-clockwise seen from outside */
} pr_case;

/* Orients the segment between edges p and q on a face with outward normal
 * n so that n x (q - p) points away from the inside corner `in`, and
 * records it as next[p] = q (or next[q] = p). */
static void link_segment(int p, int q, const int n[3], int in, int next[12]) {
    int mp[3], mq[3];
    edge_mid2(p, mp);
    edge_mid2(q, mq);
    int d[3] = {mq[0] - mp[0], mq[1] - mp[1], mq[2] - mp[2]};
    int t[3] = {n[1] * d[2] - n[2] * d[1], n[2] * d[0] - n[0] * d[2], n[0] * d[1] - n[1] * d[0]};
    int s = 0;
    for (int a = 0; a < 3; a++) s += t[a] * (2 * corner_at(in, a) - mp[a]);
    if (s < 0)
        next[p] = q;
    else
        next[q] = p;
}

/* Rule 1 on one face (axis, side) of configuration cfg. */
static void face_segments(int cfg, int axis, int side, int next[12]) {
    int n[3] = {0, 0, 0};
    n[axis] = side ? 1 : -1;
    int edges[4], ne = 0, cross[4], nc = 0;
    for (int e = 0; e < 12; e++)
        if ((e >> 2) != axis && corner_at(edge_corner(e, 0), axis) == side) edges[ne++] = e;
    for (int i = 0; i < 4; i++)
        if (((cfg >> edge_corner(edges[i], 0)) & 1) != ((cfg >> edge_corner(edges[i], 1)) & 1))
            cross[nc++] = edges[i];
    for (int c = 0; c < 8; c++) {
        if (corner_at(c, axis) != side || !((cfg >> c) & 1)) continue;
        if (nc == 2) { /* one segment; any inside corner of the face orients it */
            link_segment(cross[0], cross[1], n, c, next);
            return;
        }
        if (nc == 4) { /* ambiguous face: cut this inside corner off */
            int pair[2], np = 0;
            for (int i = 0; i < 4; i++)
                if (edge_corner(edges[i], 0) == c || edge_corner(edges[i], 1) == c)
                    pair[np++] = edges[i];
            link_segment(pair[0], pair[1], n, c, next);
        }
    }
}

/* Twice the area of the fan of `loop` from vertex `s` (cube units). */
static double fan_area(const int *loop, int len, int s) {
    double a = 0;
    int p0[3];
    edge_mid2(loop[s], p0);
    for (int i = 1; i + 1 < len; i++) {
        int p1[3], p2[3];
        edge_mid2(loop[(s + i) % len], p1);
        edge_mid2(loop[(s + i + 1) % len], p2);
        double u[3], v[3];
        for (int d = 0; d < 3; d++) u[d] = p1[d] - p0[d], v[d] = p2[d] - p0[d];
        double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2],
               z = u[0] * v[1] - u[1] * v[0];
        a += sqrt(x * x + y * y + z * z);
    }
    return a;
}

/* Cosine of the loop's corner angle at vertex s. */
static double corner_cos(const int *loop, int len, int s) {
    int p[3], a[3], b[3];
    edge_mid2(loop[s], p);
    edge_mid2(loop[(s + len - 1) % len], a);
    edge_mid2(loop[(s + 1) % len], b);
    double uu = 0, ww = 0, uw = 0;
    for (int d = 0; d < 3; d++) {
        double u = a[d] - p[d], w = b[d] - p[d];
        uu += u * u, ww += w * w, uw += u * w;
    }
    return uw / sqrt(uu * ww);
}

/* Rule 2: the vertex the loop is fanned from. */
static int fan_start(const int *loop, int len) {
    int best = 0;
    if (len == 7) {
        for (int s = 1; s < len; s++)
            if (corner_cos(loop, len, s) > corner_cos(loop, len, best) + 1e-9) best = s;
        return best;
    }
    double ba = fan_area(loop, len, 0);
    for (int s = 1; s < len; s++) {
        double a = fan_area(loop, len, s);
        if (a > ba + 1e-9) best = s, ba = a;
    }
    return best;
}

/* Rules 1 and 2 for a configuration (bit c set: corner c inside). */
static void derive_case(int cfg, pr_case *out) {
    int next[12];
    for (int e = 0; e < 12; e++) next[e] = -1;
    for (int f = 0; f < 6; f++) face_segments(cfg, f >> 1, f & 1, next);
    int used[12] = {0};
    out->n_tri = 0;
    for (int e = 0; e < 12; e++) {
        if (next[e] < 0 || used[e]) continue;
        int loop[12], len = 0;
        for (int v = e; !used[v] && len < 12; v = next[v]) {
            used[v] = 1;
            loop[len++] = v;
        }
        int s = fan_start(loop, len);
        for (int i = 1; i + 1 < len && out->n_tri < PR_MAX_TRI; i++) {
            uint8_t *t = out->tri[out->n_tri++];
            t[0] = (uint8_t)loop[s];
            t[1] = (uint8_t)loop[(s + i) % len];
            t[2] = (uint8_t)loop[(s + i + 1) % len];
        }
    }
}

/* Per configuration, with the spacing applied: the triangles' total area,
 * and the two parts of their volume term. With a cube at P (mm) and a
 * triangle a = P + a', b = P + b', c = P + c',
 *   a . (b x c) = P . ((b' - a') x (c' - a')) + a' . (b' x c'),
 * so summing sn = sum (b' - a') x (c' - a') and t = sum a' . (b' x c') per
 * configuration makes each cube O(1). */
typedef struct pr_geom {
    double area[256];
    double sn[256][3];
    double t[256];
} pr_geom;

static void geom_build(const double sp[3], pr_geom *g) {
    pr_case base[256]; /* rules 1 and 2, for the configurations that keep their sign */
    for (int cfg = 0; cfg < 256; cfg++)
        if (!((cfg >> PR_FLIP_CORNER) & 1)) derive_case(cfg, &base[cfg]);
    for (int cfg = 0; cfg < 256; cfg++) {
        bool flip = (cfg >> PR_FLIP_CORNER) & 1; /* rule 3 */
        const pr_case *bc = &base[flip ? (~cfg & 0xff) : cfg];
        double area = 0, sn[3] = {0, 0, 0}, t = 0;
        for (int k = 0; k < bc->n_tri; k++) {
            double v[3][3];
            for (int q = 0; q < 3; q++) {
                int m[3];
                edge_mid2(bc->tri[k][flip ? 2 - q : q], m);
                for (int d = 0; d < 3; d++) v[q][d] = 0.5 * m[d] * sp[d];
            }
            double u[3], w[3];
            for (int d = 0; d < 3; d++) u[d] = v[1][d] - v[0][d], w[d] = v[2][d] - v[0][d];
            double n[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2],
                           u[0] * w[1] - u[1] * w[0]};
            area += 0.5 * sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            for (int d = 0; d < 3; d++) sn[d] += n[d];
            t += v[0][0] * (v[1][1] * v[2][2] - v[1][2] * v[2][1]) +
                 v[0][1] * (v[1][2] * v[2][0] - v[1][0] * v[2][2]) +
                 v[0][2] * (v[1][0] * v[2][1] - v[1][1] * v[2][0]);
        }
        g->area[cfg] = area;
        for (int d = 0; d < 3; d++) g->sn[cfg][d] = sn[d];
        g->t[cfg] = t;
    }
}

/* Area and volume over the cubes of the padded mask that hold a voxel
 * inside (the others have configuration 0). A cube's configuration has bit
 * dx + 2 dy + 4 dz for its corner at offset (dx, dy, dz). */
static void cube_pass(const qib_pr_padded *p, const double sp[3], const pr_geom *g,
                      double *area, double *volume) {
    double a = 0, v6 = 0;
    const size_t *q = p->q, row = q[0], slab = q[0] * q[1];
    for (size_t z = 0; z + 1 < q[2]; z++)
        for (size_t y = 0; y + 1 < q[1]; y++) {
            size_t r[4] = {z * q[1] + y, z * q[1] + y + 1, (z + 1) * q[1] + y,
                           (z + 1) * q[1] + y + 1};
            size_t lo = SIZE_MAX, hi = 0;
            for (int t = 0; t < 4; t++)
                if (p->first[r[t]] <= p->last[r[t]]) {
                    if (p->first[r[t]] < lo) lo = p->first[r[t]];
                    if (p->last[r[t]] > hi) hi = p->last[r[t]];
                }
            if (lo > hi) continue; /* no voxel inside in these four rows */
            const uint8_t *r00 = p->b + z * slab + y * row, *r10 = r00 + row,
                          *r01 = r00 + slab, *r11 = r01 + row;
            unsigned left = 0; /* column lo - 1 is outside in all four rows */
            double py = (double)y * sp[1], pz = (double)z * sp[2];
            for (size_t x = lo - 1; x <= hi; x++) {
                unsigned right =
                    r00[x + 1] | (r10[x + 1] << 2) | (r01[x + 1] << 4) | (r11[x + 1] << 6);
                unsigned cfg = left | (right << 1);
                left = right;
                if (cfg == 0 || cfg == 255) continue;
                a += g->area[cfg];
                v6 += (double)x * sp[0] * g->sn[cfg][0] + py * g->sn[cfg][1] +
                      pz * g->sn[cfg][2] + g->t[cfg];
            }
        }
    *area = a;
    *volume = v6 / 6.0;
}

qib_status qib__pr_mesh_measure(const uint8_t *mask, const size_t dim[3], size_t row, size_t slab,
                                const double spacing[3], qib_pr_mesh_measures *out,
                                qib_error *err) {
    memset(out, 0, sizeof *out);
    size_t q[3], nq = 1;
    for (int a = 0; a < 3; a++) {
        QIB_FAIL_IF(dim[a] > ((size_t)1 << 18), err, QIB_ERR_LIMIT, NULL, -1, "shape",
                    "region of %zu voxels along axis %d exceeds the mesh limit 262144", dim[a],
                    a);
        q[a] = dim[a] + 2;
        if (!qib__mul_ok(nq, q[a], &nq))
            return qib__fail(err, QIB_ERR_LIMIT, NULL, -1, "shape", "region too large");
    }
    size_t nrows = q[1] * q[2];
    uint8_t *b = calloc(nq, 1);
    size_t *first = malloc(nrows * sizeof *first), *last = malloc(nrows * sizeof *last);
    pr_geom *g = malloc(sizeof *g);
    qib_status st = QIB_OK;
    if (!b || !first || !last || !g) {
        st = qib__nomem(err, NULL, "PyRadiomics shape mesh");
        goto done;
    }
    for (size_t r = 0; r < nrows; r++) first[r] = q[0], last[r] = 0;
    for (size_t k = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++) {
            const uint8_t *src = mask + j * row + k * slab;
            size_t r = (k + 1) * q[1] + j + 1;
            uint8_t *dst = b + r * q[0] + 1;
            memcpy(dst, src, dim[0]);
            const uint8_t *f = memchr(src, 1, dim[0]);
            if (!f) continue;
            size_t l = dim[0] - 1;
            while (!src[l]) l--;
            first[r] = (size_t)(f - src) + 1;
            last[r] = l + 1;
        }
    qib_pr_padded p = {b, {q[0], q[1], q[2]}, first, last};
    geom_build(spacing, g);
    cube_pass(&p, spacing, g, &out->area, &out->volume);
    st = qib__pr_diameters(&p, spacing, out, err);
done:
    free(b);
    free(first);
    free(last);
    free(g);
    return st;
}
