/* SPDX-License-Identifier: Apache-2.0 */
/* qib/settings.h: every setting, described once as data.
 *
 * The settings registry (name, group, type, default, range, description)
 * drives `qib extract --help`, parameter files, docs and the canonical
 * settings text that provenance hashes. A qib_settings object holds one value
 * per registry entry; it starts at the defaults. */
#ifndef QIB_SETTINGS_H
#define QIB_SETTINGS_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qib_setting_type {
    QIB_SETTING_INT = 1,    /* 64-bit integer in [min, max] */
    QIB_SETTING_REAL = 2,   /* finite double in [min, max] */
    QIB_SETTING_BOOL = 3,   /* true/false (also 1/0, yes/no, on/off) */
    QIB_SETTING_STRING = 4, /* free text, at most 255 bytes */
    QIB_SETTING_CHOICE = 5  /* one of the '|'-separated choices */
} qib_setting_type;

typedef struct qib_setting_info {
    const char *name;          /* "label" */
    const char *group;         /* "mask", "output", ... */
    qib_setting_type type;
    const char *default_value; /* as text */
    double min, max;           /* numeric bounds (inclusive) */
    const char *choices;       /* CHOICE: "a|b|c"; else NULL */
    const char *description;   /* one line */
} qib_setting_info;

/* The registry: entries 0 .. qib_setting_count()-1, in a fixed order. */
QIB_API size_t qib_setting_count(void);
QIB_API const qib_setting_info *qib_setting_at(size_t i);
/* NULL when there is no such setting. */
QIB_API const qib_setting_info *qib_setting_find(const char *name);

typedef struct qib_settings qib_settings;

/* New settings at their defaults. */
QIB_API qib_status qib_settings_create(qib_settings **out, qib_error *err);
QIB_API qib_status qib_settings_copy(const qib_settings *s, qib_settings **out, qib_error *err);
QIB_API void qib_settings_free(qib_settings *s);

/* Sets a value from text, checking type and range. Errors name the setting
 * (err->field) and say what was given and what is allowed. */
QIB_API qib_status qib_settings_set(qib_settings *s, const char *name, const char *value,
                                    qib_error *err);
/* Typed reads; the name must exist and have that type (else 0 / ""). */
QIB_API int64_t qib_settings_int(const qib_settings *s, const char *name);
QIB_API double qib_settings_real(const qib_settings *s, const char *name);
QIB_API int qib_settings_bool(const qib_settings *s, const char *name);
QIB_API const char *qib_settings_string(const qib_settings *s, const char *name);
/* A value as canonical text (numbers with %.17g, bools as true/false). */
QIB_API qib_status qib_settings_get_text(const qib_settings *s, const char *name, char *buf,
                                         size_t n, qib_error *err);

/* Loads a parameter file (`qib extract --params FILE.yaml`): a YAML mapping
 * of setting name -> value (a scalar, or a sequence of scalars joined with
 * commas, e.g. resample_spacing: [2, 2, 2]). A "preset" key is applied
 * first, whatever its place in the file; the other keys then override it in
 * file order. Errors: QIB_ERR_NOT_FOUND/QIB_ERR_IO (the file),
 * QIB_ERR_FORMAT (not YAML, or not a flat mapping; reason gives the line),
 * QIB_ERR_ARG (unknown key or bad value; err->field names the key, reason
 * gives the line), QIB_ERR_UNSUPPORTED (a PyRadiomics parameter file, with
 * top-level imageType/featureClass/setting/voxelSetting keys), QIB_ERR_LIMIT
 * (file above 1 MiB). On error some settings may already be set. */
QIB_API qib_status qib_settings_load_yaml(qib_settings *s, const char *path, qib_error *err);

/* Canonical JSON text of every setting, in registry order, one per line;
 * identical settings give identical bytes. *out is malloc'ed (caller frees). */
QIB_API qib_status qib_settings_to_json(const qib_settings *s, char **out, qib_error *err);
/* SHA-256 (lowercase hex) of qib_settings_to_json's text. */
QIB_API qib_status qib_settings_sha256(const qib_settings *s, char hex[65], qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
