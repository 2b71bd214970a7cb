/* SPDX-License-Identifier: Apache-2.0 */
/* extract.c: image + label volume -> feature results.
 *
 * Data flow: check that image and mask share a grid; select the label;
 * crop both to the region's bounding box (plus crop_padding); convert the
 * cropped intensities to double; run every enabled family over the region
 * (for each of its aggregations) and collect the values in registry order. */
#include <stdlib.h>
#include <string.h>

#include "../features/family.h"

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
        void *ctx = NULL;
        QIB_FORWARD(fam->prepare(roi, a, &ctx, err));
        const char *agg = fam->n_aggregations ? fam->aggregations[a] : "";
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
    qib_mask *mask = NULL, *crop_mask = NULL;
    qib_volume *crop_img = NULL;
    qib_results *res = NULL;
    double *values = NULL;

    st = check_families(qib_settings_string(s, "families"), err);
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
    qib_box box = roi.source_box;
    size_t pad = (size_t)qib_settings_int(s, "crop_padding");
    size_t pads[3] = {pad, pad, pad};
    qib_box_pad(&box, pads, qib_volume_grid(image));
    st = qib_volume_crop(image, &box, &crop_img, err);
    if (st) goto done;
    st = qib_mask_crop(mask, &box, &crop_mask, err);
    if (st) goto done;

    roi.grid = *qib_volume_grid(crop_img);
    roi.n = qib_volume_frame_voxels(crop_img);
    values = malloc(roi.n * sizeof *values);
    if (!values) {
        st = qib__nomem(err, NULL, "region intensities");
        goto done;
    }
    qib_volume_frame_to_f64(crop_img, 0, values);
    roi.image = values;
    roi.morph_mask = roi.int_mask = qib_mask_cdata(crop_mask);
    roi.n_morph = roi.n_int = qib_mask_count(crop_mask);
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
    free(values);
    qib_mask_free(crop_mask);
    qib_volume_free(crop_img);
    qib_mask_free(mask);
    qib_settings_free(defaults);
    return st;
}
