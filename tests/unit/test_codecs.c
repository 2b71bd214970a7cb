/* SPDX-License-Identifier: Apache-2.0 */
/* test_codecs.c: the pixel-data decoders of src/dicom (RLE, JPEG
 * baseline/extended, JPEG lossless, JPEG-LS, JPEG 2000).
 * (a) Synthetic: small images encoded here (PackBits RLE, JPEG lossless and
 *     flat-block 12-bit JPEG encoders in codec_encoders.h; CharLS, OpenJPEG
 *     and libjpeg-turbo encoders) must decode back; malformed streams must
 *     fail with a named status.
 * (b) Corpus: every frame of every ../shared/dicom-corpus file of these
 *     transfer syntaxes is decoded and hashed as the README defines
 *     pixel_sha256; the hash must equal the manifest's. A tally per transfer
 *     syntax is printed. Skipped with a message when ../shared is absent.
 * Run: build/<dir>/tests/test_codecs (QIB_SHARED_DIR=... points elsewhere);
 * CMOCKA_TEST_ABORT=1 stops at the first failure with a usable backtrace. */
#include "test_util.h"

#include <charls/charls.h>
#include <jpeglib.h>
#include <openjpeg.h>

#include "dicom/codec.h"
#include "codec_corpus.h"
#include "codec_encoders.h"

/* A descriptor for synthetic tests. */
static qib_pixel_desc desc(uint32_t rows, uint32_t cols, unsigned spp, unsigned ba, unsigned bs,
                           unsigned pr, const char *pi, const char *ts) {
    qib_pixel_desc d;
    memset(&d, 0, sizeof d);
    d.rows = rows;
    d.columns = cols;
    d.samples_per_pixel = (uint16_t)spp;
    d.bits_allocated = (uint16_t)ba;
    d.bits_stored = (uint16_t)bs;
    d.high_bit = (uint16_t)(bs - 1);
    d.pixel_representation = (uint16_t)pr;
    snprintf(d.photometric, sizeof d.photometric, "%s", pi);
    d.transfer_syntax = ts;
    d.file = "synthetic.dcm";
    return d;
}

/* Reads output sample i (little-endian, bits_allocated/8 bytes) as signed
 * or unsigned per the descriptor. */
static int64_t sample_at(const qib_pixel_desc *d, const uint8_t *out, size_t i) {
    unsigned bps = d->bits_allocated <= 8 ? 1 : d->bits_allocated / 8u;
    uint64_t v = 0;
    for (unsigned b = 0; b < bps; b++) v |= (uint64_t)out[i * bps + b] << (8 * b);
    if (d->pixel_representation && (v >> (8 * bps - 1)) & 1)
        return (int64_t)v - ((int64_t)1 << (8 * bps));
    return (int64_t)v;
}

/* A deterministic test image: a gradient plus noise, in bits bits; signed
 * images are centred on 0. */
static int32_t *make_image(size_t n, unsigned bits, bool sgn, uint32_t seed) {
    int32_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    uint32_t max = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        uint32_t u = (uint32_t)((i * 37u + (seed >> 20)) & max);
        if (i % 17 == 0) u = max;
        if (i % 19 == 0) u = 0;
        v[i] = (int32_t)(sgn ? (int64_t)u - (int64_t)(max / 2 + 1) : (int64_t)u);
    }
    return v;
}

/* Asserts the decoded frame equals `want` sample by sample. */
static void assert_frame(const qib_pixel_desc *d, const uint8_t *out, const int32_t *want,
                         size_t n) {
    for (size_t i = 0; i < n; i++)
        if (sample_at(d, out, i) != want[i])
            fail_msg("sample %zu: decoded %lld, expected %d", i, (long long)sample_at(d, out, i),
                     want[i]);
}

/* Decodes with `fn`, expecting status `want`; returns the output buffer. */
static uint8_t *run_decoder(qib_frame_decoder fn, const qib_pixel_desc *d, const uint8_t *in,
                            size_t len, qib_status want) {
    qib_error err;
    qib_error_clear(&err);
    size_t n = qib__frame_bytes(d);
    uint8_t *out = malloc(n ? n : 1);
    assert_non_null(out);
    qib_status st = fn(d, in, len, out, &err);
    if (st != want) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        fail_msg("expected %s, got %s: %s", qib_status_name(want), qib_status_name(st), msg);
    }
    if (st != QIB_OK) {
        assert_true(err.reason[0] != '\0');
        assert_string_equal(err.file, d->file);
    }
    return out;
}

/* ---- (a) RLE (PS3.5 Annex G) ---- */

/* Round trip of one RLE configuration. */
static void rle_roundtrip(unsigned rows, unsigned cols, unsigned spp, unsigned ba, unsigned bs,
                          unsigned pr) {
    qib_pixel_desc d = desc(rows, cols, spp, ba, bs, pr, spp == 3 ? "RGB" : "MONOCHROME2",
                            "1.2.840.10008.1.2.5");
    size_t n = (size_t)rows * cols * spp, len;
    int32_t *v = make_image(n, bs, pr == 1, rows * 7 + ba);
    uint8_t *in = rle_encode(&d, v, &len);
    uint8_t *out = run_decoder(qib__codec_for(d.transfer_syntax), &d, in, len, QIB_OK);
    assert_frame(&d, out, v, n);
    free(out);
    free(in);
    free(v);
}

/* RLE decodes 8/16/32-bit grey, signed 12-bit and RGB back exactly. */
static void test_rle_roundtrip(void **state) {
    (void)state;
    rle_roundtrip(7, 13, 1, 8, 8, 0);
    rle_roundtrip(16, 9, 1, 16, 16, 0);
    rle_roundtrip(5, 31, 1, 16, 12, 1);
    rle_roundtrip(4, 4, 3, 8, 8, 0);
    rle_roundtrip(3, 5, 3, 16, 16, 0);
    rle_roundtrip(6, 2, 1, 32, 32, 1);
    rle_roundtrip(1, 1, 1, 8, 8, 0);
}

/* Malformed RLE frames fail with a named status. */
static void test_rle_malformed(void **state) {
    (void)state;
    qib_pixel_desc d = desc(4, 4, 1, 16, 16, 0, "MONOCHROME2", "1.2.840.10008.1.2.5");
    int32_t *v = make_image(16, 16, false, 3);
    size_t len;
    uint8_t *in = rle_encode(&d, v, &len);
    free(run_decoder(qib__decode_rle, &d, in, 40, QIB_ERR_TRUNCATED)); /* short header */
    free(run_decoder(qib__decode_rle, &d, in, len - 4, QIB_ERR_TRUNCATED)); /* short segment */
    in[0] = 3; /* wrong segment count */
    free(run_decoder(qib__decode_rle, &d, in, len, QIB_ERR_CORRUPT));
    in[0] = 2;
    in[8] = 0xFF; /* segment 2 beyond the frame */
    in[9] = 0xFF;
    free(run_decoder(qib__decode_rle, &d, in, len, QIB_ERR_TRUNCATED));
    in[8] = 10; /* segment 2 before segment 1 */
    in[9] = 0;
    free(run_decoder(qib__decode_rle, &d, in, len, QIB_ERR_CORRUPT));
    qib_pixel_desc big = desc(70000, 4, 1, 8, 8, 0, "MONOCHROME2", "1.2.840.10008.1.2.5");
    uint8_t *out = malloc(1);
    qib_error err;
    assert_int_equal(qib__decode_rle(&big, in, len, out, &err), QIB_ERR_LIMIT);
    qib_pixel_desc bit1 = desc(8, 8, 1, 1, 1, 0, "MONOCHROME2", "1.2.840.10008.1.2.5");
    assert_int_equal(qib__decode_rle(&bit1, in, len, out, &err), QIB_ERR_UNSUPPORTED);
    free(out);
    free(in);
    free(v);
}

/* The transfer syntax table and the frame size. */
static void test_codec_table(void **state) {
    (void)state;
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.5"), qib__decode_rle);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.50"), qib__decode_jpeg);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.51"), qib__decode_jpeg);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.57"), qib__decode_jpeg_lossless);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.70"), qib__decode_jpeg_lossless);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.80"), qib__decode_jpegls);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.81"), qib__decode_jpegls);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.90"), qib__decode_j2k);
    assert_ptr_equal(qib__codec_for("1.2.840.10008.1.2.4.91"), qib__decode_j2k);
    assert_null(qib__codec_for("1.2.840.10008.1.2.1"));
    assert_null(qib__codec_for("1.2.840.10008.1.2.4.201"));
    assert_null(qib__codec_for("1.2.840.10008.1.2.8.1"));
    assert_null(qib__codec_for(NULL));
    qib_pixel_desc d = desc(512, 256, 3, 16, 12, 0, "RGB", "");
    assert_int_equal(qib__frame_bytes(&d), 512u * 256u * 3u * 2u);
    d.bits_allocated = 1;
    d.samples_per_pixel = 1;
    assert_int_equal(qib__frame_bytes(&d), 512u * 256u);
}

/* ---- (a) JPEG lossless (T.81 Annex H), encoder in codec_encoders.h ---- */

/* Round trip of one JPEG lossless configuration; pt > 0 tests the point
 * transform (samples are multiples of 2^pt). */
static void ll_roundtrip(unsigned rows, unsigned cols, unsigned nc, unsigned ba, unsigned prec,
                         unsigned pr, unsigned ps, unsigned pt, unsigned ri) {
    qib_pixel_desc d = desc(rows, cols, nc, ba, prec, pr, nc == 3 ? "RGB" : "MONOCHROME2",
                            "1.2.840.10008.1.2.4.57");
    size_t n = (size_t)rows * cols * nc, len;
    int32_t *v = make_image(n, prec - pt, false, rows * 31 + ps);
    int32_t *want = malloc(n * sizeof *want);
    assert_non_null(want);
    for (size_t i = 0; i < n; i++) {
        int64_t u = (int64_t)v[i] << pt;
        if (pr && prec < 32 && (u >> (prec - 1)) & 1) u -= (int64_t)1 << prec;
        want[i] = (int32_t)u;
    }
    uint8_t *in = ll_encode(v, rows, cols, nc, prec, ps, pt, ri, &len);
    uint8_t *out = run_decoder(qib__decode_jpeg_lossless, &d, in, len, QIB_OK);
    assert_frame(&d, out, want, n);
    free(out);
    free(in);
    free(want);
    free(v);
}

/* Predictors 1..7 at 8, 12 and 16 bits, signed, colour, point transform
 * and restart intervals (whole rows and mid-row) decode exactly. */
static void test_jpeg_lossless_roundtrip(void **state) {
    (void)state;
    for (unsigned ps = 1; ps <= 7; ps++) ll_roundtrip(9, 11, 1, 8, 8, 0, ps, 0, 0);
    ll_roundtrip(16, 16, 1, 16, 12, 0, 7, 0, 0);
    ll_roundtrip(13, 7, 1, 16, 16, 0, 1, 0, 0);
    ll_roundtrip(13, 7, 1, 16, 16, 1, 7, 0, 0);
    ll_roundtrip(8, 10, 1, 16, 16, 1, 6, 0, 0);
    ll_roundtrip(6, 5, 3, 8, 8, 0, 1, 0, 0);
    ll_roundtrip(6, 5, 3, 8, 8, 0, 7, 0, 5);  /* restart every row */
    ll_roundtrip(6, 5, 1, 16, 12, 0, 4, 0, 3); /* restart mid-row */
    ll_roundtrip(7, 9, 1, 16, 14, 0, 1, 2, 0);  /* point transform 2 */
    ll_roundtrip(3, 4, 1, 8, 2, 0, 1, 0, 0);   /* 2-bit precision */
    ll_roundtrip(1, 1, 1, 8, 8, 0, 1, 0, 0);
}

/* The 16-bit quirk: a difference of 32768 is SSSS 16 with no extra bits. */
static void test_jpeg_lossless_ssss16(void **state) {
    (void)state;
    int32_t v[8] = {0, 32768, 0, 65535, 32767, 65535, 0, 32768};
    qib_pixel_desc d = desc(2, 4, 1, 16, 16, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.70");
    size_t len;
    uint8_t *in = ll_encode(v, 2, 4, 1, 16, 1, 0, 0, &len);
    uint8_t *out = run_decoder(qib__decode_jpeg_lossless, &d, in, len, QIB_OK);
    assert_frame(&d, out, v, 8);
    free(out);
    free(in);
}

/* Offset of the first marker m in a stream (test helper). */
static size_t find_marker(const uint8_t *p, size_t n, unsigned m) {
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == 0xFF && p[i + 1] == m) return i;
    fail_msg("marker %02X not found", m);
    return 0;
}

/* Malformed JPEG lossless streams fail with a named status. */
static void test_jpeg_lossless_malformed(void **state) {
    (void)state;
    qib_pixel_desc d = desc(8, 8, 1, 16, 12, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.70");
    int32_t *v = make_image(64, 12, false, 5);
    size_t len;
    uint8_t *in = ll_encode(v, 8, 8, 1, 12, 1, 0, 4, &len), *bad = malloc(len);
    qib_frame_decoder fn = qib__decode_jpeg_lossless;
    assert_non_null(bad);
    free(run_decoder(fn, &d, in, 0, QIB_ERR_CORRUPT));
    free(run_decoder(fn, &d, in, len / 2, QIB_ERR_TRUNCATED));
    free(run_decoder(fn, &d, in, len - 2, QIB_OK)); /* a missing EOI is tolerated */
    free(run_decoder(fn, &d, in, len - 3, QIB_ERR_TRUNCATED)); /* last byte of data gone */
    size_t sof = find_marker(in, len, 0xC3), sos = find_marker(in, len, 0xDA);
    size_t rst = find_marker(in, len, 0xD0);
#define MUTATE(off, val, st)                                                               \
    do {                                                                                   \
        memcpy(bad, in, len);                                                              \
        bad[off] = (uint8_t)(val);                                                         \
        free(run_decoder(fn, &d, bad, len, st));                                           \
    } while (0)
    MUTATE(sof + 1, 0xC0, QIB_ERR_FORMAT);            /* DCT frame */
    MUTATE(sof + 1, 0xCB, QIB_ERR_UNSUPPORTED);       /* arithmetic */
    MUTATE(sof + 4, 17, QIB_ERR_CORRUPT);             /* precision 17 */
    MUTATE(sof + 6, 9, QIB_ERR_FORMAT);               /* rows 9 != 8 */
    MUTATE(sof + 11, 0x21, QIB_ERR_UNSUPPORTED);      /* sampling 2x1 */
    MUTATE(sos + 7, 0, QIB_ERR_CORRUPT);              /* predictor 0 */
    MUTATE(sos + 7, 8, QIB_ERR_CORRUPT);              /* predictor 8 */
    MUTATE(sos + 6, 0x10, QIB_ERR_CORRUPT);           /* undefined table 1 */
    MUTATE(sos + 5, 9, QIB_ERR_CORRUPT);              /* unknown component */
    MUTATE(rst + 1, 0xD3, QIB_ERR_CORRUPT);           /* RST3 where RST0 is due */
    MUTATE(2, 0x12, QIB_ERR_CORRUPT);                 /* garbage instead of a marker */
    MUTATE(0, 0x00, QIB_ERR_CORRUPT);                 /* no SOI */
#undef MUTATE
    qib_pixel_desc big = d;
    big.rows = 70000;
    uint8_t out[1];
    qib_error err;
    assert_int_equal(fn(&big, in, len, out, &err), QIB_ERR_LIMIT);
    assert_int_equal(err.status, QIB_ERR_LIMIT);
    free(bad);
    free(in);
    free(v);
}

/* ---- (a) JPEG-LS (CharLS encoder) ---- */

/* Encodes samples v (interleaved; planar for ILV none) with CharLS. */
static uint8_t *jls_encode(const int32_t *v, unsigned rows, unsigned cols, unsigned nc,
                           unsigned bits, int ilv, int near, size_t *len) {
    size_t n = (size_t)rows * cols * nc, bps = bits > 8 ? 2 : 1, pixels = (size_t)rows * cols;
    uint8_t *src = malloc(n * bps);
    assert_non_null(src);
    for (size_t i = 0; i < n; i++) {
        size_t at = ilv == 0 ? (i % nc) * pixels + i / nc : i;
        src[at * bps] = (uint8_t)v[i];
        if (bps == 2) src[at * 2 + 1] = (uint8_t)(v[i] >> 8);
    }
    charls_jpegls_encoder *e = charls_jpegls_encoder_create();
    charls_frame_info fi = {cols, rows, (int32_t)bits, (int32_t)nc};
    size_t cap = 0;
    assert_int_equal(charls_jpegls_encoder_set_frame_info(e, &fi), 0);
    assert_int_equal(charls_jpegls_encoder_set_interleave_mode(e, (charls_interleave_mode)ilv), 0);
    assert_int_equal(charls_jpegls_encoder_set_near_lossless(e, near), 0);
    assert_int_equal(charls_jpegls_encoder_get_estimated_destination_size(e, &cap), 0);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(charls_jpegls_encoder_set_destination_buffer(e, out, cap), 0);
    assert_int_equal(charls_jpegls_encoder_encode_from_buffer(e, src, n * bps, 0), 0);
    assert_int_equal(charls_jpegls_encoder_get_bytes_written(e, len), 0);
    charls_jpegls_encoder_destroy(e);
    free(src);
    return out;
}

/* One JPEG-LS round trip; near > 0 allows that error per sample. */
static void jls_roundtrip(unsigned rows, unsigned cols, unsigned nc, unsigned ba, unsigned bits,
                          int ilv, int near) {
    qib_pixel_desc d = desc(rows, cols, nc, ba, bits, 0, nc == 3 ? "RGB" : "MONOCHROME2",
                            near ? "1.2.840.10008.1.2.4.81" : "1.2.840.10008.1.2.4.80");
    size_t n = (size_t)rows * cols * nc, len;
    int32_t *v = make_image(n, bits, false, rows + (unsigned)ilv);
    uint8_t *in = jls_encode(v, rows, cols, nc, bits, ilv, near, &len);
    uint8_t *out = run_decoder(qib__codec_for(d.transfer_syntax), &d, in, len, QIB_OK);
    for (size_t i = 0; i < n; i++) {
        int64_t diff = sample_at(&d, out, i) - v[i];
        if (diff < -near || diff > near) fail_msg("sample %zu off by %lld", i, (long long)diff);
    }
    free(out);
    free(in);
    free(v);
}

/* Grey 8/12/16-bit, RGB in interleave modes 0/1/2 and near-lossless. */
static void test_jpegls_roundtrip(void **state) {
    (void)state;
    jls_roundtrip(9, 14, 1, 8, 8, 0, 0);
    jls_roundtrip(10, 7, 1, 16, 12, 0, 0);
    jls_roundtrip(5, 6, 1, 16, 16, 0, 0);
    for (int ilv = 0; ilv <= 2; ilv++) jls_roundtrip(6, 9, 3, 8, 8, ilv, 0);
    jls_roundtrip(12, 12, 1, 8, 8, 0, 3);
    jls_roundtrip(8, 8, 3, 8, 8, 2, 2);
}

/* Malformed JPEG-LS: truncated, wrong size, garbage, over-large frame. */
static void test_jpegls_malformed(void **state) {
    (void)state;
    int32_t *v = make_image(64, 8, false, 9);
    size_t len;
    uint8_t *in = jls_encode(v, 8, 8, 1, 8, 0, 0, &len);
    qib_pixel_desc d = desc(8, 8, 1, 8, 8, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.80");
    free(run_decoder(qib__decode_jpegls, &d, in, len / 2, QIB_ERR_TRUNCATED));
    free(run_decoder(qib__decode_jpegls, &d, in, 2, QIB_ERR_TRUNCATED));
    qib_pixel_desc wrong = desc(8, 9, 1, 8, 8, 0, "MONOCHROME2", "");
    free(run_decoder(qib__decode_jpegls, &wrong, in, len, QIB_ERR_FORMAT));
    qib_pixel_desc rgb = desc(8, 8, 3, 8, 8, 0, "RGB", "");
    free(run_decoder(qib__decode_jpegls, &rgb, in, len, QIB_ERR_FORMAT));
    in[3] ^= 0x5A;
    free(run_decoder(qib__decode_jpegls, &d, in, len, QIB_ERR_CORRUPT));
    free(in);
    free(v);
    /* Planar RGB (ILV 0, one scan per component) whose last scan claims
     * ILV 1: CharLS 2.4.1 writes past its buffer on this (found by
     * fuzz_run_jpegls in CI), so the scan check must refuse it first. */
    v = make_image(4 * 4 * 3, 8, false, 3);
    in = jls_encode(v, 4, 4, 3, 8, 0, 0, &len);
    qib_pixel_desc planar = desc(4, 4, 3, 8, 8, 0, "RGB", "1.2.840.10008.1.2.4.80");
    uint8_t *ok = run_decoder(qib__decode_jpegls, &planar, in, len, QIB_OK);
    free(ok);
    size_t last = 0;
    for (size_t i = 0; i + 7 < len; i++)
        if (in[i] == 0xFF && in[i + 1] == 0xDA) last = i;
    assert_true(last > 0 && in[last + 5] == 3 && in[last + 8] == 0);
    in[last + 8] = 1; /* Ls(2) Ns C Tm NEAR ILV: ILV is 8 bytes in */
    free(run_decoder(qib__decode_jpegls, &planar, in, len, QIB_ERR_CORRUPT));
    free(in);
    free(v);
}

/* ---- (a) JPEG 2000 (OpenJPEG encoder) ---- */

/* Growable output for OpenJPEG's write/seek callbacks. */
typedef struct {
    uint8_t *buf;
    size_t len, cap, pos;
} membuf;

static OPJ_SIZE_T mb_write(void *src, OPJ_SIZE_T n, void *user) {
    membuf *m = user;
    if (m->pos + n > m->cap) {
        m->cap = (m->pos + n) * 2;
        m->buf = realloc(m->buf, m->cap);
        assert_non_null(m->buf);
    }
    memcpy(m->buf + m->pos, src, n);
    m->pos += n;
    if (m->pos > m->len) m->len = m->pos;
    return n;
}

static OPJ_OFF_T mb_skip(OPJ_OFF_T n, void *user) {
    membuf *m = user;
    m->pos = (size_t)((OPJ_OFF_T)m->pos + n);
    return n;
}

static OPJ_BOOL mb_seek(OPJ_OFF_T n, void *user) {
    ((membuf *)user)->pos = (size_t)n;
    return OPJ_TRUE;
}

/* Encodes samples v (interleaved) losslessly as a J2K codestream or a JP2
 * file, with the reversible colour transform when nc is 3. */
static uint8_t *j2k_encode(const int32_t *v, unsigned rows, unsigned cols, unsigned nc,
                           unsigned prec, bool sgnd, bool jp2, size_t *len) {
    opj_cparameters_t par;
    opj_image_cmptparm_t cp[3];
    opj_set_default_encoder_parameters(&par);
    par.tcp_numlayers = 1;
    par.tcp_rates[0] = 0;
    par.cp_disto_alloc = 1;
    par.numresolution = 2;
    par.tcp_mct = nc == 3 ? 1 : 0;
    memset(cp, 0, sizeof cp);
    for (unsigned c = 0; c < nc; c++) {
        cp[c].dx = cp[c].dy = 1;
        cp[c].w = cols;
        cp[c].h = rows;
        cp[c].prec = prec;
        cp[c].sgnd = sgnd;
    }
    opj_image_t *img = opj_image_create(nc, cp, nc == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
    assert_non_null(img);
    img->x1 = cols;
    img->y1 = rows;
    for (size_t i = 0; i < (size_t)rows * cols * nc; i++) img->comps[i % nc].data[i / nc] = v[i];
    opj_codec_t *codec = opj_create_compress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    membuf m = {0};
    opj_stream_t *st = opj_stream_create(1 << 16, OPJ_FALSE);
    opj_stream_set_user_data(st, &m, NULL);
    opj_stream_set_write_function(st, mb_write);
    opj_stream_set_skip_function(st, mb_skip);
    opj_stream_set_seek_function(st, mb_seek);
    assert_true(opj_setup_encoder(codec, &par, img));
    assert_true(opj_start_compress(codec, img, st));
    assert_true(opj_encode(codec, st));
    assert_true(opj_end_compress(codec, st));
    opj_stream_destroy(st);
    opj_destroy_codec(codec);
    opj_image_destroy(img);
    *len = m.len;
    return m.buf;
}

/* One J2K round trip; hdr_signed may differ from the codestream's sign
 * (the header wins: values are re-read as BitsStored-bit numbers). */
static void j2k_roundtrip(unsigned rows, unsigned cols, unsigned nc, unsigned ba, unsigned prec,
                          bool sgnd, bool hdr_signed, bool jp2) {
    qib_pixel_desc d = desc(rows, cols, nc, ba, prec, hdr_signed,
                            nc == 3 ? "YBR_RCT" : "MONOCHROME2", "1.2.840.10008.1.2.4.90");
    size_t n = (size_t)rows * cols * nc, len;
    int32_t *v = make_image(n, prec, sgnd, rows * 3 + prec);
    int32_t *want = malloc(n * sizeof *want);
    assert_non_null(want);
    for (size_t i = 0; i < n; i++) {
        int64_t u = (uint32_t)v[i] & ((1u << prec) - 1);
        if (hdr_signed && (u >> (prec - 1)) & 1) u -= (int64_t)1 << prec;
        want[i] = (int32_t)u;
    }
    uint8_t *in = j2k_encode(v, rows, cols, nc, prec, sgnd, jp2, &len);
    uint8_t *out = run_decoder(qib__decode_j2k, &d, in, len, QIB_OK);
    assert_frame(&d, out, want, n);
    free(out);
    free(in);
    free(want);
    free(v);
}

/* Grey and RGB (RCT), signed, sign mismatches, JP2 wrapper, 1-bit data. */
static void test_j2k_roundtrip(void **state) {
    (void)state;
    j2k_roundtrip(16, 12, 1, 16, 16, false, false, false);
    j2k_roundtrip(9, 13, 1, 16, 12, true, true, false);
    j2k_roundtrip(8, 8, 1, 16, 13, false, true, false); /* unsigned stream, signed header */
    j2k_roundtrip(8, 8, 1, 16, 16, true, false, false); /* signed stream, unsigned header */
    j2k_roundtrip(10, 6, 3, 8, 8, false, false, false);
    j2k_roundtrip(7, 7, 1, 8, 8, false, false, true);
    j2k_roundtrip(8, 16, 1, 1, 1, false, false, false);
}

/* Malformed J2K: not a codestream, truncated, wrong size. */
static void test_j2k_malformed(void **state) {
    (void)state;
    int32_t *v = make_image(256, 12, false, 2);
    size_t len;
    uint8_t *in = j2k_encode(v, 16, 16, 1, 12, false, false, &len);
    qib_pixel_desc d = desc(16, 16, 1, 16, 12, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.90");
    free(run_decoder(qib__decode_j2k, &d, in, len / 2, QIB_ERR_CORRUPT));
    free(run_decoder(qib__decode_j2k, &d, in, 30, QIB_ERR_CORRUPT));
    qib_pixel_desc wrong = desc(16, 17, 1, 16, 12, 0, "MONOCHROME2", "");
    free(run_decoder(qib__decode_j2k, &wrong, in, len, QIB_ERR_FORMAT));
    qib_pixel_desc narrow = desc(16, 16, 1, 8, 8, 0, "MONOCHROME2", "");
    free(run_decoder(qib__decode_j2k, &narrow, in, len, QIB_ERR_FORMAT));
    in[1] = 0x00;
    free(run_decoder(qib__decode_j2k, &d, in, len, QIB_ERR_CORRUPT));
    free(in);
    free(v);
}

/* ---- (a) JPEG baseline (libjpeg-turbo encoder) ---- */

/* Encodes an 8-bit grey or RGB image (JFIF YCbCr for colour, 4:2:0). */
static uint8_t *jpeg_encode(const uint8_t *px, unsigned rows, unsigned cols, unsigned nc,
                            size_t *len) {
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *buf = NULL;
    unsigned long n = 0;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &buf, &n);
    ci.image_width = cols;
    ci.image_height = rows;
    ci.input_components = (int)nc;
    ci.in_color_space = nc == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 100, TRUE);
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < rows) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * cols * nc);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    *len = n;
    return buf;
}

/* Grey decodes close to the source; colour comes back as Y, Cb, Cr (no
 * colour conversion, as the reference decodes); 12-bit and truncated
 * streams fail with named statuses. */
static void test_jpeg_baseline(void **state) {
    (void)state;
    uint8_t grey[16 * 24], rgb[16 * 16 * 3];
    for (size_t i = 0; i < sizeof grey; i++) grey[i] = (uint8_t)(i * 3 % 200 + 20);
    for (size_t i = 0; i < sizeof rgb; i += 3) {
        rgb[i] = 200;
        rgb[i + 1] = 30;
        rgb[i + 2] = 60;
    }
    size_t len;
    uint8_t *in = jpeg_encode(grey, 16, 24, 1, &len);
    qib_pixel_desc d = desc(16, 24, 1, 8, 8, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.50");
    uint8_t *out = run_decoder(qib__decode_jpeg, &d, in, len, QIB_OK);
    for (size_t i = 0; i < sizeof grey; i++) assert_in_range(out[i], grey[i] - 3, grey[i] + 3);
    free(out);
    free(run_decoder(qib__decode_jpeg, &d, in, len / 2, QIB_ERR_TRUNCATED));
    qib_pixel_desc wrong = desc(17, 24, 1, 8, 8, 0, "MONOCHROME2", "");
    free(run_decoder(qib__decode_jpeg, &wrong, in, len, QIB_ERR_FORMAT));
    size_t sof = find_marker(in, len, 0xC0);
    in[sof + 1] = 0xC2; /* 12-bit progressive */
    in[sof + 4] = 12;
    free(run_decoder(qib__decode_jpeg, &d, in, len, QIB_ERR_UNSUPPORTED));
    in[sof + 1] = 0xC0;
    in[sof + 4] = 8;
    in[0] = 0;
    free(run_decoder(qib__decode_jpeg, &d, in, len, QIB_ERR_CORRUPT));
    free(in);

    in = jpeg_encode(rgb, 16, 16, 3, &len);
    qib_pixel_desc c = desc(16, 16, 3, 8, 8, 0, "YBR_FULL_422", "1.2.840.10008.1.2.4.50");
    out = run_decoder(qib__decode_jpeg, &c, in, len, QIB_OK);
    for (size_t i = 0; i < sizeof rgb; i += 3) { /* JFIF: Y 84.3, Cb 114.3, Cr 210.6 */
        assert_in_range(out[i], 82, 87);
        assert_in_range(out[i + 1], 112, 117);
        assert_in_range(out[i + 2], 208, 213);
    }
    free(out);
    free(in);
}

/* ---- (a) 12-bit JPEG (jpeg12.c), DC-only encoder in codec_encoders.h ---- */

/* 12-bit flat blocks decode exactly (cropped, with restarts, and with
 * out-of-range DC clamped to 0..4095); malformed streams fail by name. */
static void test_jpeg12(void **state) {
    (void)state;
    const unsigned rows = 12, cols = 20, bw8 = 3;
    int32_t dc[6] = {-2048, 0, 2047, 100, -700, 3000};
    qib_pixel_desc d = desc(rows, cols, 1, 16, 12, 0, "MONOCHROME2", "1.2.840.10008.1.2.4.51");
    int32_t *want = malloc(rows * cols * sizeof *want);
    assert_non_null(want);
    for (unsigned y = 0; y < rows; y++)
        for (unsigned x = 0; x < cols; x++) {
            int32_t v = dc[(y / 8) * bw8 + x / 8] + 2048;
            want[y * cols + x] = v < 0 ? 0 : v > 4095 ? 4095 : v;
        }
    for (unsigned ri = 0; ri <= 2; ri += 2) {
        size_t len;
        uint8_t *in = j12_encode(dc, rows, cols, ri, &len);
        uint8_t *out = run_decoder(qib__decode_jpeg, &d, in, len, QIB_OK);
        assert_frame(&d, out, want, rows * cols);
        free(out);
        free(run_decoder(qib__decode_jpeg, &d, in, len - 4, QIB_ERR_TRUNCATED));
        if (ri) {
            size_t rst = find_marker(in, len, 0xD0);
            in[rst + 1] = 0xD5;
            free(run_decoder(qib__decode_jpeg, &d, in, len, QIB_ERR_CORRUPT));
        }
        free(in);
    }
    size_t len;
    uint8_t *in = j12_encode(dc, rows, cols, 0, &len);
    qib_pixel_desc wrong = d;
    wrong.columns = 21;
    free(run_decoder(qib__decode_jpeg, &wrong, in, len, QIB_ERR_FORMAT));
    in[find_marker(in, len, 0xDA) + 6] = 0x11; /* undefined tables */
    free(run_decoder(qib__decode_jpeg, &d, in, len, QIB_ERR_CORRUPT));
    free(in);
    free(want);
}

/* ---- (b) corpus ---- */

typedef struct {
    const char *uid;
    int checked, passed, failed, skipped;
} tally;

static tally tallies[] = {
    {"1.2.840.10008.1.2.5", 0, 0, 0, 0},    {"1.2.840.10008.1.2.4.50", 0, 0, 0, 0},
    {"1.2.840.10008.1.2.4.51", 0, 0, 0, 0}, {"1.2.840.10008.1.2.4.57", 0, 0, 0, 0},
    {"1.2.840.10008.1.2.4.70", 0, 0, 0, 0}, {"1.2.840.10008.1.2.4.80", 0, 0, 0, 0},
    {"1.2.840.10008.1.2.4.81", 0, 0, 0, 0}, {"1.2.840.10008.1.2.4.90", 0, 0, 0, 0},
    {"1.2.840.10008.1.2.4.91", 0, 0, 0, 0},
};

/* Manifest column indices used by the corpus test. */
typedef struct {
    int path, ts, rows, cols, frames, ba, bs, hb, pr, spp, pi, pc, dec, sha;
} cc_cols;

/* Fills a descriptor from a manifest row. */
static qib_pixel_desc row_desc(const cc_row *r, const cc_cols *c, const char *file) {
    qib_pixel_desc d;
    memset(&d, 0, sizeof d);
    d.rows = (uint32_t)atol(r->field[c->rows]);
    d.columns = (uint32_t)atol(r->field[c->cols]);
    d.samples_per_pixel = (uint16_t)atoi(r->field[c->spp]);
    d.bits_allocated = (uint16_t)atoi(r->field[c->ba]);
    d.bits_stored = (uint16_t)atoi(r->field[c->bs]);
    d.high_bit = (uint16_t)atoi(r->field[c->hb]);
    d.pixel_representation = (uint16_t)atoi(r->field[c->pr]);
    d.planar_configuration = (uint16_t)atoi(r->field[c->pc]);
    snprintf(d.photometric, sizeof d.photometric, "%s", r->field[c->pi]);
    d.transfer_syntax = r->field[c->ts];
    d.file = file;
    return d;
}

/* Decodes every frame of one corpus file and compares pixel_sha256.
 * Returns 1 passed, 0 failed, -1 skipped (decoder refuses by name). */
static int corpus_file(const char *path, const qib_pixel_desc *d, int nframes, const char *sha) {
    size_t flen = 0, fb = qib__frame_bytes(d);
    uint8_t *file = cc_slurp(path, &flen);
    cc_frags *fr = malloc(sizeof *fr);
    uint8_t *all = malloc(fb * (size_t)nframes);
    int result = 1;
    assert_true(file && fr && all);
    if (!cc_fragments(file, flen, fr)) {
        printf("  FAIL %s: no encapsulated Pixel Data found\n", path);
        result = 0;
    }
    for (int f = 0; f < nframes && result == 1; f++) {
        int a, b;
        size_t len = 0;
        if (!cc_frame_range(fr, f, nframes, &a, &b)) {
            printf("  FAIL %s: cannot find frame %d\n", path, f + 1);
            result = 0;
            break;
        }
        uint8_t *in = cc_join(fr, a, b, &len);
        qib_error err;
        qib_error_clear(&err);
        qib_status st = qib__codec_for(d->transfer_syntax)(d, in, len, all + fb * (size_t)f, &err);
        free(in);
        if (st != QIB_OK) {
            char msg[1024];
            qib_error_format(&err, msg, sizeof msg);
            printf("  %s frame %d: %s: %s\n", st == QIB_ERR_UNSUPPORTED ? "SKIP" : "FAIL", f + 1,
                   qib_status_name(st), msg);
            result = st == QIB_ERR_UNSUPPORTED ? -1 : 0;
        }
    }
    if (result == 1) {
        uint8_t md[32];
        unsigned mdlen = 0;
        char hex[65];
        cc_normalise(d, all, fb * (size_t)nframes);
        EVP_Digest(all, fb * (size_t)nframes, md, &mdlen, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
        if (strcmp(hex, sha) != 0) {
            printf("  FAIL %s: pixel_sha256 %s, manifest %s\n", path, hex, sha);
            result = 0;
        }
    }
    free(all);
    free(fr);
    free(file);
    return result;
}

/* Runs corpus_file over the manifest rows of the codec transfer syntaxes
 * that have a reference decode, and prints the tally. */
static void test_corpus(void **state) {
    (void)state;
    char buf[1024], path[1200];
    const char *man = tu_shared("dicom-corpus/manifest.csv", buf, sizeof buf);
    if (!man) skip();
    size_t len;
    char *text = (char *)cc_slurp(man, &len), *p = text;
    cc_row h, r;
    assert_non_null(text);
    assert_true(cc_csv_row(&p, &h));
    cc_cols c = {cc_col(&h, "path"), cc_col(&h, "TransferSyntaxUID"), cc_col(&h, "Rows"),
                 cc_col(&h, "Columns"), cc_col(&h, "NumberOfFrames"), cc_col(&h, "BitsAllocated"),
                 cc_col(&h, "BitsStored"), cc_col(&h, "HighBit"), cc_col(&h, "PixelRepresentation"),
                 cc_col(&h, "SamplesPerPixel"), cc_col(&h, "PhotometricInterpretation"),
                 cc_col(&h, "PlanarConfiguration"), cc_col(&h, "decodable_by_reference"),
                 cc_col(&h, "pixel_sha256")};
    assert_true(c.sha >= 0 && c.hb >= 0 && c.pc >= 0);
    while (cc_csv_row(&p, &r)) {
        if (r.n < h.n) continue;
        tally *t = NULL;
        for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++)
            if (strcmp(tallies[i].uid, r.field[c.ts]) == 0) t = &tallies[i];
        if (!t || strcmp(r.field[c.dec], "yes") != 0) continue;
        char *slash = strrchr(man, '/');
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - man), man, r.field[c.path]);
        qib_pixel_desc d = row_desc(&r, &c, path);
        t->checked++;
        int res = corpus_file(path, &d, atoi(r.field[c.frames]), r.field[c.sha]);
        if (res > 0) t->passed++;
        else if (res == 0) t->failed++;
        else t->skipped++;
    }
    int failed = 0;
    for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
        tally *t = &tallies[i];
        printf("corpus %-24s checked %2d passed %2d failed %2d skipped %2d\n", t->uid, t->checked,
               t->passed, t->failed, t->skipped);
        failed += t->failed;
    }
    free(text);
    assert_int_equal(failed, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_table),
        cmocka_unit_test(test_rle_roundtrip),
        cmocka_unit_test(test_rle_malformed),
        cmocka_unit_test(test_jpeg_lossless_roundtrip),
        cmocka_unit_test(test_jpeg_lossless_ssss16),
        cmocka_unit_test(test_jpeg_lossless_malformed),
        cmocka_unit_test(test_jpegls_roundtrip),
        cmocka_unit_test(test_jpegls_malformed),
        cmocka_unit_test(test_j2k_roundtrip),
        cmocka_unit_test(test_j2k_malformed),
        cmocka_unit_test(test_jpeg_baseline),
        cmocka_unit_test(test_jpeg12),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
