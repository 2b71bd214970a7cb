/* SPDX-License-Identifier: Apache-2.0 */
/* suv_fuzz.c: fuzz target for the PET SUV header reader and factor rules,
 * and the DICOM date/time parsers behind the decay times.
 *
 * Properties checked: for any bytes that parse as DICOM,
 * qib_suv_header_read succeeds and qib_suv_factor of every SUV type either
 * fails with a field and a reason or gives a finite factor > 0, without
 * reading outside the input (ASan/UBSan). The first 40 bytes, as text, go
 * to the DA, TM, DT and offset parsers: whatever they accept lies in range
 * (seconds of the day in [0, 86401), offsets within +-14:59). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pet/pet_internal.h"
#include "qib/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void times(const uint8_t *data, size_t size) {
    char s[41];
    size_t n = size < 40 ? size : 40;
    memcpy(s, data, n);
    s[n] = 0;
    int64_t day;
    double sec;
    qib__pet_time t;
    bool off;
    int om;
    if (qib__pet_parse_da(s, &day) && (day < -719162 || day > 2932896)) abort(); /* years 1..9999 */
    if (qib__pet_parse_tm(s, &sec) && !(sec >= 0 && sec < 86401)) abort();
    if (qib__pet_parse_dt(s, &t, &off, &om) && (!(t.sec >= 0 && t.sec < 86401) || om < -899 || om > 899))
        abort();
    if (qib__pet_parse_offset(s, &om) && (om < -899 || om > 899)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1 << 20)) return 0;
    times(data, size);
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_elements = 1 << 14;
    o.max_depth = 8;
    o.header_only = 1;
    qib_dicom *d = NULL;
    if (qib_dicom_open_mem(data, size, "fuzz.dcm", &o, &d, NULL) != QIB_OK) return 0;
    qib_suv_header h;
    qib_error err;
    if (qib_suv_header_read(d, &h, &err) != QIB_OK) abort();
    for (int t = 0; t < QIB_SUV_TYPES; t++) {
        qib_suv_result r;
        qib_error_clear(&err);
        if (qib_suv_factor(&h, (qib_suv_type)t, &r, &err) == QIB_OK) {
            if (!isfinite(r.factor) || !(r.factor > 0)) abort();
        } else if (!err.reason[0] || (!err.field[0] && err.status != QIB_ERR_NUMERIC)) {
            abort();
        }
    }
    qib_dicom_free(d);
    return 0;
}
