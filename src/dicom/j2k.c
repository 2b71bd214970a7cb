/* SPDX-License-Identifier: Apache-2.0 */
/* j2k.c: JPEG 2000 decoder (ISO/IEC 15444-1) for DICOM 1.2.840.10008.1.2.4.90
 * and .91 (and the Part 2 syntaxes .92/.93 as far as OpenJPEG reads them),
 * through OpenJPEG from a memory stream. A fragment may hold a raw
 * codestream (SOC SIZ) or a JP2 file (signature box), which DICOM does not
 * allow (PS3.5 A.4.4) but some writers produce. The reversible/irreversible
 * component transform (YBR_RCT/YBR_ICT) is undone by OpenJPEG, so colour
 * comes out as RGB. Signedness and stored bits follow the DICOM header, not
 * the codestream's SIZ (the header wins, as the reference decodes do). */
#include <stdio.h>
#include <string.h>

#include <openjpeg.h>

#include "codec_priv.h"

/* The input bytes as an OpenJPEG stream, plus the last library error. */
typedef struct {
    const uint8_t *data;
    size_t len, pos;
    char msg[160];
} j2k_src;

/* OpenJPEG read callback: copies up to n bytes; (OPJ_SIZE_T)-1 at the end. */
static OPJ_SIZE_T j2k_read(void *buf, OPJ_SIZE_T n, void *user) {
    j2k_src *s = user;
    if (s->pos >= s->len) return (OPJ_SIZE_T)-1;
    size_t k = s->len - s->pos < n ? s->len - s->pos : n;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return k;
}

/* OpenJPEG skip callback: moves forward (or back) within the bytes. */
static OPJ_OFF_T j2k_skip(OPJ_OFF_T n, void *user) {
    j2k_src *s = user;
    if (n < 0 && (size_t)(-n) > s->pos) return -1;
    if (n > 0 && (size_t)n > s->len - s->pos) {
        OPJ_OFF_T done = (OPJ_OFF_T)(s->len - s->pos);
        s->pos = s->len;
        return done ? done : -1;
    }
    s->pos = (size_t)((OPJ_OFF_T)s->pos + n);
    return n;
}

/* OpenJPEG seek callback: absolute position inside the bytes. */
static OPJ_BOOL j2k_seek(OPJ_OFF_T n, void *user) {
    j2k_src *s = user;
    if (n < 0 || (uint64_t)n > s->len) return OPJ_FALSE;
    s->pos = (size_t)n;
    return OPJ_TRUE;
}

/* Keeps OpenJPEG's first error message for the located error. */
static void j2k_on_error(const char *msg, void *user) {
    j2k_src *s = user;
    if (s->msg[0]) return;
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    size_t n = strlen(s->msg);
    while (n && (s->msg[n - 1] == '\n' || s->msg[n - 1] == '\r')) s->msg[--n] = '\0';
}

/* Silences OpenJPEG warnings and information (the library never prints). */
static void j2k_quiet(const char *msg, void *user) {
    (void)msg;
    (void)user;
}

/* Tells a JP2 file (signature box, 15444-1 I.5.1) from a raw codestream
 * (SOC then SIZ, A.4.1/A.5.1); -1 when it is neither. */
static int j2k_format(const uint8_t *p, size_t n) {
    static const uint8_t jp2_sig[12] = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, 0x87, 10};
    if (n >= 12 && memcmp(p, jp2_sig, 12) == 0) return OPJ_CODEC_JP2;
    if (n >= 4 && p[0] == 0xFF && p[1] == 0x4F && p[2] == 0xFF && p[3] == 0x51)
        return OPJ_CODEC_J2K;
    return -1;
}

/* Checks the decoded image header (SIZ, A.5.1) against the DICOM
 * descriptor: size, component count, no component sub-sampling, and a
 * precision that fits the allocated bits (1-bit data may be coded in 8). */
static qib_status j2k_check(const qib_pixel_desc *d, const opj_image_t *img, qib_error *err) {
    const char *f = d->file;
    QIB_FAIL_IF(img->x1 <= img->x0 || img->y1 <= img->y0 || img->x1 - img->x0 != d->columns ||
                    img->y1 - img->y0 != d->rows,
                err, QIB_ERR_FORMAT, f, -1, "JPEG 2000 SIZ",
                "image is %u x %u (columns x rows) but the header says %u x %u",
                img->x1 - img->x0, img->y1 - img->y0, d->columns, d->rows);
    QIB_FAIL_IF(img->numcomps != d->samples_per_pixel, err, QIB_ERR_FORMAT, f, -1,
                "JPEG 2000 SIZ", "image has %u components but SamplesPerPixel is %u",
                img->numcomps, d->samples_per_pixel);
    unsigned maxprec = d->bits_allocated < 8 ? 8u : d->bits_allocated;
    for (unsigned c = 0; c < img->numcomps; c++) {
        const opj_image_comp_t *k = &img->comps[c];
        QIB_FAIL_IF(k->dx != 1 || k->dy != 1, err, QIB_ERR_UNSUPPORTED, f, -1, "JPEG 2000 SIZ",
                    "component %u is sub-sampled %u x %u; only 1 x 1 is supported", c + 1,
                    k->dx, k->dy);
        QIB_FAIL_IF(k->prec < 1 || k->prec > maxprec, err, QIB_ERR_FORMAT, f, -1,
                    "JPEG 2000 SIZ", "component %u has %u bits; BitsAllocated is %u", c + 1,
                    k->prec, d->bits_allocated);
    }
    return QIB_OK;
}

/* Copies the decoded components into the codec.h layout, interleaved. */
static qib_status j2k_copy(const qib_pixel_desc *d, const opj_image_t *img, uint8_t *out,
                           qib_error *err) {
    size_t pixels = (size_t)d->rows * d->columns;
    unsigned nc = img->numcomps;
    for (unsigned c = 0; c < nc; c++)
        QIB_FAIL_IF(!img->comps[c].data || img->comps[c].w != d->columns ||
                        img->comps[c].h != d->rows,
                    err, QIB_ERR_CORRUPT, d->file, -1, "JPEG 2000",
                    "component %u decoded to %u x %u; %u x %u expected", c + 1,
                    img->comps[c].w, img->comps[c].h, d->columns, d->rows);
    for (size_t i = 0; i < pixels; i++)
        for (unsigned c = 0; c < nc; c++)
            qib__codec_store(d, out, i * nc + c, img->comps[c].data[i]);
    return QIB_OK;
}

/* Reads the header, checks it, decodes the whole image, copies it out. */
static qib_status j2k_run(opj_codec_t *codec, opj_stream_t *stream, const qib_pixel_desc *d,
                          j2k_src *src, uint8_t *out, qib_error *err) {
    opj_dparameters_t par;
    opj_image_t *img = NULL;
    qib_status st = QIB_OK;
    opj_set_default_decoder_parameters(&par);
    if (!opj_setup_decoder(codec, &par) || !opj_read_header(stream, codec, &img)) {
        st = qib__fail(err, QIB_ERR_CORRUPT, d->file, -1, "JPEG 2000",
                       "invalid codestream header: %s", src->msg[0] ? src->msg : "unreadable");
    } else if ((st = j2k_check(d, img, err)) != QIB_OK) {
        /* error already located */
    } else if (!opj_decode(codec, stream, img) || !opj_end_decompress(codec, stream)) {
        st = qib__fail(err, QIB_ERR_CORRUPT, d->file, -1, "JPEG 2000", "cannot decode: %s",
                       src->msg[0] ? src->msg : "corrupt codestream");
    } else {
        st = j2k_copy(d, img, out, err);
    }
    opj_image_destroy(img);
    return st;
}

/* Decodes one JPEG 2000 frame into the codec.h layout. */
qib_status qib__decode_j2k(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                           uint8_t *out, qib_error *err) {
    QIB_FORWARD(qib__codec_check_desc(d, "JPEG 2000",
                                      QIB_CODEC_BA(1) | QIB_CODEC_BA(8) | QIB_CODEC_BA(16) |
                                          QIB_CODEC_BA(32),
                                      err));
    int fmt = in ? j2k_format(in, in_len) : -1;
    QIB_FAIL_IF(fmt < 0, err, QIB_ERR_CORRUPT, d->file, 0, "JPEG 2000",
                "frame starts with neither a J2K codestream (FF4F FF51) nor a JP2 signature box");
    j2k_src src = {in, in_len, 0, ""};
    opj_stream_t *stream = opj_stream_create(in_len < 65536 ? in_len : 65536, OPJ_TRUE);
    if (!stream) return qib__nomem(err, d->file, "JPEG 2000 stream");
    opj_stream_set_user_data(stream, &src, NULL);
    opj_stream_set_user_data_length(stream, in_len);
    opj_stream_set_read_function(stream, j2k_read);
    opj_stream_set_skip_function(stream, j2k_skip);
    opj_stream_set_seek_function(stream, j2k_seek);
    opj_codec_t *codec = opj_create_decompress((OPJ_CODEC_FORMAT)fmt);
    if (!codec) {
        opj_stream_destroy(stream);
        return qib__nomem(err, d->file, "JPEG 2000 codec");
    }
    opj_set_error_handler(codec, j2k_on_error, &src);
    opj_set_warning_handler(codec, j2k_quiet, NULL);
    opj_set_info_handler(codec, j2k_quiet, NULL);
    qib_status st = j2k_run(codec, stream, d, &src, out, err);
    opj_destroy_codec(codec);
    opj_stream_destroy(stream);
    return st;
}
