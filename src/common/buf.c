/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: a growable text buffer with JSON and CSV quoting. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib_internal.h"

void qib__buf_init(qib_buf *b) { memset(b, 0, sizeof *b); }

void qib__buf_free(qib_buf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

static bool reserve(qib_buf *b, size_t extra) {
    if (b->failed) return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void qib__buf_append(qib_buf *b, const void *data, size_t n) {
    if (!reserve(b, n)) return;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = 0;
}

void qib__buf_puts(qib_buf *b, const char *s) { qib__buf_append(b, s, strlen(s)); }

void qib__buf_printf(qib_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), or 0 when the bytes are not valid UTF-8. */
static size_t utf8_len(const unsigned char *p) {
    if (p[0] < 0x80) return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        unsigned lo = p[0] == 0xE0 ? 0xA0 : 0x80, hi = p[0] == 0xED ? 0x9F : 0xBF;
        return (p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80) ? 3 : 0;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        unsigned lo = p[0] == 0xF0 ? 0x90 : 0x80, hi = p[0] == 0xF4 ? 0x8F : 0xBF;
        return (p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80)
                   ? 4
                   : 0;
    }
    return 0;
}

void qib__buf_json_string(qib_buf *b, const char *s) {
    qib__buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80) {
            /* valid UTF-8 is copied; any other byte is read as Latin-1, so
             * the output is always valid JSON and no byte is lost */
            size_t n = utf8_len(p);
            if (n) {
                qib__buf_append(b, p, n);
                p += n - 1;
            } else {
                qib__buf_printf(b, "\\u%04x", *p);
            }
            continue;
        }
        switch (*p) {
        case '"': qib__buf_puts(b, "\\\""); break;
        case '\\': qib__buf_puts(b, "\\\\"); break;
        case '\n': qib__buf_puts(b, "\\n"); break;
        case '\r': qib__buf_puts(b, "\\r"); break;
        case '\t': qib__buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                qib__buf_printf(b, "\\u%04x", *p);
            else
                qib__buf_append(b, p, 1);
        }
    }
    qib__buf_puts(b, "\"");
}

void qib__buf_csv_field(qib_buf *b, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        qib__buf_puts(b, s);
        return;
    }
    qib__buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"') qib__buf_puts(b, "\"");
        qib__buf_append(b, p, 1);
    }
    qib__buf_puts(b, "\"");
}

void qib__buf_double(qib_buf *b, double v) {
    if (isnan(v))
        qib__buf_puts(b, "NaN");
    else if (isinf(v))
        qib__buf_puts(b, v > 0 ? "Inf" : "-Inf");
    else {
        /* the shortest of %.15g, %.16g and %.17g that reads back exactly */
        char t[40];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(t, sizeof t, "%.*g", prec, v);
            if (strtod(t, NULL) == v) break;
        }
        qib__buf_puts(b, t);
    }
}

char *qib__buf_take(qib_buf *b) {
    if (b->failed) {
        qib__buf_free(b);
        return NULL;
    }
    if (!b->data && !reserve(b, 0)) return NULL;
    char *d = b->data;
    memset(b, 0, sizeof *b);
    return d;
}
