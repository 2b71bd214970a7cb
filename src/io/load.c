/* SPDX-License-Identifier: Apache-2.0 */
/* load.c: the image and mask of one case from whatever the user has: image
 * files, DICOM series folders, RT Structure Sets and Segmentations. Shared
 * by `qib extract` and batch runs so both accept the same inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/qib_internal.h"
#include "qib/load.h"

void qib_load_options_default(qib_load_options *o) {
    memset(o, 0, sizeof *o);
    o->segment = 1;
    o->seg_threshold = 0.5;
}

/* Does the file start like DICOM Part 10 ("DICM" after the preamble)? */
static bool looks_dicom(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    unsigned char b[132];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    return n == sizeof b && !memcmp(b + 128, "DICM", 4);
}

/* A file without the preamble that still parses as DICOM (header only). */
static bool is_dicom_without_preamble(const char *path) {
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.header_only = 1;
    qib_dicom *d = NULL;
    if (qib_dicom_open(path, &o, &d, NULL) != QIB_OK) return false;
    qib_dicom_free(d);
    return true;
}

static void series_options(const qib_load_options *opt, qib_dicom_series_options *so) {
    qib_dicom_series_options_default(so);
    so->recursive = opt->recursive;
    so->series_uid = opt->series_uid;
}

/* A folder with several series and none chosen: list them. */
static qib_status check_one_series(const char *dir, const qib_dicom_series_options *so,
                                   qib_error *err) {
    if (so->series_uid) return QIB_OK;
    qib_dicom_series_info *s = NULL;
    size_t n = 0;
    QIB_FORWARD(qib_dicom_scan_dir(dir, so, &s, &n, NULL, err));
    qib_status st = QIB_OK;
    if (n > 1) {
        char list[QIB_ERROR_REASON_MAX];
        size_t l = 0;
        list[0] = 0;
        for (size_t i = 0; i < n && l < sizeof list; i++) {
            int w = snprintf(list + l, sizeof list - l, "%s%s (%s \"%s\", %zu slices)",
                             i ? "; " : "", s[i].series_uid, s[i].modality, s[i].description,
                             s[i].slices);
            if (w > 0) l += (size_t)w;
        }
        st = qib__fail(err, QIB_ERR_ARG, dir, -1, "series",
                       "the folder holds %zu series; choose one with --series UID: %s", n, list);
    }
    free(s);
    return st;
}

qib_status qib_load_case_image(const char *path, const qib_load_options *opt, qib_volume **image,
                               qib_dicom_reference **ref, qib_dicom_warnings *warn,
                               qib_error *err) {
    qib_load_options def;
    if (!opt) {
        qib_load_options_default(&def);
        opt = &def;
    }
    if (ref) *ref = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    bool dir = S_ISDIR(sb.st_mode);
    qib_volume *v = NULL;
    qib_status st;
    if (!dir && !looks_dicom(path)) {
        st = qib_image_read(path, opt->limits, &v, NULL, err);
        if (st != QIB_ERR_UNKNOWN_FORMAT) {
            if (!st) *image = v;
            return st;
        }
        /* may still be DICOM without a preamble; if not, keep this error */
        if (!is_dicom_without_preamble(path)) return st;
        qib_error_clear(err);
    }
    qib_dicom_series_options so;
    series_options(opt, &so);
    if (dir) QIB_FORWARD(check_one_series(path, &so, err));
    QIB_FORWARD(qib_dicom_load_series(path, &so, &v, warn, err));
    if (ref) {
        st = qib_dicom_series_reference(path, &so, qib_volume_grid(v), ref, err);
        if (st) {
            qib_volume_free(v);
            return st;
        }
    }
    *image = v;
    return QIB_OK;
}

/* A mask as a uint8 label volume (1 inside). */
static qib_status mask_to_volume(qib_mask *m, qib_volume **out, qib_error *err) {
    qib_volume *v = NULL;
    QIB_FORWARD(qib_volume_create(qib_mask_grid(m), 1, QIB_DT_U8, &v, err));
    memcpy(qib_volume_data(v), qib_mask_cdata(m), qib_volume_bytes(v));
    *out = v;
    return QIB_OK;
}

/* An RTSTRUCT or SEG (by SOP Class): the ROI/segment onto grid. *done
 * stays 0 for any other DICOM object. */
static qib_status dicom_mask(const char *path, const qib_grid *grid, const qib_dicom_reference *ref,
                             const qib_load_options *opt, qib_volume **out, qib_mask_source *src,
                             int *done, qib_dicom_warnings *warn, qib_error *err) {
    qib_dicom *d = NULL;
    *done = 0;
    QIB_FORWARD(qib_dicom_open(path, NULL, &d, err));
    char sop[65] = "";
    if (qib_dicom_get_string(qib_dicom_root(d), 0x00080016u, -1, sop, sizeof sop, NULL) != QIB_OK)
        sop[0] = 0;
    qib_mask *m = NULL;
    qib_status st = QIB_OK;
    if (!strcmp(sop, QIB_SOP_RTSTRUCT)) {
        qib_rtstruct_options ro;
        qib_rtstruct_options_default(&ro);
        ro.coverage = opt->rt_coverage;
        ro.reference = ref;
        st = qib_rtstruct_to_mask(d, opt->roi, grid, &ro, &m, warn, err);
        *src = QIB_MASK_SOURCE_RTSTRUCT;
        *done = 1;
    } else if (!strcmp(sop, QIB_SOP_SEG) || !strcmp(sop, QIB_SOP_LABELMAP_SEG)) {
        qib_seg_options o;
        qib_seg_options_default(&o);
        if (opt->seg_threshold > 0) o.threshold = opt->seg_threshold;
        o.reference = ref;
        st = qib_seg_to_mask(d, opt->segment > 0 ? opt->segment : 1, grid, &o, &m, warn, err);
        *src = QIB_MASK_SOURCE_SEG;
        *done = 1;
    }
    qib_dicom_free(d);
    if (st == QIB_OK && m) st = mask_to_volume(m, out, err);
    qib_mask_free(m);
    return st;
}

qib_status qib_load_case_mask(const char *path, const qib_grid *image_grid,
                              const qib_dicom_reference *ref, const qib_load_options *opt,
                              qib_volume **labels, qib_mask_source *source,
                              qib_dicom_warnings *warn, qib_error *err) {
    qib_load_options def;
    if (!opt) {
        qib_load_options_default(&def);
        opt = &def;
    }
    qib_mask_source src = QIB_MASK_SOURCE_LABELS;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    qib_volume *v = NULL;
    qib_status st;
    if (!S_ISDIR(sb.st_mode)) {
        bool dcm = looks_dicom(path);
        if (!dcm) {
            st = qib_image_read(path, opt->limits, &v, NULL, err);
            if (st != QIB_ERR_UNKNOWN_FORMAT || !is_dicom_without_preamble(path)) goto out;
            qib_error_clear(err);
        }
        int done = 0;
        st = dicom_mask(path, image_grid, ref, opt, &v, &src, &done, warn, err);
        if (st || done) goto out;
    }
    /* a label volume stored as DICOM (a folder or one file) */
    qib_dicom_series_options so;
    series_options(opt, &so);
    st = S_ISDIR(sb.st_mode) ? check_one_series(path, &so, err) : QIB_OK;
    if (!st) st = qib_dicom_load_series(path, &so, &v, warn, err);
out:
    if (st) {
        qib__error_set_file(err, path);
        return st;
    }
    *labels = v;
    if (source) *source = src;
    return QIB_OK;
}
