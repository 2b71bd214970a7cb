/* SPDX-License-Identifier: Apache-2.0 */
/* parser.c: DICOM Part 10 files (PS3.10 section 7) into an element tree,
 * following the data set encoding rules of PS3.5 chapter 7 (elements, VRs,
 * lengths), section 7.5 (sequences and items) and A.4 (encapsulation). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dicom_internal.h"
#include "dict.h"

#define TS_IMPLICIT_LE "1.2.840.10008.1.2"
#define TS_EXPLICIT_LE "1.2.840.10008.1.2.1"
#define TS_EXPLICIT_BE "1.2.840.10008.1.2.2"
#define TS_DEFLATED "1.2.840.10008.1.2.1.99"

/* ---- helpers ---- */

void qib_dicom_options_default(qib_dicom_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->max_file_bytes = (uint64_t)4 << 30;
    o->max_inflated_bytes = (uint64_t)1 << 30;
    o->max_elements = (uint64_t)1 << 22;
    o->max_depth = 16;
    o->max_pixel_bytes = (uint64_t)4 << 30;
}

void qib__dcm_tag_str(uint32_t tag, char out[12]) {
    snprintf(out, 12, "(%04X,%04X)", (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF));
}

typedef struct pctx {
    qib_dicom *d;
    qib_error *err;
    const uint8_t *base; /* buffer being parsed (file or inflated data set) */
    size_t len;
    const char *where;   /* appended to reasons: which buffer offsets refer to */
} pctx;

static qib_status pfail(pctx *p, qib_status st, int64_t off, uint32_t tag, const char *fmt, ...)
    QIB_PRINTF(5, 6);
static qib_status pfail(pctx *p, qib_status st, int64_t off, uint32_t tag, const char *fmt, ...) {
    char field[24], reason[QIB_ERROR_REASON_MAX];
    const char *kw = NULL;
    if (tag != 0xFFFFFFFFu) {
        qib__dcm_tag_str(tag, field);
        const qib_dict_entry *e = qib__dict_find(tag);
        kw = e ? e->keyword : NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return qib__fail(p->err, st, p->d->name, off, tag != 0xFFFFFFFFu ? field : NULL, "%s%s%s%s",
                     kw ? kw : "", kw ? ": " : "", reason, p->where);
}

static bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }

/* VRs with a 2-byte reserved field and a 4-byte length in explicit VR
 * (PS3.5 table 7.1-1). Unknown VRs are read the same way (PS3.5 6.2). */
static bool vr_long(const char *vr) {
    static const char *const known_short[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT",
                                              "FL", "FD", "IS", "LO", "LT", "PN", "SH",
                                              "SL", "SS", "ST", "TM", "UI", "UL", "US"};
    for (size_t i = 0; i < sizeof known_short / sizeof known_short[0]; i++)
        if (!memcmp(vr, known_short[i], 2)) return false;
    return true;
}

static bool vr_known(const uint8_t *b) {
    static const char all[] = "AEASATCSDADSDTFLFDISLOLTPNSHSLSSSTTMUIULUSOBODOFOLOVOWSQSVUCUNURUTUV";
    for (size_t i = 0; i + 1 < sizeof all; i += 2)
        if (b[0] == (uint8_t)all[i] && b[1] == (uint8_t)all[i + 1]) return true;
    return false;
}

static uint32_t read_tag(qib_cursor *c) {
    uint32_t g = qib__cursor_u16(c);
    uint32_t e = qib__cursor_u16(c);
    return (g << 16) | e;
}

/* ---- the tree ---- */

static void free_item(qib_dicom_item *it);

static void free_elem(dcm_elem *e) {
    for (size_t i = 0; i < e->nitems; i++) {
        free_item(e->items[i]);
        free(e->items[i]);
    }
    free(e->items);
    free(e->frags);
    e->items = NULL;
    e->frags = NULL;
    e->nitems = e->nfrags = 0;
}

static void free_item(qib_dicom_item *it) {
    for (size_t i = 0; i < it->n; i++) free_elem(&it->el[i]);
    free(it->el);
    it->el = NULL;
    it->n = it->cap = 0;
}

static qib_status append_elem(pctx *p, qib_dicom_item *it, const dcm_elem *e) {
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 16;
        dcm_elem *ne = realloc(it->el, cap * sizeof *ne);
        if (!ne) return qib__nomem(p->err, p->d->name, "DICOM elements");
        it->el = ne;
        it->cap = cap;
    }
    if (it->n > 0 && it->el[it->n - 1].tag >= e->tag) it->sorted = false;
    it->el[it->n++] = *e;
    return QIB_OK;
}

static qib_status count_elem(pctx *p, int64_t off, uint32_t tag) {
    if (++p->d->nelems > p->d->opt.max_elements)
        return pfail(p, QIB_ERR_LIMIT, off, tag, "more than %llu elements in the file (limit)",
                     (unsigned long long)p->d->opt.max_elements);
    return QIB_OK;
}

/* ---- parsing ---- */

typedef struct enc {
    bool explicit_vr, be;
} enc;

static qib_status parse_dataset(pctx *p, qib_cursor *c, size_t end, bool end_is_eof, enc en,
                                uint32_t depth, bool undefined_item, uint16_t only_group,
                                bool top, qib_dicom_item *it);

static void cursor_at(qib_cursor *c, const pctx *p, size_t pos, bool be) {
    qib__cursor_init(c, p->base, p->len);
    c->pos = pos;
    c->swap = be == qib__host_is_little_endian();
}

/* Items of a sequence, from c->pos. Fills e->items. */
static qib_status parse_items(pctx *p, qib_cursor *c, size_t end, bool end_is_eof, enc en,
                              uint32_t depth, bool undefined, const qib_dicom_item *parent,
                              dcm_elem *e) {
    for (;;) {
        if (!undefined && c->pos >= end) return QIB_OK;
        int64_t off = (int64_t)c->pos;
        if (end - c->pos < 8) {
            if (undefined)
                return pfail(p, QIB_ERR_TRUNCATED, off, e->tag,
                             "sequence of undefined length ends after %zu items without a "
                             "Sequence Delimitation Item (FFFE,E0DD)",
                             e->nitems);
            return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                         "%zu bytes left in the sequence are too few for an item header",
                         end - c->pos);
        }
        uint32_t tag = read_tag(c);
        uint32_t len = qib__cursor_u32(c);
        if (tag == DCM_TAG_SEQ_DELIM) {
            if (undefined) return QIB_OK;
            return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                         "Sequence Delimitation Item inside a sequence of defined length");
        }
        if (tag != DCM_TAG_ITEM)
            return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                         "expected an Item (FFFE,E000) in the sequence, found (%04X,%04X)",
                         (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF));
        QIB_FORWARD(count_elem(p, off, e->tag));
        if (depth + 1 > p->d->opt.max_depth)
            return pfail(p, QIB_ERR_LIMIT, off, e->tag,
                         "sequences nested more than %u deep (limit)", p->d->opt.max_depth);
        bool item_undef = len == DCM_UNDEFINED;
        size_t item_end = end;
        bool item_eof = end_is_eof;
        bool overrun = false;
        if (!item_undef) {
            if (len > end - c->pos) {
                if (!end_is_eof)
                    return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                                 "item %zu has length %u but only %zu bytes remain in the "
                                 "enclosing value",
                                 e->nitems + 1, (unsigned)len, end - c->pos);
                overrun = true; /* parse what is there to name the innermost element */
            } else {
                item_end = c->pos + len;
                item_eof = end_is_eof && item_end == end;
            }
        }
        qib_dicom_item **ni = realloc(e->items, (e->nitems + 1) * sizeof *ni);
        if (!ni) return qib__nomem(p->err, p->d->name, "DICOM items");
        e->items = ni;
        qib_dicom_item *item = calloc(1, sizeof *item);
        if (!item) return qib__nomem(p->err, p->d->name, "DICOM item");
        e->items[e->nitems++] = item;
        item->owner = p->d;
        item->parent = parent;
        item->sorted = true;
        item->offset = (int64_t)c->pos;
        item->vl = len;
        size_t item_start = c->pos;
        QIB_FORWARD(parse_dataset(p, c, item_end, item_eof, en, depth + 1, item_undef, 0, false,
                                  item));
        if (overrun)
            return pfail(p, QIB_ERR_TRUNCATED, off, e->tag,
                         "item %zu has length %u but only %zu bytes remain in the file",
                         e->nitems, (unsigned)len, end - item_start);
        if (!item_undef && c->pos != item_end)
            return pfail(p, QIB_ERR_FORMAT, off, e->tag, "item %zu does not end at its length",
                         e->nitems);
    }
}

/* Encapsulated pixel data (PS3.5 A.4): items of fragments up to the
 * Sequence Delimitation Item, walked by their lengths. */
static qib_status parse_fragments(pctx *p, qib_cursor *c, size_t end, bool end_is_eof,
                                  dcm_elem *e) {
    for (;;) {
        int64_t off = (int64_t)c->pos;
        if (end - c->pos < 8)
            return pfail(p, end_is_eof ? QIB_ERR_TRUNCATED : QIB_ERR_FORMAT, off, e->tag,
                         "encapsulated pixel data ends after %zu fragments without a Sequence "
                         "Delimitation Item (FFFE,E0DD)",
                         e->nfrags);
        uint32_t tag = read_tag(c);
        uint32_t len = qib__cursor_u32(c);
        if (tag == DCM_TAG_SEQ_DELIM) {
            if (e->nfrags == 0)
                return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                             "encapsulated pixel data has no Basic Offset Table item");
            return QIB_OK;
        }
        if (tag != DCM_TAG_ITEM)
            return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                         "expected a fragment Item (FFFE,E000), found (%04X,%04X)",
                         (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF));
        if (len == DCM_UNDEFINED)
            return pfail(p, QIB_ERR_FORMAT, off, e->tag,
                         "fragment %zu has undefined length", e->nfrags);
        if (len > end - c->pos)
            return pfail(p, end_is_eof ? QIB_ERR_TRUNCATED : QIB_ERR_FORMAT, off, e->tag,
                         "fragment %zu has length %u but only %zu bytes remain", e->nfrags,
                         (unsigned)len, end - c->pos);
        QIB_FORWARD(count_elem(p, off, e->tag));
        if ((e->nfrags & (e->nfrags - 1)) == 0) { /* grow at powers of two */
            size_t cap = e->nfrags ? e->nfrags * 2 : 4;
            dcm_frag *nf = realloc(e->frags, cap * sizeof *nf);
            if (!nf) return qib__nomem(p->err, p->d->name, "fragments");
            e->frags = nf;
        }
        e->frags[e->nfrags].p = p->base + c->pos;
        e->frags[e->nfrags].len = len;
        e->frags[e->nfrags].offset = off;
        e->nfrags++;
        c->pos += len;
    }
}

/* A value of defined length that may hold items: UN or an unknown tag in
 * implicit VR (private sequences; PS3.5 6.2.2 note 4: UN values of
 * sequences are implicit VR LE). Tried leniently: if the bytes do not parse
 * as items, the value is kept as bytes. */
static void try_sequence(pctx *p, size_t start, size_t len, uint32_t depth,
                         const qib_dicom_item *parent, dcm_elem *e) {
    if (len < 8 || depth + 1 > p->d->opt.max_depth) return;
    const uint8_t *b = p->base + start;
    if (!(b[0] == 0xFE && b[1] == 0xFF && b[2] == 0x00 && b[3] == 0xE0)) return;
    qib_error trial;
    qib_error_clear(&trial);
    qib_error *saved = p->err;
    uint64_t saved_n = p->d->nelems;
    p->err = &trial;
    qib_cursor c;
    cursor_at(&c, p, start, false);
    enc en = {false, false};
    dcm_elem tmp = *e;
    tmp.items = NULL;
    tmp.nitems = 0;
    qib_status st = parse_items(p, &c, start + len, false, en, depth, false, parent, &tmp);
    p->err = saved;
    if (st == QIB_OK && c.pos == start + len) {
        e->items = tmp.items;
        e->nitems = tmp.nitems;
        e->is_seq = true;
        e->val = NULL;
        e->be = false;
    } else {
        free_elem(&tmp);
        p->d->nelems = saved_n;
    }
}

static qib_status parse_element(pctx *p, qib_cursor *c, size_t end, bool end_is_eof, enc en,
                                uint32_t depth, qib_dicom_item *it, uint32_t tag, int64_t off) {
    dcm_elem e;
    memset(&e, 0, sizeof e);
    e.tag = tag;
    e.offset = off;
    e.be = en.be;
    uint32_t len;
    if (en.explicit_vr) {
        uint8_t vr[2];
        qib__cursor_read(c, vr, 2);
        if (!is_upper(vr[0]) || !is_upper(vr[1]))
            return pfail(p, QIB_ERR_FORMAT, off, tag,
                         "VR bytes 0x%02X 0x%02X are not a value representation", vr[0], vr[1]);
        e.vr[0] = (char)vr[0];
        e.vr[1] = (char)vr[1];
        if (vr_long(e.vr)) {
            qib__cursor_skip(c, 2);
            len = qib__cursor_u32(c);
        } else {
            len = qib__cursor_u16(c);
        }
    } else {
        const qib_dict_entry *de = qib__dict_find(tag);
        memcpy(e.vr, de && strcmp(de->vr, "NA") ? de->vr : "UN", 3);
        len = qib__cursor_u32(c);
    }
    if (c->overrun)
        return pfail(p, QIB_ERR_TRUNCATED, off, tag, "element header runs past the end of the data");
    QIB_FORWARD(count_elem(p, off, tag));
    e.vl = len;
    size_t start = c->pos;
    qib_status st = QIB_OK;
    if (len == DCM_UNDEFINED) {
        if ((tag & 0xFFFFu) == 0x0010 && (tag >> 16) == 0x7FE0) {
            st = parse_fragments(p, c, end, end_is_eof, &e);
        } else if (!strcmp(e.vr, "SQ") || !strcmp(e.vr, "UN") || !en.explicit_vr) {
            /* UN of undefined length holds an implicit VR LE sequence */
            enc sub = en;
            if (!strcmp(e.vr, "UN")) sub = (enc){false, false};
            e.is_seq = true;
            cursor_at(c, p, start, sub.be);
            st = parse_items(p, c, end, end_is_eof, sub, depth, true, it, &e);
            cursor_at(c, p, c->pos, en.be);
        } else {
            st = pfail(p, QIB_ERR_FORMAT, off, tag,
                       "undefined length is allowed only for SQ, UN and Pixel Data, not VR %s",
                       e.vr);
        }
    } else {
        if (len > end - start) {
            if (end_is_eof && !strcmp(e.vr, "SQ")) {
                /* name the innermost element that runs past the end */
                e.is_seq = true;
                st = parse_items(p, c, end, true, en, depth, false, it, &e);
            }
            if (st == QIB_OK)
                st = pfail(p, end_is_eof ? QIB_ERR_TRUNCATED : QIB_ERR_FORMAT, off, tag,
                           "value length is %u bytes but only %zu remain%s (truncated element)",
                           (unsigned)len, end - start,
                           end_is_eof ? " in the file" : " in the enclosing item");
        } else if (!strcmp(e.vr, "SQ")) {
            e.is_seq = true;
            st = parse_items(p, c, start + len, false, en, depth, false, it, &e);
            if (st == QIB_OK && c->pos != start + len)
                st = pfail(p, QIB_ERR_FORMAT, off, tag, "sequence does not end at its length");
        } else {
            e.val = len ? p->base + start : NULL;
            e.len = len;
            c->pos = start + len;
            bool unknown = !strcmp(e.vr, "UN");
            if (unknown) try_sequence(p, start, len, depth, it, &e);
        }
    }
    if (st == QIB_OK) st = append_elem(p, it, &e);
    if (st != QIB_OK) free_elem(&e);
    return st;
}

static bool is_pixel_tag(uint32_t tag) {
    return tag == DCM_TAG_PIXEL_DATA || tag == DCM_TAG_FLOAT_PIXEL ||
           tag == DCM_TAG_DOUBLE_PIXEL;
}

/* The elements of one data set from c->pos to end (or to an Item
 * Delimitation Item when undefined_item). only_group != 0 stops before the
 * first tag of another group (the File Meta). */
static qib_status parse_dataset(pctx *p, qib_cursor *c, size_t end, bool end_is_eof, enc en,
                                uint32_t depth, bool undefined_item, uint16_t only_group,
                                bool top, qib_dicom_item *it) {
    cursor_at(c, p, c->pos, en.be);
    while (c->pos < end) {
        int64_t off = (int64_t)c->pos;
        if (end - c->pos < 8) {
            if (top && !only_group) {
                bool zeros = true;
                for (size_t i = c->pos; i < end; i++) zeros = zeros && p->base[i] == 0;
                if (zeros) { /* NUL padding after the last element */
                    c->pos = end;
                    break;
                }
            }
            return pfail(p, end_is_eof ? QIB_ERR_TRUNCATED : QIB_ERR_FORMAT, off,
                         0xFFFFFFFFu, "%zu bytes left are too few for an element header",
                         end - c->pos);
        }
        size_t save = c->pos;
        uint32_t tag = read_tag(c);
        if (only_group && (tag >> 16) != only_group) {
            c->pos = save;
            return QIB_OK;
        }
        if (tag == DCM_TAG_ITEM_DELIM) {
            qib__cursor_u32(c);
            if (undefined_item) return QIB_OK;
            return pfail(p, QIB_ERR_FORMAT, off, tag, "Item Delimitation Item outside an item of "
                         "undefined length");
        }
        if (tag == DCM_TAG_SEQ_DELIM || tag == DCM_TAG_ITEM)
            return pfail(p, QIB_ERR_FORMAT, off, tag, "%s outside a sequence",
                         tag == DCM_TAG_ITEM ? "Item" : "Sequence Delimitation Item");
        if (top && p->d->opt.header_only && is_pixel_tag(tag)) {
            p->d->pixels_skipped = true;
            c->pos = end;
            return QIB_OK;
        }
        QIB_FORWARD(parse_element(p, c, end, end_is_eof, en, depth, it, tag, off));
        cursor_at(c, p, c->pos, en.be);
    }
    if (undefined_item)
        return pfail(p, end_is_eof ? QIB_ERR_TRUNCATED : QIB_ERR_FORMAT, (int64_t)c->pos,
                     0xFFFFFFFFu,
                     "item of undefined length (starting at byte %lld) ends without an Item "
                     "Delimitation Item (FFFE,E00D)",
                     (long long)it->offset);
    return QIB_OK;
}

/* ---- File Meta, sniffing, deflate ---- */

static void trim_uid(const dcm_elem *e, char *out, size_t n) {
    size_t len = e && e->val ? e->len : 0;
    while (len && (e->val[len - 1] == 0 || e->val[len - 1] == ' ')) len--;
    size_t s = 0;
    while (s < len && e->val[s] == ' ') s++;
    if (len - s >= n) len = s + n - 1;
    if (len > s) memcpy(out, e->val + s, len - s);
    out[len > s ? len - s : 0] = '\0';
}

/* The encoding of a data set without File Meta (or without a transfer
 * syntax in it), from its first element: explicit VR when bytes 4-5 are a
 * VR, big endian when the group reads smaller that way. */
static qib_status sniff(pctx *p, size_t pos, bool check, enc *out) {
    if (p->len - pos < 8)
        return pfail(p, QIB_ERR_FORMAT, (int64_t)pos, 0xFFFFFFFFu,
                     "no File Meta and fewer than 8 bytes of data set: not a DICOM file");
    const uint8_t *b = p->base + pos;
    uint16_t g_le = (uint16_t)(b[0] | b[1] << 8), g_be = (uint16_t)(b[0] << 8 | b[1]);
    out->explicit_vr = vr_known(b + 4);
    out->be = out->explicit_vr && g_be < g_le;
    uint16_t g = out->be ? g_be : g_le;
    if (check && ((g & 1) || g > 0x00FF))
        return pfail(p, QIB_ERR_FORMAT, (int64_t)pos, 0xFFFFFFFFu,
                     "no File Meta, and the data set does not start with a plausible element "
                     "(first group 0x%04X): not a DICOM file or misaligned",
                     (unsigned)g);
    return QIB_OK;
}

static qib_status inflate_rest(pctx *p, size_t pos) {
    qib_dicom *d = p->d;
    const uint64_t max = d->opt.max_inflated_bytes;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK) return qib__nomem(p->err, d->name, "zlib");
    size_t in_left = p->len - pos, n = 0;
    size_t cap = in_left < ((size_t)1 << 28) ? in_left * 4 + 4096 : in_left;
    if (cap > max + 1) cap = (size_t)max + 1;
    uint8_t *out = malloc(cap);
    qib_status st = out ? QIB_OK : qib__nomem(p->err, d->name, "inflated data set");
    zs.next_in = (Bytef *)(uintptr_t)(p->base + pos);
    while (st == QIB_OK) {
        if (n == cap) {
            size_t ncap = cap > max / 2 ? (size_t)max + 1 : cap * 2;
            if (ncap <= cap) {
                st = pfail(p, QIB_ERR_LIMIT, (int64_t)pos, 0xFFFFFFFFu,
                           "deflated data set inflates to more than %llu bytes (limit)",
                           (unsigned long long)max);
                break;
            }
            uint8_t *no = realloc(out, ncap);
            if (!no) {
                st = qib__nomem(p->err, d->name, "inflated data set");
                break;
            }
            out = no;
            cap = ncap;
        }
        size_t chunk_in = in_left > UINT32_MAX ? UINT32_MAX : in_left;
        size_t chunk_out = cap - n > UINT32_MAX ? UINT32_MAX : cap - n;
        zs.avail_in = (uInt)chunk_in;
        zs.next_out = out + n;
        zs.avail_out = (uInt)chunk_out;
        int zr = inflate(&zs, Z_NO_FLUSH);
        in_left -= chunk_in - zs.avail_in;
        n += chunk_out - zs.avail_out;
        if (zr == Z_STREAM_END) break;
        if (zr == Z_OK || (zr == Z_BUF_ERROR && zs.avail_out == 0)) continue;
        st = pfail(p, in_left == 0 ? QIB_ERR_TRUNCATED : QIB_ERR_CORRUPT, (int64_t)pos,
                   0xFFFFFFFFu, "deflated data set does not inflate: %s",
                   zs.msg ? zs.msg : "the stream ends early");
    }
    inflateEnd(&zs);
    if (st == QIB_OK && n > max)
        st = pfail(p, QIB_ERR_LIMIT, (int64_t)pos, 0xFFFFFFFFu,
                   "deflated data set inflates to more than %llu bytes (limit)",
                   (unsigned long long)max);
    if (st != QIB_OK) {
        free(out);
        return st;
    }
    d->inflated = out;
    p->base = out;
    p->len = n;
    p->where = " (offset in the inflated data set)";
    return QIB_OK;
}

static qib_status parse_file(qib_dicom *d, qib_error *err) {
    pctx p = {d, err, d->buf, d->len, ""};
    size_t pos = 0;
    if (d->len >= 132 && !memcmp(d->buf + 128, "DICM", 4)) {
        d->has_preamble = true;
        pos = 132;
    }
    d->root.owner = d;
    d->root.sorted = true;
    d->root.offset = -1;
    d->root.vl = 0;
    qib_cursor c;
    /* File Meta: explicit VR little endian, group 0002 (PS3.10 7.1) */
    if (d->len - pos >= 8 && d->buf[pos] == 0x02 && d->buf[pos + 1] == 0x00 &&
        is_upper(d->buf[pos + 4]) && is_upper(d->buf[pos + 5])) {
        d->has_meta = true;
        cursor_at(&c, &p, pos, false);
        QIB_FORWARD(parse_dataset(&p, &c, d->len, true, (enc){true, false}, 0, false, 0x0002,
                                  true, &d->root));
        pos = c.pos;
        trim_uid(qib__dcm_find(&d->root, 0x00020010), d->ts, sizeof d->ts);
    } else if (!d->has_preamble && d->len >= 4 && !memcmp(d->buf, "DICM", 4)) {
        pos = 4; /* a "DICM" prefix without preamble: tolerated */
    }
    enc en;
    if (!d->ts[0]) {
        QIB_FORWARD(sniff(&p, pos, !d->has_meta, &en));
        d->ts_eff = !en.explicit_vr ? TS_IMPLICIT_LE : en.be ? TS_EXPLICIT_BE : TS_EXPLICIT_LE;
    } else if (!strcmp(d->ts, TS_IMPLICIT_LE)) {
        en = (enc){false, false};
        d->ts_eff = d->ts;
    } else if (!strcmp(d->ts, TS_EXPLICIT_BE)) {
        en = (enc){true, true};
        d->ts_eff = d->ts;
    } else {
        en = (enc){true, false}; /* explicit LE, deflated, and every compressed syntax */
        d->ts_eff = d->ts;
        if (!strcmp(d->ts, TS_DEFLATED)) {
            d->deflated = true;
            QIB_FORWARD(inflate_rest(&p, pos));
            pos = 0;
        }
    }
    if (en.explicit_vr && d->ts[0] && p.len - pos >= 8 && !vr_known(p.base + pos + 4)) {
        /* the File Meta says explicit VR but the data set is implicit VR
         * (written by broken software): read what is there */
        en.explicit_vr = false;
        d->vr_mismatch = true;
    }
    d->explicit_vr = en.explicit_vr;
    d->big_endian = en.be;
    if (pos >= p.len) return QIB_OK; /* File Meta only (e.g. an empty data set) */
    cursor_at(&c, &p, pos, en.be);
    return parse_dataset(&p, &c, p.len, true, en, 0, false, 0, true, &d->root);
}

/* ---- public ---- */

static qib_status open_common(qib_dicom *d, const qib_dicom_options *opt, qib_dicom **out,
                              qib_error *err) {
    if (opt) d->opt = *opt;
    else qib_dicom_options_default(&d->opt);
    if (!d->opt.max_depth) d->opt.max_depth = 16;
    qib_status st = parse_file(d, err);
    if (st != QIB_OK) {
        qib_dicom_free(d);
        return st;
    }
    *out = d;
    return QIB_OK;
}

static qib_dicom *new_dicom(const char *name, qib_error *err) {
    qib_dicom *d = calloc(1, sizeof *d);
    if (d) d->name = strdup(name ? name : "<memory>");
    if (!d || !d->name) {
        if (d) free(d);
        qib__nomem(err, name, "DICOM handle");
        return NULL;
    }
    return d;
}

qib_status qib_dicom_open_mem(const void *buf, size_t len, const char *name,
                              const qib_dicom_options *opt, qib_dicom **out, qib_error *err) {
    QIB_FAIL_IF(!out || (!buf && len), err, QIB_ERR_ARG, name, -1, NULL,
                "qib_dicom_open_mem needs a buffer and an output handle");
    qib_dicom *d = new_dicom(name, err);
    if (!d) return QIB_ERR_NOMEM;
    static const uint8_t empty[1] = {0};
    d->buf = buf ? buf : empty;
    d->len = len;
    return open_common(d, opt, out, err);
}

qib_status qib_dicom_open(const char *path, const qib_dicom_options *opt, qib_dicom **out,
                          qib_error *err) {
    QIB_FAIL_IF(!path || !out, err, QIB_ERR_ARG, path, -1, NULL,
                "qib_dicom_open needs a path and an output handle");
    qib_dicom_options o;
    if (opt) o = *opt;
    else qib_dicom_options_default(&o);
    uint8_t *data = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__read_file(path, o.max_file_bytes, &data, &len, err));
    qib_dicom *d = new_dicom(path, err);
    if (!d) {
        free(data);
        return QIB_ERR_NOMEM;
    }
    d->owned = data;
    d->buf = data;
    d->len = len;
    return open_common(d, &o, out, err);
}

void qib_dicom_free(qib_dicom *d) {
    if (!d) return;
    free_item(&d->root);
    free(d->owned);
    free(d->inflated);
    free(d->name);
    free(d);
}

void qib_dicom_get_encoding(const qib_dicom *d, qib_dicom_encoding *out) {
    memset(out, 0, sizeof *out);
    if (!d) return;
    out->has_preamble = d->has_preamble;
    out->has_file_meta = d->has_meta;
    out->explicit_vr = d->explicit_vr;
    out->big_endian = d->big_endian;
    out->deflated = d->deflated;
    out->pixels_skipped = d->pixels_skipped;
    out->vr_mismatch = d->vr_mismatch;
    out->transfer_syntax = d->ts;
    out->effective_transfer_syntax = d->ts_eff ? d->ts_eff : "";
}

const qib_dicom_item *qib_dicom_root(const qib_dicom *d) { return d ? &d->root : NULL; }
