/* SPDX-License-Identifier: Apache-2.0 */
/* jpeg.c: JPEG baseline and extended decoder (ITU-T T.81 processes 1, 2
 * and 4, DCT-based) for DICOM 1.2.840.10008.1.2.4.50 and .51, through
 * libjpeg-turbo (8-bit samples; islow IDCT and fancy up-sampling, the
 * settings of the reference decodes).
 *
 * Colour (PS3.5 8.2.1; checked against the GDCM reference decodes of the
 * corpus): the components are returned as coded, only up-sampled to one
 * triple per pixel, never colour-converted. YBR_FULL/YBR_FULL_422 data come
 * out as Y, Cb, Cr; RGB data (Adobe APP14 transform 0, or component ids that
 * are not 1,2,3) come out as R, G, B. The Photometric Interpretation says
 * which, as for native data. 12-bit precision (process 4) goes to
 * jpeg12.c: Debian 12's libjpeg62-turbo is built for 8-bit samples only. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "codec_priv.h"

/* libjpeg error manager that returns control by longjmp and keeps the
 * message (libjpeg.txt, "Error handling"); warnings are silent. */
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    bool premature_end; /* libjpeg padded missing data with zeros */
} jp_err;

/* Fatal libjpeg error: keep the text and unwind to jp_run. */
static void jp_error_exit(j_common_ptr c) {
    jp_err *e = (jp_err *)c->err;
    (*c->err->format_message)(c, e->msg);
    longjmp(e->jump, 1);
}

/* libjpeg warnings and traces: the library never prints. The one warning
 * kept is "premature end of data" (JWRN_JPEG_EOF), which becomes an error:
 * libjpeg would return a partly grey image. */
static void jp_emit_message(j_common_ptr c, int level) {
    if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) ((jp_err *)c->err)->premature_end = true;
}

/* Finds the frame header (SOFn, T.81 B.2.2) and returns its sample
 * precision P, or 0 when there is none before SOS/EOI or the end. */
static unsigned jp_precision(const uint8_t *p, size_t n) {
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF) return 0;
        unsigned m = p[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == 0xDA || m == 0xD9) return 0;
        size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) return i + 4 < n ? p[i + 4] : 0;
        if (len < 2) return 0;
        i += 2 + len;
    }
    return 0;
}

/* Checks the frame header libjpeg read against the DICOM descriptor, and
 * picks the output colour space (see the top of the file). */
static qib_status jp_setup(struct jpeg_decompress_struct *ci, const qib_pixel_desc *d,
                           qib_error *err) {
    const char *f = d->file;
    QIB_FAIL_IF(ci->image_width != d->columns || ci->image_height != d->rows, err,
                QIB_ERR_FORMAT, f, -1, "JPEG SOF",
                "frame is %u x %u (columns x rows) but the header says %u x %u",
                ci->image_width, ci->image_height, d->columns, d->rows);
    QIB_FAIL_IF(ci->num_components != (int)d->samples_per_pixel, err, QIB_ERR_FORMAT, f, -1,
                "JPEG SOF", "frame has %d components but SamplesPerPixel is %u",
                ci->num_components, d->samples_per_pixel);
    QIB_FAIL_IF(ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK, err,
                QIB_ERR_UNSUPPORTED, f, -1, "JPEG SOF", "4-component (CMYK/YCCK) JPEG");
    /* No colour conversion: out = coded space gives libjpeg's null
     * converter (only up-sampling), as the GDCM reference decodes. */
    ci->out_color_space = ci->jpeg_color_space;
    ci->dct_method = JDCT_ISLOW;
    ci->do_fancy_upsampling = TRUE;
    return QIB_OK;
}

/* Runs libjpeg over the frame. Returns 1 after a libjpeg error (msg set),
 * else 0 with *st telling whether the header checks passed. Kept apart
 * from locals that must survive longjmp. */
static int jp_run(struct jpeg_decompress_struct *ci, jp_err *je, const qib_pixel_desc *d,
                  const uint8_t *in, size_t in_len, uint8_t *out, qib_status *st,
                  qib_error *err) {
    if (setjmp(je->jump)) return 1;
    jpeg_create_decompress(ci);
    jpeg_mem_src(ci, in, (unsigned long)in_len);
    jpeg_read_header(ci, TRUE);
    *st = jp_setup(ci, d, err);
    if (*st != QIB_OK) return 0;
    jpeg_start_decompress(ci);
    size_t row_samples = (size_t)ci->output_width * (size_t)ci->output_components;
    JSAMPLE *row = (*ci->mem->alloc_sarray)((j_common_ptr)ci, JPOOL_IMAGE,
                                            (JDIMENSION)row_samples, 1)[0];
    while (ci->output_scanline < ci->output_height) {
        size_t y = ci->output_scanline;
        jpeg_read_scanlines(ci, &row, 1);
        for (size_t i = 0; i < row_samples; i++)
            qib__codec_store(d, out, y * row_samples + i, row[i]);
    }
    jpeg_finish_decompress(ci);
    return 0;
}

/* Decodes one JPEG baseline/extended frame into the codec.h layout. */
qib_status qib__decode_jpeg(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                            uint8_t *out, qib_error *err) {
    QIB_FORWARD(qib__codec_check_desc(d, "JPEG", QIB_CODEC_BA(8) | QIB_CODEC_BA(16), err));
    QIB_FAIL_IF(!in || in_len < 4 || in[0] != 0xFF || in[1] != 0xD8, err, QIB_ERR_CORRUPT,
                d->file, 0, "JPEG SOI", "frame does not start with the JPEG SOI marker 0xFFD8");
    unsigned prec = jp_precision(in, in_len);
    if (prec == 12) return qib__decode_jpeg12(d, in, in_len, out, err);
    QIB_FAIL_IF(prec != 8, err, QIB_ERR_CORRUPT, d->file, -1, "JPEG SOF",
                "sample precision is %u; baseline/extended JPEG allows 8 or 12", prec);
    struct jpeg_decompress_struct ci;
    jp_err je;
    memset(&ci, 0, sizeof ci);
    memset(&je, 0, sizeof je);
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jp_error_exit;
    je.pub.emit_message = jp_emit_message;
    qib_status st = QIB_OK;
    if (jp_run(&ci, &je, d, in, in_len, out, &st, err))
        st = qib__fail(err, QIB_ERR_CORRUPT, d->file, -1, "JPEG", "libjpeg: %s", je.msg);
    else if (st == QIB_OK && je.premature_end)
        st = qib__fail(err, QIB_ERR_TRUNCATED, d->file, (int64_t)in_len, "JPEG",
                       "compressed data end before the last pixel (no EOI marker)");
    jpeg_destroy_decompress(&ci);
    return st;
}
