/* SPDX-License-Identifier: Apache-2.0 */
/* test_util.c: helpers shared by the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

const char *tu_shared(const char *rel, char *buf, size_t n) {
    const char *dir = getenv("QIB_SHARED_DIR");
    if (!dir) dir = QIB_SHARED_DIR;
    snprintf(buf, n, "%s/%s", dir, rel);
    if (access(buf, R_OK) != 0) {
        printf("SKIP: %s is absent (the shared test data folder ../shared is needed)\n", buf);
        return NULL;
    }
    return buf;
}

const char *tu_tmp(const char *name, char *buf, size_t n) {
    mkdir(QIB_TEST_TMP, 0755);
    snprintf(buf, n, "%s/%ld_%s", QIB_TEST_TMP, (long)getpid(), name);
    return buf;
}

void tu_write(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}
