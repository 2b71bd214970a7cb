/* SPDX-License-Identifier: Apache-2.0 */
/* io_private.h: what nifti.c and nifti_geometry.c share (not installed). */
#ifndef QIB_IO_PRIVATE_H
#define QIB_IO_PRIVATE_H

#include "../common/qib_internal.h"

/* NIfTI xform codes (nifti1.h). */
enum { NIFTI_XFORM_UNKNOWN = 0, NIFTI_XFORM_SCANNER_ANAT = 1 };

/* The header fields that define geometry, as nifti_clib holds them after
 * reading: pixdim[1..dim[0]] already fixed (0 or non-finite -> 1), values of
 * a NIfTI-1 header exactly as their float32 fields. */
typedef struct qib__nifti_xform {
    int version;          /* 1: matrices are float32 as in nifti_clib; 2: double */
    int dims;             /* spatial axes the file defines: min(dim[0], 3) */
    double pixdim[4];     /* pixdim[0] (qfac sign) .. pixdim[3] */
    double spacing_scale; /* mm per file unit, from xyzt_units */
    int qform_code, sform_code;
    double quatern[3];    /* quatern_b, _c, _d */
    double qoffset[3];    /* qoffset_x, _y, _z */
    double srow[3][4];    /* srow_x, srow_y, srow_z */
} qib__nifti_xform;

/* Computes the LPS grid geometry (spacing, origin, direction; dim is left
 * alone) exactly as ITK 5.x NiftiImageIO + ImageFileReader do. *used_sform
 * says which transform was chosen. Fails with QIB_ERR_UNSUPPORTED when ITK
 * would refuse the file (non-orthonormal sform and no qform), and with
 * QIB_ERR_FORMAT on non-finite results. */
qib_status qib__nifti_geometry(const qib__nifti_xform *x, const char *name, qib_grid *g,
                               int *used_sform, qib_error *err);

/* The writer's side: RAS quaternion (b, c, d), qoffset, qfac and sform rows
 * for an LPS grid, as ITK's SetNIfTIOrientationFromImageIO computes them
 * (method 2 and 3 describing the same space). Fails (QIB_ERR_ARG) when the
 * direction matrix is singular or not finite. */
qib_status qib__nifti_from_grid(const qib_grid *g, double quatern[3], double qoffset[3],
                                double *qfac, double srow[3][4], qib_error *err);

#endif
