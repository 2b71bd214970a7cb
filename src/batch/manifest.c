/* SPDX-License-Identifier: Apache-2.0 */
/* manifest.c: RFC 4180 CSV tables and PyRadiomics batch manifests.
 *
 * One pass over the text with a small state machine; every field is
 * unescaped into one growing byte store (NUL-terminated), and each record
 * keeps the offsets of its fields. Sizes are checked before each growth. */
#include <stdlib.h>
#include <string.h>

#include "common/qib_internal.h"
#include "qib/batch.h"

struct qib_manifest {
    char *store;       /* every field, unescaped, NUL-terminated */
    size_t store_len, store_cap;
    size_t *offs;      /* (rows + 1) * cols field offsets into store; row 0 = header */
    size_t n_offs, cap_offs;
    uint64_t *lines;   /* (rows + 1) start lines */
    size_t n_lines, cap_lines;
    size_t cols, rows;
    long image_col, mask_col, label_col;
};

/* ---- growable arrays ---- */

static bool grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) {
        if (nc > SIZE_MAX / 2) return false;
        nc *= 2;
    }
    size_t bytes;
    if (!qib__mul_ok(nc, elem, &bytes)) return false;
    void *np = realloc(*p, bytes);
    if (!np) return false;
    *p = np;
    *cap = nc;
    return true;
}

static bool store_byte(qib_manifest *m, char c) {
    if (!grow((void **)&m->store, &m->store_cap, m->store_len + 1, 1)) return false;
    m->store[m->store_len++] = c;
    return true;
}

/* ---- parser state ---- */

typedef struct parser {
    const char *text, *name;
    size_t len, pos;
    uint64_t line;     /* current 1-based line */
    size_t field_no;   /* 1-based field number within the record */
    size_t rec_fields; /* fields of the record being read */
    uint64_t rec_line; /* line where the record started */
    qib_manifest *m;
    qib_error *err;
} parser;

static qib_status fail_at(parser *p, size_t off, uint64_t line, size_t field,
                          const char *what) {
    const char *col = NULL;
    if (field >= 1 && field <= p->m->cols) /* the header is known: name the column */
        col = p->m->store + p->m->offs[field - 1];
    return qib__fail(p->err, QIB_ERR_FORMAT, p->name, (int64_t)off, col,
                     "line %llu, column %zu: %s", (unsigned long long)line, field, what);
}

static qib_status nomem(parser *p) { return qib__nomem(p->err, p->name, "the CSV table"); }

/* Starts a field: records its offset in the store. */
static qib_status begin_field(parser *p) {
    qib_manifest *m = p->m;
    if (m->n_lines > 0 && p->rec_fields >= m->cols) /* past the header's width */
        return fail_at(p, p->pos, p->line, p->rec_fields + 1, "more fields than the header has");
    QIB_FAIL_IF(p->rec_fields >= QIB_MANIFEST_MAX_COLUMNS, p->err, QIB_ERR_LIMIT, p->name,
                (int64_t)p->pos, NULL, "line %llu: more than %u columns",
                (unsigned long long)p->line, QIB_MANIFEST_MAX_COLUMNS);
    if (!grow((void **)&m->offs, &m->cap_offs, m->n_offs + 1, sizeof *m->offs)) return nomem(p);
    m->offs[m->n_offs++] = m->store_len;
    p->rec_fields++;
    p->field_no = p->rec_fields;
    return QIB_OK;
}

static qib_status end_field(parser *p) { return store_byte(p->m, 0) ? QIB_OK : nomem(p); }

/* Checks the header's names once the first record is complete. */
static qib_status check_header(parser *p) {
    qib_manifest *m = p->m;
    m->cols = p->rec_fields;
    for (size_t c = 0; c < m->cols; c++) {
        const char *nm = m->store + m->offs[c];
        if (!*nm) return fail_at(p, 0, 1, c + 1, "empty column name in the header");
        for (size_t d = 0; d < c; d++)
            if (!strcmp(nm, m->store + m->offs[d]))
                return fail_at(p, 0, 1, c + 1, "column name repeated in the header");
    }
    return QIB_OK;
}

/* Completes a record: checks its width (the header sets it). */
static qib_status end_record(parser *p) {
    qib_manifest *m = p->m;
    if (m->n_lines == 0) {
        QIB_FORWARD(check_header(p));
    } else if (p->rec_fields != m->cols) {
        char what[128];
        snprintf(what, sizeof what, "%zu fields, but the header has %zu (a ragged row)",
                 p->rec_fields, m->cols);
        return fail_at(p, p->pos, p->rec_line, p->rec_fields, what);
    }
    if (!grow((void **)&m->lines, &m->cap_lines, m->n_lines + 1, sizeof *m->lines))
        return nomem(p);
    m->lines[m->n_lines++] = p->rec_line;
    if (m->n_lines > 1) m->rows++;
    return QIB_OK;
}

/* Consumes a line end at p->pos if there is one (CRLF, LF or CR). */
static bool eat_eol(parser *p) {
    if (p->pos >= p->len) return false;
    char c = p->text[p->pos];
    if (c == '\n') {
        p->pos++;
    } else if (c == '\r') {
        p->pos++;
        if (p->pos < p->len && p->text[p->pos] == '\n') p->pos++;
    } else {
        return false;
    }
    p->line++;
    return true;
}

/* Reads one quoted field; p->pos is on the opening quote. */
static qib_status quoted_field(parser *p) {
    size_t open = p->pos;
    uint64_t open_line = p->line;
    p->pos++;
    for (;;) {
        if (p->pos >= p->len)
            return fail_at(p, open, open_line, p->field_no, "unterminated quoted field");
        char c = p->text[p->pos];
        if (c == '"') {
            if (p->pos + 1 < p->len && p->text[p->pos + 1] == '"') {
                if (!store_byte(p->m, '"')) return nomem(p);
                p->pos += 2;
                continue;
            }
            p->pos++;
            break;
        }
        if (c == '\0') return fail_at(p, p->pos, p->line, p->field_no, "NUL byte");
        if (c == '\n' || (c == '\r' && !(p->pos + 1 < p->len && p->text[p->pos + 1] == '\n')))
            p->line++; /* in CRLF, the LF counts the line */
        if (!store_byte(p->m, c)) return nomem(p);
        p->pos++;
    }
    if (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c != ',' && c != '\n' && c != '\r')
            return fail_at(p, p->pos, p->line, p->field_no, "text after a closing quote");
    }
    return QIB_OK;
}

/* Reads one unquoted field up to a comma, line end or end of text. */
static qib_status plain_field(parser *p) {
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c == ',' || c == '\n' || c == '\r') break;
        if (c == '"')
            return fail_at(p, p->pos, p->line, p->field_no,
                           "quote inside an unquoted field (quote the whole field)");
        if (c == '\0') return fail_at(p, p->pos, p->line, p->field_no, "NUL byte");
        if (!store_byte(p->m, c)) return nomem(p);
        p->pos++;
    }
    return QIB_OK;
}

static qib_status parse_all(parser *p) {
    if (p->len >= 3 && !memcmp(p->text, "\xEF\xBB\xBF", 3)) p->pos = 3; /* UTF-8 BOM */
    while (p->pos < p->len) {
        /* an empty line is skipped */
        if (eat_eol(p)) continue;
        p->rec_fields = 0;
        p->rec_line = p->line;
        for (;;) {
            QIB_FORWARD(begin_field(p));
            if (p->text[p->pos] == '"')
                QIB_FORWARD(quoted_field(p));
            else
                QIB_FORWARD(plain_field(p));
            QIB_FORWARD(end_field(p));
            if (p->pos < p->len && p->text[p->pos] == ',') {
                p->pos++;
                if (p->pos >= p->len || p->text[p->pos] == '\n' || p->text[p->pos] == '\r') {
                    /* a trailing comma: one more, empty, field */
                    QIB_FORWARD(begin_field(p));
                    QIB_FORWARD(end_field(p));
                    break;
                }
                continue;
            }
            break;
        }
        QIB_FORWARD(end_record(p));
        eat_eol(p);
    }
    if (p->m->n_lines == 0)
        return qib__fail(p->err, QIB_ERR_FORMAT, p->name, 0, NULL,
                         "line 1, column 1: no header row (the file is empty)");
    return QIB_OK;
}

/* ---- public entry points ---- */

static long find_either(const qib_manifest *m, const char *a, const char *b) {
    long i = qib_manifest_column_index(m, a);
    return i >= 0 ? i : qib_manifest_column_index(m, b);
}

static void header_list(const qib_manifest *m, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    for (size_t c = 0; c < m->cols && used + 1 < n; c++) {
        int w = snprintf(buf + used, n - used, "%s%s", c ? ", " : "", m->store + m->offs[c]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

qib_status qib_manifest_parse(const char *text, size_t len, const char *name, unsigned flags,
                              qib_manifest **out, qib_error *err) {
    QIB_FAIL_IF(!out || (!text && len), err, QIB_ERR_ARG, name, -1, NULL,
                "no text or output pointer given");
    if (!name) name = "";
    qib_manifest *m = calloc(1, sizeof *m);
    if (!m) return qib__nomem(err, name, "the CSV table");
    parser p = {text, name, len, 0, 1, 0, 0, 1, m, err};
    qib_status st = parse_all(&p);
    if (st == QIB_OK && !(flags & QIB_MANIFEST_PLAIN)) {
        m->image_col = find_either(m, "Image", "image");
        m->mask_col = find_either(m, "Mask", "mask");
        char names[256];
        header_list(m, names, sizeof names);
        if (m->image_col < 0)
            st = qib__fail(err, QIB_ERR_FORMAT, name, 0, "Image",
                           "line 1: no Image column (the header has: %s)", names);
        else if (m->mask_col < 0)
            st = qib__fail(err, QIB_ERR_FORMAT, name, 0, "Mask",
                           "line 1: no Mask column (the header has: %s)", names);
    }
    m->label_col = (flags & QIB_MANIFEST_PLAIN) ? -1 : find_either(m, "Label", "label");
    if (flags & QIB_MANIFEST_PLAIN) m->image_col = m->mask_col = -1;
    if (st != QIB_OK) {
        qib_manifest_free(m);
        return st;
    }
    *out = m;
    return QIB_OK;
}

qib_status qib_manifest_read(const char *path, unsigned flags, qib_manifest **out,
                             qib_error *err) {
    uint8_t *buf = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__read_file(path, QIB_MANIFEST_MAX_BYTES, &buf, &len, err));
    qib_status st = qib_manifest_parse((const char *)buf, len, path, flags, out, err);
    free(buf);
    return st;
}

void qib_manifest_free(qib_manifest *m) {
    if (!m) return;
    free(m->store);
    free(m->offs);
    free(m->lines);
    free(m);
}

size_t qib_manifest_rows(const qib_manifest *m) { return m ? m->rows : 0; }
size_t qib_manifest_columns(const qib_manifest *m) { return m ? m->cols : 0; }

const char *qib_manifest_column_name(const qib_manifest *m, size_t col) {
    return (m && col < m->cols) ? m->store + m->offs[col] : NULL;
}

long qib_manifest_column_index(const qib_manifest *m, const char *name) {
    if (!m || !name) return -1;
    for (size_t c = 0; c < m->cols; c++)
        if (!strcmp(m->store + m->offs[c], name)) return (long)c;
    return -1;
}

long qib_manifest_image_column(const qib_manifest *m) { return m ? m->image_col : -1; }
long qib_manifest_mask_column(const qib_manifest *m) { return m ? m->mask_col : -1; }
long qib_manifest_label_column(const qib_manifest *m) { return m ? m->label_col : -1; }

const char *qib_manifest_cell(const qib_manifest *m, size_t row, size_t col) {
    if (!m || row >= m->rows || col >= m->cols) return NULL;
    return m->store + m->offs[(row + 1) * m->cols + col];
}

uint64_t qib_manifest_row_line(const qib_manifest *m, size_t row) {
    return (m && row < m->rows) ? m->lines[row + 1] : 0;
}
