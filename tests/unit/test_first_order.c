/* SPDX-License-Identifier: Apache-2.0 */
/* test_first_order.c: the statistics shared by the stat and ih families
 * (src/features/first_order.c), in particular their sort, against the C
 * library's qsort (the reference it replaces) and hand-computed summaries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/first_order.h"
#include "tu_ibsi.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Is the array's bit pattern the one qsort gives? Values that compare
 * equal are equal numbers except -0 and +0: for those the order must be
 * the input's (qsort in glibc is a stable merge sort), which memcmp on the
 * bits checks. */
static void check_sort(const double *in, size_t n) {
    double *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    memcpy(a, in, n * sizeof *a);
    memcpy(b, in, n * sizeof *b);
    qsort(a, n, sizeof *a, cmp_double);
    qib__sort_doubles(b, n);
    assert_memory_equal(a, b, n * sizeof *a);
    free(a);
    free(b);
}

/* Random data of several kinds and sizes (below and above the radix
 * sort's threshold): integers (CT-like), wide-range floats, negatives,
 * many ties, signed zeros interleaved, subnormals and infinities. */
static void test_sort(void **state) {
    (void)state;
    const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 78125};
    uint64_t x = 1;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (int kind = 0; kind < 5; kind++) {
            size_t n = sizes[si];
            double *v = malloc((n ? n : 1) * sizeof *v);
            assert_non_null(v);
            for (size_t i = 0; i < n; i++) {
                x = x * 6364136223846793005u + 1442695040888963407u;
                uint64_t r = x >> 11;
                switch (kind) {
                case 0: v[i] = (double)(r % 1100) - 400.0; break; /* HU */
                case 1: v[i] = ldexp((double)(r % 1000000), (int)(r % 200) - 100); break;
                case 2: v[i] = (r % 2 ? -1.0 : 1.0) * (double)(r % 7) / 3.0; break;
                case 3: v[i] = r % 3 == 0 ? -0.0 : r % 3 == 1 ? 0.0 : (double)(r % 5) - 2.0; break;
                default:
                    v[i] = r % 5 == 0   ? 5e-324 * (double)(r % 9)
                           : r % 5 == 1 ? (r % 2 ? HUGE_VAL : -HUGE_VAL)
                                        : (double)(r % 100) * 1e300;
                }
            }
            check_sort(v, n);
            free(v);
        }
    /* with a NaN the sort is qsort's own */
    double w[100];
    for (size_t i = 0; i < 100; i++) w[i] = (double)((i * 37) % 11);
    w[50] = NAN;
    check_sort(w, 100);
}

/* Summaries of 1..10 in random order: mean 5.5, population variance 8.25,
 * skewness 0, median 5.5, P10 = 1 + 0.9 = 1.9, P90 = 9.1, mean absolute
 * deviation 2.5, energy 385. */
static void test_summary(void **state) {
    (void)state;
    double v[10] = {7, 2, 9, 1, 10, 4, 3, 8, 6, 5};
    qib_first_order fo;
    qib__first_order(v, 10, &fo);
    TU_NEAR(fo.mean, 5.5, 1e-15);
    TU_NEAR(fo.var, 8.25, 1e-14);
    TU_NEAR(fo.skew, 0.0, 1e-15);
    TU_NEAR(fo.median, 5.5, 1e-15);
    TU_NEAR(fo.p10, 1.9, 1e-14);
    TU_NEAR(fo.p90, 9.1, 1e-14);
    TU_NEAR(fo.mad, 2.5, 1e-15);
    TU_NEAR(fo.energy, 385.0, 0);
    TU_NEAR(fo.min, 1.0, 0);
    TU_NEAR(fo.max, 10.0, 0);
    qib__first_order(v, 0, &fo);
    assert_true(isnan(fo.mean));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
