/* SPDX-License-Identifier: Apache-2.0 */
/* mask.c: binary region masks, label selection, bounding boxes, crop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"

struct qib_mask {
    qib_grid grid;
    size_t n;
    uint8_t *data;
};

qib_status qib_mask_create(const qib_grid *g, qib_mask **out, qib_error *err) {
    size_t n = qib_grid_voxels(g);
    QIB_FAIL_IF(n == 0, err, QIB_ERR_ARG, NULL, -1, "dimensions",
                "mask grid is empty or its voxel count overflows");
    qib_mask *m = calloc(1, sizeof *m);
    if (!m) return qib__nomem(err, NULL, "a mask");
    m->data = calloc(n, 1);
    if (!m->data) {
        free(m);
        return qib__nomem(err, NULL, "mask voxels");
    }
    m->grid = *g;
    m->n = n;
    *out = m;
    return QIB_OK;
}

void qib_mask_free(qib_mask *m) {
    if (!m) return;
    free(m->data);
    free(m);
}

const qib_grid *qib_mask_grid(const qib_mask *m) { return &m->grid; }
uint8_t *qib_mask_data(qib_mask *m) { return m->data; }
const uint8_t *qib_mask_cdata(const qib_mask *m) { return m->data; }

size_t qib_mask_count(const qib_mask *m) {
    size_t c = 0;
    for (size_t i = 0; i < m->n; i++) c += m->data[i] != 0;
    return c;
}

/* Index of the first (or, with last, the last) non-zero byte of p[0..n-1],
 * n when there is none. Whole 8-byte words are tested at a time, so the empty
 * rows of a large mask cost little. */
static size_t find_set(const uint8_t *p, size_t n, bool last) {
    if (!last) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w) break;
        }
        for (; i < n; i++)
            if (p[i]) return i;
        return n;
    }
    size_t i = n;
    for (; i >= 8; i -= 8) {
        uint64_t w;
        memcpy(&w, p + i - 8, 8);
        if (w) break;
    }
    while (i > 0)
        if (p[--i]) return i;
    return n;
}

int qib_mask_bbox(const qib_mask *m, qib_box *box) {
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    size_t nx = m->grid.dim[0], ny = m->grid.dim[1], nz = m->grid.dim[2];
    bool any = false;
    const uint8_t *p = m->data;
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++, p += nx) {
            /* find first and last set voxel of the row */
            size_t a = find_set(p, nx, false);
            if (a == nx) continue;
            size_t b = find_set(p, nx, true);
            any = true;
            if (a < lo[0]) lo[0] = a;
            if (b > hi[0]) hi[0] = b;
            if (j < lo[1]) lo[1] = j;
            if (j > hi[1]) hi[1] = j;
            if (k < lo[2]) lo[2] = k;
            if (k > hi[2]) hi[2] = k;
        }
    if (!any) return 0;
    for (int c = 0; c < 3; c++) {
        box->lo[c] = lo[c];
        box->size[c] = hi[c] - lo[c] + 1;
    }
    return 1;
}

qib_status qib_mask_crop(const qib_mask *m, const qib_box *box, qib_mask **out,
                         qib_error *err) {
    for (int c = 0; c < 3; c++)
        QIB_FAIL_IF(box->size[c] == 0 || box->lo[c] >= m->grid.dim[c] ||
                        box->size[c] > m->grid.dim[c] - box->lo[c],
                    err, QIB_ERR_ARG, NULL, -1, "box", "crop box is not inside the mask grid");
    qib_grid g;
    qib_grid_sub(&m->grid, box, &g);
    qib_mask *r = NULL;
    QIB_FORWARD(qib_mask_create(&g, &r, err));
    size_t nx = m->grid.dim[0], ny = m->grid.dim[1];
    uint8_t *dst = r->data;
    for (size_t k = 0; k < box->size[2]; k++)
        for (size_t j = 0; j < box->size[1]; j++) {
            size_t s = ((box->lo[2] + k) * ny + box->lo[1] + j) * nx + box->lo[0];
            memcpy(dst, m->data + s, box->size[0]);
            dst += box->size[0];
        }
    *out = r;
    return QIB_OK;
}

/* Label of voxel i: the value rounded half away from zero (IBSI asks that
 * masks stored as floats be rounded to the nearest integer). */
bool qib__label_of(const qib_volume *v, size_t i, int64_t *out) {
    double x = qib_volume_value(v, i);
    if (!isfinite(x) || fabs(x) > 9.0e18) return false;
    *out = (int64_t)llround(x);
    return true;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

size_t qib_volume_labels(const qib_volume *labels, int64_t *out, size_t cap) {
    /* collect distinct labels; label volumes rarely hold more than a few */
    size_t n = qib_volume_frame_voxels(labels), count = 0, alloc = 16;
    int64_t *seen = malloc(alloc * sizeof *seen);
    if (!seen) return 0;
    int64_t last = 0;
    bool have_last = false;
    for (size_t i = 0; i < n; i++) {
        int64_t l;
        if (!qib__label_of(labels, i, &l) || l == 0) continue;
        if (have_last && l == last) continue;
        last = l;
        have_last = true;
        bool found = false;
        for (size_t k = 0; k < count; k++)
            if (seen[k] == l) {
                found = true;
                break;
            }
        if (found) continue;
        if (count == alloc) {
            if (alloc >= 65536) break; /* a label count this high is not a label map */
            int64_t *ns = realloc(seen, 2 * alloc * sizeof *ns);
            if (!ns) break;
            seen = ns;
            alloc *= 2;
        }
        seen[count++] = l;
    }
    qsort(seen, count, sizeof *seen, cmp_i64);
    for (size_t k = 0; k < count && k < cap; k++) out[k] = seen[k];
    free(seen);
    return count;
}

qib_status qib__label_missing(const qib_volume *labels, int64_t label, qib_error *err) {
    int64_t present[8];
    size_t np = qib_volume_labels(labels, present, 8);
    char list[160] = "";
    size_t used = 0;
    for (size_t k = 0; k < np && k < 8; k++) {
        int w = snprintf(list + used, sizeof list - used, "%s%lld", k ? ", " : "",
                         (long long)present[k]);
        if (w < 0 || (size_t)w >= sizeof list - used) break;
        used += (size_t)w;
    }
    if (np > 8 && used + 5 < sizeof list) strcat(list, ", ...");
    if (label == 0)
        return qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "label",
                         "the mask has no non-zero voxel");
    return qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "label",
                     "label %lld has no voxel; labels present: %s", (long long)label,
                     np ? list : "none (the mask is all zero)");
}

qib_status qib_mask_from_labels(const qib_volume *labels, int64_t label, qib_mask **out,
                                qib_error *err) {
    return qib__select_label(labels, label, out, NULL, err);
}
