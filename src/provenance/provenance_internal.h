/* SPDX-License-Identifier: Apache-2.0 */
/* provenance_internal.h: what sha256.c shares with provenance.c (not installed). */
#ifndef QIB_PROVENANCE_INTERNAL_H
#define QIB_PROVENANCE_INTERNAL_H

#include "../common/qib_internal.h"

/* Block size for streamed hashing: files are never held whole in memory. */
#define QIB_SHA256_BLOCK ((size_t)1 << 20)

/* Like qib_sha256_file, and also reports how many bytes were hashed (the
 * count actually read, so it always agrees with the hash even if the file
 * changed size since it was listed). bytes may be NULL. */
qib_status qib__sha256_file_n(const char *path, char hex[65], uint64_t *bytes, qib_error *err);

/* Lowercase hex of a 32-byte digest; hex gets 64 digits and a NUL. */
void qib__sha256_hex(const unsigned char digest[32], char hex[65]);

#endif
