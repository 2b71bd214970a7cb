/* SPDX-License-Identifier: Apache-2.0 */
/* codec_corpus.h: test-only helpers for test_codecs.c to check the decoders
 * against ../shared/dicom-corpus without the DICOM parser: a CSV reader for
 * manifest.csv, a finder of the encapsulated Pixel Data fragments
 * (PS3.5 A.4) in a file's bytes, frame splitting, and the pixel_sha256
 * normalisation of the corpus README. Included once, by test_codecs.c. */
#ifndef QIB_TEST_CODEC_CORPUS_H
#define QIB_TEST_CODEC_CORPUS_H

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CSV (RFC 4180: quoted fields, "" inside quotes) ---- */

#define CC_MAX_FIELDS 64
typedef struct {
    char *field[CC_MAX_FIELDS];
    int n;
} cc_row;

/* Splits the record starting at *p in place (NUL-terminating fields) and
 * moves *p past it. Returns false at the end of the text. */
static bool cc_csv_row(char **p, cc_row *r) {
    char *s = *p;
    if (!*s) return false;
    r->n = 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s) break;
                if (*s == '"' && s[1] == '"') { *out++ = '"'; s += 2; continue; }
                if (*s == '"') { s++; break; }
                *out++ = *s++;
            }
        } else {
            while (*s && *s != ',' && *s != '\n' && *s != '\r') *out++ = *s++;
        }
        char end = *s;
        *out = '\0';
        if (r->n < CC_MAX_FIELDS) r->field[r->n++] = start;
        if (end == ',') { s++; continue; }
        if (end == '\r') s++;
        if (end == '\n' || (end == '\r' && *s == '\n')) s++;
        break;
    }
    *p = s;
    return true;
}

/* Index of column `name` in the header row, or -1. */
static int cc_col(const cc_row *h, const char *name) {
    for (int i = 0; i < h->n; i++)
        if (strcmp(h->field[i], name) == 0) return i;
    return -1;
}

/* Reads a whole file into a NUL-terminated buffer (NULL on failure). */
static uint8_t *cc_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    if (b) { b[n] = 0; *len = (size_t)n; }
    return b;
}

/* ---- encapsulated Pixel Data (PS3.5 A.4) ---- */

#define CC_MAX_FRAGS 4096
typedef struct {
    const uint8_t *bot; /* Basic Offset Table value */
    uint32_t bot_len;
    int n;
    const uint8_t *data[CC_MAX_FRAGS];
    uint32_t len[CC_MAX_FRAGS];
    uint32_t off[CC_MAX_FRAGS]; /* item offset from the first fragment item */
} cc_frags;

static uint32_t cc_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Finds the last (7FE0,0010) with undefined length (explicit VR OB or
 * implicit VR) followed by an item, and lists its items. */
static bool cc_fragments(const uint8_t *f, size_t n, cc_frags *fr) {
    static const uint8_t item[4] = {0xFE, 0xFF, 0x00, 0xE0};
    size_t start = 0;
    for (size_t i = n >= 16 ? n - 16 : 0; i > 0 && !start; i--) {
        if (memcmp(f + i, "\xE0\x7F\x10\x00", 4) != 0) continue;
        bool vr = f[i + 4] >= 'A' && f[i + 4] <= 'Z' && f[i + 5] >= 'A' && f[i + 5] <= 'Z';
        if (vr && f[i + 6] == 0 && f[i + 7] == 0 && cc_le32(f + i + 8) == 0xFFFFFFFFu)
            start = i + 12;
        else if (cc_le32(f + i + 4) == 0xFFFFFFFFu)
            start = i + 8;
        if (start && (start + 8 > n || memcmp(f + start, item, 4) != 0)) start = 0;
    }
    if (!start) return false;
    memset(fr, 0, sizeof *fr);
    size_t p = start, first = 0;
    bool have_bot = false;
    while (p + 8 <= n) {
        uint32_t tag = cc_le32(f + p), len = cc_le32(f + p + 4);
        if (tag == 0xE0DDFFFEu) return have_bot;
        if (tag != 0xE000FFFEu || len > n - p - 8) return false;
        if (!have_bot) {
            fr->bot = f + p + 8;
            fr->bot_len = len;
            have_bot = true;
            first = p + 8 + len;
        } else if (fr->n < CC_MAX_FRAGS) {
            fr->data[fr->n] = f + p + 8;
            fr->len[fr->n] = len;
            fr->off[fr->n] = (uint32_t)(p - first);
            fr->n++;
        }
        p += 8 + (size_t)len;
    }
    return false;
}

/* True when fragment k ends a JPEG/J2K codestream (EOI/EOC 0xFFD9, maybe
 * followed by zero padding). */
static bool cc_ends_frame(const cc_frags *fr, int k) {
    uint32_t n = fr->len[k];
    while (n > 2 && fr->data[k][n - 1] == 0) n--;
    return n >= 2 && fr->data[k][n - 2] == 0xFF && fr->data[k][n - 1] == 0xD9;
}

/* Fragment range [*a, *b) of frame `frame` of `nframes`: by the Basic
 * Offset Table when present, one fragment per frame when the counts agree,
 * else by end-of-codestream markers (as pydicom's generate_pixel_data_frame). */
static bool cc_frame_range(const cc_frags *fr, int frame, int nframes, int *a, int *b) {
    if (nframes == 1) { *a = 0; *b = fr->n; return fr->n > 0; }
    if (fr->bot_len >= 4u * (uint32_t)nframes) {
        uint32_t lo = cc_le32(fr->bot + 4 * frame);
        uint32_t hi = frame + 1 < nframes ? cc_le32(fr->bot + 4 * (frame + 1)) : UINT32_MAX;
        *a = *b = -1;
        for (int k = 0; k < fr->n; k++) {
            if (fr->off[k] >= lo && fr->off[k] < hi) {
                if (*a < 0) *a = k;
                *b = k + 1;
            }
        }
        return *a >= 0;
    }
    if (fr->n == nframes) { *a = frame; *b = frame + 1; return true; }
    int k = 0;
    for (int f = 0; f <= frame; f++) {
        *a = k;
        while (k < fr->n && !cc_ends_frame(fr, k)) k++;
        if (k >= fr->n) return false;
        *b = ++k;
    }
    return true;
}

/* Joins fragments [a, b) into one malloc'ed buffer. */
static uint8_t *cc_join(const cc_frags *fr, int a, int b, size_t *len) {
    size_t n = 0;
    for (int k = a; k < b; k++) n += fr->len[k];
    uint8_t *out = malloc(n ? n : 1);
    if (!out) return NULL;
    n = 0;
    for (int k = a; k < b; k++) { memcpy(out + n, fr->data[k], fr->len[k]); n += fr->len[k]; }
    *len = n;
    return out;
}

/* ---- pixel_sha256 (corpus README, "Definition of pixel_sha256") ---- */

/* Normalises one decoded frame in place: each cell is shifted right by
 * HighBit+1-BitsStored, masked to BitsStored and sign-extended when signed,
 * then written back little-endian in bytes_per_sample bytes. */
static void cc_normalise(const qib_pixel_desc *d, uint8_t *buf, size_t bytes) {
    unsigned bps = d->bits_allocated <= 8 ? 1 : d->bits_allocated / 8u;
    unsigned bs = d->bits_stored, shift = d->high_bit + 1u - bs;
    uint64_t mask = bs >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bs) - 1;
    for (size_t i = 0; i + bps <= bytes; i += bps) {
        uint64_t v = 0;
        for (unsigned b = 0; b < bps; b++) v |= (uint64_t)buf[i + b] << (8 * b);
        v = (v >> shift) & mask;
        if (d->pixel_representation == 1 && bs < 64 && (v >> (bs - 1)) & 1) v |= ~mask;
        for (unsigned b = 0; b < bps; b++) buf[i + b] = (uint8_t)(v >> (8 * b));
    }
}

#endif
