/* SPDX-License-Identifier: Apache-2.0 */
/* settings_table.h: the settings registry (folder-private). */
#ifndef QIB_SETTINGS_TABLE_H
#define QIB_SETTINGS_TABLE_H

#include <yaml.h>

#include "../common/qib_internal.h"

/* The registry, in the order settings are listed, documented and hashed.
 * Append new settings to the table in settings_table.c; each entry is one
 * line of data (see qib_setting_info in include/qib/settings.h). */
extern const qib_setting_info qib__settings_table[];
extern const size_t qib__settings_table_count;

/* Sets every setting a preset covers (presets.c); called by qib_settings_set
 * when "preset" is set. */
qib_status qib__settings_apply_preset(qib_settings *s, const char *name, qib_error *err);
/* Loads a YAML parameter file held in memory (params_yaml.c); name is used
 * in messages only. */
/* YAML helpers shared by the two parameter-file readers (params_yaml.c):
 * "line N: " in front of err->reason; a node's value as text (a scalar, or a
 * list joined with "," or, with brackets, written "[a, b]"). */
qib_status qib__yaml_at_line(qib_error *err, qib_status st, size_t line);
qib_status qib__yaml_value_text(yaml_document_t *doc, const yaml_node_t *v, const char *key,
                                bool brackets, char *buf, size_t cap, qib_error *err);
/* Translates a PyRadiomics parameter file (its root mapping) into settings
 * (params_pyradiomics.c). */
qib_status qib__settings_load_pyradiomics(qib_settings *s, yaml_document_t *doc,
                                          const yaml_node_t *root, qib_error *err);
qib_status qib__settings_load_yaml_mem(qib_settings *s, const char *buf, size_t len,
                                       const char *name, qib_error *err);

#endif
