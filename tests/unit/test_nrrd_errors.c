/* SPDX-License-Identifier: Apache-2.0 */
/* test_nrrd_errors.c: NRRD inputs that must fail, each with a named status
 * and err.field (src/io/nrrd_header.c, nrrd_data.c, nrrd.c): malformed
 * headers, truncated or damaged data, limits, and layouts qib refuses by
 * name. Valid inputs and round trips are in test_nrrd.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/qib_internal.h"
#include "test_util.h"

/* Reads an in-memory NRRD made of header text + data bytes. */
static qib_status read_text(const char *hdr, const void *data, size_t n, qib_volume **out,
                            qib_error *err) {
    size_t h = strlen(hdr);
    uint8_t *buf = malloc(h + n + 1);
    assert_non_null(buf);
    memcpy(buf, hdr, h);
    if (n) memcpy(buf + h, data, n);
    qib_status st = qib_nrrd_read_mem(buf, h + n, "mem.nrrd", NULL, out, NULL, err);
    free(buf);
    return st;
}

/* Expects a read of header+data to fail with status st and field. */
static void expect_fail(const char *hdr, const void *data, size_t n, qib_status st,
                        const char *field) {
    qib_volume *v = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status got = read_text(hdr, data, n, &v, &err);
    char msg[1024];
    qib_error_format(&err, msg, sizeof msg);
    if (got != st || strcmp(err.field, field) != 0)
        fail_msg("expected %s on '%s', got %s: %s", qib_status_name(st), field,
                 qib_status_name(got), msg);
    assert_null(v);
    assert_int_equal(err.status, st);
    assert_true(err.reason[0] != '\0');
}

/* ---- layouts qib refuses by name ---- */

static void test_refused_layouts(void **state) {
    (void)state;
    uint8_t data[16] = {0};
    /* DWI-like: the non-spatial axis first (interleaved) */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 4\nspace: LPS\nsizes: 2 2 2 2\n"
                "space directions: none (1,0,0) (0,1,0) (0,0,1)\nencoding: raw\n\n",
                data, 16, QIB_ERR_UNSUPPORTED, "space directions");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 4\nsizes: 2 2 2 2\n"
                "kinds: vector domain domain domain\nencoding: raw\n\n",
                data, 16, QIB_ERR_UNSUPPORTED, "kinds");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 4\nspace: LPS\nsizes: 2 2 2 2\n"
                "space directions: (1,0,0) (0,1,0) (0,0,1) (1,1,1)\nencoding: raw\n\n",
                data, 16, QIB_ERR_UNSUPPORTED, "space directions");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 5\nsizes: 1 1 1 1 1\nencoding: raw\n\n",
                data, 1, QIB_ERR_UNSUPPORTED, "dimension");
    expect_fail("NRRD0004\ntype: block\nblock size: 4\ndimension: 3\nsizes: 1 1 1\n"
                "encoding: raw\n\n",
                data, 4, QIB_ERR_UNSUPPORTED, "type");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: bzip2\n\n", data,
                4, QIB_ERR_UNSUPPORTED, "encoding");
}

/* ---- malformed input: each with its status and field ---- */

static void test_malformed(void **state) {
    (void)state;
    uint8_t data[64] = {0};
    expect_fail("P5\n2 2\n255\n", data, 4, QIB_ERR_UNKNOWN_FORMAT, "magic");
    expect_fail("NRRD0009\ntype: uchar\n\n", data, 4, QIB_ERR_FORMAT, "magic");
    expect_fail("", data, 0, QIB_ERR_UNKNOWN_FORMAT, "magic");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 0 2\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "sizes");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 -3 2\nencoding: raw\n\n", data,
                8, QIB_ERR_FORMAT, "sizes");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 2\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "sizes");
    expect_fail("NRRD0004\ntype: uchar\nsizes: 2 2 2\ndimension: 3\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "sizes");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 100000 100000 100000\n"
                "encoding: raw\n\n",
                data, 8, QIB_ERR_LIMIT, "sizes");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 99999999999999999999 1 1\n"
                "encoding: raw\n\n",
                data, 8, QIB_ERR_FORMAT, "sizes");
    expect_fail("NRRD0004\ntype: quux\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "type");
    expect_fail("NRRD0004\ntype: char\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "type");
    expect_fail("NRRD0004\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "type");
    expect_fail("NRRD0004\ntype: short\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n", data, 8,
                QIB_ERR_FORMAT, "endian");
    expect_fail("NRRD0004\ntype: uchar\ntype: uchar\ndimension: 3\nsizes: 1 1 1\n"
                "encoding: raw\n\n",
                data, 8, QIB_ERR_FORMAT, "type");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "space: LPS\nspace directions: (1,0,0) (0,1,0)\n\n",
                data, 8, QIB_ERR_FORMAT, "space directions");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "space: LPS\nspace directions: (1,0,0) (2,0,0) (0,0,1)\n\n",
                data, 8, QIB_ERR_FORMAT, "space directions");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "space origin: (1,2,3)\n\n",
                data, 8, QIB_ERR_FORMAT, "space origin");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "space: LPS\nspace origin: (1,nan,3)\n\n",
                data, 8, QIB_ERR_FORMAT, "space origin");
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "space: up-down-sideways\n\n",
                data, 8, QIB_ERR_FORMAT, "space");
    /* unknown field: located by line */
    qib_volume *v = NULL;
    qib_error err;
    assert_int_equal(read_text("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\n"
                               "encoding: raw\n# fine\nfoo: bar\n\n",
                               data, 8, &v, &err),
                     QIB_ERR_FORMAT);
    assert_string_equal(err.field, "header");
    assert_non_null(strstr(err.reason, "line 7: unknown field 'foo'"));
    assert_int_equal(err.offset, 68); /* 9+12+13+13+14+7 bytes of lines 1-6 */
    /* sizes message names the value */
    assert_int_equal(read_text("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 0 2\n\n", data,
                               8, &v, &err),
                     QIB_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "line 4: value 0 is not a positive integer"));
    /* header without its blank line, and no data file */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n", NULL, 0,
                QIB_ERR_FORMAT, "header");
    /* truncated raw data */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 4 4 4\nencoding: raw\n\n", data,
                63, QIB_ERR_TRUNCATED, "data");
    /* byte skip past the end */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "byte skip: 100\n\n",
                data, 8, QIB_ERR_TRUNCATED, "byte skip");
    /* line skip past the end */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "line skip: 3\n\n",
                "a\nb\n", 4, QIB_ERR_TRUNCATED, "line skip");
    /* a detached header cannot be read from memory */
    expect_fail("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n"
                "data file: x.raw\n\n",
                NULL, 0, QIB_ERR_UNSUPPORTED, "data file");
}

/* gzip data cut short, damaged, or longer than declared. */
static void test_gzip_damage(void **state) {
    (void)state;
    uint8_t plain[4096];
    for (size_t i = 0; i < sizeof plain; i++) plain[i] = (uint8_t)(i * 7 + (i >> 5));
    uint8_t *gz = NULL;
    size_t n = 0;
    qib_error err;
    TU_OK(qib__gzip(plain, sizeof plain, 6, &gz, &n, &err), &err);
    const char *hdr = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 16 16 16\nencoding: gzip\n\n";
    qib_volume *v = NULL;
    TU_OK(read_text(hdr, gz, n, &v, &err), &err);
    assert_memory_equal(qib_volume_cdata(v), plain, sizeof plain);
    qib_volume_free(v);
    v = NULL;
    /* cut short: the stream ends early */
    qib_status st = read_text(hdr, gz, n / 2, &v, &err);
    assert_int_equal(st, QIB_ERR_TRUNCATED);
    assert_string_equal(err.field, "gzip");
    assert_true(err.offset > 0);
    /* a damaged byte in the middle */
    gz[n / 2] ^= 0x55;
    gz[n / 2 + 1] ^= 0xAA;
    st = read_text(hdr, gz, n, &v, &err);
    assert_true(st == QIB_ERR_CORRUPT || st == QIB_ERR_TRUNCATED);
    assert_null(v);
    free(gz);
    /* more data than the header declares */
    TU_OK(qib__gzip(plain, sizeof plain, 6, &gz, &n, &err), &err);
    const char *small = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 16 16 8\nencoding: gzip\n\n";
    expect_fail(small, gz, n, QIB_ERR_FORMAT, "data");
    /* fewer data than the header declares */
    const char *big = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 16 16 32\nencoding: gzip\n\n";
    expect_fail(big, gz, n, QIB_ERR_TRUNCATED, "data");
    free(gz);
}

/* Header longer than the caller's limit: refused before any parsing of
 * what lies beyond; with a larger limit the same file reads. */
static void test_header_limit(void **state) {
    (void)state;
    char buf[4096] = "NRRD0004\n";
    for (int i = 0; i < 100; i++) strcat(buf, "# a comment line of some length\n");
    strcat(buf, "type: uchar\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n");
    size_t n = strlen(buf) + 1; /* the NUL is the one voxel */
    qib_limits lim = {1 << 20, 1 << 20, 1 << 20, 1024};
    qib_volume *v = NULL;
    qib_error err;
    assert_int_equal(qib_nrrd_read_mem(buf, n, "big", &lim, &v, NULL, &err), QIB_ERR_LIMIT);
    assert_string_equal(err.field, "header");
    lim.max_header_bytes = 1 << 16;
    TU_OK(qib_nrrd_read_mem(buf, n, "big", &lim, &v, NULL, &err), &err);
    assert_true(qib_volume_value(v, 0) == 0);
    qib_volume_free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_layouts),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_gzip_damage),
        cmocka_unit_test(test_header_limit),
    };
    return cmocka_run_group_tests_name("nrrd_errors", tests, NULL, NULL);
}
