/* SPDX-License-Identifier: Apache-2.0 */
/* lbp3d.c: PyRadiomics' LBP3D image type: rotation-invariant 3D local binary
 * patterns by spherical harmonics (Banerjee et al., ACCV 2012 workshops,
 * doi:10.1007/978-3-642-37410-4_3) and the spherical kurtosis.
 *
 * Source: PyRadiomics 3.1 getLBP3DImage, for every voxel inside the mask:
 *  1. samples: the vertices v of trimesh.creation.icosphere(lbp3DIcosphereSubdivision
 *     (1), lbp3DIcosphereRadius (1)) are added to the voxel's numpy index (z, y, x) -
 *     vertex coordinate 0 to z, 1 to y, 2 to x, in voxels - and the image is read
 *     there by scipy.ndimage.map_coordinates(order=3): cubic B-spline with the
 *     mirror-boundary prefilter, 0 outside [0, n-1], the result cast to the image's
 *     type (rounded to nearest for integers);
 *  2. k = scipy.stats.kurtosis of the samples (Fisher, biased: m4 / m2^2 - 3; NaN
 *     when m2 <= (1e-15 mean)^2);
 *  3. s_v = 1 if sample >= the voxel's value, else 0;
 *  4. Y: scipy.special.sph_harm(m, n, theta, phi) for n = 0..lbp3DLevels-1,
 *     m = -n..n, called with theta = arccos(v_2 / radius) and phi = arctan2(v_1, v_0).
 *     sph_harm's third argument is the azimuth and its fourth the polar angle, so
 *     PyRadiomics evaluates Y_n^m(azimuth = theta, polar = phi) =
 *     N_n^m P_n^m(cos phi) e^{i m theta}, N_n^m = sqrt((2n+1)/(4 pi) (n-m)!/(n+m)!),
 *     P_n^m with the Condon-Shortley phase, Y_n^-m = (-1)^m conj(Y_n^m); qib does the
 *     same (complex numbers, not real harmonics);
 *  5. c_nm = sum_v s_v Y_nm(v); g_n(v) = sum_m c_nm Y_nm(v);
 *     lbp-3D-m(n+1) = Re(sqrt(sum_v g_n(v)^2)) with complex square and principal
 *     complex square root, as numpy computes it; then lbp-3D-k = k.
 * Voxels outside the mask are 0 (PyRadiomics leaves them uninitialised).
 *
 * The icosphere is trimesh's: the icosahedron with vertices (+-1, +-t, 0), (0, +-1,
 * +-t), (+-t, 0, +-1) normalised (t the golden ratio; trimesh's stored values),
 * subdivided by edge midpoints, every vertex moved onto the radius after each
 * subdivision (and once when there is none, as trimesh 4 does).
 *
 * The B-spline coefficients are computed on the mask's box plus 34 voxels, clipped
 * to the image: the prefilter's influence decays as 0.268^d, below 1e-19 there. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagetypes_internal.h"

#define PI 3.141592653589793
#define SPLINE_MARGIN 34

typedef struct cplx {
    double re, im;
} cplx;

static cplx cmul(cplx a, cplx b) { return (cplx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

/* Principal square root (numpy): Re = sqrt((|z| + Re z) / 2), Im = sign(Im z)
 * sqrt((|z| - Re z) / 2). Only the real part is used. */
static double csqrt_re(cplx z) {
    double r = hypot(z.re, z.im);
    return sqrt((r + z.re) / 2);
}

/* ---- the icosphere (trimesh) ---- */

typedef struct sphere {
    double (*v)[3];
    size_t nv, cap;
    int (*f)[3];
    size_t nf;
} sphere;

static int sphere_add(sphere *s, const double p[3]) {
    if (s->nv == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        double(*v)[3] = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    memcpy(s->v[s->nv], p, sizeof s->v[0]);
    return (int)s->nv++;
}

/* Moves every vertex onto the sphere of radius r: v += (v / |v|) (r - |v|). */
static void sphere_refine(sphere *s, double r) {
    for (size_t i = 0; i < s->nv; i++) {
        double *p = s->v[i];
        double len = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        for (int a = 0; a < 3; a++) p[a] += p[a] / len * (r - len);
    }
}

/* Index of the midpoint vertex of edge (a, b), made once per edge. */
static int midpoint(sphere *s, int *edge_mid, int n_old, int a, int b) {
    int lo = a < b ? a : b, hi = a < b ? b : a;
    int *slot = &edge_mid[(size_t)lo * (size_t)n_old + (size_t)hi];
    if (*slot < 0) {
        double p[3];
        for (int k = 0; k < 3; k++) p[k] = (s->v[a][k] + s->v[b][k]) / 2;
        *slot = sphere_add(s, p);
    }
    return *slot;
}

static qib_status sphere_make(long subdivisions, double radius, sphere *s, qib_error *err) {
    /* trimesh's stored icosahedron: (-1,t,0),(1,t,0),(-1,-t,0),(1,-t,0),(0,-1,t),
     * (0,1,t),(0,-1,-t),(0,1,-t),(t,0,-1),(t,0,1),(-t,0,-1),(-t,0,1), normalised */
    const double a = 0.5257311121191336, b = 0.85065080835204;
    const double base[12][3] = {{-a, b, 0}, {a, b, 0},  {-a, -b, 0}, {a, -b, 0},
                                {0, -a, b}, {0, a, b},  {0, -a, -b}, {0, a, -b},
                                {b, 0, -a}, {b, 0, a},  {-b, 0, -a}, {-b, 0, a}};
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 12; i++)
        if (sphere_add(s, base[i]) < 0) goto nomem;
    /* faces: the 20 triples of mutually adjacent vertices (dot product 1/sqrt(5)) */
    s->f = malloc(20 * sizeof *s->f);
    if (!s->f) goto nomem;
    for (int i = 0; i < 12; i++)
        for (int j = i + 1; j < 12; j++)
            for (int k = j + 1; k < 12; k++) {
                const double *p = base[i], *q = base[j], *r = base[k];
                double pq = p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
                double pr = p[0] * r[0] + p[1] * r[1] + p[2] * r[2];
                double qr = q[0] * r[0] + q[1] * r[1] + q[2] * r[2];
                if (pq > 0.4 && pr > 0.4 && qr > 0.4 && s->nf < 20) {
                    s->f[s->nf][0] = i;
                    s->f[s->nf][1] = j;
                    s->f[s->nf][2] = k;
                    s->nf++;
                }
            }
    for (long it = 0; it < subdivisions; it++) {
        int n_old = (int)s->nv;
        int *edge_mid = malloc((size_t)n_old * (size_t)n_old * sizeof *edge_mid);
        int(*nf)[3] = malloc(4 * s->nf * sizeof *nf);
        if (!edge_mid || !nf) {
            free(edge_mid);
            free(nf);
            goto nomem;
        }
        for (size_t i = 0; i < (size_t)n_old * (size_t)n_old; i++) edge_mid[i] = -1;
        for (size_t i = 0; i < s->nf; i++) {
            int v0 = s->f[i][0], v1 = s->f[i][1], v2 = s->f[i][2];
            int m01 = midpoint(s, edge_mid, n_old, v0, v1);
            int m12 = midpoint(s, edge_mid, n_old, v1, v2);
            int m20 = midpoint(s, edge_mid, n_old, v2, v0);
            if (m01 < 0 || m12 < 0 || m20 < 0) {
                free(edge_mid);
                free(nf);
                goto nomem;
            }
            int tri[4][3] = {{v0, m01, m20}, {v1, m12, m01}, {v2, m20, m12}, {m01, m12, m20}};
            memcpy(nf[4 * i], tri, sizeof tri);
        }
        free(edge_mid);
        free(s->f);
        s->f = nf;
        s->nf *= 4;
        sphere_refine(s, radius);
    }
    if (subdivisions <= 0) sphere_refine(s, radius);
    return QIB_OK;
nomem:
    free(s->v);
    free(s->f);
    memset(s, 0, sizeof *s);
    return qib__nomem(err, NULL, "the LBP 3D icosphere");
}

/* ---- spherical harmonics (scipy.special.sph_harm) ---- */

/* Associated Legendre P_n^m(x), m >= 0, with the Condon-Shortley phase:
 * P_m^m = (-1)^m (2m-1)!! (1-x^2)^(m/2), P_{m+1}^m = x (2m+1) P_m^m,
 * (n-m) P_n^m = (2n-1) x P_{n-1}^m - (n+m-1) P_{n-2}^m. */
static double legendre(long n, long m, double x) {
    double pmm = 1, root = sqrt((1 - x) * (1 + x));
    for (long i = 1; i <= m; i++) pmm *= -(double)(2 * i - 1) * root;
    if (n == m) return pmm;
    double p1 = x * (double)(2 * m + 1) * pmm;
    if (n == m + 1) return p1;
    double p0 = pmm, pn = 0;
    for (long k = m + 2; k <= n; k++) {
        pn = ((double)(2 * k - 1) * x * p1 - (double)(k + m - 1) * p0) / (double)(k - m);
        p0 = p1;
        p1 = pn;
    }
    return pn;
}

/* Y_n^m(azimuth, polar) = N_n^m P_n^m(cos polar) e^{i m azimuth}. */
static cplx sph_harm(long m, long n, double azimuth, double polar) {
    long am = m < 0 ? -m : m;
    double ratio = 1; /* (n-|m|)! / (n+|m|)! */
    for (long k = n - am + 1; k <= n + am; k++) ratio /= (double)k;
    double norm = sqrt((double)(2 * n + 1) / (4 * PI) * ratio);
    double p = norm * legendre(n, am, cos(polar));
    cplx y = {p * cos((double)am * azimuth), p * sin((double)am * azimuth)};
    if (m < 0) { /* Y_n^-m = (-1)^m conj(Y_n^m) */
        double sign = (am % 2) ? -1 : 1;
        y.re *= sign;
        y.im *= -sign;
    }
    return y;
}

/* ---- cubic B-spline sampling (scipy.ndimage.map_coordinates, order 3) ---- */

/* In-place cubic B-spline prefilter of a line with scipy's mirror boundary
 * (ni_splines.c): gain 6, pole z = sqrt(3) - 2, causal start sum_i z^i (c_i +
 * z^(n-1) c_(n-1-i)) / (1 - z^(2n-2)), anti-causal start (z c_(n-2) + c_(n-1)) z /
 * (z^2 - 1). */
static void spline_line(double *c, size_t n) {
    const double z = sqrt(3.0) - 2.0;
    if (n == 1) return;
    for (size_t i = 0; i < n; i++) c[i] *= (1 - z) * (1 - 1 / z);
    double zi = z, zn1 = pow(z, (double)(n - 1));
    double c0 = c[0] + zn1 * c[n - 1];
    for (size_t i = 1; i + 1 < n; i++) {
        c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
        zi *= z;
    }
    c[0] = c0 / (1 - zn1 * zn1);
    for (size_t i = 1; i < n; i++) c[i] += z * c[i - 1];
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
    for (size_t i = n - 1; i-- > 0;) c[i] = z * (c[i + 1] - c[i]);
}

typedef struct spline_vol {
    double *c;      /* coefficients on the region, x fastest */
    size_t lo[3], n[3]; /* region in image indices */
    size_t dim[3];  /* image dims */
} spline_vol;

static qib_status spline_make(const qib__imgt_ctx *c, spline_vol *sv, qib_error *err) {
    const size_t *d = c->grid->dim;
    for (int a = 0; a < 3; a++) {
        size_t lo = c->box.lo[a] > SPLINE_MARGIN ? c->box.lo[a] - SPLINE_MARGIN : 0;
        size_t hi = c->box.lo[a] + c->box.size[a] + SPLINE_MARGIN;
        if (hi > d[a]) hi = d[a];
        sv->lo[a] = lo;
        sv->n[a] = hi - lo;
        sv->dim[a] = d[a];
    }
    size_t nx = sv->n[0], ny = sv->n[1], nz = sv->n[2];
    size_t maxn = nx > ny ? nx : ny;
    if (nz > maxn) maxn = nz;
    sv->c = malloc(nx * ny * nz * sizeof *sv->c);
    double *line = malloc(maxn * sizeof *line);
    if (!sv->c || !line) {
        free(sv->c);
        free(line);
        sv->c = NULL;
        return qib__nomem(err, NULL, "the LBP 3D spline");
    }
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++)
            qib__imgt_read(c->image, ((sv->lo[2] + k) * d[1] + sv->lo[1] + j) * d[0] + sv->lo[0],
                           nx, sv->c + (k * ny + j) * nx);
    size_t st[3] = {1, nx, nx * ny};
    for (int a = 0; a < 3; a++) {
        int b = a == 0 ? 1 : 0, e = a == 2 ? 1 : 2;
        for (size_t v = 0; v < sv->n[e]; v++)
            for (size_t u = 0; u < sv->n[b]; u++) {
                double *p = sv->c + u * st[b] + v * st[e];
                for (size_t i = 0; i < sv->n[a]; i++) line[i] = p[i * st[a]];
                spline_line(line, sv->n[a]);
                for (size_t i = 0; i < sv->n[a]; i++) p[i * st[a]] = line[i];
            }
    }
    free(line);
    return QIB_OK;
}

/* Cubic B-spline weights for offset t in [0, 1) of the samples floor-1..floor+2. */
static void bspline_weights(double t, double w[4]) {
    double u = 1 - t;
    w[0] = u * u * u / 6;
    w[1] = 2.0 / 3 - t * t + t * t * t / 2;
    w[2] = 2.0 / 3 - u * u + u * u * u / 2;
    w[3] = t * t * t / 6;
}

/* Coefficient index mirrored about the image edges (scipy's mirror extension). */
static long mirror(long i, size_t n) {
    long last = (long)n - 1;
    if (last == 0) return 0;
    while (i < 0 || i > last) i = i < 0 ? -i : 2 * last - i;
    return i;
}

/* The interpolated value at continuous index p (qib axes); 0 outside [0, n-1]. */
static double spline_at(const spline_vol *sv, const double p[3]) {
    long base[3];
    double w[3][4];
    for (int a = 0; a < 3; a++) {
        if (!(p[a] >= 0) || p[a] > (double)(sv->dim[a] - 1)) return 0;
        double f = floor(p[a]);
        base[a] = (long)f - 1;
        bspline_weights(p[a] - f, w[a]);
    }
    double sum = 0;
    for (int k = 0; k < 4; k++) {
        long zk = mirror(base[2] + k, sv->dim[2]) - (long)sv->lo[2];
        double sy = 0;
        for (int j = 0; j < 4; j++) {
            long yj = mirror(base[1] + j, sv->dim[1]) - (long)sv->lo[1];
            const double *row = sv->c + ((size_t)zk * sv->n[1] + (size_t)yj) * sv->n[0];
            double sx = 0;
            for (int i = 0; i < 4; i++) {
                long xi = mirror(base[0] + i, sv->dim[0]) - (long)sv->lo[0];
                sx += w[0][i] * row[xi];
            }
            sy += w[1][j] * sx;
        }
        sum += w[2][k] * sy;
    }
    return sum;
}

/* scipy's cast of the interpolated value to the image type: nearest integer for
 * integer types (clamped), float for float32. */
static double cast_sample(double v, qib_dtype t) {
    switch (t) {
    case QIB_DT_F64: return v;
    case QIB_DT_F32: return (double)(float)v;
    default: break;
    }
    double r = v >= 0 ? floor(v + 0.5) : ceil(v - 0.5);
    double lo = 0, hi = 0;
    switch (t) {
    case QIB_DT_U8: hi = 255; break;
    case QIB_DT_I8: lo = -128; hi = 127; break;
    case QIB_DT_U16: hi = 65535; break;
    case QIB_DT_I16: lo = -32768; hi = 32767; break;
    case QIB_DT_U32: hi = 4294967295.0; break;
    case QIB_DT_I32: lo = -2147483648.0; hi = 2147483647.0; break;
    default: return r;
    }
    return r < lo ? lo : r > hi ? hi : r;
}

/* scipy.stats.kurtosis(f) (Fisher, bias=True). */
static double kurtosis(const double *f, size_t n) {
    double mean = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) mean += f[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = f[i] - mean, d2 = d * d;
        m2 += d2;
        m4 += d2 * d2;
    }
    m2 /= (double)n;
    m4 /= (double)n;
    if (m2 <= (1e-15 * mean) * (1e-15 * mean)) return NAN;
    return m4 / (m2 * m2) - 3.0;
}

qib_status qib__imgt_lbp3d(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    long levels = 2, subdiv = 1;
    double radius = 1;
    QIB_FORWARD(qib__imgt_int(c, "lbp3DLevels", 2, 1, 16, &levels, err));
    QIB_FORWARD(qib__imgt_double(c, "lbp3DIcosphereRadius", 1.0, 0.0, &radius, err));
    QIB_FORWARD(qib__imgt_int(c, "lbp3DIcosphereSubdivision", 1, 0, 5, &subdiv, err));
    sphere s;
    QIB_FORWARD(sphere_make(subdiv, radius, &s, err));
    size_t nv = s.nv, ncol = (size_t)(levels * levels);
    const qib_box *b = &c->box;
    size_t nb = b->size[0] * b->size[1] * b->size[2];
    cplx *y = malloc(nv * ncol * sizeof *y);
    long *deg = malloc(ncol * sizeof *deg);
    double *f = malloc(nv * sizeof *f);
    cplx *coef = malloc(ncol * sizeof *coef);
    double *res = calloc((size_t)(levels + 1) * nb, sizeof *res);
    spline_vol sv = {0};
    qib_status st = QIB_OK;
    if (!y || !deg || !f || !coef || !res) {
        st = qib__nomem(err, NULL, "the LBP 3D image");
        goto done;
    }
    /* harmonics at the vertices: columns (0,0), then n = 1.., m = -n..n */
    for (size_t v = 0; v < nv; v++) {
        double theta = acos(s.v[v][2] / radius), phi = atan2(s.v[v][1], s.v[v][0]);
        size_t col = 0;
        for (long n = 0; n < levels; n++)
            for (long m = -n; m <= n; m++, col++) {
                y[v * ncol + col] = sph_harm(m, n, theta, phi);
                deg[col] = n;
            }
    }
    st = spline_make(c, &sv, err);
    if (st != QIB_OK) goto done;
    const uint8_t *mk = c->mask ? qib_mask_cdata(c->mask) : NULL;
    const size_t *d = c->grid->dim;
    qib_dtype dt = qib_volume_dtype(c->image);
    for (size_t k = 0; k < b->size[2]; k++)
        for (size_t j = 0; j < b->size[1]; j++)
            for (size_t i = 0; i < b->size[0]; i++) {
                size_t x = b->lo[0] + i, yy = b->lo[1] + j, z = b->lo[2] + k;
                size_t lin = (z * d[1] + yy) * d[0] + x;
                if (mk && !mk[lin]) continue;
                size_t o = (k * b->size[1] + j) * b->size[0] + i;
                double centre;
                qib__imgt_read(c->image, lin, 1, &centre);
                for (size_t v = 0; v < nv; v++) {
                    /* vertex coordinates 0, 1, 2 go to numpy axes z, y, x */
                    double p[3] = {(double)x + s.v[v][2], (double)yy + s.v[v][1],
                                   (double)z + s.v[v][0]};
                    f[v] = cast_sample(spline_at(&sv, p), dt);
                }
                res[(size_t)levels * nb + o] = kurtosis(f, nv);
                for (size_t col = 0; col < ncol; col++) {
                    cplx acc = {0, 0};
                    for (size_t v = 0; v < nv; v++)
                        if (f[v] >= centre) {
                            acc.re += y[v * ncol + col].re;
                            acc.im += y[v * ncol + col].im;
                        }
                    coef[col] = acc;
                }
                for (long n = 0; n < levels; n++) {
                    cplx sum2 = {0, 0};
                    for (size_t v = 0; v < nv; v++) {
                        cplx gv = {0, 0};
                        for (size_t col = 0; col < ncol; col++) {
                            if (deg[col] != n) continue;
                            cplx t = cmul(coef[col], y[v * ncol + col]);
                            gv.re += t.re;
                            gv.im += t.im;
                        }
                        cplx sq = cmul(gv, gv);
                        sum2.re += sq.re;
                        sum2.im += sq.im;
                    }
                    res[(size_t)n * nb + o] = csqrt_re(sum2);
                }
            }
    for (long n = 0; n <= levels && st == QIB_OK; n++) {
        char name[64];
        if (n < levels)
            snprintf(name, sizeof name, "lbp-3D-m%ld", n + 1);
        else
            snprintf(name, sizeof name, "lbp-3D-k");
        qib_volume *vol = NULL;
        st = qib__imgt_box_volume(c, res + (size_t)n * nb, false, &vol, err);
        if (st == QIB_OK) st = qib__imgt_push(out, name, vol, err);
    }
done:
    free(sv.c);
    free(s.v);
    free(s.f);
    free(y);
    free(deg);
    free(f);
    free(coef);
    free(res);
    return st;
}
