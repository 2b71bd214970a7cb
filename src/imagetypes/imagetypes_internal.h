/* SPDX-License-Identifier: Apache-2.0 */
/* imagetypes_internal.h: what the image type files share (folder-private).
 *
 * Each PyRadiomics image type is one function that reads its parameters from the
 * key/value list, computes its derived images on the output box and appends them, in
 * PyRadiomics' order, to a list. imagetypes.c dispatches by name and owns the list. */
#ifndef QIB_IMAGETYPES_INTERNAL_H
#define QIB_IMAGETYPES_INTERNAL_H

#include "../common/qib_internal.h"

/* What every image type gets. */
typedef struct qib__imgt_ctx {
    const qib_volume *image;  /* the (first frame of the) input image */
    const qib_mask *mask;     /* NULL: whole image */
    const qib_grid *grid;     /* the image grid */
    qib_box box;              /* output box: the mask's bounding box, else the whole grid */
    const qib_kv *params;     /* merged settings, later entries win */
    size_t n_params;
} qib__imgt_ctx;

/* A growing list of derived images. */
typedef struct qib__imgt_list {
    qib_derived_image *items;
    size_t n, cap;
} qib__imgt_list;

typedef qib_status (*qib__imgt_fn)(const qib__imgt_ctx *c, qib__imgt_list *out,
                                   qib_error *err);

/* ---- imagetypes.c: list, parameters, voxels ---- */
/* Appends `vol` (taken over, also on failure) under `name`. */
qib_status qib__imgt_push(qib__imgt_list *l, const char *name, qib_volume *vol,
                          qib_error *err);
/* A new float64 (or float32 when single) volume on the output box of c, filled from
 * data (box-sized, x fastest); `data` is double* or float*. */
qib_status qib__imgt_box_volume(const qib__imgt_ctx *c, const void *data, bool single,
                                qib_volume **out, qib_error *err);

/* The value text of a parameter, the last one given; NULL when absent. */
const char *qib__imgt_param(const qib__imgt_ctx *c, const char *key);
/* Parsers of YAML scalar texts (PyRadiomics parameter files, YAML 1.1 as PyYAML reads
 * them). Each fails with QIB_ERR_ARG naming `key`. A missing parameter (NULL text)
 * gives the default. */
qib_status qib__imgt_int(const qib__imgt_ctx *c, const char *key, long dflt, long lo,
                         long hi, long *out, qib_error *err);
qib_status qib__imgt_double(const qib__imgt_ctx *c, const char *key, double dflt,
                            double lo_excl, double *out, qib_error *err);
qib_status qib__imgt_bool(const qib__imgt_ctx *c, const char *key, bool dflt, bool *out,
                          qib_error *err);
/* A flow sequence "[a, b, c]" of numbers: values, and each item's text as Python's
 * str() would print the parsed number (ints as ints, floats by repr: "1.0", "0.5",
 * "1e-05"). Up to cap items; *n gets the count. */
#define QIB_IMGT_LIST_MAX 64
qib_status qib__imgt_number_list(const qib__imgt_ctx *c, const char *key, double *vals,
                                 char (*texts)[32], size_t cap, size_t *n, qib_error *err);

/* Reads voxels [start, start+count) of the image's first frame as doubles. */
void qib__imgt_read(const qib_volume *v, size_t start, size_t count, double *out);
/* Largest |x| over the whole image (first frame); NaN if any voxel is NaN. */
double qib__imgt_max_abs(const qib_volume *v);
/* The output box as doubles, x fastest (box voxels). */
qib_status qib__imgt_box_values(const qib__imgt_ctx *c, double **out, qib_error *err);

/* ---- the image types (one file each) ---- */
qib_status qib__imgt_original(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_wavelet(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_log(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_square(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_squareroot(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_logarithm(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_exponential(const qib__imgt_ctx *c, qib__imgt_list *out,
                                 qib_error *err);
qib_status qib__imgt_gradient(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_lbp2d(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);
qib_status qib__imgt_lbp3d(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err);

#endif
