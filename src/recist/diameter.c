/* SPDX-License-Identifier: Apache-2.0 */
/* diameter.c: RECIST 1.1 lesion diameters on a mask: the long axis (the
 * longest in-plane diameter, on the slice where it is longest) and, in that
 * slice, the short axis (the longest diameter perpendicular to it).
 *
 * RECIST 1.1 (Eisenhauer et al. 2009), section 3.1.1 and Appendix II:
 * lesions are measured by their longest diameter in the plane of
 * measurement (axial for CT), lymph nodes by their short axis, "the
 * longest diameter perpendicular to the long axis" in the same plane
 * (Schwartz et al., Eur J Cancer 2009;45:261-267). A voxel is the square
 * it covers in the plane, so a calliper measures from edge to edge. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"
#include "qib/recist.h"

/* More boundary pixels than this in one slice is not a lesion but noise;
 * the short-axis sweep would take too long. */
#define MAX_BOUNDARY ((size_t)1 << 18)

/* A corner of the pixel lattice: corner (ci, cj) is the point at index
 * (ci - 0.5, cj - 0.5), so pixel (i, j) has corners (i..i+1, j..j+1). */
typedef struct corner {
    int64_t x, y;
} corner;

static int cmp_corner(const void *a, const void *b) {
    const corner *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

/* z of (b - a) x (c - a); exact in 64-bit integers for lattice corners. */
static int64_t turn(corner a, corner b, corner c) {
    return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

/* Is pixel (i, j) of slice k inside, and does it touch the outside (a
 * 4-neighbour outside or beyond the grid)? */
static bool inside(const uint8_t *m, const size_t *dim, size_t i, size_t j, size_t k) {
    return m[(k * dim[1] + j) * dim[0] + i] != 0;
}
static bool boundary(const uint8_t *m, const size_t *dim, size_t i, size_t j, size_t k) {
    if (!inside(m, dim, i, j, k)) return false;
    if (i == 0 || j == 0 || i + 1 == dim[0] || j + 1 == dim[1]) return true;
    return !inside(m, dim, i - 1, j, k) || !inside(m, dim, i + 1, j, k) ||
           !inside(m, dim, i, j - 1, k) || !inside(m, dim, i, j + 1, k);
}

typedef struct slice_pixels {
    size_t *i, *j;  /* boundary pixels */
    size_t n, cap;
    size_t voxels;  /* all pixels inside */
} slice_pixels;

static qib_status collect(const qib_mask *msk, size_t k, slice_pixels *sp, qib_error *err) {
    const size_t *dim = qib_mask_grid(msk)->dim;
    const uint8_t *m = qib_mask_cdata(msk);
    sp->n = 0;
    sp->voxels = 0;
    for (size_t j = 0; j < dim[1]; j++)
        for (size_t i = 0; i < dim[0]; i++) {
            if (!inside(m, dim, i, j, k)) continue;
            sp->voxels++;
            if (!boundary(m, dim, i, j, k)) continue;
            QIB_FAIL_IF(sp->n == MAX_BOUNDARY, err, QIB_ERR_LIMIT, NULL, -1, "mask",
                        "slice %zu has more than %zu boundary pixels: not one lesion", k,
                        MAX_BOUNDARY);
            if (sp->n == sp->cap) {
                size_t c = sp->cap ? sp->cap * 2 : 256;
                size_t *ni = realloc(sp->i, c * sizeof *ni);
                if (!ni) return qib__nomem(err, NULL, "lesion boundary");
                sp->i = ni;
                size_t *nj = realloc(sp->j, c * sizeof *nj);
                if (!nj) return qib__nomem(err, NULL, "lesion boundary");
                sp->j = nj;
                sp->cap = c;
            }
            sp->i[sp->n] = i;
            sp->j[sp->n++] = j;
        }
    return QIB_OK;
}

/* Convex hull of points (sorted and deduplicated in place) by Andrew's
 * monotone chain (Andrew 1979); collinear points are dropped. hull must
 * hold n + 1 corners; returns the vertex count. */
static size_t convex_hull(corner *p, size_t n, corner *hull) {
    qsort(p, n, sizeof *p, cmp_corner);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || cmp_corner(&p[i], &p[u - 1])) p[u++] = p[i];
    n = u;
    if (n < 3) {
        memcpy(hull, p, n * sizeof *p);
        return n;
    }
    size_t h = 0;
    for (size_t i = 0; i < n; i++) { /* lower chain */
        while (h >= 2 && turn(hull[h - 2], hull[h - 1], p[i]) <= 0) h--;
        hull[h++] = p[i];
    }
    size_t lower = h + 1;
    for (size_t i = n - 1; i-- > 0;) { /* upper chain */
        while (h >= lower && turn(hull[h - 2], hull[h - 1], p[i]) <= 0) h--;
        hull[h++] = p[i];
    }
    return h - 1; /* the last point repeats the first */
}

/* Longest diameter of one slice: the largest distance (mm) between two
 * hull vertices, the first pair in hull order on a tie. */
static double longest(const corner *hull, size_t h, double sx, double sy, corner *a, corner *b) {
    double best = -1;
    if (h == 1) {
        *a = *b = hull[0];
        return 0;
    }
    for (size_t p = 0; p < h; p++)
        for (size_t q = p + 1; q < h; q++) {
            double dx = (double)(hull[q].x - hull[p].x) * sx, dy = (double)(hull[q].y - hull[p].y) * sy;
            double d = sqrt(dx * dx + dy * dy);
            if (d > best) {
                best = d;
                *a = hull[p];
                *b = hull[q];
            }
        }
    return best;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct pix_proj {
    double a[4], b[4]; /* corners (in order around the square) along u and along v */
    double amin, amax;
} pix_proj;

static int cmp_proj(const void *x, const void *y) {
    const pix_proj *p = x, *q = y;
    return (p->amin > q->amin) - (p->amin < q->amin);
}

/* Short axis: u is the long axis direction (mm plane), v = u rotated by 90
 * degrees. On the line {p : p.u = t} the lesion spans
 *     E(t) = max_p vmax_p(t) - min_p vmin_p(t)
 * over the pixels p the line crosses (vmax_p, vmin_p: where the line
 * leaves and enters square p). Each vmax_p is concave and each vmin_p
 * convex in t, piecewise linear with kinks at the square's corners, so E is
 * piecewise linear and its only local maxima are at corners: E is
 * evaluated at the projection t of every boundary-pixel corner (interior
 * pixels never hold the extremes). Pixels are swept in order of their
 * first projection, so a line only visits the pixels near it. */
static qib_status short_axis(const slice_pixels *sp, double sx, double sy, const double u[2],
                             double *len, double *t_best, double *lo_best, double *hi_best,
                             qib_error *err) {
    double v[2] = {-u[1], u[0]};
    size_t n = sp->n;
    pix_proj *pp = malloc(n * sizeof *pp);
    double *ts = malloc(4 * n * sizeof *ts);
    if (!pp || !ts) {
        free(pp);
        free(ts);
        return qib__nomem(err, NULL, "short axis");
    }
    static const int cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
    double width = 0; /* widest projection of a pixel on u */
    for (size_t q = 0; q < n; q++) {
        pix_proj *p = &pp[q];
        for (int c = 0; c < 4; c++) {
            double x = (double)(sp->i[q] + (size_t)cx[c]) * sx, y = (double)(sp->j[q] + (size_t)cy[c]) * sy;
            p->a[c] = x * u[0] + y * u[1];
            p->b[c] = x * v[0] + y * v[1];
            ts[4 * q + (size_t)c] = p->a[c];
        }
        p->amin = fmin(fmin(p->a[0], p->a[1]), fmin(p->a[2], p->a[3]));
        p->amax = fmax(fmax(p->a[0], p->a[1]), fmax(p->a[2], p->a[3]));
        width = fmax(width, p->amax - p->amin);
    }
    qsort(pp, n, sizeof *pp, cmp_proj);
    qsort(ts, 4 * n, sizeof *ts, cmp_double);
    double best = -1;
    size_t start = 0;
    for (size_t k = 0; k < 4 * n; k++) {
        double t = ts[k];
        if (k && t == ts[k - 1]) continue;
        while (start < n && pp[start].amin < t - 2 * width) start++;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t q = start; q < n && pp[q].amin <= t; q++) {
            const pix_proj *p = &pp[q];
            if (p->amax < t) continue;
            for (int c = 0; c < 4; c++) {
                int d = (c + 1) % 4;
                double a0 = p->a[c], a1 = p->a[d];
                if ((a0 - t) * (a1 - t) > 0) continue;
                double b;
                if (a0 == a1) {
                    lo = fmin(lo, fmin(p->b[c], p->b[d]));
                    hi = fmax(hi, fmax(p->b[c], p->b[d]));
                    continue;
                }
                b = p->b[c] + (t - a0) / (a1 - a0) * (p->b[d] - p->b[c]);
                lo = fmin(lo, b);
                hi = fmax(hi, b);
            }
        }
        if (hi >= lo && hi - lo > best) {
            best = hi - lo;
            *t_best = t;
            *lo_best = lo;
            *hi_best = hi;
        }
    }
    free(pp);
    free(ts);
    *len = best < 0 ? 0 : best;
    return QIB_OK;
}

/* Rounds to 10^-9 mm (a nanometre, far below any voxel), so that the last
 * bits of floating-point noise do not show: the 3 x 4 mm rectangle's short
 * axis prints as 3.75, not 3.7499999999999996. */
static double round_nm(double mm) { return nearbyint(mm * 1e9) / 1e9; }

/* Plane point (mm from the lattice origin corner) to LPS world. */
static void plane_to_world(const qib_grid *g, double x, double y, size_t k, double w[3]) {
    double ijk[3] = {x / g->spacing[0] - 0.5, y / g->spacing[1] - 0.5, (double)k};
    qib_grid_index_to_world(g, ijk, w);
}

qib_status qib_recist_measure(const qib_mask *m, qib_recist_diameters *out, qib_error *err) {
    QIB_FAIL_IF(!m || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "a mask and an output are needed");
    const qib_grid *g = qib_mask_grid(m);
    QIB_FAIL_IF(qib_mask_count(m) == 0, err, QIB_ERR_EMPTY_ROI, NULL, -1, "mask",
                "the lesion mask is empty");
    double sx = g->spacing[0], sy = g->spacing[1];
    slice_pixels sp = {NULL, NULL, 0, 0, 0};
    corner *pts = NULL, *hull = NULL;
    size_t cap = 0;
    qib_status st = QIB_OK;
    double best = -1;
    size_t best_k = 0;
    corner ba = {0, 0}, bb = {0, 0};
    for (size_t k = 0; k < g->dim[2] && st == QIB_OK; k++) {
        st = collect(m, k, &sp, err);
        if (st != QIB_OK || sp.n == 0) continue;
        if (4 * sp.n + 1 > cap) {
            cap = 4 * sp.n + 1;
            corner *np = realloc(pts, cap * sizeof *np), *nh = NULL;
            if (np) pts = np;
            if (np) nh = realloc(hull, cap * sizeof *nh);
            if (nh) hull = nh;
            if (!np || !nh) {
                st = qib__nomem(err, NULL, "lesion hull");
                break;
            }
        }
        for (size_t q = 0; q < sp.n; q++)
            for (int c = 0; c < 4; c++)
                pts[4 * q + (size_t)c] = (corner){(int64_t)sp.i[q] + (c & 1), (int64_t)sp.j[q] + (c >> 1)};
        size_t h = convex_hull(pts, 4 * sp.n, hull);
        corner a = {0, 0}, b = {0, 0};
        double d = longest(hull, h, sx, sy, &a, &b);
        if (d > best) {
            best = d;
            best_k = k;
            ba = a;
            bb = b;
        }
    }
    if (st == QIB_OK) st = collect(m, best_k, &sp, err);
    qib_recist_diameters r;
    memset(&r, 0, sizeof r);
    if (st == QIB_OK) {
        double ax = (double)ba.x * sx, ay = (double)ba.y * sy;
        double bx = (double)bb.x * sx, by = (double)bb.y * sy;
        double u[2] = {(bx - ax) / best, (by - ay) / best};
        double t = 0, lo = 0, hi = 0;
        st = short_axis(&sp, sx, sy, u, &r.short_axis_mm, &t, &lo, &hi, err);
        if (st == QIB_OK) {
            double v[2] = {-u[1], u[0]};
            r.short_axis_mm = round_nm(r.short_axis_mm);
            r.long_axis_mm = round_nm(best);
            r.slice = best_k;
            r.slice_voxels = sp.voxels;
            plane_to_world(g, ax, ay, best_k, r.long_end[0]);
            plane_to_world(g, bx, by, best_k, r.long_end[1]);
            plane_to_world(g, t * u[0] + lo * v[0], t * u[1] + lo * v[1], best_k, r.short_end[0]);
            plane_to_world(g, t * u[0] + hi * v[0], t * u[1] + hi * v[1], best_k, r.short_end[1]);
        }
    }
    free(sp.i);
    free(sp.j);
    free(pts);
    free(hull);
    if (st != QIB_OK) return st;
    *out = r;
    return QIB_OK;
}

const char *qib_recist_measurability(double diameter_mm, int node) {
    if (!isfinite(diameter_mm) || diameter_mm < 0) return "invalid diameter";
    if (node) {
        if (diameter_mm >= 15) return "measurable";
        if (diameter_mm >= 10) return "pathological, non-measurable";
        return "normal";
    }
    return diameter_mm >= 10 ? "measurable" : "non-measurable";
}
