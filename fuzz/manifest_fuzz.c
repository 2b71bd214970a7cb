/* SPDX-License-Identifier: Apache-2.0 */
/* manifest_fuzz.c: batch manifests (qib_manifest_parse, RFC 4180 CSV).
 * Property: any input either parses or fails with a located error; no
 * crash, leak or undefined behaviour. A parsed table is consistent: every
 * cell of every row is readable, the header names are non-empty and
 * distinct, and a manifest (not a plain table) has Image and Mask columns.
 * The last input byte picks plain-table or manifest mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qib.h"
#include "qib/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0; /* explore parsing, not size limits */
    unsigned flags = (size && (data[size - 1] & 1)) ? QIB_MANIFEST_PLAIN : 0;
    qib_manifest *m = NULL;
    qib_error err;
    qib_error_clear(&err);
    if (qib_manifest_parse((const char *)data, size, "fuzz.csv", flags, &m, &err) != QIB_OK) {
        if (err.status == QIB_OK) abort(); /* a failure must say why */
        return 0;
    }
    size_t rows = qib_manifest_rows(m), cols = qib_manifest_columns(m);
    if (cols == 0) abort();
    for (size_t c = 0; c < cols; c++) {
        const char *name = qib_manifest_column_name(m, c);
        if (!name || !*name || qib_manifest_column_index(m, name) != (long)c) abort();
    }
    for (size_t r = 0; r < rows; r++) {
        if (qib_manifest_row_line(m, r) < 2) abort();
        for (size_t c = 0; c < cols; c++)
            if (!qib_manifest_cell(m, r, c)) abort();
    }
    if (qib_manifest_cell(m, rows, 0) || qib_manifest_cell(m, 0, cols)) abort();
    if (!(flags & QIB_MANIFEST_PLAIN) &&
        (qib_manifest_image_column(m) < 0 || qib_manifest_mask_column(m) < 0))
        abort();
    qib_manifest_free(m);
    return 0;
}
