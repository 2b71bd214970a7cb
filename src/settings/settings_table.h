/* SPDX-License-Identifier: Apache-2.0 */
/* settings_table.h: the settings registry (folder-private). */
#ifndef QIB_SETTINGS_TABLE_H
#define QIB_SETTINGS_TABLE_H

#include "../common/qib_internal.h"

/* The registry, in the order settings are listed, documented and hashed.
 * Append new settings to the table in settings_table.c; each entry is one
 * line of data (see qib_setting_info in include/qib/settings.h). */
extern const qib_setting_info qib__settings_table[];
extern const size_t qib__settings_table_count;

#endif
