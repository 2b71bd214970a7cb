/* SPDX-License-Identifier: Apache-2.0 */
/* test_processing.c: the IBSI processing chain (src/processing/): grid
 * geometry, interpolation, mask threshold, re-segmentation, discretisation,
 * presets and parameter files; and the chain on the IBSI CT phantom against
 * the IBSI diagnostic values (grid sizes, voxel counts). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "processing/processing.h"
#include "settings/settings_table.h"
#include "tu_ibsi.h"

static qib_proc_options default_options(void) {
    qib_proc_options o;
    memset(&o, 0, sizeof o);
    o.image_interp = o.mask_interp = QIB_INTERP_LINEAR;
    o.mask_threshold = 0.5;
    o.reseg_lo = -HUGE_VAL;
    o.reseg_hi = HUGE_VAL;
    o.discr = QIB_DISCR_FBS;
    o.bin_width = 1;
    return o;
}

/* Hand-computed IBSI grids: n_b = ceil(n_a s_a / s_b), off = (s_a (n_a - 1) -
 * s_b (n_b - 1)) / (2 s_a).
 *   5 voxels of 1 mm -> 2 mm: n_b = 3, off = (4 - 4)/2 = 0, ratio 2;
 *   4 voxels of 1 mm -> 3 mm: n_b = 2, off = (3 - 3)/2 = 0;
 *   60 slices of 3 mm -> 2 mm: n_b = 90, off = (177 - 178)/6 = -1/6;
 *   7 voxels of 1 mm -> 0.5 mm: n_b = 14, off = (6 - 6.5)/2 = -0.25.
 * The new origin is the input's index `off` in world coordinates. */
static void test_grid(void **state) {
    (void)state;
    qib_grid in, out;
    qib_grid_init(&in, 5, 4, 60);
    in.spacing[2] = 3;
    in.origin[0] = 10;
    in.origin[1] = -5;
    in.origin[2] = 100;
    in.direction[0] = -1; /* flipped first axis */
    in.direction[4] = -1;
    double off[3], ratio[3];
    const double sp[3] = {2, 3, 2};
    qib__interp_grid(&in, sp, &out, off, ratio);
    assert_int_equal(out.dim[0], 3);
    assert_int_equal(out.dim[1], 2);
    assert_int_equal(out.dim[2], 90);
    TU_NEAR(off[0], 0, 1e-15);
    TU_NEAR(off[1], 0, 1e-15);
    TU_NEAR(off[2], -1.0 / 6, 1e-15);
    TU_NEAR(ratio[2], 2.0 / 3, 1e-15);
    TU_NEAR(out.origin[0], 10, 1e-12);
    TU_NEAR(out.origin[1], -5, 1e-12);
    TU_NEAR(out.origin[2], 100 - 0.5, 1e-12); /* -1/6 voxel of 3 mm */
    TU_NEAR(out.spacing[2], 2, 0);
    /* centres agree: first + last output centre = first + last input centre */
    TU_NEAR((out.origin[2] + out.origin[2] + 89 * 2.0) / 2, (100 + 100 + 59 * 3.0) / 2, 1e-9);

    qib_grid_init(&in, 7, 1, 1);
    const double sp2[3] = {0.5, 0, 0};
    qib__interp_grid(&in, sp2, &out, off, ratio);
    assert_int_equal(out.dim[0], 14);
    assert_int_equal(out.dim[1], 1);
    TU_NEAR(off[0], -0.25, 1e-15);
    TU_NEAR(out.origin[0], -0.25, 1e-15);
    /* no floating-point excess: 100 voxels of 0.2 mm -> 0.1 mm is 200 */
    qib_grid_init(&in, 100, 1, 1);
    in.spacing[0] = 0.2;
    const double sp3[3] = {0.1, 0, 0};
    qib__interp_grid(&in, sp3, &out, off, ratio);
    assert_int_equal(out.dim[0], 200);
}

/* Builds a volume of doubles f(i, j, k) on grid g and a mask of the box. */
static void make_volume(const qib_grid *g, double (*f)(double, double, double),
                        const qib_box *inside, qib_volume **img, qib_mask **mask) {
    qib_error err;
    TU_OK(qib_volume_create(g, 1, QIB_DT_F64, img, &err), &err);
    TU_OK(qib_mask_create(g, mask, &err), &err);
    double *d = qib_volume_data(*img);
    uint8_t *m = qib_mask_data(*mask);
    size_t n = 0;
    for (size_t k = 0; k < g->dim[2]; k++)
        for (size_t j = 0; j < g->dim[1]; j++)
            for (size_t i = 0; i < g->dim[0]; i++, n++) {
                d[n] = f((double)i, (double)j, (double)k);
                m[n] = i >= inside->lo[0] && i < inside->lo[0] + inside->size[0] &&
                       j >= inside->lo[1] && j < inside->lo[1] + inside->size[1] &&
                       k >= inside->lo[2] && k < inside->lo[2] + inside->size[2];
            }
}

static double ramp(double i, double j, double k) { return 2 * i + 3 * j - k + 5; }
static double quadratic(double i, double j, double k) { return i * i + 0.5 * j * k + 1; }

/* Trilinear interpolation of a linear function is exact wherever the output
 * point lies inside the input grid (outside, the edge value is used). The
 * cubic B-spline reproduces polynomials up to degree 3 away from the edges;
 * nearest neighbour picks the closest input voxel. */
static void check_interp(qib_interp method, double (*f)(double, double, double), double tol,
                         size_t edge) {
    qib_grid g;
    qib_grid_init(&g, 40, 40, 40);
    g.spacing[0] = 1;
    g.spacing[1] = 1.5;
    g.spacing[2] = 2;
    qib_box inside = {{12, 12, 12}, {16, 16, 16}};
    qib_volume *img;
    qib_mask *mask;
    make_volume(&g, f, &inside, &img, &mask);
    qib_proc_options o = default_options();
    o.resample = true;
    o.spacing[0] = 0.7;
    o.spacing[1] = 0.9;
    o.spacing[2] = 1.1;
    o.image_interp = method;
    o.discr = QIB_DISCR_FBN;
    o.bin_count = 8;
    qib_processed p;
    qib_error err;
    TU_OK(qib__process(img, mask, &inside, &o, 2, &p, &err), &err);
    double off[3], ratio[3];
    qib_grid full;
    qib__interp_grid(&g, o.spacing, &full, off, ratio);
    assert_int_equal(full.dim[0], p.full_grid.dim[0]);
    size_t n = 0, checked = 0;
    for (size_t k = 0; k < p.box.size[2]; k++)
        for (size_t j = 0; j < p.box.size[1]; j++)
            for (size_t i = 0; i < p.box.size[0]; i++, n++) {
                double x[3];
                size_t idx[3] = {i, j, k};
                bool interior = true;
                for (int a = 0; a < 3; a++) {
                    x[a] = off[a] + ratio[a] * (double)(p.box.lo[a] + idx[a]);
                    if (x[a] < (double)edge || x[a] > (double)(g.dim[a] - 1 - edge))
                        interior = false;
                }
                if (!interior) continue;
                double want = method == QIB_INTERP_NEAREST
                                  ? f(floor(x[0] + 0.5), floor(x[1] + 0.5), floor(x[2] + 0.5))
                                  : f(x[0], x[1], x[2]);
                TU_NEAR(p.image[n], want, tol);
                checked++;
            }
    assert_true(checked > 1000);
    qib__processed_free(&p);
    qib_volume_free(img);
    qib_mask_free(mask);
}

static void test_linear_exact(void **state) {
    (void)state;
    check_interp(QIB_INTERP_LINEAR, ramp, 1e-9, 0);
}
static void test_nearest(void **state) {
    (void)state;
    check_interp(QIB_INTERP_NEAREST, quadratic, 0, 0);
}
static void test_cubic_polynomial(void **state) {
    (void)state;
    /* the edge-replicated boundary differs from the polynomial's continuation;
     * its effect decays as 0.268^d with the distance d from the edge */
    check_interp(QIB_INTERP_CUBIC, quadratic, 1e-3, 13);
    check_interp(QIB_INTERP_CUBIC, ramp, 1e-4, 13);
}

/* Mask on 4 voxels of 1 mm, inside at i = 1, 2; to 0.5 mm: 8 voxels at input
 * positions -0.25 + 0.5 j = -.25, .25, .75, 1.25, 1.75, 2.25, 2.75, 3.25; the
 * linear mask is 0, .25, .75, 1, 1, .75, .25, 0, so threshold 0.5 keeps 4
 * voxels (j = 2..5) and threshold 0.8 keeps 2. A value of exactly 0.5 is in. */
static double zero(double i, double j, double k) { return 0 * i * j * k; }
static void test_mask_threshold(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 4, 1, 1);
    qib_box inside = {{1, 0, 0}, {2, 1, 1}};
    qib_volume *img;
    qib_mask *mask;
    make_volume(&g, zero, &inside, &img, &mask);
    qib_proc_options o = default_options();
    o.resample = true;
    o.spacing[0] = 0.5;
    qib_processed p;
    qib_error err;
    TU_OK(qib__process(img, mask, &inside, &o, 10, &p, &err), &err);
    assert_int_equal(p.full_grid.dim[0], 8);
    assert_int_equal(p.box.lo[0], 0);
    assert_int_equal(p.box.size[0], 8);
    const uint8_t want[8] = {0, 0, 1, 1, 1, 1, 0, 0};
    assert_memory_equal(p.morph, want, 8);
    assert_int_equal(p.n_morph, 4);
    qib__processed_free(&p);
    o.mask_threshold = 0.8;
    TU_OK(qib__process(img, mask, &inside, &o, 10, &p, &err), &err);
    assert_int_equal(p.n_morph, 2);
    qib__processed_free(&p);
    /* 2 voxels of 1 mm, mask 1, 0, to 2 mm: one voxel at input position
     * (1 - 0) / 2 = 0.5, mask value exactly 0.5: inside */
    qib_volume_free(img);
    qib_mask_free(mask);
    qib_grid_init(&g, 2, 1, 1);
    qib_box first = {{0, 0, 0}, {1, 1, 1}};
    make_volume(&g, zero, &first, &img, &mask);
    o.mask_threshold = 0.5;
    o.spacing[0] = 2;
    TU_OK(qib__process(img, mask, &first, &o, 0, &p, &err), &err);
    assert_int_equal(p.full_grid.dim[0], 1);
    assert_int_equal(p.n_morph, 1);
    qib__processed_free(&p);
    qib_volume_free(img);
    qib_mask_free(mask);
}

/* Stores x in voxel i of a volume of any type (the test's own cast). */
static void put(qib_volume *v, size_t i, double x) {
    void *d = qib_volume_data(v);
    switch (qib_volume_dtype(v)) {
    case QIB_DT_U8: ((uint8_t *)d)[i] = (uint8_t)x; break;
    case QIB_DT_I8: ((int8_t *)d)[i] = (int8_t)x; break;
    case QIB_DT_U16: ((uint16_t *)d)[i] = (uint16_t)x; break;
    case QIB_DT_I16: ((int16_t *)d)[i] = (int16_t)x; break;
    case QIB_DT_U32: ((uint32_t *)d)[i] = (uint32_t)x; break;
    case QIB_DT_I32: ((int32_t *)d)[i] = (int32_t)x; break;
    case QIB_DT_U64: ((uint64_t *)d)[i] = (uint64_t)x; break;
    case QIB_DT_I64: ((int64_t *)d)[i] = (int64_t)x; break;
    case QIB_DT_F32: ((float *)d)[i] = (float)x; break;
    case QIB_DT_F64: ((double *)d)[i] = x; break;
    }
}

/* qib__select_label (src/image/select.c, which qib_mask_from_labels uses)
 * against a voxel-by-voxel reference written here (the value rounded half
 * away from zero; NaN and huge values in no region) and a brute-force box,
 * for every voxel type, labels 0 (any), present, absent and out of the
 * type's range, float labels that round either way (1.5 -> 2, -0.5 -> -1,
 * 2.4999 -> 2), NaN and huge values: the same voxels, the same box, and for
 * an absent label QIB_ERR_EMPTY_ROI naming the label. Rows of 13 voxels (not
 * a multiple of 8) test qib_mask_bbox's word-at-a-time scan too. */
static bool ref_in(const qib_volume *v, size_t i, int64_t label) {
    double x = qib_volume_value(v, i);
    if (!isfinite(x) || fabs(x) > 9.0e18) return false;
    int64_t l = llround(x);
    return label == 0 ? l != 0 : l == label;
}

static void test_select_label(void **state) {
    (void)state;
    const qib_dtype types[] = {QIB_DT_U8,  QIB_DT_I8,  QIB_DT_U16, QIB_DT_I16, QIB_DT_U32,
                               QIB_DT_I32, QIB_DT_U64, QIB_DT_I64, QIB_DT_F32, QIB_DT_F64};
    const int64_t labels[] = {0, 1, 2, 3, 7, -1, 300, 70000};
    const double fvals[] = {1.5, -0.5, 2.4999, 2.5, NAN, 1e30, -1.0};
    qib_grid g;
    qib_grid_init(&g, 13, 9, 6);
    size_t n = qib_grid_voxels(&g);
    uint64_t x = 4242;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        qib_volume *v = NULL;
        qib_error err;
        TU_OK(qib_volume_create(&g, 1, types[t], &v, &err), &err);
        bool flt = types[t] == QIB_DT_F32 || types[t] == QIB_DT_F64;
        bool sgn = types[t] == QIB_DT_I8 || types[t] == QIB_DT_I16 || types[t] == QIB_DT_I32 ||
                   types[t] == QIB_DT_I64 || flt;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            size_t r = (x >> 33) % 16, ii = i % 13, jj = i / 13 % 9, kk = i / 117;
            double val = 0;
            /* labels 1 and 2 in small blocks, 3 scattered, the rest 0 */
            if (ii >= 3 && ii < 9 && jj >= 2 && jj < 5 && kk >= 1 && kk < 4) val = r < 12 ? 1 : 2;
            else if (r == 0) val = 3;
            if (val != 0 && flt && r % 3 == 0) val = fvals[(x >> 50) % 7];
            if (val < 0 && !sgn) val = 1;
            put(v, i, val);
        }
        for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
            uint8_t *ref = calloc(n, 1);
            assert_non_null(ref);
            size_t count = 0, lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
            for (size_t i = 0; i < n; i++) {
                if (!(ref[i] = ref_in(v, i, labels[l]))) continue;
                size_t c[3] = {i % 13, i / 13 % 9, i / 117};
                for (int a = 0; a < 3; a++) {
                    if (c[a] < lo[a]) lo[a] = c[a];
                    if (c[a] > hi[a]) hi[a] = c[a];
                }
                count++;
            }
            qib_mask *got = NULL;
            qib_error e2;
            memset(&e2, 0, sizeof e2);
            qib_box bref, bgot, bscan;
            qib_status s2 = qib__select_label(v, labels[l], &got, &bgot, &e2);
            if (count == 0) {
                assert_int_equal(s2, QIB_ERR_EMPTY_ROI);
                assert_string_equal(e2.field, "label");
                assert_non_null(strstr(e2.reason, labels[l] ? "has no voxel" : "no non-zero"));
                free(ref);
                continue;
            }
            TU_OK(s2, &e2);
            for (int a = 0; a < 3; a++) {
                bref.lo[a] = lo[a];
                bref.size[a] = hi[a] - lo[a] + 1;
            }
            assert_memory_equal(qib_mask_cdata(got), ref, n);
            assert_memory_equal(&bgot, &bref, sizeof bref);
            assert_int_equal(qib_mask_bbox(got, &bscan), 1);
            assert_memory_equal(&bscan, &bref, sizeof bref);
            qib_mask_free(got);
            free(ref);
            /* the box is optional; qib_mask_from_labels is the same selection */
            TU_OK(qib__select_label(v, labels[l], &got, NULL, &e2), &e2);
            qib_mask_free(got);
            TU_OK(qib_mask_from_labels(v, labels[l], &got, &e2), &e2);
            assert_int_equal(qib_mask_count(got), count);
            qib_mask_free(got);
        }
        qib_volume_free(v);
    }
    /* an empty mask has no box */
    qib_mask *empty = NULL;
    qib_error err;
    qib_box b;
    TU_OK(qib_mask_create(&g, &empty, &err), &err);
    assert_int_equal(qib_mask_bbox(empty, &b), 0);
    qib_mask_free(empty);
}

/* Without resampling the chain copies the box as it is: the processed
 * image is the input (rounded when asked), the morphological mask the
 * selected voxels, and a partial-volume threshold above 1 keeps none. */
static void test_no_resampling(void **state) {
    (void)state;
    qib_grid g;
    qib_grid_init(&g, 12, 10, 7);
    qib_volume *img;
    qib_error err;
    TU_OK(qib_volume_create(&g, 1, QIB_DT_F32, &img, &err), &err);
    qib_mask *mask;
    TU_OK(qib_mask_create(&g, &mask, &err), &err);
    uint64_t x = 17;
    for (size_t i = 0; i < qib_grid_voxels(&g); i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        ((float *)qib_volume_data(img))[i] = (float)((double)((x >> 33) % 4000) / 7.0 - 200.0);
        size_t ii = i % 12, jj = i / 12 % 10, kk = i / 120;
        qib_mask_data(mask)[i] = ii > 2 && ii < 9 && jj > 1 && jj < 8 && kk > 1 && kk < 5 &&
                                 (x >> 50) % 5 != 0;
    }
    qib_box roi;
    assert_int_equal(qib_mask_bbox(mask, &roi), 1);
    for (int rounding = 0; rounding < 2; rounding++) {
        qib_proc_options o = default_options();
        o.input_rounding = rounding;
        qib_processed p;
        TU_OK(qib__process(img, mask, &roi, &o, 2, &p, &err), &err);
        size_t n_morph = 0;
        for (size_t k = 0; k < p.box.size[2]; k++)
            for (size_t j = 0; j < p.box.size[1]; j++)
                for (size_t i = 0; i < p.box.size[0]; i++) {
                    size_t q = (k * p.box.size[1] + j) * p.box.size[0] + i;
                    size_t v = ((k + p.box.lo[2]) * 10 + j + p.box.lo[1]) * 12 + i + p.box.lo[0];
                    double want = qib_volume_value(img, v);
                    if (rounding) want = round(want);
                    assert_true(p.image[q] == want);
                    assert_int_equal(p.morph[q], qib_mask_cdata(mask)[v]);
                    n_morph += p.morph[q];
                }
        assert_int_equal(p.n_morph, n_morph);
        assert_int_equal(p.box.lo[0], roi.lo[0] - 2);
        assert_int_equal(p.box.size[2], roi.size[2] + 4);
        qib__processed_free(&p);
        o.mask_threshold = 1.5;
        TU_OK(qib__process(img, mask, &roi, &o, 2, &p, &err), &err);
        assert_int_equal(p.n_morph, 0);
        qib__processed_free(&p);
    }
    qib_volume_free(img);
    qib_mask_free(mask);
}

/* Range [2, 8] drops 1 and 100 of 1, 2, 3, 4, 5, 6, 7, 8, 100; outliers:
 * values 10 x 0 and 1 x 100 have mean 9.09, SD 28.75, so mean + 3 SD = 95.3
 * drops the 100. The morphological mask is untouched. */
static void test_resegment(void **state) {
    (void)state;
    const double img[9] = {1, 2, 3, 4, 5, 6, 7, 8, 100};
    uint8_t morph[11], im[11];
    memset(morph, 1, sizeof morph);
    qib_proc_options o = default_options();
    o.reseg_lo = 2;
    o.reseg_hi = 8;
    size_t n_int;
    qib__resegment(img, morph, 9, &o, im, &n_int);
    assert_int_equal(n_int, 7);
    assert_int_equal(im[0], 0);
    assert_int_equal(im[8], 0);
    assert_int_equal(im[1], 1);
    double img2[11] = {0};
    img2[10] = 100;
    o = default_options();
    o.reseg_outliers = true;
    qib__resegment(img2, morph, 11, &o, im, &n_int);
    assert_int_equal(n_int, 10);
    assert_int_equal(im[10], 0);
    assert_int_equal(morph[10], 1);
    /* outliers after the range: [0, 50] drops the 100 first, SD 0 keeps the rest */
    o.reseg_lo = 0;
    o.reseg_hi = 50;
    qib__resegment(img2, morph, 11, &o, im, &n_int);
    assert_int_equal(n_int, 10);
}

/* Values 1, 2.5, 4, 7 (and one voxel outside the mask):
 *   FBN 3: floor(3 (X - 1) / 6) + 1 = 1, 1, 2, 3 (7 = Xmax -> 3);
 *   FBS 2, no range: Xmin = 1: floor((X - 1)/2) + 1 = 1, 1, 2, 4;
 *   FBS 2 from range bound 0: floor(X/2) + 1 = 1, 2, 3, 4;
 *   none: round(X) - 1 + 1 = 1, 3 (2.5 rounds away), 4, 7. */
static void test_discretise(void **state) {
    (void)state;
    const double img[5] = {1, 2.5, 4, 7, -50};
    const uint8_t mask[5] = {1, 1, 1, 1, 0};
    int32_t lv[5], ng;
    double xmin;
    qib_error err;
    TU_OK(qib__discretise(img, mask, 5, QIB_DISCR_FBN, 3, -HUGE_VAL, lv, &ng, &xmin, &err), &err);
    const int32_t fbn[5] = {1, 1, 2, 3, 0};
    assert_memory_equal(lv, fbn, sizeof fbn);
    assert_int_equal(ng, 3);
    TU_OK(qib__discretise(img, mask, 5, QIB_DISCR_FBS, 2, -HUGE_VAL, lv, &ng, &xmin, &err), &err);
    const int32_t fbs[5] = {1, 1, 2, 4, 0};
    assert_memory_equal(lv, fbs, sizeof fbs);
    assert_int_equal(ng, 4);
    TU_NEAR(xmin, 1, 0);
    TU_OK(qib__discretise(img, mask, 5, QIB_DISCR_FBS, 2, 0, lv, &ng, &xmin, &err), &err);
    const int32_t fbs0[5] = {1, 2, 3, 4, 0};
    assert_memory_equal(lv, fbs0, sizeof fbs0);
    TU_OK(qib__discretise(img, mask, 5, QIB_DISCR_NONE, 0, -HUGE_VAL, lv, &ng, &xmin, &err),
          &err);
    const int32_t none[5] = {1, 3, 4, 7, 0};
    assert_memory_equal(lv, none, sizeof none);
    assert_int_equal(ng, 7);
    /* one intensity: FBN puts every voxel in bin 1 */
    const double flat[3] = {5, 5, 5};
    TU_OK(qib__discretise(flat, mask, 3, QIB_DISCR_FBN, 32, -HUGE_VAL, lv, &ng, &xmin, &err),
          &err);
    assert_int_equal(lv[0], 1);
    assert_int_equal(lv[2], 1);
    /* a tiny bin width over a wide range is refused */
    const double wide[2] = {0, 1e9};
    assert_int_equal(
        qib__discretise(wide, mask, 2, QIB_DISCR_FBS, 1e-3, -HUGE_VAL, lv, &ng, &xmin, &err),
        QIB_ERR_LIMIT);
}

static void test_option_strings(void **state) {
    (void)state;
    qib_error err;
    bool rs;
    double sp[3], lo, hi;
    TU_OK(qib__parse_spacing("2,2,0", &rs, sp, &err), &err);
    assert_true(rs);
    TU_NEAR(sp[0], 2, 0);
    TU_NEAR(sp[2], 0, 0);
    TU_OK(qib__parse_spacing("none", &rs, sp, &err), &err);
    assert_false(rs);
    assert_int_equal(qib__parse_spacing("2,2", &rs, sp, &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "resample_spacing");
    assert_int_equal(qib__parse_spacing("2,-1,2", &rs, sp, &err), QIB_ERR_ARG);
    assert_int_equal(qib__parse_spacing("2,2,2,2", &rs, sp, &err), QIB_ERR_ARG);
    TU_OK(qib__parse_range("-1000, 400", &lo, &hi, &err), &err);
    TU_NEAR(lo, -1000, 0);
    TU_NEAR(hi, 400, 0);
    TU_OK(qib__parse_range("-inf,400", &lo, &hi, &err), &err);
    assert_true(isinf(lo) && lo < 0);
    TU_OK(qib__parse_range("0,inf", &lo, &hi, &err), &err);
    assert_true(isinf(hi) && hi > 0);
    TU_OK(qib__parse_range("none", &lo, &hi, &err), &err);
    assert_true(isinf(lo) && isinf(hi));
    assert_int_equal(qib__parse_range("400,-1000", &lo, &hi, &err), QIB_ERR_ARG);
    assert_int_equal(qib__parse_range("abc", &lo, &hi, &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "reseg_range");
}

static void test_presets(void **state) {
    (void)state;
    qib_settings *s;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "preset", "ibsi-b", &err), &err);
    assert_string_equal(qib_settings_string(s, "dimensionality"), "2d");
    assert_string_equal(qib_settings_string(s, "resample_spacing"), "2,2,0");
    assert_string_equal(qib_settings_string(s, "discretisation"), "fbn");
    assert_int_equal(qib_settings_int(s, "bin_count"), 32);
    assert_true(qib_settings_bool(s, "intensity_rounding"));
    /* a later setting overrides the preset */
    TU_OK(qib_settings_set(s, "bin_count", "16", &err), &err);
    assert_int_equal(qib_settings_int(s, "bin_count"), 16);
    TU_OK(qib_settings_set(s, "preset", "ibsi-e", &err), &err);
    assert_string_equal(qib_settings_string(s, "interpolation"), "cubic");
    assert_true(qib_settings_bool(s, "reseg_outliers"));
    assert_int_equal(qib_settings_int(s, "bin_count"), 32);
    assert_string_equal(qib_settings_string(s, "ivh_discretisation"), "fbn");
    /* none restores the defaults */
    TU_OK(qib_settings_set(s, "preset", "none", &err), &err);
    assert_string_equal(qib_settings_string(s, "resample_spacing"), "none");
    assert_string_equal(qib_settings_string(s, "dimensionality"), "3d");
    assert_false(qib_settings_bool(s, "reseg_outliers"));
    assert_int_equal(qib_settings_set(s, "preset", "ibsi-z", &err), QIB_ERR_ARG);
    /* every preset's options parse */
    const char *names[] = {"ibsi-phantom", "ibsi-a", "ibsi-b", "ibsi-c", "ibsi-d", "ibsi-e"};
    for (size_t i = 0; i < 6; i++) {
        TU_OK(qib_settings_set(s, "preset", names[i], &err), &err);
        qib_proc_options o;
        TU_OK(qib__proc_options(s, &o, &err), &err);
    }
    qib_settings_free(s);
}

static qib_status load_yaml(qib_settings *s, const char *text, qib_error *err) {
    return qib__settings_load_yaml_mem(s, text, strlen(text), "params.yaml", err);
}

static void test_yaml(void **state) {
    (void)state;
    qib_settings *s;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    /* the preset applies first, wherever it is */
    TU_OK(load_yaml(s, "bin_width: 10\nresample_spacing: [1, 1.5, 2]\npreset: ibsi-c\n", &err),
          &err);
    TU_NEAR(qib_settings_real(s, "bin_width"), 10, 0);
    assert_string_equal(qib_settings_string(s, "resample_spacing"), "1,1.5,2");
    assert_string_equal(qib_settings_string(s, "reseg_range"), "-1000,400");
    TU_OK(load_yaml(s, "", &err), &err);
    TU_OK(load_yaml(s, "# nothing\n", &err), &err);
    assert_int_equal(load_yaml(s, "label: 1\nbin_widht: 3\n", &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "bin_widht");
    assert_non_null(strstr(err.reason, "line 2"));
    assert_string_equal(err.file, "params.yaml");
    assert_int_equal(load_yaml(s, "\n\nbin_count: many\n", &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "bin_count");
    assert_non_null(strstr(err.reason, "line 3"));
    /* a PyRadiomics parameter file is translated (test_pyradiomics_mode.c) */
    TU_OK(load_yaml(s, "imageType:\n  Original: {}\nsetting:\n  binWidth: 25\n", &err), &err);
    assert_string_equal(qib_settings_string(s, "feature_definitions"), "pyradiomics");
    assert_int_equal(load_yaml(s, "a: [\n", &err), QIB_ERR_FORMAT);
    assert_int_equal(load_yaml(s, "- 1\n- 2\n", &err), QIB_ERR_FORMAT);
    assert_int_equal(load_yaml(s, "label: 1\nlabel: 2\n", &err), QIB_ERR_FORMAT);
    assert_int_equal(load_yaml(s, "label: {a: 1}\n", &err), QIB_ERR_FORMAT);
    assert_int_equal(load_yaml(s, "label: 1\n---\nlabel: 2\n", &err), QIB_ERR_FORMAT);
    /* from a file */
    char path[512];
    tu_tmp("params.yaml", path, sizeof path);
    const char *text = "preset: ibsi-a\nlabel: 1\n";
    tu_write(path, text, strlen(text));
    TU_OK(qib_settings_load_yaml(s, path, &err), &err);
    assert_string_equal(qib_settings_string(s, "reseg_range"), "-500,400");
    remove(path);
    assert_int_equal(qib_settings_load_yaml(s, path, &err), QIB_ERR_NOT_FOUND);
    qib_settings_free(s);
}

/* The chain on the IBSI CT phantom against the IBSI diagnostic values
 * (grid size after interpolation; morphological and intensity mask voxel
 * counts after interpolation and re-segmentation), within their tolerances. */
static void ct_diagnostics(const char *preset, const size_t dim[3], double morph, double morph_tol,
                           double n_int, double int_tol) {
    char ip[1024], mp[1024];
    if (!tu_shared("ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz", ip, sizeof ip) ||
        !tu_shared("ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz", mp, sizeof mp))
        skip();
    qib_error err;
    qib_volume *img = NULL, *lab = NULL;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &lab, NULL, &err), &err);
    qib_mask *mask = NULL;
    TU_OK(qib_mask_from_labels(lab, 1, &mask, &err), &err);
    qib_box box;
    assert_true(qib_mask_bbox(mask, &box));
    qib_settings *s;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "preset", preset, &err), &err);
    qib_proc_options o;
    TU_OK(qib__proc_options(s, &o, &err), &err);
    qib_processed p;
    TU_OK(qib__process(img, mask, &box, &o, 0, &p, &err), &err);
    printf("%s: grid %zu x %zu x %zu, morph %zu, int %zu\n", preset, p.full_grid.dim[0],
           p.full_grid.dim[1], p.full_grid.dim[2], p.n_morph, p.n_int);
    for (int a = 0; a < 3; a++) assert_int_equal(p.full_grid.dim[a], dim[a]);
    assert_true(fabs((double)p.n_morph - morph) <= morph_tol);
    assert_true(fabs((double)p.n_int - n_int) <= int_tol);
    qib__processed_free(&p);
    qib_settings_free(s);
    qib_mask_free(mask);
    qib_volume_free(img);
    qib_volume_free(lab);
}

static void test_ct_a(void **state) {
    (void)state;
    const size_t dim[3] = {204, 201, 60};
    ct_diagnostics("ibsi-a", dim, 125256, 0, 114596, 1000);
}
static void test_ct_b(void **state) {
    (void)state;
    const size_t dim[3] = {100, 99, 60};
    ct_diagnostics("ibsi-b", dim, 29842, 100, 27359, 300);
}
static void test_ct_c(void **state) {
    (void)state;
    const size_t dim[3] = {100, 99, 90};
    ct_diagnostics("ibsi-c", dim, 45985, 100, 45981, 700);
}

/* D and E have no published reference here (holdout); their grid and
 * morphological mask are C's (same spacing and mask interpolation). */
static void test_ct_d_e(void **state) {
    (void)state;
    const size_t dim[3] = {100, 99, 90};
    ct_diagnostics("ibsi-d", dim, 45985, 100, 45985, 2000);
    ct_diagnostics("ibsi-e", dim, 45985, 100, 45985, 2000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_linear_exact),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_cubic_polynomial),
        cmocka_unit_test(test_mask_threshold),
        cmocka_unit_test(test_select_label),
        cmocka_unit_test(test_no_resampling),
        cmocka_unit_test(test_resegment),
        cmocka_unit_test(test_discretise),
        cmocka_unit_test(test_option_strings),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_ct_a),
        cmocka_unit_test(test_ct_b),
        cmocka_unit_test(test_ct_c),
        cmocka_unit_test(test_ct_d_e),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
