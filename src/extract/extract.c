/* SPDX-License-Identifier: Apache-2.0 */
/* extract.c: image + label volume -> feature results.
 *
 * Data flow: check that image and mask share a grid; select the label; run
 * the IBSI processing chain (src/processing/: input rounding, interpolation
 * onto IBSI's grid, intensity rounding, mask threshold, re-segmentation,
 * discretisation) on the region's neighbourhood, keeping crop_padding voxels
 * of the processed grid around it; run every enabled family over the region
 * (for each of its aggregations) and collect the values in registry order. */
#include <stdlib.h>
#include <string.h>

#include "../features/family.h"
#include "../features/local_intensity.h"
#include "../processing/processing.h"

/* Is family `name` in the comma-separated list (or is the list "all")? */
static bool family_enabled(const char *list, const char *name) {
    if (!strcmp(list, "all")) return true;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && t[-1] == ' ') t--;
        if ((size_t)(t - p) == n && !strncmp(p, name, n)) return true;
        p = e;
    }
    return false;
}

/* Every name in the list must be a family. */
static qib_status check_families(const char *list, qib_error *err) {
    if (!strcmp(list, "all")) return QIB_OK;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && t[-1] == ' ') t--;
        char name[64];
        size_t len = (size_t)(t - p) < sizeof name - 1 ? (size_t)(t - p) : sizeof name - 1;
        memcpy(name, p, len);
        name[len] = 0;
        QIB_FAIL_IF(!qib_family_find(name), err, QIB_ERR_ARG, NULL, -1, "families",
                    "'%s' is not a feature family (see `qib features --families`)", name);
        p = e;
    }
    return QIB_OK;
}

static qib_status run_family(const qib_family_def *fam, const qib_roi *roi, qib_results *res,
                             qib_error *err) {
    size_t n_agg = fam->n_aggregations ? fam->n_aggregations : 1;
    for (size_t a = 0; a < n_agg; a++) {
        const char *agg = fam->n_aggregations ? fam->aggregations[a] : "";
        if (!qib__aggregation_enabled(roi->settings, agg)) continue;
        void *ctx = NULL;
        QIB_FORWARD(fam->prepare(roi, a, &ctx, err));
        qib_status st = QIB_OK;
        for (size_t k = 0; k < fam->n_features && st == QIB_OK; k++) {
            const qib_feature_def *f = &fam->features[k];
            st = qib_results_add(res, "original", fam->info.name, f->info.name,
                                 f->info.ibsi_code, agg, f->fn(ctx), err);
        }
        fam->release(ctx);
        QIB_FORWARD(st);
    }
    return QIB_OK;
}

qib_status qib_extract(const qib_volume *image, const qib_volume *labels, const qib_settings *s,
                       qib_results **out, qib_error *err) {
    qib_settings *defaults = NULL;
    if (!s) {
        QIB_FORWARD(qib_settings_create(&defaults, err));
        s = defaults;
    }
    qib_status st;
    qib_mask *mask = NULL;
    qib_results *res = NULL;
    qib_processed proc;
    memset(&proc, 0, sizeof proc);
    qib_proc_options opt;

    st = check_families(qib_settings_string(s, "families"), err);
    if (st) goto done;
    st = qib__proc_options(s, &opt, err);
    if (st) goto done;
    st = qib_grid_check_same(qib_volume_grid(image), qib_volume_grid(labels),
                             qib_settings_real(s, "geometry_tolerance"),
                             qib_settings_real(s, "direction_tolerance"), err);
    if (st) goto done;
    st = qib_mask_from_labels(labels, qib_settings_int(s, "label"), &mask, err);
    if (st) goto done;

    qib_roi roi;
    memset(&roi, 0, sizeof roi);
    qib_mask_bbox(mask, &roi.source_box); /* non-empty: from_labels checked */
    /* The local intensity peaks average a 1 cm^3 sphere that reaches past the
     * region: keep enough of the processed image around it. */
    size_t pad = (size_t)qib_settings_int(s, "crop_padding");
    if (family_enabled(qib_settings_string(s, "families"), qib__family_loc.info.name)) {
        double sp[3];
        const qib_grid *g = qib_volume_grid(image);
        for (int c = 0; c < 3; c++)
            sp[c] = (opt.resample && opt.spacing[c] > 0) ? opt.spacing[c] : g->spacing[c];
        size_t loc_pad = qib__loc_pad_voxels(sp);
        if (loc_pad > pad) pad = loc_pad;
    }
    st = qib__process(image, mask, &roi.source_box, &opt, pad, &proc, err);
    if (st) goto done;
    if (proc.n_morph == 0) {
        st = qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "resample_spacing",
                       "no voxel of the region is left after interpolation");
        goto done;
    }
    if (proc.n_int == 0) {
        st = qib__fail(err, QIB_ERR_EMPTY_ROI, NULL, -1, "reseg_range",
                       "re-segmentation leaves no voxel of the region (%zu before it)",
                       proc.n_morph);
        goto done;
    }

    roi.grid = proc.grid;
    roi.n = proc.n;
    roi.image = proc.image;
    roi.morph_mask = proc.morph;
    roi.int_mask = proc.int_mask;
    roi.n_morph = proc.n_morph;
    roi.n_int = proc.n_int;
    roi.levels = proc.levels;
    roi.n_levels = proc.n_levels;
    roi.slice_2d = opt.slice_2d;
    roi.reseg_lo = opt.reseg_lo;
    roi.reseg_hi = opt.reseg_hi;
    roi.processed_full_grid = proc.full_grid;
    roi.processed_box = proc.box;
    roi.settings = s;
    roi.source_image = image;
    roi.source_mask = mask;

    st = qib_results_create(&res, err);
    if (st) goto done;
    const char *families = qib_settings_string(s, "families");
    for (size_t f = 0; f < qib__family_total && st == QIB_OK; f++)
        if (family_enabled(families, qib__families[f]->info.name))
            st = run_family(qib__families[f], &roi, res, err);
    if (st) goto done;
    *out = res;
    res = NULL;
done:
    qib_results_free(res);
    qib__processed_free(&proc);
    qib_mask_free(mask);
    qib_settings_free(defaults);
    return st;
}
