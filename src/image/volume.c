/* SPDX-License-Identifier: Apache-2.0 */
/* volume.c: 3D and 4D voxel volumes: creation, access, conversion, crop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"

struct qib_volume {
    qib_grid grid;
    size_t frames;
    size_t frame_voxels;
    qib_dtype dtype;
    double frame_step;
    void *data;
};

static bool grid_valid(const qib_grid *g) {
    for (int c = 0; c < 3; c++)
        if (g->dim[c] == 0 || !(g->spacing[c] > 0) || !isfinite(g->spacing[c]) ||
            !isfinite(g->origin[c]))
            return false;
    for (int k = 0; k < 9; k++)
        if (!isfinite(g->direction[k])) return false;
    return true;
}

qib_status qib_volume_create(const qib_grid *g, size_t frames, qib_dtype t, qib_volume **out,
                             qib_error *err) {
    size_t es = qib_dtype_size(t);
    QIB_FAIL_IF(es == 0, err, QIB_ERR_ARG, NULL, -1, "dtype", "invalid voxel type %d", (int)t);
    QIB_FAIL_IF(frames == 0, err, QIB_ERR_ARG, NULL, -1, "frames", "a volume needs at least one frame");
    QIB_FAIL_IF(!grid_valid(g), err, QIB_ERR_ARG, NULL, -1, "grid",
                "grid needs positive dimensions and spacings and finite geometry");
    size_t n = qib_grid_voxels(g), total, bytes;
    QIB_FAIL_IF(n == 0 || !qib__mul_ok(n, frames, &total) || !qib__mul_ok(total, es, &bytes),
                err, QIB_ERR_LIMIT, NULL, -1, "dimensions", "voxel count overflows");
    qib_volume *v = calloc(1, sizeof *v);
    if (!v) return qib__nomem(err, NULL, "a volume");
    v->data = calloc(total, es);
    if (!v->data) {
        free(v);
        return qib__nomem(err, NULL, "voxel data");
    }
    v->grid = *g;
    v->frames = frames;
    v->frame_voxels = n;
    v->dtype = t;
    *out = v;
    return QIB_OK;
}

qib_status qib__volume_adopt(const qib_grid *g, size_t frames, qib_dtype t, void *data,
                             qib_volume **out, qib_error *err) {
    size_t es = qib_dtype_size(t);
    QIB_FAIL_IF(es == 0 || frames == 0 || !data || !grid_valid(g), err, QIB_ERR_ARG, NULL, -1,
                "grid", "invalid grid, type or data for a volume");
    size_t n = qib_grid_voxels(g), total;
    QIB_FAIL_IF(n == 0 || !qib__mul_ok(n, frames, &total) || total > SIZE_MAX / es, err,
                QIB_ERR_LIMIT, NULL, -1, "dimensions", "voxel count overflows");
    qib_volume *v = calloc(1, sizeof *v);
    if (!v) return qib__nomem(err, NULL, "a volume");
    v->data = data;
    v->grid = *g;
    v->frames = frames;
    v->frame_voxels = n;
    v->dtype = t;
    *out = v;
    return QIB_OK;
}

void qib_volume_free(qib_volume *v) {
    if (!v) return;
    free(v->data);
    free(v);
}

const qib_grid *qib_volume_grid(const qib_volume *v) { return &v->grid; }
qib_dtype qib_volume_dtype(const qib_volume *v) { return v->dtype; }
size_t qib_volume_frames(const qib_volume *v) { return v->frames; }
size_t qib_volume_frame_voxels(const qib_volume *v) { return v->frame_voxels; }
size_t qib_volume_bytes(const qib_volume *v) {
    return v->frame_voxels * v->frames * qib_dtype_size(v->dtype);
}
void *qib_volume_data(qib_volume *v) { return v->data; }
const void *qib_volume_cdata(const qib_volume *v) { return v->data; }
double qib_volume_frame_step(const qib_volume *v) { return v->frame_step; }
void qib_volume_set_frame_step(qib_volume *v, double step) { v->frame_step = step; }

qib_status qib_volume_set_grid(qib_volume *v, const qib_grid *g, qib_error *err) {
    QIB_FAIL_IF(g->dim[0] != v->grid.dim[0] || g->dim[1] != v->grid.dim[1] ||
                    g->dim[2] != v->grid.dim[2],
                err, QIB_ERR_ARG, NULL, -1, "dimensions", "new grid has other dimensions");
    QIB_FAIL_IF(!grid_valid(g), err, QIB_ERR_ARG, NULL, -1, "grid",
                "grid needs positive spacings and finite geometry");
    v->grid = *g;
    return QIB_OK;
}

static inline double value_at(const void *data, qib_dtype t, size_t n) {
    switch (t) {
    case QIB_DT_U8: return ((const uint8_t *)data)[n];
    case QIB_DT_I8: return ((const int8_t *)data)[n];
    case QIB_DT_U16: return ((const uint16_t *)data)[n];
    case QIB_DT_I16: return ((const int16_t *)data)[n];
    case QIB_DT_U32: return ((const uint32_t *)data)[n];
    case QIB_DT_I32: return ((const int32_t *)data)[n];
    case QIB_DT_U64: return (double)((const uint64_t *)data)[n];
    case QIB_DT_I64: return (double)((const int64_t *)data)[n];
    case QIB_DT_F32: return ((const float *)data)[n];
    case QIB_DT_F64: return ((const double *)data)[n];
    }
    return NAN;
}

double qib_volume_value(const qib_volume *v, size_t n) { return value_at(v->data, v->dtype, n); }

void qib_volume_frame_to_f64(const qib_volume *v, size_t t, double *out) {
    size_t base = t * v->frame_voxels;
    for (size_t i = 0; i < v->frame_voxels; i++) out[i] = value_at(v->data, v->dtype, base + i);
}

/* Rounds half away from zero and saturates to [lo, hi]; NaN becomes 0. */
static inline double to_int_range(double x, double lo, double hi) {
    if (isnan(x)) return 0;
    x = round(x);
    return x < lo ? lo : x > hi ? hi : x;
}

static void store(void *data, qib_dtype t, size_t n, double x) {
    switch (t) {
    case QIB_DT_U8: ((uint8_t *)data)[n] = (uint8_t)to_int_range(x, 0, 255); break;
    case QIB_DT_I8: ((int8_t *)data)[n] = (int8_t)to_int_range(x, -128, 127); break;
    case QIB_DT_U16: ((uint16_t *)data)[n] = (uint16_t)to_int_range(x, 0, 65535); break;
    case QIB_DT_I16: ((int16_t *)data)[n] = (int16_t)to_int_range(x, -32768, 32767); break;
    case QIB_DT_U32: ((uint32_t *)data)[n] = (uint32_t)to_int_range(x, 0, 4294967295.0); break;
    case QIB_DT_I32:
        ((int32_t *)data)[n] = (int32_t)to_int_range(x, -2147483648.0, 2147483647.0);
        break;
    case QIB_DT_U64:
        ((uint64_t *)data)[n] = (uint64_t)to_int_range(x, 0, 18446744073709549568.0);
        break;
    case QIB_DT_I64:
        ((int64_t *)data)[n] =
            (int64_t)to_int_range(x, -9223372036854775808.0, 9223372036854774784.0);
        break;
    case QIB_DT_F32: ((float *)data)[n] = (float)x; break;
    case QIB_DT_F64: ((double *)data)[n] = x; break;
    }
}

static bool is_integer_type(qib_dtype t) { return t != QIB_DT_F32 && t != QIB_DT_F64; }

qib_status qib_volume_convert(const qib_volume *v, qib_dtype t, qib_volume **out,
                              qib_error *err) {
    qib_volume *r = NULL;
    QIB_FORWARD(qib_volume_create(&v->grid, v->frames, t, &r, err));
    r->frame_step = v->frame_step;
    size_t total = v->frame_voxels * v->frames;
    if (t == v->dtype) {
        memcpy(r->data, v->data, total * qib_dtype_size(t));
    } else if ((v->dtype == QIB_DT_U64 || v->dtype == QIB_DT_I64) && is_integer_type(t)) {
        /* keep 64-bit integers exact where a double would round them */
        for (size_t i = 0; i < total; i++) {
            if (v->dtype == QIB_DT_I64) {
                int64_t x = ((const int64_t *)v->data)[i];
                store(r->data, t, i, (double)x);
                if (t == QIB_DT_U64) ((uint64_t *)r->data)[i] = x < 0 ? 0 : (uint64_t)x;
            } else {
                uint64_t x = ((const uint64_t *)v->data)[i];
                store(r->data, t, i, (double)x);
                if (t == QIB_DT_I64) ((int64_t *)r->data)[i] = x > INT64_MAX ? INT64_MAX : (int64_t)x;
            }
        }
    } else {
        for (size_t i = 0; i < total; i++) store(r->data, t, i, value_at(v->data, v->dtype, i));
    }
    *out = r;
    return QIB_OK;
}

static bool box_inside(const qib_box *b, const qib_grid *g) {
    for (int c = 0; c < 3; c++)
        if (b->size[c] == 0 || b->lo[c] >= g->dim[c] || b->size[c] > g->dim[c] - b->lo[c])
            return false;
    return true;
}

qib_status qib_volume_crop(const qib_volume *v, const qib_box *box, qib_volume **out,
                           qib_error *err) {
    QIB_FAIL_IF(!box_inside(box, &v->grid), err, QIB_ERR_ARG, NULL, -1, "box",
                "crop box [%zu+%zu, %zu+%zu, %zu+%zu] is not inside the %zu\u00d7%zu\u00d7%zu grid",
                box->lo[0], box->size[0], box->lo[1], box->size[1], box->lo[2], box->size[2],
                v->grid.dim[0], v->grid.dim[1], v->grid.dim[2]);
    qib_grid g;
    qib_grid_sub(&v->grid, box, &g);
    qib_volume *r = NULL;
    QIB_FORWARD(qib_volume_create(&g, v->frames, v->dtype, &r, err));
    r->frame_step = v->frame_step;
    size_t es = qib_dtype_size(v->dtype);
    const uint8_t *src = v->data;
    uint8_t *dst = r->data;
    size_t nx = v->grid.dim[0], ny = v->grid.dim[1];
    size_t row = box->size[0] * es;
    for (size_t t = 0; t < v->frames; t++)
        for (size_t k = 0; k < box->size[2]; k++)
            for (size_t j = 0; j < box->size[1]; j++) {
                size_t s = ((t * v->grid.dim[2] + box->lo[2] + k) * ny + box->lo[1] + j) * nx +
                           box->lo[0];
                memcpy(dst, src + s * es, row);
                dst += row;
            }
    *out = r;
    return QIB_OK;
}
