/* SPDX-License-Identifier: Apache-2.0 */
/* qib_internal.h: machinery shared by every part of libqib (not installed). */
#ifndef QIB_INTERNAL_H
#define QIB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qib.h"

#if defined(__GNUC__) || defined(__clang__)
#define QIB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QIB_PRINTF(a, b)
#endif

/* ---- errors (error.c) ----
 * qib__fail fills err (when not NULL) and returns st, so a check is one
 * line: `return qib__fail(err, QIB_ERR_FORMAT, path, off, "dim[0]", "...")`.
 * file/field may be NULL; offset -1 means none. */
qib_status qib__fail(qib_error *err, qib_status st, const char *file, int64_t offset,
                     const char *field, const char *fmt, ...) QIB_PRINTF(6, 7);
/* Sets err->file if it is still empty (callers add the file name). */
void qib__error_set_file(qib_error *err, const char *file);
qib_status qib__nomem(qib_error *err, const char *file, const char *what);

#define QIB_FAIL_IF(cond, ...)                                                        \
    do {                                                                              \
        if (cond) return qib__fail(__VA_ARGS__);                                      \
    } while (0)
#define QIB_FORWARD(expr)                                                             \
    do {                                                                              \
        qib_status qib_st_ = (expr);                                                  \
        if (qib_st_ != QIB_OK) return qib_st_;                                        \
    } while (0)

/* ---- checked size arithmetic ---- */
static inline bool qib__mul_ok(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) return false;
    *out = a * b;
    return true;
}
static inline bool qib__mul_u64(uint64_t a, uint64_t b, uint64_t *out) {
    if (a != 0 && b > UINT64_MAX / a) return false;
    *out = a * b;
    return true;
}

/* ---- bounded cursor over a byte buffer (cursor.c) ----
 * Every read checks what is left; an overrun sets `overrun` (sticky) and
 * yields zeros, so the caller checks once after a group of reads. */
typedef struct qib_cursor {
    const uint8_t *base;
    size_t len, pos;
    bool overrun;
    bool swap; /* multi-byte values are byte-swapped relative to the host */
} qib_cursor;

void qib__cursor_init(qib_cursor *c, const void *base, size_t len);
bool qib__cursor_read(qib_cursor *c, void *dst, size_t n);
bool qib__cursor_skip(qib_cursor *c, size_t n);
uint8_t qib__cursor_u8(qib_cursor *c);
uint16_t qib__cursor_u16(qib_cursor *c);
uint32_t qib__cursor_u32(qib_cursor *c);
uint64_t qib__cursor_u64(qib_cursor *c);
float qib__cursor_f32(qib_cursor *c);
double qib__cursor_f64(qib_cursor *c);
static inline size_t qib__cursor_left(const qib_cursor *c) { return c->len - c->pos; }

/* Byte order helpers. */
bool qib__host_is_little_endian(void);
/* Swaps n elements of elem_size bytes (2, 4 or 8) in place. */
void qib__byteswap(void *data, size_t n, size_t elem_size);

/* ---- files (file.c) ---- */
/* Reads a whole file; fails above max_bytes (QIB_ERR_LIMIT). *out is
 * malloc'ed, with one extra NUL byte after len for text parsers. */
qib_status qib__read_file(const char *path, uint64_t max_bytes, uint8_t **out, size_t *len,
                          qib_error *err);
/* Writes a buffer to path atomically (temp file in the same folder, fsync,
 * rename). */
qib_status qib__write_file(const char *path, const void *buf, size_t len, qib_error *err);
/* Lower-case suffix test: qib__ends_with("a.NII.GZ", ".nii.gz") is true. */
bool qib__ends_with(const char *s, const char *suffix);

/* ---- gzip (gzip.c) ---- */
bool qib__is_gzip(const void *buf, size_t len);
/* Decompresses a whole gzip file (all members) held in memory. Output is
 * capped at max_out bytes. Uses libdeflate (one call per member, output
 * size from the ISIZE trailer) and falls back to zlib streaming when ISIZE
 * cannot be trusted (members over 4 GiB). *out gets one extra NUL byte. */
qib_status qib__gunzip(const void *in, size_t in_len, const char *name, uint64_t max_out,
                       uint8_t **out, size_t *out_len, qib_error *err);
/* Decompresses only the first `want` bytes (or fewer if the stream is
 * shorter; *got says how many), e.g. to sniff a header. */
qib_status qib__gunzip_prefix(const void *in, size_t in_len, const char *name, void *out,
                              size_t want, size_t *got, qib_error *err);
/* gzip-compresses (level 1..12, libdeflate scale) into a malloc'ed buffer. */
qib_status qib__gzip(const void *in, size_t in_len, int level, uint8_t **out, size_t *out_len,
                     qib_error *err);

/* ---- volumes (src/image/volume.c) ---- */
/* A volume that takes over `data`, a malloc'ed block of exactly
 * voxels * frames * dtype size bytes (readers use it to avoid a copy). On
 * failure data is not taken. */
qib_status qib__volume_adopt(const qib_grid *g, size_t frames, qib_dtype t, void *data,
                             qib_volume **out, qib_error *err);

/* ---- label selection (src/image/select.c, mask.c) ---- */
/* The mask of `label` in frame 0 of `labels` (0: every non-zero voxel; values
 * rounded half away from zero) and, when box is not NULL, its bounding box.
 * The label volume is read once in its own type and the mask written only
 * inside the box, so a small region of a large image costs one read of the
 * label volume. qib_mask_from_labels is this without the box. */
qib_status qib__select_label(const qib_volume *labels, int64_t label, qib_mask **out,
                             qib_box *box, qib_error *err);
/* The QIB_ERR_EMPTY_ROI failure for a label with no voxel, listing the labels
 * present (mask.c). */
qib_status qib__label_missing(const qib_volume *labels, int64_t label, qib_error *err);
/* Voxel i of a label volume as a label: rounded half away from zero; false
 * for NaN, infinities and values beyond +-9e18 (mask.c). */
bool qib__label_of(const qib_volume *v, size_t i, int64_t *out);

/* ---- growable text buffer (buf.c) ---- */
typedef struct qib_buf {
    char *data;
    size_t len, cap;
    bool failed; /* sticky allocation failure */
} qib_buf;

void qib__buf_init(qib_buf *b);
void qib__buf_free(qib_buf *b);
void qib__buf_append(qib_buf *b, const void *data, size_t n);
void qib__buf_puts(qib_buf *b, const char *s);
void qib__buf_printf(qib_buf *b, const char *fmt, ...) QIB_PRINTF(2, 3);
/* Appends s as a JSON string literal, quotes included. */
void qib__buf_json_string(qib_buf *b, const char *s);
/* Appends s as a CSV field (quoted when it holds , " CR or LF). */
void qib__buf_csv_field(qib_buf *b, const char *s);
/* Appends a double with the fewest of 15..17 significant digits that read
 * back exactly; "nan"/"inf"/"-inf" as NaN, Inf, -Inf. */
void qib__buf_double(qib_buf *b, double v);
/* Hands the text over (NUL-terminated) and resets b; NULL if failed. */
char *qib__buf_take(qib_buf *b);

#endif
