/* SPDX-License-Identifier: Apache-2.0 */
/* filter_spec_fuzz.c: the filter spec parser (qib_filter_spec_parse).
 * Property: any input either parses or fails with a located error (a
 * status, a field and a reason); a parsed spec prints to a canonical text
 * that parses again to the same text; its support on a small grid is
 * computed or refused with a reason; and when the filter's reach is small
 * it runs on a 5 x 4 x 3 image and gives finite values, with the box
 * variant equal to the whole response inside a box. No crash, leak, hang
 * or undefined behaviour. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the spec on a small image when its work stays small. */
static void try_apply(const qib_filter_spec *s) {
    qib_grid g;
    qib_grid_init(&g, 5, 4, 3);
    size_t margin[3];
    int global = 0;
    qib_error err;
    if (qib_filter_support(s, &g, margin, &global, &err) != QIB_OK) {
        if (err.status == QIB_OK) abort();
        return;
    }
    if (margin[0] > 12 || margin[1] > 12 || margin[2] > 12) return;
    const char *name = qib_filter_spec_filter(s)->name;
    if (!strcmp(name, "gabor") && qib__spec_num(s, "theta_step") > 0 &&
        qib__spec_num(s, "theta_step") < 2)
        return; /* up to 1800 orientations: slow, not interesting */
    qib_volume *v = NULL, *whole = NULL, *part = NULL;
    if (qib_volume_create(&g, 1, QIB_DT_F64, &v, &err) != QIB_OK) return;
    double *x = qib_volume_data(v);
    for (size_t i = 0; i < 60; i++) x[i] = (double)((i * 37) % 11) - 3.0;
    if (qib_filter_apply(v, s, NULL, &whole, &err) == QIB_OK) {
        const double *w = qib_volume_cdata(whole);
        for (size_t i = 0; i < 60; i++)
            if (!isfinite(w[i])) abort();
        qib_box box = {{1, 1, 1}, {3, 2, 1}};
        if (qib_filter_apply(v, s, &box, &part, &err) != QIB_OK) abort();
        const double *p = qib_volume_cdata(part);
        for (size_t z = 0; z < 1; z++)
            for (size_t y = 0; y < 2; y++)
                for (size_t k = 0; k < 3; k++) {
                    double a = p[k + 3 * (y + 2 * z)], b = w[(1 + k) + 5 * ((1 + y) + 4 * (1 + z))];
                    if (!(fabs(a - b) <= 1e-9 * (1 + fabs(b)))) abort();
                }
    } else if (err.status == QIB_OK) {
        abort();
    }
    qib_volume_free(part);
    qib_volume_free(whole);
    qib_volume_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 2048) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    qib_filter_spec *s = NULL;
    qib_error err;
    qib_error_clear(&err);
    if (qib_filter_spec_parse(text, &s, &err) == QIB_OK) {
        char a[2048], b[2048];
        size_t need = qib_filter_spec_format(s, a, sizeof a);
        if (need >= sizeof a) abort();
        qib_filter_spec *t = NULL;
        if (qib_filter_spec_parse(a, &t, &err) != QIB_OK) abort();
        qib_filter_spec_format(t, b, sizeof b);
        if (strcmp(a, b)) abort();
        try_apply(t);
        qib_filter_spec_free(t);
        qib_filter_spec_free(s);
    } else if (err.status == QIB_OK || err.reason[0] == '\0' || err.field[0] == '\0') {
        abort(); /* a failure must say where and why */
    }
    free(text);
    return 0;
}
