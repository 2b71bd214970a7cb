/* SPDX-License-Identifier: Apache-2.0 */
/* phantom.c: deterministic synthetic CT-like cases with exact ground truth.
 *
 * The image is int16 HU: a background of mean background_hu with a smooth
 * low-frequency texture, a lesion (sphere, ellipsoid or axis-aligned cube)
 * of mean lesion_hu with a fainter texture of its own, and Gaussian noise of
 * SD noise_sd on every voxel, each voxel rounded half away from zero and
 * saturated to int16. The mask (uint8) is 1 where the voxel centre lies
 * inside the continuous shape, boundary included (within a tolerance of
 * 1e-12 of the grid's size, see surface_tolerance).
 *
 * Truth: the exact volume of the continuous shape (4/3 pi abc, cube 8abc),
 * the voxel count and its volume, and the lesion mean without noise: the
 * mean of the values the mask covers when noise_sd is 0 (lesion_hu plus the
 * lesion texture, rounded as stored), exact for any noise_sd.
 *
 * Geometry: the given spacing, identity direction, and the origin placed so
 * that the centre of the grid is world (0,0,0) (LPS, mm); voxel (i,j,k) has
 * its centre at origin + spacing * (i,j,k), as qib_grid_index_to_world says.
 *
 * Reproducibility: the same parameters give the same bytes on every machine
 * with IEEE-754 doubles. The noise comes from rng.c (xoshiro256**, polar
 * method, a log built from + - * /); the texture is a sum of sine-like
 * parabolic waves (+ - * /, floor; round for storing: all exactly specified),
 * so no libm function whose last bit may vary between C libraries is used. Noise is drawn for every voxel in
 * storage order (i fastest), inside and outside the lesion alike.
 *
 * Limits: each dimension 1..4096 (the header's rule) and at most 2^30
 * voxels in all (QIB_ERR_LIMIT), so a typo cannot ask for 128 GiB. */
#include <math.h>
#include <string.h>

#include "../common/qib_internal.h"
#include "rng.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define PHANTOM_MAX_DIM 4096u
#define PHANTOM_MAX_VOXELS ((size_t)1 << 30)
#define PHANTOM_PI 3.14159265358979323846

void qib_phantom_params_default(qib_phantom_params *p) {
    memset(p, 0, sizeof *p);
    p->dim[0] = 128;
    p->dim[1] = 128;
    p->dim[2] = 64;
    p->spacing[0] = 0.8;
    p->spacing[1] = 0.8;
    p->spacing[2] = 2.0;
    p->shape = QIB_PHANTOM_SPHERE;
    /* 4/3 pi 13.4^3 = 10079 mm^3, about 10 cm^3 */
    p->radius[0] = p->radius[1] = p->radius[2] = 13.4;
    p->background_hu = -700;
    p->lesion_hu = 40;
    p->noise_sd = 10;
    p->seed = 1;
}

/* ---- helpers ---- */

/* A sine-like wave of period 1 and amplitude 1 made of two parabolas:
 * 8u(1-2u) on [0, 1/2), its negative shifted on [1/2, 1). Continuous with a
 * continuous first derivative (C1), within 0.056 of sin(2 pi t). */
static double wave(double t) {
    double u = t - floor(t);
    if (u < 0.5) return 8 * u * (1 - 2 * u);
    u -= 0.5;
    return -8 * u * (1 - 2 * u);
}

/* Background texture (HU) at world point (x,y,z) mm: periods of 3 to 20 cm
 * in plane, about +-95 HU at most. Fixed phases: only the noise depends on
 * the seed. */
static double background_texture(double x, double y, double z) {
    return 45 * wave(x / 61 + 0.13) * wave(y / 47 + 0.71) +
           30 * wave((x + 0.6 * y) / 83 - z / 57 + 0.37) + 20 * wave(z / 29 + x / 211 + 0.05);
}

/* Lesion texture (HU): shorter periods, about +-10 HU at most. */
static double lesion_texture(double x, double y, double z) {
    return 6 * wave(x / 17 + 0.2) * wave(y / 13 + 0.4) + 4 * wave(z / 11 + (x - y) / 23 + 0.6);
}

/* Rounds half away from zero and saturates to int16. */
static int16_t to_i16(double v) {
    if (v <= -32768.0) return INT16_MIN;
    if (v >= 32767.0) return INT16_MAX;
    return (int16_t)round(v); /* round() is exact: the same on every libm */
}

/* Is the point d (mm from the lesion centre) inside the shape? tol (mm)
 * absorbs the rounding of the coordinates, so that a centre lying exactly
 * on the surface in decimal terms (spacing 0.8, radius 13.4: the default
 * sphere has 16 such centres) counts as inside, as the rule "boundary
 * included" says, rather than falling on either side by the last bit. */
static bool inside(qib_phantom_shape shape, const double d[3], const double r[3], double tol) {
    switch (shape) {
    case QIB_PHANTOM_SPHERE: {
        double rt = r[0] + tol;
        return d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= rt * rt;
    }
    case QIB_PHANTOM_ELLIPSOID: {
        double a = d[0] / r[0], b = d[1] / r[1], c = d[2] / r[2];
        double rmin = fmin(r[0], fmin(r[1], r[2])), q = 1 + tol / rmin;
        return a * a + b * b + c * c <= q * q;
    }
    case QIB_PHANTOM_CUBE:
        return fabs(d[0]) <= r[0] + tol && fabs(d[1]) <= r[1] + tol && fabs(d[2]) <= r[2] + tol;
    }
    return false;
}

/* The surface tolerance: 1e-12 of the largest coordinate in play, about
 * 10^4 times the rounding error of a coordinate and far below any distance
 * between a surface and a centre that is not on it (for decimal inputs of
 * 0.01 mm resolution, about 10^-6 mm and more). */
static double surface_tolerance(const qib_phantom_params *p) {
    double m = 0;
    for (int c = 0; c < 3; c++) {
        double e = (double)p->dim[c] * p->spacing[c] + fabs(p->centre_offset[c]);
        if (e > m) m = e;
    }
    return 1e-12 * m;
}

static qib_status check_params(const qib_phantom_params *p, double r[3], qib_error *err) {
    static const char *dim_name[3] = {"dim[0]", "dim[1]", "dim[2]"};
    static const char *sp_name[3] = {"spacing[0]", "spacing[1]", "spacing[2]"};
    static const char *rad_name[3] = {"radius[0]", "radius[1]", "radius[2]"};
    static const char *off_name[3] = {"centre_offset[0]", "centre_offset[1]",
                                      "centre_offset[2]"};
    for (int c = 0; c < 3; c++) {
        QIB_FAIL_IF(p->dim[c] < 1 || p->dim[c] > PHANTOM_MAX_DIM, err, QIB_ERR_ARG, NULL, -1,
                    dim_name[c], "dimension is %zu; it must be 1..%u", p->dim[c],
                    PHANTOM_MAX_DIM);
        QIB_FAIL_IF(!(p->spacing[c] > 0) || !isfinite(p->spacing[c]), err, QIB_ERR_ARG, NULL,
                    -1, sp_name[c], "spacing is %g mm; it must be a finite number > 0",
                    p->spacing[c]);
    }
    uint64_t n = (uint64_t)p->dim[0] * p->dim[1] * p->dim[2]; /* <= 2^36: no overflow */
    QIB_FAIL_IF(n > PHANTOM_MAX_VOXELS, err, QIB_ERR_LIMIT, NULL, -1, "dim",
                "%zu x %zu x %zu = %llu voxels; a phantom holds at most %zu", p->dim[0],
                p->dim[1], p->dim[2], (unsigned long long)n, PHANTOM_MAX_VOXELS);
    QIB_FAIL_IF(p->shape != QIB_PHANTOM_SPHERE && p->shape != QIB_PHANTOM_ELLIPSOID &&
                    p->shape != QIB_PHANTOM_CUBE,
                err, QIB_ERR_ARG, NULL, -1, "shape",
                "shape is %d; it must be 1 (sphere), 2 (ellipsoid) or 3 (cube)", (int)p->shape);
    int naxes = p->shape == QIB_PHANTOM_SPHERE ? 1 : 3;
    for (int c = 0; c < naxes; c++)
        QIB_FAIL_IF(!(p->radius[c] > 0) || !isfinite(p->radius[c]), err, QIB_ERR_ARG, NULL, -1,
                    rad_name[c], "radius is %g mm; it must be a finite number > 0",
                    p->radius[c]);
    for (int c = 0; c < 3; c++) r[c] = p->radius[naxes == 1 ? 0 : c];
    for (int c = 0; c < 3; c++) {
        double half = (double)p->dim[c] * p->spacing[c] / 2, off = p->centre_offset[c];
        QIB_FAIL_IF(!isfinite(off), err, QIB_ERR_ARG, NULL, -1, off_name[c],
                    "centre offset is %g mm; it must be finite", off);
        /* the shape's extent along c must lie within the field of view */
        QIB_FAIL_IF(fabs(off) + r[c] > half, err, QIB_ERR_ARG, NULL, -1,
                    fabs(off) >= half ? off_name[c] : rad_name[naxes == 1 ? 0 : c],
                    "the lesion spans %g..%g mm along axis %d but the grid covers only "
                    "%g..%g mm (radius %g, centre offset %g)",
                    off - r[c], off + r[c], c, -half, half, r[c], off);
    }
    QIB_FAIL_IF(!isfinite(p->background_hu), err, QIB_ERR_ARG, NULL, -1, "background_hu",
                "background_hu is %g; it must be finite", p->background_hu);
    QIB_FAIL_IF(!isfinite(p->lesion_hu), err, QIB_ERR_ARG, NULL, -1, "lesion_hu",
                "lesion_hu is %g; it must be finite", p->lesion_hu);
    QIB_FAIL_IF(!(p->noise_sd >= 0) || !isfinite(p->noise_sd), err, QIB_ERR_ARG, NULL, -1,
                "noise_sd", "noise_sd is %g HU; it must be a finite number >= 0", p->noise_sd);
    return QIB_OK;
}

static double exact_volume(qib_phantom_shape shape, const double r[3]) {
    if (shape == QIB_PHANTOM_CUBE) return 8 * r[0] * r[1] * r[2];
    return 4.0 / 3.0 * PHANTOM_PI * r[0] * r[1] * r[2];
}

/* ---- kernel ---- */

/* Fills img and msk; returns the lesion voxel count and the sum of the
 * noiseless stored values inside (exact in int64). */
static size_t fill(const qib_phantom_params *p, const qib_grid *g, const double r[3],
                   int16_t *img, uint8_t *msk, int64_t *noiseless_sum) {
    qib_rng rng;
    qib__rng_seed(&rng, p->seed);
    const bool noisy = p->noise_sd > 0;
    const double tol = surface_tolerance(p);
    size_t count = 0, n = 0;
    int64_t sum = 0;
    for (size_t k = 0; k < g->dim[2]; k++) {
        double z = g->origin[2] + g->spacing[2] * (double)k;
        for (size_t j = 0; j < g->dim[1]; j++) {
            double y = g->origin[1] + g->spacing[1] * (double)j;
            for (size_t i = 0; i < g->dim[0]; i++, n++) {
                double x = g->origin[0] + g->spacing[0] * (double)i;
                double d[3] = {x - p->centre_offset[0], y - p->centre_offset[1],
                               z - p->centre_offset[2]};
                bool in = inside(p->shape, d, r, tol);
                double base = in ? p->lesion_hu + lesion_texture(d[0], d[1], d[2])
                                 : p->background_hu + background_texture(x, y, z);
                double noise = noisy ? p->noise_sd * qib__rng_normal(&rng) : 0.0;
                img[n] = to_i16(base + noise);
                msk[n] = in;
                if (in) {
                    count++;
                    sum += to_i16(base);
                }
            }
        }
    }
    *noiseless_sum = sum;
    return count;
}

/* ---- public entry ---- */

qib_status qib_phantom_make(const qib_phantom_params *p, qib_volume **image, qib_volume **mask,
                            qib_phantom_truth *truth, qib_error *err) {
    QIB_FAIL_IF(!p || !image || !mask, err, QIB_ERR_ARG, NULL, -1, "params",
                "params, image and mask must not be NULL");
    double r[3];
    QIB_FORWARD(check_params(p, r, err));

    qib_grid g;
    qib_grid_init(&g, p->dim[0], p->dim[1], p->dim[2]);
    for (int c = 0; c < 3; c++) {
        g.spacing[c] = p->spacing[c];
        /* grid centre (index (n-1)/2) at world 0 */
        g.origin[c] = -((double)(p->dim[c] - 1) / 2) * p->spacing[c];
    }

    qib_volume *img = NULL, *msk = NULL;
    QIB_FORWARD(qib_volume_create(&g, 1, QIB_DT_I16, &img, err));
    qib_status st = qib_volume_create(&g, 1, QIB_DT_U8, &msk, err);
    if (st != QIB_OK) {
        qib_volume_free(img);
        return st;
    }
    int64_t sum = 0;
    size_t count = fill(p, &g, r, qib_volume_data(img), qib_volume_data(msk), &sum);
    if (count == 0) {
        qib_volume_free(img);
        qib_volume_free(msk);
        return qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "radius",
                         "no voxel centre lies inside the lesion; make it larger than the "
                         "spacing or move it with centre_offset");
    }
    if (truth) {
        truth->volume_mm3 = exact_volume(p->shape, r);
        truth->voxel_count = count;
        truth->voxel_volume_mm3 = (double)count * (p->spacing[0] * p->spacing[1] * p->spacing[2]);
        truth->mean_hu_noiseless = (double)sum / (double)count;
    }
    *image = img;
    *mask = msk;
    return QIB_OK;
}
