/* SPDX-License-Identifier: Apache-2.0 */
/* recist_internal.h: what recist_table.c and recist_response.c share
 * (folder-private). */
#ifndef QIB_RECIST_INTERNAL_H
#define QIB_RECIST_INTERNAL_H

#include "../common/qib_internal.h"
#include "qib/recist.h"

/* Columns of the lesion table. */
enum { QIB_RC_SUBJECT, QIB_RC_TIMEPOINT, QIB_RC_LESION, QIB_RC_ROLE, QIB_RC_ORGAN, QIB_RC_NODE,
       QIB_RC_DIAMETER, QIB_RC_STATUS, QIB_RC_DAY, QIB_RC_COUNT };

/* "subject", "timepoint", ... ("" when out of range). */
const char *qib__recist_column_name(int col);

/* Fails with err->file = the table's name and err->field = "line L,
 * column NAME" (just "line L" when col < 0). Returns st. */
qib_status qib__recist_fail(qib_error *err, const char *name, uint64_t line, int col,
                            qib_status st, const char *fmt, ...) QIB_PRINTF(6, 7);

#endif
