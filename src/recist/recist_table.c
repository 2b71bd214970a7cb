/* SPDX-License-Identifier: Apache-2.0 */
/* recist_table.c: the RECIST lesion table (a long CSV, one row per lesion
 * per time point), read with the RFC 4180 reader of qib_manifest_parse and
 * checked row by row. The rules that need several rows live in
 * recist_response.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib/batch.h"
#include "recist_internal.h"

static const char *const column_names[QIB_RC_COUNT] = {
    "subject", "timepoint", "lesion", "role", "organ", "node", "diameter_mm", "status", "day"};

const char *qib__recist_column_name(int col) {
    return col >= 0 && col < QIB_RC_COUNT ? column_names[col] : "";
}

qib_status qib__recist_fail(qib_error *err, const char *name, uint64_t line, int col,
                            qib_status st, const char *fmt, ...) {
    char field[QIB_ERROR_FIELD_MAX], reason[QIB_ERROR_REASON_MAX];
    if (col >= 0)
        snprintf(field, sizeof field, "line %llu, column %s", (unsigned long long)line,
                 qib__recist_column_name(col));
    else
        snprintf(field, sizeof field, "line %llu", (unsigned long long)line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return qib__fail(err, st, name, -1, field, "%s", reason);
}

/* Bounds that catch typing errors and keep every sum finite. */
#define MAX_DIAMETER_MM 10000.0
#define MAX_DAYS 1e6

struct qib_recist_table {
    char *name;
    char *arena;          /* the strings of every row, trimmed, NUL-terminated */
    qib_recist_row *rows;
    size_t n;
    int has_days;
};

/* ---- cells ---- */

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Trimmed bounds of s. */
static void trim(const char *s, size_t *off, size_t *len) {
    size_t a = 0, b = strlen(s);
    while (a < b && is_space(s[a])) a++;
    while (b > a && is_space(s[b - 1])) b--;
    *off = a;
    *len = b - a;
}

/* A keyword in canonical form: lower case, '-' and ' ' as '_'. Returns
 * false when it does not fit (then it matches nothing). */
static bool canonical(const char *s, char *out, size_t cap) {
    size_t off, len;
    trim(s, &off, &len);
    if (len >= cap) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[off + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c == '-' || c == ' ') c = '_';
        out[i] = c;
    }
    out[len] = '\0';
    return true;
}

/* Text of a value for a message: printable ASCII, cut at 40 bytes. */
static void shown(const char *s, char *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 4 < cap && i < 40; i++) {
        unsigned char u = (unsigned char)s[i];
        out[i] = (u >= 32 && u < 127) ? (char)u : '?';
    }
    if (s[i]) {
        out[i++] = '.';
        out[i++] = '.';
        out[i++] = '.';
    }
    out[i] = '\0';
}

/* A decimal number (no hex, inf or nan); empty is NaN. */
static bool number(const char *s, double *v) {
    size_t off, len;
    trim(s, &off, &len);
    if (len == 0) {
        *v = NAN;
        return true;
    }
    char tmp[64];
    if (len >= sizeof tmp) return false;
    memcpy(tmp, s + off, len);
    tmp[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", tmp[i])) return false;
    char *end;
    errno = 0;
    double x = strtod(tmp, &end);
    if (end != tmp + len || errno == ERANGE || !isfinite(x)) return false;
    *v = x;
    return true;
}

static bool parse_role(const char *s, qib_recist_role *r) {
    char c[32];
    if (!canonical(s, c, sizeof c)) return false;
    if (!strcmp(c, "target")) *r = QIB_RECIST_TARGET;
    else if (!strcmp(c, "nontarget") || !strcmp(c, "non_target")) *r = QIB_RECIST_NONTARGET;
    else if (!strcmp(c, "new")) *r = QIB_RECIST_NEW;
    else return false;
    return true;
}

/* status 0 when empty. */
static bool parse_status(const char *s, int *st) {
    char c[40];
    if (!canonical(s, c, sizeof c)) return false;
    static const struct {
        const char *name;
        qib_recist_status st;
    } names[] = {
        {"measured", QIB_RECIST_MEASURED}, {"too_small", QIB_RECIST_TOO_SMALL},
        {"absent", QIB_RECIST_ABSENT}, {"present", QIB_RECIST_PRESENT},
        {"unequivocal_progression", QIB_RECIST_UNEQUIVOCAL_PROGRESSION},
        {"not_evaluated", QIB_RECIST_NOT_EVALUATED},
    };
    if (!c[0]) {
        *st = 0;
        return true;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(c, names[i].name)) {
            *st = (int)names[i].st;
            return true;
        }
    return false;
}

static bool parse_node(const char *s, int *node) {
    char c[8];
    if (!canonical(s, c, sizeof c)) return false;
    if (!strcmp(c, "yes") || !strcmp(c, "y") || !strcmp(c, "true") || !strcmp(c, "1")) *node = 1;
    else if (!strcmp(c, "no") || !strcmp(c, "n") || !strcmp(c, "false") || !strcmp(c, "0")) *node = 0;
    else return false;
    return true;
}

/* ---- the header ---- */

static qib_status map_columns(const qib_manifest *m, const char *name, long col[QIB_RC_COUNT],
                              qib_error *err) {
    for (int c = 0; c < QIB_RC_COUNT; c++) col[c] = -1;
    size_t nc = qib_manifest_columns(m);
    for (size_t i = 0; i < nc; i++) {
        char c[32];
        const char *h = qib_manifest_column_name(m, i);
        int found = -1;
        if (canonical(h, c, sizeof c))
            for (int k = 0; k < QIB_RC_COUNT; k++)
                if (!strcmp(c, column_names[k])) found = k;
        if (found < 0) {
            char s[48];
            shown(h, s, sizeof s);
            return qib__recist_fail(err, name, 1, -1, QIB_ERR_FORMAT,
                                    "unknown column '%s' (column %zu); the columns are subject, "
                                    "timepoint, lesion, role, organ, node, diameter_mm, status "
                                    "and optionally day", s, i + 1);
        }
        if (col[found] >= 0)
            return qib__recist_fail(err, name, 1, found, QIB_ERR_FORMAT,
                                    "column %s appears twice (columns %ld and %zu)",
                                    column_names[found], col[found] + 1, i + 1);
        col[found] = (long)i;
    }
    for (int k = 0; k < QIB_RC_DAY; k++)
        if (col[k] < 0)
            return qib__recist_fail(err, name, 1, k, QIB_ERR_FORMAT,
                                    "the header has no %s column", column_names[k]);
    return QIB_OK;
}

/* ---- rows ---- */

/* Checks the cells of one row that stand alone and fills r (strings are
 * filled by the caller). */
static qib_status check_row(const char *const cell[QIB_RC_COUNT], const char *name, uint64_t line,
                            qib_recist_row *r, qib_error *err) {
    char s[48];
    for (int k = QIB_RC_SUBJECT; k <= QIB_RC_LESION; k++) {
        size_t off, len;
        trim(cell[k], &off, &len);
        if (len == 0)
            return qib__recist_fail(err, name, line, k, QIB_ERR_FORMAT, "the %s is empty",
                                    column_names[k]);
    }
    if (!parse_role(cell[QIB_RC_ROLE], &r->role)) {
        shown(cell[QIB_RC_ROLE], s, sizeof s);
        return qib__recist_fail(err, name, line, QIB_RC_ROLE, QIB_ERR_FORMAT,
                                "unknown role '%s': target, nontarget or new", s);
    }
    if (!parse_node(cell[QIB_RC_NODE], &r->node)) {
        shown(cell[QIB_RC_NODE], s, sizeof s);
        return qib__recist_fail(err, name, line, QIB_RC_NODE, QIB_ERR_FORMAT,
                                "node is '%s': yes or no", s);
    }
    if (!number(cell[QIB_RC_DIAMETER], &r->diameter_mm) ||
        (!isnan(r->diameter_mm) && !(r->diameter_mm >= 0 && r->diameter_mm <= MAX_DIAMETER_MM))) {
        shown(cell[QIB_RC_DIAMETER], s, sizeof s);
        return qib__recist_fail(err, name, line, QIB_RC_DIAMETER, QIB_ERR_FORMAT,
                                "diameter '%s' is not a number of mm from 0 to 10000", s);
    }
    r->day = NAN;
    if (cell[QIB_RC_DAY] && (!number(cell[QIB_RC_DAY], &r->day) || fabs(r->day) > MAX_DAYS)) {
        shown(cell[QIB_RC_DAY], s, sizeof s);
        return qib__recist_fail(err, name, line, QIB_RC_DAY, QIB_ERR_FORMAT,
                                "day '%s' is not a number of days (at most 10^6 from baseline)", s);
    }
    int st;
    if (!parse_status(cell[QIB_RC_STATUS], &st)) {
        shown(cell[QIB_RC_STATUS], s, sizeof s);
        return qib__recist_fail(err, name, line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                "unknown status '%s': measured, too_small, absent, present, "
                                "unequivocal_progression or not_evaluated", s);
    }
    bool has_d = !isnan(r->diameter_mm);
    switch (r->role) {
    case QIB_RECIST_TARGET:
        if (st == 0) st = QIB_RECIST_MEASURED;
        if (st == QIB_RECIST_PRESENT || st == QIB_RECIST_UNEQUIVOCAL_PROGRESSION)
            return qib__recist_fail(err, name, line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                    "status %s is for non-targets; a target is measured, "
                                    "too_small, absent or not_evaluated",
                                    st == QIB_RECIST_PRESENT ? "present" : "unequivocal_progression");
        if (st == QIB_RECIST_MEASURED && !has_d)
            return qib__recist_fail(err, name, line, QIB_RC_DIAMETER, QIB_ERR_FORMAT,
                                    "a measured target needs its diameter (mm)");
        {
            size_t off, len;
            trim(cell[QIB_RC_ORGAN], &off, &len);
            if (len == 0 && !r->node) /* the two-per-organ rule needs it */
                return qib__recist_fail(err, name, line, QIB_RC_ORGAN, QIB_ERR_FORMAT,
                                        "a target lesion needs its organ");
        }
        break;
    case QIB_RECIST_NONTARGET:
        if (st == 0 || st == QIB_RECIST_MEASURED || st == QIB_RECIST_TOO_SMALL)
            return qib__recist_fail(err, name, line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                    "a non-target's status is present, absent, "
                                    "unequivocal_progression or not_evaluated, not '%s'",
                                    st == 0 ? "" : st == QIB_RECIST_MEASURED ? "measured" : "too_small");
        if (has_d)
            return qib__recist_fail(err, name, line, QIB_RC_DIAMETER, QIB_ERR_FORMAT,
                                    "a non-target is assessed by its status; leave its diameter "
                                    "empty");
        break;
    case QIB_RECIST_NEW:
        if (st == 0) st = QIB_RECIST_PRESENT;
        if (st != QIB_RECIST_PRESENT)
            return qib__recist_fail(err, name, line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                    "a new lesion's status is present (or empty)");
        break;
    }
    r->status = (qib_recist_status)st;
    return QIB_OK;
}

void qib_recist_table_free(qib_recist_table *t) {
    if (!t) return;
    free(t->name);
    free(t->arena);
    free(t->rows);
    free(t);
}

qib_status qib_recist_table_parse(const char *text, size_t len, const char *name,
                                  qib_recist_table **out, qib_error *err) {
    if (!name) name = "<memory>";
    QIB_FAIL_IF(!out || (!text && len), err, QIB_ERR_ARG, name, -1, NULL,
                "a text and an output are needed");
    qib_manifest *m = NULL;
    QIB_FORWARD(qib_manifest_parse(text ? text : "", len, name, QIB_MANIFEST_PLAIN, &m, err));
    qib_recist_table *t = NULL;
    long col[QIB_RC_COUNT];
    qib_status st = map_columns(m, name, col, err);
    size_t rows = qib_manifest_rows(m);
    if (st == QIB_OK && rows > QIB_RECIST_MAX_ROWS)
        st = qib__fail(err, QIB_ERR_LIMIT, name, -1, NULL, "%zu rows; at most %u are read", rows,
                       QIB_RECIST_MAX_ROWS);
    if (st == QIB_OK && rows == 0)
        st = qib__recist_fail(err, name, 2, -1, QIB_ERR_FORMAT, "the table has no rows");
    if (st == QIB_OK) {
        t = calloc(1, sizeof *t);
        if (t) t->name = strdup(name);
        if (t) t->rows = calloc(rows, sizeof *t->rows);
        if (!t || !t->name || !t->rows) st = qib__nomem(err, name, "the lesion table");
    }
    /* the arena holds the four strings of every row */
    size_t bytes = 0;
    static const int str_cols[4] = {QIB_RC_SUBJECT, QIB_RC_TIMEPOINT, QIB_RC_LESION, QIB_RC_ORGAN};
    for (size_t r = 0; st == QIB_OK && r < rows; r++)
        for (int k = 0; k < 4; k++) bytes += strlen(qib_manifest_cell(m, r, (size_t)col[str_cols[k]])) + 1;
    if (st == QIB_OK) {
        t->arena = malloc(bytes ? bytes : 1);
        if (!t->arena) st = qib__nomem(err, name, "the lesion table");
    }
    size_t at = 0;
    for (size_t r = 0; st == QIB_OK && r < rows; r++) {
        const char *cell[QIB_RC_COUNT];
        for (int k = 0; k < QIB_RC_COUNT; k++)
            cell[k] = col[k] >= 0 ? qib_manifest_cell(m, r, (size_t)col[k]) : NULL;
        qib_recist_row *row = &t->rows[r];
        row->line = qib_manifest_row_line(m, r);
        st = check_row(cell, name, row->line, row, err);
        const char **dst[4] = {&row->subject, &row->timepoint, &row->lesion, &row->organ};
        for (int k = 0; st == QIB_OK && k < 4; k++) {
            size_t off, l;
            trim(cell[str_cols[k]], &off, &l);
            memcpy(t->arena + at, cell[str_cols[k]] + off, l);
            t->arena[at + l] = '\0';
            *dst[k] = t->arena + at;
            at += l + 1;
        }
    }
    qib_manifest_free(m);
    if (st != QIB_OK) {
        qib_recist_table_free(t);
        return st;
    }
    t->n = rows;
    t->has_days = col[QIB_RC_DAY] >= 0;
    *out = t;
    return QIB_OK;
}

qib_status qib_recist_table_read(const char *path, qib_recist_table **out, qib_error *err) {
    uint8_t *buf = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__read_file(path, (uint64_t)256 << 20, &buf, &len, err));
    qib_status st = qib_recist_table_parse((const char *)buf, len, path, out, err);
    free(buf);
    return st;
}

size_t qib_recist_table_rows(const qib_recist_table *t) { return t ? t->n : 0; }

const qib_recist_row *qib_recist_table_row(const qib_recist_table *t, size_t i) {
    return t && i < t->n ? &t->rows[i] : NULL;
}

int qib_recist_table_has_days(const qib_recist_table *t) { return t ? t->has_days : 0; }

const char *qib_recist_table_name(const qib_recist_table *t) { return t ? t->name : ""; }
