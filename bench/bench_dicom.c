/* SPDX-License-Identifier: Apache-2.0 */
/* bench_dicom.c: how long qib_dicom_load_series takes on a DICOM series
 * folder, next to the time to just read the folder's file bytes.
 *
 *   bench_dicom [--repeat N] [--tsv] [--name NAME] FOLDER
 *
 * load: median wall time of qib_dicom_load_series(FOLDER) (the folder's one
 *       series, default options), volume freed after each run.
 * read: median wall time of reading every regular file of FOLDER into a
 *       fresh malloc'ed buffer with stdio (listing the folder included), the
 *       floor for loading an uncompressed series.
 * ratio = load / read. Both are measured with the files in the page cache
 * (one untimed warm-up of each). --tsv prints one record
 * (name files bytes_mb slices load_s read_s ratio peak_rss_mb) instead of text.
 * Timing is never a pass/fail criterion; see bench/README.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "qib.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Reads every regular file of dir into memory (each into its own buffer,
 * freed after); returns 0 and the file count and bytes, -1 on failure. */
static int read_all(const char *dir, size_t *files, size_t *bytes) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    char path[4096];
    *files = 0;
    *bytes = 0;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        FILE *f = fopen(path, "rb");
        if (!f) {
            rc = -1;
            break;
        }
        size_t size = (size_t)sb.st_size;
        unsigned char *buf = malloc(size ? size : 1);
        size_t got = buf ? fread(buf, 1, size, f) : 0;
        fclose(f);
        free(buf);
        if (got != size) {
            rc = -1;
            break;
        }
        (*files)++;
        *bytes += size;
    }
    closedir(d);
    return rc;
}

static int load_once(const char *dir, size_t *slices, double *t) {
    qib_dicom_series_options o;
    qib_dicom_series_options_default(&o);
    qib_error err;
    memset(&err, 0, sizeof err);
    qib_volume *v = NULL;
    double t0 = now_s();
    qib_status st = qib_dicom_load_series(dir, &o, &v, NULL, &err);
    if (st == QIB_OK) *slices = qib_volume_grid(v)->dim[2];
    qib_volume_free(v);
    *t = now_s() - t0;
    if (st) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "bench_dicom: %s: %s (%s)\n", dir, msg, qib_status_name(st));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int repeat = 5, tsv = 0, i = 1;
    const char *name = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
        else if (!strcmp(argv[i], "--tsv")) tsv = 1;
        else break;
    }
    if (i != argc - 1 || repeat < 1 || repeat > 10000) {
        fprintf(stderr, "usage: bench_dicom [--repeat N] [--tsv] [--name NAME] FOLDER\n");
        return 2;
    }
    const char *dir = argv[i];
    if (!name) name = dir;
    double *tl = calloc((size_t)repeat, sizeof *tl), *tr = calloc((size_t)repeat, sizeof *tr);
    if (!tl || !tr) return 1;
    size_t files = 0, bytes = 0, slices = 0;
    double t;
    /* Warm-up: files into the page cache, allocator primed. */
    if (read_all(dir, &files, &bytes) != 0 || load_once(dir, &slices, &t) != 0) {
        if (!slices) fprintf(stderr, "bench_dicom: cannot read %s\n", dir);
        return 1;
    }
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        if (read_all(dir, &files, &bytes) != 0) return 1;
        tr[r] = now_s() - t0;
        if (load_once(dir, &slices, &tl[r]) != 0) return 1;
    }
    double load = median(tl, repeat), rd = median(tr, repeat);
    double mb = (double)bytes / 1048576.0;
    if (tsv)
        printf("%s\t%zu\t%.2f\t%zu\t%.6f\t%.6f\t%.2f\t%.1f\n", name, files, mb, slices, load, rd,
               rd > 0 ? load / rd : 0, peak_rss_mb());
    else
        printf("%s: %zu files, %.2f MB, %zu slices; load %.4f s, read %.4f s, ratio %.1f; "
               "peak RSS %.1f MB (median of %d)\n",
               name, files, mb, slices, load, rd, rd > 0 ? load / rd : 0, peak_rss_mb(), repeat);
    free(tl);
    free(tr);
    return 0;
}
