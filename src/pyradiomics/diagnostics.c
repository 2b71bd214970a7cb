/* SPDX-License-Identifier: Apache-2.0 */
/* diagnostics.c: PyRadiomics' diagnostics_* columns (its "additionalInfo").
 *
 * Source: PyRadiomics radiomics/generalinfo.py (GeneralInfo: getGeneralInfo,
 * addImageElements, addMaskElements) as called by featureextractor.execute.
 * Values are written as PyRadiomics prints them: tuples and floats in
 * Python's repr, hashes as SHA-1 hex of the voxel array in its stored type
 * (SimpleITK's GetArrayFromImage: x fastest, which is qib's order too).
 * Versions are qib's: the Versions_* columns name qib and the PyRadiomics
 * release it reproduces instead of PyRadiomics' own libraries. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "pr_diagnostics.h"

#define FAM "diagnostics"

/* Python's repr of a float: the shortest digits that read back exactly,
 * fixed notation for exponents -5..15 (always with a '.'), else d.ddde+XX. */
static void py_float(double v, char *out, size_t n) {
    if (isnan(v)) {
        snprintf(out, n, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(out, n, v > 0 ? "inf" : "-inf");
        return;
    }
    char t[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*e", prec - 1, v);
        if (strtod(t, NULL) == v) break;
    }
    /* t = [-]d[.ddd]e[+-]XX */
    char digits[24];
    size_t nd = 0;
    const char *p = t;
    bool neg = *p == '-';
    if (neg) p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    int exp10 = atoi(p + 1);
    char *o = out;
    size_t left = n;
#define PUT(...)                                               \
    do {                                                       \
        int w_ = snprintf(o, left, __VA_ARGS__);               \
        if (w_ < 0 || (size_t)w_ >= left) return;              \
        o += w_;                                               \
        left -= (size_t)w_;                                    \
    } while (0)
    if (neg) PUT("-");
    if (exp10 < -4 || exp10 >= 16) {
        PUT("%c", digits[0]);
        if (nd > 1) PUT(".%s", digits + 1);
        PUT("e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        PUT("0.");
        for (int k = 0; k < -exp10 - 1; k++) PUT("0");
        PUT("%s", digits);
    } else {
        for (int k = 0; k <= exp10; k++) PUT("%c", k < (int)nd ? digits[k] : '0');
        PUT(".");
        if ((int)nd > exp10 + 1) PUT("%s", digits + exp10 + 1);
        else PUT("0");
    }
#undef PUT
}

/* "(a, b, c)" of three Python floats. */
static void py_tuple3(const double v[3], char *out, size_t n) {
    char a[3][40];
    for (int k = 0; k < 3; k++) py_float(v[k], a[k], sizeof a[k]);
    snprintf(out, n, "(%s, %s, %s)", a[0], a[1], a[2]);
}

/* A 20-byte SHA-1 digest as 40 lower-case hex digits. */
static void hex20(const unsigned char md[20], char hex[41]) {
    for (unsigned i = 0; i < 20; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* SHA-1 hex of a buffer (PyRadiomics: hashlib.sha1(array).hexdigest()). */
static qib_status sha1_hex(const void *buf, size_t len, char hex[41], qib_error *err) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(buf, len, md, &md_len, EVP_sha1(), NULL) != 1 || md_len != 20)
        return qib__fail(err, QIB_ERR_UNSUPPORTED, NULL, -1, "diagnostics",
                         "SHA-1 is not available from OpenSSL");
    hex20(md, hex);
    return QIB_OK;
}

/* SHA-1 of the label volume as 32-bit integers: PyRadiomics reads masks as
 * SimpleITK UInt32 label images (checked against its reference output for
 * int16 and uint8 NIfTI masks). */
static qib_status label_sha1(const qib_volume *labels, size_t n, char hex[41], qib_error *err) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int32_t chunk[4096];
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
    for (size_t i = 0; i < n && ok; i += 4096) {
        size_t m = n - i < 4096 ? n - i : 4096;
        for (size_t k = 0; k < m; k++) chunk[k] = (int32_t)lround(qib_volume_value(labels, i + k));
        ok = EVP_DigestUpdate(ctx, chunk, m * sizeof chunk[0]) == 1;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len == 20;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return qib__fail(err, QIB_ERR_UNSUPPORTED, NULL, -1, "diagnostics",
                         "SHA-1 is not available from OpenSSL");
    hex20(md, hex);
    return QIB_OK;
}

static qib_status add_text(qib_results *r, const char *name, const char *text, qib_error *err) {
    return qib_results_add_text(r, "", FAM, name, text, err);
}

static qib_status add_number(qib_results *r, const char *name, double v, qib_error *err) {
    return qib_results_add(r, "", FAM, name, "", "", v, err);
}

/* Number of 6-connected components of the mask inside its bounding box
 * (SimpleITK's ConnectedComponent with fullyConnected false, as
 * generalinfo.py calls it). */
static qib_status count_components(const qib_mask *m, const qib_box *b, size_t *count,
                                   qib_error *err) {
    const qib_grid *g = qib_mask_grid(m);
    const uint8_t *md = qib_mask_cdata(m);
    size_t bx = b->size[0], by = b->size[1], bz = b->size[2], n = bx * by * bz;
    uint8_t *seen = calloc(n, 1);
    size_t *queue = malloc(n * sizeof *queue);
    if (!seen || !queue) {
        free(seen);
        free(queue);
        return qib__nomem(err, NULL, "connected components");
    }
    size_t nx = g->dim[0], nxy = g->dim[0] * g->dim[1], found = 0;
    for (size_t s = 0; s < n; s++) {
        size_t si = s % bx, sj = (s / bx) % by, sk = s / (bx * by);
        size_t src = (b->lo[0] + si) + (b->lo[1] + sj) * nx + (b->lo[2] + sk) * nxy;
        if (seen[s] || !md[src]) continue;
        found++;
        size_t head = 0, tail = 0;
        queue[tail++] = s;
        seen[s] = 1;
        while (head < tail) {
            size_t q = queue[head++];
            size_t c[3] = {q % bx, (q / bx) % by, q / (bx * by)}, ext[3] = {bx, by, bz};
            for (int a = 0; a < 3; a++) {
                for (int d = -1; d <= 1; d += 2) {
                    if ((d < 0 && c[a] == 0) || (d > 0 && c[a] + 1 == ext[a])) continue;
                    size_t nc[3] = {c[0], c[1], c[2]};
                    nc[a] = (size_t)((long long)nc[a] + d);
                    size_t nq = nc[0] + nc[1] * bx + nc[2] * bx * by;
                    size_t nsrc =
                        (b->lo[0] + nc[0]) + (b->lo[1] + nc[1]) * nx + (b->lo[2] + nc[2]) * nxy;
                    if (seen[nq] || !md[nsrc]) continue;
                    seen[nq] = 1;
                    queue[tail++] = nq;
                }
            }
        }
    }
    free(seen);
    free(queue);
    *count = found;
    return QIB_OK;
}

/* The Configuration_Settings dict, in PyRadiomics' key order, from the
 * qib settings that stand for PyRadiomics' (docs/PYRADIOMICS.md). */
static void settings_dict(const qib_settings *s, qib_buf *b) {
    char num[40];
    const char *spacing = qib_settings_string(s, "resample_spacing");
    const char *reseg = qib_settings_string(s, "reseg_range");
    const char *interp = qib_settings_string(s, "interpolation");
    qib__buf_puts(b, "{'minimumROIDimensions': ");
    snprintf(num, sizeof num, "%lld", (long long)qib_settings_int(s, "minimum_roi_dimensions"));
    qib__buf_puts(b, num);
    qib__buf_puts(b, ", 'minimumROISize': ");
    int64_t mrs = qib_settings_int(s, "minimum_roi_size");
    snprintf(num, sizeof num, "%lld", (long long)mrs);
    qib__buf_puts(b, mrs > 0 ? num : "None");
    qib__buf_puts(b, ", 'normalize': ");
    qib__buf_puts(b, qib_settings_bool(s, "normalize") ? "True" : "False");
    qib__buf_puts(b, ", 'normalizeScale': ");
    double ns = qib_settings_real(s, "normalize_scale");
    if (ns == floor(ns) && fabs(ns) < 1e15) snprintf(num, sizeof num, "%.0f", ns);
    else py_float(ns, num, sizeof num);
    qib__buf_puts(b, num);
    qib__buf_puts(b, ", 'removeOutliers': None, 'resampledPixelSpacing': ");
    if (!strcmp(spacing, "none")) {
        qib__buf_puts(b, "None");
    } else {
        qib__buf_puts(b, "[");
        qib__buf_puts(b, spacing);
        qib__buf_puts(b, "]");
    }
    qib__buf_puts(b, ", 'interpolator': '");
    qib__buf_puts(b, !strcmp(interp, "nearest")  ? "sitkNearestNeighbor"
                     : !strcmp(interp, "linear") ? "sitkLinear"
                                                 : "sitkBSpline");
    qib__buf_puts(b, "', 'preCrop': False, 'padDistance': 5, 'distances': [");
    qib__buf_puts(b, qib_settings_string(s, "distances"));
    qib__buf_puts(b, "], 'force2D': ");
    qib__buf_puts(b, qib_settings_bool(s, "force2d") ? "True" : "False");
    qib__buf_puts(b, ", 'force2Ddimension': ");
    snprintf(num, sizeof num, "%lld", (long long)qib_settings_int(s, "force2d_dimension"));
    qib__buf_puts(b, num);
    qib__buf_puts(b, ", 'resegmentRange': ");
    if (!strcmp(reseg, "none")) {
        qib__buf_puts(b, "None");
    } else {
        qib__buf_puts(b, "[");
        qib__buf_puts(b, reseg);
        qib__buf_puts(b, "]");
    }
    qib__buf_puts(b, ", 'label': ");
    snprintf(num, sizeof num, "%lld", (long long)qib_settings_int(s, "label"));
    qib__buf_puts(b, num);
    qib__buf_puts(b, ", 'additionalInfo': True");
    const char *discr = qib_settings_string(s, "discretisation");
    if (!strcmp(discr, "fbn")) {
        snprintf(num, sizeof num, "%lld", (long long)qib_settings_int(s, "bin_count"));
        qib__buf_puts(b, ", 'binCount': ");
        qib__buf_puts(b, num);
    } else if (qib_settings_real(s, "bin_width") != 25) {
        py_float(qib_settings_real(s, "bin_width"), num, sizeof num);
        qib__buf_puts(b, ", 'binWidth': ");
        qib__buf_puts(b, num);
    }
    qib__buf_puts(b, "}");
}

/* Image elements: hash, dimensionality, spacing, size, mean, min, max. */
static qib_status image_elements(const qib_volume *image, qib_results *r, qib_error *err) {
    char hex[41], text[160];
    const qib_grid *g = qib_volume_grid(image);
    size_t n = qib_volume_frame_voxels(image);
    QIB_FORWARD(sha1_hex(qib_volume_cdata(image), n * qib_dtype_size(qib_volume_dtype(image)),
                         hex, err));
    QIB_FORWARD(add_text(r, "Image-original_Hash", hex, err));
    QIB_FORWARD(add_text(r, "Image-original_Dimensionality", g->dim[2] > 1 ? "3D" : "2D", err));
    py_tuple3(g->spacing, text, sizeof text);
    QIB_FORWARD(add_text(r, "Image-original_Spacing", text, err));
    snprintf(text, sizeof text, "(%zu, %zu, %zu)", g->dim[0], g->dim[1], g->dim[2]);
    QIB_FORWARD(add_text(r, "Image-original_Size", text, err));
    double sum = 0, mn = HUGE_VAL, mx = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double v = qib_volume_value(image, i);
        sum += v;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
    }
    QIB_FORWARD(add_number(r, "Image-original_Mean", sum / (double)n, err));
    QIB_FORWARD(add_number(r, "Image-original_Minimum", mn, err));
    return add_number(r, "Image-original_Maximum", mx, err);
}

/* Mask elements: hash, spacing, size, bounding box, voxel and component
 * counts, centre of mass as index and as LPS point. */
static qib_status mask_elements(const qib_volume *labels, const qib_mask *mask, qib_results *r,
                                qib_error *err) {
    char hex[41], text[200];
    const qib_grid *g = qib_mask_grid(mask);
    size_t n = qib_volume_frame_voxels(labels);
    QIB_FORWARD(label_sha1(labels, n, hex, err));
    QIB_FORWARD(add_text(r, "Mask-original_Hash", hex, err));
    py_tuple3(g->spacing, text, sizeof text);
    QIB_FORWARD(add_text(r, "Mask-original_Spacing", text, err));
    snprintf(text, sizeof text, "(%zu, %zu, %zu)", g->dim[0], g->dim[1], g->dim[2]);
    QIB_FORWARD(add_text(r, "Mask-original_Size", text, err));
    qib_box b;
    qib_mask_bbox(mask, &b);
    snprintf(text, sizeof text, "(%zu, %zu, %zu, %zu, %zu, %zu)", b.lo[0], b.lo[1], b.lo[2],
             b.size[0], b.size[1], b.size[2]);
    QIB_FORWARD(add_text(r, "Mask-original_BoundingBox", text, err));
    const uint8_t *md = qib_mask_cdata(mask);
    size_t count = 0, nx = g->dim[0], nxy = g->dim[0] * g->dim[1];
    double c[3] = {0, 0, 0};
    for (size_t k = b.lo[2]; k < b.lo[2] + b.size[2]; k++)
        for (size_t j = b.lo[1]; j < b.lo[1] + b.size[1]; j++)
            for (size_t i = b.lo[0]; i < b.lo[0] + b.size[0]; i++)
                if (md[i + j * nx + k * nxy]) {
                    count++;
                    c[0] += (double)i;
                    c[1] += (double)j;
                    c[2] += (double)k;
                }
    QIB_FORWARD(add_number(r, "Mask-original_VoxelNum", (double)count, err));
    size_t comps = 0;
    QIB_FORWARD(count_components(mask, &b, &comps, err));
    QIB_FORWARD(add_number(r, "Mask-original_VolumeNum", (double)comps, err));
    for (int a = 0; a < 3; a++) c[a] /= (double)count;
    py_tuple3(c, text, sizeof text);
    QIB_FORWARD(add_text(r, "Mask-original_CenterOfMassIndex", text, err));
    double w[3];
    qib_grid_index_to_world(g, c, w);
    py_tuple3(w, text, sizeof text);
    return add_text(r, "Mask-original_CenterOfMass", text, err);
}

qib_status qib__pr_diagnostics(const qib_volume *image, const qib_volume *labels,
                               const qib_mask *mask, const qib_settings *s, qib_results *r,
                               qib_error *err) {
    QIB_FORWARD(add_text(r, "Versions_qib", qib_version_string(), err));
    QIB_FORWARD(add_text(r, "Versions_PyRadiomicsDefinitions", "3.1", err));
    qib_buf b;
    qib__buf_init(&b);
    settings_dict(s, &b);
    qib__buf_append(&b, "", 1);
    qib_status st = b.failed ? qib__nomem(err, NULL, "diagnostics")
                             : add_text(r, "Configuration_Settings", b.data, err);
    qib__buf_free(&b);
    QIB_FORWARD(st);
    qib__buf_init(&b);
    st = qib__pr_enabled_image_types(s, &b);
    qib__buf_append(&b, "", 1);
    if (!st) st = b.failed ? qib__nomem(err, NULL, "diagnostics")
                           : add_text(r, "Configuration_EnabledImageTypes", b.data, err);
    qib__buf_free(&b);
    QIB_FORWARD(st);
    QIB_FORWARD(image_elements(image, r, err));
    return mask_elements(labels, mask, r, err);
}
