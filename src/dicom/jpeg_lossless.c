/* SPDX-License-Identifier: Apache-2.0 */
/* jpeg_lossless.c: JPEG lossless decoder, process 14 (ITU-T T.81 Annex H,
 * Huffman coding, SOF3), for DICOM 1.2.840.10008.1.2.4.57 and .70
 * (selection value 1). 2..16-bit precision, predictors 1..7, point
 * transform, restart intervals, 1..4 components interleaved in one scan or
 * spread over several scans. Sampling factors other than 1x1, hierarchical
 * and arithmetic-coded processes are refused by name. Every read is bounded
 * by the frame's bytes; errors give the byte offset in the frame. */
#include <stdlib.h>
#include <string.h>

#include "codec_priv.h"

#define LL_MAX_COMP 4

/* A Huffman table in the form of T.81 F.2.2.3 (maxcode/valptr/mincode per
 * code length). */
typedef struct {
    bool present;
    uint8_t vals[256];
    int32_t mincode[17], maxcode[17], valptr[17];
} ll_huff;

/* A frame component (B.2.2): identifier and its sample plane. */
typedef struct {
    uint8_t id;
    bool decoded;
    uint16_t *plane; /* reconstructed samples before the point transform */
} ll_comp;

/* Decoder state: the input, the frame header, tables and the bit reader. */
typedef struct {
    const qib_pixel_desc *d;
    const uint8_t *in;
    size_t len, pos;
    qib_error *err;
    unsigned precision, width, height, ncomp, restart_interval;
    unsigned pt; /* point transform of the scans (16 until the first SOS) */
    bool have_frame;
    ll_comp comp[LL_MAX_COMP];
    ll_huff dc[4];
    /* bit reader (F.2.2.5): MSB-first buffer, stops at a marker */
    uint32_t bitbuf;
    unsigned bitcnt, fill_bits;
    bool at_marker;
} ll_dec;

/* Fails with a located message (offset = byte in the frame). */
#define LL_FAIL(s, st, off, field, ...) qib__fail((s)->err, (st), (s)->d->file, (int64_t)(off), (field), __VA_ARGS__)

/* Big-endian 16-bit value at p (marker segment lengths, B.1.1.4). */
static unsigned ll_u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Builds the decoding tables from BITS/HUFFVAL (T.81 C.2 and F.2.2.3);
 * rejects code length counts that overflow the code space. */
static bool ll_build_huff(ll_huff *h, const uint8_t counts[16], const uint8_t *vals, unsigned n) {
    int32_t code = 0;
    unsigned k = 0;
    memcpy(h->vals, vals, n);
    for (unsigned l = 1; l <= 16; l++) {
        unsigned c = counts[l - 1];
        h->valptr[l] = (int32_t)k;
        h->mincode[l] = code;
        code += (int32_t)c;
        k += c;
        h->maxcode[l] = c ? code - 1 : -1;
        if (code > (1 << l)) return false;
        code <<= 1;
    }
    h->present = true;
    return true;
}

/* Parses a DHT segment (B.2.4.2): one or more tables; only DC-class
 * (lossless) tables are kept, AC-class tables are checked and ignored. */
static qib_status ll_dht(ll_dec *s, const uint8_t *p, size_t n, size_t off) {
    size_t i = 0;
    while (i < n) {
        QIB_FAIL_IF(n - i < 17, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)(off + i), "JPEG DHT",
                    "DHT table header needs 17 bytes; %zu are left", n - i);
        unsigned tc = p[i] >> 4, th = p[i] & 15, total = 0;
        for (unsigned l = 0; l < 16; l++) total += p[i + 1 + l];
        QIB_FAIL_IF(tc > 1 || th > 3, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)(off + i),
                    "JPEG DHT", "DHT class %u / destination %u; allowed are 0..1 / 0..3", tc, th);
        QIB_FAIL_IF(total > 256 || total > n - i - 17, s->err, QIB_ERR_CORRUPT, s->d->file,
                    (int64_t)(off + i), "JPEG DHT",
                    "DHT declares %u codes but %zu value bytes follow", total, n - i - 17);
        if (tc == 0 && !ll_build_huff(&s->dc[th], p + i + 1, p + i + 17, total))
            return LL_FAIL(s, QIB_ERR_CORRUPT, off + i, "JPEG DHT",
                           "DHT table %u has more codes than its code lengths allow", th);
        i += 17 + total;
    }
    return QIB_OK;
}

/* Parses SOF3 (B.2.2) and checks it against the DICOM descriptor: frame
 * size equals Rows x Columns, Nf equals SamplesPerPixel, precision 2..16
 * and not above BitsAllocated, all sampling factors 1. */
static qib_status ll_sof(ll_dec *s, const uint8_t *p, size_t n, size_t off) {
    const qib_pixel_desc *d = s->d;
    QIB_FAIL_IF(s->have_frame, s->err, QIB_ERR_CORRUPT, d->file, (int64_t)off, "JPEG SOF3",
                "a second frame header (SOF) follows the first");
    QIB_FAIL_IF(n < 6, s->err, QIB_ERR_CORRUPT, d->file, (int64_t)off, "JPEG SOF3",
                "SOF3 segment has %zu bytes; at least 6 are needed", n);
    s->precision = p[0];
    s->height = ll_u16(p + 1);
    s->width = ll_u16(p + 3);
    s->ncomp = p[5];
    QIB_FAIL_IF(s->precision < 2 || s->precision > 16, s->err, QIB_ERR_CORRUPT, d->file,
                (int64_t)off, "JPEG SOF3", "precision is %u bits; lossless allows 2..16",
                s->precision);
    QIB_FAIL_IF(s->precision > d->bits_allocated, s->err, QIB_ERR_FORMAT, d->file, (int64_t)off,
                "JPEG SOF3", "precision is %u bits but BitsAllocated is %u", s->precision,
                d->bits_allocated);
    QIB_FAIL_IF(s->height == 0, s->err, QIB_ERR_UNSUPPORTED, d->file, (int64_t)off, "JPEG SOF3",
                "the number of lines is 0 (defined later by DNL), which is not supported");
    QIB_FAIL_IF(s->width != d->columns || s->height != d->rows, s->err, QIB_ERR_FORMAT, d->file,
                (int64_t)off, "JPEG SOF3",
                "frame is %u x %u (columns x rows) but the header says %u x %u", s->width,
                s->height, d->columns, d->rows);
    QIB_FAIL_IF(s->ncomp != d->samples_per_pixel, s->err, QIB_ERR_FORMAT, d->file, (int64_t)off,
                "JPEG SOF3", "frame has %u components but SamplesPerPixel is %u", s->ncomp,
                d->samples_per_pixel);
    QIB_FAIL_IF(n != 6 + 3u * s->ncomp, s->err, QIB_ERR_CORRUPT, d->file, (int64_t)off,
                "JPEG SOF3", "SOF3 length %zu does not match %u components", n, s->ncomp);
    size_t plane = (size_t)s->width * s->height;
    for (unsigned c = 0; c < s->ncomp; c++) {
        const uint8_t *q = p + 6 + 3 * c;
        QIB_FAIL_IF(q[1] != 0x11, s->err, QIB_ERR_UNSUPPORTED, d->file, (int64_t)off,
                    "JPEG SOF3", "component %u has sampling factors %ux%u; only 1x1 is supported",
                    c + 1, q[1] >> 4, q[1] & 15);
        s->comp[c].id = q[0];
        s->comp[c].plane = calloc(plane, sizeof(uint16_t));
        if (!s->comp[c].plane) return qib__nomem(s->err, d->file, "JPEG lossless plane");
    }
    s->have_frame = true;
    return QIB_OK;
}

/* Refills the bit buffer to at least 25 bits (F.2.2.5): a 0xFF 0x00 pair is
 * a 0xFF data byte; at a marker or the end of the input, zero bits are fed
 * and counted in fill_bits so reading past the data is detected. */
static void ll_fill(ll_dec *s) {
    while (s->bitcnt <= 24) {
        unsigned b = 0;
        bool real = false;
        if (!s->at_marker && s->pos < s->len) {
            b = s->in[s->pos];
            if (b != 0xFF) {
                s->pos++;
                real = true;
            } else if (s->pos + 1 < s->len && s->in[s->pos + 1] == 0x00) {
                s->pos += 2;
                real = true;
            } else {
                s->at_marker = true;
            }
        }
        if (!real) {
            b = 0;
            s->fill_bits += 8;
        }
        s->bitbuf |= (uint32_t)b << (24 - s->bitcnt);
        s->bitcnt += 8;
    }
}

/* Removes and returns the next n (0..16) bits, MSB first. */
static unsigned ll_bits(ll_dec *s, unsigned n) {
    if (n == 0) return 0;
    ll_fill(s);
    unsigned v = s->bitbuf >> (32 - n);
    s->bitbuf <<= n;
    s->bitcnt -= n;
    return v;
}

/* True when the scan has used bits that were not in the input. */
static bool ll_overread(const ll_dec *s) { return s->fill_bits > s->bitcnt; }

/* Decodes one difference (H.1.2.2, F.2.2.1): the Huffman-coded SSSS, then
 * SSSS extra bits extended to a signed value; SSSS 16 means 32768 with no
 * extra bits. Returns false on an invalid code. */
static bool ll_diff(ll_dec *s, const ll_huff *h, int32_t *diff) {
    ll_fill(s);
    uint32_t look = s->bitbuf >> 16;
    unsigned l = 1;
    while (l <= 16 && (int32_t)(look >> (16 - l)) > h->maxcode[l]) l++;
    if (l > 16) return false;
    int32_t code = (int32_t)(look >> (16 - l));
    s->bitbuf <<= l;
    s->bitcnt -= l;
    unsigned ssss = h->vals[h->valptr[l] + code - h->mincode[l]];
    if (ssss > 16) return false;
    if (ssss == 16) {
        *diff = 32768;
        return true;
    }
    int32_t v = (int32_t)ll_bits(s, ssss);
    if (ssss && v < (1 << (ssss - 1))) v -= (1 << ssss) - 1;
    *diff = v;
    return true;
}

/* The prediction of H.1.2.1 for the sample at (x, y) of plane p: the
 * default 2^(P-Pt-1) for the first sample of the scan or of a restart
 * interval, Ra along the first line after it, Rb at the start of other
 * lines, else predictor ps (Table H.1). */
static int32_t ll_predict(const uint16_t *p, unsigned w, unsigned x, unsigned y, unsigned rx,
                          unsigned ry, unsigned ps, int32_t deflt) {
    if (x == rx && y == ry) return deflt;
    const uint16_t *row = p + (size_t)y * w, *up = row - w;
    if (y == ry) return row[x - 1];
    if (x == 0) return up[0];
    int32_t ra = row[x - 1], rb = up[x], rc = up[x - 1];
    switch (ps) {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
    }
}

/* Consumes the RSTn marker that ends a restart interval (F.2.2.5, E.2.4):
 * drops the padding bits, checks the marker number, resets the reader. */
static qib_status ll_restart(ll_dec *s, unsigned *rst_no) {
    QIB_FAIL_IF(ll_overread(s), s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)s->pos,
                "JPEG scan", "entropy-coded data ends inside a restart interval");
    size_t p = s->pos;
    while (p + 1 < s->len && s->in[p] == 0xFF && s->in[p + 1] == 0xFF) p++;
    QIB_FAIL_IF(p + 1 >= s->len || s->in[p] != 0xFF || s->in[p + 1] != 0xD0 + (*rst_no & 7),
                s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)p, "JPEG RST",
                "restart marker RST%u expected after %u samples", *rst_no & 7,
                s->restart_interval);
    s->pos = p + 2;
    s->bitbuf = 0;
    s->bitcnt = 0;
    s->fill_bits = 0;
    s->at_marker = false;
    (*rst_no)++;
    return QIB_OK;
}

/* Decodes the entropy-coded data of one scan (H.2, E.2.3): MCUs of one
 * sample of each scan component, in raster order, with restarts. */
static qib_status ll_scan_data(ll_dec *s, ll_comp **sc, const ll_huff **tab, unsigned ns,
                               unsigned ps, unsigned pt) {
    unsigned w = s->width, rx = 0, ry = 0, rst_no = 0;
    int32_t deflt = 1 << (s->precision - pt - 1);
    size_t mcus = 0;
    s->bitbuf = 0;
    s->bitcnt = 0;
    s->fill_bits = 0;
    s->at_marker = false;
    for (unsigned y = 0; y < s->height; y++) {
        for (unsigned x = 0; x < w; x++) {
            if (s->restart_interval && mcus && mcus % s->restart_interval == 0) {
                QIB_FORWARD(ll_restart(s, &rst_no));
                rx = x;
                ry = y;
            }
            for (unsigned c = 0; c < ns; c++) {
                int32_t diff;
                uint16_t *pl = sc[c]->plane;
                int32_t pred = ll_predict(pl, w, x, y, rx, ry, ps, deflt);
                QIB_FAIL_IF(!ll_diff(s, tab[c], &diff), s->err, QIB_ERR_CORRUPT, s->d->file,
                            (int64_t)s->pos, "JPEG scan",
                            "invalid Huffman code at sample (%u, %u) of component %u", x, y,
                            c + 1);
                pl[(size_t)y * w + x] = (uint16_t)((pred + diff) & 0xFFFF);
            }
            mcus++;
        }
    }
    QIB_FAIL_IF(ll_overread(s), s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)s->pos,
                "JPEG scan", "entropy-coded data ends before the last of %u x %u samples", w,
                s->height);
    return QIB_OK;
}

/* Parses SOS (B.2.3) and decodes its scan: Ns scan components matched to
 * frame components with defined tables, Ss = predictor 1..7, Se = 0,
 * Al = point transform below the precision. */
static qib_status ll_sos(ll_dec *s, const uint8_t *p, size_t n, size_t off) {
    const char *f = s->d->file;
    QIB_FAIL_IF(!s->have_frame, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOS",
                "scan header (SOS) comes before the frame header (SOF3)");
    unsigned ns = n ? p[0] : 0;
    QIB_FAIL_IF(ns < 1 || ns > s->ncomp || n != 4 + 2u * ns, s->err, QIB_ERR_CORRUPT, f,
                (int64_t)off, "JPEG SOS", "scan header of %zu bytes with %u components is invalid",
                n, ns);
    ll_comp *sc[LL_MAX_COMP];
    const ll_huff *tab[LL_MAX_COMP];
    for (unsigned i = 0; i < ns; i++) {
        unsigned cid = p[1 + 2 * i], td = p[2 + 2 * i] >> 4, k = 0;
        while (k < s->ncomp && s->comp[k].id != cid) k++;
        QIB_FAIL_IF(k == s->ncomp || s->comp[k].decoded, s->err, QIB_ERR_CORRUPT, f, (int64_t)off,
                    "JPEG SOS", "scan component id %u is unknown or already decoded", cid);
        QIB_FAIL_IF(td > 3 || !s->dc[td].present, s->err, QIB_ERR_CORRUPT, f, (int64_t)off,
                    "JPEG SOS", "scan component %u uses Huffman table %u, which is not defined",
                    cid, td);
        sc[i] = &s->comp[k];
        sc[i]->decoded = true;
        tab[i] = &s->dc[td];
    }
    unsigned ps = p[1 + 2 * ns], pt = p[3 + 2 * ns] & 15;
    QIB_FAIL_IF(ps < 1 || ps > 7, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOS",
                "predictor (Ss) is %u; process 14 allows 1..7", ps);
    QIB_FAIL_IF(pt >= s->precision, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOS",
                "point transform %u is not below the precision %u", pt, s->precision);
    QIB_FAIL_IF(s->pt != 16 && s->pt != pt, s->err, QIB_ERR_UNSUPPORTED, f, (int64_t)off,
                "JPEG SOS", "scans use different point transforms (%u and %u)", s->pt, pt);
    s->pt = pt;
    s->pos = off + n;
    QIB_FORWARD(ll_scan_data(s, sc, tab, ns, ps, pt));
    /* Skip what is left of the entropy-coded segment up to the next marker. */
    while (s->pos + 1 < s->len &&
           !(s->in[s->pos] == 0xFF && s->in[s->pos + 1] != 0 && s->in[s->pos + 1] != 0xFF))
        s->pos++;
    return QIB_OK;
}

/* Handles one marker segment (B.1.1.4 / B.2): length check, then dispatch. */
static qib_status ll_segment(ll_dec *s, unsigned m, size_t at) {
    const char *f = s->d->file;
    QIB_FAIL_IF(s->len - at < 4, s->err, QIB_ERR_TRUNCATED, f, (int64_t)at, "JPEG marker",
                "marker 0xFF%02X has no length field", m);
    size_t seglen = ll_u16(s->in + at + 2);
    QIB_FAIL_IF(seglen < 2 || seglen > s->len - at - 2, s->err, QIB_ERR_TRUNCATED, f,
                (int64_t)at, "JPEG marker",
                "marker 0xFF%02X segment of %zu bytes runs past the frame's %zu bytes", m, seglen,
                s->len);
    const uint8_t *p = s->in + at + 4;
    size_t n = seglen - 2, off = at + 4;
    s->pos = at + 2 + seglen;
    if (m == 0xC3) return ll_sof(s, p, n, off);
    if (m == 0xC4) return ll_dht(s, p, n, off);
    if (m == 0xDA) return ll_sos(s, p, n, off);
    if (m == 0xDD) {
        QIB_FAIL_IF(n != 2, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG DRI",
                    "DRI segment has %zu bytes; 2 expected", n);
        s->restart_interval = ll_u16(p);
        return QIB_OK;
    }
    if (m == 0xC0 || m == 0xC1 || m == 0xC2)
        return LL_FAIL(s, QIB_ERR_FORMAT, at, "JPEG SOF",
                       "frame is DCT-based (SOF%u), not lossless: the transfer syntax is wrong",
                       m - 0xC0);
    if ((m >= 0xC5 && m <= 0xCF && m != 0xC8 && m != 0xCC) || m == 0xDC || m == 0xDE)
        return LL_FAIL(s, QIB_ERR_UNSUPPORTED, at, "JPEG marker",
                       "marker 0xFF%02X (hierarchical, arithmetic or DNL) is not supported", m);
    return QIB_OK; /* APPn, COM, DQT, DAC-free extensions: skipped */
}

/* Walks the markers of the frame (B.2.1): SOI, tables/frame/scans, EOI. */
static qib_status ll_parse(ll_dec *s) {
    const char *f = s->d->file;
    s->pt = 16;
    QIB_FAIL_IF(s->len < 2 || s->in[0] != 0xFF || s->in[1] != 0xD8, s->err, QIB_ERR_CORRUPT, f, 0,
                "JPEG SOI", "frame does not start with the JPEG SOI marker 0xFFD8");
    s->pos = 2;
    for (;;) {
        size_t at = s->pos;
        while (at + 1 < s->len && s->in[at] == 0xFF && s->in[at + 1] == 0xFF) at++;
        /* A missing EOI after complete scans is tolerated, as IJG does. */
        if (at + 1 >= s->len && s->pt != 16) break;
        QIB_FAIL_IF(at + 1 >= s->len, s->err, QIB_ERR_TRUNCATED, f, (int64_t)at, "JPEG EOI",
                    "frame ends before the EOI marker");
        QIB_FAIL_IF(s->in[at] != 0xFF, s->err, QIB_ERR_CORRUPT, f, (int64_t)at, "JPEG marker",
                    "marker expected, found byte 0x%02X", s->in[at]);
        unsigned m = s->in[at + 1];
        if (m == 0xD9) break;
        QIB_FAIL_IF(m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01 || m == 0x00, s->err,
                    QIB_ERR_CORRUPT, f, (int64_t)at, "JPEG marker",
                    "marker 0xFF%02X is not allowed here", m);
        QIB_FORWARD(ll_segment(s, m, at));
    }
    QIB_FAIL_IF(!s->have_frame, s->err, QIB_ERR_CORRUPT, f, (int64_t)s->pos, "JPEG SOF3",
                "frame has no lossless frame header (SOF3)");
    for (unsigned c = 0; c < s->ncomp; c++)
        QIB_FAIL_IF(!s->comp[c].decoded, s->err, QIB_ERR_TRUNCATED, f, (int64_t)s->pos,
                    "JPEG SOS", "component %u is in no scan", c + 1);
    return QIB_OK;
}

/* Decodes one JPEG lossless frame into the codec.h layout: samples are the
 * reconstructed values shifted left by the point transform (H.1.2.1),
 * interleaved, reduced to BitsStored and sign-extended when signed. */
qib_status qib__decode_jpeg_lossless(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                                     uint8_t *out, qib_error *err) {
    QIB_FORWARD(qib__codec_check_desc(d, "JPEG lossless",
                                      QIB_CODEC_BA(8) | QIB_CODEC_BA(16), err));
    ll_dec *s = calloc(1, sizeof *s);
    if (!s) return qib__nomem(err, d->file, "JPEG lossless decoder");
    s->d = d;
    s->in = in;
    s->len = in ? in_len : 0;
    s->err = err;
    qib_status st = ll_parse(s);
    if (st == QIB_OK) {
        size_t pixels = (size_t)s->width * s->height;
        unsigned pt = s->pt; /* all scans use it (checked in ll_sos) */
        for (size_t i = 0; i < pixels; i++)
            for (unsigned c = 0; c < s->ncomp; c++)
                qib__codec_store(d, out, i * s->ncomp + c,
                                 (int64_t)s->comp[c].plane[i] << pt);
    }
    for (unsigned c = 0; c < LL_MAX_COMP; c++) free(s->comp[c].plane);
    free(s);
    return st;
}
