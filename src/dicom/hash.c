/* SPDX-License-Identifier: Apache-2.0 */
/* hash.c: the pixel checksum of the qib DICOM test corpus (pixel_sha256 in
 * ../shared/dicom-corpus/README.md): SHA-256 of every frame decoded by
 * qib_dicom_decode_frame (values reduced to Bits Stored and sign-extended,
 * colour interleaved, 1-bit data one byte 0/1 per pixel, YBR 4:2:2
 * expanded), stored little-endian, frame 1 to N. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "dicom_internal.h"

static double sample(const uint8_t *p, qib_dtype t) {
    switch (t) {
    case QIB_DT_U8: return p[0];
    case QIB_DT_I8: return (int8_t)p[0];
    case QIB_DT_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case QIB_DT_I16: { int16_t v; memcpy(&v, p, 2); return v; }
    case QIB_DT_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case QIB_DT_I32: { int32_t v; memcpy(&v, p, 4); return v; }
    case QIB_DT_F32: { float v; memcpy(&v, p, 4); return v; }
    default: { double v; memcpy(&v, p, 8); return v; }
    }
}

qib_status qib_dicom_pixel_sha256(const qib_dicom *d, char hex[65], double *min, double *max,
                                  qib_error *err) {
    qib_dicom_pixels px;
    QIB_FORWARD(qib_dicom_get_pixels(d, &px, err));
    uint8_t *frame = malloc(px.frame_bytes ? px.frame_bytes : 1);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!frame || !ctx) {
        free(frame);
        EVP_MD_CTX_free(ctx);
        return qib__nomem(err, d->name, "pixel hash");
    }
    qib_status st = QIB_OK;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        st = qib__fail(err, QIB_ERR_NOMEM, d->name, -1, NULL, "SHA-256 is not available");
    size_t sz = qib_dtype_size(px.dtype), n = px.frame_bytes / sz;
    double lo = 0, hi = 0;
    bool swap = !qib__host_is_little_endian();
    for (uint32_t f = 0; st == QIB_OK && f < px.frames; f++) {
        st = qib_dicom_decode_frame(d, f, frame, px.frame_bytes, err);
        if (st != QIB_OK) break;
        for (size_t i = 0; i < n; i++) {
            double v = sample(frame + i * sz, px.dtype);
            if ((f == 0 && i == 0) || v < lo) lo = v;
            if ((f == 0 && i == 0) || v > hi) hi = v;
        }
        if (swap) qib__byteswap(frame, n, sz);
        EVP_DigestUpdate(ctx, frame, px.frame_bytes);
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (st == QIB_OK && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32) {
        static const char digits[] = "0123456789abcdef";
        for (int i = 0; i < 32; i++) {
            hex[2 * i] = digits[md[i] >> 4];
            hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[64] = '\0';
        if (min) *min = lo;
        if (max) *max = hi;
    } else if (st == QIB_OK) {
        st = qib__fail(err, QIB_ERR_NOMEM, d->name, -1, NULL, "SHA-256 failed");
    }
    EVP_MD_CTX_free(ctx);
    free(frame);
    return st;
}
