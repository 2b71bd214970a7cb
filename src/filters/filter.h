/* SPDX-License-Identifier: Apache-2.0 */
/* filter.h: internals shared by the IBSI 2 filters (not installed).
 *
 * A filter works on a qib__img, a block of doubles with i fastest (the
 * voxel order of qib volumes), and replaces its values by the response on
 * the same grid. Boundary conditions follow IBSI 2 ("Boundary conditions"):
 * zero (constant 0), nearest (edge value repeated), periodic (wrap) and
 * mirror (symmetric: the edge voxel is repeated, d c b a | a b c d). */
#ifndef QIB_FILTERS_FILTER_H
#define QIB_FILTERS_FILTER_H

#include <stddef.h>
#include <sys/types.h>

#include "../common/qib_internal.h"

#define QIB__PI 3.14159265358979323846
#define QIB__FILTER_MAX_PARAMS 12
#define QIB__FILTER_TEXT_MAX 48
/* Caps that keep hostile specs from hanging or exhausting memory. */
#define QIB__FILTER_MAX_RADIUS 4096 /* kernel half-width in voxels */
#define QIB__FILTER_MAX_BLOCK ((size_t)1 << 31) /* values in one work block */

/* ---- specs (spec.c) ---- */
typedef struct qib__param_value {
    double num;                      /* NUMBER and INTEGER values */
    int choice;                      /* CHOICE: index in the choices list */
    char text[QIB__FILTER_TEXT_MAX]; /* the value as written (or the default) */
    int given;                       /* 1 when the spec sets it */
    size_t offset;                   /* byte position of the value in the spec */
} qib__param_value;

struct qib__filter_def;
struct qib_filter_spec {
    const struct qib__filter_def *def;
    qib__param_value v[QIB__FILTER_MAX_PARAMS];
};

/* Accessors by parameter name (the name must exist in the filter's table). */
const qib__param_value *qib__spec_param(const qib_filter_spec *s, const char *name);
double qib__spec_num(const qib_filter_spec *s, const char *name);
int qib__spec_choice(const qib_filter_spec *s, const char *name);
const char *qib__spec_text(const qib_filter_spec *s, const char *name);
/* A located error about parameter `name` of spec s. */
qib_status qib__spec_fail(const qib_filter_spec *s, const char *name, qib_error *err,
                          const char *fmt, ...) QIB_PRINTF(4, 5);

/* ---- boundary conditions (boundary.c) ---- */
typedef enum qib__bc {
    QIB__BC_ZERO = 0,
    QIB__BC_NEAREST,
    QIB__BC_PERIODIC,
    QIB__BC_MIRROR
} qib__bc;

/* Index of the voxel that stands at position x (any integer) of an axis of
 * n voxels under boundary condition bc, or -1 when the value is zero. */
ptrdiff_t qib__bc_index(qib__bc bc, ptrdiff_t x, size_t n);
/* Fills dst[0 .. before + n + after) with the line src[0], src[stride], ...
 * (n values) extended by `before` values on the left and `after` on the
 * right under bc. */
void qib__bc_extend(qib__bc bc, const double *src, size_t stride, size_t n, size_t before,
                    size_t after, double *dst);

/* ---- work images and convolution (convolve.c) ---- */
typedef struct qib__img {
    double *v;    /* n[0]*n[1]*n[2] values, i fastest */
    size_t n[3];  /* voxels along i, j, k */
    double sp[3]; /* spacing in mm */
} qib__img;

qib_status qib__img_alloc(qib__img *img, const size_t n[3], const double sp[3], qib_error *err);
void qib__img_free(qib__img *img);
qib_status qib__img_copy(const qib__img *src, qib__img *dst, qib_error *err);
static inline size_t qib__img_count(const qib__img *img) {
    return img->n[0] * img->n[1] * img->n[2];
}

/* A 1D kernel k[0..len) whose element `centre` sits on the output voxel. */
typedef struct qib__kernel1d {
    const double *k;
    size_t len, centre;
} qib__kernel1d;

/* One pass along `axis`: out[x] = sum_m k[m] * in(x + centre - m), the
 * input extended under bc (a true convolution, as IBSI 2 defines filtering). */
qib_status qib__conv_axis(qib__img *img, int axis, qib__kernel1d k, qib__bc bc, qib_error *err);
/* Passes along every axis whose kernel has len > 0 (a separable kernel
 * k0(x) k1(y) k2(z) applied as three 1D passes). */
qib_status qib__conv_separable(qib__img *img, const qib__kernel1d k[3], qib__bc bc,
                               qib_error *err);
/* Direct convolution with a full kernel kern[kn0*kn1*kn2] (i fastest) whose
 * voxel kc[] sits on the output voxel; out must be allocated like in. The
 * reference the separable passes are checked against. */
qib_status qib__conv_direct(const qib__img *in, const double *kern, const size_t kn[3],
                            const size_t kc[3], qib__bc bc, qib__img *out, qib_error *err);
/* The block of an image of n voxels that the box variant filters for a box
 * (lo, size) with `margin` voxels of support: the box grown by the margin
 * and clipped to the image, or the whole axis when the boundary condition
 * would need values from the far side (periodic at a border, or a margin
 * that reaches across the whole axis). */
void qib__support_crop(const size_t n[3], const size_t lo[3], const size_t size[3],
                       const size_t margin[3], qib__bc bc, size_t crop_lo[3],
                       size_t crop_size[3]);

/* ---- Fourier-domain filtering (fft.c, FFTW) ---- */
/* How the transfer function is sampled: at the DFT frequencies 2*pi*q/N, or
 * on IBSI 2's grid of N points evenly spaced over [-pi, pi] (inclusive),
 * centred with ifftshift, which is how the IBSI reference maps of the
 * Simoncelli tests were made. */
typedef enum qib__fgrid { QIB__GRID_DFT = 0, QIB__GRID_IBSI = 1 } qib__fgrid;
/* A transfer function: H(w) for w in rad/voxel along i, j, k, at bin q of
 * the padded block (for filters that tabulate per axis); out = (re, im). */
typedef void (*qib__transfer_fn)(const double w[3], const size_t q[3], const void *ctx,
                                 double out[2]);
/* The size of the block qib__fft_filter transforms: n plus 2 margin along
 * each filtered axis, except for periodic boundaries. */
void qib__fft_block(const size_t n[3], int dims, const size_t margin[3], qib__bc bc,
                    size_t pad[3], size_t N[3]);
/* Filters img in place by multiplying its spectrum by H and keeping the real
 * part of the inverse transform. dims 3: the whole volume; dims 2: each (i,j)
 * slice (w[2] = 0). Non-periodic boundary conditions first extend each
 * filtered axis by margin[a] voxels (periodic needs none: the DFT is). */
qib_status qib__fft_filter(qib__img *img, int dims, const size_t margin[3], qib__bc bc,
                           qib__fgrid grid, qib__transfer_fn h, const void *ctx,
                           qib_error *err);
/* 2D complex convolution of one plane with several kernels (Gabor). */
typedef struct qib__fft2 qib__fft2;
/* A plan for planes of n0 (fastest) x n1 complex values. */
qib_status qib__fft2_create(size_t n0, size_t n1, qib__fft2 **out, qib_error *err);
void qib__fft2_free(qib__fft2 *f);
/* The plan's buffer: n0*n1 complex values as (re, im) pairs. */
double *qib__fft2_buffer(qib__fft2 *f);
void qib__fft2_forward(qib__fft2 *f);
void qib__fft2_inverse(qib__fft2 *f); /* unnormalised: divide by n0*n1 */
/* The frequency, in rad/voxel, of bin q of an axis of n samples. */
double qib__freq(qib__fgrid grid, size_t q, size_t n);

/* ---- filters: each checks its parameters, gives its support, applies ---- */
typedef struct qib__filter_def {
    qib_filter_info info;
    /* Checks what one parameter alone cannot (odd sizes, kernel names). */
    qib_status (*check)(const qib_filter_spec *s, qib_error *err);
    /* Support margin (voxels per axis) on a grid of spacing sp and size n;
     * *global = 1 for Fourier-domain filters. */
    qib_status (*support)(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                          size_t margin[3], int *global, qib_error *err);
    /* Replaces img's values by the response. */
    qib_status (*apply)(const qib_filter_spec *s, qib__img *img, qib_error *err);
} qib__filter_def;

size_t qib__filter_def_count(void);
const qib__filter_def *qib__filter_def_at(size_t i);

/* Parameter choice indices shared by the filters (order of the choices). */
enum { QIB__DIM_2D = 0, QIB__DIM_3D = 1 };
enum { QIB__POOL_MAX = 0, QIB__POOL_AVG = 1 };

/* Right-angle rotations (IBSI 2, "Rotation invariance": pseudo-rotational invariance):
 * 24 in 3D, 4 in the (i,j) plane. Rotation r sends kernel axis a to image
 * axis perm[a], mirrored when flip[a] is 1. */
typedef struct qib__rotation {
    int perm[3];
    int flip[3];
} qib__rotation;
size_t qib__rotations(int dims, qib__rotation out[24]);
/* A 1D kernel mirrored (x -> -x): reversed, with its centre moved so that
 * filtering a mirrored image and mirroring back gives the same result. */
qib__kernel1d qib__kernel_mirror(qib__kernel1d k, double *store);

/* Each filter file (mean.c, log.c, ...). */
qib_status qib__mean_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__mean_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                             size_t margin[3], int *global, qib_error *err);
qib_status qib__mean_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);
/* The mean filter itself (also the Laws energy map): the average over a
 * window of `size` voxels along each axis of the first `dims` axes. */
qib_status qib__mean_filter(qib__img *img, size_t size, int dims, qib__bc bc, qib_error *err);

qib_status qib__log_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__log_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                            size_t margin[3], int *global, qib_error *err);
qib_status qib__log_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);

qib_status qib__laws_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__laws_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                             size_t margin[3], int *global, qib_error *err);
qib_status qib__laws_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);

qib_status qib__gabor_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__gabor_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                              size_t margin[3], int *global, qib_error *err);
qib_status qib__gabor_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);

qib_status qib__wavelet_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__wavelet_support(const qib_filter_spec *s, const double sp[3],
                                const size_t n[3], size_t margin[3], int *global,
                                qib_error *err);
qib_status qib__wavelet_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);

qib_status qib__simoncelli_check(const qib_filter_spec *s, qib_error *err);
qib_status qib__simoncelli_support(const qib_filter_spec *s, const double sp[3],
                                   const size_t n[3], size_t margin[3], int *global,
                                   qib_error *err);
qib_status qib__simoncelli_apply(const qib_filter_spec *s, qib__img *img, qib_error *err);

/* ---- Riesz transform (riesz.c) ---- */
typedef struct qib__riesz {
    int dims;     /* 2 or 3 */
    int order[3]; /* l_i, l_j, l_k */
    int total;    /* L = l_i + l_j + l_k */
    double norm;  /* sqrt(L! / (l_i! l_j! l_k!)) */
} qib__riesz;
/* Parses an order written as one digit per axis ("100", "020"); 0 when the
 * text is "none". Fails naming `param` when the text is not dims digits. */
qib_status qib__riesz_parse(const qib_filter_spec *s, const char *param, int dims,
                            qib__riesz *out, int *present, qib_error *err);
/* Multiplies (re, im) in place by the Riesz transfer function at w. */
void qib__riesz_apply_at(const qib__riesz *r, const double w[3], double h[2]);
/* The margin of the Fourier-domain padding: margin_param >= 0 as given,
 * -1 (auto) half the axis but at most 64 voxels; then at least `at_least`
 * and at most the axis length n. */
size_t qib__fft_margin(long margin_param, size_t n, size_t at_least);

#endif
