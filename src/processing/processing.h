/* SPDX-License-Identifier: Apache-2.0 */
/* processing.h: the IBSI 1 image processing chain (folder-private).
 *
 * Order (IBSI 1 manual, chapter "Image processing"):
 *   1. input rounding       IBSI asks that NIfTI data be converted to >= 32-bit
 *                           float and rounded (processing.c)
 *   2. interpolation        image and mask onto IBSI's centred grid (interpolate.c)
 *   3. intensity rounding   after image interpolation (interpolate.c)
 *   4. mask threshold       partial-volume threshold of the interpolated mask
 *   5. re-segmentation      range, then outliers, giving the intensity mask;
 *                           the morphological mask stays the interpolated one
 *                           (resegment.c)
 *   6. discretisation       fixed bin number / fixed bin size / none (discretise.c)
 * Everything is computed in double precision. */
#ifndef QIB_PROCESSING_H
#define QIB_PROCESSING_H

#include "../common/qib_internal.h"

typedef enum qib_interp {
    QIB_INTERP_NEAREST = 0,
    QIB_INTERP_LINEAR = 1,
    QIB_INTERP_CUBIC = 3 /* cubic B-spline with prefilter (scipy map_coordinates, order 3) */
} qib_interp;

typedef enum qib_discr {
    QIB_DISCR_NONE = 0, /* rounded intensities, shifted to start at 1 (see discretise.c) */
    QIB_DISCR_FBN = 1,  /* fixed bin number */
    QIB_DISCR_FBS = 2   /* fixed bin size */
} qib_discr;

/* The processing settings, parsed and checked once. */
typedef struct qib_proc_options {
    bool input_rounding;     /* round intensities as loaded */
    bool slice_2d;           /* dimensionality 2d: in-plane interpolation only */
    bool resample;           /* false: keep the input grid */
    double spacing[3];       /* new spacing in mm; 0 keeps the input spacing of that axis */
    qib_interp image_interp; /* image interpolation */
    qib_interp mask_interp;  /* mask interpolation (nearest or linear) */
    bool round_intensity;    /* round interpolated intensities to integers */
    double mask_threshold;   /* partial-volume threshold: inside when >= threshold */
    double reseg_lo, reseg_hi; /* range re-segmentation; -inf/+inf when open */
    bool reseg_outliers;     /* drop voxels outside mean +- 3 SD */
    qib_discr discr;         /* discretisation for texture and intensity histogram */
    double bin_count, bin_width;
    qib_discr ivh_discr;     /* discretisation for the intensity-volume histogram */
    double ivh_bin_count, ivh_bin_width;
} qib_proc_options;

/* ---- processing.c ---- */
/* Reads and checks the processing settings; errors name the setting. */
qib_status qib__proc_options(const qib_settings *s, qib_proc_options *o, qib_error *err);
/* Parses "none" or "x,y,z" (mm, 0 = keep) into spacing; *resample false for "none". */
qib_status qib__parse_spacing(const char *text, bool *resample, double spacing[3],
                              qib_error *err);
/* Parses "none" or "lo,hi" (either may be "inf", "-inf" or empty). */
qib_status qib__parse_range(const char *text, double *lo, double *hi, qib_error *err);

/* The region after the chain, on the computed box of the new grid. */
typedef struct qib_processed {
    qib_grid full_grid; /* the new grid over the whole input image */
    qib_box box;        /* the computed voxels of full_grid */
    qib_grid grid;      /* grid of the arrays below (box of full_grid) */
    size_t n;           /* voxels in grid */
    double *image;      /* processed intensities */
    uint8_t *morph;     /* morphological mask */
    uint8_t *int_mask;  /* intensity mask */
    size_t n_morph, n_int;
    int32_t *levels;    /* discretised levels of int_mask voxels, 0 elsewhere */
    int32_t n_levels;
    double level_x_min; /* Xmin the discretisation used */
} qib_processed;

/* Runs the chain on frame 0 of `image` for `mask` (same grid), whose bounding
 * box is roi_box; pad: voxels kept around the region on the new grid. */
qib_status qib__process(const qib_volume *image, const qib_mask *mask, const qib_box *roi_box,
                        const qib_proc_options *o, size_t pad, qib_processed *out,
                        qib_error *err);
void qib__processed_free(qib_processed *p);

/* ---- interpolate.c ----
 * IBSI grid (manual, "Interpolation", grid alignment "align grid centres"):
 * along each axis with n_a input voxels of spacing s_a and new spacing s_b,
 *     n_b = ceil(n_a * s_a / s_b)
 * and output voxel j sits at input (continuous) index
 *     x(j) = off + j * s_b / s_a,  off = (s_a (n_a - 1) - s_b (n_b - 1)) / (2 s_a),
 * so that both grids share their centre. Positions outside the input grid are
 * clamped to its edge (scipy's mode "nearest", as used by MIRP). */
typedef struct qib_interp_plan {
    qib_grid in_full;   /* the whole input grid */
    qib_grid out_full;  /* the new grid over the whole input image */
    qib_box out_box;    /* voxels of out_full that are computed */
    qib_box in_box;     /* input voxels the computed ones need */
    double off[3];      /* input index of output index 0 */
    double ratio[3];    /* input index step per output index step (s_b / s_a) */
    bool identity[3];   /* axis kept as is */
} qib_interp_plan;

/* The new grid for spacing (0 = keep an axis) over grid `in`. */
void qib__interp_grid(const qib_grid *in, const double spacing[3], qib_grid *out,
                      double off[3], double ratio[3]);
/* Plans the interpolation of the region whose input bounding box is roi_box:
 * the output box covers every output voxel that can be inside the mask after
 * interpolation, grown by pad_out voxels (clipped to the new grid), and the
 * input box what the interpolation kernel needs for them. */
qib_status qib__interp_plan_make(const qib_grid *in, const qib_box *roi_box,
                                 const qib_proc_options *o, size_t pad_out,
                                 qib_interp_plan *plan, qib_error *err);
/* Interpolates `in` (the plan's in_box, i fastest) onto the plan's out_box
 * (`out`, i fastest) with the given method. */
qib_status qib__interp_apply(const qib_interp_plan *p, const double *in, qib_interp method,
                             double *out, qib_error *err);

/* ---- resegment.c ---- */
/* Intensity mask = morph mask, minus voxels outside [reseg_lo, reseg_hi], minus
 * (when reseg_outliers) voxels outside mean +- 3 SD of the voxels left.
 * *n_int gets the voxels left (may be 0). */
void qib__resegment(const double *img, const uint8_t *morph, size_t n,
                    const qib_proc_options *o, uint8_t *int_mask, size_t *n_int);

/* ---- discretise.c ---- */
/* Discretises the voxels inside `mask` into levels >= 1 (0 outside).
 *   FBN: X_d = floor(Ng (X - Xmin) / (Xmax - Xmin)) + 1, Xmax -> Ng; Xmin/Xmax of
 *        the ROI; every voxel -> 1 when Xmax == Xmin.
 *   FBS: X_d = floor((X - Xmin) / w) + 1, Xmin = lo_bound when finite, else the
 *        ROI minimum.
 *   NONE: X_d = round(X) - round(Xmin) + 1 (Xmin as for FBS): FBS with w = 1 on
 *        the rounded intensities, which keeps integer data (HU) unchanged up to
 *        the shift.
 * *n_levels gets Ng for FBN, the largest level for FBS/NONE. *x_min gets the
 * Xmin used (the ROI minimum for FBN). Fails with QIB_ERR_LIMIT above 2^24 levels. */
qib_status qib__discretise(const double *img, const uint8_t *mask, size_t n, qib_discr method,
                           double param, double lo_bound, int32_t *levels, int32_t *n_levels,
                           double *x_min, qib_error *err);

#endif
