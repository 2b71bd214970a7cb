/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_batch.c: `qib batch MANIFEST.csv --out FILE`, many cases in parallel.
 *
 * Worker threads take cases in manifest order and compute them on their
 * own (hash the inputs, derive the case key, load, extract); the main
 * thread writes finished cases strictly in manifest order (a reorder
 * buffer) and records each in the resume journal (batch_journal.c). A
 * worker may start case i only while i < written + jobs, so at most `jobs`
 * cases are held in memory whatever the manifest's length, and the output
 * bytes do not depend on the number of threads. See docs/BATCH.md. */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch_journal.h"
#include "cli.h"

typedef struct batch_args {
    const char *manifest, *out, *format;
    long jobs;
    bool resume, sync;
} batch_args;

/* One manifest row: filled by a worker, written and emptied by the main
 * thread. */
typedef struct case_slot {
    bool done;            /* the worker has finished with it */
    bool kept;            /* already done in an earlier run: values from the journal */
    qib_results *res;     /* ok case */
    char *error;          /* failed case: the message (malloc'ed) */
    char key[65];         /* "" when the inputs could not be hashed */
    char *image, *mask;   /* resolved paths (malloc'ed) */
} case_slot;

typedef struct batch {
    const qib_manifest *m;
    const char *dir; /* the manifest's folder, "" for the current one */
    const qib_settings *settings;
    const journal *j;
    case_slot *slots;
    size_t n, window;
    size_t next_claim, next_write; /* under mu */
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
} batch;

/* ---- one case (worker side) ---- */

static char *dup_printf(const char *fmt, const char *a, const char *b) {
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, fmt, a, b);
    return s;
}

/* A manifest path resolved against the manifest's folder. */
static char *resolve(const char *dir, const char *path) {
    if (path[0] == '/' || !dir[0]) return dup_printf("%s%s", "", path);
    return dup_printf("%s/%s", dir, path);
}

static char *error_text(const qib_error *err) {
    char msg[2048];
    qib_error_format(err, msg, sizeof msg);
    return dup_printf("%s%s", "", msg);
}

/* Reads one volume of a case. This is the one place where the inputs are
 * loaded: a loader for DICOM series, RTSTRUCT and SEG masks takes the same
 * arguments (path, the image for a mask's reference grid) and slots in here. */
/* Loads a case's image and mask through the same code as `qib extract`:
 * image files or DICOM series folders; masks as label volumes, RTSTRUCT or
 * SEG (whose region comes back as label 1, so the case uses label 1). */
static qib_status load_case(const char *image_path, const char *mask_path, qib_settings *s,
                            qib_volume **image, qib_volume **labels, qib_error *err) {
    qib_load_options o;
    qib_load_options_default(&o);
    qib_dicom_reference *ref = NULL;
    qib_status st = qib_load_case_image(image_path, &o, image, &ref, NULL, err);
    if (st) {
        cli_set_file(err, image_path);
        return st;
    }
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    st = qib_load_case_mask(mask_path, qib_volume_grid(*image), ref, &o, labels, &src, NULL, err);
    qib_dicom_reference_free(ref);
    if (st) {
        cli_set_file(err, mask_path);
        return st;
    }
    if (src != QIB_MASK_SOURCE_LABELS) st = qib_settings_set(s, "label", "1", err);
    return st;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA-256 of an input: a file's bytes, or for a folder (a DICOM series) the
 * hash of the lines "NAME  SHA256" of its regular files in byte order. */
static qib_status hash_input(const char *path, char hex[65], qib_error *err) {
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) return qib_sha256_file(path, hex, err);
    DIR *d = opendir(path);
    if (!d) return qib_sha256_file(path, hex, err); /* reports the error */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    qib_status st = QIB_OK;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, cmp_names);
    size_t cap_text = 256, used = 0;
    char *text = malloc(cap_text);
    for (size_t i = 0; i < n && text && st == QIB_OK; i++) {
        char full[4096], h[65];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        st = qib_sha256_file(full, h, err);
        size_t need = strlen(names[i]) + 70;
        if (used + need > cap_text) {
            cap_text = 2 * (used + need);
            char *nt = realloc(text, cap_text);
            if (!nt) {
                free(text);
                text = NULL;
                break;
            }
            text = nt;
        }
        if (st == QIB_OK)
            used += (size_t)snprintf(text + used, cap_text - used, "%s  %s\n", names[i], h);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (!text && st == QIB_OK) {
        qib_error_clear(err);
        err->status = st = QIB_ERR_NOMEM;
        snprintf(err->reason, sizeof err->reason, "out of memory hashing a folder");
        cli_set_file(err, path);
    }
    if (st == QIB_OK) qib_sha256_buffer(text, used, hex);
    free(text);
    return st;
}

/* Hashes both inputs and the effective settings into the case key:
 * SHA-256 of "IMAGE_SHA256\nMASK_SHA256\nLABEL\nSETTINGS_SHA256\n". */
static qib_status case_key(const case_slot *c, const qib_settings *s, char key[65],
                           qib_error *err) {
    char ih[65], mh[65], sh[65], text[300];
    qib_status st = hash_input(c->image, ih, err);
    if (st) cli_set_file(err, c->image);
    if (!st && (st = hash_input(c->mask, mh, err))) cli_set_file(err, c->mask);
    if (!st) st = qib_settings_sha256(s, sh, err);
    if (st) return st;
    int n = snprintf(text, sizeof text, "%s\n%s\n%lld\n%s\n", ih, mh,
                     (long long)qib_settings_int(s, "label"), sh);
    qib_sha256_buffer(text, (size_t)n, key);
    return QIB_OK;
}

static void run_case(batch *b, size_t i) {
    case_slot *c = &b->slots[i];
    long ci = qib_manifest_image_column(b->m), cm = qib_manifest_mask_column(b->m);
    long cl = qib_manifest_label_column(b->m);
    const char *img = qib_manifest_cell(b->m, i, (size_t)ci);
    const char *msk = qib_manifest_cell(b->m, i, (size_t)cm);
    const char *lab = cl >= 0 ? qib_manifest_cell(b->m, i, (size_t)cl) : "";
    char line[32];
    snprintf(line, sizeof line, "%llu", (unsigned long long)qib_manifest_row_line(b->m, i));
    if (!*img || !*msk) {
        c->error = dup_printf("manifest line %s: no %s path", line, !*img ? "Image" : "Mask");
        return;
    }
    c->image = resolve(b->dir, img);
    c->mask = resolve(b->dir, msk);
    qib_settings *s = NULL;
    qib_volume *image = NULL, *labels = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = (!c->image || !c->mask) ? QIB_ERR_NOMEM : QIB_OK;
    if (!st) st = qib_settings_copy(b->settings, &s, &err);
    if (!st && *lab && (st = qib_settings_set(s, "label", lab, &err))) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        c->error = dup_printf("manifest line %s: Label: %s", line, msg);
        goto done;
    }
    if (!st) st = case_key(c, s, c->key, &err);
    if (!st && b->j->prev && b->j->prev[i].ok && !strcmp(b->j->prev[i].key, c->key)) {
        c->kept = true;
        goto done;
    }
    if (!st) st = load_case(c->image, c->mask, s, &image, &labels, &err);
    if (!st) {
        st = qib_extract(image, labels, s, &c->res, &err);
        if (st == QIB_ERR_GRID_MISMATCH || st == QIB_ERR_EMPTY_ROI) cli_set_file(&err, c->mask);
    }
    if (st) c->error = st == QIB_ERR_NOMEM && !err.reason[0] ? dup_printf("%s%s", "out of ", "memory")
                                                           : error_text(&err);
done:
    if (!c->res && !c->kept && !c->error) c->error = dup_printf("%s%s", "out of ", "memory");
    qib_volume_free(labels);
    qib_volume_free(image);
    qib_settings_free(s);
}

static void *worker(void *arg) {
    batch *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->next_claim < b->n && b->next_claim >= b->next_write + b->window)
            pthread_cond_wait(&b->work_cv, &b->mu);
        if (b->next_claim >= b->n) break;
        size_t i = b->next_claim++;
        pthread_mutex_unlock(&b->mu);
        run_case(b, i);
        pthread_mutex_lock(&b->mu);
        b->slots[i].done = true;
        pthread_cond_broadcast(&b->done_cv);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* ---- progress (stderr, only when it is a terminal) ---- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void progress(size_t done, size_t total, size_t failed, double t0, bool last) {
    double el = now_s() - t0, rate = el > 0 ? (double)done / el : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[32];
    for (int k = 0; k < width; k++) bar[k] = k < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %zu/%zu cases, %zu failed, %.2f cases/s, %d:%02d left ", bar, done,
            total, failed, rate, (int)left / 60, (int)left % 60);
    if (last) fputc('\n', stderr);
    fflush(stderr);
}

/* ---- options ---- */

static int parse_args(int argc, char **argv, batch_args *a, qib_settings *s) {
    qib_error err;
    qib_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        qib_status st = QIB_OK;
        if (cli_is_opt(arg, "--out")) {
            if (!(a->out = cli_opt_value(argc, argv, &i, "--out"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--format")) {
            if (!(a->format = cli_opt_value(argc, argv, &i, "--format"))) return CLI_EXIT_USAGE;
        } else if (cli_is_opt(arg, "--jobs")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--jobs"))) return CLI_EXIT_USAGE;
            char *end;
            a->jobs = strtol(v, &end, 10);
            if (*end || end == v || a->jobs < 1 || a->jobs > 1024)
                return cli_usage_error("batch", "--jobs needs a number from 1 to 1024, not '%s'", v);
        } else if (!strcmp(arg, "--resume")) {
            a->resume = true;
        } else if (!strcmp(arg, "--no-fsync")) {
            a->sync = false;
        } else if (cli_is_opt(arg, "--label")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--label"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "label", v, &err);
        } else if (cli_is_opt(arg, "--families")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--families"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "families", v, &err);
        } else if (cli_is_opt(arg, "--preset")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--preset"))) return CLI_EXIT_USAGE;
            st = qib_settings_set(s, "preset", v, &err);
        } else if (cli_is_opt(arg, "--params")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--params"))) return CLI_EXIT_USAGE;
            st = qib_settings_load_yaml(s, v, &err);
        } else if (cli_is_opt(arg, "--set")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--set"))) return CLI_EXIT_USAGE;
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) return cli_usage_error("batch", "--set needs NAME=VALUE, got '%s'", v);
            char name[128];
            size_t n = (size_t)(eq - v) < sizeof name - 1 ? (size_t)(eq - v) : sizeof name - 1;
            memcpy(name, v, n);
            name[n] = 0;
            st = qib_settings_set(s, name, eq + 1, &err);
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            char *help[] = {"help", "batch"};
            cmd_help(2, help);
            return -1;
        } else if (arg[0] == '-' && arg[1] == '-') {
            return cli_usage_error("batch", "unknown option '%s'", arg);
        } else if (!a->manifest) {
            a->manifest = arg;
        } else {
            return cli_usage_error("batch", "unexpected argument '%s'", arg);
        }
        if (st) {
            char msg[1024];
            qib_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "qib batch: setting %s\n", msg);
            return CLI_EXIT_USAGE;
        }
    }
    if (!a->manifest) return cli_usage_error("batch", "needs a MANIFEST.csv");
    if (!a->out) return cli_usage_error("batch", "needs --out FILE");
    return 0;
}

/* ---- the run ---- */

/* Records a written case in the provenance record: its inputs (hashed
 * again here, as the record hashes what it names) and its status. */
static void provenance_case(qib_provenance *p, size_t i, const case_slot *c) {
    qib_error err;
    char role[64], status[2100];
    snprintf(role, sizeof role, "case %zu image", i + 1);
    if (c->image) qib_provenance_add_input(p, role, c->image, &err);
    snprintf(role, sizeof role, "case %zu mask", i + 1);
    if (c->mask) qib_provenance_add_input(p, role, c->mask, &err);
    snprintf(role, sizeof role, "case %zu status", i + 1);
    snprintf(status, sizeof status, "%s%s", c->error ? "error: " : "ok", c->error ? c->error : "");
    qib_provenance_set(p, role, status, &err);
}

typedef struct run_totals {
    size_t failed, kept, run;
} run_totals;

/* The main thread's loop: waits for each case in manifest order and writes
 * it to the output, the journal and the provenance record. */
static qib_status write_cases(batch *b, journal *j, qib_writer *w, qib_provenance *p,
                              run_totals *t, qib_error *err) {
    bool tty = isatty(STDERR_FILENO);
    double t0 = now_s();
    size_t cols = qib_manifest_columns(b->m);
    const char **vals = calloc(cols ? cols : 1, sizeof *vals);
    if (!vals) return QIB_ERR_NOMEM;
    qib_status st = QIB_OK;
    for (size_t i = 0; i < b->n && !st; i++) {
        pthread_mutex_lock(&b->mu);
        while (!b->slots[i].done) pthread_cond_wait(&b->done_cv, &b->mu);
        pthread_mutex_unlock(&b->mu);
        case_slot *c = &b->slots[i];
        if (c->kept) st = journal_results(j, i, &c->res, err);
        for (size_t k = 0; k < cols; k++) vals[k] = qib_manifest_cell(b->m, i, k);
        if (!st) st = qib_writer_add(w, vals, c->res, c->res ? NULL : c->error, err);
        if (!st) st = journal_add(j, i, c->key, c->res, err);
        if (!st) provenance_case(p, i, c);
        t->failed += c->error != NULL;
        t->kept += c->kept;
        t->run += !c->kept;
        qib_results_free(c->res);
        free(c->error);
        free(c->image);
        free(c->mask);
        c->res = NULL;
        c->error = c->image = c->mask = NULL;
        pthread_mutex_lock(&b->mu);
        b->next_write = i + 1;
        pthread_cond_broadcast(&b->work_cv);
        pthread_mutex_unlock(&b->mu);
        if (tty) progress(i + 1, b->n, t->failed, t0, i + 1 == b->n);
    }
    if (st) { /* let the workers drain: they stop claiming past the window */
        pthread_mutex_lock(&b->mu);
        b->next_claim = b->n;
        pthread_cond_broadcast(&b->work_cv);
        pthread_mutex_unlock(&b->mu);
    }
    free(vals);
    return st;
}

static char *manifest_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return dup_printf("%s%s", "", "");
    if (slash == path) return dup_printf("%s%s", "", "/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

/* Runs the workers and the writer loop; returns an exit code. */
static int run_batch(batch *b, journal *j, qib_writer *w, qib_provenance *p, run_totals *t,
                     long jobs) {
    qib_error err;
    qib_error_clear(&err);
    size_t nt = (size_t)jobs < b->n ? (size_t)jobs : (b->n ? b->n : 1);
    pthread_t *th = calloc(nt, sizeof *th);
    if (!th) return CLI_EXIT_FAILURE;
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, worker, b) != 0) break;
    qib_status st = QIB_OK;
    if (started == 0) {
        fprintf(stderr, "qib batch: cannot start a worker thread\n");
        st = QIB_ERR_NOMEM;
    } else {
        st = write_cases(b, j, w, p, t, &err);
    }
    if (st && started) { /* unblock workers waiting for the window */
        pthread_mutex_lock(&b->mu);
        b->next_claim = b->n;
        pthread_cond_broadcast(&b->work_cv);
        pthread_mutex_unlock(&b->mu);
    }
    for (size_t k = 0; k < started; k++) pthread_join(th[k], NULL);
    free(th);
    if (st && started) cli_report(&err, st);
    return st ? CLI_EXIT_FAILURE : 0;
}

/* Writes OUT.provenance.json (the output is in place). */
static int write_provenance(qib_provenance *p, const char *out) {
    qib_error err;
    qib_error_clear(&err);
    char *json = NULL, path[4096];
    qib_status st = qib_provenance_add_output(p, "output", out, &err);
    if (!st) st = qib_provenance_to_json(p, &json, &err);
    if (st) return cli_report(&err, st);
    snprintf(path, sizeof path, "%s.provenance.json", out);
    FILE *f = fopen(path, "wb");
    int bad = !f;
    if (f) {
        bad |= fputs(json, f) < 0;
        bad |= fclose(f) != 0;
    }
    free(json);
    if (bad) fprintf(stderr, "qib: %s: cannot write the provenance record\n", path);
    return bad ? CLI_EXIT_FAILURE : 0;
}

int cmd_batch(int argc, char **argv) {
    batch_args a = {NULL, NULL, "csv", 0, false, true};
    qib_settings *s = NULL;
    qib_manifest *m = NULL;
    qib_provenance *p = NULL;
    qib_writer *w = NULL;
    journal j;
    memset(&j, 0, sizeof j);
    batch b;
    memset(&b, 0, sizeof b);
    FILE *f = NULL;
    char *dir = NULL, tmp_path[4096] = "";
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_settings_create(&s, &err);
    if (st) return cli_report(&err, st);
    int rc = parse_args(argc, argv, &a, s);
    if (rc) {
        qib_settings_free(s);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    qib_output_format fmt;
    if (qib_output_format_parse(a.format, &fmt, &err)) {
        qib_settings_free(s);
        return cli_usage_error("batch", "--format must be csv, long or json, not '%s'", a.format);
    }
    if (a.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        a.jobs = cores > 0 ? cores : 1;
    }
    st = qib_manifest_read(a.manifest, 0, &m, &err);
    if (st) {
        rc = cli_report(&err, st);
        goto done;
    }
    size_t n = qib_manifest_rows(m), cols = qib_manifest_columns(m);
    dir = manifest_dir(a.manifest);
    b.slots = calloc(n ? n : 1, sizeof *b.slots);
    if (!dir || !b.slots) {
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    if ((rc = journal_open(&j, a.out, n, a.resume, a.sync))) goto done;
    if (a.resume)
        fprintf(stderr, "qib batch: resume: %zu of %zu cases recorded done in %s\n",
                j.n_prev_ok, n, j.done_path);

    const char **names = calloc(cols ? cols : 1, sizeof *names);
    if (!names) {
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    for (size_t k = 0; k < cols; k++) names[k] = qib_manifest_column_name(m, k);
    snprintf(tmp_path, sizeof tmp_path, "%s.partial", a.out);
    f = fopen(tmp_path, "wb");
    if (!f) {
        free(names);
        fprintf(stderr, "qib: %s: cannot create the output file\n", tmp_path);
        rc = CLI_EXIT_INPUT;
        goto done;
    }
    st = qib_writer_create(f, fmt, names, cols, &w, &err);
    free(names);
    if (!st) st = qib_provenance_create(&p, &err);
    if (!st) st = qib_provenance_set_command(p, argc + 1, (const char *const *)(argv - 1), &err);
    if (!st) st = qib_provenance_set_settings(p, s, &err);
    if (!st) st = qib_provenance_add_input(p, "manifest", a.manifest, &err);
    if (st) {
        if (!err.file[0]) cli_set_file(&err, a.manifest);
        rc = cli_report(&err, st); /* e.g. a manifest column named "error": the input's fault */
        if (rc == CLI_EXIT_USAGE) rc = CLI_EXIT_INPUT;
        goto done;
    }

    b.m = m;
    b.dir = dir;
    b.settings = s;
    b.j = &j;
    b.n = n;
    b.window = (size_t)a.jobs;
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.work_cv, NULL);
    pthread_cond_init(&b.done_cv, NULL);
    run_totals t = {0, 0, 0};
    rc = run_batch(&b, &j, w, p, &t, a.jobs);
    pthread_cond_destroy(&b.done_cv);
    pthread_cond_destroy(&b.work_cv);
    pthread_mutex_destroy(&b.mu);
    if (rc) goto done;

    st = qib_writer_finish(w, &err);
    int bad = st != QIB_OK;
    bad |= fflush(f) != 0 || (a.sync && fsync(fileno(f)) != 0);
    bad |= fclose(f) != 0;
    f = NULL;
    if (bad || rename(tmp_path, a.out) != 0) {
        fprintf(stderr, "qib: %s: cannot write the output file\n", a.out);
        rc = CLI_EXIT_FAILURE;
        goto done;
    }
    tmp_path[0] = 0;
    char counts[64];
    snprintf(counts, sizeof counts, "%zu", n);
    qib_provenance_set(p, "cases", counts, &err);
    snprintf(counts, sizeof counts, "%zu", t.failed);
    qib_provenance_set(p, "cases failed", counts, &err);
    if ((rc = write_provenance(p, a.out))) goto done;
    if (a.resume) fprintf(stderr, "resumed: %zu done, %zu run\n", t.kept, t.run);
    fprintf(stderr, "qib batch: %zu cases, %zu ok, %zu failed; results in %s\n", n, n - t.failed,
            t.failed, a.out);
    rc = t.failed ? CLI_EXIT_INPUT : CLI_EXIT_OK;
done:
    if (f) fclose(f);
    if (tmp_path[0] && rc) { /* keep nothing half-written under the final name */
        remove(tmp_path);
    }
    for (size_t i = 0; b.slots && i < b.n; i++) { /* cases left unwritten after an error */
        qib_results_free(b.slots[i].res);
        free(b.slots[i].error);
        free(b.slots[i].image);
        free(b.slots[i].mask);
    }
    qib_writer_free(w);
    journal_close(&j);
    qib_provenance_free(p);
    free(b.slots);
    free(dir);
    qib_manifest_free(m);
    qib_settings_free(s);
    return rc;
}
