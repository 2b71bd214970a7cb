/* SPDX-License-Identifier: Apache-2.0 */
/* series.c: DICOM series to volume: folder scan, grouping by Series
 * Instance UID, slice sorting along the normal of Image Orientation
 * (Patient) (PS3.3 C.7.6.2.1.1), the checks a volume needs (one
 * orientation, no duplicate or missing slices, even spacing, no gantry
 * tilt), enhanced multi-frame functional groups (PS3.3 C.7.6.16) and
 * Rescale Slope/Intercept per slice or frame. */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dicom_internal.h"

#define TAG_SERIES_UID 0x0020000Eu
#define TAG_IPP 0x00200032u
#define TAG_IOP 0x00200037u
#define TAG_PIXEL_SPACING 0x00280030u
#define TAG_SLOPE 0x00281053u
#define TAG_INTERCEPT 0x00281052u
#define TAG_PER_FRAME 0x52009230u
#define TAG_SHARED 0x52009229u
#define DEG_PER_RAD 57.29577951308232

void qib_dicom_series_options_default(qib_dicom_series_options *o) {
    memset(o, 0, sizeof *o);
    o->tolerance = 0.01;
    qib_dicom_options_default(&o->file);
}

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

/* ---- files of a folder ---- */

typedef struct file_list {
    char **p;
    size_t n, cap;
} file_list;

static void files_free(file_list *fl) {
    for (size_t i = 0; i < fl->n; i++) free(fl->p[i]);
    free(fl->p);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static qib_status list_files(const char *dir, bool recursive, int depth, file_list *fl,
                             qib_error *err) {
    DIR *dh = opendir(dir);
    if (!dh) return qib__fail(err, QIB_ERR_NOT_FOUND, dir, -1, NULL, "cannot open the folder");
    struct dirent *de;
    qib_status st = QIB_OK;
    while (st == QIB_OK && (de = readdir(dh))) {
        if (de->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            st = qib__nomem(err, dir, "file name");
            break;
        }
        snprintf(path, len, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (recursive && depth < 32) st = list_files(path, true, depth + 1, fl, err);
            free(path);
            continue;
        }
        if (!S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        if (fl->n == fl->cap) {
            size_t cap = fl->cap ? fl->cap * 2 : 64;
            char **np = realloc(fl->p, cap * sizeof *np);
            if (!np) {
                free(path);
                st = qib__nomem(err, dir, "file list");
                break;
            }
            fl->p = np;
            fl->cap = cap;
        }
        fl->p[fl->n++] = path;
    }
    closedir(dh);
    if (st == QIB_OK && depth == 0 && fl->n > 1) qsort(fl->p, fl->n, sizeof *fl->p, cmp_str);
    return st;
}

/* ---- geometry of one file's images ---- */

typedef struct slice {
    qib_dicom *d;
    uint32_t frame;
    double ipp[3], iop[6], ps[2];
    double slope, inter;
    double pos;
    int64_t instance;
    bool has_ipp, has_iop, has_ps;
} slice;

static bool get_vec(const qib_dicom_item *it, uint32_t tag, double *v, size_t n) {
    if (!it || qib_dicom_vm(it, tag) < n) return false;
    for (size_t i = 0; i < n; i++)
        if (qib_dicom_get_double(it, tag, i, &v[i], NULL) != QIB_OK) return false;
    return true;
}

/* The functional group sequence `seq` of frame f: per-frame, else shared. */
static const qib_dicom_item *group(const qib_dicom_item *root, uint32_t f, uint32_t seq) {
    const qib_dicom_item *pf = qib_dicom_item_of(root, TAG_PER_FRAME, f);
    const qib_dicom_item *it = pf ? qib_dicom_item_of(pf, seq, 0) : NULL;
    if (!it) {
        const qib_dicom_item *sh = qib_dicom_item_of(root, TAG_SHARED, 0);
        it = sh ? qib_dicom_item_of(sh, seq, 0) : NULL;
    }
    return it;
}

static void cross(const double a[3], const double b[3], double out[3]) {
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static uint32_t frames_of(const qib_dicom *d) {
    int64_t nf = 1;
    if (qib_dicom_vm(&d->root, 0x00280008) > 0 &&
        qib_dicom_get_int(&d->root, 0x00280008, 0, &nf, NULL) == QIB_OK && nf >= 1 &&
        nf <= 1 << 20)
        return (uint32_t)nf;
    return 1;
}

/* Appends the images (frames) of d to *sl. */
static qib_status file_slices(qib_dicom *d, slice **sl, size_t *n, size_t *cap, qib_error *err) {
    const qib_dicom_item *root = &d->root;
    uint32_t frames = frames_of(d);
    bool enhanced = qib_dicom_find(root, TAG_PER_FRAME, NULL) || qib_dicom_find(root, TAG_SHARED, NULL);
    double gfov_first = 0;
    bool gfov = !enhanced && frames > 1 && qib_dicom_vm(root, 0x3004000C) >= frames &&
                qib_dicom_get_double(root, 0x3004000C, 0, &gfov_first, NULL) == QIB_OK;
    int64_t instance = 0;
    if (qib_dicom_vm(root, 0x00200013) > 0) qib_dicom_get_int(root, 0x00200013, 0, &instance, NULL);
    for (uint32_t f = 0; f < frames; f++) {
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 64;
            slice *ns = realloc(*sl, c * sizeof *ns);
            if (!ns) return qib__nomem(err, d->name, "slices");
            *sl = ns;
            *cap = c;
        }
        slice *s = &(*sl)[(*n)++];
        memset(s, 0, sizeof *s);
        s->d = d;
        s->frame = f;
        s->instance = instance * 100000 + f;
        s->has_ipp = (enhanced && get_vec(group(root, f, 0x00209113), TAG_IPP, s->ipp, 3)) ||
                     get_vec(root, TAG_IPP, s->ipp, 3);
        s->has_iop = (enhanced && get_vec(group(root, f, 0x00209116), TAG_IOP, s->iop, 6)) ||
                     get_vec(root, TAG_IOP, s->iop, 6);
        s->has_ps = (enhanced && get_vec(group(root, f, 0x00289110), TAG_PIXEL_SPACING, s->ps, 2)) ||
                    get_vec(root, TAG_PIXEL_SPACING, s->ps, 2);
        s->slope = 1;
        s->inter = 0;
        const qib_dicom_item *pvt = enhanced ? group(root, f, 0x00289145) : NULL;
        const qib_dicom_item *src = qib_dicom_find(root, TAG_SLOPE, NULL) ? root : pvt;
        if (src) {
            get_vec(src, TAG_SLOPE, &s->slope, 1);
            get_vec(src, TAG_INTERCEPT, &s->inter, 1);
        } else if (qib_dicom_find(root, 0x3004000E, NULL)) {
            get_vec(root, 0x3004000E, &s->slope, 1); /* RT Dose: Dose Grid Scaling */
        }
        if (gfov && s->has_iop) { /* RT Dose frames: offsets along the normal */
            double off, nrm[3];
            qib_dicom_get_double(root, 0x3004000C, f, &off, NULL);
            cross(s->iop, s->iop + 3, nrm);
            for (int k = 0; k < 3; k++) s->ipp[k] += (off - gfov_first) * nrm[k];
        }
    }
    return QIB_OK;
}

/* ---- checks and sorting ---- */

static int cmp_slice(const void *a, const void *b) {
    const slice *x = a, *y = b;
    if (x->pos < y->pos) return -1;
    if (x->pos > y->pos) return 1;
    return (x->instance > y->instance) - (x->instance < y->instance);
}

typedef struct geometry {
    double normal[3], spacing[3];
    bool tilted, irregular;
} geometry;

/* Sorts the slices and checks them; fills g. */
static qib_status sort_slices(slice *sl, size_t n, const qib_dicom_series_options *opt,
                              geometry *g, qib_dicom_warnings *warn, qib_error *err) {
    const slice *s0 = &sl[0];
    const char *f0 = s0->d->name;
    if (!s0->has_iop || !s0->has_ipp) {
        if (n > 1)
            return qib__fail(err, QIB_ERR_FORMAT, f0, -1, s0->has_iop ? "(0020,0032)" : "(0020,0037)",
                             "%s is missing: slices cannot be placed",
                             s0->has_iop ? "ImagePositionPatient" : "ImageOrientationPatient");
        warnf(warn, "%s: no Image Position/Orientation (Patient): identity geometry used", f0);
        for (size_t i = 0; i < n; i++) {
            double id[6] = {1, 0, 0, 0, 1, 0};
            memcpy(sl[i].iop, id, sizeof id);
        }
    }
    double r[3] = {s0->iop[0], s0->iop[1], s0->iop[2]}, c[3] = {s0->iop[3], s0->iop[4], s0->iop[5]};
    double nr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    double nc = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    if (nr < 1e-6 || nc < 1e-6 || fabs(r[0] * c[0] + r[1] * c[1] + r[2] * c[2]) > 1e-3 * nr * nc)
        return qib__fail(err, QIB_ERR_FORMAT, f0, -1, "(0020,0037)",
                         "ImageOrientationPatient row and column cosines are not orthogonal unit "
                         "vectors");
    cross(r, c, g->normal);
    double nn = sqrt(g->normal[0] * g->normal[0] + g->normal[1] * g->normal[1] + g->normal[2] * g->normal[2]);
    for (int k = 0; k < 3; k++) g->normal[k] /= nn;
    for (size_t i = 0; i < n; i++) {
        slice *s = &sl[i];
        for (int k = 0; k < 6; k++)
            if (fabs(s->iop[k] - s0->iop[k]) > 1e-4)
                return qib__fail(err, QIB_ERR_FORMAT, s->d->name, -1, "(0020,0037)",
                                 "mixed orientation: ImageOrientationPatient differs from %s's",
                                 f0);
        if (n > 1 && !s->has_ipp)
            return qib__fail(err, QIB_ERR_FORMAT, s->d->name, -1, "(0020,0032)",
                             "ImagePositionPatient is missing (frame %u)", s->frame + 1);
        s->pos = s->ipp[0] * g->normal[0] + s->ipp[1] * g->normal[1] + s->ipp[2] * g->normal[2];
    }
    qsort(sl, n, sizeof *sl, cmp_slice);
    g->spacing[0] = s0->has_ps ? sl[0].ps[1] : 1;
    g->spacing[1] = s0->has_ps ? sl[0].ps[0] : 1;
    if (!sl[0].has_ps) warnf(warn, "%s: no Pixel Spacing: 1 mm used", sl[0].d->name);
    if (!(g->spacing[0] > 0) || !(g->spacing[1] > 0))
        return qib__fail(err, QIB_ERR_FORMAT, sl[0].d->name, -1, "(0028,0030)",
                         "PixelSpacing %g\\%g is not positive", sl[0].ps[0], sl[0].ps[1]);
    if (n == 1) {
        double t = 0;
        const qib_dicom_item *root = &sl[0].d->root;
        if (!get_vec(root, 0x00180088, &t, 1) || !(t > 0)) get_vec(root, 0x00180050, &t, 1);
        g->spacing[2] = t > 0 ? t : 1;
        return QIB_OK;
    }
    double span = sl[n - 1].pos - sl[0].pos, mean = span / (double)(n - 1), dmin = INFINITY;
    for (size_t i = 0; i + 1 < n; i++) {
        double gap = sl[i + 1].pos - sl[i].pos;
        if (gap < 1e-3)
            return qib__fail(err, QIB_ERR_FORMAT, sl[i + 1].d->name, -1, "(0020,0032)",
                             "two images share slice position %.4f mm (%s frame %u): duplicate "
                             "slices or several time points are not one volume",
                             sl[i].pos, sl[i].d->name, sl[i].frame + 1);
        if (gap < dmin) dmin = gap;
    }
    /* gaps are compared with the smallest one: a gap of about k times it
     * means k-1 missing slices, any other difference is uneven spacing */
    double tol = opt->tolerance > 0 ? opt->tolerance : 0.01;
    if (tol < 0.01 * dmin) tol = 0.01 * dmin;
    for (size_t i = 0; i + 1 < n; i++) {
        double gap = sl[i + 1].pos - sl[i].pos;
        if (fabs(gap - dmin) <= tol) continue;
        bool missing = gap > 1.5 * dmin;
        g->irregular = true;
        if (!opt->allow_irregular)
            return qib__fail(err, QIB_ERR_FORMAT, sl[i + 1].d->name, -1, "(0020,0032)",
                             "%s: gap of %.4f mm between slices %zu and %zu (positions %.4f and "
                             "%.4f mm) while the smallest gap is %.4f mm",
                             missing ? "missing slice(s)" : "uneven slice spacing", gap, i + 1,
                             i + 2, sl[i].pos, sl[i + 1].pos, dmin);
        warnf(warn, "%s: gap of %.4f mm after slice %zu (mean %.4f mm); the mean spacing is used",
              missing ? "missing slice(s)" : "uneven slice spacing", gap, i + 1, mean);
    }
    double v[3], along = 0, len = 0;
    for (int k = 0; k < 3; k++) {
        v[k] = sl[n - 1].ipp[k] - sl[0].ipp[k];
        along += v[k] * g->normal[k];
        len += v[k] * v[k];
    }
    len = sqrt(len);
    if (len > 0 && sqrt(fmax(0, len * len - along * along)) > 1e-3 * len + 1e-4) {
        g->tilted = true;
        if (!opt->allow_irregular)
            return qib__fail(err, QIB_ERR_FORMAT, sl[n - 1].d->name, -1, "(0020,0032)",
                             "gantry tilt: slice positions move %.3f degrees off the normal of "
                             "the image orientation",
                             acos(fmin(1, fabs(along) / len)) * DEG_PER_RAD);
        warnf(warn, "gantry tilt of %.3f degrees: the volume ignores the shear",
              acos(fmin(1, fabs(along) / len)) * DEG_PER_RAD);
    }
    g->spacing[2] = mean;
    return QIB_OK;
}

/* ---- voxels ---- */

static double sample_at(const uint8_t *p, size_t i, qib_dtype t) {
    switch (t) {
    case QIB_DT_U8: return p[i];
    case QIB_DT_I8: return (int8_t)p[i];
    case QIB_DT_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case QIB_DT_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case QIB_DT_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case QIB_DT_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case QIB_DT_F32: { float v; memcpy(&v, p + 4 * i, 4); return v; }
    default: { double v; memcpy(&v, p + 8 * i, 8); return v; }
    }
}

static bool integral(double x) { return fabs(x - nearbyint(x)) < 1e-9; }

static qib_status build_volume(slice *sl, size_t n, const geometry *g, qib_volume **out,
                               qib_error *err) {
    qib_dicom_pixels px0;
    QIB_FORWARD(qib_dicom_get_pixels(sl[0].d, &px0, err));
    bool ints = px0.dtype != QIB_DT_F32 && px0.dtype != QIB_DT_F64;
    for (size_t i = 0; i < n; i++) ints = ints && integral(sl[i].slope) && integral(sl[i].inter);
    qib_grid grid;
    qib_grid_init(&grid, px0.columns, px0.rows, n);
    memcpy(grid.spacing, g->spacing, sizeof grid.spacing);
    memcpy(grid.origin, sl[0].ipp, sizeof grid.origin);
    for (int rr = 0; rr < 3; rr++) {
        grid.direction[3 * rr + 0] = sl[0].iop[rr];
        grid.direction[3 * rr + 1] = sl[0].iop[3 + rr];
        grid.direction[3 * rr + 2] = g->normal[rr];
    }
    qib_volume *v = NULL;
    QIB_FORWARD(qib_volume_create(&grid, 1, ints ? QIB_DT_I32 : QIB_DT_F32, &v, err));
    size_t npix = (size_t)px0.rows * px0.columns;
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    qib_status st = QIB_OK;
    double lo = 0, hi = 0;
    for (size_t k = 0; k < n && st == QIB_OK; k++) {
        qib_dicom_pixels px;
        st = qib_dicom_get_pixels(sl[k].d, &px, err);
        if (st != QIB_OK) break;
        if (px.samples_per_pixel != 1) {
            st = qib__fail(err, QIB_ERR_UNSUPPORTED, sl[k].d->name, -1, "(0028,0002)",
                           "colour images (%s) do not make a scalar volume", px.photometric);
            break;
        }
        if (px.rows != px0.rows || px.columns != px0.columns) {
            st = qib__fail(err, QIB_ERR_FORMAT, sl[k].d->name, -1, "(0028,0010)",
                           "image is %u x %u, the series' first is %u x %u", px.columns, px.rows,
                           px0.columns, px0.rows);
            break;
        }
        if (px.frame_bytes > buf_len) {
            uint8_t *nb = realloc(buf, px.frame_bytes);
            if (!nb) {
                st = qib__nomem(err, sl[k].d->name, "frame");
                break;
            }
            buf = nb;
            buf_len = px.frame_bytes;
        }
        st = qib_dicom_decode_frame(sl[k].d, sl[k].frame, buf, buf_len, err);
        if (st != QIB_OK) break;
        if (ints) {
            int32_t *dst = (int32_t *)qib_volume_data(v) + k * npix;
            for (size_t i = 0; i < npix; i++) {
                double x = nearbyint(sample_at(buf, i, px.dtype) * sl[k].slope + sl[k].inter);
                if (x < INT32_MIN || x > INT32_MAX) {
                    st = qib__fail(err, QIB_ERR_NUMERIC, sl[k].d->name, -1, "(0028,1053)",
                                   "rescaled value %.0f does not fit 32-bit integers", x);
                    break;
                }
                if ((k == 0 && i == 0) || x < lo) lo = x;
                if ((k == 0 && i == 0) || x > hi) hi = x;
                dst[i] = (int32_t)x;
            }
        } else {
            float *dst = (float *)qib_volume_data(v) + k * npix;
            for (size_t i = 0; i < npix; i++)
                dst[i] = (float)(sample_at(buf, i, px.dtype) * sl[k].slope + sl[k].inter);
        }
    }
    free(buf);
    if (st == QIB_OK && ints && lo >= INT16_MIN && hi <= INT16_MAX) {
        qib_volume *v16 = NULL;
        st = qib_volume_convert(v, QIB_DT_I16, &v16, err);
        qib_volume_free(v);
        v = v16;
    }
    if (st != QIB_OK) {
        qib_volume_free(v);
        return st;
    }
    *out = v;
    return QIB_OK;
}

/* ---- public ---- */

static void text(const qib_dicom_item *root, uint32_t tag, char *buf, size_t n) {
    buf[0] = '\0';
    if (qib_dicom_find(root, tag, NULL)) qib_dicom_get_string(root, tag, -1, buf, n, NULL);
}

static bool has_pixels(const qib_dicom *d) {
    return d->pixels_skipped || qib__dcm_find(&d->root, DCM_TAG_PIXEL_DATA) ||
           qib__dcm_find(&d->root, DCM_TAG_FLOAT_PIXEL) || qib__dcm_find(&d->root, DCM_TAG_DOUBLE_PIXEL);
}

static qib_status collect(const char *path, const qib_dicom_series_options *opt, bool header_only,
                          file_list *fl, qib_error *err) {
    struct stat sb;
    if (stat(path, &sb) != 0) return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    if (S_ISDIR(sb.st_mode)) return list_files(path, opt->recursive, 0, fl, err);
    fl->p = malloc(sizeof *fl->p);
    if (!fl->p || !(fl->p[0] = strdup(path))) return qib__nomem(err, path, "file list");
    fl->n = fl->cap = 1;
    (void)header_only;
    return QIB_OK;
}

static qib_dicom *open_one(const char *path, const qib_dicom_series_options *opt, bool header_only,
                           qib_dicom_warnings *warn) {
    qib_dicom_options fo = opt->file;
    fo.header_only = header_only;
    qib_dicom *d = NULL;
    qib_error e;
    qib_error_clear(&e);
    if (qib_dicom_open(path, &fo, &d, &e) != QIB_OK) {
        char msg[600];
        qib_error_format(&e, msg, sizeof msg);
        warnf(warn, "skipped %s", msg);
        return NULL;
    }
    if (!has_pixels(d)) {
        qib_dicom_free(d);
        return NULL;
    }
    return d;
}

qib_status qib_dicom_load_series(const char *path, const qib_dicom_series_options *opt,
                                 qib_volume **out, qib_dicom_warnings *warn, qib_error *err) {
    qib_dicom_series_options dflt;
    if (!opt) {
        qib_dicom_series_options_default(&dflt);
        opt = &dflt;
    }
    QIB_FAIL_IF(!path || !out, err, QIB_ERR_ARG, path, -1, NULL, "a path and an output are needed");
    file_list fl = {NULL, 0, 0};
    qib_status st = collect(path, opt, false, &fl, err);
    qib_dicom **files = calloc(fl.n ? fl.n : 1, sizeof *files);
    size_t nfiles = 0;
    char uid[65] = "", other[65] = "";
    size_t series = 0;
    if (!files && st == QIB_OK) st = qib__nomem(err, path, "file handles");
    for (size_t i = 0; st == QIB_OK && i < fl.n; i++) {
        qib_dicom *d = open_one(fl.p[i], opt, false, warn);
        if (!d) continue;
        char u[65];
        text(&d->root, TAG_SERIES_UID, u, sizeof u);
        if (opt->series_uid && strcmp(u, opt->series_uid)) {
            qib_dicom_free(d);
            continue;
        }
        if (!nfiles) {
            snprintf(uid, sizeof uid, "%s", u);
            series = 1;
        } else if (strcmp(u, uid) && !other[0]) {
            snprintf(other, sizeof other, "%s", u);
            series = 2;
        }
        files[nfiles++] = d;
    }
    files_free(&fl);
    slice *sl = NULL;
    size_t n = 0, cap = 0;
    if (st == QIB_OK && nfiles == 0)
        st = qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, opt->series_uid ? "(0020,000E)" : NULL,
                       "no DICOM image%s%s found", opt->series_uid ? " of series " : "",
                       opt->series_uid ? opt->series_uid : "");
    if (st == QIB_OK && series > 1)
        st = qib__fail(err, QIB_ERR_ARG, path, -1, "(0020,000E)",
                       "the folder holds more than one series (e.g. %s and %s); choose one",
                       uid, other);
    for (size_t i = 0; st == QIB_OK && i < nfiles; i++) st = file_slices(files[i], &sl, &n, &cap, err);
    geometry g;
    memset(&g, 0, sizeof g);
    if (st == QIB_OK) st = sort_slices(sl, n, opt, &g, warn, err);
    if (st == QIB_OK) st = build_volume(sl, n, &g, out, err);
    free(sl);
    for (size_t i = 0; i < nfiles; i++) qib_dicom_free(files[i]);
    free(files);
    return st;
}

static int cmp_info(const void *a, const void *b) {
    const qib_dicom_series_info *x = a, *y = b;
    int c = strcmp(x->patient_name, y->patient_name);
    if (!c) c = strcmp(x->study_date, y->study_date);
    if (!c) c = strcmp(x->study_uid, y->study_uid);
    if (!c) c = strcmp(x->description, y->description);
    return c ? c : strcmp(x->series_uid, y->series_uid);
}

qib_status qib_dicom_scan_dir(const char *dir, const qib_dicom_series_options *opt,
                              qib_dicom_series_info **out, size_t *count,
                              qib_dicom_warnings *warn, qib_error *err) {
    qib_dicom_series_options dflt;
    if (!opt) {
        qib_dicom_series_options_default(&dflt);
        opt = &dflt;
    }
    QIB_FAIL_IF(!dir || !out || !count, err, QIB_ERR_ARG, dir, -1, NULL, "a folder and outputs are needed");
    file_list fl = {NULL, 0, 0};
    QIB_FORWARD(collect(dir, opt, true, &fl, err));
    qib_dicom_series_info *info = NULL;
    slice **pos = NULL; /* per series: its slices (geometry only) */
    size_t *npos = NULL, *cpos = NULL, ns = 0;
    qib_status st = QIB_OK;
    for (size_t i = 0; st == QIB_OK && i < fl.n; i++) {
        qib_dicom *d = open_one(fl.p[i], opt, true, warn);
        if (!d) continue;
        char u[65];
        text(&d->root, TAG_SERIES_UID, u, sizeof u);
        size_t k = 0;
        while (k < ns && strcmp(info[k].series_uid, u)) k++;
        if (k == ns) {
            qib_dicom_series_info *ni = realloc(info, (ns + 1) * sizeof *ni);
            slice **np = realloc(pos, (ns + 1) * sizeof *np);
            size_t *nn = realloc(npos, (ns + 1) * sizeof *nn), *nc = realloc(cpos, (ns + 1) * sizeof *nc);
            if (ni) info = ni;
            if (np) pos = np;
            if (nn) npos = nn;
            if (nc) cpos = nc;
            if (!ni || !np || !nn || !nc) {
                qib_dicom_free(d);
                st = qib__nomem(err, dir, "series list");
                break;
            }
            qib_dicom_series_info *s = &info[ns];
            memset(s, 0, sizeof *s);
            pos[ns] = NULL;
            npos[ns] = cpos[ns] = 0;
            const qib_dicom_item *r = &d->root;
            snprintf(s->series_uid, sizeof s->series_uid, "%s", u);
            text(r, 0x0020000D, s->study_uid, sizeof s->study_uid);
            text(r, 0x00100010, s->patient_name, sizeof s->patient_name);
            text(r, 0x00100020, s->patient_id, sizeof s->patient_id);
            text(r, 0x00080020, s->study_date, sizeof s->study_date);
            text(r, 0x00080060, s->modality, sizeof s->modality);
            text(r, 0x0008103E, s->description, sizeof s->description);
            int64_t v = 0;
            if (qib_dicom_get_int(r, 0x00280010, 0, &v, NULL) == QIB_OK) s->rows = (uint32_t)v;
            if (qib_dicom_get_int(r, 0x00280011, 0, &v, NULL) == QIB_OK) s->columns = (uint32_t)v;
            snprintf(s->first_file, sizeof s->first_file, "%s", fl.p[i]);
            ns++;
        }
        info[k].files++;
        size_t before = npos[k];
        st = file_slices(d, &pos[k], &npos[k], &cpos[k], err);
        for (size_t j = before; j < npos[k]; j++) pos[k][j].d = NULL; /* geometry only */
        info[k].slices += npos[k] - before;
        qib_dicom_free(d);
    }
    files_free(&fl);
    for (size_t k = 0; k < ns; k++) {
        if (st == QIB_OK && npos[k] > 0 && pos[k][0].has_iop && pos[k][0].has_ipp) {
            double nrm[3];
            cross(pos[k][0].iop, pos[k][0].iop + 3, nrm);
            for (size_t j = 0; j < npos[k]; j++)
                pos[k][j].pos = pos[k][j].ipp[0] * nrm[0] + pos[k][j].ipp[1] * nrm[1] + pos[k][j].ipp[2] * nrm[2];
            qsort(pos[k], npos[k], sizeof *pos[k], cmp_slice);
            if (pos[k][0].has_ps) {
                info[k].spacing[0] = pos[k][0].ps[1];
                info[k].spacing[1] = pos[k][0].ps[0];
            }
            if (npos[k] > 1)
                info[k].spacing[2] = (pos[k][npos[k] - 1].pos - pos[k][0].pos) / (double)(npos[k] - 1);
        }
        free(pos[k]);
    }
    free(pos);
    free(npos);
    free(cpos);
    if (st != QIB_OK) {
        free(info);
        return st;
    }
    if (ns) qsort(info, ns, sizeof *info, cmp_info);
    *out = info;
    *count = ns;
    return QIB_OK;
}
