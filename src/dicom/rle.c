/* SPDX-License-Identifier: Apache-2.0 */
/* rle.c: DICOM RLE Lossless decoder (PS3.5 Annex G). A frame is a 64-byte
 * header of 16 little-endian uint32 (segment count, then 15 offsets) and one
 * PackBits segment per byte plane: sample 1 most significant byte first,
 * ..., sample 1 least significant byte, then sample 2, ... (G.2). Each
 * segment decodes to rows*columns bytes. */
#include <stdlib.h>
#include <string.h>

#include "codec_priv.h"

#define RLE_HEADER_BYTES 64u
#define RLE_MAX_SEGMENTS 15u

/* Reads the little-endian uint32 at p (the header's byte order, G.5). */
static uint32_t rle_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes one PackBits segment (G.3.1) from in[0..in_len) into exactly
 * want bytes of dst. Header byte n: 0..127 copies the next n+1 bytes,
 * -1..-127 repeats the next byte 1-n times, -128 is a no-op. Bytes left
 * after dst is full are padding and ignored; a run that would pass the end
 * of dst is clipped (encoders pad odd segments). Returns the number of
 * bytes written (less than want when the segment is short). */
static size_t rle_unpack(const uint8_t *in, size_t in_len, uint8_t *dst, size_t want) {
    size_t i = 0, o = 0;
    while (o < want && i < in_len) {
        int n = (int8_t)in[i++];
        if (n >= 0) {
            size_t cnt = (size_t)n + 1;
            if (cnt > in_len - i) cnt = in_len - i;
            if (cnt > want - o) cnt = want - o;
            memcpy(dst + o, in + i, cnt);
            o += cnt;
            i += (size_t)n + 1;
        } else if (n != -128) {
            if (i >= in_len) break;
            size_t cnt = (size_t)(1 - n);
            if (cnt > want - o) cnt = want - o;
            memset(dst + o, in[i++], cnt);
            o += cnt;
        }
    }
    return o;
}

/* Validates the RLE header (G.5): the segment count equals samples *
 * bytes per sample, offsets start at 64, increase, and lie inside the frame.
 * On success seg_start/seg_end hold each segment's byte range. */
static qib_status rle_header(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                             unsigned nseg, size_t *seg_start, size_t *seg_end, qib_error *err) {
    const char *f = d->file;
    QIB_FAIL_IF(in_len < RLE_HEADER_BYTES, err, QIB_ERR_TRUNCATED, f, -1, "RLE header",
                "RLE frame has %zu bytes; the header alone needs 64", in_len);
    uint32_t count = rle_u32(in);
    QIB_FAIL_IF(count != nseg, err, QIB_ERR_CORRUPT, f, -1, "RLE header",
                "RLE header declares %u segments; SamplesPerPixel %u x BitsAllocated %u "
                "needs %u", count, d->samples_per_pixel, d->bits_allocated, nseg);
    for (unsigned s = 0; s < nseg; s++) {
        uint32_t off = rle_u32(in + 4 + 4 * s);
        QIB_FAIL_IF(s == 0 && off != RLE_HEADER_BYTES, err, QIB_ERR_CORRUPT, f, -1,
                    "RLE header", "RLE segment 1 starts at byte %u; it must start at 64", off);
        QIB_FAIL_IF(off >= in_len, err, QIB_ERR_TRUNCATED, f, -1, "RLE header",
                    "RLE segment %u starts at byte %u, past the frame's %zu bytes", s + 1, off,
                    in_len);
        QIB_FAIL_IF(s > 0 && off <= seg_start[s - 1], err, QIB_ERR_CORRUPT, f, -1, "RLE header",
                    "RLE segment %u starts at byte %u, not after segment %u (byte %zu)", s + 1,
                    off, s, seg_start[s - 1]);
        seg_start[s] = off;
        if (s > 0) seg_end[s - 1] = off;
    }
    seg_end[nseg - 1] = in_len;
    return QIB_OK;
}

/* Decodes one RLE frame into the codec.h layout. Each byte plane is
 * unpacked into a scratch plane, then the planes are merged into samples
 * (most significant plane first) and stored with the header's sign rules. */
qib_status qib__decode_rle(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                           uint8_t *out, qib_error *err) {
    QIB_FORWARD(qib__codec_check_desc(d, "RLE", QIB_CODEC_BA(8) | QIB_CODEC_BA(16) |
                                                    QIB_CODEC_BA(32) | QIB_CODEC_BA(1),
                                      err));
    QIB_FAIL_IF(d->bits_allocated == 1, err, QIB_ERR_UNSUPPORTED, d->file, -1, "(0028,0100)",
                "RLE with BitsAllocated 1 is not supported (PS3.5 G.2 defines byte "
                "segments only; no reference decoder reads it either)");
    unsigned bps = qib__codec_bytes_per_sample(d);
    unsigned nseg = bps * d->samples_per_pixel;
    size_t seg_start[RLE_MAX_SEGMENTS], seg_end[RLE_MAX_SEGMENTS];
    QIB_FAIL_IF(nseg > RLE_MAX_SEGMENTS, err, QIB_ERR_UNSUPPORTED, d->file, -1, "(0028,0100)",
                "RLE needs %u segments; PS3.5 G.5 allows at most 15", nseg);
    QIB_FORWARD(rle_header(d, in, in_len, nseg, seg_start, seg_end, err));

    size_t pixels = (size_t)d->rows * d->columns;
    uint8_t *plane = malloc(pixels);
    if (!plane) return qib__nomem(err, d->file, "RLE segment");
    uint64_t *acc = calloc(pixels * d->samples_per_pixel, sizeof *acc);
    if (!acc) {
        free(plane);
        return qib__nomem(err, d->file, "RLE samples");
    }
    qib_status st = QIB_OK;
    for (unsigned s = 0; s < nseg && st == QIB_OK; s++) {
        size_t got = rle_unpack(in + seg_start[s], seg_end[s] - seg_start[s], plane, pixels);
        if (got < pixels) {
            st = qib__fail(err, QIB_ERR_TRUNCATED, d->file, (int64_t)seg_start[s],
                           "RLE segment", "RLE segment %u decodes to %zu bytes; %zu expected",
                           s + 1, got, pixels);
            break;
        }
        unsigned sample = s / bps;
        for (size_t p = 0; p < pixels; p++) {
            uint64_t *a = &acc[p * d->samples_per_pixel + sample];
            *a = (*a << 8) | plane[p];
        }
    }
    if (st == QIB_OK)
        for (size_t i = 0; i < pixels * d->samples_per_pixel; i++)
            qib__codec_store(d, out, i, (int64_t)acc[i]);
    free(acc);
    free(plane);
    return st;
}
