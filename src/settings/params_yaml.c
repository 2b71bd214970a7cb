/* SPDX-License-Identifier: Apache-2.0 */
/* params_yaml.c: qib parameter files (YAML) -> settings.
 *
 * A qib parameter file is one flat YAML mapping, setting name -> value:
 *     preset: ibsi-c
 *     bin_width: 10
 *     resample_spacing: [1, 1, 1]
 * The "preset" key is applied first, then the rest in file order. Values are
 * scalars (parsed by qib_settings_set, exactly as on the command line) or
 * sequences of scalars, joined with commas.
 *
 * PyRadiomics parameter files (top-level imageType / featureClass / setting /
 * voxelSetting) are recognised and translated by params_pyradiomics.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "settings_table.h"

#define MAX_PARAMS_BYTES (1u << 20)
#define MAX_VALUE_TEXT 1024

/* Adds "line N: " in front of err->reason. */
qib_status qib__yaml_at_line(qib_error *err, qib_status st, size_t line) {
    if (err) { /* the reason's tail is cut if it no longer fits */
        char prefix[32];
        int w = snprintf(prefix, sizeof prefix, "line %zu: ", line);
        size_t plen = w > 0 ? (size_t)w : 0, cap = sizeof err->reason;
        if (plen < cap) {
            memmove(err->reason + plen, err->reason, cap - plen);
            memcpy(err->reason, prefix, plen);
            err->reason[cap - 1] = 0;
        }
    }
    return st;
}

static const char *scalar_text(const yaml_node_t *n) {
    return (const char *)n->data.scalar.value;
}

/* The value of a node as text: a scalar, or scalars joined with "," (or
 * written "[a, b]" with brackets, as PyRadiomics' lists are). */
qib_status qib__yaml_value_text(yaml_document_t *doc, const yaml_node_t *v, const char *key,
                                bool brackets, char *buf, size_t cap, qib_error *err) {
    size_t line = v->start_mark.line + 1;
    if (v->type == YAML_SCALAR_NODE) {
        QIB_FAIL_IF(v->data.scalar.length >= cap, err, QIB_ERR_ARG, NULL, -1, key,
                    "line %zu: value is %zu bytes long; at most %zu are allowed", line,
                    (size_t)v->data.scalar.length, cap - 1);
        memcpy(buf, v->data.scalar.value, v->data.scalar.length);
        buf[v->data.scalar.length] = 0;
        return QIB_OK;
    }
    QIB_FAIL_IF(v->type != YAML_SEQUENCE_NODE, err, QIB_ERR_FORMAT, NULL, -1, key,
                "line %zu: the value must be a scalar or a list of scalars", line);
    const char *open = brackets ? "[" : "", *sep = brackets ? ", " : ",",
               *close = brackets ? "]" : "";
    size_t used = strlen(open);
    QIB_FAIL_IF(used + strlen(close) >= cap, err, QIB_ERR_ARG, NULL, -1, key,
                "line %zu: value is too long (at most %zu bytes)", line, cap - 1);
    memcpy(buf, open, used + 1);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(doc, *it);
        QIB_FAIL_IF(!e || e->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT, NULL, -1, key,
                    "line %zu: list items must be scalars", line);
        const char *pre = it == v->data.sequence.items.start ? "" : sep;
        size_t need = strlen(pre) + e->data.scalar.length + strlen(close);
        QIB_FAIL_IF(used + need >= cap, err, QIB_ERR_ARG, NULL, -1, key,
                    "line %zu: value is too long (at most %zu bytes)", line, cap - 1);
        memcpy(buf + used, pre, strlen(pre));
        used += strlen(pre);
        memcpy(buf + used, e->data.scalar.value, e->data.scalar.length);
        used += e->data.scalar.length;
    }
    memcpy(buf + used, close, strlen(close) + 1);
    return QIB_OK;
}

/* PyRadiomics parameter files have these top-level keys. */
static const char *detect_pyradiomics(const char *key) {
    static const char *const keys[] = {"imageType", "featureClass", "setting", "voxelSetting"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(key, keys[i])) return keys[i];
    return NULL;
}

static qib_status set_pair(qib_settings *s, yaml_document_t *doc, const yaml_node_pair_t *pair,
                           qib_error *err) {
    yaml_node_t *k = yaml_document_get_node(doc, pair->key);
    yaml_node_t *v = yaml_document_get_node(doc, pair->value);
    const char *key = scalar_text(k);
    size_t line = k->start_mark.line + 1;
    QIB_FAIL_IF(!qib_setting_find(key), err, QIB_ERR_ARG, NULL, -1, key,
                "line %zu: no such setting (see `qib settings` for the list)", line);
    char text[MAX_VALUE_TEXT];
    QIB_FORWARD(qib__yaml_value_text(doc, v, key, false, text, sizeof text, err));
    qib_status st = qib_settings_set(s, key, text, err);
    return st ? qib__yaml_at_line(err, st, line) : QIB_OK;
}

static qib_status load_document(qib_settings *s, yaml_document_t *doc, qib_error *err) {
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root) return QIB_OK; /* empty file: nothing to set */
    if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0) return QIB_OK;
    QIB_FAIL_IF(root->type != YAML_MAPPING_NODE, err, QIB_ERR_FORMAT, NULL, -1, "",
                "line %zu: a parameter file is a mapping of setting name to value",
                (size_t)root->start_mark.line + 1);
    yaml_node_pair_t *first = root->data.mapping.pairs.start, *end = root->data.mapping.pairs.top;
    const yaml_node_pair_t *preset = NULL;
    for (yaml_node_pair_t *p = first; p < end; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && detect_pyradiomics(scalar_text(k)))
            return qib__settings_load_pyradiomics(s, doc, root, err);
    }
    /* rule by rule: keys are scalars, unique, not PyRadiomics sections */
    for (yaml_node_pair_t *p = first; p < end; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        QIB_FAIL_IF(!k || k->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT, NULL, -1, "",
                    "line %zu: setting names must be plain scalars",
                    k ? (size_t)k->start_mark.line + 1 : 0);
        QIB_FAIL_IF(!yaml_document_get_node(doc, p->value), err, QIB_ERR_FORMAT, NULL, -1,
                    scalar_text(k), "line %zu: missing value", (size_t)k->start_mark.line + 1);
        for (yaml_node_pair_t *q = first; q < p; q++) {
            yaml_node_t *kq = yaml_document_get_node(doc, q->key);
            QIB_FAIL_IF(!strcmp(scalar_text(kq), scalar_text(k)), err, QIB_ERR_FORMAT, NULL, -1,
                        scalar_text(k), "line %zu: '%s' is given twice (first on line %zu)",
                        (size_t)k->start_mark.line + 1, scalar_text(k),
                        (size_t)kq->start_mark.line + 1);
        }
        if (!strcmp(scalar_text(k), "preset")) preset = p;
    }
    if (preset) QIB_FORWARD(set_pair(s, doc, preset, err));
    for (yaml_node_pair_t *p = first; p < end; p++)
        if (p != preset) QIB_FORWARD(set_pair(s, doc, p, err));
    return QIB_OK;
}

static qib_status parser_error(yaml_parser_t *parser, qib_error *err) {
    if (parser->error == YAML_MEMORY_ERROR) return qib__nomem(err, NULL, "YAML parser");
    return qib__fail(err, QIB_ERR_FORMAT, NULL, (int64_t)parser->problem_mark.index, "",
                     "line %zu: not valid YAML: %s%s%s", (size_t)parser->problem_mark.line + 1,
                     parser->problem ? parser->problem : "parse error",
                     parser->context ? " " : "", parser->context ? parser->context : "");
}

qib_status qib__settings_load_yaml_mem(qib_settings *s, const char *buf, size_t len,
                                       const char *name, qib_error *err) {
    QIB_FAIL_IF(len > MAX_PARAMS_BYTES, err, QIB_ERR_LIMIT, name, -1, "",
                "parameter file is %zu bytes; at most %u are allowed", len, MAX_PARAMS_BYTES);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return qib__nomem(err, name, "YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    yaml_document_t doc;
    qib_status st;
    if (!yaml_parser_load(&parser, &doc)) {
        st = parser_error(&parser, err);
        yaml_parser_delete(&parser);
        qib__error_set_file(err, name);
        return st;
    }
    st = load_document(s, &doc, err);
    yaml_document_delete(&doc);
    if (st == QIB_OK) { /* one document only */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            st = parser_error(&parser, err);
        } else {
            bool more = yaml_document_get_root_node(&next) != NULL;
            size_t line = more ? yaml_document_get_root_node(&next)->start_mark.line + 1 : 0;
            yaml_document_delete(&next);
            if (more)
                st = qib__fail(err, QIB_ERR_FORMAT, NULL, -1, "",
                               "line %zu: a parameter file holds one YAML document", line);
        }
    }
    yaml_parser_delete(&parser);
    if (st) qib__error_set_file(err, name);
    return st;
}

qib_status qib_settings_load_yaml(qib_settings *s, const char *path, qib_error *err) {
    uint8_t *buf = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__read_file(path, MAX_PARAMS_BYTES, &buf, &len, err));
    qib_status st = qib__settings_load_yaml_mem(s, (const char *)buf, len, path, err);
    free(buf);
    return st;
}
