/* SPDX-License-Identifier: Apache-2.0 */
/* test_recist_diameter.c: src/recist/diameter.c on analytic masks.
 *
 * References: a w x h rectangle (pixel squares tile it exactly) has long
 * axis sqrt(w^2 + h^2) (its diagonal) and, perpendicular to that diagonal,
 * a longest chord through its centre of min(w,h) sqrt(w^2 + h^2) / max(w,h)
 * (the chord meets the long sides at s = min/max * D / 2 either way); an
 * ellipse of semi-axes a > b has 2a and 2b, within a pixel for its
 * rasterised version; plus a brute-force second method (all pairs of pixel
 * corners; dense sampling of the lesion for the perpendicular extent). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const double PI = 3.14159265358979323846;

static qib_mask *new_mask(size_t nx, size_t ny, size_t nz, double sx, double sy) {
    qib_grid g;
    qib_grid_init(&g, nx, ny, nz);
    g.spacing[0] = sx;
    g.spacing[1] = sy;
    g.spacing[2] = 3;
    g.origin[0] = -20;
    g.origin[1] = 7;
    g.origin[2] = 100;
    qib_mask *m = NULL;
    qib_error err;
    TU_OK(qib_mask_create(&g, &m, &err), &err);
    return m;
}

static void fill_rect(qib_mask *m, size_t k, size_t i0, size_t j0, size_t w, size_t h) {
    const size_t *dim = qib_mask_grid(m)->dim;
    uint8_t *d = qib_mask_data(m);
    for (size_t j = j0; j < j0 + h; j++)
        for (size_t i = i0; i < i0 + w; i++) d[(k * dim[1] + j) * dim[0] + i] = 1;
}

static qib_recist_diameters measure(const qib_mask *m) {
    qib_recist_diameters d;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_recist_measure(m, &d, &err), &err);
    return d;
}

static double dist(const double a[3], const double b[3]) {
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

/* 12 x 5 pixels of 0.5 x 1.0 mm: w = 6 mm, h = 5 mm; D = sqrt(61) =
 * 7.8102496759; short axis 5 D / 6 = 6.5085413966. */
static void test_rectangle(void **state) {
    (void)state;
    qib_mask *m = new_mask(20, 10, 1, 0.5, 1.0);
    fill_rect(m, 0, 3, 2, 12, 5);
    qib_recist_diameters d = measure(m);
    double D = sqrt(61.0);
    assert_true(fabs(d.long_axis_mm - D) < 1e-9);
    assert_true(fabs(d.short_axis_mm - 5 * D / 6) < 1e-9);
    assert_int_equal(d.slice, 0);
    assert_int_equal(d.slice_voxels, 60);
    /* the end points are opposite corners of the rectangle, in LPS mm:
     * x from -20 + (3 - 0.5) 0.5 to -20 + (14 + 0.5) 0.5, y from 7 + 1.5 to 7 + 6.5 */
    assert_true(fabs(dist(d.long_end[0], d.long_end[1]) - D) < 1e-9);
    assert_true(fabs(dist(d.short_end[0], d.short_end[1]) - 5 * D / 6) < 1e-9);
    for (int e = 0; e < 2; e++) {
        double x = d.long_end[e][0], y = d.long_end[e][1];
        assert_true(fabs(x + 18.75) < 1e-9 || fabs(x + 12.75) < 1e-9);
        assert_true(fabs(y - 8.5) < 1e-9 || fabs(y - 13.5) < 1e-9);
        assert_true(d.long_end[e][2] == 100);
    }
    /* both short-axis ends lie on the rectangle's long sides (y = 8.5 or 13.5) */
    for (int e = 0; e < 2; e++)
        assert_true(fabs(d.short_end[e][1] - 8.5) < 1e-9 || fabs(d.short_end[e][1] - 13.5) < 1e-9);
    qib_mask_free(m);
}

/* Taller than wide: 4 x 10 pixels of 1.25 x 0.6 mm: w = 5, h = 6; the same
 * numbers as above with the roles swapped. */
static void test_rectangle_tall(void **state) {
    (void)state;
    qib_mask *m = new_mask(8, 14, 1, 1.25, 0.6);
    fill_rect(m, 0, 2, 1, 4, 10);
    qib_recist_diameters d = measure(m);
    double D = sqrt(61.0);
    assert_true(fabs(d.long_axis_mm - D) < 1e-9);
    assert_true(fabs(d.short_axis_mm - 5 * D / 6) < 1e-9);
    qib_mask_free(m);
}

/* A square has both diagonals as axes: 8 x 8 mm, 8 sqrt 2 each. One pixel
 * of 0.7 x 0.7 mm likewise: 0.7 sqrt 2. */
static void test_square_and_pixel(void **state) {
    (void)state;
    qib_mask *m = new_mask(10, 10, 1, 1, 1);
    fill_rect(m, 0, 1, 1, 8, 8);
    qib_recist_diameters d = measure(m);
    assert_true(fabs(d.long_axis_mm - 8 * sqrt(2.0)) < 1e-9);
    assert_true(fabs(d.short_axis_mm - 8 * sqrt(2.0)) < 1e-9);
    qib_mask_free(m);
    m = new_mask(3, 3, 1, 0.7, 0.7);
    fill_rect(m, 0, 1, 1, 1, 1);
    d = measure(m);
    assert_true(fabs(d.long_axis_mm - 0.7 * sqrt(2.0)) < 1e-9);
    assert_true(fabs(d.short_axis_mm - 0.7 * sqrt(2.0)) < 1e-9);
    assert_int_equal(d.slice_voxels, 1);
    qib_mask_free(m);
}

/* The slice with the longest diameter wins (10 x 6 mm: sqrt 136 = 11.66 >
 * 8 sqrt 2 = 11.31 > 4 sqrt 2); on a tie, the first slice. */
static void test_slice_choice(void **state) {
    (void)state;
    qib_mask *m = new_mask(12, 12, 4, 1, 1);
    fill_rect(m, 0, 0, 0, 4, 4);
    fill_rect(m, 1, 1, 1, 8, 8);
    fill_rect(m, 2, 1, 3, 10, 6);
    fill_rect(m, 3, 2, 2, 8, 8);
    qib_recist_diameters d = measure(m);
    assert_int_equal(d.slice, 2);
    assert_true(fabs(d.long_axis_mm - sqrt(136.0)) < 1e-9);
    assert_true(fabs(d.short_axis_mm - 6 * sqrt(136.0) / 10) < 1e-9);
    assert_true(d.long_end[0][2] == 106 && d.long_end[1][2] == 106); /* z = 100 + 2 x 3 */
    uint8_t *px = qib_mask_data(m);
    memset(px + 2 * 144, 0, 144); /* now slices 1 and 3 tie */
    d = measure(m);
    assert_int_equal(d.slice, 1);
    assert_true(fabs(d.long_axis_mm - 8 * sqrt(2.0)) < 1e-9);
    qib_mask_free(m);
}

/* Second method for the long axis: every pair of corners of the first and
 * last pixel of each row (a corner between two others on a row is never
 * farthest from anything: distance is convex along a segment). */
static double brute_long(const qib_mask *m, size_t k) {
    const qib_grid *g = qib_mask_grid(m);
    const uint8_t *d = qib_mask_cdata(m);
    size_t n = 0;
    double *x = malloc(8 * g->dim[1] * sizeof *x), *y = malloc(8 * g->dim[1] * sizeof *y);
    for (size_t j = 0; j < g->dim[1]; j++) {
        long first = -1, last = -1;
        for (size_t i = 0; i < g->dim[0]; i++)
            if (d[(k * g->dim[1] + j) * g->dim[0] + i]) {
                if (first < 0) first = (long)i;
                last = (long)i;
            }
        if (first < 0) continue;
        const long ends[2] = {first, last};
        for (int e = 0; e < 2; e++)
            for (int c = 0; c < 4; c++) {
                x[n] = ((double)ends[e] - 0.5 + (c & 1)) * g->spacing[0];
                y[n++] = ((double)j - 0.5 + (c >> 1)) * g->spacing[1];
            }
    }
    double best = 0;
    for (size_t p = 0; p < n; p++)
        for (size_t q = p + 1; q < n; q++) best = fmax(best, hypot(x[q] - x[p], y[q] - y[p]));
    free(x);
    free(y);
    return best;
}

/* Second method for the short axis: 8 x 8 sample points per pixel
 * (edges included), binned by their position along the long axis (bins
 * of 0.02 mm); the largest spread across the long axis in one bin. It
 * approaches the exact value as the sampling gets finer (here within
 * about 0.1 mm: samples 0.07 mm apart, bins 0.02 mm wide). */
static double brute_short(const qib_mask *m, size_t k, const double u[2]) {
    const qib_grid *g = qib_mask_grid(m);
    const uint8_t *d = qib_mask_cdata(m);
    enum { NB = 20000 };
    const double bin = 0.02, t0 = -200;
    double *lo = malloc(NB * sizeof *lo), *hi = malloc(NB * sizeof *hi);
    for (int b = 0; b < NB; b++) {
        lo[b] = INFINITY;
        hi[b] = -INFINITY;
    }
    for (size_t j = 0; j < g->dim[1]; j++)
        for (size_t i = 0; i < g->dim[0]; i++) {
            if (!d[(k * g->dim[1] + j) * g->dim[0] + i]) continue;
            for (int a = 0; a < 8; a++)
                for (int c = 0; c < 8; c++) {
                    double x = ((double)i - 0.5 + a / 7.0) * g->spacing[0];
                    double y = ((double)j - 0.5 + c / 7.0) * g->spacing[1];
                    double t = x * u[0] + y * u[1], v = -x * u[1] + y * u[0];
                    int b = (int)floor((t - t0) / bin);
                    if (b < 0 || b >= NB) fail_msg("sample outside the bins");
                    lo[b] = fmin(lo[b], v);
                    hi[b] = fmax(hi[b], v);
                }
        }
    double best = 0;
    for (int b = 0; b < NB; b++)
        if (hi[b] >= lo[b]) best = fmax(best, hi[b] - lo[b]);
    free(lo);
    free(hi);
    return best;
}

/* An ellipse of semi-axes a = 30 mm (x) and b = 18 mm (y) on 0.5 mm
 * pixels, centre between pixel centres, rotated by 0 and by 30 degrees. */
static void ellipse_case(double angle_deg) {
    qib_mask *m = new_mask(150, 150, 1, 0.5, 0.5);
    uint8_t *px = qib_mask_data(m);
    double a = 30, b = 18, cx = 37.3, cy = 36.9, th = angle_deg * PI / 180;
    for (size_t j = 0; j < 150; j++)
        for (size_t i = 0; i < 150; i++) {
            double x = i * 0.5 - cx, y = j * 0.5 - cy;
            double xr = x * cos(th) + y * sin(th), yr = -x * sin(th) + y * cos(th);
            px[j * 150 + i] = (xr / a) * (xr / a) + (yr / b) * (yr / b) <= 1;
        }
    qib_recist_diameters d = measure(m);
    /* analytic: within a pixel diagonal of 2a and 2b */
    if (fabs(d.long_axis_mm - 2 * a) > 0.5 * sqrt(2.0) || fabs(d.short_axis_mm - 2 * b) > 0.5 * sqrt(2.0))
        fail_msg("angle %g: axes %.4f x %.4f, want about %g x %g", angle_deg, d.long_axis_mm,
                 d.short_axis_mm, 2 * a, 2 * b);
    /* second method */
    assert_true(fabs(d.long_axis_mm - brute_long(m, 0)) < 1e-9); /* rounded to 1e-9 mm */
    double ux = d.long_end[1][0] - d.long_end[0][0], uy = d.long_end[1][1] - d.long_end[0][1];
    double un = hypot(ux, uy);
    double u[2] = {ux / un, uy / un};
    double bs = brute_short(m, 0, u);
    if (fabs(d.short_axis_mm - bs) > 0.15)
        fail_msg("angle %g: short axis %.6f, sampled %.6f", angle_deg, d.short_axis_mm, bs);
    /* the long axis runs along the major axis, tilted at most by the
     * staircase at the tips: the last column of pixels there spans about
     * 2 b sqrt(2 s / a) (s = 0.5 mm), so a corner-to-corner diameter can
     * tilt by atan(b sqrt(2 s / a) / a) = 6.25 degrees */
    double dirdeg = atan2(u[1], u[0]) * 180 / PI;
    double diff = fmod(fabs(dirdeg - angle_deg), 180.0), tilt = atan(b * sqrt(2 * 0.5 / a) / a) * 180 / PI;
    if (!(diff <= tilt || diff >= 180 - tilt))
        fail_msg("angle %g: long axis at %g degrees", angle_deg, dirdeg);
    /* the short axis is perpendicular to it */
    double sx = d.short_end[1][0] - d.short_end[0][0], sy = d.short_end[1][1] - d.short_end[0][1];
    assert_true(fabs(sx * u[0] + sy * u[1]) < 1e-9);
    qib_mask_free(m);
}

static void test_ellipse(void **state) {
    (void)state;
    ellipse_case(0);
    ellipse_case(30);
}

static void test_empty_and_measurability(void **state) {
    (void)state;
    qib_mask *m = new_mask(4, 4, 2, 1, 1);
    qib_recist_diameters d;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(qib_recist_measure(m, &d, &err), QIB_ERR_EMPTY_ROI);
    qib_mask_free(m);
    /* RECIST 1.1 section 3.1.1 */
    assert_string_equal(qib_recist_measurability(10, 0), "measurable");
    assert_string_equal(qib_recist_measurability(9.9, 0), "non-measurable");
    assert_string_equal(qib_recist_measurability(15, 1), "measurable");
    assert_string_equal(qib_recist_measurability(14.9, 1), "pathological, non-measurable");
    assert_string_equal(qib_recist_measurability(10, 1), "pathological, non-measurable");
    assert_string_equal(qib_recist_measurability(9.9, 1), "normal");
    assert_string_equal(qib_recist_measurability(NAN, 1), "invalid diameter");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rectangle),
        cmocka_unit_test(test_rectangle_tall),
        cmocka_unit_test(test_square_and_pixel),
        cmocka_unit_test(test_slice_choice),
        cmocka_unit_test(test_ellipse),
        cmocka_unit_test(test_empty_and_measurability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
