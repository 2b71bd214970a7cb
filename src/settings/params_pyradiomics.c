/* SPDX-License-Identifier: Apache-2.0 */
/* params_pyradiomics.c: PyRadiomics parameter files -> qib settings.
 *
 * A PyRadiomics parameter file (PyRadiomics docs, "Customizing the
 * extraction > Parameter file"; schema radiomics/schemas/paramSchema.yaml)
 * is a mapping with up to four sections:
 *     imageType:    {Original: {}, LoG: {sigma: [1.0, 3.0]}, Wavelet: {}}
 *     featureClass: {shape: , firstorder: [Mean, Median], glcm: }
 *     setting:      {binWidth: 25, label: 1, resampledPixelSpacing: [1, 1, 1], ...}
 *     voxelSetting: voxel-based extraction (not supported: refused)
 * The file starts from preset pyradiomics (PyRadiomics' defaults), then each
 * setting is translated to its qib setting (docs/PYRADIOMICS.md has the
 * table). Filter settings in `setting` (sigma, wavelet, level, ...) become
 * parameters of the image types that use them, as PyRadiomics passes them.
 * Unknown keys are refused with their line, as PyRadiomics' schema check
 * refuses them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "settings_table.h"

#define TEXT_MAX 1024

static const char *text_of(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }
static size_t line_of(const yaml_node_t *n) { return n->start_mark.line + 1; }

static bool is_null(const yaml_node_t *v) {
    if (v->type != YAML_SCALAR_NODE) return false;
    const char *t = text_of(v);
    return v->data.scalar.length == 0 || !strcmp(t, "~") || !strcmp(t, "null") ||
           !strcmp(t, "None") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

/* YAML/Python booleans to qib's. */
static const char *bool_text(const char *t) {
    if (!strcmp(t, "True") || !strcmp(t, "true") || !strcmp(t, "yes")) return "true";
    if (!strcmp(t, "False") || !strcmp(t, "false") || !strcmp(t, "no")) return "false";
    return t; /* qib_settings_set names the bad value */
}

static qib_status set_at(qib_settings *s, const char *name, const char *value, size_t line,
                         qib_error *err) {
    qib_status st = qib_settings_set(s, name, value, err);
    return st ? qib__yaml_at_line(err, st, line) : QIB_OK;
}

/* Filter parameters that PyRadiomics takes from `setting`, and the image
 * types they belong to (radiomics/imageoperations.py get*Image kwargs). */
static const struct {
    const char *key, *type;
} filter_keys[] = {
    {"sigma", "LoG"},
    {"wavelet", "Wavelet"},
    {"level", "Wavelet"},
    {"start_level", "Wavelet"},
    {"gradientUseSpacing", "Gradient"},
    {"lbp2DRadius", "LBP2D"},
    {"lbp2DSamples", "LBP2D"},
    {"lbp2DMethod", "LBP2D"},
    {"lbp3DLevels", "LBP3D"},
    {"lbp3DIcosphereRadius", "LBP3D"},
    {"lbp3DIcosphereSubdivision", "LBP3D"},
};
enum { N_FILTER_KEYS = sizeof filter_keys / sizeof filter_keys[0] };

typedef struct translation {
    char filter_values[N_FILTER_KEYS][TEXT_MAX]; /* "" when not set */
} translation;

/* One `setting` entry. */
static qib_status setting_pair(qib_settings *s, yaml_document_t *doc, const yaml_node_t *k,
                               const yaml_node_t *v, translation *tr, qib_error *err) {
    const char *key = text_of(k);
    size_t line = line_of(k);
    char val[TEXT_MAX];
    QIB_FORWARD(qib__yaml_value_text(doc, v, key, false, val, sizeof val, err));
    bool null = is_null(v);
    for (size_t f = 0; f < N_FILTER_KEYS; f++)
        if (!strcmp(key, filter_keys[f].key)) {
            if (null) return QIB_OK;
            return qib__yaml_value_text(doc, v, key, true, tr->filter_values[f], TEXT_MAX, err);
        }
    if (!strcmp(key, "binWidth")) {
        QIB_FORWARD(set_at(s, "discretisation", "fbs", line, err));
        return set_at(s, "bin_width", val, line, err);
    }
    if (!strcmp(key, "binCount")) {
        if (null) return QIB_OK;
        QIB_FORWARD(set_at(s, "discretisation", "fbn", line, err));
        return set_at(s, "bin_count", val, line, err);
    }
    static const struct {
        const char *py, *qib;
        bool boolean;
    } direct[] = {
        {"label", "label", false},
        {"normalize", "normalize", true},
        {"normalizeScale", "normalize_scale", false},
        {"voxelArrayShift", "voxel_array_shift", false},
        {"symmetricalGLCM", "symmetrical_glcm", true},
        {"gldm_a", "gldm_alpha", false},
        {"force2D", "force2d", true},
        {"force2Ddimension", "force2d_dimension", false},
        {"minimumROIDimensions", "minimum_roi_dimensions", false},
        {"additionalInfo", "additional_info", true},
        {"geometryTolerance", "geometry_tolerance", false},
        {"distances", "distances", false},
    };
    for (size_t d = 0; d < sizeof direct / sizeof direct[0]; d++)
        if (!strcmp(key, direct[d].py))
            return set_at(s, direct[d].qib, direct[d].boolean ? bool_text(val) : val, line, err);
    if (!strcmp(key, "minimumROISize")) return set_at(s, "minimum_roi_size", null ? "0" : val, line, err);
    if (!strcmp(key, "resampledPixelSpacing"))
        return set_at(s, "resample_spacing", null ? "none" : val, line, err);
    if (!strcmp(key, "resegmentRange")) {
        if (null) return set_at(s, "reseg_range", "none", line, err);
        char r[TEXT_MAX + 8];
        snprintf(r, sizeof r, "%s%s", val, strchr(val, ',') ? "" : ",inf");
        return set_at(s, "reseg_range", r, line, err);
    }
    if (!strcmp(key, "resegmentMode")) {
        QIB_FAIL_IF(strcmp(val, "absolute"), err, QIB_ERR_UNSUPPORTED, NULL, -1, key,
                    "line %zu: resegmentMode '%s' is not supported (only absolute)", line, val);
        return QIB_OK;
    }
    if (!strcmp(key, "interpolator")) {
        const char *m = !strcmp(val, "sitkNearestNeighbor") || !strcmp(val, "1") ? "nearest"
                        : !strcmp(val, "sitkLinear") || !strcmp(val, "2")        ? "linear"
                        : !strcmp(val, "sitkBSpline") || !strcmp(val, "3")       ? "cubic"
                                                                                  : NULL;
        QIB_FAIL_IF(!m, err, QIB_ERR_UNSUPPORTED, NULL, -1, key,
                    "line %zu: interpolator '%s' is not supported (sitkNearestNeighbor, "
                    "sitkLinear or sitkBSpline)", line, val);
        return set_at(s, "interpolation", m, line, err);
    }
    if (!strcmp(key, "weightingNorm")) {
        if (null) return set_at(s, "weighting_norm", "none", line, err);
        return set_at(s, "weighting_norm", val, line, err);
    }
    if (!strcmp(key, "removeOutliers")) {
        QIB_FAIL_IF(!null, err, QIB_ERR_UNSUPPORTED, NULL, -1, key,
                    "line %zu: removeOutliers is not supported", line);
        return QIB_OK;
    }
    /* Settings that change how PyRadiomics works, not its values. */
    static const char *const no_effect[] = {"preCrop", "padDistance", "correctMask",
                                            "enableCExtensions", "resampledPixelSpacingMode"};
    for (size_t i = 0; i < sizeof no_effect / sizeof no_effect[0]; i++)
        if (!strcmp(key, no_effect[i])) return QIB_OK;
    return qib__fail(err, QIB_ERR_ARG, NULL, -1, key,
                     "line %zu: '%s' is not a PyRadiomics setting qib knows "
                     "(docs/PYRADIOMICS.md lists them)", line, key);
}

/* Appends "KEY=VALUE" to an image type entry being built. */
static void append(char *buf, size_t cap, const char *fmt, const char *a, const char *b) {
    size_t used = strlen(buf);
    if (used < cap) snprintf(buf + used, cap - used, fmt, a, b);
}

static qib_status image_types(yaml_document_t *doc, const yaml_node_t *map,
                              const translation *tr, char *out, size_t cap, qib_error *err) {
    QIB_FAIL_IF(map->type != YAML_MAPPING_NODE, err, QIB_ERR_FORMAT, NULL, -1, "imageType",
                "line %zu: imageType must map image type names to parameters", line_of(map));
    out[0] = 0;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        QIB_FAIL_IF(!k || !v || k->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT, NULL, -1,
                    "imageType", "line %zu: image type names must be scalars",
                    k ? line_of(k) : 0);
        const char *type = text_of(k);
        append(out, cap, "%s%s", out[0] ? ";" : "", type);
        bool first = true;
        char used[N_FILTER_KEYS] = {0};
        if (v->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 q < v->data.mapping.pairs.top; q++) {
                yaml_node_t *qk = yaml_document_get_node(doc, q->key);
                yaml_node_t *qv = yaml_document_get_node(doc, q->value);
                QIB_FAIL_IF(!qk || !qv || qk->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT,
                            NULL, -1, type, "line %zu: parameter names must be scalars",
                            line_of(v));
                char val[TEXT_MAX];
                QIB_FORWARD(qib__yaml_value_text(doc, qv, text_of(qk), true, val, sizeof val, err));
                for (size_t f = 0; f < N_FILTER_KEYS; f++)
                    if (!strcmp(text_of(qk), filter_keys[f].key)) used[f] = 1;
                append(out, cap, first ? ":%s" : ",%s", text_of(qk), "");
                append(out, cap, "=%s%s", val, "");
                first = false;
            }
        } else {
            QIB_FAIL_IF(!is_null(v), err, QIB_ERR_FORMAT, NULL, -1, type,
                        "line %zu: image type parameters must be a mapping", line_of(v));
        }
        /* global filter settings apply to the types that take them */
        for (size_t f = 0; f < N_FILTER_KEYS; f++) {
            if (used[f] || !tr->filter_values[f][0] || strcasecmp(type, filter_keys[f].type))
                continue;
            append(out, cap, first ? ":%s" : ",%s", filter_keys[f].key, "");
            append(out, cap, "=%s%s", tr->filter_values[f], "");
            first = false;
        }
        QIB_FAIL_IF(strlen(out) + 1 >= cap, err, QIB_ERR_LIMIT, NULL, -1, "imageType",
                    "line %zu: too many image types or parameters", line_of(k));
    }
    return QIB_OK;
}

/* featureClass: families (by PyRadiomics class name) and, where a list is
 * given, the features of that class ("glcm_Contrast"). */
static qib_status feature_classes(yaml_document_t *doc, const yaml_node_t *map, char *families,
                                  char *features, size_t cap, qib_error *err) {
    QIB_FAIL_IF(map->type != YAML_MAPPING_NODE, err, QIB_ERR_FORMAT, NULL, -1, "featureClass",
                "line %zu: featureClass must map class names to feature lists", line_of(map));
    families[0] = features[0] = 0;
    bool any_list = false;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        QIB_FAIL_IF(!k || !v || k->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT, NULL, -1,
                    "featureClass", "line %zu: class names must be scalars", k ? line_of(k) : 0);
        const char *cls = text_of(k);
        append(families, cap, "%s%s", families[0] ? "," : "", cls);
        if (v->type == YAML_SEQUENCE_NODE && v->data.sequence.items.top > v->data.sequence.items.start) {
            any_list = true;
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(doc, *it);
                QIB_FAIL_IF(!e || e->type != YAML_SCALAR_NODE, err, QIB_ERR_FORMAT, NULL, -1,
                            cls, "line %zu: feature names must be scalars", line_of(v));
                char one[256];
                snprintf(one, sizeof one, "%s_%s", cls, text_of(e));
                append(features, cap, "%s%s", features[0] ? "," : "", one);
            }
        } else {
            QIB_FAIL_IF(!is_null(v) && v->type != YAML_SEQUENCE_NODE, err, QIB_ERR_FORMAT, NULL,
                        -1, cls, "line %zu: a class takes a list of features or nothing",
                        line_of(v));
            char one[256];
            snprintf(one, sizeof one, "%s_*", cls);
            append(features, cap, "%s%s", features[0] ? "," : "", one);
        }
        QIB_FAIL_IF(strlen(families) + 1 >= cap || strlen(features) + 1 >= cap, err,
                    QIB_ERR_LIMIT, NULL, -1, "featureClass", "line %zu: too many classes",
                    line_of(k));
    }
    if (!any_list) snprintf(features, cap, "all");
    return QIB_OK;
}

qib_status qib__settings_load_pyradiomics(qib_settings *s, yaml_document_t *doc,
                                          const yaml_node_t *root, qib_error *err) {
    QIB_FORWARD(qib_settings_set(s, "preset", "pyradiomics", err));
    translation *tr = calloc(1, sizeof *tr);
    if (!tr) return qib__nomem(err, NULL, "parameter file");
    qib_status st = QIB_OK;
    const yaml_node_t *image_type = NULL, *feature_class = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top && !st; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *sec = text_of(k);
        if (!strcmp(sec, "imageType")) {
            image_type = v;
        } else if (!strcmp(sec, "featureClass")) {
            feature_class = v;
        } else if (!strcmp(sec, "setting")) {
            if (is_null(v)) continue;
            if (v->type != YAML_MAPPING_NODE) {
                st = qib__fail(err, QIB_ERR_FORMAT, NULL, -1, "setting",
                               "line %zu: setting must be a mapping", line_of(v));
                break;
            }
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 q < v->data.mapping.pairs.top && !st; q++) {
                yaml_node_t *qk = yaml_document_get_node(doc, q->key);
                yaml_node_t *qv = yaml_document_get_node(doc, q->value);
                if (!qk || !qv || qk->type != YAML_SCALAR_NODE)
                    st = qib__fail(err, QIB_ERR_FORMAT, NULL, -1, "setting",
                                   "line %zu: setting names must be scalars", line_of(v));
                else
                    st = setting_pair(s, doc, qk, qv, tr, err);
            }
        } else if (!strcmp(sec, "voxelSetting")) {
            st = qib__fail(err, QIB_ERR_UNSUPPORTED, NULL, -1, "voxelSetting",
                           "line %zu: voxel-based extraction (feature maps) is not supported",
                           line_of(k));
        } else {
            st = qib__fail(err, QIB_ERR_ARG, NULL, -1, sec,
                           "line %zu: '%s' is not a PyRadiomics parameter file section "
                           "(imageType, featureClass, setting, voxelSetting)", line_of(k), sec);
        }
    }
    char *a = malloc(4 * TEXT_MAX), *b = malloc(4 * TEXT_MAX);
    if (!st && (!a || !b)) st = qib__nomem(err, NULL, "parameter file");
    if (!st && image_type && !is_null(image_type)) {
        st = image_types(doc, image_type, tr, a, 4 * TEXT_MAX, err);
        if (!st) st = qib_settings_set(s, "image_types", a[0] ? a : "original", err);
    }
    if (!st && feature_class && !is_null(feature_class)) {
        st = feature_classes(doc, feature_class, a, b, 4 * TEXT_MAX, err);
        if (!st) st = qib_settings_set(s, "families", a[0] ? a : "all", err);
        if (!st) st = qib_settings_set(s, "features", b, err);
    }
    free(a);
    free(b);
    free(tr);
    return st;
}
