/* SPDX-License-Identifier: Apache-2.0 */
/* bench_load.c: how fast qib_image_read loads a file, and at what memory.
 *
 * For each FILE: loads it --repeat times (default 5) with qib_image_read and
 * reports the median wall time, the time to read the raw file into memory,
 * and the process's peak resident set (getrusage ru_maxrss) with its increase
 * over the peak before the first load. For gzip files it also times a
 * one-shot libdeflate inflate of the same bytes already in memory (the target
 * for gzip loading is "about the time a fast inflate takes") and prints
 * load / inflate; the same for the gzip stream of an attached NRRD. The peak is per process: measure one file per run (as
 * scripts/bench.sh does) for a per-case figure. Memory is sampled right after
 * the loads, before the raw read and the inflate allocate their own buffers.
 *
 *   bench_load [--repeat N] [--tsv] [--sha1] FILE...
 *   bench_load --convert IN OUT     (qib_image_read IN, qib_image_write OUT)
 *
 * --tsv prints one tab-separated record per file (columns in TSV_HEADER)
 * instead of the readable text; --sha1 adds the SHA-1 of the loaded voxel
 * bytes (host byte order, i.e. little-endian on x86-64 and arm64), which
 * must equal the SHA-1 the case's README gives for every format.
 * Timing is never a pass/fail criterion; see bench/README.md. */
#include <libdeflate.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "qib.h"

#define TSV_HEADER                                                                      \
    "file\tformat\tgzip\tdtype\tfile_mb\tdata_mb\tload_s\tread_s\tinflate_s\tratio\t"    \
    "peak_rss_mb\trss_increase_mb\tsha1"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set of this process so far, in MiB (ru_maxrss is KiB on
 * Linux). */
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

static void report(const char *what, const qib_error *err, qib_status st) {
    char msg[1024];
    qib_error_format(err, msg, sizeof msg);
    fprintf(stderr, "bench_load: %s: %s (%s)\n", what, msg, qib_status_name(st));
}

/* Reads a whole file with stdio; NULL on failure. */
static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    if (buf) *len = (size_t)size;
    return buf;
}

static int is_gzip(const unsigned char *b, size_t n) { return n >= 2 && b[0] == 0x1f && b[1] == 0x8b; }

/* Where the gzip stream of a file starts: 0 for a .gz file, after the
 * header's blank line for an attached NRRD with gzip encoding; -1 if none. */
static long gzip_start(const unsigned char *b, size_t n) {
    if (is_gzip(b, n)) return 0;
    if (n < 4 || memcmp(b, "NRRD", 4) != 0) return -1;
    for (size_t i = 1; i + 1 < n; i++) {
        size_t data = 0;
        if (b[i] == '\n' && b[i - 1] == '\n') data = i + 1;
        else if (b[i] == '\n' && b[i - 1] == '\r' && i >= 3 && b[i - 2] == '\n') data = i + 1;
        if (data) return is_gzip(b + data, n - data) ? (long)data : -1;
    }
    return -1;
}

/* Median time of a one-shot libdeflate inflate of a single-member gzip
 * stream held in memory, output sized from the ISIZE trailer; -1 if it
 * fails. Each run allocates a fresh output buffer and includes it in the
 * time, as a loader must: reusing one buffer would hide the page faults of
 * the first touch (about 0.05 s per 100 MB). */
static double time_inflate(const unsigned char *in, size_t n, int repeat) {
    if (n < 18) return -1;
    size_t out_len = (size_t)in[n - 4] | (size_t)in[n - 3] << 8 | (size_t)in[n - 2] << 16 |
                     (size_t)in[n - 1] << 24;
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    double *t = calloc((size_t)repeat, sizeof *t);
    double result = -1;
    if (d && t) {
        int r;
        for (r = 0; r < repeat; r++) {
            size_t got = 0;
            double t0 = now_s();
            void *out = malloc(out_len ? out_len : 1);
            enum libdeflate_result lr =
                out ? libdeflate_gzip_decompress(d, in, n, out, out_len, &got)
                    : LIBDEFLATE_INSUFFICIENT_SPACE;
            free(out);
            t[r] = now_s() - t0;
            if (lr != LIBDEFLATE_SUCCESS || got != out_len) break;
        }
        if (r == repeat) result = median(t, repeat);
    }
    free(t);
    libdeflate_free_decompressor(d);
    return result;
}

static void sha1_hex(const void *data, size_t len, char hex[41]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    strcpy(hex, "-");
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha1(), NULL)) return;
    for (unsigned int i = 0; i < mdlen && i < 20; i++) sprintf(hex + 2 * i, "%02x", md[i]);
}

static int bench_file(const char *path, int repeat, int tsv, int want_sha1) {
    double base_rss = peak_rss_mb();
    double *t = calloc((size_t)repeat, sizeof *t);
    if (!t) return 2;
    qib_image_info info;
    memset(&info, 0, sizeof info);
    char sha[41] = "-";
    char dtype[16] = "?";
    double data_mb = 0;
    for (int r = 0; r < repeat; r++) {
        qib_volume *v = NULL;
        qib_error err;
        qib_error_clear(&err);
        double t0 = now_s();
        qib_status st = qib_image_read(path, NULL, &v, &info, &err);
        t[r] = now_s() - t0;
        if (st != QIB_OK) {
            report(path, &err, st);
            free(t);
            return 2;
        }
        if (r == 0) {
            data_mb = (double)qib_volume_bytes(v) / (1024.0 * 1024.0);
            snprintf(dtype, sizeof dtype, "%s", qib_dtype_name(qib_volume_dtype(v)));
            if (want_sha1) sha1_hex(qib_volume_cdata(v), qib_volume_bytes(v), sha);
        }
        qib_volume_free(v);
    }
    double load = median(t, repeat);
    double peak = peak_rss_mb();

    /* the raw read and, for gzip, the inflate that the load is compared with */
    size_t n = 0;
    double rt[64];
    int nr = repeat < 64 ? repeat : 64;
    unsigned char *raw = NULL;
    for (int r = 0; r < nr; r++) {
        free(raw);
        double t0 = now_s();
        raw = slurp(path, &n);
        rt[r] = now_s() - t0;
        if (!raw) {
            fprintf(stderr, "bench_load: %s: cannot read the raw file\n", path);
            free(t);
            return 2;
        }
    }
    double read_s = median(rt, nr);
    long gz = gzip_start(raw, n);
    double inflate = gz >= 0 ? time_inflate(raw + gz, n - (size_t)gz, repeat) : -1;
    free(raw);
    free(t);

    double file_mb = (double)n / (1024.0 * 1024.0);
    const char *fmt = qib_format_name(info.format);
    if (tsv) {
        printf("%s\t%s\t%d\t%s\t%.2f\t%.2f\t%.4f\t%.4f\t", path, fmt, info.gzip, dtype, file_mb,
               data_mb, load, read_s);
        if (inflate > 0)
            printf("%.4f\t%.2f", inflate, load / inflate);
        else
            printf("-\t-");
        printf("\t%.1f\t%.1f\t%s\n", peak, peak - base_rss, sha);
    } else {
        printf("%s: %s%s, %s, %.1f MB on disk, %.1f MB of voxels\n", path, fmt,
               info.gzip ? " (gzip)" : "", dtype, file_mb, data_mb);
        printf("  load    %.4f s (median of %d)\n", load, repeat);
        printf("  read    %.4f s (raw file into memory)\n", read_s);
        if (inflate > 0)
            printf("  inflate %.4f s (libdeflate one-shot); load / inflate = %.2f\n", inflate,
                   load / inflate);
        printf("  peak RSS %.1f MB (+%.1f MB over %.1f MB before loading)\n", peak,
               peak - base_rss, base_rss);
        if (want_sha1) printf("  voxel SHA-1 %s\n", sha);
    }
    return 0;
}

static int convert(const char *in, const char *out) {
    qib_volume *v = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_image_read(in, NULL, &v, NULL, &err);
    if (st != QIB_OK) {
        report(in, &err, st);
        return 2;
    }
    qib_error_clear(&err);
    st = qib_image_write(out, v, &err);
    qib_volume_free(v);
    if (st != QIB_OK) {
        report(out, &err, st);
        return 2;
    }
    return 0;
}

static int usage(void) {
    fprintf(stderr, "usage: bench_load [--repeat N] [--tsv] [--sha1] FILE...\n"
                    "       bench_load --tsv-header\n"
                    "       bench_load --convert IN OUT\n");
    return 1;
}

int main(int argc, char **argv) {
    int repeat = 5, tsv = 0, sha1 = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = atoi(argv[++i]);
            if (repeat < 1 || repeat > 1000) return usage();
        } else if (!strcmp(argv[i], "--tsv")) {
            tsv = 1;
        } else if (!strcmp(argv[i], "--sha1")) {
            sha1 = 1;
        } else if (!strcmp(argv[i], "--tsv-header")) {
            puts(TSV_HEADER);
            return 0;
        } else if (!strcmp(argv[i], "--convert")) {
            if (argc - i != 3) return usage();
            return convert(argv[i + 1], argv[i + 2]);
        } else {
            return usage();
        }
    }
    if (i == argc) return usage();
    int rc = 0;
    for (; i < argc; i++) {
        int r = bench_file(argv[i], repeat, tsv, sha1);
        if (r > rc) rc = r;
    }
    return rc;
}
