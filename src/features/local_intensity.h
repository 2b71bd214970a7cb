/* SPDX-License-Identifier: Apache-2.0 */
/* local_intensity.h: what the extraction pipeline needs to know about the
 * local intensity family (folder-private).
 *
 * The peaks average the image over a 1 cm^3 sphere around voxels of the
 * region, and the sphere reaches outside the region: the processed image
 * handed to the family (qib_roi) must extend qib__loc_pad_voxels() voxels
 * beyond the region's bounding box, or up to the image's edge. */
#ifndef QIB_FEATURES_LOCAL_INTENSITY_H
#define QIB_FEATURES_LOCAL_INTENSITY_H

#include <stddef.h>

/* Radius of a 1 cm^3 sphere in mm: (3 / (4 pi))^(1/3) cm = 6.2035 mm. */
#define QIB_LOC_RADIUS_MM 6.203504908994001

/* Voxels of padding that cover the sphere along every axis of a grid with
 * this spacing (mm): ceil(r / smallest spacing). */
size_t qib__loc_pad_voxels(const double spacing[3]);

#endif
