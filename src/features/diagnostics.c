/* SPDX-License-Identifier: Apache-2.0 */
/* diagnostics.c: facts about the input image and region, before processing.
 *
 * These follow the IBSI 1 diagnostic features ("initial image" and "initial
 * ROI", IBSI 1 manual, Reference data sets, and the IBSI compliance table):
 * they let a user check that the right image, label and grid were used. */
#include <math.h>
#include <stdlib.h>

#include "family.h"

typedef struct diag_ctx {
    size_t dim[3];
    double spacing[3];
    size_t voxels;
    double voxel_volume;
    qib_box box;
    double min, max, mean;
} diag_ctx;

/* Neumaier's compensated sum, so the mean does not depend on how large the
 * region is (and stays the same for the same voxels in the same order). */
typedef struct {
    double sum, c;
} ksum;
static inline void ksum_add(ksum *k, double x) {
    double t = k->sum + x;
    if (fabs(k->sum) >= fabs(x))
        k->c += (k->sum - t) + x;
    else
        k->c += (x - t) + k->sum;
    k->sum = t;
}

static qib_status diag_prepare(const qib_roi *roi, size_t aggregation, void **out,
                               qib_error *err) {
    diag_ctx *c = calloc(1, sizeof *c);
    if (!c) return qib__nomem(err, NULL, "diagnostics");
    const qib_grid *g = qib_volume_grid(roi->source_image);
    for (int a = 0; a < 3; a++) {
        c->dim[a] = g->dim[a];
        c->spacing[a] = g->spacing[a];
    }
    c->voxel_volume = g->spacing[0] * g->spacing[1] * g->spacing[2];
    c->box = roi->source_box;
    /* walk the bounding box only */
    const uint8_t *m = qib_mask_cdata(roi->source_mask);
    ksum s = {0, 0};
    double mn = HUGE_VAL, mx = -HUGE_VAL;
    size_t count = 0;
    for (size_t k = c->box.lo[2]; k < c->box.lo[2] + c->box.size[2]; k++)
        for (size_t j = c->box.lo[1]; j < c->box.lo[1] + c->box.size[1]; j++) {
            size_t row = (k * g->dim[1] + j) * g->dim[0];
            for (size_t i = c->box.lo[0]; i < c->box.lo[0] + c->box.size[0]; i++) {
                if (!m[row + i]) continue;
                double x = qib_volume_value(roi->source_image, row + i);
                ksum_add(&s, x);
                if (x < mn) mn = x;
                if (x > mx) mx = x;
                count++;
            }
        }
    c->voxels = count;
    c->min = count ? mn : NAN;
    c->max = count ? mx : NAN;
    c->mean = count ? (s.sum + s.c) / (double)count : NAN;
    *out = c;
    return QIB_OK;
}

static void diag_release(void *ctx) { free(ctx); }

#define CTX(p) ((const diag_ctx *)(p))

/* Image size along i, j, k (voxels). */
static double image_size_x(const void *c) { return (double)CTX(c)->dim[0]; }
static double image_size_y(const void *c) { return (double)CTX(c)->dim[1]; }
static double image_size_z(const void *c) { return (double)CTX(c)->dim[2]; }
/* Voxel spacing along i, j, k (mm). */
static double image_spacing_x(const void *c) { return CTX(c)->spacing[0]; }
static double image_spacing_y(const void *c) { return CTX(c)->spacing[1]; }
static double image_spacing_z(const void *c) { return CTX(c)->spacing[2]; }
/* Number of voxels in the region (IBSI diagnostic "initial ROI voxel count"). */
static double roi_voxel_count(const void *c) { return (double)CTX(c)->voxels; }
/* Voxel-counting volume: voxel count x voxel volume (mm^3). Same value as IBSI
 * morph_vol_approx (YEKZ) of the unprocessed region. */
static double roi_volume(const void *c) { return (double)CTX(c)->voxels * CTX(c)->voxel_volume; }
/* Bounding box of the region, first and last voxel index per axis (0-based). */
static double roi_bbox_x_min(const void *c) { return (double)CTX(c)->box.lo[0]; }
static double roi_bbox_x_max(const void *c) {
    return (double)(CTX(c)->box.lo[0] + CTX(c)->box.size[0] - 1);
}
static double roi_bbox_y_min(const void *c) { return (double)CTX(c)->box.lo[1]; }
static double roi_bbox_y_max(const void *c) {
    return (double)(CTX(c)->box.lo[1] + CTX(c)->box.size[1] - 1);
}
static double roi_bbox_z_min(const void *c) { return (double)CTX(c)->box.lo[2]; }
static double roi_bbox_z_max(const void *c) {
    return (double)(CTX(c)->box.lo[2] + CTX(c)->box.size[2] - 1);
}
/* Minimum, mean and maximum intensity in the region, as loaded (after the
 * file's own scaling, before any processing). */
static double roi_intensity_min(const void *c) { return CTX(c)->min; }
static double roi_intensity_mean(const void *c) { return CTX(c)->mean; }
static double roi_intensity_max(const void *c) { return CTX(c)->max; }

#define DIAG(name, pyrad, unit, text) \
    {{"diagnostics", #name, "", pyrad, unit, QIB_FEATURE_DIAGNOSTIC, text}, name}

static const qib_feature_def diag_features[] = {
    DIAG(image_size_x, "", "", "Image size along the first index axis (voxels)."),
    DIAG(image_size_y, "", "", "Image size along the second index axis (voxels)."),
    DIAG(image_size_z, "", "", "Image size along the third index axis (voxels)."),
    DIAG(image_spacing_x, "", "mm", "Voxel spacing along the first index axis."),
    DIAG(image_spacing_y, "", "mm", "Voxel spacing along the second index axis."),
    DIAG(image_spacing_z, "", "mm", "Voxel spacing along the third index axis."),
    DIAG(roi_voxel_count, "diagnostics_Mask-original_VoxelNum", "",
         "Voxels in the region as loaded."),
    DIAG(roi_volume, "", "mm^3", "Voxel count times voxel volume."),
    DIAG(roi_bbox_x_min, "", "", "First voxel index of the region along the first axis."),
    DIAG(roi_bbox_x_max, "", "", "Last voxel index of the region along the first axis."),
    DIAG(roi_bbox_y_min, "", "", "First voxel index of the region along the second axis."),
    DIAG(roi_bbox_y_max, "", "", "Last voxel index of the region along the second axis."),
    DIAG(roi_bbox_z_min, "", "", "First voxel index of the region along the third axis."),
    DIAG(roi_bbox_z_max, "", "", "Last voxel index of the region along the third axis."),
    DIAG(roi_intensity_min, "", "", "Lowest intensity in the region, as loaded."),
    DIAG(roi_intensity_mean, "", "", "Mean intensity in the region, as loaded."),
    DIAG(roi_intensity_max, "", "", "Highest intensity in the region, as loaded."),
};

const qib_family_def qib__family_diagnostics = {
    {"diagnostics", "Diagnostics", "", "The input image and region before processing.", NULL, NULL},
    diag_features,
    sizeof diag_features / sizeof diag_features[0],
    NULL,
    0,
    diag_prepare,
    diag_release,
};
