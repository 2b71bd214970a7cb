/* SPDX-License-Identifier: Apache-2.0 */
/* pr_mesh.h: PyRadiomics 3.1's surface mesh and diameters, for the shape
 * class (shape.c; folder-private).
 *
 * PyRadiomics meshes the mask with its own marching cubes
 * (radiomics/src/cshape.c, calculate_coefficients): vertices at the
 * midpoints of the voxel edges that cross the border, a 128-entry triangle
 * table, and cubes whose corner at offset (0, 1, 1) (i, j, k) is inside
 * meshed as their complement with the faces turned over. Where the mesh
 * needs no choice this is the IBSI mesh of src/features/mesh.c; it differs
 * on the ambiguous faces (two inside corners on a diagonal: PyRadiomics
 * separates them unless the cube was complemented, so neighbouring cubes can
 * disagree and leave a small hole) and in how a seven-sided loop is cut into
 * triangles. See pr_mesh.c. */
#ifndef QIB_PYRADIOMICS_PR_MESH_H
#define QIB_PYRADIOMICS_PR_MESH_H

#include "../common/qib_internal.h"

typedef struct qib_pr_mesh_measures {
    double area;   /* SurfaceArea: sum of the triangle areas, mm^2 */
    double volume; /* MeshVolume: signed sum of the tetrahedra, mm^3 */
    /* Largest distance between two mesh vertices (mm): among all vertices,
     * and among vertices with the same k (Slice), the same j (Column), the
     * same i (Row) coordinate. */
    double diam_3d, diam_slice, diam_column, diam_row;
    size_t n_vert; /* mesh vertices (edges crossing the border) */
} qib_pr_mesh_measures;

/* Measures the mesh of a region given as its bounding box inside a larger
 * array: box voxel (i, j, k), i < dim[0], j < dim[1], k < dim[2], is
 * mask[i + j * row + k * slab] (1 inside, 0 outside); spacing is in mm along
 * i, j, k. The box is padded with one voxel of zeros, as PyRadiomics pads
 * the mask it crops to the bounding box, and the tetrahedra of the volume
 * have their apex at the centre of the padded corner voxel (-1, -1, -1):
 * PyRadiomics' origin, which matters only when the mesh has holes. An
 * empty box gives zeros. Errors: QIB_ERR_NOMEM, QIB_ERR_LIMIT (a dimension
 * above 2^18). */
qib_status qib__pr_mesh_measure(const uint8_t *mask, const size_t dim[3], size_t row, size_t slab,
                                const double spacing[3], qib_pr_mesh_measures *out,
                                qib_error *err);

#endif
