/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_filter.c: `qib filter IMAGE --filter SPEC --out RESPONSE` writes an
 * IBSI 2 filter's response map; `--compare REF` checks it against a
 * reference map with IBSI 2's rule; `qib filter --list` prints the filter
 * registry (with --markdown, the parameter tables of docs/FILTERS.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *type_name(qib_filter_param_type t) {
    switch (t) {
    case QIB_FILTER_PARAM_NUMBER: return "number";
    case QIB_FILTER_PARAM_INTEGER: return "integer";
    case QIB_FILTER_PARAM_CHOICE: return "choice";
    case QIB_FILTER_PARAM_TEXT: return "text";
    }
    return "?";
}

/* "0 .. 1", "zero|nearest|..." or "" for a parameter. */
static void allowed(const qib_filter_param_info *p, char *buf, size_t n) {
    if (p->type == QIB_FILTER_PARAM_CHOICE) snprintf(buf, n, "%s", p->choices);
    else if (p->type == QIB_FILTER_PARAM_TEXT) snprintf(buf, n, "see description");
    else snprintf(buf, n, "%.15g .. %.15g", p->min, p->max);
}

static void list_text(void) {
    for (size_t i = 0; i < qib_filter_count(); i++) {
        const qib_filter_info *f = qib_filter_at(i);
        printf("%s  %s: %s\n    source: %s\n", f->name, f->title, f->description, f->source);
        for (size_t j = 0; j < f->n_params; j++) {
            const qib_filter_param_info *p = &f->params[j];
            char range[96];
            allowed(p, range, sizeof range);
            printf("    %-19s %-7s default %-8s %-7s %s\n      %s\n", p->name, type_name(p->type),
                   p->default_value ? p->default_value : "(needed)", p->unit, range,
                   p->description);
        }
        printf("\n");
    }
}

/* Prints a markdown table cell: '|' escaped. */
static void cell(const char *s) {
    for (; *s; s++) {
        if (*s == '|') putchar('\\');
        putchar(*s);
    }
}

static void list_markdown(void) {
    for (size_t i = 0; i < qib_filter_count(); i++) {
        const qib_filter_info *f = qib_filter_at(i);
        printf("### `%s`: %s\n\nThe response: %s. Source: %s.\n\n", f->name, f->title,
               f->description, f->source);
        printf("| parameter | type | default | unit | allowed | description |\n");
        printf("| --- | --- | --- | --- | --- | --- |\n");
        for (size_t j = 0; j < f->n_params; j++) {
            const qib_filter_param_info *p = &f->params[j];
            char range[96];
            allowed(p, range, sizeof range);
            printf("| `%s` | %s | %s | %s | ", p->name, type_name(p->type),
                   p->default_value ? p->default_value : "required", p->unit[0] ? p->unit : "-");
            cell(range);
            printf(" | ");
            cell(p->description);
            printf(" |\n");
        }
        printf("\n");
    }
}

/* "I,J,K,NI,NJ,NK" -> box. */
static int parse_box(const char *text, qib_box *box) {
    size_t v[6];
    const char *p = text;
    for (int i = 0; i < 6; i++) {
        char *end;
        if (*p < '0' || *p > '9') return 0;
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p || x > (1ull << 40)) return 0;
        v[i] = (size_t)x;
        if (i < 5 && *end != ',') return 0;
        if (i == 5 && *end != '\0') return 0;
        p = end + 1;
    }
    for (int a = 0; a < 3; a++) {
        box->lo[a] = v[a];
        box->size[a] = v[3 + a];
    }
    return 1;
}

/* Prints the largest absolute difference to the reference and IBSI 2's
 * tolerance, 1% of the reference's range; returns 0 within it, 2 beyond. */
static int compare(const qib_volume *resp, const char *ref_path) {
    qib_error err;
    qib_error_clear(&err);
    qib_volume *ref = NULL;
    qib_status st = qib_image_read(ref_path, NULL, &ref, NULL, &err);
    if (st) {
        cli_set_file(&err, ref_path);
        return cli_report(&err, st);
    }
    const qib_grid *a = qib_volume_grid(resp), *b = qib_volume_grid(ref);
    if (memcmp(a->dim, b->dim, sizeof a->dim) ||
        qib_volume_frames(ref) != qib_volume_frames(resp)) {
        fprintf(stderr,
                "qib: %s: %zu x %zu x %zu voxels differ from the response's %zu x %zu x %zu\n",
                ref_path, b->dim[0], b->dim[1], b->dim[2], a->dim[0], a->dim[1], a->dim[2]);
        qib_volume_free(ref);
        return CLI_EXIT_INPUT;
    }
    size_t n = qib_volume_frame_voxels(ref) * qib_volume_frames(ref);
    double lo = INFINITY, hi = -INFINITY, worst = 0;
    for (size_t i = 0; i < n; i++) {
        double r = qib_volume_value(ref, i), d = fabs(qib_volume_value(resp, i) - r);
        if (r < lo) lo = r;
        if (r > hi) hi = r;
        if (!(d <= worst)) worst = d; /* NaN counts as worst */
    }
    double tol = 0.01 * (hi - lo);
    int ok = worst <= tol;
    printf("compare: max_abs_diff %.6g tolerance %.6g (1%% of the reference range %.6g .. %.6g) "
           "%s\n",
           worst, tol, lo, hi, ok ? "pass" : "fail");
    qib_volume_free(ref);
    return ok ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}

int cmd_filter(int argc, char **argv) {
    const char *image = NULL, *spec_text = NULL, *out = NULL, *ref = NULL, *box_text = NULL;
    int list = 0, markdown = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_opt(argv[i], "--filter")) {
            if (!(spec_text = cli_opt_value(argc, argv, &i, "--filter"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(argv[i], "--out")) {
            if (!(out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(argv[i], "--compare")) {
            if (!(ref = cli_opt_value(argc, argv, &i, "--compare"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(argv[i], "--box")) {
            if (!(box_text = cli_opt_value(argc, argv, &i, "--box"))) return CLI_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--list")) {
            list = 1;
        } else if (!strcmp(argv[i], "--markdown")) {
            markdown = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("filter", "unknown option '%s'", argv[i]);
        } else if (!image) {
            image = argv[i];
        } else {
            return cli_usage_error("filter", "one IMAGE only ('%s' is extra)", argv[i]);
        }
    }
    if (list) {
        if (image || spec_text || out || ref || box_text)
            return cli_usage_error("filter", "--list takes no image or filter");
        if (markdown) list_markdown();
        else list_text();
        return CLI_EXIT_OK;
    }
    if (markdown) return cli_usage_error("filter", "--markdown goes with --list");
    if (!image) return cli_usage_error("filter", "needs an IMAGE");
    if (!spec_text) return cli_usage_error("filter", "needs --filter SPEC (see --list)");
    if (!out && !ref) return cli_usage_error("filter", "needs --out FILE or --compare REF");
    qib_box box;
    if (box_text && !parse_box(box_text, &box))
        return cli_usage_error("filter", "--box wants I,J,K,NI,NJ,NK (voxels), not '%s'",
                               box_text);

    qib_error err;
    qib_error_clear(&err);
    qib_filter_spec *spec = NULL;
    qib_status st = qib_filter_spec_parse(spec_text, &spec, &err);
    if (st) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "qib filter: --filter %s: %s\n", spec_text, msg);
        return cli_exit_code(st);
    }
    char canon[1100];
    qib_filter_spec_format(spec, canon, sizeof canon);
    qib_volume *v = NULL, *resp = NULL;
    st = qib_image_read(image, NULL, &v, NULL, &err);
    if (st) {
        qib_filter_spec_free(spec);
        cli_set_file(&err, image);
        return cli_report(&err, st);
    }
    st = qib_filter_apply(v, spec, box_text ? &box : NULL, &resp, &err);
    qib_volume_free(v);
    qib_filter_spec_free(spec);
    if (st) {
        cli_set_file(&err, image);
        return cli_report(&err, st);
    }
    printf("filter: %s\n", canon);
    int rc = CLI_EXIT_OK;
    if (out) {
        st = qib_image_write(out, resp, &err);
        if (st) {
            qib_volume_free(resp);
            cli_set_file(&err, out);
            return cli_report(&err, st);
        }
        const char *roles[] = {"image"};
        const char *inputs[] = {image};
        rc = cli_write_provenance(out, NULL, argc + 1, argv - 1, NULL, roles, inputs, 1);
    }
    if (rc == CLI_EXIT_OK && ref) rc = compare(resp, ref);
    qib_volume_free(resp);
    return rc;
}
