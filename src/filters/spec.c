/* SPDX-License-Identifier: Apache-2.0 */
/* spec.c: the filter spec parser, "NAME[:KEY=VALUE[,KEY=VALUE]...]".
 *
 * Grammar (no spaces anywhere):
 *     spec  = name [ ":" pair *( "," pair ) ]
 *     name  = 1*( a-z / 0-9 / "_" )
 *     pair  = key "=" value
 *     key   = 1*( a-z / 0-9 / "_" )
 *     value = 1*( A-Z / a-z / 0-9 / "." / "+" / "-" )
 * The name must be in the registry and each key one of its parameters, at
 * most once; the value must fit the parameter's type and range. Every
 * failure names the parameter and the byte where it starts. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define SPEC_MAX_LEN 1024

static const qib_filter_param_info *param_info(const qib__filter_def *d, const char *name,
                                               size_t len, size_t *index) {
    for (size_t i = 0; i < d->info.n_params; i++) {
        const char *p = d->info.params[i].name;
        if (strlen(p) == len && !strncmp(p, name, len)) {
            *index = i;
            return &d->info.params[i];
        }
    }
    return NULL;
}

/* A filter asking for a name its table lacks is a bug the unit tests would
 * show (every filter runs there); it reads a zero value rather than crash. */
const qib__param_value *qib__spec_param(const qib_filter_spec *s, const char *name) {
    static const qib__param_value missing = {0, 0, "", 0, 0};
    size_t i = 0;
    if (!param_info(s->def, name, strlen(name), &i)) return &missing;
    return &s->v[i];
}
double qib__spec_num(const qib_filter_spec *s, const char *name) {
    return qib__spec_param(s, name)->num;
}
int qib__spec_choice(const qib_filter_spec *s, const char *name) {
    return qib__spec_param(s, name)->choice;
}
const char *qib__spec_text(const qib_filter_spec *s, const char *name) {
    return qib__spec_param(s, name)->text;
}

qib_status qib__spec_fail(const qib_filter_spec *s, const char *name, qib_error *err,
                          const char *fmt, ...) {
    const qib__param_value *v = qib__spec_param(s, name);
    char reason[QIB_ERROR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return qib__fail(err, QIB_ERR_ARG, NULL, v->given ? (int64_t)v->offset : -1, name, "%s",
                     reason);
}

/* Index of word w (length len) in a "a|b|c" list, or -1. */
static int choice_index(const char *choices, const char *w, size_t len) {
    int idx = 0;
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == len && !strncmp(p, w, len)) return idx;
        idx++;
        if (!bar) break;
        p = bar + 1;
    }
    return -1;
}

/* Shortest "%.Ng" (15..17 digits) that reads back exactly. */
static void format_number(double x, char *buf, size_t n) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

/* Parses one value of parameter p written at text[0..len) (offset `at` in
 * the spec) into v. Numbers must use the whole text and be finite and in
 * range; integers must also be whole. */
static qib_status parse_value(const qib_filter_param_info *p, const char *text, size_t len,
                              size_t at, qib__param_value *v, qib_error *err) {
    int64_t off = (int64_t)at;
    QIB_FAIL_IF(len == 0, err, QIB_ERR_ARG, NULL, off, p->name, "empty value");
    QIB_FAIL_IF(len >= QIB__FILTER_TEXT_MAX, err, QIB_ERR_ARG, NULL, off, p->name,
                "value of %zu characters; at most %d allowed", len, QIB__FILTER_TEXT_MAX - 1);
    memcpy(v->text, text, len);
    v->text[len] = '\0';
    v->offset = at;
    switch (p->type) {
    case QIB_FILTER_PARAM_NUMBER:
    case QIB_FILTER_PARAM_INTEGER: {
        char *end = NULL;
        errno = 0;
        double x = strtod(v->text, &end);
        QIB_FAIL_IF(end == v->text || *end != '\0', err, QIB_ERR_ARG, NULL, off, p->name,
                    "'%s' is not a number", v->text);
        QIB_FAIL_IF(!isfinite(x) || errno == ERANGE, err, QIB_ERR_ARG, NULL, off, p->name,
                    "'%s' is not a finite number", v->text);
        if (p->type == QIB_FILTER_PARAM_INTEGER)
            QIB_FAIL_IF(x != floor(x), err, QIB_ERR_ARG, NULL, off, p->name,
                        "'%s' is not a whole number", v->text);
        char lo[32], hi[32];
        format_number(p->min, lo, sizeof lo);
        format_number(p->max, hi, sizeof hi);
        QIB_FAIL_IF(!(x >= p->min && x <= p->max), err, QIB_ERR_ARG, NULL, off, p->name,
                    "%s is out of range; allowed %s .. %s%s%s", v->text, lo, hi,
                    p->unit[0] ? " " : "", p->unit);
        v->num = x;
        return QIB_OK;
    }
    case QIB_FILTER_PARAM_CHOICE:
        v->choice = choice_index(p->choices, text, len);
        QIB_FAIL_IF(v->choice < 0, err, QIB_ERR_ARG, NULL, off, p->name,
                    "'%s' is not allowed; choose one of %s", v->text, p->choices);
        return QIB_OK;
    case QIB_FILTER_PARAM_TEXT: return QIB_OK; /* the filter's check judges it */
    }
    return qib__fail(err, QIB_ERR_ARG, NULL, off, p->name, "unknown parameter type");
}

static int is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
static int is_value_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '+' || c == '-';
}

/* Lists the parameter names of d ("a, b, c") for messages. */
static void param_names(const qib__filter_def *d, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->info.n_params && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", d->info.params[i].name);
        if (w < 0) break;
        used += (size_t)w;
    }
}
static void filter_names(char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < qib__filter_def_count() && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                         qib__filter_def_at(i)->info.name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* Parses the key=value pairs that follow the name (text[pos] is the first
 * character after ':'). */
static qib_status parse_pairs(const char *text, size_t pos, size_t len, qib_filter_spec *s,
                              qib_error *err) {
    const qib__filter_def *d = s->def;
    for (;;) {
        size_t k0 = pos;
        while (pos < len && is_word_char(text[pos])) pos++;
        if (pos == k0) {
            QIB_FAIL_IF(pos >= len, err, QIB_ERR_ARG, NULL, (int64_t)pos, "filter",
                        "expected KEY=VALUE after '%c'", text[pos - 1]);
            return qib__fail(err, QIB_ERR_ARG, NULL, (int64_t)pos, "filter",
                             "unexpected character '%c'; expected a parameter name", text[pos]);
        }
        size_t idx = 0;
        const qib_filter_param_info *p = param_info(d, text + k0, pos - k0, &idx);
        if (!p) {
            char names[400];
            param_names(d, names, sizeof names);
            return qib__fail(err, QIB_ERR_ARG, NULL, (int64_t)k0, "filter",
                             "'%.*s' is not a parameter of %s; its parameters are %s",
                             (int)(pos - k0 > 40 ? 40 : pos - k0), text + k0, d->info.name,
                             names);
        }
        QIB_FAIL_IF(s->v[idx].given, err, QIB_ERR_ARG, NULL, (int64_t)k0, p->name,
                    "given twice");
        QIB_FAIL_IF(pos >= len || text[pos] != '=', err, QIB_ERR_ARG, NULL, (int64_t)pos,
                    p->name, "expected '=' after the parameter name");
        size_t v0 = ++pos;
        while (pos < len && is_value_char(text[pos])) pos++;
        QIB_FORWARD(parse_value(p, text + v0, pos - v0, v0, &s->v[idx], err));
        s->v[idx].given = 1;
        if (pos == len) return QIB_OK;
        QIB_FAIL_IF(text[pos] != ',', err, QIB_ERR_ARG, NULL, (int64_t)pos, p->name,
                    "unexpected character '%c' in the value; expected ',' or the end",
                    text[pos]);
        pos++;
    }
}

qib_status qib_filter_spec_parse(const char *text, qib_filter_spec **out, qib_error *err) {
    QIB_FAIL_IF(!text || !out, err, QIB_ERR_ARG, NULL, -1, "filter", "no spec given");
    size_t len = strnlen(text, SPEC_MAX_LEN + 1);
    QIB_FAIL_IF(len > SPEC_MAX_LEN, err, QIB_ERR_ARG, NULL, -1, "filter",
                "spec longer than %d bytes", SPEC_MAX_LEN);
    size_t pos = 0;
    while (pos < len && is_word_char(text[pos])) pos++;
    QIB_FAIL_IF(pos == 0, err, QIB_ERR_ARG, NULL, 0, "filter",
                "a spec starts with a filter name, e.g. log:sigma=1.5");
    const qib__filter_def *d = NULL;
    for (size_t i = 0; i < qib__filter_def_count(); i++) {
        const char *nm = qib__filter_def_at(i)->info.name;
        if (strlen(nm) == pos && !strncmp(nm, text, pos)) d = qib__filter_def_at(i);
    }
    if (!d) {
        char names[400];
        filter_names(names, sizeof names);
        return qib__fail(err, QIB_ERR_ARG, NULL, 0, "filter",
                         "unknown filter '%.*s'; filters are %s", (int)(pos > 40 ? 40 : pos),
                         text, names);
    }
    QIB_FAIL_IF(pos < len && text[pos] != ':', err, QIB_ERR_ARG, NULL, (int64_t)pos, "filter",
                "unexpected character '%c' after the filter name; expected ':'", text[pos]);

    qib_filter_spec *s = calloc(1, sizeof *s);
    if (!s) return qib__nomem(err, NULL, "a filter spec");
    s->def = d;
    qib_status st = QIB_OK;
    if (pos < len) st = parse_pairs(text, pos + 1, len, s, err);
    /* defaults, then required parameters */
    for (size_t i = 0; st == QIB_OK && i < d->info.n_params; i++) {
        const qib_filter_param_info *p = &d->info.params[i];
        if (s->v[i].given) continue;
        if (!p->default_value) {
            st = qib__fail(err, QIB_ERR_ARG, NULL, -1, p->name,
                           "required by %s; give %s=VALUE", d->info.name, p->name);
            break;
        }
        st = parse_value(p, p->default_value, strlen(p->default_value), 0, &s->v[i], err);
    }
    if (st == QIB_OK && d->check) st = d->check(s, err);
    if (st != QIB_OK) {
        free(s);
        return st;
    }
    *out = s;
    return QIB_OK;
}

void qib_filter_spec_free(qib_filter_spec *spec) { free(spec); }

const qib_filter_info *qib_filter_spec_filter(const qib_filter_spec *spec) {
    return spec ? &spec->def->info : NULL;
}

size_t qib_filter_spec_format(const qib_filter_spec *spec, char *buf, size_t n) {
    qib_buf b;
    qib__buf_init(&b);
    qib__buf_puts(&b, spec->def->info.name);
    for (size_t i = 0; i < spec->def->info.n_params; i++) {
        const qib_filter_param_info *p = &spec->def->info.params[i];
        const qib__param_value *v = &spec->v[i];
        qib__buf_printf(&b, "%c%s=", i ? ',' : ':', p->name);
        if (p->type == QIB_FILTER_PARAM_NUMBER || p->type == QIB_FILTER_PARAM_INTEGER) {
            char num[40];
            format_number(v->num, num, sizeof num);
            qib__buf_puts(&b, num);
        } else {
            qib__buf_puts(&b, v->text);
        }
    }
    size_t need = b.failed ? 0 : b.len;
    if (n > 0) {
        size_t c = need < n - 1 ? need : n - 1;
        if (c) memcpy(buf, b.data, c);
        buf[c] = '\0';
    }
    qib__buf_free(&b);
    return need;
}
