/* SPDX-License-Identifier: Apache-2.0 */
/* test_recist.c: src/recist/recist_table.c and recist_response.c.
 *
 * One test per RECIST 1.1 rule (Eisenhauer et al., Eur J Cancer 2009), each
 * on a small table whose sums, changes and responses are worked out by hand
 * in the comments; then the table checks, each asserting the line and
 * column it names. Tables use B for the baseline and F1, F2, ... for the
 * follow-ups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define HEADER "subject,timepoint,lesion,role,organ,node,diameter_mm,status\n"

static qib_recist_result *eval_opts(const char *csv, const qib_recist_options *o) {
    qib_error err;
    qib_error_clear(&err);
    qib_recist_table *t = NULL;
    qib_recist_result *r = NULL;
    TU_OK(qib_recist_table_parse(csv, strlen(csv), "t.csv", &t, &err), &err);
    TU_OK(qib_recist_evaluate(t, o, &r, &err), &err);
    qib_recist_table_free(t);
    return r;
}

static qib_recist_result *eval(const char *csv) { return eval_opts(csv, NULL); }

/* Time point i of the first subject. */
static const qib_recist_timepoint *tp(const qib_recist_result *r, size_t i) {
    assert_true(i < r->subjects[0].count);
    return &r->tp[r->subjects[0].first + i];
}

#define R(x) QIB_RECIST_##x
static void expect(const qib_recist_result *r, size_t i, qib_recist_response target,
                   qib_recist_response nontarget, qib_recist_response overall) {
    const qib_recist_timepoint *p = tp(r, i);
    if (p->target != target || p->nontarget != nontarget || p->overall != overall)
        fail_msg("time point %s: target %s, non-target %s, overall %s; want %s, %s, %s", p->timepoint,
                 qib_recist_response_name(p->target), qib_recist_response_name(p->nontarget),
                 qib_recist_response_name(p->overall), qib_recist_response_name(target),
                 qib_recist_response_name(nontarget), qib_recist_response_name(overall));
}

static void near(double got, double want) {
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) fail_msg("got %.12g, want %.12g", got, want);
}

/* Parse or evaluation must fail with st, naming field and a reason part. */
static void refused(const char *csv, const qib_recist_options *o, qib_status st, const char *field,
                    const char *reason_part) {
    qib_error err;
    qib_error_clear(&err);
    qib_recist_table *t = NULL;
    qib_recist_result *r = NULL;
    qib_status got = qib_recist_table_parse(csv, strlen(csv), "t.csv", &t, &err);
    if (got == QIB_OK) got = qib_recist_evaluate(t, o, &r, &err);
    qib_recist_table_free(t);
    qib_recist_result_free(r);
    char msg[1024];
    qib_error_format(&err, msg, sizeof msg);
    if (got != st) fail_msg("status %s, want %s (%s)", qib_status_name(got), qib_status_name(st), msg);
    if (field && strcmp(err.field, field)) fail_msg("field '%s', want '%s' (%s)", err.field, field, msg);
    if (!strstr(err.reason, reason_part)) fail_msg("reason lacks '%s': %s", reason_part, msg);
    assert_string_equal(err.file, "t.csv");
}

/* ---- rules ---- */

/* Section 4.3.1, PR: sum <= 70% of the baseline sum. Baseline 30 + 20 =
 * 50 mm. F1: 21 + 14 = 35 = -30.0% -> PR (the boundary counts). F2 from a
 * fresh table: 21.1 + 14 = 35.1 = -29.8% -> SD. Non-target present:
 * NON-CR/NON-PD; overall PR and SD (Table 1). */
static void test_rule_partial_response(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,30,measured\n"
        "P,B,T2,target,lung,no,20,measured\n"
        "P,B,N1,nontarget,bone,no,,present\n"
        "P,F1,T1,target,liver,no,21,measured\n"
        "P,F1,T2,target,lung,no,14,measured\n"
        "P,F1,N1,nontarget,bone,no,,present\n");
    near(tp(r, 0)->sum_mm, 50);
    near(tp(r, 1)->sum_mm, 35);
    near(tp(r, 1)->change_baseline_pct, -30);
    expect(r, 1, R(PR), R(NON_CR_NON_PD), R(PR));
    qib_recist_result_free(r);
    r = eval(HEADER
        "P,B,T1,target,liver,no,30,measured\n"
        "P,B,T2,target,lung,no,20,measured\n"
        "P,F1,T1,target,liver,no,21.1,measured\n"
        "P,F1,T2,target,lung,no,14,measured\n");
    near(tp(r, 1)->change_baseline_pct, -29.8);
    expect(r, 1, R(SD), R(NA), R(SD));
    qib_recist_result_free(r);
}

/* Section 4.3.1, PD: sum >= nadir + 20% AND >= nadir + 5 mm, the nadir
 * being the smallest sum so far (baseline included). Baseline 100; F1 60
 * (-40%: PR; nadir now 60); F2 71: +18.3% over 60 -> not PD, -29% from
 * baseline -> SD by the baseline rule, but a PR is established, so it is a
 * continuing PR (see test_rule_continuing_pr); F3 72: +20% and +12 mm over
 * 60 -> PD although still -28% from baseline. */
static void test_rule_progression_from_nadir(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,100,measured\n"
        "P,F1,T1,target,liver,no,60,measured\n"
        "P,F2,T1,target,liver,no,71,measured\n"
        "P,F3,T1,target,liver,no,72,measured\n");
    expect(r, 1, R(PR), R(NA), R(PR));
    near(tp(r, 2)->nadir_mm, 60);
    expect(r, 2, R(PR), R(NA), R(PR));
    near(tp(r, 3)->change_nadir_pct, 20);
    near(tp(r, 3)->change_baseline_pct, -28);
    expect(r, 3, R(PD), R(NA), R(PD));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PR);
    qib_recist_result_free(r);
}

/* The 5 mm minimum: nadir 20 (baseline), F1 24 = +20% but only +4 mm ->
 * SD; F2 25 = +25%, +5 mm -> PD. */
static void test_rule_progression_needs_5mm(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,20,measured\n"
        "P,F1,T1,target,liver,no,24,measured\n"
        "P,F2,T1,target,liver,no,25,measured\n");
    near(tp(r, 1)->change_nadir_pct, 20);
    expect(r, 1, R(SD), R(NA), R(SD));
    expect(r, 2, R(PD), R(NA), R(PD));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_SD);
    qib_recist_result_free(r);
}

/* Section 4.3.4: any new lesion is PD, whatever the targets do. Baseline
 * 40; F1 20 (-50%, target PR) with a new lesion -> overall PD. */
static void test_rule_new_lesion(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,40,measured\n"
        "P,F1,T1,target,liver,no,20,measured\n"
        "P,F1,X1,new,brain,no,,present\n");
    expect(r, 1, R(PR), R(NA), R(PD));
    assert_int_equal(tp(r, 1)->new_lesions, 1);
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PD);
    qib_recist_result_free(r);
}

/* Section 4.3.1, CR with lymph nodes: non-nodal targets gone and every
 * nodal target < 10 mm short axis. Baseline: liver 25 + node 20 = 45.
 * F1: liver absent (0) + node 8 -> sum 8 mm, yet target CR; non-target
 * node absent (normal) -> non-target CR; overall CR. Second table: node at
 * 10 mm is still pathological -> not CR: 10 / 45 = -77.8% -> PR. */
static void test_rule_nodes_normal_for_cr(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,25,measured\n"
        "P,B,L1,target,mediastinum,yes,20,measured\n"
        "P,B,L2,nontarget,neck,yes,,present\n"
        "P,F1,T1,target,liver,no,,absent\n"
        "P,F1,L1,target,mediastinum,yes,8,measured\n"
        "P,F1,L2,nontarget,neck,yes,,absent\n");
    near(tp(r, 1)->sum_mm, 8);
    expect(r, 1, R(CR), R(CR), R(CR));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_CR);
    qib_recist_result_free(r);
    r = eval(HEADER
        "P,B,T1,target,liver,no,25,measured\n"
        "P,B,L1,target,mediastinum,yes,20,measured\n"
        "P,F1,T1,target,liver,no,,absent\n"
        "P,F1,L1,target,mediastinum,yes,10,measured\n");
    expect(r, 1, R(PR), R(NA), R(PR));
    qib_recist_result_free(r);
}

/* Section 4.3.2: "too small to measure" counts 5 mm (absent counts 0).
 * Baseline 30 + 12 = 42; F1: T1 too small (5) + T2 absent (0) = 5 ->
 * -88.1%: PR, not CR (a lesion is still there); F2: T1 measured 10 -> sum
 * 10 = nadir 5 + 100% and + 5 mm -> PD. */
static void test_rule_too_small_is_5mm(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,30,measured\n"
        "P,B,T2,target,lung,no,12,measured\n"
        "P,F1,T1,target,liver,no,,too_small\n"
        "P,F1,T2,target,lung,no,,absent\n"
        "P,F2,T1,target,liver,no,10,measured\n"
        "P,F2,T2,target,lung,no,,absent\n");
    near(tp(r, 1)->sum_mm, 5);
    expect(r, 1, R(PR), R(NA), R(PR));
    near(tp(r, 2)->nadir_mm, 5);
    near(tp(r, 2)->change_nadir_pct, 100);
    expect(r, 2, R(PD), R(NA), R(PD));
    qib_recist_result_free(r);
}

/* Section 4.2: at most 5 target lesions; the 6th is refused where it is. */
static void test_rule_at_most_five_targets(void **state) {
    (void)state;
    refused(HEADER
        "P,B,T1,target,liver,no,20,measured\n"
        "P,B,T2,target,lung,no,20,measured\n"
        "P,B,T3,target,bone,no,20,measured\n"
        "P,B,T4,target,kidney,no,20,measured\n"
        "P,B,T5,target,adrenal,no,20,measured\n"
        "P,B,T6,target,spleen,no,20,measured\n",
        NULL, QIB_ERR_FORMAT, "line 7, column role", "6th target lesion");
}

/* Section 4.2: at most 2 targets per organ; all lymph nodes are one organ
 * (RECIST committee FAQ), so nodes in three regions are refused too. */
static void test_rule_two_per_organ(void **state) {
    (void)state;
    refused(HEADER
        "P,B,T1,target,Liver,no,20,measured\n"
        "P,B,T2,target,lung,no,20,measured\n"
        "P,B,T3,target,liver,no,20,measured\n"
        "P,B,T4,target,LIVER,no,20,measured\n",
        NULL, QIB_ERR_FORMAT, "line 5, column organ", "3rd target in organ 'LIVER'");
    refused(HEADER
        "P,B,L1,target,neck,yes,20,measured\n"
        "P,B,L2,target,mediastinum,yes,20,measured\n"
        "P,B,L3,target,pelvis,yes,20,measured\n",
        NULL, QIB_ERR_FORMAT, "line 4, column organ", "lymph nodes count as one organ");
    /* two nodes and two liver lesions are fine */
    qib_recist_result *r = eval(HEADER
        "P,B,L1,target,neck,yes,20,measured\n"
        "P,B,L2,target,mediastinum,yes,20,measured\n"
        "P,B,T1,target,liver,no,20,measured\n"
        "P,B,T2,target,liver,no,20,measured\n");
    assert_int_equal(tp(r, 0)->targets, 4);
    qib_recist_result_free(r);
}

/* Section 3.1.1: a target is measurable at baseline: >= 10 mm, a node
 * >= 15 mm short axis. 10 and 15 exactly are accepted. */
static void test_rule_measurability(void **state) {
    (void)state;
    refused(HEADER "P,B,T1,target,liver,no,9.9,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "9.9 mm is below 10 mm");
    refused(HEADER "P,B,L1,target,neck,yes,14.9,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "14.9 mm is below 15 mm");
    refused(HEADER "P,B,T1,target,liver,no,,too_small\n", NULL, QIB_ERR_FORMAT,
            "line 2, column status", "must be measured at baseline");
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,10,measured\n"
        "P,B,L1,target,neck,yes,15,measured\n");
    near(tp(r, 0)->sum_mm, 25);
    qib_recist_result_free(r);
}

/* Section 4.3.3: unequivocal progression of a non-target is PD; all
 * non-targets gone is non-target CR, which with target CR is overall CR,
 * while a remaining non-target makes target CR an overall PR (Table 1). */
static void test_rule_nontarget(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,20,measured\n"
        "P,B,N1,nontarget,bone,no,,present\n"
        "P,B,N2,nontarget,pleura,no,,present\n"
        "P,F1,T1,target,liver,no,,absent\n"
        "P,F1,N1,nontarget,bone,no,,present\n"
        "P,F1,N2,nontarget,pleura,no,,absent\n"
        "P,F2,T1,target,liver,no,,absent\n"
        "P,F2,N1,nontarget,bone,no,,absent\n"
        "P,F2,N2,nontarget,pleura,no,,absent\n"
        "Q,B,T1,target,liver,no,20,measured\n"
        "Q,B,N1,nontarget,bone,no,,present\n"
        "Q,F1,T1,target,liver,no,18,measured\n"
        "Q,F1,N1,nontarget,bone,no,,unequivocal_progression\n");
    expect(r, 1, R(CR), R(NON_CR_NON_PD), R(PR));
    expect(r, 2, R(CR), R(CR), R(CR));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_CR);
    assert_int_equal(r->n_subjects, 2);
    const qib_recist_timepoint *q1 = &r->tp[r->subjects[1].first + 1];
    assert_string_equal(q1->subject, "Q");
    assert_int_equal(q1->target, QIB_RECIST_SD);
    assert_int_equal(q1->nontarget, QIB_RECIST_PD);
    assert_int_equal(q1->overall, QIB_RECIST_PD);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_PD);
    qib_recist_result_free(r);
}

/* Table 2: non-target disease only: NON-CR/NON-PD, then CR. */
static void test_rule_nontarget_only(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,N1,nontarget,bone,no,,present\n"
        "P,F1,N1,nontarget,bone,no,,present\n"
        "P,F2,N1,nontarget,bone,no,,absent\n");
    assert_true(isnan(tp(r, 1)->sum_mm));
    expect(r, 1, R(NA), R(NON_CR_NON_PD), R(NON_CR_NON_PD));
    expect(r, 2, R(NA), R(CR), R(CR));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_CR);
    qib_recist_result_free(r);
}

/* Section 4.4.2: a target not assessed (no row, or not_evaluated) makes the
 * target response NE, unless the lesions assessed already show PD.
 * Baseline 30 + 20 = 50. F1: T2 missing, T1 = 28 -> NE (overall NE). F2:
 * T1 not evaluated, T2 = 61 -> 61 >= 50 + 20% and + 11 mm -> PD. The NE
 * sum (28) is not a nadir. */
static void test_rule_not_evaluated(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,30,measured\n"
        "P,B,T2,target,lung,no,20,measured\n"
        "P,F1,T1,target,liver,no,28,measured\n"
        "P,F2,T1,target,liver,no,,not_evaluated\n"
        "P,F2,T2,target,lung,no,61,measured\n");
    assert_int_equal(tp(r, 1)->targets_assessed, 1);
    expect(r, 1, R(NE), R(NA), R(NE));
    near(tp(r, 2)->nadir_mm, 50);
    expect(r, 2, R(PD), R(NA), R(PD));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PD);
    qib_recist_result_free(r);
}

/* RECIST committee FAQ ("Does a new lesion always result in PD?"): after an
 * overall CR, a lesion that reappears is PD even below +5 mm. Baseline 20;
 * F1 absent (CR); F2 3 mm -> PD (the sum rule alone: nadir 0, +3 mm, no). */
static void test_rule_reappearance_after_cr(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,20,measured\n"
        "P,F1,T1,target,liver,no,0,measured\n"
        "P,F2,T1,target,liver,no,3,measured\n");
    expect(r, 1, R(CR), R(NA), R(CR));
    assert_true(isnan(tp(r, 2)->change_nadir_pct)); /* nadir 0 */
    expect(r, 2, R(PD), R(NA), R(PD));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_CR);
    qib_recist_result_free(r);
    /* a nodal target reappears when it is >= 10 mm again (FAQ "Abnormal
     * lymph node"): 20 -> 8 (CR) -> 9 (CR) -> 11: +3 mm over the nadir 8,
     * not PD by the sums, but PD after a CR */
    r = eval(HEADER
        "P,B,L1,target,neck,yes,20,measured\n"
        "P,F1,L1,target,neck,yes,8,measured\n"
        "P,F2,L1,target,neck,yes,9,measured\n"
        "P,F3,L1,target,neck,yes,11,measured\n");
    expect(r, 1, R(CR), R(NA), R(CR));
    expect(r, 2, R(CR), R(NA), R(CR));
    expect(r, 3, R(PD), R(NA), R(PD));
    qib_recist_result_free(r);
}

/* RECIST committee FAQ ("Managing PR when measurements change slightly"):
 * 100, 70, 70, 80, 80, 80 -> PR at every follow-up, although 80 is only
 * -20% from baseline: a PR continues until PD. */
static void test_rule_continuing_pr(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,100,measured\n"
        "P,F1,T1,target,liver,no,70,measured\n"
        "P,F2,T1,target,liver,no,70,measured\n"
        "P,F3,T1,target,liver,no,80,measured\n"
        "P,F4,T1,target,liver,no,80,measured\n"
        "P,F5,T1,target,liver,no,80,measured\n");
    for (size_t i = 1; i <= 5; i++) expect(r, i, R(PR), R(NA), R(PR));
    qib_recist_result_free(r);
}

/* Section 4.4.3: best overall response. Without confirmation (randomised
 * trials, the default): SD, PR, SD(->continuing PR), PD -> PR; the PD ends
 * the search, so a later CR does not count. No follow-up -> NE. */
static void test_rule_best_response(void **state) {
    (void)state;
    qib_recist_result *r = eval(HEADER
        "P,B,T1,target,liver,no,50,measured\n"
        "P,F1,T1,target,liver,no,45,measured\n"
        "P,F2,T1,target,liver,no,30,measured\n"
        "P,F3,T1,target,liver,no,40,measured\n"
        "P,F4,T1,target,liver,no,,absent\n"
        "Q,B,T1,target,liver,no,50,measured\n");
    /* F3: 40 = nadir 30 + 33% and + 10 mm -> PD; F4 after PD is ignored */
    expect(r, 3, R(PD), R(NA), R(PD));
    expect(r, 4, R(CR), R(NA), R(CR));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PR);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_NE);
    assert_int_equal(r->subjects[1].count, 1);
    qib_recist_result_free(r);
}

/* Sections 4.4.3 and 4.6 with --confirm (non-randomised trials): a CR or
 * PR counts only when the next assessment confirms it (CR by CR, PR by PR
 * or CR; CR followed by PR is a PR), else it counts as SD.
 * A: 50 -> 34 (-32%: PR) -> 38 (-24%; +4 mm over 34: SD) -> SD.
 * B: 50 -> 30 (PR) -> 32 (-36%: PR) -> PR.
 * C: target 20 -> absent -> absent, a nodal non-target present -> absent
 *    -> present (a node reappears only by unequivocal progression): CR
 *    (overall), then target CR + non-target NON-CR/NON-PD = overall PR:
 *    CR followed by PR -> PR.
 * D: 50 -> 20 (PR) as the last assessment: unconfirmed -> SD. */
static void test_rule_confirmation(void **state) {
    (void)state;
    const char *csv = HEADER
        "A,B,T1,target,liver,no,50,measured\n"
        "A,F1,T1,target,liver,no,34,measured\n"   /* -32%: PR */
        "A,F2,T1,target,liver,no,38,measured\n"   /* -24%, +11.8% over 34: SD */
        "B,B,T1,target,liver,no,50,measured\n"
        "B,F1,T1,target,liver,no,30,measured\n"
        "B,F2,T1,target,liver,no,32,measured\n"   /* -36%: PR confirms */
        "C,B,T1,target,liver,no,20,measured\n"
        "C,B,L2,nontarget,neck,yes,,present\n"
        "C,F1,T1,target,liver,no,,absent\n"
        "C,F1,L2,nontarget,neck,yes,,absent\n"
        "C,F2,T1,target,liver,no,,absent\n"
        "C,F2,L2,nontarget,neck,yes,,present\n"
        "D,B,T1,target,liver,no,50,measured\n"
        "D,F1,T1,target,liver,no,20,measured\n";
    qib_recist_result *r = eval(csv);
    /* without confirmation: A's F2 is a continuing PR, all PR except C (CR) */
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PR);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_PR);
    assert_int_equal(r->subjects[2].best, QIB_RECIST_CR);
    assert_int_equal(r->subjects[3].best, QIB_RECIST_PR);
    qib_recist_result_free(r);
    qib_recist_options o;
    qib_recist_options_default(&o);
    o.confirm = 1;
    r = eval_opts(csv, &o);
    const qib_recist_timepoint *a2 = &r->tp[r->subjects[0].first + 2];
    assert_int_equal(a2->target, QIB_RECIST_SD); /* not continued: the PR was never confirmed */
    assert_int_equal(r->subjects[0].best, QIB_RECIST_SD);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_PR);
    assert_int_equal(r->subjects[2].best, QIB_RECIST_PR);
    assert_int_equal(r->subjects[3].best, QIB_RECIST_SD);
    qib_recist_result_free(r);
}

/* Section 4.4.3, minimum SD duration, with a day column: SD at day 28 then
 * PD at day 56; with --sd-min-days 42 the SD is too early, so the best
 * response is PD; with 28 it is SD. The PR confirmation with days uses the
 * first assessment at least 28 days later. */
static void test_rule_sd_duration_and_days(void **state) {
    (void)state;
    const char *csv = "subject,timepoint,day,lesion,role,organ,node,diameter_mm,status\n"
                      "P,B,0,T1,target,liver,no,50,measured\n"
                      "P,F1,28,T1,target,liver,no,48,measured\n"
                      "P,F2,56,T1,target,liver,no,60,measured\n"
                      "Q,B,0,T1,target,liver,no,50,measured\n"
                      "Q,F1,20,T1,target,liver,no,30,measured\n"
                      "Q,F2,27,T1,target,liver,no,30,measured\n"
                      "Q,F3,50,T1,target,liver,no,40,measured\n";
    qib_recist_options o;
    qib_recist_options_default(&o);
    o.sd_min_days = 42;
    qib_recist_result *r = eval_opts(csv, &o);
    assert_true(tp(r, 1)->day == 28);
    expect(r, 2, R(PD), R(NA), R(PD));
    assert_int_equal(r->subjects[0].best, QIB_RECIST_PD);
    qib_recist_result_free(r);
    o.sd_min_days = 28;
    r = eval_opts(csv, &o);
    assert_int_equal(r->subjects[0].best, QIB_RECIST_SD);
    qib_recist_result_free(r);
    /* Q: PR at day 20; day 27 is too early to confirm; day 50 (30 days
     * later) has 40 = -20%, +33% over 30 -> PD: unconfirmed, best SD (no
     * minimum duration set) */
    o.sd_min_days = 0;
    o.confirm = 1;
    r = eval_opts(csv, &o);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_SD);
    o.confirm_days = 7;
    qib_recist_result_free(r);
    r = eval_opts(csv, &o);
    assert_int_equal(r->subjects[1].best, QIB_RECIST_PR); /* day 27 confirms now */
    qib_recist_result_free(r);
    o.sd_min_days = 10;
    refused(HEADER "P,B,T1,target,liver,no,50,measured\n", &o, QIB_ERR_ARG, "day",
            "needs a day column");
}

/* ---- table checks ---- */

static void test_table_errors(void **state) {
    (void)state;
    refused("subject,timepoint,lesion,role,organ,node,diameter_mm\nP,B,T1,target,liver,no,20\n",
            NULL, QIB_ERR_FORMAT, "line 1, column status", "no status column");
    refused("subject,timepoint,lesion,role,organ,node,diameter_mm,status,size\n", NULL,
            QIB_ERR_FORMAT, "line 1", "unknown column 'size'");
    refused(HEADER, NULL, QIB_ERR_FORMAT, "line 2", "no rows");
    refused(HEADER "P,B,T1,primary,liver,no,20,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column role", "unknown role 'primary'");
    refused(HEADER "P,B,T1,target,liver,no,20,gone\n", NULL, QIB_ERR_FORMAT,
            "line 2, column status", "unknown status 'gone'");
    refused(HEADER "P,B,T1,target,liver,maybe,20,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column node", "yes or no");
    refused(HEADER "P,B,T1,target,liver,no,20,measured\nP,F1,T1,target,liver,no,,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column diameter_mm", "needs its diameter");
    refused(HEADER "P,B,T1,target,liver,no,2O,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "'2O' is not a number");
    refused(HEADER "P,B,T1,target,liver,no,-1,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "not a number of mm from 0 to 10000");
    refused(HEADER "P,B,T1,target,liver,no,1e300,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "not a number of mm from 0 to 10000");
    refused(HEADER "P,B,N1,nontarget,bone,no,12,present\n", NULL, QIB_ERR_FORMAT,
            "line 2, column diameter_mm", "leave its diameter empty");
    refused(HEADER "P,B,N1,nontarget,bone,no,,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column status", "non-target's status");
    refused(HEADER "P,B,T1,target,,no,20,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column organ", "needs its organ");
    refused(HEADER ",B,T1,target,liver,no,20,measured\n", NULL, QIB_ERR_FORMAT,
            "line 2, column subject", "empty");
    /* no baseline: a target that first appears at a follow-up */
    refused(HEADER "P,B,T1,target,liver,no,20,measured\nP,F1,T2,target,lung,no,20,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column timepoint", "no baseline row");
    /* a new lesion at baseline */
    refused(HEADER "P,B,X1,new,liver,no,,present\n", NULL, QIB_ERR_FORMAT,
            "line 2, column role", "new lesion at baseline");
    refused(HEADER "P,B,T1,target,liver,no,20,measured\nP,B,T1,target,liver,no,21,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column lesion", "appears twice");
    refused(HEADER "P,B,T1,target,liver,no,20,measured\nP,F1,T1,nontarget,liver,no,,present\n",
            NULL, QIB_ERR_FORMAT, "line 3, column role", "keeps its role");
    refused(HEADER "P,B,T1,target,liver,no,20,measured\nP,F1,T1,target,lung,no,20,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column organ", "in organ 'lung'");
    refused(HEADER "P,B,N1,nontarget,bone,no,,absent\n", NULL, QIB_ERR_FORMAT,
            "line 2, column status", "present, not absent");
    refused("subject,timepoint,day,lesion,role,organ,node,diameter_mm,status\n"
            "P,B,10,T1,target,liver,no,20,measured\nP,F1,5,T1,target,liver,no,20,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column day", "not after day 10");
    refused("subject,timepoint,day,lesion,role,organ,node,diameter_mm,status\n"
            "P,B,0,T1,target,liver,no,20,measured\nP,B,1,T2,target,lung,no,20,measured\n",
            NULL, QIB_ERR_FORMAT, "line 3, column day", "differs from day 0");
    /* CSV syntax errors come from the RFC 4180 reader, located too */
    refused(HEADER "P,B,\"T1,target,liver,no,20,measured\n", NULL, QIB_ERR_FORMAT, NULL,
            "unterminated");
}

/* Spellings: case, '-' and ' ' for '_', columns in any order, spaces. */
static void test_table_spellings(void **state) {
    (void)state;
    qib_recist_result *r = eval("Status,Diameter_MM,Node,Organ,Role,Lesion,TimePoint,Subject\n"
                                "Measured , 30,NO,liver,Target,T1,B,P\n"
                                "present,,n,bone,Non-Target,N1,B,P\n"
                                "Too Small,,no,liver,TARGET,T1,F1,P\n"
                                "Unequivocal-Progression,,false,bone,nontarget,N1,F1,P\n");
    near(tp(r, 1)->sum_mm, 5);
    expect(r, 1, R(PR), R(PD), R(PD));
    qib_recist_result_free(r);
    /* time points keep the order they first appear in, per subject */
    r = eval(HEADER "P,week0,T1,target,liver,no,30,measured\n"
                    "Q,x,T1,target,liver,no,30,measured\n"
                    "P,week12,T1,target,liver,no,30,measured\n"
                    "P,week6,T1,target,liver,no,30,measured\n");
    assert_string_equal(tp(r, 1)->timepoint, "week12");
    assert_string_equal(tp(r, 2)->timepoint, "week6");
    assert_string_equal(r->subjects[1].subject, "Q");
    qib_recist_result_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_partial_response),
        cmocka_unit_test(test_rule_progression_from_nadir),
        cmocka_unit_test(test_rule_progression_needs_5mm),
        cmocka_unit_test(test_rule_new_lesion),
        cmocka_unit_test(test_rule_nodes_normal_for_cr),
        cmocka_unit_test(test_rule_too_small_is_5mm),
        cmocka_unit_test(test_rule_at_most_five_targets),
        cmocka_unit_test(test_rule_two_per_organ),
        cmocka_unit_test(test_rule_measurability),
        cmocka_unit_test(test_rule_nontarget),
        cmocka_unit_test(test_rule_nontarget_only),
        cmocka_unit_test(test_rule_not_evaluated),
        cmocka_unit_test(test_rule_reappearance_after_cr),
        cmocka_unit_test(test_rule_continuing_pr),
        cmocka_unit_test(test_rule_best_response),
        cmocka_unit_test(test_rule_confirmation),
        cmocka_unit_test(test_rule_sd_duration_and_days),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_table_spellings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
