/* SPDX-License-Identifier: Apache-2.0 */
/* test_local_intensity.c: the local intensity family
 * (src/features/local_intensity.c) against hand-computed sphere means and
 * the IBSI digital phantom's reference values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/family.h"
#include "features/local_intensity.h"
#include "tu_ibsi.h"

typedef struct {
    double local, global;
} peaks;

static peaks run(const qib_roi *roi) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(qib__family_loc.prepare(roi, 0, &ctx, &err), &err);
    peaks p = {qib__family_loc.features[0].fn(ctx), qib__family_loc.features[1].fn(ctx)};
    assert_string_equal(qib__family_loc.features[0].info.ibsi_code, "VJGA");
    assert_string_equal(qib__family_loc.features[1].info.ibsi_code, "0F91");
    qib__family_loc.release(ctx);
    return p;
}

static void roi_init(qib_roi *roi, size_t n, double s, const double *img, const uint8_t *m) {
    memset(roi, 0, sizeof *roi);
    qib_grid_init(&roi->grid, n, n, n);
    for (int d = 0; d < 3; d++) roi->grid.spacing[d] = s;
    roi->n = n * n * n;
    roi->image = img;
    roi->morph_mask = roi->int_mask = m;
    for (size_t v = 0; v < roi->n; v++) roi->n_morph += m[v];
    roi->n_int = roi->n_morph;
}

/* A constant image: every sphere mean is the constant, also where the
 * sphere is cut by the image's edge. */
static void test_constant(void **state) {
    (void)state;
    const size_t n = 9;
    double img[9 * 9 * 9];
    uint8_t m[9 * 9 * 9];
    for (size_t v = 0; v < n * n * n; v++) {
        img[v] = 37.25;
        m[v] = (v % 3) == 0;
    }
    qib_roi roi;
    roi_init(&roi, n, 1.0, img, m);
    peaks p = run(&roi);
    TU_NEAR(p.local, 37.25, 1e-12);
    TU_NEAR(p.global, 37.25, 1e-12);
}

/* One bright voxel (100) in zeros, 2 mm voxels. The sphere (r = 6.2035 mm =
 * 3.10 voxels) holds the offsets with i^2 + j^2 + k^2 <= 9.62, i.e. <= 9:
 * 1 (0) + 6 (1) + 12 (2) + 8 (3) + 6 (4) + 24 (5) + 24 (6) + 12 (8) + 30 (9:
 * 6 of (3,0,0) and 24 of (2,2,1)) = 123 voxels. The brightest voxel is in
 * the mask, so the local peak is 100/123; any centre within reach of the
 * bright voxel has the same full sphere, so the global peak is too. */
static void test_bright_voxel(void **state) {
    (void)state;
    const size_t n = 15;
    double *img = calloc(n * n * n, sizeof *img);
    uint8_t *m = calloc(n * n * n, 1);
    assert_non_null(img);
    assert_non_null(m);
    size_t c = (7 * n + 7) * n + 7;
    img[c] = 100.0;
    for (size_t k = 6; k <= 8; k++)
        for (size_t j = 6; j <= 8; j++)
            for (size_t i = 6; i <= 8; i++) m[(k * n + j) * n + i] = 1;
    qib_roi roi;
    roi_init(&roi, n, 2.0, img, m);
    peaks p = run(&roi);
    TU_NEAR(p.local, 100.0 / 123.0, 1e-12);
    TU_NEAR(p.global, 100.0 / 123.0, 1e-12);

    /* the bright voxel outside the mask: the local peak is centred on the
     * brightest mask voxels (all 0) and the highest of their means, a
     * neighbour's sphere, still holds the bright voxel */
    m[c] = 0;
    roi.n_int = roi.n_morph = 26;
    p = run(&roi);
    TU_NEAR(p.local, 100.0 / 123.0, 1e-12);
    TU_NEAR(p.global, 100.0 / 123.0, 1e-12);

    /* the grid stops short of the processed image (a crop without enough
     * padding) and a mask voxel's sphere crosses its edge: the spheres
     * would be partial, so the peaks are NaN */
    m[c] = 1;
    m[(7 * n + 7) * n + 1] = 1; /* 1 voxel from the grid's edge, reach is 3 */
    roi.n_int = roi.n_morph = 28;
    qib_grid_init(&roi.processed_full_grid, 40, 40, 40);
    roi.processed_box.lo[0] = roi.processed_box.lo[1] = roi.processed_box.lo[2] = 10;
    roi.processed_box.size[0] = roi.processed_box.size[1] = roi.processed_box.size[2] = n;
    p = run(&roi);
    assert_true(isnan(p.local));
    assert_true(isnan(p.global));
    free(img);
    free(m);
}

/* Both peaks by their definition, centre by centre: the mean of every
 * grid voxel whose centre lies within r of the centre voxel's, the maximum
 * over the intensity mask, and for the local peak over its brightest
 * voxels. */
static peaks brute_peaks(const qib_roi *roi) {
    const size_t *dim = roi->grid.dim;
    const double *sp = roi->grid.spacing, r = QIB_LOC_RADIUS_MM;
    double top = -HUGE_VAL;
    for (size_t v = 0; v < roi->n; v++)
        if (roi->int_mask[v] && roi->image[v] > top) top = roi->image[v];
    peaks p = {-HUGE_VAL, -HUGE_VAL};
    for (size_t v = 0; v < roi->n; v++) {
        if (!roi->int_mask[v]) continue;
        long c[3] = {(long)(v % dim[0]), (long)(v / dim[0] % dim[1]), (long)(v / dim[0] / dim[1])};
        long double sum = 0;
        size_t cnt = 0;
        for (size_t u = 0; u < roi->n; u++) {
            long q[3] = {(long)(u % dim[0]), (long)(u / dim[0] % dim[1]),
                         (long)(u / dim[0] / dim[1])};
            double d2 = 0;
            for (int a = 0; a < 3; a++) {
                double e = (double)(q[a] - c[a]) * sp[a];
                d2 += e * e;
            }
            if (d2 <= r * r) sum += roi->image[u], cnt++;
        }
        double mean = (double)(sum / (long double)cnt);
        if (mean > p.global) p.global = mean;
        if (roi->image[v] == top && mean > p.local) p.local = mean;
    }
    return p;
}

/* A random image on anisotropic voxels, with a region that reaches the
 * grid's faces (partial spheres at the image edge) and its interior (whole
 * spheres, summed a row at a time): both peaks as the definition gives them. */
static void test_brute_force(void **state) {
    (void)state;
    const size_t nx = 23, ny = 19, nz = 11;
    const double sps[2][3] = {{0.8, 1.1, 2.0}, {1.5, 0.6, 0.9}};
    double *img = malloc(nx * ny * nz * sizeof *img);
    uint8_t *m = calloc(nx * ny * nz, 1);
    assert_non_null(img);
    assert_non_null(m);
    uint64_t x = 99;
    for (size_t v = 0; v < nx * ny * nz; v++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        img[v] = (double)((x >> 33) % 2000) / 4.0 - 100.0;
        size_t i = v % nx, j = v / nx % ny;
        m[v] = ((x >> 20) % 3 == 0) || (i > 6 && i < 15 && j > 5 && j < 13);
    }
    for (int t = 0; t < 2; t++) {
        qib_roi roi;
        memset(&roi, 0, sizeof roi);
        qib_grid_init(&roi.grid, nx, ny, nz);
        for (int a = 0; a < 3; a++) roi.grid.spacing[a] = sps[t][a];
        roi.n = nx * ny * nz;
        roi.image = img;
        roi.morph_mask = roi.int_mask = m;
        for (size_t v = 0; v < roi.n; v++) roi.n_int += m[v];
        roi.n_morph = roi.n_int;
        peaks got = run(&roi), want = brute_peaks(&roi);
        TU_NEAR(got.local, want.local, 1e-12 * fabs(want.local));
        TU_NEAR(got.global, want.global, 1e-12 * fabs(want.global));
    }
    free(img);
    free(m);
}

/* Padding that covers the sphere: 6.2035 mm over the smallest spacing. */
static void test_padding(void **state) {
    (void)state;
    double a[3] = {2, 2, 2}, b[3] = {0.977, 0.977, 3}, c[3] = {1, 1, 1};
    assert_int_equal(qib__loc_pad_voxels(a), 4);
    assert_int_equal(qib__loc_pad_voxels(b), 7);
    assert_int_equal(qib__loc_pad_voxels(c), 7);
}

/* The IBSI digital phantom (read from ../shared): local peak 2.6, global
 * 3.1 (tolerance 0: within the reference's third digit). */
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
    qib_roi roi;
    memset(&roi, 0, sizeof roi);
    roi.grid = *g;
    roi.n = nv;
    roi.image = v;
    roi.morph_mask = roi.int_mask = m;
    for (size_t i = 0; i < nv; i++) {
        m[i] = qib_volume_value(lab, i) > 0.5;
        roi.n_int += m[i];
    }
    roi.n_morph = roi.n_int;
    peaks p = run(&roi);
    const tu_ref *rl = NULL, *rg = NULL;
    for (size_t i = 0; i < nrows; i++) {
        if (!strcmp(rows[i].code, "VJGA")) rl = &rows[i];
        if (!strcmp(rows[i].code, "0F91")) rg = &rows[i];
    }
    assert_non_null(rl);
    assert_non_null(rg);
    printf("digital phantom: local peak %.6g (ref %g), global peak %.6g (ref %g)\n", p.local,
           rl->ref, p.global, rg->ref);
    assert_int_equal(tu_ibsi_match(rl->ref, rl->tol, p.local), 2);
    assert_int_equal(tu_ibsi_match(rg->ref, rg->tol, p.global), 2);
    free(v);
    free(m);
    qib_volume_free(img);
    qib_volume_free(lab);
    free(rows);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_bright_voxel),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
