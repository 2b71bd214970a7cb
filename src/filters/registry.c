/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: the filter table. Each filter is described once here (name,
 * parameters with type, default, unit, range and description, source) with
 * its check, support and apply functions; the spec parser, `qib filter
 * --list` and docs/FILTERS.md all read this table.
 *
 * Source of every definition: A. Depeursinge, V. Andrearczyk, P. Whybra et
 * al., "Standardised convolutional filtering for radiomics", IBSI reference
 * manual, arXiv:2006.05470 (v9, 2024) - cited below as "IBSI 2". */
#include <string.h>

#include "filter.h"

#define BOUNDARY                                                                          \
    {"boundary", QIB_FILTER_PARAM_CHOICE, "mirror", "", "zero|nearest|periodic|mirror", 0, 0, \
     "how the image is extended beyond its edges (IBSI 2, 'Boundary conditions')"}
#define DIM(desc) {"dim", QIB_FILTER_PARAM_CHOICE, "3d", "", "2d|3d", 0, 0, desc}
#define RIESZ                                                                                \
    {"riesz", QIB_FILTER_PARAM_TEXT, "none", "", NULL, 0, 0,                                 \
     "Riesz transform of the response: one order digit per axis (i j [k]), e.g. 100 or "    \
     "020; none for no transform (IBSI 2, 'Riesz transform')"}
#define MARGIN                                                                               \
    {"margin", QIB_FILTER_PARAM_INTEGER, "-1", "voxels", NULL, -1, 4096,                     \
     "Fourier-domain filtering: voxels added on each side by the boundary condition, at "   \
     "most the axis length (-1: half the axis, at most 64; periodic needs none)"}

static const qib_filter_param_info mean_params[] = {
    {"size", QIB_FILTER_PARAM_INTEGER, "5", "voxels", NULL, 1, 2 * QIB__FILTER_MAX_RADIUS + 1,
     "support M of the averaging window along each axis (odd)"},
    DIM("3d: an M x M x M window; 2d: M x M in the (i,j) plane of each slice"),
    BOUNDARY,
};

static const qib_filter_param_info log_params[] = {
    {"sigma", QIB_FILTER_PARAM_NUMBER, NULL, "mm", NULL, 1e-6, 1e4,
     "standard deviation of the Gaussian"},
    {"truncation", QIB_FILTER_PARAM_NUMBER, "4", "sigma", NULL, 0.5, 20,
     "kernel half-width in multiples of sigma: R = floor(truncation * sigma / spacing + 0.5) "
     "voxels per axis"},
    DIM("3d: the 3D Laplacian; 2d: the Laplacian in the (i,j) plane of each slice"),
    BOUNDARY,
    RIESZ,
    MARGIN,
};

static const qib_filter_param_info laws_params[] = {
    {"kernel", QIB_FILTER_PARAM_TEXT, NULL, "", NULL, 0, 0,
     "1D kernels per axis i, j [, k] from L3 E3 S3 L5 E5 S5 W5 R5, e.g. E5L5S5 (3D) or L5S5 "
     "(2D)"},
    {"rotation_invariant", QIB_FILTER_PARAM_INTEGER, "0", "", NULL, 0, 1,
     "1: pool the responses of the kernel's right-angle rotations (24 in 3D, 4 in 2D)"},
    {"pooling", QIB_FILTER_PARAM_CHOICE, "max", "", "max|avg", 0, 0,
     "how rotated responses are pooled"},
    {"energy_distance", QIB_FILTER_PARAM_INTEGER, "0", "voxels", NULL, 0,
     QIB__FILTER_MAX_RADIUS,
     "Chebyshev distance delta of the energy map (mean of |response| over a (2 delta + 1) "
     "window); 0 for the response map itself"},
    BOUNDARY,
};

static const qib_filter_param_info gabor_params[] = {
    {"sigma", QIB_FILTER_PARAM_NUMBER, NULL, "mm", NULL, 1e-6, 1e4,
     "standard deviation of the Gaussian envelope along the wave"},
    {"lambda", QIB_FILTER_PARAM_NUMBER, NULL, "mm", NULL, 1e-6, 1e4, "wavelength"},
    {"gamma", QIB_FILTER_PARAM_NUMBER, "1", "", NULL, 1e-3, 1e3,
     "spatial aspect ratio: the envelope's deviation across the wave is sigma / gamma"},
    {"theta", QIB_FILTER_PARAM_NUMBER, "0", "degrees", NULL, -360, 360,
     "orientation of the wave, from axis i towards axis j of the plane"},
    {"theta_step", QIB_FILTER_PARAM_NUMBER, "0", "degrees", NULL, 0, 180,
     "0: the one orientation theta; else pool over theta + t * theta_step around the full "
     "circle (360 / theta_step must be whole)"},
    {"pooling", QIB_FILTER_PARAM_CHOICE, "avg", "", "max|avg", 0, 0,
     "how the orientations are pooled"},
    {"plane", QIB_FILTER_PARAM_CHOICE, "axial", "", "axial|coronal|sagittal|all", 0, 0,
     "the plane of the 2D kernel: axial (i,j), coronal (i,k), sagittal (j,k), or all: the "
     "average over the three (IBSI 2's 2.5D orientation invariance)"},
    {"truncation", QIB_FILTER_PARAM_NUMBER, "4", "sigma", NULL, 0.5, 20,
     "kernel half-width: truncation * max(sigma, sigma / gamma)"},
    BOUNDARY,
};

static const qib_filter_param_info wavelet_params[] = {
    {"family", QIB_FILTER_PARAM_TEXT, NULL, "", NULL, 0, 0,
     "the wavelet: haar, dbN, symN, coifN (PyWavelets' decomposition filters)"},
    {"filter", QIB_FILTER_PARAM_TEXT, NULL, "", NULL, 0, 0,
     "low (L) or high (H) pass per axis i, j [, k], e.g. LHL (3D) or HL (2D)"},
    {"level", QIB_FILTER_PARAM_INTEGER, "1", "", NULL, 1, 8,
     "decomposition level j: levels below j apply the low pass (undecimated, filters "
     "upsampled by 2^(j-1))"},
    {"rotation_invariant", QIB_FILTER_PARAM_INTEGER, "0", "", NULL, 0, 1,
     "1: pool over the 24 (3D) or 4 (2D) right-angle rotations of the image"},
    {"pooling", QIB_FILTER_PARAM_CHOICE, "avg", "", "max|avg", 0, 0,
     "how rotated responses are pooled"},
    BOUNDARY,
};

static const qib_filter_param_info simoncelli_params[] = {
    {"level", QIB_FILTER_PARAM_INTEGER, "1", "", NULL, 1, 10,
     "decomposition level j: the band pi/2^(j+1) < |w| < pi/2^(j-1)"},
    DIM("3d: isotropic in the volume; 2d: in the (i,j) plane of each slice"),
    BOUNDARY,
    {"grid", QIB_FILTER_PARAM_CHOICE, "ibsi", "", "dft|ibsi", 0, 0,
     "frequency sampling: dft (2 pi q / N) or ibsi (N points over [-pi, pi], as the IBSI "
     "reference maps)"},
    RIESZ,
    MARGIN,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const qib__filter_def filters[] = {
    {{"mean", "Mean", "the average over an M-voxel window",
      "IBSI 2, 'Mean filter'", mean_params, N(mean_params)},
     qib__mean_check, qib__mean_support, qib__mean_apply},
    {{"log", "Laplacian of Gaussian",
      "the Laplacian of a Gaussian of deviation sigma, truncated at R voxels",
      "IBSI 2, 'Laplacian of Gaussian filter' and 'Riesz transform'", log_params, N(log_params)},
     qib__log_check, qib__log_support, qib__log_apply},
    {{"laws", "Laws kernels",
      "Laws' separable kernels, optionally rotation-pooled, optionally as an energy map "
      "",
      "IBSI 2, 'Laws kernels'", laws_params, N(laws_params)},
     qib__laws_check, qib__laws_support, qib__laws_apply},
    {{"gabor", "Gabor",
      "the modulus of a 2D complex Gabor filter, optionally pooled over orientations and "
      "planes",
      "IBSI 2, 'Gabor filter'", gabor_params, N(gabor_params)},
     qib__gabor_check, qib__gabor_support, qib__gabor_apply},
    {{"wavelet", "Separable wavelet",
      "an undecimated separable wavelet band",
      "IBSI 2, 'Separable wavelets' (undecimated)", wavelet_params,
      N(wavelet_params)},
     qib__wavelet_check, qib__wavelet_support, qib__wavelet_apply},
    {{"simoncelli", "Simoncelli wavelet",
      "a band of the isotropic non-separable Simoncelli wavelet, optionally Riesz-"
      "transformed",
      "IBSI 2, 'Non-separable wavelets' and 'Riesz transform'",
      simoncelli_params, N(simoncelli_params)},
     qib__simoncelli_check, qib__simoncelli_support, qib__simoncelli_apply},
};

size_t qib__filter_def_count(void) { return N(filters); }
const qib__filter_def *qib__filter_def_at(size_t i) {
    return i < N(filters) ? &filters[i] : NULL;
}

size_t qib_filter_count(void) { return N(filters); }

const qib_filter_info *qib_filter_at(size_t i) {
    return i < N(filters) ? &filters[i].info : NULL;
}

const qib_filter_info *qib_filter_find(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < N(filters); i++)
        if (!strcmp(filters[i].info.name, name)) return &filters[i].info;
    return NULL;
}
