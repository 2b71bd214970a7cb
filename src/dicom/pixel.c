/* SPDX-License-Identifier: Apache-2.0 */
/* pixel.c: the Image Pixel module (PS3.3 C.7.6.3) and frame access: native
 * pixel data of every bit depth (PS3.5 8.1.1, 1-bit packed LSB first,
 * signed, big endian), Float and Double Float Pixel Data, and encapsulated
 * frames (PS3.5 A.4: Basic and Extended Offset Tables, fragments) handed to
 * the codec of the transfer syntax (codec.h). */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dicom_internal.h"

/* ---- the description ---- */

static qib_status get_u16(const qib_dicom *d, uint32_t tag, bool required, uint16_t dflt,
                          uint16_t *out, qib_error *err) {
    const qib_dicom_item *root = &d->root;
    if (!qib__dcm_find(root, tag) || qib_dicom_vm(root, tag) == 0) {
        if (required)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, NULL, tag,
                                 "is missing, but the file has pixel data");
        *out = dflt;
        return QIB_OK;
    }
    int64_t v;
    QIB_FORWARD(qib_dicom_get_int(root, tag, 0, &v, err));
    if (v < 0 || v > 65535)
        return qib__dcm_fail(d, err, QIB_ERR_FORMAT, qib__dcm_find(root, tag), tag,
                             "is %lld, outside 0..65535", (long long)v);
    *out = (uint16_t)v;
    return QIB_OK;
}

static const dcm_elem *pixel_elem(const qib_dicom *d) {
    const dcm_elem *e = qib__dcm_find(&d->root, DCM_TAG_PIXEL_DATA);
    if (!e) e = qib__dcm_find(&d->root, DCM_TAG_FLOAT_PIXEL);
    if (!e) e = qib__dcm_find(&d->root, DCM_TAG_DOUBLE_PIXEL);
    return e;
}

static bool is_422(const qib_dicom_pixels *px) {
    return !px->encapsulated && px->samples_per_pixel == 3 &&
           (!strcmp(px->photometric, "YBR_FULL_422") || !strcmp(px->photometric, "YBR_PARTIAL_422"));
}

size_t qib__dcm_frame_bytes(const qib_dicom_pixels *px) { return px->frame_bytes; }

/* Bytes of one native frame as stored (0 for 1-bit data: frames are bit
 * ranges). */
static bool stored_frame_bytes(const qib_dicom_pixels *px, size_t *out) {
    size_t n;
    if (!qib__mul_ok(px->rows, px->columns, &n)) return false;
    size_t bytes = px->bits_allocated / 8u;
    if (px->bits_allocated == 1) {
        *out = 0;
        return true;
    }
    if (is_422(px)) return qib__mul_ok(n, 2 * bytes, out);
    return qib__mul_ok(n, px->samples_per_pixel, &n) && qib__mul_ok(n, bytes, out);
}

qib_status qib_dicom_get_pixels(const qib_dicom *d, qib_dicom_pixels *out, qib_error *err) {
    QIB_FAIL_IF(!d || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "no DICOM file given");
    const dcm_elem *pe = pixel_elem(d);
    if (!pe)
        return qib__fail(err, QIB_ERR_NOT_FOUND, d->name, -1, "(7FE0,0010)",
                         d->pixels_skipped ? "pixel data were skipped (header only)"
                                           : "the file has no Pixel Data");
    qib_dicom_pixels px;
    memset(&px, 0, sizeof px);
    px.pixel_tag = pe->tag;
    px.encapsulated = pe->frags != NULL;
    uint16_t rows, cols;
    QIB_FORWARD(get_u16(d, 0x00280010, true, 0, &rows, err));
    QIB_FORWARD(get_u16(d, 0x00280011, true, 0, &cols, err));
    QIB_FORWARD(get_u16(d, 0x00280100, true, 0, &px.bits_allocated, err));
    QIB_FORWARD(get_u16(d, 0x00280002, false, 1, &px.samples_per_pixel, err));
    QIB_FORWARD(get_u16(d, 0x00280101, false, px.bits_allocated, &px.bits_stored, err));
    QIB_FORWARD(get_u16(d, 0x00280102, false, (uint16_t)(px.bits_stored - 1), &px.high_bit, err));
    QIB_FORWARD(get_u16(d, 0x00280103, false, 0, &px.pixel_representation, err));
    QIB_FORWARD(get_u16(d, 0x00280006, false, 0, &px.planar_configuration, err));
    px.rows = rows;
    px.columns = cols;
    px.frames = 1;
    if (qib_dicom_vm(&d->root, 0x00280008) > 0) {
        int64_t nf;
        QIB_FORWARD(qib_dicom_get_int(&d->root, 0x00280008, 0, &nf, err));
        if (nf < 1 || nf > INT32_MAX)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, qib__dcm_find(&d->root, 0x00280008),
                                 0x00280008, "is %lld; it must be at least 1", (long long)nf);
        px.frames = (uint32_t)nf;
    }
    if (qib_dicom_vm(&d->root, 0x00280004) > 0)
        QIB_FORWARD(qib_dicom_get_string(&d->root, 0x00280004, 0, px.photometric,
                                         sizeof px.photometric, err));
    else
        strcpy(px.photometric, px.samples_per_pixel == 3 ? "RGB" : "MONOCHROME2");
    const dcm_elem *ba_e = qib__dcm_find(&d->root, 0x00280100);
    if (rows == 0 || cols == 0)
        return qib__dcm_fail(d, err, QIB_ERR_FORMAT, qib__dcm_find(&d->root, 0x00280010),
                             rows ? 0x00280011 : 0x00280010, "is 0: the image is empty");
    if (px.samples_per_pixel != 1 && px.samples_per_pixel != 3)
        return qib__dcm_fail(d, err, QIB_ERR_UNSUPPORTED, NULL, 0x00280002,
                             "is %u; qib reads 1 or 3 samples per pixel", px.samples_per_pixel);
    if (pe->tag == DCM_TAG_PIXEL_DATA) {
        uint16_t ba = px.bits_allocated;
        if (ba != 1 && ba != 8 && ba != 16 && ba != 32)
            return qib__dcm_fail(d, err, QIB_ERR_UNSUPPORTED, ba_e, 0x00280100,
                                 "is %u; qib reads 1, 8, 16 or 32 bits per sample", ba);
        if (px.bits_stored < 1 || px.bits_stored > ba)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, NULL, 0x00280101,
                                 "is %u; it must be 1..Bits Allocated (%u)", px.bits_stored, ba);
        if (px.high_bit >= ba || px.high_bit + 1 < px.bits_stored)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, NULL, 0x00280102,
                                 "is %u; it must be Bits Stored-1 (%u)..Bits Allocated-1 (%u)",
                                 px.high_bit, px.bits_stored - 1u, ba - 1u);
        if (px.pixel_representation > 1)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, NULL, 0x00280103,
                                 "is %u; it must be 0 or 1", px.pixel_representation);
        if (ba == 1 && px.pixel_representation)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, NULL, 0x00280103,
                                 "is 1, but 1-bit data cannot be signed");
        static const qib_dtype u[] = {QIB_DT_U8, QIB_DT_U16, 0, QIB_DT_U32};
        static const qib_dtype s[] = {QIB_DT_I8, QIB_DT_I16, 0, QIB_DT_I32};
        size_t k = ba == 1 ? 0 : ba / 8u - 1u;
        px.dtype = px.pixel_representation ? s[k] : u[k];
    } else {
        uint16_t want = pe->tag == DCM_TAG_FLOAT_PIXEL ? 32 : 64;
        if (px.bits_allocated != want)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, ba_e, 0x00280100,
                                 "is %u, but %s Pixel Data need %u", px.bits_allocated,
                                 want == 32 ? "Float" : "Double Float", want);
        if (px.encapsulated)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                                 "float pixel data cannot be encapsulated");
        px.dtype = want == 32 ? QIB_DT_F32 : QIB_DT_F64;
        px.bits_stored = want;
        px.high_bit = (uint16_t)(want - 1);
    }
    size_t fb;
    if (!qib__mul_ok((size_t)rows * cols, px.samples_per_pixel, &fb) ||
        !qib__mul_ok(fb, qib_dtype_size(px.dtype), &fb) || fb > d->opt.max_pixel_bytes)
        return qib__dcm_fail(d, err, QIB_ERR_LIMIT, pe, pe->tag,
                             "a frame of %u x %u x %u samples exceeds the limit of %llu bytes",
                             px.rows, px.columns, px.samples_per_pixel,
                             (unsigned long long)d->opt.max_pixel_bytes);
    px.frame_bytes = fb;
    if (!px.encapsulated) {
        /* the native value must hold every frame (PS3.5 8.1.1) */
        uint64_t need;
        size_t sfb;
        if (px.bits_allocated == 1) {
            uint64_t bits = (uint64_t)rows * cols * px.samples_per_pixel;
            if (!qib__mul_u64(bits, px.frames, &need)) need = UINT64_MAX;
            need = need / 8 + (need % 8 != 0);
        } else if (!stored_frame_bytes(&px, &sfb) || !qib__mul_u64(sfb, px.frames, &need)) {
            need = UINT64_MAX;
        }
        size_t have = pe->val ? pe->len : 0;
        if (need > have)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                                 "holds %zu bytes, but %u frame(s) of %u x %u x %u samples of "
                                 "%u bits need %llu",
                                 have, px.frames, px.rows, px.columns, px.samples_per_pixel,
                                 px.bits_allocated, (unsigned long long)need);
    }
    *out = px;
    return QIB_OK;
}

/* ---- native frames ---- */

/* Reduces a stored cell to its Bits Stored bits and sign-extends it (PS3.5
 * 8.1.1; the corpus README's normalisation). */
static inline int64_t normalise(uint64_t cell, unsigned shift, unsigned bs, bool sign) {
    uint64_t v = (cell >> shift) & (bs >= 64 ? UINT64_MAX : (((uint64_t)1 << bs) - 1));
    if (sign && bs < 64 && (v >> (bs - 1)) & 1) return (int64_t)(v | ~(((uint64_t)1 << bs) - 1));
    return (int64_t)v;
}

static void store(uint8_t *out, size_t idx, size_t sz, int64_t v) {
    switch (sz) {
    case 1: { uint8_t x = (uint8_t)v; out[idx] = x; break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(out + 2 * idx, &x, 2); break; }
    default: { uint32_t x = (uint32_t)v; memcpy(out + 4 * idx, &x, 4); break; }
    }
}

static uint64_t load(const uint8_t *p, size_t sz, bool swap) {
    uint8_t b[8];
    memcpy(b, p, sz);
    if (swap) qib__byteswap(b, 1, sz);
    switch (sz) {
    case 1: return b[0];
    case 2: { uint16_t x; memcpy(&x, b, 2); return x; }
    default: { uint32_t x; memcpy(&x, b, 4); return x; }
    }
}

static qib_status native_frame(const qib_dicom *d, const qib_dicom_pixels *px,
                               const dcm_elem *pe, uint32_t f, uint8_t *out) {
    size_t npix = (size_t)px->rows * px->columns, spp = px->samples_per_pixel;
    size_t nsamp = npix * spp;
    if (px->bits_allocated == 1) {
        uint64_t bit0 = (uint64_t)f * nsamp;
        for (size_t i = 0; i < nsamp; i++) {
            uint64_t b = bit0 + i;
            out[i] = (uint8_t)((pe->val[b >> 3] >> (b & 7)) & 1);
        }
        return QIB_OK;
    }
    size_t sz = qib_dtype_size(px->dtype), sfb;
    stored_frame_bytes(px, &sfb);
    const uint8_t *src = pe->val + (size_t)f * sfb;
    bool host_le = qib__host_is_little_endian();
    bool swap = pe->be == host_le;
    /* explicit VR big endian: OW is a stream of 16-bit words, so 8-bit
     * samples in OW are swapped in pairs on disk */
    bool pair_swap = pe->be && sz == 1 && !memcmp(pe->vr, "OW", 2);
    if (px->dtype == QIB_DT_F32 || px->dtype == QIB_DT_F64) {
        memcpy(out, src, nsamp * sz);
        if (swap) qib__byteswap(out, nsamp, sz);
        return QIB_OK;
    }
    unsigned bs = px->bits_stored, shift = px->high_bit + 1u - bs;
    bool sign = px->pixel_representation == 1;
    if (is_422(px)) { /* Y1 Y2 Cb Cr per pixel pair -> two Y,Cb,Cr triples */
        for (size_t i = 0; i + 1 < npix + 1; i += 2) {
            size_t g = (i / 2) * 4;
            int64_t v[4];
            for (int k = 0; k < 4; k++) {
                size_t j = g + (size_t)k;
                if (pair_swap) j ^= 1;
                v[k] = normalise(load(src + j * sz, sz, swap), shift, bs, sign);
            }
            store(out, 3 * i, sz, v[0]);
            store(out, 3 * i + 1, sz, v[2]);
            store(out, 3 * i + 2, sz, v[3]);
            if (i + 1 < npix) {
                store(out, 3 * i + 3, sz, v[1]);
                store(out, 3 * i + 4, sz, v[2]);
                store(out, 3 * i + 5, sz, v[3]);
            }
        }
        return QIB_OK;
    }
    bool planar = spp == 3 && px->planar_configuration == 1;
    for (size_t i = 0; i < nsamp; i++) {
        size_t j = planar ? (i % 3) * npix + i / 3 : i; /* RRR..GGG..BBB -> RGB */
        if (pair_swap) j ^= 1;
        store(out, i, sz, normalise(load(src + j * sz, sz, swap), shift, bs, sign));
    }
    return QIB_OK;
}

/* ---- encapsulated frames ---- */

static uint64_t rd_le(const uint8_t *p, size_t sz) {
    uint64_t v = 0;
    for (size_t k = 0; k < sz; k++) v |= (uint64_t)p[k] << (8 * k);
    return v;
}

/* Index of the fragment whose item starts rel bytes after the first
 * fragment's item, or nf if none. */
static size_t frag_at(const dcm_elem *pe, uint64_t rel) {
    int64_t base = pe->frags[1].offset;
    size_t lo = 1, hi = pe->nfrags;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t r = (uint64_t)(pe->frags[mid].offset - base);
        if (r == rel) return mid;
        if (r < rel) lo = mid + 1;
        else hi = mid;
    }
    return pe->nfrags;
}

/* A fragment that ends a JPEG/JPEG-LS/J2K codestream: EOI/EOC (FFD9) at its
 * end, possibly followed by one byte of padding. */
static bool ends_codestream(const dcm_frag *fr) {
    size_t n = fr->len;
    if (n >= 1 && fr->p[n - 1] == 0) n--;
    return n >= 2 && fr->p[n - 2] == 0xFF && fr->p[n - 1] == 0xD9;
}

/* Fragments [*first, *last) of frame f (indices into pe->frags, 1-based
 * since frags[0] is the Basic Offset Table). */
static qib_status frame_fragments(const qib_dicom *d, const qib_dicom_pixels *px,
                                  const dcm_elem *pe, uint32_t f, size_t *first, size_t *last,
                                  size_t *eot_len, qib_error *err) {
    size_t nf = pe->nfrags - 1;
    *eot_len = 0;
    if (nf == 0)
        return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                             "encapsulated pixel data hold no fragment");
    const dcm_elem *eot = qib__dcm_find(&d->root, 0x7FE00001);
    const dcm_elem *eotl = qib__dcm_find(&d->root, 0x7FE00002);
    const dcm_frag *bot = &pe->frags[0];
    if (eot && eot->val && eot->len >= 8 * (size_t)px->frames) {
        /* Extended Offset Table (PS3.3 C.7.6.3.1.8): one fragment per frame */
        uint64_t rel = rd_le(eot->val + 8 * (size_t)f, 8);
        if (eot->be) rel = __builtin_bswap64(rel);
        size_t k = frag_at(pe, rel);
        if (k == pe->nfrags)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, eot, eot->tag,
                                 "entry %u (%llu) does not point at a fragment", f,
                                 (unsigned long long)rel);
        if (eotl && eotl->val && eotl->len >= 8 * (size_t)px->frames) {
            uint64_t l = rd_le(eotl->val + 8 * (size_t)f, 8);
            if (l <= pe->frags[k].len) *eot_len = (size_t)l;
        }
        *first = k;
        *last = k + 1;
        return QIB_OK;
    }
    if (bot->len > 0) {
        if (bot->len < 4 * (size_t)px->frames || bot->len % 4)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                                 "Basic Offset Table has %zu bytes; %u frames need %zu",
                                 bot->len, px->frames, 4 * (size_t)px->frames);
        uint64_t rel = rd_le(bot->p + 4 * (size_t)f, 4);
        size_t k = frag_at(pe, rel);
        if (k == pe->nfrags)
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                                 "Basic Offset Table entry %u (%llu) does not point at a fragment",
                                 f, (unsigned long long)rel);
        size_t end = pe->nfrags;
        if (f + 1 < px->frames) {
            uint64_t rel2 = rd_le(bot->p + 4 * ((size_t)f + 1), 4);
            end = frag_at(pe, rel2);
            if (end == pe->nfrags || end <= k)
                return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                                     "Basic Offset Table entry %u (%llu) does not point at a "
                                     "fragment after frame %u's",
                                     f + 1, (unsigned long long)rel2, f);
        }
        *first = k;
        *last = end;
        return QIB_OK;
    }
    if (px->frames == 1) { /* all fragments are the one frame */
        *first = 1;
        *last = pe->nfrags;
        return QIB_OK;
    }
    if (nf == px->frames) {
        *first = f + 1u;
        *last = f + 2u;
        return QIB_OK;
    }
    if (nf < px->frames)
        return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                             "%zu fragments and no offset table cannot hold %u frames", nf,
                             px->frames);
    /* more fragments than frames and no offset table: a frame ends with the
     * fragment whose codestream ends (EOI/EOC marker) */
    size_t start = 1, frame = 0;
    for (size_t k = 1; k < pe->nfrags; k++) {
        if (!ends_codestream(&pe->frags[k]) && k + 1 < pe->nfrags) continue;
        if (frame == f) {
            *first = start;
            *last = k + 1;
            return QIB_OK;
        }
        frame++;
        start = k + 1;
    }
    return qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                         "%zu fragments without an offset table hold only %zu codestreams, not "
                         "%u frames",
                         nf, frame, px->frames);
}

static qib_status encapsulated_frame(const qib_dicom *d, const qib_dicom_pixels *px,
                                     const dcm_elem *pe, uint32_t f, uint8_t *out,
                                     qib_error *err) {
    qib_frame_decoder dec = qib__codec_for(d->ts_eff);
    if (!dec)
        return qib__fail(err, QIB_ERR_UNSUPPORTED, d->name, pe->offset, "(0002,0010)",
                         "no decoder for transfer syntax %s", d->ts_eff);
    size_t first = 0, last = 0, eot_len = 0;
    QIB_FORWARD(frame_fragments(d, px, pe, f, &first, &last, &eot_len, err));
    const uint8_t *in;
    size_t in_len = 0;
    uint8_t *joined = NULL;
    if (last == first + 1) {
        in = pe->frags[first].p;
        in_len = eot_len ? eot_len : pe->frags[first].len;
    } else {
        for (size_t k = first; k < last; k++) in_len += pe->frags[k].len;
        joined = malloc(in_len ? in_len : 1);
        if (!joined) return qib__nomem(err, d->name, "frame fragments");
        size_t pos = 0;
        for (size_t k = first; k < last; k++) {
            memcpy(joined + pos, pe->frags[k].p, pe->frags[k].len);
            pos += pe->frags[k].len;
        }
        in = joined;
    }
    qib_pixel_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.rows = px->rows;
    desc.columns = px->columns;
    desc.samples_per_pixel = px->samples_per_pixel;
    desc.bits_allocated = px->bits_allocated;
    desc.bits_stored = px->bits_stored;
    desc.high_bit = px->high_bit;
    desc.pixel_representation = px->pixel_representation;
    desc.planar_configuration = px->planar_configuration;
    memcpy(desc.photometric, px->photometric, sizeof desc.photometric);
    desc.transfer_syntax = d->ts_eff;
    desc.file = d->name;
    qib_status st = QIB_OK;
    if (qib__frame_bytes(&desc) != px->frame_bytes)
        st = qib__dcm_fail(d, err, QIB_ERR_FORMAT, pe, pe->tag,
                           "frame size does not match the codec's layout");
    if (st == QIB_OK) st = dec(&desc, in, in_len, out, err);
    free(joined);
    if (st != QIB_OK) {
        qib__error_set_file(err, d->name);
        return st;
    }
    /* the header wins: reduce to Bits Stored and sign-extend (README of the
     * corpus, PS3.5 8.2) */
    size_t n = px->frame_bytes / qib_dtype_size(px->dtype), sz = qib_dtype_size(px->dtype);
    if (px->bits_allocated > 1)
        for (size_t i = 0; i < n; i++)
            store(out, i, sz,
                  normalise(load(out + i * sz, sz, false), 0, px->bits_stored,
                            px->pixel_representation == 1));
    else
        for (size_t i = 0; i < n; i++) out[i] &= 1;
    return QIB_OK;
}

qib_status qib_dicom_decode_frame(const qib_dicom *d, uint32_t frame, void *out, size_t out_len,
                                  qib_error *err) {
    qib_dicom_pixels px;
    QIB_FORWARD(qib_dicom_get_pixels(d, &px, err));
    QIB_FAIL_IF(frame >= px.frames, err, QIB_ERR_ARG, d->name, -1, "(0028,0008)",
                "frame %u asked for; the file has %u", frame, px.frames);
    QIB_FAIL_IF(!out || out_len < px.frame_bytes, err, QIB_ERR_ARG, d->name, -1, NULL,
                "output buffer of %zu bytes; a frame needs %zu", out_len, px.frame_bytes);
    const dcm_elem *pe = pixel_elem(d);
    if (px.encapsulated) return encapsulated_frame(d, &px, pe, frame, out, err);
    return native_frame(d, &px, pe, frame, out);
}
