/* SPDX-License-Identifier: Apache-2.0 */
/* make-codec-seeds.c: writes the tiny seed inputs of fuzz/jpeg_fuzz.c,
 * fuzz/jpegls_fuzz.c and fuzz/j2k_fuzz.c, encoded by the reference
 * encoders (libjpeg-turbo, CharLS, OpenJPEG) plus the 12-bit DCT test
 * encoder of tests/unit/codec_encoders.h. Each seed is the fuzz target's
 * 4-byte descriptor followed by one encoded frame.
 *
 * Build and run from the repository root:
 *   cc -std=c11 -O1 -Isrc -Iinclude -Itests/unit -I/usr/include/openjpeg-2.5 \
 *      scripts/make-codec-seeds.c -o /tmp/make-codec-seeds -ljpeg -lcharls -lopenjp2
 *   /tmp/make-codec-seeds fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charls/charls.h>
#include <jpeglib.h>
#include <openjpeg.h>

#define assert_true(x)                                                                             \
    do {                                                                                           \
        if (!(x)) abort();                                                                         \
    } while (0)
#define assert_non_null(x) assert_true((x) != NULL)
#include "codec_encoders.h"

static const char *g_root;

static void write_seed(const char *dir, const char *name, const uint8_t desc[4],
                       const uint8_t *data, size_t len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", g_root, dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(desc, 1, 4, f);
    fwrite(data, 1, len, f);
    fclose(f);
    printf("%s: %zu bytes\n", path, len + 4);
}

/* Deterministic test pattern: a gradient with some texture. */
static int pattern(unsigned x, unsigned y, unsigned c, unsigned maxval) {
    unsigned v = (x * 37u + y * 11u + c * 53u + ((x ^ y) & 7u) * 5u) % (maxval + 1u);
    return (int)v;
}

/* ---- JPEG baseline (libjpeg-turbo) ---- */
static void jpeg_seed(const char *name, unsigned w, unsigned h, int nc, J_COLOR_SPACE cs,
                      int h_samp, int v_samp, int progressive, int restart, const uint8_t desc[4]) {
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *mem = NULL;
    unsigned long memlen = 0;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &mem, &memlen);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = nc;
    ci.in_color_space = nc == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 90, TRUE);
    if (nc == 3) {
        jpeg_set_colorspace(&ci, cs);
        ci.comp_info[0].h_samp_factor = h_samp;
        ci.comp_info[0].v_samp_factor = v_samp;
    }
    if (progressive) jpeg_simple_progression(&ci);
    ci.restart_interval = (unsigned)restart;
    jpeg_start_compress(&ci, TRUE);
    unsigned char *row = malloc((size_t)w * (size_t)nc);
    while (ci.next_scanline < h) {
        for (unsigned x = 0; x < w; x++)
            for (int c = 0; c < nc; c++)
                row[x * (unsigned)nc + (unsigned)c] =
                    (unsigned char)pattern(x, ci.next_scanline, (unsigned)c, 255);
        JSAMPROW rp = row;
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    write_seed("jpeg", name, desc, mem, memlen);
    free(row);
    free(mem);
}

static void jpeg12_seed(const char *name, unsigned w, unsigned h, unsigned ri,
                        const uint8_t desc[4]) {
    unsigned nb = ((w + 7) / 8) * ((h + 7) / 8);
    int32_t *dc = malloc(nb * sizeof *dc);
    for (unsigned b = 0; b < nb; b++) dc[b] = (int32_t)(b * 300u % 4000u) - 2000;
    size_t len = 0;
    uint8_t *s = j12_encode(dc, h, w, ri, &len);
    write_seed("jpeg", name, desc, s, len);
    free(s);
    free(dc);
}

/* ---- JPEG-LS (CharLS) ---- */
static void jls_seed(const char *name, unsigned w, unsigned h, int nc, int bits, int near,
                     charls_interleave_mode ilv, const uint8_t desc[4]) {
    size_t bps = bits > 8 ? 2 : 1, n = (size_t)w * h * (size_t)nc;
    uint8_t *src = calloc(n, bps);
    unsigned maxval = (1u << bits) - 1u;
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++)
            for (int c = 0; c < nc; c++) {
                /* planar for ILV none, interleaved otherwise (CharLS layout) */
                size_t i = ilv == CHARLS_INTERLEAVE_MODE_NONE
                               ? (size_t)c * w * h + (size_t)y * w + x
                               : ((size_t)y * w + x) * (size_t)nc + (size_t)c;
                int v = pattern(x, y, (unsigned)c, maxval);
                if (bps == 1)
                    src[i] = (uint8_t)v;
                else
                    memcpy(src + 2 * i, &(uint16_t){(uint16_t)v}, 2);
            }
    charls_jpegls_encoder *e = charls_jpegls_encoder_create();
    charls_frame_info fi = {w, h, bits, nc};
    if (charls_jpegls_encoder_set_frame_info(e, &fi) ||
        charls_jpegls_encoder_set_near_lossless(e, near) ||
        (nc > 1 && charls_jpegls_encoder_set_interleave_mode(e, ilv))) {
        fprintf(stderr, "charls setup failed for %s\n", name);
        exit(1);
    }
    size_t cap = 0;
    if (charls_jpegls_encoder_get_estimated_destination_size(e, &cap)) exit(1);
    uint8_t *dst = malloc(cap);
    size_t written = 0;
    if (charls_jpegls_encoder_set_destination_buffer(e, dst, cap) ||
        charls_jpegls_encoder_encode_from_buffer(e, src, n * bps, 0) ||
        charls_jpegls_encoder_get_bytes_written(e, &written)) {
        fprintf(stderr, "charls encode failed for %s\n", name);
        exit(1);
    }
    write_seed("jpegls", name, desc, dst, written);
    charls_jpegls_encoder_destroy(e);
    free(dst);
    free(src);
}

/* ---- JPEG 2000 (OpenJPEG) ---- */
typedef struct {
    uint8_t *buf;
    size_t len, cap, pos;
} membuf;

static OPJ_SIZE_T mb_write(void *p, OPJ_SIZE_T n, void *user) {
    membuf *m = user;
    if (m->pos + n > m->cap) {
        size_t cap = (m->pos + n) * 2;
        uint8_t *nb = realloc(m->buf, cap);
        if (!nb) return (OPJ_SIZE_T)-1;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->pos, p, n);
    m->pos += n;
    if (m->pos > m->len) m->len = m->pos;
    return n;
}
static OPJ_OFF_T mb_skip(OPJ_OFF_T n, void *user) {
    membuf *m = user;
    m->pos += (size_t)n;
    return n;
}
static OPJ_BOOL mb_seek(OPJ_OFF_T n, void *user) {
    membuf *m = user;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

static void j2k_seed(const char *name, unsigned w, unsigned h, int nc, int prec, int sgnd,
                     int lossy, int jp2, int mct, const uint8_t desc[4]) {
    opj_image_cmptparm_t cp[3];
    memset(cp, 0, sizeof cp);
    for (int c = 0; c < nc; c++) {
        cp[c].dx = cp[c].dy = 1;
        cp[c].w = w;
        cp[c].h = h;
        cp[c].prec = (OPJ_UINT32)prec;
        cp[c].sgnd = (OPJ_UINT32)sgnd;
    }
    opj_image_t *img =
        opj_image_create((OPJ_UINT32)nc, cp, nc == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
    img->x0 = img->y0 = 0;
    img->x1 = w;
    img->y1 = h;
    unsigned maxval = (1u << prec) - 1u;
    for (int c = 0; c < nc; c++)
        for (unsigned y = 0; y < h; y++)
            for (unsigned x = 0; x < w; x++) {
                int v = pattern(x, y, (unsigned)c, maxval);
                if (sgnd) v -= (int)(maxval / 2u + 1u);
                img->comps[c].data[y * w + x] = v;
            }
    opj_cparameters_t p;
    opj_set_default_encoder_parameters(&p);
    p.tcp_numlayers = 1;
    p.tcp_rates[0] = lossy ? 4.0f : 0.0f;
    p.cp_disto_alloc = 1;
    p.irreversible = lossy;
    p.tcp_mct = (char)(nc == 3 && mct);
    p.numresolution = 3;
    opj_codec_t *codec = opj_create_compress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    membuf m = {0};
    opj_stream_t *s = opj_stream_create(4096, OPJ_FALSE);
    opj_stream_set_user_data(s, &m, NULL);
    opj_stream_set_write_function(s, mb_write);
    opj_stream_set_skip_function(s, mb_skip);
    opj_stream_set_seek_function(s, mb_seek);
    if (!opj_setup_encoder(codec, &p, img) || !opj_start_compress(codec, img, s) ||
        !opj_encode(codec, s) || !opj_end_compress(codec, s)) {
        fprintf(stderr, "openjpeg encode failed for %s\n", name);
        exit(1);
    }
    write_seed("j2k", name, desc, m.buf, m.len);
    opj_stream_destroy(s);
    opj_destroy_codec(codec);
    opj_image_destroy(img);
    free(m.buf);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s fuzz/corpus\n", argv[0]);
        return 2;
    }
    g_root = argv[1];
    (void)rle_encode; /* encoders of codec_encoders.h not used here */
    (void)ll_encode;
    /* jpeg_fuzz descriptor: rows-1, cols-1, flags (bit0 3 samples, bit1
     * BitsAllocated 16, bit2 signed, bit3 YBR_FULL_422), BitsStored-1. */
    jpeg_seed("grey8_8x8", 8, 8, 1, JCS_GRAYSCALE, 1, 1, 0, 0, (const uint8_t[4]){7, 7, 0x00, 7});
    jpeg_seed("ybr420_16x16_rst", 16, 16, 3, JCS_YCbCr, 2, 2, 0, 1,
              (const uint8_t[4]){15, 15, 0x09, 7});
    jpeg_seed("ybr422_9x5", 5, 9, 3, JCS_YCbCr, 2, 1, 0, 0, (const uint8_t[4]){8, 4, 0x09, 7});
    jpeg_seed("rgb_app14_3x3", 3, 3, 3, JCS_RGB, 1, 1, 0, 0, (const uint8_t[4]){2, 2, 0x01, 7});
    jpeg_seed("grey8_progressive_12x10", 10, 12, 1, JCS_GRAYSCALE, 1, 1, 1, 0,
              (const uint8_t[4]){11, 9, 0x00, 7});
    jpeg12_seed("grey12_flat_16x16", 16, 16, 0, (const uint8_t[4]){15, 15, 0x02, 11});
    jpeg12_seed("grey12_flat_rst_13x9", 9, 13, 1, (const uint8_t[4]){12, 8, 0x06, 11});

    /* jpegls_fuzz descriptor: as jpeg_fuzz; bit3 near-lossless (.4.81). */
    jls_seed("grey8_8x8", 8, 8, 1, 8, 0, CHARLS_INTERLEAVE_MODE_NONE,
             (const uint8_t[4]){7, 7, 0x00, 7});
    jls_seed("grey12_near2_7x5", 5, 7, 1, 12, 2, CHARLS_INTERLEAVE_MODE_NONE,
             (const uint8_t[4]){6, 4, 0x0A, 11});
    jls_seed("grey16_signed_4x6", 6, 4, 1, 16, 0, CHARLS_INTERLEAVE_MODE_NONE,
             (const uint8_t[4]){3, 5, 0x06, 15});
    jls_seed("rgb8_ilv0_4x4", 4, 4, 3, 8, 0, CHARLS_INTERLEAVE_MODE_NONE,
             (const uint8_t[4]){3, 3, 0x01, 7});
    jls_seed("rgb8_ilv1_5x3", 3, 5, 3, 8, 0, CHARLS_INTERLEAVE_MODE_LINE,
             (const uint8_t[4]){4, 2, 0x01, 7});
    jls_seed("rgb8_ilv2_near1_6x6", 6, 6, 3, 8, 1, CHARLS_INTERLEAVE_MODE_SAMPLE,
             (const uint8_t[4]){5, 5, 0x09, 7});

    /* j2k_fuzz descriptor: rows-1, cols-1, flags (bit0 3 samples, bits 1-2
     * BitsAllocated 8/16/32/1, bit3 signed, bit4 lossy .4.91), BitsStored-1. */
    j2k_seed("grey8_8x8.j2k", 8, 8, 1, 8, 0, 0, 0, 0, (const uint8_t[4]){7, 7, 0x00, 7});
    j2k_seed("grey12_signed_9x7.j2k", 7, 9, 1, 12, 1, 0, 0, 0,
             (const uint8_t[4]){8, 6, 0x0A, 11});
    j2k_seed("grey16_lossy_16x12.j2k", 12, 16, 1, 16, 0, 1, 0, 0,
             (const uint8_t[4]){15, 11, 0x12, 15});
    j2k_seed("rgb8_rct_6x5.j2k", 5, 6, 3, 8, 0, 0, 0, 1, (const uint8_t[4]){5, 4, 0x01, 7});
    j2k_seed("rgb8_ict_jp2_8x8.jp2", 8, 8, 3, 8, 0, 1, 1, 1,
             (const uint8_t[4]){7, 7, 0x11, 7});
    j2k_seed("bits1_8x4.j2k", 4, 8, 1, 1, 0, 0, 0, 0, (const uint8_t[4]){7, 3, 0x06, 0});
    return 0;
}
