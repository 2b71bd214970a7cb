/* SPDX-License-Identifier: Apache-2.0 */
/* shape_fit.c: shapes fitted around a region, for the morphology family:
 * principal axes (symmetric 3x3 eigen-decomposition), the ellipsoid surface
 * series of IBSI 1, the minimum-volume enclosing ellipsoid and an oriented
 * minimum bounding box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh.h"

#define PI 3.14159265358979323846

/* Cyclic Jacobi rotations until the off-diagonal part vanishes (converges
 * quadratically; 3x3 needs a handful of sweeps). */
void qib__sym3_eigen(const double a_in[9], double w[3], double v[9]) {
    double a[9];
    memcpy(a, a_in, sizeof a);
    for (int i = 0; i < 9; i++) v[i] = (i % 4 == 0) ? 1.0 : 0.0;
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = fabs(a[1]) + fabs(a[2]) + fabs(a[5]);
        double scale = fabs(a[0]) + fabs(a[4]) + fabs(a[8]);
        if (off == 0.0 || off <= 1e-300 + 1e-17 * scale) break;
        for (int p = 0; p < 2; p++)
            for (int q = p + 1; q < 3; q++) {
                double apq = a[3 * p + q];
                if (apq == 0.0) continue;
                double theta = (a[3 * q + q] - a[3 * p + p]) / (2.0 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                /* A <- J^T A J with J the rotation in the (p, q) plane */
                for (int k = 0; k < 3; k++) {
                    double akp = a[3 * k + p], akq = a[3 * k + q];
                    a[3 * k + p] = c * akp - s * akq;
                    a[3 * k + q] = s * akp + c * akq;
                }
                for (int k = 0; k < 3; k++) {
                    double apk = a[3 * p + k], aqk = a[3 * q + k];
                    a[3 * p + k] = c * apk - s * aqk;
                    a[3 * q + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < 3; k++) {
                    double vkp = v[3 * k + p], vkq = v[3 * k + q];
                    v[3 * k + p] = c * vkp - s * vkq;
                    v[3 * k + q] = s * vkp + c * vkq;
                }
            }
    }
    double d[3] = {a[0], a[4], a[8]};
    int ord[3] = {0, 1, 2};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (d[ord[j]] > d[ord[i]]) {
                int t = ord[i];
                ord[i] = ord[j];
                ord[j] = t;
            }
    double vv[9];
    memcpy(vv, v, sizeof vv);
    for (int i = 0; i < 3; i++) {
        w[i] = d[ord[i]];
        for (int k = 0; k < 3; k++) v[3 * k + i] = vv[3 * k + ord[i]];
    }
}

/* The series with Q_nu = (alpha beta)^nu P_nu(x), x = (alpha^2 + beta^2) /
 * (2 alpha beta), from Legendre's recurrence multiplied through by
 * (alpha beta)^(nu + 1): (nu + 1) Q_{nu+1} = (2 nu + 1) t Q_nu - nu s^2
 * Q_{nu-1}, s = alpha beta, t = (alpha^2 + beta^2) / 2. It needs no division
 * by alpha beta, so a sphere or a spheroid (alpha or beta 0) is fine. */
double qib__ellipsoid_area(double a, double b, double c) {
    if (!(a > 0) || !(b > 0) || !(c > 0)) return NAN;
    double al = sqrt(fmax(0.0, 1.0 - (b * b) / (a * a)));
    double be = sqrt(fmax(0.0, 1.0 - (c * c) / (a * a)));
    double s = al * be, t = 0.5 * (al * al + be * be);
    double q_prev = 1.0, q = t, sum = 1.0; /* nu = 0 term: 1 / (1 - 0) */
    for (int nu = 1; nu <= 20; nu++) {
        sum += q / (1.0 - 4.0 * nu * nu);
        double q_next = ((2.0 * nu + 1.0) * t * q - nu * s * s * q_prev) / (nu + 1.0);
        q_prev = q;
        q = q_next;
    }
    return 4.0 * PI * a * b * sum;
}

/* Inverse of a symmetric positive definite 4x4 matrix by Gauss-Jordan with
 * partial pivoting; 0 if singular. */
static int inv4(const double m_in[16], double inv[16]) {
    double m[16];
    memcpy(m, m_in, sizeof m);
    for (int i = 0; i < 16; i++) inv[i] = (i % 5 == 0) ? 1.0 : 0.0;
    for (int c = 0; c < 4; c++) {
        int piv = c;
        for (int r = c + 1; r < 4; r++)
            if (fabs(m[4 * r + c]) > fabs(m[4 * piv + c])) piv = r;
        if (m[4 * piv + c] == 0.0) return 0;
        if (piv != c)
            for (int k = 0; k < 4; k++) {
                double t = m[4 * c + k];
                m[4 * c + k] = m[4 * piv + k];
                m[4 * piv + k] = t;
                t = inv[4 * c + k];
                inv[4 * c + k] = inv[4 * piv + k];
                inv[4 * piv + k] = t;
            }
        double d = m[4 * c + c];
        for (int k = 0; k < 4; k++) m[4 * c + k] /= d, inv[4 * c + k] /= d;
        for (int r = 0; r < 4; r++) {
            if (r == c) continue;
            double f = m[4 * r + c];
            for (int k = 0; k < 4; k++) {
                m[4 * r + k] -= f * m[4 * c + k];
                inv[4 * r + k] -= f * inv[4 * c + k];
            }
        }
    }
    return 1;
}

/* ---- minimum-volume enclosing ellipsoid ----
 *
 * With q_i = (p_i - centre of the points, 1) in R^4 and weights u on the
 * simplex, X(u) = sum_i u_i q_i q_i^T, the MVEE of the p_i comes from the
 * u maximising log det X(u) (Khachiyan 1996): centre c = sum u_i p_i,
 * shape matrix S = sum u_i (p_i - c)(p_i - c)^T, semi-axes sqrt(3 eig(S)).
 * u is optimal when g_i = q_i^T X^-1 q_i <= 4 for every point, with
 * equality where u_i > 0 (the few points the ellipsoid touches).
 *   1. Todd & Yildirim's Khachiyan algorithm with away steps (2007) brings u
 *      within a relative tolerance (1e-3, then tighter if needed) and drops
 *      most points' weights to exactly 0; X^-1 and g follow each step by
 *      the Sherman-Morrison formula (recomputed every 64 steps).
 *   2. Newton's method on the points left (the support, at most 10: beyond
 *      that X(u) does not determine u) solves g_i = 4 there to rounding
 *      (quadratic convergence, a handful of steps); a weight that would turn
 *      negative is dropped.
 *   3. The result stands when every point has g_i <= 4 (1 + 1e-12);
 *      otherwise step 1 resumes with a tolerance ten times smaller.
 * The semi-axes are then exact to ~1e-14 relative, whichever of the points
 * inside the ellipsoid are passed in. (Khachiyan's plain iteration, stopped
 * at a step of 1e-6, leaves errors of order 1e-4 in the areas.) */

#define MVEE_D 4.0 /* dimension + 1 */

/* X^-1 and g for the weights u (from scratch). */
static int mvee_full(const double *q, const double *u, size_t n, double xi[16], double *g) {
    double x[16] = {0};
    for (size_t i = 0; i < n; i++)
        if (u[i] > 0)
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++) x[4 * r + c] += u[i] * q[4 * i + r] * q[4 * i + c];
    if (!inv4(x, xi)) return 0;
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) t += q[4 * i + r] * xi[4 * r + c] * q[4 * i + c];
        g[i] = t;
    }
    return 1;
}

/* Step 1: Khachiyan steps towards the point with the largest g_i (weight
 * moved onto it) and away steps from the weighted point with the smallest
 * (weight moved off it, possibly all of it), until both are within eps of
 * optimality. Returns 0 if X becomes singular. */
static int mvee_wa(const double *q, size_t n, double *u, double xi[16], double *g, double eps) {
    for (int it = 0; it < 200000; it++) {
        size_t j = 0, k = 0;
        double gmax = -HUGE_VAL, gmin = HUGE_VAL;
        for (size_t i = 0; i < n; i++) {
            if (g[i] > gmax) gmax = g[i], j = i;
            if (u[i] > 0 && g[i] < gmin) gmin = g[i], k = i;
        }
        double up = gmax / MVEE_D - 1.0, down = 1.0 - gmin / MVEE_D;
        if (up <= eps && down <= eps) return 1;
        bool away = down > up;
        size_t m = away ? k : j;
        double gm = away ? gmin : gmax, tau, sgn = away ? -1.0 : 1.0;
        bool drop = false;
        if (!away) {
            tau = (gmax - MVEE_D) / (MVEE_D * (gmax - 1.0));
        } else {
            tau = (MVEE_D - gmin) / (MVEE_D * (gmin - 1.0));
            double most = u[k] / (1.0 - u[k]);
            if (!(tau < most)) tau = most, drop = true;
        }
        /* X' = (1 - s tau) X + s tau q_m q_m^T, s = +1 (towards) or -1 (away):
         * X'^-1 = (X^-1 - f v v^T) / (1 - s tau), v = X^-1 q_m,
         * f = s tau / (1 - s tau + s tau g_m) */
        double v[4];
        for (int r = 0; r < 4; r++) {
            v[r] = 0;
            for (int c = 0; c < 4; c++) v[r] += xi[4 * r + c] * q[4 * m + c];
        }
        double st = sgn * tau, den = 1.0 - st + st * gm;
        if (!(fabs(den) > 0) || !(1.0 - st > 0)) return 0;
        double f = st / den, sc = 1.0 / (1.0 - st);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) xi[4 * r + c] = sc * (xi[4 * r + c] - f * v[r] * v[c]);
        for (size_t i = 0; i < n; i++) {
            const double *qi = q + 4 * i;
            double t = qi[0] * v[0] + qi[1] * v[1] + qi[2] * v[2] + qi[3] * v[3];
            g[i] = sc * (g[i] - f * t * t);
            u[i] *= 1.0 - st;
        }
        u[m] += st;
        if (drop) u[m] = 0.0;
        if (it % 64 == 63 && !mvee_full(q, u, n, xi, g)) return 0;
    }
    return 1;
}

/* Cholesky solve of the s x s positive definite a (overwritten) for nrhs
 * right-hand sides stored one after another in b; 0 if not positive. */
static int chol_solve(double *a, size_t s, double *b, int nrhs) {
    for (size_t j = 0; j < s; j++) {
        double d = a[j * s + j];
        for (size_t k = 0; k < j; k++) d -= a[j * s + k] * a[j * s + k];
        if (!(d > 1e-300)) return 0;
        d = sqrt(d);
        a[j * s + j] = d;
        for (size_t i = j + 1; i < s; i++) {
            double t = a[i * s + j];
            for (size_t k = 0; k < j; k++) t -= a[i * s + k] * a[j * s + k];
            a[i * s + j] = t / d;
        }
    }
    for (int r = 0; r < nrhs; r++) {
        double *y = b + (size_t)r * s;
        for (size_t i = 0; i < s; i++) {
            double t = y[i];
            for (size_t k = 0; k < i; k++) t -= a[i * s + k] * y[k];
            y[i] = t / a[i * s + i];
        }
        for (size_t i = s; i-- > 0;) {
            double t = y[i];
            for (size_t k = i + 1; k < s; k++) t -= a[k * s + i] * y[k];
            y[i] = t / a[i * s + i];
        }
    }
    return 1;
}

#define MVEE_MAX_SUPPORT 10

/* Step 2: Newton's method for max log det X(u) over the weighted points
 * with sum u = 1. Gradient g_i, Hessian -G_ij^2 (G_ij = q_i^T X^-1 q_j):
 * the step is P^-1 (g - lambda 1) with P_ij = G_ij^2 and lambda such that
 * the weights still sum to 1. Returns 0 (u then unusable) when the support
 * is too large or P is singular. */
static int mvee_newton(const double *q, size_t n, double *u, double xi[16], double *g) {
    size_t sup[MVEE_MAX_SUPPORT], s = 0;
    for (size_t i = 0; i < n; i++)
        if (u[i] > 0) {
            if (s == MVEE_MAX_SUPPORT) return 0;
            sup[s++] = i;
        }
    for (int it = 0; it < 30; it++) {
        if (!mvee_full(q, u, n, xi, g)) return 0;
        double gm[MVEE_MAX_SUPPORT * MVEE_MAX_SUPPORT], p[MVEE_MAX_SUPPORT * MVEE_MAX_SUPPORT];
        double rhs[2 * MVEE_MAX_SUPPORT], step[MVEE_MAX_SUPPORT];
        for (size_t a = 0; a < s; a++) {
            double v[4];
            for (int r = 0; r < 4; r++) {
                v[r] = 0;
                for (int c = 0; c < 4; c++) v[r] += xi[4 * r + c] * q[4 * sup[a] + c];
            }
            for (size_t b = 0; b < s; b++) {
                const double *qb = q + 4 * sup[b];
                gm[a * s + b] = qb[0] * v[0] + qb[1] * v[1] + qb[2] * v[2] + qb[3] * v[3];
            }
        }
        for (size_t a = 0; a < s * s; a++) p[a] = gm[a] * gm[a];
        for (size_t a = 0; a < s; a++) rhs[a] = g[sup[a]], rhs[s + a] = 1.0;
        if (!chol_solve(p, s, rhs, 2)) return 0;
        double num = 0, den = 0;
        for (size_t a = 0; a < s; a++) num += rhs[a], den += rhs[s + a];
        double lambda = num / den, big = 0, alpha = 1.0;
        size_t hit = s;
        for (size_t a = 0; a < s; a++) {
            step[a] = rhs[a] - lambda * rhs[s + a];
            if (fabs(step[a]) > big) big = fabs(step[a]);
            if (u[sup[a]] + step[a] < 0 && -u[sup[a]] / step[a] < alpha)
                alpha = -u[sup[a]] / step[a], hit = a;
        }
        for (size_t a = 0; a < s; a++) u[sup[a]] += alpha * step[a];
        if (hit < s) { /* that weight reaches 0: drop the point */
            u[sup[hit]] = 0.0;
            sup[hit] = sup[--s];
            if (s < 4) return 0;
            continue;
        }
        if (big < 1e-13) return mvee_full(q, u, n, xi, g);
    }
    return 0;
}

int qib__mvee(const double *pts, size_t n, double axes[3]) {
    if (n < 4) return 0;
    double *q = malloc(4 * n * sizeof *q), *u = malloc(n * sizeof *u);
    double *g = malloc(n * sizeof *g), *keep = malloc(n * sizeof *keep);
    int ok = 0;
    if (!q || !u || !g || !keep) goto out;
    /* centre the points for conditioning */
    double ctr[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 3; d++) ctr[d] += pts[3 * i + d] / (double)n;
    for (size_t i = 0; i < n; i++) {
        for (int d = 0; d < 3; d++) q[4 * i + d] = pts[3 * i + d] - ctr[d];
        q[4 * i + 3] = 1.0;
        u[i] = 1.0 / (double)n;
    }
    double xi[16];
    if (!mvee_full(q, u, n, xi, g)) goto out; /* a flat set */
    double eps = 1e-3;
    for (int round = 0; round < 8; round++, eps *= 0.1) {
        if (!mvee_wa(q, n, u, xi, g, eps)) goto out;
        memcpy(keep, u, n * sizeof *u);
        if (mvee_newton(q, n, u, xi, g)) {
            double gmax = 0;
            for (size_t i = 0; i < n; i++) gmax = g[i] > gmax ? g[i] : gmax;
            if (gmax <= MVEE_D * (1.0 + 1e-12)) break;
        }
        /* not there yet: back to step 1 from its own weights */
        memcpy(u, keep, n * sizeof *u);
        if (!mvee_full(q, u, n, xi, g)) goto out;
    }
    double c[3] = {0, 0, 0}, sm[9] = {0};
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++) c[r] += u[i] * q[4 * i + r];
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++) sm[3 * r + k] += u[i] * q[4 * i + r] * q[4 * i + k];
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++) sm[3 * r + k] -= c[r] * c[k];
    /* A^-1 = 3 S: the semi-axes are sqrt(3 * eigenvalues of S) */
    double w[3], v[9];
    qib__sym3_eigen(sm, w, v);
    if (!(w[2] > 0)) goto out;
    for (int k = 0; k < 3; k++) axes[k] = sqrt(3.0 * w[k]);
    ok = 1;
out:
    free(q);
    free(u);
    free(g);
    free(keep);
    return ok;
}

/* ---- oriented bounding box ---- */

/* Is 2D point a before b (x, then y)? */
static inline bool pt2_before(const double *a, const double *b) {
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

/* Sorts n 2D points (2 * n doubles) by x, then y: bottom-up merge sort
 * through tmp (2 * n doubles), inline comparisons. Points that compare
 * equal are equal, so any correct sort gives the same array. */
static void sort_pt2(double *p, size_t n, double *tmp) {
    double *src = p, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                const double *q =
                    pt2_before(src + 2 * b, src + 2 * a) ? src + 2 * b++ : src + 2 * a++;
                dst[2 * o] = q[0], dst[2 * o + 1] = q[1], o++;
            }
            for (; a < mid; a++, o++) dst[2 * o] = src[2 * a], dst[2 * o + 1] = src[2 * a + 1];
            for (; b < hi; b++, o++) dst[2 * o] = src[2 * b], dst[2 * o + 1] = src[2 * b + 1];
        }
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != p) memcpy(p, src, 2 * n * sizeof *p);
}

static double cross2(const double *o, const double *a, const double *b) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/* Minimum-area enclosing rectangle of 2D points (2 * n, sorted in place):
 * Andrew's monotone chain hull, then for each hull edge the extents along
 * the edge and across it (the optimal rectangle has a side on a hull edge,
 * Freeman & Shapira 1975). Writes the sides; returns the area. */
static double min_rect(double *p, size_t n, double *hull, double side[2]) {
    sort_pt2(p, n, hull); /* hull (2 (n + 1) doubles) is free until the chain */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k >= 2 && cross2(hull + 2 * (k - 2), hull + 2 * (k - 1), p + 2 * i) <= 0) k--;
        hull[2 * k] = p[2 * i], hull[2 * k + 1] = p[2 * i + 1], k++;
    }
    for (size_t i = n - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross2(hull + 2 * (k - 2), hull + 2 * (k - 1), p + 2 * i) <= 0) k--;
        hull[2 * k] = p[2 * i], hull[2 * k + 1] = p[2 * i + 1], k++;
    }
    if (k > 1) k--; /* last point repeats the first */
    double best = HUGE_VAL;
    side[0] = side[1] = 0;
    for (size_t e = 0; e < k; e++) {
        const double *a = hull + 2 * e, *b = hull + 2 * ((e + 1) % k);
        double dx = b[0] - a[0], dy = b[1] - a[1], len = sqrt(dx * dx + dy * dy);
        if (len == 0) continue;
        dx /= len, dy /= len;
        double lo0 = HUGE_VAL, hi0 = -HUGE_VAL, lo1 = HUGE_VAL, hi1 = -HUGE_VAL;
        for (size_t i = 0; i < k; i++) {
            double s = hull[2 * i] * dx + hull[2 * i + 1] * dy;
            double t = -hull[2 * i] * dy + hull[2 * i + 1] * dx;
            /* plain comparisons (fmin/fmax are library calls here); the
             * values are finite, and a -0 for +0 changes no extent */
            lo0 = s < lo0 ? s : lo0, hi0 = s > hi0 ? s : hi0;
            lo1 = t < lo1 ? t : lo1, hi1 = t > hi1 ? t : hi1;
        }
        double area = (hi0 - lo0) * (hi1 - lo1);
        if (area < best) best = area, side[0] = hi0 - lo0, side[1] = hi1 - lo1;
    }
    return best;
}

/* What box_for_normal needs from the hull: its vertices (mm), its faces
 * as triples of vertex numbers, each face's normal in index units, and
 * per-vertex scratch. */
typedef struct ombb_hull {
    const double *pts; /* 3 * n */
    size_t n, nf;
    const uint32_t *ft; /* 3 * nf: vertex numbers 0..n-1 */
    const double *fn;   /* 3 * nf: (b - a) x (c - a) of the doubled indices (exact) */
    double sp[3];       /* spacing */
    uint8_t *side;      /* n: bit 0 a face at or in front of, bit 1 at or behind */
    double *buf, *hbuf; /* 2 n and 2 (n + 1) */
} ombb_hull;

/* Box with one axis along unit normal nrm: extent along it times the
 * minimum rectangle in the plane. The rectangle needs the 2D convex hull
 * of the vertices projected on the plane, which is the projection of the
 * hull's silhouette: a vertex all of whose faces face strictly forward
 * (or strictly backward) along nrm projects inside it and is left out of
 * the 2D hull's input, which leaves that hull (and every value) as it is
 * while sorting a few vertices per slice instead of all of them. A face's
 * side is the sign of its millimetre normal (index normal / spacing) dot
 * nrm; a dot product within rounding of 0 counts as both sides. */
static double box_for_normal(const ombb_hull *h, const double nrm[3], double sides[3]) {
    double u[3], v[3];
    /* any unit vector orthogonal to nrm, then the third by a cross product */
    if (fabs(nrm[0]) < 0.9)
        u[0] = 0, u[1] = -nrm[2], u[2] = nrm[1];
    else
        u[0] = nrm[2], u[1] = 0, u[2] = -nrm[0];
    double l = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    for (int d = 0; d < 3; d++) u[d] /= l;
    v[0] = nrm[1] * u[2] - nrm[2] * u[1];
    v[1] = nrm[2] * u[0] - nrm[0] * u[2];
    v[2] = nrm[0] * u[1] - nrm[1] * u[0];
    double ns[3] = {nrm[0] / h->sp[0], nrm[1] / h->sp[1], nrm[2] / h->sp[2]};
    memset(h->side, 0, h->n);
    for (size_t f = 0; f < h->nf; f++) {
        const double *k = h->fn + 3 * f;
        double t0 = k[0] * ns[0], t1 = k[1] * ns[1], t2 = k[2] * ns[2];
        double dot = t0 + t1 + t2, tol = 1e-9 * (fabs(t0) + fabs(t1) + fabs(t2));
        uint8_t bits = dot > tol ? 1 : dot < -tol ? 2 : 3;
        for (int c = 0; c < 3; c++) h->side[h->ft[3 * f + c]] |= bits;
    }
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t m = 0;
    for (size_t i = 0; i < h->n; i++) {
        const double *p = h->pts + 3 * i;
        double e = p[0] * nrm[0] + p[1] * nrm[1] + p[2] * nrm[2];
        lo = e < lo ? e : lo, hi = e > hi ? e : hi;
    }
    for (int all = 0; all < 2 && m < 3; all++) { /* all: never needed for a 3D hull */
        m = 0;
        for (size_t i = 0; i < h->n; i++) {
            const double *p = h->pts + 3 * i;
            if (!all && h->side[i] != 3) continue;
            h->buf[2 * m] = p[0] * u[0] + p[1] * u[1] + p[2] * u[2];
            h->buf[2 * m + 1] = p[0] * v[0] + p[1] * v[1] + p[2] * v[2];
            m++;
        }
    }
    double side[2];
    double area = min_rect(h->buf, m, h->hbuf, side);
    sides[0] = hi - lo, sides[1] = side[0], sides[2] = side[1];
    return area * (hi - lo);
}

typedef struct {
    int64_t k[3];
} inorm;

static int inorm_cmp(const void *pa, const void *pb) {
    const inorm *a = pa, *b = pb;
    for (int d = 0; d < 3; d++)
        if (a->k[d] != b->k[d]) return a->k[d] < b->k[d] ? -1 : 1;
    return 0;
}

static int64_t gcd64(int64_t a, int64_t b) {
    a = a < 0 ? -a : a, b = b < 0 ? -b : b;
    while (b) {
        int64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

int qib__ombb(const qib_mesh *m, const qib_hull *hull, const double spacing[3],
              const double pca[9], double sides[3]) {
    if (hull->degenerate || hull->n_vert < 4) return 0;
    size_t n = hull->n_vert, nf = hull->n_tri;
    inorm *nr = malloc(nf * sizeof *nr);
    double *pts = malloc(3 * n * sizeof *pts), *fn = malloc(3 * nf * sizeof *fn);
    double *buf = malloc(2 * n * sizeof *buf), *hbuf = malloc(2 * (n + 1) * sizeof *hbuf);
    uint32_t *ft = malloc(3 * nf * sizeof *ft);
    int32_t *num = malloc((m->n_vert ? m->n_vert : 1) * sizeof *num);
    uint8_t *side = malloc(n);
    int ok = 0;
    if (!nr || !pts || !fn || !buf || !hbuf || !ft || !num || !side) goto out;
    for (size_t i = 0; i < n; i++) {
        memcpy(pts + 3 * i, m->vert + 3 * hull->vert[i], 3 * sizeof *pts);
        num[hull->vert[i]] = (int32_t)i;
    }
    /* distinct face normal directions, exact from the integer points and
     * reduced by their gcd (n and -n give the same box) */
    size_t nn = 0;
    for (size_t f = 0; f < nf; f++) {
        const int32_t *a = m->ivert + 3 * hull->tri[3 * f];
        const int32_t *b = m->ivert + 3 * hull->tri[3 * f + 1];
        const int32_t *c = m->ivert + 3 * hull->tri[3 * f + 2];
        int64_t u[3] = {(int64_t)b[0] - a[0], (int64_t)b[1] - a[1], (int64_t)b[2] - a[2]};
        int64_t v[3] = {(int64_t)c[0] - a[0], (int64_t)c[1] - a[1], (int64_t)c[2] - a[2]};
        int64_t k[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                        u[0] * v[1] - u[1] * v[0]};
        for (int d = 0; d < 3; d++) {
            fn[3 * f + d] = (double)k[d]; /* |k| < 2^41: exact */
            ft[3 * f + d] = (uint32_t)num[hull->tri[3 * f + d]];
        }
        int64_t g = gcd64(gcd64(k[0], k[1]), k[2]);
        if (!g) continue;
        for (int d = 0; d < 3; d++) k[d] /= g;
        int positive = k[0] ? (k[0] > 0) : k[1] ? (k[1] > 0) : (k[2] > 0);
        if (!positive)
            for (int d = 0; d < 3; d++) k[d] = -k[d];
        nr[nn++] = (inorm){{k[0], k[1], k[2]}};
    }
    qsort(nr, nn, sizeof *nr, inorm_cmp);
    ombb_hull h = {pts, n, nf, ft, fn, {spacing[0], spacing[1], spacing[2]}, side, buf, hbuf};
    double best = HUGE_VAL, s[3];
    for (int axis = 0; axis < 3; axis++) {
        double nv[3] = {pca[axis], pca[3 + axis], pca[6 + axis]};
        double vol = box_for_normal(&h, nv, s);
        if (vol < best) best = vol, memcpy(sides, s, sizeof s);
    }
    for (size_t i = 0; i < nn; i++) {
        if (i && !inorm_cmp(&nr[i], &nr[i - 1])) continue;
        /* points in mm are x = X * spacing / 2, so the plane k . X = const
         * has the normal k / spacing in millimetres */
        double nv[3], l = 0;
        for (int d = 0; d < 3; d++) {
            nv[d] = (double)nr[i].k[d] / spacing[d];
            l += nv[d] * nv[d];
        }
        l = sqrt(l);
        for (int d = 0; d < 3; d++) nv[d] /= l;
        double vol = box_for_normal(&h, nv, s);
        if (vol < best) best = vol, memcpy(sides, s, sizeof s);
    }
    ok = best < HUGE_VAL;
out:
    free(nr);
    free(pts);
    free(fn);
    free(buf);
    free(hbuf);
    free(ft);
    free(num);
    free(side);
    return ok;
}
