/* SPDX-License-Identifier: Apache-2.0 */
/* qib/io.h: reading and writing image files (NIfTI-1, NIfTI-2, NRRD).
 *
 * Readers treat every file as untrusted: sizes read from a header are checked
 * against the bytes actually present and against qib_limits before anything
 * is allocated. NIfTI's RAS+ geometry is converted to LPS as ITK does it, so
 * spacing, origin and direction equal what SimpleITK and 3D Slicer report. */
#ifndef QIB_IO_H
#define QIB_IO_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps that protect the process from hostile headers. */
typedef struct qib_limits {
    uint64_t max_dim;          /* voxels along any one axis (default 1<<20) */
    uint64_t max_voxels;       /* voxels in all frames (default 1<<32) */
    uint64_t max_bytes;        /* bytes of decoded voxel data (default 16 GiB) */
    uint64_t max_header_bytes; /* bytes of a text header or extension (default 16 MiB) */
} qib_limits;

QIB_API void qib_limits_default(qib_limits *lim);

typedef enum qib_format {
    QIB_FORMAT_UNKNOWN = 0,
    QIB_FORMAT_NIFTI1 = 1,
    QIB_FORMAT_NIFTI2 = 2,
    QIB_FORMAT_NRRD = 3,
    QIB_FORMAT_DICOM = 4
} qib_format;

QIB_API const char *qib_format_name(qib_format f);

/* What a reader saw, beyond the volume itself. */
typedef struct qib_image_info {
    qib_format format;
    int gzip;                 /* data were gzip-compressed */
    qib_dtype stored_dtype;   /* type on disk, before scaling */
    double scl_slope, scl_inter; /* scaling applied (1, 0 when none) */
    int qform_code, sform_code;  /* NIfTI only, else 0 */
    int used_sform;           /* NIfTI: geometry came from the sform */
    char description[96];
} qib_image_info;

/* Reads an image file, choosing the reader from its first bytes (and, for a
 * detached NRRD header, its .nhdr name). gzip is recognised by content.
 * Scaling (NIfTI scl_slope/scl_inter) is applied: when it is not the
 * identity the voxels become float32 (float64 for 32/64-bit integer and
 * float64 data). info may be NULL; lim NULL means qib_limits_default. */
QIB_API qib_status qib_image_read(const char *path, const qib_limits *lim,
                                  qib_volume **out, qib_image_info *info,
                                  qib_error *err);

/* Writes an image; the format comes from the name: .nii, .nii.gz (NIfTI-1,
 * or NIfTI-2 when a dimension exceeds 32767), .nrrd (attached, gzip
 * encoding), .nhdr (detached header + .raw.gz data). */
QIB_API qib_status qib_image_write(const char *path, const qib_volume *v, qib_error *err);

/* Format-specific entry points. The *_mem readers parse a buffer already in
 * memory (gzip allowed); name is used in messages only. */
QIB_API qib_status qib_nifti_read(const char *path, const qib_limits *lim,
                                  qib_volume **out, qib_image_info *info, qib_error *err);
QIB_API qib_status qib_nifti_read_mem(const void *buf, size_t len, const char *name,
                                      const qib_limits *lim, qib_volume **out,
                                      qib_image_info *info, qib_error *err);
/* version 1 or 2; gzip when the name ends in .gz. */
QIB_API qib_status qib_nifti_write(const char *path, const qib_volume *v, int version,
                                   qib_error *err);

QIB_API qib_status qib_nrrd_read(const char *path, const qib_limits *lim,
                                 qib_volume **out, qib_image_info *info, qib_error *err);
/* Attached-data NRRD only (a detached header needs its directory). */
QIB_API qib_status qib_nrrd_read_mem(const void *buf, size_t len, const char *name,
                                     const qib_limits *lim, qib_volume **out,
                                     qib_image_info *info, qib_error *err);
QIB_API qib_status qib_nrrd_write(const char *path, const qib_volume *v, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
