/* SPDX-License-Identifier: Apache-2.0 */
/* gabor.c: the Gabor filter (IBSI 2, "Gabor filter", code Q88H).
 *
 * A 2D complex kernel in a plane with in-plane coordinates (x, y) in mm:
 *     h(x, y) = exp(-(x'^2 + gamma^2 y'^2) / (2 sigma^2)) * exp(j 2 pi x' / lambda),
 *     x' = x cos(theta) + y sin(theta),  y' = -x sin(theta) + y cos(theta),
 * unnormalised (IBSI 2 test 4.a.1: the response to a unit impulse is 1 at
 * the impulse). x runs along the plane's first axis (i for the axial
 * plane), y along the second; theta turns x towards y (test 4.a.1 fixes
 * both). The kernel is truncated to |x| <= R_x voxels, |y| <= R_y voxels,
 * R = floor(truncation * max(sigma, sigma / gamma) / spacing + 0.5). The
 * response is the modulus |image * h| in each slice of the plane.
 * Orientation pooling averages (or takes the maximum of) the moduli for
 * theta + t * theta_step, t = 0 .. 360/theta_step - 1; because theta + 180
 * degrees gives the conjugate kernel and the same modulus, only half of a
 * set closed under +180 degrees is computed. IBSI 2's rotation-invariant
 * Gabor (tests 4.a.2, 4.b.2) pools the orientations in each of the three
 * orthogonal planes and averages the three (plane=all).
 *
 * Each slice is extended by R under the boundary condition and convolved
 * by FFT (fft.c): one forward transform per slice, one inverse per
 * orientation, the kernels' transforms made once per plane. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

enum { PLANE_AXIAL = 0, PLANE_CORONAL, PLANE_SAGITTAL, PLANE_ALL };
static const int plane_axes[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 2, 0}}; /* x, y, slice */

typedef struct gabor_params {
    double sigma, lambda, gamma, theta, step, trunc;
    int pool, plane;
    qib__bc bc;
} gabor_params;

static void read_params(const qib_filter_spec *s, gabor_params *p) {
    p->sigma = qib__spec_num(s, "sigma");
    p->lambda = qib__spec_num(s, "lambda");
    p->gamma = qib__spec_num(s, "gamma");
    p->theta = qib__spec_num(s, "theta") * QIB__PI / 180.0;
    p->step = qib__spec_num(s, "theta_step");
    p->trunc = qib__spec_num(s, "truncation");
    p->pool = qib__spec_choice(s, "pooling");
    p->plane = qib__spec_choice(s, "plane");
    p->bc = (qib__bc)qib__spec_choice(s, "boundary");
}

/* Number of orientations: 1, or 360 / theta_step. */
static size_t orientations(const gabor_params *p) {
    return p->step == 0 ? 1 : (size_t)llround(360.0 / p->step);
}

/* Half-width along an axis of spacing sp, in voxels (may exceed the cap). */
static double half_width(const gabor_params *p, double sp) {
    double env = p->sigma > p->sigma / p->gamma ? p->sigma : p->sigma / p->gamma;
    return floor(p->trunc * env / sp + 0.5);
}

qib_status qib__gabor_check(const qib_filter_spec *s, qib_error *err) {
    gabor_params p;
    read_params(s, &p);
    if (p.step > 0) {
        double n = 360.0 / p.step;
        if (fabs(n - (double)llround(n)) > 1e-9 * n || n > 3600)
            return qib__spec_fail(s, "theta_step", err,
                                  "%g degrees does not divide the circle into a whole number "
                                  "(at most 3600) of orientations",
                                  p.step);
    }
    return QIB_OK;
}

/* Which axes the chosen plane(s) use. */
static void used_axes(int plane, int used[3]) {
    used[0] = used[1] = used[2] = 0;
    for (int q = 0; q < 3; q++)
        if (plane == PLANE_ALL || plane == q) used[plane_axes[q][0]] = used[plane_axes[q][1]] = 1;
}

qib_status qib__gabor_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                              size_t margin[3], int *global, qib_error *err) {
    gabor_params p;
    read_params(s, &p);
    int used[3];
    used_axes(p.plane, used);
    for (int a = 0; a < 3; a++) {
        double r = used[a] ? half_width(&p, sp[a]) : 0;
        if (r > QIB__FILTER_MAX_RADIUS)
            return qib__spec_fail(s, "sigma", err,
                                  "a kernel half-width of %.0f voxels along axis %d; at most %d "
                                  "allowed",
                                  r, a, QIB__FILTER_MAX_RADIUS);
        margin[a] = (size_t)r;
    }
    *global = 0;
    return QIB_OK;
}

/* The transform of the kernel at angle th, wrapped into a P0 x P1 plane
 * (the kernel's centre at bin (0,0)), left in f's buffer. */
static void kernel_spectrum(const gabor_params *p, double th, const double sp[2],
                            const size_t R[2], const size_t P[2], qib__fft2 *f) {
    double *b = qib__fft2_buffer(f);
    memset(b, 0, 2 * P[0] * P[1] * sizeof(double));
    double c = cos(th), sn = sin(th), g2 = p->gamma * p->gamma;
    for (ptrdiff_t v = -(ptrdiff_t)R[1]; v <= (ptrdiff_t)R[1]; v++)
        for (ptrdiff_t u = -(ptrdiff_t)R[0]; u <= (ptrdiff_t)R[0]; u++) {
            double x = (double)u * sp[0], y = (double)v * sp[1];
            double xr = x * c + y * sn, yr = -x * sn + y * c;
            double env = exp(-(xr * xr + g2 * yr * yr) / (2.0 * p->sigma * p->sigma));
            double ph = 2.0 * QIB__PI * xr / p->lambda;
            size_t iu = (size_t)(u < 0 ? u + (ptrdiff_t)P[0] : u);
            size_t iv = (size_t)(v < 0 ? v + (ptrdiff_t)P[1] : v);
            double *z = b + 2 * (iu + P[0] * iv);
            z[0] = env * cos(ph);
            z[1] = env * sin(ph);
        }
    qib__fft2_forward(f);
}

/* Pooled Gabor moduli in one plane (q = 0 axial, 1 coronal, 2 sagittal),
 * added to acc with weight w. */
static qib_status gabor_plane(const qib__img *img, const gabor_params *p, int q, double w,
                              double *acc, qib_error *err) {
    int ax = plane_axes[q][0], ay = plane_axes[q][1], az = plane_axes[q][2];
    size_t n[3] = {img->n[ax], img->n[ay], img->n[az]};
    size_t st3[3] = {1, img->n[0], img->n[0] * img->n[1]};
    size_t stride[3] = {st3[ax], st3[ay], st3[az]};
    double sp[2] = {img->sp[ax], img->sp[ay]};
    size_t R[2] = {(size_t)half_width(p, sp[0]), (size_t)half_width(p, sp[1])};
    size_t P[2] = {n[0] + 2 * R[0], n[1] + 2 * R[1]}, area = P[0] * P[1];
    size_t norient = orientations(p), ncomp = norient % 2 == 0 ? norient / 2 : norient;
    QIB_FAIL_IF(area > QIB__FILTER_MAX_BLOCK / 2 / ncomp, err, QIB_ERR_LIMIT, NULL, -1, "gabor",
                "%zu orientations of a %zu x %zu Fourier plane exceed 2^31 values", ncomp, P[0],
                P[1]);
    qib__fft2 *f = NULL;
    QIB_FORWARD(qib__fft2_create(P[0], P[1], &f, err));
    double *spec = malloc(ncomp * 2 * area * sizeof(double));
    double *slice = malloc(2 * area * sizeof(double));
    double *pooled = malloc(n[0] * n[1] * sizeof(double));
    if (!spec || !slice || !pooled) {
        free(spec);
        free(slice);
        free(pooled);
        qib__fft2_free(f);
        return qib__nomem(err, NULL, "Gabor kernels");
    }
    double *buf = qib__fft2_buffer(f);
    for (size_t t = 0; t < ncomp; t++) {
        kernel_spectrum(p, p->theta + (double)t * p->step * QIB__PI / 180.0, sp, R, P, f);
        memcpy(spec + t * 2 * area, buf, 2 * area * sizeof(double));
    }
    double scale = 1.0 / (double)area;
    for (size_t z = 0; z < n[2]; z++) {
        /* the slice extended by R under the boundary condition */
        for (size_t v = 0; v < P[1]; v++) {
            ptrdiff_t qy = qib__bc_index(p->bc, (ptrdiff_t)v - (ptrdiff_t)R[1], n[1]);
            for (size_t u = 0; u < P[0]; u++) {
                ptrdiff_t qx = qib__bc_index(p->bc, (ptrdiff_t)u - (ptrdiff_t)R[0], n[0]);
                double val = (qx < 0 || qy < 0)
                                 ? 0.0
                                 : img->v[(size_t)qx * stride[0] + (size_t)qy * stride[1] +
                                          z * stride[2]];
                buf[2 * (u + P[0] * v)] = val;
                buf[2 * (u + P[0] * v) + 1] = 0.0;
            }
        }
        qib__fft2_forward(f);
        memcpy(slice, buf, 2 * area * sizeof(double));
        for (size_t t = 0; t < ncomp; t++) {
            const double *k = spec + t * 2 * area;
            for (size_t i = 0; i < area; i++) {
                double a = slice[2 * i], b = slice[2 * i + 1];
                buf[2 * i] = a * k[2 * i] - b * k[2 * i + 1];
                buf[2 * i + 1] = a * k[2 * i + 1] + b * k[2 * i];
            }
            qib__fft2_inverse(f);
            for (size_t y = 0; y < n[1]; y++)
                for (size_t x = 0; x < n[0]; x++) {
                    const double *c = buf + 2 * (x + R[0] + P[0] * (y + R[1]));
                    double m = hypot(c[0], c[1]) * scale, *o = pooled + x + n[0] * y;
                    if (t == 0) *o = m;
                    else if (p->pool == QIB__POOL_MAX) *o = m > *o ? m : *o;
                    else *o += m;
                }
        }
        double div = p->pool == QIB__POOL_AVG ? (double)ncomp : 1.0;
        for (size_t y = 0; y < n[1]; y++)
            for (size_t x = 0; x < n[0]; x++)
                acc[x * stride[0] + y * stride[1] + z * stride[2]] +=
                    w * pooled[x + n[0] * y] / div;
    }
    free(spec);
    free(slice);
    free(pooled);
    qib__fft2_free(f);
    return QIB_OK;
}

qib_status qib__gabor_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    gabor_params p;
    read_params(s, &p);
    size_t margin[3];
    int global;
    QIB_FORWARD(qib__gabor_support(s, img->sp, img->n, margin, &global, err));
    size_t total = qib__img_count(img);
    double *acc = calloc(total, sizeof(double));
    if (!acc) return qib__nomem(err, NULL, "a Gabor response");
    qib_status st = QIB_OK;
    if (p.plane == PLANE_ALL) {
        for (int q = 0; q < 3 && st == QIB_OK; q++)
            st = gabor_plane(img, &p, q, 1.0 / 3.0, acc, err);
    } else {
        st = gabor_plane(img, &p, p.plane, 1.0, acc, err);
    }
    if (st == QIB_OK) memcpy(img->v, acc, total * sizeof(double));
    free(acc);
    return st;
}
