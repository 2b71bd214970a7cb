/* SPDX-License-Identifier: Apache-2.0 */
/* qib/imagetypes.h: PyRadiomics' image types (derived images).
 *
 * PyRadiomics computes features on the original image and on images derived from it
 * ("image types"): Original, Wavelet, LoG, Square, SquareRoot, Logarithm,
 * Exponential, Gradient, LBP2D and LBP3D. qib_image_type_expand reproduces their
 * names, order and values (PyRadiomics 3.1 radiomics/imageoperations.py with
 * PyWavelets 1.1.1); docs/IMAGETYPES.md gives every formula and every known
 * difference. */
#ifndef QIB_IMAGETYPES_H
#define QIB_IMAGETYPES_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A setting as written in a PyRadiomics YAML parameter file: key "wavelet", value
 * "coif1"; "level", "2"; "sigma", "[1.0, 3.0]"; "gradientUseSpacing", "false". */
typedef struct qib_kv {
    const char *key;
    const char *value;
} qib_kv;

/* A derived image and its PyRadiomics image type name ("original", "wavelet-LLH",
 * "wavelet2-HHH", "log-sigma-1-0-mm-3D", "square", "lbp-3D-m1", ...). */
typedef struct qib_derived_image {
    char name[64];
    qib_volume *image;
} qib_derived_image;

/* Expands PyRadiomics image type `type` ("Original", "Wavelet", "LoG", "Square",
 * "SquareRoot", "Logarithm", "Exponential", "Gradient", "LBP2D", "LBP3D") of the
 * first frame of `image` into its derived images, in PyRadiomics' order.
 *
 * params: the settings PyRadiomics passes to the image type, i.e. the global
 *   settings followed by the type's own (a later entry wins over an earlier one with
 *   the same key). Keys the type uses are checked (see qib_image_type_get); other
 *   PyRadiomics setting names (binWidth, label, ...) are accepted and ignored, as
 *   PyRadiomics does; a key that is no PyRadiomics setting fails (QIB_ERR_ARG,
 *   err->field = the key).
 * mask: NULL, or the region on the image grid. With a mask, every derived image
 *   covers exactly the mask's bounding box (qib_mask_bbox): a volume on that
 *   sub-grid (qib_grid_sub), computed from the whole image and numerically identical
 *   to cropping the whole-image result. Without a mask, derived images cover the
 *   image grid. LBP3D computes values only inside the mask (0 elsewhere).
 * Voxel types: Original keeps the image's type; Wavelet gives float32 for a float32
 *   image (PyWavelets computes in float32 then) and float64 otherwise; the others
 *   give float64.
 * Some types yield nothing, as in PyRadiomics: LoG without sigma values or on an image
 *   smaller than 4 voxels along an axis, LoG sigmas too large for the image.
 * On success *out (free with qib_derived_images_free) holds *n_out images; *n_out
 * may be 0. Unknown types, bad parameter values, an empty mask or a mask on another
 * grid fail with a located error. */
QIB_API qib_status qib_image_type_expand(const qib_volume *image, const qib_mask *mask,
                                         const char *type, const qib_kv *params,
                                         size_t n_params, qib_derived_image **out,
                                         size_t *n_out, qib_error *err);
/* Frees the n images of d and d itself; NULL is accepted. */
QIB_API void qib_derived_images_free(qib_derived_image *d, size_t n);

/* ---- listing, for docs and --help ---- */
typedef struct qib_image_type_param {
    const char *name;          /* PyRadiomics setting name, e.g. "start_level" */
    const char *default_value; /* as YAML text; "" when there is none */
    const char *description;
} qib_image_type_param;

typedef struct qib_image_type_info {
    const char *name;        /* "Wavelet" */
    const char *outputs;     /* names of the derived images, e.g. "wavelet-LLH, ..." */
    const char *description; /* one line */
    const qib_image_type_param *params;
    size_t n_params;
} qib_image_type_info;

/* Number of image types, and the i-th (in the order listed above); NULL past the
 * end. */
QIB_API size_t qib_image_type_count(void);
QIB_API const qib_image_type_info *qib_image_type_get(size_t i);

#ifdef __cplusplus
}
#endif
#endif
