/* SPDX-License-Identifier: Apache-2.0 */
/* suv_header.c: the DICOM values an SUV factor may use, read from one file
 * (standard attributes of the PET Series, PET Isotope and PET Image
 * modules, PS3.3 C.8.9, and the vendors' private ones named by QIBA's
 * vendor-neutral pseudo-code), and the headers of every image of a series,
 * placed on the slices of the loaded volume. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/qib_internal.h"
#include "pet_internal.h"

#define TAG_RADIOPHARMACEUTICAL_SEQ 0x00540016u
#define TAG_SERIES_UID 0x0020000Eu
#define TAG_IPP 0x00200032u
#define TAG_FRAMES 0x00280008u

/* Where each field lives. group/element: the tag; private: the private
 * creator (the element's low byte is then `element`, the block comes from
 * the creator); nested: inside item 1 of the Radiopharmaceutical
 * Information Sequence (0054,0016). */
typedef struct field_def {
    uint16_t group, element;
    const char *keyword;
    const char *creator;
    bool nested, numeric;
} field_def;

static const field_def fields[QIB_SUVF_COUNT] = {
    [QIB_SUVF_MODALITY] = {0x0008, 0x0060, "Modality", NULL, false, false},
    [QIB_SUVF_SOP_CLASS] = {0x0008, 0x0016, "SOPClassUID", NULL, false, false},
    [QIB_SUVF_UNITS] = {0x0054, 0x1001, "Units", NULL, false, false},
    [QIB_SUVF_DECAY_CORRECTION] = {0x0054, 0x1102, "DecayCorrection", NULL, false, false},
    [QIB_SUVF_CORRECTED_IMAGE] = {0x0028, 0x0051, "CorrectedImage", NULL, false, false},
    [QIB_SUVF_SERIES_DATE] = {0x0008, 0x0021, "SeriesDate", NULL, false, false},
    [QIB_SUVF_SERIES_TIME] = {0x0008, 0x0031, "SeriesTime", NULL, false, false},
    [QIB_SUVF_ACQUISITION_DATE] = {0x0008, 0x0022, "AcquisitionDate", NULL, false, false},
    [QIB_SUVF_ACQUISITION_TIME] = {0x0008, 0x0032, "AcquisitionTime", NULL, false, false},
    [QIB_SUVF_TIMEZONE_OFFSET] = {0x0008, 0x0201, "TimezoneOffsetFromUTC", NULL, false, false},
    [QIB_SUVF_START_TIME] = {0x0018, 0x1072, "RadiopharmaceuticalStartTime", NULL, true, false},
    [QIB_SUVF_START_DATETIME] = {0x0018, 0x1078, "RadiopharmaceuticalStartDateTime", NULL, true,
                                 false},
    [QIB_SUVF_TOTAL_DOSE] = {0x0018, 0x1074, "RadionuclideTotalDose", NULL, true, true},
    [QIB_SUVF_HALF_LIFE] = {0x0018, 0x1075, "RadionuclideHalfLife", NULL, true, true},
    [QIB_SUVF_WEIGHT] = {0x0010, 0x1030, "PatientWeight", NULL, false, true},
    [QIB_SUVF_SIZE] = {0x0010, 0x1020, "PatientSize", NULL, false, true},
    [QIB_SUVF_SEX] = {0x0010, 0x0040, "PatientSex", NULL, false, false},
    [QIB_SUVF_RESCALE_SLOPE] = {0x0028, 0x1053, "RescaleSlope", NULL, false, true},
    [QIB_SUVF_RESCALE_INTERCEPT] = {0x0028, 0x1052, "RescaleIntercept", NULL, false, true},
    [QIB_SUVF_PHILIPS_SUV_FACTOR] = {0x7053, 0x00, "SUVScaleFactor (Philips)",
                                     "Philips PET Private Group", false, true},
    [QIB_SUVF_PHILIPS_ACTIVITY_FACTOR] = {0x7053, 0x09,
                                          "ActivityConcentrationScaleFactor (Philips)",
                                          "Philips PET Private Group", false, true},
    [QIB_SUVF_GE_SCAN_DATETIME] = {0x0009, 0x0D, "ScanDateTime (GE)", "GEMS_PETD_01", false,
                                   false},
    [QIB_SUVF_MANUFACTURER] = {0x0008, 0x0070, "Manufacturer", NULL, false, false},
};

const char *qib_suv_field_keyword(qib_suv_field f) {
    return (unsigned)f < QIB_SUVF_COUNT ? fields[f].keyword : "";
}

const char *qib_suv_field_tag(const qib_suv_header *h, qib_suv_field f, char *buf, size_t n) {
    if (!buf || !n) return buf;
    buf[0] = 0;
    if ((unsigned)f >= QIB_SUVF_COUNT) return buf;
    const field_def *fd = &fields[f];
    uint32_t tag = QIB_TAG(fd->group, fd->element);
    if (fd->creator) tag = QIB_TAG(fd->group, 0x1000 | fd->element);
    if (h && h->v[f].present) tag = h->v[f].tag;
    if (fd->nested)
        snprintf(buf, n, "(0054,0016)>(%04X,%04X)", QIB_TAG_GROUP(tag), QIB_TAG_ELEMENT(tag));
    else
        snprintf(buf, n, "(%04X,%04X)", QIB_TAG_GROUP(tag), QIB_TAG_ELEMENT(tag));
    return buf;
}

/* The tag of private element `low` of `creator` in `group`: the creator
 * element (group,00xx) holding that name reserves block xx00-xxFF
 * (PS3.5 7.8.1). 0 when no block is reserved by that creator. */
static uint32_t private_tag(const qib_dicom_item *root, uint16_t group, const char *creator,
                            uint8_t low) {
    for (uint16_t b = 0x10; b <= 0xFF; b++) {
        char name[80];
        if (!qib_dicom_find(root, QIB_TAG(group, b), NULL)) continue;
        if (qib_dicom_get_string(root, QIB_TAG(group, b), -1, name, sizeof name, NULL) != QIB_OK)
            continue;
        if (!strcmp(name, creator)) return QIB_TAG(group, (uint16_t)(b << 8 | low));
    }
    return 0;
}

/* Reads one value of it (text, multiplicity and, for numbers, the number). */
static void read_value(const qib_dicom_item *it, uint32_t tag, bool numeric, qib_suv_value *v) {
    memset(v, 0, sizeof *v);
    v->tag = tag;
    v->number = NAN;
    if (!it || !tag) return;
    qib_dicom_element e;
    if (!qib_dicom_find(it, tag, &e) || e.is_sequence) return;
    if (qib_dicom_get_string(it, tag, -1, v->text, sizeof v->text, NULL) != QIB_OK) {
        v->text[0] = 0;
        return;
    }
    if (!v->text[0]) return;
    v->present = 1;
    v->vm = qib_dicom_vm(it, tag);
    double x;
    if (numeric && v->vm == 1 && qib_dicom_get_double(it, tag, 0, &x, NULL) == QIB_OK &&
        isfinite(x)) {
        v->numeric = 1;
        v->number = x;
    }
}

qib_status qib_suv_header_read(const qib_dicom *d, qib_suv_header *out, qib_error *err) {
    QIB_FAIL_IF(!d || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "a parsed DICOM file and an output are needed");
    memset(out, 0, sizeof *out);
    const qib_dicom_item *root = qib_dicom_root(d);
    const qib_dicom_item *rp = qib_dicom_item_of(root, TAG_RADIOPHARMACEUTICAL_SEQ, 0);
    qib_dicom_element seq;
    if (qib_dicom_find(root, TAG_RADIOPHARMACEUTICAL_SEQ, &seq) && seq.is_sequence)
        out->radiopharmaceuticals = seq.items;
    for (int f = 0; f < QIB_SUVF_COUNT; f++) {
        const field_def *fd = &fields[f];
        const qib_dicom_item *it = fd->nested ? rp : root;
        uint32_t tag = fd->creator ? private_tag(root, fd->group, fd->creator, (uint8_t)fd->element)
                                   : QIB_TAG(fd->group, fd->element);
        read_value(it, tag, fd->numeric, &out->v[f]);
    }
    if (qib_dicom_get_string(root, TAG_SERIES_UID, -1, out->series_uid, sizeof out->series_uid,
                             NULL) != QIB_OK)
        out->series_uid[0] = 0;
    int64_t frames = 1;
    if (qib_dicom_vm(root, TAG_FRAMES) > 0 &&
        qib_dicom_get_int(root, TAG_FRAMES, 0, &frames, NULL) == QIB_OK && frames > 1)
        out->frames = frames > UINT32_MAX ? UINT32_MAX : (uint32_t)frames;
    else
        out->frames = 1;
    out->has_position = qib_dicom_vm(root, TAG_IPP) == 3;
    for (size_t i = 0; out->has_position && i < 3; i++)
        out->has_position = qib_dicom_get_double(root, TAG_IPP, i, &out->position[i], NULL) == QIB_OK &&
                            isfinite(out->position[i]);
    return QIB_OK;
}

/* ---- the images of a series ---- */

typedef struct header_list {
    qib_suv_header *h;
    size_t n, cap;
    char first_uid[65], other_uid[65];
} header_list;

static bool has_pixels(const qib_dicom *d) {
    qib_dicom_encoding enc;
    qib_dicom_get_encoding(d, &enc);
    const qib_dicom_item *root = qib_dicom_root(d);
    return enc.pixels_skipped || qib_dicom_find(root, 0x7FE00010u, NULL) ||
           qib_dicom_find(root, 0x7FE00008u, NULL) || qib_dicom_find(root, 0x7FE00009u, NULL);
}

/* Adds the header of one file when it is an image of the wanted series. */
static qib_status add_file(const char *path, const qib_dicom_series_options *opt,
                           header_list *hl, qib_error *err) {
    qib_dicom_options fo = opt->file;
    fo.header_only = 1;
    qib_dicom *d = NULL;
    if (qib_dicom_open(path, &fo, &d, NULL) != QIB_OK) return QIB_OK; /* the loader skips it too */
    qib_status st = QIB_OK;
    if (has_pixels(d)) {
        qib_suv_header h;
        st = qib_suv_header_read(d, &h, err);
        if (!st && (!opt->series_uid || !strcmp(h.series_uid, opt->series_uid))) {
            if (!hl->n) snprintf(hl->first_uid, sizeof hl->first_uid, "%s", h.series_uid);
            else if (strcmp(h.series_uid, hl->first_uid) && !hl->other_uid[0])
                snprintf(hl->other_uid, sizeof hl->other_uid, "%s", h.series_uid);
            if (hl->n == hl->cap) {
                size_t cap = hl->cap ? hl->cap * 2 : 16;
                qib_suv_header *nh = realloc(hl->h, cap * sizeof *nh);
                if (!nh) st = qib__nomem(err, path, "SUV headers");
                else {
                    hl->h = nh;
                    hl->cap = cap;
                }
            }
            if (!st) {
                snprintf(h.file, sizeof h.file, "%s", path);
                hl->h[hl->n++] = h;
            }
        }
    }
    qib_dicom_free(d);
    return st;
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files of a folder, in name order (sub-folders when recursive). */
static qib_status add_dir(const char *dir, const qib_dicom_series_options *opt, int depth,
                          header_list *hl, qib_error *err) {
    DIR *dh = opendir(dir);
    if (!dh) return qib__fail(err, QIB_ERR_NOT_FOUND, dir, -1, NULL, "cannot open the folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    qib_status st = QIB_OK;
    struct dirent *de;
    while (!st && (de = readdir(dh))) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                st = qib__nomem(err, dir, "file list");
                break;
            }
            names = nn;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            st = qib__nomem(err, dir, "file name");
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(dh);
    if (n > 1) qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (!st && stat(names[i], &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                if (opt->recursive && depth < 32) st = add_dir(names[i], opt, depth + 1, hl, err);
            } else if (S_ISREG(sb.st_mode)) {
                st = add_file(names[i], opt, hl, err);
            }
        }
        free(names[i]);
    }
    free(names);
    return st;
}

/* Puts header i on slice k of grid (Image Position (Patient) to index). */
static qib_status place(header_list *hl, const qib_grid *grid, qib_suv_header **out,
                        qib_error *err) {
    size_t nk = grid->dim[2];
    qib_suv_header *sorted = calloc(nk ? nk : 1, sizeof *sorted);
    bool *taken = calloc(nk ? nk : 1, sizeof *taken);
    if (!sorted || !taken) {
        free(sorted);
        free(taken);
        return qib__nomem(err, NULL, "SUV headers");
    }
    qib_status st = QIB_OK;
    for (size_t i = 0; !st && i < hl->n; i++) {
        const qib_suv_header *h = &hl->h[i];
        size_t k = 0;
        if (hl->n > 1 || nk > 1) {
            double ijk[3];
            if (!h->has_position)
                st = qib__fail(err, QIB_ERR_FORMAT, h->file, -1, "(0020,0032)",
                               "ImagePositionPatient is missing: the image cannot be put on a "
                               "slice of the volume");
            else if (qib_grid_world_to_index(grid, h->position, ijk) != QIB_OK ||
                     !(fabs(ijk[2] - nearbyint(ijk[2])) < 0.25) || nearbyint(ijk[2]) < 0 ||
                     nearbyint(ijk[2]) >= (double)nk)
                st = qib__fail(err, QIB_ERR_FORMAT, h->file, -1, "(0020,0032)",
                               "ImagePositionPatient %g\\%g\\%g is on no slice of the loaded "
                               "volume",
                               h->position[0], h->position[1], h->position[2]);
            else
                k = (size_t)nearbyint(ijk[2]);
        }
        if (!st && taken[k])
            st = qib__fail(err, QIB_ERR_FORMAT, h->file, -1, "(0020,0032)",
                           "the image lies on slice %zu like %s", k + 1, sorted[k].file);
        if (!st) {
            sorted[k] = *h;
            taken[k] = true;
        }
    }
    for (size_t k = 0; !st && k < nk; k++)
        if (!taken[k])
            st = qib__fail(err, QIB_ERR_FORMAT, NULL, -1, "(0020,0032)",
                           "slice %zu of the volume has no PET image header", k + 1);
    free(taken);
    if (st) {
        free(sorted);
        return st;
    }
    *out = sorted;
    return QIB_OK;
}

qib_status qib_suv_read_series(const char *path, const qib_dicom_series_options *opt,
                               const qib_grid *grid, qib_suv_header **out, size_t *count,
                               qib_error *err) {
    qib_dicom_series_options dflt;
    if (!opt) {
        qib_dicom_series_options_default(&dflt);
        opt = &dflt;
    }
    QIB_FAIL_IF(!path || !out || !count, err, QIB_ERR_ARG, path, -1, NULL,
                "a path and outputs are needed");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, NULL, "no such file or folder");
    header_list hl;
    memset(&hl, 0, sizeof hl);
    qib_status st = S_ISDIR(sb.st_mode) ? add_dir(path, opt, 0, &hl, err) : add_file(path, opt, &hl, err);
    if (!st && hl.n == 0)
        st = qib__fail(err, QIB_ERR_NOT_FOUND, path, -1, opt->series_uid ? "(0020,000E)" : NULL,
                       "no DICOM image%s%s found", opt->series_uid ? " of series " : "",
                       opt->series_uid ? opt->series_uid : "");
    if (!st && hl.other_uid[0])
        st = qib__fail(err, QIB_ERR_ARG, path, -1, "(0020,000E)",
                       "the folder holds more than one series (e.g. %s and %s); choose one",
                       hl.first_uid, hl.other_uid);
    for (size_t i = 0; !st && i < hl.n; i++)
        if (hl.h[i].frames > 1)
            st = qib__fail(err, QIB_ERR_UNSUPPORTED, hl.h[i].file, -1, "(0028,0008)",
                           "NumberOfFrames is %u: SUV of multi-frame (e.g. Enhanced PET) images "
                           "is not supported",
                           hl.h[i].frames);
    if (!st && grid) {
        qib_suv_header *sorted = NULL;
        st = place(&hl, grid, &sorted, err);
        if (!st) {
            free(hl.h);
            *out = sorted;
            *count = grid->dim[2];
            return QIB_OK;
        }
    }
    if (st) {
        free(hl.h);
        return st;
    }
    *out = hl.h;
    *count = hl.n;
    return QIB_OK;
}
