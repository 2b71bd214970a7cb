/* SPDX-License-Identifier: Apache-2.0 */
/* pr_diameters.h: the largest distances between PyRadiomics' mesh vertices
 * (pr_diameters.c, used by pr_mesh.c; folder-private). */
#ifndef QIB_PYRADIOMICS_PR_DIAMETERS_H
#define QIB_PYRADIOMICS_PR_DIAMETERS_H

#include "pr_mesh.h"

/* The padded mask: q[0] x q[1] x q[2] voxels, i fastest, values 0/1, zero
 * on the border; and per row (j, k), at j + k q[1], the first and last i
 * inside (first > last when the row is empty). */
typedef struct qib_pr_padded {
    const uint8_t *b;
    size_t q[3];
    const size_t *first, *last;
} qib_pr_padded;

/* Fills out->diam_3d, diam_slice, diam_column, diam_row and n_vert.
 * Errors: QIB_ERR_NOMEM. */
qib_status qib__pr_diameters(const qib_pr_padded *p, const double spacing[3],
                             qib_pr_mesh_measures *out, qib_error *err);

#endif
