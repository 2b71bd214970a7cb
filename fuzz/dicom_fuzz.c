/* SPDX-License-Identifier: Apache-2.0 */
/* dicom_fuzz.c: fuzz target for the DICOM parser and pixel access.
 *
 * Property checked: for any bytes, qib_dicom_open_mem with tight limits
 * either fails with a located error (status, reason and, for format errors,
 * a byte offset inside the input) or returns a tree in which every element
 * and item can be walked and every value read as text and as a number
 * without reading outside the input; describing and decoding frame 0 (under
 * a small pixel cap) and hashing the pixels then either succeed or fail
 * cleanly. ASan/UBSan turn any out-of-bounds read, leak or overflow into a
 * crash. The last input byte selects options (header only, deeper nesting),
 * in the spirit of zstd's fuzz_data_producer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qib/dicom.h"

static void walk(const qib_dicom_item *it, int depth) {
    qib_dicom_element e;
    char s[96];
    for (size_t i = 0; qib_dicom_element_at(it, i, &e); i++) {
        double x;
        int64_t v;
        qib_dicom_get_string(it, e.tag, -1, s, sizeof s, NULL);
        qib_dicom_get_string(it, e.tag, 1, s, sizeof s, NULL);
        qib_dicom_get_double(it, e.tag, 0, &x, NULL);
        qib_dicom_get_int(it, e.tag, 0, &v, NULL);
        (void)qib_dicom_vm(it, e.tag);
        if (e.value && e.value_len) {
            volatile uint8_t sink = e.value[0] ^ e.value[e.value_len - 1];
            (void)sink;
        }
        for (size_t k = 0; k < e.items && depth < 64; k++) {
            const qib_dicom_item *sub = qib_dicom_item_at(it, i, k);
            if (sub) walk(sub, depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_file_bytes = 1 << 22;
    o.max_inflated_bytes = 1 << 22;
    o.max_elements = 1 << 14;
    o.max_depth = 8;
    o.max_pixel_bytes = 1 << 18;
    if (size > 0) {
        uint8_t opt = data[size - 1];
        o.header_only = (opt & 1) != 0;
        if (opt & 2) o.max_depth = 16;
    }
    qib_dicom *d = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_open_mem(data, size, "fuzz.dcm", &o, &d, &err);
    if (st != QIB_OK) {
        if (!err.reason[0] || err.offset > (int64_t)size * 64 + 1024) abort();
        return 0;
    }
    walk(qib_dicom_root(d), 0);
    qib_dicom_pixels px;
    if (qib_dicom_get_pixels(d, &px, NULL) == QIB_OK && px.frame_bytes <= (1u << 18)) {
        uint8_t *buf = malloc(px.frame_bytes ? px.frame_bytes : 1);
        if (buf) {
            qib_dicom_decode_frame(d, 0, buf, px.frame_bytes, NULL);
            if (px.frames > 1) qib_dicom_decode_frame(d, px.frames - 1, buf, px.frame_bytes, NULL);
            free(buf);
        }
        if ((uint64_t)px.frame_bytes * px.frames <= (1u << 20)) {
            char hex[65];
            qib_dicom_pixel_sha256(d, hex, NULL, NULL, NULL);
        }
    }
    qib_dicom_free(d);
    return 0;
}
