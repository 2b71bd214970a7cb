/* SPDX-License-Identifier: Apache-2.0 */
/* cli_record.c: one provenance record for a command that writes several
 * files (`qib adc`: map, flags, report), written beside each of them, and
 * the number format of the metric tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_write_provenance_multi(int argc, char **argv, const cli_pairs *in, const cli_pairs *out,
                               const cli_pairs *extra) {
    qib_error err;
    qib_error_clear(&err);
    qib_provenance *p = NULL;
    char *json = NULL;
    qib_status st = qib_provenance_create(&p, &err);
    if (!st) st = qib_provenance_set_command(p, argc, (const char *const *)argv, &err);
    for (size_t i = 0; in && i < in->n && !st; i++)
        st = qib_provenance_add_input(p, in->key[i], in->value[i], &err);
    for (size_t i = 0; out && i < out->n && !st; i++)
        st = qib_provenance_add_output(p, out->key[i], out->value[i], &err);
    for (size_t i = 0; extra && i < extra->n && !st; i++)
        st = qib_provenance_set(p, extra->key[i], extra->value[i], &err);
    if (!st) st = qib_provenance_to_json(p, &json, &err);
    int rc = st ? cli_report(&err, st) : CLI_EXIT_OK;
    for (size_t i = 0; out && i < out->n && rc == CLI_EXIT_OK; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s.provenance.json", out->value[i]);
        FILE *f = fopen(path, "wb");
        int bad = !f;
        if (f) {
            bad |= fputs(json, f) < 0;
            bad |= fclose(f) != 0;
        }
        if (bad) {
            fprintf(stderr, "qib: %s: cannot write the provenance record\n", path);
            rc = CLI_EXIT_FAILURE;
        }
    }
    free(json);
    qib_provenance_free(p);
    return rc;
}

void cli_pairs_add(cli_pairs *p, const char *key, const char *value) {
    if (p->n < CLI_PAIRS_MAX) {
        p->key[p->n] = key;
        p->value[p->n++] = value;
    }
}

void cli_format_double(char *buf, size_t n, double v) {
    if (v != v) {
        snprintf(buf, n, "nan");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}
