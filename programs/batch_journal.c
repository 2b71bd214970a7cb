/* SPDX-License-Identifier: Apache-2.0 */
/* batch_journal.c: the resume journal of `qib batch` (OUT.done, OUT.cases). */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_journal.h"
#include "cli.h"

#define QIB_FORWARD_CLI(expr)                                                         \
    do {                                                                              \
        qib_status st_ = (expr);                                                      \
        if (st_ != QIB_OK) return st_;                                                \
    } while (0)

static char *path_with(const char *out, const char *suffix) {
    size_t n = strlen(out) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s", out, suffix);
    return p;
}

static bool is_hex64(const char *s, size_t n) {
    if (n != 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* Reads OUT.done into j->prev; *cache_end gets the committed cache size. */
static int read_done(journal *j, size_t n, uint64_t *cache_end) {
    *cache_end = 0;
    FILE *f = fopen(j->done_path, "rb");
    if (!f) return errno == ENOENT ? 0 : (fprintf(stderr, "qib batch: %s: cannot read: %s\n",
                                                  j->done_path, strerror(errno)), CLI_EXIT_INPUT);
    char line[256];
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') break; /* torn last line */
        char key[80], status[16];
        unsigned long long row, end;
        if (sscanf(line, "%79s %llu %15s %llu", key, &row, status, &end) != 4) continue;
        if (row >= n) continue; /* the manifest has fewer rows now */
        journal_prev *p = &j->prev[row];
        p->ok = !strcmp(status, "ok") && is_hex64(key, strlen(key));
        memset(p->key, 0, sizeof p->key);
        if (p->ok) memcpy(p->key, key, 64); /* checked: 64 hex digits */
        if (end > *cache_end) *cache_end = end;
    }
    fclose(f);
    return 0;
}

/* Parses the committed part of OUT.cases and finds each ok row's values:
 * the last group of consecutive lines with that row and key. */
static int read_cache(journal *j, size_t n, uint64_t cache_end) {
    if (cache_end == 0) return 0;
    qib_error err;
    qib_error_clear(&err);
    FILE *f = fopen(j->cache_path, "rb");
    if (!f) {
        fprintf(stderr, "qib batch: %s: cannot read: %s\n", j->cache_path, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    char *text = malloc(cache_end ? (size_t)cache_end : 1);
    size_t got = text ? fread(text, 1, (size_t)cache_end, f) : 0;
    fclose(f);
    if (!text || got != cache_end) {
        fprintf(stderr, "qib batch: %s: shorter than %s says; start afresh without --resume\n",
                j->cache_path, j->done_path);
        free(text);
        return CLI_EXIT_INPUT;
    }
    qib_status st = qib_manifest_parse(text, got, j->cache_path, QIB_MANIFEST_PLAIN, &j->table,
                                       &err);
    free(text);
    if (st) return cli_report(&err, st);
    long c_case = qib_manifest_column_index(j->table, "case");
    long c_key = qib_manifest_column_index(j->table, "key");
    if (c_case != 0 || c_key != 1 || qib_manifest_columns(j->table) != 9) {
        fprintf(stderr, "qib batch: %s: not a qib batch values file\n", j->cache_path);
        return CLI_EXIT_INPUT;
    }
    size_t rows = qib_manifest_rows(j->table);
    for (size_t r = 0; r < rows;) {
        const char *cs = qib_manifest_cell(j->table, r, 0), *key = qib_manifest_cell(j->table, r, 1);
        size_t e = r + 1;
        while (e < rows && !strcmp(qib_manifest_cell(j->table, e, 0), cs) &&
               !strcmp(qib_manifest_cell(j->table, e, 1), key))
            e++;
        char *end;
        unsigned long long row = strtoull(cs, &end, 10);
        if (*cs && !*end && row < n && j->prev[row].ok && !strcmp(j->prev[row].key, key)) {
            j->prev[row].first_row = r;
            j->prev[row].n_rows = e - r;
        }
        r = e; /* other lines (a repeated header, stale groups) are skipped */
    }
    return 0;
}

int journal_open(journal *j, const char *out, size_t n, bool resume, bool sync) {
    memset(j, 0, sizeof *j);
    j->sync = sync;
    j->done_path = path_with(out, ".done");
    j->cache_path = path_with(out, ".cases");
    if (!j->done_path || !j->cache_path) return CLI_EXIT_FAILURE;
    uint64_t cache_end = 0;
    if (resume) {
        j->prev = calloc(n ? n : 1, sizeof *j->prev);
        if (!j->prev) return CLI_EXIT_FAILURE;
        int rc = read_done(j, n, &cache_end);
        if (!rc) rc = read_cache(j, n, cache_end);
        if (rc) return rc;
        for (size_t i = 0; i < n; i++) j->n_prev_ok += j->prev[i].ok;
        /* cut off a torn write beyond the last committed case */
        if (cache_end && truncate(j->cache_path, (off_t)cache_end) != 0) {
            fprintf(stderr, "qib batch: %s: cannot truncate: %s\n", j->cache_path, strerror(errno));
            return CLI_EXIT_FAILURE;
        }
    }
    const char *mode = resume && cache_end ? "ab" : "wb";
    j->cache = fopen(j->cache_path, mode);
    j->done = fopen(j->done_path, resume ? "ab" : "wb");
    if (!j->cache || !j->done) {
        fprintf(stderr, "qib batch: %s: cannot write the resume journal: %s\n",
                j->cache ? j->done_path : j->cache_path, strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    static const char *const cols[] = {"case", "key"};
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_writer_create(j->cache, QIB_OUTPUT_LONG, cols, 2, &j->cache_w, &err);
    return st ? cli_report(&err, st) : 0;
}

qib_status journal_results(const journal *j, size_t row, qib_results **out, qib_error *err) {
    qib_results *r = NULL;
    QIB_FORWARD_CLI(qib_results_create(&r, err));
    const journal_prev *p = &j->prev[row];
    qib_status st = QIB_OK;
    for (size_t i = p->first_row; i < p->first_row + p->n_rows && !st; i++) {
        const char *c[9];
        for (size_t k = 0; k < 9; k++) c[k] = qib_manifest_cell(j->table, i, k);
        if (c[8][0] || !(c[2][0] || c[3][0])) continue; /* the row of an empty/failed case */
        char *end = NULL;
        double v = strtod(c[7], &end);
        if (end != c[7] && !*end) /* a number, as the long writer prints it */
            st = qib_results_add(r, c[2], c[3], c[4], c[5], c[6], v, err);
        else if (!c[7][0] || !strcmp(c[7], "nan"))
            st = qib_results_add(r, c[2], c[3], c[4], c[5], c[6], NAN, err);
        else /* a text value (PyRadiomics diagnostics) */
            st = qib_results_add_text(r, c[2], c[3], c[4], c[7], err);
    }
    if (st) {
        qib_results_free(r);
        return st;
    }
    *out = r;
    return QIB_OK;
}

static qib_status sync_file(FILE *f, bool sync, const char *path, qib_error *err) {
    if (fflush(f) != 0 || (sync && fsync(fileno(f)) != 0)) {
        qib_error_clear(err);
        err->status = QIB_ERR_IO;
        snprintf(err->file, sizeof err->file, "%s", path);
        snprintf(err->reason, sizeof err->reason, "cannot write: %s", strerror(errno));
        return QIB_ERR_IO;
    }
    return QIB_OK;
}

qib_status journal_add(journal *j, size_t row, const char *key, const qib_results *res,
                       qib_error *err) {
    if (res) {
        char idx[32];
        snprintf(idx, sizeof idx, "%zu", row);
        const char *vals[] = {idx, key};
        QIB_FORWARD_CLI(qib_writer_add(j->cache_w, vals, res, NULL, err));
        QIB_FORWARD_CLI(sync_file(j->cache, j->sync, j->cache_path, err));
    }
    long end = ftell(j->cache);
    fprintf(j->done, "%s %zu %s %ld\n", key && *key ? key : "-", row, res ? "ok" : "error",
            end < 0 ? 0 : end);
    return sync_file(j->done, j->sync, j->done_path, err);
}

void journal_close(journal *j) {
    qib_error err;
    if (j->cache_w) qib_writer_finish(j->cache_w, &err);
    qib_writer_free(j->cache_w);
    if (j->cache) fclose(j->cache);
    if (j->done) fclose(j->done);
    qib_manifest_free(j->table);
    free(j->prev);
    free(j->done_path);
    free(j->cache_path);
    memset(j, 0, sizeof *j);
}
