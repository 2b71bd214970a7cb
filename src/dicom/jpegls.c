/* SPDX-License-Identifier: Apache-2.0 */
/* jpegls.c: JPEG-LS decoder (ISO/IEC 14495-1, ITU-T T.87) for DICOM
 * 1.2.840.10008.1.2.4.80 (lossless) and .81 (near-lossless), through
 * CharLS 2.4's C API. The frame header is read and checked against the
 * DICOM descriptor before any pixel buffer is allocated. CharLS returns
 * interleave mode 0 (ILV=none) as planes and modes 1/2 (line, sample) as
 * pixel-interleaved samples; both become the codec.h interleaved layout. */
#include <stdlib.h>

#include <charls/charls.h>

#include "codec_priv.h"

/* Turns a CharLS error code into a located QIB_ERR_CORRUPT. */
static qib_status jls_fail(const qib_pixel_desc *d, charls_jpegls_errc e, const char *what,
                           qib_error *err) {
    return qib__fail(err, QIB_ERR_CORRUPT, d->file, -1, "JPEG-LS", "%s: %s", what,
                     charls_get_error_message(e));
}

/* Checks the JPEG-LS frame header (SOF55, T.87 C.2.2) against the DICOM
 * descriptor: size, component count, and a precision that fits the
 * allocated bits. */
static qib_status jls_check(const qib_pixel_desc *d, const charls_frame_info *fi, qib_error *err) {
    const char *f = d->file;
    QIB_FAIL_IF(fi->width != d->columns || fi->height != d->rows, err, QIB_ERR_FORMAT, f, -1,
                "JPEG-LS SOF55", "frame is %u x %u (columns x rows) but the header says %u x %u",
                fi->width, fi->height, d->columns, d->rows);
    QIB_FAIL_IF(fi->component_count != (int32_t)d->samples_per_pixel, err, QIB_ERR_FORMAT, f, -1,
                "JPEG-LS SOF55", "frame has %d components but SamplesPerPixel is %u",
                fi->component_count, d->samples_per_pixel);
    QIB_FAIL_IF(fi->bits_per_sample < 2 || fi->bits_per_sample > 16 ||
                    fi->bits_per_sample > (int32_t)d->bits_allocated,
                err, QIB_ERR_FORMAT, f, -1, "JPEG-LS SOF55",
                "precision is %d bits; it must be 2..16 and not above BitsAllocated %u",
                fi->bits_per_sample, d->bits_allocated);
    return QIB_OK;
}

/* Walks the stream's markers (T.87 C.1: SOI, segments, then each SOS
 * followed by coded data, in which 0xFF is always followed by a byte below
 * 0x80 unless a marker starts) and checks the scan headers (T.87 C.2.3):
 * 1..4 components per scan, ILV 0..2, ILV 0 exactly when a scan holds one
 * component, one ILV for every scan, and scans that cover the frame's
 * components once each. CharLS 2.4.1 writes past its output buffer when a
 * later single-component scan claims ILV 1 or 2, so such streams must be
 * refused before they reach it. */
static qib_status jls_check_scans(const qib_pixel_desc *d, const uint8_t *in, size_t n,
                                  qib_error *err) {
    const char *f = d->file;
    int nf = -1, ilv = -1, covered = 0, scans = 0;
    size_t i = 2;
    bool in_scan = false;
    QIB_FAIL_IF(n < 4 || in[0] != 0xFF || in[1] != 0xD8, err, QIB_ERR_CORRUPT, f, 0, "JPEG-LS SOI",
                "stream does not start with the SOI marker 0xFFD8");
    while (i + 1 < n) {
        if (in[i] != 0xFF || (in_scan && in[i + 1] < 0x80) || (!in_scan && in[i + 1] == 0xFF)) {
            QIB_FAIL_IF(!in_scan && in[i] != 0xFF, err, QIB_ERR_CORRUPT, f, (int64_t)i, "JPEG-LS",
                        "byte 0x%02X where a marker was expected", in[i]);
            i++;
            continue;
        }
        uint8_t m = in[i + 1];
        if (m == 0xD9) break;
        if (m >= 0xD0 && m <= 0xD7) { i += 2; continue; } /* RSTm: no length */
        QIB_FAIL_IF(i + 4 > n, err, QIB_ERR_TRUNCATED, f, (int64_t)i, "JPEG-LS",
                    "marker 0xFF%02X has no length", m);
        size_t len = (size_t)in[i + 2] << 8 | in[i + 3];
        QIB_FAIL_IF(len < 2 || i + 2 + len > n, err, QIB_ERR_TRUNCATED, f, (int64_t)i, "JPEG-LS",
                    "segment 0xFF%02X of %zu bytes runs past the end", m, len);
        const uint8_t *s = in + i + 4;
        if (m == 0xF7) {
            QIB_FAIL_IF(len < 8 || nf >= 0, err, QIB_ERR_CORRUPT, f, (int64_t)i, "JPEG-LS SOF55",
                        "frame header is short or repeated");
            nf = s[5];
        } else if (m == 0xDA) {
            QIB_FAIL_IF(nf < 1 || len < 6, err, QIB_ERR_CORRUPT, f, (int64_t)i, "JPEG-LS SOS",
                        "scan header is short or comes before the frame header");
            int ns = s[0];
            QIB_FAIL_IF(ns < 1 || ns > 4 || len < 6 + 2 * (size_t)ns, err, QIB_ERR_CORRUPT, f,
                        (int64_t)i, "JPEG-LS SOS", "scan has %d components", ns);
            int scan_ilv = s[1 + 2 * ns + 1];
            QIB_FAIL_IF(scan_ilv > 2 || (ns == 1) != (scan_ilv == 0), err, QIB_ERR_CORRUPT, f,
                        (int64_t)i, "JPEG-LS SOS",
                        "interleave mode %d with %d component(s) in one scan", scan_ilv, ns);
            QIB_FAIL_IF(ilv >= 0 && scan_ilv != ilv, err, QIB_ERR_CORRUPT, f, (int64_t)i,
                        "JPEG-LS SOS", "scan %d has interleave mode %d, the first had %d",
                        scans + 1, scan_ilv, ilv);
            ilv = scan_ilv;
            covered += ns;
            scans++;
            in_scan = true;
        }
        i += 2 + len;
    }
    QIB_FAIL_IF(scans == 0 || covered != nf, err, QIB_ERR_CORRUPT, f, -1, "JPEG-LS SOS",
                "%d scan(s) cover %d component(s); the frame has %d", scans, covered, nf);
    return QIB_OK;
}

/* Copies CharLS's output (1 or 2 bytes per sample, host order) into the
 * codec.h layout; planar when ILV is none (T.87 B.2), else interleaved. */
static void jls_copy(const qib_pixel_desc *d, const charls_frame_info *fi, bool planar,
                     const uint8_t *buf, uint8_t *out) {
    size_t pixels = (size_t)fi->width * fi->height;
    unsigned nc = (unsigned)fi->component_count;
    bool wide = fi->bits_per_sample > 8;
    for (size_t i = 0; i < pixels; i++) {
        for (unsigned c = 0; c < nc; c++) {
            size_t src = planar ? c * pixels + i : i * nc + c;
            int64_t v = wide ? (int64_t)(buf[2 * src] | (unsigned)buf[2 * src + 1] << 8)
                             : (int64_t)buf[src];
            qib__codec_store(d, out, i * nc + c, v);
        }
    }
}

/* Reads the header, validates it, decodes to a scratch buffer of exactly
 * the expected size, then copies into out. */
static qib_status jls_run(charls_jpegls_decoder *dec, const qib_pixel_desc *d, const uint8_t *in,
                          size_t in_len, uint8_t *out, qib_error *err) {
    charls_frame_info fi;
    charls_interleave_mode ilv;
    charls_jpegls_errc e = charls_jpegls_decoder_set_source_buffer(dec, in, in_len);
    if (e) return jls_fail(d, e, "cannot read the stream", err);
    e = charls_jpegls_decoder_read_header(dec);
    if (e) return jls_fail(d, e, "invalid header", err);
    e = charls_jpegls_decoder_get_frame_info(dec, &fi);
    if (e) return jls_fail(d, e, "invalid frame header", err);
    QIB_FORWARD(jls_check(d, &fi, err));
    e = charls_jpegls_decoder_get_interleave_mode(dec, &ilv);
    if (e) return jls_fail(d, e, "invalid interleave mode", err);
    size_t want = (size_t)fi.width * fi.height * (size_t)fi.component_count *
                  (fi.bits_per_sample > 8 ? 2u : 1u);
    size_t size = 0;
    e = charls_jpegls_decoder_get_destination_size(dec, 0, &size);
    if (e) return jls_fail(d, e, "cannot size the output", err);
    QIB_FAIL_IF(size != want, err, QIB_ERR_CORRUPT, d->file, -1, "JPEG-LS",
                "decoder wants %zu output bytes; %zu expected", size, want);
    uint8_t *buf = malloc(want);
    if (!buf) return qib__nomem(err, d->file, "JPEG-LS frame");
    e = charls_jpegls_decoder_decode_to_buffer(dec, buf, want, 0);
    if (!e) jls_copy(d, &fi, ilv == CHARLS_INTERLEAVE_MODE_NONE && fi.component_count > 1, buf,
                     out);
    free(buf);
    return e ? jls_fail(d, e, "cannot decode the scan", err) : QIB_OK;
}

/* Decodes one JPEG-LS frame into the codec.h layout (values reduced to
 * BitsStored, sign-extended when signed). */
qib_status qib__decode_jpegls(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                              uint8_t *out, qib_error *err) {
    QIB_FORWARD(qib__codec_check_desc(d, "JPEG-LS", QIB_CODEC_BA(8) | QIB_CODEC_BA(16), err));
    QIB_FAIL_IF(!in || in_len < 4, err, QIB_ERR_TRUNCATED, d->file, -1, "JPEG-LS",
                "frame has %zu bytes; too short for a JPEG-LS stream", in ? in_len : 0);
    /* A frame must end with EOI (T.87 C.1.1), maybe followed by a few pad
     * bytes (0x00, or 0xFF in some writers). Checked here because CharLS
     * 2.4 spends seconds on a stream that was cut short. */
    size_t tail = in_len - 1, stop = in_len > 16 ? in_len - 16 : 1;
    while (tail > stop && !(in[tail - 1] == 0xFF && in[tail] == 0xD9)) tail--;
    QIB_FAIL_IF(in[tail - 1] != 0xFF || in[tail] != 0xD9, err, QIB_ERR_TRUNCATED, d->file,
                (int64_t)in_len, "JPEG-LS EOI",
                "JPEG-LS stream does not end with the EOI marker 0xFFD9 (cut short?)");
    QIB_FORWARD(jls_check_scans(d, in, in_len, err));
    charls_jpegls_decoder *dec = charls_jpegls_decoder_create();
    if (!dec) return qib__nomem(err, d->file, "JPEG-LS decoder");
    qib_status st = jls_run(dec, d, in, in_len, out, err);
    charls_jpegls_decoder_destroy(dec);
    return st;
}
