/* SPDX-License-Identifier: Apache-2.0 */
/* qib/image.h: the image model.
 *
 * A grid is the geometry shared by an image and its masks: dimensions,
 * spacing, origin and direction cosines in DICOM/ITK patient coordinates
 * (LPS: +x towards the patient's left, +y posterior, +z superior), exactly as
 * ITK and SimpleITK report them. Voxel (i,j,k) sits at
 *     world = origin + D * diag(spacing) * (i,j,k)^T
 * where column c of D (direction[3*r + c], r = 0..2) is the unit vector of
 * index axis c. Voxels are stored with i fastest, then j, k and frame t. */
#ifndef QIB_IMAGE_H
#define QIB_IMAGE_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Voxel types. Values are stable. */
typedef enum qib_dtype {
    QIB_DT_U8 = 1, QIB_DT_I8, QIB_DT_U16, QIB_DT_I16, QIB_DT_U32, QIB_DT_I32,
    QIB_DT_U64, QIB_DT_I64, QIB_DT_F32, QIB_DT_F64
} qib_dtype;

/* Bytes per voxel of a type, 0 for an invalid type. */
QIB_API size_t qib_dtype_size(qib_dtype t);
/* "uint8", "int16", "float32", ...; "invalid" for an invalid type. */
QIB_API const char *qib_dtype_name(qib_dtype t);

typedef struct qib_grid {
    size_t dim[3];       /* voxels along i, j, k (each >= 1) */
    double spacing[3];   /* mm, > 0 */
    double origin[3];    /* LPS mm, centre of voxel (0,0,0) */
    double direction[9]; /* row-major 3x3, orthonormal columns */
} qib_grid;

/* A grid of nx*ny*nz voxels, 1 mm spacing, origin 0, identity direction. */
QIB_API void qib_grid_init(qib_grid *g, size_t nx, size_t ny, size_t nz);
/* Number of voxels (product of dim); 0 if it overflows size_t. */
QIB_API size_t qib_grid_voxels(const qib_grid *g);
/* Continuous index (i,j,k) to LPS world point (mm). */
QIB_API void qib_grid_index_to_world(const qib_grid *g, const double ijk[3], double xyz[3]);
/* LPS world point to continuous index. Fails (QIB_ERR_NUMERIC) if the
 * direction*spacing matrix is singular. */
QIB_API qib_status qib_grid_world_to_index(const qib_grid *g, const double xyz[3], double ijk[3]);
/* The 4x4 index-to-world affine (row-major) in LPS. */
QIB_API void qib_grid_affine(const qib_grid *g, double m[16]);

/* Checks that two grids describe the same voxels, with ITK's rule: origins
 * and spacings may differ by at most tolerance * spacing[0] of grid a, and
 * direction cosines by at most direction_tolerance. Defaults (used when the
 * tolerances passed are <= 0): 1e-6 and 1e-6, as in ITK's
 * ImageToImageFilter. On mismatch returns QIB_ERR_GRID_MISMATCH; err->reason
 * names the first differing property with both values, e.g. "dimensions
 * 512\u00d7512\u00d7199 differ from image 512\u00d7512\u00d7200". */
QIB_API qib_status qib_grid_check_same(const qib_grid *a, const qib_grid *b,
                                       double tolerance, double direction_tolerance,
                                       qib_error *err);

/* A box of voxels: lo (first voxel, inclusive) and size per axis. */
typedef struct qib_box {
    size_t lo[3];
    size_t size[3];
} qib_box;

/* Grows a box by pad[c] voxels on both sides along each axis, clipped to
 * the grid. */
QIB_API void qib_box_pad(qib_box *box, const size_t pad[3], const qib_grid *g);
/* The grid of the sub-volume box of g (same spacing and direction, origin
 * moved to the box's first voxel). */
QIB_API void qib_grid_sub(const qib_grid *g, const qib_box *box, qib_grid *out);

/* ---- volumes: 3D images, or 4D series of frames on one 3D grid ---- */
typedef struct qib_volume qib_volume;

/* A zero-filled volume of `frames` frames (>= 1) of type t on grid g. */
QIB_API qib_status qib_volume_create(const qib_grid *g, size_t frames, qib_dtype t,
                                     qib_volume **out, qib_error *err);
/* Frees a volume; NULL is accepted. */
QIB_API void qib_volume_free(qib_volume *v);

QIB_API const qib_grid *qib_volume_grid(const qib_volume *v);
QIB_API qib_dtype qib_volume_dtype(const qib_volume *v);
QIB_API size_t qib_volume_frames(const qib_volume *v);
/* Voxels per frame and total bytes of voxel data. */
QIB_API size_t qib_volume_frame_voxels(const qib_volume *v);
QIB_API size_t qib_volume_bytes(const qib_volume *v);
/* Raw voxel data, frame-major, native byte order. */
QIB_API void *qib_volume_data(qib_volume *v);
QIB_API const void *qib_volume_cdata(const qib_volume *v);
/* Spacing between frames (e.g. seconds for a time series; 0 if unknown). */
QIB_API double qib_volume_frame_step(const qib_volume *v);
QIB_API void qib_volume_set_frame_step(qib_volume *v, double step);
/* Replaces the geometry (spacing, origin, direction); dim must be equal. */
QIB_API qib_status qib_volume_set_grid(qib_volume *v, const qib_grid *g, qib_error *err);

/* Value of voxel n (linear index over all frames) as a double. */
QIB_API double qib_volume_value(const qib_volume *v, size_t n);
/* Copies frame t as doubles into out (qib_volume_frame_voxels values). */
QIB_API void qib_volume_frame_to_f64(const qib_volume *v, size_t t, double *out);
/* A copy converted to type t (values cast, float->int rounds half away
 * from zero and saturates). */
QIB_API qib_status qib_volume_convert(const qib_volume *v, qib_dtype t,
                                      qib_volume **out, qib_error *err);
/* A new volume holding the box of v (all frames). The box must lie inside. */
QIB_API qib_status qib_volume_crop(const qib_volume *v, const qib_box *box,
                                   qib_volume **out, qib_error *err);

/* ---- masks: binary regions on a grid ---- */
typedef struct qib_mask qib_mask;

/* An empty (all 0) mask on grid g. */
QIB_API qib_status qib_mask_create(const qib_grid *g, qib_mask **out, qib_error *err);
QIB_API void qib_mask_free(qib_mask *m);
QIB_API const qib_grid *qib_mask_grid(const qib_mask *m);
/* One byte per voxel, 0 (outside) or 1 (inside). */
QIB_API uint8_t *qib_mask_data(qib_mask *m);
QIB_API const uint8_t *qib_mask_cdata(const qib_mask *m);
/* Number of voxels inside. */
QIB_API size_t qib_mask_count(const qib_mask *m);
/* Bounding box of the voxels inside; returns 0 (and leaves box alone) if
 * the mask is empty, 1 otherwise. */
QIB_API int qib_mask_bbox(const qib_mask *m, qib_box *box);
QIB_API qib_status qib_mask_crop(const qib_mask *m, const qib_box *box,
                                 qib_mask **out, qib_error *err);

/* Selects a label from a label volume (first frame): voxel inside when its
 * value, rounded to the nearest integer, equals `label`. label 0 selects
 * every non-zero voxel. Fails with QIB_ERR_EMPTY_ROI when no voxel has the
 * label, naming the labels that are present (err->reason). */
QIB_API qib_status qib_mask_from_labels(const qib_volume *labels, int64_t label,
                                        qib_mask **out, qib_error *err);

/* Lists the distinct non-zero labels (rounded values) of the first frame,
 * ascending, up to cap of them; returns how many there are in all. */
QIB_API size_t qib_volume_labels(const qib_volume *labels, int64_t *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
