/* SPDX-License-Identifier: Apache-2.0 */
/* dwi_dicom.c: a DICOM diffusion-weighted series as a 4D volume.
 *
 * qib_dicom_load_series refuses a DWI series, rightly: it holds several
 * images at each slice position (one per b-value and direction). Here the
 * images are grouped by b-value, then sorted along the normal of Image
 * Orientation (Patient) (PS3.3 C.7.6.2.1.1), and each (b-value, direction)
 * becomes one frame of a 4D volume. Classic single-frame images and
 * enhanced multi-frame images (per-frame Plane Position, Plane
 * Orientation, Pixel Measures, Pixel Value Transformation and MR Diffusion
 * functional groups, PS3.3 C.7.6.16) are both read. */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/qib_internal.h"
#include "qib/adc.h"

#define TAG_IMAGE_TYPE 0x00080008u
#define TAG_SERIES_UID 0x0020000Eu
#define TAG_INSTANCE 0x00200013u
#define TAG_IPP 0x00200032u
#define TAG_IOP 0x00200037u
#define TAG_PIXEL_SPACING 0x00280030u
#define TAG_SLOPE 0x00281053u
#define TAG_INTERCEPT 0x00281052u
#define TAG_FRAMES 0x00280008u
#define TAG_PER_FRAME 0x52009230u
#define TAG_SHARED 0x52009229u
#define POS_TOL 0.01 /* mm: two images within this distance share a slice */

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

/* ---- the files ---- */

typedef struct file_set {
    char **path;
    qib_dicom **d;
    size_t n, cap;
} file_set;

static void files_free(file_set *fs) {
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->path[i]);
        qib_dicom_free(fs->d[i]);
    }
    free(fs->path);
    free(fs->d);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static qib_status add_path(file_set *fs, const char *p, qib_error *err) {
    if (fs->n == fs->cap) {
        size_t c = fs->cap ? fs->cap * 2 : 64;
        char **np = realloc(fs->path, c * sizeof *np);
        if (!np) return qib__nomem(err, p, "file list");
        fs->path = np;
        qib_dicom **nd = realloc(fs->d, c * sizeof *nd);
        if (!nd) return qib__nomem(err, p, "file list");
        fs->d = nd;
        fs->cap = c;
    }
    fs->path[fs->n] = strdup(p);
    if (!fs->path[fs->n]) return qib__nomem(err, p, "file list");
    fs->d[fs->n++] = NULL;
    return QIB_OK;
}

/* The regular files directly in dir (names starting with '.' skipped),
 * sorted by name, or path itself when it is a file. */
static qib_status list_paths(const char *path, file_set *fs, qib_error *err) {
    struct stat sb;
    if (stat(path, &sb) != 0)
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    if (!S_ISDIR(sb.st_mode)) return add_path(fs, path, err);
    DIR *dh = opendir(path);
    if (!dh) return qib__fail(err, QIB_ERR_IO, path, -1, NULL, "cannot open the folder");
    qib_status st = QIB_OK;
    struct dirent *de;
    while (st == QIB_OK && (de = readdir(dh))) {
        if (de->d_name[0] == '.') continue;
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        char *p = malloc(len);
        if (!p) {
            st = qib__nomem(err, path, "file name");
            break;
        }
        snprintf(p, len, "%s/%s", path, de->d_name);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) st = add_path(fs, p, err);
        free(p);
    }
    closedir(dh);
    if (st == QIB_OK && fs->n > 1) qsort(fs->path, fs->n, sizeof *fs->path, cmp_str);
    return st;
}

/* ---- one image (a file, or a frame of a multi-frame file) ---- */

typedef struct image {
    size_t file;     /* index into the file set */
    uint32_t frame;
    double b;
    double ipp[3], iop[6], ps[2];
    double slope, inter;
    double pos;      /* along the normal */
    int64_t instance;
    size_t slice;    /* index of its position among the distinct ones */
} image;

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

/* Does a multi-valued Image Type / Frame Type name a derived map? Scanners
 * put their ADC (Siemens, Philips: ADC; Philips: EADC), FA and computed
 * high-b images (Siemens CALC_BV) into the DWI series; fitting them as
 * signal would be wrong. */
static bool derived_map(const qib_dicom_item *it, uint32_t tag) {
    size_t vm = it ? qib_dicom_vm(it, tag) : 0;
    for (size_t i = 0; i < vm; i++) {
        char s[32];
        if (qib_dicom_get_string(it, tag, (int)i, s, sizeof s, NULL) != QIB_OK) continue;
        if (!strcmp(s, "ADC") || !strcmp(s, "EADC") || !strcmp(s, "FA") || !strcmp(s, "CALC_BV"))
            return true;
    }
    return false;
}

static void cross(const double a[3], const double b[3], double out[3]) {
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

typedef struct image_list {
    image *p;
    size_t n, cap;
} image_list;

/* Appends the images of file fi. */
static qib_status file_images(const file_set *fs, size_t fi, image_list *il,
                              qib_dicom_warnings *warn, qib_error *err) {
    const qib_dicom *d = fs->d[fi];
    const char *name = fs->path[fi];
    const qib_dicom_item *root = qib_dicom_root(d);
    int64_t nf = 1;
    if (qib_dicom_vm(root, TAG_FRAMES) > 0 && qib_dicom_get_int(root, TAG_FRAMES, 0, &nf, NULL) != QIB_OK)
        nf = 1;
    if (nf < 1 || nf > (1 << 20))
        return qib__fail(err, QIB_ERR_FORMAT, name, -1, "(0028,0008)",
                         "Number of Frames %lld is out of range", (long long)nf);
    bool enhanced = qib_dicom_find(root, TAG_PER_FRAME, NULL) || qib_dicom_find(root, TAG_SHARED, NULL);
    if (derived_map(root, TAG_IMAGE_TYPE)) {
        warnf(warn, "%s: skipped: its Image Type names a derived map, not a DWI signal", name);
        return QIB_OK;
    }
    int64_t instance = 0;
    if (qib_dicom_vm(root, TAG_INSTANCE) > 0) qib_dicom_get_int(root, TAG_INSTANCE, 0, &instance, NULL);
    for (uint32_t f = 0; f < (uint32_t)nf; f++) {
        if (enhanced && derived_map(group(root, f, 0x00189226), 0x00089007)) {
            warnf(warn, "%s: frame %u skipped: its Frame Type names a derived map", name, f + 1);
            continue;
        }
        image im;
        memset(&im, 0, sizeof im);
        im.file = fi;
        im.frame = f;
        im.instance = instance * 100000 + f;
        qib_status st = qib_dicom_bvalue(d, f, &im.b, NULL, err);
        if (st != QIB_OK) {
            qib__error_set_file(err, name);
            return st;
        }
        bool has_ipp = (enhanced && get_vec(group(root, f, 0x00209113), TAG_IPP, im.ipp, 3)) ||
                       get_vec(root, TAG_IPP, im.ipp, 3);
        bool has_iop = (enhanced && get_vec(group(root, f, 0x00209116), TAG_IOP, im.iop, 6)) ||
                       get_vec(root, TAG_IOP, im.iop, 6);
        bool has_ps = (enhanced && get_vec(group(root, f, 0x00289110), TAG_PIXEL_SPACING, im.ps, 2)) ||
                      get_vec(root, TAG_PIXEL_SPACING, im.ps, 2);
        QIB_FAIL_IF(!has_ipp, err, QIB_ERR_FORMAT, name, -1, "(0020,0032)",
                    "ImagePositionPatient is missing (frame %u): slices cannot be placed", f + 1);
        QIB_FAIL_IF(!has_iop, err, QIB_ERR_FORMAT, name, -1, "(0020,0037)",
                    "ImageOrientationPatient is missing (frame %u)", f + 1);
        if (!has_ps) {
            im.ps[0] = im.ps[1] = 1;
            warnf(warn, "%s: no Pixel Spacing: 1 mm used", name);
        }
        QIB_FAIL_IF(!(im.ps[0] > 0 && im.ps[1] > 0 && isfinite(im.ps[0]) && isfinite(im.ps[1])),
                    err, QIB_ERR_FORMAT, name, -1, "(0028,0030)",
                    "PixelSpacing %g\\%g is not positive", im.ps[0], im.ps[1]);
        im.slope = 1;
        im.inter = 0;
        const qib_dicom_item *src = qib_dicom_find(root, TAG_SLOPE, NULL) ? root
                                    : enhanced ? group(root, f, 0x00289145) : NULL;
        if (src) {
            get_vec(src, TAG_SLOPE, &im.slope, 1);
            get_vec(src, TAG_INTERCEPT, &im.inter, 1);
        }
        QIB_FAIL_IF(!isfinite(im.slope) || !isfinite(im.inter), err, QIB_ERR_FORMAT, name, -1,
                    "(0028,1053)", "Rescale Slope/Intercept are not finite");
        if (il->n == il->cap) {
            size_t c = il->cap ? il->cap * 2 : 64;
            image *np = realloc(il->p, c * sizeof *np);
            if (!np) return qib__nomem(err, name, "image list");
            il->p = np;
            il->cap = c;
        }
        il->p[il->n++] = im;
    }
    return QIB_OK;
}

/* Opens every file, keeps those of the series, collects their images. */
static qib_status open_series(const char *path, const char *series_uid, file_set *fs,
                              image_list *il, qib_dicom_warnings *warn, qib_error *err) {
    QIB_FORWARD(list_paths(path, fs, err));
    bool single = fs->n == 1;
    char uid[65] = "";
    size_t kept = 0;
    for (size_t i = 0; i < fs->n; i++) {
        qib_error e;
        qib_error_clear(&e);
        qib_dicom *d = NULL;
        if (qib_dicom_open(fs->path[i], NULL, &d, &e) != QIB_OK) {
            if (single) {
                if (err) *err = e;
                return e.status;
            }
            char msg[600];
            qib_error_format(&e, msg, sizeof msg);
            warnf(warn, "skipped %s", msg);
            continue;
        }
        qib_dicom_pixels px;
        if (qib_dicom_get_pixels(d, &px, NULL) == QIB_ERR_NOT_FOUND) { /* e.g. a DICOMDIR */
            qib_dicom_free(d);
            continue;
        }
        char u[65] = "";
        if (qib_dicom_find(qib_dicom_root(d), TAG_SERIES_UID, NULL))
            qib_dicom_get_string(qib_dicom_root(d), TAG_SERIES_UID, 0, u, sizeof u, NULL);
        if (series_uid && strcmp(u, series_uid)) {
            qib_dicom_free(d);
            continue;
        }
        if (kept == 0) {
            snprintf(uid, sizeof uid, "%s", u);
        } else if (strcmp(u, uid)) {
            qib_dicom_free(d);
            return qib__fail(err, QIB_ERR_ARG, path, -1, "(0020,000E)",
                             "the folder holds more than one series (e.g. %s and %s); choose one",
                             uid, u);
        }
        fs->d[i] = d;
        kept++;
        QIB_FORWARD(file_images(fs, i, il, warn, err));
    }
    QIB_FAIL_IF(il->n == 0, err, QIB_ERR_NOT_FOUND, path, -1, series_uid ? "(0020,000E)" : NULL,
                "no DICOM diffusion image%s%s found", series_uid ? " of series " : "",
                series_uid ? series_uid : "");
    return QIB_OK;
}

/* ---- grouping and checks ---- */

static int cmp_image(const void *a, const void *b) {
    const image *x = a, *y = b;
    if (x->b != y->b) return x->b < y->b ? -1 : 1;
    if (x->slice != y->slice) return x->slice < y->slice ? -1 : 1;
    return (x->instance > y->instance) - (x->instance < y->instance);
}

static int cmp_pos(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct layout {
    double normal[3];
    double *pos;      /* distinct slice positions, ascending */
    size_t slices;
    double spacing;   /* mean gap; one slice: Spacing Between Slices or Slice Thickness */
} layout;

/* Checks orientation, finds the distinct slice positions and their even
 * spacing (as qib_dicom_load_series: gaps equal within 0.01 mm or 1%). */
static qib_status place(const file_set *fs, image *im, size_t n, layout *L, qib_error *err) {
    const image *i0 = &im[0];
    const char *f0 = fs->path[i0->file];
    double r[3] = {i0->iop[0], i0->iop[1], i0->iop[2]}, c[3] = {i0->iop[3], i0->iop[4], i0->iop[5]};
    double nr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    double nc = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    QIB_FAIL_IF(nr < 1e-6 || nc < 1e-6 || fabs(r[0] * c[0] + r[1] * c[1] + r[2] * c[2]) > 1e-3 * nr * nc,
                err, QIB_ERR_FORMAT, f0, -1, "(0020,0037)",
                "ImageOrientationPatient row and column cosines are not orthogonal unit vectors");
    cross(r, c, L->normal);
    double nn = sqrt(L->normal[0] * L->normal[0] + L->normal[1] * L->normal[1] + L->normal[2] * L->normal[2]);
    for (int k = 0; k < 3; k++) L->normal[k] /= nn;
    double *all = malloc(n * sizeof *all);
    if (!all) return qib__nomem(err, f0, "slice positions");
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 6; k++)
            if (fabs(im[i].iop[k] - i0->iop[k]) > 1e-4) {
                free(all);
                return qib__fail(err, QIB_ERR_FORMAT, fs->path[im[i].file], -1, "(0020,0037)",
                                 "mixed orientation: ImageOrientationPatient differs from %s's", f0);
            }
        if (fabs(im[i].ps[0] - i0->ps[0]) > 1e-6 * i0->ps[0] || fabs(im[i].ps[1] - i0->ps[1]) > 1e-6 * i0->ps[1]) {
            free(all);
            return qib__fail(err, QIB_ERR_FORMAT, fs->path[im[i].file], -1, "(0028,0030)",
                             "PixelSpacing %g\\%g differs from %s's %g\\%g", im[i].ps[0],
                             im[i].ps[1], f0, i0->ps[0], i0->ps[1]);
        }
        im[i].pos = im[i].ipp[0] * L->normal[0] + im[i].ipp[1] * L->normal[1] + im[i].ipp[2] * L->normal[2];
        all[i] = im[i].pos;
    }
    qsort(all, n, sizeof *all, cmp_pos);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || all[i] - all[k - 1] > POS_TOL) all[k++] = all[i];
    L->pos = all;
    L->slices = k;
    for (size_t i = 0; i < n; i++) { /* nearest distinct position */
        size_t lo = 0, hi = k - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (all[mid] + POS_TOL < im[i].pos) lo = mid + 1;
            else hi = mid;
        }
        im[i].slice = lo;
    }
    if (k == 1) {
        double t = 0;
        const qib_dicom_item *root = qib_dicom_root(fs->d[i0->file]);
        if (!get_vec(root, 0x00180088, &t, 1) || !(t > 0)) get_vec(root, 0x00180050, &t, 1);
        L->spacing = t > 0 && isfinite(t) ? t : 1;
        return QIB_OK;
    }
    double dmin = INFINITY;
    for (size_t i = 0; i + 1 < k; i++) dmin = fmin(dmin, all[i + 1] - all[i]);
    double tol = fmax(0.01, 0.01 * dmin);
    for (size_t i = 0; i + 1 < k; i++) {
        double gap = all[i + 1] - all[i];
        QIB_FAIL_IF(fabs(gap - dmin) > tol, err, QIB_ERR_FORMAT, f0, -1, "(0020,0032)",
                    "%s: gap of %.4f mm between slice positions %.4f and %.4f mm while the "
                    "smallest gap is %.4f mm", gap > 1.5 * dmin ? "missing slice(s)" : "uneven slice spacing",
                    gap, all[i], all[i + 1], dmin);
    }
    L->spacing = (all[k - 1] - all[0]) / (double)(k - 1);
    /* gantry tilt: positions must move along the normal */
    const image *a = NULL, *z = NULL;
    for (size_t i = 0; i < n; i++) {
        if (im[i].slice == 0 && !a) a = &im[i];
        if (im[i].slice == k - 1 && !z) z = &im[i];
    }
    double v[3], along = 0, len = 0;
    for (int q = 0; q < 3; q++) {
        v[q] = z->ipp[q] - a->ipp[q];
        along += v[q] * L->normal[q];
        len += v[q] * v[q];
    }
    len = sqrt(len);
    QIB_FAIL_IF(len > 0 && sqrt(fmax(0, len * len - along * along)) > 1e-3 * len + 1e-4, err,
                QIB_ERR_FORMAT, fs->path[z->file], -1, "(0020,0032)",
                "gantry tilt: slice positions move off the normal of the image orientation");
    return QIB_OK;
}

/* Each b-value must have the same number of images at every position. On
 * success *frames is the frame count: the sum over b-values of their
 * images per position. */
static qib_status check_groups(const file_set *fs, const image *im, size_t n, const layout *L,
                               size_t *frames, qib_error *err) {
    size_t total = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && im[j].b == im[i].b) j++;
        /* images of this b-value: [i, j), sorted by slice */
        size_t m = 0, at = i;
        for (size_t sl = 0; sl < L->slices; sl++) {
            size_t c = 0;
            while (at < j && im[at].slice == sl) {
                at++;
                c++;
            }
            if (sl == 0) m = c;
            QIB_FAIL_IF(c != m || c == 0, err, QIB_ERR_FORMAT, fs->path[im[i].file], -1,
                        "(0020,0032)",
                        "b-value %g has %zu image(s) at slice position %.4f mm but %zu at "
                        "%.4f mm: every b-value needs the same images at every position",
                        im[i].b, c, L->pos[sl], m, L->pos[0]);
        }
        total += m;
        i = j;
    }
    *frames = total;
    return QIB_OK;
}

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

/* Decodes the sorted images into the 4D volume and fills bvalues. */
static qib_status fill(const file_set *fs, const image *im, size_t n, const layout *L,
                       qib_volume *v, double *bvalues, qib_error *err) {
    const qib_grid *g = qib_volume_grid(v);
    size_t npix = g->dim[0] * g->dim[1];
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    qib_status st = QIB_OK;
    size_t frame0 = 0, i = 0;
    while (i < n && st == QIB_OK) {
        size_t j = i;
        while (j < n && im[j].b == im[i].b) j++;
        size_t m = (j - i) / L->slices;
        for (size_t q = i; q < j && st == QIB_OK; q++) {
            size_t dir = (q - i) % m; /* sorted by slice, then instance */
            size_t t = frame0 + dir;
            bvalues[t] = im[q].b;
            const qib_dicom *d = fs->d[im[q].file];
            const char *name = fs->path[im[q].file];
            qib_dicom_pixels px;
            st = qib_dicom_get_pixels(d, &px, err);
            if (st != QIB_OK) {
                qib__error_set_file(err, name);
                break;
            }
            if (px.samples_per_pixel != 1) {
                st = qib__fail(err, QIB_ERR_UNSUPPORTED, name, -1, "(0028,0002)",
                               "colour images (%s) are not diffusion signal", px.photometric);
                break;
            }
            if (px.columns != g->dim[0] || px.rows != g->dim[1]) {
                st = qib__fail(err, QIB_ERR_FORMAT, name, -1, "(0028,0010)",
                               "image is %u x %u, the series' first is %zu x %zu", px.columns,
                               px.rows, g->dim[0], g->dim[1]);
                break;
            }
            if (px.frame_bytes > buf_len) {
                uint8_t *nb = realloc(buf, px.frame_bytes);
                if (!nb) {
                    st = qib__nomem(err, name, "frame");
                    break;
                }
                buf = nb;
                buf_len = px.frame_bytes;
            }
            st = qib_dicom_decode_frame(d, im[q].frame, buf, buf_len, err);
            if (st != QIB_OK) {
                qib__error_set_file(err, name);
                break;
            }
            float *dst = (float *)qib_volume_data(v) + (t * g->dim[2] + im[q].slice) * npix;
            for (size_t p = 0; p < npix; p++)
                dst[p] = (float)(sample_at(buf, p, px.dtype) * im[q].slope + im[q].inter);
        }
        frame0 += m;
        i = j;
    }
    free(buf);
    return st;
}

qib_status qib_dwi_load_dicom(const char *path, const char *series_uid, qib_volume **dwi,
                              double **bvalues, size_t *frames, qib_dicom_warnings *warn,
                              qib_error *err) {
    QIB_FAIL_IF(!path || !dwi || !bvalues || !frames, err, QIB_ERR_ARG, path, -1, NULL,
                "a path and outputs are needed");
    file_set fs = {NULL, NULL, 0, 0};
    image_list il = {NULL, 0, 0};
    layout L;
    memset(&L, 0, sizeof L);
    qib_volume *v = NULL;
    double *bv = NULL;
    size_t nframes = 0;
    qib_status st = open_series(path, series_uid, &fs, &il, warn, err);
    if (st == QIB_OK) st = place(&fs, il.p, il.n, &L, err);
    if (st == QIB_OK) {
        qsort(il.p, il.n, sizeof *il.p, cmp_image);
        st = check_groups(&fs, il.p, il.n, &L, &nframes, err);
    }
    if (st == QIB_OK) {
        const image *i0 = &il.p[0]; /* sorted: slice 0 of the lowest b-value */
        qib_dicom_pixels px;
        st = qib_dicom_get_pixels(fs.d[i0->file], &px, err);
        if (st != QIB_OK) qib__error_set_file(err, fs.path[i0->file]);
        qib_grid grid;
        if (st == QIB_OK) {
            qib_grid_init(&grid, px.columns, px.rows, L.slices);
            grid.spacing[0] = i0->ps[1];
            grid.spacing[1] = i0->ps[0];
            grid.spacing[2] = L.spacing;
            memcpy(grid.origin, i0->ipp, sizeof grid.origin);
            for (int r = 0; r < 3; r++) {
                grid.direction[3 * r + 0] = i0->iop[r];
                grid.direction[3 * r + 1] = i0->iop[3 + r];
                grid.direction[3 * r + 2] = L.normal[r];
            }
            st = qib_volume_create(&grid, nframes, QIB_DT_F32, &v, err);
        }
    }
    if (st == QIB_OK) {
        bv = malloc(nframes * sizeof *bv);
        if (!bv) st = qib__nomem(err, path, "b-values");
    }
    if (st == QIB_OK) st = fill(&fs, il.p, il.n, &L, v, bv, err);
    free(il.p);
    free(L.pos);
    files_free(&fs);
    if (st != QIB_OK) {
        qib_volume_free(v);
        free(bv);
        return st;
    }
    *dwi = v;
    *bvalues = bv;
    *frames = nframes;
    return QIB_OK;
}
