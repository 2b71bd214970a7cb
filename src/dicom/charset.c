/* SPDX-License-Identifier: Apache-2.0 */
/* charset.c: DICOM text to UTF-8 following Specific Character Set (0008,0005)
 * (PS3.3 C.12.1.1.2, PS3.5 6.1). ISO_IR 6 (ASCII), ISO_IR 100 (Latin-1) and
 * ISO_IR 192 (UTF-8) are converted here; the other single-byte sets, GB18030,
 * GBK and the ISO 2022 multi-byte sets (Japanese JIS X 0208/0212, Korean
 * KS X 1001, Chinese GB 2312) go through glibc's iconv(3). ISO 2022 code
 * extensions are followed by their escape sequences, best effort: a byte
 * that cannot be converted becomes U+FFFD. */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "dicom_internal.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Code elements a term designates (PS3.3 tables C.12-2 to C.12-5). */
typedef enum { CE_NONE, CE_ASCII, CE_SINGLE, CE_KATAKANA, CE_JIS0208, CE_JIS0212, CE_KSX1001,
               CE_GB2312 } ce_kind;

typedef struct term_def {
    const char *term;  /* without the "ISO_IR " / "ISO 2022 IR " prefix */
    const char *iconv; /* for the G1 bytes (>= 0x80) or the whole text */
    ce_kind g1;
} term_def;

static const term_def terms[] = {
    {"6", NULL, CE_NONE},            {"100", "ISO-8859-1", CE_SINGLE},
    {"101", "ISO-8859-2", CE_SINGLE}, {"109", "ISO-8859-3", CE_SINGLE},
    {"110", "ISO-8859-4", CE_SINGLE}, {"144", "ISO-8859-5", CE_SINGLE},
    {"127", "ISO-8859-6", CE_SINGLE}, {"126", "ISO-8859-7", CE_SINGLE},
    {"138", "ISO-8859-8", CE_SINGLE}, {"148", "ISO-8859-9", CE_SINGLE},
    {"203", "ISO-8859-15", CE_SINGLE}, {"166", "TIS-620", CE_SINGLE},
    {"13", "SHIFT_JIS", CE_KATAKANA}, {"87", "EUC-JP", CE_NONE},
    {"159", "EUC-JP", CE_NONE},      {"149", "EUC-KR", CE_KSX1001},
    {"58", "GB2312", CE_GB2312},
};

static void put_latin1(qib_buf *out, const uint8_t *in, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        if (c < 0x80) {
            qib__buf_append(out, &c, 1);
        } else {
            uint8_t u[2] = {(uint8_t)(0xC0 | (c >> 6)), (uint8_t)(0x80 | (c & 0x3F))};
            qib__buf_append(out, u, 2);
        }
    }
}

/* Copies valid UTF-8, replacing every invalid sequence. */
static void put_utf8(qib_buf *out, const uint8_t *in, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = in[i];
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = k > 0 && i + k <= n && !(k == 2 && c < 0xC2) && !(k == 4 && c > 0xF4);
        for (size_t j = 1; ok && j < k; j++) ok = (in[i + j] & 0xC0) == 0x80;
        if (ok) {
            qib__buf_append(out, in + i, k);
            i += k;
        } else {
            qib__buf_puts(out, replacement);
            i++;
        }
    }
}

static void put_iconv(qib_buf *out, const char *from, const uint8_t *in, size_t n) {
    if (!from || !strcmp(from, "ISO-8859-1")) {
        put_latin1(out, in, n);
        return;
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        for (size_t i = 0; i < n; i++) {
            if (in[i] < 0x80) qib__buf_append(out, in + i, 1);
            else qib__buf_puts(out, replacement);
        }
        return;
    }
    char *src = (char *)(uintptr_t)in;
    size_t left = n;
    char tmp[256];
    while (left > 0) {
        char *dst = tmp;
        size_t room = sizeof tmp;
        size_t r = iconv(cd, &src, &left, &dst, &room);
        qib__buf_append(out, tmp, (size_t)(dst - tmp));
        if (r == (size_t)-1 && errno != E2BIG) { /* EILSEQ / EINVAL: skip one byte */
            qib__buf_puts(out, replacement);
            src++;
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
}

/* Term i of the Specific Character Set value (trimmed). */
static size_t cs_term(const uint8_t *cs, size_t cs_len, size_t index, char *out, size_t cap) {
    size_t part = 0, start = 0;
    out[0] = '\0';
    for (size_t i = 0; i <= cs_len; i++) {
        if (i == cs_len || cs[i] == '\\') {
            if (part == index) {
                size_t s = start, e = i;
                while (s < e && (cs[s] == ' ' || cs[s] == 0)) s++;
                while (e > s && (cs[e - 1] == ' ' || cs[e - 1] == 0)) e--;
                size_t n = e - s < cap - 1 ? e - s : cap - 1;
                memcpy(out, cs + s, n);
                out[n] = '\0';
                return 1;
            }
            part++;
            start = i + 1;
        }
    }
    return 0;
}

static const term_def *find_term(const char *t) {
    const char *num = NULL;
    if (!strncmp(t, "ISO_IR ", 7)) num = t + 7;
    else if (!strncmp(t, "ISO 2022 IR ", 12)) num = t + 12;
    else if (!strncmp(t, "ISO_IR", 6)) num = t + 6;
    if (!num) return NULL;
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        if (!strcmp(terms[i].term, num)) return &terms[i];
    return NULL;
}

/* A run of bytes in one encoding, flushed when the encoding changes. */
typedef struct run {
    const char *enc; /* NULL: ASCII copy */
    uint8_t buf[512];
    size_t n;
} run;

static void run_flush(run *r, qib_buf *out) {
    if (r->n) {
        if (r->enc) put_iconv(out, r->enc, r->buf, r->n);
        else qib__buf_append(out, r->buf, r->n);
    }
    r->n = 0;
}

static void run_put(run *r, qib_buf *out, const char *enc, const uint8_t *b, size_t k) {
    bool same = (enc == NULL && r->enc == NULL) || (enc && r->enc && !strcmp(enc, r->enc));
    if (!same || r->n + k > sizeof r->buf) {
        run_flush(r, out);
        r->enc = enc;
    }
    memcpy(r->buf + r->n, b, k);
    r->n += k;
}

static const char *single_by_final(uint8_t f) {
    switch (f) {
    case 'A': return "ISO-8859-1";
    case 'B': return "ISO-8859-2";
    case 'C': return "ISO-8859-3";
    case 'D': return "ISO-8859-4";
    case 'L': return "ISO-8859-5";
    case 'G': return "ISO-8859-6";
    case 'F': return "ISO-8859-7";
    case 'H': return "ISO-8859-8";
    case 'M': return "ISO-8859-9";
    case 'T': return "TIS-620";
    case 'b': return "ISO-8859-15";
    default: return NULL;
    }
}

/* ISO 2022: G0 (bytes < 0x80) and G1 (bytes >= 0x80) switched by escapes. */
static void iso2022(const term_def *first, const uint8_t *in, size_t n, qib_buf *out) {
    ce_kind g0 = CE_ASCII, g1 = first ? first->g1 : CE_NONE;
    const char *g1_enc = first ? first->iconv : NULL;
    run r = {NULL, {0}, 0};
    size_t i = 0;
    while (i < n) {
        uint8_t c = in[i];
        if (c == 0x1B) {
            size_t left = n - i;
            const uint8_t *e = in + i;
            size_t used = 0;
            if (left >= 3 && e[1] == '(' && (e[2] == 'B' || e[2] == 'J')) g0 = CE_ASCII, used = 3;
            else if (left >= 3 && e[1] == '$' && (e[2] == 'B' || e[2] == '@')) g0 = CE_JIS0208, used = 3;
            else if (left >= 4 && e[1] == '$' && e[2] == '(' && e[3] == 'D') g0 = CE_JIS0212, used = 4;
            else if (left >= 3 && e[1] == ')' && e[2] == 'I') g1 = CE_KATAKANA, g1_enc = "SHIFT_JIS", used = 3;
            else if (left >= 4 && e[1] == '$' && e[2] == ')' && e[3] == 'C') g1 = CE_KSX1001, g1_enc = "EUC-KR", used = 4;
            else if (left >= 4 && e[1] == '$' && e[2] == ')' && e[3] == 'A') g1 = CE_GB2312, g1_enc = "GB2312", used = 4;
            else if (left >= 3 && e[1] == '-' && single_by_final(e[2])) g1 = CE_SINGLE, g1_enc = single_by_final(e[2]), used = 3;
            if (used) {
                i += used;
                continue;
            }
            run_put(&r, out, NULL, (const uint8_t *)"?", 1);
            i++;
            continue;
        }
        if (c < 0x80) {
            if ((g0 == CE_JIS0208 || g0 == CE_JIS0212) && c > 0x20 && i + 1 < n && in[i + 1] > 0x20 &&
                in[i + 1] < 0x80) {
                uint8_t b[3] = {0x8F, (uint8_t)(c | 0x80), (uint8_t)(in[i + 1] | 0x80)};
                if (g0 == CE_JIS0212) run_put(&r, out, "EUC-JP", b, 3);
                else run_put(&r, out, "EUC-JP", b + 1, 2);
                i += 2;
                continue;
            }
            if (c == '\r' || c == '\n' || c == '\f' || c == '\t') g0 = CE_ASCII;
            run_put(&r, out, NULL, &c, 1);
            i++;
            continue;
        }
        if ((g1 == CE_KSX1001 || g1 == CE_GB2312) && i + 1 < n && in[i + 1] >= 0x80) {
            run_put(&r, out, g1_enc, in + i, 2);
            i += 2;
            continue;
        }
        run_put(&r, out, g1_enc ? g1_enc : "ISO-8859-1", &c, 1);
        i++;
    }
    run_flush(&r, out);
}

void qib__dcm_to_utf8(const uint8_t *cs, size_t cs_len, const uint8_t *in, size_t n,
                      qib_buf *out) {
    char t0[32] = "";
    if (cs) cs_term(cs, cs_len, 0, t0, sizeof t0);
    bool multi = false, has_esc = memchr(in, 0x1B, n) != NULL;
    if (cs) {
        char t[32];
        for (size_t k = 0; cs_term(cs, cs_len, k, t, sizeof t); k++)
            if (!strncmp(t, "ISO 2022", 8) || k > 0) multi = true;
    }
    if (!strcmp(t0, "ISO_IR 192")) {
        put_utf8(out, in, n);
        return;
    }
    if (!strcmp(t0, "GB18030") || !strcmp(t0, "GBK")) {
        put_iconv(out, t0, in, n);
        return;
    }
    const term_def *first = find_term(t0);
    if (multi || has_esc) {
        iso2022(first, in, n, out);
        return;
    }
    if (!first || !first->iconv) {
        /* default repertoire: ASCII; stray 8-bit bytes read as Latin-1 */
        put_latin1(out, in, n);
        return;
    }
    if (first->g1 == CE_KATAKANA) {
        iso2022(first, in, n, out);
        return;
    }
    put_iconv(out, first->iconv, in, n);
}
