/* SPDX-License-Identifier: Apache-2.0 */
/* cli_util.c: option parsing and provenance files for the subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_set_file(qib_error *err, const char *path) {
    if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", path);
}

int cli_is_opt(const char *arg, const char *name) {
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (arg[n] == '=') return arg + n + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "qib: option %s needs a value\n", name);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int cli_parse_triple(const char *text, double out[3]) {
    char *end;
    double v[3];
    int n = 0;
    const char *p = text;
    while (n < 3) {
        v[n] = strtod(p, &end);
        if (end == p) return 0;
        n++;
        if (*end == '\0') break;
        if (*end != ',') return 0;
        p = end + 1;
    }
    if (*end != '\0') return 0;
    if (n == 1) v[1] = v[2] = v[0];
    else if (n != 3) return 0;
    memcpy(out, v, sizeof v);
    return 1;
}

int cli_write_provenance(const char *out_path, const char *prov_path, int argc, char **argv,
                         const qib_settings *settings, const char *const *roles,
                         const char *const *inputs, size_t n) {
    qib_error err;
    qib_error_clear(&err);
    qib_provenance *p = NULL;
    char *json = NULL;
    qib_status st = qib_provenance_create(&p, &err);
    if (!st) st = qib_provenance_set_command(p, argc, (const char *const *)argv, &err);
    if (!st && settings) st = qib_provenance_set_settings(p, settings, &err);
    for (size_t i = 0; i < n && !st; i++) st = qib_provenance_add_input(p, roles[i], inputs[i], &err);
    if (!st && out_path) st = qib_provenance_add_output(p, "output", out_path, &err);
    if (!st) st = qib_provenance_to_json(p, &json, &err);
    char path[4096];
    if (prov_path)
        snprintf(path, sizeof path, "%s", prov_path);
    else
        snprintf(path, sizeof path, "%s.provenance.json", out_path);
    if (!st) {
        FILE *f = fopen(path, "wb");
        int bad = !f;
        if (f) {
            bad |= fputs(json, f) < 0;
            bad |= fclose(f) != 0;
        }
        if (bad) {
            fprintf(stderr, "qib: %s: cannot write the provenance record\n", path);
            free(json);
            qib_provenance_free(p);
            return CLI_EXIT_FAILURE;
        }
    }
    free(json);
    qib_provenance_free(p);
    return st ? cli_report(&err, st) : CLI_EXIT_OK;
}
