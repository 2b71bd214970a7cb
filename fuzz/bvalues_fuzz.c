/* SPDX-License-Identifier: Apache-2.0 */
/* bvalues_fuzz.c: b-value lists (qib_bvalues_parse: FSL .bval files and
 * comma lists).
 * Property: any input either parses into at least one finite value >= 0
 * or fails with a located error; no crash, leak or undefined behaviour. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "qib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0;
    double *b = NULL;
    size_t n = 0;
    qib_error err;
    qib_error_clear(&err);
    if (qib_bvalues_parse((const char *)data, size, "fuzz.bval", &b, &n, &err) != QIB_OK) {
        if (err.status == QIB_OK || b) abort();
        return 0;
    }
    if (n == 0 || n > QIB_BVALUES_MAX) abort();
    for (size_t i = 0; i < n; i++)
        if (!isfinite(b[i]) || b[i] < 0) abort();
    free(b);
    return 0;
}
