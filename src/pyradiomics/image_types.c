/* SPDX-License-Identifier: Apache-2.0 */
/* image_types.c: the image_types setting (which images features are
 * computed on), in PyRadiomics' vocabulary (imageType section of its
 * parameter files: Original, Wavelet, LoG, Square, SquareRoot, Logarithm,
 * Exponential, Gradient, LBP2D, LBP3D). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pr_diagnostics.h"

static const char *const known_types[] = {"Original", "Wavelet",     "LoG",      "Square",
                                          "SquareRoot", "Logarithm", "Exponential", "Gradient",
                                          "LBP2D",    "LBP3D"};

void qib__pr_image_types_free(qib_pr_image_types *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < t->items[i].n_params; k++) {
            free(t->items[i].keys[k]);
            free(t->items[i].values[k]);
        }
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

/* A copy of [p, e) without surrounding blanks. */
static char *trimmed(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t n = (size_t)(e - p);
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, p, n);
        c[n] = 0;
    }
    return c;
}

/* End of a parameter: the next ',' or ';' outside brackets, or the end. */
static const char *param_end(const char *p, char stop) {
    int depth = 0;
    for (; *p; p++) {
        if (*p == '[' || *p == '(' || *p == '{') depth++;
        else if ((*p == ']' || *p == ')' || *p == '}') && depth > 0) depth--;
        else if (depth == 0 && (*p == stop || *p == ';')) break;
    }
    return p;
}

static qib_status parse_params(const char *p, const char *end, qib_pr_image_type *t,
                               qib_error *err) {
    while (p < end) {
        const char *e = param_end(p, ',');
        if (e > end) e = end;
        const char *eq = memchr(p, '=', (size_t)(e - p));
        QIB_FAIL_IF(!eq, err, QIB_ERR_ARG, NULL, -1, "image_types",
                    "parameter '%.*s' of image type %s is not KEY=VALUE", (int)(e - p), p,
                    t->name);
        QIB_FAIL_IF(t->n_params == QIB_PR_MAX_TYPE_PARAMS, err, QIB_ERR_LIMIT, NULL, -1,
                    "image_types", "image type %s has more than %d parameters", t->name,
                    QIB_PR_MAX_TYPE_PARAMS);
        char *k = trimmed(p, eq), *v = trimmed(eq + 1, e);
        if (!k || !v) {
            free(k);
            free(v);
            return qib__nomem(err, NULL, "image_types");
        }
        t->keys[t->n_params] = k;
        t->values[t->n_params] = v;
        t->n_params++;
        QIB_FAIL_IF(!k[0] || !v[0], err, QIB_ERR_ARG, NULL, -1, "image_types",
                    "image type %s has an empty parameter name or value", t->name);
        p = *e == ',' ? e + 1 : e;
    }
    return QIB_OK;
}

qib_status qib__pr_image_types_parse(const char *text, qib_pr_image_types *out, qib_error *err) {
    memset(out, 0, sizeof *out);
    qib_status st = QIB_OK;
    const char *p = text;
    while (*p && st == QIB_OK) {
        while (*p == ' ' || *p == ';') p++;
        if (!*p) break;
        const char *e = param_end(p, ';');
        const char *colon = memchr(p, ':', (size_t)(e - p));
        const char *name_end = colon ? colon : e;
        char *name = trimmed(p, name_end);
        if (!name) return qib__nomem(err, NULL, "image_types");
        const char *canon = NULL;
        for (size_t k = 0; k < sizeof known_types / sizeof known_types[0]; k++)
            if (!strcasecmp(name, known_types[k])) canon = known_types[k];
        if (!canon) {
            st = qib__fail(err, QIB_ERR_ARG, NULL, -1, "image_types",
                           "'%s' is not an image type (Original, Wavelet, LoG, Square, "
                           "SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D)",
                           name);
            free(name);
            break;
        }
        free(name);
        for (size_t i = 0; i < out->n; i++)
            if (!strcmp(out->items[i].name, canon))
                st = qib__fail(err, QIB_ERR_ARG, NULL, -1, "image_types",
                               "image type %s is listed twice", canon);
        if (st) break;
        qib_pr_image_type *items = realloc(out->items, (out->n + 1) * sizeof *items);
        if (!items) {
            st = qib__nomem(err, NULL, "image_types");
            break;
        }
        out->items = items;
        qib_pr_image_type *t = &out->items[out->n++];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", canon);
        if (colon) st = parse_params(colon + 1, e, t, err);
        p = e;
    }
    if (st) qib__pr_image_types_free(out);
    return st;
}

qib_status qib__pr_enabled_image_types(const qib_settings *s, qib_buf *b) {
    qib_pr_image_types t;
    qib_error err;
    if (qib__pr_image_types_parse(qib_settings_string(s, "image_types"), &t, &err) != QIB_OK) {
        qib__buf_puts(b, "{}");
        return QIB_OK;
    }
    qib__buf_puts(b, "{");
    for (size_t i = 0; i < t.n; i++) {
        qib__buf_printf(b, "%s'%s': {", i ? ", " : "", t.items[i].name);
        for (size_t k = 0; k < t.items[i].n_params; k++) {
            const char *v = t.items[i].values[k];
            bool quote = !(v[0] == '[' || v[0] == '-' || v[0] == '.' || (v[0] >= '0' && v[0] <= '9') ||
                           !strcmp(v, "True") || !strcmp(v, "False"));
            qib__buf_printf(b, "%s'%s': %s%s%s", k ? ", " : "", t.items[i].keys[k],
                            quote ? "'" : "", v, quote ? "'" : "");
        }
        qib__buf_puts(b, "}");
    }
    qib__buf_puts(b, "}");
    qib__pr_image_types_free(&t);
    return QIB_OK;
}
