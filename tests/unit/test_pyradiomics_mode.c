/* SPDX-License-Identifier: Apache-2.0 */
/* test_pyradiomics_mode.c: the PyRadiomics-compatible mode's machinery:
 * PyRadiomics' bin edges, PyRadiomics parameter files, the image_types
 * setting. Expected values are worked out by hand from PyRadiomics'
 * getBinEdges / numpy.digitize and its parameter file schema. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pyradiomics/pr_binning.h"
#include "pyradiomics/pr_diagnostics.h"
#include "settings/settings_table.h"
#include "test_util.h"

/* Bin width 25: edges from floor(min / 25) * 25 = -50 (min -30): -50, -25,
 * 0, 25, 50, 75; level = number of edges <= x. IBSI would count from -30 and
 * put -25 in bin 1; PyRadiomics puts it in bin 2. */
static void test_bin_width_edges_from_zero(void **state) {
    (void)state;
    const double x[] = {-30, -25, -1, 0, 24.999, 25, 49, 50};
    const int32_t want[] = {1, 2, 2, 3, 3, 4, 4, 5};
    uint8_t mask[8];
    int32_t levels[8], n_levels = 0;
    memset(mask, 1, sizeof mask);
    qib_error err;
    TU_OK(qib__pr_discretise(x, mask, 8, false, 25, levels, &n_levels, &err), &err);
    for (int i = 0; i < 8; i++) assert_int_equal(levels[i], want[i]);
    assert_int_equal(n_levels, 5);
    /* positive minimum: edges 25, 50, 75 (min 30, max 60) */
    const double y[] = {30, 49.5, 50, 60};
    TU_OK(qib__pr_discretise(y, mask, 4, false, 25, levels, &n_levels, &err), &err);
    assert_int_equal(levels[0], 1);
    assert_int_equal(levels[1], 1);
    assert_int_equal(levels[2], 2);
    assert_int_equal(levels[3], 2);
    /* voxels outside the mask get 0 and do not move the edges */
    mask[3] = 0;
    const double z[] = {30, 49.5, 50, -1000};
    TU_OK(qib__pr_discretise(z, mask, 4, false, 25, levels, &n_levels, &err), &err);
    assert_int_equal(levels[0], 1);
    assert_int_equal(levels[3], 0);
}

/* Bin count 5 over 0..10: numpy.histogram edges 0, 2, 4, 6, 8, 10, the last
 * raised to 11. A flat region widens to +-0.5: edges 6.5, 6.8333, 7.1667,
 * 8.5 for count 3, so 7 is in bin 2. */
static void test_bin_count_edges(void **state) {
    (void)state;
    const double x[] = {0, 1.9, 2, 9.99, 10};
    const int32_t want[] = {1, 1, 2, 5, 5};
    uint8_t mask[5];
    int32_t levels[5], n_levels = 0;
    memset(mask, 1, sizeof mask);
    qib_error err;
    TU_OK(qib__pr_discretise(x, mask, 5, true, 5, levels, &n_levels, &err), &err);
    for (int i = 0; i < 5; i++) assert_int_equal(levels[i], want[i]);
    const double flat[] = {7, 7, 7};
    TU_OK(qib__pr_discretise(flat, mask, 3, true, 3, levels, &n_levels, &err), &err);
    assert_int_equal(levels[0], 2);
    assert_int_equal(n_levels, 2);
    assert_int_equal(qib__pr_discretise(flat, mask, 3, false, 0, levels, &n_levels, &err),
                     QIB_ERR_ARG);
}

static qib_settings *load(const char *yaml, qib_status want, qib_error *err) {
    qib_settings *s = NULL;
    TU_OK(qib_settings_create(&s, err), err);
    assert_int_equal(qib__settings_load_yaml_mem(s, yaml, strlen(yaml), "p.yaml", err), want);
    return s;
}

/* A PyRadiomics parameter file becomes qib settings. */
static void test_parameter_file(void **state) {
    (void)state;
    qib_error err;
    qib_settings *s = load("imageType:\n"
                           "  Original: {}\n"
                           "  LoG: {sigma: [1.0, 3.0]}\n"
                           "  Wavelet:\n"
                           "featureClass:\n"
                           "  shape:\n"
                           "  glcm: [Contrast, Idmn]\n"
                           "setting:\n"
                           "  binWidth: 10\n"
                           "  label: 2\n"
                           "  interpolator: sitkLinear\n"
                           "  resampledPixelSpacing: [1, 1, 0]\n"
                           "  resegmentRange: [-100]\n"
                           "  wavelet: db2\n"
                           "  normalize: True\n"
                           "  voxelArrayShift: 1000\n"
                           "  preCrop: true\n",
                           QIB_OK, &err);
    assert_string_equal(qib_settings_string(s, "feature_definitions"), "pyradiomics");
    assert_string_equal(qib_settings_string(s, "discretisation"), "fbs");
    assert_true(qib_settings_real(s, "bin_width") == 10);
    assert_int_equal(qib_settings_int(s, "label"), 2);
    assert_string_equal(qib_settings_string(s, "interpolation"), "linear");
    assert_string_equal(qib_settings_string(s, "resample_spacing"), "1,1,0");
    assert_string_equal(qib_settings_string(s, "reseg_range"), "-100,inf");
    assert_true(qib_settings_bool(s, "normalize"));
    assert_true(qib_settings_real(s, "voxel_array_shift") == 1000);
    assert_string_equal(qib_settings_string(s, "image_types"),
                        "Original;LoG:sigma=[1.0, 3.0];Wavelet:wavelet=db2");
    assert_string_equal(qib_settings_string(s, "families"), "shape,glcm");
    assert_string_equal(qib_settings_string(s, "features"), "shape_*,glcm_Contrast,glcm_Idmn");
    qib_settings_free(s);

    /* binCount switches to fixed bin number; classes without lists: all */
    s = load("setting:\n  binCount: 16\nfeatureClass:\n  firstorder:\n", QIB_OK, &err);
    assert_string_equal(qib_settings_string(s, "discretisation"), "fbn");
    assert_int_equal(qib_settings_int(s, "bin_count"), 16);
    assert_string_equal(qib_settings_string(s, "features"), "all");
    assert_string_equal(qib_settings_string(s, "image_types"), "original");
    qib_settings_free(s);
}

/* Refusals name the key and its line. */
static void test_parameter_file_errors(void **state) {
    (void)state;
    qib_error err;
    qib_settings *s = load("setting:\n  binWidth: 5\n  binWidht: 5\n", QIB_ERR_ARG, &err);
    assert_string_equal(err.field, "binWidht");
    assert_non_null(strstr(err.reason, "line 3"));
    qib_settings_free(s);
    s = load("voxelSetting:\n  kernelRadius: 2\n", QIB_ERR_UNSUPPORTED, &err);
    qib_settings_free(s);
    s = load("setting:\n  interpolator: sitkGaussian\n", QIB_ERR_UNSUPPORTED, &err);
    assert_non_null(strstr(err.reason, "sitkGaussian"));
    qib_settings_free(s);
    s = load("setting:\n  resegmentMode: sigma\n", QIB_ERR_UNSUPPORTED, &err);
    qib_settings_free(s);
    s = load("imageType: [Original]\n", QIB_ERR_FORMAT, &err);
    qib_settings_free(s);
    s = load("setting:\n  binWidth: -1\n", QIB_ERR_ARG, &err);
    assert_non_null(strstr(err.reason, "line 2"));
    qib_settings_free(s);
}

/* image_types: case-insensitive names, bracketed values, errors. */
static void test_image_types_setting(void **state) {
    (void)state;
    qib_error err;
    qib_pr_image_types t;
    TU_OK(qib__pr_image_types_parse(" original; LoG:sigma=[1.0, 3.0], binWidth=5;wavelet", &t,
                                    &err),
          &err);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.items[0].name, "Original");
    assert_string_equal(t.items[1].name, "LoG");
    assert_int_equal(t.items[1].n_params, 2);
    assert_string_equal(t.items[1].keys[0], "sigma");
    assert_string_equal(t.items[1].values[0], "[1.0, 3.0]");
    assert_string_equal(t.items[1].keys[1], "binWidth");
    assert_string_equal(t.items[1].values[1], "5");
    assert_string_equal(t.items[2].name, "Wavelet");
    qib__pr_image_types_free(&t);
    assert_int_equal(qib__pr_image_types_parse("Original;Sobel", &t, &err), QIB_ERR_ARG);
    assert_non_null(strstr(err.reason, "Sobel"));
    assert_int_equal(qib__pr_image_types_parse("Original;original", &t, &err), QIB_ERR_ARG);
    assert_int_equal(qib__pr_image_types_parse("LoG:sigma", &t, &err), QIB_ERR_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bin_width_edges_from_zero),
        cmocka_unit_test(test_bin_count_edges),
        cmocka_unit_test(test_parameter_file),
        cmocka_unit_test(test_parameter_file_errors),
        cmocka_unit_test(test_image_types_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
