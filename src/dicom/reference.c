/* SPDX-License-Identifier: Apache-2.0 */
/* reference.c: the UIDs of an image series (Frame of Reference, Series
 * Instance, SOP Instance per slice) that RTSTRUCT and SEG objects refer to,
 * so that their references can be checked against the image actually
 * loaded. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dicom_internal.h"

#define TAG_SOP_UID 0x00080018u
#define TAG_SERIES_UID 0x0020000Eu
#define TAG_FOR_UID 0x00200052u
#define TAG_IPP 0x00200032u

void qib_dicom_reference_free(qib_dicom_reference *r) {
    if (!r) return;
    free(r->sop_uids);
    free(r);
}

static void text(const qib_dicom_item *it, uint32_t tag, char *buf, size_t n) {
    if (qib_dicom_get_string(it, tag, -1, buf, n, NULL) != QIB_OK) buf[0] = 0;
}

/* Adds one file's UIDs to r (the first file with pixel data fixes the
 * series when opt->series_uid is NULL). */
static void add_file(const char *path, const qib_dicom_series_options *opt, const qib_grid *g,
                     qib_dicom_reference *r) {
    qib_dicom *d = NULL;
    qib_dicom_options fo = opt->file;
    fo.header_only = 1;
    if (qib_dicom_open(path, &fo, &d, NULL) != QIB_OK) return;
    const qib_dicom_item *root = qib_dicom_root(d);
    char series[65], sop[65];
    text(root, TAG_SERIES_UID, series, sizeof series);
    text(root, TAG_SOP_UID, sop, sizeof sop);
    bool pixels = d->pixels_skipped || qib_dicom_find(root, DCM_TAG_PIXEL_DATA, NULL);
    const char *want = opt->series_uid ? opt->series_uid : r->series_uid;
    if (pixels && (!want[0] || !strcmp(want, series))) {
        if (!r->series_uid[0]) snprintf(r->series_uid, sizeof r->series_uid, "%s", series);
        if (!r->frame_of_reference_uid[0])
            text(root, TAG_FOR_UID, r->frame_of_reference_uid, sizeof r->frame_of_reference_uid);
        double ipp[3], ijk[3];
        bool ok = qib_dicom_vm(root, TAG_IPP) == 3;
        for (size_t i = 0; ok && i < 3; i++)
            ok = qib_dicom_get_double(root, TAG_IPP, i, &ipp[i], NULL) == QIB_OK;
        if (ok && qib_grid_world_to_index(g, ipp, ijk) == QIB_OK) {
            double k = nearbyint(ijk[2]);
            if (k >= 0 && k < (double)r->slices && fabs(ijk[2] - k) < 0.25)
                snprintf(r->sop_uids[(size_t)k], sizeof r->sop_uids[0], "%s", sop);
        }
    }
    qib_dicom_free(d);
}

static void add_dir(const char *dir, const qib_dicom_series_options *opt, const qib_grid *g,
                    int depth, qib_dicom_reference *r) {
    DIR *dh = opendir(dir);
    if (!dh) return;
    /* sorted names, so that the first file (which may fix the series) does
     * not depend on the directory order */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) break;
            names = nn;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) break;
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(dh);
    for (size_t a = 1; a < n; a++) /* insertion sort: folders are small enough */
        for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
            char *t = names[b];
            names[b] = names[b - 1];
            names[b - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0) {
            if (S_ISDIR(sb.st_mode) && opt->recursive && depth < 32)
                add_dir(names[i], opt, g, depth + 1, r);
            else if (S_ISREG(sb.st_mode))
                add_file(names[i], opt, g, r);
        }
        free(names[i]);
    }
    free(names);
}

qib_status qib_dicom_series_reference(const char *path, const qib_dicom_series_options *opt,
                                      const qib_grid *grid, qib_dicom_reference **out,
                                      qib_error *err) {
    qib_dicom_series_options def;
    if (!opt) {
        qib_dicom_series_options_default(&def);
        opt = &def;
    }
    qib_dicom_reference *r = calloc(1, sizeof *r);
    if (!r) return qib__nomem(err, path, "series reference");
    r->slices = grid->dim[2];
    r->sop_uids = calloc(r->slices ? r->slices : 1, sizeof r->sop_uids[0]);
    if (!r->sop_uids) {
        free(r);
        return qib__nomem(err, path, "series reference");
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        qib_dicom_reference_free(r);
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    }
    if (S_ISDIR(sb.st_mode))
        add_dir(path, opt, grid, 0, r);
    else
        add_file(path, opt, grid, r);
    *out = r;
    return QIB_OK;
}
