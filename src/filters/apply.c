/* SPDX-License-Identifier: Apache-2.0 */
/* apply.c: the public entry points: a filter's support, and applying it to
 * a volume, whole or on a box plus the support. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

qib_status qib_filter_support(const qib_filter_spec *spec, const qib_grid *g, size_t margin[3],
                              int *global, qib_error *err) {
    QIB_FAIL_IF(!spec || !g || !margin || !global, err, QIB_ERR_ARG, NULL, -1, "filter",
                "missing argument");
    return spec->def->support(spec, g->spacing, g->dim, margin, global, err);
}

/* Copies frame t of the block (lo, size) of v into img as doubles; fails on
 * a voxel that is not finite (a NaN would spread through the response). */
static qib_status load_block(const qib_volume *v, size_t t, const size_t lo[3],
                             const size_t size[3], qib__img *img, qib_error *err) {
    const qib_grid *g = qib_volume_grid(v);
    size_t base = t * qib_volume_frame_voxels(v);
    for (size_t z = 0; z < size[2]; z++)
        for (size_t y = 0; y < size[1]; y++)
            for (size_t x = 0; x < size[0]; x++) {
                size_t i = (lo[0] + x) + g->dim[0] * ((lo[1] + y) + g->dim[1] * (lo[2] + z));
                double val = qib_volume_value(v, base + i);
                if (!isfinite(val))
                    return qib__fail(err, QIB_ERR_NUMERIC, NULL, -1, "image",
                                     "voxel (%zu, %zu, %zu) of frame %zu is %g; filters need "
                                     "finite values",
                                     lo[0] + x, lo[1] + y, lo[2] + z, t, val);
                img->v[x + size[0] * (y + size[1] * z)] = val;
            }
    return QIB_OK;
}

qib_status qib_filter_apply(const qib_volume *in, const qib_filter_spec *spec,
                            const qib_box *box, qib_volume **out, qib_error *err) {
    QIB_FAIL_IF(!in || !spec || !out, err, QIB_ERR_ARG, NULL, -1, "filter", "missing argument");
    const qib_grid *g = qib_volume_grid(in);
    qib_box whole = {{0, 0, 0}, {g->dim[0], g->dim[1], g->dim[2]}};
    if (box) {
        for (int a = 0; a < 3; a++)
            QIB_FAIL_IF(box->size[a] == 0 || box->lo[a] >= g->dim[a] ||
                            box->size[a] > g->dim[a] - box->lo[a],
                        err, QIB_ERR_ARG, NULL, -1, "box",
                        "box %zu+%zu along axis %d does not lie inside the %zu voxels of the "
                        "image",
                        box->lo[a], box->size[a], a, g->dim[a]);
    } else {
        box = &whole;
    }
    size_t margin[3], crop_lo[3], crop_size[3];
    int global = 0;
    QIB_FORWARD(spec->def->support(spec, g->spacing, g->dim, margin, &global, err));
    if (global || box == &whole) {
        memset(crop_lo, 0, sizeof crop_lo);
        memcpy(crop_size, g->dim, sizeof crop_size);
    } else {
        qib__support_crop(g->dim, box->lo, box->size, margin,
                          (qib__bc)qib__spec_choice(spec, "boundary"), crop_lo, crop_size);
    }
    qib_grid og;
    qib_grid_sub(g, box, &og);
    qib_volume *res = NULL;
    QIB_FORWARD(qib_volume_create(&og, qib_volume_frames(in), QIB_DT_F64, &res, err));
    qib__img img;
    qib_status st = qib__img_alloc(&img, crop_size, g->spacing, err);
    if (st != QIB_OK) {
        qib_volume_free(res);
        return st;
    }
    double *dst = qib_volume_data(res);
    size_t fv = qib_volume_frame_voxels(res);
    for (size_t t = 0; t < qib_volume_frames(in) && st == QIB_OK; t++) {
        st = load_block(in, t, crop_lo, crop_size, &img, err);
        if (st == QIB_OK) st = spec->def->apply(spec, &img, err);
        if (st != QIB_OK) break;
        /* the box inside the crop */
        for (size_t z = 0; z < box->size[2]; z++)
            for (size_t y = 0; y < box->size[1]; y++)
                for (size_t x = 0; x < box->size[0]; x++) {
                    size_t sx = box->lo[0] - crop_lo[0] + x, sy = box->lo[1] - crop_lo[1] + y,
                           sz = box->lo[2] - crop_lo[2] + z;
                    dst[t * fv + x + box->size[0] * (y + box->size[1] * z)] =
                        img.v[sx + crop_size[0] * (sy + crop_size[1] * sz)];
                }
    }
    qib__img_free(&img);
    if (st != QIB_OK) {
        qib_volume_free(res);
        return st;
    }
    *out = res;
    return QIB_OK;
}
