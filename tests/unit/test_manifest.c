/* SPDX-License-Identifier: Apache-2.0 */
/* test_manifest.c: the batch manifest reader (RFC 4180 CSV, PyRadiomics
 * columns). Hand-written inputs with their expected cells, and malformed
 * ones with the exact located error each must give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib/batch.h"
#include "test_util.h"

static qib_manifest *parse_ok(const char *text, unsigned flags) {
    qib_manifest *m = NULL;
    qib_error err;
    qib_error_clear(&err);
    TU_OK(qib_manifest_parse(text, strlen(text), "t.csv", flags, &m, &err), &err);
    return m;
}

/* Parses text that must fail; checks status, offset and message start. */
static void parse_bad(const char *text, qib_status want, int64_t offset, const char *reason,
                      const char *field) {
    qib_manifest *m = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_manifest_parse(text, strlen(text), "t.csv", 0, &m, &err);
    assert_int_equal(st, want);
    assert_null(m);
    assert_string_equal(err.file, "t.csv");
    if (offset >= 0) assert_int_equal(err.offset, offset);
    if (strncmp(err.reason, reason, strlen(reason)))
        fail_msg("reason \"%s\" does not start with \"%s\"", err.reason, reason);
    assert_string_equal(err.field, field);
}

static void test_simple(void **state) {
    (void)state;
    qib_manifest *m = parse_ok("Image,Mask,Extra\na.nii,b.nii,x\nc.nii,d.nii,\n", 0);
    assert_int_equal(qib_manifest_rows(m), 2);
    assert_int_equal(qib_manifest_columns(m), 3);
    assert_int_equal(qib_manifest_image_column(m), 0);
    assert_int_equal(qib_manifest_mask_column(m), 1);
    assert_int_equal(qib_manifest_label_column(m), -1);
    assert_string_equal(qib_manifest_column_name(m, 2), "Extra");
    assert_string_equal(qib_manifest_cell(m, 0, 0), "a.nii");
    assert_string_equal(qib_manifest_cell(m, 1, 2), "");
    assert_null(qib_manifest_cell(m, 2, 0));
    assert_null(qib_manifest_cell(m, 0, 3));
    assert_int_equal(qib_manifest_row_line(m, 1), 3);
    qib_manifest_free(m);
}

static void test_quoted(void **state) {
    (void)state;
    /* quoted fields with commas, doubled quotes, CRLF inside; CRLF records;
     * BOM; a blank line; no final line end; lowercase names and Label */
    const char *text = "\xEF\xBB\xBFid,image,mask,label\r\n"
                       "1,\"a,b.nii\",\"say \"\"hi\"\"\",2\r\n"
                       "\r\n"
                       "2,\"multi\r\nline\",m.nii,\"\"";
    qib_manifest *m = parse_ok(text, 0);
    assert_int_equal(qib_manifest_rows(m), 2);
    assert_int_equal(qib_manifest_image_column(m), 1);
    assert_int_equal(qib_manifest_label_column(m), 3);
    assert_string_equal(qib_manifest_column_name(m, 0), "id");
    assert_string_equal(qib_manifest_cell(m, 0, 1), "a,b.nii");
    assert_string_equal(qib_manifest_cell(m, 0, 2), "say \"hi\"");
    assert_string_equal(qib_manifest_cell(m, 0, 3), "2");
    assert_string_equal(qib_manifest_cell(m, 1, 1), "multi\r\nline");
    assert_string_equal(qib_manifest_cell(m, 1, 3), "");
    assert_int_equal(qib_manifest_row_line(m, 0), 2);
    assert_int_equal(qib_manifest_row_line(m, 1), 4);
    qib_manifest_free(m);
}

static void test_capitalised_wins(void **state) {
    (void)state;
    qib_manifest *m = parse_ok("image,Image,Mask,x\n1,2,3,\n", 0);
    assert_int_equal(qib_manifest_image_column(m), 1);
    qib_manifest_free(m);
    /* a plain table needs no Image column; a trailing comma is an empty field */
    m = parse_ok("a,b\n1,\n", QIB_MANIFEST_PLAIN);
    assert_int_equal(qib_manifest_image_column(m), -1);
    assert_string_equal(qib_manifest_cell(m, 0, 1), "");
    qib_manifest_free(m);
}

static void test_malformed(void **state) {
    (void)state;
    parse_bad("Image,Mask\n\"a.nii,b.nii\n", QIB_ERR_FORMAT, 11,
              "line 2, column 1: unterminated quoted field", "Image");
    parse_bad("Image,Mask\na.nii,b.nii,c\n", QIB_ERR_FORMAT, -1,
              "line 2, column 3: more fields than the header has", "");
    parse_bad("Image,Mask,Label\na.nii,b.nii\n", QIB_ERR_FORMAT, -1,
              "line 2, column 2: 2 fields, but the header has 3 (a ragged row)", "Mask");
    parse_bad("Img,Mask\na,b\n", QIB_ERR_FORMAT, 0,
              "line 1: no Image column (the header has: Img, Mask)", "Image");
    parse_bad("Image,Msk\na,b\n", QIB_ERR_FORMAT, 0, "line 1: no Mask column", "Mask");
    parse_bad("Image,Mask\n\"a\"x,b\n", QIB_ERR_FORMAT, 14,
              "line 2, column 1: text after a closing quote", "Image");
    parse_bad("Image,Mask\na,b\"c\n", QIB_ERR_FORMAT, 14,
              "line 2, column 2: quote inside an unquoted field", "Mask");
    parse_bad("Image,,Mask\n", QIB_ERR_FORMAT, -1, "line 1, column 2: empty column name", "");
    parse_bad("Image,Mask,Image\n", QIB_ERR_FORMAT, -1,
              "line 1, column 3: column name repeated", "Image");
    parse_bad("", QIB_ERR_FORMAT, 0, "line 1, column 1: no header row", "");
    parse_bad("\n\r\n", QIB_ERR_FORMAT, 0, "line 1, column 1: no header row", "");
    /* a NUL byte: parse with an explicit length */
    qib_manifest *m = NULL;
    qib_error err;
    qib_error_clear(&err);
    assert_int_equal(qib_manifest_parse("Image,Mask\na\0,b\n", 16, "t.csv", 0, &m, &err),
                     QIB_ERR_FORMAT);
    assert_string_equal(err.reason, "line 2, column 1: NUL byte");
}

static void test_read_file(void **state) {
    (void)state;
    char path[512];
    tu_tmp("manifest.csv", path, sizeof path);
    tu_write(path, "Image,Mask\nx,y\n", 15);
    qib_manifest *m = NULL;
    qib_error err;
    TU_OK(qib_manifest_read(path, 0, &m, &err), &err);
    assert_int_equal(qib_manifest_rows(m), 1);
    qib_manifest_free(m);
    tu_tmp("absent.csv", path, sizeof path);
    assert_int_not_equal(qib_manifest_read(path, 0, &m, &err), QIB_OK);
    assert_string_equal(err.file, path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),          cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_capitalised_wins), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
