/* SPDX-License-Identifier: Apache-2.0 */
/* j2k_fuzz.c: fuzz target for the JPEG 2000 decoder (ISO/IEC 15444-1
 * through OpenJPEG, raw codestream or JP2 wrapper; DICOM .4.90 and .4.91).
 *
 * Property: for any input, qib__decode_j2k returns a status without
 * crashing, leaking, hanging, or reading or writing out of bounds
 * (ASan/UBSan), and writes only inside the output buffer, whose size is
 * fixed by the descriptor (qib__frame_bytes) before decoding, whatever the
 * SIZ marker claims. A failure always carries a reason.
 *
 * Input layout: 4 bytes of descriptor, then the codestream.
 *   byte 0: rows - 1 (1..64)        byte 1: columns - 1 (1..64)
 *   byte 2: bit 0 three samples (RGB), bits 1-2 BitsAllocated 8/16/32/1,
 *           bit 3 signed, bit 4 syntax .4.91 (else .4.90)
 *   byte 3: BitsStored (1..BitsAllocated)
 * Small dimensions keep the fuzzer on parsing, not allocation. Seeds:
 * fuzz/corpus/j2k/, written by scripts/make-codec-seeds.c. */
#include <stdlib.h>
#include <string.h>

#include "dicom/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint16_t ba_table[4] = {8, 16, 32, 1};
    if (size < 4) return 0;
    qib_pixel_desc d;
    memset(&d, 0, sizeof d);
    d.rows = (uint32_t)(data[0] & 63) + 1;
    d.columns = (uint32_t)(data[1] & 63) + 1;
    d.samples_per_pixel = (data[2] & 1) ? 3 : 1;
    d.bits_allocated = ba_table[(data[2] >> 1) & 3];
    d.bits_stored = (uint16_t)(data[3] % d.bits_allocated + 1);
    d.high_bit = (uint16_t)(d.bits_stored - 1);
    d.pixel_representation = (data[2] >> 3) & 1;
    strcpy(d.photometric, d.samples_per_pixel == 3 ? "RGB" : "MONOCHROME2");
    d.transfer_syntax = (data[2] & 16) ? "1.2.840.10008.1.2.4.91" : "1.2.840.10008.1.2.4.90";
    d.file = "fuzz.dcm";
    size_t n = qib__frame_bytes(&d);
    uint8_t *out = malloc(n);
    if (!out) return 0;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib__decode_j2k(&d, data + 4, size - 4, out, &err);
    if (st != QIB_OK && err.reason[0] == '\0') abort();
    free(out);
    return 0;
}
