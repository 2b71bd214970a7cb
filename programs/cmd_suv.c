/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_suv.c: `qib suv`: PET SUV volumes from DICOM (QIBA rules), the SUV
 * factors and the header values behind them (--info), the PET metrics of a
 * region (--metrics) and the PERCIST 1.0 comparison of two time points
 * (--percist). Every file written gets FILE.provenance.json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

typedef enum { MODE_CONVERT, MODE_INFO, MODE_METRICS, MODE_PERCIST } suv_mode;

typedef struct suv_args {
    suv_mode mode;
    const char *pos[4];
    int npos;
    const char *out, *prov, *liver, *followup_liver, *liver_roi;
    int64_t label, liver_segment;
    int type_given;
    qib_suv_type type;
    qib_pet_options pet;
    qib_load_options load; /* --series, -r, --roi, --segment */
} suv_args;

/* ---- small helpers ---- */

/* The shortest of %.15g..%.17g that reads back as v. */
static void num(char *buf, size_t n, double v) {
    if (isnan(v)) {
        snprintf(buf, n, "nan");
        return;
    }
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static int parse_number(const char *opt, const char *v, double *out) {
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x))
        return cli_usage_error("suv", "%s needs a number, got '%s'", opt, v);
    *out = x;
    return 0;
}

static int parse_count(const char *opt, const char *v, int64_t lo, int64_t *out) {
    char *end;
    long long x = strtoll(v, &end, 10);
    if (end == v || *end || x < lo || x > 65535)
        return cli_usage_error("suv", "%s needs a whole number %lld..65535, got '%s'", opt,
                               (long long)lo, v);
    *out = x;
    return 0;
}

/* Applies one option; returns 0, an exit code, or -1 for --help. */
static int parse_option(int argc, char **argv, int *i, suv_args *a) {
    const char *arg = argv[*i], *v;
    if (!strcmp(arg, "--info")) a->mode = MODE_INFO;
    else if (!strcmp(arg, "--metrics")) a->mode = MODE_METRICS;
    else if (!strcmp(arg, "--percist")) a->mode = MODE_PERCIST;
    else if (!strcmp(arg, "-r") || !strcmp(arg, "--recursive")) a->load.recursive = 1;
    else if (cli_is_opt(arg, "--type")) {
        if (!(v = cli_opt_value(argc, argv, i, "--type"))) return CLI_EXIT_USAGE;
        qib_error err;
        if (qib_suv_type_parse(v, &a->type, &err))
            return cli_usage_error("suv", "--type must be bw, lbm (sul) or bsa, not '%s'", v);
        a->type_given = 1;
    } else if (cli_is_opt(arg, "--out")) {
        if (!(a->out = cli_opt_value(argc, argv, i, "--out"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--provenance")) {
        if (!(a->prov = cli_opt_value(argc, argv, i, "--provenance"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--series")) {
        if (!(a->load.series_uid = cli_opt_value(argc, argv, i, "--series"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--roi")) {
        if (!(a->load.roi = cli_opt_value(argc, argv, i, "--roi"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--liver-roi")) {
        if (!(a->liver_roi = cli_opt_value(argc, argv, i, "--liver-roi"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--segment")) {
        if (!(v = cli_opt_value(argc, argv, i, "--segment"))) return CLI_EXIT_USAGE;
        return parse_count("--segment", v, 1, &a->load.segment);
    } else if (cli_is_opt(arg, "--liver-segment")) {
        if (!(v = cli_opt_value(argc, argv, i, "--liver-segment"))) return CLI_EXIT_USAGE;
        return parse_count("--liver-segment", v, 1, &a->liver_segment);
    } else if (cli_is_opt(arg, "--label")) {
        if (!(v = cli_opt_value(argc, argv, i, "--label"))) return CLI_EXIT_USAGE;
        return parse_count("--label", v, 0, &a->label);
    } else if (cli_is_opt(arg, "--liver")) {
        if (!(a->liver = cli_opt_value(argc, argv, i, "--liver"))) return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--followup-liver")) {
        if (!(a->followup_liver = cli_opt_value(argc, argv, i, "--followup-liver")))
            return CLI_EXIT_USAGE;
    } else if (cli_is_opt(arg, "--threshold")) {
        if (!(v = cli_opt_value(argc, argv, i, "--threshold"))) return CLI_EXIT_USAGE;
        return parse_number("--threshold", v, &a->pet.threshold);
    } else if (cli_is_opt(arg, "--fraction")) {
        if (!(v = cli_opt_value(argc, argv, i, "--fraction"))) return CLI_EXIT_USAGE;
        int rc = parse_number("--fraction", v, &a->pet.fraction);
        if (!rc && !(a->pet.fraction > 0 && a->pet.fraction <= 1))
            return cli_usage_error("suv", "--fraction must be in (0, 1], got '%s'", v);
        return rc;
    } else if (cli_is_opt(arg, "--peak-ml")) {
        if (!(v = cli_opt_value(argc, argv, i, "--peak-ml"))) return CLI_EXIT_USAGE;
        int rc = parse_number("--peak-ml", v, &a->pet.peak_ml);
        if (!rc && !(a->pet.peak_ml > 0 && a->pet.peak_ml < 1e6))
            return cli_usage_error("suv", "--peak-ml must be > 0 ml, got '%s'", v);
        return rc;
    } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
        char *help[] = {"help", "suv"};
        cmd_help(2, help);
        return -1;
    } else if (arg[0] == '-' && arg[1]) {
        return cli_usage_error("suv", "unknown option '%s'", arg);
    } else if (a->npos < 4) {
        a->pos[a->npos++] = arg;
    } else {
        return cli_usage_error("suv", "unexpected argument '%s'", arg);
    }
    return 0;
}

static int parse_args(int argc, char **argv, suv_args *a) {
    for (int i = 1; i < argc; i++) {
        int rc = parse_option(argc, argv, &i, a);
        if (rc) return rc;
    }
    static const int want[] = {1, 1, 2, 4};
    static const char *what[] = {"PET (a DICOM series folder or file) and --out FILE",
                                 "PET (a DICOM series folder or file)", "PET and MASK",
                                 "BASELINE_PET BASELINE_MASK FOLLOWUP_PET FOLLOWUP_MASK"};
    if (a->npos != want[a->mode]) return cli_usage_error("suv", "needs %s", what[a->mode]);
    if (a->mode == MODE_CONVERT && !a->out) return cli_usage_error("suv", "needs --out FILE");
    if (a->mode == MODE_PERCIST && a->type_given && a->type != QIB_SUV_LBM)
        return cli_usage_error("suv", "PERCIST is defined on SUL: --type must be lbm");
    if (a->followup_liver && a->mode != MODE_PERCIST)
        return cli_usage_error("suv", "--followup-liver belongs to --percist");
    if (a->liver && a->mode != MODE_PERCIST && a->mode != MODE_METRICS)
        return cli_usage_error("suv", "--liver belongs to --metrics and --percist");
    if (a->mode == MODE_PERCIST) a->type = QIB_SUV_LBM;
    return 0;
}

/* ---- provenance ---- */

typedef struct kv {
    char key[96];
    char value[512];
} kv;

typedef struct kv_list {
    kv item[96];
    size_t n;
} kv_list;

/* Copies text, cut to n - 1 bytes. */
static void copy_text(char *dst, size_t n, const char *src) {
    size_t len = strlen(src);
    if (len >= n) len = n - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

static void kv_add(kv_list *l, const char *key, const char *value) {
    if (l->n >= sizeof l->item / sizeof l->item[0]) return;
    copy_text(l->item[l->n].key, sizeof l->item[0].key, key);
    copy_text(l->item[l->n].value, sizeof l->item[0].value, value);
    l->n++;
}

static void kv_num(kv_list *l, const char *key, double v) {
    char b[40];
    num(b, sizeof b, v);
    kv_add(l, key, b);
}

/* Writes OUT.provenance.json (or prov): command, inputs, the output and the
 * key/values of the run. */
static int write_provenance(const char *out, const char *prov, int argc, char **argv,
                            const char *const *roles, const char *const *inputs, size_t n,
                            const kv_list *extra) {
    qib_error err;
    qib_error_clear(&err);
    qib_provenance *p = NULL;
    char *json = NULL;
    qib_status st = qib_provenance_create(&p, &err);
    if (!st) st = qib_provenance_set_command(p, argc, (const char *const *)argv, &err);
    for (size_t i = 0; i < n && !st; i++) st = qib_provenance_add_input(p, roles[i], inputs[i], &err);
    if (!st && out) st = qib_provenance_add_output(p, "output", out, &err);
    for (size_t i = 0; extra && i < extra->n && !st; i++)
        st = qib_provenance_set(p, extra->item[i].key, extra->item[i].value, &err);
    if (!st) st = qib_provenance_to_json(p, &json, &err);
    qib_provenance_free(p);
    if (st) return cli_report(&err, st);
    char path[4096];
    snprintf(path, sizeof path, "%s%s", prov ? prov : out, prov ? "" : ".provenance.json");
    FILE *f = fopen(path, "wb");
    int bad = !f;
    if (f) {
        bad |= fputs(json, f) < 0;
        bad |= fclose(f) != 0;
    }
    free(json);
    if (bad) {
        fprintf(stderr, "qib: %s: cannot write the provenance record\n", path);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* Text output goes to a temporary FILE.partial renamed when complete. */
typedef struct sink {
    FILE *f;
    char tmp[4096];
    const char *path;
} sink;

static int sink_open(sink *s, const char *path) {
    s->path = path;
    s->f = stdout;
    if (!path) return 0;
    snprintf(s->tmp, sizeof s->tmp, "%s.partial", path);
    if (!(s->f = fopen(s->tmp, "wb"))) {
        fprintf(stderr, "qib: %s: cannot create the output file\n", path);
        return CLI_EXIT_INPUT;
    }
    return 0;
}

static int sink_close(sink *s, int ok) {
    if (!s->path) return fflush(stdout) == 0 ? 0 : CLI_EXIT_FAILURE;
    int bad = fclose(s->f) != 0;
    if (!ok || bad || rename(s->tmp, s->path) != 0) {
        remove(s->tmp);
        if (ok) fprintf(stderr, "qib: %s: cannot write the output file\n", s->path);
        return CLI_EXIT_FAILURE;
    }
    return 0;
}

/* ---- the PET header in words ---- */

static void header_extras(const qib_suv_header *h, uint64_t used, kv_list *extra) {
    for (int f = 0; f < QIB_SUVF_COUNT; f++) {
        if (!(used >> f & 1)) continue;
        char tag[40], key[96];
        qib_suv_field_tag(h, (qib_suv_field)f, tag, sizeof tag);
        snprintf(key, sizeof key, "header %s %s", tag, qib_suv_field_keyword((qib_suv_field)f));
        kv_add(extra, key, h->v[f].present ? h->v[f].text : "(absent)");
    }
}

static void result_extras(const qib_suv_result *r, double lo, double hi, kv_list *extra) {
    kv_add(extra, "suv_type", qib_suv_type_name(r->type));
    kv_add(extra, "suv_unit", qib_suv_type_unit(r->type));
    kv_num(extra, "suv_factor", r->factor);
    kv_num(extra, "suv_factor_min", lo);
    kv_num(extra, "suv_factor_max", hi);
    kv_add(extra, "units_rule", qib_suv_units_rule_name(r->units_rule));
    kv_add(extra, "decay_reference_rule", qib_suv_time_rule_name(r->time_rule));
    kv_add(extra, "decay_reference", r->decay_reference);
    kv_add(extra, "injection", r->injection);
    kv_add(extra, "injection_day_before", r->injection_day_before ? "yes" : "no");
    kv_num(extra, "decay_time_s", r->decay_time);
    kv_num(extra, "decay_factor", r->decay_factor);
    kv_num(extra, "decayed_dose_bq", r->decayed_dose);
}

static void print_kv(FILE *f, const char *key, const char *value) { fprintf(f, "%s: %s\n", key, value); }

static void print_num(FILE *f, const char *key, double v) {
    char b[40];
    num(b, sizeof b, v);
    print_kv(f, key, b);
}

/* ---- loading ---- */

static int is_dicom_input(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) return 0;
    if (S_ISDIR(sb.st_mode)) return 1;
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.header_only = 1;
    qib_dicom *d = NULL;
    if (qib_dicom_open(path, &o, &d, NULL) != QIB_OK) return 0;
    qib_dicom_free(d);
    return 1;
}

static void print_warnings(const qib_dicom_warnings *w) {
    for (size_t i = 0; i < w->count && i < QIB_DICOM_MAX_WARNINGS; i++)
        fprintf(stderr, "qib suv: warning: %s\n", w->text[i]);
    if (w->count > QIB_DICOM_MAX_WARNINGS)
        fprintf(stderr, "qib suv: warning: %zu more\n", w->count - QIB_DICOM_MAX_WARNINGS);
}

/* A PET image as SUV of a->type: a DICOM series is converted (*res
 * filled, *converted 1); an image file is taken as it is. */
static qib_status load_pet(const suv_args *a, const char *path, qib_volume **out,
                           qib_suv_result *res, double *lo, double *hi, int *converted,
                           qib_error *err) {
    qib_volume *img = NULL;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    *converted = 0;
    qib_status st = qib_load_case_image(path, &a->load, &img, NULL, &w, err);
    print_warnings(&w);
    if (st) {
        cli_set_file(err, path);
        return st;
    }
    if (!is_dicom_input(path)) {
        *out = img;
        return QIB_OK;
    }
    st = qib_suv_convert(path, &a->load, img, a->type, out, res, lo, hi, err);
    qib_volume_free(img);
    if (!st) {
        *converted = 1;
        if (res->injection_day_before)
            fprintf(stderr,
                    "qib suv: warning: %s: the injection time of day is later than the scan's: "
                    "the injection was taken on the day before (%s)\n",
                    path, res->injection);
    }
    if (st) cli_set_file(err, path);
    return st;
}

/* A region of the image's grid: label `label` of a label volume (0: every
 * non-zero voxel), or the RTSTRUCT ROI / SEG segment. */
static qib_status load_region(const suv_args *a, const char *path, const qib_grid *grid,
                              const char *roi, int64_t segment, int64_t label, qib_mask **out,
                              qib_error *err) {
    qib_load_options lo = a->load;
    lo.roi = roi;
    if (segment > 0) lo.segment = segment;
    qib_volume *labels = NULL;
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_status st = qib_load_case_mask(path, grid, NULL, &lo, &labels, &src, &w, err);
    print_warnings(&w);
    if (!st) st = qib_grid_check_same(grid, qib_volume_grid(labels), 0, 0, err);
    if (!st) st = qib_mask_from_labels(labels, src == QIB_MASK_SOURCE_LABELS ? label : 1, out, err);
    qib_volume_free(labels);
    if (st) cli_set_file(err, path);
    return st;
}

/* ---- modes ---- */

static int run_convert(suv_args *a, int argc, char **argv) {
    qib_error err;
    qib_error_clear(&err);
    qib_volume *suv = NULL;
    qib_suv_result res;
    double lo = NAN, hi = NAN;
    int converted = 0;
    const char *path = a->pos[0];
    if (!is_dicom_input(path)) {
        fprintf(stderr, "qib: %s: SUV needs the DICOM PET series (its header holds the dose, "
                        "weight and times); this is not DICOM\n", path);
        return CLI_EXIT_INPUT;
    }
    qib_status st = load_pet(a, path, &suv, &res, &lo, &hi, &converted, &err);
    if (!st) st = qib_image_write(a->out, suv, &err);
    qib_volume_free(suv);
    if (st) return cli_report(&err, st);
    kv_list extra;
    extra.n = 0;
    result_extras(&res, lo, hi, &extra);
    /* the header values used, as read from the first slice's file */
    qib_dicom_series_options so;
    qib_dicom_series_options_default(&so);
    so.recursive = a->load.recursive;
    so.series_uid = a->load.series_uid;
    qib_suv_header *h = NULL;
    size_t n = 0;
    if (qib_suv_read_series(path, &so, NULL, &h, &n, &err) == QIB_OK && n) header_extras(&h[0], res.used, &extra);
    free(h);
    const char *roles[] = {"pet"};
    const char *inputs[] = {path};
    return write_provenance(a->out, a->prov, argc + 1, argv - 1, roles, inputs, 1, &extra);
}

/* --info: each type's factor, how it was worked out and the values used. */
static int run_info(suv_args *a, int argc, char **argv) {
    qib_error err;
    qib_error_clear(&err);
    const char *path = a->pos[0];
    qib_dicom_series_options so;
    qib_dicom_series_options_default(&so);
    so.recursive = a->load.recursive;
    so.series_uid = a->load.series_uid;
    qib_suv_header *h = NULL;
    size_t n = 0;
    qib_status st = qib_suv_read_series(path, &so, NULL, &h, &n, &err);
    if (st) {
        cli_set_file(&err, path);
        return cli_report(&err, st);
    }
    double *f[QIB_SUV_TYPES];
    qib_suv_result r[QIB_SUV_TYPES];
    memset(r, 0, sizeof r);
    qib_error e[QIB_SUV_TYPES];
    qib_status s[QIB_SUV_TYPES];
    int ok_any = 0;
    uint64_t used = 0;
    for (int t = 0; t < QIB_SUV_TYPES; t++) {
        f[t] = calloc(n, sizeof *f[t]);
        qib_error_clear(&e[t]);
        s[t] = f[t] ? qib_suv_series_factors(h, n, (qib_suv_type)t, f[t], &r[t], &e[t]) : QIB_ERR_NOMEM;
        ok_any |= s[t] == QIB_OK;
        used |= r[t].used;
    }
    sink out;
    int rc = sink_open(&out, a->out);
    kv_list extra;
    extra.n = 0;
    if (!rc) {
        FILE *o = out.f;
        print_kv(o, "input", path);
        fprintf(o, "images: %zu\n", n);
        for (int t = 0; t < QIB_SUV_TYPES; t++) {
            char key[48], msg[1024];
            snprintf(key, sizeof key, "factor_%s", qib_suv_type_name((qib_suv_type)t));
            if (s[t]) {
                qib_error_format(&e[t], msg, sizeof msg);
                fprintf(o, "%s: error: %s\n", key, msg);
                kv_add(&extra, key, msg);
                continue;
            }
            double lo = f[t][0], hi = f[t][0];
            for (size_t i = 1; i < n; i++) {
                lo = fmin(lo, f[t][i]);
                hi = fmax(hi, f[t][i]);
            }
            print_num(o, key, f[t][0]);
            kv_num(&extra, key, f[t][0]);
            if (lo != hi) {
                char a1[40], a2[40];
                num(a1, sizeof a1, lo);
                num(a2, sizeof a2, hi);
                fprintf(o, "%s_range: %s %s\n", key, a1, a2);
            }
            fprintf(o, "unit_%s: %s per modality unit\n", qib_suv_type_name((qib_suv_type)t),
                    qib_suv_type_unit((qib_suv_type)t));
        }
        const qib_suv_result *b = &r[QIB_SUV_BW];
        if (ok_any) {
            int t = s[QIB_SUV_BW] == QIB_OK ? QIB_SUV_BW : s[QIB_SUV_LBM] == QIB_OK ? QIB_SUV_LBM : QIB_SUV_BSA;
            b = &r[t];
            print_kv(o, "units_rule", qib_suv_units_rule_name(b->units_rule));
            print_kv(o, "decay_reference_rule", qib_suv_time_rule_name(b->time_rule));
            print_kv(o, "decay_reference", b->decay_reference[0] ? b->decay_reference : "-");
            print_kv(o, "injection", b->injection[0] ? b->injection : "-");
            print_kv(o, "injection_day_before", b->injection_day_before ? "yes" : "no");
            print_num(o, "decay_time_s", b->decay_time);
            print_num(o, "decay_factor", b->decay_factor);
            print_num(o, "decayed_dose_bq", b->decayed_dose);
            print_num(o, "weight_kg", r[t].weight_kg);
            print_num(o, "lbm_kg", r[QIB_SUV_LBM].lbm_kg);
            print_num(o, "bsa_m2", r[QIB_SUV_BSA].bsa_m2);
            result_extras(b, NAN, NAN, &extra);
        }
        for (int fi = 0; fi < QIB_SUVF_COUNT; fi++) {
            if (!(used >> fi & 1)) continue;
            char tag[40];
            qib_suv_field_tag(&h[0], (qib_suv_field)fi, tag, sizeof tag);
            fprintf(o, "used %s %s: %s\n", tag, qib_suv_field_keyword((qib_suv_field)fi),
                    h[0].v[fi].present ? h[0].v[fi].text : "(absent)");
        }
        header_extras(&h[0], used, &extra);
        /* per image when the factors differ between images */
        int differ = 0;
        for (int t = 0; t < QIB_SUV_TYPES; t++)
            for (size_t i = 1; !s[t] && i < n; i++) differ |= f[t][i] != f[t][0];
        for (size_t i = 0; differ && i < n; i++) {
            fprintf(o, "image %zu: %s", i + 1, h[i].file);
            for (int t = 0; t < QIB_SUV_TYPES; t++) {
                char b2[40] = "-";
                if (!s[t]) num(b2, sizeof b2, f[t][i]);
                fprintf(o, " %s=%s", qib_suv_type_name((qib_suv_type)t), b2);
            }
            fputc('\n', o);
        }
        rc = sink_close(&out, 1);
    }
    for (int t = 0; t < QIB_SUV_TYPES; t++) free(f[t]);
    free(h);
    if (!rc && (a->out || a->prov)) {
        const char *roles[] = {"pet"};
        const char *inputs[] = {path};
        rc = write_provenance(a->out, a->prov, argc + 1, argv - 1, roles, inputs, 1, &extra);
    }
    if (!rc && !ok_any) {
        fprintf(stderr, "qib suv: no SUV factor can be computed for %s\n", path);
        return CLI_EXIT_INPUT;
    }
    return rc;
}

/* Metric rows: name, value, unit. */
static void row(FILE *o, kv_list *extra, const char *name, double v, const char *unit) {
    char b[40];
    num(b, sizeof b, v);
    fprintf(o, "%s,%s,%s\n", name, b, unit);
    kv_add(extra, name, b);
}

static void row_text(FILE *o, kv_list *extra, const char *name, const char *v) {
    fprintf(o, "%s,%s,\n", name, v);
    kv_add(extra, name, v);
}

/* The value prefix and units of the volume's values. */
typedef struct value_kind {
    const char *prefix, *unit, *tlg_unit, *type;
} value_kind;

static value_kind kind_of(int converted, qib_suv_type t) {
    if (!converted) return (value_kind){"suv", "as given", "as given x ml", "as given"};
    if (t == QIB_SUV_LBM) return (value_kind){"sul", "g/ml", "g", "lbm"};
    if (t == QIB_SUV_BSA) return (value_kind){"suvbsa", "cm2/ml", "cm2", "bsa"};
    return (value_kind){"suv", "g/ml", "g", "bw"};
}

static void metric_rows(FILE *o, kv_list *extra, const value_kind *k, const qib_pet_metrics *m) {
    char name[64];
#define ROWK(suffix, v, unit)                                    \
    do {                                                         \
        snprintf(name, sizeof name, "%s_%s", k->prefix, suffix); \
        row(o, extra, name, v, unit);                            \
    } while (0)
    row(o, extra, "voxels", (double)m->voxels, "voxels");
    row(o, extra, "volume_ml", m->volume_ml, "ml");
    ROWK("max", m->suv_max, k->unit);
    ROWK("min", m->suv_min, k->unit);
    ROWK("mean", m->suv_mean, k->unit);
    ROWK("sd", m->suv_sd, k->unit);
    ROWK("peak", m->suv_peak, k->unit);
    row(o, extra, "peak_radius_mm", m->peak_radius_mm, "mm");
    row(o, extra, "peak_voxels", (double)m->peak_voxels, "voxels");
    row(o, extra, "peak_i", (double)m->peak_index[0], "voxel");
    row(o, extra, "peak_j", (double)m->peak_index[1], "voxel");
    row(o, extra, "peak_k", (double)m->peak_index[2], "voxel");
    row(o, extra, "peak_x_mm", m->peak_centre[0], "mm (LPS)");
    row(o, extra, "peak_y_mm", m->peak_centre[1], "mm (LPS)");
    row(o, extra, "peak_z_mm", m->peak_centre[2], "mm (LPS)");
    row(o, extra, "threshold_abs", m->threshold_abs, k->unit);
    row(o, extra, "voxels_abs", (double)m->voxels_abs, "voxels");
    row(o, extra, "mtv_abs_ml", m->mtv_abs_ml, "ml");
    row(o, extra, "tlg_abs", m->tlg_abs, k->tlg_unit);
    ROWK("mean_abs", m->suv_mean_abs, k->unit);
    row(o, extra, "fraction", m->fraction, "of max");
    row(o, extra, "threshold_rel", m->threshold_rel, k->unit);
    row(o, extra, "voxels_rel", (double)m->voxels_rel, "voxels");
    row(o, extra, "mtv_rel_ml", m->mtv_rel_ml, "ml");
    row(o, extra, "tlg_rel", m->tlg_rel, k->tlg_unit);
    ROWK("mean_rel", m->suv_mean_rel, k->unit);
#undef ROWK
}

/* Liver reference rows (PERCIST: 1.5 x mean + 2 x SD). */
static void liver_rows(FILE *o, kv_list *extra, const char *prefix, const value_kind *k,
                       const qib_pet_metrics *liver, double peak) {
    char name[64];
    snprintf(name, sizeof name, "%sliver_voxels", prefix);
    row(o, extra, name, (double)liver->voxels, "voxels");
    snprintf(name, sizeof name, "%sliver_mean", prefix);
    row(o, extra, name, liver->suv_mean, k->unit);
    snprintf(name, sizeof name, "%sliver_sd", prefix);
    row(o, extra, name, liver->suv_sd, k->unit);
    double thr = 1.5 * liver->suv_mean + 2.0 * liver->suv_sd;
    snprintf(name, sizeof name, "%smeasurable_threshold", prefix);
    row(o, extra, name, thr, k->unit);
    snprintf(name, sizeof name, "%smeasurable", prefix);
    row_text(o, extra, name, peak >= thr ? "yes" : "no");
}

/* The metrics of one PET image's region (and liver). */
static qib_status measure(const suv_args *a, const char *pet, const char *mask, const char *liver,
                          qib_pet_metrics *m, qib_pet_metrics *lm, int *has_liver,
                          qib_suv_result *res, int *converted, qib_error *err) {
    qib_volume *suv = NULL;
    qib_mask *region = NULL, *lmask = NULL;
    double lo, hi;
    qib_status st = load_pet(a, pet, &suv, res, &lo, &hi, converted, err);
    if (!st)
        st = load_region(a, mask, qib_volume_grid(suv), a->load.roi, a->load.segment, a->label,
                         &region, err);
    if (!st) {
        st = qib_pet_region_metrics(suv, region, &a->pet, m, err);
        if (st == QIB_ERR_EMPTY_ROI || st == QIB_ERR_GRID_MISMATCH) cli_set_file(err, mask);
    }
    *has_liver = 0;
    if (!st && liver) {
        st = load_region(a, liver, qib_volume_grid(suv), a->liver_roi, a->liver_segment, 0, &lmask,
                         err);
        if (!st) st = qib_pet_region_metrics(suv, lmask, &a->pet, lm, err);
        if (st) cli_set_file(err, liver);
        *has_liver = !st;
    }
    qib_mask_free(lmask);
    qib_mask_free(region);
    qib_volume_free(suv);
    return st;
}

static int run_metrics(suv_args *a, int argc, char **argv) {
    qib_error err;
    qib_error_clear(&err);
    qib_pet_metrics m, lm;
    qib_suv_result res;
    int has_liver = 0, converted = 0;
    qib_status st = measure(a, a->pos[0], a->pos[1], a->liver, &m, &lm, &has_liver, &res,
                            &converted, &err);
    if (st) return cli_report(&err, st);
    value_kind k = kind_of(converted, a->type);
    sink out;
    int rc = sink_open(&out, a->out);
    if (rc) return rc;
    kv_list extra;
    extra.n = 0;
    fprintf(out.f, "metric,value,unit\n");
    row_text(out.f, &extra, "values", converted ? k.type : "as given (image file)");
    if (converted) row(out.f, &extra, "suv_factor", res.factor, "per modality unit");
    metric_rows(out.f, &extra, &k, &m);
    if (has_liver) liver_rows(out.f, &extra, "", &k, &lm, m.suv_peak);
    rc = sink_close(&out, 1);
    if (!rc && (a->out || a->prov)) {
        const char *roles[] = {"pet", "mask", "liver"};
        const char *inputs[] = {a->pos[0], a->pos[1], a->liver};
        rc = write_provenance(a->out, a->prov, argc + 1, argv - 1, roles, inputs,
                              a->liver ? 3 : 2, &extra);
    }
    return rc;
}

static int run_percist(suv_args *a, int argc, char **argv) {
    qib_error err;
    qib_error_clear(&err);
    qib_pet_metrics m[2], lm[2];
    qib_suv_result res[2];
    int has_liver[2] = {0, 0}, converted[2] = {0, 0};
    const char *liver[2] = {a->liver, a->followup_liver};
    qib_status st = QIB_OK;
    for (int t = 0; t < 2 && !st; t++)
        st = measure(a, a->pos[2 * t], a->pos[2 * t + 1], liver[t], &m[t], &lm[t], &has_liver[t],
                     &res[t], &converted[t], &err);
    if (st) return cli_report(&err, st);
    if (converted[0] != converted[1])
        fprintf(stderr, "qib suv: warning: one time point is DICOM (converted to SUL), the other "
                        "an image file (taken as SUL as it is)\n");
    qib_percist_input in;
    memset(&in, 0, sizeof in);
    in.baseline_sulpeak = m[0].suv_peak;
    in.followup_sulpeak = m[1].suv_peak;
    in.has_liver = has_liver[0];
    in.liver_mean = lm[0].suv_mean;
    in.liver_sd = lm[0].suv_sd;
    in.has_followup_liver = has_liver[1];
    in.followup_liver_mean = lm[1].suv_mean;
    in.followup_liver_sd = lm[1].suv_sd;
    qib_percist_result r;
    st = qib_percist_compare(&in, &r, &err);
    if (st) return cli_report(&err, st);
    value_kind k = kind_of(converted[0], QIB_SUV_LBM);
    sink out;
    int rc = sink_open(&out, a->out);
    if (rc) return rc;
    kv_list extra;
    extra.n = 0;
    FILE *o = out.f;
    fprintf(o, "metric,value,unit\n");
    row_text(o, &extra, "values", converted[0] ? "lbm (SUL)" : "as given (image file)");
    row(o, &extra, "baseline_sulpeak", m[0].suv_peak, k.unit);
    row(o, &extra, "followup_sulpeak", m[1].suv_peak, k.unit);
    row(o, &extra, "baseline_sulmax", m[0].suv_max, k.unit);
    row(o, &extra, "followup_sulmax", m[1].suv_max, k.unit);
    row(o, &extra, "change", r.change, k.unit);
    row(o, &extra, "change_percent", 100.0 * r.relative_change, "%");
    if (has_liver[0]) liver_rows(o, &extra, "baseline_", &k, &lm[0], m[0].suv_peak);
    if (has_liver[1]) {
        liver_rows(o, &extra, "followup_", &k, &lm[1], m[1].suv_peak);
        row_text(o, &extra, "followup_below_liver_mean", r.followup_below_liver ? "yes" : "no");
    }
    row_text(o, &extra, "category", qib_percist_category_name(r.category));
    rc = sink_close(&out, 1);
    if (!rc && (a->out || a->prov)) {
        const char *roles[6] = {"baseline_pet", "baseline_mask", "followup_pet", "followup_mask"};
        const char *inputs[6] = {a->pos[0], a->pos[1], a->pos[2], a->pos[3]};
        size_t n = 4;
        if (a->liver) {
            roles[n] = "baseline_liver";
            inputs[n++] = a->liver;
        }
        if (a->followup_liver) {
            roles[n] = "followup_liver";
            inputs[n++] = a->followup_liver;
        }
        rc = write_provenance(a->out, a->prov, argc + 1, argv - 1, roles, inputs, n, &extra);
    }
    return rc;
}

int cmd_suv(int argc, char **argv) {
    suv_args a;
    memset(&a, 0, sizeof a);
    a.mode = MODE_CONVERT;
    a.type = QIB_SUV_BW;
    a.label = 1;
    qib_pet_options_default(&a.pet);
    qib_load_options_default(&a.load);
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    switch (a.mode) {
    case MODE_INFO: return run_info(&a, argc, argv);
    case MODE_METRICS: return run_metrics(&a, argc, argv);
    case MODE_PERCIST: return run_percist(&a, argc, argv);
    default: return run_convert(&a, argc, argv);
    }
}
