/* SPDX-License-Identifier: Apache-2.0 */
/* codec_encoders.h: small encoders written for test_codecs.c, so the
 * decoders are checked against a second, independent implementation:
 * PackBits RLE frames (PS3.5 Annex G), JPEG lossless process 14 (T.81
 * Annex H, any predictor, restarts) and flat-block 12-bit DCT JPEG (T.81
 * process 4, DC-only). Included once, by test_codecs.c, after cmocka. */
#ifndef QIB_TEST_CODEC_ENCODERS_H
#define QIB_TEST_CODEC_ENCODERS_H

#include <stdlib.h>
#include <string.h>

#include "dicom/codec.h"

/* PackBits-encodes n bytes (G.3.1): runs of 3+ equal bytes as replicate
 * runs, the rest as literal runs of at most 128. Returns bytes written. */
static size_t packbits(const uint8_t *src, size_t n, uint8_t *dst) {
    size_t i = 0, o = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && run < 128 && src[i + run] == src[i]) run++;
        if (run >= 3) {
            dst[o++] = (uint8_t)(257 - run);
            dst[o++] = src[i];
            i += run;
            continue;
        }
        size_t lit = 0;
        while (i + lit < n && lit < 128 &&
               !(i + lit + 2 < n && src[i + lit] == src[i + lit + 1] &&
                 src[i + lit] == src[i + lit + 2]))
            lit++;
        dst[o++] = (uint8_t)(lit - 1);
        memcpy(dst + o, src + i, lit);
        o += lit;
        i += lit;
    }
    return o;
}

/* Builds an RLE frame (header + one segment per byte plane, MSB plane
 * first, G.2) from samples v of d; *len gets its size. */
static uint8_t *rle_encode(const qib_pixel_desc *d, const int32_t *v, size_t *len) {
    size_t pixels = (size_t)d->rows * d->columns;
    unsigned bps = d->bits_allocated / 8u, spp = d->samples_per_pixel, nseg = bps * spp;
    uint8_t *out = calloc(64 + nseg * (pixels * 2 + 2), 1), *plane = malloc(pixels);
    assert_true(out && plane);
    size_t o = 64;
    out[0] = (uint8_t)nseg;
    for (unsigned s = 0; s < nseg; s++) {
        unsigned sample = s / bps, shift = 8 * (bps - 1 - s % bps);
        for (size_t p = 0; p < pixels; p++)
            plane[p] = (uint8_t)((uint32_t)v[p * spp + sample] >> shift);
        for (unsigned b = 0; b < 4; b++) out[4 + 4 * s + b] = (uint8_t)(o >> (8 * b));
        o += packbits(plane, pixels, out + o);
        if (o & 1) out[o++] = 0; /* even-length padding some writers add */
    }
    free(plane);
    *len = o;
    return out;
}

/* MSB-first bit writer with 0xFF byte stuffing (F.1.2.3, B.1.1.5). */
typedef struct {
    uint8_t *buf;
    size_t n, cap;
    uint32_t acc;
    unsigned nbits;
} bitw;

static void bw_byte(bitw *w, unsigned b) {
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->buf = realloc(w->buf, w->cap);
        assert_non_null(w->buf);
    }
    w->buf[w->n++] = (uint8_t)b;
}

static void bw_bits(bitw *w, uint32_t v, unsigned n) {
    for (unsigned i = n; i-- > 0;) {
        w->acc = (w->acc << 1) | ((v >> i) & 1u);
        if (++w->nbits == 8) {
            bw_byte(w, w->acc & 0xFF);
            if ((w->acc & 0xFF) == 0xFF) bw_byte(w, 0);
            w->acc = 0;
            w->nbits = 0;
        }
    }
}

/* Pads the last byte with 1-bits (F.1.2.3). */
static void bw_flush(bitw *w) {
    while (w->nbits) bw_bits(w, 1, 1);
}

static void bw_u16(bitw *w, unsigned v) {
    bw_byte(w, v >> 8);
    bw_byte(w, v & 0xFF);
}

/* Encodes difference d (H.1.2.2) with a table where SSSS k has the 5-bit
 * code k; 32768 (mod 2^16) is SSSS 16 with no extra bits. */
static void ll_put_diff(bitw *w, int32_t d) {
    d &= 0xFFFF;
    if (d == 0x8000) {
        bw_bits(w, 16, 5);
        return;
    }
    if (d > 0x8000) d -= 0x10000;
    unsigned mag = (unsigned)(d < 0 ? -d : d), ssss = 0;
    while (mag >> ssss) ssss++;
    bw_bits(w, ssss, 5);
    if (ssss) bw_bits(w, (uint32_t)(d < 0 ? d + (1 << ssss) - 1 : d), ssss);
}

/* The encoder's prediction: the same rules as the decoder (H.1.2.1). */
static int32_t ll_enc_pred(const int32_t *v, unsigned w, unsigned nc, unsigned c, unsigned x,
                           unsigned y, unsigned rx, unsigned ry, unsigned ps, int32_t deflt) {
#define AT(xx, yy) v[((size_t)(yy) * w + (xx)) * nc + c]
    if (x == rx && y == ry) return deflt;
    if (y == ry) return AT(x - 1, y);
    if (x == 0) return AT(x, y - 1);
    int32_t ra = AT(x - 1, y), rb = AT(x, y - 1), rc = AT(x - 1, y - 1);
#undef AT
    switch (ps) {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
    }
}

/* Writes a process-14 JPEG of interleaved samples v (already shifted
 * right by pt) with predictor ps and restart interval ri (0: none). */
static uint8_t *ll_encode(const int32_t *v, unsigned rows, unsigned cols, unsigned nc,
                          unsigned prec, unsigned ps, unsigned pt, unsigned ri, size_t *len) {
    bitw w = {0};
    bw_u16(&w, 0xFFD8);
    bw_u16(&w, 0xFFC4); /* DHT: class 0, table 0, 17 codes of 5 bits */
    bw_u16(&w, 2 + 17 + 17);
    bw_byte(&w, 0);
    for (unsigned l = 1; l <= 16; l++) bw_byte(&w, l == 5 ? 17 : 0);
    for (unsigned k = 0; k <= 16; k++) bw_byte(&w, k);
    bw_u16(&w, 0xFFC3);
    bw_u16(&w, 8 + 3 * nc);
    bw_byte(&w, prec);
    bw_u16(&w, rows);
    bw_u16(&w, cols);
    bw_byte(&w, nc);
    for (unsigned c = 0; c < nc; c++) {
        bw_byte(&w, c + 1);
        bw_byte(&w, 0x11);
        bw_byte(&w, 0);
    }
    if (ri) {
        bw_u16(&w, 0xFFDD);
        bw_u16(&w, 4);
        bw_u16(&w, ri);
    }
    bw_u16(&w, 0xFFDA);
    bw_u16(&w, 6 + 2 * nc);
    bw_byte(&w, nc);
    for (unsigned c = 0; c < nc; c++) {
        bw_byte(&w, c + 1);
        bw_byte(&w, 0);
    }
    bw_byte(&w, ps);
    bw_byte(&w, 0);
    bw_byte(&w, pt);
    unsigned rx = 0, ry = 0, rst = 0;
    size_t mcus = 0;
    for (unsigned y = 0; y < rows; y++)
        for (unsigned x = 0; x < cols; x++, mcus++) {
            if (ri && mcus && mcus % ri == 0) {
                bw_flush(&w);
                bw_u16(&w, 0xFFD0 + (rst++ & 7));
                rx = x;
                ry = y;
            }
            for (unsigned c = 0; c < nc; c++) {
                int32_t pred = ll_enc_pred(v, cols, nc, c, x, y, rx, ry, ps,
                                           1 << (prec - pt - 1));
                ll_put_diff(&w, v[((size_t)y * cols + x) * nc + c] - pred);
            }
        }
    bw_flush(&w);
    bw_u16(&w, 0xFFD9);
    *len = w.n;
    return w.buf;
}

/* Writes a 12-bit SOF1 JPEG whose 8x8 blocks are flat: block b has DC
 * coefficient dc[b] and quantiser 8, so the IJG islow IDCT gives samples
 * dc[b] + 2048 exactly. DC table: SSSS k has the 5-bit code k; AC table:
 * only EOB, code "0". ri: restart interval in blocks (0: none). */
static uint8_t *j12_encode(const int32_t *dc, unsigned rows, unsigned cols, unsigned ri,
                           size_t *len) {
    bitw w = {0};
    unsigned nb = ((cols + 7) / 8) * ((rows + 7) / 8), rst = 0;
    bw_u16(&w, 0xFFD8);
    bw_u16(&w, 0xFFDB); /* DQT, 16-bit entries, all 8 */
    bw_u16(&w, 2 + 1 + 128);
    bw_byte(&w, 0x10);
    for (unsigned k = 0; k < 64; k++) bw_u16(&w, 8);
    bw_u16(&w, 0xFFC4);
    bw_u16(&w, 2 + 17 + 16 + 17 + 1);
    bw_byte(&w, 0x00);
    for (unsigned l = 1; l <= 16; l++) bw_byte(&w, l == 5 ? 16 : 0);
    for (unsigned k = 0; k < 16; k++) bw_byte(&w, k);
    bw_byte(&w, 0x10);
    for (unsigned l = 1; l <= 16; l++) bw_byte(&w, l == 1 ? 1 : 0);
    bw_byte(&w, 0x00);
    bw_u16(&w, 0xFFC1);
    bw_u16(&w, 11);
    bw_byte(&w, 12);
    bw_u16(&w, rows);
    bw_u16(&w, cols);
    bw_byte(&w, 1);
    bw_byte(&w, 1);
    bw_byte(&w, 0x11);
    bw_byte(&w, 0);
    if (ri) {
        bw_u16(&w, 0xFFDD);
        bw_u16(&w, 4);
        bw_u16(&w, ri);
    }
    bw_u16(&w, 0xFFDA);
    bw_u16(&w, 8);
    bw_byte(&w, 1);
    bw_byte(&w, 1);
    bw_byte(&w, 0x00);
    bw_byte(&w, 0);
    bw_byte(&w, 63);
    bw_byte(&w, 0);
    int32_t pred = 0;
    for (unsigned b = 0; b < nb; b++) {
        if (ri && b && b % ri == 0) {
            bw_flush(&w);
            bw_u16(&w, 0xFFD0 + (rst++ & 7));
            pred = 0;
        }
        int32_t d = dc[b] - pred;
        unsigned mag = (unsigned)(d < 0 ? -d : d), ssss = 0;
        while (mag >> ssss) ssss++;
        bw_bits(&w, ssss, 5);
        if (ssss) bw_bits(&w, (uint32_t)(d < 0 ? d + (1 << ssss) - 1 : d), ssss);
        bw_bits(&w, 0, 1); /* EOB */
        pred = dc[b];
    }
    bw_flush(&w);
    bw_u16(&w, 0xFFD9);
    *len = w.n;
    return w.buf;
}

#endif
