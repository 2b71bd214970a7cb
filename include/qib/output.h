/* SPDX-License-Identifier: Apache-2.0 */
/* qib/output.h: writing feature tables (wide CSV, long CSV, JSON).
 *
 * A writer takes one case at a time, so a batch can make each row durable as
 * soon as it is computed. Numbers are printed with the fewest of 15 to 17
 * significant digits that read back as the same double, so identical doubles
 * give identical text and no precision is lost. Identical calls give
 * identical bytes.
 *
 * Every case is written with one fwrite and flushed at once (fflush), so a
 * batch that stops part way leaves all finished cases on disk. Lines end in
 * "\n". CSV fields holding a comma, quote, CR or LF are quoted as in
 * RFC 4180 (quotes doubled). Text is written as given (UTF-8 expected).
 *
 * Wide CSV (QIB_OUTPUT_CSV)
 *   header: the case columns, then one column per result named by
 *   qib_result_column, in the order of the first case that has at least one
 *   result (a name repeated within that case appears once; its first value
 *   is used), then `error` last. Later cases are matched to these columns by
 *   name: a missing value is an empty cell; a result whose column is not in
 *   the header is refused (QIB_ERR_ARG, nothing written) rather than dropped
 *   silently: use the long or JSON format when cases have different feature
 *   sets. NaN, +Inf and -Inf are written as NaN, Inf and -Inf. `error` is
 *   empty for a case with results and holds the message for a failed case
 *   (whose feature cells are empty).
 *   Cases added before the first case with results cannot be written yet,
 *   as the header is not known: they are held in memory and written, in
 *   order, together with the header when the first case with results
 *   arrives, or by qib_writer_finish (a header of case columns and `error`
 *   only, when no case had results).
 *
 * Long CSV (QIB_OUTPUT_LONG)
 *   header (written by qib_writer_create): the case columns, then
 *   image_type,family,feature,ibsi_code,aggregation,value,error. A case with
 *   results writes one row per result, in results order, with `error`
 *   empty; values as in the wide CSV. A failed case writes exactly one row:
 *   its case columns, six empty fields and the message in `error`. A case
 *   with an empty results object writes no row.
 *
 * JSON (QIB_OUTPUT_JSON)
 *   {
 *     "cases": [
 *       {
 *         "<case column>": "<value>", ...   (in case column order)
 *         "status": "ok" | "error",
 *         "error": null | "<message>",
 *         "features": [
 *           {"image_type": "...", "family": "...", "feature": "...",
 *            "ibsi_code": "...", "aggregation": "...", "value": 1.5}, ...
 *         ]
 *       }, ...
 *     ]
 *   }
 *   One feature object per line; NaN and infinities are written as null
 *   (JSON has no such numbers); a failed case has "features": []. The
 *   document is complete only after qib_writer_finish.
 *
 * Case column names must be non-empty, distinct and none of image_type,
 * family, feature, ibsi_code, aggregation, value, error, status, features
 * (names the output uses itself), whatever the format. */
#ifndef QIB_OUTPUT_H
#define QIB_OUTPUT_H

#include <stdio.h>

#include "features.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qib_output_format {
    QIB_OUTPUT_CSV = 1,  /* wide: one row per case, one column per feature */
    QIB_OUTPUT_LONG = 2, /* long: one row per feature value */
    QIB_OUTPUT_JSON = 3  /* {"cases": [{...case columns..., "features": [...]}]} */
} qib_output_format;

/* "csv", "long", "json" -> format; QIB_ERR_ARG otherwise. */
QIB_API qib_status qib_output_format_parse(const char *text, qib_output_format *out,
                                           qib_error *err);

typedef struct qib_writer qib_writer;

/* A writer to f (not closed by the writer). case_columns are the names of
 * the per-case columns (e.g. "Image", "Mask"), copied through to every row;
 * n_case may be 0. Long CSV writes its header and JSON its opening here. */
QIB_API qib_status qib_writer_create(FILE *f, qib_output_format fmt,
                                     const char *const *case_columns, size_t n_case,
                                     qib_writer **out, qib_error *err);
/* Writes one case: its case column values (n_case strings; a NULL value is
 * written as empty text; case_values may be NULL when n_case is 0) and
 * either its results (error_text NULL or "") or, when results is NULL, the
 * non-empty error_text. Giving both, or neither, is QIB_ERR_ARG. The wide
 * CSV header is taken from the first case that has results (see above).
 * After a failed write (QIB_ERR_IO) every later call fails too: the output
 * is incomplete. */
QIB_API qib_status qib_writer_add(qib_writer *w, const char *const *case_values,
                                  const qib_results *results, const char *error_text,
                                  qib_error *err);
/* Completes the document (JSON closing brackets; wide CSV header and held
 * rows when no case had results) and flushes. Calling it again does
 * nothing; adding a case after it is QIB_ERR_ARG. */
QIB_API qib_status qib_writer_finish(qib_writer *w, qib_error *err);
QIB_API void qib_writer_free(qib_writer *w);

#ifdef __cplusplus
}
#endif
#endif
