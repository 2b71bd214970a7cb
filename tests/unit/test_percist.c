/* SPDX-License-Identifier: Apache-2.0 */
/* test_percist.c: the PERCIST 1.0 rule (Wahl et al. 2009): PMR for a fall
 * of >= 30 % and >= 0.8 SUL, PMD for a rise of > 30 % and > 0.8 SUL, SMD
 * otherwise; a baseline SULpeak below 1.5 x liver mean + 2 x SD is not
 * measurable. Cases sit on and next to each limit; the expected categories
 * follow from the rule by hand. */
#include <math.h>
#include <string.h>

#include "test_util.h"

static qib_percist_category category(double base, double follow) {
    qib_percist_input in;
    memset(&in, 0, sizeof in);
    in.baseline_sulpeak = base;
    in.followup_sulpeak = follow;
    qib_percist_result r;
    qib_error err;
    TU_OK(qib_percist_compare(&in, &r, &err), &err);
    return r.category;
}

static void test_rule(void **state) {
    (void)state;
    /* 10 -> 7: -30 % exactly and -3 SUL: PMR; 10 -> 7.01: -29.9 %: SMD */
    assert_int_equal(category(10, 7), QIB_PERCIST_PMR);
    assert_int_equal(category(10, 7.01), QIB_PERCIST_SMD);
    /* 2 -> 1.3: -35 % but only -0.7 SUL: SMD; 2.8 -> 2.0: -28.6 %: SMD;
     * 4 -> 2.8: -30 % and -1.2: PMR; 2.6 -> 1.8: -30.8 % and -0.8 exactly: PMR */
    assert_int_equal(category(2, 1.3), QIB_PERCIST_SMD);
    assert_int_equal(category(2.8, 2.0), QIB_PERCIST_SMD);
    assert_int_equal(category(4, 2.8), QIB_PERCIST_PMR);
    assert_int_equal(category(2.6, 1.8), QIB_PERCIST_PMR);
    /* 10 -> 13: +30 % exactly is not > 30 %: SMD; 10 -> 13.01: PMD */
    assert_int_equal(category(10, 13), QIB_PERCIST_SMD);
    assert_int_equal(category(10, 13.01), QIB_PERCIST_PMD);
    /* 2 -> 2.8: +40 % and +0.8 exactly (not > 0.8): SMD; 2 -> 2.81: PMD */
    assert_int_equal(category(2, 2.8), QIB_PERCIST_SMD);
    assert_int_equal(category(2, 2.81), QIB_PERCIST_PMD);
    /* 2 -> 2.7: +35 % but +0.7: SMD */
    assert_int_equal(category(2, 2.7), QIB_PERCIST_SMD);
    assert_string_equal(qib_percist_category_name(QIB_PERCIST_PMR), "PMR");
    assert_string_equal(qib_percist_category_name(QIB_PERCIST_NOT_MEASURABLE), "not measurable");
}

static void test_liver(void **state) {
    (void)state;
    qib_percist_input in;
    memset(&in, 0, sizeof in);
    in.has_liver = 1;
    in.liver_mean = 2.0;
    in.liver_sd = 0.3; /* threshold 1.5 x 2.0 + 2 x 0.3 = 3.6 */
    in.baseline_sulpeak = 3.59;
    in.followup_sulpeak = 1.0;
    qib_percist_result r;
    qib_error err;
    TU_OK(qib_percist_compare(&in, &r, &err), &err);
    assert_true(fabs(r.threshold - 3.6) < 1e-15);
    assert_false(r.measurable);
    assert_int_equal(r.category, QIB_PERCIST_NOT_MEASURABLE);
    in.baseline_sulpeak = 3.6; /* on the threshold: measurable */
    TU_OK(qib_percist_compare(&in, &r, &err), &err);
    assert_true(r.measurable);
    assert_int_equal(r.category, QIB_PERCIST_PMR);
    assert_true(fabs(r.change + 2.6) < 1e-15 && fabs(r.relative_change + 2.6 / 3.6) < 1e-15);
    assert_int_equal(r.followup_below_liver, -1);
    /* the follow-up liver: a follow-up peak under its mean is flagged */
    in.has_followup_liver = 1;
    in.followup_liver_mean = 1.9;
    in.followup_liver_sd = 0.2;
    TU_OK(qib_percist_compare(&in, &r, &err), &err);
    assert_int_equal(r.followup_below_liver, 1);
    assert_true(fabs(r.followup_threshold - 3.25) < 1e-15);
    in.followup_sulpeak = 1.9;
    TU_OK(qib_percist_compare(&in, &r, &err), &err);
    assert_int_equal(r.followup_below_liver, 0);
    /* invalid inputs */
    in.baseline_sulpeak = 0;
    assert_int_equal(qib_percist_compare(&in, &r, &err), QIB_ERR_ARG);
    in.baseline_sulpeak = NAN;
    assert_int_equal(qib_percist_compare(&in, &r, &err), QIB_ERR_ARG);
    in.baseline_sulpeak = 4;
    in.liver_sd = -1;
    assert_int_equal(qib_percist_compare(&in, &r, &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "liver");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_liver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
