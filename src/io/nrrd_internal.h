/* SPDX-License-Identifier: Apache-2.0 */
/* nrrd_internal.h: the parsed NRRD header, shared by nrrd_header.c (text ->
 * struct) and nrrd.c (struct -> volume, and writing). Not installed. */
#ifndef QIB_NRRD_INTERNAL_H
#define QIB_NRRD_INTERNAL_H

#include "../common/qib_internal.h"

/* qib reads dimension 2..4; the spec allows up to 16. */
#define NRRD_MAX_DIM 4
/* Space dimension 4 is (x, y, z, time). */
#define NRRD_MAX_SPACE_DIM 4

typedef enum nrrd_encoding {
    NRRD_ENC_RAW = 1,
    NRRD_ENC_GZIP = 2,
    NRRD_ENC_ASCII = 3
} nrrd_encoding;

typedef enum nrrd_endian {
    NRRD_ENDIAN_UNKNOWN = 0,
    NRRD_ENDIAN_LITTLE,
    NRRD_ENDIAN_BIG
} nrrd_endian;

/* The named spaces of spec section 4 ("space:"); NRRD_SPACE_NONE when only
 * "space dimension" (or neither) was given. */
typedef enum nrrd_space {
    NRRD_SPACE_NONE = 0,
    NRRD_SPACE_RAS, NRRD_SPACE_LAS, NRRD_SPACE_LPS,
    NRRD_SPACE_RAST, NRRD_SPACE_LAST, NRRD_SPACE_LPST,
    NRRD_SPACE_SCANNER, NRRD_SPACE_SCANNER_TIME,
    NRRD_SPACE_3D_RIGHT, NRRD_SPACE_3D_LEFT,
    NRRD_SPACE_3D_RIGHT_TIME, NRRD_SPACE_3D_LEFT_TIME
} nrrd_space;

/* How the data are stored (spec section 3, "data file"). */
typedef enum nrrd_data_mode {
    NRRD_DATA_ATTACHED = 0, /* after the blank line ending the header */
    NRRD_DATA_SINGLE,       /* data file: <name> */
    NRRD_DATA_FORMAT,       /* data file: <fmt> <min> <max> <step> [<subdim>] */
    NRRD_DATA_LIST          /* data file: LIST [<subdim>], names on the next lines */
} nrrd_data_mode;

/* The per-axis "kinds" qib cares about: whether an axis is a domain axis
 * (a place you can resample at) or a range axis (components of a value). */
typedef enum nrrd_kind_class {
    NRRD_KIND_UNSET = 0,  /* no kinds field, or "???"/"none" */
    NRRD_KIND_DOMAIN,     /* domain, space, time */
    NRRD_KIND_RANGE       /* list, vector, 3-color, tensors, ... */
} nrrd_kind_class;

typedef struct nrrd_header {
    int version;                 /* X of the NRRD000X magic, 1..5 */
    qib_dtype dtype;
    size_t type_size;
    int dim;                     /* 2..4 */
    uint64_t sizes[NRRD_MAX_DIM];
    nrrd_encoding encoding;
    nrrd_endian endian;
    nrrd_space space;
    int space_dim;               /* 0 when no space, else 2..4 */
    bool has_origin;
    double origin[NRRD_MAX_SPACE_DIM];
    bool has_dirs;
    bool dir_none[NRRD_MAX_DIM]; /* "none" for this axis */
    double dirs[NRRD_MAX_DIM][NRRD_MAX_SPACE_DIM];
    bool has_spacings;
    double spacings[NRRD_MAX_DIM]; /* NaN where not given */
    bool has_kinds;
    nrrd_kind_class kinds[NRRD_MAX_DIM];
    char kind_names[NRRD_MAX_DIM][64];
    int64_t line_skip;           /* >= 0 */
    int64_t byte_skip;           /* >= -1 */
    char content[96];            /* the "content" field, truncated */

    nrrd_data_mode data_mode;
    char *data_file;             /* SINGLE: the name; FORMAT: the format (malloc'ed) */
    long fmt_min, fmt_max, fmt_step;
    int subdim;                  /* FORMAT/LIST: axes held by one file */
    char **list;                 /* LIST: the names (malloc'ed) */
    size_t n_list;

    size_t header_len;           /* bytes up to and including the blank line */
} nrrd_header;

/* Parses the header at the start of buf (spec sections 1, 4, 5, 6).
 * Reads at most max_header bytes of text. name is used in messages. On
 * success h is filled (free it with nrrd_header_free); on failure it is
 * left empty. */
qib_status qib__nrrd_header_parse(const uint8_t *buf, size_t len, const char *name,
                                  uint64_t max_header, nrrd_header *h, qib_error *err);
void qib__nrrd_header_free(nrrd_header *h);

/* ---- voxel data (nrrd_data.c) ---- */

/* Adds with saturation at UINT64_MAX. */
static inline uint64_t nrrd_add_sat(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* One piece of decoded voxel bytes: a view into a file, or owned. */
typedef struct nrrd_piece {
    const uint8_t *data;
    uint8_t *owned; /* free() it when not NULL */
} nrrd_piece;

/* Decodes `need` voxel bytes of one data source (the attached data from
 * pos, or one detached file from 0) after line skip and byte skip. */
qib_status qib__nrrd_decode_piece(const nrrd_header *h, const uint8_t *buf, size_t len,
                                  size_t pos, size_t need, const char *name, nrrd_piece *out,
                                  qib_error *err);
/* Swaps the volume's voxels from the file's byte order to the host's. */
void qib__nrrd_to_host_order(const nrrd_header *h, qib_volume *v);
/* How many data files the header names and the bytes each holds (total
 * bytes split over the axes above `subdim`); FORMAT when they disagree. */
qib_status qib__nrrd_count_files(const nrrd_header *h, size_t total, const char *name,
                                 size_t *n_files, size_t *each, qib_error *err);
/* Checks a "data file" printf format: one integer conversion. */
qib_status qib__nrrd_check_format(const char *fmt, const char *name, qib_error *err);
/* Path of data file i, relative to the header's folder (malloc'ed). */
qib_status qib__nrrd_data_path(const nrrd_header *h, size_t i, const char *hdr_path, char **out,
                               qib_error *err);
/* Upper bound on the bytes of one data file holding `each` voxel bytes. */
uint64_t qib__nrrd_file_cap(const nrrd_header *h, const qib_limits *lim, size_t each);

/* The name the spec gives a type ("short", "float", ...). */
const char *qib__nrrd_type_name(qib_dtype t);

/* Encodes v as NRRD text + gzip data. data_file NULL: attached (one
 * buffer in *out); else the header names data_file and the gzip data go to
 * *data_out. Buffers are malloc'ed; the caller frees them. */
qib_status qib__nrrd_encode(const qib_volume *v, const char *data_file, uint8_t **out,
                            size_t *out_len, uint8_t **data_out, size_t *data_len,
                            qib_error *err);

#endif
