/* SPDX-License-Identifier: Apache-2.0 */
/* image_io.c: format-neutral image reading and writing: limits, format
 * names, sniffing a file's first bytes (through gzip) and choosing a reader;
 * choosing a writer from the file name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

void qib_limits_default(qib_limits *lim) {
    if (!lim) return;
    lim->max_dim = (uint64_t)1 << 20;
    lim->max_voxels = (uint64_t)1 << 32;
    lim->max_bytes = (uint64_t)16 << 30;
    lim->max_header_bytes = (uint64_t)16 << 20;
}

const char *qib_format_name(qib_format f) {
    switch (f) {
    case QIB_FORMAT_NIFTI1: return "NIfTI-1";
    case QIB_FORMAT_NIFTI2: return "NIfTI-2";
    case QIB_FORMAT_NRRD: return "NRRD";
    case QIB_FORMAT_DICOM: return "DICOM";
    case QIB_FORMAT_UNKNOWN: break;
    }
    return "unknown";
}

/* Bytes read to recognise a file: enough for a NIfTI-2 header's magic. */
#define SNIFF_BYTES 544
/* Compressed bytes read to find them. */
#define SNIFF_INPUT 65536

/* Reads up to cap bytes from the start of path. */
static qib_status read_prefix(const char *path, uint8_t *buf, size_t cap, size_t *len,
                              qib_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return qib__fail(err, e == ENOENT || e == ENOTDIR ? QIB_ERR_NOT_FOUND : QIB_ERR_IO, path,
                         -1, NULL, "cannot open: %s", strerror(e));
    }
    *len = fread(buf, 1, cap, f);
    int bad = ferror(f);
    fclose(f);
    QIB_FAIL_IF(bad, err, QIB_ERR_IO, path, 0, NULL, "cannot read the first bytes");
    return QIB_OK;
}

static bool is_nifti_size(const uint8_t *p, size_t n) {
    if (n < 4) return false;
    uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[3] << 24;
    uint32_t be = __builtin_bswap32(le);
    return le == 348 || le == 540 || be == 348 || be == 540;
}

/* Which reader the first bytes call for. A sizeof_hdr of 348 or 540 is
 * enough to hand the file to the NIfTI reader, which then names what is
 * wrong (an Analyze file's missing magic, say) better than "unknown". */
static qib_format sniff(const uint8_t *p, size_t n) {
    if (n >= 7 && memcmp(p, "NRRD000", 7) == 0) return QIB_FORMAT_NRRD;
    if (is_nifti_size(p, n)) {
        bool v2 = (p[0] == 0x1c && p[1] == 0x02) || (p[3] == 0x1c && p[2] == 0x02);
        return v2 ? QIB_FORMAT_NIFTI2 : QIB_FORMAT_NIFTI1;
    }
    return QIB_FORMAT_UNKNOWN;
}

qib_status qib_image_read(const char *path, const qib_limits *lim, qib_volume **out,
                          qib_image_info *info, qib_error *err) {
    QIB_FAIL_IF(!path || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "path or output is NULL");
    /* A detached NRRD header is text that names its data file. */
    if (qib__ends_with(path, ".nhdr")) return qib_nrrd_read(path, lim, out, info, err);
    qib_limits l;
    if (lim)
        l = *lim;
    else
        qib_limits_default(&l);
    /* Only the first bytes are read here (64 KiB of possibly compressed
     * input is far more than a header needs); the reader then reads the
     * whole file itself. */
    uint8_t *buf = malloc(SNIFF_INPUT);
    if (!buf) return qib__nomem(err, path, "a sniff buffer");
    size_t len = 0;
    qib_status st = read_prefix(path, buf, SNIFF_INPUT, &len, err);
    uint8_t head[SNIFF_BYTES];
    size_t got = 0;
    int gz = st == QIB_OK && qib__is_gzip(buf, len);
    if (st == QIB_OK && gz) {
        st = qib__gunzip_prefix(buf, len, path, head, sizeof head, &got, err);
    } else if (st == QIB_OK) {
        got = len < sizeof head ? len : sizeof head;
        memcpy(head, buf, got);
    }
    free(buf);
    if (st != QIB_OK) return st;
    switch (sniff(head, got)) {
    case QIB_FORMAT_NIFTI1:
    case QIB_FORMAT_NIFTI2:
        return qib_nifti_read(path, &l, out, info, err);
    case QIB_FORMAT_NRRD:
        return qib_nrrd_read(path, &l, out, info, err);
    default:
        break;
    }
    return qib__fail(err, QIB_ERR_UNKNOWN_FORMAT, path, 0, NULL,
                     "not a format qib reads%s: expected NIfTI-1/2 (sizeof_hdr 348 or 540) or "
                     "NRRD (\"NRRD000\"); first bytes %02x %02x %02x %02x",
                     gz ? " (after gzip decompression)" : "", got > 0 ? head[0] : 0,
                     got > 1 ? head[1] : 0, got > 2 ? head[2] : 0, got > 3 ? head[3] : 0);
}

/* NIfTI-1 stores dimensions as int16; larger volumes need NIfTI-2. */
static int nifti_version_for(const qib_volume *v) {
    const qib_grid *g = qib_volume_grid(v);
    for (int i = 0; i < 3; i++)
        if (g->dim[i] > 32767) return 2;
    return qib_volume_frames(v) > 32767 ? 2 : 1;
}

qib_status qib_image_write(const char *path, const qib_volume *v, qib_error *err) {
    QIB_FAIL_IF(!path || !v, err, QIB_ERR_ARG, path, -1, NULL, "path or volume is NULL");
    if (qib__ends_with(path, ".nii") || qib__ends_with(path, ".nii.gz"))
        return qib_nifti_write(path, v, nifti_version_for(v), err);
    if (qib__ends_with(path, ".nrrd") || qib__ends_with(path, ".nhdr"))
        return qib_nrrd_write(path, v, err);
    return qib__fail(err, QIB_ERR_UNKNOWN_FORMAT, path, -1, NULL,
                     "cannot tell the format from the name: use .nii, .nii.gz, .nrrd or .nhdr");
}
