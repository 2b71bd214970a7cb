/* SPDX-License-Identifier: Apache-2.0 */
/* test_util.h: helpers shared by the unit tests. */
#ifndef QIB_TEST_UTIL_H
#define QIB_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "qib.h"

/* Path of a file under ../shared (QIB_SHARED_DIR), or NULL after printing
 * a skip message when the shared folder or the file is absent. */
const char *tu_shared(const char *rel, char *buf, size_t n);
/* A fresh scratch path under the test build's tmp folder. */
const char *tu_tmp(const char *name, char *buf, size_t n);
/* Asserts st == QIB_OK, printing the located error otherwise. */
#define TU_OK(expr, errp)                                                              \
    do {                                                                               \
        qib_status tu_st_ = (expr);                                                    \
        if (tu_st_ != QIB_OK) {                                                        \
            char tu_msg_[1024];                                                        \
            qib_error_format((errp), tu_msg_, sizeof tu_msg_);                         \
            fail_msg("%s failed: %s (%s)", #expr, tu_msg_, qib_status_name(tu_st_));   \
        }                                                                              \
    } while (0)
/* Writes bytes to a file (for malformed-input tests). */
void tu_write(const char *path, const void *data, size_t len);

#endif
