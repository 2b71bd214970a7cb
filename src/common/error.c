/* SPDX-License-Identifier: Apache-2.0 */
/* error.c: qib_status names and descriptions, and located error messages. */
#include <stdio.h>
#include <string.h>

#include "qib_internal.h"

typedef struct {
    qib_status status;
    const char *name;
    const char *text;
} status_entry;

static const status_entry status_table[] = {
    {QIB_OK, "QIB_OK", "no error"},
    {QIB_ERR_IO, "QIB_ERR_IO", "input/output error"},
    {QIB_ERR_NOT_FOUND, "QIB_ERR_NOT_FOUND", "file not found"},
    {QIB_ERR_TRUNCATED, "QIB_ERR_TRUNCATED", "file is truncated"},
    {QIB_ERR_FORMAT, "QIB_ERR_FORMAT", "malformed file"},
    {QIB_ERR_CORRUPT, "QIB_ERR_CORRUPT", "corrupt compressed data"},
    {QIB_ERR_UNKNOWN_FORMAT, "QIB_ERR_UNKNOWN_FORMAT", "unknown file format"},
    {QIB_ERR_UNSUPPORTED, "QIB_ERR_UNSUPPORTED", "unsupported feature of the format"},
    {QIB_ERR_LIMIT, "QIB_ERR_LIMIT", "exceeds a safety limit"},
    {QIB_ERR_ARG, "QIB_ERR_ARG", "invalid argument"},
    {QIB_ERR_GRID_MISMATCH, "QIB_ERR_GRID_MISMATCH", "image and mask grids differ"},
    {QIB_ERR_EMPTY_ROI, "QIB_ERR_EMPTY_ROI", "region of interest is empty"},
    {QIB_ERR_NOMEM, "QIB_ERR_NOMEM", "out of memory"},
    {QIB_ERR_NUMERIC, "QIB_ERR_NUMERIC", "value cannot be computed"},
};

static const status_entry *find_status(qib_status st) {
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].status == st) return &status_table[i];
    return NULL;
}

const char *qib_strerror(qib_status status) {
    const status_entry *e = find_status(status);
    return e ? e->text : "unknown error code";
}

const char *qib_status_name(qib_status status) {
    const status_entry *e = find_status(status);
    return e ? e->name : "QIB_ERR_UNKNOWN";
}

void qib_error_clear(qib_error *err) {
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->status = QIB_OK;
    err->offset = -1;
}

size_t qib_error_format(const qib_error *err, char *buf, size_t n) {
    char where[QIB_ERROR_FIELD_MAX + 48] = "";
    if (!err) return (size_t)snprintf(buf, n, "%s", "no error information");
    if (err->field[0] && err->offset >= 0)
        snprintf(where, sizeof where, "%s at byte %lld", err->field, (long long)err->offset);
    else if (err->field[0])
        snprintf(where, sizeof where, "%s", err->field);
    else if (err->offset >= 0)
        snprintf(where, sizeof where, "byte %lld", (long long)err->offset);
    const char *reason = err->reason[0] ? err->reason : qib_strerror(err->status);
    int r;
    if (err->file[0] && where[0])
        r = snprintf(buf, n, "%s: %s: %s", err->file, where, reason);
    else if (err->file[0])
        r = snprintf(buf, n, "%s: %s", err->file, reason);
    else if (where[0])
        r = snprintf(buf, n, "%s: %s", where, reason);
    else
        r = snprintf(buf, n, "%s", reason);
    return r < 0 ? 0 : (size_t)r;
}

static void copy_text(char *dst, size_t cap, const char *src) {
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) {
        /* keep the end of a long path: it names the file */
        src += n - (cap - 4);
        memcpy(dst, "...", 3);
        memcpy(dst + 3, src, cap - 4);
        dst[cap - 1] = '\0';
        return;
    }
    memcpy(dst, src, n + 1);
}

qib_status qib__fail(qib_error *err, qib_status st, const char *file, int64_t offset,
                     const char *field, const char *fmt, ...) {
    if (!err) return st;
    err->status = st;
    err->offset = offset;
    copy_text(err->file, sizeof err->file, file);
    copy_text(err->field, sizeof err->field, field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    return st;
}

void qib__error_set_file(qib_error *err, const char *file) {
    if (err && !err->file[0] && file) copy_text(err->file, sizeof err->file, file);
}

qib_status qib__nomem(qib_error *err, const char *file, const char *what) {
    return qib__fail(err, QIB_ERR_NOMEM, file, -1, NULL, "out of memory allocating %s", what);
}
