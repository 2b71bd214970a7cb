/* SPDX-License-Identifier: Apache-2.0 */
/* rtstruct.c: RT Structure Set (PS3.3 C.8.8.5 Structure Set, C.8.8.6 ROI
 * Contour) to a binary mask on an image grid: ROI listing, contour to
 * slice matching by position, even-odd scanline fill of each slice's
 * CLOSED_PLANAR contours (centre rule, or area coverage by sub-samples),
 * and checks of the references against the image series. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom_internal.h"

#define TAG_SOP_CLASS 0x00080016u
#define TAG_REF_SOP_UID 0x00081155u
#define TAG_FOR_UID 0x00200052u
#define TAG_SERIES_UID 0x0020000Eu
#define TAG_REF_FOR_SEQ 0x30060010u
#define TAG_RT_REF_STUDY_SEQ 0x30060012u
#define TAG_RT_REF_SERIES_SEQ 0x30060014u
#define TAG_CONTOUR_IMAGE_SEQ 0x30060016u
#define TAG_SS_ROI_SEQ 0x30060020u
#define TAG_ROI_NUMBER 0x30060022u
#define TAG_REF_FOR_UID 0x30060024u
#define TAG_ROI_NAME 0x30060026u
#define TAG_ROI_CONTOUR_SEQ 0x30060039u
#define TAG_CONTOUR_SEQ 0x30060040u
#define TAG_GEOMETRIC_TYPE 0x30060042u
#define TAG_NUM_POINTS 0x30060046u
#define TAG_CONTOUR_DATA 0x30060050u
#define TAG_REF_ROI_NUMBER 0x30060084u
#define SUBSAMPLES 16 /* per voxel side for the coverage rule */
#define SNAP 1e-6     /* voxel units */

static void warnf(qib_dicom_warnings *w, const char *fmt, ...) QIB_PRINTF(2, 3);
static void warnf(qib_dicom_warnings *w, const char *fmt, ...) {
    if (!w) return;
    if (w->count < QIB_DICOM_MAX_WARNINGS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->text[w->count], sizeof w->text[0], fmt, ap);
        va_end(ap);
    }
    w->count++;
}

static void get_text(const qib_dicom_item *it, uint32_t tag, char *buf, size_t n) {
    buf[0] = 0;
    if (it && qib_dicom_get_string(it, tag, -1, buf, n, NULL) != QIB_OK) buf[0] = 0;
}

void qib_rtstruct_options_default(qib_rtstruct_options *o) {
    memset(o, 0, sizeof *o);
    o->slice_tolerance = 0.25;
}

static qib_status check_rtstruct(const qib_dicom *d, qib_error *err) {
    char sop[65];
    get_text(&d->root, TAG_SOP_CLASS, sop, sizeof sop);
    if (strcmp(sop, QIB_SOP_RTSTRUCT) != 0 && !qib_dicom_find(&d->root, TAG_SS_ROI_SEQ, NULL))
        return qib__fail(err, QIB_ERR_FORMAT, d->name, -1, "(0008,0016)",
                         "not an RT Structure Set: SOP Class UID is '%s', expected %s", sop,
                         QIB_SOP_RTSTRUCT);
    return QIB_OK;
}

/* The ROI Contour item whose Referenced ROI Number is `number`, or NULL. */
static const qib_dicom_item *roi_contour(const qib_dicom *d, int64_t number) {
    const qib_dicom_item *rc;
    for (size_t i = 0; (rc = qib_dicom_item_of(&d->root, TAG_ROI_CONTOUR_SEQ, i)); i++) {
        int64_t ref;
        if (qib_dicom_get_int(rc, TAG_REF_ROI_NUMBER, 0, &ref, NULL) == QIB_OK && ref == number)
            return rc;
    }
    return NULL;
}

/* Contour Data as doubles (malloc'ed, *n values). Parsed from the DS text
 * directly: value-by-value access would rescan the text for every value. */
static qib_status contour_data(const qib_dicom *d, const qib_dicom_item *c, double **out,
                               size_t *n, qib_error *err) {
    const dcm_elem *e = qib__dcm_find(c, TAG_CONTOUR_DATA);
    *out = NULL;
    *n = 0;
    if (!e || !e->val || !e->len) return QIB_OK;
    if (memcmp(e->vr, "DS", 2) != 0 && memcmp(e->vr, "UN", 2) != 0)
        return qib__dcm_fail(d, err, QIB_ERR_FORMAT, e, TAG_CONTOUR_DATA,
                             "Contour Data has VR %.2s, expected DS", e->vr);
    char *txt = malloc(e->len + 1);
    size_t cap = e->len / 2 + 1;
    double *v = malloc(cap * sizeof *v);
    if (!txt || !v) {
        free(txt);
        free(v);
        return qib__nomem(err, d->name, "contour data");
    }
    memcpy(txt, e->val, e->len);
    txt[e->len] = 0;
    size_t k = 0;
    char *p = txt;
    for (;;) {
        char *end;
        double x = strtod(p, &end);
        while (*end == ' ') end++;
        if (end == p || !isfinite(x) || (*end && *end != '\\') || k == cap) {
            free(txt);
            free(v);
            return qib__dcm_fail(d, err, QIB_ERR_FORMAT, e, TAG_CONTOUR_DATA,
                                 "Contour Data value %zu is not a decimal number", k + 1);
        }
        v[k++] = x;
        if (!*end) break;
        p = end + 1;
    }
    free(txt);
    *out = v;
    *n = k;
    return QIB_OK;
}

qib_status qib_rtstruct_rois(const qib_dicom *d, qib_rtstruct_roi **out, size_t *count,
                             qib_error *err) {
    QIB_FORWARD(check_rtstruct(d, err));
    size_t n = 0;
    while (qib_dicom_item_of(&d->root, TAG_SS_ROI_SEQ, n)) n++;
    qib_rtstruct_roi *r = calloc(n ? n : 1, sizeof *r);
    if (!r) return qib__nomem(err, d->name, "ROI list");
    for (size_t i = 0; i < n; i++) {
        const qib_dicom_item *ss = qib_dicom_item_of(&d->root, TAG_SS_ROI_SEQ, i);
        qib_rtstruct_roi *o = &r[i];
        if (qib_dicom_get_int(ss, TAG_ROI_NUMBER, 0, &o->number, NULL) != QIB_OK) {
            free(r);
            return qib__fail(err, QIB_ERR_FORMAT, d->name, qib_dicom_item_offset(ss), "(3006,0022)",
                             "Structure Set ROI item %zu has no valid ROI Number", i + 1);
        }
        get_text(ss, TAG_ROI_NAME, o->name, sizeof o->name);
        get_text(ss, TAG_REF_FOR_UID, o->frame_of_reference_uid, sizeof o->frame_of_reference_uid);
        o->data_len_matches = 1;
        const qib_dicom_item *rc = roi_contour(d, o->number), *c;
        for (size_t j = 0; rc && (c = qib_dicom_item_of(rc, TAG_CONTOUR_SEQ, j)); j++) {
            char type[32];
            int64_t np = 0;
            o->contours++;
            if (qib_dicom_get_int(c, TAG_NUM_POINTS, 0, &np, NULL) == QIB_OK && np > 0)
                o->points += (size_t)np;
            if (qib_dicom_vm(c, TAG_CONTOUR_DATA) != 3 * (size_t)(np > 0 ? np : 0))
                o->data_len_matches = 0;
            get_text(c, TAG_GEOMETRIC_TYPE, type, sizeof type);
            if (!strcmp(type, "CLOSED_PLANAR")) o->closed_planar++;
            /* distinct types, in order of first appearance */
            size_t tl = strlen(type);
            const char *hit = strstr(o->types, type);
            bool seen = tl && hit && (hit == o->types || hit[-1] == ',') &&
                        (hit[tl] == 0 || hit[tl] == ',');
            if (tl && !seen && strlen(o->types) + tl + 2 < sizeof o->types) {
                if (o->types[0]) strcat(o->types, ",");
                strcat(o->types, type);
            }
        }
    }
    *out = r;
    *count = n;
    return QIB_OK;
}

/* ---- polygon fill ---- */

typedef struct edge {
    double x0, y0, x1, y1;
} edge;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds to cnt[i] (i = 0..nx-1) the number of sample points x = i + off
 * + s/sub (s = 0..sub-1) of the scanline y that are inside the even-odd
 * region of the edges. A point on an edge counts as inside when the
 * region lies towards +x (or +y) of it: spans are [xa, xb) and edges
 * cover [ymin, ymax). */
static void scanline(const edge *e, size_t ne, double y, double *xs, size_t nx, int sub,
                     uint16_t *cnt) {
    size_t nc = 0;
    for (size_t t = 0; t < ne; t++) {
        if ((e[t].y0 <= y) == (e[t].y1 <= y)) continue;
        xs[nc++] = e[t].x0 + (y - e[t].y0) * (e[t].x1 - e[t].x0) / (e[t].y1 - e[t].y0);
    }
    qsort(xs, nc, sizeof *xs, cmp_double);
    double off = -0.5 + 0.5 / sub;
    if (sub == 1) off = 0;
    for (size_t t = 0; t + 1 < nc; t += 2) {
        /* sample points p = i*sub + s at x = i + off + s/sub, kept when xa <= x < xb */
        double a = ceil((xs[t] - off) * sub - 1e-9), b = ceil((xs[t + 1] - off) * sub - 1e-9);
        if (a < 0) a = 0;
        if (b > (double)nx * sub) b = (double)nx * sub;
        for (long p = (long)a; p < (long)b; p++) cnt[p / sub]++;
    }
}

static double snap(double v) {
    double r = nearbyint(v);
    return fabs(v - r) < SNAP ? r : v;
}

typedef struct contour {
    size_t item;   /* 1-based item number in the Contour Sequence */
    size_t first;  /* first point in the shared ijk array */
    size_t n;      /* points */
    long k;        /* slice */
} contour;

static int cmp_contour(const void *a, const void *b) {
    const contour *x = a, *y = b;
    if (x->k != y->k) return (x->k > y->k) - (x->k < y->k);
    return (x->item > y->item) - (x->item < y->item);
}

/* Fills the slice k of mask from the contours cs[0..nc). */
static qib_status fill_slice(const contour *cs, size_t nc, const double *ijk, const qib_grid *g,
                             double coverage, uint8_t *mask, qib_error *err) {
    size_t ne = 0;
    for (size_t c = 0; c < nc; c++) ne += cs[c].n;
    edge *e = malloc((ne ? ne : 1) * sizeof *e);
    double *xs = malloc((ne ? ne : 1) * sizeof *xs);
    uint16_t *cnt = malloc(g->dim[0] * sizeof *cnt);
    if (!e || !xs || !cnt) {
        free(e);
        free(xs);
        free(cnt);
        return qib__nomem(err, NULL, "polygon edges");
    }
    ne = 0;
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t c = 0; c < nc; c++) {
        const double *p = ijk + 3 * cs[c].first;
        for (size_t t = 0; t < cs[c].n; t++) {
            size_t u = (t + 1) % cs[c].n;
            edge ed = {p[3 * t], p[3 * t + 1], p[3 * u], p[3 * u + 1]};
            if (ed.y0 == ed.y1) continue; /* horizontal: never crossed */
            e[ne++] = ed;
            ymin = fmin(ymin, ed.y0);
            ymax = fmax(ymax, ed.y0);
            ymin = fmin(ymin, ed.y1);
            ymax = fmax(ymax, ed.y1);
        }
    }
    int sub = coverage > 0 ? SUBSAMPLES : 1;
    uint16_t need = coverage > 0 ? (uint16_t)ceil(coverage * sub * sub - 1e-9) : 1;
    if (need < 1) need = 1;
    size_t nx = g->dim[0], ny = g->dim[1];
    uint8_t *slice = mask + nx * ny * (size_t)cs[0].k;
    /* rows to scan, clamped in floating point first: with no crossing edge
     * ymin is +inf, and a contour far off the grid gives huge values, which
     * must not be converted to an integer */
    double lo = ne ? floor(ymin - 1) : 0, hi = ne ? ceil(ymax + 1) : -1;
    lo = fmax(lo, 0.0);
    hi = fmin(hi, (double)ny - 1);
    long j0 = (long)lo, j1 = hi >= lo ? (long)hi : j0 - 1;
    for (long j = j0; ne && j <= j1; j++) {
        memset(cnt, 0, nx * sizeof *cnt);
        for (int s = 0; s < sub; s++) {
            double y = sub == 1 ? (double)j : (double)j - 0.5 + (s + 0.5) / sub;
            scanline(e, ne, y, xs, nx, sub, cnt);
        }
        for (size_t i = 0; i < nx; i++)
            if (cnt[i] >= need) slice[(size_t)j * nx + i] = 1;
    }
    free(e);
    free(xs);
    free(cnt);
    return QIB_OK;
}

/* ---- ROI selection and references ---- */

static qib_status pick_roi(const qib_dicom *d, const char *roi, const qib_rtstruct_roi *r, size_t n,
                           size_t *pick, qib_error *err) {
    char list[300] = "";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%lld \"%s\"", i ? ", " : "", (long long)r[i].number,
                 r[i].name);
    }
    if (!roi || !*roi) {
        if (n == 1) {
            *pick = 0;
            return QIB_OK;
        }
        if (!n)
            return qib__fail(err, QIB_ERR_EMPTY_ROI, d->name, -1, "ROI",
                             "the structure set has no ROI");
        return qib__fail(err, QIB_ERR_EMPTY_ROI, d->name, -1, "ROI",
                         "the structure set has %zu ROIs, choose one by name or number: %s", n,
                         list);
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].name, roi)) {
            *pick = i;
            return QIB_OK;
        }
    char *end;
    long long num = strtoll(roi, &end, 10);
    for (size_t i = 0; !*end && i < n; i++)
        if (r[i].number == num) {
            *pick = i;
            return QIB_OK;
        }
    return qib__fail(err, QIB_ERR_EMPTY_ROI, d->name, -1, "ROI",
                     "no ROI named or numbered '%s'; the ROIs are: %s", roi, list);
}

static void check_series_refs(const qib_dicom *d, const qib_rtstruct_roi *r,
                              const qib_dicom_reference *ref, qib_dicom_warnings *warn) {
    if (!ref) return;
    if (ref->frame_of_reference_uid[0] && r->frame_of_reference_uid[0] &&
        strcmp(ref->frame_of_reference_uid, r->frame_of_reference_uid) != 0)
        warnf(warn, "%s: ROI \"%s\" refers to Frame of Reference %s, the image has %s", d->name,
              r->name, r->frame_of_reference_uid, ref->frame_of_reference_uid);
    /* the series of the Referenced Frame of Reference Sequence */
    const qib_dicom_item *f, *st, *se;
    bool any = false, match = false;
    for (size_t a = 0; (f = qib_dicom_item_of(&d->root, TAG_REF_FOR_SEQ, a)); a++)
        for (size_t b = 0; (st = qib_dicom_item_of(f, TAG_RT_REF_STUDY_SEQ, b)); b++)
            for (size_t c = 0; (se = qib_dicom_item_of(st, TAG_RT_REF_SERIES_SEQ, c)); c++) {
                char uid[65];
                get_text(se, TAG_SERIES_UID, uid, sizeof uid);
                if (!uid[0]) continue;
                any = true;
                if (!strcmp(uid, ref->series_uid)) match = true;
            }
    if (any && !match && ref->series_uid[0])
        warnf(warn, "%s: the structure set refers to other series than the image's %s", d->name,
              ref->series_uid);
}

/* Warns when a contour's Contour Image Sequence names an image that is not
 * the one at slice k of the reference. */
static void check_contour_ref(const qib_dicom *d, const qib_dicom_item *c, size_t item, long k,
                              const qib_dicom_reference *ref, size_t *bad, qib_dicom_warnings *warn) {
    if (!ref || !ref->sop_uids || (size_t)k >= ref->slices || !ref->sop_uids[k][0]) return;
    const qib_dicom_item *ci = qib_dicom_item_of(c, TAG_CONTOUR_IMAGE_SEQ, 0);
    if (!ci) return;
    char uid[65];
    get_text(ci, TAG_REF_SOP_UID, uid, sizeof uid);
    if (!uid[0] || !strcmp(uid, ref->sop_uids[k])) return;
    if (++*bad <= 3)
        warnf(warn, "%s: contour %zu lies on slice %ld but refers to image %s, not %s", d->name,
              item, k, uid, ref->sop_uids[k]);
}

qib_status qib_rtstruct_to_mask(const qib_dicom *d, const char *roi, const qib_grid *g,
                                const qib_rtstruct_options *opt, qib_mask **out,
                                qib_dicom_warnings *warn, qib_error *err) {
    qib_rtstruct_options def;
    if (!opt) {
        qib_rtstruct_options_default(&def);
        opt = &def;
    }
    qib_rtstruct_roi *rois = NULL;
    size_t nroi = 0, pick = 0;
    QIB_FORWARD(qib_rtstruct_rois(d, &rois, &nroi, err));
    qib_status st = pick_roi(d, roi, rois, nroi, &pick, err);
    if (st) {
        free(rois);
        return st;
    }
    qib_rtstruct_roi r = rois[pick];
    free(rois);
    if (r.closed_planar == 0)
        return qib__fail(err, QIB_ERR_EMPTY_ROI, d->name, -1, "ROI",
                         "ROI %lld \"%s\" has no CLOSED_PLANAR contour (types: %s)",
                         (long long)r.number, r.name, r.types[0] ? r.types : "none");
    check_series_refs(d, &r, opt->reference, warn);

    const qib_dicom_item *rc = roi_contour(d, r.number), *c;
    contour *cs = calloc(r.closed_planar, sizeof *cs);
    double *ijk = NULL;
    size_t ncs = 0, npts = 0, cap = 0, badref = 0;
    qib_mask *m = NULL;
    if (!cs) return qib__nomem(err, d->name, "contours");
    double tol = opt->slice_tolerance > 0 ? opt->slice_tolerance : 0.25;
    for (size_t j = 0; st == QIB_OK && (c = qib_dicom_item_of(rc, TAG_CONTOUR_SEQ, j)); j++) {
        char type[32];
        get_text(c, TAG_GEOMETRIC_TYPE, type, sizeof type);
        if (strcmp(type, "CLOSED_PLANAR") != 0) continue;
        double *v = NULL;
        size_t nv = 0;
        st = contour_data(d, c, &v, &nv, err);
        if (st) break;
        if (nv < 9 || nv % 3) {
            free(v);
            st = qib__fail(err, QIB_ERR_FORMAT, d->name, qib_dicom_item_offset(c), "(3006,0050)",
                           "ROI \"%s\" contour %zu has %zu coordinates: a closed contour needs 3 "
                           "or more points of 3 values",
                           r.name, j + 1, nv);
            break;
        }
        size_t np = nv / 3;
        if (npts + np > cap) {
            size_t nc = (npts + np) * 2;
            double *t = realloc(ijk, nc * 3 * sizeof *t);
            if (!t) {
                free(v);
                st = qib__nomem(err, d->name, "contour points");
                break;
            }
            ijk = t;
            cap = nc;
        }
        double kmin = INFINITY, kmax = -INFINITY, ksum = 0;
        for (size_t p = 0; p < np && st == QIB_OK; p++) {
            double *q = ijk + 3 * (npts + p);
            st = qib_grid_world_to_index(g, v + 3 * p, q);
            for (int a = 0; a < 3; a++) q[a] = snap(q[a]);
            kmin = fmin(kmin, q[2]);
            kmax = fmax(kmax, q[2]);
            ksum += q[2];
        }
        free(v);
        if (st) {
            st = qib__fail(err, st, d->name, -1, "grid", "the image grid cannot be inverted");
            break;
        }
        double kmean = ksum / (double)np, kr = nearbyint(kmean);
        if (kmax - kmin > 2 * tol) {
            st = qib__fail(err, QIB_ERR_FORMAT, d->name, qib_dicom_item_offset(c), "(3006,0050)",
                           "ROI \"%s\" contour %zu is not in one image slice: its points span "
                           "k = %.3f to %.3f",
                           r.name, j + 1, kmin, kmax);
            break;
        }
        if (kr < 0 || kr >= (double)g->dim[2] || fabs(kmean - kr) > tol) {
            bool off = kr < 0 || kr >= (double)g->dim[2];
            st = qib__fail(err, QIB_ERR_FORMAT, d->name, qib_dicom_item_offset(c), "(3006,0050)",
                           "ROI \"%s\" contour %zu lies %s: slice index k = %.3f (image slices "
                           "0..%zu, tolerance %.2f of the slice spacing)",
                           r.name, j + 1, off ? "off the image grid" : "between image slices",
                           kmean, g->dim[2] - 1, tol);
            break;
        }
        cs[ncs] = (contour){j + 1, npts, np, (long)kr};
        check_contour_ref(d, c, j + 1, (long)kr, opt->reference, &badref, warn);
        ncs++;
        npts += np;
    }
    if (badref > 3) warnf(warn, "%s: %zu contours refer to other images than their slice's", d->name, badref);
    if (st == QIB_OK) st = qib_mask_create(g, &m, err);
    if (st == QIB_OK) {
        qsort(cs, ncs, sizeof *cs, cmp_contour);
        for (size_t a = 0, b; st == QIB_OK && a < ncs; a = b) {
            for (b = a + 1; b < ncs && cs[b].k == cs[a].k;) b++;
            st = fill_slice(cs + a, b - a, ijk, g, opt->coverage, qib_mask_data(m), err);
        }
    }
    free(cs);
    free(ijk);
    if (st) {
        qib_mask_free(m);
        qib__error_set_file(err, d->name);
        return st;
    }
    *out = m;
    return QIB_OK;
}
