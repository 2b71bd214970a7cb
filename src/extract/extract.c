/* SPDX-License-Identifier: Apache-2.0 */
/* extract.c: image + label volume -> feature results.
 *
 * Data flow: check that image and mask share a grid; select the label; run
 * the IBSI processing chain (src/processing/: input rounding, interpolation
 * onto IBSI's grid, intensity rounding, mask threshold, re-segmentation,
 * discretisation) on the region's neighbourhood, keeping crop_padding voxels
 * of the processed grid around it; run every enabled family over the region
 * (for each of its aggregations) and collect the values in registry order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qib/imagetypes.h"

#include "../features/family.h"
#include "../features/local_intensity.h"
#include "../processing/processing.h"
#include "../pyradiomics/pr_binning.h"
#include "../pyradiomics/pr_diagnostics.h"

/* The definition set the settings choose ("ibsi" or "pyradiomics"). */
static const char *active_set(const qib_settings *s) {
    return qib_settings_string(s, "feature_definitions");
}

/* The next item of a comma-separated list, blanks around it removed: its
 * start (NULL at the end) and length; *p moves past it. */
static const char *list_next(const char **p, size_t *len) {
    const char *q = *p;
    while (*q == ' ' || *q == ',') q++;
    if (!*q) return NULL;
    const char *e = q;
    while (*e && *e != ',') e++;
    const char *t = e;
    while (t > q && t[-1] == ' ') t--;
    *p = e;
    *len = (size_t)(t - q);
    return q;
}

/* Is family `name` in the comma-separated list (or is the list "all")? */
static bool family_enabled(const char *list, const char *name) {
    if (!strcmp(list, "all")) return true;
    size_t n = strlen(name), len;
    for (const char *p = list, *item; (item = list_next(&p, &len));)
        if (len == n && !strncmp(item, name, n)) return true;
    return false;
}

/* Does family f belong to the active set, and is it enabled by the list
 * (by its name or its column prefix, so "glcm" picks PyRadiomics' glcm in
 * pyradiomics mode)? */
static bool family_selected(const qib_settings *s, const qib_family_info *f) {
    if (strcmp(qib_family_set(f), active_set(s))) return false;
    const char *list = qib_settings_string(s, "families");
    /* PyRadiomics computes shape2D only when a parameter file names it */
    if (!strcmp(qib_family_column(f), "shape2D") && !strcmp(list, "all")) return false;
    return family_enabled(list, f->name) || family_enabled(list, qib_family_column(f));
}

/* Is there a family called (or with column prefix) `name`? */
static bool family_exists(const char *name) {
    for (size_t f = 0; f < qib__family_total; f++) {
        const qib_family_info *i = &qib__families[f]->info;
        if (!strcmp(i->name, name) || !strcmp(qib_family_column(i), name)) return true;
    }
    return false;
}

/* Every name in the list must be a family. */
static qib_status check_families(const char *list, qib_error *err) {
    if (!strcmp(list, "all")) return QIB_OK;
    size_t len;
    for (const char *p = list, *item; (item = list_next(&p, &len));) {
        char name[64];
        if (len > sizeof name - 1) len = sizeof name - 1;
        memcpy(name, item, len);
        name[len] = 0;
        QIB_FAIL_IF(!family_exists(name), err, QIB_ERR_ARG, NULL, -1, "families",
                    "'%s' is not a feature family (see `qib features --families`)", name);
    }
    return QIB_OK;
}

/* Is feature `name` of family column `col` in the setting features ("all",
 * or "col_name" / "col_*" entries)? */
static bool feature_selected(const char *list, const char *col, const char *name) {
    if (!strcmp(list, "all")) return true;
    char one[160];
    snprintf(one, sizeof one, "%s_%s", col, name);
    if (family_enabled(list, one)) return true;
    snprintf(one, sizeof one, "%s_*", col);
    return family_enabled(list, one);
}

/* Every entry of the setting features names a feature of the active set. */
static qib_status check_features(const qib_settings *s, qib_error *err) {
    const char *list = qib_settings_string(s, "features");
    if (!strcmp(list, "all")) return QIB_OK;
    size_t len;
    for (const char *p = list, *item; (item = list_next(&p, &len));) {
        const char *e = item + len;
        bool found = false;
        for (size_t f = 0; f < qib__family_total && !found; f++) {
            const qib_family_def *fam = qib__families[f];
            if (strcmp(qib_family_set(&fam->info), active_set(s))) continue;
            const char *col = qib_family_column(&fam->info);
            size_t cl = strlen(col);
            if (len <= cl + 1 || strncmp(item, col, cl) || item[cl] != '_') continue;
            const char *feat = item + cl + 1;
            size_t fl = (size_t)(e - feat);
            if (fl == 1 && *feat == '*') found = true;
            for (size_t k = 0; k < fam->n_features && !found; k++)
                found = strlen(fam->features[k].info.name) == fl &&
                        !strncmp(fam->features[k].info.name, feat, fl);
        }
        QIB_FAIL_IF(!found, err, QIB_ERR_ARG, NULL, -1, "features",
                    "'%.*s' is not a feature of the %s definitions (see `qib features`)",
                    (int)len, item, active_set(s));
    }
    return QIB_OK;
}

static qib_status run_family(const qib_family_def *fam, const char *image_type,
                             const qib_roi *roi, qib_results *res, qib_error *err) {
    size_t n_agg = fam->n_aggregations ? fam->n_aggregations : 1;
    for (size_t a = 0; a < n_agg; a++) {
        const char *agg = fam->n_aggregations ? fam->aggregations[a] : "";
        if (!qib__aggregation_enabled(roi->settings, agg)) continue;
        void *ctx = NULL;
        QIB_FORWARD(fam->prepare(roi, a, &ctx, err));
        qib_status st = QIB_OK;
        for (size_t k = 0; k < fam->n_features && st == QIB_OK; k++) {
            const qib_feature_def *f = &fam->features[k];
            if (!feature_selected(qib_settings_string(roi->settings, "features"),
                                  qib_family_column(&fam->info), f->info.name))
                continue;
            st = qib_results_add(res, image_type, qib_family_column(&fam->info), f->info.name,
                                 f->info.ibsi_code, agg, f->fn(ctx), err);
        }
        fam->release(ctx);
        QIB_FORWARD(st);
    }
    return QIB_OK;
}

/* PyRadiomics' checkMask: the region must span minimum_roi_dimensions
 * axes and hold at least minimum_roi_size voxels (imageoperations.checkMask). */
static qib_status pyradiomics_roi_checks(const qib_settings *s, const qib_processed *p,
                                         qib_error *err) {
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    size_t nx = p->grid.dim[0], ny = p->grid.dim[1];
    for (size_t v = 0; v < p->n; v++) {
        if (!p->int_mask[v]) continue;
        size_t c[3] = {v % nx, (v / nx) % ny, v / (nx * ny)};
        for (int a = 0; a < 3; a++) {
            if (c[a] < lo[a]) lo[a] = c[a];
            if (c[a] > hi[a]) hi[a] = c[a];
        }
    }
    int spanned = 0;
    for (int a = 0; a < 3; a++) spanned += hi[a] > lo[a];
    int64_t want = qib_settings_int(s, "minimum_roi_dimensions");
    QIB_FAIL_IF(spanned < want, err, QIB_ERR_EMPTY_ROI, NULL, -1, "minimum_roi_dimensions",
                "the region spans %d dimension(s); at least %lld are required", spanned,
                (long long)want);
    int64_t size = qib_settings_int(s, "minimum_roi_size");
    QIB_FAIL_IF(size > 0 && p->n_int < (size_t)size, err, QIB_ERR_EMPTY_ROI, NULL, -1,
                "minimum_roi_size", "the region holds %zu voxels; at least %lld are required",
                p->n_int, (long long)size);
    return QIB_OK;
}

/* Runs the processing chain and every selected family on one image
 * (`image_type` "original" or a derived image's name) for `mask` on the
 * same grid. Derived images skip the families that describe the region's
 * shape or the input (PyRadiomics computes shape on the original only). */
static qib_status extract_image(const char *image_type, const qib_volume *image,
                                const qib_mask *mask, const qib_box *box, const qib_settings *s,
                                const qib_proc_options *opt, qib_results *res,
                                qib_error *err) {
    bool derived = strcmp(image_type, "original") != 0;
    qib_processed proc;
    memset(&proc, 0, sizeof proc);
    qib_roi roi;
    memset(&roi, 0, sizeof roi);
    if (box) roi.source_box = *box; /* the region's box, from qib__select_label */
    else qib_mask_bbox(mask, &roi.source_box); /* non-empty: selection checked */
    /* The local intensity peaks average a 1 cm^3 sphere that reaches past the
     * region: keep enough of the processed image around it. */
    size_t pad = (size_t)qib_settings_int(s, "crop_padding");
    if (family_selected(s, &qib__family_loc.info)) {
        double sp[3];
        const qib_grid *g = qib_volume_grid(image);
        for (int c = 0; c < 3; c++)
            sp[c] = (opt->resample && opt->spacing[c] > 0) ? opt->spacing[c] : g->spacing[c];
        size_t loc_pad = qib__loc_pad_voxels(sp);
        if (loc_pad > pad) pad = loc_pad;
    }
    qib_status st = qib__process(image, mask, &roi.source_box, opt, pad, &proc, err);
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
    if (!strcmp(active_set(s), "pyradiomics")) {
        st = pyradiomics_roi_checks(s, &proc, err);
        if (st) goto done;
        /* PyRadiomics' bin edges (from 0 for a bin width) replace IBSI's. */
        st = qib__pr_discretise(proc.image, proc.int_mask, proc.n, opt->discr == QIB_DISCR_FBN,
                                opt->discr == QIB_DISCR_FBN ? opt->bin_count : opt->bin_width,
                                proc.levels, &proc.n_levels, err);
        if (st) goto done;
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
    roi.slice_2d = opt->slice_2d;
    roi.reseg_lo = opt->reseg_lo;
    roi.reseg_hi = opt->reseg_hi;
    roi.processed_full_grid = proc.full_grid;
    roi.processed_box = proc.box;
    roi.settings = s;
    roi.source_image = image;
    roi.source_mask = mask;

    for (size_t f = 0; f < qib__family_total && st == QIB_OK; f++) {
        const qib_family_info *fi = &qib__families[f]->info;
        if (!family_selected(s, fi)) continue;
        if (derived && (!strcmp(qib_family_column(fi), "shape") ||
                        !strcmp(qib_family_column(fi), "shape2D") ||
                        !strcmp(fi->name, "morph") || !strcmp(fi->name, "diagnostics")))
            continue;
        st = run_family(qib__families[f], image_type, &roi, res, err);
    }
done:
    qib__processed_free(&proc);
    return st;
}

/* The mask on a derived image's grid: the same voxels when the grids are
 * equal, else the part under the derived image's box (derived images on the
 * region's box plus margin share spacing and direction with the input). */
static qib_status mask_on(const qib_mask *mask, const qib_grid *g, qib_mask **out,
                          bool *owned, qib_error *err) {
    const qib_grid *mg = qib_mask_grid(mask);
    *owned = false;
    if (!memcmp(mg->dim, g->dim, sizeof g->dim) && !memcmp(mg->origin, g->origin, sizeof g->origin)) {
        *out = (qib_mask *)mask;
        return QIB_OK;
    }
    double ijk[3];
    QIB_FORWARD(qib_grid_world_to_index(mg, g->origin, ijk));
    qib_box b;
    for (int a = 0; a < 3; a++) {
        double r = floor(ijk[a] + 0.5);
        QIB_FAIL_IF(fabs(ijk[a] - r) > 1e-3 || r < 0 || (size_t)r + g->dim[a] > mg->dim[a], err,
                    QIB_ERR_GRID_MISMATCH, NULL, -1, "image_types",
                    "a derived image's grid does not lie on the input grid (axis %d)", a);
        b.lo[a] = (size_t)r;
        b.size[a] = g->dim[a];
    }
    QIB_FORWARD(qib_mask_crop(mask, &b, out, err));
    *owned = true;
    return QIB_OK;
}

/* Settings for one image type: its bin width / count parameters (PyRadiomics
 * lets an imageType entry override binWidth and binCount) on a copy. */
static qib_status type_settings(const qib_settings *s, const qib_pr_image_type *t,
                                qib_settings **out, qib_error *err) {
    *out = NULL;
    bool any = false;
    for (size_t k = 0; k < t->n_params; k++)
        any |= !strcmp(t->keys[k], "binWidth") || !strcmp(t->keys[k], "binCount");
    if (!any) return QIB_OK;
    QIB_FORWARD(qib_settings_copy(s, out, err));
    qib_status st = QIB_OK;
    for (size_t k = 0; k < t->n_params && !st; k++) {
        if (!strcmp(t->keys[k], "binWidth")) {
            st = qib_settings_set(*out, "discretisation", "fbs", err);
            if (!st) st = qib_settings_set(*out, "bin_width", t->values[k], err);
        } else if (!strcmp(t->keys[k], "binCount")) {
            st = qib_settings_set(*out, "discretisation", "fbn", err);
            if (!st) st = qib_settings_set(*out, "bin_count", t->values[k], err);
        }
    }
    if (st) {
        qib_settings_free(*out);
        *out = NULL;
    }
    return st;
}

/* Features of one image type: "Original" directly, others through their
 * derived images (src/imagetypes/). */
static qib_status extract_type(const qib_pr_image_type *t, const qib_volume *image,
                               const qib_mask *mask, const qib_box *box, const qib_settings *s,
                               qib_results *res, qib_error *err) {
    qib_settings *ts = NULL;
    QIB_FORWARD(type_settings(s, t, &ts, err));
    const qib_settings *use = ts ? ts : s;
    qib_proc_options opt;
    qib_status st = qib__proc_options(use, &opt, err);
    if (!st && !strcmp(t->name, "Original")) {
        st = extract_image("original", image, mask, box, use, &opt, res, err);
    } else if (!st) {
        qib_kv kv[QIB_PR_MAX_TYPE_PARAMS];
        size_t n_kv = 0;
        for (size_t k = 0; k < t->n_params; k++) {
            if (!strcmp(t->keys[k], "binWidth") || !strcmp(t->keys[k], "binCount")) continue;
            kv[n_kv].key = t->keys[k];
            kv[n_kv].value = t->values[k];
            n_kv++;
        }
        qib_derived_image *d = NULL;
        size_t n_d = 0;
        st = qib_image_type_expand(image, mask, t->name, kv, n_kv, &d, &n_d, err);
        for (size_t i = 0; i < n_d && !st; i++) {
            qib_mask *m = NULL;
            bool owned = false;
            st = mask_on(mask, qib_volume_grid(d[i].image), &m, &owned, err);
            if (!st)
                st = extract_image(d[i].name, d[i].image, m, owned ? NULL : box, use, &opt, res,
                                   err);
            if (owned) qib_mask_free(m);
        }
        if (d) qib_derived_images_free(d, n_d);
    }
    qib_settings_free(ts);
    return st;
}

/* PyRadiomics' normalize (imageoperations.normalizeImage): SimpleITK's
 * Normalize over the whole image, (x - mean) / sigma with the sample
 * standard deviation (ITK StatisticsImageFilter), times normalize_scale. */
static qib_status normalized(const qib_volume *image, double scale, qib_volume **out,
                             qib_error *err) {
    size_t n = qib_volume_frame_voxels(image);
    QIB_FORWARD(qib_volume_create(qib_volume_grid(image), 1, QIB_DT_F64, out, err));
    double *v = qib_volume_data(*out);
    qib_volume_frame_to_f64(image, 0, v);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) sq += (v[i] - mean) * (v[i] - mean);
    double sd = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
    if (!(sd > 0)) {
        qib_volume_free(*out);
        *out = NULL;
        return qib__fail(err, QIB_ERR_NUMERIC, NULL, -1, "normalize",
                         "the image is constant; it cannot be normalised");
    }
    for (size_t i = 0; i < n; i++) v[i] = (v[i] - mean) / sd * scale;
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
    qib_pr_image_types types = {NULL, 0};
    qib_volume *norm = NULL;
    qib_box roi_box;
    qib_proc_options opt;

    st = check_families(qib_settings_string(s, "families"), err);
    if (st) goto done;
    st = check_features(s, err);
    if (st) goto done;
    st = qib__proc_options(s, &opt, err);
    if (st) goto done;
    st = qib__pr_image_types_parse(qib_settings_string(s, "image_types"), &types, err);
    if (st) goto done;
    st = qib_grid_check_same(qib_volume_grid(image), qib_volume_grid(labels),
                             qib_settings_real(s, "geometry_tolerance"),
                             qib_settings_real(s, "direction_tolerance"), err);
    if (st) goto done;
    st = qib__select_label(labels, qib_settings_int(s, "label"), &mask, &roi_box, err);
    if (st) goto done;
    st = qib_results_create(&res, err);
    if (st) goto done;
    if (!strcmp(active_set(s), "pyradiomics") && qib_settings_bool(s, "additional_info")) {
        st = qib__pr_diagnostics(image, labels, mask, s, res, err);
        if (st) goto done;
    }
    if (qib_settings_bool(s, "normalize")) {
        st = normalized(image, qib_settings_real(s, "normalize_scale"), &norm, err);
        if (st) goto done;
        image = norm;
    }
    for (size_t t = 0; t < types.n && st == QIB_OK; t++)
        st = extract_type(&types.items[t], image, mask, &roi_box, s, res, err);
    if (st) goto done;
    *out = res;
    res = NULL;
done:
    qib__pr_image_types_free(&types);
    qib_volume_free(norm);
    qib_results_free(res);
    qib_mask_free(mask);
    qib_settings_free(defaults);
    return st;
}
