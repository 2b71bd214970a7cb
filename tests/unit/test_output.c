/* SPDX-License-Identifier: Apache-2.0 */
/* test_output.c: the feature table writers (wide CSV, long CSV, JSON).
 *
 * Expected outputs are written out by hand in full, so any change to the
 * bytes (quoting, column order, number text) shows up here. JSON output is
 * also checked with an independent strict parser (tu_json.h) and, when
 * python3 is on the PATH, with Python's json module. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tu_json.h"

/* ---- fixtures ---- */

/* An in-memory output: open_memstream updates data/size on every fflush,
 * so the test sees exactly what a reader of the file would see. */
typedef struct mem_out {
    FILE *f;
    char *data;
    size_t size;
} mem_out;

static void mem_open(mem_out *m) {
    m->data = NULL;
    m->size = 0;
    m->f = open_memstream(&m->data, &m->size);
    assert_non_null(m->f);
}

static void mem_close(mem_out *m) {
    fclose(m->f);
    free(m->data);
}

static const char *const case_cols[] = {"Image", "Mask"};
static const char *const case1[] = {"a,b.nii", "m\"q.nii"};
static const char *const case2[] = {"c.nii", NULL};
static const char *const case3[] = {"d.nii", "m.nii"};
static const char *const err2 = "bad \"x\", y\nz";

static qib_results *results1(void) {
    qib_results *r = NULL;
    qib_error err;
    TU_OK(qib_results_create(&r, &err), &err);
    TU_OK(qib_results_add(r, "original", "stat", "mean", "Q4LE", NULL, 1.5, &err), &err);
    TU_OK(qib_results_add(r, "original", "stat", "var", "ECT3", "", NAN, &err), &err);
    TU_OK(qib_results_add(r, "log-sigma-1-0-mm-3D", "glcm", "joint_max", "GYBY", "3D:avg", 0.1,
                          &err),
          &err);
    return r;
}

/* Same features in another order, one missing, one infinite. */
static qib_results *results3(void) {
    qib_results *r = NULL;
    qib_error err;
    TU_OK(qib_results_create(&r, &err), &err);
    TU_OK(qib_results_add(r, "log-sigma-1-0-mm-3D", "glcm", "joint_max", "GYBY", "3D:avg",
                          1e300, &err),
          &err);
    TU_OK(qib_results_add(r, "original", "stat", "var", "ECT3", "", INFINITY, &err), &err);
    return r;
}

/* Writes case1 (results1), case2 (error), case3 (results3) and finishes. */
static void write_three(FILE *f, qib_output_format fmt) {
    qib_error err;
    qib_writer *w = NULL;
    qib_results *r1 = results1(), *r3 = results3();
    TU_OK(qib_writer_create(f, fmt, case_cols, 2, &w, &err), &err);
    TU_OK(qib_writer_add(w, case1, r1, NULL, &err), &err);
    TU_OK(qib_writer_add(w, case2, NULL, err2, &err), &err);
    TU_OK(qib_writer_add(w, case3, r3, "", &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err);
    qib_writer_free(w);
    qib_results_free(r1);
    qib_results_free(r3);
}

static const char wide_expected[] =
    "Image,Mask,original_stat_mean,original_stat_var,log-sigma-1-0-mm-3D_glcm_joint_max_3D:avg,"
    "error\n"
    "\"a,b.nii\",\"m\"\"q.nii\",1.5,NaN,0.1,\n"
    "c.nii,,,,,\"bad \"\"x\"\", y\nz\"\n"
    "d.nii,m.nii,,Inf,1e+300,\n";

static const char long_expected[] =
    "Image,Mask,image_type,family,feature,ibsi_code,aggregation,value,error\n"
    "\"a,b.nii\",\"m\"\"q.nii\",original,stat,mean,Q4LE,,1.5,\n"
    "\"a,b.nii\",\"m\"\"q.nii\",original,stat,var,ECT3,,NaN,\n"
    "\"a,b.nii\",\"m\"\"q.nii\",log-sigma-1-0-mm-3D,glcm,joint_max,GYBY,3D:avg,0.1,\n"
    "c.nii,,,,,,,,\"bad \"\"x\"\", y\nz\"\n"
    "d.nii,m.nii,log-sigma-1-0-mm-3D,glcm,joint_max,GYBY,3D:avg,1e+300,\n"
    "d.nii,m.nii,original,stat,var,ECT3,,Inf,\n";

static const char json_expected[] =
    "{\n"
    "  \"cases\": [\n"
    "    {\n"
    "      \"Image\": \"a,b.nii\",\n"
    "      \"Mask\": \"m\\\"q.nii\",\n"
    "      \"status\": \"ok\",\n"
    "      \"error\": null,\n"
    "      \"features\": [\n"
    "        {\"image_type\": \"original\", \"family\": \"stat\", \"feature\": \"mean\", "
    "\"ibsi_code\": \"Q4LE\", \"aggregation\": \"\", \"value\": 1.5},\n"
    "        {\"image_type\": \"original\", \"family\": \"stat\", \"feature\": \"var\", "
    "\"ibsi_code\": \"ECT3\", \"aggregation\": \"\", \"value\": null},\n"
    "        {\"image_type\": \"log-sigma-1-0-mm-3D\", \"family\": \"glcm\", \"feature\": "
    "\"joint_max\", \"ibsi_code\": \"GYBY\", \"aggregation\": \"3D:avg\", \"value\": 0.1}\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"Image\": \"c.nii\",\n"
    "      \"Mask\": \"\",\n"
    "      \"status\": \"error\",\n"
    "      \"error\": \"bad \\\"x\\\", y\\nz\",\n"
    "      \"features\": []\n"
    "    },\n"
    "    {\n"
    "      \"Image\": \"d.nii\",\n"
    "      \"Mask\": \"m.nii\",\n"
    "      \"status\": \"ok\",\n"
    "      \"error\": null,\n"
    "      \"features\": [\n"
    "        {\"image_type\": \"log-sigma-1-0-mm-3D\", \"family\": \"glcm\", \"feature\": "
    "\"joint_max\", \"ibsi_code\": \"GYBY\", \"aggregation\": \"3D:avg\", \"value\": 1e+300},\n"
    "        {\"image_type\": \"original\", \"family\": \"stat\", \"feature\": \"var\", "
    "\"ibsi_code\": \"ECT3\", \"aggregation\": \"\", \"value\": null}\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void check_format(qib_output_format fmt, const char *expected) {
    mem_out m;
    mem_open(&m);
    write_three(m.f, fmt);
    assert_int_equal(m.size, strlen(expected));
    assert_string_equal(m.data, expected);
    mem_close(&m);
}

/* ---- tests ---- */

static void test_format_parse(void **state) {
    (void)state;
    qib_output_format f = 0;
    qib_error err;
    TU_OK(qib_output_format_parse("csv", &f, &err), &err);
    assert_int_equal(f, QIB_OUTPUT_CSV);
    TU_OK(qib_output_format_parse("long", &f, &err), &err);
    assert_int_equal(f, QIB_OUTPUT_LONG);
    TU_OK(qib_output_format_parse("json", &f, &err), &err);
    assert_int_equal(f, QIB_OUTPUT_JSON);
    f = 0;
    assert_int_equal(qib_output_format_parse("xml", &f, &err), QIB_ERR_ARG);
    assert_int_equal(f, 0); /* untouched on failure */
    assert_non_null(strstr(err.reason, "xml"));
    assert_int_equal(qib_output_format_parse("CSV", &f, &err), QIB_ERR_ARG);
    assert_int_equal(qib_output_format_parse(NULL, &f, &err), QIB_ERR_ARG);
}

/* Quoting of case values and error text, NaN/Inf, column order by name in
 * later cases, empty cell for a missing value, `error` last. */
static void test_wide_csv(void **state) {
    (void)state;
    check_format(QIB_OUTPUT_CSV, wide_expected);
}

static void test_long_csv(void **state) {
    (void)state;
    check_format(QIB_OUTPUT_LONG, long_expected);
}

static void test_json(void **state) {
    (void)state;
    check_format(QIB_OUTPUT_JSON, json_expected);
    assert_true(tu_json_valid(json_expected));
}

/* The checker itself must refuse what the writers must never produce. */
static void test_json_checker(void **state) {
    (void)state;
    assert_true(tu_json_valid("{\"a\": [1, -0.5e+3, true, false, null, \"\\u00e9\\n\"]}\n"));
    assert_true(tu_json_valid("\"\xc3\xa9\""));
    assert_false(tu_json_valid("{\"a\": NaN}"));
    assert_false(tu_json_valid("{\"a\": Inf}"));
    assert_false(tu_json_valid("{\"a\": 01}"));
    assert_false(tu_json_valid("{\"a\": 1.}"));
    assert_false(tu_json_valid("{\"a\": 1,}"));
    assert_false(tu_json_valid("[1] [2]"));
    assert_false(tu_json_valid("\"a\nb\""));
    assert_false(tu_json_valid("\"\\x\""));
    assert_false(tu_json_valid("\"\xff\""));
    assert_false(tu_json_valid("{\"a\": [1, 2}"));
    assert_false(tu_json_valid(""));
}

/* Identical input gives identical bytes, in every format. */
static void test_deterministic(void **state) {
    (void)state;
    const qib_output_format fmts[] = {QIB_OUTPUT_CSV, QIB_OUTPUT_LONG, QIB_OUTPUT_JSON};
    for (size_t i = 0; i < 3; i++) {
        mem_out a, b;
        mem_open(&a);
        mem_open(&b);
        write_three(a.f, fmts[i]);
        write_three(b.f, fmts[i]);
        assert_int_equal(a.size, b.size);
        assert_memory_equal(a.data, b.data, a.size);
        mem_close(&a);
        mem_close(&b);
    }
}

/* Every case is on disk (flushed) as soon as qib_writer_add returns. */
static void test_flushed_per_case(void **state) {
    (void)state;
    const qib_output_format fmts[] = {QIB_OUTPUT_CSV, QIB_OUTPUT_LONG, QIB_OUTPUT_JSON};
    const char *const expected[] = {wide_expected, long_expected, json_expected};
    for (size_t i = 0; i < 3; i++) {
        mem_out m;
        mem_open(&m);
        qib_error err;
        qib_writer *w = NULL;
        qib_results *r1 = results1();
        TU_OK(qib_writer_create(m.f, fmts[i], case_cols, 2, &w, &err), &err);
        size_t before = m.size;
        TU_OK(qib_writer_add(w, case1, r1, NULL, &err), &err);
        assert_true(m.size > before);
        /* what is on disk so far is a prefix of the full document */
        assert_memory_equal(m.data, expected[i], m.size);
        before = m.size;
        TU_OK(qib_writer_add(w, case2, NULL, err2, &err), &err);
        assert_true(m.size > before);
        assert_memory_equal(m.data, expected[i], m.size);
        qib_writer_free(w); /* without finish: rows already written stay */
        qib_results_free(r1);
        mem_close(&m);
    }
}

/* Failed cases before the first case with results are held until the
 * header is known, then written in order under it. */
static void test_wide_errors_first(void **state) {
    (void)state;
    mem_out m;
    mem_open(&m);
    qib_error err;
    qib_writer *w = NULL;
    qib_results *r1 = results1();
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_CSV, case_cols, 2, &w, &err), &err);
    assert_int_equal(m.size, 0);
    TU_OK(qib_writer_add(w, case2, NULL, err2, &err), &err);
    TU_OK(qib_writer_add(w, case3, NULL, "no mask", &err), &err);
    assert_int_equal(m.size, 0); /* held: the header is not known yet */
    TU_OK(qib_writer_add(w, case1, r1, NULL, &err), &err);
    const char expected[] =
        "Image,Mask,original_stat_mean,original_stat_var,"
        "log-sigma-1-0-mm-3D_glcm_joint_max_3D:avg,error\n"
        "c.nii,,,,,\"bad \"\"x\"\", y\nz\"\n"
        "d.nii,m.nii,,,,no mask\n"
        "\"a,b.nii\",\"m\"\"q.nii\",1.5,NaN,0.1,\n";
    assert_int_equal(m.size, strlen(expected));
    assert_string_equal(m.data, expected);
    TU_OK(qib_writer_finish(w, &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err); /* a second finish does nothing */
    assert_string_equal(m.data, expected);
    assert_int_equal(qib_writer_add(w, case1, r1, NULL, &err), QIB_ERR_ARG);
    qib_writer_free(w);
    qib_results_free(r1);
    mem_close(&m);
}

/* Only failures: finish writes a header of case columns and `error`. */
static void test_wide_only_errors(void **state) {
    (void)state;
    mem_out m;
    mem_open(&m);
    qib_error err;
    qib_writer *w = NULL;
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_CSV, case_cols, 2, &w, &err), &err);
    TU_OK(qib_writer_add(w, case3, NULL, "no mask", &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err);
    assert_string_equal(m.data, "Image,Mask,error\nd.nii,m.nii,no mask\n");
    qib_writer_free(w);
    mem_close(&m);

    /* no case at all, no case columns */
    mem_open(&m);
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_CSV, NULL, 0, &w, &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err);
    assert_string_equal(m.data, "error\n");
    qib_writer_free(w);
    mem_close(&m);

    mem_open(&m);
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_JSON, NULL, 0, &w, &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err);
    assert_string_equal(m.data, "{\n  \"cases\": []\n}\n");
    assert_true(tu_json_valid(m.data));
    qib_writer_free(w);
    mem_close(&m);
}

/* A later case with a feature the header lacks is refused, not dropped,
 * and nothing of it is written; a repeated column keeps its first value. */
static void test_wide_unknown_and_repeated_column(void **state) {
    (void)state;
    mem_out m;
    mem_open(&m);
    qib_error err;
    qib_writer *w = NULL;
    qib_results *r3 = results3(), *r1 = results1();
    TU_OK(qib_results_add(r3, "original", "stat", "var", "ECT3", "", 7.0, &err), &err);
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_CSV, case_cols, 2, &w, &err), &err);
    TU_OK(qib_writer_add(w, case3, r3, NULL, &err), &err);
    const char expected[] = "Image,Mask,log-sigma-1-0-mm-3D_glcm_joint_max_3D:avg,"
                            "original_stat_var,error\n"
                            "d.nii,m.nii,1e+300,Inf,\n";
    assert_string_equal(m.data, expected);
    assert_int_equal(qib_writer_add(w, case1, r1, NULL, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "original_stat_mean"));
    assert_string_equal(m.data, expected); /* nothing of the refused case */
    /* the writer is still usable */
    TU_OK(qib_writer_add(w, case2, NULL, err2, &err), &err);
    TU_OK(qib_writer_finish(w, &err), &err);
    assert_int_equal(m.size, strlen(expected) + strlen("c.nii,,,,\"bad \"\"x\"\", y\nz\"\n"));
    qib_writer_free(w);
    qib_results_free(r1);
    qib_results_free(r3);
    mem_close(&m);
}

static void test_bad_arguments(void **state) {
    (void)state;
    mem_out m;
    mem_open(&m);
    qib_error err;
    qib_writer *w = NULL;
    const char *const dup[] = {"Image", "Image"};
    const char *const reserved[] = {"Image", "status"};
    const char *const empty[] = {""};
    assert_int_equal(qib_writer_create(m.f, QIB_OUTPUT_CSV, dup, 2, &w, &err), QIB_ERR_ARG);
    assert_int_equal(qib_writer_create(m.f, QIB_OUTPUT_JSON, reserved, 2, &w, &err),
                     QIB_ERR_ARG);
    assert_int_equal(qib_writer_create(m.f, QIB_OUTPUT_LONG, empty, 1, &w, &err), QIB_ERR_ARG);
    assert_int_equal(qib_writer_create(m.f, (qib_output_format)9, NULL, 0, &w, &err),
                     QIB_ERR_ARG);
    assert_int_equal(qib_writer_create(NULL, QIB_OUTPUT_CSV, NULL, 0, &w, &err), QIB_ERR_ARG);
    assert_null(w);
    assert_int_equal(m.size, 0);

    qib_results *r1 = results1();
    TU_OK(qib_writer_create(m.f, QIB_OUTPUT_LONG, case_cols, 2, &w, &err), &err);
    size_t header = m.size;
    assert_int_equal(qib_writer_add(w, case1, NULL, NULL, &err), QIB_ERR_ARG);
    assert_int_equal(qib_writer_add(w, case1, NULL, "", &err), QIB_ERR_ARG);
    assert_int_equal(qib_writer_add(w, case1, r1, "oops", &err), QIB_ERR_ARG);
    assert_int_equal(qib_writer_add(w, NULL, r1, NULL, &err), QIB_ERR_ARG);
    assert_int_equal(m.size, header);
    assert_int_equal(qib_writer_add(NULL, case1, r1, NULL, &err), QIB_ERR_ARG);
    qib_writer_free(w);
    qib_writer_free(NULL);
    qib_results_free(r1);
    mem_close(&m);
}

/* A write that fails is reported, and every later call fails too. */
static void test_write_failure(void **state) {
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        printf("SKIP: /dev/full is absent\n");
        return;
    }
    qib_error err;
    qib_writer *w = NULL;
    qib_results *r1 = results1();
    assert_int_equal(qib_writer_create(f, QIB_OUTPUT_LONG, case_cols, 2, &w, &err),
                     QIB_ERR_IO);
    assert_null(w);
    TU_OK(qib_writer_create(f, QIB_OUTPUT_CSV, case_cols, 2, &w, &err), &err);
    assert_int_equal(qib_writer_add(w, case1, r1, NULL, &err), QIB_ERR_IO);
    assert_int_equal(qib_writer_add(w, case2, NULL, err2, &err), QIB_ERR_IO);
    assert_int_equal(qib_writer_finish(w, &err), QIB_ERR_IO);
    qib_writer_free(w);
    qib_results_free(r1);
    fclose(f);
}

/* The JSON document read back by Python's json module (a second, widely
 * used parser), when python3 is available. */
static void test_json_python(void **state) {
    (void)state;
    char path[512], cmd[1200];
    tu_tmp("cases.json", path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    write_three(f, QIB_OUTPUT_JSON);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert len(d[\"cases\"])==3 and d[\"cases\"][0][\"features\"][1][\"value\"] is None "
             "and d[\"cases\"][1][\"error\"]==\"bad \\\"x\\\", y\\nz\"' %s 2>&1",
             path);
    int rc = system("python3 -c pass >/dev/null 2>&1");
    if (rc != 0) {
        printf("SKIP: python3 is not available\n");
        remove(path);
        return;
    }
    assert_int_equal(system(cmd), 0);
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_wide_csv),
        cmocka_unit_test(test_long_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_checker),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_flushed_per_case),
        cmocka_unit_test(test_wide_errors_first),
        cmocka_unit_test(test_wide_only_errors),
        cmocka_unit_test(test_wide_unknown_and_repeated_column),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_json_python),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
