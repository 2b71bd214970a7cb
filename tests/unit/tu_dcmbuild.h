/* SPDX-License-Identifier: Apache-2.0 */
/* tu_dcmbuild.h: a tiny explicit VR little-endian DICOM writer for building
 * hand-made RTSTRUCT and SEG test objects in memory (test code only). */
#ifndef QIB_TU_DCMBUILD_H
#define QIB_TU_DCMBUILD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tu_dcm {
    uint8_t *p;
    size_t n, cap;
} tu_dcm;

static inline void tu_dcm_put(tu_dcm *b, const void *d, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}
static inline void tu_dcm_u16(tu_dcm *b, uint16_t v) {
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    tu_dcm_put(b, x, 2);
}
static inline void tu_dcm_u32(tu_dcm *b, uint32_t v) {
    tu_dcm_u16(b, (uint16_t)v);
    tu_dcm_u16(b, (uint16_t)(v >> 16));
}
/* One element; text values are padded to even length. */
static inline void tu_dcm_el(tu_dcm *b, uint16_t g, uint16_t e, const char *vr, const void *v,
                             size_t n) {
    int pad = n % 2;
    int longvr = !strcmp(vr, "OB") || !strcmp(vr, "OW") || !strcmp(vr, "UN") || !strcmp(vr, "UT");
    tu_dcm_u16(b, g);
    tu_dcm_u16(b, e);
    tu_dcm_put(b, vr, 2);
    if (longvr) {
        tu_dcm_u16(b, 0);
        tu_dcm_u32(b, (uint32_t)(n + pad));
    } else {
        tu_dcm_u16(b, (uint16_t)(n + pad));
    }
    tu_dcm_put(b, v, n);
    if (pad) tu_dcm_put(b, !strcmp(vr, "UI") || !strcmp(vr, "OB") ? "\0" : " ", 1);
}
static inline void tu_dcm_str(tu_dcm *b, uint16_t g, uint16_t e, const char *vr, const char *s) {
    tu_dcm_el(b, g, e, vr, s, strlen(s));
}
static inline void tu_dcm_us(tu_dcm *b, uint16_t g, uint16_t e, uint16_t v) {
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    tu_dcm_el(b, g, e, "US", x, 2);
}
/* Sequences and items of undefined length. */
static inline void tu_dcm_seq(tu_dcm *b, uint16_t g, uint16_t e) {
    tu_dcm_u16(b, g);
    tu_dcm_u16(b, e);
    tu_dcm_put(b, "SQ\0\0", 4);
    tu_dcm_u32(b, 0xFFFFFFFFu);
}
static inline void tu_dcm_seq_end(tu_dcm *b) {
    tu_dcm_u32(b, 0xE0DDFFFEu);
    tu_dcm_u32(b, 0);
}
static inline void tu_dcm_item(tu_dcm *b) {
    tu_dcm_u32(b, 0xE000FFFEu);
    tu_dcm_u32(b, 0xFFFFFFFFu);
}
static inline void tu_dcm_item_end(tu_dcm *b) {
    tu_dcm_u32(b, 0xE00DFFFEu);
    tu_dcm_u32(b, 0);
}
/* Preamble, "DICM" and File Meta (explicit VR little endian). */
static inline void tu_dcm_begin(tu_dcm *b, const char *sop_class) {
    memset(b, 0, sizeof *b);
    uint8_t pre[128] = {0};
    tu_dcm_put(b, pre, sizeof pre);
    tu_dcm_put(b, "DICM", 4);
    tu_dcm meta = {0};
    tu_dcm_el(&meta, 2, 1, "OB", "\0\1", 2);
    tu_dcm_str(&meta, 2, 2, "UI", sop_class);
    tu_dcm_str(&meta, 2, 3, "UI", "1.2.3.4.5");
    tu_dcm_str(&meta, 2, 0x10, "UI", "1.2.840.10008.1.2.1");
    uint8_t len[4] = {(uint8_t)meta.n, (uint8_t)(meta.n >> 8), (uint8_t)(meta.n >> 16), 0};
    tu_dcm_el(b, 2, 0, "UL", len, 4);
    tu_dcm_put(b, meta.p, meta.n);
    free(meta.p);
    tu_dcm_str(b, 8, 0x16, "UI", sop_class);
}

#endif
