/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_recist.c: `qib recist TABLE.csv` (RECIST 1.1 responses from a lesion
 * table) and `qib recist-measure IMAGE MASK` (a lesion's diameters). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_days(const char *cmd, const char *opt, const char *v, double *out) {
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < 0)
        return cli_usage_error(cmd, "%s needs a number of days >= 0, got '%s'", opt, v);
    *out = x;
    return 0;
}

/* A number for the tables: "" when NaN (not applicable). */
static void num(char *b, size_t n, double v) {
    if (isnan(v)) b[0] = '\0';
    else cli_format_double(b, n, v);
}

/* Same, rounded for the screen. */
static void num_short(char *b, size_t n, double v, int decimals) {
    if (isnan(v)) snprintf(b, n, "-");
    else snprintf(b, n, "%.*f", decimals, v);
}

static void csv_field(FILE *f, const char *s, int last) {
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static const char *resp(qib_recist_response r, int baseline) {
    return baseline ? "" : qib_recist_response_name(r);
}

static int write_csv(FILE *f, const qib_recist_result *r, int days) {
    fprintf(f, "subject,timepoint,%ssum_mm,nadir_mm,change_from_baseline_pct,"
               "change_from_nadir_pct,targets_assessed,target_response,nontarget_response,"
               "new_lesions,overall_response,best_overall_response\n", days ? "day," : "");
    for (size_t k = 0; k < r->n_subjects; k++) {
        const qib_recist_subject *s = &r->subjects[k];
        for (size_t i = s->first; i < s->first + s->count; i++) {
            const qib_recist_timepoint *p = &r->tp[i];
            char b[48];
            csv_field(f, p->subject, 0);
            csv_field(f, p->timepoint, 0);
            if (days) {
                num(b, sizeof b, p->day);
                csv_field(f, b, 0);
            }
            num(b, sizeof b, p->sum_mm);
            csv_field(f, b, 0);
            num(b, sizeof b, p->nadir_mm);
            csv_field(f, b, 0);
            num(b, sizeof b, p->change_baseline_pct);
            csv_field(f, b, 0);
            num(b, sizeof b, p->change_nadir_pct);
            csv_field(f, b, 0);
            snprintf(b, sizeof b, "%zu/%zu", p->targets_assessed, p->targets);
            csv_field(f, b, 0);
            csv_field(f, resp(p->target, p->baseline), 0);
            csv_field(f, resp(p->nontarget, p->baseline), 0);
            csv_field(f, p->baseline ? "" : p->new_lesions ? "yes" : "no", 0);
            csv_field(f, resp(p->overall, p->baseline), 0);
            csv_field(f, qib_recist_response_name(s->best), 1);
        }
    }
    return ferror(f) ? -1 : 0;
}

static void print_table(const qib_recist_result *r) {
    printf("%-12s %-12s %9s %9s %9s %9s %-6s %-14s %-4s %-14s\n", "subject", "timepoint", "sum_mm",
           "nadir_mm", "vs_base%", "vs_nadir%", "target", "nontarget", "new", "overall");
    for (size_t k = 0; k < r->n_subjects; k++) {
        const qib_recist_subject *s = &r->subjects[k];
        for (size_t i = s->first; i < s->first + s->count; i++) {
            const qib_recist_timepoint *p = &r->tp[i];
            char sum[24], nad[24], cb[24], cn[24];
            num_short(sum, sizeof sum, p->sum_mm, 1);
            num_short(nad, sizeof nad, p->nadir_mm, 1);
            num_short(cb, sizeof cb, p->change_baseline_pct, 1);
            num_short(cn, sizeof cn, p->change_nadir_pct, 1);
            printf("%-12s %-12s %9s %9s %9s %9s %-6s %-14s %-4s %-14s\n", p->subject, p->timepoint,
                   sum, nad, cb, cn, p->baseline ? "-" : qib_recist_response_name(p->target),
                   p->baseline ? "-" : qib_recist_response_name(p->nontarget),
                   p->baseline ? "-" : p->new_lesions ? "yes" : "no",
                   p->baseline ? "baseline" : qib_recist_response_name(p->overall));
        }
    }
    printf("\n");
    for (size_t k = 0; k < r->n_subjects; k++)
        printf("best overall response of %s: %s\n", r->subjects[k].subject,
               qib_recist_response_name(r->subjects[k].best));
}

int cmd_recist(int argc, char **argv) {
    const char *table = NULL, *out = NULL;
    qib_recist_options o;
    qib_recist_options_default(&o);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        if (cli_is_opt(arg, "--out")) {
            if (!(out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (!strcmp(arg, "--confirm")) {
            o.confirm = 1;
        } else if (cli_is_opt(arg, "--confirm-days")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--confirm-days"))) return CLI_EXIT_USAGE;
            if (parse_days("recist", "--confirm-days", v, &o.confirm_days)) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--sd-min-days")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--sd-min-days"))) return CLI_EXIT_USAGE;
            if (parse_days("recist", "--sd-min-days", v, &o.sd_min_days)) return CLI_EXIT_USAGE;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            char *help[] = {"help", "recist"};
            return cmd_help(2, help);
        } else if (arg[0] == '-' && arg[1] == '-') {
            return cli_usage_error("recist", "unknown option '%s'", arg);
        } else if (!table) {
            table = arg;
        } else {
            return cli_usage_error("recist", "unexpected argument '%s'", arg);
        }
    }
    if (!table) return cli_usage_error("recist", "needs TABLE.csv");
    qib_error err;
    qib_error_clear(&err);
    qib_recist_table *t = NULL;
    qib_recist_result *r = NULL;
    qib_status st = qib_recist_table_read(table, &t, &err);
    if (st == QIB_OK) st = qib_recist_evaluate(t, &o, &r, &err);
    int rc = CLI_EXIT_OK;
    if (st != QIB_OK) {
        cli_set_file(&err, table);
        rc = cli_report(&err, st);
        goto done;
    }
    print_table(r);
    if (out) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.partial", out);
        FILE *f = fopen(tmp, "wb");
        int bad = !f || write_csv(f, r, qib_recist_table_has_days(t)) != 0;
        if (f) bad |= fclose(f) != 0;
        if (bad || rename(tmp, out) != 0) {
            remove(tmp);
            fprintf(stderr, "qib: %s: cannot write the output file\n", out);
            rc = CLI_EXIT_FAILURE;
            goto done;
        }
        cli_pairs in = {{0}, {0}, 0}, outs = {{0}, {0}, 0}, extra = {{0}, {0}, 0};
        cli_pairs_add(&in, "lesion_table", table);
        cli_pairs_add(&outs, "responses", out);
        char cd[40], sd[40];
        cli_format_double(cd, sizeof cd, o.confirm_days);
        cli_format_double(sd, sizeof sd, o.sd_min_days);
        cli_pairs_add(&extra, "criteria", "RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009)");
        cli_pairs_add(&extra, "confirmation", o.confirm ? "required" : "not required");
        if (o.confirm) cli_pairs_add(&extra, "confirm_days", cd);
        cli_pairs_add(&extra, "sd_min_days", sd);
        rc = cli_write_provenance_multi(argc + 1, argv - 1, &in, &outs, &extra);
    }
done:
    qib_recist_result_free(r);
    qib_recist_table_free(t);
    return rc;
}

/* ---- recist-measure ---- */

static void point(char *b, size_t n, const double p[3]) {
    char x[40], y[40], z[40];
    cli_format_double(x, sizeof x, p[0]);
    cli_format_double(y, sizeof y, p[1]);
    cli_format_double(z, sizeof z, p[2]);
    snprintf(b, n, "%s %s %s", x, y, z);
}

static void write_diameters(FILE *f, const qib_recist_diameters *d, int node) {
    char b[160];
    fprintf(f, "metric,value,unit\n");
    cli_format_double(b, sizeof b, d->long_axis_mm);
    fprintf(f, "long_axis,%s,mm\n", b);
    cli_format_double(b, sizeof b, d->short_axis_mm);
    fprintf(f, "short_axis,%s,mm\n", b);
    fprintf(f, "slice,%zu,k index (0-based)\n", d->slice);
    fprintf(f, "slice_voxels,%zu,voxels\n", d->slice_voxels);
    point(b, sizeof b, d->long_end[0]);
    fprintf(f, "long_axis_end_1,%s,LPS mm\n", b);
    point(b, sizeof b, d->long_end[1]);
    fprintf(f, "long_axis_end_2,%s,LPS mm\n", b);
    point(b, sizeof b, d->short_end[0]);
    fprintf(f, "short_axis_end_1,%s,LPS mm\n", b);
    point(b, sizeof b, d->short_end[1]);
    fprintf(f, "short_axis_end_2,%s,LPS mm\n", b);
    double rd = node ? d->short_axis_mm : d->long_axis_mm;
    cli_format_double(b, sizeof b, rd);
    fprintf(f, "recist_diameter,%s,mm (%s)\n", b, node ? "lymph node: short axis" : "long axis");
    fprintf(f, "measurability,%s,RECIST 1.1 baseline\n", qib_recist_measurability(rd, node));
}

int cmd_recist_measure(int argc, char **argv) {
    const char *image = NULL, *mask = NULL, *out = NULL;
    int node = 0;
    long long label = 1;
    qib_load_options lo;
    qib_load_options_default(&lo);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        if (!strcmp(arg, "--node")) {
            node = 1;
        } else if (cli_is_opt(arg, "--out")) {
            if (!(out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--label")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--label"))) return CLI_EXIT_USAGE;
            char *end;
            label = strtoll(v, &end, 10);
            if (end == v || *end || label < 0)
                return cli_usage_error("recist-measure", "--label needs a label >= 0, got '%s'", v);
        } else if (cli_is_opt(arg, "--series")) {
            if (!(lo.series_uid = cli_opt_value(argc, argv, &i, "--series"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--roi")) {
            if (!(lo.roi = cli_opt_value(argc, argv, &i, "--roi"))) return CLI_EXIT_USAGE;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            char *help[] = {"help", "recist-measure"};
            return cmd_help(2, help);
        } else if (arg[0] == '-' && arg[1] == '-') {
            return cli_usage_error("recist-measure", "unknown option '%s'", arg);
        } else if (!image) {
            image = arg;
        } else if (!mask) {
            mask = arg;
        } else {
            return cli_usage_error("recist-measure", "unexpected argument '%s'", arg);
        }
    }
    if (!image || !mask) return cli_usage_error("recist-measure", "needs IMAGE and MASK");
    qib_error err;
    qib_error_clear(&err);
    qib_volume *img = NULL, *labels = NULL;
    qib_mask *m = NULL;
    qib_dicom_reference *ref = NULL;
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    qib_recist_diameters d;
    int rc = CLI_EXIT_OK;
    qib_status st = qib_load_case_image(image, &lo, &img, &ref, NULL, &err);
    if (st != QIB_OK) cli_set_file(&err, image);
    if (st == QIB_OK) {
        st = qib_load_case_mask(mask, qib_volume_grid(img), ref, &lo, &labels, &src, NULL, &err);
        if (st == QIB_OK) st = qib_grid_check_same(qib_volume_grid(img), qib_volume_grid(labels), 0, 0, &err);
        if (st == QIB_OK)
            st = qib_mask_from_labels(labels, src == QIB_MASK_SOURCE_LABELS ? label : 1, &m, &err);
        if (st == QIB_OK) st = qib_recist_measure(m, &d, &err);
        if (st != QIB_OK) cli_set_file(&err, mask);
    }
    if (st != QIB_OK) {
        rc = cli_report(&err, st);
        goto done;
    }
    write_diameters(stdout, &d, node);
    if (out) {
        FILE *f = fopen(out, "wb");
        if (f) write_diameters(f, &d, node);
        if (!f || fclose(f) != 0) {
            fprintf(stderr, "qib: %s: cannot write the output file\n", out);
            rc = CLI_EXIT_FAILURE;
            goto done;
        }
        cli_pairs in = {{0}, {0}, 0}, outs = {{0}, {0}, 0}, extra = {{0}, {0}, 0};
        cli_pairs_add(&in, "image", image);
        cli_pairs_add(&in, "mask", mask);
        cli_pairs_add(&outs, "diameters", out);
        char lab[32];
        snprintf(lab, sizeof lab, "%lld", label);
        cli_pairs_add(&extra, "label", lab);
        cli_pairs_add(&extra, "lesion", node ? "lymph node (short axis)" : "non-nodal (long axis)");
        rc = cli_write_provenance_multi(argc + 1, argv - 1, &in, &outs, &extra);
    }
done:
    qib_dicom_reference_free(ref);
    qib_mask_free(m);
    qib_volume_free(labels);
    qib_volume_free(img);
    return rc;
}
