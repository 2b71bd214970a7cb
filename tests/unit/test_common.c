/* SPDX-License-Identifier: Apache-2.0 */
/* test_common.c: shared machinery: text buffer quoting, number printing,
 * bounded cursor, gzip round trips and damaged streams, file reads. */
#include <stdlib.h>
#include <string.h>

#include "common/qib_internal.h"
#include "test_util.h"

static char *text(void (*fn)(qib_buf *, const char *), const char *s) {
    qib_buf b;
    qib__buf_init(&b);
    fn(&b, s);
    return qib__buf_take(&b);
}

static void test_json_and_csv_quoting(void **state) {
    (void)state;
    char *t = text(qib__buf_json_string, "a\"b\\c\n\x01");
    assert_string_equal(t, "\"a\\\"b\\\\c\\n\\u0001\"");
    free(t);
    t = text(qib__buf_json_string, "caf\xc3\xa9 \xe2\x82\xac"); /* valid UTF-8 kept */
    assert_string_equal(t, "\"caf\xc3\xa9 \xe2\x82\xac\"");
    free(t);
    t = text(qib__buf_json_string, "bad\xe9!\xc3"); /* Latin-1 bytes escaped */
    assert_string_equal(t, "\"bad\\u00e9!\\u00c3\"");
    free(t);
    t = text(qib__buf_json_string, "\xed\xa0\x80"); /* a UTF-16 surrogate is not UTF-8 */
    assert_string_equal(t, "\"\\u00ed\\u00a0\\u0080\"");
    free(t);
    t = text(qib__buf_csv_field, "plain");
    assert_string_equal(t, "plain");
    free(t);
    t = text(qib__buf_csv_field, "a,\"b\"\nc");
    assert_string_equal(t, "\"a,\"\"b\"\"\nc\"");
    free(t);
}

static void test_double_text(void **state) {
    (void)state;
    const double v[] = {0.1, 592, 1.0 / 3.0, -2.5e-300, 159.0 / 74.0, 1e21};
    const char *want[] = {"0.1", "592", "0.3333333333333333", "-2.5e-300",
                          "2.1486486486486487", "1e+21"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        qib_buf b;
        qib__buf_init(&b);
        qib__buf_double(&b, v[i]);
        char *t = qib__buf_take(&b);
        assert_string_equal(t, want[i]);
        assert_true(strtod(t, NULL) == v[i]); /* reads back exactly */
        free(t);
    }
}

static void test_cursor_overrun_is_sticky(void **state) {
    (void)state;
    const uint8_t data[6] = {1, 0, 2, 0, 0, 0};
    qib_cursor c;
    qib__cursor_init(&c, data, sizeof data);
    assert_int_equal(qib__cursor_u16(&c), 1);
    assert_int_equal(qib__cursor_u32(&c), 2);
    assert_false(c.overrun);
    assert_int_equal(qib__cursor_u16(&c), 0); /* past the end: zero and overrun */
    assert_true(c.overrun);
    qib__cursor_init(&c, data, sizeof data);
    qib__cursor_skip(&c, 7);
    assert_true(c.overrun);
    assert_int_equal(qib__cursor_u8(&c), 0); /* stays overrun */
    c.swap = true;
    c.overrun = false;
    c.pos = 0;
    assert_int_equal(qib__cursor_u16(&c), 0x0100);
}

static void test_gzip_round_trip_and_damage(void **state) {
    (void)state;
    size_t n = 300000;
    uint8_t *src = malloc(n);
    for (size_t i = 0; i < n; i++) src[i] = (uint8_t)((i * 7) ^ (i >> 9));
    uint8_t *gz = NULL, *out = NULL;
    size_t gz_len = 0, out_len = 0;
    qib_error err;
    TU_OK(qib__gzip(src, n, 6, &gz, &gz_len, &err), &err);
    assert_true(qib__is_gzip(gz, gz_len));
    TU_OK(qib__gunzip(gz, gz_len, "x.gz", UINT64_MAX, &out, &out_len, &err), &err);
    assert_int_equal(out_len, n);
    assert_memory_equal(out, src, n);
    free(out);
    /* two members concatenated (as `cat a.gz b.gz`): the zlib path joins them */
    uint8_t *two = malloc(2 * gz_len);
    memcpy(two, gz, gz_len);
    memcpy(two + gz_len, gz, gz_len);
    TU_OK(qib__gunzip(two, 2 * gz_len, "two.gz", UINT64_MAX, &out, &out_len, &err), &err);
    assert_int_equal(out_len, 2 * n);
    assert_memory_equal(out + n, src, n);
    free(out);
    free(two);
    /* a stream cut short */
    assert_int_equal(qib__gunzip(gz, gz_len / 2, "cut.gz", UINT64_MAX, &out, &out_len, &err),
                     QIB_ERR_TRUNCATED);
    assert_string_equal(err.file, "cut.gz");
    assert_non_null(strstr(err.reason, "ends early"));
    /* the output cap is enforced */
    assert_int_equal(qib__gunzip(gz, gz_len, "big.gz", 1000, &out, &out_len, &err), QIB_ERR_LIMIT);
    /* damaged deflate data */
    for (size_t i = 40; i < 60; i++) gz[i] ^= 0x5a;
    qib_status st = qib__gunzip(gz, gz_len, "bad.gz", UINT64_MAX, &out, &out_len, &err);
    assert_true(st == QIB_ERR_CORRUPT || st == QIB_ERR_TRUNCATED);
    /* a prefix */
    uint8_t head[100];
    size_t got = 0;
    free(gz);
    TU_OK(qib__gzip(src, n, 1, &gz, &gz_len, &err), &err);
    TU_OK(qib__gunzip_prefix(gz, gz_len, "p.gz", head, sizeof head, &got, &err), &err);
    assert_int_equal(got, sizeof head);
    assert_memory_equal(head, src, sizeof head);
    free(gz);
    free(src);
}

static void test_read_file_limits(void **state) {
    (void)state;
    char path[512];
    tu_tmp("ten_bytes", path, sizeof path);
    tu_write(path, "0123456789", 10);
    uint8_t *buf = NULL;
    size_t len = 0;
    qib_error err;
    TU_OK(qib__read_file(path, 10, &buf, &len, &err), &err);
    assert_int_equal(len, 10);
    assert_int_equal(buf[10], 0); /* NUL after the data for text parsers */
    free(buf);
    assert_int_equal(qib__read_file(path, 9, &buf, &len, &err), QIB_ERR_LIMIT);
    assert_int_equal(qib__read_file("/nonexistent/x", 9, &buf, &len, &err), QIB_ERR_NOT_FOUND);
    assert_int_equal(qib__read_file("/", 9, &buf, &len, &err), QIB_ERR_IO);
    assert_true(qib__ends_with("A.NII.GZ", ".nii.gz"));
    assert_false(qib__ends_with("gz", ".nii.gz"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_and_csv_quoting),   cmocka_unit_test(test_double_text),
        cmocka_unit_test(test_cursor_overrun_is_sticky), cmocka_unit_test(test_gzip_round_trip_and_damage),
        cmocka_unit_test(test_read_file_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
