/* SPDX-License-Identifier: Apache-2.0 */
/* gzip.c: gzip decompression and compression.
 *
 * The fast path hands a whole member to libdeflate in one call, with the
 * output sized from the gzip ISIZE trailer; this is several times faster than
 * zlib's streaming inflate on large volumes. zlib streaming remains for what
 * libdeflate cannot do in one call: several members, members over 4 GiB
 * (ISIZE is the size modulo 2^32), prefixes, and precise error reports for
 * damaged streams. */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "qib_internal.h"

/* DEFLATE cannot expand data by more than about 1032:1. */
#define DEFLATE_MAX_RATIO 1032u

bool qib__is_gzip(const void *buf, size_t len) {
    const uint8_t *p = buf;
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Streaming inflate of every member, growing the output up to max_out. */
static qib_status gunzip_stream(const uint8_t *in, size_t in_len, const char *name,
                                uint64_t max_out, uint8_t **out, size_t *out_len,
                                qib_error *err) {
    size_t cap = in_len < ((size_t)1 << 20) ? ((size_t)1 << 20) : in_len * 4;
    if (cap > max_out) cap = (size_t)max_out;
    if (cap == 0) cap = 1;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) return qib__nomem(err, name, "decompressed data");
    size_t used = 0, pos = 0;
    qib_status st = QIB_OK;
    while (pos < in_len && st == QIB_OK) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
            free(buf);
            return qib__nomem(err, name, "a zlib stream");
        }
        int zr = Z_OK;
        while (zr != Z_STREAM_END) {
            if (used == cap) {
                if (cap >= max_out) {
                    st = qib__fail(err, QIB_ERR_LIMIT, name, (int64_t)pos, "gzip",
                                   "decompressed data exceed the limit of %llu bytes",
                                   (unsigned long long)max_out);
                    break;
                }
                size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX - 1 : cap * 2;
                if (ncap > max_out) ncap = (size_t)max_out;
                uint8_t *nb = realloc(buf, ncap + 1);
                if (!nb) {
                    st = qib__nomem(err, name, "decompressed data");
                    break;
                }
                buf = nb;
                cap = ncap;
            }
            size_t in_avail = in_len - pos - zs.total_in;
            size_t out_avail = cap - used;
            zs.next_in = (Bytef *)(in + pos + zs.total_in);
            zs.avail_in = in_avail > UINT32_MAX ? UINT32_MAX : (uInt)in_avail;
            zs.next_out = buf + used;
            zs.avail_out = out_avail > UINT32_MAX ? UINT32_MAX : (uInt)out_avail;
            uInt before_out = zs.avail_out;
            uInt before_in = zs.avail_in;
            zr = inflate(&zs, Z_NO_FLUSH);
            used += before_out - zs.avail_out;
            if (zr == Z_STREAM_END) break;
            if (zr == Z_BUF_ERROR || (zr == Z_OK && zs.avail_in == 0 && zs.avail_out != 0 &&
                                      pos + zs.total_in >= in_len)) {
                if (pos + zs.total_in >= in_len) {
                    st = qib__fail(err, QIB_ERR_TRUNCATED, name, (int64_t)in_len, "gzip",
                                   "gzip stream ends early, after %zu bytes of output", used);
                    break;
                }
                if (before_in == zs.avail_in && before_out == zs.avail_out && used != cap) {
                    st = qib__fail(err, QIB_ERR_CORRUPT, name, (int64_t)(pos + zs.total_in),
                                   "gzip", "gzip stream makes no progress");
                    break;
                }
                continue;
            }
            if (zr != Z_OK) {
                st = qib__fail(err, QIB_ERR_CORRUPT, name, (int64_t)(pos + zs.total_in), "gzip",
                               "corrupt gzip data (%s)", zs.msg ? zs.msg : "inflate error");
                break;
            }
        }
        size_t consumed = zs.total_in;
        inflateEnd(&zs);
        if (st != QIB_OK) break;
        pos += consumed;
        /* Trailing zero padding after the last member is tolerated, as gzip does. */
        size_t k = pos;
        while (k < in_len && in[k] == 0) k++;
        if (k == in_len) break;
        if (!qib__is_gzip(in + pos, in_len - pos)) {
            st = qib__fail(err, QIB_ERR_CORRUPT, name, (int64_t)pos, "gzip",
                           "%zu bytes of trailing garbage after the gzip stream", in_len - pos);
            break;
        }
    }
    if (st != QIB_OK) {
        free(buf);
        return st;
    }
    buf[used] = 0;
    *out = buf;
    *out_len = used;
    return QIB_OK;
}

qib_status qib__gunzip(const void *in, size_t in_len, const char *name, uint64_t max_out,
                       uint8_t **out, size_t *out_len, qib_error *err) {
    const uint8_t *p = in;
    QIB_FAIL_IF(!qib__is_gzip(in, in_len), err, QIB_ERR_FORMAT, name, 0, "gzip",
                "not a gzip stream (magic bytes missing)");
    QIB_FAIL_IF(in_len < 18, err, QIB_ERR_TRUNCATED, name, (int64_t)in_len, "gzip",
                "gzip stream of %zu bytes is shorter than the 18-byte minimum", in_len);
    uint32_t isize = (uint32_t)p[in_len - 4] | (uint32_t)p[in_len - 3] << 8 |
                     (uint32_t)p[in_len - 2] << 16 | (uint32_t)p[in_len - 1] << 24;
    uint64_t bound = (uint64_t)in_len * DEFLATE_MAX_RATIO;
    if (isize <= max_out && isize <= bound) {
        uint8_t *buf = malloc((size_t)isize + 1);
        if (!buf) return qib__nomem(err, name, "decompressed data");
        struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
        if (!d) {
            free(buf);
            return qib__nomem(err, name, "a libdeflate decompressor");
        }
        size_t used_in = 0, used_out = 0;
        enum libdeflate_result r =
            libdeflate_gzip_decompress_ex(d, in, in_len, buf, isize, &used_in, &used_out);
        libdeflate_free_decompressor(d);
        if (r == LIBDEFLATE_SUCCESS && used_in == in_len && used_out == isize) {
            buf[used_out] = 0;
            *out = buf;
            *out_len = used_out;
            return QIB_OK;
        }
        free(buf);
    }
    /* Several members, a forged or wrapped ISIZE, or damage: zlib finds out. */
    return gunzip_stream(p, in_len, name, max_out, out, out_len, err);
}

qib_status qib__gunzip_prefix(const void *in, size_t in_len, const char *name, void *out,
                              size_t want, size_t *got, qib_error *err) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return qib__nomem(err, name, "a zlib stream");
    zs.next_in = (Bytef *)in;
    zs.avail_in = in_len > UINT32_MAX ? UINT32_MAX : (uInt)in_len;
    zs.next_out = out;
    zs.avail_out = want > UINT32_MAX ? UINT32_MAX : (uInt)want;
    qib_status st = QIB_OK;
    while (zs.avail_out > 0) {
        int zr = inflate(&zs, Z_SYNC_FLUSH);
        if (zr == Z_STREAM_END) break;
        if (zr == Z_BUF_ERROR) break; /* no more input: a short prefix */
        if (zr != Z_OK) {
            st = qib__fail(err, QIB_ERR_CORRUPT, name, (int64_t)zs.total_in, "gzip",
                           "corrupt gzip data (%s)", zs.msg ? zs.msg : "inflate error");
            break;
        }
    }
    if (st == QIB_OK) *got = zs.total_out;
    inflateEnd(&zs);
    return st;
}

qib_status qib__gzip(const void *in, size_t in_len, int level, uint8_t **out, size_t *out_len,
                     qib_error *err) {
    if (level < 1) level = 1;
    if (level > 12) level = 12;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (!c) return qib__nomem(err, NULL, "a libdeflate compressor");
    size_t bound = libdeflate_gzip_compress_bound(c, in_len);
    uint8_t *buf = malloc(bound + 1);
    if (!buf) {
        libdeflate_free_compressor(c);
        return qib__nomem(err, NULL, "compressed data");
    }
    size_t n = libdeflate_gzip_compress(c, in, in_len, buf, bound);
    libdeflate_free_compressor(c);
    if (n == 0) {
        free(buf);
        return qib__fail(err, QIB_ERR_IO, NULL, -1, "gzip", "compression failed");
    }
    *out = buf;
    *out_len = n;
    return QIB_OK;
}
