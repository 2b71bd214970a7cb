/* SPDX-License-Identifier: Apache-2.0 */
/* nrrd_data.c: the voxel data of a NRRD file (spec sections 3 and 5):
 * line skip, byte skip, raw / gzip / ascii encodings, byte order, and the
 * detached data files a header names. Every length is checked against the
 * bytes present before it is used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrrd_internal.h"

/* Skips `line skip` lines from pos (section 5: before the byte skip). */
static qib_status skip_lines(const nrrd_header *h, const uint8_t *buf, size_t len, size_t *pos,
                             const char *name, qib_error *err) {
    for (int64_t i = 0; i < h->line_skip; i++) {
        const uint8_t *nl = memchr(buf + *pos, '\n', len - *pos);
        QIB_FAIL_IF(!nl, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "line skip",
                    "the file ends after %lld of the %lld lines to skip", (long long)i,
                    (long long)h->line_skip);
        *pos = (size_t)(nl - buf) + 1;
    }
    return QIB_OK;
}

/* Raw data: `need` bytes after the byte skip, or the last `need` bytes of
 * the file for byte skip -1. Checked against the bytes present. */
static qib_status raw_piece(const nrrd_header *h, const uint8_t *buf, size_t len, size_t pos,
                            size_t need, const char *name, nrrd_piece *out, qib_error *err) {
    if (h->byte_skip == -1) {
        QIB_FAIL_IF(len - pos < need, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                    "byte skip -1 needs the last %zu bytes, but only %zu follow the header",
                    need, len - pos);
        out->data = buf + len - need;
        return QIB_OK;
    }
    QIB_FAIL_IF((uint64_t)h->byte_skip > len - pos, err, QIB_ERR_TRUNCATED, name, (int64_t)len,
                "byte skip", "byte skip %lld goes past the end of the file (%zu bytes left)",
                (long long)h->byte_skip, len - pos);
    pos += (size_t)h->byte_skip;
    QIB_FAIL_IF(len - pos < need, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                "%zu bytes of raw data needed from byte %zu, the file has %zu", need, pos,
                len - pos);
    out->data = buf + pos;
    return QIB_OK;
}

/* gzip data: decompressed in full (libdeflate fast path), then the byte
 * skip is applied to the decompressed bytes, as teem does. The stream must
 * hold exactly byte skip + need bytes. */
static qib_status gzip_piece(const nrrd_header *h, const uint8_t *buf, size_t len, size_t pos,
                             size_t need, const char *name, nrrd_piece *out, qib_error *err) {
    size_t skip = (size_t)h->byte_skip, want = need + skip;
    QIB_FAIL_IF(want < need, err, QIB_ERR_LIMIT, name, -1, "byte skip", "byte skip too large");
    /* DEFLATE expands at most ~1032:1: a tiny stream cannot hold big data. */
    QIB_FAIL_IF((len - pos) < want / 1032, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                "%zu bytes of gzip data cannot hold the %zu bytes declared", len - pos, want);
    uint8_t *raw = NULL;
    size_t got = 0;
    qib_status st = qib__gunzip(buf + pos, len - pos, name, want, &raw, &got, err);
    if (st == QIB_ERR_LIMIT)
        return qib__fail(err, QIB_ERR_FORMAT, name, (int64_t)pos, "data",
                         "gzip data hold more than the %zu bytes that sizes, type and byte "
                         "skip declare",
                         want);
    if (st != QIB_OK) {
        if (err && err->offset >= 0) err->offset += (int64_t)pos;
        return st;
    }
    if (got < want) {
        free(raw);
        return qib__fail(err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                         "gzip data hold %zu bytes, %zu needed (byte skip %zu + %zu of voxels)",
                         got, want, skip, need);
    }
    out->owned = raw;
    out->data = raw + skip;
    return QIB_OK;
}

/* Range of an integer type as doubles-free bounds (for ascii checks). */
static void int_bounds(qib_dtype t, long long *lo, long long *hi) {
    switch (t) {
    case QIB_DT_U8: *lo = 0; *hi = UINT8_MAX; break;
    case QIB_DT_I8: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case QIB_DT_U16: *lo = 0; *hi = UINT16_MAX; break;
    case QIB_DT_I16: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case QIB_DT_U32: *lo = 0; *hi = UINT32_MAX; break;
    case QIB_DT_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    default: *lo = INT64_MIN; *hi = INT64_MAX; break;
    }
}

/* Stores integer x as voxel i of type t (x already in range). */
static void store_int(qib_dtype t, uint8_t *dst, size_t i, long long x) {
    switch (t) {
    case QIB_DT_U8: { uint8_t y = (uint8_t)x; memcpy(dst + i, &y, 1); break; }
    case QIB_DT_I8: { int8_t y = (int8_t)x; memcpy(dst + i, &y, 1); break; }
    case QIB_DT_U16: { uint16_t y = (uint16_t)x; memcpy(dst + 2 * i, &y, 2); break; }
    case QIB_DT_I16: { int16_t y = (int16_t)x; memcpy(dst + 2 * i, &y, 2); break; }
    case QIB_DT_U32: { uint32_t y = (uint32_t)x; memcpy(dst + 4 * i, &y, 4); break; }
    case QIB_DT_I32: { int32_t y = (int32_t)x; memcpy(dst + 4 * i, &y, 4); break; }
    default: { int64_t y = x; memcpy(dst + 8 * i, &y, 8); break; }
    }
}

/* Parses token tok as voxel i of type t into dst; false if it is not a
 * number of that type or out of its range. */
static bool ascii_convert(const char *tok, qib_dtype t, uint8_t *dst, size_t i) {
    char *e = NULL;
    errno = 0;
    if (t == QIB_DT_F32 || t == QIB_DT_F64) {
        double d = strtod(tok, &e);
        if (*e) return false;
        if (t == QIB_DT_F64) {
            memcpy(dst + 8 * i, &d, 8);
        } else {
            float f = (float)d;
            memcpy(dst + 4 * i, &f, 4);
        }
        return true;
    }
    if (t == QIB_DT_U64) {
        if (tok[0] == '-') return false;
        unsigned long long u = strtoull(tok, &e, 10);
        if (*e || errno == ERANGE) return false;
        memcpy(dst + 8 * i, &u, 8);
        return true;
    }
    long long lo, hi, x = strtoll(tok, &e, 10);
    int_bounds(t, &lo, &hi);
    if (*e || errno == ERANGE || x < lo || x > hi) return false;
    store_int(t, dst, i, x);
    return true;
}

/* Is c a separator between ascii values (white space or a comma)? */
static bool ascii_sep(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/* Reads one ASCII number at *p (below end) into voxel i of dst. */
static qib_status ascii_value(const uint8_t **p, const uint8_t *end, qib_dtype t, uint8_t *dst,
                              size_t i, const char *name, const uint8_t *base,
                              qib_error *err) {
    char tok[64];
    size_t n = 0;
    const uint8_t *s = *p;
    while (s + n < end && !ascii_sep(s[n])) n++;
    QIB_FAIL_IF(n >= sizeof tok, err, QIB_ERR_FORMAT, name, (int64_t)(s - base), "data",
                "ascii value %zu is %zu characters long, not a number", i, n);
    memcpy(tok, s, n);
    tok[n] = '\0';
    QIB_FAIL_IF(!ascii_convert(tok, t, dst, i), err, QIB_ERR_FORMAT, name, (int64_t)(s - base),
                "data", "ascii value %zu ('%s') is not a number of type %s", i, tok,
                qib_dtype_name(t));
    *p = s + n;
    return QIB_OK;
}

/* ASCII data: need/type_size numbers separated by white space or commas.
 * Each number takes at least 2 bytes of text, checked before allocating. */
static qib_status ascii_piece(const nrrd_header *h, const uint8_t *buf, size_t len, size_t pos,
                              size_t need, const char *name, nrrd_piece *out, qib_error *err) {
    QIB_FAIL_IF((uint64_t)h->byte_skip > len - pos, err, QIB_ERR_TRUNCATED, name, (int64_t)len,
                "byte skip", "byte skip %lld goes past the end of the file",
                (long long)h->byte_skip);
    pos += (size_t)h->byte_skip;
    size_t count = need / h->type_size;
    QIB_FAIL_IF(len - pos < count, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                "%zu bytes of text cannot hold %zu ascii values", len - pos, count);
    uint8_t *dst = malloc(need ? need : 1);
    if (!dst) return qib__nomem(err, name, "ascii voxel values");
    const uint8_t *p = buf + pos, *end = buf + len;
    for (size_t i = 0; i < count; i++) {
        while (p < end && ascii_sep(*p)) p++;
        qib_status st = p == end ? qib__fail(err, QIB_ERR_TRUNCATED, name, (int64_t)len, "data",
                                             "the text ends after %zu of %zu ascii values", i,
                                             count)
                                 : ascii_value(&p, end, h->dtype, dst, i, name, buf, err);
        if (st != QIB_OK) {
            free(dst);
            return st;
        }
    }
    out->owned = dst;
    out->data = dst;
    return QIB_OK;
}

/* Decodes the voxel bytes of one data source (the attached data from pos,
 * or one detached file) after applying line skip and byte skip. */
qib_status qib__nrrd_decode_piece(const nrrd_header *h, const uint8_t *buf, size_t len,
                                  size_t pos, size_t need, const char *name, nrrd_piece *out,
                                  qib_error *err) {
    out->data = NULL;
    out->owned = NULL;
    QIB_FORWARD(skip_lines(h, buf, len, &pos, name, err));
    switch (h->encoding) {
    case NRRD_ENC_RAW: return raw_piece(h, buf, len, pos, need, name, out, err);
    case NRRD_ENC_GZIP: return gzip_piece(h, buf, len, pos, need, name, out, err);
    case NRRD_ENC_ASCII: return ascii_piece(h, buf, len, pos, need, name, out, err);
    }
    return qib__fail(err, QIB_ERR_FORMAT, name, -1, "encoding", "no encoding");
}

/* Puts raw bytes into host order (section 5 "endian"; ascii has none). */
void qib__nrrd_to_host_order(const nrrd_header *h, qib_volume *v) {
    if (h->type_size < 2 || h->encoding == NRRD_ENC_ASCII) return;
    bool file_little = h->endian == NRRD_ENDIAN_LITTLE;
    if (file_little != qib__host_is_little_endian())
        qib__byteswap(qib_volume_data(v), qib_volume_bytes(v) / h->type_size, h->type_size);
}

/* ---- data files (spec section 3) ---- */

/* How many data files a detached header names, and how many bytes each
 * holds: the product of the sizes of the axes above `subdim`. */
qib_status qib__nrrd_count_files(const nrrd_header *h, size_t total, const char *name,
                                 size_t *n_files, size_t *each, qib_error *err) {
    uint64_t n = 1;
    if (h->data_mode == NRRD_DATA_SINGLE || h->data_mode == NRRD_DATA_ATTACHED) {
        *n_files = 1;
        *each = total;
        return QIB_OK;
    }
    for (int a = h->subdim; a < h->dim; a++) n *= h->sizes[a]; /* bounded by check_sizes */
    uint64_t have;
    if (h->data_mode == NRRD_DATA_LIST) {
        have = h->n_list;
    } else {
        long span = h->fmt_max - h->fmt_min;
        QIB_FAIL_IF((span > 0 && h->fmt_step < 0) || (span < 0 && h->fmt_step > 0), err,
                    QIB_ERR_FORMAT, name, -1, "data file",
                    "step %ld never goes from %ld to %ld", h->fmt_step, h->fmt_min, h->fmt_max);
        have = (uint64_t)(span / h->fmt_step) + 1;
    }
    QIB_FAIL_IF(have != n, err, QIB_ERR_FORMAT, name, -1, "data file",
                "%llu data files named, the sizes above subdimension %d need %llu",
                (unsigned long long)have, h->subdim, (unsigned long long)n);
    *n_files = (size_t)n;
    *each = total / (size_t)n;
    return QIB_OK;
}

/* Checks a "data file" format: exactly one integer conversion (%d, %i,
 * %u, %x, %X, %o with flags and a width) and "%%"; so snprintf with one
 * int argument is safe with it. */
qib_status qib__nrrd_check_format(const char *fmt, const char *name, qib_error *err) {
    int conv = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        p++;
        while (*p && strchr("-+ 0#", *p)) p++;
        int width = 0;
        while (*p >= '0' && *p <= '9' && width < 100) width = width * 10 + (*p++ - '0');
        QIB_FAIL_IF(!*p || !strchr("diuxXo", *p) || width >= 100, err, QIB_ERR_FORMAT, name, -1,
                    "data file", "format '%.60s' needs one integer conversion like %%03d", fmt);
        conv++;
    }
    QIB_FAIL_IF(conv != 1, err, QIB_ERR_FORMAT, name, -1, "data file",
                "format '%.60s' has %d conversions, exactly one is needed", fmt, conv);
    return QIB_OK;
}

/* The path of data file i: relative names are relative to the folder of
 * the header (section 3). As in ITK/teem, a header may name any file. */
qib_status qib__nrrd_data_path(const nrrd_header *h, size_t i, const char *hdr_path,
                               char **out, qib_error *err) {
    char name[4096];
    if (h->data_mode == NRRD_DATA_FORMAT) {
        long k = h->fmt_min + (long)i * h->fmt_step;
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
        snprintf(name, sizeof name, h->data_file, (int)k); /* checked by check_format */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
    } else {
        snprintf(name, sizeof name, "%s", h->data_mode == NRRD_DATA_LIST ? h->list[i]
                                                                       : h->data_file);
    }
    const char *slash = strrchr(hdr_path, '/');
    size_t dir = name[0] == '/' || !slash ? 0 : (size_t)(slash - hdr_path) + 1;
    size_t n = strlen(name);
    char *p = malloc(dir + n + 1);
    if (!p) return qib__nomem(err, hdr_path, "a data file path");
    memcpy(p, hdr_path, dir);
    memcpy(p + dir, name, n + 1);
    *out = p;
    return QIB_OK;
}

/* Upper bound on the bytes of one data file: its voxel bytes (text may
 * take up to 9 characters per byte), plus any line and byte skip. */
uint64_t qib__nrrd_file_cap(const nrrd_header *h, const qib_limits *lim, size_t each) {
    uint64_t data = each, cap;
    if (h->encoding == NRRD_ENC_ASCII && !qib__mul_u64(data, 9, &data)) data = UINT64_MAX;
    cap = nrrd_add_sat(data, lim->max_header_bytes);
    if (h->line_skip > 0) cap = nrrd_add_sat(cap, lim->max_header_bytes);
    if (h->byte_skip > 0) cap = nrrd_add_sat(cap, (uint64_t)h->byte_skip);
    return cap;
}
