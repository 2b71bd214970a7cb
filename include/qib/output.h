/* SPDX-License-Identifier: Apache-2.0 */
/* qib/output.h: writing feature tables (wide CSV, long CSV, JSON).
 *
 * A writer takes one case at a time, so a batch can make each row durable as
 * soon as it is computed. Numbers are printed with the fewest of 15 to 17
 * significant digits that read back as the same double, so identical doubles
 * give identical text and no precision is lost. */
#ifndef QIB_OUTPUT_H
#define QIB_OUTPUT_H

#include <stdio.h>

#include "features.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qib_output_format {
    QIB_OUTPUT_CSV = 1,  /* one row per case, one column per feature */
    QIB_OUTPUT_LONG = 2, /* one row per feature: case columns, image_type, family,
                            feature, ibsi_code, aggregation, value */
    QIB_OUTPUT_JSON = 3  /* {"cases": [{...case columns..., "features": {...}}]} */
} qib_output_format;

/* "csv", "long", "json" -> format; QIB_ERR_ARG otherwise. */
QIB_API qib_status qib_output_format_parse(const char *text, qib_output_format *out,
                                           qib_error *err);

typedef struct qib_writer qib_writer;

/* A writer to f (not closed by the writer). case_columns are the names of
 * the per-case columns (e.g. "Image", "Mask"), copied through to every row;
 * n_case may be 0. */
QIB_API qib_status qib_writer_create(FILE *f, qib_output_format fmt,
                                     const char *const *case_columns, size_t n_case,
                                     qib_writer **out, qib_error *err);
/* Writes one case: its case column values and either its results or, when
 * results is NULL, the error text in the `error` column. The wide CSV header
 * is taken from the first case that has results. */
QIB_API qib_status qib_writer_add(qib_writer *w, const char *const *case_values,
                                  const qib_results *results, const char *error_text,
                                  qib_error *err);
/* Completes the document (JSON closing brackets) and flushes. */
QIB_API qib_status qib_writer_finish(qib_writer *w, qib_error *err);
QIB_API void qib_writer_free(qib_writer *w);

#ifdef __cplusplus
}
#endif
#endif
