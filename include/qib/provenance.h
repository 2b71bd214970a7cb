/* SPDX-License-Identifier: Apache-2.0 */
/* qib/provenance.h: what produced a result, for ALCOA+ traceability.
 *
 * A provenance record holds the qib version and git commit, the command
 * line, the full effective settings and their SHA-256, the SHA-256 of every
 * input file, the outputs, UTC time, host and user. Two runs with the same
 * inputs and settings give records that differ only in the time fields
 * ("started_utc", "finished_utc") and, across machines, host and user. */
#ifndef QIB_PROVENANCE_H
#define QIB_PROVENANCE_H

#include "settings.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SHA-256 of a file's bytes (lowercase hex). */
QIB_API qib_status qib_sha256_file(const char *path, char hex[65], qib_error *err);
/* SHA-256 of a buffer. */
QIB_API void qib_sha256_buffer(const void *buf, size_t len, char hex[65]);

typedef struct qib_provenance qib_provenance;

/* A new record; records the start time, host and user now. */
QIB_API qib_status qib_provenance_create(qib_provenance **out, qib_error *err);
QIB_API void qib_provenance_free(qib_provenance *p);
QIB_API qib_status qib_provenance_set_command(qib_provenance *p, int argc,
                                              const char *const *argv, qib_error *err);
QIB_API qib_status qib_provenance_set_settings(qib_provenance *p, const qib_settings *s,
                                               qib_error *err);
/* Hashes an input file and records it under a role ("image", "mask", ...).
 * A directory is recorded with the hash of each regular file in it, in
 * sorted name order, plus one hash over those (name, hash) lines. */
QIB_API qib_status qib_provenance_add_input(qib_provenance *p, const char *role,
                                            const char *path, qib_error *err);
/* Hashes an output file that is complete and records it. */
QIB_API qib_status qib_provenance_add_output(qib_provenance *p, const char *role,
                                             const char *path, qib_error *err);
/* Records a free key/value (e.g. "status": "ok"). */
QIB_API qib_status qib_provenance_set(qib_provenance *p, const char *key, const char *value,
                                      qib_error *err);
/* The record as JSON text (malloc'ed; caller frees); stamps the finish time. */
QIB_API qib_status qib_provenance_to_json(qib_provenance *p, char **out, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
