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
     "none|ibsi-phantom|ibsi-a|ibsi-b|ibsi-c|ibsi-d|ibsi-e|pyradiomics",
     "Sets every processing and discretisation setting to an IBSI 1 configuration, or to "
     "PyRadiomics 3.1's defaults (settings given after it override it); none restores the "
     "defaults."},
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
    /* ---- PyRadiomics-compatible mode (src/pyradiomics/, docs/PYRADIOMICS.md) ---- */
    {"feature_definitions", "pyradiomics", QIB_SETTING_CHOICE, "ibsi", 0, 0, "ibsi|pyradiomics",
     "Feature definitions: ibsi (the IBSI 1 families), or pyradiomics (PyRadiomics 3.1's "
     "classes, definitions, bin edges and column names)."},
    {"image_types", "pyradiomics", QIB_SETTING_STRING, "original", 0, 0, NULL,
     "Images to compute features on: 'original', or a ';'-separated list of PyRadiomics "
     "image types with optional parameters, e.g. 'original;wavelet;log:sigma=[1.0, 3.0]'."},
    {"voxel_array_shift", "pyradiomics", QIB_SETTING_REAL, "0", ANY_REAL, NULL,
     "PyRadiomics voxelArrayShift: added to intensities in the energy features."},
    {"distances", "pyradiomics", QIB_SETTING_STRING, "1", 0, 0, NULL,
     "PyRadiomics distances: comma-separated neighbour distances (Chebyshev, voxels) for "
     "GLCM, GLDM and NGTDM."},
    {"symmetrical_glcm", "pyradiomics", QIB_SETTING_BOOL, "true", 0, 0, NULL,
     "PyRadiomics symmetricalGLCM: count each co-occurrence in both directions."},
    {"weighting_norm", "pyradiomics", QIB_SETTING_CHOICE, "none", 0, 0,
     "none|manhattan|euclidean|infinity|no_weighting",
     "PyRadiomics weightingNorm: merge GLCM/GLRLM directions with distance weights "
     "(none: average the features over directions)."},
    {"gldm_alpha", "pyradiomics", QIB_SETTING_REAL, "0", 0.0, 1e12, NULL,
     "PyRadiomics gldm_a: neighbours within this grey-level difference are dependent."},
    {"normalize", "pyradiomics", QIB_SETTING_BOOL, "false", 0, 0, NULL,
     "PyRadiomics normalize: z-score the whole image before features (times normalize_scale)."},
    {"normalize_scale", "pyradiomics", QIB_SETTING_REAL, "1", 1e-12, 1e12, NULL,
     "PyRadiomics normalizeScale."},
    {"force2d", "pyradiomics", QIB_SETTING_BOOL, "false", 0, 0, NULL,
     "PyRadiomics force2D: texture matrices per slice (directions in-plane only)."},
    {"force2d_dimension", "pyradiomics", QIB_SETTING_INT, "0", INT_RANGE(0, 2), NULL,
     "PyRadiomics force2Ddimension: 0 axial (slices along z), 1 coronal, 2 sagittal."},
    {"minimum_roi_dimensions", "pyradiomics", QIB_SETTING_INT, "2", INT_RANGE(1, 3), NULL,
     "PyRadiomics minimumROIDimensions: the region must span at least this many dimensions."},
    {"additional_info", "pyradiomics", QIB_SETTING_BOOL, "true", 0, 0, NULL,
     "PyRadiomics additionalInfo: write the diagnostics_* columns (input hashes, sizes, "
     "region statistics) in pyradiomics mode."},
    {"minimum_roi_size", "pyradiomics", QIB_SETTING_INT, "0", INT_RANGE(0, 2147483647), NULL,
     "PyRadiomics minimumROISize: the region must hold at least this many voxels (0: no check)."},
    /* ---- output ---- */
    {"features", "output", QIB_SETTING_STRING, "all", 0, 0, NULL,
     "Features to compute within the enabled families: 'all', or a comma-separated list of "
     "FAMILY_FEATURE names ('glcm_Contrast'; 'glcm_*' for all of a family), as a "
     "PyRadiomics featureClass section selects them."},
    {"families", "output", QIB_SETTING_STRING, "all", 0, 0, NULL,
     "Feature families to compute: 'all' or a comma-separated list of family names "
     "(see `qib features`)."},
};

const size_t qib__settings_table_count = sizeof qib__settings_table / sizeof qib__settings_table[0];
