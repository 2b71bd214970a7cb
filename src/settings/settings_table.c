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
    /* ---- output ---- */
    {"families", "output", QIB_SETTING_STRING, "all", 0, 0, NULL,
     "Feature families to compute: 'all' or a comma-separated list of family names "
     "(see `qib features`)."},
};

const size_t qib__settings_table_count = sizeof qib__settings_table / sizeof qib__settings_table[0];
