/* SPDX-License-Identifier: Apache-2.0 */
/* qib/status.h: the one error convention of libqib.
 *
 * Every fallible function returns a qib_status and, when the caller passes a
 * qib_error, fills it with where the problem is (file, byte offset or field)
 * and why, in words a user can act on. Outputs are written only on success.
 * The library never prints and never exits. */
#ifndef QIB_STATUS_H
#define QIB_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QIB_API __attribute__((visibility("default")))
#else
#define QIB_API
#endif

/* Status codes, grouped by kind (hundreds digit). Values are never reused or
 * renumbered; new codes are only appended within their group. */
typedef enum qib_status {
    QIB_OK = 0,

    /* I/O: the operating system refused or the file ended early */
    QIB_ERR_IO = 100,          /* read/write/stat failed (errno in reason) */
    QIB_ERR_NOT_FOUND = 101,   /* no such file or directory */
    QIB_ERR_TRUNCATED = 102,   /* file or stream ends before its declared end */

    /* format: the bytes do not follow the format's rules */
    QIB_ERR_FORMAT = 200,      /* malformed header, field or structure */
    QIB_ERR_CORRUPT = 201,     /* compressed stream fails to decode or check */
    QIB_ERR_UNKNOWN_FORMAT = 202, /* not a format qib reads */

    /* unsupported: legal but not (yet) handled */
    QIB_ERR_UNSUPPORTED = 300,

    /* limits: refused to protect the process (caps in qib_limits) */
    QIB_ERR_LIMIT = 400,

    /* arguments and inputs that do not fit together */
    QIB_ERR_ARG = 500,         /* bad argument or setting value */
    QIB_ERR_GRID_MISMATCH = 501, /* image and mask grids differ */
    QIB_ERR_EMPTY_ROI = 502,   /* the selected label has no voxel */

    /* memory */
    QIB_ERR_NOMEM = 600,

    /* numeric: a value cannot be computed from these inputs */
    QIB_ERR_NUMERIC = 700
} qib_status;

/* A located error. Callers own it (usually on the stack); the library fills
 * it in. file: the path involved ("" if none). offset: byte offset in the
 * file, or -1. field: the header field, tag or setting ("" if none). reason:
 * one sentence with the value seen and the value allowed. */
#define QIB_ERROR_PATH_MAX 512
#define QIB_ERROR_FIELD_MAX 64
#define QIB_ERROR_REASON_MAX 384
typedef struct qib_error {
    qib_status status;
    int64_t offset;
    char file[QIB_ERROR_PATH_MAX];
    char field[QIB_ERROR_FIELD_MAX];
    char reason[QIB_ERROR_REASON_MAX];
} qib_error;

/* Short, fixed description of a status code ("truncated file"). Never NULL. */
QIB_API const char *qib_strerror(qib_status status);

/* Stable identifier of a status code ("QIB_ERR_TRUNCATED"). Never NULL. */
QIB_API const char *qib_status_name(qib_status status);

/* Reset an error to QIB_OK with empty text. err may be NULL. */
QIB_API void qib_error_clear(qib_error *err);

/* Format an error as one line: "FILE: FIELD at byte OFFSET: REASON"
 * (parts that are empty are left out). Returns the length that the full text
 * needs, like snprintf; buf is always NUL-terminated when n > 0. */
QIB_API size_t qib_error_format(const qib_error *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
