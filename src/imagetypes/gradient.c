/* SPDX-License-Identifier: Apache-2.0 */
/* gradient.c: PyRadiomics' Gradient image type, the gradient magnitude.
 *
 * Source: PyRadiomics 3.1 getGradientImage runs SimpleITK's
 * GradientMagnitudeImageFilter with SetUseImageSpacing(gradientUseSpacing, default
 * true). ITK (Modules/Filtering/ImageGradient/itkGradientMagnitudeImageFilter.hxx):
 * per axis d (x, y, z in that order) the first-derivative operator {-1/2, 0, 1/2},
 * scaled by 1/spacing_d when spacing is used, is applied by inner product over the
 * 3-voxel neighbourhood, with ZeroFluxNeumann boundaries (a voxel outside the image
 * takes the value of the nearest edge voxel):
 *     g_d = (-c_d) x[i-1] + 0 x[i] + c_d x[i+1],   c_d = 0.5 * (1 / spacing_d)
 *     |grad| = sqrt(g_x^2 + g_y^2 + g_z^2)       (accumulated from 0 in that order)
 * in double precision. Direction cosines are ignored, as in ITK. Only neighbours are
 * needed, so the output box is computed directly and equals the whole-image result. */
#include <math.h>
#include <stdlib.h>

#include "imagetypes_internal.h"

/* Clamped index: ZeroFluxNeumann boundary. */
static size_t clamp_index(size_t lo, long off, size_t n) {
    long i = (long)lo + off;
    if (i < 0) return 0;
    if ((size_t)i >= n) return n - 1;
    return (size_t)i;
}

qib_status qib__imgt_gradient(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    bool use_spacing = true;
    QIB_FORWARD(qib__imgt_bool(c, "gradientUseSpacing", true, &use_spacing, err));
    const qib_box *b = &c->box;
    const size_t *d = c->grid->dim;
    double coef[3];
    for (int a = 0; a < 3; a++) coef[a] = use_spacing ? 0.5 * (1.0 / c->grid->spacing[a]) : 0.5;
    /* the box plus one voxel each side, clamped (edge voxels repeated) */
    size_t e[3] = {b->size[0] + 2, b->size[1] + 2, b->size[2] + 2};
    double *src = malloc(e[0] * e[1] * e[2] * sizeof *src);
    double *res = malloc(b->size[0] * b->size[1] * b->size[2] * sizeof *res);
    double *row = malloc(d[0] * sizeof *row);
    if (!src || !res || !row) {
        free(src);
        free(res);
        free(row);
        return qib__nomem(err, NULL, "the gradient");
    }
    for (size_t k = 0; k < e[2]; k++)
        for (size_t j = 0; j < e[1]; j++) {
            size_t zk = clamp_index(b->lo[2] + k, -1, d[2]);
            size_t yj = clamp_index(b->lo[1] + j, -1, d[1]);
            qib__imgt_read(c->image, (zk * d[1] + yj) * d[0], d[0], row);
            double *dst = src + (k * e[1] + j) * e[0];
            for (size_t i = 0; i < e[0]; i++) dst[i] = row[clamp_index(b->lo[0] + i, -1, d[0])];
        }
    size_t sx = 1, sy = e[0], sz = e[0] * e[1];
    const size_t stride[3] = {sx, sy, sz};
    for (size_t k = 0; k < b->size[2]; k++)
        for (size_t j = 0; j < b->size[1]; j++)
            for (size_t i = 0; i < b->size[0]; i++) {
                const double *p = src + (k + 1) * sz + (j + 1) * sy + (i + 1);
                double acc = 0;
                for (int a = 0; a < 3; a++) {
                    double g = 0;
                    g += -coef[a] * p[-(long)stride[a]];
                    g += 0.0 * p[0];
                    g += coef[a] * p[stride[a]];
                    acc += g * g;
                }
                res[(k * b->size[1] + j) * b->size[0] + i] = sqrt(acc);
            }
    free(src);
    free(row);
    qib_volume *vol = NULL;
    qib_status st = qib__imgt_box_volume(c, res, false, &vol, err);
    free(res);
    QIB_FORWARD(st);
    return qib__imgt_push(out, "gradient", vol, err);
}
