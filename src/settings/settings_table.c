/* SPDX-License-Identifier: Apache-2.0 */
/* settings_table.c: every setting qib knows, described once.
 *
 * `qib settings` lists this table, docs/SETTINGS.md is generated from it,
 * and provenance hashes the values in this order. Names use snake_case and
 * never change once released; new settings are appended within their group. */
#include <math.h>

#include "settings_table.h"

#define INT_RANGE(lo, hi) (double)(lo), (double)(hi)
#define ANY_REAL -HUGE_VAL, HUGE_VAL

const qib_setting_info qib__settings_table[] = {
    /* ---- mask ---- */
    {"label", "mask", QIB_SETTING_INT, "1", INT_RANGE(0, 2147483647), NULL,
     "Mask label that defines the region; 0 takes every non-zero voxel."},
    {"geometry_tolerance", "mask", QIB_SETTING_REAL, "1e-6", 0.0, 1.0, NULL,
     "Allowed image/mask origin and spacing difference, as a fraction of the image's "
     "first spacing (ITK's coordinate tolerance)."},
    {"direction_tolerance", "mask", QIB_SETTING_REAL, "1e-6", 0.0, 1.0, NULL,
     "Allowed difference of image and mask direction cosines (ITK's direction tolerance)."},
    {"crop_padding", "mask", QIB_SETTING_INT, "0", INT_RANGE(0, 1000), NULL,
     "Voxels kept around the region's bounding box when the image is cropped."},
    /* ---- processing (IBSI 1 image processing chain, src/processing/) ---- */
    {"preset", "processing", QIB_SETTING_CHOICE, "none", 0, 0,
     "none|ibsi-phantom|ibsi-a|ibsi-b|ibsi-c|ibsi-d|ibsi-e",
     "Sets every processing and discretisation setting to an IBSI 1 configuration "
     "(settings given after it override it); none restores the defaults."},
    {"input_rounding", "processing", QIB_SETTING_BOOL, "false", 0, 0, NULL,
     "Round intensities to the nearest integer as loaded (IBSI asks this of NIfTI data)."},
    {"dimensionality", "processing", QIB_SETTING_CHOICE, "3d", 0, 0, "3d|2d",
     "3d, or 2d: interpolate within slices only and build texture matrices per slice."},
    {"resample_spacing", "processing", QIB_SETTING_STRING, "none", 0, 0, NULL,
     "New voxel spacing 'x,y,z' in mm (a 0 keeps that axis), or 'none' for no interpolation."},
    {"interpolation", "processing", QIB_SETTING_CHOICE, "linear", 0, 0, "nearest|linear|cubic",
     "Image interpolation: nearest neighbour, (tri)linear or cubic B-spline."},
    {"intensity_rounding", "processing", QIB_SETTING_BOOL, "false", 0, 0, NULL,
     "Round interpolated intensities to the nearest integer."},
    {"mask_interpolation", "processing", QIB_SETTING_CHOICE, "linear", 0, 0, "nearest|linear",
     "Mask interpolation: nearest neighbour or (tri)linear, followed by mask_threshold."},
    {"mask_threshold", "processing", QIB_SETTING_REAL, "0.5", 1e-6, 1.0, NULL,
     "Partial-volume threshold: an interpolated mask voxel is inside when its value is >= this."},
    {"reseg_range", "processing", QIB_SETTING_STRING, "none", 0, 0, NULL,
     "Re-segmentation range 'lo,hi' (either side may be inf), or 'none'."},
    {"reseg_outliers", "processing", QIB_SETTING_BOOL, "false", 0, 0, NULL,
     "Re-segmentation by outliers: drop voxels outside mean +- 3 SD of the region."},
    /* ---- discretisation ---- */
    {"discretisation", "discretisation", QIB_SETTING_CHOICE, "fbs", 0, 0, "none|fbn|fbs",
     "Discretisation for texture and intensity histogram: none, fixed bin number or size."},
    {"bin_count", "discretisation", QIB_SETTING_INT, "32", INT_RANGE(1, 16777216), NULL,
     "Number of bins for fixed bin number discretisation."},
    {"bin_width", "discretisation", QIB_SETTING_REAL, "25", 1e-9, 1e12, NULL,
     "Bin width for fixed bin size discretisation, in intensity units."},
    {"ivh_discretisation", "discretisation", QIB_SETTING_CHOICE, "none", 0, 0, "none|fbn|fbs",
     "Discretisation for the intensity-volume histogram: none (unit steps), fbn or fbs."},
    {"ivh_bin_count", "discretisation", QIB_SETTING_INT, "1000", INT_RANGE(1, 16777216), NULL,
     "Number of bins for the intensity-volume histogram (ivh_discretisation fbn)."},
    {"ivh_bin_width", "discretisation", QIB_SETTING_REAL, "2.5", 1e-9, 1e12, NULL,
     "Bin width for the intensity-volume histogram (ivh_discretisation fbs)."},
    /* ---- texture (src/features/texture.c) ---- */
    {"texture_aggregations", "texture", QIB_SETTING_CHOICE, "auto", 0, 0, "auto|all|2d|3d",
     "IBSI texture aggregations to compute: auto (3D ones when dimensionality is 3d, "
     "2D and 2.5D ones when 2d), all, 2d (2D and 2.5D) or 3d."},
    {"glcm_distance", "texture", QIB_SETTING_INT, "1", INT_RANGE(1, 1000), NULL,
     "GLCM neighbour distance delta (Chebyshev distance, in voxels)."},
    {"ngtdm_distance", "texture", QIB_SETTING_INT, "1", INT_RANGE(1, 1000), NULL,
     "NGTDM neighbourhood distance delta (Chebyshev distance, in voxels)."},
    {"ngldm_distance", "texture", QIB_SETTING_INT, "1", INT_RANGE(1, 1000), NULL,
     "NGLDM neighbourhood distance delta (Chebyshev distance, in voxels)."},
    {"ngldm_alpha", "texture", QIB_SETTING_INT, "0", INT_RANGE(0, 16777216), NULL,
     "NGLDM coarseness alpha: neighbours whose grey level differs by at most this are "
     "dependent."},
    /* ---- output ---- */
    {"families", "output", QIB_SETTING_STRING, "all", 0, 0, NULL,
     "Feature families to compute: 'all' or a comma-separated list of family names "
     "(see `qib features`)."},
};

const size_t qib__settings_table_count = sizeof qib__settings_table / sizeof qib__settings_table[0];
