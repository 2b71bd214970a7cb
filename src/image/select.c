/* SPDX-License-Identifier: Apache-2.0 */
/* select.c: the region of one label, and its bounding box, from a label
 * volume, touching no more memory than needed.
 *
 * Converting every voxel of the label volume to double, rounding it and
 * writing a whole-image mask is, on a 512 x 512 x 200 CT, most of what an
 * extraction costs outside the features. Here the label volume is read once
 * in its own type (rows are
 * tested with a branch-free loop the compiler vectorises), and the mask is
 * written only inside the bounding box: outside it the mask is the zero
 * memory calloc returns, which for a large volume the kernel maps lazily and
 * which is therefore never touched. qib_mask_from_labels (mask.c) is this
 * selection without the box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"

/* Row scanners. For an integer type T no wider than 32 bits, a label value
 * is its own rounded value, so "rounded value == label" is "value == label"
 * when the label lies in T's range (and never true otherwise), and label 0
 * ("every non-zero voxel") is "value != 0". row_hit reports whether a row
 * holds a selected voxel; row_fill writes the row's 0/1 mask. */
#define ROW_FUNCS(NAME, T)                                                                  \
    static bool row_hit_##NAME(const T *p, size_t n, T lab, bool any) {                     \
        T hit = 0; /* in T, so the loop stays in T-wide vector lanes */                     \
        if (any)                                                                            \
            for (size_t i = 0; i < n; i++) hit |= p[i];                                     \
        else                                                                                \
            for (size_t i = 0; i < n; i++) hit |= (T)(p[i] == lab);                         \
        return hit != 0;                                                                    \
    }                                                                                       \
    static void row_fill_##NAME(const T *p, size_t n, T lab, bool any, uint8_t *out) {      \
        if (any)                                                                            \
            for (size_t i = 0; i < n; i++) out[i] = p[i] != 0;                              \
        else                                                                                \
            for (size_t i = 0; i < n; i++) out[i] = p[i] == lab;                            \
    }
ROW_FUNCS(u8, uint8_t)
ROW_FUNCS(i8, int8_t)
ROW_FUNCS(u16, uint16_t)
ROW_FUNCS(i16, int16_t)
ROW_FUNCS(u32, uint32_t)
ROW_FUNCS(i32, int32_t)
#undef ROW_FUNCS

/* Any other type (64-bit integers, floats): the value as a label, as
 * qib_volume_labels reads it (qib__label_of). */
static inline bool generic_in(const qib_volume *v, size_t i, int64_t label) {
    int64_t l;
    if (!qib__label_of(v, i, &l)) return false;
    return label == 0 ? l != 0 : l == label;
}

/* How one row (voxels [start, start + n) of frame 0) is tested and filled. */
typedef struct scanner {
    const qib_volume *v;
    const void *data;
    qib_dtype t;
    int64_t label;
    bool never; /* the label lies outside the type's range: nothing is selected */
} scanner;

static bool row_hit(const scanner *s, size_t start, size_t n) {
    bool any = s->label == 0;
    if (s->never) return false;
    switch (s->t) {
    case QIB_DT_U8: return row_hit_u8((const uint8_t *)s->data + start, n, (uint8_t)s->label, any);
    case QIB_DT_I8: return row_hit_i8((const int8_t *)s->data + start, n, (int8_t)s->label, any);
    case QIB_DT_U16:
        return row_hit_u16((const uint16_t *)s->data + start, n, (uint16_t)s->label, any);
    case QIB_DT_I16:
        return row_hit_i16((const int16_t *)s->data + start, n, (int16_t)s->label, any);
    case QIB_DT_U32:
        return row_hit_u32((const uint32_t *)s->data + start, n, (uint32_t)s->label, any);
    case QIB_DT_I32:
        return row_hit_i32((const int32_t *)s->data + start, n, (int32_t)s->label, any);
    default:
        for (size_t i = 0; i < n; i++)
            if (generic_in(s->v, start + i, s->label)) return true;
        return false;
    }
}

static void row_fill(const scanner *s, size_t start, size_t n, uint8_t *out) {
    bool any = s->label == 0;
    if (s->never) {
        memset(out, 0, n);
        return;
    }
    switch (s->t) {
    case QIB_DT_U8:
        row_fill_u8((const uint8_t *)s->data + start, n, (uint8_t)s->label, any, out);
        return;
    case QIB_DT_I8:
        row_fill_i8((const int8_t *)s->data + start, n, (int8_t)s->label, any, out);
        return;
    case QIB_DT_U16:
        row_fill_u16((const uint16_t *)s->data + start, n, (uint16_t)s->label, any, out);
        return;
    case QIB_DT_I16:
        row_fill_i16((const int16_t *)s->data + start, n, (int16_t)s->label, any, out);
        return;
    case QIB_DT_U32:
        row_fill_u32((const uint32_t *)s->data + start, n, (uint32_t)s->label, any, out);
        return;
    case QIB_DT_I32:
        row_fill_i32((const int32_t *)s->data + start, n, (int32_t)s->label, any, out);
        return;
    default:
        for (size_t i = 0; i < n; i++) out[i] = generic_in(s->v, start + i, s->label);
        return;
    }
}

/* Is the label outside the range of the (narrow integer) type? */
static bool label_out_of_range(qib_dtype t, int64_t label) {
    int64_t lo = 0, hi = 0;
    switch (t) {
    case QIB_DT_U8: lo = 0, hi = UINT8_MAX; break;
    case QIB_DT_I8: lo = INT8_MIN, hi = INT8_MAX; break;
    case QIB_DT_U16: lo = 0, hi = UINT16_MAX; break;
    case QIB_DT_I16: lo = INT16_MIN, hi = INT16_MAX; break;
    case QIB_DT_U32: lo = 0, hi = UINT32_MAX; break;
    case QIB_DT_I32: lo = INT32_MIN, hi = INT32_MAX; break;
    default: return false;
    }
    return label < lo || label > hi;
}

qib_status qib__select_label(const qib_volume *labels, int64_t label, qib_mask **out,
                             qib_box *box, qib_error *err) {
    const qib_grid *g = qib_volume_grid(labels);
    size_t nx = g->dim[0], ny = g->dim[1], nz = g->dim[2];
    scanner s = {labels, qib_volume_cdata(labels), qib_volume_dtype(labels), label, false};
    s.never = label != 0 && label_out_of_range(s.t, label);

    /* pass 1: the rows that hold the label, and the box */
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    uint8_t *row = malloc(nx ? nx : 1);
    if (!row) return qib__nomem(err, NULL, "a mask row");
    bool found = false;
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++) {
            size_t start = (k * ny + j) * nx;
            if (!row_hit(&s, start, nx)) continue;
            row_fill(&s, start, nx, row);
            size_t a = 0, b = nx - 1;
            while (!row[a]) a++;
            while (!row[b]) b--;
            found = true;
            if (a < lo[0]) lo[0] = a;
            if (b > hi[0]) hi[0] = b;
            if (j < lo[1]) lo[1] = j;
            if (j > hi[1]) hi[1] = j;
            if (k < lo[2]) lo[2] = k;
            if (k > hi[2]) hi[2] = k;
        }
    free(row);
    if (!found) return qib__label_missing(labels, label, err);

    /* pass 2: the mask inside the box; the rest stays calloc's zeros */
    qib_mask *m = NULL;
    QIB_FORWARD(qib_mask_create(g, &m, err));
    uint8_t *md = qib_mask_data(m);
    size_t w = hi[0] - lo[0] + 1;
    for (size_t k = lo[2]; k <= hi[2]; k++)
        for (size_t j = lo[1]; j <= hi[1]; j++) {
            size_t start = (k * ny + j) * nx + lo[0];
            row_fill(&s, start, w, md + start);
        }
    if (box)
        for (int c = 0; c < 3; c++) {
            box->lo[c] = lo[c];
            box->size[c] = hi[c] - lo[c] + 1;
        }
    *out = m;
    return QIB_OK;
}
