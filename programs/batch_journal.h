/* SPDX-License-Identifier: Apache-2.0 */
/* batch_journal.h: what `qib batch` keeps beside its output so that a run
 * can be resumed (batch_journal.c). See docs/BATCH.md.
 *
 * OUT.done    one line per finished case, appended and fsync'ed as the case
 *             is written: "KEY ROW STATUS CACHE_END\n", with KEY the case's
 *             64-digit SHA-256 key ("-" when its inputs could not be read),
 *             ROW the 0-based manifest row, STATUS "ok" or "error" and
 *             CACHE_END the size of OUT.cases once the case's values were in
 *             it. A torn last line (no newline) is ignored; a later line for a
 *             row replaces an earlier one.
 * OUT.cases   the values of every finished ok case, as long CSV with the case
 *             columns "case" (ROW) and "key": written by the same qib_writer,
 *             so values read back give the same doubles and hence the same
 *             output bytes. Anything beyond the largest CACHE_END is a torn
 *             write and is cut off before appending. */
#ifndef QIB_BATCH_JOURNAL_H
#define QIB_BATCH_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "qib.h"
#include "qib/batch.h"

typedef struct journal_prev {
    bool ok;          /* a finished ok case is recorded for this row */
    char key[65];
    size_t first_row; /* its rows in the cache table */
    size_t n_rows;
} journal_prev;

typedef struct journal {
    char *done_path, *cache_path;
    FILE *done, *cache;      /* open for appending */
    qib_writer *cache_w;     /* long CSV writer on cache */
    bool sync;               /* fsync after each case */
    journal_prev *prev;      /* per manifest row (resume), else NULL */
    qib_manifest *table;     /* the previous cache, parsed (resume), else NULL */
    size_t n_prev_ok;        /* rows recorded ok in the previous run(s) */
} journal;

/* Opens the journal of output path out for n manifest rows. resume: read
 * what an earlier run left and append; otherwise start afresh. Prints its
 * own messages; returns an exit code (0 = go on). */
int journal_open(journal *j, const char *out, size_t n, bool resume, bool sync);
/* Rebuilds the results of a resumed row (caller frees). */
qib_status journal_results(const journal *j, size_t row, qib_results **out, qib_error *err);
/* Records a written case: values (ok cases) then the .done line, each made
 * durable. res NULL means the case failed. Returns QIB_OK or QIB_ERR_IO. */
qib_status journal_add(journal *j, size_t row, const char *key, const qib_results *res,
                       qib_error *err);
void journal_close(journal *j);

#endif
