/* SPDX-License-Identifier: Apache-2.0 */
/* test_pyradiomics_shape.c: PyRadiomics 3.1's shape class
 * (src/pyradiomics/shape.c, pr_mesh.c, pr_diameters.c) against
 * independent references: meshes measured by hand (an octahedron, two
 * voxels on a diagonal), qib's IBSI mesh where the two meshes must agree,
 * a brute-force diameter search, a box's principal axes in closed form,
 * PyRadiomics' own algorithm (cshape.c with its triangle table, transcribed
 * outside qib) on masks that exercise its ambiguous faces, holes and
 * seven-sided loops, and PyRadiomics' output on the IBSI digital phantom. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/mesh.h"
#include "pyradiomics/pr_mesh.h"
#include "tu_ibsi.h"
#include "tu_pr_reference.h"

#define PI 3.14159265358979323846

/* A mask from a string of '0'/'1', i fastest. */
static uint8_t *mask_of(const char *bits, const size_t dim[3]) {
    size_t n = dim[0] * dim[1] * dim[2];
    assert_int_equal(strlen(bits), n);
    uint8_t *m = malloc(n);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++) m[i] = bits[i] == '1';
    return m;
}

static qib_pr_mesh_measures measure(const char *bits, size_t nx, size_t ny, size_t nz,
                                    const double sp[3]) {
    size_t dim[3] = {nx, ny, nz};
    uint8_t *m = mask_of(bits, dim);
    qib_pr_mesh_measures r;
    qib_error err;
    TU_OK(qib__pr_mesh_measure(m, dim, nx, nx * ny, sp, &r, &err), &err);
    free(m);
    return r;
}

/* Relative closeness, for values from other programs. */
#define TU_REL(a, b, rel) TU_NEAR((a), (b), (rel) * fabs(b))

/* One voxel of sides (a, b, c) = 2 (h0, h1, h2): the mesh is the octahedron
 * through the six face centres. Volume (4/3) h0 h1 h2 = a b c / 6; eight
 * faces of area |(-h0, h1, 0) x (-h0, 0, h2)| / 2 = sqrt(h1^2 h2^2 + h0^2
 * h2^2 + h0^2 h1^2) / 2. Diameters: 2 max(h) in 3D, and in each plane
 * through the centre the larger of its two axes. */
static void test_single_voxel(void **state) {
    (void)state;
    double sp[3] = {0.7, 1.3, 2.0}, h[3] = {0.35, 0.65, 1.0};
    qib_pr_mesh_measures r = measure("1", 1, 1, 1, sp);
    TU_NEAR(r.volume, 0.7 * 1.3 * 2.0 / 6.0, 1e-14);
    TU_NEAR(r.area,
            4.0 * sqrt(h[1] * h[1] * h[2] * h[2] + h[0] * h[0] * h[2] * h[2] +
                       h[0] * h[0] * h[1] * h[1]),
            1e-14);
    assert_int_equal(r.n_vert, 6);
    TU_NEAR(r.diam_3d, 2.0, 1e-14);
    TU_NEAR(r.diam_slice, 1.3, 1e-14);  /* same k: the i and j axes */
    TU_NEAR(r.diam_column, 2.0, 1e-14); /* same j: the i and k axes */
    TU_NEAR(r.diam_row, 2.0, 1e-14);    /* same i: the j and k axes */
}

/* Voxels (0,0,0) and (1,1,0) touch along an edge. The two cubes holding
 * that edge have their (0,1,1) corner outside, so PyRadiomics' table
 * separates the voxels on the shared ambiguous face: two octahedra of unit
 * voxels, V = 2/6, A = 2 * 4 sqrt(3/16) = 2 sqrt(3); the farthest vertices
 * are (-1/2, 0, 0) and (3/2, 1, 0) in one slice, sqrt(5) apart; in a
 * constant-j or constant-i plane only one octahedron's axis, 1. qib's IBSI
 * mesh joins the voxels instead (a larger volume).
 * The other diagonal, (1,0,0) and (0,1,0): the cube below has its (0,1,1)
 * corner, voxel (0,1,0), inside, so it is meshed as its complement and
 * joins the voxels on the face that the cube above separates them on: the
 * mesh has a hole. Reference: PyRadiomics' algorithm (cshape.c and its
 * table) on this mask. */
static void test_two_voxels_on_a_diagonal(void **state) {
    (void)state;
    double one[3] = {1, 1, 1}, sp[3] = {0.7, 1.3, 2.0};
    qib_pr_mesh_measures r = measure("1001", 2, 2, 1, one);
    TU_NEAR(r.volume, 1.0 / 3.0, 1e-14);
    TU_NEAR(r.area, 2.0 * sqrt(3.0), 1e-14);
    TU_NEAR(r.diam_3d, sqrt(5.0), 1e-14);
    TU_NEAR(r.diam_slice, sqrt(5.0), 1e-14);
    TU_NEAR(r.diam_column, 1.0, 1e-14);
    TU_NEAR(r.diam_row, 1.0, 1e-14);
    uint8_t m[4] = {1, 0, 0, 1};
    size_t dim[3] = {2, 2, 1};
    qib_mesh ibsi;
    qib_error err;
    TU_OK(qib__mesh_build(m, dim, one, &ibsi, &err), &err);
    assert_true(qib__mesh_volume(&ibsi) > 1.0 / 3.0 + 0.01);
    qib__mesh_free(&ibsi);

    r = measure("0110", 2, 2, 1, one);
    TU_REL(r.area, 4.3301270189221945, 1e-13);
    TU_REL(r.volume, 0.33333333333333331, 1e-13);
    TU_REL(r.diam_3d, sqrt(5.0), 1e-13);
    r = measure("0110", 2, 2, 1, sp);
    TU_REL(r.area, 7.7249999999999988, 1e-13);
    TU_REL(r.volume, 0.60666666666666613, 1e-13);
    TU_REL(r.diam_slice, 2.6925824035672523, 1e-13);
    TU_REL(r.diam_column, 2.0, 1e-13);
    TU_REL(r.diam_row, 2.0, 1e-13);
    TU_REL(r.diam_3d, 2.6925824035672523, 1e-13);
}

/* Voxels (0,0,0), (0,1,0), (1,1,0), (0,0,1), (1,0,1): the middle cube
 * holds a seven-sided loop, which PyRadiomics' table fans from its 60
 * degree corner (the largest-area fan would add 0.011 to the area).
 * Reference: PyRadiomics' algorithm on this mask. */
static void test_seven_sided_loop(void **state) {
    (void)state;
    double one[3] = {1, 1, 1};
    qib_pr_mesh_measures r = measure("10111100", 2, 2, 2, one);
    TU_REL(r.area, 12.687911548316347, 1e-13);
    TU_REL(r.volume, 2.625, 1e-13);
    TU_REL(r.diam_slice, sqrt(5.0), 1e-13);
    TU_REL(r.diam_3d, sqrt(6.0), 1e-13);
}

/* A random 6 x 5 x 4 mask (each voxel in with probability 1/2; numpy seed 7),
 * spacing 0.8 x 0.8 x 2 mm, with many ambiguous faces and holes.
 * Reference: PyRadiomics' algorithm on this mask. */
static void test_random_mask(void **state) {
    (void)state;
    static const char bits[] = "000110100111110000001101101000111101110110000010001011110100"
                               "000111110101001000011001000111101010111100100100100010100110";
    double sp[3] = {0.8, 0.8, 2.0};
    qib_pr_mesh_measures r = measure(bits, 6, 5, 4, sp);
    TU_REL(r.area, 191.00356205207956, 1e-13);
    TU_REL(r.volume, 51.519999999999982, 1e-13);
    TU_REL(r.diam_slice, 5.7688820407423833, 1e-13);
    TU_REL(r.diam_column, 8.9442719099991592, 1e-13);
    TU_REL(r.diam_row, 8.6162636914152078, 1e-13);
    TU_REL(r.diam_3d, 9.2606695222321811, 1e-13);
}

/* A digital ball has no ambiguous face and no seven-sided loop, so the two
 * meshes must agree: PyRadiomics' volume and area equal qib's IBSI mesh
 * (src/features/mesh.c). Its diameters equal a brute-force search over all
 * pairs of the IBSI mesh's vertices (the same points). */
static void test_agrees_with_ibsi_mesh(void **state) {
    (void)state;
    size_t dim[3] = {13, 11, 6}, n = 13 * 11 * 6;
    double sp[3] = {0.8, 0.9, 2.0};
    uint8_t *m = malloc(n);
    assert_non_null(m);
    for (size_t k = 0, v = 0; k < dim[2]; k++)
        for (size_t j = 0; j < dim[1]; j++)
            for (size_t i = 0; i < dim[0]; i++, v++) {
                double x = ((double)i - 6.2) * sp[0], y = ((double)j - 5.1) * sp[1],
                       z = ((double)k - 2.4) * sp[2];
                m[v] = x * x + y * y + z * z <= 4.6 * 4.6;
            }
    qib_pr_mesh_measures r;
    qib_mesh ibsi;
    qib_error err;
    TU_OK(qib__pr_mesh_measure(m, dim, dim[0], dim[0] * dim[1], sp, &r, &err), &err);
    TU_OK(qib__mesh_build(m, dim, sp, &ibsi, &err), &err);
    TU_REL(r.volume, qib__mesh_volume(&ibsi), 1e-12);
    TU_REL(r.area, qib__mesh_area(&ibsi), 1e-12);
    assert_int_equal(r.n_vert, ibsi.n_vert);
    double best[4] = {0, 0, 0, 0}; /* same k, same j, same i, any */
    for (size_t a = 0; a < ibsi.n_vert; a++)
        for (size_t b = a + 1; b < ibsi.n_vert; b++) {
            double d2 = 0;
            for (int d = 0; d < 3; d++) {
                double e = ibsi.vert[3 * a + d] - ibsi.vert[3 * b + d];
                d2 += e * e;
            }
            const int32_t *p = ibsi.ivert + 3 * a, *q = ibsi.ivert + 3 * b;
            if (p[2] == q[2] && d2 > best[0]) best[0] = d2;
            if (p[1] == q[1] && d2 > best[1]) best[1] = d2;
            if (p[0] == q[0] && d2 > best[2]) best[2] = d2;
            if (d2 > best[3]) best[3] = d2;
        }
    TU_REL(r.diam_slice, sqrt(best[0]), 1e-14);
    TU_REL(r.diam_column, sqrt(best[1]), 1e-14);
    TU_REL(r.diam_row, sqrt(best[2]), 1e-14);
    TU_REL(r.diam_3d, sqrt(best[3]), 1e-14);
    qib__mesh_free(&ibsi);
    free(m);
}

/* Three voxels along k, spacing (1, 1, 2): the end vertices (0, 0, -1)
 * and (0, 0, 5) are 6 mm apart and share i and j (Column, Row and 3D);
 * within one slice the widest is the octahedron's i or j axis, 1 mm. */
static void test_bar_diameters(void **state) {
    (void)state;
    double sp[3] = {1, 1, 2};
    qib_pr_mesh_measures r = measure("111", 1, 1, 3, sp);
    TU_NEAR(r.diam_3d, 6.0, 1e-14);
    TU_NEAR(r.diam_column, 6.0, 1e-14);
    TU_NEAR(r.diam_row, 6.0, 1e-14);
    TU_NEAR(r.diam_slice, 1.0, 1e-14);
}

/* ---- the family ---- */

typedef struct {
    qib_roi roi;
    double *image;
} tu_roi;

static void roi_from(tu_roi *t, const uint8_t *morph, const uint8_t *in, const size_t dim[3],
                     const double sp[3]) {
    memset(t, 0, sizeof *t);
    qib_grid_init(&t->roi.grid, dim[0], dim[1], dim[2]);
    for (int d = 0; d < 3; d++) t->roi.grid.spacing[d] = sp[d];
    size_t n = dim[0] * dim[1] * dim[2];
    t->image = calloc(n, sizeof *t->image);
    assert_non_null(t->image);
    t->roi.n = n;
    t->roi.image = t->image;
    t->roi.morph_mask = morph;
    t->roi.int_mask = in;
    for (size_t i = 0; i < n; i++) t->roi.n_morph += morph[i], t->roi.n_int += in[i];
}

static double feature(const qib_family_def *f, const void *ctx, const char *name) {
    for (size_t i = 0; i < f->n_features; i++)
        if (!strcmp(f->features[i].info.name, name)) return f->features[i].fn(ctx);
    fail_msg("no feature %s", name);
    return NAN;
}

/* A 5 x 3 x 2 box of unit voxels: the voxel centres' population variances
 * along the axes are (n^2 - 1) / 12 = 2, 2/3, 1/4 (no covariance), so the
 * axis lengths are 4 sqrt(2), 4 sqrt(2/3), 2; elongation sqrt(1/3),
 * flatness sqrt(1/8); and the volume, mesh and sphericity agree. */
static void test_box_principal_axes(void **state) {
    (void)state;
    size_t dim[3] = {7, 5, 4}, n = 7 * 5 * 4;
    double sp[3] = {1, 1, 1};
    uint8_t *m = calloc(n, 1);
    assert_non_null(m);
    for (size_t k = 1; k < 3; k++)
        for (size_t j = 1; j < 4; j++)
            for (size_t i = 1; i < 6; i++) m[(k * 5 + j) * 7 + i] = 1;
    tu_roi t;
    roi_from(&t, m, m, dim, sp);
    const qib_family_def *f = &qib__family_pr_shape;
    void *ctx;
    qib_error err;
    TU_OK(f->prepare(&t.roi, 0, &ctx, &err), &err);
    TU_NEAR(feature(f, ctx, "MajorAxisLength"), 4.0 * sqrt(2.0), 1e-12);
    TU_NEAR(feature(f, ctx, "MinorAxisLength"), 4.0 * sqrt(2.0 / 3.0), 1e-12);
    TU_NEAR(feature(f, ctx, "LeastAxisLength"), 2.0, 1e-12);
    TU_NEAR(feature(f, ctx, "Elongation"), sqrt(1.0 / 3.0), 1e-12);
    TU_NEAR(feature(f, ctx, "Flatness"), sqrt(1.0 / 8.0), 1e-12);
    TU_NEAR(feature(f, ctx, "VoxelVolume"), 30.0, 0);
    double v = feature(f, ctx, "MeshVolume"), a = feature(f, ctx, "SurfaceArea");
    qib_mesh ibsi;
    uint8_t box[30];
    memset(box, 1, sizeof box);
    size_t bd[3] = {5, 3, 2};
    TU_OK(qib__mesh_build(box, bd, sp, &ibsi, &err), &err);
    TU_NEAR(v, qib__mesh_volume(&ibsi), 1e-11);
    TU_NEAR(a, qib__mesh_area(&ibsi), 1e-11);
    TU_NEAR(feature(f, ctx, "SurfaceVolumeRatio"), a / v, 1e-14);
    TU_NEAR(feature(f, ctx, "Sphericity"), cbrt(36.0 * PI * v * v) / a, 1e-14);
    qib__mesh_free(&ibsi);
    f->release(ctx);
    free(t.image);
    free(m);
}

/* With re-segmentation PyRadiomics computes shape on the mask before it
 * but crops that mask to the re-segmented mask's bounding box
 * (featureextractor.py: computeShape(image, mask, boundingBox)). A row of
 * three voxels whose last one is re-segmented away: shape sees two. */
static void test_crop_to_resegmented_box(void **state) {
    (void)state;
    size_t dim[3] = {5, 1, 1};
    double sp[3] = {2, 1, 1};
    uint8_t morph[5] = {0, 1, 1, 1, 0}, in[5] = {0, 1, 1, 0, 0};
    tu_roi t;
    roi_from(&t, morph, in, dim, sp);
    void *ctx;
    qib_error err;
    const qib_family_def *f = &qib__family_pr_shape;
    TU_OK(f->prepare(&t.roi, 0, &ctx, &err), &err);
    TU_NEAR(feature(f, ctx, "VoxelVolume"), 4.0, 0);
    TU_NEAR(feature(f, ctx, "Maximum3DDiameter"), 4.0, 1e-14); /* (0.5 .. 2.5) x 2 mm */
    f->release(ctx);
    free(t.image);
}

/* An empty region: every feature is NaN. */
static void test_empty_region(void **state) {
    (void)state;
    size_t dim[3] = {2, 2, 2};
    double sp[3] = {1, 1, 1};
    uint8_t m[8] = {0};
    tu_roi t;
    roi_from(&t, m, m, dim, sp);
    void *ctx;
    qib_error err;
    const qib_family_def *f = &qib__family_pr_shape;
    TU_OK(f->prepare(&t.roi, 0, &ctx, &err), &err);
    for (size_t i = 0; i < f->n_features; i++) assert_true(isnan(f->features[i].fn(ctx)));
    f->release(ctx);
    free(t.image);
}

/* ---- shape2D ---- */

extern const qib_family_def qib__family_pr_shape2d; /* not registered yet */

static void *shape2d_of(const uint8_t *m, const size_t dim[3], const double sp[3], bool force2d,
                        int dimension, tu_roi *t, qib_settings **s) {
    qib_error err;
    char num[8];
    snprintf(num, sizeof num, "%d", dimension);
    TU_OK(qib_settings_create(s, &err), &err);
    TU_OK(qib_settings_set(*s, "force2d", force2d ? "true" : "false", &err), &err);
    TU_OK(qib_settings_set(*s, "force2d_dimension", num, &err), &err);
    roi_from(t, m, m, dim, sp);
    t->roi.settings = *s;
    void *ctx;
    TU_OK(qib__family_pr_shape2d.prepare(&t->roi, 0, &ctx, &err), &err);
    return ctx;
}

static void shape2d_done(void *ctx, tu_roi *t, qib_settings *s) {
    qib__family_pr_shape2d.release(ctx);
    free(t->image);
    qib_settings_free(s);
}

/* One pixel of sides sx = 0.7, sy = 1.3 (force2D, axial): the contour is
 * the diamond through the edge midpoints, area sx sy / 2, perimeter
 * 4 sqrt((sx/2)^2 + (sy/2)^2), diameter max(sx, sy). Two pixels along i
 * (unit spacing): four corners cut (1/8 each) from 2, area 1.5; perimeter
 * 4 sqrt(1/2) + 2; diameter 2 (the ends of the middle row); the centres
 * 1 apart along i: major axis 4 sqrt(1/4) = 2, minor 0, elongation 0.
 * Along k, j (force2Ddimension 2, the sagittal plane) the same two pixels
 * stacked along k give the same figures. */
static void test_shape2d(void **state) {
    (void)state;
    const qib_family_def *f = &qib__family_pr_shape2d;
    tu_roi t;
    qib_settings *s;
    uint8_t one[1] = {1}, two[2] = {1, 1};
    size_t d1[3] = {1, 1, 1}, d2[3] = {2, 1, 1}, d3[3] = {1, 1, 2};
    double sp[3] = {0.7, 1.3, 2.0}, unit[3] = {1, 1, 1};
    void *c = shape2d_of(one, d1, sp, true, 0, &t, &s);
    TU_NEAR(feature(f, c, "MeshSurface"), 0.7 * 1.3 / 2, 1e-14);
    TU_NEAR(feature(f, c, "PixelSurface"), 0.7 * 1.3, 1e-14);
    TU_NEAR(feature(f, c, "Perimeter"), 4 * sqrt(0.35 * 0.35 + 0.65 * 0.65), 1e-14);
    TU_NEAR(feature(f, c, "MaximumDiameter"), 1.3, 1e-14);
    assert_true(isnan(feature(f, c, "Elongation")));
    shape2d_done(c, &t, s);
    for (int k = 0; k < 2; k++) {
        c = shape2d_of(two, k ? d3 : d2, unit, true, k ? 2 : 0, &t, &s);
        TU_NEAR(feature(f, c, "MeshSurface"), 1.5, 1e-14);
        TU_NEAR(feature(f, c, "Perimeter"), 4 * sqrt(0.5) + 2, 1e-14);
        TU_NEAR(feature(f, c, "PerimeterSurfaceRatio"), (4 * sqrt(0.5) + 2) / 1.5, 1e-14);
        TU_NEAR(feature(f, c, "Sphericity"), 2 * sqrt(PI * 1.5) / (4 * sqrt(0.5) + 2), 1e-14);
        TU_NEAR(feature(f, c, "MaximumDiameter"), 2.0, 1e-14);
        TU_NEAR(feature(f, c, "MajorAxisLength"), 2.0, 1e-14);
        TU_NEAR(feature(f, c, "MinorAxisLength"), 0.0, 1e-14);
        TU_NEAR(feature(f, c, "Elongation"), 0.0, 1e-14);
        shape2d_done(c, &t, s);
    }
    /* PyRadiomics refuses shape2D without force2D, or on a mask two voxels
     * thick along force2Ddimension: NaN */
    c = shape2d_of(two, d2, unit, false, 0, &t, &s);
    assert_true(isnan(feature(f, c, "MeshSurface")));
    shape2d_done(c, &t, s);
    c = shape2d_of(two, d3, unit, true, 0, &t, &s);
    for (size_t i = 0; i < f->n_features; i++) assert_true(isnan(f->features[i].fn(c)));
    shape2d_done(c, &t, s);
}

/* The 14 features against PyRadiomics 3.1's output on the IBSI digital
 * phantom (pyradiomics-reference/ibsi_phantom_A.csv), names included. */
static void test_digital_phantom(void **state) {
    (void)state;
    size_t n;
    tu_prref *rows = tu_prref_load("pyradiomics-reference/ibsi_phantom_A.csv", &n);
    if (!rows) return;
    tu_pr_case c;
    if (tu_pr_phantom(&c, 25.0, NULL)) {
        tu_pr_check_family(&qib__family_pr_shape, &c.roi, rows, n, 1e-12);
        tu_pr_case_free(&c);
    }
    free(rows);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_voxel),
        cmocka_unit_test(test_two_voxels_on_a_diagonal),
        cmocka_unit_test(test_seven_sided_loop),
        cmocka_unit_test(test_random_mask),
        cmocka_unit_test(test_agrees_with_ibsi_mesh),
        cmocka_unit_test(test_bar_diameters),
        cmocka_unit_test(test_box_principal_axes),
        cmocka_unit_test(test_crop_to_resegmented_box),
        cmocka_unit_test(test_empty_region),
        cmocka_unit_test(test_shape2d),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
