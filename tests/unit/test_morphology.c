/* SPDX-License-Identifier: Apache-2.0 */
/* test_morphology.c: the morphology family (src/features/morphology.c and
 * its geometry: mesh.c, convex_hull.c, shape_fit.c, spatial_autocorr.c)
 * against independent references: meshes measured by hand, the analytic
 * sphere, a box's principal axes in closed form, a second method for
 * Moran's I, and the IBSI digital phantom's reference values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/dft.h"
#include "features/mesh.h"
#include "tu_ibsi.h"

#define PI 3.14159265358979323846

static void mesh_of(const uint8_t *m, size_t nx, size_t ny, size_t nz, double s, qib_mesh *out) {
    size_t dim[3] = {nx, ny, nz};
    double sp[3] = {s, s, s};
    qib_error err;
    TU_OK(qib__mesh_build(m, dim, sp, out, &err), &err);
}

/* Every directed mesh edge a->b is matched by as many b->a: closed and
 * consistently oriented. */
static void assert_closed(const qib_mesh *m) {
    for (size_t t = 0; t < m->n_tri; t++)
        for (int k = 0; k < 3; k++) {
            uint32_t a = m->tri[3 * t + k], b = m->tri[3 * t + (k + 1) % 3];
            size_t same = 0, rev = 0;
            for (size_t u = 0; u < m->n_tri; u++)
                for (int q = 0; q < 3; q++) {
                    uint32_t c = m->tri[3 * u + q], d = m->tri[3 * u + (q + 1) % 3];
                    same += c == a && d == b;
                    rev += c == b && d == a;
                }
            assert_int_equal(same, rev);
        }
}

/* One voxel of side s: the mesh is the octahedron through the six face
 * centres, |x| + |y| + |z| <= s/2: volume (4/3)(s/2)^3, area 4 sqrt(3) (s/2)^2. */
static void test_single_voxel(void **state) {
    (void)state;
    uint8_t one[1] = {1};
    qib_mesh m;
    mesh_of(one, 1, 1, 1, 2.0, &m);
    assert_int_equal(m.n_vert, 6);
    assert_int_equal(m.n_tri, 8);
    assert_closed(&m);
    TU_NEAR(qib__mesh_volume(&m), 4.0 / 3.0, 1e-12);
    TU_NEAR(qib__mesh_area(&m), 4.0 * sqrt(3.0), 1e-12);
    qib__mesh_free(&m);
}

/* A 2 x 2 x 2 block of unit voxels: the cube [-1/2, 3/2]^3 (volume 8) with
 * its 12 edges chamfered (each removes a prism of 1/2 * 1/2 / 2 * 1 = 1/8)
 * and its 8 corners cut (each removes 1/8 - (1/2)^3 / 6 = 5/48 of the
 * corner cube): V = 8 - 12/8 - 8 * 5/48 = 17/3. The surface: 6 unit squares,
 * 12 strips 1 x sqrt(1/2), 8 equilateral triangles of side sqrt(1/2):
 * A = 6 + 12 sqrt(1/2) + 8 (sqrt(3)/4)(1/2) = 6 + 6 sqrt(2) + sqrt(3). */
static void test_block(void **state) {
    (void)state;
    uint8_t b[8];
    memset(b, 1, sizeof b);
    qib_mesh m;
    mesh_of(b, 2, 2, 2, 1.0, &m);
    assert_closed(&m);
    TU_NEAR(qib__mesh_volume(&m), 17.0 / 3.0, 1e-12);
    TU_NEAR(qib__mesh_area(&m), 6.0 + 6.0 * sqrt(2.0) + sqrt(3.0), 1e-12);
    qib__mesh_free(&m);
}

/* Random masks: the mesh is always closed (ambiguous faces included). */
static void test_random_closed(void **state) {
    (void)state;
    uint64_t x = 12345;
    for (int r = 0; r < 10; r++) {
        uint8_t b[4 * 4 * 4];
        for (size_t i = 0; i < sizeof b; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            b[i] = (uint8_t)((x >> 40) & 1);
        }
        qib_mesh m;
        mesh_of(b, 4, 4, 4, 1.0, &m);
        assert_closed(&m);
        assert_true(qib__mesh_volume(&m) > 0 || m.n_tri == 0);
        qib__mesh_free(&m);
    }
}

/* A digitised sphere of radius 12 voxels (7153 voxels): mesh volume within
 * 2% of 4/3 pi R^3 and within 1% of the voxel count (the mesh cuts the
 * boundary voxels' corners); area 0-10% above 4 pi R^2 (marching cubes on
 * a binary mask over-estimates a curved surface's area, here by ~7%). */
static void test_sphere(void **state) {
    (void)state;
    const size_t n = 29;
    const double r = 12.0;
    uint8_t *b = malloc(n * n * n);
    assert_non_null(b);
    for (size_t k = 0, v = 0; k < n; k++)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++, v++) {
                double x = (double)i - 14, y = (double)j - 14, z = (double)k - 14;
                b[v] = x * x + y * y + z * z <= r * r;
            }
    qib_mesh m;
    mesh_of(b, n, n, n, 1.0, &m);
    double vol = qib__mesh_volume(&m), area = qib__mesh_area(&m);
    double v_ref = 4.0 / 3.0 * PI * r * r * r, a_ref = 4.0 * PI * r * r;
    size_t count = 0;
    for (size_t v = 0; v < n * n * n; v++) count += b[v];
    printf("sphere: mesh volume %.1f (analytic %.1f, %zu voxels), area %.1f (analytic %.1f)\n",
           vol, v_ref, count, area, a_ref);
    assert_true(fabs(vol - v_ref) < 0.02 * v_ref);
    assert_true(fabs(vol - (double)count) < 0.01 * (double)count);
    assert_true(area > a_ref && area < 1.10 * a_ref);
    /* its hull is a little larger than the mesh, and the diameter ~ 2R + 1 */
    qib_hull h;
    qib_error err;
    double sp[3] = {1, 1, 1};
    TU_OK(qib__hull_build(m.ivert, m.n_vert, sp, &h, &err), &err);
    assert_false(h.degenerate);
    assert_true(h.volume > vol && h.volume < 1.05 * vol);
    qib__hull_free(&h);
    qib__mesh_free(&m);
    free(b);
}

/* Convex hull of a cube's corners plus points on its faces, edges and inside
 * (all coplanar or collinear with hull facets): volume side^3, area
 * 6 side^2, exactly the 8 corners as vertices. Coordinates are doubled
 * indices, so side 4 with spacing (1, 2, 3) is a 2 x 4 x 6 mm box. */
static void test_hull_cube(void **state) {
    (void)state;
    int32_t pts[3 * 125];
    size_t n = 0;
    for (int z = 0; z <= 4; z++)
        for (int y = 0; y <= 4; y++)
            for (int x = 0; x <= 4; x++) {
                pts[3 * n] = x, pts[3 * n + 1] = y, pts[3 * n + 2] = z;
                n++;
            }
    double sp[3] = {1, 2, 3};
    qib_hull h;
    qib_error err;
    TU_OK(qib__hull_build(pts, n, sp, &h, &err), &err);
    assert_false(h.degenerate);
    assert_int_equal(h.n_vert, 8);
    TU_NEAR(h.volume, 2.0 * 4.0 * 6.0, 1e-9);
    TU_NEAR(h.area, 2.0 * (2 * 4 + 2 * 6 + 4 * 6), 1e-9);
    qib__hull_free(&h);
    /* a flat set has no 3D hull */
    int32_t flat[3 * 5] = {0, 0, 0, 2, 0, 0, 0, 2, 0, 2, 2, 0, 1, 1, 0};
    TU_OK(qib__hull_build(flat, 5, sp, &h, &err), &err);
    assert_true(h.degenerate);
    qib__hull_free(&h);
}

/* Runs the family on a region given as arrays. */
static void *family_run(const qib_roi *roi) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(qib__family_morph.prepare(roi, 0, &ctx, &err), &err);
    return ctx;
}

static double feature(const void *ctx, const char *name) {
    for (size_t k = 0; k < qib__family_morph.n_features; k++)
        if (!strcmp(qib__family_morph.features[k].info.name, name))
            return qib__family_morph.features[k].fn(ctx);
    fail_msg("no morph feature %s", name);
    return NAN;
}

static void roi_init(qib_roi *roi, size_t nx, size_t ny, size_t nz, const double sp[3],
                     const double *img, const uint8_t *m) {
    memset(roi, 0, sizeof *roi);
    qib_grid_init(&roi->grid, nx, ny, nz);
    for (int d = 0; d < 3; d++) roi->grid.spacing[d] = sp[d];
    roi->n = nx * ny * nz;
    roi->image = img;
    roi->morph_mask = roi->int_mask = m;
    for (size_t v = 0; v < roi->n; v++) roi->n_morph += m[v];
    roi->n_int = roi->n_morph;
}

/* A box of a x b x c voxels (spacing 1): voxel centres along x are
 * 0..a-1, whose variance is (a^2 - 1)/12 (population); the sample
 * covariance of all N = abc centres is N/(N-1) times that, and the axes are
 * uncorrelated. Major axis = 4 sqrt of the largest. */
static void test_box_axes(void **state) {
    (void)state;
    const size_t a = 9, b = 5, c = 3, n = a * b * c;
    uint8_t m[9 * 5 * 3];
    double img[9 * 5 * 3];
    memset(m, 1, sizeof m);
    for (size_t i = 0; i < n; i++) img[i] = 10.0;
    double sp[3] = {1, 1, 1};
    qib_roi roi;
    roi_init(&roi, a, b, c, sp, img, m);
    void *ctx = family_run(&roi);
    double f = (double)n / (double)(n - 1);
    double la = (a * a - 1) / 12.0 * f, lb = (b * b - 1) / 12.0 * f, lc = (c * c - 1) / 12.0 * f;
    TU_NEAR(feature(ctx, "major_axis"), 4 * sqrt(la), 1e-9);
    TU_NEAR(feature(ctx, "minor_axis"), 4 * sqrt(lb), 1e-9);
    TU_NEAR(feature(ctx, "least_axis"), 4 * sqrt(lc), 1e-9);
    TU_NEAR(feature(ctx, "elongation"), sqrt(lb / la), 1e-12);
    TU_NEAR(feature(ctx, "flatness"), sqrt(lc / la), 1e-12);
    TU_NEAR(feature(ctx, "approx_volume"), (double)n, 1e-12);
    /* constant intensity: the centres of mass agree, Moran's I undefined */
    TU_NEAR(feature(ctx, "com_shift"), 0, 1e-12);
    assert_true(isnan(feature(ctx, "moran_i")));
    TU_NEAR(feature(ctx, "integrated_intensity"), 10.0 * feature(ctx, "volume"), 1e-9);
    /* the mesh's axis-aligned box spans (a, b, c) voxels */
    TU_NEAR(feature(ctx, "vol_dens_aabb"), feature(ctx, "volume") / (double)(a * b * c), 1e-12);
    /* the box is convex: the oriented box is the axis-aligned one */
    TU_NEAR(feature(ctx, "vol_dens_ombb"), feature(ctx, "vol_dens_aabb"), 1e-9);
    qib__family_morph.release(ctx);
}

/* A single voxel: the principal axes are 0 and the ratios undefined. */
static void test_single_voxel_family(void **state) {
    (void)state;
    uint8_t m[1] = {1};
    double img[1] = {5};
    double sp[3] = {2, 2, 2};
    qib_roi roi;
    roi_init(&roi, 1, 1, 1, sp, img, m);
    void *ctx = family_run(&roi);
    TU_NEAR(feature(ctx, "volume"), 4.0 / 3.0, 1e-12);
    TU_NEAR(feature(ctx, "approx_volume"), 8.0, 1e-12);
    TU_NEAR(feature(ctx, "major_axis"), 0, 0);
    assert_true(isnan(feature(ctx, "elongation")));
    assert_true(isnan(feature(ctx, "vol_dens_aee")));
    assert_true(isnan(feature(ctx, "geary_c")));
    TU_NEAR(feature(ctx, "diameter_max"), 2.0, 1e-12); /* opposite octahedron tips */
    qib__family_morph.release(ctx);
}

/* Moran's I and Geary's C by their IBSI definitions, literally: every
 * ordered pair of distinct voxels of the intensity mask, weight 1 / world
 * distance, long double sums (the reference for both library methods). */
static void brute_autocorrelation(const qib_roi *roi, double *moran, double *geary) {
    const size_t *dim = roi->grid.dim;
    const double *sp = roi->grid.spacing;
    long double sum = 0, n = 0;
    for (size_t v = 0; v < roi->n; v++)
        if (roi->int_mask[v]) sum += roi->image[v], n++;
    long double mu = sum / n, s0 = 0, si = 0, sc = 0, ss = 0;
    for (size_t a = 0; a < roi->n; a++) {
        if (!roi->int_mask[a]) continue;
        long double za = roi->image[a] - mu;
        ss += za * za;
        long double ia = (long double)(a % dim[0]), ja = (long double)(a / dim[0] % dim[1]),
                    ka = (long double)(a / dim[0] / dim[1]);
        for (size_t b = 0; b < roi->n; b++) {
            if (!roi->int_mask[b] || b == a) continue;
            long double dx = (ia - (long double)(b % dim[0])) * sp[0];
            long double dy = (ja - (long double)(b / dim[0] % dim[1])) * sp[1];
            long double dz = (ka - (long double)(b / dim[0] / dim[1])) * sp[2];
            long double w = 1.0L / sqrtl(dx * dx + dy * dy + dz * dz);
            long double zb = roi->image[b] - mu;
            s0 += w;
            si += w * za * zb;
            sc += w * (za - zb) * (za - zb);
        }
    }
    *moran = (double)(n / s0 * si / ss);
    *geary = (double)((n - 1) / (2 * s0) * sc / ss);
}

/* Moran's I and Geary's C: the Fourier evaluation and the loop over pairs
 * against the definition (brute_autocorrelation), to 1e-12 relative, on
 * regions that exercise the transforms' shapes: a random 3D region of
 * anisotropic voxels (the zero-padded sizes 27, 25 and 20 use radix 3, 5
 * and 4), a single slice (one plane: n_2 = 1), a single row, two distant
 * clusters in a large box (mostly zero-padding), odd extents, a region one
 * voxel wide along i (n_0 = 1), and one away from the grid's corner. */
static void test_autocorrelation_reference(void **state) {
    (void)state;
    struct {
        size_t nx, ny, nz;
        double sp[3];
        int shape; /* 0 random, 1 two clusters, 2 random inside a margin of 3 */
    } cases[] = {
        {14, 13, 10, {0.8, 1.0, 2.5}, 0}, {17, 12, 1, {0.7, 0.7, 3.0}, 0},
        {40, 1, 1, {1.3, 1.0, 1.0}, 0},   {31, 29, 9, {1.0, 1.0, 1.0}, 1},
        {7, 3, 5, {2.0, 0.5, 1.0}, 0},    {1, 30, 4, {1.0, 0.9, 2.0}, 0},
        {21, 17, 12, {0.9, 0.9, 1.5}, 2},
    };
    uint64_t x = 2024;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c].nx * cases[c].ny * cases[c].nz;
        uint8_t *m = calloc(n, 1);
        double *img = malloc(n * sizeof *img);
        assert_non_null(m);
        assert_non_null(img);
        double sum = 0;
        size_t cnt = 0;
        for (size_t v = 0; v < n; v++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            size_t i = v % cases[c].nx, j = v / cases[c].nx % cases[c].ny;
            size_t k = v / (cases[c].nx * cases[c].ny);
            if (cases[c].shape == 0)
                m[v] = ((x >> 33) % 4) != 0;
            else if (cases[c].shape == 2)
                m[v] = ((x >> 33) % 4) != 0 && i >= 3 && i + 3 < cases[c].nx && j >= 3 &&
                       j + 3 < cases[c].ny && k >= 3 && k + 3 < cases[c].nz;
            else /* two 3 x 3 x 3 clusters at opposite corners */
                m[v] = (i < 3 && j < 3 && k < 3) ||
                       (i >= cases[c].nx - 3 && j >= cases[c].ny - 3 && k >= cases[c].nz - 3);
            /* noise (Moran near 0, the hardest case for a relative
             * tolerance) or noise on a strong ramp (Moran well above 0) */
            img[v] = (double)((x >> 40) % 500) - 120.0 + (c % 2 ? 60.0 : 3.0) * (double)i;
            if (m[v]) sum += img[v], cnt++;
        }
        qib_roi roi;
        roi_init(&roi, cases[c].nx, cases[c].ny, cases[c].nz, cases[c].sp, img, m);
        double mi_ref, gc_ref, mi[3], gc[3];
        brute_autocorrelation(&roi, &mi_ref, &gc_ref);
        qib_error err;
        for (int method = 0; method < 3; method++) {
            TU_OK(qib__autocorrelation(&roi, sum / (double)cnt, method, &mi[method], &gc[method],
                                       &err),
                  &err);
            TU_NEAR(mi[method], mi_ref, 1e-12 * fabs(mi_ref));
            TU_NEAR(gc[method], gc_ref, 1e-12 * gc_ref);
        }
        printf("  case %zu (%zu voxels): Moran %.15g, Geary %.15g\n", c, cnt, mi_ref, gc_ref);
        free(m);
        free(img);
    }
}

/* The column transforms of dft.c against the DFT's definition (long
 * double sums), for lengths built from every radix (8, 4, 2, 3, 5), column
 * counts below and above one block, and zero-padded input: the rows from
 * `live` on hold NaN, which would spoil every output if they were read. */
static void test_dft(void **state) {
    (void)state;
    const size_t lens[] = {1, 2, 3, 4, 5, 6, 8, 9, 12, 15, 16, 24, 25, 27, 30, 32, 45, 64, 90, 128,
                           180, 216, 250};
    uint64_t x = 77;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t n = lens[li];
        assert_int_equal(qib__dft_good_size(n), n);
        for (size_t cols = 1; cols <= 3 * QIB_DFT_BLOCK / 2; cols += 35) {
            size_t live = n > 2 ? (n + 1) / 2 : n, stride = cols + 3;
            double *re = malloc(n * stride * sizeof *re), *im = malloc(n * stride * sizeof *im);
            double *r0 = malloc(n * stride * sizeof *r0), *i0 = malloc(n * stride * sizeof *i0);
            assert_non_null(re);
            assert_non_null(im);
            assert_non_null(r0);
            assert_non_null(i0);
            for (size_t v = 0; v < n * stride; v++) {
                x = x * 6364136223846793005u + 1442695040888963407u;
                re[v] = (double)((x >> 20) % 20001) / 100.0 - 100.0;
                im[v] = (double)((x >> 40) % 20001) / 100.0 - 100.0;
                if (v / stride >= live) re[v] = im[v] = NAN;
                r0[v] = re[v], i0[v] = im[v];
            }
            qib_dft d;
            qib_error err;
            TU_OK(qib__dft_init(&d, n, &err), &err);
            qib__dft_columns(&d, re, im, stride, cols, live);
            long double *cs = malloc(2 * n * sizeof *cs); /* exp(-2 pi i m / n) */
            assert_non_null(cs);
            for (size_t m = 0; m < n; m++) {
                long double a =
                    -2.0L * 3.14159265358979323846264L * (long double)m / (long double)n;
                cs[2 * m] = cosl(a), cs[2 * m + 1] = sinl(a);
            }
            for (size_t c = 0; c < cols; c++)
                for (size_t f = 0; f < n; f++) {
                    long double sr = 0, si = 0;
                    for (size_t t = 0; t < live; t++) {
                        const long double *e = cs + 2 * ((f * t) % n);
                        sr += r0[t * stride + c] * e[0] - i0[t * stride + c] * e[1];
                        si += r0[t * stride + c] * e[1] + i0[t * stride + c] * e[0];
                    }
                    double tol = 1e-14 * 100.0 * (double)n;
                    TU_NEAR(re[f * stride + c], (double)sr, tol);
                    TU_NEAR(im[f * stride + c], (double)si, tol);
                }
            qib__dft_free(&d);
            free(cs);
            free(re);
            free(im);
            free(r0);
            free(i0);
        }
    }
    qib_dft d;
    qib_error err;
    assert_int_equal(qib__dft_init(&d, 7, &err), QIB_ERR_ARG);
    assert_int_equal(qib__dft_good_size(169), 180);
    assert_int_equal(qib__dft_good_size(207), 216);
}

/* The minimum-volume enclosing ellipsoid in closed form: by symmetry (and
 * affine invariance) the MVEE of the octahedron (+-a, 0, 0), (0, +-b, 0),
 * (0, 0, +-c) is x^2/a^2 + y^2/b^2 + z^2/c^2 <= 1, and that of the box
 * corners (+-a, +-b, +-c) has semi-axes sqrt(3) (a, b, c). Points inside
 * change nothing, nor does the order of the points or a translation: the
 * result is the optimum to rounding, not an iterate that depends on them. */
static void test_mvee(void **state) {
    (void)state;
    const double a = 7.5, b = 4.0, c = 2.5;
    double pts[3 * 64];
    size_t n = 0;
    uint64_t x = 5;
    for (int s = -1; s <= 1; s += 2) {
        double v[3][3] = {{s * a, 0, 0}, {0, s * b, 0}, {0, 0, s * c}};
        for (int k = 0; k < 3; k++) memcpy(pts + 3 * n++, v[k], sizeof v[k]);
    }
    for (int k = 0; k < 20; k++) { /* inside: |x|/a + |y|/b + |z|/c < 1 */
        double f[3];
        for (int d = 0; d < 3; d++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            f[d] = (double)((x >> 33) % 1000) / 1000.0 * 0.33 - 0.165;
        }
        pts[3 * n] = f[0] * a, pts[3 * n + 1] = f[1] * b, pts[3 * n + 2] = f[2] * c;
        n++;
    }
    double ax[3];
    assert_int_equal(qib__mvee(pts, n, ax), 1);
    TU_NEAR(ax[0], a, 1e-12 * a);
    TU_NEAR(ax[1], b, 1e-12 * a);
    TU_NEAR(ax[2], c, 1e-12 * a);
    /* reversed order, shifted by (100, -50, 3) */
    double moved[3 * 64];
    for (size_t i = 0; i < n; i++) {
        moved[3 * i] = pts[3 * (n - 1 - i)] + 100.0;
        moved[3 * i + 1] = pts[3 * (n - 1 - i) + 1] - 50.0;
        moved[3 * i + 2] = pts[3 * (n - 1 - i) + 2] + 3.0;
    }
    double ax2[3];
    assert_int_equal(qib__mvee(moved, n, ax2), 1);
    for (int d = 0; d < 3; d++) TU_NEAR(ax2[d], ax[d], 1e-12 * a);
    /* box corners, and the box's face centres inside */
    n = 0;
    for (int k = 0; k < 8; k++) {
        pts[3 * n] = (k & 1 ? a : -a), pts[3 * n + 1] = (k & 2 ? b : -b);
        pts[3 * n + 2] = (k & 4 ? c : -c);
        n++;
    }
    for (int d = 0; d < 3; d++)
        for (int s = -1; s <= 1; s += 2) {
            double v[3] = {0, 0, 0}, h[3] = {a, b, c};
            v[d] = s * h[d];
            memcpy(pts + 3 * n++, v, sizeof v);
        }
    assert_int_equal(qib__mvee(pts, n, ax), 1);
    TU_NEAR(ax[0], sqrt(3.0) * a, 1e-12 * a);
    TU_NEAR(ax[1], sqrt(3.0) * b, 1e-12 * a);
    TU_NEAR(ax[2], sqrt(3.0) * c, 1e-12 * a);
    /* flat or too few points: no ellipsoid */
    double flat[3 * 5] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 2, 3, 0};
    assert_int_equal(qib__mvee(flat, 5, ax), 0);
    assert_int_equal(qib__mvee(flat, 3, ax), 0);
}

/* The convex hull of random integer points (many of them coplanar or
 * collinear, duplicates included), checked against what defines it: the
 * faces form a closed, consistently oriented surface (each directed edge
 * once, and its reverse once), every point lies on or inside every face's
 * plane (exact integer test), and the faces' corners are input points; a
 * convex polytope with vertices among the points that contains them all is
 * their convex hull. Its volume, summed here from the faces, matches the
 * one the hull reports. (The hull is built from the points that pass the
 * 2D-hull pre-filter only; this checks that none it needed was dropped.) */
static void test_hull_random(void **state) {
    (void)state;
    uint64_t x = 31337;
    for (int round = 0; round < 6; round++) {
        size_t n = 40 + 60 * (size_t)round;
        int32_t *pts = malloc(3 * n * sizeof *pts);
        assert_non_null(pts);
        int span = 4 + 3 * round;
        for (size_t i = 0; i < 3 * n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            pts[i] = (int32_t)((x >> 33) % (uint64_t)(2 * span + 1)) - span;
        }
        double sp[3] = {1.0, 0.7, 2.0};
        qib_hull h;
        qib_error err;
        TU_OK(qib__hull_build(pts, n, sp, &h, &err), &err);
        assert_false(h.degenerate);
        /* closed and consistently oriented */
        for (size_t t = 0; t < h.n_tri; t++)
            for (int k = 0; k < 3; k++) {
                uint32_t a = h.tri[3 * t + k], b = h.tri[3 * t + (k + 1) % 3];
                size_t same = 0, rev = 0;
                for (size_t u = 0; u < h.n_tri; u++)
                    for (int q = 0; q < 3; q++) {
                        uint32_t c = h.tri[3 * u + q], d = h.tri[3 * u + (q + 1) % 3];
                        same += c == a && d == b;
                        rev += c == b && d == a;
                    }
                assert_int_equal(same, 1);
                assert_int_equal(rev, 1);
            }
        /* every point on or inside every face (exact integer test) */
        for (size_t t = 0; t < h.n_tri; t++) {
            const int32_t *a = pts + 3 * h.tri[3 * t], *b = pts + 3 * h.tri[3 * t + 1],
                          *c = pts + 3 * h.tri[3 * t + 2];
            int64_t u[3], v[3];
            for (int d = 0; d < 3; d++) u[d] = (int64_t)b[d] - a[d], v[d] = (int64_t)c[d] - a[d];
            int64_t nrm[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                              u[0] * v[1] - u[1] * v[0]};
            for (size_t i = 0; i < n; i++) {
                int64_t dot = 0;
                for (int d = 0; d < 3; d++) dot += nrm[d] * ((int64_t)pts[3 * i + d] - a[d]);
                assert_true(dot <= 0);
            }
        }
        /* the volume from the face list (origin tetrahedra, in index units)
         * matches the hull's own, scaled */
        long double vol = 0;
        for (size_t t = 0; t < h.n_tri; t++) {
            const int32_t *a = pts + 3 * h.tri[3 * t], *b = pts + 3 * h.tri[3 * t + 1],
                          *c = pts + 3 * h.tri[3 * t + 2];
            vol += (long double)a[0] * ((long double)b[1] * c[2] - (long double)b[2] * c[1]) -
                   (long double)a[1] * ((long double)b[0] * c[2] - (long double)b[2] * c[0]) +
                   (long double)a[2] * ((long double)b[0] * c[1] - (long double)b[1] * c[0]);
        }
        double want = (double)(fabsl(vol) / 6.0L) * 0.125 * sp[0] * sp[1] * sp[2];
        TU_NEAR(h.volume, want, 1e-12 * want);
        qib__hull_free(&h);
        free(pts);
    }
}

/* Moran's I and Geary's C: the Fourier evaluation against the direct loop
 * over pairs on a random region of anisotropic voxels. */
static void test_autocorrelation_methods(void **state) {
    (void)state;
    const size_t n = 14;
    uint8_t *m = malloc(n * n * n);
    double *img = malloc(n * n * n * sizeof *img);
    assert_non_null(m);
    assert_non_null(img);
    uint64_t x = 99;
    double sum = 0;
    for (size_t v = 0; v < n * n * n; v++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        m[v] = ((x >> 33) % 5) != 0;
        img[v] = (double)((x >> 40) % 300) + (double)(v % n) * 7.0;
        if (m[v]) sum += img[v];
    }
    double sp[3] = {0.8, 1.0, 2.5};
    qib_roi roi;
    roi_init(&roi, n, n, n, sp, img, m);
    double mi1, gc1, mi2, gc2;
    qib_error err;
    double mean = sum / (double)roi.n_int;
    TU_OK(qib__autocorrelation(&roi, mean, 1, &mi1, &gc1, &err), &err);
    TU_OK(qib__autocorrelation(&roi, mean, 2, &mi2, &gc2, &err), &err);
    TU_NEAR(mi2, mi1, 1e-12 * fabs(mi1) + 1e-15);
    TU_NEAR(gc2, gc1, 1e-12 * gc1);
    assert_true(mi1 > 0.0); /* the intensity ramp along i correlates neighbours */
    free(m);
    free(img);
}

/* The IBSI digital phantom (read from ../shared), run through the family
 * directly: every morphology row with a reference value matches. */
static void test_digital_phantom(void **state) {
    (void)state;
    size_t nrows = 0;
    tu_ref *rows = tu_ibsi_load(
        "ibsi/ibsi1_reference_values/ibsi1_reference_values_digital_phantom.csv", &nrows);
    if (!rows) skip();
    char ip[1024], mp[1024];
    if (!tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", ip, sizeof ip) ||
        !tu_shared("ibsi/ibsi1_digital_phantom/mask/mask.nii.gz", mp, sizeof mp)) {
        free(rows);
        skip();
    }
    qib_error err;
    qib_volume *img = NULL, *lab = NULL;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &lab, NULL, &err), &err);
    const qib_grid *g = qib_volume_grid(img);
    size_t nv = qib_grid_voxels(g);
    double *v = malloc(nv * sizeof *v);
    uint8_t *m = malloc(nv);
    assert_non_null(v);
    assert_non_null(m);
    qib_volume_frame_to_f64(img, 0, v);
    for (size_t i = 0; i < nv; i++) m[i] = qib_volume_value(lab, i) > 0.5;
    qib_roi roi;
    roi_init(&roi, g->dim[0], g->dim[1], g->dim[2], g->spacing, v, m);
    assert_int_equal(roi.n_morph, 74);
    void *ctx = family_run(&roi);
    int total = 0, pass = 0;
    for (size_t k = 0; k < qib__family_morph.n_features; k++) {
        const qib_feature_def *f = &qib__family_morph.features[k];
        const tu_ref *r = NULL;
        for (size_t i = 0; i < nrows && !r; i++)
            if (!strcmp(rows[i].code, f->info.ibsi_code)) r = &rows[i];
        assert_non_null(r);
        if (!r->has_ref) {
            assert_true(f->info.flags & QIB_FEATURE_NO_CONSENSUS);
            continue;
        }
        double x = f->fn(ctx);
        int match = tu_ibsi_match(r->ref, r->tol, x);
        printf("  %-4s %-24s ref %-8g tol %-7g got %-12.6g %s\n", r->code, f->info.name, r->ref,
               r->tol, x, match == 2 ? "match" : "MISMATCH");
        total++;
        pass += match == 2;
    }
    printf("digital phantom morph: %d/%d match\n", pass, total);
    assert_int_equal(total, 25);
    assert_int_equal(pass, total);
    qib__family_morph.release(ctx);
    free(v);
    free(m);
    qib_volume_free(img);
    qib_volume_free(lab);
    free(rows);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_voxel),
        cmocka_unit_test(test_block),
        cmocka_unit_test(test_random_closed),
        cmocka_unit_test(test_sphere),
        cmocka_unit_test(test_hull_cube),
        cmocka_unit_test(test_box_axes),
        cmocka_unit_test(test_single_voxel_family),
        cmocka_unit_test(test_autocorrelation_methods),
        cmocka_unit_test(test_autocorrelation_reference),
        cmocka_unit_test(test_dft),
        cmocka_unit_test(test_mvee),
        cmocka_unit_test(test_hull_random),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
