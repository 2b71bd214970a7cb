/* SPDX-License-Identifier: Apache-2.0 */
/* test_filter_spec.c: the filter spec parser and registry (src/filters/spec.c,
 * registry.c): every filter parses with its required parameters and prints a
 * canonical spec that parses to the same text; malformed specs fail with
 * QIB_ERR_ARG, the parameter and the byte where the problem starts.
 * Run alone: ctest -R test_filter_spec, or ./test_filter_spec. */
#include <string.h>

#include "test_util.h"

static qib_filter_spec *parse(const char *text) {
    qib_filter_spec *s = NULL;
    qib_error err;
    TU_OK(qib_filter_spec_parse(text, &s, &err), &err);
    return s;
}

/* Every filter parses with its required parameters, prints every parameter
 * in registry order, and the printed spec parses to the same text. */
static void test_spec_round_trip(void **state) {
    (void)state;
    static const char *const specs[] = {
        "mean",
        "log:sigma=1.5",
        "laws:kernel=L5E5E5,energy_distance=7,pooling=max,rotation_invariant=1",
        "gabor:sigma=10,lambda=4,gamma=0.5,theta_step=22.5,pooling=avg,plane=axial",
        "wavelet:family=db3,level=1,filter=LHL,rotation_invariant=1,pooling=avg",
        "simoncelli:level=2", "log:sigma=3,boundary=zero,riesz=100"};
    assert_int_equal(qib_filter_count(), 6);
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        qib_filter_spec *s = parse(specs[i]);
        char a[512], b[512];
        size_t need = qib_filter_spec_format(s, a, sizeof a);
        assert_int_equal(need, strlen(a));
        qib_filter_spec *t = parse(a);
        qib_filter_spec_format(t, b, sizeof b);
        assert_string_equal(a, b);
        qib_filter_spec_free(s);
        qib_filter_spec_free(t);
    }
    qib_filter_spec *s = parse("mean:size=5,dim=3d,boundary=periodic");
    char a[128];
    qib_filter_spec_format(s, a, sizeof a);
    assert_string_equal(a, "mean:size=5,dim=3d,boundary=periodic");
    assert_string_equal(qib_filter_spec_filter(s)->name, "mean");
    qib_filter_spec_free(s);
    s = parse("log:sigma=1.5");
    qib_filter_spec_format(s, a, sizeof a);
    assert_string_equal(a,
                        "log:sigma=1.5,truncation=4,dim=3d,boundary=mirror,riesz=none,margin=-1");
    char small[8];
    assert_int_equal(qib_filter_spec_format(s, small, sizeof small), strlen(a));
    assert_string_equal(small, "log:sig");
    qib_filter_spec_free(s);
    assert_non_null(qib_filter_find("gabor"));
    assert_null(qib_filter_find("sobel"));
}

/* Malformed specs: each fails with QIB_ERR_ARG, the parameter (or
 * "filter") in err.field and the byte where the problem starts. */
static void test_spec_errors(void **state) {
    (void)state;
    struct {
        const char *text, *field;
        int64_t offset;
        const char *reason_has;
    } cases[] = {
        {"", "filter", 0, "filter name"},
        {"sobel", "filter", 0, "unknown filter 'sobel'"},
        {"Mean", "filter", 0, "filter name"},
        {"mean;size=3", "filter", 4, "expected ':'"},
        {"mean:", "filter", 5, "expected KEY=VALUE"},
        {"mean:size=3,", "filter", 12, "expected KEY=VALUE"},
        {"mean:size=3,,dim=2d", "filter", 12, "unexpected character ','"},
        {"mean:sigma=3", "filter", 5, "not a parameter of mean"},
        {"mean:size=3,size=5", "size", 12, "given twice"},
        {"mean:size", "size", 9, "expected '='"},
        {"mean:size=", "size", 10, "empty value"},
        {"mean:size=4", "size", 10, "even"},
        {"mean:size=3.5", "size", 10, "not a whole number"},
        {"mean:size=abc", "size", 10, "not a number"},
        {"mean:size=1e999", "size", 10, "not a finite number"},
        {"mean:size=0", "size", 10, "out of range"},
        {"mean:size=3 ", "size", 11, "unexpected character ' '"},
        {"mean:boundary=reflect", "boundary", 14, "zero|nearest|periodic|mirror"},
        {"log", "sigma", -1, "required"},
        {"log:sigma=-1", "sigma", 10, "out of range"},
        {"log:sigma=nan", "sigma", 10, "not a finite number"},
        {"log:sigma=1,riesz=12", "riesz", 18, "3 digits"},
        {"log:sigma=1,riesz=1x0", "riesz", 18, "'x'"},
        {"log:sigma=1,riesz=000", "riesz", 18, "identity"},
        {"log:sigma=1,dim=2d,riesz=100", "riesz", 25, "2 digits"},
        {"laws:kernel=E5L5", "filter", -1, NULL}, /* valid: 2D */
        {"laws:kernel=E5X5S5", "kernel", 12, "not 2 or 3 Laws kernels"},
        {"laws:kernel=W3L5", "kernel", 12, "not 2 or 3 Laws kernels"},
        {"gabor:sigma=1,lambda=2,theta_step=7", "theta_step", 34, "whole number"},
        {"wavelet:family=db99,filter=LLL", "family", 15, "not a wavelet"},
        {"wavelet:family=haar,filter=LXL", "filter", 27, "L/H"},
        {"wavelet:family=db20,filter=LLL,level=8", "level", 37, "at most"},
        {"mean:size=3:dim=2d", "size", 11, "unexpected character ':'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qib_filter_spec *s = NULL;
        qib_error err;
        qib_error_clear(&err);
        qib_status st = qib_filter_spec_parse(cases[i].text, &s, &err);
        if (!cases[i].reason_has) {
            assert_int_equal(st, QIB_OK);
            qib_filter_spec_free(s);
            continue;
        }
        if (st != QIB_ERR_ARG) fail_msg("'%s' parsed (status %d)", cases[i].text, st);
        assert_null(s);
        if (strcmp(err.field, cases[i].field) || err.offset != cases[i].offset ||
            !strstr(err.reason, cases[i].reason_has))
            fail_msg("'%s': field '%s' offset %lld reason '%s'", cases[i].text, err.field,
                     (long long)err.offset, err.reason);
    }
    char longspec[1100];
    memset(longspec, 'a', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = '\0';
    qib_filter_spec *s = NULL;
    qib_error err;
    assert_int_equal(qib_filter_spec_parse(longspec, &s, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "longer than"));
    assert_int_equal(qib_filter_spec_parse(NULL, &s, &err), QIB_ERR_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_round_trip),
        cmocka_unit_test(test_spec_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
