/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_dicom.c: `qib dicom dump|hash|ls|convert`: look into DICOM files and
 * turn a series into a volume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qib/dicom.h"

int cmd_dicom(int argc, char **argv);

#define DUMP_VALUE_MAX 64

static void put_clean(const char *s, size_t max) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < max; p++, n++)
        putchar(*p < 0x20 || *p == 0x7F ? ' ' : *p);
    if (strlen(s) > max) fputs("...", stdout);
}

static int is_bulk_vr(const char *vr) {
    return vr[0] == 'O' || !strcmp(vr, "UN");
}

static void dump_item(const qib_dicom_item *it, int depth);

/* UN values of implicit VR files are often text: show them as text. */
static int printable(const qib_dicom_element *e) {
    if (strcmp(e->vr, "UN")) return 0;
    for (size_t k = 0; k < e->value_len; k++)
        if ((e->value[k] < 0x20 || e->value[k] > 0x7E) && !(e->value[k] == 0 && k + 1 == e->value_len))
            return 0;
    return 1;
}

static void dump_element(const qib_dicom_item *it, size_t i, const qib_dicom_element *e,
                         int depth) {
    const char *kw = qib_dicom_keyword(e->tag);
    char len[24];
    if (e->length == 0xFFFFFFFFu) snprintf(len, sizeof len, "u/l");
    else snprintf(len, sizeof len, "%u", e->length);
    printf("%*s(%04X,%04X) %s ", 2 * depth, "", e->tag >> 16, e->tag & 0xFFFF, e->vr);
    if (e->is_sequence) {
        printf("(Sequence, %zu item%s)", e->items, e->items == 1 ? "" : "s");
    } else if (e->encapsulated) {
        printf("(encapsulated pixel data: %zu fragment%s after the offset table)",
               e->items ? e->items - 1 : 0, e->items == 2 ? "" : "s");
    } else if ((e->tag >> 16) == 0x7FE0 && e->value_len > 16) {
        printf("(pixel data: %zu bytes)", e->value_len);
    } else if (!e->value_len) {
        printf("(no value)");
    } else if (is_bulk_vr(e->vr) && !printable(e)) {
        size_t n = e->value_len < 16 ? e->value_len : 16;
        for (size_t k = 0; k < n; k++) printf(k ? "\\%02x" : "%02x", e->value[k]);
        if (n < e->value_len) printf("...");
    } else {
        char buf[4 * DUMP_VALUE_MAX];
        buf[0] = '\0';
        qib_dicom_get_string(it, e->tag, -1, buf, sizeof buf, NULL);
        putchar('[');
        put_clean(buf, DUMP_VALUE_MAX);
        putchar(']');
    }
    printf("  # %s, %zu %s\n", len, qib_dicom_vm(it, e->tag), kw ? kw : "?");
    if (!e->is_sequence) return;
    for (size_t k = 0; k < e->items; k++) {
        const qib_dicom_item *sub = qib_dicom_item_at(it, i, k);
        uint32_t il = qib_dicom_item_length(sub);
        printf("%*s(FFFE,E000) na (Item %zu", 2 * depth + 2, "", k + 1);
        if (il == 0xFFFFFFFFu) printf(", undefined length)  # u/l\n");
        else printf(")  # %u\n", il);
        dump_item(sub, depth + 2);
        if (il == 0xFFFFFFFFu) printf("%*s(FFFE,E00D) na (ItemDelimitationItem)\n", 2 * depth + 2, "");
    }
    if (e->length == 0xFFFFFFFFu)
        printf("%*s(FFFE,E0DD) na (SequenceDelimitationItem)\n", 2 * depth, "");
}

static void dump_item(const qib_dicom_item *it, int depth) {
    qib_dicom_element e;
    for (size_t i = 0; qib_dicom_element_at(it, i, &e); i++) dump_element(it, i, &e, depth);
}

static int open_file(const char *path, qib_dicom **d) {
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_open(path, NULL, d, &err);
    if (st != QIB_OK) return cli_report(&err, st);
    return CLI_EXIT_OK;
}

static int dicom_dump(const char *path) {
    qib_dicom *d = NULL;
    int rc = open_file(path, &d);
    if (rc) return rc;
    qib_dicom_encoding enc;
    qib_dicom_get_encoding(d, &enc);
    printf("# file: %s\n# %s, %s, transfer syntax %s%s (read as %s VR %s endian%s)\n", path,
           enc.has_preamble ? "preamble" : "no preamble",
           enc.has_file_meta ? "File Meta" : "no File Meta",
           enc.transfer_syntax[0] ? enc.transfer_syntax : "(none)",
           enc.vr_mismatch ? ", contradicted by the data set" : "",
           enc.explicit_vr ? "explicit" : "implicit", enc.big_endian ? "big" : "little",
           enc.deflated ? ", deflated" : "");
    dump_item(qib_dicom_root(d), 0);
    qib_dicom_pixels px;
    if (qib_dicom_get_pixels(d, &px, NULL) == QIB_OK)
        printf("# pixels: %u x %u, %u frame(s), %u sample(s), %u/%u bits (high bit %u), %s, "
               "%s, %s\n",
               px.columns, px.rows, px.frames, px.samples_per_pixel, px.bits_stored,
               px.bits_allocated, px.high_bit, px.pixel_representation ? "signed" : "unsigned",
               px.photometric, px.encapsulated ? "encapsulated" : "native");
    qib_dicom_free(d);
    return CLI_EXIT_OK;
}

static int dicom_hash(const char *path) {
    qib_dicom *d = NULL;
    int rc = open_file(path, &d);
    if (rc) return rc;
    char hex[65];
    double lo, hi;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_pixel_sha256(d, hex, &lo, &hi, &err);
    qib_dicom_free(d);
    if (st != QIB_OK) return cli_report(&err, st);
    printf("%s  %s\n", hex, path);
    return CLI_EXIT_OK;
}

static void print_warnings(const qib_dicom_warnings *w) {
    size_t n = w->count < QIB_DICOM_MAX_WARNINGS ? w->count : QIB_DICOM_MAX_WARNINGS;
    for (size_t i = 0; i < n; i++) fprintf(stderr, "qib: warning: %s\n", w->text[i]);
    if (w->count > n) fprintf(stderr, "qib: warning: ... and %zu more\n", w->count - n);
}

/* Options shared by ls and convert: -r, --series UID, --force. */
static int series_opts(int argc, char **argv, int *first, qib_dicom_series_options *o) {
    int i = 2;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-r") || !strcmp(argv[i], "--recursive")) o->recursive = 1;
        else if (!strcmp(argv[i], "--force")) o->allow_irregular = 1;
        else if (!strcmp(argv[i], "--series") && i + 1 < argc) o->series_uid = argv[++i];
        else return cli_usage_error("dicom", "unknown option '%s'", argv[i]);
    }
    *first = i;
    return CLI_EXIT_OK;
}

static int dicom_ls(int argc, char **argv) {
    qib_dicom_series_options o;
    qib_dicom_series_options_default(&o);
    int i, rc = series_opts(argc, argv, &i, &o);
    if (rc) return rc;
    if (i + 1 != argc) return cli_usage_error("dicom", "ls needs one DIR");
    qib_dicom_series_info *info = NULL;
    size_t n = 0;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_scan_dir(argv[i], &o, &info, &n, &w, &err);
    print_warnings(&w);
    if (st != QIB_OK) return cli_report(&err, st);
    const char *last_study = NULL;
    for (size_t k = 0; k < n; k++) {
        const qib_dicom_series_info *s = &info[k];
        if (!last_study || strcmp(last_study, s->study_uid))
            printf("patient %s (%s), study %s, date %s\n", s->patient_name[0] ? s->patient_name : "-",
                   s->patient_id[0] ? s->patient_id : "-", s->study_uid, s->study_date[0] ? s->study_date : "-");
        last_study = s->study_uid;
        printf("  series %s\n    %s \"%s\": %zu file(s), %zu image(s) of %u x %u, spacing %.4g x "
               "%.4g x %.4g mm\n    first file %s\n",
               s->series_uid, s->modality[0] ? s->modality : "-", s->description, s->files,
               s->slices, s->columns, s->rows, s->spacing[0], s->spacing[1], s->spacing[2],
               s->first_file);
    }
    if (!n) printf("no DICOM image series in %s\n", argv[i]);
    free(info);
    return CLI_EXIT_OK;
}

static int dicom_convert(int argc, char **argv) {
    qib_dicom_series_options o;
    qib_dicom_series_options_default(&o);
    int i, rc = series_opts(argc, argv, &i, &o);
    if (rc) return rc;
    if (i + 2 != argc) return cli_usage_error("dicom", "convert needs SERIES_DIR (or FILE) and OUTPUT");
    qib_volume *v = NULL;
    qib_dicom_warnings w;
    memset(&w, 0, sizeof w);
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_load_series(argv[i], &o, &v, &w, &err);
    print_warnings(&w);
    if (st != QIB_OK) return cli_report(&err, st);
    st = qib_image_write(argv[i + 1], v, &err);
    if (st == QIB_OK) {
        const qib_grid *g = qib_volume_grid(v);
        printf("%s: %zu x %zu x %zu %s, spacing %.6g x %.6g x %.6g mm\n", argv[i + 1], g->dim[0],
               g->dim[1], g->dim[2], qib_dtype_name(qib_volume_dtype(v)), g->spacing[0],
               g->spacing[1], g->spacing[2]);
    }
    qib_volume_free(v);
    return st == QIB_OK ? CLI_EXIT_OK : cli_report(&err, st);
}

int cmd_dicom(int argc, char **argv) {
    if (argc < 2) return cli_usage_error("dicom", "needs a subcommand: dump, hash, ls or convert");
    const char *sub = argv[1];
    if (!strcmp(sub, "dump") || !strcmp(sub, "hash")) {
        if (argc < 3) return cli_usage_error("dicom", "%s needs at least one FILE", sub);
        int rc = CLI_EXIT_OK;
        for (int i = 2; i < argc; i++) {
            int r = !strcmp(sub, "dump") ? dicom_dump(argv[i]) : dicom_hash(argv[i]);
            if (r > rc) rc = r;
        }
        return rc;
    }
    if (!strcmp(sub, "ls")) return dicom_ls(argc, argv);
    if (!strcmp(sub, "convert")) return dicom_convert(argc, argv);
    return cli_usage_error("dicom", "unknown subcommand '%s' (dump, hash, ls, convert)", sub);
}
