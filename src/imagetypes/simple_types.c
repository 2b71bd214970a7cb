/* SPDX-License-Identifier: Apache-2.0 */
/* simple_types.c: PyRadiomics' voxel-wise image types Original, Square, SquareRoot,
 * Logarithm and Exponential.
 *
 * Source: PyRadiomics 3.1 radiomics/imageoperations.py, getOriginalImage,
 * getSquareImage, getSquareRootImage, getLogarithmImage, getExponentialImage. Each
 * converts the image to float64 and scales with M = max|x| over the WHOLE image (not
 * only the region), so M is taken from every voxel even when only the mask's box is
 * returned. Where PyRadiomics would divide by zero or take log(0) (M = 0, or a NaN in
 * the image) and so yield NaN or infinite images, qib fails with QIB_ERR_NUMERIC
 * instead. */
#include <math.h>
#include <stdlib.h>

#include "imagetypes_internal.h"

/* Original: the image itself, cropped to the output box, in its own voxel type
 * (getOriginalImage yields the input unchanged). */
qib_status qib__imgt_original(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    qib_volume *v = NULL;
    QIB_FORWARD(qib_volume_crop(c->image, &c->box, &v, err));
    return qib__imgt_push(out, "original", v, err);
}

typedef enum simple_op { OP_SQUARE, OP_SQUAREROOT, OP_LOGARITHM, OP_EXPONENTIAL } simple_op;

/* M = max|x| over the whole image, checked for the operation. */
static qib_status image_scale(const qib__imgt_ctx *c, const char *type, bool need_positive,
                              double *m, qib_error *err) {
    double v = qib__imgt_max_abs(c->image);
    QIB_FAIL_IF(isnan(v), err, QIB_ERR_NUMERIC, NULL, -1, type, "the image holds NaN");
    QIB_FAIL_IF(need_positive && !(v > 0), err, QIB_ERR_NUMERIC, NULL, -1, type,
                "max|x| of the image is 0, so PyRadiomics' scaling divides by zero");
    *m = v;
    return QIB_OK;
}

/* Square: f(x) = (c x)^2 with c = 1 / sqrt(M). */
static double square(double x, double m) {
    double coeff = 1 / sqrt(m);
    double y = coeff * x;
    return y * y;
}

/* SquareRoot: f(x) = sqrt(x M) for x > 0, -sqrt(-x M) for x < 0, 0 for x = 0. */
static double squareroot(double x, double m) {
    if (x > 0) return sqrt(x * m);
    if (x < 0) return -sqrt(-x * m);
    return x;
}

/* Logarithm: g(x) = log(x + 1) for x > 0, -log(-(x - 1)) for x < 0, 0 for x = 0,
 * then f = g * (M / max|g|); max|g| = log(M + 1) since g is odd and increasing. */
static double logarithm(double x, double m) {
    double g = x > 0 ? log(x + 1) : x < 0 ? -log(-(x - 1)) : x;
    return g * (m / log(m + 1));
}

/* Exponential: f(x) = exp(c x) with c = log(M) / M. */
static double exponential(double x, double m) {
    double coeff = log(m) / m;
    return exp(coeff * x);
}

static qib_status simple(const qib__imgt_ctx *c, qib__imgt_list *out, simple_op op,
                         const char *type, const char *name, qib_error *err) {
    double m = 0;
    QIB_FORWARD(image_scale(c, type, op != OP_SQUAREROOT, &m, err));
    double *v = NULL;
    QIB_FORWARD(qib__imgt_box_values(c, &v, err));
    size_t n = c->box.size[0] * c->box.size[1] * c->box.size[2];
    for (size_t i = 0; i < n; i++) {
        switch (op) {
        case OP_SQUARE: v[i] = square(v[i], m); break;
        case OP_SQUAREROOT: v[i] = squareroot(v[i], m); break;
        case OP_LOGARITHM: v[i] = logarithm(v[i], m); break;
        case OP_EXPONENTIAL: v[i] = exponential(v[i], m); break;
        }
    }
    qib_volume *vol = NULL;
    qib_status st = qib__imgt_box_volume(c, v, false, &vol, err);
    free(v);
    QIB_FORWARD(st);
    return qib__imgt_push(out, name, vol, err);
}

qib_status qib__imgt_square(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    return simple(c, out, OP_SQUARE, "Square", "square", err);
}

qib_status qib__imgt_squareroot(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    return simple(c, out, OP_SQUAREROOT, "SquareRoot", "squareroot", err);
}

qib_status qib__imgt_logarithm(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    return simple(c, out, OP_LOGARITHM, "Logarithm", "logarithm", err);
}

qib_status qib__imgt_exponential(const qib__imgt_ctx *c, qib__imgt_list *out,
                                 qib_error *err) {
    return simple(c, out, OP_EXPONENTIAL, "Exponential", "exponential", err);
}
