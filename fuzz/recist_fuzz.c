/* SPDX-License-Identifier: Apache-2.0 */
/* recist_fuzz.c: the RECIST lesion table (qib_recist_table_parse) and its
 * evaluation (qib_recist_evaluate).
 * Property: any input either parses and evaluates or fails with a located
 * error (a status, and for table problems the file name); no crash, leak,
 * hang or undefined behaviour. An evaluated table is consistent: every
 * subject's time points lie inside the result and belong to it, the first
 * is the baseline with no response, responses are valid codes, and sums,
 * nadirs and changes are finite whenever the subject has targets. The last
 * input byte picks the options (confirmation, confirmation and SD days). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid(qib_recist_response r) { return r >= QIB_RECIST_NA && r <= QIB_RECIST_NON_CR_NON_PD; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0; /* explore parsing, not size limits */
    uint8_t opt = size ? data[size - 1] : 0;
    qib_recist_table *t = NULL;
    qib_recist_result *r = NULL;
    qib_error err;
    qib_error_clear(&err);
    if (qib_recist_table_parse((const char *)data, size, "fuzz.csv", &t, &err) != QIB_OK) {
        if (err.status == QIB_OK || !err.file[0]) abort(); /* a failure must say where */
        return 0;
    }
    size_t rows = qib_recist_table_rows(t);
    if (rows == 0 || qib_recist_table_row(t, rows)) abort();
    for (size_t i = 0; i < rows; i++) {
        const qib_recist_row *row = qib_recist_table_row(t, i);
        if (!row || !row->subject[0] || !row->timepoint[0] || !row->lesion[0] || row->line < 2) abort();
    }
    qib_recist_options o;
    qib_recist_options_default(&o);
    o.confirm = opt & 1;
    o.confirm_days = (opt >> 1) & 7;
    o.sd_min_days = (opt & 0x10) ? (double)(opt >> 5) : 0;
    qib_error_clear(&err);
    if (qib_recist_evaluate(t, &o, &r, &err) != QIB_OK) {
        if (err.status == QIB_OK) abort();
        qib_recist_table_free(t);
        return 0;
    }
    size_t seen = 0;
    for (size_t k = 0; k < r->n_subjects; k++) {
        const qib_recist_subject *s = &r->subjects[k];
        if (s->count == 0 || s->first != seen || s->first + s->count > r->n_tp || !valid(s->best)) abort();
        seen += s->count;
        for (size_t i = s->first; i < s->first + s->count; i++) {
            const qib_recist_timepoint *p = &r->tp[i];
            if (strcmp(p->subject, s->subject) || !p->timepoint[0]) abort();
            if (p->baseline != (i == s->first)) abort();
            if (!valid(p->target) || !valid(p->nontarget) || !valid(p->overall)) abort();
            if (p->baseline && (p->target || p->nontarget || p->overall)) abort();
            if (!p->baseline && p->overall == QIB_RECIST_NA) abort();
            if (p->targets_assessed > p->targets) abort();
            if (p->targets && !isfinite(p->sum_mm)) abort();
            if (p->targets && !p->baseline && !isfinite(p->nadir_mm)) abort();
        }
    }
    if (seen != r->n_tp) abort();
    qib_recist_result_free(r);
    qib_recist_table_free(t);
    return 0;
}
