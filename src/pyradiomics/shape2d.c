/* SPDX-License-Identifier: Apache-2.0 */
/* shape2d.c: PyRadiomics 3.1's shape2D class, its 9 default features
 * (radiomics/shape2D.py, RadiomicsShape2D; cshape.c,
 * calculate_coefficients2D). The deprecated SphericalDisproportion is left
 * out, as PyRadiomics leaves it out when the class is enabled as a whole.
 *
 * PyRadiomics computes it only with force2D, on a mask one voxel thick
 * along force2Ddimension (numpy axis: 0 = k, 1 = j, 2 = i); otherwise it
 * refuses (shape2D.py raises a ValueError) and every feature here is NaN.
 * The plane keeps the other two axes in numpy order (a0, a1): (j, i) for
 * 0, (k, i) for 1, (k, j) for 2. The mask is the one shape uses (pr_shape.h).
 *
 * The contour is marching squares on the mask padded by one pixel: a
 * vertex at the midpoint of every pixel edge that crosses the border, and
 * in each 2 x 2 square a segment across it, or, when its two inside
 * corners are diagonal, one segment cutting off each of them (PyRadiomics'
 * lineTable2D separates them; its 2D contour has no holes). Per square
 * configuration the inside area is then 0, 1/8 (one corner), 1/2 (two
 * adjacent), 1/4 (two diagonal), 7/8 (three) or 1 pixel, and the contour
 * within it a corner cut sqrt(s0^2 + s1^2) / 2, or a straight crossing s0
 * or s1 long: MeshSurface, the signed sum of PyRadiomics' triangles
 * O a b / 2 over the contour, is the sum of the inside areas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pr_shape.h"

#define PI 3.14159265358979323846

typedef struct pr_shape2d_ctx {
    double surface, perimeter, diameter, pixel_surface;
    double ev[2]; /* PCA eigenvalues, ascending: minor, major */
} pr_shape2d_ctx;

/* Inside area (pixels) and contour length (mm) in a square whose corners
 * (u, v), (u, v+1), (u+1, v+1), (u+1, v) are inside per bits 0..3. */
static void square_measures(unsigned cfg, double s0, double s1, double *area, double *len) {
    int n = (cfg & 1) + ((cfg >> 1) & 1) + ((cfg >> 2) & 1) + ((cfg >> 3) & 1);
    double cut = 0.5 * sqrt(s0 * s0 + s1 * s1);
    *area = *len = 0;
    if (n == 1 || n == 3) *area = n == 1 ? 0.125 : 0.875, *len = cut;
    if (n == 4) *area = 1;
    if (n == 2) {
        if (cfg == 5 || cfg == 10) { /* diagonal: two corners cut off */
            *area = 0.25, *len = 2 * cut;
        } else { /* adjacent: a crossing along a1 (same u) or a0 */
            *area = 0.5, *len = (cfg == 3 || cfg == 12) ? s1 : s0;
        }
    }
}

/* Largest distance (mm) between the contour vertices of the padded plane
 * b (q0 x q1, a1 fastest): per row of doubled a0 coordinate only the two
 * end vertices can be farthest from anything, and those are compared. */
static double plane_diameter(const uint8_t *b, size_t q0, size_t q1, double s0, double s1,
                             int32_t *lo, int32_t *hi) {
    size_t nr = 2 * q0;
    for (size_t r = 0; r < nr; r++) lo[r] = INT32_MAX, hi[r] = INT32_MIN;
    for (size_t u = 0; u < q0; u++)
        for (size_t v = 0; v < q1; v++) {
            uint8_t x = b[u * q1 + v];
            int32_t pts[2][2], np = 0;
            if (v + 1 < q1 && x != b[u * q1 + v + 1])
                pts[np][0] = (int32_t)(2 * u), pts[np][1] = (int32_t)(2 * v + 1), np++;
            if (u + 1 < q0 && x != b[(u + 1) * q1 + v])
                pts[np][0] = (int32_t)(2 * u + 1), pts[np][1] = (int32_t)(2 * v), np++;
            for (int k = 0; k < np; k++) {
                size_t r = (size_t)pts[k][0];
                if (pts[k][1] < lo[r]) lo[r] = pts[k][1];
                if (pts[k][1] > hi[r]) hi[r] = pts[k][1];
            }
        }
    double best = 0, h0 = 0.5 * s0, h1 = 0.5 * s1;
    for (size_t r = 0; r < nr; r++)
        for (size_t t = r; t < nr && lo[r] <= hi[r]; t++) {
            if (lo[t] > hi[t]) continue;
            double dr = ((double)r - (double)t) * h0;
            int32_t c1[2] = {lo[r], hi[r]}, c2[2] = {lo[t], hi[t]};
            for (int a = 0; a < 2; a++)
                for (int e = 0; e < 2; e++) {
                    double dc = (double)(c1[a] - c2[e]) * h1, d2 = dr * dr + dc * dc;
                    if (d2 > best) best = d2;
                }
        }
    return sqrt(best);
}

/* Population covariance of the pixel centres (mm), eigenvalues ascending;
 * tiny negatives from rounding set to 0 as shape2D.py does. */
static size_t principal_components(const uint8_t *b, size_t q0, size_t q1, double s0, double s1,
                                   double ev[2]) {
    double n = 0, m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
    for (size_t u = 0; u < q0; u++)
        for (size_t v = 0; v < q1; v++)
            if (b[u * q1 + v]) n += 1, m0 += (double)u * s0, m1 += (double)v * s1;
    m0 /= n, m1 /= n;
    for (size_t u = 0; u < q0; u++)
        for (size_t v = 0; v < q1; v++)
            if (b[u * q1 + v]) {
                double d0 = (double)u * s0 - m0, d1 = (double)v * s1 - m1;
                c00 += d0 * d0, c01 += d0 * d1, c11 += d1 * d1;
            }
    c00 /= n, c01 /= n, c11 /= n;
    double mid = 0.5 * (c00 + c11), h = 0.5 * (c00 - c11), r = sqrt(h * h + c01 * c01);
    ev[0] = mid - r, ev[1] = mid + r;
    for (int d = 0; d < 2; d++)
        if (ev[d] < 0 && ev[d] > -1e-10) ev[d] = 0;
    return (size_t)n;
}

static void set_nan(pr_shape2d_ctx *c) {
    c->surface = c->perimeter = c->diameter = c->pixel_surface = NAN;
    c->ev[0] = c->ev[1] = NAN;
}

static qib_status shape2d_prepare(const qib_roi *roi, size_t aggregation, void **out,
                                  qib_error *err) {
    (void)aggregation;
    pr_shape2d_ctx *c = calloc(1, sizeof *c);
    if (!c) return qib__nomem(err, NULL, "PyRadiomics shape2D");
    *out = c;
    set_nan(c);
    qib_box box;
    bool force2d = roi->settings && qib_settings_bool(roi->settings, "force2d");
    int d = roi->settings ? (int)qib_settings_int(roi->settings, "force2d_dimension") : 0;
    if (!force2d || d < 0 || d > 2 || !qib__pr_shape_box(roi, &box)) return QIB_OK;
    int flat = 2 - d, a0 = d == 0 ? 1 : 2, a1 = d == 2 ? 1 : 0; /* grid axes */
    if (box.size[flat] != 1) return QIB_OK; /* PyRadiomics refuses a thicker mask */
    size_t n0 = box.size[a0], n1 = box.size[a1], q0 = n0 + 2, q1 = n1 + 2;
    size_t stride[3] = {1, roi->grid.dim[0], roi->grid.dim[0] * roi->grid.dim[1]};
    double s0 = roi->grid.spacing[a0], s1 = roi->grid.spacing[a1];
    uint8_t *b = calloc(q0 * q1, 1);
    int32_t *ext = malloc(4 * q0 * sizeof *ext);
    if (!b || !ext) {
        free(b);
        free(ext);
        free(c);
        *out = NULL;
        return qib__nomem(err, NULL, "PyRadiomics shape2D");
    }
    const uint8_t *m = roi->morph_mask + box.lo[0] + box.lo[1] * stride[1] + box.lo[2] * stride[2];
    for (size_t u = 0; u < n0; u++)
        for (size_t v = 0; v < n1; v++)
            b[(u + 1) * q1 + v + 1] = m[u * stride[a0] + v * stride[a1]];
    double area = 0, len = 0;
    for (size_t u = 0; u + 1 < q0; u++)
        for (size_t v = 0; v + 1 < q1; v++) {
            const uint8_t *p = b + u * q1 + v;
            unsigned cfg = p[0] | (p[1] << 1) | (p[q1 + 1] << 2) | (p[q1] << 3);
            double sa, sl;
            square_measures(cfg, s0, s1, &sa, &sl);
            area += sa, len += sl;
        }
    c->surface = area * s0 * s1;
    c->perimeter = len;
    c->diameter = plane_diameter(b, q0, q1, s0, s1, ext, ext + 2 * q0);
    c->pixel_surface = (double)principal_components(b, q0, q1, s0, s1, c->ev) * s0 * s1;
    free(b);
    free(ext);
    return QIB_OK;
}

static void shape2d_release(void *ctx) { free(ctx); }

#define CTX(p) ((const pr_shape2d_ctx *)(p))

/* Elongation; no IBSI 2D equal. shape2D.py getElongationFeatureValue:
 * sqrt(lambda_minor / lambda_major) of the pixel-centre covariance (mm);
 * NaN for a negative eigenvalue, 0/0 = NaN for one pixel. */
static double elongation(const void *c) {
    const double *e = CTX(c)->ev;
    return e[0] < 0 || e[1] < 0 ? NAN : sqrt(e[0] / e[1]);
}

/* MajorAxisLength. getMajorAxisLengthFeatureValue: 4 sqrt(lambda_major),
 * population covariance. */
static double major_axis(const void *c) {
    return CTX(c)->ev[1] < 0 ? NAN : 4.0 * sqrt(CTX(c)->ev[1]);
}

/* MaximumDiameter. getMaximumDiameterFeatureValue: the largest distance
 * between two contour vertices. */
static double max_diameter(const void *c) { return CTX(c)->diameter; }

/* MeshSurface. getMeshSurfaceFeatureValue: A = sum_f O a_f x O b_f / 2
 * over the contour segments (signed), the area inside the contour. */
static double mesh_surface(const void *c) { return CTX(c)->surface; }

/* MinorAxisLength. getMinorAxisLengthFeatureValue: 4 sqrt(lambda_minor). */
static double minor_axis(const void *c) {
    return CTX(c)->ev[0] < 0 ? NAN : 4.0 * sqrt(CTX(c)->ev[0]);
}

/* Perimeter. getPerimeterFeatureValue: P, the sum of the contour's
 * segment lengths. */
static double perimeter(const void *c) { return CTX(c)->perimeter; }

/* PerimeterSurfaceRatio. getPerimeterSurfaceRatioFeatureValue: P / A. */
static double perimeter_surface_ratio(const void *c) {
    return CTX(c)->perimeter / CTX(c)->surface;
}

/* PixelSurface. getPixelSurfaceFeatureValue: N_p times the pixel area. */
static double pixel_surface(const void *c) { return CTX(c)->pixel_surface; }

/* Sphericity. getSphericityFeatureValue: 2 sqrt(pi A) / P (1 for a disc). */
static double sphericity(const void *c) {
    return 2.0 * sqrt(PI * CTX(c)->surface) / CTX(c)->perimeter;
}

#define PR2(fn, name, unit, text) \
    {{"pyradiomics_shape2D", name, "", "shape2D_" name, unit, 0, text}, fn}

/* In PyRadiomics' output order (its getters, sorted by name). */
static const qib_feature_def pr_shape2d_features[] = {
    PR2(elongation, "Elongation", "", "sqrt(lambda_minor / lambda_major), pixel-centre PCA."),
    PR2(major_axis, "MajorAxisLength", "mm", "4 sqrt(lambda_major), population covariance."),
    PR2(max_diameter, "MaximumDiameter", "mm", "Largest distance between two contour vertices."),
    PR2(mesh_surface, "MeshSurface", "mm^2", "Area inside the marching-squares contour."),
    PR2(minor_axis, "MinorAxisLength", "mm", "4 sqrt(lambda_minor), population covariance."),
    PR2(perimeter, "Perimeter", "mm", "Length of the marching-squares contour."),
    PR2(perimeter_surface_ratio, "PerimeterSurfaceRatio", "mm^-1", "P / A."),
    PR2(pixel_surface, "PixelSurface", "mm^2", "Pixel count times pixel area."),
    PR2(sphericity, "Sphericity", "", "2 sqrt(pi A) / P."),
};

const qib_family_def qib__family_pr_shape2d = {
    {"pyradiomics_shape2D", "PyRadiomics shape2D", "",
     "PyRadiomics 3.1 shape2D class (force2D, a mask one voxel thick): contour and principal "
     "axes of the region in its plane.",
     "shape2D", "pyradiomics"},
    pr_shape2d_features,
    sizeof pr_shape2d_features / sizeof pr_shape2d_features[0],
    NULL,
    0,
    shape2d_prepare,
    shape2d_release,
};
