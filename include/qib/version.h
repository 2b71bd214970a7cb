/* SPDX-License-Identifier: Apache-2.0 */
/* qib/version.h: library version, at compile time and at run time. */
#ifndef QIB_VERSION_H
#define QIB_VERSION_H

#include "status.h"

#define QIB_VERSION_MAJOR 0
#define QIB_VERSION_MINOR 1
#define QIB_VERSION_PATCH 0
#define QIB_VERSION_NUMBER (QIB_VERSION_MAJOR * 10000 + QIB_VERSION_MINOR * 100 + QIB_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0" */
QIB_API const char *qib_version_string(void);
/* QIB_VERSION_NUMBER of the library actually linked. */
QIB_API unsigned qib_version_number(void);
/* Git commit the library was built from (40 hex digits, with "-dirty" when
 * the tree had changes), or "unknown". */
QIB_API const char *qib_git_commit(void);

#ifdef __cplusplus
}
#endif
#endif
