/* SPDX-License-Identifier: Apache-2.0 */
/* pr_binning.h: PyRadiomics 3.1's grey-level binning (folder-private). */
#ifndef QIB_PR_BINNING_H
#define QIB_PR_BINNING_H

#include "../common/qib_internal.h"

/* Bins the voxels inside `mask` as PyRadiomics' imageoperations.binImage
 * does (levels 1..Ng, 0 outside), with its getBinEdges:
 *   bin count (fbn):  edges = numpy.histogram(values, count)[1], the last
 *                     edge raised by 1 so that the maximum falls in the last bin;
 *   bin width (fbs):  edges = numpy.arange(min - (min mod w), max + 2 w, w),
 *                     i.e. edges on multiples of w counted from 0, not from the
 *                     region's minimum as IBSI does;
 * and level = numpy.digitize(x, edges) = the number of edges <= x. The edges
 * are computed with numpy's own floating-point steps so that a value on an
 * edge lands in the same bin. *n_levels gets the highest level present. */
qib_status qib__pr_discretise(const double *img, const uint8_t *mask, size_t n, bool fbn,
                              double param, int32_t *levels, int32_t *n_levels, qib_error *err);

#endif
