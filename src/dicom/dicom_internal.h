/* SPDX-License-Identifier: Apache-2.0 */
/* dicom_internal.h: the parsed element tree shared by parser.c, pixel.c,
 * hash.c and series.c (folder-private). */
#ifndef QIB_DICOM_INTERNAL_H
#define QIB_DICOM_INTERNAL_H

#include "../common/qib_internal.h"
#include "qib/dicom.h"

#define DCM_UNDEFINED 0xFFFFFFFFu
#define DCM_TAG_ITEM 0xFFFEE000u
#define DCM_TAG_ITEM_DELIM 0xFFFEE00Du
#define DCM_TAG_SEQ_DELIM 0xFFFEE0DDu
#define DCM_TAG_PIXEL_DATA 0x7FE00010u
#define DCM_TAG_FLOAT_PIXEL 0x7FE00008u
#define DCM_TAG_DOUBLE_PIXEL 0x7FE00009u

typedef struct dcm_frag {
    const uint8_t *p;
    size_t len;
    int64_t offset; /* of the item tag */
} dcm_frag;

typedef struct dcm_elem {
    uint32_t tag;
    char vr[3];
    uint32_t vl;        /* length field as written */
    int64_t offset;     /* of the tag */
    const uint8_t *val; /* value bytes (NULL if empty, sequence or fragments) */
    size_t len;
    bool be;            /* value is big-endian */
    bool is_seq;
    struct qib_dicom_item **items;
    size_t nitems;
    dcm_frag *frags;    /* encapsulated: frags[0] is the Basic Offset Table */
    size_t nfrags;
} dcm_elem;

struct qib_dicom_item {
    const struct qib_dicom *owner;
    const struct qib_dicom_item *parent;
    dcm_elem *el;
    size_t n, cap;
    bool sorted; /* tags ascending: lookups bisect */
    int64_t offset;
    uint32_t vl; /* item length field (DCM_UNDEFINED: delimited) */
};

struct qib_dicom {
    char *name;
    uint8_t *owned;    /* the file's bytes when read by qib_dicom_open */
    uint8_t *inflated; /* deflated transfer syntax: the inflated data set */
    const uint8_t *buf;
    size_t len;
    struct qib_dicom_item root;
    char ts[65];
    const char *ts_eff;
    bool has_preamble, has_meta, explicit_vr, big_endian, deflated, pixels_skipped, vr_mismatch;
    qib_dicom_options opt;
    uint64_t nelems;
};

/* "(0028,0010)" */
void qib__dcm_tag_str(uint32_t tag, char out[12]);
const dcm_elem *qib__dcm_find(const qib_dicom_item *it, uint32_t tag);
/* Fails with a located message naming the element. */
qib_status qib__dcm_fail(const qib_dicom *d, qib_error *err, qib_status st, const dcm_elem *e,
                         uint32_t tag, const char *fmt, ...) QIB_PRINTF(6, 7);
/* Binary numbers: value i of element e of VR size sz, in host order. */
bool qib__dcm_is_text_vr(const char *vr);

/* Specific Character Set -> UTF-8 (charset.c). cs is the raw value of
 * (0008,0005) (may be NULL: ASCII/default repertoire); appends UTF-8 text to
 * out. Bytes that cannot be converted become U+FFFD. */
void qib__dcm_to_utf8(const uint8_t *cs, size_t cs_len, const uint8_t *in, size_t n,
                      qib_buf *out);

/* Pixel helpers (pixel.c). */
size_t qib__dcm_frame_bytes(const qib_dicom_pixels *px);

#endif
