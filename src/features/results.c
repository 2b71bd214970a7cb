/* SPDX-License-Identifier: Apache-2.0 */
/* results.c: a list of computed feature values with interned strings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/qib_internal.h"

struct qib_results {
    qib_result *items;
    size_t n, cap;
    /* interned strings: few distinct values (image types, families, ...) */
    char **strings;
    size_t n_strings, cap_strings;
};

qib_status qib_results_create(qib_results **out, qib_error *err) {
    qib_results *r = calloc(1, sizeof *r);
    if (!r) return qib__nomem(err, NULL, "results");
    *out = r;
    return QIB_OK;
}

void qib_results_free(qib_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n_strings; i++) free(r->strings[i]);
    free(r->strings);
    free(r->items);
    free(r);
}

/* Returns the stored copy of s, adding it when new (linear search from the
 * newest: consecutive results share their strings). */
static const char *intern(qib_results *r, const char *s) {
    if (!s) s = "";
    for (size_t i = r->n_strings; i-- > 0;)
        if (!strcmp(r->strings[i], s)) return r->strings[i];
    if (r->n_strings == r->cap_strings) {
        size_t cap = r->cap_strings ? 2 * r->cap_strings : 64;
        char **ns = realloc(r->strings, cap * sizeof *ns);
        if (!ns) return NULL;
        r->strings = ns;
        r->cap_strings = cap;
    }
    size_t len = strlen(s);
    char *c = malloc(len + 1);
    if (!c) return NULL;
    memcpy(c, s, len + 1);
    r->strings[r->n_strings++] = c;
    return c;
}

qib_status qib_results_add(qib_results *r, const char *image_type, const char *family,
                           const char *feature, const char *ibsi_code, const char *aggregation,
                           double value, qib_error *err) {
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 128;
        qib_result *ni = realloc(r->items, cap * sizeof *ni);
        if (!ni) return qib__nomem(err, NULL, "results");
        r->items = ni;
        r->cap = cap;
    }
    qib_result res = {intern(r, image_type), intern(r, family), intern(r, feature),
                      intern(r, ibsi_code), intern(r, aggregation), value, NULL};
    if (!res.image_type || !res.family || !res.feature || !res.ibsi_code || !res.aggregation)
        return qib__nomem(err, NULL, "result names");
    r->items[r->n++] = res;
    return QIB_OK;
}

qib_status qib_results_add_text(qib_results *r, const char *image_type, const char *family,
                                const char *feature, const char *text, qib_error *err) {
    QIB_FORWARD(qib_results_add(r, image_type, family, feature, "", "", NAN, err));
    const char *t = intern(r, text);
    if (!t) {
        r->n--;
        return qib__nomem(err, NULL, "result text");
    }
    r->items[r->n - 1].text = t;
    return QIB_OK;
}

size_t qib_results_count(const qib_results *r) { return r->n; }

const qib_result *qib_results_at(const qib_results *r, size_t i) {
    return i < r->n ? &r->items[i] : NULL;
}

const qib_result *qib_results_find(const qib_results *r, const char *family,
                                   const char *feature) {
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].family, family) && !strcmp(r->items[i].feature, feature))
            return &r->items[i];
    return NULL;
}

size_t qib_result_column(const qib_result *res, char *buf, size_t n) {
    int w;
    if (!res->image_type || !res->image_type[0])
        w = snprintf(buf, n, "%s_%s", res->family, res->feature);
    else if (res->aggregation && res->aggregation[0])
        w = snprintf(buf, n, "%s_%s_%s_%s", res->image_type, res->family, res->feature,
                     res->aggregation);
    else
        w = snprintf(buf, n, "%s_%s_%s", res->image_type, res->family, res->feature);
    return w < 0 ? 0 : (size_t)w;
}
