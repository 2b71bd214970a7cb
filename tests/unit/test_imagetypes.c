/* SPDX-License-Identifier: Apache-2.0 */
/* test_imagetypes.c: PyRadiomics' image types (src/imagetypes/).
 *
 * References: names and counts as PyRadiomics 3.1 yields them (imageoperations.py);
 * values printed once by PyRadiomics' own code paths - _swt3 with PyWavelets 1.1.1,
 * getLBP2DImage with scikit-image 0.19.3, getLBP3DImage with scipy 1.10 (Debian 12
 * python3 packages; provenance next to each number); PyRadiomics' square, square root,
 * logarithm and exponential formulas worked out by hand on a tiny image; analytic
 * cases (gradient of a ramp, LoG of a quadratic, LBP3D of a flat image); and the box
 * restricted computation against the whole image. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* The 7x6x5 int16 test pattern v = ((7x + 13y + 29z) mod 17) - 8. */
static qib_volume *pattern(qib_dtype t) {
    qib_grid g;
    qib_grid_init(&g, 7, 6, 5);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F64, &v, &err), &err);
    double *d = qib_volume_data(v);
    for (size_t z = 0; z < 5; z++)
        for (size_t y = 0; y < 6; y++)
            for (size_t x = 0; x < 7; x++)
                d[(z * 6 + y) * 7 + x] = (double)((7 * x + 13 * y + 29 * z) % 17) - 8;
    qib_volume *c = NULL;
    TU_OK(qib_volume_convert(v, t, &c, &err), &err);
    qib_volume_free(v);
    return c;
}

/* A pseudo-random int16 image of nx x ny x nz with spacing (0.8, 0.9, 1.5). */
static qib_volume *noise(size_t nx, size_t ny, size_t nz, qib_dtype t) {
    qib_grid g;
    qib_grid_init(&g, nx, ny, nz);
    g.spacing[0] = 0.8;
    g.spacing[1] = 0.9;
    g.spacing[2] = 1.5;
    qib_volume *v = NULL, *c = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F64, &v, &err), &err);
    double *d = qib_volume_data(v);
    unsigned s = 12345;
    for (size_t i = 0; i < nx * ny * nz; i++) {
        s = s * 1103515245u + 12345u;
        d[i] = (double)((s >> 9) % 1200) - 500.0 + 0.25 * (double)(i % 3);
    }
    TU_OK(qib_volume_convert(v, t, &c, &err), &err);
    qib_volume_free(v);
    return c;
}

/* A mask holding the box lo..lo+size-1 on the grid of v. */
static qib_mask *box_mask(const qib_volume *v, size_t x0, size_t y0, size_t z0, size_t sx,
                          size_t sy, size_t sz) {
    qib_mask *m = NULL;
    qib_error err;
    const qib_grid *g = qib_volume_grid(v);
    TU_OK(qib_mask_create(g, &m, &err), &err);
    uint8_t *d = qib_mask_data(m);
    for (size_t z = z0; z < z0 + sz; z++)
        for (size_t y = y0; y < y0 + sy; y++)
            for (size_t x = x0; x < x0 + sx; x++) d[(z * g->dim[1] + y) * g->dim[0] + x] = 1;
    return m;
}

typedef struct expanded {
    qib_derived_image *d;
    size_t n;
} expanded;

static expanded expand(const qib_volume *v, const qib_mask *m, const char *type,
                       const qib_kv *kv, size_t nkv) {
    expanded e = {NULL, 0};
    qib_error err;
    TU_OK(qib_image_type_expand(v, m, type, kv, nkv, &e.d, &e.n, &err), &err);
    return e;
}

static double at(const qib_volume *v, size_t x, size_t y, size_t z) {
    const qib_grid *g = qib_volume_grid(v);
    return qib_volume_value(v, (z * g->dim[1] + y) * g->dim[0] + x);
}

static void assert_names(const expanded *e, const char *const *names, size_t n) {
    if (e->n != n) fail_msg("%zu images, expected %zu", e->n, n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e->d[i].name, names[i]) != 0)
            fail_msg("image %zu is '%s', expected '%s'", i, e->d[i].name, names[i]);
}

static void test_wavelet_names(void **state) {
    (void)state;
    qib_volume *v = pattern(QIB_DT_I16);
    static const char *const one[] = {"wavelet-LLH", "wavelet-LHL", "wavelet-LHH",
                                      "wavelet-HLL", "wavelet-HLH", "wavelet-HHL",
                                      "wavelet-HHH", "wavelet-LLL"};
    expanded e = expand(v, NULL, "Wavelet", NULL, 0);
    assert_names(&e, one, 8);
    assert_int_equal(qib_volume_dtype(e.d[0].image), QIB_DT_F64);
    qib_derived_images_free(e.d, e.n);

    qib_kv two[] = {{"level", "2"}, {"binWidth", "5"}};
    e = expand(v, NULL, "Wavelet", two, 2);
    assert_int_equal(e.n, 15);
    assert_string_equal(e.d[0].name, "wavelet-LLH");
    assert_string_equal(e.d[7].name, "wavelet2-LLH");
    assert_string_equal(e.d[13].name, "wavelet2-HHH");
    assert_string_equal(e.d[14].name, "wavelet2-LLL");
    qib_derived_images_free(e.d, e.n);

    /* start_level only skips levels: names count from the first yielded level */
    qib_kv skip[] = {{"start_level", "1"}};
    e = expand(v, NULL, "Wavelet", skip, 1);
    assert_names(&e, one, 8);
    qib_derived_images_free(e.d, e.n);

    static const char *const flat[] = {"wavelet-LH", "wavelet-HL", "wavelet-HH", "wavelet-LL"};
    qib_kv f2d[] = {{"force2D", "true"}, {"force2Ddimension", "0"}};
    e = expand(v, NULL, "Wavelet", f2d, 2);
    assert_names(&e, flat, 4);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);

    /* float32 images are transformed in float32, as pywt does */
    v = pattern(QIB_DT_F32);
    e = expand(v, NULL, "Wavelet", NULL, 0);
    assert_int_equal(qib_volume_dtype(e.d[0].image), QIB_DT_F32);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* Values printed by PyRadiomics 3.1's _swt3 (numpy.pad 'wrap' to even sizes, then
 * pywt.swtn(level=1, axes=(2, 1, 0)) per level) with PyWavelets 1.1.1 on the pattern,
 * at (x, y, z) = (0,0,0), (3,2,1), (6,5,4). */
static void test_wavelet_pywt_values(void **state) {
    (void)state;
    qib_volume *v = pattern(QIB_DT_I16);
    const size_t pts[3][3] = {{0, 0, 0}, {3, 2, 1}, {6, 5, 4}};
    struct {
        size_t index;
        double want[3];
    } coif1[] = {
        {0, {-7.526252457166539, -0.4429184656590335, 0.23756785657266635}},  /* LLH */
        {4, {-3.1285252730547923, 6.3560267969258355, -2.6764294964940154}},  /* HLH */
        {6, {-7.090747944603312, 5.426000507227387, 3.000933816492394}},      /* HHH */
        {7, {-4.037907814452594, 0.30476562548837055, -1.8274175588277954}}, /* LLL */
    };
    expanded e = expand(v, NULL, "Wavelet", NULL, 0);
    for (size_t b = 0; b < 4; b++)
        for (int p = 0; p < 3; p++) {
            double got = at(e.d[coif1[b].index].image, pts[p][0], pts[p][1], pts[p][2]);
            if (fabs(got - coif1[b].want[p]) > 1e-12)
                fail_msg("%s at point %d: %.17g, pywt %.17g", e.d[coif1[b].index].name, p, got,
                         coif1[b].want[p]);
        }
    qib_derived_images_free(e.d, e.n);
    /* db2, start_level 1, level 2: wavelet2-LHL and wavelet2-LLL */
    qib_kv kv[] = {{"wavelet", "db2"}, {"level", "2"}, {"start_level", "1"}};
    e = expand(v, NULL, "Wavelet", kv, 3);
    assert_string_equal(e.d[8].name, "wavelet2-LHL");
    const double lhl[3] = {3.5306363177082534, 3.2841651823694793, -1.463077567715065};
    for (int p = 0; p < 3; p++)
        assert_true(fabs(at(e.d[8].image, pts[p][0], pts[p][1], pts[p][2]) - lhl[p]) < 1e-12);
    assert_string_equal(e.d[14].name, "wavelet2-LLL");
    assert_true(fabs(at(e.d[14].image, 0, 0, 0) - -16.613856575283933) < 1e-12);
    assert_true(fabs(at(e.d[14].image, 3, 2, 1) - -5.667906711709154) < 1e-12);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* Haar on a constant image c: every detail is 0 and each level multiplies the
 * approximation by (sqrt 2)^3 (each low-pass sums to sqrt 2), so after two levels
 * LLL = 8 c, also where the filters wrap around the (odd) border. */
static void test_wavelet_constant(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 5, 4, 3);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, &v, &err), &err);
    int16_t *d = qib_volume_data(v);
    for (size_t i = 0; i < 60; i++) d[i] = 7;
    qib_kv kv[] = {{"wavelet", "haar"}, {"level", "2"}};
    expanded e = expand(v, NULL, "Wavelet", kv, 2);
    assert_int_equal(e.n, 15);
    for (size_t i = 0; i < e.n; i++)
        for (size_t n = 0; n < 60; n++) {
            double want = i == 14 ? 7 * 8.0 : 0;
            double got = qib_volume_value(e.d[i].image, n);
            if (fabs(got - want) > 1e-12 * (1 + want))
                fail_msg("%s voxel %zu: %.17g, expected %.17g", e.d[i].name, n, got, want);
        }
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* Every type computed on the mask's box equals the whole-image result cropped to it:
 * a box inside the image and one touching three faces (the wavelet then wraps). */
static void test_box_equals_full(void **state) {
    (void)state;
    qib_volume *v = noise(19, 17, 16, QIB_DT_I16);
    qib_mask *inner = box_mask(v, 6, 5, 5, 5, 4, 6);
    qib_mask *edge = box_mask(v, 0, 12, 11, 4, 5, 5);
    struct {
        const char *type;
        qib_kv kv[3];
        size_t nkv;
    } cases[] = {
        {"Original", {{0}}, 0},
        {"Wavelet", {{"level", "2"}}, 1},
        {"Wavelet", {{"wavelet", "db4"}, {"start_level", "1"}}, 2},
        {"Wavelet", {{"force2D", "true"}, {"force2Ddimension", "1"}}, 2},
        {"LoG", {{"sigma", "[1.0, 2.5]"}}, 1},
        {"Square", {{0}}, 0},
        {"SquareRoot", {{0}}, 0},
        {"Logarithm", {{0}}, 0},
        {"Exponential", {{0}}, 0},
        {"Gradient", {{0}}, 0},
        {"LBP2D", {{"lbp2DRadius", "1.5"}}, 1},
        {"LBP2D", {{"force2Ddimension", "2"}, {"lbp2DMethod", "default"}}, 2},
        {"LBP3D", {{0}}, 0},
    };
    const qib_mask *masks[2] = {inner, edge};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        expanded full = expand(v, NULL, cases[c].type, cases[c].kv, cases[c].nkv);
        for (int mi = 0; mi < 2; mi++) {
            expanded part = expand(v, masks[mi], cases[c].type, cases[c].kv, cases[c].nkv);
            assert_int_equal(part.n, full.n);
            qib_box b;
            assert_true(qib_mask_bbox(masks[mi], &b));
            const uint8_t *md = qib_mask_cdata(masks[mi]);
            bool inside_only = strcmp(cases[c].type, "LBP3D") == 0;
            for (size_t i = 0; i < part.n; i++) {
                assert_string_equal(part.d[i].name, full.d[i].name);
                const qib_grid *pg = qib_volume_grid(part.d[i].image);
                qib_grid sub;
                qib_grid_sub(qib_volume_grid(v), &b, &sub);
                for (int a = 0; a < 3; a++) {
                    assert_int_equal(pg->dim[a], b.size[a]);
                    assert_true(fabs(pg->origin[a] - sub.origin[a]) < 1e-12);
                }
                for (size_t z = 0; z < b.size[2]; z++)
                    for (size_t y = 0; y < b.size[1]; y++)
                        for (size_t x = 0; x < b.size[0]; x++) {
                            size_t gx = b.lo[0] + x, gy = b.lo[1] + y, gz = b.lo[2] + z;
                            if (inside_only && !md[(gz * 17 + gy) * 19 + gx]) continue;
                            double p = at(part.d[i].image, x, y, z);
                            double f = at(full.d[i].image, gx, gy, gz);
                            if (!(p == f || (isnan(p) && isnan(f))))
                                fail_msg("%s %s mask %d at (%zu,%zu,%zu): box %.17g, whole %.17g",
                                         cases[c].type, part.d[i].name, mi, gx, gy, gz, p, f);
                        }
            }
            qib_derived_images_free(part.d, part.n);
        }
        qib_derived_images_free(full.d, full.n);
    }
    qib_mask_free(inner);
    qib_mask_free(edge);
    qib_volume_free(v);
}

/* PyRadiomics' formulas on x = -4, 0, 1, 9 (M = max|x| = 9), worked out by hand:
 * square (x / 3)^2; square root sign(x) sqrt(9 |x|); logarithm sign(x) log(|x| + 1)
 * 9 / log 10; exponential exp(x log 9 / 9) = 9^(x/9). */
static void test_simple_formulas(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 4, 1, 1);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, &v, &err), &err);
    int16_t *d = qib_volume_data(v);
    d[0] = -4;
    d[1] = 0;
    d[2] = 1;
    d[3] = 9;
    const double l10 = log(10.0);
    struct {
        const char *type, *name;
        double want[4];
    } cases[] = {
        {"Square", "square", {16.0 / 9, 0, 1.0 / 9, 9}},
        {"SquareRoot", "squareroot", {-6, 0, 3, 9}},
        {"Logarithm", "logarithm", {-log(5.0) * 9 / l10, 0, log(2.0) * 9 / l10, 9}},
        {"Exponential", "exponential", {pow(9, -4.0 / 9), 1, pow(9, 1.0 / 9), 9}},
    };
    for (size_t c = 0; c < 4; c++) {
        expanded e = expand(v, NULL, cases[c].type, NULL, 0);
        assert_int_equal(e.n, 1);
        assert_string_equal(e.d[0].name, cases[c].name);
        for (int i = 0; i < 4; i++) {
            double got = qib_volume_value(e.d[0].image, (size_t)i);
            if (fabs(got - cases[c].want[i]) > 1e-13 * (1 + fabs(cases[c].want[i])))
                fail_msg("%s x[%d]: %.17g, expected %.17g", cases[c].type, i, got,
                         cases[c].want[i]);
        }
        qib_derived_images_free(e.d, e.n);
    }
    /* an all-zero image: PyRadiomics divides by zero; qib refuses */
    memset(d, 0, 4 * sizeof *d);
    qib_derived_image *out = NULL;
    size_t n = 0;
    assert_int_equal(qib_image_type_expand(v, NULL, "Square", NULL, 0, &out, &n, &err),
                     QIB_ERR_NUMERIC);
    assert_string_equal(err.field, "Square");
    expanded e = expand(v, NULL, "SquareRoot", NULL, 0); /* no division there */
    assert_true(qib_volume_value(e.d[0].image, 0) == 0);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* Gradient of f = 3x + 2y - z (index units), spacing (0.5, 2, 4): inside, (3/0.5,
 * 2/2, -1/4) per mm; on the x = 0 face the edge voxel is repeated, halving g_x. */
static void test_gradient_ramp(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 6, 5, 4);
    g.spacing[0] = 0.5;
    g.spacing[1] = 2;
    g.spacing[2] = 4;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F32, &v, &err), &err);
    float *d = qib_volume_data(v);
    for (size_t z = 0; z < 4; z++)
        for (size_t y = 0; y < 5; y++)
            for (size_t x = 0; x < 6; x++) d[(z * 5 + y) * 6 + x] = (float)(3.0 * x + 2.0 * y - z);
    expanded e = expand(v, NULL, "Gradient", NULL, 0);
    assert_string_equal(e.d[0].name, "gradient");
    assert_true(fabs(at(e.d[0].image, 2, 2, 1) - sqrt(36 + 1 + 1.0 / 16)) < 1e-12);
    assert_true(fabs(at(e.d[0].image, 0, 2, 1) - sqrt(9 + 1 + 1.0 / 16)) < 1e-12);
    qib_derived_images_free(e.d, e.n);
    qib_kv kv[] = {{"gradientUseSpacing", "False"}};
    e = expand(v, NULL, "Gradient", kv, 1);
    assert_true(fabs(at(e.d[0].image, 2, 2, 1) - sqrt(9 + 4 + 1.0)) < 1e-12);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* LoG names, skipped sigmas, and the response to f = x^2 (x in mm): the normalised
 * second derivative of a Gaussian-smoothed x^2 is 2 sigma^2 in the middle of the image
 * (ITK normalises the recursive second-derivative kernel to second moment 2 and the
 * smoothing kernels to unit sum); a linear ramp gives 0. */
static void test_log(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 201, 9, 9);
    g.spacing[0] = 0.5;
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F64, &v, &err), &err);
    double *d = qib_volume_data(v);
    for (size_t z = 0; z < 9; z++)
        for (size_t y = 0; y < 9; y++)
            for (size_t x = 0; x < 201; x++) {
                double mm = ((double)x - 100) * 0.5;
                d[(z * 9 + y) * 201 + x] = mm * mm;
            }
    qib_kv kv[] = {{"sigma", "[1.0, 1.5, 3, 0.5, 50.0]"}};
    expanded e = expand(v, NULL, "LoG", kv, 1);
    /* sigma 50 mm needs ceil(50 / 1) + 1 = 51 voxels along y and z: skipped */
    static const char *const names[] = {"log-sigma-1-0-mm-3D", "log-sigma-1-5-mm-3D",
                                        "log-sigma-3-mm-3D", "log-sigma-0-5-mm-3D"};
    assert_names(&e, names, 4);
    const double sig[4] = {1.0, 1.5, 3.0, 0.5};
    for (int i = 0; i < 4; i++) {
        double got = at(e.d[i].image, 100, 4, 4), want = 2 * sig[i] * sig[i];
        if (fabs(got - want) > 2e-4 * want)
            fail_msg("%s: %.9g, expected %.9g", e.d[i].name, got, want);
    }
    qib_derived_images_free(e.d, e.n);
    for (size_t i = 0; i < 201 * 9 * 9; i++) d[i] = 3.0 * (double)(i % 201);
    qib_kv one[] = {{"sigma", "[2.0]"}};
    e = expand(v, NULL, "LoG", one, 1);
    assert_true(fabs(at(e.d[0].image, 100, 4, 4)) < 1e-4);
    qib_derived_images_free(e.d, e.n);
    /* no sigma: no image, as in PyRadiomics */
    e = expand(v, NULL, "LoG", NULL, 0);
    assert_int_equal(e.n, 0);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* scikit-image 0.19.3 local_binary_pattern(P=8, R=1) of slice z = 2 of the pattern,
 * at (x, y) = (0, 0), (3, 2), (6, 5): uniform 6, 8, 1; default 159, 255, 4. */
static void test_lbp2d(void **state) {
    (void)state;
    qib_volume *v = pattern(QIB_DT_I16);
    const size_t pts[3][2] = {{0, 0}, {3, 2}, {6, 5}};
    const double uniform[3] = {6, 8, 1}, dflt[3] = {159, 255, 4};
    expanded e = expand(v, NULL, "LBP2D", NULL, 0);
    assert_string_equal(e.d[0].name, "lbp-2D");
    for (int p = 0; p < 3; p++) assert_true(at(e.d[0].image, pts[p][0], pts[p][1], 2) == uniform[p]);
    qib_derived_images_free(e.d, e.n);
    qib_kv kv[] = {{"lbp2DMethod", "default"}};
    e = expand(v, NULL, "LBP2D", kv, 1);
    for (int p = 0; p < 3; p++) assert_true(at(e.d[0].image, pts[p][0], pts[p][1], 2) == dflt[p]);
    qib_derived_images_free(e.d, e.n);
    qib_volume_free(v);
}

/* LBP3D. A flat image: every sample equals the centre, so s = 1 at all 42 vertices
 * and m1 = sqrt(42) * 42 / (4 pi) (Y_00 = 1 / (2 sqrt pi)); the kurtosis is NaN
 * (scipy). m2 is not 0: PyRadiomics passes the polar angle as sph_harm's azimuth and
 * the azimuth as its polar angle, so the degree-1 "harmonics" do not cancel over the
 * icosphere; its value, 18.401806215963283, was printed by PyRadiomics 3.1
 * getLBP3DImage with scipy 1.10 (icosphere built as trimesh does). Then the same code
 * on the pattern, mask x 1..5, y 1..4, z 1..3, at (1,1,1), (3,2,2), (5,4,3). */
static void test_lbp3d(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 9, 9, 9);
    qib_volume *v = NULL;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_I16, &v, &err), &err);
    int16_t *d = qib_volume_data(v);
    for (size_t i = 0; i < 729; i++) d[i] = 5;
    qib_mask *m = box_mask(v, 3, 3, 3, 3, 3, 3);
    expanded e = expand(v, m, "LBP3D", NULL, 0);
    static const char *const names[] = {"lbp-3D-m1", "lbp-3D-m2", "lbp-3D-k"};
    assert_names(&e, names, 3);
    double m1 = sqrt(42.0) * 42 / (4 * 3.141592653589793);
    assert_true(fabs(at(e.d[0].image, 1, 1, 1) - m1) < 1e-12);
    assert_true(fabs(at(e.d[1].image, 1, 1, 1) - 18.401806215963283) < 1e-12);
    assert_true(isnan(at(e.d[2].image, 1, 1, 1)));
    qib_derived_images_free(e.d, e.n);
    qib_kv kv[] = {{"lbp3DLevels", "4"}};
    e = expand(v, m, "LBP3D", kv, 1);
    assert_int_equal(e.n, 5);
    assert_string_equal(e.d[3].name, "lbp-3D-m4");
    qib_derived_images_free(e.d, e.n);
    qib_mask_free(m);
    qib_volume_free(v);

    v = pattern(QIB_DT_I16);
    m = box_mask(v, 1, 1, 1, 5, 4, 3);
    e = expand(v, m, "LBP3D", NULL, 0);
    const size_t pts[3][3] = {{1, 1, 1}, {3, 2, 2}, {5, 4, 3}};
    const double want[3][3] = {{0.0, 19.597396423920216, 20.11311738244444},
                               {0.0, 16.305340055472335, 17.070231921789706},
                               {-0.660896957237509, -0.8406601227578672, -0.8418046196418407}};
    for (int i = 0; i < 3; i++)
        for (int p = 0; p < 3; p++) {
            double got = at(e.d[i].image, pts[p][0] - 1, pts[p][1] - 1, pts[p][2] - 1);
            if (fabs(got - want[i][p]) > 1e-12 * (1 + fabs(want[i][p])))
                fail_msg("%s at point %d: %.17g, scipy %.17g", e.d[i].name, p, got, want[i][p]);
        }
    qib_derived_images_free(e.d, e.n);
    qib_mask_free(m);
    qib_volume_free(v);
}

static void expect_error(const qib_volume *v, const qib_mask *m, const char *type,
                         const qib_kv *kv, size_t nkv, qib_status st, const char *field) {
    qib_derived_image *out = NULL;
    size_t n = 0;
    qib_error err;
    memset(&err, 0, sizeof err);
    qib_status got = qib_image_type_expand(v, m, type, kv, nkv, &out, &n, &err);
    if (got != st || strcmp(err.field, field) != 0)
        fail_msg("%s: status %s field '%s' (%s), expected %s '%s'", type, qib_status_name(got),
                 err.field, err.reason, qib_status_name(st), field);
    assert_null(out);
}

static void test_errors(void **state) {
    (void)state;
    qib_volume *v = pattern(QIB_DT_I16);
    expect_error(v, NULL, "Wavelets", NULL, 0, QIB_ERR_ARG, "imageType");
    qib_kv k1[] = {{"waveletName", "coif1"}};
    expect_error(v, NULL, "Wavelet", k1, 1, QIB_ERR_ARG, "waveletName");
    qib_kv k2[] = {{"wavelet", "bior1.3"}};
    expect_error(v, NULL, "Wavelet", k2, 1, QIB_ERR_UNSUPPORTED, "wavelet");
    qib_kv k3[] = {{"level", "0"}};
    expect_error(v, NULL, "Wavelet", k3, 1, QIB_ERR_ARG, "level");
    qib_kv k4[] = {{"level", "two"}};
    expect_error(v, NULL, "Wavelet", k4, 1, QIB_ERR_ARG, "level");
    qib_kv k5[] = {{"sigma", "1.0"}};
    expect_error(v, NULL, "LoG", k5, 1, QIB_ERR_ARG, "sigma");
    qib_kv k6[] = {{"sigma", "[1.0, 0]"}};
    expect_error(v, NULL, "LoG", k6, 1, QIB_ERR_ARG, "sigma");
    qib_kv k7[] = {{"gradientUseSpacing", "maybe"}};
    expect_error(v, NULL, "Gradient", k7, 1, QIB_ERR_ARG, "gradientUseSpacing");
    qib_kv k8[] = {{"lbp2DMethod", "nri_uniform"}};
    expect_error(v, NULL, "LBP2D", k8, 1, QIB_ERR_ARG, "lbp2DMethod");
    qib_kv k9[] = {{"force2Ddimension", "3"}};
    expect_error(v, NULL, "Wavelet", k9, 1, QIB_ERR_ARG, "force2Ddimension");
    qib_mask *empty = box_mask(v, 0, 0, 0, 0, 0, 0);
    expect_error(v, empty, "Original", NULL, 0, QIB_ERR_EMPTY_ROI, "mask");
    qib_mask_free(empty);
    qib_grid g;
    qib_grid_init(&g, 7, 6, 4);
    qib_mask *other = NULL;
    qib_error err;
    TU_OK(qib_mask_create(&g, &other, &err), &err);
    expect_error(v, other, "Original", NULL, 0, QIB_ERR_GRID_MISMATCH, "mask");
    qib_mask_free(other);
    qib_volume *four = NULL;
    TU_OK(qib_volume_create(qib_volume_grid(v), 2, QIB_DT_I16, &four, &err), &err);
    expect_error(four, NULL, "Original", NULL, 0, QIB_ERR_UNSUPPORTED, "image");
    qib_volume_free(four);
    qib_volume_free(v);
}

static void test_listing(void **state) {
    (void)state;
    static const char *const names[] = {"Original", "Wavelet",  "LoG",       "Square",
                                        "SquareRoot", "Logarithm", "Exponential", "Gradient",
                                        "LBP2D",    "LBP3D"};
    assert_int_equal(qib_image_type_count(), 10);
    for (size_t i = 0; i < 10; i++) assert_string_equal(qib_image_type_get(i)->name, names[i]);
    assert_null(qib_image_type_get(10));
    const qib_image_type_info *w = qib_image_type_get(1);
    assert_int_equal(w->n_params, 5);
    assert_string_equal(w->params[0].name, "wavelet");
    assert_string_equal(w->params[0].default_value, "coif1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wavelet_names),  cmocka_unit_test(test_wavelet_pywt_values),
        cmocka_unit_test(test_wavelet_constant), cmocka_unit_test(test_box_equals_full),
        cmocka_unit_test(test_simple_formulas), cmocka_unit_test(test_gradient_ramp),
        cmocka_unit_test(test_log),            cmocka_unit_test(test_lbp2d),
        cmocka_unit_test(test_lbp3d),          cmocka_unit_test(test_errors),
        cmocka_unit_test(test_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
