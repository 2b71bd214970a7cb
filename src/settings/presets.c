/* SPDX-License-Identifier: Apache-2.0 */
/* presets.c: named settings bundles for the IBSI 1 configurations.
 *
 * Each preset sets every processing and discretisation setting, so the
 * result does not depend on what was set before; settings given after the
 * preset override it. Values follow the IBSI 1 reference manual, "Reference
 * data sets" (configurations A-E for the CT phantom) and the digital phantom
 * notes (no processing; fixed bin size 1 leaves its levels 1..6 unchanged). */
#include <string.h>

#include "settings_table.h"

typedef struct preset_value {
    const char *name, *value;
} preset_value;

/* The settings every preset sets, in this order. */
enum { N_KEYS = 17 };
static const char *const preset_keys[N_KEYS] = {
    "input_rounding",     "dimensionality", "resample_spacing", "interpolation",
    "intensity_rounding", "mask_interpolation", "mask_threshold", "reseg_range",
    "reseg_outliers",     "discretisation", "bin_count",        "bin_width",
    "ivh_discretisation", "ivh_bin_count",  "ivh_bin_width",    "texture_aggregations",
    "feature_definitions",
};

typedef struct preset {
    const char *name;
    const char *values[N_KEYS]; /* NULL: the setting's default */
} preset;

/*                 input  dim   spacing   interp    round    mask      thr    reseg
 *                 outl.  discr count width  ivh    ivh_n   ivh_w  texture aggregations
 * The digital phantom's reference values cover all six texture aggregations;
 * the CT configurations those of their dimensionality (auto). */
static const preset presets[] = {
    {"none", {NULL}},
    {"ibsi-phantom", {"true", "3d", "none", "linear", "false", "linear", "0.5", "none",
                      "false", "fbs", "32", "1", "none", "1000", "1", "all"}},
    {"ibsi-a", {"true", "2d", "none", "linear", "false", "linear", "0.5", "-500,400",
                "false", "fbs", "32", "25", "none", "1000", "1", "auto"}},
    {"ibsi-b", {"true", "2d", "2,2,0", "linear", "true", "linear", "0.5", "-500,400",
                "false", "fbn", "32", "25", "none", "1000", "1", "auto"}},
    {"ibsi-c", {"true", "3d", "2,2,2", "linear", "true", "linear", "0.5", "-1000,400",
                "false", "fbs", "32", "25", "fbs", "1000", "2.5", "auto"}},
    {"ibsi-d", {"true", "3d", "2,2,2", "linear", "true", "linear", "0.5", "none",
                "true", "fbn", "32", "25", "none", "1000", "1", "auto"}},
    {"ibsi-e", {"true", "3d", "2,2,2", "cubic", "true", "linear", "0.5", "-1000,400",
                "true", "fbn", "32", "25", "fbn", "1000", "1", "auto"}},
    /* PyRadiomics 3.1 RadiomicsFeatureExtractor() defaults: no resampling,
     * binWidth 25 (bin edges from 0: src/processing/discretise.c), its own
     * definitions and names; resampling, when set, uses B-spline like its
     * sitkBSpline default. */
    {"pyradiomics", {"false", "3d", "none", "cubic", "false", "nearest", "0.5", "none",
                     "false", "fbs", "32", "25", "none", "1000", "1", "auto", "pyradiomics"}},
};

qib_status qib__settings_apply_preset(qib_settings *s, const char *name, qib_error *err) {
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        if (strcmp(presets[p].name, name)) continue;
        for (size_t k = 0; k < N_KEYS; k++) {
            const char *v = presets[p].values[k];
            if (!v) {
                const qib_setting_info *info = qib_setting_find(preset_keys[k]);
                QIB_FAIL_IF(!info, err, QIB_ERR_ARG, NULL, -1, preset_keys[k],
                            "preset setting is not in the registry");
                v = info->default_value;
            }
            QIB_FORWARD(qib_settings_set(s, preset_keys[k], v, err));
        }
        return QIB_OK;
    }
    return qib__fail(err, QIB_ERR_ARG, NULL, -1, "preset", "'%s' is not a preset", name);
}
