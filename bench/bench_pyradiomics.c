/* SPDX-License-Identifier: Apache-2.0 */
/* bench_pyradiomics.c: the PyRadiomics-compatible mode's extraction time,
 * one thread, next to the issues' targets and PyRadiomics 3.1's own figures
 * (../shared/bench/README.md, measured on the same 2-core machine).
 *
 *   bench_pyradiomics [--repeat N] [--name CASE] [--tsv FILE] IMAGE MASK
 *
 * The image and mask are loaded once; only qib_extract is timed (median of
 * N runs) for:
 *   defaults          preset pyradiomics without the diagnostics columns
 *                     (107 features; target < 0.03 s on ct_large)
 *   defaults+diag     the same with PyRadiomics' diagnostics (additionalInfo:
 *                     SHA-1 of the whole image and mask, image statistics)
 *   defaults+wavelet  image_types Original;Wavelet (851 features; target
 *                     <= 0.3 s and <= 400 MB peak on ct_large)
 *   only CLASS        the defaults with one class enabled, per class
 * Peak RSS (getrusage) covers the process up to that row: the loaded case
 * plus the largest extraction so far. Timing is never pass/fail. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "qib.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_mb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : -1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct row {
    const char *name, *image_types, *additional_info, *families;
    double target_s, target_mb, pyradiomics_s; /* 0: none */
} row;

int main(int argc, char **argv) {
    int repeat = 5, a = 1;
    const char *name = "case", *tsv = NULL;
    for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
        if (!strcmp(argv[a], "--repeat") && a + 1 < argc) repeat = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--name") && a + 1 < argc) name = argv[++a];
        else if (!strcmp(argv[a], "--tsv") && a + 1 < argc) tsv = argv[++a];
        else break;
    }
    if (argc - a != 2 || repeat < 1 || repeat > 1000) {
        fprintf(stderr, "usage: bench_pyradiomics [--repeat N] [--name CASE] [--tsv FILE] "
                        "IMAGE MASK\n");
        return 1;
    }
    qib_error err;
    qib_error_clear(&err);
    qib_volume *image = NULL, *mask = NULL;
    qib_load_options lo;
    qib_load_options_default(&lo);
    if (qib_load_case_image(argv[a], &lo, &image, NULL, NULL, &err) ||
        qib_load_case_mask(argv[a + 1], qib_volume_grid(image), NULL, &lo, &mask, NULL, NULL,
                           &err)) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "bench_pyradiomics: %s\n", msg);
        return 2;
    }
    bool large = strstr(name, "large") != NULL, small = strstr(name, "small") != NULL;
    /* the three runs, then the defaults with one class enabled per class (what
     * a user asking for that class alone waits) */
    const row rows[] = {
        {"defaults", "original", "false", "all", large ? 0.03 : 0, 0,
         large ? 3.4 : small ? 0.22 : 0},
        {"defaults+diag", "original", "true", "all", 0, 0, 0},
        {"defaults+wavelet", "original;wavelet", "false", "all", large ? 0.3 : 0,
         large ? 400 : 0, large ? 28 : small ? 2.5 : 0},
        {"only shape", "original", "false", "shape", 0, 0, 0},
        {"only firstorder", "original", "false", "firstorder", 0, 0, 0},
        {"only glcm", "original", "false", "glcm", 0, 0, 0},
        {"only gldm", "original", "false", "gldm", 0, 0, 0},
        {"only glrlm", "original", "false", "glrlm", 0, 0, 0},
        {"only glszm", "original", "false", "glszm", 0, 0, 0},
        {"only ngtdm", "original", "false", "ngtdm", 0, 0, 0},
    };
    FILE *out = tsv ? fopen(tsv, "a") : NULL;
    printf("%-10s %-18s %9s %10s %10s %12s %14s\n", "case", "run", "features", "time_s",
           "target_s", "peak_rss_mb", "pyradiomics_s");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        qib_settings *s = NULL;
        if (qib_settings_create(&s, &err) || qib_settings_set(s, "preset", "pyradiomics", &err) ||
            qib_settings_set(s, "image_types", rows[r].image_types, &err) ||
            qib_settings_set(s, "additional_info", rows[r].additional_info, &err) ||
            qib_settings_set(s, "families", rows[r].families, &err)) {
            fprintf(stderr, "bench_pyradiomics: %s\n", err.reason);
            return 2;
        }
        double *t = malloc((size_t)repeat * sizeof *t);
        size_t n_features = 0;
        for (int k = 0; k < repeat; k++) {
            qib_results *res = NULL;
            double t0 = now_s();
            if (qib_extract(image, mask, s, &res, &err)) {
                fprintf(stderr, "bench_pyradiomics: %s\n", err.reason);
                return 2;
            }
            t[k] = now_s() - t0;
            n_features = 0;
            for (size_t i = 0; i < qib_results_count(res); i++)
                n_features += qib_results_at(res, i)->image_type[0] != 0; /* not diagnostics */
            qib_results_free(res);
        }
        qsort(t, (size_t)repeat, sizeof *t, cmp_double);
        double med = t[repeat / 2], rss = peak_rss_mb();
        char target[32] = "-", py[32] = "-";
        if (rows[r].target_s > 0) {
            if (rows[r].target_mb > 0)
                snprintf(target, sizeof target, "%.2f/%.0fMB", rows[r].target_s,
                         rows[r].target_mb);
            else
                snprintf(target, sizeof target, "%.2f", rows[r].target_s);
        }
        if (rows[r].pyradiomics_s > 0) snprintf(py, sizeof py, "%.2f", rows[r].pyradiomics_s);
        printf("%-10s %-18s %9zu %10.4f %10s %12.0f %14s\n", name, rows[r].name, n_features, med,
               target, rss, py);
        if (out)
            fprintf(out, "%s\t%s\t%zu\t%.6f\t%s\t%.0f\t%s\n", name, rows[r].name, n_features, med,
                    target, rss, py);
        free(t);
        qib_settings_free(s);
    }
    if (out) fclose(out);
    qib_volume_free(image);
    qib_volume_free(mask);
    return 0;
}
