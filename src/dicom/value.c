/* SPDX-License-Identifier: Apache-2.0 */
/* value.c: looking up elements of the parsed tree and reading their values
 * as text (UTF-8) or numbers, following the VR rules of PS3.5 6.2. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom_internal.h"
#include "dict.h"

/* ---- helpers ---- */

qib_status qib__dcm_fail(const qib_dicom *d, qib_error *err, qib_status st, const dcm_elem *e,
                         uint32_t tag, const char *fmt, ...) {
    char field[12], reason[QIB_ERROR_REASON_MAX];
    qib__dcm_tag_str(tag, field);
    const qib_dict_entry *de = qib__dict_find(tag);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return qib__fail(err, st, d ? d->name : NULL, e ? e->offset : -1, field, "%s%s%s",
                     de ? de->keyword : "", de ? " " : "", reason);
}

const dcm_elem *qib__dcm_find(const qib_dicom_item *it, uint32_t tag) {
    if (!it || !it->n) return NULL;
    if (it->sorted) {
        size_t lo = 0, hi = it->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (it->el[mid].tag == tag) return &it->el[mid];
            if (it->el[mid].tag < tag) lo = mid + 1;
            else hi = mid;
        }
        return NULL;
    }
    for (size_t i = 0; i < it->n; i++)
        if (it->el[i].tag == tag) return &it->el[i];
    return NULL;
}

static bool vr_is(const dcm_elem *e, const char *vr) { return !memcmp(e->vr, vr, 2); }

/* Text VRs whose value may hold several values separated by '\'. */
static bool vr_multi_text(const char *vr) {
    static const char list[] = "AEASCSDADSDTISLOPNSHTMUIUCUN";
    for (size_t i = 0; i + 1 < sizeof list; i += 2)
        if (vr[0] == list[i] && vr[1] == list[i + 1]) return true;
    return false;
}

bool qib__dcm_is_text_vr(const char *vr) {
    return vr_multi_text(vr) || !memcmp(vr, "LT", 2) || !memcmp(vr, "ST", 2) ||
           !memcmp(vr, "UT", 2) || !memcmp(vr, "UR", 2);
}

/* VRs whose text depends on the Specific Character Set (PS3.5 6.1.2.3). */
static bool vr_charset(const char *vr) {
    static const char list[] = "SHLOSTLTPNUCUT";
    for (size_t i = 0; i + 1 < sizeof list; i += 2)
        if (vr[0] == list[i] && vr[1] == list[i + 1]) return true;
    return false;
}

static size_t binary_size(const char *vr) {
    if (!memcmp(vr, "US", 2) || !memcmp(vr, "SS", 2) || !memcmp(vr, "OW", 2)) return 2;
    if (!memcmp(vr, "UL", 2) || !memcmp(vr, "SL", 2) || !memcmp(vr, "FL", 2) ||
        !memcmp(vr, "OL", 2) || !memcmp(vr, "OF", 2) || !memcmp(vr, "AT", 2))
        return 4;
    if (!memcmp(vr, "FD", 2) || !memcmp(vr, "UV", 2) || !memcmp(vr, "SV", 2) ||
        !memcmp(vr, "OD", 2) || !memcmp(vr, "OV", 2))
        return 8;
    return 0;
}

static bool vr_numeric_binary(const char *vr) {
    return binary_size(vr) && memcmp(vr, "O", 1) && memcmp(vr, "AT", 2);
}

/* Raw value bytes of binary element e, value i, into host order. */
static double binary_value(const dcm_elem *e, size_t i, int64_t *as_int, bool *is_int) {
    size_t sz = binary_size(e->vr);
    uint8_t b[8];
    memcpy(b, e->val + i * sz, sz);
    if (e->be == qib__host_is_little_endian()) qib__byteswap(b, 1, sz);
    *is_int = true;
    if (vr_is(e, "US")) { uint16_t v; memcpy(&v, b, 2); *as_int = v; }
    else if (vr_is(e, "SS")) { int16_t v; memcpy(&v, b, 2); *as_int = v; }
    else if (vr_is(e, "UL")) { uint32_t v; memcpy(&v, b, 4); *as_int = v; }
    else if (vr_is(e, "SL")) { int32_t v; memcpy(&v, b, 4); *as_int = v; }
    else if (vr_is(e, "UV")) { uint64_t v; memcpy(&v, b, 8); *as_int = (int64_t)v; return (double)v; }
    else if (vr_is(e, "SV")) { int64_t v; memcpy(&v, b, 8); *as_int = v; }
    else if (vr_is(e, "FL")) { float v; memcpy(&v, b, 4); *is_int = false; return v; }
    else { double v; memcpy(&v, b, 8); *is_int = false; return v; }
    return (double)*as_int;
}

static const dcm_elem *charset_of(const qib_dicom_item *it) {
    for (; it; it = it->parent) {
        const dcm_elem *e = qib__dcm_find(it, 0x00080005);
        if (e) return e;
    }
    return NULL;
}

/* The whole value of a text element as UTF-8 (charset applied) in b. */
static void text_of(const qib_dicom_item *it, const dcm_elem *e, qib_buf *b) {
    if (!e->val) return;
    if (vr_charset(e->vr) || vr_is(e, "UN")) {
        const dcm_elem *cs = charset_of(it);
        qib__dcm_to_utf8(cs ? cs->val : NULL, cs ? cs->len : 0, e->val, e->len, b);
    } else {
        qib__buf_append(b, e->val, e->len);
    }
}

/* Trims padding: trailing spaces and NULs, leading spaces for multi-valued
 * VRs (LT/ST/UT keep leading spaces, PS3.5 6.2). */
static void trim(const char *vr, const char **s, size_t *n) {
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\0')) (*n)--;
    if (vr_multi_text(vr))
        while (*n && **s == ' ') {
            (*s)++;
            (*n)--;
        }
}

/* Part `index` of text t (len n): start and length; false if absent. */
static bool text_part(const char *vr, const char *t, size_t n, size_t index, const char **s,
                      size_t *len) {
    if (!vr_multi_text(vr)) {
        if (index) return false;
        *s = t;
        *len = n;
        trim(vr, s, len);
        return true;
    }
    size_t part = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || t[i] == '\\') {
            if (part == index) {
                *s = t + start;
                *len = i - start;
                trim(vr, s, len);
                return true;
            }
            part++;
            start = i + 1;
        }
    }
    return false;
}

static size_t text_vm(const char *vr, const char *t, size_t n) {
    const char *s = t;
    size_t len = n;
    trim(vr, &s, &len);
    if (!len) return 0;
    if (!vr_multi_text(vr)) return 1;
    size_t vm = 1;
    for (size_t i = 0; i < n; i++) vm += t[i] == '\\';
    return vm;
}

static void copy_out(char *buf, size_t n, const char *s, size_t len) {
    if (!n) return;
    if (len >= n) {
        len = n - 1;
        while (len && ((uint8_t)s[len] & 0xC0) == 0x80) len--; /* whole UTF-8 characters */
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* ---- tree access ---- */

size_t qib_dicom_item_size(const qib_dicom_item *it) { return it ? it->n : 0; }

static void fill_element(const dcm_elem *e, qib_dicom_element *out) {
    memset(out, 0, sizeof *out);
    out->tag = e->tag;
    memcpy(out->vr, e->vr, 3);
    out->length = e->vl;
    out->offset = e->offset;
    out->value = e->val;
    out->value_len = e->val ? e->len : 0;
    out->is_sequence = e->is_seq;
    out->encapsulated = e->nfrags > 0 || (e->frags != NULL);
    out->items = e->is_seq ? e->nitems : e->nfrags;
    out->big_endian = e->be;
}

int qib_dicom_element_at(const qib_dicom_item *it, size_t i, qib_dicom_element *out) {
    if (!it || i >= it->n || !out) return 0;
    fill_element(&it->el[i], out);
    return 1;
}

int qib_dicom_find(const qib_dicom_item *it, uint32_t tag, qib_dicom_element *out) {
    const dcm_elem *e = qib__dcm_find(it, tag);
    if (!e) return 0;
    if (out) fill_element(e, out);
    return 1;
}

const qib_dicom_item *qib_dicom_item_of(const qib_dicom_item *it, uint32_t tag, size_t index) {
    const dcm_elem *e = qib__dcm_find(it, tag);
    return e && e->is_seq && index < e->nitems ? e->items[index] : NULL;
}

const qib_dicom_item *qib_dicom_item_at(const qib_dicom_item *it, size_t i, size_t index) {
    if (!it || i >= it->n) return NULL;
    const dcm_elem *e = &it->el[i];
    return e->is_seq && index < e->nitems ? e->items[index] : NULL;
}

int64_t qib_dicom_item_offset(const qib_dicom_item *it) { return it ? it->offset : -1; }

uint32_t qib_dicom_item_length(const qib_dicom_item *it) { return it ? it->vl : 0; }

const char *qib_dicom_keyword(uint32_t tag) {
    const qib_dict_entry *e = qib__dict_find(tag);
    return e ? e->keyword : NULL;
}

/* ---- values ---- */

size_t qib_dicom_vm(const qib_dicom_item *it, uint32_t tag) {
    const dcm_elem *e = qib__dcm_find(it, tag);
    if (!e) return 0;
    if (e->is_seq) return e->nitems;
    if (!e->val) return 0;
    if (qib__dcm_is_text_vr(e->vr)) {
        qib_buf b;
        qib__buf_init(&b);
        text_of(it, e, &b);
        size_t vm = b.failed ? 0 : text_vm(e->vr, b.data ? b.data : "", b.len);
        qib__buf_free(&b);
        return vm;
    }
    size_t sz = binary_size(e->vr);
    if (sz && e->vr[0] != 'O') return e->len / sz;
    return 1;
}

static qib_status need(const qib_dicom_item *it, uint32_t tag, const dcm_elem **e,
                       qib_error *err) {
    QIB_FAIL_IF(!it, err, QIB_ERR_ARG, NULL, -1, NULL, "no DICOM data set given");
    *e = qib__dcm_find(it, tag);
    if (!*e) return qib__dcm_fail(it->owner, err, QIB_ERR_NOT_FOUND, NULL, tag, "is absent");
    if ((*e)->is_seq)
        return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, *e, tag,
                             "is a sequence, not a value");
    return QIB_OK;
}

qib_status qib_dicom_get_string(const qib_dicom_item *it, uint32_t tag, int index, char *buf,
                                size_t n, qib_error *err) {
    const dcm_elem *e;
    QIB_FORWARD(need(it, tag, &e, err));
    qib_buf b;
    qib__buf_init(&b);
    qib_status st = QIB_OK;
    if (qib__dcm_is_text_vr(e->vr)) {
        text_of(it, e, &b);
        if (b.failed) {
            qib__buf_free(&b);
            return qib__nomem(err, it->owner->name, "text value");
        }
        const char *t = b.data ? b.data : "";
        const char *s;
        size_t len;
        if (index < 0) {
            s = t;
            len = b.len;
            trim(e->vr, &s, &len);
            copy_out(buf, n, s, len);
        } else if (text_part(e->vr, t, b.len, (size_t)index, &s, &len)) {
            copy_out(buf, n, s, len);
        } else {
            st = qib__dcm_fail(it->owner, err, QIB_ERR_ARG, e, tag,
                               "has %zu values; value %d asked for",
                               text_vm(e->vr, t, b.len), index);
        }
    } else if (vr_numeric_binary(e->vr) || vr_is(e, "AT")) {
        size_t sz = binary_size(e->vr), vm = e->val ? e->len / sz : 0;
        size_t first = index < 0 ? 0 : (size_t)index, last = index < 0 ? vm : first + 1;
        if (last > vm) {
            st = qib__dcm_fail(it->owner, err, QIB_ERR_ARG, e, tag,
                               "has %zu values; value %d asked for", vm, index);
        } else {
            for (size_t i = first; i < last; i++) {
                if (i > first) qib__buf_puts(&b, "\\");
                if (vr_is(e, "AT")) {
                    uint16_t g, el;
                    memcpy(&g, e->val + 4 * i, 2);
                    memcpy(&el, e->val + 4 * i + 2, 2);
                    if (e->be == qib__host_is_little_endian()) {
                        qib__byteswap(&g, 1, 2);
                        qib__byteswap(&el, 1, 2);
                    }
                    qib__buf_printf(&b, "(%04X,%04X)", g, el);
                    continue;
                }
                int64_t iv;
                bool is_int;
                double v = binary_value(e, i, &iv, &is_int);
                if (vr_is(e, "UV")) qib__buf_printf(&b, "%llu", (unsigned long long)(uint64_t)iv);
                else if (is_int) qib__buf_printf(&b, "%lld", (long long)iv);
                else qib__buf_printf(&b, "%.9g", v);
            }
            copy_out(buf, n, b.data ? b.data : "", b.len);
        }
    } else {
        /* OB, OW, ... : hex bytes */
        for (size_t i = 0; e->val && i < e->len && b.len + 4 < n; i++)
            qib__buf_printf(&b, i ? "\\%02x" : "%02x", e->val[i]);
        copy_out(buf, n, b.data ? b.data : "", b.len);
    }
    qib__buf_free(&b);
    return st;
}

static qib_status number(const qib_dicom_item *it, uint32_t tag, size_t index, double *out,
                         int64_t *iout, bool want_int, qib_error *err) {
    const dcm_elem *e;
    QIB_FORWARD(need(it, tag, &e, err));
    if (!e->val) return qib__dcm_fail(it->owner, err, QIB_ERR_NOT_FOUND, e, tag, "is empty");
    if (vr_numeric_binary(e->vr)) {
        size_t vm = e->len / binary_size(e->vr);
        if (index >= vm)
            return qib__dcm_fail(it->owner, err, QIB_ERR_ARG, e, tag,
                                 "has %zu values; value %zu asked for", vm, index);
        int64_t iv;
        bool is_int;
        double v = binary_value(e, index, &iv, &is_int);
        if (want_int && !is_int) {
            if (!isfinite(v) || v != floor(v) || fabs(v) > 9.0e18)
                return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, e, tag,
                                     "value %g is not an integer", v);
            iv = (int64_t)v;
        }
        *out = is_int ? (double)iv : v;
        *iout = iv;
        return QIB_OK;
    }
    if (!(vr_is(e, "DS") || vr_is(e, "IS") || vr_is(e, "UN") || qib__dcm_is_text_vr(e->vr)))
        return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, e, tag,
                             "has VR %s, which does not hold numbers", e->vr);
    const char *s;
    size_t len;
    const char *t = (const char *)e->val;
    if (!text_part(e->vr, t, e->len, index, &s, &len))
        return qib__dcm_fail(it->owner, err, QIB_ERR_ARG, e, tag,
                             "has %zu values; value %zu asked for", text_vm(e->vr, t, e->len),
                             index);
    char tmp[72];
    if (len == 0)
        return qib__dcm_fail(it->owner, err, QIB_ERR_NOT_FOUND, e, tag, "value %zu is empty",
                             index);
    if (len >= sizeof tmp)
        return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, e, tag,
                             "value %zu is %zu characters long, too long for a number", index,
                             len);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *endp;
    errno = 0;
    double v = strtod(tmp, &endp);
    bool ok = endp != tmp && *endp == '\0' && isfinite(v) && errno != ERANGE;
    for (size_t i = 0; ok && i < len; i++) /* no hex, inf or nan: DS is decimal */
        ok = strchr("0123456789+-.eE", tmp[i]) != NULL;
    if (!ok)
        return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, e, tag,
                             "value '%s' is not a valid %s number", tmp, e->vr);
    bool integral = v == floor(v) && fabs(v) <= 9.0e18;
    if ((vr_is(e, "IS") || want_int) && !integral)
        return qib__dcm_fail(it->owner, err, QIB_ERR_FORMAT, e, tag,
                             "value '%s' is not an integer", tmp);
    *out = v;
    *iout = integral ? (int64_t)v : 0;
    return QIB_OK;
}

qib_status qib_dicom_get_double(const qib_dicom_item *it, uint32_t tag, size_t index,
                                double *out, qib_error *err) {
    double v;
    int64_t iv;
    QIB_FORWARD(number(it, tag, index, &v, &iv, false, err));
    *out = v;
    return QIB_OK;
}

qib_status qib_dicom_get_int(const qib_dicom_item *it, uint32_t tag, size_t index, int64_t *out,
                             qib_error *err) {
    double v;
    int64_t iv;
    QIB_FORWARD(number(it, tag, index, &v, &iv, true, err));
    *out = iv;
    return QIB_OK;
}
