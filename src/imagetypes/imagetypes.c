/* SPDX-License-Identifier: Apache-2.0 */
/* imagetypes.c: PyRadiomics' image types by name, their parameters, and the helpers
 * the type files share (derived image list, parameter parsing, voxel reading).
 *
 * Source: PyRadiomics 3.1, radiomics/imageoperations.py (get<Type>Image) for what
 * each type yields, radiomics/featureextractor.py for how settings reach it (the
 * global settings updated with the type's own), radiomics/schemas/paramSchema.yaml
 * for the setting names and ranges. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagetypes_internal.h"

/* ---- the registry ---- */

static const qib_image_type_param P_WAVELET[] = {
    {"wavelet", "coif1", "PyWavelets name: haar, db1..db20, sym2..sym20, coif1..coif5"},
    {"level", "1", "number of decomposition levels that yield images (> 0)"},
    {"start_level", "0", "levels decomposed first without yielding images (>= 0)"},
    {"force2D", "false", "transform in-plane only (the axis force2Ddimension is left out)"},
    {"force2Ddimension", "0", "0: z (slices), 1: y, 2: x; used with force2D"},
};
static const qib_image_type_param P_LOG[] = {
    {"sigma", "", "list of Gaussian sigmas in mm (> 0), e.g. [1.0, 3.0]; none: no images"},
};
static const qib_image_type_param P_GRADIENT[] = {
    {"gradientUseSpacing", "true", "divide differences by the voxel spacing"},
};
static const qib_image_type_param P_LBP2D[] = {
    {"lbp2DRadius", "1", "radius of the circle of samples, in voxels (> 0)"},
    {"lbp2DSamples", "8", "number of samples on the circle (>= 1)"},
    {"lbp2DMethod", "uniform", "default, ror, uniform or var (scikit-image methods)"},
    {"force2Ddimension", "0", "slices are taken across this axis: 0 z, 1 y, 2 x"},
};
static const qib_image_type_param P_LBP3D[] = {
    {"lbp3DLevels", "2", "number of spherical harmonic degrees (>= 1)"},
    {"lbp3DIcosphereRadius", "1", "radius of the sampling sphere, in voxels (> 0)"},
    {"lbp3DIcosphereSubdivision", "1", "subdivisions of the icosahedron (>= 0)"},
};

#define PARAMS(p) p, sizeof p / sizeof p[0]
typedef struct type_entry {
    qib_image_type_info info;
    qib__imgt_fn fn;
} type_entry;

static const type_entry TYPES[] = {
    {{"Original", "original", "the image itself", NULL, 0}, qib__imgt_original},
    {{"Wavelet",
      "wavelet-LLH, wavelet-LHL, wavelet-LHH, wavelet-HLL, wavelet-HLH, wavelet-HHL, "
      "wavelet-HHH (then wavelet2-..., one group per level), and last wavelet-LLL "
      "(waveletN-LLL for N levels); letters are x, y, z",
      "undecimated (stationary) wavelet transform, PyWavelets swtn, one level at a time",
      PARAMS(P_WAVELET)},
     qib__imgt_wavelet},
    {{"LoG", "log-sigma-S-mm-3D per sigma S ('.' written '-': log-sigma-1-0-mm-3D)",
      "Laplacian of Gaussian, ITK LaplacianRecursiveGaussian, normalised across scale",
      PARAMS(P_LOG)},
     qib__imgt_log},
    {{"Square", "square", "(x / sqrt(max|x|))^2", NULL, 0}, qib__imgt_square},
    {{"SquareRoot", "squareroot", "sign(x) sqrt(|x| max|x|)", NULL, 0},
     qib__imgt_squareroot},
    {{"Logarithm", "logarithm", "sign(x) log(|x| + 1), rescaled to max|x|", NULL, 0},
     qib__imgt_logarithm},
    {{"Exponential", "exponential", "exp(x log(max|x|) / max|x|)", NULL, 0},
     qib__imgt_exponential},
    {{"Gradient", "gradient", "gradient magnitude by central differences (ITK)",
      PARAMS(P_GRADIENT)},
     qib__imgt_gradient},
    {{"LBP2D", "lbp-2D", "local binary pattern per slice (scikit-image)", PARAMS(P_LBP2D)},
     qib__imgt_lbp2d},
    {{"LBP3D", "lbp-3D-m1 .. lbp-3D-mN (N = lbp3DLevels), then lbp-3D-k",
      "rotation-invariant 3D local binary pattern by spherical harmonics, and the "
      "spherical kurtosis; inside the mask only",
      PARAMS(P_LBP3D)},
     qib__imgt_lbp3d},
};
#undef PARAMS
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

size_t qib_image_type_count(void) { return N_TYPES; }

const qib_image_type_info *qib_image_type_get(size_t i) {
    return i < N_TYPES ? &TYPES[i].info : NULL;
}

/* Every setting name PyRadiomics' parameter schema accepts (setting and
 * voxelSetting), so a merged settings list can be passed as it is. */
static const char *const PYRAD_SETTINGS[] = {
    "minimumROIDimensions", "minimumROISize", "geometryTolerance", "correctMask",
    "additionalInfo", "label", "label_channel", "binWidth", "binCount", "normalize",
    "normalizeScale", "removeOutliers", "resampledPixelSpacing", "interpolator",
    "padDistance", "distances", "force2D", "force2Ddimension", "resegmentRange",
    "resegmentMode", "resegmentShape", "preCrop", "sigma", "start_level", "level",
    "wavelet", "gradientUseSpacing", "lbp2DRadius", "lbp2DSamples", "lbp2DMethod",
    "lbp3DLevels", "lbp3DIcosphereRadius", "lbp3DIcosphereSubdivision",
    "voxelArrayShift", "symmetricalGLCM", "weightingNorm", "gldm_a", "kernelRadius",
    "maskedKernel", "initValue"};

static bool known_setting(const char *key) {
    for (size_t i = 0; i < sizeof PYRAD_SETTINGS / sizeof PYRAD_SETTINGS[0]; i++)
        if (strcmp(PYRAD_SETTINGS[i], key) == 0) return true;
    return false;
}

/* ---- the derived image list ---- */

qib_status qib__imgt_push(qib__imgt_list *l, const char *name, qib_volume *vol,
                          qib_error *err) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        qib_derived_image *p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            qib_volume_free(vol);
            return qib__nomem(err, NULL, "the derived image list");
        }
        l->items = p;
        l->cap = cap;
    }
    qib_derived_image *d = &l->items[l->n++];
    snprintf(d->name, sizeof d->name, "%s", name);
    d->image = vol;
    return QIB_OK;
}

void qib_derived_images_free(qib_derived_image *d, size_t n) {
    if (!d) return;
    for (size_t i = 0; i < n; i++) qib_volume_free(d[i].image);
    free(d);
}

qib_status qib__imgt_box_volume(const qib__imgt_ctx *c, const void *data, bool single,
                                qib_volume **out, qib_error *err) {
    qib_grid g;
    qib_grid_sub(c->grid, &c->box, &g);
    qib_volume *v = NULL;
    QIB_FORWARD(qib_volume_create(&g, 1, single ? QIB_DT_F32 : QIB_DT_F64, &v, err));
    memcpy(qib_volume_data(v), data, qib_volume_bytes(v));
    *out = v;
    return QIB_OK;
}

/* ---- voxels ---- */

void qib__imgt_read(const qib_volume *v, size_t start, size_t count, double *out) {
    const void *p = qib_volume_cdata(v);
    switch (qib_volume_dtype(v)) {
#define CASE(DT, T)                                                                     \
    case DT:                                                                            \
        for (size_t i = 0; i < count; i++) out[i] = (double)((const T *)p)[start + i];  \
        break;
        CASE(QIB_DT_U8, uint8_t)
        CASE(QIB_DT_I8, int8_t)
        CASE(QIB_DT_U16, uint16_t)
        CASE(QIB_DT_I16, int16_t)
        CASE(QIB_DT_U32, uint32_t)
        CASE(QIB_DT_I32, int32_t)
        CASE(QIB_DT_U64, uint64_t)
        CASE(QIB_DT_I64, int64_t)
        CASE(QIB_DT_F32, float)
        CASE(QIB_DT_F64, double)
#undef CASE
    default:
        for (size_t i = 0; i < count; i++) out[i] = NAN;
    }
}

double qib__imgt_max_abs(const qib_volume *v) {
    size_t n = qib_volume_frame_voxels(v);
    double buf[1024], m = 0;
    for (size_t s = 0; s < n; s += 1024) {
        size_t k = n - s < 1024 ? n - s : 1024;
        qib__imgt_read(v, s, k, buf);
        for (size_t i = 0; i < k; i++) {
            double a = fabs(buf[i]);
            if (isnan(a)) return NAN;
            if (a > m) m = a;
        }
    }
    return m;
}

qib_status qib__imgt_box_values(const qib__imgt_ctx *c, double **out, qib_error *err) {
    const qib_box *b = &c->box;
    size_t n = b->size[0] * b->size[1] * b->size[2];
    double *v = malloc(n * sizeof *v);
    if (!v) return qib__nomem(err, NULL, "the region's voxels");
    const size_t *d = c->grid->dim;
    for (size_t k = 0; k < b->size[2]; k++)
        for (size_t j = 0; j < b->size[1]; j++)
            qib__imgt_read(c->image,
                           ((b->lo[2] + k) * d[1] + b->lo[1] + j) * d[0] + b->lo[0],
                           b->size[0], v + (k * b->size[1] + j) * b->size[0]);
    *out = v;
    return QIB_OK;
}

/* ---- parameters (YAML 1.1 scalars as PyYAML resolves them) ---- */

const char *qib__imgt_param(const qib__imgt_ctx *c, const char *key) {
    const char *v = NULL;
    for (size_t i = 0; i < c->n_params; i++)
        if (c->params[i].key && strcmp(c->params[i].key, key) == 0) v = c->params[i].value;
    return v;
}

/* Copies s without surrounding blanks into buf; false if it does not fit. */
static bool trimmed(const char *s, char *buf, size_t n) {
    while (isspace((unsigned char)*s)) s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1])) len--;
    if (len >= n) return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    return true;
}

/* PyYAML's int: [-+]?[0-9]+ (underscores and other bases left out). */
static bool is_int_text(const char *s) {
    if (*s == '+' || *s == '-') s++;
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* A number text: an int or a float (strtod syntax, finite). */
static bool parse_number(const char *s, double *out, bool *is_int) {
    if (!*s) return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    *is_int = is_int_text(s);
    return true;
}

qib_status qib__imgt_int(const qib__imgt_ctx *c, const char *key, long dflt, long lo,
                         long hi, long *out, qib_error *err) {
    const char *t = qib__imgt_param(c, key);
    char buf[64];
    if (!t) {
        *out = dflt;
        return QIB_OK;
    }
    QIB_FAIL_IF(!trimmed(t, buf, sizeof buf) || !is_int_text(buf), err, QIB_ERR_ARG, NULL, -1,
                key, "'%s' is not an integer", t);
    errno = 0;
    long v = strtol(buf, NULL, 10);
    QIB_FAIL_IF(errno == ERANGE || v < lo || v > hi, err, QIB_ERR_ARG, NULL, -1, key,
                "%s is not in %ld..%ld", buf, lo, hi);
    *out = v;
    return QIB_OK;
}

qib_status qib__imgt_double(const qib__imgt_ctx *c, const char *key, double dflt,
                            double lo_excl, double *out, qib_error *err) {
    const char *t = qib__imgt_param(c, key);
    char buf[64];
    double v;
    bool is_int;
    if (!t) {
        *out = dflt;
        return QIB_OK;
    }
    QIB_FAIL_IF(!trimmed(t, buf, sizeof buf) || !parse_number(buf, &v, &is_int), err,
                QIB_ERR_ARG, NULL, -1, key, "'%s' is not a number", t);
    QIB_FAIL_IF(!(v > lo_excl), err, QIB_ERR_ARG, NULL, -1, key, "%s is not > %g", buf,
                lo_excl);
    *out = v;
    return QIB_OK;
}

qib_status qib__imgt_bool(const qib__imgt_ctx *c, const char *key, bool dflt, bool *out,
                          qib_error *err) {
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                      "on", "On", "ON", "y", "Y"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
                                     "off", "Off", "OFF", "n", "N"};
    const char *t = qib__imgt_param(c, key);
    char buf[16];
    if (!t) {
        *out = dflt;
        return QIB_OK;
    }
    if (trimmed(t, buf, sizeof buf)) {
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
            if (strcmp(buf, yes[i]) == 0) {
                *out = true;
                return QIB_OK;
            }
            if (strcmp(buf, no[i]) == 0) {
                *out = false;
                return QIB_OK;
            }
        }
    }
    return qib__fail(err, QIB_ERR_ARG, NULL, -1, key, "'%s' is not a boolean (true/false)", t);
}

/* Python's repr of a float: the shortest digits that read back (float_repr_style
 * 'short'), positional when the decimal exponent is in -4..15 (with ".0" for whole
 * numbers), else "de[+-]XX" with at least two exponent digits. */
static void python_float_repr(double v, char *out, size_t n) {
    char digits[40];
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(digits, sizeof digits, "%.*e", prec - 1, v);
        if (strtod(digits, NULL) == v) break;
    }
    /* digits: [-]d.ddde[+-]XX */
    char *e = strchr(digits, 'e');
    int exp10 = atoi(e + 1);
    *e = 0;
    char mant[24];
    size_t m = 0;
    const char *p = digits;
    bool neg = *p == '-';
    if (neg) p++;
    for (; *p; p++)
        if (isdigit((unsigned char)*p)) mant[m++] = *p;
    while (m > 1 && mant[m - 1] == '0') m--;
    mant[m] = 0;
    char body[64];
    if (exp10 >= -4 && exp10 < 16) {
        size_t k = 0;
        if (exp10 < 0) {
            body[k++] = '0';
            body[k++] = '.';
            for (int z = 0; z < -exp10 - 1; z++) body[k++] = '0';
            for (size_t i = 0; i < m; i++) body[k++] = mant[i];
        } else {
            size_t ip = (size_t)exp10 + 1;
            for (size_t i = 0; i < ip; i++) body[k++] = i < m ? mant[i] : '0';
            body[k++] = '.';
            if (m > ip)
                for (size_t i = ip; i < m; i++) body[k++] = mant[i];
            else
                body[k++] = '0';
        }
        body[k] = 0;
    } else if (m > 1) {
        snprintf(body, sizeof body, "%c.%se%c%02d", mant[0], mant + 1, exp10 < 0 ? '-' : '+',
                 abs(exp10));
    } else {
        snprintf(body, sizeof body, "%ce%c%02d", mant[0], exp10 < 0 ? '-' : '+', abs(exp10));
    }
    snprintf(out, n, "%s%s", neg ? "-" : "", body);
}

qib_status qib__imgt_number_list(const qib__imgt_ctx *c, const char *key, double *vals,
                                 char (*texts)[32], size_t cap, size_t *n, qib_error *err) {
    const char *t = qib__imgt_param(c, key);
    *n = 0;
    if (!t) return QIB_OK;
    const char *p = t;
    while (isspace((unsigned char)*p)) p++;
    QIB_FAIL_IF(*p != '[', err, QIB_ERR_ARG, NULL, -1, key,
                "'%s' is not a list such as [1.0, 3.0]", t);
    p++;
    const char *close = strchr(p, ']');
    QIB_FAIL_IF(!close, err, QIB_ERR_ARG, NULL, -1, key, "'%s' lacks its closing ']'", t);
    for (const char *q = close + 1; *q; q++)
        QIB_FAIL_IF(!isspace((unsigned char)*q), err, QIB_ERR_ARG, NULL, -1, key,
                    "unexpected text after ']' in '%s'", t);
    size_t count = 0;
    while (p < close) {
        const char *comma = memchr(p, ',', (size_t)(close - p));
        const char *end = comma ? comma : close;
        char item[64];
        size_t len = (size_t)(end - p);
        QIB_FAIL_IF(len >= sizeof item, err, QIB_ERR_ARG, NULL, -1, key,
                    "list item too long in '%s'", t);
        memcpy(item, p, len);
        item[len] = 0;
        char buf[64];
        double v;
        bool is_int;
        trimmed(item, buf, sizeof buf);
        if (!comma && !*buf && count == 0) break; /* "[]" */
        QIB_FAIL_IF(!parse_number(buf, &v, &is_int), err, QIB_ERR_ARG, NULL, -1, key,
                    "item '%s' of '%s' is not a number", buf, t);
        QIB_FAIL_IF(count >= cap, err, QIB_ERR_LIMIT, NULL, -1, key,
                    "more than %zu values in '%s'", cap, t);
        vals[count] = v;
        if (is_int)
            snprintf(texts[count], 32, "%ld", strtol(buf, NULL, 10));
        else
            python_float_repr(v, texts[count], 32);
        count++;
        p = comma ? comma + 1 : close;
    }
    *n = count;
    return QIB_OK;
}

/* ---- the entry point ---- */

/* Whether any byte of p[0..n) is set (a branch-free OR the compiler vectorises). */
static const type_entry *find_type(const char *name) {
    for (size_t i = 0; i < N_TYPES; i++)
        if (strcmp(TYPES[i].info.name, name) == 0) return &TYPES[i];
    return NULL;
}

qib_status qib_image_type_expand(const qib_volume *image, const qib_mask *mask,
                                 const char *type, const qib_kv *params, size_t n_params,
                                 qib_derived_image **out, size_t *n_out, qib_error *err) {
    QIB_FAIL_IF(!image || !type || !out || !n_out || (n_params && !params), err, QIB_ERR_ARG,
                NULL, -1, "image type", "image, type and outputs are required");
    const type_entry *t = find_type(type);
    QIB_FAIL_IF(!t, err, QIB_ERR_ARG, NULL, -1, "imageType",
                "unknown image type '%s'; PyRadiomics' types are Original, Wavelet, LoG, "
                "Square, SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D",
                type);
    for (size_t i = 0; i < n_params; i++) {
        QIB_FAIL_IF(!params[i].key || !params[i].value, err, QIB_ERR_ARG, NULL, -1,
                    "image type", "parameter %zu has no key or no value", i);
        QIB_FAIL_IF(!known_setting(params[i].key), err, QIB_ERR_ARG, NULL, -1, params[i].key,
                    "'%s' is not a PyRadiomics setting", params[i].key);
    }
    QIB_FAIL_IF(qib_volume_frames(image) != 1, err, QIB_ERR_UNSUPPORTED, NULL, -1, "image",
                "image types need a 3D image; this one has %zu frames",
                qib_volume_frames(image));
    qib__imgt_ctx c = {.image = image, .mask = mask, .grid = qib_volume_grid(image),
                       .params = params, .n_params = n_params};
    if (mask) {
        const qib_grid *mg = qib_mask_grid(mask);
        for (int a = 0; a < 3; a++)
            QIB_FAIL_IF(mg->dim[a] != c.grid->dim[a], err, QIB_ERR_GRID_MISMATCH, NULL, -1,
                        "mask", "mask dimensions %zux%zux%zu differ from image %zux%zux%zu",
                        mg->dim[0], mg->dim[1], mg->dim[2], c.grid->dim[0], c.grid->dim[1],
                        c.grid->dim[2]);
        QIB_FAIL_IF(!qib_mask_bbox(mask, &c.box), err, QIB_ERR_EMPTY_ROI, NULL, -1, "mask",
                    "the mask has no voxel inside");
    } else {
        for (int a = 0; a < 3; a++) {
            c.box.lo[a] = 0;
            c.box.size[a] = c.grid->dim[a];
        }
    }
    qib__imgt_list l = {0};
    qib_status st = t->fn(&c, &l, err);
    if (st != QIB_OK) {
        qib_derived_images_free(l.items, l.n);
        return st;
    }
    *out = l.items;
    *n_out = l.n;
    return QIB_OK;
}
