/* SPDX-License-Identifier: Apache-2.0 */
/* qib/provenance.h: what produced a result, for ALCOA+ traceability.
 *
 * A provenance record holds the qib version and git commit, the command
 * line, the full effective settings and their SHA-256, the SHA-256 of every
 * input file, the outputs, UTC time, host and user. Two runs with the same
 * inputs and settings give records that differ only in the time fields
 * ("started_utc", "finished_utc") and, across machines, host and user.
 *
 * Times are UTC, ISO 8601 to the second ("2024-05-01T12:00:00Z"). When the
 * environment variable SOURCE_DATE_EPOCH is set (the reproducible-builds.org
 * convention: decimal seconds since 1970-01-01 UTC), both times are taken
 * from it instead of the clock, so two records become byte-identical on one
 * machine; "time_source" then says "SOURCE_DATE_EPOCH" instead of "clock".
 * It is read once, by qib_provenance_create; a malformed value is
 * QIB_ERR_ARG. Use it for tests, never for real runs.
 *
 * qib_provenance_to_json writes, in this order and with 2-space indent:
 * schema ("qib-provenance/1"), qib_version, git_commit, started_utc,
 * finished_utc, time_source, host, user, command (array of argv strings,
 * verbatim; null if never set), settings_sha256, settings (the canonical
 * settings object of qib_settings_to_json, re-indented; both null if never
 * set), inputs, outputs (arrays, in the order added) and extra (the
 * qib_provenance_set pairs, in the order first set). Strings are written as
 * given, so argv and paths should be UTF-8 for the JSON to be valid. */
#ifndef QIB_PROVENANCE_H
#define QIB_PROVENANCE_H

#include "settings.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SHA-256 of a file's bytes (lowercase hex), read in 1 MiB blocks; errors
 * name the file. Refuses directories and special files (QIB_ERR_IO). */
QIB_API qib_status qib_sha256_file(const char *path, char hex[65], qib_error *err);
/* SHA-256 of a buffer (lowercase hex). buf may be NULL when len is 0. On
 * the only possible failure (OpenSSL out of memory) hex is set to "". */
QIB_API void qib_sha256_buffer(const void *buf, size_t len, char hex[65]);

typedef struct qib_provenance qib_provenance;

/* A new record; records the start time, host and user now. */
QIB_API qib_status qib_provenance_create(qib_provenance **out, qib_error *err);
QIB_API void qib_provenance_free(qib_provenance *p);
QIB_API qib_status qib_provenance_set_command(qib_provenance *p, int argc,
                                              const char *const *argv, qib_error *err);
QIB_API qib_status qib_provenance_set_settings(qib_provenance *p, const qib_settings *s,
                                               qib_error *err);
/* Hashes an input file and records it under a role ("image", "mask", ...)
 * as {"role", "path" (as given), "type": "file", "sha256", "bytes"}.
 * A directory (e.g. a DICOM series) is recorded as {"role", "path",
 * "type": "directory", "sha256", "bytes", "files", "skipped"}: "files" lists
 * {"name", "sha256", "bytes"} for each regular file directly in it
 * (symbolic links followed, names starting with '.' included), sorted by
 * strcmp (byte order); "sha256" is the hash of the lines
 * "NAME  SHA256\n" over those files in that order (the sha256sum layout);
 * "bytes" is their total. Only one level is read: subdirectories and other
 * entries are not hashed but listed by name in "skipped", so nothing is left
 * out silently. */
QIB_API qib_status qib_provenance_add_input(qib_provenance *p, const char *role,
                                            const char *path, qib_error *err);
/* Hashes an output file that is complete and records it (as for inputs). */
QIB_API qib_status qib_provenance_add_output(qib_provenance *p, const char *role,
                                             const char *path, qib_error *err);
/* Records a free key/value (e.g. "status": "ok") under "extra". Setting a
 * key again replaces its value in place; a NULL value is written as null. */
QIB_API qib_status qib_provenance_set(qib_provenance *p, const char *key, const char *value,
                                      qib_error *err);
/* The record as JSON text (malloc'ed; caller frees; ends in a newline);
 * stamps the finish time. May be called more than once. */
QIB_API qib_status qib_provenance_to_json(qib_provenance *p, char **out, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
