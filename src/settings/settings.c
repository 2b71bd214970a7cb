/* SPDX-License-Identifier: Apache-2.0 */
/* settings.c: setting values, parsing from text, canonical JSON and hash. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "settings_table.h"

#define VALUE_TEXT_MAX 256

typedef struct setting_value {
    int64_t i;       /* INT, BOOL */
    double r;        /* REAL */
    char s[VALUE_TEXT_MAX]; /* STRING, CHOICE */
} setting_value;

struct qib_settings {
    setting_value *v; /* one per registry entry */
};

size_t qib_setting_count(void) { return qib__settings_table_count; }

const qib_setting_info *qib_setting_at(size_t i) {
    return i < qib__settings_table_count ? &qib__settings_table[i] : NULL;
}

static long find_index(const char *name) {
    for (size_t i = 0; i < qib__settings_table_count; i++)
        if (!strcmp(qib__settings_table[i].name, name)) return (long)i;
    return -1;
}

const qib_setting_info *qib_setting_find(const char *name) {
    long i = find_index(name);
    return i < 0 ? NULL : &qib__settings_table[i];
}

/* Is `value` one of the '|'-separated choices? */
static bool is_choice(const char *choices, const char *value) {
    size_t n = strlen(value);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, value, n)) return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static qib_status parse_value(const qib_setting_info *info, const char *text, setting_value *out,
                              qib_error *err) {
    char *end = NULL;
    switch (info->type) {
    case QIB_SETTING_INT: {
        errno = 0;
        long long x = strtoll(text, &end, 10);
        QIB_FAIL_IF(errno || end == text || *end, err, QIB_ERR_ARG, NULL, -1, info->name,
                    "'%s' is not an integer", text);
        QIB_FAIL_IF((double)x < info->min || (double)x > info->max, err, QIB_ERR_ARG, NULL, -1,
                    info->name, "%lld is outside the allowed range [%.17g, %.17g]", x,
                    info->min, info->max);
        out->i = x;
        return QIB_OK;
    }
    case QIB_SETTING_REAL: {
        errno = 0;
        double x = strtod(text, &end);
        QIB_FAIL_IF(errno || end == text || *end || !isfinite(x), err, QIB_ERR_ARG, NULL, -1,
                    info->name, "'%s' is not a finite number", text);
        QIB_FAIL_IF(x < info->min || x > info->max, err, QIB_ERR_ARG, NULL, -1, info->name,
                    "%.17g is outside the allowed range [%.17g, %.17g]", x, info->min,
                    info->max);
        out->r = x;
        return QIB_OK;
    }
    case QIB_SETTING_BOOL:
        if (!strcasecmp(text, "true") || !strcmp(text, "1") || !strcasecmp(text, "yes") ||
            !strcasecmp(text, "on"))
            out->i = 1;
        else if (!strcasecmp(text, "false") || !strcmp(text, "0") || !strcasecmp(text, "no") ||
                 !strcasecmp(text, "off"))
            out->i = 0;
        else
            return qib__fail(err, QIB_ERR_ARG, NULL, -1, info->name,
                             "'%s' is not a boolean (true or false)", text);
        return QIB_OK;
    case QIB_SETTING_STRING:
    case QIB_SETTING_CHOICE:
        QIB_FAIL_IF(strlen(text) >= VALUE_TEXT_MAX, err, QIB_ERR_ARG, NULL, -1, info->name,
                    "value is %zu bytes long; at most %d are allowed", strlen(text),
                    VALUE_TEXT_MAX - 1);
        QIB_FAIL_IF(info->type == QIB_SETTING_CHOICE && !is_choice(info->choices, text), err,
                    QIB_ERR_ARG, NULL, -1, info->name, "'%s' is not one of %s", text,
                    info->choices);
        snprintf(out->s, sizeof out->s, "%s", text);
        return QIB_OK;
    }
    return qib__fail(err, QIB_ERR_ARG, NULL, -1, info->name, "setting has an unknown type");
}

qib_status qib_settings_create(qib_settings **out, qib_error *err) {
    qib_settings *s = calloc(1, sizeof *s);
    if (!s) return qib__nomem(err, NULL, "settings");
    s->v = calloc(qib__settings_table_count ? qib__settings_table_count : 1, sizeof *s->v);
    if (!s->v) {
        free(s);
        return qib__nomem(err, NULL, "settings");
    }
    for (size_t i = 0; i < qib__settings_table_count; i++) {
        qib_status st = parse_value(&qib__settings_table[i], qib__settings_table[i].default_value,
                                    &s->v[i], err);
        if (st != QIB_OK) { /* a bad default is a bug in the table */
            qib_settings_free(s);
            return st;
        }
    }
    *out = s;
    return QIB_OK;
}

qib_status qib_settings_copy(const qib_settings *s, qib_settings **out, qib_error *err) {
    qib_settings *c = NULL;
    QIB_FORWARD(qib_settings_create(&c, err));
    memcpy(c->v, s->v, qib__settings_table_count * sizeof *s->v);
    *out = c;
    return QIB_OK;
}

void qib_settings_free(qib_settings *s) {
    if (!s) return;
    free(s->v);
    free(s);
}

qib_status qib_settings_set(qib_settings *s, const char *name, const char *value,
                            qib_error *err) {
    long i = find_index(name);
    QIB_FAIL_IF(i < 0, err, QIB_ERR_ARG, NULL, -1, name,
                "no such setting (see `qib settings` for the list)");
    setting_value v = s->v[i];
    QIB_FORWARD(parse_value(&qib__settings_table[i], value, &v, err));
    if (!strcmp(name, "preset")) /* a preset sets the settings it covers first */
        QIB_FORWARD(qib__settings_apply_preset(s, v.s, err));
    s->v[i] = v;
    return QIB_OK;
}

static const setting_value *typed(const qib_settings *s, const char *name, qib_setting_type t,
                                  qib_setting_type t2) {
    long i = find_index(name);
    if (i < 0) return NULL;
    qib_setting_type have = qib__settings_table[i].type;
    return (have == t || have == t2) ? &s->v[i] : NULL;
}

int64_t qib_settings_int(const qib_settings *s, const char *name) {
    const setting_value *v = typed(s, name, QIB_SETTING_INT, QIB_SETTING_INT);
    return v ? v->i : 0;
}

double qib_settings_real(const qib_settings *s, const char *name) {
    const setting_value *v = typed(s, name, QIB_SETTING_REAL, QIB_SETTING_REAL);
    return v ? v->r : 0.0;
}

int qib_settings_bool(const qib_settings *s, const char *name) {
    const setting_value *v = typed(s, name, QIB_SETTING_BOOL, QIB_SETTING_BOOL);
    return v ? (int)v->i : 0;
}

const char *qib_settings_string(const qib_settings *s, const char *name) {
    const setting_value *v = typed(s, name, QIB_SETTING_STRING, QIB_SETTING_CHOICE);
    return v ? v->s : "";
}

static void value_text(qib_buf *b, const qib_setting_info *info, const setting_value *v,
                       bool json) {
    switch (info->type) {
    case QIB_SETTING_INT: qib__buf_printf(b, "%lld", (long long)v->i); break;
    case QIB_SETTING_REAL: qib__buf_double(b, v->r); break;
    case QIB_SETTING_BOOL: qib__buf_puts(b, v->i ? "true" : "false"); break;
    default:
        if (json)
            qib__buf_json_string(b, v->s);
        else
            qib__buf_puts(b, v->s);
    }
}

qib_status qib_settings_get_text(const qib_settings *s, const char *name, char *buf, size_t n,
                                 qib_error *err) {
    long i = find_index(name);
    QIB_FAIL_IF(i < 0, err, QIB_ERR_ARG, NULL, -1, name, "no such setting");
    qib_buf b;
    qib__buf_init(&b);
    value_text(&b, &qib__settings_table[i], &s->v[i], false);
    char *t = qib__buf_take(&b);
    if (!t) return qib__nomem(err, NULL, "setting text");
    snprintf(buf, n, "%s", t);
    free(t);
    return QIB_OK;
}

qib_status qib_settings_to_json(const qib_settings *s, char **out, qib_error *err) {
    qib_buf b;
    qib__buf_init(&b);
    qib__buf_puts(&b, "{\n");
    for (size_t i = 0; i < qib__settings_table_count; i++) {
        qib__buf_puts(&b, "  ");
        qib__buf_json_string(&b, qib__settings_table[i].name);
        qib__buf_puts(&b, ": ");
        value_text(&b, &qib__settings_table[i], &s->v[i], true);
        qib__buf_puts(&b, i + 1 < qib__settings_table_count ? ",\n" : "\n");
    }
    qib__buf_puts(&b, "}\n");
    char *t = qib__buf_take(&b);
    if (!t) return qib__nomem(err, NULL, "settings JSON");
    *out = t;
    return QIB_OK;
}

qib_status qib_settings_sha256(const qib_settings *s, char hex[65], qib_error *err) {
    char *json = NULL;
    QIB_FORWARD(qib_settings_to_json(s, &json, err));
    qib_sha256_buffer(json, strlen(json), hex);
    free(json);
    return QIB_OK;
}
