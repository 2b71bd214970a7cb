/* SPDX-License-Identifier: Apache-2.0 */
/* jpeg12.c: 12-bit JPEG DCT decoder (ITU-T T.81 process 4: extended
 * sequential, Huffman coding, SOF0/SOF1) for DICOM 1.2.840.10008.1.2.4.51,
 * because Debian 12's libjpeg-turbo is built for 8-bit samples only.
 * It follows the IJG/GDCM 12-bit build exactly where that decides the
 * result: the "islow" integer IDCT (jidctint.c, Loeffler-Ligtenberg-
 * Moschytz with 13-bit constants and one extra bit of precision in pass 1)
 * and its range limiting, so lossy hashes match the reference decodes.
 * Supported: 1 component, or several without sub-sampling (no colour
 * conversion); progressive, arithmetic and sub-sampled colour are refused. */
#include <stdlib.h>
#include <string.h>

#include "codec_priv.h"

#define J12_MAX_COMP 4

/* Zig-zag to natural order (T.81 Figure A.6), with 16 extra entries so a
 * corrupt run length lands on coefficient 63 as in IJG. */
static const uint8_t j12_natural[64 + 16] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33,
    40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36,
    29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

/* Huffman table in T.81 F.2.2.3 form. */
typedef struct {
    bool present;
    uint8_t vals[256];
    int32_t mincode[17], maxcode[17], valptr[17];
} j12_huff;

/* Frame component: id, quantisation table, tables of the current scan,
 * DC predictor and the decoded sample plane (whole 8x8 blocks). */
typedef struct {
    uint8_t id, tq, td, ta;
    int32_t dc_pred;
    uint16_t *plane;
} j12_comp;

typedef struct {
    const qib_pixel_desc *d;
    const uint8_t *in;
    size_t len, pos;
    qib_error *err;
    unsigned width, height, ncomp, bw, bh, restart_interval;
    bool have_frame, scanned;
    j12_comp comp[J12_MAX_COMP];
    uint16_t quant[4][64]; /* natural order */
    bool quant_present[4];
    j12_huff dc[4], ac[4];
    uint32_t bitbuf;
    unsigned bitcnt, fill_bits;
    bool at_marker;
} j12_dec;

#define J12_FAIL(s, st, off, field, ...) \
    qib__fail((s)->err, (st), (s)->d->file, (int64_t)(off), (field), __VA_ARGS__)

static unsigned j12_u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Builds decoding tables from BITS/HUFFVAL (T.81 C.2, F.2.2.3). */
static bool j12_build_huff(j12_huff *h, const uint8_t *counts, const uint8_t *vals, unsigned n) {
    int32_t code = 0;
    unsigned k = 0;
    memset(h->vals, 0, sizeof h->vals);
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

/* DHT (B.2.4.2): DC (class 0) and AC (class 1) tables. */
static qib_status j12_dht(j12_dec *s, const uint8_t *p, size_t n, size_t off) {
    size_t i = 0;
    while (i < n) {
        QIB_FAIL_IF(n - i < 17, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)(off + i),
                    "JPEG DHT", "DHT table header needs 17 bytes; %zu are left", n - i);
        unsigned tc = p[i] >> 4, th = p[i] & 15, total = 0;
        for (unsigned l = 0; l < 16; l++) total += p[i + 1 + l];
        QIB_FAIL_IF(tc > 1 || th > 3 || total > 256 || total > n - i - 17, s->err,
                    QIB_ERR_CORRUPT, s->d->file, (int64_t)(off + i), "JPEG DHT",
                    "DHT class %u table %u with %u codes is invalid", tc, th, total);
        if (!j12_build_huff(tc ? &s->ac[th] : &s->dc[th], p + i + 1, p + i + 17, total))
            return J12_FAIL(s, QIB_ERR_CORRUPT, off + i, "JPEG DHT",
                            "DHT table %u has more codes than its lengths allow", th);
        i += 17 + total;
    }
    return QIB_OK;
}

/* DQT (B.2.4.1): 8- or 16-bit entries in zig-zag order. */
static qib_status j12_dqt(j12_dec *s, const uint8_t *p, size_t n, size_t off) {
    size_t i = 0;
    while (i < n) {
        unsigned pq = p[i] >> 4, tq = p[i] & 15, sz = pq ? 128u : 64u;
        QIB_FAIL_IF(pq > 1 || tq > 3 || n - i - 1 < sz, s->err, QIB_ERR_CORRUPT, s->d->file,
                    (int64_t)(off + i), "JPEG DQT", "DQT table %u (precision %u) is invalid",
                    tq, pq);
        for (unsigned k = 0; k < 64; k++)
            s->quant[tq][j12_natural[k]] =
                (uint16_t)(pq ? j12_u16(p + i + 1 + 2 * k) : p[i + 1 + k]);
        s->quant_present[tq] = true;
        i += 1 + sz;
    }
    return QIB_OK;
}

/* SOF0/SOF1 (B.2.2), checked against the descriptor; allocates planes of
 * whole blocks (A.2.4). */
static qib_status j12_sof(j12_dec *s, const uint8_t *p, size_t n, size_t off) {
    const char *f = s->d->file;
    QIB_FAIL_IF(s->have_frame || n < 6, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOF",
                "a second or too short frame header");
    s->height = j12_u16(p + 1);
    s->width = j12_u16(p + 3);
    s->ncomp = p[5];
    QIB_FAIL_IF(p[0] != 12, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOF",
                "precision is %u; this decoder handles 12-bit frames", p[0]);
    QIB_FAIL_IF(s->width != s->d->columns || s->height != s->d->rows, s->err, QIB_ERR_FORMAT, f,
                (int64_t)off, "JPEG SOF",
                "frame is %u x %u (columns x rows) but the header says %u x %u", s->width,
                s->height, s->d->columns, s->d->rows);
    QIB_FAIL_IF(s->ncomp != s->d->samples_per_pixel || n != 6 + 3u * s->ncomp, s->err,
                QIB_ERR_FORMAT, f, (int64_t)off, "JPEG SOF",
                "frame has %u components but SamplesPerPixel is %u", s->ncomp,
                s->d->samples_per_pixel);
    s->bw = (s->width + 7) / 8;
    s->bh = (s->height + 7) / 8;
    for (unsigned c = 0; c < s->ncomp; c++) {
        const uint8_t *q = p + 6 + 3 * c;
        QIB_FAIL_IF(s->ncomp > 1 && q[1] != 0x11, s->err, QIB_ERR_UNSUPPORTED, f, (int64_t)off,
                    "JPEG SOF", "12-bit colour with sub-sampled components is not supported");
        QIB_FAIL_IF(q[2] > 3, s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOF",
                    "component %u uses quantisation table %u", c + 1, q[2]);
        s->comp[c].id = q[0];
        s->comp[c].tq = q[2];
        s->comp[c].plane = calloc((size_t)s->bw * s->bh * 64, sizeof(uint16_t));
        if (!s->comp[c].plane) return qib__nomem(s->err, f, "JPEG 12-bit plane");
    }
    s->have_frame = true;
    return QIB_OK;
}

/* Bit reader (F.2.2.5): 0xFF00 is a 0xFF byte; at a marker or the end,
 * zero bits are fed and counted so an over-read is detected. */
static void j12_fill(j12_dec *s) {
    while (s->bitcnt <= 24) {
        unsigned b = 0;
        bool real = false;
        if (!s->at_marker && s->pos < s->len) {
            b = s->in[s->pos];
            if (b != 0xFF) {
                s->pos++;
                real = true;
            } else if (s->pos + 1 < s->len && s->in[s->pos + 1] == 0) {
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

static int32_t j12_bits(j12_dec *s, unsigned n) {
    if (n == 0) return 0;
    j12_fill(s);
    int32_t v = (int32_t)(s->bitbuf >> (32 - n));
    s->bitbuf <<= n;
    s->bitcnt -= n;
    return v;
}

/* EXTEND (F.2.2.1): v of t bits to a signed value. */
static int32_t j12_extend(int32_t v, unsigned t) {
    return (t && v < (1 << (t - 1))) ? v - (1 << t) + 1 : v;
}

/* DECODE (F.2.2.3); -1 for an invalid code. */
static int j12_decode(j12_dec *s, const j12_huff *h) {
    j12_fill(s);
    uint32_t look = s->bitbuf >> 16;
    unsigned l = 1;
    while (l <= 16 && (int32_t)(look >> (16 - l)) > h->maxcode[l]) l++;
    if (l > 16) return -1;
    int32_t code = (int32_t)(look >> (16 - l));
    s->bitbuf <<= l;
    s->bitcnt -= l;
    return h->vals[h->valptr[l] + code - h->mincode[l]];
}

/* IJG islow constants (CONST_BITS 13) and helpers, as in jidctint.c. */
#define CB 13
#define P1 1
#define DESCALE(x, n) (((x) + ((int64_t)1 << ((n)-1))) >> (n))

/* Range limit of the IJG 12-bit build: wrap to 14 bits, then clamp
 * value + 2048 to 0..4095 (jdmaster.c prepare_range_limit_table). */
static uint16_t j12_limit(int64_t v) {
    int64_t i = v & 16383;
    if (i >= 8192) i -= 16384;
    i += 2048;
    return (uint16_t)(i < 0 ? 0 : i > 4095 ? 4095 : i);
}

/* One 1-D 8-point LLM IDCT on x[0..7] (stride st), results in o[0..7]. */
static void j12_idct1(const int64_t *x, size_t st, int64_t *o) {
    int64_t z2 = x[2 * st], z3 = x[6 * st];
    int64_t z1 = (z2 + z3) * 4433;
    int64_t t2 = z1 + z3 * -15137, t3 = z1 + z2 * 6270;
    int64_t t0 = (x[0] + x[4 * st]) * (1 << CB), t1 = (x[0] - x[4 * st]) * (1 << CB);
    int64_t t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
    t0 = x[7 * st];
    t1 = x[5 * st];
    t2 = x[3 * st];
    t3 = x[1 * st];
    z1 = t0 + t3;
    z2 = t1 + t2;
    z3 = t0 + t2;
    int64_t z4 = t1 + t3, z5 = (z3 + z4) * 9633;
    t0 *= 2446;
    t1 *= 16819;
    t2 *= 25172;
    t3 *= 12299;
    z1 *= -7373;
    z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    t0 += z1 + z3;
    t1 += z2 + z4;
    t2 += z2 + z3;
    t3 += z1 + z4;
    o[0] = t10 + t3;
    o[7] = t10 - t3;
    o[1] = t11 + t2;
    o[6] = t11 - t2;
    o[2] = t12 + t1;
    o[5] = t12 - t1;
    o[3] = t13 + t0;
    o[4] = t13 - t0;
}

/* Dequantises and inverse-transforms one block (A.3.3, IJG islow): columns
 * descaled by CB-P1 into an int workspace, rows by CB+P1+3. */
static void j12_idct(const int32_t *coef, const uint16_t *q, uint16_t *dst, size_t stride) {
    int64_t in[64], ws[64], o[8], row[8];
    for (int k = 0; k < 64; k++) in[k] = (int64_t)coef[k] * q[k];
    for (int c = 0; c < 8; c++) {
        j12_idct1(in + c, 8, o);
        for (int r = 0; r < 8; r++) ws[r * 8 + c] = (int32_t)DESCALE(o[r], CB - P1);
    }
    for (int r = 0; r < 8; r++) {
        for (int c = 0; c < 8; c++) row[c] = ws[r * 8 + c];
        j12_idct1(row, 1, o);
        for (int c = 0; c < 8; c++) dst[r * stride + c] = j12_limit(DESCALE(o[c], CB + P1 + 3));
    }
}

/* Decodes one block's coefficients (F.2.2.1, F.2.2.2) and writes its
 * samples at block (bx, by) of the component plane. */
static qib_status j12_block(j12_dec *s, j12_comp *c, unsigned bx, unsigned by) {
    int32_t coef[64] = {0};
    int t = j12_decode(s, &s->dc[c->td]);
    QIB_FAIL_IF(t < 0 || t > 16, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)s->pos,
                "JPEG scan", "invalid DC code in block (%u, %u)", bx, by);
    /* wraps like IJG's int predictor instead of overflowing on corrupt data */
    c->dc_pred = (int32_t)((uint32_t)c->dc_pred +
                           (uint32_t)j12_extend(j12_bits(s, (unsigned)t), (unsigned)t));
    coef[0] = c->dc_pred;
    for (unsigned k = 1; k < 64; k++) {
        int rs = j12_decode(s, &s->ac[c->ta]);
        QIB_FAIL_IF(rs < 0, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)s->pos, "JPEG scan",
                    "invalid AC code in block (%u, %u)", bx, by);
        unsigned r = (unsigned)rs >> 4, sz = (unsigned)rs & 15;
        if (sz == 0) {
            if (r != 15) break;
            k += 15;
            continue;
        }
        k += r;
        coef[j12_natural[k < 79 ? k : 79]] = j12_extend(j12_bits(s, sz), sz);
    }
    size_t stride = (size_t)s->bw * 8;
    j12_idct(coef, s->quant[c->tq], c->plane + (size_t)by * 8 * stride + (size_t)bx * 8, stride);
    return QIB_OK;
}

/* Consumes the RSTn marker ending a restart interval and resets the DC
 * predictors (F.2.1.3.1, E.2.4). */
static qib_status j12_restart(j12_dec *s, unsigned *rst_no) {
    size_t p = s->pos;
    QIB_FAIL_IF(s->fill_bits > s->bitcnt, s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)p,
                "JPEG scan", "entropy-coded data ends inside a restart interval");
    while (p + 1 < s->len && s->in[p] == 0xFF && s->in[p + 1] == 0xFF) p++;
    QIB_FAIL_IF(p + 1 >= s->len || s->in[p] != 0xFF || s->in[p + 1] != 0xD0 + (*rst_no & 7),
                s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)p, "JPEG RST",
                "restart marker RST%u expected", *rst_no & 7);
    s->pos = p + 2;
    s->bitbuf = s->bitcnt = s->fill_bits = 0;
    s->at_marker = false;
    for (unsigned c = 0; c < s->ncomp; c++) s->comp[c].dc_pred = 0;
    (*rst_no)++;
    return QIB_OK;
}

/* Decodes a scan's MCUs (A.2.2/A.2.3): one block per MCU for a single
 * component scan, one block of each component when interleaved (1x1). */
static qib_status j12_scan_data(j12_dec *s, j12_comp **sc, unsigned ns) {
    unsigned rst_no = 0;
    size_t mcu = 0;
    s->bitbuf = s->bitcnt = s->fill_bits = 0;
    s->at_marker = false;
    for (unsigned c = 0; c < s->ncomp; c++) s->comp[c].dc_pred = 0;
    for (unsigned by = 0; by < s->bh; by++)
        for (unsigned bx = 0; bx < s->bw; bx++, mcu++) {
            if (s->restart_interval && mcu && mcu % s->restart_interval == 0)
                QIB_FORWARD(j12_restart(s, &rst_no));
            for (unsigned i = 0; i < ns; i++) QIB_FORWARD(j12_block(s, sc[i], bx, by));
        }
    QIB_FAIL_IF(s->fill_bits > s->bitcnt, s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)s->pos,
                "JPEG scan", "entropy-coded data ends before the last block");
    while (s->pos + 1 < s->len &&
           !(s->in[s->pos] == 0xFF && s->in[s->pos + 1] != 0 && s->in[s->pos + 1] != 0xFF))
        s->pos++;
    return QIB_OK;
}

/* SOS (B.2.3). Ss/Se/Ah/Al are not checked for a sequential frame, as
 * IJG only warns (one corpus file has Se = 0). */
static qib_status j12_sos(j12_dec *s, const uint8_t *p, size_t n, size_t off) {
    const char *f = s->d->file;
    unsigned ns = n ? p[0] : 0;
    QIB_FAIL_IF(!s->have_frame || ns < 1 || ns > s->ncomp || n != 4 + 2u * ns, s->err,
                QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOS", "invalid scan header");
    j12_comp *sc[J12_MAX_COMP];
    for (unsigned i = 0; i < ns; i++) {
        unsigned k = 0, td = p[2 + 2 * i] >> 4, ta = p[2 + 2 * i] & 15;
        while (k < s->ncomp && s->comp[k].id != p[1 + 2 * i]) k++;
        QIB_FAIL_IF(k == s->ncomp || td > 3 || ta > 3 || !s->dc[td].present ||
                        !s->ac[ta].present || !s->quant_present[s->comp[k].tq],
                    s->err, QIB_ERR_CORRUPT, f, (int64_t)off, "JPEG SOS",
                    "scan component %u is unknown or its tables are not defined", i + 1);
        sc[i] = &s->comp[k];
        sc[i]->td = (uint8_t)td;
        sc[i]->ta = (uint8_t)ta;
    }
    s->pos = off + n;
    s->scanned = true;
    return j12_scan_data(s, sc, ns);
}

/* One marker segment: length check and dispatch. */
static qib_status j12_segment(j12_dec *s, unsigned m, size_t at) {
    QIB_FAIL_IF(s->len - at < 4, s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)at,
                "JPEG marker", "marker 0xFF%02X has no length", m);
    size_t seglen = j12_u16(s->in + at + 2);
    QIB_FAIL_IF(seglen < 2 || seglen > s->len - at - 2, s->err, QIB_ERR_TRUNCATED, s->d->file,
                (int64_t)at, "JPEG marker", "marker 0xFF%02X segment runs past the data", m);
    const uint8_t *p = s->in + at + 4;
    size_t n = seglen - 2, off = at + 4;
    s->pos = at + 2 + seglen;
    if (m == 0xC0 || m == 0xC1) return j12_sof(s, p, n, off);
    if (m == 0xC4) return j12_dht(s, p, n, off);
    if (m == 0xDB) return j12_dqt(s, p, n, off);
    if (m == 0xDA) return j12_sos(s, p, n, off);
    if (m == 0xDD) {
        QIB_FAIL_IF(n != 2, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)off, "JPEG DRI",
                    "DRI segment has %zu bytes; 2 expected", n);
        s->restart_interval = j12_u16(p);
        return QIB_OK;
    }
    if ((m >= 0xC2 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) || m == 0xDC)
        return J12_FAIL(s, QIB_ERR_UNSUPPORTED, at, "JPEG SOF",
                        "12-bit JPEG with marker 0xFF%02X (progressive, lossless, arithmetic "
                        "or DNL) is not supported", m);
    return QIB_OK;
}

/* Walks SOI, segments and scans up to EOI (B.2.1). */
static qib_status j12_parse(j12_dec *s) {
    s->pos = 2;
    for (;;) {
        size_t at = s->pos;
        while (at + 1 < s->len && s->in[at] == 0xFF && s->in[at + 1] == 0xFF) at++;
        if (at + 1 >= s->len && s->scanned) break; /* missing EOI, as IJG tolerates */
        QIB_FAIL_IF(at + 1 >= s->len, s->err, QIB_ERR_TRUNCATED, s->d->file, (int64_t)at,
                    "JPEG EOI", "frame ends before the EOI marker");
        QIB_FAIL_IF(s->in[at] != 0xFF, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)at,
                    "JPEG marker", "marker expected, found byte 0x%02X", s->in[at]);
        unsigned m = s->in[at + 1];
        if (m == 0xD9) break;
        QIB_FAIL_IF(m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m < 0x02, s->err, QIB_ERR_CORRUPT,
                    s->d->file, (int64_t)at, "JPEG marker", "marker 0xFF%02X is not allowed here",
                    m);
        QIB_FORWARD(j12_segment(s, m, at));
    }
    QIB_FAIL_IF(!s->scanned, s->err, QIB_ERR_CORRUPT, s->d->file, (int64_t)s->pos, "JPEG SOS",
                "frame has no scan");
    return QIB_OK;
}

/* Decodes one 12-bit DCT frame into the codec.h layout (components as
 * coded, interleaved; cropped from whole blocks to rows x columns). */
qib_status qib__decode_jpeg12(const qib_pixel_desc *d, const uint8_t *in, size_t in_len,
                              uint8_t *out, qib_error *err) {
    j12_dec *s = calloc(1, sizeof *s);
    if (!s) return qib__nomem(err, d->file, "JPEG 12-bit decoder");
    s->d = d;
    s->in = in;
    s->len = in_len;
    s->err = err;
    qib_status st = j12_parse(s);
    if (st == QIB_OK) {
        size_t stride = (size_t)s->bw * 8;
        for (size_t y = 0; y < s->height; y++)
            for (size_t x = 0; x < s->width; x++)
                for (unsigned c = 0; c < s->ncomp; c++)
                    qib__codec_store(d, out, (y * s->width + x) * s->ncomp + c,
                                     s->comp[c].plane[y * stride + x]);
    }
    for (unsigned c = 0; c < J12_MAX_COMP; c++) free(s->comp[c].plane);
    free(s);
    return st;
}
