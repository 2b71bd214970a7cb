/* SPDX-License-Identifier: Apache-2.0 */
/* morphology.c: the 29 IBSI morphological features (IBSI 1, section
 * "Morphological features", HCUG).
 *
 * Three representations of the region are used, as the IBSI prescribes:
 *   - the voxels of the morphological mask (approximate volume),
 *   - the voxel centre point set X_c (principal axes, centre of mass),
 *   - the marching-cubes surface mesh (volume V, area A, diameters, hulls,
 *     bounding boxes), built in mesh.c.
 * Intensity-weighted features (centre of mass shift, integrated intensity,
 * Moran's I, Geary's C) use the intensity mask X_gl.
 *
 * Lengths are in the grid's unit (mm). Everything is computed once in
 * morph_prepare; each feature function below is only its formula. Points
 * are in index millimetres (voxel index times spacing): the grid's
 * direction cosines are a rotation, which changes no distance, area or
 * volume. The axis-aligned bounding box is aligned with the grid axes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh.h"

#define PI 3.14159265358979323846

typedef struct morph_ctx {
    double vol, area;         /* mesh volume V and area A */
    double approx_vol;        /* voxel count x voxel volume */
    double hull_vol, hull_area;
    double diameter;          /* largest distance between mesh vertices */
    double lambda[3];         /* PCA eigenvalues of X_c, descending */
    double aabb[3];           /* mesh vertex extents along the grid axes */
    double ombb[3];           /* oriented minimum bounding box sides */
    int has_ombb;
    double mvee[3];           /* MVEE semi-axes */
    int has_mvee;
    double com_shift;
    double mean_int;          /* mean intensity over the intensity mask */
    double moran, geary;
} morph_ctx;

/* ---- prepare ---- */

static qib_status morph_prepare(const qib_roi *roi, size_t aggregation, void **out,
                                qib_error *err) {
    (void)aggregation;
    morph_ctx *c = calloc(1, sizeof *c);
    if (!c) return qib__nomem(err, NULL, "morphology");
    const size_t *dim = roi->grid.dim;
    const double *sp = roi->grid.spacing;
    qib_mesh mesh;
    qib_hull hull;
    memset(&mesh, 0, sizeof mesh);
    memset(&hull, 0, sizeof hull);
    uint8_t *sub = NULL;
    double *hv = NULL;
    qib_status st = QIB_OK;

    /* voxel centres of the morphological mask: count, centroid, covariance */
    size_t nm = 0;
    double sum[3] = {0, 0, 0};
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    for (size_t k = 0, v = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++)
            for (size_t i = 0; i < dim[0]; i++, v++) {
                if (!roi->morph_mask[v]) continue;
                size_t p[3] = {i, j, k};
                for (int d = 0; d < 3; d++) {
                    sum[d] += (double)p[d] * sp[d];
                    if (p[d] < lo[d]) lo[d] = p[d];
                    if (p[d] > hi[d]) hi[d] = p[d];
                }
                nm++;
            }
    c->approx_vol = (double)nm * sp[0] * sp[1] * sp[2];
    if (!nm) {
        /* empty morphological mask: every feature is undefined */
        c->vol = c->area = c->hull_vol = c->hull_area = c->diameter = NAN;
        for (int d = 0; d < 3; d++) c->lambda[d] = c->aabb[d] = NAN;
        c->com_shift = c->mean_int = c->moran = c->geary = NAN;
        *out = c;
        return QIB_OK;
    }
    double cen[3] = {sum[0] / (double)nm, sum[1] / (double)nm, sum[2] / (double)nm};
    double cov[9] = {0};
    for (size_t k = lo[2]; k <= hi[2]; k++)
        for (size_t j = lo[1]; j <= hi[1]; j++)
            for (size_t i = lo[0]; i <= hi[0]; i++) {
                if (!roi->morph_mask[(k * dim[1] + j) * dim[0] + i]) continue;
                double q[3] = {(double)i * sp[0] - cen[0], (double)j * sp[1] - cen[1],
                               (double)k * sp[2] - cen[2]};
                for (int r = 0; r < 3; r++)
                    for (int s = 0; s < 3; s++) cov[3 * r + s] += q[r] * q[s];
            }
    /* sample covariance (1 / (N_v - 1)), as the IBSI reference values use
     * (numpy.cov); a single voxel has none and gets 0 */
    for (int r = 0; r < 9; r++) cov[r] = nm > 1 ? cov[r] / (double)(nm - 1) : 0.0;
    double pca[9];
    qib__sym3_eigen(cov, c->lambda, pca);
    for (int d = 0; d < 3; d++)
        if (c->lambda[d] < 0) c->lambda[d] = 0; /* rounding of a flat region */

    /* intensity mask: mean, and the intensity-weighted centre of mass */
    double isum = 0.0, wsum[3] = {0, 0, 0};
    for (size_t k = 0, v = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++)
            for (size_t i = 0; i < dim[0]; i++, v++) {
                if (!roi->int_mask[v]) continue;
                double x = roi->image[v];
                isum += x;
                wsum[0] += x * (double)i * sp[0];
                wsum[1] += x * (double)j * sp[1];
                wsum[2] += x * (double)k * sp[2];
            }
    c->mean_int = roi->n_int ? isum / (double)roi->n_int : NAN;
    if (roi->n_int && isum != 0.0) {
        double s2 = 0.0;
        for (int d = 0; d < 3; d++) {
            double e = cen[d] - wsum[d] / isum;
            s2 += e * e;
        }
        c->com_shift = sqrt(s2);
    } else {
        c->com_shift = NAN; /* no intensity mass: no intensity centre */
    }

    /* the mesh of the morphological mask, on its bounding box */
    size_t bd[3] = {hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1};
    sub = malloc(bd[0] * bd[1] * bd[2]);
    if (!sub) {
        st = qib__nomem(err, NULL, "morphology mask");
        goto fail;
    }
    for (size_t k = 0, v = 0; k < bd[2]; k++)
        for (size_t j = 0; j < bd[1]; j++)
            for (size_t i = 0; i < bd[0]; i++, v++)
                sub[v] = roi->morph_mask[((k + lo[2]) * dim[1] + (j + lo[1])) * dim[0] + i + lo[0]];
    st = qib__mesh_build(sub, bd, sp, &mesh, err);
    if (st) goto fail;
    c->vol = qib__mesh_volume(&mesh);
    c->area = qib__mesh_area(&mesh);
    for (int d = 0; d < 3; d++) {
        double mn = HUGE_VAL, mx = -HUGE_VAL;
        for (size_t v = 0; v < mesh.n_vert; v++) {
            mn = fmin(mn, mesh.vert[3 * v + d]);
            mx = fmax(mx, mesh.vert[3 * v + d]);
        }
        c->aabb[d] = mx - mn;
    }

    /* convex hull; the diameter and the enclosing shapes need only its vertices */
    st = qib__hull_build(mesh.ivert, mesh.n_vert, sp, &hull, err);
    if (st) goto fail;
    c->hull_vol = hull.degenerate ? NAN : hull.volume;
    c->hull_area = hull.degenerate ? NAN : hull.area;
    size_t nh = hull.degenerate ? mesh.n_vert : hull.n_vert;
    hv = malloc(3 * (nh ? nh : 1) * sizeof *hv);
    if (!hv) {
        st = qib__nomem(err, NULL, "hull vertices");
        goto fail;
    }
    for (size_t v = 0; v < nh; v++)
        memcpy(hv + 3 * v, mesh.vert + 3 * (hull.degenerate ? v : hull.vert[v]), 3 * sizeof *hv);
    double dmax = 0.0;
    for (size_t a = 0; a < nh; a++)
        for (size_t b = a + 1; b < nh; b++) {
            double dx = hv[3 * a] - hv[3 * b], dy = hv[3 * a + 1] - hv[3 * b + 1],
                   dz = hv[3 * a + 2] - hv[3 * b + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > dmax) dmax = d2;
        }
    c->diameter = sqrt(dmax);
    c->has_mvee = qib__mvee(hv, nh, c->mvee);
    c->has_ombb = qib__ombb(&mesh, &hull, sp, pca, c->ombb);

    st = qib__autocorrelation(roi, c->mean_int, 0, &c->moran, &c->geary, err);
    if (st) goto fail;
    free(sub);
    free(hv);
    qib__mesh_free(&mesh);
    qib__hull_free(&hull);
    *out = c;
    return QIB_OK;
fail:
    free(sub);
    free(hv);
    qib__mesh_free(&mesh);
    qib__hull_free(&hull);
    free(c);
    return st;
}

static void morph_release(void *ctx) { free(ctx); }

#define CTX(p) ((const morph_ctx *)(p))

/* Volume (mesh), IBSI RNU0, PyRadiomics shape MeshVolume.
 * V = |sum_k a_k . (b_k x c_k) / 6| over the mesh faces k with vertices
 * a_k, b_k, c_k (signed tetrahedra with the origin; IBSI 1 eq. for
 * morph.vol). A single voxel gives the octahedron 4/3 (s/2)^3 for voxel
 * side s, less than the voxel: the mesh cuts the corners. */
static double volume(const void *c) { return CTX(c)->vol; }

/* Volume (voxel counting), IBSI YEKZ, PyRadiomics shape VoxelVolume.
 * N_v * voxel volume, N_v the morphological mask's voxel count. */
static double approx_volume(const void *c) { return CTX(c)->approx_vol; }

/* Surface area (mesh), IBSI C0JK, PyRadiomics shape SurfaceArea.
 * A = sum_k |ab_k x ac_k| / 2 over the mesh faces. */
static double area(const void *c) { return CTX(c)->area; }

/* Surface to volume ratio, IBSI 2PR5, PyRadiomics shape SurfaceVolumeRatio.
 * A / V. */
static double surface_volume_ratio(const void *c) { return CTX(c)->area / CTX(c)->vol; }

/* Compactness 1, IBSI SKGS, PyRadiomics shape Compactness1.
 * V / (pi^(1/2) A^(3/2)). */
static double compactness_1(const void *c) {
    return CTX(c)->vol / (sqrt(PI) * pow(CTX(c)->area, 1.5));
}

/* Compactness 2, IBSI BQWJ, PyRadiomics shape Compactness2.
 * 36 pi V^2 / A^3 (1 for a sphere). */
static double compactness_2(const void *c) {
    const morph_ctx *m = CTX(c);
    return 36.0 * PI * m->vol * m->vol / (m->area * m->area * m->area);
}

/* Spherical disproportion, IBSI KRCK, PyRadiomics shape
 * SphericalDisproportion. A / (36 pi V^2)^(1/3) (1 for a sphere). */
static double spherical_disproportion(const void *c) {
    const morph_ctx *m = CTX(c);
    return m->area / cbrt(36.0 * PI * m->vol * m->vol);
}

/* Sphericity, IBSI QCFX, PyRadiomics shape Sphericity.
 * (36 pi V^2)^(1/3) / A (1 for a sphere). */
static double sphericity(const void *c) {
    const morph_ctx *m = CTX(c);
    return cbrt(36.0 * PI * m->vol * m->vol) / m->area;
}

/* Asphericity, IBSI 25C7 (no PyRadiomics equivalent).
 * (A^3 / (36 pi V^2))^(1/3) - 1 (0 for a sphere). */
static double asphericity(const void *c) {
    const morph_ctx *m = CTX(c);
    return cbrt(m->area * m->area * m->area / (36.0 * PI * m->vol * m->vol)) - 1.0;
}

/* Centre of mass shift, IBSI KLMA.
 * || mean of X_c (morphological mask voxel centres) - sum_k X_gl,k x_k /
 * sum_k X_gl,k (intensity-weighted centre of the intensity mask) ||.
 * NaN when the intensities sum to 0. */
static double com_shift(const void *c) { return CTX(c)->com_shift; }

/* Maximum 3D diameter, IBSI L0JK, PyRadiomics shape Maximum3DDiameter.
 * The largest distance between two mesh vertices. The farthest pair are
 * convex hull vertices, so only those are compared (exact, O(h^2)). */
static double diameter_max(const void *c) { return CTX(c)->diameter; }

/* Major, minor and least axis length, IBSI TDIC, P9VJ, 7J51, PyRadiomics
 * shape MajorAxisLength, MinorAxisLength, LeastAxisLength.
 * 4 sqrt(lambda), lambda_major >= lambda_minor >= lambda_least the
 * eigenvalues of the sample covariance (1 / (N_v - 1)) of the voxel centres
 * X_c (the digital phantom's reference needs the N_v - 1). A single
 * voxel gives 0; a single slice gives a least axis of 0. */
static double major_axis(const void *c) { return 4.0 * sqrt(CTX(c)->lambda[0]); }
static double minor_axis(const void *c) { return 4.0 * sqrt(CTX(c)->lambda[1]); }
static double least_axis(const void *c) { return 4.0 * sqrt(CTX(c)->lambda[2]); }

/* Elongation, IBSI Q3CK, PyRadiomics shape Elongation.
 * sqrt(lambda_minor / lambda_major); NaN for a single voxel (0 / 0). */
static double elongation(const void *c) {
    const morph_ctx *m = CTX(c);
    return m->lambda[0] > 0 ? sqrt(m->lambda[1] / m->lambda[0]) : NAN;
}

/* Flatness, IBSI N17B, PyRadiomics shape Flatness.
 * sqrt(lambda_least / lambda_major); NaN for a single voxel. */
static double flatness(const void *c) {
    const morph_ctx *m = CTX(c);
    return m->lambda[0] > 0 ? sqrt(m->lambda[2] / m->lambda[0]) : NAN;
}

/* Volume density (axis-aligned bounding box), IBSI PBX1.
 * V / (l_x l_y l_z), l the extents of the mesh vertices along the grid
 * axes. */
static double vol_dens_aabb(const void *c) {
    const morph_ctx *m = CTX(c);
    return m->vol / (m->aabb[0] * m->aabb[1] * m->aabb[2]);
}

/* Area density (axis-aligned bounding box), IBSI R59B.
 * A / (2 (l_x l_y + l_x l_z + l_y l_z)). */
static double area_dens_aabb(const void *c) {
    const double *l = CTX(c)->aabb;
    return CTX(c)->area / (2.0 * (l[0] * l[1] + l[0] * l[2] + l[1] * l[2]));
}

/* Volume density (oriented minimum bounding box), IBSI ZH1A. No IBSI
 * consensus. V / (l_1 l_2 l_3) for the box of shape_fit.c (hull face
 * normals and PCA axes, minimum rectangle by rotating calipers). */
static double vol_dens_ombb(const void *c) {
    const morph_ctx *m = CTX(c);
    return m->has_ombb ? m->vol / (m->ombb[0] * m->ombb[1] * m->ombb[2]) : NAN;
}

/* Area density (oriented minimum bounding box), IBSI IQYR. No consensus.
 * A / (2 (l_1 l_2 + l_1 l_3 + l_2 l_3)). */
static double area_dens_ombb(const void *c) {
    const morph_ctx *m = CTX(c);
    const double *l = m->ombb;
    return m->has_ombb ? m->area / (2.0 * (l[0] * l[1] + l[0] * l[2] + l[1] * l[2])) : NAN;
}

/* Volume density (approximate enclosing ellipsoid), IBSI 6BDE.
 * V / (4 pi a b c / 3), semi-axes a = 2 sqrt(lambda_major), b = 2
 * sqrt(lambda_minor), c = 2 sqrt(lambda_least). NaN for a flat region
 * (c = 0). */
static double vol_dens_aee(const void *c) {
    const double *l = CTX(c)->lambda;
    double abc = 8.0 * sqrt(l[0] * l[1] * l[2]);
    return abc > 0 ? CTX(c)->vol / (4.0 * PI * abc / 3.0) : NAN;
}

/* Area density (approximate enclosing ellipsoid), IBSI RDD2.
 * A / A_ell, A_ell from the Legendre series of qib__ellipsoid_area (IBSI 1,
 * 20 terms). NaN for a flat region. */
static double area_dens_aee(const void *c) {
    const double *l = CTX(c)->lambda;
    double ae = qib__ellipsoid_area(2.0 * sqrt(l[0]), 2.0 * sqrt(l[1]), 2.0 * sqrt(l[2]));
    return CTX(c)->area / ae;
}

/* Volume density (minimum volume enclosing ellipsoid), IBSI SWZ1. No IBSI
 * consensus. V / (4 pi a b c / 3) with the semi-axes of the MVEE of the
 * convex hull vertices (Khachiyan's algorithm with away steps, then Newton's
 * method on the support: exact to ~1e-14 relative, see shape_fit.c). */
static double vol_dens_mvee(const void *c) {
    const morph_ctx *m = CTX(c);
    if (!m->has_mvee) return NAN;
    return m->vol / (4.0 * PI * m->mvee[0] * m->mvee[1] * m->mvee[2] / 3.0);
}

/* Area density (minimum volume enclosing ellipsoid), IBSI BRI8. No
 * consensus. A / A_ell of the MVEE (same series as RDD2). */
static double area_dens_mvee(const void *c) {
    const morph_ctx *m = CTX(c);
    if (!m->has_mvee) return NAN;
    return m->area / qib__ellipsoid_area(m->mvee[0], m->mvee[1], m->mvee[2]);
}

/* Volume density (convex hull), IBSI R3ER ("solidity"). V / V_convex, the
 * convex hull of the mesh vertices measured like the mesh. */
static double vol_dens_conv_hull(const void *c) { return CTX(c)->vol / CTX(c)->hull_vol; }

/* Area density (convex hull), IBSI 7T7F. A / A_convex. */
static double area_dens_conv_hull(const void *c) { return CTX(c)->area / CTX(c)->hull_area; }

/* Integrated intensity, IBSI 99N0 ("total lesion glycolysis" in FDG PET).
 * V * mean of X_gl (mesh volume times the intensity mask's mean). */
static double integrated_intensity(const void *c) { return CTX(c)->vol * CTX(c)->mean_int; }

/* Moran's I index, IBSI N365.
 * N / sum_{k1 != k2} w * sum_{k1 != k2} w (X_k1 - mu)(X_k2 - mu) /
 * sum_k (X_k - mu)^2, over the intensity mask, w = 1 / ||x_k1 - x_k2||.
 * Exact over all pairs. NaN for fewer than 2 voxels or constant
 * intensities. */
static double moran_i(const void *c) { return CTX(c)->moran; }

/* Geary's C measure, IBSI NPT7.
 * (N - 1) / (2 sum w) * sum_{k1 != k2} w (X_k1 - X_k2)^2 / sum_k (X_k -
 * mu)^2, weights as for Moran's I. NaN as for Moran's I. */
static double geary_c(const void *c) { return CTX(c)->geary; }

#define MORPH(name, code, pyrad, unit, flags, text) \
    {{"morph", #name, code, pyrad, unit, flags, text}, name}
#define NC QIB_FEATURE_NO_CONSENSUS

static const qib_feature_def morph_features[] = {
    MORPH(volume, "RNU0", "shape_MeshVolume", "mm^3", 0, "Volume inside the surface mesh."),
    MORPH(approx_volume, "YEKZ", "shape_VoxelVolume", "mm^3", 0,
          "Voxel count times voxel volume."),
    MORPH(area, "C0JK", "shape_SurfaceArea", "mm^2", 0, "Area of the surface mesh."),
    MORPH(surface_volume_ratio, "2PR5", "shape_SurfaceVolumeRatio", "mm^-1", 0,
          "Surface area divided by volume."),
    MORPH(compactness_1, "SKGS", "shape_Compactness1", "", 0, "V / (sqrt(pi) A^1.5)."),
    MORPH(compactness_2, "BQWJ", "shape_Compactness2", "", 0, "36 pi V^2 / A^3."),
    MORPH(spherical_disproportion, "KRCK", "shape_SphericalDisproportion", "", 0,
          "A / (36 pi V^2)^(1/3)."),
    MORPH(sphericity, "QCFX", "shape_Sphericity", "", 0, "(36 pi V^2)^(1/3) / A."),
    MORPH(asphericity, "25C7", "", "", 0, "(A^3 / (36 pi V^2))^(1/3) - 1."),
    MORPH(com_shift, "KLMA", "", "mm", 0,
          "Distance between the geometric and the intensity-weighted centre of mass."),
    MORPH(diameter_max, "L0JK", "shape_Maximum3DDiameter", "mm", 0,
          "Largest distance between two mesh vertices."),
    MORPH(major_axis, "TDIC", "shape_MajorAxisLength", "mm", 0,
          "4 sqrt of the largest principal component variance."),
    MORPH(minor_axis, "P9VJ", "shape_MinorAxisLength", "mm", 0,
          "4 sqrt of the second principal component variance."),
    MORPH(least_axis, "7J51", "shape_LeastAxisLength", "mm", 0,
          "4 sqrt of the smallest principal component variance."),
    MORPH(elongation, "Q3CK", "shape_Elongation", "", 0, "sqrt(lambda_minor / lambda_major)."),
    MORPH(flatness, "N17B", "shape_Flatness", "", 0, "sqrt(lambda_least / lambda_major)."),
    MORPH(vol_dens_aabb, "PBX1", "", "", 0, "Volume over axis-aligned bounding box volume."),
    MORPH(area_dens_aabb, "R59B", "", "", 0, "Area over axis-aligned bounding box area."),
    MORPH(vol_dens_ombb, "ZH1A", "", "", NC,
          "Volume over oriented minimum bounding box volume (approximate)."),
    MORPH(area_dens_ombb, "IQYR", "", "", NC,
          "Area over oriented minimum bounding box area (approximate)."),
    MORPH(vol_dens_aee, "6BDE", "", "", 0, "Volume over approximate enclosing ellipsoid volume."),
    MORPH(area_dens_aee, "RDD2", "", "", 0, "Area over approximate enclosing ellipsoid area."),
    MORPH(vol_dens_mvee, "SWZ1", "", "", NC,
          "Volume over minimum volume enclosing ellipsoid volume."),
    MORPH(area_dens_mvee, "BRI8", "", "", NC, "Area over minimum volume enclosing ellipsoid area."),
    MORPH(vol_dens_conv_hull, "R3ER", "", "", 0, "Volume over convex hull volume (solidity)."),
    MORPH(area_dens_conv_hull, "7T7F", "", "", 0, "Area over convex hull area."),
    MORPH(integrated_intensity, "99N0", "", "", 0, "Mesh volume times mean intensity."),
    MORPH(moran_i, "N365", "", "", 0, "Moran's I spatial autocorrelation (inverse distance)."),
    MORPH(geary_c, "NPT7", "", "", 0, "Geary's C spatial autocorrelation (inverse distance)."),
};

const qib_family_def qib__family_morph = {
    {"morph", "Morphology", "morphology",
     "Shape and size of the region: surface mesh, principal axes, hulls, enclosing shapes.", NULL, NULL},
    morph_features,
    sizeof morph_features / sizeof morph_features[0],
    NULL,
    0,
    morph_prepare,
    morph_release,
};
