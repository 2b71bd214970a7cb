/* SPDX-License-Identifier: Apache-2.0 */
/* version.c: version and build identity. */
#include "build_info.h"
#include "qib_internal.h"

#define QIB_STR2(x) #x
#define QIB_STR(x) QIB_STR2(x)

const char *qib_version_string(void) {
    return QIB_STR(QIB_VERSION_MAJOR) "." QIB_STR(QIB_VERSION_MINOR) "." QIB_STR(QIB_VERSION_PATCH);
}

unsigned qib_version_number(void) { return QIB_VERSION_NUMBER; }

const char *qib_git_commit(void) { return QIB_BUILD_GIT_COMMIT; }
