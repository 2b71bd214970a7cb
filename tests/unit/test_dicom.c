/* SPDX-License-Identifier: Apache-2.0 */
/* test_dicom.c: the DICOM parser, values, charsets and pixel checksum,
 * against ../shared/dicom-corpus/manifest.csv (every header column, the
 * pixel_sha256 of every file with a reference decode, the expected errors of
 * malformed/) and against small files built here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/codec.h"
#include "dicom/dict.h"
#include "qib/dicom.h"
#include "test_util.h"

/* ---- CSV ---- */

#define MAX_COLS 64
typedef struct {
    char *f[MAX_COLS];
    int n;
} csv_row;

/* Splits one record in place (RFC 4180 quoting); false at the end. */
static int csv_next(char **p, csv_row *r) {
    char *s = *p;
    if (!*s) return 0;
    r->n = 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            start = out = ++s;
            while (*s) {
                if (s[0] == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
        } else {
            while (*s && *s != ',' && *s != '\n' && *s != '\r') out++, s++;
        }
        char end = *s;
        *out = '\0';
        if (r->n < MAX_COLS) r->f[r->n++] = start;
        if (end) s++;
        if (end == ',') continue;
        if (end == '\r' && *s == '\n') s++;
        break;
    }
    *p = s;
    return 1;
}

static int col(const csv_row *h, const char *name) {
    for (int i = 0; i < h->n; i++)
        if (!strcmp(h->f[i], name)) return i;
    return -1;
}

static const char *val(const csv_row *h, const csv_row *r, const char *name) {
    int c = col(h, name);
    return c >= 0 && c < r->n ? r->f[c] : "";
}

/* ---- expectations for malformed/ (manifest expected_error) ---- */

typedef struct {
    const char *name;
    qib_status open;   /* status of qib_dicom_open */
    const char *field; /* tag the error names ("" any) */
    qib_status pixels; /* status of qib_dicom_get_pixels when open succeeds */
} malformed_case;

static const malformed_case malformed[] = {
    {"MR_truncated.dcm", QIB_ERR_TRUNCATED, "(7FE0,0010)", QIB_OK},
    {"rtplan_truncated.dcm", QIB_ERR_TRUNCATED, "(300A,012C)", QIB_OK},
    {"no_meta.dcm", QIB_ERR_FORMAT, "", QIB_OK},
    {"emri_small_jpeg_2k_lossless_too_short.dcm", QIB_ERR_TRUNCATED, "(7FE0,0010)", QIB_OK},
    {"badVR.dcm", QIB_OK, "(0028,0008)", QIB_ERR_FORMAT},
    {"meta_missing_tsyntax.dcm", QIB_OK, "(0028,0010)", QIB_ERR_FORMAT},
    {"bad_sequence.dcm", QIB_OK, "", QIB_OK},
    {"JPEG2000-embedded-sequence-delimiter.dcm", QIB_OK, "", QIB_OK},
};

/* ---- header checks ---- */

typedef struct {
    int files, passed, failed, skipped, hashed, hash_skipped, lossy_differs;
} tally;

static int same_text(const char *want, const char *got) {
    if (!strcmp(want, got)) return 1;
    char *e1, *e2;
    double a = strtod(want, &e1), b = strtod(got, &e2);
    return *want && *got && !*e1 && !*e2 && fabs(a - b) <= 1e-9 * (fabs(a) + 1);
}

static void text_of(const qib_dicom_item *it, uint32_t tag, char *buf, size_t n) {
    buf[0] = '\0';
    if (qib_dicom_find(it, tag, NULL)) qib_dicom_get_string(it, tag, -1, buf, n, NULL);
}

/* Rescale as the manifest gives it: top level, else Shared Functional
 * Groups, else per frame ("varies" when frames differ). */
static void rescale(const qib_dicom_item *root, uint32_t tag, char *out, size_t n) {
    out[0] = '\0';
    if (qib_dicom_find(root, 0x00281053, NULL) || qib_dicom_find(root, 0x00281052, NULL)) {
        text_of(root, tag, out, n);
        return;
    }
    const qib_dicom_item *sh = qib_dicom_item_of(root, 0x52009229, 0);
    const qib_dicom_item *pvt = sh ? qib_dicom_item_of(sh, 0x00289145, 0) : NULL;
    if (pvt) {
        text_of(pvt, tag, out, n);
        return;
    }
    char first[64] = "";
    int have = 0;
    for (size_t i = 0;; i++) {
        const qib_dicom_item *pf = qib_dicom_item_of(root, 0x52009230, i);
        if (!pf) break;
        pvt = qib_dicom_item_of(pf, 0x00289145, 0);
        if (!pvt) continue;
        char v[64];
        text_of(pvt, tag, v, sizeof v);
        if (!have) {
            strcpy(first, v);
            have = 1;
        } else if (strcmp(first, v)) {
            snprintf(out, n, "varies");
            return;
        }
    }
    snprintf(out, n, "%s", first);
}

static void walk_flags(const qib_dicom_item *it, int *undef, int *priv) {
    qib_dicom_element e;
    for (size_t i = 0; qib_dicom_element_at(it, i, &e); i++) {
        if ((e.tag >> 16) & 1) *priv = 1;
        if (!e.is_sequence) continue;
        if (e.length == 0xFFFFFFFFu) *undef = 1;
        for (size_t k = 0; k < e.items; k++) {
            const qib_dicom_item *sub = qib_dicom_item_at(it, i, k);
            if (qib_dicom_item_length(sub) == 0xFFFFFFFFu) *undef = 1;
            walk_flags(sub, undef, priv);
        }
    }
}

static int check(const char *path, const char *col_name, const char *want, const char *got) {
    if (same_text(want, got)) return 0;
    printf("  FAIL %s: %s: manifest '%s', qib '%s'\n", path, col_name, want, got);
    return 1;
}

static int check_headers(const csv_row *h, const csv_row *r, const qib_dicom *d) {
    const char *path = val(h, r, "path");
    const qib_dicom_item *root = qib_dicom_root(d);
    qib_dicom_encoding enc;
    qib_dicom_get_encoding(d, &enc);
    int bad = 0;
    char got[256];
    static const struct {
        const char *col;
        uint32_t tag;
    } plain[] = {
        {"Modality", 0x00080060}, {"Rows", 0x00280010}, {"Columns", 0x00280011},
        {"BitsAllocated", 0x00280100}, {"BitsStored", 0x00280101},
        {"PixelRepresentation", 0x00280103}, {"SamplesPerPixel", 0x00280002},
        {"PhotometricInterpretation", 0x00280004}, {"PlanarConfiguration", 0x00280006},
        {"HighBit", 0x00280102},
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        text_of(root, plain[i].tag, got, sizeof got);
        bad += check(path, plain[i].col, val(h, r, plain[i].col), got);
    }
    text_of(root, 0x00080016, got, sizeof got);
    if (!got[0]) text_of(root, 0x00020002, got, sizeof got);
    bad += check(path, "SOPClassUID", val(h, r, "SOPClassUID"), got);
    bad += check(path, "TransferSyntaxUID", val(h, r, "TransferSyntaxUID"), enc.transfer_syntax);
    int has_px = qib_dicom_find(root, 0x7FE00010, NULL) || qib_dicom_find(root, 0x7FE00008, NULL) ||
                 qib_dicom_find(root, 0x7FE00009, NULL);
    text_of(root, 0x00280008, got, sizeof got);
    if (!got[0] && has_px) strcpy(got, "1");
    bad += check(path, "NumberOfFrames", val(h, r, "NumberOfFrames"), got);
    rescale(root, 0x00281053, got, sizeof got);
    bad += check(path, "RescaleSlope", val(h, r, "RescaleSlope"), got);
    rescale(root, 0x00281052, got, sizeof got);
    bad += check(path, "RescaleIntercept", val(h, r, "RescaleIntercept"), got);
    bad += check(path, "has_preamble", val(h, r, "has_preamble"), enc.has_preamble ? "yes" : "no");
    bad += check(path, "has_file_meta", val(h, r, "has_file_meta"),
                 enc.has_file_meta ? "yes" : "no");
    /* pydicom reports the encoding the transfer syntax declares, also when
     * the data set contradicts it (vr_mismatch) */
    snprintf(got, sizeof got, "%s VR %s endian",
             enc.explicit_vr || enc.vr_mismatch ? "explicit" : "implicit",
             enc.big_endian ? "big" : "little");
    bad += check(path, "encoding_as_read", val(h, r, "encoding_as_read"), got);
    int undef = 0, priv = 0;
    walk_flags(root, &undef, &priv);
    bad += check(path, "undefined_length_sq", val(h, r, "undefined_length_sq"),
                 undef ? "yes" : "no");
    bad += check(path, "private_tags", val(h, r, "private_tags"), priv ? "yes" : "no");
    return bad;
}

static int native_ts(const char *ts) {
    return !*ts || !strcmp(ts, "1.2.840.10008.1.2") || !strcmp(ts, "1.2.840.10008.1.2.1") ||
           !strcmp(ts, "1.2.840.10008.1.2.2") || !strcmp(ts, "1.2.840.10008.1.2.1.99");
}

static int check_pixels(const csv_row *h, const csv_row *r, const qib_dicom *d, tally *t) {
    const char *path = val(h, r, "path"), *want = val(h, r, "pixel_sha256");
    if (strcmp(val(h, r, "decodable_by_reference"), "yes") || !*want) return 0;
    const char *ts = val(h, r, "TransferSyntaxUID");
    if (!native_ts(ts) && !qib__codec_for(ts)) {
        t->hash_skipped++;
        return 0;
    }
    char hex[65];
    double lo, hi;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_pixel_sha256(d, hex, &lo, &hi, &err);
    if (st == QIB_ERR_UNSUPPORTED && !native_ts(ts)) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        printf("  skip %s: the codec refuses it: %s\n", path, msg);
        t->hash_skipped++;
        return 0;
    }
    t->hashed++;
    if (st != QIB_OK) {
        char msg[1024];
        qib_error_format(&err, msg, sizeof msg);
        printf("  FAIL %s: pixel decode: %s\n", path, msg);
        return 1;
    }
    if (strcmp(hex, want)) {
        if (!strcmp(val(h, r, "lossy_ts"), "yes")) {
            printf("  note %s: lossy codec output differs from the reference stack\n", path);
            t->lossy_differs++;
            return 0;
        }
        printf("  FAIL %s: pixel_sha256 %s, qib %s\n", path, want, hex);
        return 1;
    }
    char s[64];
    snprintf(s, sizeof s, "%.17g", lo);
    int bad = check(path, "pixel_min", val(h, r, "pixel_min"), s);
    snprintf(s, sizeof s, "%.17g", hi);
    bad += check(path, "pixel_max", val(h, r, "pixel_max"), s);
    return bad;
}

static int check_malformed(const char *path, const char *full, tally *t) {
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const malformed_case *mc = NULL;
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        if (!strcmp(malformed[i].name, name)) mc = &malformed[i];
    if (!mc) {
        printf("  FAIL %s: no expectation written for this malformed file\n", path);
        return 1;
    }
    qib_dicom *d = NULL;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_dicom_open(full, NULL, &d, &err);
    char msg[1024];
    qib_error_format(&err, msg, sizeof msg);
    int bad = 0;
    if (st != mc->open) {
        printf("  FAIL %s: open gave %s (%s), expected %s\n", path, qib_status_name(st), msg,
               qib_status_name(mc->open));
        bad = 1;
    } else if (st != QIB_OK) {
        if ((*mc->field && strcmp(err.field, mc->field)) || err.offset < 0 || !err.file[0]) {
            printf("  FAIL %s: error not located as expected: %s\n", path, msg);
            bad = 1;
        } else {
            printf("  ok %s: %s\n", path, msg);
        }
    } else {
        qib_dicom_pixels px;
        qib_error_clear(&err);
        qib_status pst = qib_dicom_get_pixels(d, &px, &err);
        qib_error_format(&err, msg, sizeof msg);
        if (pst != mc->pixels || (*mc->field && pst != QIB_OK && strcmp(err.field, mc->field))) {
            printf("  FAIL %s: pixels gave %s (%s), expected %s %s\n", path, qib_status_name(pst),
                   msg, qib_status_name(mc->pixels), mc->field);
            bad = 1;
        } else if (pst != QIB_OK) {
            printf("  ok %s: %s\n", path, msg);
        } else {
            /* decodes or fails cleanly: either is fine, no crash */
            uint8_t *buf = malloc(px.frame_bytes);
            assert_non_null(buf);
            for (uint32_t f = 0; f < px.frames; f++)
                qib_dicom_decode_frame(d, f, buf, px.frame_bytes, NULL);
            free(buf);
        }
    }
    qib_dicom_free(d);
    (void)t;
    return bad;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

static void test_manifest(void **state) {
    (void)state;
    char mpath[1024];
    if (!tu_shared("dicom-corpus/manifest.csv", mpath, sizeof mpath)) {
        skip();
        return;
    }
    char *text = slurp(mpath);
    assert_non_null(text);
    char *p = text;
    csv_row h, r;
    assert_true(csv_next(&p, &h));
    csv_row hdr = h;
    tally t = {0};
    while (csv_next(&p, &r)) {
        if (r.n < 2) continue;
        const char *path = val(&hdr, &r, "path");
        char rel[1024], full[1024];
        snprintf(rel, sizeof rel, "dicom-corpus/%s", path);
        if (!tu_shared(rel, full, sizeof full)) {
            t.skipped++;
            continue;
        }
        t.files++;
        int bad = 0;
        if (*val(&hdr, &r, "expected_error")) {
            bad = check_malformed(path, full, &t);
        } else {
            qib_dicom *d = NULL;
            qib_error err;
            qib_error_clear(&err);
            qib_status st = qib_dicom_open(full, NULL, &d, &err);
            if (st != QIB_OK) {
                char msg[1024];
                qib_error_format(&err, msg, sizeof msg);
                printf("  FAIL %s: %s\n", path, msg);
                bad = 1;
            } else {
                bad = check_headers(&hdr, &r, d) + check_pixels(&hdr, &r, d, &t);
            }
            qib_dicom_free(d);
        }
        if (bad) t.failed++;
        else t.passed++;
    }
    free(text);
    printf("dicom manifest: %d files checked, %d passed, %d failed, %d skipped (absent); "
           "pixel hashes: %d compared, %d skipped (no codec or codec refuses), %d lossy differ\n",
           t.files, t.passed, t.failed, t.skipped, t.hashed, t.hash_skipped, t.lossy_differs);
    assert_int_equal(t.failed, 0);
}

/* ---- dictionary ---- */

static void test_dict_sorted(void **state) {
    (void)state;
    for (uint32_t i = 1; i < qib__dict_size(); i++)
        assert_true(qib__dict_at(i - 1)->tag < qib__dict_at(i)->tag);
    assert_string_equal(qib__dict_find(0x00280010)->keyword, "Rows");
    assert_string_equal(qib__dict_find(0x60023000)->keyword, "OverlayData");
    assert_string_equal(qib__dict_find(0x00290010)->vr, "LO");
    assert_null(qib__dict_find(0x00291010));
}

/* ---- built files ---- */

typedef struct {
    uint8_t b[4096];
    size_t n;
} wbuf;

static void w16(wbuf *w, uint16_t v) {
    w->b[w->n++] = (uint8_t)v;
    w->b[w->n++] = (uint8_t)(v >> 8);
}
static void w32(wbuf *w, uint32_t v) {
    w16(w, (uint16_t)v);
    w16(w, (uint16_t)(v >> 16));
}
static void wbytes(wbuf *w, const void *p, size_t n) {
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
/* explicit VR LE element with a short length */
static void wel(wbuf *w, uint16_t g, uint16_t e, const char *vr, const void *v, uint16_t n) {
    w16(w, g);
    w16(w, e);
    wbytes(w, vr, 2);
    w16(w, n);
    wbytes(w, v, n);
}
static void wtag(wbuf *w, uint16_t g, uint16_t e, uint32_t len) {
    w16(w, g);
    w16(w, e);
    w32(w, len);
}

/* Preamble + File Meta (explicit VR LE transfer syntax) */
static void wmeta(wbuf *w, const char *ts) {
    memset(w->b, 0, 128);
    w->n = 128;
    wbytes(w, "DICM", 4);
    size_t n = strlen(ts) + (strlen(ts) & 1);
    char tmp[64] = {0};
    memcpy(tmp, ts, strlen(ts));
    wel(w, 0x0002, 0x0010, "UI", tmp, (uint16_t)n);
}

static void test_nested_undefined(void **state) {
    (void)state;
    wbuf w = {{0}, 0};
    wmeta(&w, "1.2.840.10008.1.2.1");
    wel(&w, 0x0008, 0x0060, "CS", "CT", 2);
    /* (0008,1115) SQ undefined length: item undefined { (0020,000E) UI; (0008,1140) SQ
     * defined length with one defined item { (0008,1155) UI } } */
    w16(&w, 0x0008), w16(&w, 0x1115), wbytes(&w, "SQ\0\0", 4), w32(&w, 0xFFFFFFFFu);
    wtag(&w, 0xFFFE, 0xE000, 0xFFFFFFFFu);
    wel(&w, 0x0020, 0x000E, "UI", "1.2", 4);
    w16(&w, 0x0008), w16(&w, 0x1140), wbytes(&w, "SQ\0\0", 4), w32(&w, 8 + 8 + 4);
    wtag(&w, 0xFFFE, 0xE000, 8 + 4);
    wel(&w, 0x0008, 0x1155, "UI", "1.3", 4);
    wtag(&w, 0xFFFE, 0xE00D, 0);
    wtag(&w, 0xFFFE, 0xE0DD, 0);
    /* private UN of undefined length holding an implicit VR LE sequence */
    w16(&w, 0x0029), w16(&w, 0x1010), wbytes(&w, "UN\0\0", 4), w32(&w, 0xFFFFFFFFu);
    wtag(&w, 0xFFFE, 0xE000, 0xFFFFFFFFu);
    wtag(&w, 0x0028, 0x0010, 2), w16(&w, 7);
    wtag(&w, 0xFFFE, 0xE00D, 0);
    wtag(&w, 0xFFFE, 0xE0DD, 0);
    wel(&w, 0x0028, 0x1053, "DS", "1A", 2);
    qib_dicom *d = NULL;
    qib_error err;
    TU_OK(qib_dicom_open_mem(w.b, w.n, "built.dcm", NULL, &d, &err), &err);
    const qib_dicom_item *root = qib_dicom_root(d);
    const qib_dicom_item *it = qib_dicom_item_of(root, 0x00081115, 0);
    assert_non_null(it);
    assert_int_equal(qib_dicom_item_length(it), 0xFFFFFFFFu);
    char s[64];
    TU_OK(qib_dicom_get_string(it, 0x0020000E, 0, s, sizeof s, &err), &err);
    assert_string_equal(s, "1.2");
    const qib_dicom_item *in = qib_dicom_item_of(it, 0x00081140, 0);
    assert_non_null(in);
    TU_OK(qib_dicom_get_string(in, 0x00081155, 0, s, sizeof s, &err), &err);
    assert_string_equal(s, "1.3");
    const qib_dicom_item *un = qib_dicom_item_of(root, 0x00291010, 0);
    assert_non_null(un);
    int64_t v;
    TU_OK(qib_dicom_get_int(un, 0x00280010, 0, &v, &err), &err);
    assert_int_equal(v, 7);
    double x;
    assert_int_equal(qib_dicom_get_double(root, 0x00281053, 0, &x, &err), QIB_ERR_FORMAT);
    assert_string_equal(err.field, "(0028,1053)");
    assert_int_equal(qib_dicom_get_double(root, 0x00280030, 0, &x, &err), QIB_ERR_NOT_FOUND);
    qib_dicom_free(d);

    /* the same bytes cut anywhere: a located error, never a crash */
    for (size_t cut = 0; cut < w.n; cut++) {
        qib_error_clear(&err);
        qib_status st = qib_dicom_open_mem(w.b, cut, "cut.dcm", NULL, &d, &err);
        if (st == QIB_OK) qib_dicom_free(d);
        else assert_true(err.reason[0] != '\0');
    }
}

static void test_limits(void **state) {
    (void)state;
    wbuf w = {{0}, 0};
    wmeta(&w, "1.2.840.10008.1.2");
    /* 20 nested undefined-length sequences, implicit VR */
    for (int i = 0; i < 20; i++) {
        wtag(&w, 0x0008, 0x1115, 0xFFFFFFFFu);
        wtag(&w, 0xFFFE, 0xE000, 0xFFFFFFFFu);
    }
    for (int i = 0; i < 20; i++) {
        wtag(&w, 0xFFFE, 0xE00D, 0);
        wtag(&w, 0xFFFE, 0xE0DD, 0);
    }
    qib_dicom *d = NULL;
    qib_error err;
    assert_int_equal(qib_dicom_open_mem(w.b, w.n, "deep.dcm", NULL, &d, &err), QIB_ERR_LIMIT);
    assert_string_equal(err.field, "(0008,1115)");
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_depth = 32;
    TU_OK(qib_dicom_open_mem(w.b, w.n, "deep.dcm", &o, &d, &err), &err);
    qib_dicom_free(d);
    o.max_elements = 10;
    assert_int_equal(qib_dicom_open_mem(w.b, w.n, "deep.dcm", &o, &d, &err), QIB_ERR_LIMIT);

    /* a length near 2^32 */
    w.n = 0;
    wmeta(&w, "1.2.840.10008.1.2.1");
    w16(&w, 0x0009), w16(&w, 0x1010), wbytes(&w, "OB\0\0", 4), w32(&w, 0xFFFFFFF0u);
    assert_int_equal(qib_dicom_open_mem(w.b, w.n, "big.dcm", NULL, &d, &err), QIB_ERR_TRUNCATED);
    assert_string_equal(err.field, "(0009,1010)");
    assert_int_equal(err.offset, (int64_t)w.n - 12);
}

static void test_native_pixels(void **state) {
    (void)state;
    /* 2 frames of 3x1, 1-bit, not byte-aligned: bits 0..5 */
    wbuf w = {{0}, 0};
    wmeta(&w, "1.2.840.10008.1.2.1");
    uint16_t one = 1, three = 3;
    wel(&w, 0x0028, 0x0002, "US", &one, 2);
    wel(&w, 0x0028, 0x0008, "IS", "2 ", 2);
    wel(&w, 0x0028, 0x0010, "US", &one, 2);
    wel(&w, 0x0028, 0x0011, "US", &three, 2);
    wel(&w, 0x0028, 0x0100, "US", &one, 2);
    wel(&w, 0x0028, 0x0101, "US", &one, 2);
    wel(&w, 0x0028, 0x0102, "US", &(uint16_t){0}, 2);
    w16(&w, 0x7FE0), w16(&w, 0x0010), wbytes(&w, "OB\0\0", 4), w32(&w, 2);
    w.b[w.n++] = 0x2D; /* 101101 */
    w.b[w.n++] = 0x00;
    qib_dicom *d = NULL;
    qib_error err;
    TU_OK(qib_dicom_open_mem(w.b, w.n, "bits.dcm", NULL, &d, &err), &err);
    uint8_t f[3];
    TU_OK(qib_dicom_decode_frame(d, 0, f, 3, &err), &err);
    assert_int_equal(f[0], 1), assert_int_equal(f[1], 0), assert_int_equal(f[2], 1);
    TU_OK(qib_dicom_decode_frame(d, 1, f, 3, &err), &err);
    assert_int_equal(f[0], 1), assert_int_equal(f[1], 0), assert_int_equal(f[2], 1);
    assert_int_equal(qib_dicom_decode_frame(d, 2, f, 3, &err), QIB_ERR_ARG);
    qib_dicom_free(d);
}


/* Two RLE frames of 2x2 8-bit samples: Basic Offset Table, no table (one
 * fragment per frame) and Extended Offset Table (PS3.5 A.4, annex G). */
static void rle_frame(wbuf *w, uint8_t base) {
    uint8_t hdr[64] = {0};
    hdr[0] = 1;  /* one segment */
    hdr[4] = 64; /* at byte 64 */
    wtag(w, 0xFFFE, 0xE000, 64 + 6);
    wbytes(w, hdr, 64);
    uint8_t seg[6] = {3, base, (uint8_t)(base + 1), (uint8_t)(base + 2), (uint8_t)(base + 3), 0};
    wbytes(w, seg, 6);
}

static void rle_file(wbuf *w, int table) {
    w->n = 0;
    wmeta(w, "1.2.840.10008.1.2.5");
    uint16_t one = 1, two = 2, eight = 8, seven = 7, zero = 0;
    wel(w, 0x0028, 0x0002, "US", &one, 2);
    wel(w, 0x0028, 0x0004, "CS", "MONOCHROME2 ", 12);
    wel(w, 0x0028, 0x0008, "IS", "2 ", 2);
    wel(w, 0x0028, 0x0010, "US", &two, 2);
    wel(w, 0x0028, 0x0011, "US", &two, 2);
    wel(w, 0x0028, 0x0100, "US", &eight, 2);
    wel(w, 0x0028, 0x0101, "US", &eight, 2);
    wel(w, 0x0028, 0x0102, "US", &seven, 2);
    wel(w, 0x0028, 0x0103, "US", &zero, 2);
    if (table == 2) { /* Extended Offset Table and lengths (OV) */
        uint64_t off[2] = {0, 8 + 70}, len[2] = {70, 70};
        w16(w, 0x7FE0), w16(w, 0x0001), wbytes(w, "OV\0\0", 4), w32(w, 16), wbytes(w, off, 16);
        w16(w, 0x7FE0), w16(w, 0x0002), wbytes(w, "OV\0\0", 4), w32(w, 16), wbytes(w, len, 16);
    }
    w16(w, 0x7FE0), w16(w, 0x0010), wbytes(w, "OB\0\0", 4), w32(w, 0xFFFFFFFFu);
    if (table == 1) {
        wtag(w, 0xFFFE, 0xE000, 8);
        w32(w, 0);
        w32(w, 8 + 70);
    } else {
        wtag(w, 0xFFFE, 0xE000, 0);
    }
    rle_frame(w, 10);
    rle_frame(w, 20);
    wtag(w, 0xFFFE, 0xE0DD, 0);
}

static void test_encapsulated_frames(void **state) {
    (void)state;
    if (!qib__codec_for("1.2.840.10008.1.2.5")) {
        printf("SKIP: no RLE decoder yet\n");
        skip();
        return;
    }
    for (int table = 0; table < 3; table++) {
        wbuf w = {{0}, 0};
        rle_file(&w, table);
        qib_dicom *d = NULL;
        qib_error err;
        TU_OK(qib_dicom_open_mem(w.b, w.n, "rle.dcm", NULL, &d, &err), &err);
        uint8_t f[4];
        for (uint32_t k = 0; k < 2; k++) {
            TU_OK(qib_dicom_decode_frame(d, k, f, sizeof f, &err), &err);
            for (int i = 0; i < 4; i++) assert_int_equal(f[i], 10 * (k + 1) + (uint32_t)i);
        }
        qib_dicom_free(d);
    }
}

/* ---- character sets ---- */

static void test_charsets(void **state) {
    (void)state;
    static const struct {
        const char *file, *name;
    } cases[] = {
        {"chrFren.dcm", "Buc^J\xC3\xA9r\xC3\xB4me"},
        {"chrGerm.dcm", "\xC3\x84neas^R\xC3\xBC" "diger"},
        {"chrGreek.dcm", "\xCE\x94\xCE\xB9\xCE\xBF\xCE\xBD\xCF\x85\xCF\x83\xCE\xB9\xCE\xBF\xCF\x82"},
        {"chrH31.dcm", "Yamada^Tarou=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E="
                       "\xE3\x82\x84\xE3\x81\xBE\xE3\x81\xA0^\xE3\x81\x9F\xE3\x82\x8D\xE3\x81\x86"},
        {"chrI2.dcm", "Hong^Gildong=\xE6\xB4\xAA^\xE5\x90\x89\xE6\xB4\x9E="
                      "\xED\x99\x8D^\xEA\xB8\xB8\xEB\x8F\x99"},
        {"chrX1.dcm", "Wang^XiaoDong=\xE7\x8E\x8B^\xE5\xB0\x8F\xE6\x9D\xB1="},
        {"chrX2.dcm", "Wang^XiaoDong=\xE7\x8E\x8B^\xE5\xB0\x8F\xE4\xB8\x9C="},
    };
    int checked = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256], full[1024], s[256];
        snprintf(rel, sizeof rel, "dicom-corpus/files/edge_charset/%s", cases[i].file);
        if (!tu_shared(rel, full, sizeof full)) continue;
        qib_dicom *d = NULL;
        qib_error err;
        TU_OK(qib_dicom_open(full, NULL, &d, &err), &err);
        TU_OK(qib_dicom_get_string(qib_dicom_root(d), 0x00100010, -1, s, sizeof s, &err), &err);
        if (strcmp(s, cases[i].name)) fail_msg("%s: PatientName '%s', expected '%s'", cases[i].file, s, cases[i].name);
        qib_dicom_free(d);
        checked++;
    }
    printf("charsets: %d files checked\n", checked);
}

static void test_header_only(void **state) {
    (void)state;
    char full[1024];
    if (!tu_shared("dicom-corpus/files/malformed/MR_truncated.dcm", full, sizeof full)) {
        skip();
        return;
    }
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.header_only = 1;
    qib_dicom *d = NULL;
    qib_error err;
    TU_OK(qib_dicom_open(full, &o, &d, &err), &err);
    qib_dicom_encoding enc;
    qib_dicom_get_encoding(d, &enc);
    assert_true(enc.pixels_skipped);
    int64_t rows;
    TU_OK(qib_dicom_get_int(qib_dicom_root(d), 0x00280010, 0, &rows, &err), &err);
    assert_int_equal(rows, 64);
    qib_dicom_pixels px;
    assert_int_equal(qib_dicom_get_pixels(d, &px, &err), QIB_ERR_NOT_FOUND);
    qib_dicom_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dict_sorted),    cmocka_unit_test(test_nested_undefined),
        cmocka_unit_test(test_limits),         cmocka_unit_test(test_native_pixels),
        cmocka_unit_test(test_encapsulated_frames),
        cmocka_unit_test(test_charsets),       cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
