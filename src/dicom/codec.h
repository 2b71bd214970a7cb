/* SPDX-License-Identifier: Apache-2.0 */
/* codec.h: the one interface between the DICOM parser and the pixel-data
 * decoders (folder-private). The parser finds a frame's bytes (native, or the
 * fragments of one encapsulated frame joined) and describes the pixels; a
 * codec turns them into native samples. */
#ifndef QIB_DICOM_CODEC_H
#define QIB_DICOM_CODEC_H

#include "../common/qib_internal.h"

/* What the image pixel module says about a frame (PS3.3 C.7.6.3). */
typedef struct qib_pixel_desc {
    uint32_t rows, columns;
    uint16_t samples_per_pixel;   /* 1 or 3 */
    uint16_t bits_allocated;      /* 1, 8, 16, 32, 64 */
    uint16_t bits_stored;
    uint16_t high_bit;
    uint16_t pixel_representation; /* 0 unsigned, 1 two's complement */
    uint16_t planar_configuration; /* 0 interleaved (RGBRGB), 1 planar (RRGGBB) */
    char photometric[17];          /* "MONOCHROME2", "RGB", "YBR_FULL_422", ... */
    const char *transfer_syntax;   /* UID, e.g. "1.2.840.10008.1.2.4.50" */
    const char *file;              /* for messages */
} qib_pixel_desc;

/* Output layout every decoder produces: one frame of rows*columns*samples
 * samples, each of bytes_per_sample = bits_allocated/8 bytes (1 for
 * bits_allocated 1: one byte per pixel, 0 or 1), little-endian host order,
 * colour interleaved (planar configuration 0), in the colour space the
 * decoder returns (documented per codec: e.g. JPEG baseline YBR is converted
 * to RGB exactly as the reference decodes in ../shared/dicom-corpus do).
 * Signed data are sign-extended from bits_stored to the full sample. */
size_t qib__frame_bytes(const qib_pixel_desc *d);

/* A decoder: in/in_len is one frame's encapsulated data (fragments joined);
 * out has qib__frame_bytes(d) bytes. Errors name d->file and the reason. */
typedef qib_status (*qib_frame_decoder)(const qib_pixel_desc *d, const uint8_t *in,
                                        size_t in_len, uint8_t *out, qib_error *err);

/* Looks up the decoder of a transfer syntax; NULL for native syntaxes and
 * for syntaxes qib refuses (the caller names them, e.g. HTJ2K). */
qib_frame_decoder qib__codec_for(const char *transfer_syntax_uid);

/* The decoders (one file each under src/dicom/). */
qib_status qib__decode_rle(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                           uint8_t *out, qib_error *err);
qib_status qib__decode_jpeg(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                            uint8_t *out, qib_error *err); /* baseline + extended (libjpeg-turbo) */
qib_status qib__decode_jpeg_lossless(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                                     uint8_t *out, qib_error *err); /* process 14, SV1 */
qib_status qib__decode_jpegls(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                              uint8_t *out, qib_error *err); /* CharLS */
qib_status qib__decode_j2k(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                           uint8_t *out, qib_error *err); /* OpenJPEG */

#endif
