/* SPDX-License-Identifier: Apache-2.0 */
/* recist_response.c: RECIST 1.1 response per time point and best overall
 * response, from a checked lesion table.
 *
 * Section numbers below are those of Eisenhauer EA et al., New response
 * evaluation criteria in solid tumours: revised RECIST guideline (version
 * 1.1), Eur J Cancer 2009;45:228-247. "FAQ" is the RECIST committee's
 * questions and clarifications page (recist.eortc.org/recist-1-1-2/). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "recist_internal.h"

/* Diameters in the table are decimals (12.3 mm); sums and 0.7 x baseline
 * are rounded in binary, so comparisons allow this much (mm). */
#define EPS_MM 1e-9
#define TOO_SMALL_MM 5.0   /* section 4.3.2: "too small to measure" is recorded as 5 mm */
#define NODE_NORMAL_MM 10.0 /* section 4.3.1: nodes < 10 mm short axis are normal */

void qib_recist_options_default(qib_recist_options *o) {
    memset(o, 0, sizeof *o);
    o->confirm_days = 28;
}

const char *qib_recist_response_name(qib_recist_response r) {
    switch (r) {
    case QIB_RECIST_CR: return "CR";
    case QIB_RECIST_PR: return "PR";
    case QIB_RECIST_SD: return "SD";
    case QIB_RECIST_PD: return "PD";
    case QIB_RECIST_NE: return "NE";
    case QIB_RECIST_NON_CR_NON_PD: return "NON-CR/NON-PD";
    default: return "NA";
    }
}

/* ---- grouping strings by first appearance ---- */

typedef struct keyed {
    const char *key;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* ids[i] (0..*count-1) numbers the distinct keys[i] in the order they first
 * appear; first[id] (may be NULL; n entries) gets the first i of each. */
static qib_status group_ids(const char *const *keys, size_t n, size_t *ids, size_t *count,
                            size_t *first, qib_error *err) {
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    size_t *firsts = malloc((n ? n : 1) * sizeof *firsts);
    if (!k || !firsts) {
        free(k);
        free(firsts);
        return qib__nomem(err, NULL, "lesion table groups");
    }
    for (size_t i = 0; i < n; i++) k[i] = (keyed){keys[i], i};
    qsort(k, n, sizeof *k, cmp_keyed);
    size_t g = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == 0 || strcmp(k[j].key, k[j - 1].key)) firsts[g++] = k[j].i;
        ids[k[j].i] = firsts[g - 1]; /* provisional: the group's first i */
    }
    qsort(firsts, g, sizeof *firsts, cmp_size);
    for (size_t i = 0; i < n; i++) { /* rank of the group's first i */
        size_t lo = 0, hi = g - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (firsts[mid] < ids[i]) lo = mid + 1;
            else hi = mid;
        }
        ids[i] = lo;
    }
    if (first) memcpy(first, firsts, g * sizeof *firsts);
    *count = g;
    free(k);
    free(firsts);
    return QIB_OK;
}

/* ---- one subject ---- */

#define NO_ROW SIZE_MAX

typedef struct subject {
    const qib_recist_table *t;
    const char *name;         /* the table's name, for messages */
    const qib_recist_row **r; /* its rows, file order */
    size_t n;
    size_t *tp, *les;         /* per row: time point and lesion ids */
    size_t ntp, nles;
    size_t *tp_first, *les_first; /* per id: first row (index into r) */
    size_t *cell;             /* ntp x nles: index into r, or NO_ROW */
    double *day;              /* per time point (NaN without days) */
} subject;

static void subject_free(subject *s) {
    free(s->r);
    free(s->tp);
    free(s->les);
    free(s->tp_first);
    free(s->les_first);
    free(s->cell);
    free(s->day);
}

static const char *role_name(qib_recist_role r) {
    return r == QIB_RECIST_TARGET ? "target" : r == QIB_RECIST_NONTARGET ? "non-target" : "new lesion";
}

/* Builds the ids and the cell matrix and checks the rules that span rows
 * (every error is at the row in file order where it shows). */
static qib_status build(subject *s, const char **keys, qib_error *err) {
    size_t n = s->n;
    s->tp = malloc(n * sizeof *s->tp);
    s->les = malloc(n * sizeof *s->les);
    s->tp_first = malloc(n * sizeof *s->tp_first);
    s->les_first = malloc(n * sizeof *s->les_first);
    if (!s->tp || !s->les || !s->tp_first || !s->les_first) return qib__nomem(err, s->name, "subject");
    for (size_t i = 0; i < n; i++) keys[i] = s->r[i]->timepoint;
    QIB_FORWARD(group_ids(keys, n, s->tp, &s->ntp, s->tp_first, err));
    for (size_t i = 0; i < n; i++) keys[i] = s->r[i]->lesion;
    QIB_FORWARD(group_ids(keys, n, s->les, &s->nles, s->les_first, err));
    const char *subj = s->r[0]->subject;
    if (s->ntp > QIB_RECIST_MAX_LESIONS || s->nles > QIB_RECIST_MAX_LESIONS)
        return qib__recist_fail(err, s->name, s->r[0]->line, QIB_RC_SUBJECT, QIB_ERR_LIMIT,
                                "subject %.60s has %zu time points and %zu lesions; at most %u of "
                                "each are read", subj, s->ntp, s->nles, QIB_RECIST_MAX_LESIONS);
    s->cell = malloc(s->ntp * s->nles * sizeof *s->cell);
    s->day = malloc(s->ntp * sizeof *s->day);
    if (!s->cell || !s->day) return qib__nomem(err, s->name, "subject");
    for (size_t i = 0; i < s->ntp * s->nles; i++) s->cell[i] = NO_ROW;
    bool days = qib_recist_table_has_days(s->t);
    for (size_t t = 0; t < s->ntp; t++) s->day[t] = days ? s->r[s->tp_first[t]]->day : NAN;
    const char *bl = s->r[0]->timepoint;
    for (size_t i = 0; i < n; i++) {
        const qib_recist_row *row = s->r[i];
        size_t t = s->tp[i], l = s->les[i];
        const qib_recist_row *first = s->r[s->les_first[l]];
        size_t *c = &s->cell[t * s->nles + l];
        if (*c != NO_ROW)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_LESION, QIB_ERR_FORMAT,
                                    "lesion %.40s of subject %.40s appears twice at time point "
                                    "%.40s (first at line %llu)", row->lesion, subj,
                                    row->timepoint, (unsigned long long)s->r[*c]->line);
        *c = i;
        if (row->role != first->role)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_ROLE, QIB_ERR_FORMAT,
                                    "lesion %.40s is a %s here but a %s at line %llu: a lesion "
                                    "keeps its role", row->lesion, role_name(row->role),
                                    role_name(first->role), (unsigned long long)first->line);
        if (row->node != first->node)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_NODE, QIB_ERR_FORMAT,
                                    "lesion %.40s is %sa node here but %sa node at line %llu",
                                    row->lesion, row->node ? "" : "not ", first->node ? "" : "not ",
                                    (unsigned long long)first->line);
        if (strcasecmp(row->organ, first->organ))
            return qib__recist_fail(err, s->name, row->line, QIB_RC_ORGAN, QIB_ERR_FORMAT,
                                    "lesion %.40s is in organ '%.40s' here but '%.40s' at line %llu",
                                    row->lesion, row->organ, first->organ,
                                    (unsigned long long)first->line);
        if (days && isnan(row->day))
            return qib__recist_fail(err, s->name, row->line, QIB_RC_DAY, QIB_ERR_FORMAT,
                                    "the day is empty; with a day column every row needs one");
        if (days && row->day != s->day[t])
            return qib__recist_fail(err, s->name, row->line, QIB_RC_DAY, QIB_ERR_FORMAT,
                                    "day %g differs from day %g of time point %.40s at line %llu",
                                    row->day, s->day[t], row->timepoint,
                                    (unsigned long long)s->r[s->tp_first[t]]->line);
        if (t > 0 && days && !(s->day[t] > s->day[t - 1]) && i == s->tp_first[t])
            return qib__recist_fail(err, s->name, row->line, QIB_RC_DAY, QIB_ERR_FORMAT,
                                    "day %g of time point %.40s is not after day %g of the "
                                    "previous time point: time points are in the order they "
                                    "first appear", s->day[t], row->timepoint, s->day[t - 1]);
        if (t == 0 && row->role == QIB_RECIST_NEW)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_ROLE, QIB_ERR_FORMAT,
                                    "a new lesion at baseline (%.40s is subject %.40s's first time "
                                    "point): baseline lesions are targets or non-targets", bl, subj);
        if (row->role != QIB_RECIST_NEW && s->tp[s->les_first[l]] != 0)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_TIMEPOINT, QIB_ERR_FORMAT,
                                    "%s %.40s of subject %.40s has no baseline row (the baseline "
                                    "is %.40s, the subject's first time point)",
                                    role_name(row->role), row->lesion, subj, bl);
    }
    return QIB_OK;
}

/* Baseline rules: targets measured and measurable (section 3.1.1: >= 10 mm;
 * nodes >= 15 mm short axis), at most 5 targets and 2 per organ, all lymph
 * nodes one organ (section 4.2; FAQ "two target lesions" and "paired
 * organs"), non-targets present. */
static qib_status check_baseline(const subject *s, size_t *ntarget, size_t *nnontarget,
                                 qib_error *err) {
    size_t nt = 0, nn = 0;
    const char *subj = s->r[0]->subject;
    for (size_t l = 0; l < s->nles; l++) {
        size_t i = s->cell[l]; /* time point 0 */
        if (i == NO_ROW) continue; /* a new lesion: no baseline row */
        const qib_recist_row *row = s->r[i];
        if (row->role == QIB_RECIST_NONTARGET) {
            if (row->status != QIB_RECIST_PRESENT)
                return qib__recist_fail(err, s->name, row->line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                        "a non-target at baseline is present, not %s",
                                        row->status == QIB_RECIST_ABSENT ? "absent"
                                        : row->status == QIB_RECIST_NOT_EVALUATED ? "not_evaluated"
                                                                                 : "progressing");
            nn++;
            continue;
        }
        if (row->status != QIB_RECIST_MEASURED)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_STATUS, QIB_ERR_FORMAT,
                                    "a target must be measured at baseline");
        double need = row->node ? 15.0 : 10.0;
        if (row->diameter_mm < need)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_DIAMETER, QIB_ERR_FORMAT,
                                    "target %.40s is not measurable: %g mm is below %g mm (%s; "
                                    "RECIST 1.1 section 3.1.1)", row->lesion, row->diameter_mm,
                                    need, row->node ? "a lymph node's short axis" : "longest diameter");
        nt++;
        if (nt > 5)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_ROLE, QIB_ERR_FORMAT,
                                    "subject %.40s has a 6th target lesion (%.40s): RECIST 1.1 "
                                    "allows at most 5 (section 4.2)", subj, row->lesion);
        size_t same = 0;
        for (size_t m = 0; m <= l; m++) {
            size_t j = s->cell[m];
            if (j == NO_ROW || s->r[j]->role != QIB_RECIST_TARGET) continue;
            const qib_recist_row *o = s->r[j];
            if (row->node ? o->node : (!o->node && !strcasecmp(o->organ, row->organ))) same++;
        }
        if (same > 2)
            return qib__recist_fail(err, s->name, row->line, QIB_RC_ORGAN, QIB_ERR_FORMAT,
                                    "a 3rd target in %s%.40s%s (%.40s): RECIST 1.1 allows at most "
                                    "2 per organ (section 4.2)%s", row->node ? "" : "organ '",
                                    row->node ? "lymph nodes" : row->organ, row->node ? "" : "'",
                                    row->lesion, row->node ? "; all lymph nodes count as one organ" : "");
    }
    *ntarget = nt;
    *nnontarget = nn;
    return QIB_OK;
}

/* ---- responses ---- */

/* A target's value at time point t (section 4.3.2): its measurement,
 * 5 mm when too small to measure, 0 when absent; NaN when not assessed. */
static double target_mm(const subject *s, size_t t, size_t l) {
    size_t i = s->cell[t * s->nles + l];
    if (i == NO_ROW) return NAN;
    const qib_recist_row *row = s->r[i];
    switch (row->status) {
    case QIB_RECIST_MEASURED: return row->diameter_mm;
    case QIB_RECIST_TOO_SMALL: return TOO_SMALL_MM;
    case QIB_RECIST_ABSENT: return 0;
    default: return NAN;
    }
}

/* Overall response at a time point: section 4.4.1, Table 1 (target disease)
 * and Table 2 (non-target disease only). */
static qib_recist_response overall(qib_recist_response tr, qib_recist_response ntr, bool newl,
                                   bool targets) {
    if (tr == QIB_RECIST_PD || ntr == QIB_RECIST_PD || newl) return QIB_RECIST_PD;
    if (!targets) return ntr; /* CR, NON-CR/NON-PD or NE */
    switch (tr) {
    case QIB_RECIST_CR:
        return ntr == QIB_RECIST_CR || ntr == QIB_RECIST_NA ? QIB_RECIST_CR : QIB_RECIST_PR;
    case QIB_RECIST_PR: return QIB_RECIST_PR;
    case QIB_RECIST_SD: return QIB_RECIST_SD;
    default: return QIB_RECIST_NE;
    }
}

/* The assessment that confirms one at time point i (sections 4.4.3, 4.6):
 * the next one, or with days the first at least confirm_days later; n when
 * there is none. */
static size_t confirming(const subject *s, size_t i, const qib_recist_options *o) {
    if (isnan(s->day[i])) return i + 1 < s->ntp ? i + 1 : s->ntp;
    for (size_t j = i + 1; j < s->ntp; j++)
        if (s->day[j] - s->day[i] >= o->confirm_days) return j;
    return s->ntp;
}

static bool responds(qib_recist_response r) { return r == QIB_RECIST_CR || r == QIB_RECIST_PR; }

/* Fills tp[0..ntp-1] for one subject. */
static void evaluate_subject(const subject *s, size_t ntarget, size_t nnontarget,
                             const qib_recist_options *o, qib_recist_timepoint *tp) {
    size_t T = s->ntp;
    bool targets = ntarget > 0, nontargets = nnontarget > 0;
    double baseline = NAN;
    for (size_t t = 0; t < T; t++) {
        qib_recist_timepoint *p = &tp[t];
        p->baseline = t == 0;
        p->day = s->day[t];
        p->targets = ntarget;
        p->nadir_mm = p->change_baseline_pct = p->change_nadir_pct = NAN;
        p->sum_mm = NAN;
        double sum = 0;
        bool all_gone = true, reappeared = false;
        bool prev_cr = t > 0 && tp[t - 1].overall == QIB_RECIST_CR;
        for (size_t l = 0; l < s->nles; l++) {
            const qib_recist_row *first = s->r[s->les_first[l]];
            if (first->role != QIB_RECIST_TARGET) continue;
            double d = target_mm(s, t, l);
            if (isnan(d)) continue;
            p->targets_assessed++;
            sum += d;
            /* section 4.3.1: CR when non-nodal targets are gone and nodes < 10 mm */
            bool present = first->node ? d >= NODE_NORMAL_MM : d > 0;
            if (present) all_gone = false;
            /* FAQ "Does a new lesion always result in PD?": after an overall
             * CR, a lesion that reappears is PD (a node when >= 10 mm) */
            if (prev_cr && present) reappeared = true;
        }
        if (targets) p->sum_mm = sum;
        if (t == 0) {
            baseline = sum;
            continue;
        }
        double nadir = INFINITY; /* section 4.3.1: smallest sum on study, baseline included */
        for (size_t u = 0; u < t; u++)
            if (tp[u].targets_assessed == ntarget && tp[u].sum_mm < nadir) nadir = tp[u].sum_mm;
        if (targets) {
            p->nadir_mm = nadir;
            if (baseline > 0) p->change_baseline_pct = 100.0 * (sum - baseline) / baseline;
            if (nadir > 0) p->change_nadir_pct = 100.0 * (sum - nadir) / nadir;
            bool complete = p->targets_assessed == ntarget;
            /* PD: +20% over the nadir and +5 mm (section 4.3.1) */
            bool pd = sum - nadir >= 0.2 * nadir - EPS_MM && sum - nadir >= 5.0 - EPS_MM;
            if (pd || reappeared) p->target = QIB_RECIST_PD;
            else if (!complete) p->target = QIB_RECIST_NE; /* section 4.4.2 */
            else if (all_gone) p->target = QIB_RECIST_CR;
            else if (sum <= 0.7 * baseline + EPS_MM) p->target = QIB_RECIST_PR; /* -30% */
            else p->target = QIB_RECIST_SD;
        }
        if (nontargets) { /* section 4.3.3 */
            bool up = false, missing = false, any = false;
            for (size_t l = 0; l < s->nles; l++) {
                const qib_recist_row *first = s->r[s->les_first[l]];
                if (first->role != QIB_RECIST_NONTARGET) continue;
                size_t i = s->cell[t * s->nles + l];
                qib_recist_status st = i == NO_ROW ? QIB_RECIST_NOT_EVALUATED : s->r[i]->status;
                if (st == QIB_RECIST_UNEQUIVOCAL_PROGRESSION) up = true;
                else if (st == QIB_RECIST_NOT_EVALUATED) missing = true;
                else if (st == QIB_RECIST_PRESENT) {
                    any = true;
                    if (prev_cr && !first->node) up = true; /* reappeared after CR (FAQ) */
                }
            }
            p->nontarget = up ? QIB_RECIST_PD : missing ? QIB_RECIST_NE
                           : any ? QIB_RECIST_NON_CR_NON_PD : QIB_RECIST_CR;
        }
        for (size_t l = 0; l < s->nles; l++) { /* section 4.3.4 */
            size_t i = s->cell[t * s->nles + l];
            if (i != NO_ROW && s->r[i]->role == QIB_RECIST_NEW) p->new_lesions = 1;
        }
        p->overall = overall(p->target, p->nontarget, p->new_lesions, targets);
    }
    /* FAQ "definition of SD" and "Managing PR": once a response is
     * established (confirmed, when confirmation is asked for), later target
     * SD by the baseline rule is a continuing PR until PD. */
    size_t first_pd = T;
    for (size_t t = 1; t < T && first_pd == T; t++)
        if (tp[t].overall == QIB_RECIST_PD) first_pd = t;
    size_t est = T;
    for (size_t t = 1; t < first_pd && est == T; t++) {
        if (!responds(tp[t].overall)) continue;
        if (!o->confirm) {
            est = t;
        } else {
            size_t j = confirming(s, t, o);
            if (j < first_pd && responds(tp[j].overall)) est = j;
        }
    }
    for (size_t t = est + 1; t < first_pd; t++)
        if (tp[t].target == QIB_RECIST_SD) {
            tp[t].target = QIB_RECIST_PR;
            tp[t].overall = overall(tp[t].target, tp[t].nontarget, tp[t].new_lesions, targets);
        }
}

/* Best overall response (section 4.4.3): the best time point response up
 * to and including the first PD. SD (and NON-CR/NON-PD) counts only from
 * sd_min_days; with confirmation, CR needs a confirming CR and PR a
 * confirming PR or CR (Table 3; CR followed by PR is PR), else it counts
 * as SD. When nothing better qualifies: PD if there is one, else NE. */
static qib_recist_response best_response(const subject *s, const qib_recist_timepoint *tp,
                                         bool targets, const qib_recist_options *o) {
    size_t T = s->ntp, last = T - 1;
    for (size_t t = 1; t < T; t++)
        if (tp[t].overall == QIB_RECIST_PD) {
            last = t;
            break;
        }
    qib_recist_response stable = targets ? QIB_RECIST_SD : QIB_RECIST_NON_CR_NON_PD;
    int best = 0; /* 0 none, 1 PD, 2 stable, 3 PR, 4 CR */
    for (size_t t = 1; t <= last && T > 1; t++) {
        qib_recist_response r = tp[t].overall;
        if (o->confirm && responds(r)) {
            size_t j = confirming(s, t, o);
            qib_recist_response c = j <= last && j < T ? tp[j].overall : QIB_RECIST_NE;
            if (r == QIB_RECIST_CR && c == QIB_RECIST_CR) r = QIB_RECIST_CR;
            else if (responds(c)) r = QIB_RECIST_PR;
            else r = stable;
        }
        int rank = 0;
        if (r == QIB_RECIST_CR) rank = 4;
        else if (r == QIB_RECIST_PR) rank = 3;
        else if (r == QIB_RECIST_SD || r == QIB_RECIST_NON_CR_NON_PD) {
            bool long_enough = !(o->sd_min_days > 0) || tp[t].day - tp[0].day >= o->sd_min_days;
            rank = long_enough ? 2 : 0;
        } else if (r == QIB_RECIST_PD) {
            rank = 1;
        }
        if (rank > best) best = rank;
    }
    static const qib_recist_response by_rank[5] = {QIB_RECIST_NE, QIB_RECIST_PD, QIB_RECIST_NA,
                                                   QIB_RECIST_PR, QIB_RECIST_CR};
    return best == 2 ? stable : by_rank[best];
}

/* ---- public ---- */

void qib_recist_result_free(qib_recist_result *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n_tp; i++) {
        free((char *)r->tp[i].subject);
        free((char *)r->tp[i].timepoint);
    }
    free(r->tp);
    free(r->subjects);
    free(r);
}

qib_status qib_recist_evaluate(const qib_recist_table *t, const qib_recist_options *opt,
                               qib_recist_result **out, qib_error *err) {
    qib_recist_options dflt;
    if (!opt) {
        qib_recist_options_default(&dflt);
        opt = &dflt;
    }
    const char *name = qib_recist_table_name(t);
    QIB_FAIL_IF(!t || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "a table and an output are needed");
    QIB_FAIL_IF(!(opt->confirm_days >= 0) || !(opt->sd_min_days >= 0) ||
                !isfinite(opt->confirm_days) || !isfinite(opt->sd_min_days),
                err, QIB_ERR_ARG, name, -1, NULL, "confirm_days and sd_min_days are days >= 0");
    QIB_FAIL_IF(opt->sd_min_days > 0 && !qib_recist_table_has_days(t), err, QIB_ERR_ARG, name, -1,
                "day", "a minimum SD duration needs a day column (days since baseline)");
    size_t n = qib_recist_table_rows(t);
    size_t *subj = malloc((n ? n : 1) * sizeof *subj), *sfirst = malloc((n ? n : 1) * sizeof *sfirst);
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    const qib_recist_row **rows = malloc((n ? n : 1) * sizeof *rows);
    qib_recist_result *res = calloc(1, sizeof *res);
    size_t ns = 0;
    qib_status st = QIB_OK;
    if (!subj || !sfirst || !keys || !rows || !res) st = qib__nomem(err, name, "RECIST evaluation");
    for (size_t i = 0; st == QIB_OK && i < n; i++) {
        rows[i] = qib_recist_table_row(t, i);
        keys[i] = rows[i]->subject;
    }
    if (st == QIB_OK) st = group_ids(keys, n, subj, &ns, sfirst, err);
    /* subjects' rows, grouped and in file order (counting sort) */
    size_t *start = NULL;
    const qib_recist_row **by = NULL;
    if (st == QIB_OK) {
        start = calloc(ns + 1, sizeof *start);
        by = malloc((n ? n : 1) * sizeof *by);
        res->tp = calloc(n ? n : 1, sizeof *res->tp); /* at most one time point per row */
        res->subjects = calloc(ns ? ns : 1, sizeof *res->subjects);
        if (!start || !by || !res->tp || !res->subjects) st = qib__nomem(err, name, "RECIST evaluation");
    }
    if (st == QIB_OK) {
        for (size_t i = 0; i < n; i++) start[subj[i] + 1]++;
        for (size_t k = 0; k < ns; k++) start[k + 1] += start[k];
        size_t *fill = malloc((ns ? ns : 1) * sizeof *fill);
        if (!fill) {
            st = qib__nomem(err, name, "RECIST evaluation");
        } else {
            memcpy(fill, start, ns * sizeof *fill);
            for (size_t i = 0; i < n; i++) by[fill[subj[i]]++] = rows[i];
            free(fill);
        }
    }
    for (size_t k = 0; st == QIB_OK && k < ns; k++) {
        subject s;
        memset(&s, 0, sizeof s);
        s.t = t;
        s.name = name;
        s.n = start[k + 1] - start[k];
        s.r = malloc(s.n * sizeof *s.r);
        if (!s.r) {
            st = qib__nomem(err, name, "subject");
            break;
        }
        memcpy(s.r, by + start[k], s.n * sizeof *s.r);
        size_t nt = 0, nn = 0;
        st = build(&s, keys, err);
        if (st == QIB_OK) st = check_baseline(&s, &nt, &nn, err);
        if (st == QIB_OK) {
            qib_recist_timepoint *tp = res->tp + res->n_tp;
            evaluate_subject(&s, nt, nn, opt, tp);
            for (size_t u = 0; u < s.ntp && st == QIB_OK; u++) {
                tp[u].subject = strdup(s.r[0]->subject);
                tp[u].timepoint = strdup(s.r[s.tp_first[u]]->timepoint);
                res->n_tp++; /* counted before the check, so free releases it */
                if (!tp[u].subject || !tp[u].timepoint) st = qib__nomem(err, name, "results");
            }
            qib_recist_subject *rs = &res->subjects[res->n_subjects++];
            rs->subject = tp[0].subject;
            rs->first = (size_t)(tp - res->tp);
            rs->count = s.ntp;
            rs->best = best_response(&s, tp, nt > 0, opt);
        }
        subject_free(&s);
    }
    free(subj);
    free(sfirst);
    free(keys);
    free(rows);
    free(start);
    free(by);
    if (st != QIB_OK) {
        qib_recist_result_free(res);
        return st;
    }
    *out = res;
    return QIB_OK;
}
