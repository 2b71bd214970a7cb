/* SPDX-License-Identifier: Apache-2.0 */
/* qib/filter.h: the IBSI 2 convolutional filters (mean, Laplacian of Gaussian,
 * Laws kernels, Gabor, separable and Simoncelli wavelets, Riesz transforms).
 *
 * A filter is named by a spec, "NAME" or "NAME:KEY=VALUE,KEY=VALUE,...", e.g.
 * "log:sigma=1.5,boundary=mirror". Every filter and parameter (type, default,
 * unit, range, description) is described once in a registry that drives the
 * parser, `qib filter --list` and docs/FILTERS.md. Spatial parameters are in
 * mm (as IBSI 2 states them) and are converted with the voxel spacing; kernel
 * sizes and distances that IBSI 2 gives in voxels stay in voxels.
 *
 * Applying a filter gives a float64 response volume on the image grid (or on
 * the grid of a box, when only the box is wanted). Index axes i, j, k are the
 * volume's own axes: "2D" filters work in the (i, j) plane of each slice k. */
#ifndef QIB_FILTER_H
#define QIB_FILTER_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the registry ---- */

typedef enum qib_filter_param_type {
    QIB_FILTER_PARAM_NUMBER = 1,  /* a finite real number within [min, max] */
    QIB_FILTER_PARAM_INTEGER = 2, /* an integer within [min, max] */
    QIB_FILTER_PARAM_CHOICE = 3,  /* one of `choices` ("a|b|c") */
    QIB_FILTER_PARAM_TEXT = 4     /* a word checked by the filter (kernel names, orders) */
} qib_filter_param_type;

typedef struct qib_filter_param_info {
    const char *name;          /* "sigma" */
    qib_filter_param_type type;
    const char *default_value; /* text of the default; NULL when the parameter is required */
    const char *unit;          /* "mm", "voxels", "degrees", or "" */
    const char *choices;       /* CHOICE: "zero|nearest|periodic|mirror"; else NULL */
    double min, max;           /* NUMBER and INTEGER: allowed range (inclusive) */
    const char *description;   /* one line */
} qib_filter_param_info;

typedef struct qib_filter_info {
    const char *name;        /* "log" */
    const char *title;       /* "Laplacian of Gaussian" */
    const char *description; /* one line: what the response is */
    const char *source;      /* where the definition comes from (IBSI 2 section) */
    const qib_filter_param_info *params;
    size_t n_params;
} qib_filter_info;

QIB_API size_t qib_filter_count(void);
QIB_API const qib_filter_info *qib_filter_at(size_t i);
/* The filter with this name, or NULL. */
QIB_API const qib_filter_info *qib_filter_find(const char *name);

/* ---- specs ---- */

typedef struct qib_filter_spec qib_filter_spec;

/* Parses a spec (at most 1024 bytes). Each key may appear once; missing
 * parameters take their defaults. On failure returns QIB_ERR_ARG with
 * err->field naming the parameter (or "filter") and err->offset the byte
 * position in `text` where the problem starts; the reason gives the value
 * seen and what is allowed. */
QIB_API qib_status qib_filter_spec_parse(const char *text, qib_filter_spec **out,
                                         qib_error *err);
QIB_API void qib_filter_spec_free(qib_filter_spec *spec);
QIB_API const qib_filter_info *qib_filter_spec_filter(const qib_filter_spec *spec);
/* The canonical text of a spec: the name and every parameter (defaults
 * included) in registry order, e.g. "mean:size=5,dim=3d,boundary=mirror".
 * Parsing it gives the same spec. Returns the length the full text needs,
 * like snprintf; buf is always NUL-terminated when n > 0. */
QIB_API size_t qib_filter_spec_format(const qib_filter_spec *spec, char *buf, size_t n);

/* ---- applying ---- */

/* The margin, in voxels along i, j, k, that the box variant reads around a
 * box: the support of the whole chain of kernels of this filter on grid g.
 * *global is set to 1 for filters applied in the Fourier domain with a
 * transfer function that is not compactly supported (Simoncelli, Riesz);
 * their box variant filters the whole image and crops it. */
QIB_API qib_status qib_filter_support(const qib_filter_spec *spec, const qib_grid *g,
                                      size_t margin[3], int *global, qib_error *err);

/* Filters every frame of `in`. box NULL: the response on the whole grid.
 * box given: the response on the box only (it must lie inside the grid),
 * computed from the box plus the filter's support (qib_filter_support), with
 * the boundary condition applied at the image border exactly as for the
 * whole image, so the values equal the whole-image response inside the box.
 * *out is a new QIB_DT_F64 volume on the image grid, or on the box's grid
 * (qib_grid_sub), with the same number of frames. */
QIB_API qib_status qib_filter_apply(const qib_volume *in, const qib_filter_spec *spec,
                                    const qib_box *box, qib_volume **out, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
