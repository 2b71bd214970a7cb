/* SPDX-License-Identifier: Apache-2.0 */
/* grid.c: voxel grids in LPS patient coordinates, index<->world, boxes. */
#include <math.h>
#include <string.h>

#include "../common/qib_internal.h"

void qib_grid_init(qib_grid *g, size_t nx, size_t ny, size_t nz) {
    memset(g, 0, sizeof *g);
    g->dim[0] = nx;
    g->dim[1] = ny;
    g->dim[2] = nz;
    for (int c = 0; c < 3; c++) {
        g->spacing[c] = 1.0;
        g->direction[3 * c + c] = 1.0;
    }
}

size_t qib_grid_voxels(const qib_grid *g) {
    size_t n;
    if (!qib__mul_ok(g->dim[0], g->dim[1], &n) || !qib__mul_ok(n, g->dim[2], &n)) return 0;
    return n;
}

void qib_grid_index_to_world(const qib_grid *g, const double ijk[3], double xyz[3]) {
    for (int r = 0; r < 3; r++) {
        double s = g->origin[r];
        for (int c = 0; c < 3; c++) s += g->direction[3 * r + c] * g->spacing[c] * ijk[c];
        xyz[r] = s;
    }
}

void qib_grid_affine(const qib_grid *g, double m[16]) {
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) m[4 * r + c] = g->direction[3 * r + c] * g->spacing[c];
        m[4 * r + 3] = g->origin[r];
    }
    m[12] = m[13] = m[14] = 0.0;
    m[15] = 1.0;
}

qib_status qib_grid_world_to_index(const qib_grid *g, const double xyz[3], double ijk[3]) {
    double a[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) a[3 * r + c] = g->direction[3 * r + c] * g->spacing[c];
    double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                 a[2] * (a[3] * a[7] - a[4] * a[6]);
    if (!(fabs(det) > 1e-300) || !isfinite(det))
        return QIB_ERR_NUMERIC;
    double inv[9] = {
        (a[4] * a[8] - a[5] * a[7]) / det, (a[2] * a[7] - a[1] * a[8]) / det,
        (a[1] * a[5] - a[2] * a[4]) / det, (a[5] * a[6] - a[3] * a[8]) / det,
        (a[0] * a[8] - a[2] * a[6]) / det, (a[2] * a[3] - a[0] * a[5]) / det,
        (a[3] * a[7] - a[4] * a[6]) / det, (a[1] * a[6] - a[0] * a[7]) / det,
        (a[0] * a[4] - a[1] * a[3]) / det,
    };
    double d[3] = {xyz[0] - g->origin[0], xyz[1] - g->origin[1], xyz[2] - g->origin[2]};
    for (int r = 0; r < 3; r++)
        ijk[r] = inv[3 * r + 0] * d[0] + inv[3 * r + 1] * d[1] + inv[3 * r + 2] * d[2];
    return QIB_OK;
}

qib_status qib_grid_check_same(const qib_grid *a, const qib_grid *b, double tolerance,
                               double direction_tolerance, qib_error *err) {
    if (tolerance <= 0) tolerance = 1e-6;
    if (direction_tolerance <= 0) direction_tolerance = 1e-6;
    if (a->dim[0] != b->dim[0] || a->dim[1] != b->dim[1] || a->dim[2] != b->dim[2])
        return qib__fail(err, QIB_ERR_GRID_MISMATCH, NULL, -1, NULL,
                         "dimensions %zu\u00d7%zu\u00d7%zu differ from image %zu\u00d7%zu\u00d7%zu",
                         b->dim[0], b->dim[1], b->dim[2], a->dim[0], a->dim[1], a->dim[2]);
    /* ITK: coordinate tolerance scaled by the first spacing of the image. */
    double ctol = tolerance * a->spacing[0];
    for (int c = 0; c < 3; c++)
        if (!(fabs(a->spacing[c] - b->spacing[c]) <= ctol))
            return qib__fail(err, QIB_ERR_GRID_MISMATCH, NULL, -1, NULL,
                             "spacing %.9g\u00d7%.9g\u00d7%.9g mm differs from image "
                             "%.9g\u00d7%.9g\u00d7%.9g mm (tolerance %.3g mm)",
                             b->spacing[0], b->spacing[1], b->spacing[2], a->spacing[0],
                             a->spacing[1], a->spacing[2], ctol);
    for (int c = 0; c < 3; c++)
        if (!(fabs(a->origin[c] - b->origin[c]) <= ctol))
            return qib__fail(err, QIB_ERR_GRID_MISMATCH, NULL, -1, NULL,
                             "origin (%.9g, %.9g, %.9g) mm differs from image "
                             "(%.9g, %.9g, %.9g) mm (tolerance %.3g mm)",
                             b->origin[0], b->origin[1], b->origin[2], a->origin[0],
                             a->origin[1], a->origin[2], ctol);
    for (int k = 0; k < 9; k++)
        if (!(fabs(a->direction[k] - b->direction[k]) <= direction_tolerance))
            return qib__fail(err, QIB_ERR_GRID_MISMATCH, NULL, -1, NULL,
                             "direction cosines [%.6g %.6g %.6g; %.6g %.6g %.6g; %.6g %.6g "
                             "%.6g] differ from the image's (tolerance %.3g)",
                             b->direction[0], b->direction[1], b->direction[2],
                             b->direction[3], b->direction[4], b->direction[5],
                             b->direction[6], b->direction[7], b->direction[8],
                             direction_tolerance);
    return QIB_OK;
}

void qib_box_pad(qib_box *box, const size_t pad[3], const qib_grid *g) {
    for (int c = 0; c < 3; c++) {
        size_t lo = box->lo[c] > pad[c] ? box->lo[c] - pad[c] : 0;
        size_t hi = box->lo[c] + box->size[c]; /* exclusive */
        hi = (g->dim[c] - hi > pad[c]) ? hi + pad[c] : g->dim[c];
        box->lo[c] = lo;
        box->size[c] = hi - lo;
    }
}

void qib_grid_sub(const qib_grid *g, const qib_box *box, qib_grid *out) {
    qib_grid r = *g;
    double ijk[3] = {(double)box->lo[0], (double)box->lo[1], (double)box->lo[2]};
    qib_grid_index_to_world(g, ijk, r.origin);
    for (int c = 0; c < 3; c++) r.dim[c] = box->size[c];
    *out = r;
}
