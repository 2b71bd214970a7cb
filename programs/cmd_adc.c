/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_adc.c: `qib adc DWI`: the ADC map of a diffusion-weighted series and
 * its statistics in a region. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

typedef struct adc_args {
    const char *dwi, *bvals, *out, *flags, *mask, *report, *series;
    long long label;
    double threshold;
} adc_args;

static int parse_number(const char *cmd, const char *opt, const char *v, double *out) {
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x)) return cli_usage_error(cmd, "%s needs a number, got '%s'", opt, v);
    *out = x;
    return 0;
}

/* Returns an exit code, -1 after --help, 0 to go on. */
static int parse_args(int argc, char **argv, adc_args *a) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        if (cli_is_opt(arg, "--bvals")) {
            if (!(a->bvals = cli_opt_value(argc, argv, &i, "--bvals"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--out")) {
            if (!(a->out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--flags")) {
            if (!(a->flags = cli_opt_value(argc, argv, &i, "--flags"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--mask")) {
            if (!(a->mask = cli_opt_value(argc, argv, &i, "--mask"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--report")) {
            if (!(a->report = cli_opt_value(argc, argv, &i, "--report"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--series")) {
            if (!(a->series = cli_opt_value(argc, argv, &i, "--series"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--label")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--label"))) return CLI_EXIT_USAGE;
            char *end;
            a->label = strtoll(v, &end, 10);
            if (end == v || *end || a->label < 0)
                return cli_usage_error("adc", "--label needs a label >= 0, got '%s'", v);
        } else if (cli_is_opt(arg, "--threshold")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--threshold"))) return CLI_EXIT_USAGE;
            if (parse_number("adc", "--threshold", v, &a->threshold)) return CLI_EXIT_USAGE;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            char *help[] = {"help", "adc"};
            cmd_help(2, help);
            return -1;
        } else if (arg[0] == '-' && arg[1] == '-') {
            return cli_usage_error("adc", "unknown option '%s'", arg);
        } else if (!a->dwi) {
            a->dwi = arg;
        } else {
            return cli_usage_error("adc", "unexpected argument '%s'", arg);
        }
    }
    if (!a->dwi) return cli_usage_error("adc", "needs DWI (a DICOM folder or a 4D image file)");
    return 0;
}

/* A usage problem found after parsing, as a located error. */
static qib_status arg_error(qib_error *err, const char *file, const char *reason) {
    qib_error_clear(err);
    err->status = QIB_ERR_ARG;
    snprintf(err->file, sizeof err->file, "%s", file);
    snprintf(err->reason, sizeof err->reason, "%s", reason);
    return QIB_ERR_ARG;
}

static void print_warnings(const qib_dicom_warnings *w) {
    for (size_t i = 0; i < w->count && i < QIB_DICOM_MAX_WARNINGS; i++)
        fprintf(stderr, "qib adc: warning: %s\n", w->text[i]);
    if (w->count > QIB_DICOM_MAX_WARNINGS)
        fprintf(stderr, "qib adc: warning: %zu more\n", w->count - QIB_DICOM_MAX_WARNINGS);
}

/* The DWI and its b-values: a DICOM folder or file (b-values from the
 * headers), or an image file with --bvals. */
static qib_status load_dwi(const adc_args *a, qib_volume **dwi, double **b, size_t *nb,
                           int *from_dicom, qib_error *err) {
    struct stat sb;
    bool dir = stat(a->dwi, &sb) == 0 && S_ISDIR(sb.st_mode);
    qib_status st = QIB_ERR_UNKNOWN_FORMAT;
    if (!dir) {
        st = qib_image_read(a->dwi, NULL, dwi, NULL, err);
        if (st == QIB_OK) {
            *from_dicom = 0;
            if (!a->bvals) {
                qib_volume_free(*dwi);
                *dwi = NULL;
                return arg_error(err, a->dwi, "an image file needs --bvals (a .bval file or a "
                                              "comma list, one b-value per frame)");
            }
            st = qib_bvalues_load(a->bvals, b, nb, err);
            if (st != QIB_OK) {
                qib_volume_free(*dwi);
                *dwi = NULL;
            }
            return st;
        }
        if (st != QIB_ERR_UNKNOWN_FORMAT) return st;
    }
    if (a->bvals)
        return arg_error(err, a->dwi, "a DICOM series has its b-values in its headers; "
                                      "--bvals is for image files");
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_error_clear(err);
    st = qib_dwi_load_dicom(a->dwi, a->series, dwi, b, nb, &w, err);
    print_warnings(&w);
    *from_dicom = 1;
    return st;
}

/* ---- the metric table ---- */

static void row(FILE *f, const char *metric, const char *value, const char *unit) {
    fprintf(f, "%s,%s,%s\n", metric, value, unit);
}

static void row_num(FILE *f, const char *metric, double v, const char *unit) {
    char b[40];
    cli_format_double(b, sizeof b, v);
    row(f, metric, b, unit);
}

static void row_count(FILE *f, const char *metric, size_t v) {
    char b[32];
    snprintf(b, sizeof b, "%zu", v);
    row(f, metric, b, "voxels");
}

/* b-values as "0 500 1000" (each distinct value once, ascending) and the
 * frames per value as "1 3 3". */
static void bvalue_text(const double *b, size_t n, char *vals, size_t vn, char *counts, size_t cn) {
    double *s = malloc(n * sizeof *s);
    vals[0] = counts[0] = '\0';
    if (!s) return;
    memcpy(s, b, n * sizeof *s);
    for (size_t i = 1; i < n; i++) /* insertion sort: lists are short */
        for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    size_t vl = 0, cl = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] == s[i]) j++;
        char num[40];
        cli_format_double(num, sizeof num, s[i]);
        int w = snprintf(vals + vl, vn - vl, "%s%s", vl ? " " : "", num);
        if (w > 0 && (size_t)w < vn - vl) vl += (size_t)w;
        w = snprintf(counts + cl, cn - cl, "%s%zu", cl ? " " : "", j - i);
        if (w > 0 && (size_t)w < cn - cl) cl += (size_t)w;
        i = j;
    }
    free(s);
}

static void write_metrics(FILE *f, const char *bvals, const char *counts, size_t frames,
                          size_t voxels, size_t flagged, const qib_adc_stats *s) {
    const char *u = "1e-3 mm^2/s";
    row(f, "metric", "value", "unit");
    row(f, "b_values", bvals, "s/mm^2");
    row(f, "frames_per_b_value", counts, "frames");
    char b[32];
    snprintf(b, sizeof b, "%zu", frames);
    row(f, "frames", b, "frames");
    row_count(f, "voxels", voxels);
    row_count(f, "voxels_flagged", flagged);
    row_count(f, "region_voxels", s->voxels);
    row_count(f, "region_flagged", s->flagged);
    row_count(f, "region_used", s->used);
    row_num(f, "adc_mean", s->mean, u);
    row_num(f, "adc_sd", s->sd, u);
    row_num(f, "adc_min", s->min, u);
    row_num(f, "adc_p10", s->p10, u);
    row_num(f, "adc_p25", s->p25, u);
    row_num(f, "adc_median", s->median, u);
    row_num(f, "adc_p75", s->p75, u);
    row_num(f, "adc_p90", s->p90, u);
    row_num(f, "adc_max", s->max, u);
    row_num(f, "threshold", s->threshold, u);
    row_count(f, "region_below_threshold", s->below);
    row_num(f, "fraction_below_threshold", s->fraction_below, "1");
}

/* The region: a mask file's label on the DWI grid, or NULL (every voxel). */
static qib_status load_region(const adc_args *a, const qib_grid *grid, qib_mask **region,
                              qib_error *err) {
    *region = NULL;
    if (!a->mask) return QIB_OK;
    qib_load_options lo;
    qib_load_options_default(&lo);
    qib_volume *labels = NULL;
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_status st = qib_load_case_mask(a->mask, grid, NULL, &lo, &labels, &src, &w, err);
    print_warnings(&w);
    if (st == QIB_OK) st = qib_grid_check_same(grid, qib_volume_grid(labels), 0, 0, err);
    if (st == QIB_OK)
        st = qib_mask_from_labels(labels, src == QIB_MASK_SOURCE_LABELS ? a->label : 1, region, err);
    qib_volume_free(labels);
    if (st != QIB_OK) cli_set_file(err, a->mask);
    return st;
}

int cmd_adc(int argc, char **argv) {
    adc_args a;
    memset(&a, 0, sizeof a);
    a.label = 1;
    a.threshold = 1.0;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    qib_error err;
    qib_error_clear(&err);
    qib_volume *dwi = NULL, *adc = NULL, *flags = NULL;
    qib_mask *region = NULL;
    double *b = NULL;
    size_t nb = 0, flagged = 0;
    int from_dicom = 0;
    qib_adc_stats s;
    FILE *f = NULL;
    qib_status st = load_dwi(&a, &dwi, &b, &nb, &from_dicom, &err);
    if (st != QIB_OK) cli_set_file(&err, a.dwi);
    if (st == QIB_OK) {
        st = qib_adc_fit(dwi, b, nb, &adc, &flags, &flagged, &err);
        if (st != QIB_OK) cli_set_file(&err, a.bvals ? a.bvals : a.dwi);
    }
    if (st == QIB_OK) st = load_region(&a, qib_volume_grid(adc), &region, &err);
    if (st == QIB_OK) {
        st = qib_adc_stats_compute(adc, flags, region, a.threshold, &s, &err);
        if (st != QIB_OK) cli_set_file(&err, a.mask ? a.mask : a.dwi);
    }
    if (st != QIB_OK) {
        rc = cli_report(&err, st);
        goto done;
    }
    char bv[1024], counts[512];
    bvalue_text(b, nb, bv, sizeof bv, counts, sizeof counts);
    size_t voxels = qib_volume_frame_voxels(adc);
    write_metrics(stdout, bv, counts, nb, voxels, flagged, &s);
    if (flagged)
        fprintf(stderr, "qib adc: %zu voxel(s) have a signal <= 0 at some b-value: flagged, ADC "
                        "written as 0, left out of the statistics\n", flagged);
    cli_pairs out = {{0}, {0}, 0};
    if (a.out) {
        st = qib_image_write(a.out, adc, &err);
        if (st != QIB_OK) {
            cli_set_file(&err, a.out);
            rc = cli_report(&err, st);
            goto done;
        }
        cli_pairs_add(&out, "adc_map", a.out);
    }
    if (a.flags) {
        st = qib_image_write(a.flags, flags, &err);
        if (st != QIB_OK) {
            cli_set_file(&err, a.flags);
            rc = cli_report(&err, st);
            goto done;
        }
        cli_pairs_add(&out, "flag_map", a.flags);
    }
    if (a.report) {
        f = fopen(a.report, "wb");
        if (f) write_metrics(f, bv, counts, nb, voxels, flagged, &s);
        if (!f || fclose(f) != 0) {
            f = NULL;
            fprintf(stderr, "qib: %s: cannot write the report\n", a.report);
            rc = CLI_EXIT_FAILURE;
            goto done;
        }
        f = NULL;
        cli_pairs_add(&out, "report", a.report);
    }
    if (out.n) {
        cli_pairs in = {{0}, {0}, 0}, extra = {{0}, {0}, 0};
        cli_pairs_add(&in, from_dicom ? "dwi_dicom" : "dwi", a.dwi);
        if (a.bvals) {
            struct stat sb;
            if (stat(a.bvals, &sb) == 0 && S_ISREG(sb.st_mode)) cli_pairs_add(&in, "bvals", a.bvals);
        }
        if (a.mask) cli_pairs_add(&in, "mask", a.mask);
        char thr[40], lab[32];
        cli_format_double(thr, sizeof thr, a.threshold);
        snprintf(lab, sizeof lab, "%lld", a.label);
        cli_pairs_add(&extra, "model", "mono-exponential S = S0 exp(-b ADC), log-linear least "
                                       "squares, frames sharing a b-value combined by geometric mean");
        cli_pairs_add(&extra, "b_values", bv);
        cli_pairs_add(&extra, "frames_per_b_value", counts);
        cli_pairs_add(&extra, "adc_unit", "1e-3 mm^2/s");
        cli_pairs_add(&extra, "threshold", thr);
        if (a.mask) cli_pairs_add(&extra, "label", lab);
        cli_pairs_add(&extra, "flag_values", "0 fitted; 1 signal <= 0 or not finite at some "
                                             "b-value (ADC written as 0)");
        rc = cli_write_provenance_multi(argc + 1, argv - 1, &in, &out, &extra);
    }
done:
    if (f) fclose(f);
    qib_mask_free(region);
    qib_volume_free(flags);
    qib_volume_free(adc);
    qib_volume_free(dwi);
    free(b);
    return rc;
}
