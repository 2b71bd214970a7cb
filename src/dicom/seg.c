/* SPDX-License-Identifier: Apache-2.0 */
/* seg.c: DICOM Segmentation (PS3.3 A.51, C.8.20) to a binary mask on an
 * image grid: binary (1-bit, frames not byte-aligned included), fractional
 * (threshold on the Maximum Fractional Value) and label-map SEG (SOP class
 * 1.2.840.10008.5.1.4.1.1.66.7). Frames are placed by their per-frame Plane
 * Position (Patient), or by the image their Derivation Image Sequence names. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom_internal.h"

#define TAG_SOP_CLASS 0x00080016u
#define TAG_REF_SOP_UID 0x00081155u
#define TAG_SOURCE_IMAGE_SEQ 0x00082112u
#define TAG_DERIVATION_IMAGE_SEQ 0x00089124u
#define TAG_IPP 0x00200032u
#define TAG_IOP 0x00200037u
#define TAG_PLANE_POSITION_SEQ 0x00209113u
#define TAG_PLANE_ORIENTATION_SEQ 0x00209116u
#define TAG_FOR_UID 0x00200052u
#define TAG_SEG_TYPE 0x00620001u
#define TAG_SEGMENT_SEQ 0x00620002u
#define TAG_SEGMENT_NUMBER 0x00620004u
#define TAG_SEGMENT_LABEL 0x00620005u
#define TAG_ALGORITHM_TYPE 0x00620008u
#define TAG_SEGMENT_ID_SEQ 0x0062000Au
#define TAG_REF_SEGMENT_NUMBER 0x0062000Bu
#define TAG_MAX_FRACTIONAL 0x0062000Eu
#define TAG_PER_FRAME 0x52009230u
#define TAG_SHARED 0x52009229u
#define TAG_NUMBER_OF_FRAMES 0x00280008u

static void text(const qib_dicom_item *it, uint32_t tag, char *buf, size_t n) {
    buf[0] = 0;
    if (it && qib_dicom_get_string(it, tag, -1, buf, n, NULL) != QIB_OK) buf[0] = 0;
}

static bool get_vec(const qib_dicom_item *it, uint32_t tag, double *v, size_t n) {
    if (!it || qib_dicom_vm(it, tag) < n) return false;
    for (size_t i = 0; i < n; i++)
        if (qib_dicom_get_double(it, tag, i, &v[i], NULL) != QIB_OK) return false;
    return true;
}

/* The functional group `seq` of frame f: per-frame, else shared. */
static const qib_dicom_item *group(const qib_dicom_item *root, uint32_t f, uint32_t seq) {
    const qib_dicom_item *pf = qib_dicom_item_of(root, TAG_PER_FRAME, f);
    const qib_dicom_item *it = pf ? qib_dicom_item_of(pf, seq, 0) : NULL;
    if (!it) {
        const qib_dicom_item *sh = qib_dicom_item_of(root, TAG_SHARED, 0);
        it = sh ? qib_dicom_item_of(sh, seq, 0) : NULL;
    }
    return it;
}

void qib_seg_options_default(qib_seg_options *o) {
    memset(o, 0, sizeof *o);
    o->threshold = 0.5;
}

static int64_t frame_segment(const qib_dicom_item *root, uint32_t f) {
    int64_t s = -1;
    const qib_dicom_item *g = group(root, f, TAG_SEGMENT_ID_SEQ);
    if (g && qib_dicom_get_int(g, TAG_REF_SEGMENT_NUMBER, 0, &s, NULL) != QIB_OK) s = -1;
    return s;
}

qib_status qib_seg_segments(const qib_dicom *d, qib_seg_info *info, qib_seg_segment **out,
                            size_t *count, qib_error *err) {
    const qib_dicom_item *root = &d->root;
    char sop[65];
    text(root, TAG_SOP_CLASS, sop, sizeof sop);
    bool lm = !strcmp(sop, QIB_SOP_LABELMAP_SEG);
    if (!lm && strcmp(sop, QIB_SOP_SEG) != 0)
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0008,0016)",
                         "not a Segmentation: SOP Class UID is '%s', expected %s or %s", sop,
                         QIB_SOP_SEG, QIB_SOP_LABELMAP_SEG);
    qib_seg_info in;
    memset(&in, 0, sizeof in);
    in.labelmap = lm;
    text(root, TAG_SEG_TYPE, in.type, sizeof in.type);
    int64_t v = 1;
    if (qib_dicom_vm(root, TAG_NUMBER_OF_FRAMES) &&
        (qib_dicom_get_int(root, TAG_NUMBER_OF_FRAMES, 0, &v, NULL) != QIB_OK || v < 1 ||
         v > (1 << 24)))
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0028,0008)",
                         "Number of Frames is not a whole number in 1..2^24");
    in.frames = (uint32_t)v;
    if (qib_dicom_get_int(root, 0x00280010, 0, &v, NULL) == QIB_OK && v > 0 && v < 1 << 16)
        in.rows = (uint32_t)v;
    if (qib_dicom_get_int(root, 0x00280011, 0, &v, NULL) == QIB_OK && v > 0 && v < 1 << 16)
        in.columns = (uint32_t)v;
    if (qib_dicom_get_double(root, TAG_MAX_FRACTIONAL, 0, &in.max_fractional, NULL) != QIB_OK)
        in.max_fractional = 0;
    size_t n = 0;
    while (qib_dicom_item_of(root, TAG_SEGMENT_SEQ, n)) n++;
    qib_seg_segment *s = calloc(n ? n : 1, sizeof *s);
    if (!s) return qib__nomem(err, d->name, "segment list");
    for (size_t i = 0; i < n; i++) {
        const qib_dicom_item *it = qib_dicom_item_of(root, TAG_SEGMENT_SEQ, i);
        if (qib_dicom_get_int(it, TAG_SEGMENT_NUMBER, 0, &s[i].number, NULL) != QIB_OK) {
            free(s);
            return qib__fail(err, QIB_ERR_FORMAT, d->name, qib_dicom_item_offset(it),
                             "(0062,0004)", "segment item %zu has no valid Segment Number", i + 1);
        }
        text(it, TAG_SEGMENT_LABEL, s[i].label, sizeof s[i].label);
        text(it, TAG_ALGORITHM_TYPE, s[i].algorithm_type, sizeof s[i].algorithm_type);
    }
    /* counted over the per-frame group items, which a file missing Number
     * of Frames may still have one of per frame */
    for (uint32_t f = 0; !lm && qib_dicom_item_of(root, TAG_PER_FRAME, f); f++) {
        int64_t sn = frame_segment(root, f);
        for (size_t i = 0; i < n; i++)
            if (s[i].number == sn) s[i].frames++;
    }
    if (info) *info = in;
    *out = s;
    *count = n;
    return QIB_OK;
}

static double sample(const void *buf, qib_dtype t, size_t i) {
    switch (t) {
    case QIB_DT_U8: return ((const uint8_t *)buf)[i];
    case QIB_DT_I8: return ((const int8_t *)buf)[i];
    case QIB_DT_U16: return ((const uint16_t *)buf)[i];
    case QIB_DT_I16: return ((const int16_t *)buf)[i];
    case QIB_DT_U32: return ((const uint32_t *)buf)[i];
    case QIB_DT_I32: return ((const int32_t *)buf)[i];
    case QIB_DT_F32: return ((const float *)buf)[i];
    case QIB_DT_F64: return ((const double *)buf)[i];
    default: return 0;
    }
}

/* Where frame f goes: the voxel (i0, j0, k) of its first pixel. */
static qib_status place_frame(const qib_dicom *d, uint32_t f, const qib_grid *g,
                              const qib_dicom_reference *ref, const qib_dicom_pixels *px,
                              long at[3], qib_error *err) {
    const qib_dicom_item *root = &d->root;
    double ipp[3], iop[6], ijk[3];
    bool has_iop = get_vec(group(root, f, TAG_PLANE_ORIENTATION_SEQ), TAG_IOP, iop, 6) ||
                   get_vec(root, TAG_IOP, iop, 6);
    if (has_iop) {
        for (int a = 0; a < 2; a++) {
            double dot = 0;
            for (int r = 0; r < 3; r++) dot += iop[3 * a + r] * g->direction[3 * r + a];
            if (dot < 1 - 1e-4)
                return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0020,0037)",
                                 "frame %u: its %s direction differs from the image's (cosine "
                                 "%.6f)",
                                 f + 1, a ? "column" : "row", dot);
        }
    }
    double ps[2];
    if (get_vec(group(root, f, 0x00289110u), 0x00280030u, ps, 2) &&
        (fabs(ps[0] - g->spacing[1]) > 1e-3 * g->spacing[1] ||
         fabs(ps[1] - g->spacing[0]) > 1e-3 * g->spacing[0]))
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0028,0030)",
                         "frame %u: Pixel Spacing %g\\%g differs from the image's %g\\%g", f + 1,
                         ps[0], ps[1], g->spacing[1], g->spacing[0]);
    if (get_vec(group(root, f, TAG_PLANE_POSITION_SEQ), TAG_IPP, ipp, 3) ||
        get_vec(root, TAG_IPP, ipp, 3)) {
        QIB_FORWARD(qib_grid_world_to_index(g, ipp, ijk));
        for (int a = 0; a < 3; a++) {
            double r = nearbyint(ijk[a]);
            if (fabs(ijk[a] - r) > (a == 2 ? 0.25 : 0.1))
                return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0020,0032)",
                                 "frame %u is not on the image grid: its first pixel is at "
                                 "voxel index (%.3f, %.3f, %.3f)",
                                 f + 1, ijk[0], ijk[1], ijk[2]);
            at[a] = (long)r;
        }
    } else {
        const qib_dicom_item *di = qib_dicom_item_of(
            qib_dicom_item_of(qib_dicom_item_of(root, TAG_PER_FRAME, f), TAG_DERIVATION_IMAGE_SEQ, 0),
            TAG_SOURCE_IMAGE_SEQ, 0);
        char uid[65];
        text(di, TAG_REF_SOP_UID, uid, sizeof uid);
        size_t k = 0;
        while (ref && uid[0] && k < ref->slices && strcmp(ref->sop_uids[k], uid) != 0) k++;
        if (!ref || !uid[0] || k == ref->slices)
            return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0020,9113)",
                             "frame %u has no Plane Position and %s", f + 1,
                             uid[0] ? "the image it derives from is not in the image series"
                                    : "no Derivation Image reference");
        at[0] = at[1] = 0;
        at[2] = (long)k;
    }
    if (at[0] < 0 || at[1] < 0 || at[2] < 0 || (size_t)at[2] >= g->dim[2] ||
        (size_t)at[0] + px->columns > g->dim[0] || (size_t)at[1] + px->rows > g->dim[1])
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0020,0032)",
                         "frame %u (%u x %u at voxel %ld, %ld, %ld) is not on the image grid "
                         "(%zu x %zu x %zu)",
                         f + 1, px->columns, px->rows, at[0], at[1], at[2], g->dim[0], g->dim[1],
                         g->dim[2]);
    return QIB_OK;
}

qib_status qib_seg_to_mask(const qib_dicom *d, int64_t segment, const qib_grid *g,
                           const qib_seg_options *opt, qib_mask **out, qib_dicom_warnings *warn,
                           qib_error *err) {
    qib_seg_options def;
    if (!opt) {
        qib_seg_options_default(&def);
        opt = &def;
    }
    qib_seg_info in;
    qib_seg_segment *segs = NULL;
    size_t nseg = 0, pick = 0;
    QIB_FORWARD(qib_seg_segments(d, &in, &segs, &nseg, err));
    char list[300] = "";
    for (size_t i = 0; i < nseg; i++) {
        size_t l = strlen(list);
        if (segs[i].number == segment) pick = i + 1;
        snprintf(list + l, sizeof list - l, "%s%lld \"%s\"", i ? ", " : "",
                 (long long)segs[i].number, segs[i].label);
    }
    free(segs);
    if (!pick)
        return qib__fail(err, QIB_ERR_EMPTY_ROI, d->name, -1, "segment",
                         "no segment %lld; the segments are: %s", (long long)segment,
                         nseg ? list : "none");
    if (opt->reference && opt->reference->frame_of_reference_uid[0]) {
        char fo[65];
        text(&d->root, TAG_FOR_UID, fo, sizeof fo);
        if (fo[0] && strcmp(fo, opt->reference->frame_of_reference_uid) != 0 && warn) {
            if (warn->count < QIB_DICOM_MAX_WARNINGS)
                snprintf(warn->text[warn->count], sizeof warn->text[0],
                         "%s: the SEG's Frame of Reference %s differs from the image's %s", d->name,
                         fo, opt->reference->frame_of_reference_uid);
            warn->count++;
        }
    }
    qib_dicom_pixels px;
    QIB_FORWARD(qib_dicom_get_pixels(d, &px, err));
    if (px.samples_per_pixel != 1)
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0028,0002)",
                         "a SEG has one sample per pixel, not %u", px.samples_per_pixel);
    bool fractional = !in.labelmap && !strcmp(in.type, "FRACTIONAL");
    double maxv = in.max_fractional > 0 ? in.max_fractional
                                        : (double)((1u << (px.bits_stored > 16 ? 16 : px.bits_stored)) - 1);
    double thr = (opt->threshold > 0 ? opt->threshold : 0.5) * maxv;
    qib_mask *m = NULL;
    QIB_FORWARD(qib_mask_create(g, &m, err));
    void *buf = malloc(px.frame_bytes ? px.frame_bytes : 1);
    qib_status st = buf ? QIB_OK : qib__nomem(err, d->name, "SEG frame");
    uint8_t *md = qib_mask_data(m);
    for (uint32_t f = 0; st == QIB_OK && f < px.frames; f++) {
        if (!in.labelmap && frame_segment(&d->root, f) != segment) continue;
        long at[3] = {0, 0, 0};
        st = place_frame(d, f, g, opt->reference, &px, at, err);
        if (!st) st = qib_dicom_decode_frame(d, f, buf, px.frame_bytes, err);
        for (uint32_t r = 0; st == QIB_OK && r < px.rows; r++) {
            uint8_t *row = md + ((size_t)at[2] * g->dim[1] + (size_t)at[1] + r) * g->dim[0] + (size_t)at[0];
            for (uint32_t c = 0; c < px.columns; c++) {
                double v = sample(buf, px.dtype, (size_t)r * px.columns + c);
                bool in_seg = in.labelmap ? v == (double)segment : fractional ? v >= thr : v != 0;
                if (in_seg) row[c] = 1;
            }
        }
    }
    free(buf);
    if (st) {
        qib_mask_free(m);
        qib__error_set_file(err, d->name);
        return st;
    }
    *out = m;
    return QIB_OK;
}
