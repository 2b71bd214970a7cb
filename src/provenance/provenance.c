/* SPDX-License-Identifier: Apache-2.0 */
/* provenance.c: the provenance record (what produced a result), as JSON.
 *
 * The record is built piece by piece and rendered with a fixed key order,
 * fixed indentation and fixed number formats, so two runs over the same
 * inputs with the same settings and command give the same bytes apart from
 * the "started_utc" / "finished_utc" lines (and host/user across machines).
 * Inputs and outputs are rendered to text when they are added: hashing is
 * done once, at the moment the caller says the file is the one used. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "provenance_internal.h"

#define SCHEMA "qib-provenance/1"
#define NAME_MAX_TEXT 256

typedef struct kv {
    char *key;
    char *value; /* NULL -> JSON null */
} kv;

struct qib_provenance {
    bool use_epoch;      /* times come from SOURCE_DATE_EPOCH */
    time_t epoch;        /* its value */
    char started[32];    /* "YYYY-MM-DDThh:mm:ssZ" */
    char host[NAME_MAX_TEXT];
    char user[NAME_MAX_TEXT];

    bool has_command;
    size_t argc;
    char **argv;

    char *settings_json; /* canonical text, NULL until set */
    char settings_sha[65];

    qib_buf inputs, outputs; /* rendered entries, joined by ",\n" */
    size_t n_inputs, n_outputs;

    kv *extra;
    size_t n_extra, cap_extra;
};

/* ---- helpers: time, host, user ---- */

/* Reads SOURCE_DATE_EPOCH (reproducible-builds.org): a decimal count of
 * seconds since 1970-01-01 UTC. Malformed values are an error, as the
 * convention asks, rather than silently replaced by the clock. */
static qib_status read_epoch(bool *use, time_t *epoch, qib_error *err) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    *use = false;
    if (!s) return QIB_OK;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    QIB_FAIL_IF(*s < '0' || *s > '9' || *end || errno != 0 || (long long)(time_t)v != v, err,
                QIB_ERR_ARG, NULL, -1, "SOURCE_DATE_EPOCH",
                "environment variable SOURCE_DATE_EPOCH is \"%.64s\"; a non-negative "
                "decimal count of seconds since 1970-01-01 UTC is required", s);
    *use = true;
    *epoch = (time_t)v;
    return QIB_OK;
}

static qib_status format_utc(const qib_provenance *p, char out[32], qib_error *err) {
    time_t t = p->use_epoch ? p->epoch : time(NULL);
    struct tm tm;
    QIB_FAIL_IF(t == (time_t)-1 || !gmtime_r(&t, &tm), err, QIB_ERR_IO, NULL, -1, "time",
                "cannot read the system clock as UTC");
    QIB_FAIL_IF(strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0, err, QIB_ERR_NUMERIC, NULL,
                -1, "time", "the time does not fit the ISO 8601 form");
    return QIB_OK;
}

static void copy_text(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void read_host(char host[NAME_MAX_TEXT]) {
    char buf[NAME_MAX_TEXT + 1];
    if (gethostname(buf, sizeof buf - 1) != 0) {
        copy_text(host, NAME_MAX_TEXT, "unknown");
        return;
    }
    buf[sizeof buf - 1] = 0; /* POSIX leaves truncated names unterminated */
    copy_text(host, NAME_MAX_TEXT, buf[0] ? buf : "unknown");
}

/* The effective user's login name (getpwuid_r: no shared static buffer),
 * else $USER, else "uid N". */
static void read_user(char user[NAME_MAX_TEXT]) {
    uid_t uid = geteuid();
    long cap = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t n = cap > 0 && cap < 1 << 20 ? (size_t)cap : 16384;
    char *buf = malloc(n);
    struct passwd pw, *res = NULL;
    if (buf && getpwuid_r(uid, &pw, buf, n, &res) == 0 && res && res->pw_name &&
        res->pw_name[0]) {
        copy_text(user, NAME_MAX_TEXT, res->pw_name);
        free(buf);
        return;
    }
    free(buf);
    const char *env = getenv("USER");
    if (env && *env) {
        copy_text(user, NAME_MAX_TEXT, env);
        return;
    }
    snprintf(user, NAME_MAX_TEXT, "uid %lu", (unsigned long)uid);
}

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- helpers: hashing a file or a directory into a rendered entry ---- */

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* Names in a directory except "." and "..", sorted by strcmp (byte order). */
static qib_status list_dir(const char *path, char ***out, size_t *count, qib_error *err) {
    DIR *d = opendir(path);
    if (!d) {
        int e = errno;
        return qib__fail(err, e == ENOENT ? QIB_ERR_NOT_FOUND : QIB_ERR_IO, path, -1, NULL,
                         "cannot list the directory: %s", strerror(e));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    qib_status st = QIB_OK;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno != 0)
                st = qib__fail(err, QIB_ERR_IO, path, -1, NULL,
                               "cannot list the directory: %s", strerror(errno));
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                st = qib__nomem(err, path, "the directory listing");
                break;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = dup_text(de->d_name))) {
            st = qib__nomem(err, path, "the directory listing");
            break;
        }
        n++;
    }
    closedir(d);
    if (st != QIB_OK) {
        free_names(names, n);
        return st;
    }
    if (n) qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *count = n;
    return QIB_OK;
}

static char *join_path(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] == '/';
    char *s = malloc(a + b + 2);
    if (!s) return NULL;
    memcpy(s, dir, a);
    if (!slash) s[a++] = '/';
    memcpy(s + a, name, b + 1);
    return s;
}

/* Renders a directory: each regular file (symbolic links followed) in byte
 * order of name, with its hash; the combined hash over "NAME  HASH\n" lines
 * (the sha256sum layout); and the names of entries that were not hashed
 * (subdirectories, sockets, ...), so that nothing is left out silently. */
static qib_status render_dir(qib_buf *b, const char *path, qib_error *err) {
    char **names = NULL;
    size_t n = 0;
    QIB_FORWARD(list_dir(path, &names, &n, err));

    qib_status st = QIB_OK;
    qib_buf files, skipped, lines;
    qib__buf_init(&files);
    qib__buf_init(&skipped);
    qib__buf_init(&lines);
    size_t n_files = 0, n_skipped = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n && st == QIB_OK; i++) {
        char *full = join_path(path, names[i]);
        if (!full) {
            st = qib__nomem(err, path, "a file name");
            break;
        }
        struct stat sb;
        if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            /* a dangling link, a subdirectory or a special file */
            qib__buf_puts(&skipped, n_skipped++ ? ", " : "");
            qib__buf_json_string(&skipped, names[i]);
            free(full);
            continue;
        }
        char hex[65];
        uint64_t bytes = 0;
        st = qib__sha256_file_n(full, hex, &bytes, err);
        free(full);
        if (st != QIB_OK) break;
        total += bytes;
        qib__buf_puts(&files, n_files++ ? ",\n        {\"name\": " : "\n        {\"name\": ");
        qib__buf_json_string(&files, names[i]);
        qib__buf_printf(&files, ", \"sha256\": \"%s\", \"bytes\": %" PRIu64 "}", hex, bytes);
        qib__buf_printf(&lines, "%s  %s\n", names[i], hex);
    }
    free_names(names, n);
    if (st == QIB_OK) {
        char combined[65];
        qib_sha256_buffer(lines.data ? lines.data : "", lines.len, combined);
        qib__buf_printf(b,
                        "      \"type\": \"directory\",\n"
                        "      \"sha256\": \"%s\",\n"
                        "      \"bytes\": %" PRIu64 ",\n"
                        "      \"files\": [",
                        combined, total);
        if (files.len) qib__buf_append(b, files.data, files.len);
        qib__buf_puts(b, n_files ? "\n      ],\n      \"skipped\": [" : "],\n      \"skipped\": [");
        if (skipped.len) qib__buf_append(b, skipped.data, skipped.len);
        qib__buf_puts(b, "]\n");
        if (files.failed || skipped.failed || lines.failed)
            st = qib__nomem(err, path, "the directory record");
    }
    qib__buf_free(&files);
    qib__buf_free(&skipped);
    qib__buf_free(&lines);
    return st;
}

/* Appends one input/output entry (4-space indented object) to list. */
static qib_status add_entry(qib_buf *list, size_t *count, const char *role, const char *path,
                            qib_error *err) {
    QIB_FAIL_IF(!role || !*role, err, QIB_ERR_ARG, path, -1, "role", "no role given");
    QIB_FAIL_IF(!path || !*path, err, QIB_ERR_ARG, NULL, -1, "path", "no path given");
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int e = errno;
        return qib__fail(err, (e == ENOENT || e == ENOTDIR) ? QIB_ERR_NOT_FOUND : QIB_ERR_IO,
                         path, -1, NULL, "cannot stat: %s", strerror(e));
    }
    QIB_FAIL_IF(!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode), err, QIB_ERR_IO, path, -1, NULL,
                "is neither a regular file nor a directory");

    qib_buf b;
    qib__buf_init(&b);
    qib__buf_puts(&b, "    {\n      \"role\": ");
    qib__buf_json_string(&b, role);
    qib__buf_puts(&b, ",\n      \"path\": ");
    qib__buf_json_string(&b, path);
    qib__buf_puts(&b, ",\n");
    qib_status st;
    if (S_ISDIR(sb.st_mode)) {
        st = render_dir(&b, path, err);
    } else {
        char hex[65];
        uint64_t bytes = 0;
        st = qib__sha256_file_n(path, hex, &bytes, err);
        if (st == QIB_OK)
            qib__buf_printf(&b,
                            "      \"type\": \"file\",\n"
                            "      \"sha256\": \"%s\",\n"
                            "      \"bytes\": %" PRIu64 "\n",
                            hex, bytes);
    }
    qib__buf_puts(&b, "    }");
    if (st == QIB_OK && b.failed) st = qib__nomem(err, path, "the provenance entry");
    if (st == QIB_OK) {
        size_t before = list->len;
        if (*count) qib__buf_puts(list, ",\n");
        qib__buf_append(list, b.data, b.len);
        if (list->failed) {
            /* roll back so the record stays well formed */
            list->failed = false;
            list->len = before;
            if (list->data) list->data[before] = 0;
            st = qib__nomem(err, path, "the provenance entry");
        } else {
            (*count)++;
        }
    }
    qib__buf_free(&b);
    return st;
}

/* ---- public entry points ---- */

qib_status qib_provenance_create(qib_provenance **out, qib_error *err) {
    QIB_FAIL_IF(!out, err, QIB_ERR_ARG, NULL, -1, "out", "no output pointer given");
    qib_provenance *p = calloc(1, sizeof *p);
    if (!p) return qib__nomem(err, NULL, "the provenance record");
    qib__buf_init(&p->inputs);
    qib__buf_init(&p->outputs);
    qib_status st = read_epoch(&p->use_epoch, &p->epoch, err);
    if (st == QIB_OK) st = format_utc(p, p->started, err);
    if (st != QIB_OK) {
        qib_provenance_free(p);
        return st;
    }
    read_host(p->host);
    read_user(p->user);
    *out = p;
    return QIB_OK;
}

void qib_provenance_free(qib_provenance *p) {
    if (!p) return;
    for (size_t i = 0; i < p->argc; i++) free(p->argv[i]);
    free(p->argv);
    free(p->settings_json);
    qib__buf_free(&p->inputs);
    qib__buf_free(&p->outputs);
    for (size_t i = 0; i < p->n_extra; i++) {
        free(p->extra[i].key);
        free(p->extra[i].value);
    }
    free(p->extra);
    free(p);
}

qib_status qib_provenance_set_command(qib_provenance *p, int argc, const char *const *argv,
                                      qib_error *err) {
    QIB_FAIL_IF(!p, err, QIB_ERR_ARG, NULL, -1, "provenance", "no record given");
    QIB_FAIL_IF(argc < 0 || (argc > 0 && !argv), err, QIB_ERR_ARG, NULL, -1, "argv",
                "argc is %d but no argument vector was given", argc);
    for (int i = 0; i < argc; i++)
        QIB_FAIL_IF(!argv[i], err, QIB_ERR_ARG, NULL, -1, "argv", "argument %d is NULL", i);
    char **copy = argc ? calloc((size_t)argc, sizeof *copy) : NULL;
    if (argc && !copy) return qib__nomem(err, NULL, "the command line");
    for (int i = 0; i < argc; i++) {
        if (!(copy[i] = dup_text(argv[i]))) {
            for (int j = 0; j < i; j++) free(copy[j]);
            free(copy);
            return qib__nomem(err, NULL, "the command line");
        }
    }
    for (size_t i = 0; i < p->argc; i++) free(p->argv[i]);
    free(p->argv);
    p->argv = copy;
    p->argc = (size_t)argc;
    p->has_command = true;
    return QIB_OK;
}

qib_status qib_provenance_set_settings(qib_provenance *p, const qib_settings *s,
                                       qib_error *err) {
    QIB_FAIL_IF(!p || !s, err, QIB_ERR_ARG, NULL, -1, "settings", "no record or settings given");
    char *text = NULL, hex[65];
    QIB_FORWARD(qib_settings_to_json(s, &text, err));
    qib_status st = qib_settings_sha256(s, hex, err);
    if (st != QIB_OK) {
        free(text);
        return st;
    }
    /* The text is embedded as it is (re-indented only), so it must be one
     * JSON object; the hash is of the canonical text, not of the record. */
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\r' ||
                 text[n - 1] == '\t'))
        n--;
    if (n < 2 || text[0] != '{' || text[n - 1] != '}') {
        free(text);
        return qib__fail(err, QIB_ERR_FORMAT, NULL, -1, "settings",
                         "the canonical settings text is not one JSON object");
    }
    text[n] = 0;
    free(p->settings_json);
    p->settings_json = text;
    memcpy(p->settings_sha, hex, sizeof hex);
    return QIB_OK;
}

qib_status qib_provenance_add_input(qib_provenance *p, const char *role, const char *path,
                                    qib_error *err) {
    QIB_FAIL_IF(!p, err, QIB_ERR_ARG, path, -1, "provenance", "no record given");
    return add_entry(&p->inputs, &p->n_inputs, role, path, err);
}

qib_status qib_provenance_add_output(qib_provenance *p, const char *role, const char *path,
                                     qib_error *err) {
    QIB_FAIL_IF(!p, err, QIB_ERR_ARG, path, -1, "provenance", "no record given");
    return add_entry(&p->outputs, &p->n_outputs, role, path, err);
}

qib_status qib_provenance_set(qib_provenance *p, const char *key, const char *value,
                              qib_error *err) {
    QIB_FAIL_IF(!p, err, QIB_ERR_ARG, NULL, -1, "provenance", "no record given");
    QIB_FAIL_IF(!key || !*key, err, QIB_ERR_ARG, NULL, -1, "key", "no key given");
    char *v = NULL;
    if (value && !(v = dup_text(value))) return qib__nomem(err, NULL, "a provenance value");
    for (size_t i = 0; i < p->n_extra; i++) {
        if (!strcmp(p->extra[i].key, key)) { /* replace, keeping the position */
            free(p->extra[i].value);
            p->extra[i].value = v;
            return QIB_OK;
        }
    }
    if (p->n_extra == p->cap_extra) {
        size_t nc = p->cap_extra ? p->cap_extra * 2 : 8;
        kv *ne = realloc(p->extra, nc * sizeof *ne);
        if (!ne) {
            free(v);
            return qib__nomem(err, NULL, "a provenance value");
        }
        p->extra = ne;
        p->cap_extra = nc;
    }
    char *k = dup_text(key);
    if (!k) {
        free(v);
        return qib__nomem(err, NULL, "a provenance key");
    }
    p->extra[p->n_extra].key = k;
    p->extra[p->n_extra].value = v;
    p->n_extra++;
    return QIB_OK;
}

/* Appends text with every line after the first indented by two more
 * spaces. Safe for JSON: strings cannot hold a raw newline. */
static void append_indented(qib_buf *b, const char *text) {
    for (const char *s = text; *s; s++) {
        qib__buf_append(b, s, 1);
        if (*s == '\n') qib__buf_puts(b, "  ");
    }
}

static void append_list(qib_buf *b, const char *key, const qib_buf *list, size_t n) {
    qib__buf_printf(b, "  \"%s\": [", key);
    if (n) {
        qib__buf_puts(b, "\n");
        qib__buf_append(b, list->data, list->len);
        qib__buf_puts(b, "\n  ");
    }
    qib__buf_puts(b, "],\n");
}

qib_status qib_provenance_to_json(qib_provenance *p, char **out, qib_error *err) {
    QIB_FAIL_IF(!p || !out, err, QIB_ERR_ARG, NULL, -1, "provenance", "no record given");
    char finished[32];
    QIB_FORWARD(format_utc(p, finished, err));

    qib_buf b;
    qib__buf_init(&b);
    qib__buf_puts(&b, "{\n  \"schema\": \"" SCHEMA "\",\n  \"qib_version\": ");
    qib__buf_json_string(&b, qib_version_string());
    qib__buf_puts(&b, ",\n  \"git_commit\": ");
    qib__buf_json_string(&b, qib_git_commit());
    qib__buf_printf(&b, ",\n  \"started_utc\": \"%s\",\n  \"finished_utc\": \"%s\",\n",
                    p->started, finished);
    qib__buf_printf(&b, "  \"time_source\": \"%s\",\n  \"host\": ",
                    p->use_epoch ? "SOURCE_DATE_EPOCH" : "clock");
    qib__buf_json_string(&b, p->host);
    qib__buf_puts(&b, ",\n  \"user\": ");
    qib__buf_json_string(&b, p->user);

    qib__buf_puts(&b, ",\n  \"command\": ");
    if (!p->has_command) {
        qib__buf_puts(&b, "null");
    } else if (p->argc == 0) {
        qib__buf_puts(&b, "[]");
    } else {
        qib__buf_puts(&b, "[");
        for (size_t i = 0; i < p->argc; i++) {
            qib__buf_puts(&b, i ? ",\n    " : "\n    ");
            qib__buf_json_string(&b, p->argv[i]);
        }
        qib__buf_puts(&b, "\n  ]");
    }

    if (p->settings_json) {
        qib__buf_printf(&b, ",\n  \"settings_sha256\": \"%s\",\n  \"settings\": ",
                        p->settings_sha);
        append_indented(&b, p->settings_json);
        qib__buf_puts(&b, ",\n");
    } else {
        qib__buf_puts(&b, ",\n  \"settings_sha256\": null,\n  \"settings\": null,\n");
    }

    append_list(&b, "inputs", &p->inputs, p->n_inputs);
    append_list(&b, "outputs", &p->outputs, p->n_outputs);

    qib__buf_puts(&b, "  \"extra\": {");
    for (size_t i = 0; i < p->n_extra; i++) {
        qib__buf_puts(&b, i ? ",\n    " : "\n    ");
        qib__buf_json_string(&b, p->extra[i].key);
        qib__buf_puts(&b, ": ");
        if (p->extra[i].value)
            qib__buf_json_string(&b, p->extra[i].value);
        else
            qib__buf_puts(&b, "null");
    }
    qib__buf_puts(&b, p->n_extra ? "\n  }\n}\n" : "}\n}\n");

    char *text = qib__buf_take(&b);
    if (!text) return qib__nomem(err, NULL, "the provenance record");
    *out = text;
    return QIB_OK;
}
