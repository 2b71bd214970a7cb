/* SPDX-License-Identifier: Apache-2.0 */
/* test_pyradiomics_firstorder.c: PyRadiomics 3.1's firstorder class
 * (src/pyradiomics/firstorder.c, pr_order.c) against values worked out by
 * hand with numpy's percentile rule, a full sort as second method for the
 * order statistics of large sets, and PyRadiomics' output on the IBSI
 * digital phantom (bin widths 25 and 1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/family.h"
#include "pyradiomics/pr_order.h"
#include "tu_ibsi.h"
#include "tu_pr_reference.h"

/* A region of n voxels in a row with the given intensities and levels. */
typedef struct {
    qib_roi roi;
    uint8_t *mask;
} tu_row;

static void row_init(tu_row *t, const double *x, const int32_t *levels, size_t n,
                     const double sp[3], const qib_settings *s) {
    memset(t, 0, sizeof *t);
    qib_grid_init(&t->roi.grid, n, 1, 1);
    for (int d = 0; d < 3; d++) t->roi.grid.spacing[d] = sp[d];
    t->mask = malloc(n);
    assert_non_null(t->mask);
    memset(t->mask, 1, n);
    t->roi.n = t->roi.n_morph = t->roi.n_int = n;
    t->roi.image = x;
    t->roi.morph_mask = t->roi.int_mask = t->mask;
    t->roi.levels = levels;
    int32_t top = 0;
    for (size_t i = 0; levels && i < n; i++)
        if (levels[i] > top) top = levels[i];
    t->roi.n_levels = top;
    t->roi.settings = s;
}

static void *prepare(const qib_roi *roi) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(qib__family_pr_firstorder.prepare(roi, 0, &ctx, &err), &err);
    return ctx;
}

static double feature(const void *ctx, const char *name) {
    const qib_family_def *f = &qib__family_pr_firstorder;
    for (size_t i = 0; i < f->n_features; i++)
        if (!strcmp(f->features[i].info.name, name)) return f->features[i].fn(ctx);
    fail_msg("no feature %s", name);
    return NAN;
}

/* X = 1..10, voxels 0.5 x 2 x 3 mm (3 mm^3), voxelArrayShift 2, levels
 * floor(x / 5) + 1 (counts 4, 5, 1). By hand: mean 5.5; population
 * variance 8.25; skewness 0; mu_4 = 2 (0.5^4 + 1.5^4 + 2.5^4 + 3.5^4 +
 * 4.5^4) / 10 = 120.8625, kurtosis mu_4 / 8.25^2 = 1.77575757...;
 * numpy percentiles at g = n q + (1 - q) - 1: P10 (g 0.9) 1.9, P25 (2.25)
 * 3.25, P75 (6.75) 7.75, P90 (8.1) 9.1; median 5.5; MAD 2.5; the values in
 * [1.9, 9.1] are 2..9, robust MAD 2; energy sum (x + 2)^2 = 3^2 + ... +
 * 12^2 = 645, total energy 3 * 645, RMS sqrt(64.5); p = 0.4, 0.5, 0.1:
 * entropy -sum p log2 p, uniformity 0.42. */
static void test_one_to_ten(void **state) {
    (void)state;
    double x[10];
    int32_t lv[10];
    for (int i = 0; i < 10; i++) x[i] = i + 1, lv[i] = (i + 1) / 5 + 1;
    qib_settings *s;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    TU_OK(qib_settings_set(s, "voxel_array_shift", "2", &err), &err);
    tu_row t;
    double sp[3] = {0.5, 2, 3};
    row_init(&t, x, lv, 10, sp, s);
    void *c = prepare(&t.roi);
    TU_NEAR(feature(c, "Mean"), 5.5, 1e-14);
    TU_NEAR(feature(c, "Variance"), 8.25, 1e-13);
    TU_NEAR(feature(c, "Skewness"), 0.0, 1e-14);
    TU_NEAR(feature(c, "Kurtosis"), 120.8625 / (8.25 * 8.25), 1e-13);
    TU_NEAR(feature(c, "10Percentile"), 1.9, 1e-14);
    TU_NEAR(feature(c, "90Percentile"), 9.1, 1e-14);
    TU_NEAR(feature(c, "InterquartileRange"), 7.75 - 3.25, 1e-14);
    TU_NEAR(feature(c, "Median"), 5.5, 0);
    TU_NEAR(feature(c, "Minimum"), 1, 0);
    TU_NEAR(feature(c, "Maximum"), 10, 0);
    TU_NEAR(feature(c, "Range"), 9, 0);
    TU_NEAR(feature(c, "MeanAbsoluteDeviation"), 2.5, 1e-14);
    TU_NEAR(feature(c, "RobustMeanAbsoluteDeviation"), 2.0, 1e-14);
    TU_NEAR(feature(c, "Energy"), 645, 0);
    TU_NEAR(feature(c, "TotalEnergy"), 3 * 645, 1e-11);
    TU_NEAR(feature(c, "RootMeanSquared"), sqrt(64.5), 1e-14);
    double ent = -(0.4 * log2(0.4) + 0.5 * log2(0.5) + 0.1 * log2(0.1));
    TU_NEAR(feature(c, "Entropy"), ent, 1e-14);
    TU_NEAR(feature(c, "Uniformity"), 0.42, 1e-15);
    qib__family_pr_firstorder.release(c);
    free(t.mask);
    qib_settings_free(s);
}

/* {3, 1, 4, 1, 5, 9, 2}, sorted 1 1 2 3 4 5 9: P10 at g = 0.6 is 1; P90
 * at 5.4 is 5 + 0.4 * 4 = 6.6; P25 at 1.5 is 1.5 and P75 at 4.5 is 4.5
 * (numpy's t >= 0.5 branch), IQR 3; the median (odd) 3. No settings: no
 * shift, so energy is the plain sum of squares 137. */
static void test_numpy_percentiles(void **state) {
    (void)state;
    double x[7] = {3, 1, 4, 1, 5, 9, 2};
    tu_row t;
    double sp[3] = {1, 1, 1};
    row_init(&t, x, NULL, 7, sp, NULL);
    void *c = prepare(&t.roi);
    TU_NEAR(feature(c, "10Percentile"), 1.0, 1e-14);
    TU_NEAR(feature(c, "90Percentile"), 6.6, 1e-14);
    TU_NEAR(feature(c, "InterquartileRange"), 3.0, 1e-14);
    TU_NEAR(feature(c, "Median"), 3.0, 0);
    TU_NEAR(feature(c, "Energy"), 137, 0);
    assert_true(isnan(feature(c, "Entropy"))); /* no levels given */
    qib__family_pr_firstorder.release(c);
    free(t.mask);
}

/* A flat region: variance 0, skewness and kurtosis 0 (PyRadiomics'
 * convention), one bin: uniformity 1 and entropy -log2(1 + eps), about
 * -eps / ln 2 = -3.2e-16 (PyRadiomics reports this, not 0). */
static void test_flat_region(void **state) {
    (void)state;
    double x[5] = {7, 7, 7, 7, 7};
    int32_t lv[5] = {1, 1, 1, 1, 1};
    tu_row t;
    double sp[3] = {1, 1, 1};
    row_init(&t, x, lv, 5, sp, NULL);
    void *c = prepare(&t.roi);
    TU_NEAR(feature(c, "Variance"), 0, 0);
    TU_NEAR(feature(c, "Skewness"), 0, 0);
    TU_NEAR(feature(c, "Kurtosis"), 0, 0);
    TU_NEAR(feature(c, "Uniformity"), 1, 0);
    TU_NEAR(feature(c, "Entropy"), -2.220446049250313e-16 / log(2.0), 1e-30);
    TU_NEAR(feature(c, "10Percentile"), 7, 0);
    qib__family_pr_firstorder.release(c);
    free(t.mask);
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Order statistics of sets large enough for the bucket path of
 * pr_order.c, against a full sort: a permutation of 0..19999, values with
 * few levels and one far outlier (everything else in one bucket), and
 * real numbers spread unevenly. */
static void test_order_statistics(void **state) {
    (void)state;
    size_t n = 30001;
    double *v = malloc(n * sizeof *v), *sorted = malloc(n * sizeof *sorted);
    assert_non_null(v);
    assert_non_null(sorted);
    for (int set = 0; set < 3; set++) {
        size_t m = set == 0 ? 20000 : n;
        for (size_t i = 0; i < m; i++) {
            if (set == 0) v[i] = (double)((i * 7919) % 20000);
            if (set == 1) v[i] = i + 1 == m ? 1e9 : (double)((i * 37) % 10);
            if (set == 2) v[i] = exp(sin((double)i) * 6.0) - 100.0;
        }
        memcpy(sorted, v, m * sizeof *v);
        qsort(sorted, m, sizeof *sorted, cmp_d);
        size_t ranks[6] = {0, 1, m / 10, m / 2, m - 2, m - 1};
        double out[6], mn = sorted[0], mx = sorted[m - 1];
        qib_error err;
        TU_OK(qib__pr_order_stats(v, m, mn, mx, ranks, 6, out, &err), &err);
        for (int r = 0; r < 6; r++) TU_NEAR(out[r], sorted[ranks[r]], 0);
        if (set == 0) assert_true(sorted[1999] == 1999 && sorted[2000] == 2000);
    }
    /* and through the family: P10 of 0..19999 at g = 1999.9 */
    double sp[3] = {1, 1, 1};
    tu_row t;
    for (size_t i = 0; i < 20000; i++) v[i] = (double)((i * 7919) % 20000);
    row_init(&t, v, NULL, 20000, sp, NULL);
    void *c = prepare(&t.roi);
    TU_NEAR(feature(c, "10Percentile"), 1999.9, 1e-9);
    TU_NEAR(feature(c, "90Percentile"), 17999.1, 1e-9);
    TU_NEAR(feature(c, "InterquartileRange"), 14999.25 - 4999.75, 1e-9);
    TU_NEAR(feature(c, "Median"), 9999.5, 0);
    qib__family_pr_firstorder.release(c);
    free(t.mask);
    free(v);
    free(sorted);
}

/* An empty region: every feature is NaN. */
static void test_empty_region(void **state) {
    (void)state;
    double x[2] = {1, 2};
    tu_row t;
    double sp[3] = {1, 1, 1};
    row_init(&t, x, NULL, 2, sp, NULL);
    memset(t.mask, 0, 2);
    t.roi.n_int = t.roi.n_morph = 0;
    void *c = prepare(&t.roi);
    const qib_family_def *f = &qib__family_pr_firstorder;
    for (size_t i = 0; i < f->n_features; i++) assert_true(isnan(f->features[i].fn(c)));
    f->release(c);
    free(t.mask);
}

/* The 18 features against PyRadiomics 3.1 on the IBSI digital phantom,
 * names included: defaults (bin width 25: one bin) and bin width 1. */
static void test_digital_phantom(void **state) {
    (void)state;
    static const struct {
        const char *csv;
        double width;
    } cases[] = {{"pyradiomics-reference/ibsi_phantom_A.csv", 25},
                 {"pyradiomics-reference/ibsi_phantom_A_binWidth1.csv", 1}};
    for (int k = 0; k < 2; k++) {
        size_t n;
        tu_prref *rows = tu_prref_load(cases[k].csv, &n);
        if (!rows) return;
        tu_pr_case c;
        if (tu_pr_phantom(&c, cases[k].width, NULL)) {
            printf("%s\n", cases[k].csv);
            tu_pr_check_family(&qib__family_pr_firstorder, &c.roi, rows, n, 1e-12);
            tu_pr_case_free(&c);
        }
        free(rows);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_to_ten),
        cmocka_unit_test(test_numpy_percentiles),
        cmocka_unit_test(test_flat_region),
        cmocka_unit_test(test_order_statistics),
        cmocka_unit_test(test_empty_region),
        cmocka_unit_test(test_digital_phantom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
