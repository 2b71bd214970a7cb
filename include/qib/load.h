/* SPDX-License-Identifier: Apache-2.0 */
/* qib/load.h: loading the image and the mask of one case, whatever their
 * form, with the same code for `qib extract` and batch runs.
 *
 * Image: a NIfTI/NRRD file, a DICOM file (e.g. enhanced multi-frame) or a
 * folder holding a DICOM series. Mask: a label volume (NIfTI, NRRD, DICOM
 * series), an RT Structure Set (one ROI, rasterised onto the image grid) or
 * a DICOM Segmentation (one segment), told apart by SOP Class UID. */
#ifndef QIB_LOAD_H
#define QIB_LOAD_H

#include "dicom.h"
#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qib_load_options {
    const char *series_uid; /* DICOM folder: the series to load (NULL: the folder must
                               hold exactly one; the error lists them otherwise) */
    int recursive;          /* DICOM folder: read sub-folders too (default 0) */
    const char *roi;        /* RTSTRUCT: ROI name or number (NULL: the only ROI) */
    int64_t segment;        /* SEG: segment number (default 1) */
    double seg_threshold;   /* fractional SEG: fraction of the maximum (default 0.5) */
    double rt_coverage;     /* RTSTRUCT: 0 = voxel centre inside (default), else the
                               in-plane area fraction (qib_rtstruct_options.coverage) */
    const qib_limits *limits; /* NIfTI/NRRD caps (NULL: defaults) */
} qib_load_options;

QIB_API void qib_load_options_default(qib_load_options *o);

/* What a mask file was. */
typedef enum qib_mask_source {
    QIB_MASK_SOURCE_LABELS = 0,  /* a label volume (values are labels) */
    QIB_MASK_SOURCE_RTSTRUCT = 1, /* an ROI of an RT Structure Set: label 1 */
    QIB_MASK_SOURCE_SEG = 2       /* a segment of a DICOM SEG: label 1 */
} qib_mask_source;

/* Loads the image of a case. path: a DICOM folder (one series, or
 * opt->series_uid), a DICOM file, or an image file (qib_image_read).
 * ref (may be NULL) gets the series' UIDs for DICOM input (for reference
 * checks of RTSTRUCT/SEG masks), NULL otherwise; free it with
 * qib_dicom_reference_free. warn (may be NULL) gets series warnings.
 * A folder with several series fails with QIB_ERR_ARG, the reason listing
 * the series (UID, modality, description, slices). */
QIB_API qib_status qib_load_case_image(const char *path, const qib_load_options *opt,
                                       qib_volume **image, qib_dicom_reference **ref,
                                       qib_dicom_warnings *warn, qib_error *err);

/* Loads the mask of a case as a label volume on image_grid. An RTSTRUCT or
 * SEG (by SOP Class UID) is rasterised/placed onto image_grid and comes
 * back as a uint8 volume with label 1 inside (select label 1); anything
 * else is read as a label volume (its grid is checked later by
 * qib_extract). ref (may be NULL) is the image's reference from
 * qib_load_case_image: mismatching UIDs become warnings. source (may be
 * NULL) says which kind the file was. */
QIB_API qib_status qib_load_case_mask(const char *path, const qib_grid *image_grid,
                                      const qib_dicom_reference *ref, const qib_load_options *opt,
                                      qib_volume **labels, qib_mask_source *source,
                                      qib_dicom_warnings *warn, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
