/* SPDX-License-Identifier: Apache-2.0 */
/* pr_order.h: order statistics of a set of values without sorting it, for
 * the firstorder class's percentiles (pr_order.c; folder-private). */
#ifndef QIB_PYRADIOMICS_PR_ORDER_H
#define QIB_PYRADIOMICS_PR_ORDER_H

#include "../common/qib_internal.h"

/* For each of the nr ranks (ascending, distinct, each < n), writes to
 * out[r] the ranks[r]-th smallest (from 0) of v[0..n); mn and mx are the
 * smallest and largest value. v is left as it is. Errors: QIB_ERR_NOMEM. */
qib_status qib__pr_order_stats(const double *v, size_t n, double mn, double mx,
                               const size_t *ranks, size_t nr, double *out, qib_error *err);

#endif
