/* SPDX-License-Identifier: Apache-2.0 */
/* fft.c: Fourier-domain filtering with FFTW 3 (Debian libfftw3-dev).
 *
 * Plans are made with FFTW_ESTIMATE, which chooses the algorithm from the
 * sizes alone, so the same input gives the same bits on every run (FFTW's
 * MEASURE mode times candidates and may pick differently). FFTW's planner
 * keeps global state and is not thread-safe (FFTW 3.3 manual, Sec. 5.2,
 * "Thread safety"): planning and destroying plans happen under one mutex,
 * the only static state in the filters; executing a plan needs no lock. */
#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Frequency of bin q of n samples, rad/voxel.
 * DFT: 2 pi f / n with f = q for q <= (n-1)/2, else q - n (numpy fftfreq).
 * IBSI: the grid of n points -pi + p 2 pi / (n - 1), p = 0..n-1, stored in
 * FFT order (p = (q + floor(n/2)) mod n, numpy ifftshift); 0 when n = 1. */
double qib__freq(qib__fgrid grid, size_t q, size_t n) {
    if (grid == QIB__GRID_IBSI) {
        if (n < 2) return 0.0;
        size_t p = (q + n / 2) % n;
        return -QIB__PI + (double)p * 2.0 * QIB__PI / (double)(n - 1);
    }
    double f = q <= (n - 1) / 2 ? (double)q : (double)q - (double)n;
    return 2.0 * QIB__PI * f / (double)n;
}

/* Fills the padded real block from img: axis a gains pad[a] voxels on each
 * side under bc. */
static void fill_padded(const qib__img *img, const size_t pad[3], const size_t N[3], qib__bc bc,
                        double *dst) {
    for (size_t z = 0; z < N[2]; z++) {
        ptrdiff_t qz = qib__bc_index(bc, (ptrdiff_t)z - (ptrdiff_t)pad[2], img->n[2]);
        for (size_t y = 0; y < N[1]; y++) {
            ptrdiff_t qy = qib__bc_index(bc, (ptrdiff_t)y - (ptrdiff_t)pad[1], img->n[1]);
            double *row = dst + N[0] * (y + N[1] * z);
            if (qz < 0 || qy < 0) {
                memset(row, 0, N[0] * sizeof(double));
                continue;
            }
            const double *src = img->v + img->n[0] * ((size_t)qy + img->n[1] * (size_t)qz);
            qib__bc_extend(bc, src, 1, img->n[0], pad[0], pad[0], row);
        }
    }
}

/* Multiplies the half spectrum (FFTW r2c layout: N0/2+1 bins along i,
 * fastest) by the Hermitian part of H,
 *     Hh(q) = (H(w(q)) + conj(H(w(-q)))) / 2,  -q = (N - q) mod N per axis,
 * which makes the real inverse transform equal the real part of the full
 * complex inverse transform of X H (X is Hermitian: the image is real). On
 * the DFT grid w(-q) = -w(q) exactly, and the transfer functions used there
 * (those of real kernels) give H(-w) = conj(H(w)) exactly, so Hh = H except
 * at the bins that are their own mirror, where Hh = Re H: one evaluation
 * per bin instead of two. */
static void multiply(fftw_complex *c, const size_t N[3], int dims, qib__fgrid grid,
                     const double *const w[3], const double *const wn[3], qib__transfer_fn h,
                     const void *ctx) {
    size_t h0 = N[0] / 2 + 1;
    for (size_t z = 0; z < N[2]; z++)
        for (size_t y = 0; y < N[1]; y++)
            for (size_t x = 0; x < h0; x++) {
                double wp[3] = {w[0][x], w[1][y], dims == 3 ? w[2][z] : 0.0};
                double wm[3] = {wn[0][x], wn[1][y], dims == 3 ? wn[2][z] : 0.0};
                size_t qp[3] = {x, y, z};
                size_t qm[3] = {(N[0] - x) % N[0], (N[1] - y) % N[1], (N[2] - z) % N[2]};
                if (dims == 2) qm[2] = z;
                double a[2], b[2];
                h(wp, qp, ctx, a);
                double hr, hi;
                if (grid == QIB__GRID_DFT) {
                    int self = qp[0] == qm[0] && qp[1] == qm[1] && qp[2] == qm[2];
                    hr = a[0];
                    hi = self ? 0.0 : a[1];
                } else {
                    h(wm, qm, ctx, b);
                    hr = 0.5 * (a[0] + b[0]);
                    hi = 0.5 * (a[1] - b[1]);
                }
                double *v = c[x + h0 * (y + N[1] * z)];
                double re = v[0] * hr - v[1] * hi, im = v[0] * hi + v[1] * hr;
                v[0] = re;
                v[1] = im;
            }
}

void qib__fft_block(const size_t n[3], int dims, const size_t margin[3], qib__bc bc,
                    size_t pad[3], size_t N[3]) {
    for (int a = 0; a < 3; a++) {
        pad[a] = (a < dims && bc != QIB__BC_PERIODIC) ? margin[a] : 0;
        N[a] = n[a] + 2 * pad[a];
    }
}

qib_status qib__fft_filter(qib__img *img, int dims, const size_t margin[3], qib__bc bc,
                           qib__fgrid grid, qib__transfer_fn h, const void *ctx,
                           qib_error *err) {
    size_t pad[3], N[3], total = 1, half = 1;
    qib__fft_block(img->n, dims, margin, bc, pad, N);
    for (int a = 0; a < 3; a++) {
        QIB_FAIL_IF(N[a] > INT_MAX || !qib__mul_ok(total, N[a], &total) ||
                        !qib__mul_ok(half, a == 0 ? N[0] / 2 + 1 : N[a], &half),
                    err, QIB_ERR_LIMIT, NULL, -1, "dimensions",
                    "the padded Fourier block of %zu x %zu x %zu voxels is too large",
                    img->n[0] + 2 * pad[0], img->n[1] + 2 * pad[1], img->n[2] + 2 * pad[2]);
    }
    QIB_FAIL_IF(total > QIB__FILTER_MAX_BLOCK, err, QIB_ERR_LIMIT, NULL, -1, "dimensions",
                "the padded Fourier block of %zu x %zu x %zu voxels exceeds 2^31 voxels", N[0],
                N[1], N[2]);
    double *r = fftw_malloc(total * sizeof(double));
    fftw_complex *c = fftw_malloc(half * sizeof(fftw_complex));
    double *wtab = fftw_malloc(2 * (N[0] + N[1] + N[2]) * sizeof(double));
    if (!r || !c || !wtab) {
        fftw_free(r);
        fftw_free(c);
        fftw_free(wtab);
        return qib__nomem(err, NULL, "a Fourier-domain block");
    }
    /* frequencies of each bin, and of its mirror bin (N - q) mod N */
    const double *w[3], *wn[3];
    double *p = wtab;
    for (int a = 0; a < 3; a++) {
        double *f = p, *fn = p + N[a];
        for (size_t q = 0; q < N[a]; q++) {
            f[q] = qib__freq(grid, q, N[a]);
            fn[q] = qib__freq(grid, (N[a] - q) % N[a], N[a]);
        }
        w[a] = f;
        wn[a] = fn;
        p += 2 * N[a];
    }
    fill_padded(img, pad, N, bc, r);

    pthread_mutex_lock(&planner_lock);
    fftw_plan fwd, inv;
    if (dims == 3) {
        fwd = fftw_plan_dft_r2c_3d((int)N[2], (int)N[1], (int)N[0], r, c, FFTW_ESTIMATE);
        inv = fftw_plan_dft_c2r_3d((int)N[2], (int)N[1], (int)N[0], c, r, FFTW_ESTIMATE);
    } else {
        int nn[2] = {(int)N[1], (int)N[0]};
        int hd = (int)(N[1] * (N[0] / 2 + 1));
        fwd = fftw_plan_many_dft_r2c(2, nn, (int)N[2], r, NULL, 1, (int)(N[0] * N[1]), c, NULL,
                                     1, hd, FFTW_ESTIMATE);
        inv = fftw_plan_many_dft_c2r(2, nn, (int)N[2], c, NULL, 1, hd, r, NULL, 1,
                                     (int)(N[0] * N[1]), FFTW_ESTIMATE);
    }
    pthread_mutex_unlock(&planner_lock);
    qib_status st = QIB_OK;
    if (!fwd || !inv) {
        st = qib__fail(err, QIB_ERR_NOMEM, NULL, -1, "fft", "FFTW could not plan a transform");
    } else {
        fftw_execute(fwd);
        multiply(c, N, dims, grid, w, wn, h, ctx);
        fftw_execute(inv);
        double scale = 1.0 / (double)(dims == 3 ? total : N[0] * N[1]);
        for (size_t z = 0; z < img->n[2]; z++)
            for (size_t y = 0; y < img->n[1]; y++) {
                const double *src = r + pad[0] + N[0] * (y + pad[1] + N[1] * (z + pad[2]));
                double *dst = img->v + img->n[0] * (y + img->n[1] * z);
                for (size_t x = 0; x < img->n[0]; x++) dst[x] = src[x] * scale;
            }
    }
    pthread_mutex_lock(&planner_lock);
    if (fwd) fftw_destroy_plan(fwd);
    if (inv) fftw_destroy_plan(inv);
    pthread_mutex_unlock(&planner_lock);
    fftw_free(r);
    fftw_free(c);
    fftw_free(wtab);
    return st;
}

struct qib__fft2 {
    fftw_plan fwd, inv;
    fftw_complex *buf;
};

qib_status qib__fft2_create(size_t n0, size_t n1, qib__fft2 **out, qib_error *err) {
    size_t total;
    QIB_FAIL_IF(n0 > INT_MAX || n1 > INT_MAX || !qib__mul_ok(n0, n1, &total) ||
                    total > SIZE_MAX / sizeof(fftw_complex),
                err, QIB_ERR_LIMIT, NULL, -1, "dimensions",
                "a Fourier plane of %zu x %zu is too large", n0, n1);
    qib__fft2 *f = calloc(1, sizeof *f);
    if (!f) return qib__nomem(err, NULL, "a Fourier plan");
    f->buf = fftw_malloc(total * sizeof(fftw_complex));
    if (!f->buf) {
        free(f);
        return qib__nomem(err, NULL, "a Fourier plane");
    }
    pthread_mutex_lock(&planner_lock);
    f->fwd = fftw_plan_dft_2d((int)n1, (int)n0, f->buf, f->buf, FFTW_FORWARD, FFTW_ESTIMATE);
    f->inv = fftw_plan_dft_2d((int)n1, (int)n0, f->buf, f->buf, FFTW_BACKWARD, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    if (!f->fwd || !f->inv) {
        qib__fft2_free(f);
        return qib__fail(err, QIB_ERR_NOMEM, NULL, -1, "fft", "FFTW could not plan a transform");
    }
    *out = f;
    return QIB_OK;
}

void qib__fft2_free(qib__fft2 *f) {
    if (!f) return;
    pthread_mutex_lock(&planner_lock);
    if (f->fwd) fftw_destroy_plan(f->fwd);
    if (f->inv) fftw_destroy_plan(f->inv);
    pthread_mutex_unlock(&planner_lock);
    fftw_free(f->buf);
    free(f);
}

double *qib__fft2_buffer(qib__fft2 *f) { return (double *)f->buf; }
void qib__fft2_forward(qib__fft2 *f) { fftw_execute(f->fwd); }
void qib__fft2_inverse(qib__fft2 *f) { fftw_execute(f->inv); }
