/* SPDX-License-Identifier: Apache-2.0 */
/* writer.c: feature tables as wide CSV, long CSV or JSON, one case at a time.
 *
 * Each case is rendered into a buffer and then written with one fwrite and
 * one fflush, so a batch that dies part way leaves every finished case on
 * disk (the one exception, wide CSV rows that arrive before the header is
 * known, is described in output.h). Rendering uses only the inputs, in
 * their order, so identical input gives identical bytes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"

/* Case column names that would clash with a column or key qib writes. */
static const char *const reserved_names[] = {"image_type", "family", "feature",
                                             "ibsi_code",  "aggregation", "value",
                                             "error",      "status", "features"};

typedef struct pending_row {
    char *cases; /* rendered case fields, each followed by ',' */
    char *error; /* rendered error field */
} pending_row;

typedef struct column {
    char *name;
    size_t pos; /* position in the header */
} column;

struct qib_writer {
    FILE *f;
    qib_output_format fmt;
    char **case_cols;
    size_t n_case;
    size_t n_cases;      /* cases written (JSON: for the separators) */
    qib_status failed;   /* sticky: a write failed, the output is incomplete */
    bool finished;

    /* wide CSV */
    bool header_done;
    column *cols;        /* result columns, sorted by name for lookup */
    size_t n_cols;
    const qib_result **slots; /* scratch: the value for each header position */
    pending_row *pending;     /* failed cases seen before the header */
    size_t n_pending, cap_pending;

    char *name;          /* scratch for column names */
    size_t name_cap;
};

/* ---- helpers ---- */

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Writes the buffer and flushes it, so the rows survive a later crash. */
static qib_status emit(qib_writer *w, qib_buf *b, qib_error *err) {
    if (b->failed) return qib__nomem(err, NULL, "an output row");
    if (b->len == 0) return QIB_OK;
    errno = 0;
    if (fwrite(b->data, 1, b->len, w->f) != b->len || fflush(w->f) != 0) {
        w->failed = QIB_ERR_IO;
        return qib__fail(err, QIB_ERR_IO, NULL, -1, "output", "cannot write the output: %s",
                         errno ? strerror(errno) : "write error");
    }
    return QIB_OK;
}

/* The wide-table column name of res in w's scratch (valid until next call). */
static const char *column_name(qib_writer *w, const qib_result *res) {
    size_t need = qib_result_column(res, NULL, 0) + 1;
    if (need > w->name_cap) {
        char *n = realloc(w->name, need);
        if (!n) return NULL;
        w->name = n;
        w->name_cap = need;
    }
    qib_result_column(res, w->name, w->name_cap);
    return w->name;
}

static int cmp_column(const void *a, const void *b) {
    const column *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const column *find_column(const qib_writer *w, const char *name) {
    size_t lo = 0, hi = w->n_cols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, w->cols[mid].name);
        if (c == 0) return &w->cols[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static void case_fields(qib_buf *b, const qib_writer *w, const char *const *values) {
    for (size_t i = 0; i < w->n_case; i++) {
        qib__buf_csv_field(b, values[i] ? values[i] : "");
        qib__buf_puts(b, ",");
    }
}

/* ---- wide CSV ---- */

/* Takes the header from the first case with results: its column names in
 * its order, each name once (the first occurrence wins). */
static qib_status wide_build_header(qib_writer *w, const qib_results *r, qib_error *err) {
    size_t n = qib_results_count(r);
    column *cols = calloc(n, sizeof *cols);
    if (!cols) return qib__nomem(err, NULL, "the output header");
    qib_status st = QIB_OK;
    for (size_t i = 0; i < n && st == QIB_OK; i++) {
        const char *name = column_name(w, qib_results_at(r, i));
        if (!name || !(cols[i].name = dup_text(name))) st = qib__nomem(err, NULL, "a column");
        cols[i].pos = i;
    }
    if (st == QIB_OK) {
        qsort(cols, n, sizeof *cols, cmp_column);
        /* drop repeats (same name, later position), then renumber */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (k && !strcmp(cols[k - 1].name, cols[i].name)) {
                free(cols[i].name);
                continue;
            }
            cols[k++] = cols[i];
        }
        n = k;
        for (size_t i = 0; i < n && st == QIB_OK; i++) {
            if (!strcmp(cols[i].name, "error"))
                st = qib__fail(err, QIB_ERR_ARG, NULL, -1, "error",
                               "a result column is named \"error\", which the wide CSV "
                               "keeps for failure messages");
            for (size_t j = 0; j < w->n_case && st == QIB_OK; j++)
                if (!strcmp(cols[i].name, w->case_cols[j]))
                    st = qib__fail(err, QIB_ERR_ARG, NULL, -1, w->case_cols[j],
                                   "a result column has the same name as case column \"%s\"",
                                   w->case_cols[j]);
        }
    }
    if (st == QIB_OK && !(w->slots = calloc(n ? n : 1, sizeof *w->slots)))
        st = qib__nomem(err, NULL, "the output header");
    if (st != QIB_OK) {
        for (size_t i = 0; i < n; i++) free(cols[i].name);
        free(cols);
        return st;
    }
    w->cols = cols;
    w->n_cols = n;
    return QIB_OK;
}

static int cmp_pos(const void *a, const void *b) {
    const column *x = *(column *const *)a, *y = *(column *const *)b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Header line: case columns, result columns in the first case's order
 * (with repeats removed), then error. Renumbers positions 0..n-1. */
static qib_status wide_header_text(qib_writer *w, qib_buf *b, qib_error *err) {
    column **ptr = malloc((w->n_cols ? w->n_cols : 1) * sizeof *ptr);
    if (!ptr) return qib__nomem(err, NULL, "the output header");
    for (size_t i = 0; i < w->n_cols; i++) ptr[i] = &w->cols[i];
    qsort(ptr, w->n_cols, sizeof *ptr, cmp_pos);
    for (size_t i = 0; i < w->n_case; i++) {
        qib__buf_csv_field(b, w->case_cols[i]);
        qib__buf_puts(b, ",");
    }
    for (size_t i = 0; i < w->n_cols; i++) {
        qib__buf_csv_field(b, ptr[i]->name);
        qib__buf_puts(b, ",");
        ptr[i]->pos = i;
    }
    qib__buf_puts(b, "error\n");
    free(ptr);
    return QIB_OK;
}

static void wide_pending_row(const qib_writer *w, qib_buf *b, const pending_row *p) {
    qib__buf_puts(b, p->cases);
    for (size_t i = 0; i < w->n_cols; i++) qib__buf_puts(b, ",");
    qib__buf_puts(b, p->error);
    qib__buf_puts(b, "\n");
}

static void free_pending(qib_writer *w) {
    for (size_t i = 0; i < w->n_pending; i++) {
        free(w->pending[i].cases);
        free(w->pending[i].error);
    }
    free(w->pending);
    w->pending = NULL;
    w->n_pending = w->cap_pending = 0;
}

/* Writes the header and the rows held back for it, then frees those rows. */
static qib_status wide_flush_header(qib_writer *w, qib_buf *b, qib_error *err) {
    QIB_FORWARD(wide_header_text(w, b, err));
    for (size_t i = 0; i < w->n_pending; i++) wide_pending_row(w, b, &w->pending[i]);
    w->header_done = true;
    return QIB_OK;
}

static qib_status wide_hold(qib_writer *w, const char *const *values, const char *error,
                            qib_error *err) {
    if (w->n_pending == w->cap_pending) {
        size_t nc = w->cap_pending ? 2 * w->cap_pending : 8;
        pending_row *np = realloc(w->pending, nc * sizeof *np);
        if (!np) return qib__nomem(err, NULL, "a held-back row");
        w->pending = np;
        w->cap_pending = nc;
    }
    qib_buf c, e;
    qib__buf_init(&c);
    qib__buf_init(&e);
    case_fields(&c, w, values);
    qib__buf_csv_field(&e, error);
    char *cs = qib__buf_take(&c), *es = qib__buf_take(&e);
    if (!cs || !es) {
        free(cs);
        free(es);
        return qib__nomem(err, NULL, "a held-back row");
    }
    w->pending[w->n_pending++] = (pending_row){cs, es};
    return QIB_OK;
}

static qib_status wide_add(qib_writer *w, const char *const *values, const qib_results *r,
                           const char *error, qib_error *err) {
    size_t n = r ? qib_results_count(r) : 0;
    if (!w->header_done && n == 0) /* the header is not known yet: hold the row */
        return wide_hold(w, values, r ? "" : error, err);

    qib_buf b;
    qib__buf_init(&b);
    qib_status st = QIB_OK;
    bool new_header = false;
    if (!w->header_done) {
        st = wide_build_header(w, r, err);
        if (st == QIB_OK) {
            new_header = true;
            st = wide_flush_header(w, &b, err);
        }
    }
    /* place each value under its column; refuse values with no column */
    for (size_t i = 0; i < w->n_cols; i++) w->slots[i] = NULL;
    for (size_t i = 0; i < n && st == QIB_OK; i++) {
        const qib_result *res = qib_results_at(r, i);
        const char *name = column_name(w, res);
        if (!name) {
            st = qib__nomem(err, NULL, "a column name");
            break;
        }
        const column *c = find_column(w, name);
        if (!c) {
            st = qib__fail(err, QIB_ERR_ARG, NULL, -1, "columns",
                           "result \"%.200s\" has no column in the wide CSV, whose columns "
                           "come from the first case; use the long or JSON format when "
                           "cases have different features",
                           name);
            break;
        }
        if (!w->slots[c->pos]) w->slots[c->pos] = res; /* first occurrence wins */
    }
    if (st == QIB_OK) {
        case_fields(&b, w, values);
        for (size_t i = 0; i < w->n_cols; i++) {
            if (w->slots[i] && w->slots[i]->text) qib__buf_csv_field(&b, w->slots[i]->text);
            else if (w->slots[i]) qib__buf_double(&b, w->slots[i]->value);
            qib__buf_puts(&b, ",");
        }
        qib__buf_csv_field(&b, r ? "" : error);
        qib__buf_puts(&b, "\n");
        st = emit(w, &b, err);
    }
    if (new_header) {
        if (st == QIB_OK) {
            free_pending(w);
        } else if (w->failed == QIB_OK) {
            /* nothing was written: forget the header and try again later */
            for (size_t i = 0; i < w->n_cols; i++) free(w->cols[i].name);
            free(w->cols);
            free(w->slots);
            w->cols = NULL;
            w->slots = NULL;
            w->n_cols = 0;
            w->header_done = false;
        }
    }
    qib__buf_free(&b);
    return st;
}

/* ---- long CSV ---- */

static void long_header(qib_writer *w, qib_buf *b) {
    for (size_t i = 0; i < w->n_case; i++) {
        qib__buf_csv_field(b, w->case_cols[i]);
        qib__buf_puts(b, ",");
    }
    qib__buf_puts(b, "image_type,family,feature,ibsi_code,aggregation,value,error\n");
}

static void long_add(qib_writer *w, qib_buf *b, const char *const *values,
                     const qib_results *r, const char *error) {
    if (!r) {
        case_fields(b, w, values);
        qib__buf_puts(b, ",,,,,,");
        qib__buf_csv_field(b, error);
        qib__buf_puts(b, "\n");
        return;
    }
    for (size_t i = 0, n = qib_results_count(r); i < n; i++) {
        const qib_result *res = qib_results_at(r, i);
        case_fields(b, w, values);
        const char *parts[5] = {res->image_type, res->family, res->feature, res->ibsi_code,
                                res->aggregation};
        for (int k = 0; k < 5; k++) {
            qib__buf_csv_field(b, parts[k] ? parts[k] : "");
            qib__buf_puts(b, ",");
        }
        if (res->text) qib__buf_csv_field(b, res->text);
        else qib__buf_double(b, res->value);
        qib__buf_puts(b, ",\n");
    }
}

/* ---- JSON ---- */

static void json_value(qib_buf *b, double v) {
    if (isfinite(v))
        qib__buf_double(b, v);
    else
        qib__buf_puts(b, "null");
}

static void json_add(qib_writer *w, qib_buf *b, const char *const *values,
                     const qib_results *r, const char *error) {
    qib__buf_puts(b, w->n_cases ? ",\n    {\n" : "\n    {\n");
    for (size_t i = 0; i < w->n_case; i++) {
        qib__buf_puts(b, "      ");
        qib__buf_json_string(b, w->case_cols[i]);
        qib__buf_puts(b, ": ");
        qib__buf_json_string(b, values[i] ? values[i] : "");
        qib__buf_puts(b, ",\n");
    }
    if (r) {
        qib__buf_puts(b, "      \"status\": \"ok\",\n      \"error\": null,\n");
    } else {
        qib__buf_puts(b, "      \"status\": \"error\",\n      \"error\": ");
        qib__buf_json_string(b, error);
        qib__buf_puts(b, ",\n");
    }
    size_t n = r ? qib_results_count(r) : 0;
    qib__buf_puts(b, n ? "      \"features\": [\n" : "      \"features\": []\n    }");
    for (size_t i = 0; i < n; i++) {
        const qib_result *res = qib_results_at(r, i);
        qib__buf_puts(b, "        {\"image_type\": ");
        qib__buf_json_string(b, res->image_type ? res->image_type : "");
        qib__buf_puts(b, ", \"family\": ");
        qib__buf_json_string(b, res->family ? res->family : "");
        qib__buf_puts(b, ", \"feature\": ");
        qib__buf_json_string(b, res->feature ? res->feature : "");
        qib__buf_puts(b, ", \"ibsi_code\": ");
        qib__buf_json_string(b, res->ibsi_code ? res->ibsi_code : "");
        qib__buf_puts(b, ", \"aggregation\": ");
        qib__buf_json_string(b, res->aggregation ? res->aggregation : "");
        qib__buf_puts(b, ", \"value\": ");
        if (res->text) qib__buf_json_string(b, res->text);
        else json_value(b, res->value);
        qib__buf_puts(b, i + 1 < n ? "},\n" : "}\n      ]\n    }");
    }
}

/* ---- public entry points ---- */

qib_status qib_output_format_parse(const char *text, qib_output_format *out, qib_error *err) {
    static const struct {
        const char *name;
        qib_output_format fmt;
    } names[] = {{"csv", QIB_OUTPUT_CSV}, {"long", QIB_OUTPUT_LONG}, {"json", QIB_OUTPUT_JSON}};
    QIB_FAIL_IF(!out, err, QIB_ERR_ARG, NULL, -1, "format", "no output pointer given");
    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(text, names[i].name)) {
            *out = names[i].fmt;
            return QIB_OK;
        }
    }
    return qib__fail(err, QIB_ERR_ARG, NULL, -1, "format",
                     "output format \"%.64s\" is not known; use csv, long or json",
                     text ? text : "");
}

qib_status qib_writer_create(FILE *f, qib_output_format fmt, const char *const *case_columns,
                             size_t n_case, qib_writer **out, qib_error *err) {
    QIB_FAIL_IF(!f || !out, err, QIB_ERR_ARG, NULL, -1, "output", "no file or output pointer");
    QIB_FAIL_IF(fmt != QIB_OUTPUT_CSV && fmt != QIB_OUTPUT_LONG && fmt != QIB_OUTPUT_JSON, err,
                QIB_ERR_ARG, NULL, -1, "format", "output format %d is not known", (int)fmt);
    QIB_FAIL_IF(n_case && !case_columns, err, QIB_ERR_ARG, NULL, -1, "case_columns",
                "%zu case columns but no names", n_case);
    for (size_t i = 0; i < n_case; i++) {
        const char *c = case_columns[i];
        QIB_FAIL_IF(!c || !*c, err, QIB_ERR_ARG, NULL, -1, "case_columns",
                    "case column %zu has no name", i);
        for (size_t k = 0; k < sizeof reserved_names / sizeof reserved_names[0]; k++)
            QIB_FAIL_IF(!strcmp(c, reserved_names[k]), err, QIB_ERR_ARG, NULL, -1, c,
                        "case column \"%s\" has a name qib's output uses itself", c);
        for (size_t j = 0; j < i; j++)
            QIB_FAIL_IF(!strcmp(c, case_columns[j]), err, QIB_ERR_ARG, NULL, -1, c,
                        "case column \"%.64s\" is given twice", c);
    }
    qib_writer *w = calloc(1, sizeof *w);
    if (!w) return qib__nomem(err, NULL, "the output writer");
    w->f = f;
    w->fmt = fmt;
    w->n_case = n_case;
    if (n_case && !(w->case_cols = calloc(n_case, sizeof *w->case_cols))) {
        qib_writer_free(w);
        return qib__nomem(err, NULL, "the output writer");
    }
    for (size_t i = 0; i < n_case; i++) {
        if (!(w->case_cols[i] = dup_text(case_columns[i]))) {
            qib_writer_free(w);
            return qib__nomem(err, NULL, "the output writer");
        }
    }
    /* long CSV and JSON know their start now; wide CSV waits for results */
    qib_buf b;
    qib__buf_init(&b);
    if (fmt == QIB_OUTPUT_LONG) long_header(w, &b);
    if (fmt == QIB_OUTPUT_JSON) qib__buf_puts(&b, "{\n  \"cases\": [");
    qib_status st = emit(w, &b, err);
    qib__buf_free(&b);
    if (st != QIB_OK) {
        qib_writer_free(w);
        return st;
    }
    *out = w;
    return QIB_OK;
}

qib_status qib_writer_add(qib_writer *w, const char *const *case_values,
                          const qib_results *results, const char *error_text, qib_error *err) {
    QIB_FAIL_IF(!w, err, QIB_ERR_ARG, NULL, -1, "writer", "no writer given");
    QIB_FAIL_IF(w->failed != QIB_OK, err, w->failed, NULL, -1, "output",
                "an earlier write failed, so the output is incomplete");
    QIB_FAIL_IF(w->finished, err, QIB_ERR_ARG, NULL, -1, "writer",
                "a case was added after the output was finished");
    QIB_FAIL_IF(w->n_case && !case_values, err, QIB_ERR_ARG, NULL, -1, "case_values",
                "%zu case values are needed but none were given", w->n_case);
    QIB_FAIL_IF(!results && (!error_text || !*error_text), err, QIB_ERR_ARG, NULL, -1,
                "error_text", "a case without results needs its error text");
    QIB_FAIL_IF(results && error_text && *error_text, err, QIB_ERR_ARG, NULL, -1, "error_text",
                "a case has both results and error text; give one of them");

    if (w->fmt == QIB_OUTPUT_CSV) return wide_add(w, case_values, results, error_text, err);
    qib_buf b;
    qib__buf_init(&b);
    if (w->fmt == QIB_OUTPUT_LONG)
        long_add(w, &b, case_values, results, error_text);
    else
        json_add(w, &b, case_values, results, error_text);
    qib_status st = emit(w, &b, err);
    qib__buf_free(&b);
    if (st == QIB_OK) w->n_cases++;
    return st;
}

qib_status qib_writer_finish(qib_writer *w, qib_error *err) {
    QIB_FAIL_IF(!w, err, QIB_ERR_ARG, NULL, -1, "writer", "no writer given");
    QIB_FAIL_IF(w->failed != QIB_OK, err, w->failed, NULL, -1, "output",
                "an earlier write failed, so the output is incomplete");
    if (w->finished) return QIB_OK;
    qib_buf b;
    qib__buf_init(&b);
    qib_status st = QIB_OK;
    if (w->fmt == QIB_OUTPUT_CSV && !w->header_done) {
        /* no case had results: the header has no feature columns */
        st = wide_flush_header(w, &b, err);
    }
    if (w->fmt == QIB_OUTPUT_JSON) qib__buf_puts(&b, w->n_cases ? "\n  ]\n}\n" : "]\n}\n");
    if (st == QIB_OK) st = emit(w, &b, err);
    if (st == QIB_OK && fflush(w->f) != 0) {
        w->failed = QIB_ERR_IO;
        st = qib__fail(err, QIB_ERR_IO, NULL, -1, "output", "cannot flush the output: %s",
                       strerror(errno));
    }
    qib__buf_free(&b);
    if (st == QIB_OK) {
        free_pending(w);
        w->finished = true;
    }
    return st;
}

void qib_writer_free(qib_writer *w) {
    if (!w) return;
    for (size_t i = 0; i < w->n_case; i++) free(w->case_cols ? w->case_cols[i] : NULL);
    free(w->case_cols);
    for (size_t i = 0; i < w->n_cols; i++) free(w->cols[i].name);
    free(w->cols);
    free(w->slots);
    free_pending(w);
    free(w->name);
    free(w);
}
