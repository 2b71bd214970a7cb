/* SPDX-License-Identifier: Apache-2.0 */
/* params_fuzz.c: YAML parameter files (qib_settings_load_yaml's parser).
 * Property: any input either loads or fails with a located error; no crash,
 * leak or undefined behaviour, and a success leaves settings that serialise
 * to JSON (every value still valid for its setting). */
#include <stdint.h>
#include <stdlib.h>

#include "settings/settings_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0; /* explore parsing, not size limits */
    qib_settings *s = NULL;
    qib_error err;
    if (qib_settings_create(&s, &err) != QIB_OK) return 0;
    if (qib__settings_load_yaml_mem(s, (const char *)data, size, "fuzz.yaml", &err) == QIB_OK) {
        char *json = NULL;
        if (qib_settings_to_json(s, &json, &err) != QIB_OK) abort();
        free(json);
    } else if (err.status == QIB_OK) {
        abort(); /* a failure must say why */
    }
    qib_settings_free(s);
    return 0;
}
