/* SPDX-License-Identifier: Apache-2.0 */
/* codec.c: the transfer syntax -> decoder table, the output frame size, and
 * the descriptor checks and sample store the decoders share. */
#include <string.h>

#include "codec_priv.h"

/* One row of the decoder table: a Transfer Syntax UID (PS3.6 Annex A) and
 * the decoder for its encapsulated frames (PS3.5 A.4). */
typedef struct {
    const char *uid;
    qib_frame_decoder decode;
} codec_entry;

static const codec_entry codec_table[] = {
    {"1.2.840.10008.1.2.5", qib__decode_rle},             /* RLE Lossless */
    {"1.2.840.10008.1.2.4.50", qib__decode_jpeg},         /* JPEG Baseline (Process 1) */
    {"1.2.840.10008.1.2.4.51", qib__decode_jpeg},         /* JPEG Extended (Process 2 & 4) */
    {"1.2.840.10008.1.2.4.57", qib__decode_jpeg_lossless}, /* JPEG Lossless, Process 14 */
    {"1.2.840.10008.1.2.4.70", qib__decode_jpeg_lossless}, /* ... First-Order Prediction (SV1) */
    {"1.2.840.10008.1.2.4.80", qib__decode_jpegls},       /* JPEG-LS Lossless */
    {"1.2.840.10008.1.2.4.81", qib__decode_jpegls},       /* JPEG-LS Near-Lossless */
    {"1.2.840.10008.1.2.4.90", qib__decode_j2k},          /* JPEG 2000 Lossless Only */
    {"1.2.840.10008.1.2.4.91", qib__decode_j2k},          /* JPEG 2000 */
    /* Part 2 multi-component: the same codestream syntax; OpenJPEG reads
     * the Part 1 subset (a Part 2 MCT it cannot apply fails cleanly). */
    {"1.2.840.10008.1.2.4.92", qib__decode_j2k},
    {"1.2.840.10008.1.2.4.93", qib__decode_j2k},
};

/* Looks a Transfer Syntax UID up in codec_table (exact match; a trailing
 * space or NUL pad from the UI value must be stripped by the caller). */
qib_frame_decoder qib__codec_for(const char *transfer_syntax_uid) {
    if (!transfer_syntax_uid) return NULL;
    for (size_t i = 0; i < sizeof codec_table / sizeof codec_table[0]; i++)
        if (strcmp(codec_table[i].uid, transfer_syntax_uid) == 0) return codec_table[i].decode;
    return NULL;
}

/* bits_allocated/8 bytes per sample, one byte for 1-bit data (codec.h). */
unsigned qib__codec_bytes_per_sample(const qib_pixel_desc *d) {
    return d->bits_allocated <= 8 ? 1u : (unsigned)d->bits_allocated / 8u;
}

/* rows * columns * samples * bytes per sample, or 0 when the product
 * overflows size_t or a factor is 0 (the caller treats 0 as an error). */
size_t qib__frame_bytes(const qib_pixel_desc *d) {
    size_t n;
    if (!d) return 0;
    if (!qib__mul_ok(d->rows, d->columns, &n)) return 0;
    if (!qib__mul_ok(n, d->samples_per_pixel, &n)) return 0;
    if (!qib__mul_ok(n, qib__codec_bytes_per_sample(d), &n)) return 0;
    return n;
}

/* Checks the Image Pixel Module values a decoder relies on (PS3.3
 * C.7.6.3.1.1-4): 1 or 3 samples, an accepted bits_allocated, 1 <=
 * bits_stored <= bits_allocated, high_bit < bits_allocated, and caps the
 * frame size before any allocation. */
qib_status qib__codec_check_desc(const qib_pixel_desc *d, const char *codec, uint64_t allowed_ba,
                                 qib_error *err) {
    const char *f = d->file;
    QIB_FAIL_IF(d->rows == 0 || d->columns == 0, err, QIB_ERR_FORMAT, f, -1, "(0028,0010)",
                "%s frame has %u rows and %u columns; both must be at least 1", codec,
                d->rows, d->columns);
    QIB_FAIL_IF(d->rows > QIB_CODEC_MAX_DIM || d->columns > QIB_CODEC_MAX_DIM, err,
                QIB_ERR_LIMIT, f, -1, "(0028,0010)",
                "%s frame of %u x %u exceeds the DICOM maximum of %u", codec, d->rows,
                d->columns, QIB_CODEC_MAX_DIM);
    QIB_FAIL_IF(d->samples_per_pixel != 1 && d->samples_per_pixel != 3, err,
                QIB_ERR_UNSUPPORTED, f, -1, "(0028,0002)",
                "SamplesPerPixel is %u; %s decoding supports 1 or 3", d->samples_per_pixel,
                codec);
    QIB_FAIL_IF(d->bits_allocated > 32 || !(allowed_ba & QIB_CODEC_BA(d->bits_allocated)), err,
                QIB_ERR_UNSUPPORTED, f, -1, "(0028,0100)",
                "BitsAllocated is %u, which %s decoding does not support", d->bits_allocated,
                codec);
    QIB_FAIL_IF(d->bits_stored == 0 || d->bits_stored > d->bits_allocated, err, QIB_ERR_FORMAT,
                f, -1, "(0028,0101)", "BitsStored is %u; it must be 1..BitsAllocated (%u)",
                d->bits_stored, d->bits_allocated);
    QIB_FAIL_IF(d->high_bit >= d->bits_allocated || d->high_bit + 1 < d->bits_stored, err,
                QIB_ERR_FORMAT, f, -1, "(0028,0102)",
                "HighBit is %u; it must be BitsStored-1 (%u) .. BitsAllocated-1 (%u)",
                d->high_bit, d->bits_stored - 1, d->bits_allocated - 1);
    QIB_FAIL_IF(d->pixel_representation > 1, err, QIB_ERR_FORMAT, f, -1, "(0028,0103)",
                "PixelRepresentation is %u; it must be 0 or 1", d->pixel_representation);
    uint64_t samples = (uint64_t)d->rows * d->columns * d->samples_per_pixel;
    QIB_FAIL_IF(samples > QIB_CODEC_MAX_FRAME_SAMPLES, err, QIB_ERR_LIMIT, f, -1, "(0028,0010)",
                "%s frame of %llu samples exceeds the cap of %u", codec,
                (unsigned long long)samples, QIB_CODEC_MAX_FRAME_SAMPLES);
    return QIB_OK;
}

/* Reduces v to the header's stored bits (PS3.5 8.1.1: the header wins over
 * the codestream precision) and writes it little-endian (codec.h layout). */
void qib__codec_store(const qib_pixel_desc *d, uint8_t *out, size_t idx, int64_t v) {
    unsigned bps = qib__codec_bytes_per_sample(d);
    unsigned bs = d->bits_stored;
    uint64_t u = (uint64_t)v;
    if (d->bits_allocated == 1) {
        out[idx] = (uint8_t)(u & 1u);
        return;
    }
    if (bs < 64 && (d->pixel_representation == 1 || d->high_bit + 1u == bs)) {
        uint64_t mask = ((uint64_t)1 << bs) - 1u;
        u &= mask;
        if (d->pixel_representation == 1 && (u >> (bs - 1)) & 1u) u |= ~mask;
    }
    uint8_t *p = out + idx * bps;
    for (unsigned b = 0; b < bps; b++) p[b] = (uint8_t)(u >> (8u * b));
}
