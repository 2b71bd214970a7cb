/* SPDX-License-Identifier: Apache-2.0 */
/* pr_shape.h: what the shape and shape2D classes share (shape.c;
 * folder-private). */
#ifndef QIB_PYRADIOMICS_PR_SHAPE_H
#define QIB_PYRADIOMICS_PR_SHAPE_H

#include "../features/family.h"

/* The box PyRadiomics crops the shape mask to (featureextractor.py,
 * computeShape -> cropToTumorMask with checkMask's bounding box): the
 * bounding box of the intensity mask, i.e. of the mask after
 * re-segmentation, or of the morphological mask when the intensity mask is
 * empty. Returns 0 (box untouched) when the region is empty. */
int qib__pr_shape_box(const qib_roi *roi, qib_box *box);

/* First and last voxel inside a row of n mask bytes (0/1); 0 when none. */
int qib__pr_row_extent(const uint8_t *row, size_t n, size_t *first, size_t *last);

#endif
