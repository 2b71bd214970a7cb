/* SPDX-License-Identifier: Apache-2.0 */
/* tu_texture.h: helpers for the texture-family tests (test_glcm.c,
 * test_glrlm.c): a qib_roi over a plain level array, the IBSI 1 digital
 * phantom, the reference CSV and the IBSI match rule. Header-only (static
 * functions), included by one test file each. */
#ifndef QIB_TU_TEXTURE_H
#define QIB_TU_TEXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/texture.h"
#include "test_util.h"

/* A region over levels (0 outside) on an nx x ny x nz grid. */
typedef struct tu_region {
    qib_roi roi;
    int32_t *levels;
    uint8_t *mask;
    qib_settings *s;
} tu_region;

static void tu_region_make(tu_region *r, const int32_t *levels, size_t nx, size_t ny, size_t nz,
                           int32_t ng) {
    memset(r, 0, sizeof *r);
    qib_error err;
    TU_OK(qib_settings_create(&r->s, &err), &err);
    qib_grid_init(&r->roi.grid, nx, ny, nz);
    size_t n = nx * ny * nz;
    r->levels = malloc(n * sizeof *r->levels);
    r->mask = malloc(n);
    assert_non_null(r->levels);
    assert_non_null(r->mask);
    size_t inside = 0;
    for (size_t i = 0; i < n; i++) {
        r->levels[i] = levels[i];
        r->mask[i] = levels[i] > 0;
        inside += r->mask[i];
    }
    r->roi.n = n;
    r->roi.levels = r->levels;
    r->roi.n_levels = ng;
    r->roi.morph_mask = r->roi.int_mask = r->mask;
    r->roi.n_morph = r->roi.n_int = inside;
    r->roi.settings = r->s;
}

static void tu_region_free(tu_region *r) {
    free(r->levels);
    free(r->mask);
    qib_settings_free(r->s);
}

/* Every feature of fam for aggregation agg: out[k] = feature k. */
static void tu_family_values(const qib_family_def *fam, const qib_roi *roi, size_t agg,
                             double *out) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(fam->prepare(roi, agg, &ctx, &err), &err);
    for (size_t k = 0; k < fam->n_features; k++) out[k] = fam->features[k].fn(ctx);
    fam->release(ctx);
}

/* The IBSI 1 digital phantom as levels (its intensities 1, 3, 4, 6 are the
 * levels; Ng = 6). false (after a skip message) when the data are absent. */
static bool tu_digital_phantom(tu_region *r) {
    char ip[1024], mp[1024];
    if (!tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", ip, sizeof ip)) return false;
    if (!tu_shared("ibsi/ibsi1_digital_phantom/mask/mask.nii.gz", mp, sizeof mp)) return false;
    qib_volume *img = NULL, *msk = NULL;
    qib_error err;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &msk, NULL, &err), &err);
    const qib_grid *g = qib_volume_grid(img);
    size_t n = qib_grid_voxels(g);
    assert_int_equal(n, 80);
    int32_t *lv = malloc(n * sizeof *lv);
    assert_non_null(lv);
    for (size_t i = 0; i < n; i++)
        lv[i] = qib_volume_value(msk, i) > 0.5 ? (int32_t)lround(qib_volume_value(img, i)) : 0;
    tu_region_make(r, lv, g->dim[0], g->dim[1], g->dim[2], 6);
    assert_int_equal(r->roi.n_int, 74);
    free(lv);
    qib_volume_free(img);
    qib_volume_free(msk);
    return true;
}

/* The IBSI match rule (shared/ibsi/README.md): the difference, truncated
 * toward zero at the reference's third significant digit (the units digit
 * for a reference of 0), must be at most the tolerance. */
static bool tu_ibsi_match(double ref, double tol, double val) {
    if (!isfinite(val)) return false;
    double unit = ref == 0 ? 1.0 : pow(10.0, floor(log10(fabs(ref))) - 2);
    double t = trunc((ref - val) / unit) * unit;
    return fabs(t) <= tol * (1 + 1e-12);
}

/* Splits one CSV line (fields may be "quoted") into at most nf fields, in
 * place. Returns the number of fields. */
static size_t tu_csv_split(char *line, char **f, size_t nf) {
    size_t n = 0;
    char *p = line;
    while (n < nf) {
        char *out = p;
        f[n++] = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (!*p) {
                    break;
                } else {
                    *out++ = *p++;
                }
            }
        } else {
            while (*p && *p != ',' && *p != '\n' && *p != '\r') *out++ = *p++;
        }
        char c = *p;
        *out = 0;
        if (c != ',') break;
        p++;
    }
    return n;
}

/* Checks every row of the digital phantom CSV whose feature_family is
 * `csv_family` against fam, for all six aggregations; prints a tally per
 * aggregation and returns the number of rows that did not match. */
static size_t tu_check_phantom(const qib_family_def *fam, const char *csv_family) {
    tu_region r;
    if (!tu_digital_phantom(&r)) return 0;
    qib_error err;
    TU_OK(qib_settings_set(r.s, "texture_aggregations", "all", &err), &err);
    double v[QIB_TEX_AGG_COUNT][QIB_TEX_MAX_FEATURES];
    for (size_t a = 0; a < QIB_TEX_AGG_COUNT; a++) tu_family_values(fam, &r.roi, a, v[a]);

    char path[1024];
    const char *rel = "ibsi/ibsi1_reference_values/ibsi1_reference_values_digital_phantom.csv";
    if (!tu_shared(rel, path, sizeof path)) {
        tu_region_free(&r);
        return 0;
    }
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    char *col[16];
    size_t total[QIB_TEX_AGG_COUNT] = {0}, ok[QIB_TEX_AGG_COUNT] = {0}, bad = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        size_t nf = tu_csv_split(line, col, 16);
        if (nf < 10 || strcmp(col[0], csv_family) || !col[4][0]) continue;
        /* columns: family, name, code, configuration, value, tolerance,
         * aggregation, aggregation_code, consensus, tag */
        size_t a = QIB_TEX_AGG_COUNT, k = fam->n_features;
        for (size_t i = 0; i < QIB_TEX_AGG_COUNT; i++)
            if (!strcmp(col[7], qib__tex_aggregations[i])) a = i;
        for (size_t i = 0; i < fam->n_features; i++)
            if (!strcmp(col[2], fam->features[i].info.ibsi_code)) k = i;
        if (a == QIB_TEX_AGG_COUNT || k == fam->n_features) {
            printf("  no feature for %s %s (%s)\n", col[2], col[7], col[9]);
            bad++;
            continue;
        }
        double ref = strtod(col[4], NULL), tol = strtod(col[5], NULL);
        total[a]++;
        if (tu_ibsi_match(ref, tol, v[a][k])) {
            ok[a]++;
        } else {
            printf("  MISMATCH %-28s %s %s: qib %.6g, IBSI %s\n", fam->features[k].info.name,
                   col[2], col[7], v[a][k], col[4]);
            bad++;
        }
    }
    fclose(f);
    size_t all = 0, all_ok = 0;
    for (size_t a = 0; a < QIB_TEX_AGG_COUNT; a++) {
        printf("%s %s: %zu/%zu match\n", fam->info.name, qib__tex_aggregations[a], ok[a],
               total[a]);
        all += total[a];
        all_ok += ok[a];
    }
    printf("%s digital phantom: %zu/%zu match\n", fam->info.name, all_ok, all);
    assert_true(all > 0);
    tu_region_free(&r);
    return bad;
}

#endif
