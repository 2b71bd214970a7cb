/* SPDX-License-Identifier: Apache-2.0 */
/* mesh.h: geometry shared by the morphology family (folder-private).
 *
 *   mesh.c        marching-cubes surface mesh of a binary mask
 *   convex_hull.c exact 3D convex hull of the mesh vertices
 *   shape_fit.c   PCA, enclosing ellipsoids and oriented bounding boxes
 *   spatial_autocorr.c  Moran's I and Geary's C
 *
 * Coordinates are in "index millimetres": voxel index times spacing along
 * each axis. The grid's direction cosines rotate every point the same way,
 * so distances, areas and volumes are the same as in world (LPS)
 * coordinates and need not be applied. */
#ifndef QIB_FEATURES_MESH_H
#define QIB_FEATURES_MESH_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

/* ---- mesh.c ---- */

/* A closed triangle mesh with consistently oriented faces (normals point
 * out of the region). Every vertex is the midpoint of a voxel edge that
 * crosses the region's border, so it is also kept exactly as integers:
 * ivert = 2 * (voxel index), in the coordinates of the grid it was built on. */
typedef struct qib_mesh {
    size_t n_vert, n_tri;
    double *vert;    /* 3 * n_vert, index millimetres */
    int32_t *ivert;  /* 3 * n_vert, doubled voxel index (exact) */
    uint32_t *tri;   /* 3 * n_tri vertex indices, counter-clockwise seen from outside */
} qib_mesh;

/* Meshes mask (dim[0] x dim[1] x dim[2], i fastest, 1 inside) with
 * marching cubes at iso-level 0.5 after padding it with one voxel of
 * zeros. An empty mask gives an empty mesh. */
qib_status qib__mesh_build(const uint8_t *mask, const size_t dim[3], const double spacing[3],
                           qib_mesh *out, qib_error *err);
void qib__mesh_free(qib_mesh *m);
/* |sum of signed tetrahedron volumes| (mm^3) and sum of triangle areas (mm^2). */
double qib__mesh_volume(const qib_mesh *m);
double qib__mesh_area(const qib_mesh *m);

/* ---- convex_hull.c ---- */

/* The convex hull of a set of integer points (exact orientation tests in
 * 64-bit integers, so coplanar and collinear points are handled without
 * tolerances). Points are scaled by scale[] (per axis) for the measures. */
typedef struct qib_hull {
    size_t n_tri, n_vert;
    uint32_t *tri;  /* 3 * n_tri indices into the input points, outward */
    uint32_t *vert; /* the distinct input points that are hull vertices */
    double volume, area; /* of the scaled hull */
    int degenerate; /* all points coplanar: no 3D hull (volume 0) */
} qib_hull;

/* pts: 3 * n coordinates, |values| < 2^19 (else QIB_ERR_LIMIT). */
qib_status qib__hull_build(const int32_t *pts, size_t n, const double scale[3], qib_hull *out,
                           qib_error *err);
void qib__hull_free(qib_hull *h);

/* ---- shape_fit.c ---- */

/* Eigen-decomposition of a symmetric 3x3 matrix (Jacobi rotations):
 * eigenvalues descending in w, unit eigenvectors in the columns of v. */
void qib__sym3_eigen(const double a[9], double w[3], double v[9]);

/* Surface area of an ellipsoid with semi-axes a >= b >= c, by the series of
 * IBSI 1 (feature RDD2): 4 pi a b sum_{nu=0}^{20} (alpha beta)^nu /
 * (1 - 4 nu^2) P_nu((alpha^2 + beta^2) / (2 alpha beta)), with
 * alpha = sqrt(1 - b^2/a^2), beta = sqrt(1 - c^2/a^2). */
double qib__ellipsoid_area(double a, double b, double c);

/* Minimum-volume enclosing ellipsoid of n points (3 * n, index mm):
 * Khachiyan's algorithm with away steps, then Newton's method on the
 * support, to rounding (shape_fit.c); semi-axes descending. Points inside
 * the ellipsoid do not change the result. Returns 0 when it cannot (fewer
 * than 4 points, flat set, memory). */
int qib__mvee(const double *pts, size_t n, double axes[3]);

/* An oriented bounding box of small volume around the hull vertices of
 * mesh m: for each distinct hull face normal and for the PCA axes (columns
 * of pca), the minimum-area rectangle of the vertices projected on the
 * plane across it (rotating calipers) times the extent along it; the
 * smallest box wins (O'Rourke's exact method also tries edge pairs; this
 * approximation is the common one). Writes the side lengths (mm); returns
 * 0 when it cannot. */
int qib__ombb(const qib_mesh *m, const qib_hull *hull, const double spacing[3],
              const double pca[9], double sides[3]);

/* ---- spatial_autocorr.c ---- */

/* Moran's I and Geary's C of the intensity mask (IBSI N365, NPT7), exact
 * over all voxel pairs. method: 0 chooses (direct loop for small regions,
 * Fourier transform for large ones), 1 forces the direct loop, 2 the
 * transform. NaN for fewer than 2 voxels or constant intensities. */
qib_status qib__autocorrelation(const qib_roi *roi, double mean, int method, double *moran,
                                double *geary, qib_error *err);

#endif
