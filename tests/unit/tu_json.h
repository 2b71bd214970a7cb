/* SPDX-License-Identifier: Apache-2.0 */
/* tu_json.h: a small strict JSON checker (RFC 8259) for the unit tests.
 *
 * tu_json_valid(text) is true when text is exactly one JSON value with
 * optional whitespace around it, strings hold no raw control characters and
 * only valid escapes, numbers follow the JSON grammar (so NaN, Inf, leading
 * zeros and a trailing '.' are refused), and the text is valid UTF-8.
 * It is independent of the writers it checks: it shares no code with them. */
#ifndef QIB_TU_JSON_H
#define QIB_TU_JSON_H

#include <stdbool.h>
#include <string.h>

typedef struct tu_json {
    const unsigned char *p;
    int depth;
} tu_json;

static inline void tu_json_ws(tu_json *j) {
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++;
}

static inline bool tu_json_utf8(tu_json *j) {
    unsigned c = *j->p;
    int extra = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
    if (c >= 0xf5 || extra < 0) return false;
    for (int i = 1; i <= extra; i++)
        if ((j->p[i] & 0xc0) != 0x80) return false;
    j->p += extra + 1;
    return true;
}

static inline bool tu_json_string(tu_json *j) {
    if (*j->p != '"') return false;
    j->p++;
    for (;;) {
        unsigned c = *j->p;
        if (c == '"') {
            j->p++;
            return true;
        }
        if (c < 0x20) return false; /* includes the terminating NUL */
        if (c == '\\') {
            j->p++;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    unsigned h = j->p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                          (h >= 'A' && h <= 'F')))
                        return false;
                }
                j->p += 5;
            } else if (*j->p && strchr("\"\\/bfnrt", *j->p)) {
                j->p++;
            } else {
                return false;
            }
        } else if (c >= 0x80) {
            if (!tu_json_utf8(j)) return false;
        } else {
            j->p++;
        }
    }
}

static inline bool tu_json_digits(tu_json *j) {
    if (*j->p < '0' || *j->p > '9') return false;
    while (*j->p >= '0' && *j->p <= '9') j->p++;
    return true;
}

static inline bool tu_json_number(tu_json *j) {
    if (*j->p == '-') j->p++;
    if (*j->p == '0')
        j->p++;
    else if (!tu_json_digits(j))
        return false;
    if (*j->p == '.') {
        j->p++;
        if (!tu_json_digits(j)) return false;
    }
    if (*j->p == 'e' || *j->p == 'E') {
        j->p++;
        if (*j->p == '+' || *j->p == '-') j->p++;
        if (!tu_json_digits(j)) return false;
    }
    return true;
}

static inline bool tu_json_value(tu_json *j) {
    tu_json_ws(j);
    if (++j->depth > 64) return false;
    bool ok;
    switch (*j->p) {
    case '{':
        j->p++;
        tu_json_ws(j);
        ok = true;
        if (*j->p == '}') {
            j->p++;
            break;
        }
        for (;;) {
            tu_json_ws(j);
            if (!tu_json_string(j)) return false;
            tu_json_ws(j);
            if (*j->p++ != ':') return false;
            if (!tu_json_value(j)) return false;
            tu_json_ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p++ != '}') return false;
            break;
        }
        break;
    case '[':
        j->p++;
        tu_json_ws(j);
        ok = true;
        if (*j->p == ']') {
            j->p++;
            break;
        }
        for (;;) {
            if (!tu_json_value(j)) return false;
            tu_json_ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p++ != ']') return false;
            break;
        }
        break;
    case '"': ok = tu_json_string(j); break;
    case 't': ok = !strncmp((const char *)j->p, "true", 4) && (j->p += 4); break;
    case 'f': ok = !strncmp((const char *)j->p, "false", 5) && (j->p += 5); break;
    case 'n': ok = !strncmp((const char *)j->p, "null", 4) && (j->p += 4); break;
    default: ok = tu_json_number(j);
    }
    j->depth--;
    return ok;
}

static inline bool tu_json_valid(const char *text) {
    tu_json j = {(const unsigned char *)text, 0};
    if (!tu_json_value(&j)) return false;
    tu_json_ws(&j);
    return *j.p == 0;
}

#endif
