/* SPDX-License-Identifier: Apache-2.0 */
/* nrrd.c: NRRD images (teem.sourceforge.net/nrrd/format.html): geometry,
 * the public read/write entry points and the writer. The header text is
 * parsed by nrrd_header.c, the voxel data decoded by nrrd_data.c.
 *
 * Geometry follows ITK's NrrdImageIO so results equal SimpleITK / 3D
 * Slicer: spacing = length of each "space directions" vector, direction =
 * the unit vector, and RAS/LAS coordinates are turned into LPS (for LAS
 * qib flips y, as the spec says and as ITK does since its 2025 fix,
 * InsightSoftwareConsortium/ITK#5224; older ITK flipped x). A 4D file is a
 * series of 3D frames along its last (slowest) axis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrrd_internal.h"

/* ---- limits ---- */

/* The caller's limits, or qib_limits_default's (image_io.c). */
static void limits_or_default(const qib_limits *lim, qib_limits *out) {
    if (lim)
        *out = *lim;
    else
        qib_limits_default(out);
}

/* Checks sizes against the caps before anything is allocated and returns
 * the byte count of all voxels. */
static qib_status check_sizes(const nrrd_header *h, const qib_limits *lim, const char *name,
                              size_t *total_bytes, qib_error *err) {
    uint64_t voxels = 1, bytes;
    for (int a = 0; a < h->dim; a++) {
        QIB_FAIL_IF(h->sizes[a] > lim->max_dim, err, QIB_ERR_LIMIT, name, -1, "sizes",
                    "axis %d has %llu samples, more than the limit of %llu", a,
                    (unsigned long long)h->sizes[a], (unsigned long long)lim->max_dim);
        QIB_FAIL_IF(!qib__mul_u64(voxels, h->sizes[a], &voxels) || voxels > lim->max_voxels,
                    err, QIB_ERR_LIMIT, name, -1, "sizes",
                    "the sizes make more than the limit of %llu voxels",
                    (unsigned long long)lim->max_voxels);
    }
    QIB_FAIL_IF(!qib__mul_u64(voxels, h->type_size, &bytes) || bytes > lim->max_bytes ||
                    bytes >= SIZE_MAX,
                err, QIB_ERR_LIMIT, name, -1, "sizes",
                "%llu voxels of %zu bytes exceed the limit of %llu bytes",
                (unsigned long long)voxels, h->type_size, (unsigned long long)lim->max_bytes);
    *total_bytes = (size_t)bytes;
    return QIB_OK;
}

/* ---- geometry (spec section 4; ITK NrrdImageIO::ReadImageInformation) ---- */

/* Sign that turns each coordinate of a named space into LPS: RAS flips x
 * and y, LAS flips y. Spaces with no anatomical meaning (scanner-xyz,
 * 3D-right-handed, or only "space dimension") are taken as they are, as
 * ITK does. A left-handed space cannot be LPS without a mirror: refused. */
static qib_status space_signs(const nrrd_header *h, const char *name, double sign[3],
                              qib_error *err) {
    sign[0] = sign[1] = sign[2] = 1.0;
    switch (h->space) {
    case NRRD_SPACE_RAS:
    case NRRD_SPACE_RAST: sign[0] = sign[1] = -1.0; break;
    case NRRD_SPACE_LAS:
    case NRRD_SPACE_LAST: sign[1] = -1.0; break;
    case NRRD_SPACE_3D_LEFT:
    case NRRD_SPACE_3D_LEFT_TIME:
        return qib__fail(err, QIB_ERR_UNSUPPORTED, name, -1, "space",
                         "space '3D-left-handed' is a mirrored frame with no mapping to LPS");
    default: break;
    }
    return QIB_OK;
}

/* Refuses a per-voxel component axis (kinds list, vector, color, tensor...)
 * among the spatial axes: qib reads scalar voxels, and a 4th axis only as
 * frames. A range kind on a 1-sample axis is harmless. */
static qib_status check_kinds(const nrrd_header *h, int n_sp, const char *name, qib_error *err) {
    if (!h->has_kinds) return QIB_OK;
    for (int a = 0; a < n_sp; a++)
        QIB_FAIL_IF(h->kinds[a] == NRRD_KIND_RANGE && h->sizes[a] > 1, err, QIB_ERR_UNSUPPORTED,
                    name, -1, "kinds",
                    "axis %d has kind '%s' (%llu components per voxel); qib reads scalar "
                    "images, with a 4D series only as frames along the last axis",
                    a, h->kind_names[a], (unsigned long long)h->sizes[a]);
    return QIB_OK;
}

/* Determinant of a row-major 3x3 matrix. */
static double det3(const double m[9]) {
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* Takes the spatial part (x,y,z) of the space direction of axis a, checking
 * that a 4D (x,y,z,t) space does not mix time into a spatial axis. */
static qib_status spatial_vector(const nrrd_header *h, int a, const char *name, double v[3],
                                 qib_error *err) {
    v[0] = v[1] = v[2] = 0.0;
    int n = h->space_dim < 3 ? h->space_dim : 3;
    for (int r = 0; r < n; r++) v[r] = h->dirs[a][r];
    QIB_FAIL_IF(h->space_dim == 4 && h->dirs[a][3] != 0.0, err, QIB_ERR_UNSUPPORTED, name, -1,
                "space directions", "axis %d mixes space and time (time component %g)", a,
                h->dirs[a][3]);
    return QIB_OK;
}

/* The frame axis (axis 3 of a 4D file): "none", or in an (x,y,z,t) space a
 * pure time vector (0,0,0,dt) whose length is the frame step. Other
 * layouts (a 4th spatial axis) are refused by name. */
static qib_status frame_axis(const nrrd_header *h, const char *name, double *step,
                             qib_error *err) {
    if (h->dir_none[3]) return QIB_OK;
    const double *d = h->dirs[3];
    QIB_FAIL_IF(h->space_dim != 4 || d[0] != 0.0 || d[1] != 0.0 || d[2] != 0.0, err,
                QIB_ERR_UNSUPPORTED, name, -1, "space directions",
                "axis 3 (the slowest) has a spatial direction; qib reads a 4th axis only as "
                "frames, marked 'none'");
    *step = fabs(d[3]);
    return QIB_OK;
}

/* Grid from "space directions" (+ "space origin"): spacing is each
 * vector's length, the direction its unit vector, both turned into LPS. A
 * 2D image gets a third axis normal to its plane. */
static qib_status grid_from_directions(const nrrd_header *h, int n_sp, const char *name,
                                       qib_grid *g, double *step, qib_error *err) {
    double sign[3], v[3][3] = {{0}};
    QIB_FORWARD(space_signs(h, name, sign, err));
    QIB_FAIL_IF(h->space_dim < n_sp, err, QIB_ERR_FORMAT, name, -1, "space dimension",
                "a space of dimension %d cannot hold %d spatial axes", h->space_dim, n_sp);
    for (int a = 0; a < n_sp; a++) {
        QIB_FAIL_IF(h->dir_none[a] && a == 0 && h->dim == 4, err, QIB_ERR_UNSUPPORTED, name, -1,
                    "space directions",
                    "axis 0 (the fastest) is non-spatial ('none'): interleaved components "
                    "such as DWI gradients or vectors; qib reads a 4D series only with "
                    "frames as the last axis");
        QIB_FAIL_IF(h->dir_none[a], err, QIB_ERR_UNSUPPORTED, name, -1, "space directions",
                    "axis %d is non-spatial ('none'); only the last axis of a 4D file may be",
                    a);
        QIB_FORWARD(spatial_vector(h, a, name, v[a], err));
    }
    if (h->dim == 4) QIB_FORWARD(frame_axis(h, name, step, err));
    if (n_sp == 2) { /* the normal of the slice plane, unit length */
        v[2][0] = v[0][1] * v[1][2] - v[0][2] * v[1][1];
        v[2][1] = v[0][2] * v[1][0] - v[0][0] * v[1][2];
        v[2][2] = v[0][0] * v[1][1] - v[0][1] * v[1][0];
        if (h->space_dim == 2) v[2][2] = 1.0;
        double n = sqrt(v[2][0] * v[2][0] + v[2][1] * v[2][1] + v[2][2] * v[2][2]);
        for (int r = 0; r < 3 && n > 0; r++) v[2][r] /= n;
    }
    for (int a = 0; a < 3; a++) {
        double n = sqrt(v[a][0] * v[a][0] + v[a][1] * v[a][1] + v[a][2] * v[a][2]);
        QIB_FAIL_IF(!(n > 0) || !isfinite(n), err, QIB_ERR_FORMAT, name, -1, "space directions",
                    "axis %d has a zero-length direction vector", a);
        g->spacing[a] = a < n_sp ? n : 1.0;
        for (int r = 0; r < 3; r++) g->direction[3 * r + a] = sign[r] * v[a][r] / n;
    }
    QIB_FAIL_IF(fabs(det3(g->direction)) < 1e-6, err, QIB_ERR_FORMAT, name, -1,
                "space directions", "the axis directions are (nearly) parallel");
    return QIB_OK;
}

/* Grid from "spacings" alone (no orientation): identity directions; a
 * missing or nan spacing is 1, as in ITK. teem allows a negative spacing
 * (not 0 or inf); qib keeps the same index-to-world map with spacing |s|
 * and that axis's direction reversed. */
static qib_status grid_from_spacings(const nrrd_header *h, int n_sp, const char *name,
                                     qib_grid *g, qib_error *err) {
    for (int a = 0; a < n_sp && h->has_spacings; a++) {
        double s = h->spacings[a];
        if (isnan(s)) continue;
        QIB_FAIL_IF(s == 0 || !isfinite(s), err, QIB_ERR_FORMAT, name, -1, "spacings",
                    "axis %d spacing %g is not a finite non-zero number", a, s);
        g->spacing[a] = fabs(s);
        if (s < 0) g->direction[3 * a + a] = -1.0;
    }
    return QIB_OK;
}

/* Fills the grid, frame count and frame step from a parsed header. */
static qib_status header_to_grid(const nrrd_header *h, const char *name, qib_grid *g,
                                 size_t *frames, double *step, qib_error *err) {
    int n_sp = h->dim < 3 ? h->dim : 3;
    qib_grid_init(g, (size_t)h->sizes[0], (size_t)h->sizes[1],
                  h->dim >= 3 ? (size_t)h->sizes[2] : 1);
    *frames = h->dim == 4 ? (size_t)h->sizes[3] : 1;
    *step = 0.0;
    QIB_FORWARD(check_kinds(h, n_sp, name, err));
    if (h->has_dirs)
        QIB_FORWARD(grid_from_directions(h, n_sp, name, g, step, err));
    else
        QIB_FORWARD(grid_from_spacings(h, n_sp, name, g, err));
    if (h->dim == 4 && h->has_spacings && isfinite(h->spacings[3]) && h->spacings[3] > 0)
        *step = h->spacings[3];
    if (h->has_origin) {
        double sign[3];
        QIB_FORWARD(space_signs(h, name, sign, err));
        int n = h->space_dim < 3 ? h->space_dim : 3;
        for (int r = 0; r < n; r++) g->origin[r] = sign[r] * h->origin[r];
    }
    return QIB_OK;
}

/* ---- reading ---- */

/* Everything one read needs: the header, the limits, where it came from. */
typedef struct read_ctx {
    nrrd_header h;
    qib_limits lim;
    const char *path;      /* header path for detached data, or NULL */
    const char *name;      /* for messages */
    const uint8_t *buf;    /* the header file's bytes */
    size_t len;
} read_ctx;

/* Loads piece i: from the attached data, or from detached file i. */
static qib_status load_piece(read_ctx *rc, size_t i, size_t each, uint8_t **file_buf,
                             nrrd_piece *pc, qib_error *err) {
    if (rc->h.data_mode == NRRD_DATA_ATTACHED)
        return qib__nrrd_decode_piece(&rc->h, rc->buf, rc->len, rc->h.header_len, each,
                                      rc->name, pc, err);
    char *path = NULL;
    QIB_FORWARD(qib__nrrd_data_path(&rc->h, i, rc->path, &path, err));
    size_t flen = 0;
    uint64_t cap = qib__nrrd_file_cap(&rc->h, &rc->lim, each);
    qib_status st = qib__read_file(path, cap, file_buf, &flen, err);
    if (st == QIB_OK) st = qib__nrrd_decode_piece(&rc->h, *file_buf, flen, 0, each, path, pc, err);
    free(path);
    return st;
}

/* Decodes every piece into a new volume. The volume is allocated only once
 * the first piece has shown that its data are present. */
static qib_status read_voxels(read_ctx *rc, qib_volume **out, qib_error *err) {
    const nrrd_header *h = &rc->h;
    size_t total = 0, n_files = 0, each = 0, frames = 1;
    double step = 0.0;
    qib_grid g;
    QIB_FORWARD(check_sizes(h, &rc->lim, rc->name, &total, err));
    QIB_FORWARD(header_to_grid(h, rc->name, &g, &frames, &step, err));
    QIB_FORWARD(qib__nrrd_count_files(h, total, rc->name, &n_files, &each, err));
    if (h->data_mode == NRRD_DATA_FORMAT)
        QIB_FORWARD(qib__nrrd_check_format(h->data_file, rc->name, err));
    QIB_FAIL_IF(h->data_mode != NRRD_DATA_ATTACHED && !rc->path, err, QIB_ERR_UNSUPPORTED,
                rc->name, -1, "data file",
                "a detached header ('data file') can only be read from a path");
    qib_volume *v = NULL;
    qib_status st = QIB_OK;
    for (size_t i = 0; i < n_files && st == QIB_OK; i++) {
        uint8_t *file_buf = NULL;
        nrrd_piece pc = {NULL, NULL};
        st = load_piece(rc, i, each, &file_buf, &pc, err);
        if (st == QIB_OK && !v) st = qib_volume_create(&g, frames, h->dtype, &v, err);
        if (st == QIB_OK) memcpy((uint8_t *)qib_volume_data(v) + i * each, pc.data, each);
        free(pc.owned);
        free(file_buf);
    }
    if (st != QIB_OK) {
        qib_volume_free(v);
        return st;
    }
    qib__nrrd_to_host_order(h, v);
    qib_volume_set_frame_step(v, step);
    *out = v;
    return QIB_OK;
}

/* Fills the caller's info from the header. */
static void fill_info(const nrrd_header *h, qib_image_info *info) {
    if (!info) return;
    memset(info, 0, sizeof *info);
    info->format = QIB_FORMAT_NRRD;
    info->gzip = h->encoding == NRRD_ENC_GZIP;
    info->stored_dtype = h->dtype;
    info->scl_slope = 1.0;
    info->scl_inter = 0.0;
    snprintf(info->description, sizeof info->description, "%s", h->content);
}

/* Upper bound on a whole NRRD file (header + data): text data may take up
 * to 9 characters per byte of voxels. */
static uint64_t whole_file_cap(const qib_limits *lim) {
    uint64_t data;
    if (!qib__mul_u64(lim->max_bytes, 9, &data)) data = UINT64_MAX;
    return nrrd_add_sat(data, lim->max_header_bytes);
}

/* Parses, decodes and hands over the results (shared by both readers). A
 * file gzip-compressed as a whole (x.nrrd.gz) is decompressed first. */
static qib_status read_common(read_ctx *rc, qib_volume **out, qib_image_info *info,
                              qib_error *err) {
    uint8_t *plain = NULL;
    if (qib__is_gzip(rc->buf, rc->len)) {
        size_t n = 0;
        QIB_FORWARD(
            qib__gunzip(rc->buf, rc->len, rc->name, whole_file_cap(&rc->lim), &plain, &n, err));
        rc->buf = plain;
        rc->len = n;
    }
    qib_status st = qib__nrrd_header_parse(rc->buf, rc->len, rc->name,
                                           rc->lim.max_header_bytes, &rc->h, err);
    qib_volume *v = NULL;
    if (st == QIB_OK) st = read_voxels(rc, &v, err);
    if (st == QIB_OK) {
        fill_info(&rc->h, info);
        if (info && plain) info->gzip = 1;
        *out = v;
    }
    qib__nrrd_header_free(&rc->h);
    free(plain);
    return st;
}

qib_status qib_nrrd_read_mem(const void *buf, size_t len, const char *name,
                             const qib_limits *lim, qib_volume **out, qib_image_info *info,
                             qib_error *err) {
    QIB_FAIL_IF(!buf || !out, err, QIB_ERR_ARG, name, -1, NULL, "buffer and out are required");
    read_ctx rc;
    memset(&rc, 0, sizeof rc);
    limits_or_default(lim, &rc.lim);
    rc.name = name ? name : "";
    rc.buf = buf;
    rc.len = len;
    return read_common(&rc, out, info, err);
}

qib_status qib_nrrd_read(const char *path, const qib_limits *lim, qib_volume **out,
                         qib_image_info *info, qib_error *err) {
    QIB_FAIL_IF(!path || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "path and out are required");
    read_ctx rc;
    memset(&rc, 0, sizeof rc);
    limits_or_default(lim, &rc.lim);
    rc.name = path;
    rc.path = path;
    uint8_t *buf = NULL;
    QIB_FORWARD(qib__read_file(path, whole_file_cap(&rc.lim), &buf, &rc.len, err));
    rc.buf = buf;
    qib_status st = read_common(&rc, out, info, err);
    free(buf);
    return st;
}

/* ---- writing ---- */

/* Appends "(x,y,z)" with round-trip precision. */
static void put_vector(qib_buf *b, const double v[3]) {
    qib__buf_puts(b, "(");
    for (int r = 0; r < 3; r++) {
        if (r) qib__buf_puts(b, ",");
        qib__buf_printf(b, "%.17g", v[r] == 0.0 ? 0.0 : v[r]); /* no "-0" */
    }
    qib__buf_puts(b, ")");
}

/* Writes the header text for v as ITK and 3D Slicer do: NRRD0004, LPS
 * space, direction*spacing vectors, gzip; a series adds a 4th 'list' axis
 * with direction 'none' (a Slicer sequence layout). */
static void put_header(qib_buf *b, const qib_volume *v, const char *data_file) {
    const qib_grid *g = qib_volume_grid(v);
    size_t frames = qib_volume_frames(v);
    qib__buf_puts(b, "NRRD0004\n# Complete NRRD file format specification at:\n"
                     "# http://teem.sourceforge.net/nrrd/format.html\n");
    qib__buf_printf(b, "type: %s\ndimension: %d\nspace: left-posterior-superior\n",
                    qib__nrrd_type_name(qib_volume_dtype(v)), frames > 1 ? 4 : 3);
    qib__buf_printf(b, "sizes: %zu %zu %zu", g->dim[0], g->dim[1], g->dim[2]);
    if (frames > 1) qib__buf_printf(b, " %zu", frames);
    qib__buf_puts(b, "\nspace directions:");
    for (int a = 0; a < 3; a++) {
        double d[3];
        for (int r = 0; r < 3; r++) d[r] = g->direction[3 * r + a] * g->spacing[a];
        qib__buf_puts(b, " ");
        put_vector(b, d);
    }
    qib__buf_puts(b, frames > 1 ? " none\nkinds: domain domain domain list\n"
                                : "\nkinds: domain domain domain\n");
    double step = qib_volume_frame_step(v);
    if (frames > 1 && step > 0) qib__buf_printf(b, "spacings: nan nan nan %.17g\n", step);
    qib__buf_printf(b, "endian: %s\nencoding: gzip\nspace origin: ",
                    qib__host_is_little_endian() ? "little" : "big");
    put_vector(b, g->origin);
    qib__buf_puts(b, "\n");
    if (data_file) qib__buf_printf(b, "data file: %s\n", data_file);
    qib__buf_puts(b, "\n");
}

qib_status qib__nrrd_encode(const qib_volume *v, const char *data_file, uint8_t **out,
                            size_t *out_len, uint8_t **data_out, size_t *data_len,
                            qib_error *err) {
    uint8_t *gz = NULL;
    size_t gz_len = 0;
    QIB_FORWARD(qib__gzip(qib_volume_cdata(v), qib_volume_bytes(v), 6, &gz, &gz_len, err));
    qib_buf b;
    qib__buf_init(&b);
    put_header(&b, v, data_file);
    if (!data_file) qib__buf_append(&b, gz, gz_len);
    size_t n = b.len;
    char *text = qib__buf_take(&b);
    if (!text) {
        free(gz);
        return qib__nomem(err, NULL, "the NRRD file");
    }
    *out = (uint8_t *)text;
    *out_len = n;
    if (data_file) {
        *data_out = gz;
        *data_len = gz_len;
    } else {
        free(gz);
    }
    return QIB_OK;
}

/* Writes an attached .nrrd file (header + gzip data) atomically. */
static qib_status write_attached(const char *path, const qib_volume *v, qib_error *err) {
    uint8_t *buf = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__nrrd_encode(v, NULL, &buf, &len, NULL, NULL, err));
    qib_status st = qib__write_file(path, buf, len, err);
    free(buf);
    return st;
}

/* Writes a detached header at path (.nhdr) and its data to
 * <base>.raw.gz beside it; the data first, so a header never names a
 * missing file. */
static qib_status write_detached(const char *path, const qib_volume *v, qib_error *err) {
    size_t n = strlen(path) - strlen(".nhdr");
    char *data_path_s = malloc(n + sizeof ".raw.gz");
    if (!data_path_s) return qib__nomem(err, path, "a file name");
    memcpy(data_path_s, path, n);
    memcpy(data_path_s + n, ".raw.gz", sizeof ".raw.gz");
    const char *slash = strrchr(data_path_s, '/');
    const char *base = slash ? slash + 1 : data_path_s;
    uint8_t *hdr = NULL, *data = NULL;
    size_t hdr_len = 0, data_len = 0;
    qib_status st = QIB_OK;
    if (strpbrk(base, "\n\r") || base[0] == ' ' || base[0] == '#')
        st = qib__fail(err, QIB_ERR_ARG, path, -1, NULL,
                       "the data file name cannot be written in a NRRD header");
    if (st == QIB_OK) st = qib__nrrd_encode(v, base, &hdr, &hdr_len, &data, &data_len, err);
    if (st == QIB_OK) st = qib__write_file(data_path_s, data, data_len, err);
    if (st == QIB_OK) st = qib__write_file(path, hdr, hdr_len, err);
    free(hdr);
    free(data);
    free(data_path_s);
    return st;
}

qib_status qib_nrrd_write(const char *path, const qib_volume *v, qib_error *err) {
    QIB_FAIL_IF(!path || !v, err, QIB_ERR_ARG, path, -1, NULL, "path and volume are required");
    if (qib__ends_with(path, ".nhdr")) return write_detached(path, v, err);
    return write_attached(path, v, err);
}
