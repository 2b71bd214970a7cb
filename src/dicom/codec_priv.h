/* SPDX-License-Identifier: Apache-2.0 */
/* codec_priv.h: helpers the pixel-data decoders share (folder-private; the
 * parser only needs codec.h). Defined in codec.c. */
#ifndef QIB_DICOM_CODEC_PRIV_H
#define QIB_DICOM_CODEC_PRIV_H

#include "codec.h"

/* Caps on what a decoder accepts from a descriptor, before it allocates:
 * the DICOM limit for rows/columns (US) and 64 Mi samples per frame. */
#define QIB_CODEC_MAX_DIM 65535u
#define QIB_CODEC_MAX_FRAME_SAMPLES (64u * 1024u * 1024u)

/* Bytes per output sample: bits_allocated/8, or 1 for bits_allocated 1. */
unsigned qib__codec_bytes_per_sample(const qib_pixel_desc *d);

/* Checks a descriptor before decoding (PS3.3 C.7.6.3.1: sample counts, bit
 * depths, stored bits not above allocated bits) against what `codec`
 * accepts: `allowed_ba` is a bit mask of accepted bits_allocated values
 * (bit n set = n bits, n in 1,8,16,32). Fails with QIB_ERR_FORMAT,
 * QIB_ERR_UNSUPPORTED or QIB_ERR_LIMIT naming the field. */
qib_status qib__codec_check_desc(const qib_pixel_desc *d, const char *codec, uint64_t allowed_ba,
                                 qib_error *err);
#define QIB_CODEC_BA(n) ((uint64_t)1 << (n))

/* Stores decoded value v as output sample number idx: reduced to the header's
 * bits_stored and sign-extended when pixel_representation is 1 (the header
 * wins over the codestream, PS3.5 8.2), then written little-endian in
 * bytes_per_sample bytes. For bits_allocated 1 it stores v & 1. */
void qib__codec_store(const qib_pixel_desc *d, uint8_t *out, size_t idx, int64_t v);

/* 12-bit JPEG DCT decoder (jpeg12.c), called by qib__decode_jpeg for
 * frames of precision 12; `in` starts with SOI. */
qib_status qib__decode_jpeg12(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                              uint8_t *out, qib_error *err);

#endif
