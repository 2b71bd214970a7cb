/* SPDX-License-Identifier: Apache-2.0 */
/* test_settings.c: the settings registry, parsing, canonical JSON and hash. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static void test_registry_well_formed(void **state) {
    (void)state;
    qib_settings *s = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err); /* every default parses */
    for (size_t i = 0; i < qib_setting_count(); i++) {
        const qib_setting_info *a = qib_setting_at(i);
        assert_non_null(a->name);
        assert_true(strlen(a->description) > 10);
        assert_ptr_equal(qib_setting_find(a->name), a);
        for (size_t j = 0; j < i; j++) assert_string_not_equal(a->name, qib_setting_at(j)->name);
        if (a->type == QIB_SETTING_CHOICE) assert_non_null(a->choices);
    }
    assert_null(qib_setting_at(qib_setting_count()));
    qib_settings_free(s);
}

static void test_set_and_get(void **state) {
    (void)state;
    qib_settings *s = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&s, &err), &err);
    assert_int_equal(qib_settings_int(s, "label"), 1);
    TU_OK(qib_settings_set(s, "label", "7", &err), &err);
    assert_int_equal(qib_settings_int(s, "label"), 7);
    assert_int_equal(qib_settings_set(s, "label", "7x", &err), QIB_ERR_ARG);
    assert_string_equal(err.field, "label");
    assert_int_equal(qib_settings_set(s, "label", "-1", &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "outside the allowed range"));
    assert_int_equal(qib_settings_int(s, "label"), 7); /* unchanged on failure */
    assert_int_equal(qib_settings_set(s, "no_such", "1", &err), QIB_ERR_ARG);
    assert_int_equal(qib_settings_set(s, "geometry_tolerance", "nan", &err), QIB_ERR_ARG);
    TU_OK(qib_settings_set(s, "geometry_tolerance", "1e-4", &err), &err);
    assert_true(qib_settings_real(s, "geometry_tolerance") == 1e-4);
    char text[64];
    TU_OK(qib_settings_get_text(s, "geometry_tolerance", text, sizeof text, &err), &err);
    assert_string_equal(text, "0.0001");
    qib_settings *c = NULL;
    TU_OK(qib_settings_copy(s, &c, &err), &err);
    assert_int_equal(qib_settings_int(c, "label"), 7);
    qib_settings_free(c);
    qib_settings_free(s);
}

static void test_json_and_hash(void **state) {
    (void)state;
    qib_settings *a = NULL, *b = NULL;
    qib_error err;
    TU_OK(qib_settings_create(&a, &err), &err);
    TU_OK(qib_settings_create(&b, &err), &err);
    char ha[65], hb[65];
    TU_OK(qib_settings_sha256(a, ha, &err), &err);
    TU_OK(qib_settings_sha256(b, hb, &err), &err);
    assert_string_equal(ha, hb);
    char *json = NULL;
    TU_OK(qib_settings_to_json(a, &json, &err), &err);
    assert_non_null(strstr(json, "\"label\": 1,"));
    assert_non_null(strstr(json, "\"families\": \"all\""));
    /* the hash is the SHA-256 of exactly this text */
    char hj[65];
    qib_sha256_buffer(json, strlen(json), hj);
    assert_string_equal(hj, ha);
    free(json);
    TU_OK(qib_settings_set(b, "label", "2", &err), &err);
    TU_OK(qib_settings_sha256(b, hb, &err), &err);
    assert_string_not_equal(ha, hb);
    qib_settings_free(a);
    qib_settings_free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_well_formed),
        cmocka_unit_test(test_set_and_get),
        cmocka_unit_test(test_json_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
