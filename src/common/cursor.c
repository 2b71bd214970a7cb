/* SPDX-License-Identifier: Apache-2.0 */
/* cursor.c: bounded reads from untrusted byte buffers, and byte order. */
#include <string.h>

#include "qib_internal.h"

void qib__cursor_init(qib_cursor *c, const void *base, size_t len) {
    c->base = base;
    c->len = len;
    c->pos = 0;
    c->overrun = false;
    c->swap = false;
}

bool qib__cursor_read(qib_cursor *c, void *dst, size_t n) {
    if (c->overrun || n > c->len - c->pos) {
        c->overrun = true;
        memset(dst, 0, n);
        return false;
    }
    memcpy(dst, c->base + c->pos, n);
    c->pos += n;
    return true;
}

bool qib__cursor_skip(qib_cursor *c, size_t n) {
    if (c->overrun || n > c->len - c->pos) {
        c->overrun = true;
        return false;
    }
    c->pos += n;
    return true;
}

uint8_t qib__cursor_u8(qib_cursor *c) {
    uint8_t v;
    qib__cursor_read(c, &v, 1);
    return v;
}

uint16_t qib__cursor_u16(qib_cursor *c) {
    uint16_t v;
    qib__cursor_read(c, &v, 2);
    if (c->swap) qib__byteswap(&v, 1, 2);
    return v;
}

uint32_t qib__cursor_u32(qib_cursor *c) {
    uint32_t v;
    qib__cursor_read(c, &v, 4);
    if (c->swap) qib__byteswap(&v, 1, 4);
    return v;
}

uint64_t qib__cursor_u64(qib_cursor *c) {
    uint64_t v;
    qib__cursor_read(c, &v, 8);
    if (c->swap) qib__byteswap(&v, 1, 8);
    return v;
}

float qib__cursor_f32(qib_cursor *c) {
    uint32_t u = qib__cursor_u32(c);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

double qib__cursor_f64(qib_cursor *c) {
    uint64_t u = qib__cursor_u64(c);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

bool qib__host_is_little_endian(void) {
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

void qib__byteswap(void *data, size_t n, size_t elem_size) {
    uint8_t *p = data;
    switch (elem_size) {
    case 2:
        for (size_t i = 0; i < n; i++, p += 2) {
            uint8_t t = p[0];
            p[0] = p[1];
            p[1] = t;
        }
        break;
    case 4:
        for (size_t i = 0; i < n; i++, p += 4) {
            uint32_t v;
            memcpy(&v, p, 4);
            v = __builtin_bswap32(v);
            memcpy(p, &v, 4);
        }
        break;
    case 8:
        for (size_t i = 0; i < n; i++, p += 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            v = __builtin_bswap64(v);
            memcpy(p, &v, 8);
        }
        break;
    default:
        break;
    }
}
