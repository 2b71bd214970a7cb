/* SPDX-License-Identifier: Apache-2.0 */
/* bvalues.c: diffusion b-values from text lists (FSL .bval, comma lists)
 * and from DICOM headers (standard and vendor private elements). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/qib_internal.h"
#include "qib/adc.h"

/* ---- text lists ---- */

static bool is_sep(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Grammar: SEP* (NUMBER (SEP+ NUMBER)*)? SEP*, SEP = [, \t\r\n]; a NUMBER
 * is a decimal (strtod syntax without hex, inf or nan). Two commas with
 * nothing between them are an empty value, an error (FSL files never have
 * them). */
qib_status qib_bvalues_parse(const char *text, size_t len, const char *name, double **out,
                             size_t *n, qib_error *err) {
    QIB_FAIL_IF(!out || !n || (!text && len), err, QIB_ERR_ARG, name, -1, NULL,
                "a text and outputs are needed");
    double *v = NULL;
    size_t count = 0, cap = 0, i = 0;
    bool comma_pending = false; /* a comma seen since the last value */
    while (i < len) {
        char c = text[i];
        if (is_sep(c)) {
            if (c == ',') {
                if (comma_pending || count == 0) {
                    free(v);
                    return qib__fail(err, QIB_ERR_FORMAT, name, (int64_t)i, "b-values",
                                     "empty value before the comma at byte %zu", i);
                }
                comma_pending = true;
            }
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && !is_sep(text[i])) i++;
        size_t tl = i - start;
        char tok[64];
        bool ok = tl > 0 && tl < sizeof tok;
        double x = 0;
        if (ok) {
            memcpy(tok, text + start, tl);
            tok[tl] = '\0';
            for (size_t k = 0; ok && k < tl; k++) ok = strchr("0123456789+-.eE", tok[k]) != NULL;
            char *end = NULL;
            errno = 0;
            if (ok) x = strtod(tok, &end);
            ok = ok && end == tok + tl && errno != ERANGE && isfinite(x);
        }
        if (!ok || x < 0 || x > QIB_BVALUE_MAX) {
            char shown[40];
            size_t sl = tl < sizeof shown - 1 ? tl : sizeof shown - 1;
            for (size_t k = 0; k < sl; k++) {
                unsigned char u = (unsigned char)text[start + k];
                shown[k] = (u >= 32 && u < 127) ? (char)u : '?';
            }
            shown[sl] = '\0';
            free(v);
            return qib__fail(err, QIB_ERR_FORMAT, name, (int64_t)start, "b-values",
                             "value %zu '%s%s' is %s", count + 1, shown, tl > sl ? "..." : "",
                             !ok ? "not a decimal number"
                             : x < 0 ? "negative (b-values are >= 0 s/mm^2)"
                                     : "above 1e6 s/mm^2, not a b-value");
        }
        if (count == QIB_BVALUES_MAX) {
            free(v);
            return qib__fail(err, QIB_ERR_LIMIT, name, (int64_t)start, "b-values",
                             "more than %u b-values", QIB_BVALUES_MAX);
        }
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            double *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                free(v);
                return qib__nomem(err, name, "b-values");
            }
            v = nv;
            cap = nc;
        }
        v[count++] = x;
        comma_pending = false;
    }
    if (comma_pending) {
        free(v);
        return qib__fail(err, QIB_ERR_FORMAT, name, (int64_t)len, "b-values",
                         "the list ends with a comma");
    }
    if (count == 0) {
        free(v);
        return qib__fail(err, QIB_ERR_ARG, name, -1, "b-values", "the list holds no b-value");
    }
    *out = v;
    *n = count;
    return QIB_OK;
}

qib_status qib_bvalues_load(const char *arg, double **out, size_t *n, qib_error *err) {
    QIB_FAIL_IF(!arg, err, QIB_ERR_ARG, NULL, -1, "b-values", "no b-values given");
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISREG(sb.st_mode)) {
        uint8_t *buf = NULL;
        size_t len = 0;
        QIB_FORWARD(qib__read_file(arg, (uint64_t)16 << 20, &buf, &len, err));
        qib_status st = qib_bvalues_parse((const char *)buf, len, arg, out, n, err);
        free(buf);
        return st;
    }
    return qib_bvalues_parse(arg, strlen(arg), "--bvals", out, n, err);
}

/* ---- DICOM ---- */

#define TAG_BVALUE 0x00189087u        /* Diffusion b-value, FD */
#define TAG_MR_DIFFUSION 0x00189117u  /* MR Diffusion Sequence */
#define TAG_PER_FRAME 0x52009230u
#define TAG_SHARED 0x52009229u

const char *qib_bvalue_source_name(qib_bvalue_source s) {
    switch (s) {
    case QIB_BVALUE_STANDARD: return "standard";
    case QIB_BVALUE_SIEMENS: return "Siemens";
    case QIB_BVALUE_GE: return "GE";
    case QIB_BVALUE_PHILIPS: return "Philips";
    default: return "none";
    }
}

/* The Diffusion b-value of an item's MR Diffusion Sequence, or of the item. */
static const qib_dicom_item *diffusion_item(const qib_dicom_item *it) {
    const qib_dicom_item *d = it ? qib_dicom_item_of(it, TAG_MR_DIFFUSION, 0) : NULL;
    return d && qib_dicom_find(d, TAG_BVALUE, NULL) ? d : NULL;
}

/* Finds where the standard b-value of frame f lives: the frame's
 * per-frame functional group, the shared group (PS3.3 C.7.6.16, MR
 * Diffusion Macro C.8.13.5.9), then the top level (classic images carry
 * (0018,9087) directly or in an MR Diffusion Sequence). */
static const qib_dicom_item *standard_item(const qib_dicom_item *root, uint32_t f) {
    const qib_dicom_item *pf = qib_dicom_item_of(root, TAG_PER_FRAME, f);
    const qib_dicom_item *it = diffusion_item(pf);
    if (!it) {
        const qib_dicom_item *sh = qib_dicom_item_of(root, TAG_SHARED, 0);
        it = diffusion_item(sh);
    }
    if (!it && qib_dicom_find(root, TAG_BVALUE, NULL)) it = root;
    if (!it) it = diffusion_item(root);
    return it;
}

/* The tag of private element `elem` (low byte) of `group` reserved by
 * `creator` (PS3.5 section 7.8.1: the Private Creator Data Element
 * (gggg,00xx) reserves the block (gggg,xx00-xxFF)). When no creator of the
 * group is present at all, the block the vendor uses (0x10) is assumed, as
 * files whose private creators were stripped still hold the values there. */
static bool private_tag(const qib_dicom_item *root, uint16_t group, const char *creator,
                        uint8_t elem, uint32_t *tag) {
    bool any = false;
    for (uint32_t blk = 0x10; blk <= 0xFF; blk++) {
        uint32_t ct = QIB_TAG(group, blk);
        if (!qib_dicom_find(root, ct, NULL)) continue;
        any = true;
        char s[80];
        if (qib_dicom_get_string(root, ct, 0, s, sizeof s, NULL) != QIB_OK) continue;
        if (!strcmp(s, creator)) {
            *tag = QIB_TAG(group, (blk << 8) | elem);
            return true;
        }
    }
    if (any) return false;
    *tag = QIB_TAG(group, 0x1000u | elem);
    return true;
}

/* A value read as a number: text (IS/DS, or UN holding text) through
 * qib_dicom_get_double; Philips' FL read as UN (implicit VR files, where
 * qib's dictionary does not know the private element) is 4 binary bytes. */
static qib_status number_at(const qib_dicom_item *it, uint32_t tag, bool binary_float,
                            double *v, qib_error *err) {
    qib_dicom_element e;
    if (!qib_dicom_find(it, tag, &e))
        return qib__fail(err, QIB_ERR_NOT_FOUND, NULL, -1, NULL, "absent");
    if (binary_float && !strcmp(e.vr, "UN") && e.value && e.value_len == 4) {
        uint8_t b[4];
        memcpy(b, e.value, 4);
        if (e.big_endian == qib__host_is_little_endian()) qib__byteswap(b, 1, 4);
        float f;
        memcpy(&f, b, 4);
        *v = f;
        return QIB_OK;
    }
    return qib_dicom_get_double(it, tag, 0, v, err);
}

static qib_status bad_value(qib_error *err, uint32_t tag, const char *what, double v) {
    char name[16];
    snprintf(name, sizeof name, "(%04X,%04X)", QIB_TAG_GROUP(tag), QIB_TAG_ELEMENT(tag));
    return qib__fail(err, QIB_ERR_FORMAT, NULL, -1, name,
                     "%s b-value %g is not a number from 0 to 1e6 s/mm^2", what, v);
}

/* Siemens: (0019,100C) "B_value", IS, creator "SIEMENS MR HEADER".
 * GE: (0043,1039) IS with four values, the first the b-value; multi-b-value
 * and synthetic-b-value series add a bias of 10^9 (stored in (0043,107F)),
 * so 1000001000 means 1000 (GE's description in dcm2niix issue #602,
 * https://github.com/rordenlab/dcm2niix/issues/602; the b-value in
 * (0018,9087) never carries it). The bias is removed as b mod 10^9.
 * Philips: (2001,1003) "Diffusion_B_Factor", FL, creator
 * "Philips Imaging DD 001". Vendor tags as listed by the NA-MIC wiki page
 * "DTI: DICOM for DWI and DTI" and read by dcm2niix. */
qib_status qib_dicom_bvalue(const qib_dicom *d, uint32_t frame, double *b,
                            qib_bvalue_source *src, qib_error *err) {
    QIB_FAIL_IF(!d || !b, err, QIB_ERR_ARG, NULL, -1, NULL, "a DICOM file and an output are needed");
    const qib_dicom_item *root = qib_dicom_root(d);
    double v = 0;
    const qib_dicom_item *it = standard_item(root, frame);
    if (it) {
        qib_status st = qib_dicom_get_double(it, TAG_BVALUE, 0, &v, err);
        if (st == QIB_OK && !(v >= 0 && v <= QIB_BVALUE_MAX)) return bad_value(err, TAG_BVALUE, "the", v);
        if (st == QIB_OK) {
            *b = v;
            if (src) *src = QIB_BVALUE_STANDARD;
            return QIB_OK;
        }
        if (st != QIB_ERR_NOT_FOUND) return st; /* present but unreadable: say so */
    }
    static const struct {
        uint16_t group;
        const char *creator;
        uint8_t elem;
        bool binary_float;
        qib_bvalue_source src;
        const char *vendor;
    } vendors[] = {
        {0x0019, "SIEMENS MR HEADER", 0x0C, false, QIB_BVALUE_SIEMENS, "the Siemens"},
        {0x0043, "GEMS_PARM_01", 0x39, false, QIB_BVALUE_GE, "the GE"},
        {0x2001, "Philips Imaging DD 001", 0x03, true, QIB_BVALUE_PHILIPS, "the Philips"},
    };
    for (size_t k = 0; k < sizeof vendors / sizeof vendors[0]; k++) {
        uint32_t tag;
        if (!private_tag(root, vendors[k].group, vendors[k].creator, vendors[k].elem, &tag)) continue;
        if (!qib_dicom_find(root, tag, NULL)) continue;
        qib_status st = number_at(root, tag, vendors[k].binary_float, &v, err);
        if (st != QIB_OK) return st;
        if (vendors[k].src == QIB_BVALUE_GE && v >= 1e9) v = fmod(v, 1e9);
        if (!(v >= 0 && v <= QIB_BVALUE_MAX)) return bad_value(err, tag, vendors[k].vendor, v);
        *b = v;
        if (src) *src = vendors[k].src;
        return QIB_OK;
    }
    return qib__fail(err, QIB_ERR_NOT_FOUND, NULL, -1, "(0018,9087)",
                     "no b-value: neither Diffusion b-value (0018,9087) nor the Siemens "
                     "(0019,100C), GE (0043,1039) or Philips (2001,1003) element is present");
}
