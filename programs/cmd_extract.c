/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_extract.c: `qib extract IMAGE MASK`, the main job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qib/load.h"

typedef struct extract_args {
    const char *image, *mask, *out, *prov, *format;
    qib_load_options load; /* --series, --roi, --segment */
    const char *suv;       /* --suv bw|lbm|bsa: a DICOM PET image to SUV first */
} extract_args;

/* Applies the options to settings; returns an exit code (0 = go on). */
static int parse_args(int argc, char **argv, extract_args *a, qib_settings *s) {
    qib_error err;
    qib_error_clear(&err);
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        qib_status st = QIB_OK;
        if (cli_is_opt(arg, "--label")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--label"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "label", v, &err);
        } else if (cli_is_opt(arg, "--families")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--families"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "families", v, &err);
        } else if (cli_is_opt(arg, "--series")) {
            if (!(a->load.series_uid = cli_opt_value(argc, argv, &i, "--series"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--roi")) {
            if (!(a->load.roi = cli_opt_value(argc, argv, &i, "--roi"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--segment")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--segment"))) return CLI_EXIT_USAGE;
            char *end;
            long long n = strtoll(v, &end, 10);
            if (*end || end == v || n < 1 || n > 65535)
                return cli_usage_error("extract", "--segment needs a segment number 1..65535, got '%s'", v);
            a->load.segment = n;
        } else if (cli_is_opt(arg, "--suv")) {
            if (!(a->suv = cli_opt_value(argc, argv, &i, "--suv"))) return CLI_EXIT_USAGE;
            qib_suv_type t;
            if (qib_suv_type_parse(a->suv, &t, &err))
                return cli_usage_error("extract", "--suv must be bw, lbm or bsa, not '%s'", a->suv);
        } else if (cli_is_opt(arg, "--params")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--params"))) return CLI_EXIT_USAGE;
            st = qib_settings_load_yaml(s, v, &err);
        } else if (cli_is_opt(arg, "--preset")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--preset"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "preset", v, &err);
        } else if (cli_is_opt(arg, "--format")) {
            if (!(a->format = cli_opt_value(argc, argv, &i, "--format"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--out")) {
            if (!(a->out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--provenance")) {
            if (!(a->prov = cli_opt_value(argc, argv, &i, "--provenance"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--set")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--set"))) return CLI_EXIT_USAGE;
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) return cli_usage_error("extract", "--set needs NAME=VALUE, got '%s'", v);
            char name[128];
            size_t n = (size_t)(eq - v) < sizeof name - 1 ? (size_t)(eq - v) : sizeof name - 1;
            memcpy(name, v, n);
            name[n] = 0;
            st = qib_settings_set(s, name, eq + 1, &err);
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            char *help[] = {"help", "extract"};
            cmd_help(2, help);
            return -1;
        } else if (arg[0] == '-' && arg[1] == '-') {
            return cli_usage_error("extract", "unknown option '%s'", arg);
        } else if (positional == 0) {
            a->image = arg;
            positional++;
        } else if (positional == 1) {
            a->mask = arg;
            positional++;
        } else {
            return cli_usage_error("extract", "unexpected argument '%s'", arg);
        }
        if (st) {
            char msg[1024];
            qib_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "qib extract: setting %s\n", msg);
            return CLI_EXIT_USAGE;
        }
    }
    if (!a->image || !a->mask) return cli_usage_error("extract", "needs IMAGE and MASK");
    return 0;
}

/* Prints a load's warnings to stderr. */
static void print_warnings(const qib_dicom_warnings *w) {
    for (size_t i = 0; i < w->count && i < QIB_DICOM_MAX_WARNINGS; i++)
        fprintf(stderr, "qib extract: warning: %s\n", w->text[i]);
    if (w->count > QIB_DICOM_MAX_WARNINGS)
        fprintf(stderr, "qib extract: warning: %zu more\n", w->count - QIB_DICOM_MAX_WARNINGS);
}

/* Loads the image (file or DICOM series) and the mask (label volume,
 * RTSTRUCT ROI or SEG segment), naming the file in any error. */
static qib_status load_case(extract_args *a, qib_settings *s, qib_volume **image,
                            qib_volume **labels, qib_error *err) {
    qib_dicom_reference *ref = NULL;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_status st = qib_load_case_image(a->image, &a->load, image, &ref, &w, err);
    if (st) {
        cli_set_file(err, a->image);
        return st;
    }
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    st = qib_load_case_mask(a->mask, qib_volume_grid(*image), ref, &a->load, labels, &src, &w, err);
    qib_dicom_reference_free(ref);
    print_warnings(&w);
    if (st) {
        cli_set_file(err, a->mask);
        return st;
    }
    /* an ROI or segment comes back as label 1 */
    if (src != QIB_MASK_SOURCE_LABELS) st = qib_settings_set(s, "label", "1", err);
    return st;
}

/* --suv: the image, a DICOM PET series or file, as SUV (qib/pet.h). */
static qib_status to_suv(extract_args *a, qib_volume **image, qib_error *err) {
    qib_suv_type t;
    qib_status st = qib_suv_type_parse(a->suv, &t, err);
    if (st) return st;
    qib_volume *suv = NULL;
    st = qib_suv_convert(a->image, &a->load, *image, t, &suv, NULL, NULL, NULL, err);
    if (st) {
        cli_set_file(err, a->image);
        return st;
    }
    qib_volume_free(*image);
    *image = suv;
    return QIB_OK;
}

int cmd_extract(int argc, char **argv) {
    extract_args a = {NULL, NULL, NULL, NULL, "csv", {0}, NULL};
    qib_load_options_default(&a.load);
    qib_settings *s = NULL;
    qib_volume *image = NULL, *labels = NULL;
    qib_results *res = NULL;
    qib_writer *w = NULL;
    FILE *f = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_settings_create(&s, &err);
    if (st) return cli_report(&err, st);
    int rc = parse_args(argc, argv, &a, s);
    if (rc) {
        qib_settings_free(s);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    qib_output_format fmt;
    if (qib_output_format_parse(a.format, &fmt, &err)) {
        qib_settings_free(s);
        return cli_usage_error("extract", "--format must be csv, long or json, not '%s'", a.format);
    }

    st = load_case(&a, s, &image, &labels, &err);
    if (!st && a.suv) st = to_suv(&a, &image, &err);
    if (!st) {
        st = qib_extract(image, labels, s, &res, &err);
        /* grid and label problems are the mask's */
        if (st == QIB_ERR_GRID_MISMATCH || st == QIB_ERR_EMPTY_ROI) cli_set_file(&err, a.mask);
    }
    if (st) {
        rc = cli_report(&err, st);
        goto done;
    }

    char label[32];
    snprintf(label, sizeof label, "%lld", (long long)qib_settings_int(s, "label"));
    const char *case_cols[] = {"image", "mask", "label"};
    const char *case_vals[] = {a.image, a.mask, label};
    char tmp_path[4096];
    if (a.out) {
        snprintf(tmp_path, sizeof tmp_path, "%s.partial", a.out);
        f = fopen(tmp_path, "wb");
        if (!f) {
            fprintf(stderr, "qib: %s: cannot create the output file\n", a.out);
            rc = CLI_EXIT_INPUT;
            goto done;
        }
    }
    st = qib_writer_create(f ? f : stdout, fmt, case_cols, 3, &w, &err);
    if (!st) st = qib_writer_add(w, case_vals, res, NULL, &err);
    if (!st) st = qib_writer_finish(w, &err);
    if (st) {
        rc = cli_report(&err, st);
        goto done;
    }
    if (f) {
        int bad = fclose(f) != 0;
        f = NULL;
        if (bad || rename(tmp_path, a.out) != 0) {
            fprintf(stderr, "qib: %s: cannot write the output file\n", a.out);
            rc = CLI_EXIT_INPUT;
            goto done;
        }
    }
    if (a.out || a.prov) {
        const char *roles[] = {"image", "mask"};
        const char *inputs[] = {a.image, a.mask};
        rc = cli_write_provenance(a.out, a.prov, argc + 1, argv - 1, s, roles, inputs, 2);
    }
done:
    if (f) {
        fclose(f);
        remove(tmp_path);
    }
    qib_writer_free(w);
    qib_results_free(res);
    qib_volume_free(labels);
    qib_volume_free(image);
    qib_settings_free(s);
    return rc;
}
