/* SPDX-License-Identifier: Apache-2.0 */
/* nifti_geometry.c: NIfTI qform/sform to LPS grid (and back), as ITK does it.
 *
 * Source followed: ITK 5.x (>= 5.3) Modules/IO/NIFTI/src/itkNiftiImageIO.cxx,
 * NiftiImageIO::SetImageIOOrientationFromNIfTI and ReadImageInformation, on
 * top of nifti_clib's nifti_convert_nhdr2nim / nifti_quatern_to_mat44, plus
 * ImageFileReader::GenerateOutputInformation (negative spacing flips the
 * direction column). In short:
 *
 *  - both codes 0 ("method 1"): origin 0, identity direction, spacing pixdim;
 *  - otherwise the sform is used when it is (a) element-wise equal to the
 *    qform matrix (1e-5, translations 1e-7), or (b) "decomposable without
 *    skew" (invertible, columns orthonormal within 1e-4 once normalised) and
 *    one of: qform_code is 0; sform_code is SCANNER_ANAT; both codes are set
 *    and the two transforms are very similar (singular values, rotations
 *    and offsets within 1e-4). Else the qform is used when qform_code > 0,
 *    and else ITK refuses the file ("No orthonormal definition found").
 *  - RAS -> LPS: origin (-m03, -m13, m23); direction column c is
 *    (-m0c, -m1c, m2c) normalised.
 *  - spacing = pixdim (0 or non-finite -> 1, by nifti_clib) times the
 *    xyzt_units scale (m: 1000, um: 0.001); the origin is not scaled (ITK
 *    does not). A negative pixdim gives a positive spacing and a flipped
 *    direction column (ImageFileReader).
 *  - NIfTI-1 matrices are computed in double and stored as float32, as
 *    nifti_clib's mat44 holds them; NIfTI-2 matrices stay double.
 *
 * One approximation: ITK's "very similar" test compares the U factors of
 * vnl_svd (LINPACK) of both 3x3 matrices. Here the rotations are compared
 * as normalised columns R_s * R_q^T, which is the same thing whenever the
 * spacings differ and the intended thing when they are equal (where the
 * SVD's U is not unique and ITK's answer depends on LINPACK's choices). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "io_private.h"

typedef double m44[4][4];

static double fixed(double v) { return isfinite(v) ? v : 0.0; }

static void round_to_file_precision(const qib__nifti_xform *x, m44 m) {
    if (x->version != 1) return;
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) m[r][c] = (double)(float)m[r][c];
}

/* nifti_clib's qto_xyz: the quaternion (b,c,d) with a = sqrt(1-b^2-c^2-d^2)
 * (a 180-degree rotation when that is below 1e-7), grid steps that are not
 * positive replaced by 1, and the third column negated when qfac < 0. When
 * qform_code <= 0 it is diag(dx, dy, dz) instead. */
static void qform_matrix(const qib__nifti_xform *x, m44 m) {
    memset(m, 0, sizeof(m44));
    m[3][3] = 1.0;
    if (x->qform_code <= 0) {
        for (int i = 0; i < 3; i++) m[i][i] = x->pixdim[i + 1];
        round_to_file_precision(x, m);
        return;
    }
    double b = fixed(x->quatern[0]), c = fixed(x->quatern[1]), d = fixed(x->quatern[2]);
    double a = 1.0 - (b * b + c * c + d * d);
    if (a < 1e-7) {
        double n = 1.0 / sqrt(b * b + c * c + d * d);
        b *= n, c *= n, d *= n;
        a = 0.0;
    } else {
        a = sqrt(a);
    }
    double xd = x->pixdim[1] > 0 ? x->pixdim[1] : 1.0;
    double yd = x->pixdim[2] > 0 ? x->pixdim[2] : 1.0;
    double zd = x->pixdim[3] > 0 ? x->pixdim[3] : 1.0;
    if (x->pixdim[0] < 0) zd = -zd; /* qfac */
    m[0][0] = (a * a + b * b - c * c - d * d) * xd;
    m[0][1] = 2.0 * (b * c - a * d) * yd;
    m[0][2] = 2.0 * (b * d + a * c) * zd;
    m[1][0] = 2.0 * (b * c + a * d) * xd;
    m[1][1] = (a * a + c * c - b * b - d * d) * yd;
    m[1][2] = 2.0 * (c * d - a * b) * zd;
    m[2][0] = 2.0 * (b * d - a * c) * xd;
    m[2][1] = 2.0 * (c * d + a * b) * yd;
    m[2][2] = (a * a + d * d - c * c - b * b) * zd;
    for (int i = 0; i < 3; i++) m[i][3] = fixed(x->qoffset[i]);
    round_to_file_precision(x, m);
}

/* nifti_clib's sto_xyz: the srow rows over (0,0,0,1), or all zero (the
 * nifti_image is calloc'ed) when sform_code <= 0. */
static void sform_matrix(const qib__nifti_xform *x, m44 m) {
    memset(m, 0, sizeof(m44));
    if (x->sform_code <= 0) return;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) m[r][c] = x->srow[r][c];
    m[3][3] = 1.0;
    round_to_file_precision(x, m);
}

/* Singular values (descending) of an n x n row-major matrix, n <= 4, by
 * one-sided Jacobi rotations: accurate for small singular values too. NaN
 * input gives NaN values. */
static void singular_values(const double *in, int n, double *w) {
    double a[16], big = 0;
    for (int i = 0; i < n * n; i++) big = fmax(big, fabs(in[i]));
    if (!(big > 0) || !isfinite(big)) big = 1.0; /* zeros stay zeros, NaN stays NaN */
    for (int i = 0; i < n * n; i++) a[i] = in[i] / big; /* no under/overflow below */
    for (int sweep = 0; sweep < 64; sweep++) {
        bool rotated = false;
        for (int p = 0; p < n - 1; p++) {
            for (int q = p + 1; q < n; q++) {
                double alpha = 0, beta = 0, gamma = 0;
                for (int r = 0; r < n; r++) {
                    double u = a[r * n + p], v = a[r * n + q];
                    alpha += u * u;
                    beta += v * v;
                    gamma += u * v;
                }
                if (gamma == 0 || !(fabs(gamma) > 1e-15 * sqrt(alpha) * sqrt(beta))) continue;
                rotated = true;
                double zeta = (beta - alpha) / (2.0 * gamma);
                double t = (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
                if (!isfinite(t)) t = 0.0; /* zeta overflowed: columns already apart */
                double cs = 1.0 / sqrt(1.0 + t * t), sn = cs * t;
                for (int r = 0; r < n; r++) {
                    double u = a[r * n + p], v = a[r * n + q];
                    a[r * n + p] = cs * u - sn * v;
                    a[r * n + q] = sn * u + cs * v;
                }
            }
        }
        if (!rotated) break;
    }
    for (int c = 0; c < n; c++) {
        double s = 0;
        for (int r = 0; r < n; r++) s += a[r * n + c] * a[r * n + c];
        w[c] = big * sqrt(s);
    }
    for (int i = 1; i < n; i++) /* insertion sort, descending */
        for (int j = i; j > 0 && w[j] > w[j - 1]; j--) {
            double t = w[j];
            w[j] = w[j - 1];
            w[j - 1] = t;
        }
}

/* ITK's qform_sform_are_similar. */
static bool elementwise_similar(m44 s, m44 q) {
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            if (!(fabs(s[r][c] - q[r][c]) <= 1e-5)) return false;
    double col = 0, row = 0;
    for (int i = 0; i < 4; i++) col += fabs(s[i][3] - q[i][3]);
    for (int j = 0; j < 4; j++) row += fabs(s[3][j] - q[3][j]);
    return col <= 1e-7 && row <= 1e-7;
}

/* ITK's IsAffine: bottom row (0,0,0,1) within FLT_EPSILON and the 4x4
 * matrix well conditioned (smallest / largest singular value > DBL_EPSILON).
 * ITK's further inverse comparison always holds for such a bottom row. */
static bool is_affine(m44 m) {
    double bottom = fabs(m[3][3] - 1.0) + fabs(m[3][0]) + fabs(m[3][1]) + fabs(m[3][2]);
    if (!(bottom <= FLT_EPSILON)) return false;
    double w[4];
    singular_values(&m[0][0], 4, w);
    double condition = w[0] > 0 ? w[3] / w[0] : 0.0;
    return condition > DBL_EPSILON;
}

/* Scales v[0..n-1] to unit length (a zero vector stays zero). Dividing by
 * the largest component first keeps tiny or huge columns (pixdim 1e-161,
 * say) from underflowing or overflowing in the sum of squares. */
static void normalise(double *v, int n) {
    double big = 0, s = 0;
    for (int i = 0; i < n; i++) big = fmax(big, fabs(v[i]));
    if (!(big > 0) || !isfinite(big)) return;
    for (int i = 0; i < n; i++) s += (v[i] / big) * (v[i] / big);
    s = sqrt(s); /* in [1, sqrt(3)]: never a denormal */
    for (int i = 0; i < n; i++) v[i] = (v[i] / big) / s;
}

/* The 3x3 part with each column normalised (zero columns left zero). */
static void normalised_rotation(m44 m, double r[3][3]) {
    for (int c = 0; c < 3; c++) {
        double v[3] = {m[0][c], m[1][c], m[2][c]};
        normalise(v, 3);
        for (int i = 0; i < 3; i++) r[i][c] = v[i];
    }
}

/* a * b^T is the identity within tol, element-wise (vnl is_identity). */
static bool product_is_identity(double a[3][3], double b[3][3], double tol) {
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++) s += a[i][k] * b[j][k];
            if (!(fabs(s - (i == j ? 1.0 : 0.0)) <= tol)) return false;
        }
    return true;
}

/* ITK's sform_decomposable_without_skew (the scale check there only warns). */
static bool sform_decomposable(m44 s) {
    if (!is_affine(s)) return false;
    double r[3][3];
    normalised_rotation(s, r);
    return product_is_identity(r, r, 1e-4);
}

/* ITK's sform_and_qform_are_very_similar (see the note at the top). */
static bool very_similar(m44 s, m44 q) {
    double s3[9], q3[9], ws[3], wq[3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            s3[3 * r + c] = s[r][c];
            q3[3 * r + c] = q[r][c];
        }
    singular_values(s3, 3, ws);
    singular_values(q3, 3, wq);
    for (int i = 0; i < 3; i++)
        if (!(fabs(ws[i] - wq[i]) <= 1e-4)) return false;
    double rs[3][3], rq[3][3];
    normalised_rotation(s, rs);
    normalised_rotation(q, rq);
    if (!product_is_identity(rs, rq, 1e-4)) return false;
    for (int i = 0; i < 3; i++)
        if (!(fabs(s[i][3] - q[i][3]) <= 1e-4)) return false;
    for (int j = 0; j < 4; j++)
        if (!(fabs(s[3][j] - q[3][j]) <= 1e-4)) return false;
    return true;
}

qib_status qib__nifti_geometry(const qib__nifti_xform *x, const char *name, qib_grid *g,
                               int *used_sform, qib_error *err) {
    int nd = x->dims < 1 ? 1 : x->dims > 3 ? 3 : x->dims;
    double origin[3] = {0, 0, 0};
    double dir[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    int from_sform = 0;

    if (x->qform_code > 0 || x->sform_code > 0) {
        m44 q, s;
        qform_matrix(x, q);
        sform_matrix(x, s);
        bool prefer_sform = elementwise_similar(s, q);
        if (!prefer_sform || x->sform_code > 0) {
            if (sform_decomposable(s)) {
                if (x->qform_code <= 0 && x->sform_code > 0)
                    prefer_sform = true;
                else if (x->sform_code == NIFTI_XFORM_SCANNER_ANAT)
                    prefer_sform = true;
                else if (x->qform_code > 0 && x->sform_code > 0)
                    prefer_sform = very_similar(s, q);
            }
        }
        double(*m)[4];
        if (prefer_sform) {
            m = s;
            from_sform = 1;
        } else if (x->qform_code > 0) {
            m = q;
        } else {
            return qib__fail(err, QIB_ERR_UNSUPPORTED, name, x->version == 1 ? 280 : 400, "srow_x",
                             "the sform (sform_code %d) is not a rotation with scaling (columns "
                             "not orthonormal within 1e-4, or singular) and there is no qform "
                             "(qform_code %d); ITK refuses such files too",
                             x->sform_code, x->qform_code);
        }
        origin[0] = -m[0][3];
        if (nd > 1) origin[1] = -m[1][3];
        if (nd > 2) origin[2] = m[2][3];
        for (int c = 0; c < nd; c++) {
            double v[3] = {0, 0, 0};
            for (int r = 0; r < nd; r++) v[r] = r < 2 ? -m[r][c] : m[r][c];
            normalise(v, nd);
            for (int r = 0; r < 3; r++) dir[r][c] = r < nd ? v[r] : (r == c ? 1.0 : 0.0);
        }
    }

    for (int c = 0; c < 3; c++) {
        double sp = c < nd ? x->pixdim[c + 1] * x->spacing_scale : 1.0;
        if (sp < 0) { /* ImageFileReader: positive spacing, flipped column */
            sp = -sp;
            for (int r = 0; r < 3; r++) dir[r][c] = -dir[r][c];
        }
        static const char *const names[3] = {"pixdim[1]", "pixdim[2]", "pixdim[3]"};
        QIB_FAIL_IF(!(sp > 0) || !isfinite(sp), err, QIB_ERR_FORMAT, name, -1, names[c],
                    "spacing %g mm (pixdim %g times unit scale %g) is not a positive finite "
                    "number",
                    sp, x->pixdim[c + 1], x->spacing_scale);
        g->spacing[c] = sp;
    }
    for (int i = 0; i < 3; i++) {
        QIB_FAIL_IF(!isfinite(origin[i]), err, QIB_ERR_FORMAT, name, -1,
                    from_sform ? "srow" : "qoffset", "origin component %d is not finite", i);
        g->origin[i] = origin[i];
        for (int c = 0; c < 3; c++) {
            QIB_FAIL_IF(!isfinite(dir[i][c]), err, QIB_ERR_FORMAT, name, -1,
                        from_sform ? "srow" : "quatern", "direction cosine (%d,%d) is not finite",
                        i, c);
            g->direction[3 * i + c] = dir[i][c];
        }
    }
    /* A 1D/2D file whose in-plane axis points out of the plane leaves a zero
     * column; ITK's ImageBase::SetDirection refuses a singular direction. */
    const double *d = g->direction;
    double det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) +
                 d[2] * (d[3] * d[7] - d[4] * d[6]);
    QIB_FAIL_IF(!(fabs(det) > 1e-6), err, QIB_ERR_FORMAT, name, -1,
                from_sform ? "srow" : "quatern",
                "direction matrix is singular (determinant %g): an axis of this %dD image "
                "points out of its plane",
                det, nd);
    *used_sform = from_sform;
    return QIB_OK;
}

/* Quaternion (b, c, d) of a proper rotation matrix with a >= 0, by the
 * usual branch on the largest diagonal term (as nifti_mat44_to_quatern). */
static void rotation_to_quaternion(double r[3][3], double q[3]) {
    double a = r[0][0] + r[1][1] + r[2][2] + 1.0, b, c, d;
    if (a > 0.5) {
        a = 0.5 * sqrt(a);
        b = 0.25 * (r[2][1] - r[1][2]) / a;
        c = 0.25 * (r[0][2] - r[2][0]) / a;
        d = 0.25 * (r[1][0] - r[0][1]) / a;
    } else {
        double xd = 1.0 + r[0][0] - (r[1][1] + r[2][2]);
        double yd = 1.0 + r[1][1] - (r[0][0] + r[2][2]);
        double zd = 1.0 + r[2][2] - (r[0][0] + r[1][1]);
        if (xd > 1.0) {
            b = 0.5 * sqrt(xd);
            c = 0.25 * (r[0][1] + r[1][0]) / b;
            d = 0.25 * (r[0][2] + r[2][0]) / b;
            a = 0.25 * (r[2][1] - r[1][2]) / b;
        } else if (yd > 1.0) {
            c = 0.5 * sqrt(yd);
            b = 0.25 * (r[0][1] + r[1][0]) / c;
            d = 0.25 * (r[1][2] + r[2][1]) / c;
            a = 0.25 * (r[0][2] - r[2][0]) / c;
        } else {
            d = 0.5 * sqrt(zd);
            b = 0.25 * (r[0][2] + r[2][0]) / d;
            c = 0.25 * (r[1][2] + r[2][1]) / d;
            a = 0.25 * (r[1][0] - r[0][1]) / d;
        }
        if (a < 0) b = -b, c = -c, d = -d;
    }
    q[0] = b, q[1] = c, q[2] = d;
}

qib_status qib__nifti_from_grid(const qib_grid *g, double quatern[3], double qoffset[3],
                                double *qfac, double srow[3][4], qib_error *err) {
    double r[3][3]; /* RAS direction: LPS rows x and y negated */
    for (int i = 0; i < 3; i++)
        for (int c = 0; c < 3; c++) r[i][c] = (i < 2 ? -1.0 : 1.0) * g->direction[3 * i + c];
    double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
                 r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                 r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    QIB_FAIL_IF(!(fabs(det) > 1e-6) || !isfinite(det), err, QIB_ERR_ARG, NULL, -1, "direction",
                "direction matrix has determinant %g; NIfTI needs an invertible rotation", det);
    double ras_origin[3] = {-g->origin[0], -g->origin[1], g->origin[2]};
    for (int i = 0; i < 3; i++) {
        for (int c = 0; c < 3; c++) srow[i][c] = r[i][c] * g->spacing[c];
        srow[i][3] = ras_origin[i];
        qoffset[i] = ras_origin[i];
    }
    /* An improper rotation is stored as a proper one with qfac = -1 and the
     * third column negated (nifti1.h, "QUATERNION REPRESENTATION"). */
    *qfac = det > 0 ? 1.0 : -1.0;
    if (det < 0)
        for (int i = 0; i < 3; i++) r[i][2] = -r[i][2];
    rotation_to_quaternion(r, quatern);
    return QIB_OK;
}
