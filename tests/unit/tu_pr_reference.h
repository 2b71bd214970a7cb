/* SPDX-License-Identifier: Apache-2.0 */
/* tu_pr_reference.h: PyRadiomics 3.1's reference outputs
 * (../shared/pyradiomics-reference, CSV files of two columns feature,value) and
 * the IBSI digital phantom as a qib_roi, for the unit tests of the
 * PyRadiomics classes (header-only; include in one test file). */
#ifndef QIB_TU_PR_REFERENCE_H
#define QIB_TU_PR_REFERENCE_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/family.h"
#include "test_util.h"

typedef struct tu_prref {
    char name[128]; /* original_shape_MeshVolume */
    double value;
} tu_prref;

/* Loads a reference CSV (rel under ../shared); NULL after a SKIP message
 * when absent. Rows whose value is not a number (diagnostics) are kept
 * with NaN. */
static inline tu_prref *tu_prref_load(const char *rel, size_t *count) {
    char path[1024], line[4096];
    if (!tu_shared(rel, path, sizeof path)) return NULL;
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = 0, cap = 256;
    tu_prref *rows = malloc(cap * sizeof *rows);
    assert_non_null(rows);
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        char *comma = strchr(line, ',');
        if (!comma) continue;
        *comma = 0;
        if (n == cap) {
            cap *= 2;
            rows = realloc(rows, cap * sizeof *rows);
            assert_non_null(rows);
        }
        size_t len = strlen(line);
        if (len >= sizeof rows[n].name) len = sizeof rows[n].name - 1; /* no name is this long */
        memcpy(rows[n].name, line, len);
        rows[n].name[len] = 0;
        char *end;
        rows[n].value = strtod(comma + 1, &end);
        if (end == comma + 1) rows[n].value = NAN;
        n++;
    }
    fclose(fp);
    *count = n;
    return rows;
}

/* The IBSI 1 digital phantom (5 x 4 x 4, spacing 2 mm) as PyRadiomics
 * sees it: the region is label 1, and the grey levels are PyRadiomics'
 * fixed-bin-width bins counted from 0 (imageoperations.getBinEdges:
 * edges at multiples of w from floor(min / w) w; numpy.digitize gives
 * level floor((x - edge_0) / w) + 1). */
typedef struct tu_pr_case {
    qib_volume *img, *lab;
    qib_mask *mask;
    double *image;
    int32_t *levels;
    qib_roi roi;
} tu_pr_case;

static inline bool tu_pr_phantom(tu_pr_case *c, double bin_width, const qib_settings *s) {
    char ip[1024], mp[1024];
    memset(c, 0, sizeof *c);
    if (!tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", ip, sizeof ip) ||
        !tu_shared("ibsi/ibsi1_digital_phantom/mask/mask.nii.gz", mp, sizeof mp))
        return false;
    qib_error err;
    TU_OK(qib_image_read(ip, NULL, &c->img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &c->lab, NULL, &err), &err);
    TU_OK(qib_mask_from_labels(c->lab, 1, &c->mask, &err), &err);
    const qib_grid *g = qib_volume_grid(c->img);
    size_t n = qib_grid_voxels(g);
    c->image = malloc(n * sizeof *c->image);
    c->levels = calloc(n, sizeof *c->levels);
    assert_non_null(c->image);
    assert_non_null(c->levels);
    qib_volume_frame_to_f64(c->img, 0, c->image);
    const uint8_t *m = qib_mask_cdata(c->mask);
    double mn = HUGE_VAL;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i]) mn = fmin(mn, c->image[i]), count++;
    double lo = floor(mn / bin_width) * bin_width;
    int32_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i]) {
            c->levels[i] = (int32_t)floor((c->image[i] - lo) / bin_width) + 1;
            if (c->levels[i] > top) top = c->levels[i];
        }
    c->roi.grid = *g;
    c->roi.n = n;
    c->roi.image = c->image;
    c->roi.morph_mask = c->roi.int_mask = m;
    c->roi.n_morph = c->roi.n_int = count;
    c->roi.settings = s;
    c->roi.levels = c->levels;
    c->roi.n_levels = top;
    return true;
}

static inline void tu_pr_case_free(tu_pr_case *c) {
    qib_volume_free(c->img);
    qib_volume_free(c->lab);
    qib_mask_free(c->mask);
    free(c->image);
    free(c->levels);
}

/* Every feature of fam on roi against "original_" + its PyRadiomics name
 * in rows: present, and within a relative difference rel; and every
 * reference feature of the class is one of fam's. Prints each. */
static inline void tu_pr_check_family(const qib_family_def *fam, const qib_roi *roi,
                                      const tu_prref *rows, size_t n, double rel) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(fam->prepare(roi, 0, &ctx, &err), &err);
    for (size_t f = 0; f < fam->n_features; f++) {
        char col[160];
        snprintf(col, sizeof col, "original_%s", fam->features[f].info.pyradiomics);
        const tu_prref *r = NULL;
        for (size_t i = 0; i < n && !r; i++)
            if (!strcmp(rows[i].name, col)) r = &rows[i];
        if (!r) fail_msg("%s is not in the reference", col);
        double v = fam->features[f].fn(ctx), d = fabs(v - r->value);
        printf("  %-48s %24.17g %24.17g %.1e\n", col, r->value, v,
               r->value != 0 ? d / fabs(r->value) : d);
        if (!(d <= rel * fabs(r->value)))
            fail_msg("%s = %.17g, PyRadiomics %.17g", col, v, r->value);
    }
    fam->release(ctx);
    /* and the reference has no feature of this class that fam lacks */
    char prefix[64];
    size_t in_ref = 0;
    snprintf(prefix, sizeof prefix, "original_%s_", qib_family_column(&fam->info));
    for (size_t i = 0; i < n; i++) in_ref += !strncmp(rows[i].name, prefix, strlen(prefix));
    assert_int_equal(in_ref, fam->n_features);
}

#endif
