/* SPDX-License-Identifier: Apache-2.0 */
/* test_provenance.c: SHA-256 and the provenance record.
 *
 * SHA-256 is checked against the FIPS 180 example vectors; file hashing
 * against buffer hashing across the 1 MiB block boundaries. The record is
 * checked byte for byte against a document built here from independently
 * computed hashes, for validity with a strict JSON parser (tu_json.h), and
 * for determinism with and without SOURCE_DATE_EPOCH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "tu_json.h"

#define MIB ((size_t)1 << 20)

/* ---- helpers ---- */

static void fill(unsigned char *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (unsigned char)(seed >> 24);
    }
}

static void hash_text(const char *s, char hex[65]) { qib_sha256_buffer(s, strlen(s), hex); }

/* A string built with printf-style formatting (malloc'ed). */
#if defined(__GNUC__) || defined(__clang__)
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
#endif

static char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    assert_true(n >= 0);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

/* The line of doc that starts with prefix (copied, newline included). */
static char *line_of(const char *doc, const char *prefix) {
    const char *p = strstr(doc, prefix);
    assert_non_null(p);
    assert_true(p == doc || p[-1] == '\n');
    const char *e = strchr(p, '\n');
    assert_non_null(e);
    return fmt("%.*s", (int)(e - p + 1), p);
}

static char *make_record(const char *image, const char *dir, const char *out,
                         qib_settings *s) {
    qib_error err;
    qib_provenance *p = NULL;
    const char *argv[] = {"qib", "extract", "a b\"c\\d"};
    TU_OK(qib_provenance_create(&p, &err), &err);
    TU_OK(qib_provenance_set_command(p, 3, argv, &err), &err);
    TU_OK(qib_provenance_set_settings(p, s, &err), &err);
    TU_OK(qib_provenance_add_input(p, "image", image, &err), &err);
    TU_OK(qib_provenance_add_input(p, "dicom", dir, &err), &err);
    TU_OK(qib_provenance_add_output(p, "features", out, &err), &err);
    TU_OK(qib_provenance_set(p, "status", "ok", &err), &err);
    TU_OK(qib_provenance_set(p, "note", NULL, &err), &err);
    TU_OK(qib_provenance_set(p, "status", "done", &err), &err); /* replaces in place */
    char *json = NULL;
    TU_OK(qib_provenance_to_json(p, &json, &err), &err);
    qib_provenance_free(p);
    return json;
}

/* Scratch inputs: an image file, a directory with files whose byte order
 * differs from a case-folding order, a subdirectory, and an output file. */
typedef struct fixture {
    char image[512], dir[512], out[512], sub[600], subfile[700];
    char files[3][600];
    const char *names[3];
    const char *contents[3];
} fixture;

static void fixture_remove(fixture *fx);

static void fixture_make(fixture *fx) {
    static const char *const names[3] = {".hidden", "B.dcm", "a.dcm"}; /* byte order */
    static const char *const contents[3] = {"h", "second file\n", "first, \"file\"\n"};
    tu_tmp("prov_image.nii", fx->image, sizeof fx->image);
    tu_tmp("prov_dir", fx->dir, sizeof fx->dir);
    tu_tmp("prov_out.csv", fx->out, sizeof fx->out);
    for (int i = 0; i < 3; i++)
        snprintf(fx->files[i], sizeof fx->files[i], "%s/%s", fx->dir, names[i]);
    snprintf(fx->sub, sizeof fx->sub, "%s/sub", fx->dir);
    snprintf(fx->subfile, sizeof fx->subfile, "%s/inner.dcm", fx->sub);
    fixture_remove(fx); /* leftovers of an earlier failed test */
    tu_write(fx->image, "image", 5);
    tu_write(fx->out, "a,b\n1,2\n", 8);
    assert_int_equal(mkdir(fx->dir, 0755), 0);
    /* created in an order unlike the sorted one */
    for (int i = 2; i >= 0; i--) {
        fx->names[i] = names[i];
        fx->contents[i] = contents[i];
        tu_write(fx->files[i], contents[i], strlen(contents[i]));
    }
    assert_int_equal(mkdir(fx->sub, 0755), 0);
    tu_write(fx->subfile, "inner", 5);
}

static void fixture_remove(fixture *fx) {
    remove(fx->subfile);
    rmdir(fx->sub);
    for (int i = 0; i < 3; i++) remove(fx->files[i]);
    rmdir(fx->dir);
    remove(fx->image);
    remove(fx->out);
}

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void **state) {
    (void)state;
    char hex[65];
    hash_text("abc", hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hash_text("", hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    qib_sha256_buffer(NULL, 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex); /* 448 bits */
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    qib_sha256_buffer(a, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* the same million 'a' as a file */
    char path[512];
    qib_error err;
    tu_tmp("million_a", path, sizeof path);
    tu_write(path, a, 1000000);
    TU_OK(qib_sha256_file(path, hex, &err), &err);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    remove(path);
    free(a);
}

/* File hashing agrees with buffer hashing at and around the block size. */
static void test_sha256_file_sizes(void **state) {
    (void)state;
    const size_t sizes[] = {0, 1, 55, 56, 64, MIB - 1, MIB, MIB + 1, 3 * MIB + 17};
    unsigned char *data = malloc(3 * MIB + 17);
    assert_non_null(data);
    fill(data, 3 * MIB + 17, 12345);
    char path[512];
    tu_tmp("hash_sizes.bin", path, sizeof path);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char want[65], got[65];
        qib_error err;
        tu_write(path, data, sizes[i]);
        qib_sha256_buffer(data, sizes[i], want);
        TU_OK(qib_sha256_file(path, got, &err), &err);
        assert_string_equal(got, want);
    }
    remove(path);
    free(data);
}

static void test_sha256_file_errors(void **state) {
    (void)state;
    char path[512], hex[65] = "untouched";
    qib_error err;
    tu_tmp("no_such_file", path, sizeof path);
    assert_int_equal(qib_sha256_file(path, hex, &err), QIB_ERR_NOT_FOUND);
    assert_string_equal(err.file, path); /* the error names the file */
    assert_string_equal(hex, "untouched");
    tu_tmp("a_dir", path, sizeof path);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(qib_sha256_file(path, hex, &err), QIB_ERR_IO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.reason, "directory"));
    rmdir(path);
    assert_int_equal(qib_sha256_file("", hex, &err), QIB_ERR_ARG);
}

/* ---- the record ---- */

/* The whole document, byte for byte, with SOURCE_DATE_EPOCH set. */
static void test_record_content(void **state) {
    (void)state;
    fixture fx;
    fixture_make(&fx);
    qib_error err;
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "1700000000", 1), 0);
    char *doc = make_record(fx.image, fx.dir, fx.out, s);
    assert_true(tu_json_valid(doc));

    /* expected pieces, computed independently of the record */
    char h_image[65], h_out[65], h_file[3][65], h_dir[65], h_set[65];
    hash_text("image", h_image);
    hash_text("a,b\n1,2\n", h_out);
    size_t total = 0;
    char *lines = fmt("%s", "");
    for (int i = 0; i < 3; i++) {
        hash_text(fx.contents[i], h_file[i]);
        total += strlen(fx.contents[i]);
        char *l = fmt("%s%s  %s\n", lines, fx.names[i], h_file[i]);
        free(lines);
        lines = l;
    }
    hash_text(lines, h_dir);
    free(lines);
    char *settings = NULL;
    TU_OK(qib_settings_to_json(s, &settings, &err), &err);
    hash_text(settings, h_set);
    /* indented by two more spaces, without its final newline */
    size_t sl = strlen(settings);
    assert_true(sl > 2 && settings[sl - 1] == '\n');
    settings[sl - 1] = 0;
    char *ind = fmt("%s", "");
    for (char *p = settings; *p; p++) {
        char *t = *p == '\n' ? fmt("%s\n  ", ind) : fmt("%s%c", ind, *p);
        free(ind);
        ind = t;
    }
    char *host = line_of(doc, "  \"host\": ");
    char *user = line_of(doc, "  \"user\": ");

    char *want = fmt(
        "{\n"
        "  \"schema\": \"qib-provenance/1\",\n"
        "  \"qib_version\": \"%s\",\n"
        "  \"git_commit\": \"%s\",\n"
        "  \"started_utc\": \"2023-11-14T22:13:20Z\",\n"
        "  \"finished_utc\": \"2023-11-14T22:13:20Z\",\n"
        "  \"time_source\": \"SOURCE_DATE_EPOCH\",\n"
        "%s%s"
        "  \"command\": [\n"
        "    \"qib\",\n"
        "    \"extract\",\n"
        "    \"a b\\\"c\\\\d\"\n"
        "  ],\n"
        "  \"settings_sha256\": \"%s\",\n"
        "  \"settings\": %s,\n"
        "  \"inputs\": [\n"
        "    {\n"
        "      \"role\": \"image\",\n"
        "      \"path\": \"%s\",\n"
        "      \"type\": \"file\",\n"
        "      \"sha256\": \"%s\",\n"
        "      \"bytes\": 5\n"
        "    },\n"
        "    {\n"
        "      \"role\": \"dicom\",\n"
        "      \"path\": \"%s\",\n"
        "      \"type\": \"directory\",\n"
        "      \"sha256\": \"%s\",\n"
        "      \"bytes\": %zu,\n"
        "      \"files\": [\n"
        "        {\"name\": \".hidden\", \"sha256\": \"%s\", \"bytes\": %zu},\n"
        "        {\"name\": \"B.dcm\", \"sha256\": \"%s\", \"bytes\": %zu},\n"
        "        {\"name\": \"a.dcm\", \"sha256\": \"%s\", \"bytes\": %zu}\n"
        "      ],\n"
        "      \"skipped\": [\"sub\"]\n"
        "    }\n"
        "  ],\n"
        "  \"outputs\": [\n"
        "    {\n"
        "      \"role\": \"features\",\n"
        "      \"path\": \"%s\",\n"
        "      \"type\": \"file\",\n"
        "      \"sha256\": \"%s\",\n"
        "      \"bytes\": 8\n"
        "    }\n"
        "  ],\n"
        "  \"extra\": {\n"
        "    \"status\": \"done\",\n"
        "    \"note\": null\n"
        "  }\n"
        "}\n",
        qib_version_string(), qib_git_commit(), host, user, h_set, ind, fx.image, h_image,
        fx.dir, h_dir, total, h_file[0], strlen(fx.contents[0]), h_file[1],
        strlen(fx.contents[1]), h_file[2], strlen(fx.contents[2]), fx.out, h_out);
    assert_string_equal(doc, want);

    /* the settings hash is that of the lead's canonical text */
    char h_api[65];
    TU_OK(qib_settings_sha256(s, h_api, &err), &err);
    assert_string_equal(h_api, h_set);

    free(want);
    free(host);
    free(user);
    free(ind);
    free(settings);
    free(doc);
    qib_settings_free(s);
    unsetenv("SOURCE_DATE_EPOCH");
    fixture_remove(&fx);
}

/* Two records of the same run are byte-identical with SOURCE_DATE_EPOCH. */
static void test_record_deterministic_epoch(void **state) {
    (void)state;
    fixture fx;
    fixture_make(&fx);
    qib_error err;
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "0", 1), 0);
    char *a = make_record(fx.image, fx.dir, fx.out, s);
    char *b = make_record(fx.image, fx.dir, fx.out, s);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"started_utc\": \"1970-01-01T00:00:00Z\""));
    free(a);
    free(b);
    qib_settings_free(s);
    unsetenv("SOURCE_DATE_EPOCH");
    fixture_remove(&fx);
}

static bool is_time_line(const char *line, const char *key) {
    /*   "KEY": "YYYY-MM-DDThh:mm:ssZ", */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "  \"%s\": \"", key);
    size_t n = strlen(prefix);
    if (strncmp(line, prefix, n)) return false;
    const char *t = line + n, *shape = "dddd-dd-ddTdd:dd:ddZ\",";
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) return false;
    }
    return t[strlen(shape)] == '\n';
}

/* Without SOURCE_DATE_EPOCH, two records differ only in the time lines. */
static void test_record_deterministic_clock(void **state) {
    (void)state;
    fixture fx;
    fixture_make(&fx);
    qib_error err;
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    unsetenv("SOURCE_DATE_EPOCH");
    char *a = make_record(fx.image, fx.dir, fx.out, s);
    sleep(1); /* so that the times really differ */
    char *b = make_record(fx.image, fx.dir, fx.out, s);
    assert_true(strcmp(a, b) != 0);
    assert_true(tu_json_valid(a));
    assert_non_null(strstr(a, "  \"time_source\": \"clock\",\n"));
    const char *pa = a, *pb = b;
    int differing = 0, time_lines = 0;
    while (*pa && *pb) {
        const char *ea = strchr(pa, '\n'), *eb = strchr(pb, '\n');
        assert_non_null(ea);
        assert_non_null(eb);
        bool ta = is_time_line(pa, "started_utc") || is_time_line(pa, "finished_utc");
        time_lines += ta;
        if (ea - pa != eb - pb || memcmp(pa, pb, (size_t)(ea - pa))) {
            assert_true(ta); /* only a time line may differ */
            differing++;
        }
        pa = ea + 1;
        pb = eb + 1;
    }
    assert_true(*pa == 0 && *pb == 0); /* same number of lines */
    assert_int_equal(time_lines, 2);
    assert_true(differing >= 1);
    free(a);
    free(b);
    qib_settings_free(s);
    fixture_remove(&fx);
}

static void test_epoch_malformed(void **state) {
    (void)state;
    const char *bad[] = {"", "12abc", "-5", "1e9", " 1", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qib_error err;
        qib_provenance *p = NULL;
        assert_int_equal(setenv("SOURCE_DATE_EPOCH", bad[i], 1), 0);
        assert_int_equal(qib_provenance_create(&p, &err), QIB_ERR_ARG);
        assert_string_equal(err.field, "SOURCE_DATE_EPOCH");
        assert_null(p);
    }
    unsetenv("SOURCE_DATE_EPOCH");
}

/* A fresh record is valid JSON with null/empty parts; failed additions
 * leave it unchanged. */
static void test_record_empty_and_errors(void **state) {
    (void)state;
    qib_error err;
    qib_provenance *p = NULL;
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "1700000000", 1), 0);
    TU_OK(qib_provenance_create(&p, &err), &err);
    char *before = NULL, *after = NULL;
    TU_OK(qib_provenance_to_json(p, &before, &err), &err);
    assert_true(tu_json_valid(before));
    assert_non_null(strstr(before, "  \"command\": null,\n  \"settings_sha256\": null,\n"
                                   "  \"settings\": null,\n  \"inputs\": [],\n"
                                   "  \"outputs\": [],\n  \"extra\": {}\n}\n"));

    char path[512];
    tu_tmp("prov_missing", path, sizeof path);
    assert_int_equal(qib_provenance_add_input(p, "image", path, &err), QIB_ERR_NOT_FOUND);
    assert_string_equal(err.file, path);
    assert_int_equal(qib_provenance_add_output(p, "features", path, &err), QIB_ERR_NOT_FOUND);
    assert_int_equal(qib_provenance_add_input(p, "", "/", &err), QIB_ERR_ARG);
    assert_int_equal(qib_provenance_add_input(p, "image", "", &err), QIB_ERR_ARG);
    assert_int_equal(qib_provenance_set(p, "", "x", &err), QIB_ERR_ARG);
    assert_int_equal(qib_provenance_set_command(p, 2, NULL, &err), QIB_ERR_ARG);
    const char *argv_null[] = {"qib", NULL};
    assert_int_equal(qib_provenance_set_command(p, 2, argv_null, &err), QIB_ERR_ARG);
    assert_int_equal(qib_provenance_set_settings(p, NULL, &err), QIB_ERR_ARG);
    TU_OK(qib_provenance_to_json(p, &after, &err), &err);
    assert_string_equal(before, after);
    free(after);

    /* an empty command and an empty directory */
    char dir[512];
    tu_tmp("prov_empty_dir", dir, sizeof dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    TU_OK(qib_provenance_set_command(p, 0, NULL, &err), &err);
    TU_OK(qib_provenance_add_input(p, "series", dir, &err), &err);
    TU_OK(qib_provenance_to_json(p, &after, &err), &err);
    assert_true(tu_json_valid(after));
    assert_non_null(strstr(after, "  \"command\": [],\n"));
    assert_non_null(strstr(after, "      \"type\": \"directory\",\n      \"sha256\": "
                                  "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
                                  "7852b855\",\n      \"bytes\": 0,\n      \"files\": [],\n"
                                  "      \"skipped\": []\n    }\n"));
    rmdir(dir);
    free(before);
    free(after);
    qib_provenance_free(p);
    qib_provenance_free(NULL);
    unsetenv("SOURCE_DATE_EPOCH");
}

/* The record read back by Python's json module, when python3 is present. */
static void test_record_python(void **state) {
    (void)state;
    if (system("python3 -c pass >/dev/null 2>&1") != 0) {
        printf("SKIP: python3 is not available\n");
        return;
    }
    fixture fx;
    fixture_make(&fx);
    qib_error err;
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, &err), &err);
    char *doc = make_record(fx.image, fx.dir, fx.out, s);
    char path[512], cmd[1400];
    tu_tmp("provenance.json", path, sizeof path);
    tu_write(path, doc, strlen(doc));
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert d[\"schema\"]==\"qib-provenance/1\" and "
             "d[\"command\"][2]==\"a b\\\"c\\\\d\" and "
             "[f[\"name\"] for f in d[\"inputs\"][1][\"files\"]]"
             "==[\".hidden\",\"B.dcm\",\"a.dcm\"] "
             "and isinstance(d[\"settings\"], dict)' %s",
             path);
    assert_int_equal(system(cmd), 0);
    remove(path);
    free(doc);
    qib_settings_free(s);
    fixture_remove(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_file_sizes),
        cmocka_unit_test(test_sha256_file_errors),
        cmocka_unit_test(test_record_content),
        cmocka_unit_test(test_record_deterministic_epoch),
        cmocka_unit_test(test_record_deterministic_clock),
        cmocka_unit_test(test_epoch_malformed),
        cmocka_unit_test(test_record_empty_and_errors),
        cmocka_unit_test(test_record_python),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
