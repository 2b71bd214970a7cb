/* SPDX-License-Identifier: Apache-2.0 */
/* qib/phantom.h: deterministic synthetic cases with known ground truth. */
#ifndef QIB_PHANTOM_H
#define QIB_PHANTOM_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qib_phantom_shape {
    QIB_PHANTOM_SPHERE = 1,
    QIB_PHANTOM_ELLIPSOID = 2,
    QIB_PHANTOM_CUBE = 3
} qib_phantom_shape;

typedef struct qib_phantom_params {
    size_t dim[3];           /* grid size (default 128 x 128 x 64) */
    double spacing[3];       /* mm (default 0.8 x 0.8 x 2.0) */
    qib_phantom_shape shape; /* default sphere */
    double radius[3];        /* semi-axes in mm (sphere uses radius[0]; cube: half sides) */
    double centre_offset[3]; /* lesion centre relative to the grid centre, mm */
    double background_hu;    /* mean of the background (default -700) */
    double lesion_hu;        /* mean of the lesion (default 40) */
    double noise_sd;         /* Gaussian noise SD in HU (default 10) */
    uint64_t seed;           /* noise seed (default 1) */
} qib_phantom_params;

QIB_API void qib_phantom_params_default(qib_phantom_params *p);

/* The ground truth of a generated case. */
typedef struct qib_phantom_truth {
    double volume_mm3;       /* exact volume of the continuous shape */
    size_t voxel_count;      /* voxels whose centre lies inside */
    double voxel_volume_mm3; /* voxel_count * voxel volume */
    double mean_hu_noiseless;/* lesion mean without noise */
} qib_phantom_truth;

/* Makes an int16 CT-like image and a uint8 mask (label 1 inside the shape:
 * voxel centres inside). Same params give the same bytes on every machine. */
QIB_API qib_status qib_phantom_make(const qib_phantom_params *p, qib_volume **image,
                                    qib_volume **mask, qib_phantom_truth *truth,
                                    qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
