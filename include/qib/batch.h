/* SPDX-License-Identifier: Apache-2.0 */
/* qib/batch.h: batch manifests (the CSV that lists the cases of a study).
 *
 * The manifest format is PyRadiomics' batch format: a header row naming the
 * columns, then one row per case. Column `Image` (or `image`) holds the
 * image path and `Mask` (or `mask`) the mask path; an optional `Label` (or
 * `label`) column overrides the label setting for its case; every other
 * column is free text that a batch copies through to its output. Names are
 * case-sensitive as in PyRadiomics, with the all-lowercase spelling also
 * accepted; the capitalised one wins when both are present.
 *
 * Parsing follows RFC 4180: fields separated by commas; records ended by
 * CRLF, LF or a lone CR (the last record may lack one); a field starting
 * with a double quote is quoted and may hold commas, CR, LF and doubled
 * quotes (""). Also: a UTF-8 byte order mark at the start is skipped (Excel
 * writes one), and empty lines are skipped (as Python's csv.DictReader
 * does). Refused, each with a located error (err->file = the name given,
 * err->offset = byte offset, err->field = the column name when known,
 * reason starting "line L, column C:" with C the 1-based field number):
 * an unterminated quoted field, text after a closing quote, a quote inside
 * an unquoted field, a NUL byte, a row whose field count differs from the
 * header's (a ragged row), an empty or repeated column name, more than
 * QIB_MANIFEST_MAX_COLUMNS columns, and (for a manifest, not a plain table)
 * a header without an Image or a Mask column. Cells may be empty: whether
 * an empty Image path is an error is the batch's business, per case.
 *
 * The same reader parses plain CSV tables (QIB_MANIFEST_PLAIN), e.g. the
 * long-format results that `qib batch --resume` reads back. The text is
 * untrusted: every limit is checked before allocating. */
#ifndef QIB_BATCH_H
#define QIB_BATCH_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QIB_MANIFEST_MAX_COLUMNS 4096u
/* Largest manifest file qib_manifest_read accepts (1 GiB). */
#define QIB_MANIFEST_MAX_BYTES ((uint64_t)1 << 30)

/* Flags for the parsers. */
#define QIB_MANIFEST_PLAIN 0x1u /* any header: no Image/Mask column needed */

typedef struct qib_manifest qib_manifest;

/* Parses CSV text (len bytes; NUL bytes are refused). name is used in
 * messages only (e.g. the file's path). On success *out holds the table
 * (caller frees with qib_manifest_free). Errors: QIB_ERR_FORMAT (malformed,
 * located as above), QIB_ERR_LIMIT, QIB_ERR_NOMEM, QIB_ERR_ARG. */
QIB_API qib_status qib_manifest_parse(const char *text, size_t len, const char *name,
                                      unsigned flags, qib_manifest **out, qib_error *err);
/* Reads and parses a file (at most QIB_MANIFEST_MAX_BYTES). */
QIB_API qib_status qib_manifest_read(const char *path, unsigned flags, qib_manifest **out,
                                     qib_error *err);
QIB_API void qib_manifest_free(qib_manifest *m);

/* Data rows (the header is not counted) and columns. */
QIB_API size_t qib_manifest_rows(const qib_manifest *m);
QIB_API size_t qib_manifest_columns(const qib_manifest *m);
/* Column name, or NULL when col is out of range. */
QIB_API const char *qib_manifest_column_name(const qib_manifest *m, size_t col);
/* Index of the column with exactly this name, or -1. */
QIB_API long qib_manifest_column_index(const qib_manifest *m, const char *name);
/* The Image, Mask and Label columns (as described above), or -1. */
QIB_API long qib_manifest_image_column(const qib_manifest *m);
QIB_API long qib_manifest_mask_column(const qib_manifest *m);
QIB_API long qib_manifest_label_column(const qib_manifest *m);
/* A cell's unescaped text (never NULL for valid row/col; "" when empty), or
 * NULL when row or col is out of range. Valid until qib_manifest_free. */
QIB_API const char *qib_manifest_cell(const qib_manifest *m, size_t row, size_t col);
/* The 1-based line of the file where a data row starts (for messages). */
QIB_API uint64_t qib_manifest_row_line(const qib_manifest *m, size_t row);

#ifdef __cplusplus
}
#endif
#endif
