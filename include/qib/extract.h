/* SPDX-License-Identifier: Apache-2.0 */
/* qib/extract.h: the one-call API, image + label volume -> feature values. */
#ifndef QIB_EXTRACT_H
#define QIB_EXTRACT_H

#include "features.h"
#include "image.h"
#include "settings.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computes every enabled feature family for one region.
 *   image:  the image (first frame is used).
 *   labels: a label volume on the same grid (checked with the tolerance of
 *           the `geometry_tolerance` setting); the region is the voxels
 *           whose label equals the `label` setting.
 *   s:      settings, or NULL for the defaults.
 * On success *out holds the results (caller frees with qib_results_free).
 * Errors: QIB_ERR_GRID_MISMATCH, QIB_ERR_EMPTY_ROI, QIB_ERR_NOMEM, ... */
QIB_API qib_status qib_extract(const qib_volume *image, const qib_volume *labels,
                               const qib_settings *s, qib_results **out, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
