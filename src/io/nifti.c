/* SPDX-License-Identifier: Apache-2.0 */
/* nifti.c: NIfTI-1 and NIfTI-2 reading (.nii, .nii.gz, .hdr/.img) and writing.
 *
 * Reading follows one path for every input: get the header bytes (through
 * a gzip prefix when compressed), parse them in the byte order that
 * sizeof_hdr reveals, check every size against the file and qib_limits,
 * then decompress (libdeflate one-shot), allocate and copy the voxels.
 * Geometry is in nifti_geometry.c. Behaviour follows ITK 5.x NiftiImageIO
 * on top of nifti_clib, except where noted (NIfTI-2 is read here; ITK 5.4
 * cannot). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io_private.h"

#define NIFTI1_HDR 348
#define NIFTI2_HDR 540
#define NIFTI_INTENT_GENMATRIX 1004

typedef struct nifti_hdr {
    int version;    /* 1 or 2 */
    bool swap;      /* file byte order differs from the host's */
    bool two_file;  /* magic ni1/ni2: voxels in a separate .img file */
    size_t hdr_size;
    int64_t dim[8];
    double pixdim[8];
    int datatype, bitpix, intent_code, xyzt_units, qform_code, sform_code;
    double vox_offset, scl_slope, scl_inter;
    double quatern[3], qoffset[3], srow[3][4];
    char descrip[81];
} nifti_hdr;

/* What the header asks for, once checked. */
typedef struct nifti_plan {
    qib_dtype stored;
    size_t n[4];      /* nx, ny, nz, frames */
    size_t bytes;     /* voxel data bytes */
    uint64_t offset;  /* vox_offset */
    uint64_t need;    /* offset + bytes */
} nifti_plan;

/* Byte offsets of header fields, for messages. */
static int64_t off_dim(const nifti_hdr *h, int i) {
    return h->version == 1 ? 40 + 2 * i : 16 + 8 * i;
}
static int64_t off_datatype(const nifti_hdr *h) { return h->version == 1 ? 70 : 12; }
static int64_t off_bitpix(const nifti_hdr *h) { return h->version == 1 ? 72 : 14; }
static int64_t off_vox_offset(const nifti_hdr *h) { return h->version == 1 ? 108 : 168; }

/* ---- data types ---- */
static const struct {
    int code;
    qib_dtype dtype; /* 0: not read by qib */
    const char *name;
} nifti_types[] = {
    {2, QIB_DT_U8, "UINT8"},      {4, QIB_DT_I16, "INT16"},       {8, QIB_DT_I32, "INT32"},
    {16, QIB_DT_F32, "FLOAT32"},  {64, QIB_DT_F64, "FLOAT64"},    {256, QIB_DT_I8, "INT8"},
    {512, QIB_DT_U16, "UINT16"},  {768, QIB_DT_U32, "UINT32"},    {1024, QIB_DT_I64, "INT64"},
    {1280, QIB_DT_U64, "UINT64"}, {1, 0, "BINARY"},               {32, 0, "COMPLEX64"},
    {128, 0, "RGB24"},            {1536, 0, "FLOAT128"},          {1792, 0, "COMPLEX128"},
    {2048, 0, "COMPLEX256"},      {2304, 0, "RGBA32"},
};
#define N_TYPES (sizeof nifti_types / sizeof nifti_types[0])

static qib_status datatype_to_dtype(const nifti_hdr *h, const char *name, qib_dtype *out,
                                    qib_error *err) {
    for (size_t i = 0; i < N_TYPES; i++) {
        if (nifti_types[i].code != h->datatype) continue;
        QIB_FAIL_IF(nifti_types[i].dtype == 0, err, QIB_ERR_UNSUPPORTED, name, off_datatype(h),
                    "datatype",
                    "datatype %d (%s) is not supported; qib reads scalar integer and "
                    "float32/float64 voxels",
                    h->datatype, nifti_types[i].name);
        size_t bits = 8 * qib_dtype_size(nifti_types[i].dtype);
        QIB_FAIL_IF(h->bitpix != (int)bits, err, QIB_ERR_FORMAT, name, off_bitpix(h), "bitpix",
                    "bitpix is %d but datatype %d (%s) has %zu bits per voxel", h->bitpix,
                    h->datatype, nifti_types[i].name, bits);
        *out = nifti_types[i].dtype;
        return QIB_OK;
    }
    return qib__fail(err, QIB_ERR_FORMAT, name, off_datatype(h), "datatype",
                     "datatype %d is not a NIfTI datatype code", h->datatype);
}

static int dtype_to_datatype(qib_dtype t) {
    for (size_t i = 0; i < N_TYPES; i++)
        if (nifti_types[i].dtype == t && t != 0) return nifti_types[i].code;
    return 0;
}

/* ---- header parsing ---- */
static void read_text(qib_cursor *c, char *dst, size_t n) {
    qib__cursor_read(c, dst, n);
    dst[n] = '\0';
}

static void parse_v1(qib_cursor *c, nifti_hdr *h) {
    char magic[5], aux[25], intent_name[17];
    qib__cursor_skip(c, 4 + 10 + 18 + 4 + 2 + 1 + 1); /* to dim[] at 40 */
    for (int i = 0; i < 8; i++) h->dim[i] = (int16_t)qib__cursor_u16(c);
    qib__cursor_skip(c, 12); /* intent_p1..3 */
    h->intent_code = (int16_t)qib__cursor_u16(c);
    h->datatype = (int16_t)qib__cursor_u16(c);
    h->bitpix = (int16_t)qib__cursor_u16(c);
    qib__cursor_skip(c, 2); /* slice_start */
    for (int i = 0; i < 8; i++) h->pixdim[i] = qib__cursor_f32(c);
    h->vox_offset = qib__cursor_f32(c);
    h->scl_slope = qib__cursor_f32(c);
    h->scl_inter = qib__cursor_f32(c);
    qib__cursor_skip(c, 3); /* slice_end, slice_code */
    h->xyzt_units = qib__cursor_u8(c);
    qib__cursor_skip(c, 16 + 8); /* cal_max .. toffset, glmax, glmin */
    read_text(c, h->descrip, 80);
    read_text(c, aux, 24);
    h->qform_code = (int16_t)qib__cursor_u16(c);
    h->sform_code = (int16_t)qib__cursor_u16(c);
    for (int i = 0; i < 3; i++) h->quatern[i] = qib__cursor_f32(c);
    for (int i = 0; i < 3; i++) h->qoffset[i] = qib__cursor_f32(c);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 4; k++) h->srow[r][k] = qib__cursor_f32(c);
    read_text(c, intent_name, 16);
    read_text(c, magic, 4);
    h->two_file = memcmp(magic, "ni1", 4) == 0;
}

static void parse_v2(qib_cursor *c, nifti_hdr *h) {
    char aux[25];
    qib__cursor_skip(c, 4 + 8); /* sizeof_hdr, magic */
    h->datatype = (int16_t)qib__cursor_u16(c);
    h->bitpix = (int16_t)qib__cursor_u16(c);
    for (int i = 0; i < 8; i++) h->dim[i] = (int64_t)qib__cursor_u64(c);
    qib__cursor_skip(c, 24); /* intent_p1..3 */
    for (int i = 0; i < 8; i++) h->pixdim[i] = qib__cursor_f64(c);
    h->vox_offset = (double)(int64_t)qib__cursor_u64(c);
    h->scl_slope = qib__cursor_f64(c);
    h->scl_inter = qib__cursor_f64(c);
    qib__cursor_skip(c, 32 + 16); /* cal_max .. toffset, slice_start, slice_end */
    read_text(c, h->descrip, 80);
    read_text(c, aux, 24);
    h->qform_code = (int32_t)qib__cursor_u32(c);
    h->sform_code = (int32_t)qib__cursor_u32(c);
    for (int i = 0; i < 3; i++) h->quatern[i] = qib__cursor_f64(c);
    for (int i = 0; i < 3; i++) h->qoffset[i] = qib__cursor_f64(c);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 4; k++) h->srow[r][k] = qib__cursor_f64(c);
    qib__cursor_skip(c, 4); /* slice_code */
    h->xyzt_units = (int32_t)qib__cursor_u32(c);
    h->intent_code = (int32_t)qib__cursor_u32(c);
}

/* Parses the header at the start of buf (len bytes available, after any
 * decompression). The byte order comes from sizeof_hdr. */
static qib_status parse_header(const uint8_t *buf, size_t len, const char *name, bool gz,
                               nifti_hdr *h, qib_error *err) {
    const char *after = gz ? " after gzip decompression" : "";
    QIB_FAIL_IF(len < 4, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "sizeof_hdr",
                "file has %zu bytes%s; a NIfTI header needs at least 348", len, after);
    memset(h, 0, sizeof *h);
    uint32_t le = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
                  (uint32_t)buf[3] << 24;
    uint32_t be = __builtin_bswap32(le);
    bool file_le;
    if (le == NIFTI1_HDR || le == NIFTI2_HDR) {
        file_le = true;
        h->hdr_size = le;
    } else if (be == NIFTI1_HDR || be == NIFTI2_HDR) {
        file_le = false;
        h->hdr_size = be;
    } else {
        return qib__fail(err, QIB_ERR_FORMAT, name, 0, "sizeof_hdr",
                         "sizeof_hdr is %u (0x%08x); NIfTI-1 has 348 and NIfTI-2 540, in "
                         "either byte order",
                         le, le);
    }
    h->version = h->hdr_size == NIFTI1_HDR ? 1 : 2;
    QIB_FAIL_IF(len < h->hdr_size, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "header",
                "NIfTI-%d header needs %zu bytes, file has %zu%s", h->version, h->hdr_size, len,
                after);
    const uint8_t *magic = h->version == 1 ? buf + 344 : buf + 4;
    char want1 = h->version == 1 ? '1' : '2';
    bool single = magic[0] == 'n' && magic[1] == '+' && magic[2] == want1 && magic[3] == 0;
    bool pair = magic[0] == 'n' && magic[1] == 'i' && magic[2] == want1 && magic[3] == 0;
    QIB_FAIL_IF(!single && !pair, err, QIB_ERR_UNSUPPORTED, name, h->version == 1 ? 344 : 4,
                "magic",
                "magic is \"%.3s\" (bytes %02x %02x %02x %02x), not \"n+%c\" or \"ni%c\": "
                "an Analyze 7.5 file or not NIfTI",
                (const char *)magic, magic[0], magic[1], magic[2], magic[3], want1, want1);
    qib_cursor c;
    qib__cursor_init(&c, buf, h->hdr_size);
    c.swap = file_le != qib__host_is_little_endian();
    h->swap = c.swap;
    if (h->version == 1)
        parse_v1(&c, h);
    else
        parse_v2(&c, h);
    QIB_FAIL_IF(c.overrun, err, QIB_ERR_TRUNCATED, name, (int64_t)c.pos, "header",
                "header ends early"); /* cannot happen: length checked above */
    return QIB_OK;
}

/* Checks dims, type, limits and vox_offset; fills the plan. */
static qib_status plan_read(const nifti_hdr *h, const qib_limits *lim, const char *name,
                            nifti_plan *p, qib_error *err) {
    int64_t nd = h->dim[0];
    QIB_FAIL_IF(nd < 1 || nd > 7, err, QIB_ERR_FORMAT, name, off_dim(h, 0), "dim[0]",
                "dim[0] is %lld; it must be 1..7", (long long)nd);
    char field[16];
    for (int i = 1; i <= nd; i++) {
        snprintf(field, sizeof field, "dim[%d]", i);
        QIB_FAIL_IF(h->dim[i] < 1, err, QIB_ERR_FORMAT, name, off_dim(h, i), field,
                    "%s is %lld; every dimension up to dim[0]=%lld must be at least 1", field,
                    (long long)h->dim[i], (long long)nd);
    }
    for (int i = 5; i <= nd; i++) {
        snprintf(field, sizeof field, "dim[%d]", i);
        QIB_FAIL_IF(h->dim[i] > 1, err, QIB_ERR_UNSUPPORTED, name, off_dim(h, i), field,
                    "%s is %lld; qib reads 3D and 4D images (dim[5..7] must be 1)", field,
                    (long long)h->dim[i]);
    }
    QIB_FAIL_IF(h->intent_code == NIFTI_INTENT_GENMATRIX, err, QIB_ERR_UNSUPPORTED, name,
                h->version == 1 ? 68 : 504, "intent_code",
                "intent_code 1004 (GENMATRIX) is not supported (ITK refuses it too)");
    QIB_FORWARD(datatype_to_dtype(h, name, &p->stored, err));

    uint64_t voxels = 1;
    for (int i = 1; i <= 4; i++) {
        uint64_t n = i <= nd ? (uint64_t)h->dim[i] : 1;
        snprintf(field, sizeof field, "dim[%d]", i);
        QIB_FAIL_IF(n > lim->max_dim || n > SIZE_MAX, err, QIB_ERR_LIMIT, name, off_dim(h, i),
                    field, "%s is %llu, more than the limit of %llu voxels per axis", field,
                    (unsigned long long)n, (unsigned long long)lim->max_dim);
        p->n[i - 1] = (size_t)n;
        QIB_FAIL_IF(!qib__mul_u64(voxels, n, &voxels) || voxels > lim->max_voxels, err,
                    QIB_ERR_LIMIT, name, off_dim(h, 1), "dim",
                    "%lld x %lld x %lld x %lld voxels exceed the limit of %llu voxels",
                    (long long)h->dim[1], (long long)(nd >= 2 ? h->dim[2] : 1),
                    (long long)(nd >= 3 ? h->dim[3] : 1), (long long)(nd >= 4 ? h->dim[4] : 1),
                    (unsigned long long)lim->max_voxels);
    }
    uint64_t bytes;
    QIB_FAIL_IF(!qib__mul_u64(voxels, qib_dtype_size(p->stored), &bytes) ||
                    bytes > lim->max_bytes || bytes > SIZE_MAX,
                err, QIB_ERR_LIMIT, name, off_dim(h, 1), "dim",
                "%llu voxels of %s need more than the limit of %llu bytes",
                (unsigned long long)voxels, qib_dtype_name(p->stored),
                (unsigned long long)lim->max_bytes);
    p->bytes = (size_t)bytes;

    /* nifti_clib would silently move a small vox_offset up to 348; a header
     * that says so is damaged, so qib refuses it. */
    double vo = h->vox_offset;
    uint64_t min_off = h->two_file ? 0 : h->hdr_size;
    uint64_t max_off = h->hdr_size + 4 + lim->max_header_bytes;
    QIB_FAIL_IF(!isfinite(vo) || vo != floor(vo) || vo < (double)min_off ||
                    vo > (double)max_off,
                err, QIB_ERR_FORMAT, name, off_vox_offset(h), "vox_offset",
                "vox_offset is %g; it must be a whole number from %llu to %llu (header plus "
                "extensions)",
                vo, (unsigned long long)min_off, (unsigned long long)max_off);
    p->offset = (uint64_t)vo;
    p->need = p->offset + p->bytes; /* both bounded: no overflow */
    return QIB_OK;
}

/* ---- voxels ---- */
static bool must_rescale(double slope, double inter) {
    return fabs(slope) > 2.220446049250313e-16 &&
           (fabs(slope - 1.0) > 2.220446049250313e-16 || fabs(inter) > 2.220446049250313e-16);
}

/* Output type under scaling (io.h): float32 for small integers and
 * float32 data, float64 for 32/64-bit integers and float64. ITK promotes
 * every integer type to float32; qib keeps 32/64-bit integers exact. */
static qib_dtype scaled_dtype(qib_dtype t) {
    switch (t) {
    case QIB_DT_U8: case QIB_DT_I8: case QIB_DT_U16: case QIB_DT_I16: case QIB_DT_F32:
        return QIB_DT_F32;
    default:
        return QIB_DT_F64;
    }
}

#define SCALE_LOOP(T, OUT)                                                                  \
    do {                                                                                    \
        OUT *o = dst;                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            T v;                                                                            \
            memcpy(&v, src + i * sizeof(T), sizeof(T));                                     \
            if (swap) qib__byteswap(&v, 1, sizeof(T));                                      \
            o[i] = (OUT)((double)v * slope + inter);                                        \
        }                                                                                   \
    } while (0)

static void scale_voxels(const uint8_t *src, qib_dtype t, bool swap, size_t n, double slope,
                         double inter, void *dst, qib_dtype out) {
    if (out == QIB_DT_F32) {
        switch (t) {
        case QIB_DT_U8: SCALE_LOOP(uint8_t, float); break;
        case QIB_DT_I8: SCALE_LOOP(int8_t, float); break;
        case QIB_DT_U16: SCALE_LOOP(uint16_t, float); break;
        case QIB_DT_I16: SCALE_LOOP(int16_t, float); break;
        default: SCALE_LOOP(float, float); break;
        }
    } else {
        switch (t) {
        case QIB_DT_U32: SCALE_LOOP(uint32_t, double); break;
        case QIB_DT_I32: SCALE_LOOP(int32_t, double); break;
        case QIB_DT_U64: SCALE_LOOP(uint64_t, double); break;
        case QIB_DT_I64: SCALE_LOOP(int64_t, double); break;
        default: SCALE_LOOP(double, double); break;
        }
    }
}

/* Builds the volume from the data file bytes (data, len), which hold the
 * voxels at p->offset. When `steal` points at the malloc'ed buffer that is
 * `data` and no scaling is needed, the volume takes that buffer over (voxels
 * moved to its start, the rest released) instead of copying it: a 100 MB
 * volume then loads in the time of its inflate, and peaks at one copy. */
static qib_status load_voxels(const nifti_hdr *h, const nifti_plan *p, const uint8_t *data,
                              size_t len, const char *name, bool gz, uint8_t **steal,
                              qib_volume **out, qib_image_info *info, qib_error *err) {
    QIB_FAIL_IF(len < p->need, err, QIB_ERR_TRUNCATED, name, (int64_t)len, "vox_offset",
                "data need %zu bytes from offset %llu, file has %zu%s", p->bytes,
                (unsigned long long)p->offset, len, gz ? " after gzip decompression" : "");
    int nd = (int)h->dim[0];
    qib__nifti_xform x;
    memset(&x, 0, sizeof x);
    x.version = h->version;
    x.dims = nd > 3 ? 3 : nd;
    for (int i = 0; i < 4; i++) { /* nifti_clib: bad grid spacings become 1 */
        double v = h->pixdim[i];
        if (i >= 1 && i <= nd && (v == 0 || !isfinite(v))) v = 1.0;
        x.pixdim[i] = v;
    }
    switch (h->xyzt_units & 7) {
    case 1: x.spacing_scale = 1e3; break;  /* metre */
    case 3: x.spacing_scale = 1e-3; break; /* micron */
    default: x.spacing_scale = 1.0; break; /* mm or unknown */
    }
    x.qform_code = h->qform_code;
    x.sform_code = h->sform_code;
    memcpy(x.quatern, h->quatern, sizeof x.quatern);
    memcpy(x.qoffset, h->qoffset, sizeof x.qoffset);
    memcpy(x.srow, h->srow, sizeof x.srow);

    qib_grid g;
    qib_grid_init(&g, p->n[0], p->n[1], p->n[2]);
    int used_sform = 0;
    QIB_FORWARD(qib__nifti_geometry(&x, name, &g, &used_sform, err));

    /* nifti_clib turns a non-finite scl_slope/scl_inter into 0; ITK then
     * reads slope 0 as 1 (no scaling). */
    double slope = isfinite(h->scl_slope) ? h->scl_slope : 0.0;
    double inter = isfinite(h->scl_inter) ? h->scl_inter : 0.0;
    if (fabs(slope) < 2.220446049250313e-16) slope = 1.0;
    bool scale = must_rescale(slope, inter);
    qib_dtype t = scale ? scaled_dtype(p->stored) : p->stored;

    qib_volume *v = NULL;
    size_t n = p->bytes / qib_dtype_size(p->stored);
    qib_status st;
    if (!scale && steal && *steal == data && p->bytes > 0) {
        uint8_t *buf = *steal;
        memmove(buf, buf + p->offset, p->bytes);
        uint8_t *shrunk = realloc(buf, p->bytes);
        if (shrunk) buf = shrunk;
        *steal = buf; /* moved: the caller frees it unless the volume takes it */
        if (h->swap) qib__byteswap(buf, n, qib_dtype_size(t));
        st = qib__volume_adopt(&g, p->n[3], t, buf, &v, err);
        if (st == QIB_OK) *steal = NULL;
    } else {
        st = qib_volume_create(&g, p->n[3], t, &v, err);
        if (st == QIB_OK && scale)
            scale_voxels(data + p->offset, p->stored, h->swap, n, slope, inter,
                         qib_volume_data(v), t);
        else if (st == QIB_OK) {
            memcpy(qib_volume_data(v), data + p->offset, p->bytes);
            if (h->swap) qib__byteswap(qib_volume_data(v), n, qib_dtype_size(t));
        }
    }
    if (st != QIB_OK) {
        qib__error_set_file(err, name);
        return st;
    }
    /* 4D: pixdim[4] is the frame step. ITK's time-unit scaling never takes
     * effect (it reads the time bits from nifti_clib's xyz_units, where they
     * are already masked off), so the step is pixdim[4] as stored. */
    if (p->n[3] > 1) {
        double step = h->pixdim[4];
        if (step == 0 || !isfinite(step)) step = 1.0;
        qib_volume_set_frame_step(v, fabs(step));
    }
    if (info) {
        memset(info, 0, sizeof *info);
        info->format = h->version == 1 ? QIB_FORMAT_NIFTI1 : QIB_FORMAT_NIFTI2;
        info->gzip = gz;
        info->stored_dtype = p->stored;
        info->scl_slope = scale ? slope : 1.0;
        info->scl_inter = scale ? inter : 0.0;
        info->qform_code = h->qform_code;
        info->sform_code = h->sform_code;
        info->used_sform = used_sform;
        snprintf(info->description, sizeof info->description, "%s", h->descrip);
    }
    *out = v;
    return QIB_OK;
}

/* ---- reading ---- */
static qib_limits limits_or_default(const qib_limits *lim) {
    qib_limits l;
    if (lim) return *lim;
    qib_limits_default(&l);
    return l;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* Makes the first `need` bytes of a data file available: the buffer itself,
 * or its gzip decompression (*owned, to free). A little slack beyond need is
 * allowed for trailing bytes. */
static qib_status expand(const uint8_t *buf, size_t len, const char *name, uint64_t need,
                         const qib_limits *lim, const uint8_t **data, size_t *dlen,
                         uint8_t **owned, qib_error *err) {
    *owned = NULL;
    if (!qib__is_gzip(buf, len)) {
        *data = buf;
        *dlen = len;
        return QIB_OK;
    }
    uint8_t *dec = NULL;
    size_t declen = 0;
    QIB_FORWARD(qib__gunzip(buf, len, name, sat_add(need, lim->max_header_bytes), &dec, &declen,
                            err));
    *owned = dec;
    *data = dec;
    *dlen = declen;
    return QIB_OK;
}

/* Reads the header of a (possibly gzip-compressed) buffer. */
static qib_status read_header(const uint8_t *buf, size_t len, const char *name, nifti_hdr *h,
                              bool *gz, qib_error *err) {
    *gz = qib__is_gzip(buf, len);
    if (!*gz) return parse_header(buf, len, name, false, h, err);
    uint8_t head[NIFTI2_HDR];
    size_t got = 0;
    QIB_FORWARD(qib__gunzip_prefix(buf, len, name, head, sizeof head, &got, err));
    return parse_header(head, got, name, true, h, err);
}

/* The companion .img of a .hdr (keeping .gz), or NULL. */
static char *image_file_name(const char *path, bool gz) {
    size_t n = strlen(path);
    const char *suffix = qib__ends_with(path, ".hdr.gz") ? ".hdr.gz"
                         : qib__ends_with(path, ".hdr") ? ".hdr" : NULL;
    if (!suffix) return NULL;
    size_t stem = n - strlen(suffix);
    char *s = malloc(stem + 8);
    if (!s) return NULL;
    memcpy(s, path, stem);
    strcpy(s + stem, gz ? ".img.gz" : ".img");
    return s;
}

static uint64_t file_cap(const qib_limits *l) {
    return sat_add(sat_add(l->max_bytes, l->max_bytes / 64), sat_add(l->max_header_bytes, 65536));
}

static qib_status read_pair_data(const nifti_hdr *h, const nifti_plan *p, const char *path,
                                 const qib_limits *l, qib_volume **out, qib_image_info *info,
                                 qib_error *err) {
    qib_status st = QIB_ERR_NOT_FOUND;
    uint8_t *buf = NULL;
    size_t len = 0;
    char *img = NULL;
    for (int gz = 0; gz < 2 && st == QIB_ERR_NOT_FOUND; gz++) {
        free(img);
        img = image_file_name(path, qib__ends_with(path, ".gz") ? !gz : gz);
        if (!img)
            return qib__fail(err, QIB_ERR_UNSUPPORTED, path, h->version == 1 ? 344 : 4, "magic",
                             "two-file NIfTI (magic ni%d): name the .hdr file to read it",
                             h->version);
        st = qib__read_file(img, file_cap(l), &buf, &len, err);
    }
    if (st == QIB_OK) {
        const uint8_t *data;
        size_t dlen;
        uint8_t *owned;
        st = expand(buf, len, img, p->need, l, &data, &dlen, &owned, err);
        if (st == QIB_OK)
            st = load_voxels(h, p, data, dlen, img, owned != NULL, NULL, out, info, err);
        free(owned);
    }
    free(buf);
    free(img);
    return st;
}

/* file_owned: the caller's malloc'ed copy of buf, which the volume may take
 * over (set to NULL then); NULL when buf is not ours to take. */
static qib_status read_impl(const uint8_t *buf, size_t len, const char *name, const char *path,
                            const qib_limits *lim, qib_volume **out, qib_image_info *info,
                            uint8_t **file_owned, qib_error *err) {
    qib_limits l = limits_or_default(lim);
    nifti_hdr h;
    nifti_plan p;
    bool gz;
    QIB_FORWARD(read_header(buf, len, name, &h, &gz, err));
    QIB_FORWARD(plan_read(&h, &l, name, &p, err));
    if (h.two_file) {
        QIB_FAIL_IF(!path, err, QIB_ERR_UNSUPPORTED, name, h.version == 1 ? 344 : 4, "magic",
                    "two-file NIfTI (magic ni%d) keeps its voxels in a .img file; read it "
                    "with qib_nifti_read",
                    h.version);
        return read_pair_data(&h, &p, path, &l, out, info, err);
    }
    const uint8_t *data;
    size_t dlen;
    uint8_t *owned;
    QIB_FORWARD(expand(buf, len, name, p.need, &l, &data, &dlen, &owned, err));
    qib_status st =
        load_voxels(&h, &p, data, dlen, name, gz, owned ? &owned : file_owned, out, info, err);
    free(owned);
    return st;
}

qib_status qib_nifti_read_mem(const void *buf, size_t len, const char *name,
                              const qib_limits *lim, qib_volume **out, qib_image_info *info,
                              qib_error *err) {
    if (!name) name = "(memory)";
    QIB_FAIL_IF(!buf && len > 0, err, QIB_ERR_ARG, name, -1, NULL, "buffer is NULL");
    QIB_FAIL_IF(!out, err, QIB_ERR_ARG, name, -1, NULL, "output pointer is NULL");
    return read_impl(buf, len, name, NULL, lim, out, info, NULL, err);
}

qib_status qib_nifti_read(const char *path, const qib_limits *lim, qib_volume **out,
                          qib_image_info *info, qib_error *err) {
    QIB_FAIL_IF(!path || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "path or output is NULL");
    qib_limits l = limits_or_default(lim);
    uint8_t *buf = NULL;
    size_t len = 0;
    QIB_FORWARD(qib__read_file(path, file_cap(&l), &buf, &len, err));
    qib_status st = read_impl(buf, len, path, path, &l, out, info, &buf, err);
    free(buf);
    return st;
}

/* ---- writing ---- */
static void put16(uint8_t *b, size_t off, int v) {
    b[off] = (uint8_t)(v & 0xff);
    b[off + 1] = (uint8_t)((unsigned)v >> 8 & 0xff);
}
static void put32(uint8_t *b, size_t off, uint32_t v) {
    for (int i = 0; i < 4; i++) b[off + i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *b, size_t off, uint64_t v) {
    for (int i = 0; i < 8; i++) b[off + i] = (uint8_t)(v >> (8 * i));
}
static void putf32(uint8_t *b, size_t off, double v) {
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, 4);
    put32(b, off, u);
}
static void putf64(uint8_t *b, size_t off, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    put64(b, off, u);
}

typedef struct write_fields {
    int datatype, bitpix, ndim;
    size_t n[4];
    double pixdim[8], quatern[3], qoffset[3], srow[3][4];
    char descrip[80];
} write_fields;

/* Header as ITK writes it: qform_code = sform_code = 1 (SCANNER_ANAT),
 * xyzt_units mm + s, scl 1/0, data right after 4 zero extension bytes. */
static void fill_v1(uint8_t *b, const write_fields *f) {
    put32(b, 0, NIFTI1_HDR);
    put16(b, 40, f->ndim);
    for (int i = 1; i <= 7; i++) put16(b, 40 + 2 * (size_t)i, i <= 4 ? (int)f->n[i - 1] : 1);
    put16(b, 70, f->datatype);
    put16(b, 72, f->bitpix);
    for (int i = 0; i < 8; i++) putf32(b, 76 + 4 * (size_t)i, f->pixdim[i]);
    putf32(b, 108, 352);
    putf32(b, 112, 1.0);
    b[123] = 2 | 8; /* NIFTI_UNITS_MM | NIFTI_UNITS_SEC */
    memcpy(b + 148, f->descrip, 80);
    put16(b, 252, NIFTI_XFORM_SCANNER_ANAT);
    put16(b, 254, NIFTI_XFORM_SCANNER_ANAT);
    for (int i = 0; i < 3; i++) putf32(b, 256 + 4 * (size_t)i, f->quatern[i]);
    for (int i = 0; i < 3; i++) putf32(b, 268 + 4 * (size_t)i, f->qoffset[i]);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 4; k++) putf32(b, 280 + 16 * (size_t)r + 4 * (size_t)k, f->srow[r][k]);
    memcpy(b + 344, "n+1", 4);
}

static void fill_v2(uint8_t *b, const write_fields *f) {
    put32(b, 0, NIFTI2_HDR);
    memcpy(b + 4, "n+2\0\r\n\032\n", 8);
    put16(b, 12, f->datatype);
    put16(b, 14, f->bitpix);
    put64(b, 16, (uint64_t)f->ndim);
    for (int i = 1; i <= 7; i++) put64(b, 16 + 8 * (size_t)i, i <= 4 ? (uint64_t)f->n[i - 1] : 1);
    for (int i = 0; i < 8; i++) putf64(b, 104 + 8 * (size_t)i, f->pixdim[i]);
    put64(b, 168, 544);
    putf64(b, 176, 1.0);
    memcpy(b + 240, f->descrip, 80);
    put32(b, 344, NIFTI_XFORM_SCANNER_ANAT);
    put32(b, 348, NIFTI_XFORM_SCANNER_ANAT);
    for (int i = 0; i < 3; i++) putf64(b, 352 + 8 * (size_t)i, f->quatern[i]);
    for (int i = 0; i < 3; i++) putf64(b, 376 + 8 * (size_t)i, f->qoffset[i]);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 4; k++) putf64(b, 400 + 32 * (size_t)r + 8 * (size_t)k, f->srow[r][k]);
    put32(b, 500, 2 | 8);
}

qib_status qib_nifti_write(const char *path, const qib_volume *v, int version, qib_error *err) {
    QIB_FAIL_IF(!path || !v, err, QIB_ERR_ARG, path, -1, NULL, "path or volume is NULL");
    QIB_FAIL_IF(version != 1 && version != 2, err, QIB_ERR_ARG, path, -1, "version",
                "NIfTI version %d; it must be 1 or 2", version);
    const qib_grid *g = qib_volume_grid(v);
    write_fields f;
    memset(&f, 0, sizeof f);
    qib_dtype t = qib_volume_dtype(v);
    f.datatype = dtype_to_datatype(t);
    QIB_FAIL_IF(f.datatype == 0, err, QIB_ERR_ARG, path, -1, "dtype", "invalid voxel type %d",
                (int)t);
    f.bitpix = (int)(8 * qib_dtype_size(t));
    for (int i = 0; i < 3; i++) f.n[i] = g->dim[i];
    f.n[3] = qib_volume_frames(v);
    f.ndim = f.n[3] > 1 ? 4 : 3;
    static const char *const dnames[4] = {"dim[1]", "dim[2]", "dim[3]", "dim[4]"};
    for (int i = 0; i < 4; i++)
        QIB_FAIL_IF(version == 1 && f.n[i] > 32767, err, QIB_ERR_ARG, path, -1, dnames[i],
                    "%s is %zu; NIfTI-1 stores dimensions as int16 (at most 32767): write "
                    "NIfTI-2",
                    dnames[i], f.n[i]);
    double qfac = 1.0;
    qib_status st = qib__nifti_from_grid(g, f.quatern, f.qoffset, &qfac, f.srow, err);
    if (st != QIB_OK) {
        qib__error_set_file(err, path);
        return st;
    }
    f.pixdim[0] = qfac;
    for (int i = 0; i < 3; i++) f.pixdim[i + 1] = g->spacing[i];
    double step = qib_volume_frame_step(v);
    f.pixdim[4] = step > 0 ? step : 1.0;
    for (int i = 5; i < 8; i++) f.pixdim[i] = 1.0;
    snprintf(f.descrip, sizeof f.descrip, "qib %s", qib_version_string());

    size_t hdr = version == 1 ? NIFTI1_HDR : NIFTI2_HDR, bytes = qib_volume_bytes(v);
    QIB_FAIL_IF(bytes > SIZE_MAX - hdr - 4, err, QIB_ERR_LIMIT, path, -1, NULL,
                "volume too large");
    size_t total = hdr + 4 + bytes;
    uint8_t *buf = calloc(total, 1);
    if (!buf) return qib__nomem(err, path, "the NIfTI file image");
    if (version == 1)
        fill_v1(buf, &f);
    else
        fill_v2(buf, &f);
    memcpy(buf + hdr + 4, qib_volume_cdata(v), bytes);
    if (!qib__host_is_little_endian() && qib_dtype_size(t) > 1)
        qib__byteswap(buf + hdr + 4, bytes / qib_dtype_size(t), qib_dtype_size(t));

    if (qib__ends_with(path, ".gz")) {
        uint8_t *z = NULL;
        size_t zlen = 0;
        st = qib__gzip(buf, total, 6, &z, &zlen, err);
        free(buf);
        if (st != QIB_OK) {
            qib__error_set_file(err, path);
            return st;
        }
        buf = z;
        total = zlen;
    }
    st = qib__write_file(path, buf, total, err);
    free(buf);
    return st;
}
