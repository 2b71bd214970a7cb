/* SPDX-License-Identifier: Apache-2.0 */
/* bench_features.c: how long qib_extract takes per feature family, one thread.
 *
 *   bench_features [--repeat N] [--name CASE] [--tsv FILE] IMAGE MASK [SETTING...]
 *
 * SETTING is a preset name (e.g. ibsi-phantom) or NAME=VALUE (e.g.
 * discretisation=fbs, bin_width=25, texture_aggregations=3d), applied in
 * order. The image and mask are loaded once (qib_load_case_image/_mask, so
 * DICOM folders work too); only qib_extract is timed.
 *
 * Method (paired subtraction). qib_extract always crops, processes
 * (interpolation, re-segmentation) and discretises the region whatever the
 * families; the `diagnostics` family is cheap and always on. Each of the N
 * rounds runs, back to back, the baseline families=diagnostics and then
 * families=diagnostics,F for every family F (and the groups below). For F,
 *   time  = median over the rounds of the diagnostics,F wall time (what a
 *           user asking for F alone waits, after loading);
 *   net   = median over the rounds of (diagnostics,F time - that round's
 *           baseline time): what F adds, including anything it makes the
 *           shared steps do (loc widens the crop for its 1 cm^3 sphere).
 * Pairing each run with a baseline of the same round cancels most drift of
 * the machine; the median removes outliers. Groups:
 *   part1 = morph,loc,stat,ih,ivh (issue "IBSI part 1": < 0.1 s on ct_large)
 *   part2 = glcm,glrlm,glszm,gldzm,ngtdm,ngldm (issue "IBSI part 2": < 0.03 s
 *           with fixed bin width 25, 3D aggregations)
 *   all   = every family.
 * The target is compared with the group's full time (baseline included),
 * the conservative reading. Beside the wall time, `cpu s` is the median
 * CPU time of the same runs (CLOCK_PROCESS_CPUTIME_ID): on a machine shared
 * with other work the wall time also counts the waits for a core, the CPU
 * time does not. Peak RSS (getrusage ru_maxrss) covers the loading and
 * every run of the process.
 * Timing is never a pass/fail criterion; see bench/README.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "qib.h"

#define MAX_ROWS 64

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_mb(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (double)ru.ru_maxrss / 1024.0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *src, int n) {
    double *v = malloc((size_t)n * sizeof *v);
    if (!v) return NAN;
    memcpy(v, src, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
    return m;
}

static void report(const char *what, const qib_error *err, qib_status st) {
    char msg[1024];
    qib_error_format(err, msg, sizeof msg);
    fprintf(stderr, "bench_features: %s: %s (%s)\n", what, msg, qib_status_name(st));
}

typedef struct row {
    char name[32];      /* family or group name */
    char families[256]; /* the families setting of the run */
    double target;      /* seconds, 0 if none */
    int is_group;
    size_t n_features;  /* results of the run, minus the baseline's */
    double *t;          /* per round wall time */
    double *net;        /* per round time - baseline time */
    double *cpu;        /* per round CPU time */
} row;

/* One timed qib_extract; <0 on failure. *n gets the number of results,
 * *cpu the CPU time it took. */
static double run_once(const qib_volume *img, const qib_volume *lab, qib_settings *s,
                       const char *families, size_t *n, double *cpu) {
    qib_error err;
    memset(&err, 0, sizeof err);
    qib_status st = qib_settings_set(s, "families", families, &err);
    if (st) {
        report("families", &err, st);
        return -1;
    }
    qib_results *res = NULL;
    double c0 = cpu_s(), t0 = now_s();
    st = qib_extract(img, lab, s, &res, &err);
    double t = now_s() - t0;
    *cpu = cpu_s() - c0;
    if (st) {
        report(families, &err, st);
        return -1;
    }
    *n = qib_results_count(res);
    qib_results_free(res);
    return t;
}

static void usage(void) {
    fprintf(stderr, "usage: bench_features [--repeat N] [--name CASE] [--tsv FILE] IMAGE MASK "
                    "[PRESET | NAME=VALUE]...\n");
}

int main(int argc, char **argv) {
    int repeat = 5, i = 1;
    const char *name = NULL, *tsv = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
        else if (!strcmp(argv[i], "--tsv") && i + 1 < argc) tsv = argv[++i];
        else {
            usage();
            return 2;
        }
    }
    if (argc - i < 2 || repeat < 1 || repeat > 1000) {
        usage();
        return 2;
    }
    const char *image_path = argv[i], *mask_path = argv[i + 1];
    if (!name) name = image_path;

    qib_error err;
    memset(&err, 0, sizeof err);
    qib_settings *s = NULL;
    qib_status st = qib_settings_create(&s, &err);
    if (st) {
        report("settings", &err, st);
        return 1;
    }
    char settings_text[512] = "";
    size_t stlen = 0;
    for (int k = i + 2; k < argc; k++) {
        const char *a = argv[k], *eq = strchr(a, '=');
        char key[128];
        if (eq) {
            size_t kl = (size_t)(eq - a);
            if (kl >= sizeof key) kl = sizeof key - 1;
            memcpy(key, a, kl);
            key[kl] = 0;
            st = qib_settings_set(s, key, eq + 1, &err);
        } else {
            st = qib_settings_set(s, "preset", a, &err);
        }
        if (st) {
            report(a, &err, st);
            return 1;
        }
        stlen += (size_t)snprintf(settings_text + stlen,
                                  stlen < sizeof settings_text ? sizeof settings_text - stlen : 0,
                                  "%s%s", stlen ? " " : "", a);
        if (stlen >= sizeof settings_text) stlen = sizeof settings_text - 1;
    }
    if (!settings_text[0]) snprintf(settings_text, sizeof settings_text, "defaults");

    /* ---- load once ---- */
    qib_load_options lo;
    qib_load_options_default(&lo);
    qib_volume *img = NULL, *lab = NULL;
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    double t0 = now_s();
    st = qib_load_case_image(image_path, &lo, &img, NULL, NULL, &err);
    if (st) {
        report(image_path, &err, st);
        return 1;
    }
    st = qib_load_case_mask(mask_path, qib_volume_grid(img), NULL, &lo, &lab, &src, NULL, &err);
    if (st) {
        report(mask_path, &err, st);
        return 1;
    }
    if (src != QIB_MASK_SOURCE_LABELS) qib_settings_set(s, "label", "1", &err);
    double load_s = now_s() - t0;
    double rss_loaded = peak_rss_mb();

    /* ---- rows: baseline, each family, the groups ---- */
    static row rows[MAX_ROWS];
    int nrows = 0;
    snprintf(rows[nrows].name, sizeof rows[nrows].name, "diagnostics");
    snprintf(rows[nrows].families, sizeof rows[nrows].families, "diagnostics");
    nrows++;
    for (size_t f = 0; f < qib_family_count() && nrows < MAX_ROWS - 3; f++) {
        const char *fn = qib_family_at(f)->name;
        if (!strcmp(fn, "diagnostics")) continue;
        snprintf(rows[nrows].name, sizeof rows[nrows].name, "%s", fn);
        snprintf(rows[nrows].families, sizeof rows[nrows].families, "diagnostics,%s", fn);
        nrows++;
    }
    int first_group = nrows;
    snprintf(rows[nrows].name, sizeof rows[nrows].name, "part1");
    snprintf(rows[nrows].families, sizeof rows[nrows].families,
             "diagnostics,morph,loc,stat,ih,ivh");
    rows[nrows].target = 0.1;
    rows[nrows++].is_group = 1;
    snprintf(rows[nrows].name, sizeof rows[nrows].name, "part2");
    snprintf(rows[nrows].families, sizeof rows[nrows].families,
             "diagnostics,glcm,glrlm,glszm,gldzm,ngtdm,ngldm");
    rows[nrows].target = 0.03;
    rows[nrows++].is_group = 1;
    snprintf(rows[nrows].name, sizeof rows[nrows].name, "all");
    snprintf(rows[nrows].families, sizeof rows[nrows].families, "all");
    rows[nrows++].is_group = 1;
    for (int r = 0; r < nrows; r++) {
        rows[r].t = calloc((size_t)repeat, sizeof(double));
        rows[r].net = calloc((size_t)repeat, sizeof(double));
        rows[r].cpu = calloc((size_t)repeat, sizeof(double));
        if (!rows[r].t || !rows[r].net || !rows[r].cpu) return 1;
    }

    /* One warm-up round (page faults of first allocations, caches), untimed. */
    size_t n = 0;
    double cpu = 0;
    for (int r = 0; r < nrows; r++)
        if (run_once(img, lab, s, rows[r].families, &n, &cpu) < 0) return 1;

    size_t n_base = 0;
    for (int k = 0; k < repeat; k++) {
        double base = run_once(img, lab, s, rows[0].families, &n_base, &rows[0].cpu[k]);
        if (base < 0) return 1;
        rows[0].t[k] = base;
        rows[0].n_features = n_base;
        for (int r = 1; r < nrows; r++) {
            double t = run_once(img, lab, s, rows[r].families, &n, &rows[r].cpu[k]);
            if (t < 0) return 1;
            rows[r].t[k] = t;
            rows[r].net[k] = t - base;
            rows[r].n_features = n - n_base;
        }
    }
    double rss_end = peak_rss_mb();

    /* ---- print ---- */
    const qib_grid *g = qib_volume_grid(img);
    printf("case %s (%zu x %zu x %zu), settings: %s; load %.3f s; median of %d rounds\n", name,
           (size_t)g->dim[0], (size_t)g->dim[1], (size_t)g->dim[2], settings_text, load_s, repeat);
    printf("  %-12s %9s %10s %10s %10s  %s\n", "family", "features", "time s", "cpu s", "net s",
           "target");
    double sum_net = 0;
    for (int r = 0; r < nrows; r++) {
        if (r == first_group) printf("  %-12s %9s %10s %10s %10s\n", "----", "", "", "", "");
        double t = median(rows[r].t, repeat), tc = median(rows[r].cpu, repeat);
        double net = r ? median(rows[r].net, repeat) : NAN;
        if (r > 0 && r < first_group) sum_net += net;
        char tgt[64] = "";
        if (rows[r].target > 0)
            snprintf(tgt, sizeof tgt, "< %.2f s: %s%s", rows[r].target,
                     t < rows[r].target ? "met" : "NOT met",
                     t >= rows[r].target && tc < rows[r].target ? " (met in CPU time)" : "");
        size_t nf = r ? rows[r].n_features : rows[0].n_features;
        if (r)
            printf("  %-12s %9zu %10.4f %10.4f %10.4f  %s\n", rows[r].name, nf, t, tc, net, tgt);
        else
            printf("  %-12s %9zu %10.4f %10.4f %10s  (baseline: crop, processing, "
                   "discretisation)\n",
                   rows[r].name, nf, t, tc, "-");
        if (tsv) {
            FILE *f = fopen(tsv, "a");
            if (f) {
                fprintf(f, "%s\t%s\t%s\t%zu\t%.6f\t%.6f\t%.4g\t%.1f\t%.1f\n", name, settings_text,
                        rows[r].name, nf, t, r ? net : 0.0, rows[r].target, rss_loaded, rss_end);
                fclose(f);
            }
        }
    }
    printf("  sum of the families' net times: %.4f s (+ baseline %.4f s = %.4f s; "
           "families=all took %.4f s)\n",
           sum_net, median(rows[0].t, repeat), sum_net + median(rows[0].t, repeat),
           median(rows[nrows - 1].t, repeat));
    printf("  peak RSS: %.1f MB after loading, %.1f MB after all runs\n", rss_loaded, rss_end);

    for (int r = 0; r < nrows; r++) {
        free(rows[r].t);
        free(rows[r].net);
        free(rows[r].cpu);
    }
    qib_volume_free(img);
    qib_volume_free(lab);
    qib_settings_free(s);
    return 0;
}
