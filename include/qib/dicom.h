/* SPDX-License-Identifier: Apache-2.0 */
/* qib/dicom.h: reading DICOM Part 10 files (PS3.10) and their pixel data.
 *
 * A file is read once and parsed into a tree of elements held in memory;
 * values point into the file's bytes (nothing is copied), pixel data are
 * decoded only when asked for. Every file is untrusted: lengths are checked
 * against the bytes left, nesting, element counts and decoded sizes are
 * capped (qib_dicom_options), and every error names the file, the byte
 * offset and the tag, e.g. "x.dcm: (0028,0010) at byte 812: ...".
 *
 * Tags are written QIB_TAG(0x0028, 0x0010). Data sets (the file's top level
 * and every sequence item) are qib_dicom_item handles owned by the
 * qib_dicom; they stay valid until qib_dicom_free. */
#ifndef QIB_DICOM_H
#define QIB_DICOM_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QIB_TAG(group, element) ((uint32_t)(((uint32_t)(group) << 16) | (uint16_t)(element)))
#define QIB_TAG_GROUP(tag) ((uint16_t)((tag) >> 16))
#define QIB_TAG_ELEMENT(tag) ((uint16_t)(tag))

typedef struct qib_dicom qib_dicom;
typedef struct qib_dicom_item qib_dicom_item;

/* Caps and switches for reading one file. */
typedef struct qib_dicom_options {
    uint64_t max_file_bytes;     /* size of the file (default 4 GiB) */
    uint64_t max_inflated_bytes; /* deflated transfer syntax: inflated size (default 1 GiB) */
    uint64_t max_elements;       /* elements in all data sets (default 1<<22) */
    uint32_t max_depth;          /* sequence nesting (default 16) */
    uint64_t max_pixel_bytes;    /* bytes of one decoded frame (default 4 GiB) */
    int header_only;             /* stop at the top-level pixel data element: its value
                                    is neither checked nor kept (default 0) */
} qib_dicom_options;

/* Fills o with the defaults above. */
QIB_API void qib_dicom_options_default(qib_dicom_options *o);

/* Reads and parses a DICOM file: 128-byte preamble + "DICM" or none, File
 * Meta (group 0002) or none (the encoding is then sniffed from the first
 * element), transfer syntaxes implicit VR LE, explicit VR LE/BE and
 * deflated explicit VR LE; any other (compressed) syntax is parsed as
 * explicit VR LE with encapsulated pixel data. opt NULL means defaults.
 * On success *out owns the file's bytes. Fails with QIB_ERR_TRUNCATED when a
 * value or item ends past the end of the file, QIB_ERR_FORMAT for broken
 * structure, QIB_ERR_LIMIT above a cap in opt. */
QIB_API qib_status qib_dicom_open(const char *path, const qib_dicom_options *opt,
                                  qib_dicom **out, qib_error *err);

/* Same from a buffer in memory. The buffer is NOT copied: it must stay
 * valid and unchanged until qib_dicom_free. name is used in messages only
 * (NULL: "<memory>"). */
QIB_API qib_status qib_dicom_open_mem(const void *buf, size_t len, const char *name,
                                      const qib_dicom_options *opt, qib_dicom **out,
                                      qib_error *err);

/* Frees a parsed file and every item of it; NULL is accepted. */
QIB_API void qib_dicom_free(qib_dicom *d);

/* How the file was encoded. */
typedef struct qib_dicom_encoding {
    int has_preamble;   /* 128 bytes + "DICM" */
    int has_file_meta;  /* group 0002 present */
    int explicit_vr, big_endian, deflated;
    int pixels_skipped; /* header_only stopped at the pixel data */
    int vr_mismatch;    /* the transfer syntax says explicit VR but the data set is
                           implicit VR: it was read as implicit (explicit_vr is 0) */
    /* Transfer Syntax UID from the File Meta ("" if none) and the one used
     * to read the data set (sniffed when the File Meta has none). */
    const char *transfer_syntax;
    const char *effective_transfer_syntax;
} qib_dicom_encoding;

QIB_API void qib_dicom_get_encoding(const qib_dicom *d, qib_dicom_encoding *out);

/* The top-level data set (File Meta elements included, in tag order). */
QIB_API const qib_dicom_item *qib_dicom_root(const qib_dicom *d);

/* One element as parsed. */
typedef struct qib_dicom_element {
    uint32_t tag;
    char vr[3];            /* as in the file, or from the dictionary for implicit VR ("UN" if unknown) */
    uint32_t length;       /* length field as written; 0xFFFFFFFF = undefined */
    int64_t offset;        /* byte offset of the tag (for deflated files: in the inflated data set) */
    const uint8_t *value;  /* raw value bytes in the file's byte order; NULL for an
                              empty value, a sequence or encapsulated pixel data */
    size_t value_len;
    size_t items;          /* SQ (or UN parsed as a sequence): number of items;
                              encapsulated pixel data: fragments, offset table included */
    int is_sequence, encapsulated, big_endian;
} qib_dicom_element;

/* Elements of a data set, in file order. element_at returns 0 (and leaves
 * out alone) when i is out of range. */
QIB_API size_t qib_dicom_item_size(const qib_dicom_item *it);
QIB_API int qib_dicom_element_at(const qib_dicom_item *it, size_t i, qib_dicom_element *out);
/* Finds a tag in this data set (not in nested items); 1 if found. out may be NULL. */
QIB_API int qib_dicom_find(const qib_dicom_item *it, uint32_t tag, qib_dicom_element *out);
/* Item `index` of the sequence `tag` of this data set; NULL if the tag is
 * absent, not a sequence or has fewer items. */
QIB_API const qib_dicom_item *qib_dicom_item_of(const qib_dicom_item *it, uint32_t tag,
                                                size_t index);
/* Same for the element at position i (for walking the tree). */
QIB_API const qib_dicom_item *qib_dicom_item_at(const qib_dicom_item *it, size_t i,
                                                size_t index);
/* Byte offset of the item's first element (-1 for the top level). */
QIB_API int64_t qib_dicom_item_offset(const qib_dicom_item *it);
/* The item's length field: 0xFFFFFFFF when it ends with an Item
 * Delimitation Item (0 for the top level). */
QIB_API uint32_t qib_dicom_item_length(const qib_dicom_item *it);

/* Number of values (value multiplicity) of tag in it: text values count
 * their backslash-separated parts, binary values count value_len / size.
 * 0 when absent or empty. */
QIB_API size_t qib_dicom_vm(const qib_dicom_item *it, uint32_t tag);

/* Value `index` (0-based) of tag as UTF-8 text into buf (n bytes, always
 * NUL-terminated, cut at n-1 bytes on a character boundary). index < 0
 * gives the whole value (all parts joined by '\'). Text is converted from
 * the Specific Character Set (0008,0005) in force for the item; padding
 * spaces/NULs are trimmed; binary values are printed as numbers.
 * QIB_ERR_NOT_FOUND when the tag is absent, QIB_ERR_ARG when index >= VM. */
QIB_API qib_status qib_dicom_get_string(const qib_dicom_item *it, uint32_t tag, int index,
                                        char *buf, size_t n, qib_error *err);

/* Value `index` of a number: DS/IS text (must be a whole number, e.g. "1A"
 * is refused with QIB_ERR_FORMAT) or binary US SS UL SL UV SV FL FD.
 * QIB_ERR_NOT_FOUND when absent, QIB_ERR_ARG when index >= VM. */
QIB_API qib_status qib_dicom_get_double(const qib_dicom_item *it, uint32_t tag, size_t index,
                                        double *out, qib_error *err);
/* Same, as an integer; a DS or float that is not integral is refused. */
QIB_API qib_status qib_dicom_get_int(const qib_dicom_item *it, uint32_t tag, size_t index,
                                     int64_t *out, qib_error *err);

/* Keyword of a tag from qib's dictionary subset ("Rows"), or NULL. */
QIB_API const char *qib_dicom_keyword(uint32_t tag);

/* ---- pixel data ---- */

/* What the top-level Image Pixel module describes, after checks. */
typedef struct qib_dicom_pixels {
    uint32_t rows, columns, frames;
    uint16_t samples_per_pixel, bits_allocated, bits_stored, high_bit;
    uint16_t pixel_representation, planar_configuration;
    char photometric[17];
    uint32_t pixel_tag;  /* (7FE0,0010), (7FE0,0008) float or (7FE0,0009) double */
    int encapsulated;    /* compressed transfer syntax */
    qib_dtype dtype;     /* type of the decoded samples (uint8 for 1-bit data) */
    size_t frame_bytes;  /* bytes of one decoded frame */
} qib_dicom_pixels;

/* Describes the pixel data. Fails with QIB_ERR_NOT_FOUND when the file has
 * none, QIB_ERR_FORMAT when Rows/Columns/Bits Allocated... are missing or
 * invalid (e.g. Number of Frames "1A") or the native value is shorter than
 * the frames need, QIB_ERR_LIMIT above max_pixel_bytes. */
QIB_API qib_status qib_dicom_get_pixels(const qib_dicom *d, qib_dicom_pixels *out,
                                        qib_error *err);

/* Decodes frame `frame` (0-based) into out (out_len >= frame_bytes): samples
 * of the dtype above in host byte order, colour interleaved (R,G,B...), one
 * byte 0/1 per pixel for 1-bit data. Integer samples are reduced to their
 * Bits Stored bits (bits above High Bit dropped) and sign-extended when
 * Pixel Representation is 1. YBR_FULL_422 native data are expanded to one
 * Y,Cb,Cr triple per pixel. No rescale, LUT, palette or colour conversion is
 * applied. Compressed frames go to the codec of the transfer syntax
 * (QIB_ERR_UNSUPPORTED when qib has none, e.g. HTJ2K). */
QIB_API qib_status qib_dicom_decode_frame(const qib_dicom *d, uint32_t frame, void *out,
                                          size_t out_len, qib_error *err);

/* SHA-256 (64 lower-case hex digits + NUL into hex) of all frames decoded
 * as above and stored little-endian, frame by frame: the pixel_sha256 of
 * the qib DICOM test corpus. min/max (may be NULL) get the smallest and
 * largest sample. */
QIB_API qib_status qib_dicom_pixel_sha256(const qib_dicom *d, char hex[65], double *min,
                                          double *max, qib_error *err);


/* ---- series to volume ---- */

/* What a folder scan found about one series (Series Instance UID). Text is
 * UTF-8, "" when absent. */
typedef struct qib_dicom_series_info {
    char series_uid[65], study_uid[65];
    char patient_name[96], patient_id[65], study_date[17], modality[17];
    char description[96];
    size_t files;        /* files of the series */
    size_t slices;       /* images: files, or frames of an enhanced multi-frame file */
    uint32_t rows, columns;
    double spacing[3];   /* as the volume would get it (column, row, slice); 0 if unknown */
    char first_file[512];
} qib_dicom_series_info;

/* Options of a series load; qib_dicom_series_options_default fills them. */
typedef struct qib_dicom_series_options {
    int recursive;          /* also read sub-folders (default 0) */
    const char *series_uid; /* the series to load; NULL: the folder must hold one */
    int allow_irregular;    /* uneven spacing, missing slices or gantry tilt become
                               warnings instead of errors (default 0) */
    double tolerance;       /* mm: slice gaps may differ this much (default 0.01 mm or 1%) */
    qib_dicom_options file; /* caps for each file */
} qib_dicom_series_options;

QIB_API void qib_dicom_series_options_default(qib_dicom_series_options *o);

/* Warnings of a scan or load, for the caller to show (the library never
 * prints). Only the first QIB_DICOM_MAX_WARNINGS are kept; count has all. */
#define QIB_DICOM_MAX_WARNINGS 16
typedef struct qib_dicom_warnings {
    size_t count;
    char text[QIB_DICOM_MAX_WARNINGS][256];
} qib_dicom_warnings;

/* Lists the series of a folder (non-recursive unless opt->recursive): every
 * readable DICOM file with pixel data is grouped by Series Instance UID; the
 * others are skipped with a warning (warn may be NULL). *out is an array of
 * *count entries, sorted by study date, then description; free it with
 * free(). Files are parsed with header_only. */
QIB_API qib_status qib_dicom_scan_dir(const char *dir, const qib_dicom_series_options *opt,
                                      qib_dicom_series_info **out, size_t *count,
                                      qib_dicom_warnings *warn, qib_error *err);

/* Builds a volume from a series: path is a folder (the series opt->series_uid,
 * or its only series) or one file (e.g. an enhanced multi-frame image).
 * Slices (files or frames, with the Per-frame Functional Groups Plane
 * Position, Plane Orientation and Pixel Value Transformation) are sorted
 * along the normal of Image Orientation (Patient); Rescale Slope/Intercept
 * is applied per slice (float32 when any is not integral, else int16, or
 * int32 when the values need it). Geometry (LPS): origin = Image Position
 * of the first slice; direction columns = row cosine, column cosine,
 * normal; spacing = Pixel Spacing[1], Pixel Spacing[0], slice distance.
 * Fails (QIB_ERR_FORMAT) on mixed orientation or size, duplicate positions,
 * and, unless opt->allow_irregular, on missing slices, uneven spacing or
 * gantry tilt; QIB_ERR_UNSUPPORTED for colour images. */
QIB_API qib_status qib_dicom_load_series(const char *path, const qib_dicom_series_options *opt,
                                         qib_volume **out, qib_dicom_warnings *warn,
                                         qib_error *err);

/* ---- RT Structure Sets and Segmentations as masks ---- */

/* What an image series is, for checking the references of an RTSTRUCT or a
 * SEG: its Frame of Reference and Series Instance UIDs and, per slice k of
 * its grid, the SOP Instance UID ("" when unknown). */
typedef struct qib_dicom_reference {
    char frame_of_reference_uid[65];
    char series_uid[65];
    size_t slices;        /* entries of sop_uids (the grid's dim[2]) */
    char (*sop_uids)[65]; /* sop_uids[k]: the image at slice k */
} qib_dicom_reference;

/* Builds the reference of the series that qib_dicom_load_series(path, opt)
 * loads onto grid: files are read header-only and each image is put on the
 * slice whose k is nearest its Image Position (Patient). Frees with
 * qib_dicom_reference_free (NULL accepted). */
QIB_API qib_status qib_dicom_series_reference(const char *path, const qib_dicom_series_options *opt,
                                              const qib_grid *grid, qib_dicom_reference **out,
                                              qib_error *err);
QIB_API void qib_dicom_reference_free(qib_dicom_reference *r);

/* SOP Class UIDs of the objects below. */
#define QIB_SOP_RTSTRUCT "1.2.840.10008.5.1.4.1.1.481.3"
#define QIB_SOP_SEG "1.2.840.10008.5.1.4.1.1.66.4"
#define QIB_SOP_LABELMAP_SEG "1.2.840.10008.5.1.4.1.1.66.7"

/* One ROI of an RT Structure Set (PS3.3 C.8.8.5/C.8.8.6): Structure Set
 * ROI Sequence (3006,0020) joined with ROI Contour Sequence (3006,0039). */
typedef struct qib_rtstruct_roi {
    int64_t number;        /* ROI Number (3006,0022) */
    char name[128];        /* ROI Name (3006,0026), UTF-8 */
    size_t contours;       /* items of its Contour Sequence (0 if no ROI Contour item) */
    size_t points;         /* sum of Number of Contour Points (3006,0046) */
    size_t closed_planar;  /* contours of type CLOSED_PLANAR: the ones rasterised */
    char types[64];        /* distinct Contour Geometric Types, in order, ',' joined */
    int data_len_matches;  /* every Contour Data has 3 x Number of Contour Points values */
    char frame_of_reference_uid[65]; /* Referenced Frame of Reference UID (3006,0024) */
} qib_rtstruct_roi;

/* Lists the ROIs of an RTSTRUCT in Structure Set ROI Sequence order. *out
 * (free() it) has *count entries. QIB_ERR_FORMAT when d is not an RT
 * Structure Set or an ROI has no number. */
QIB_API qib_status qib_rtstruct_rois(const qib_dicom *d, qib_rtstruct_roi **out, size_t *count,
                                     qib_error *err);

typedef struct qib_rtstruct_options {
    /* A contour belongs to the slice whose k is nearest the mean k of its
     * points, when it is within slice_tolerance x the slice spacing
     * (default 0.25); otherwise it lies between slices: an error. */
    double slice_tolerance;
    /* 0 (default): a voxel is inside when its centre is inside. In (0,1]:
     * when at least this fraction of its in-plane area is inside, estimated
     * with 16 x 16 sample points per voxel (0.5: the "50% coverage" rule). */
    double coverage;
    /* The image series (qib_dicom_series_reference), or NULL: when given,
     * the Frame of Reference, series and per-contour SOP Instance UIDs are
     * compared with it and each mismatch becomes a warning. */
    const qib_dicom_reference *reference;
} qib_rtstruct_options;

QIB_API void qib_rtstruct_options_default(qib_rtstruct_options *o);

/* Rasterises one ROI of an RTSTRUCT onto grid (the image's grid). roi is
 * the ROI Name (exact match) or, failing that, its ROI Number in decimal;
 * NULL picks the only ROI. Only CLOSED_PLANAR contours are drawn (POINT and
 * OPEN_PLANAR ones are skipped). Each contour's points go to continuous
 * voxel indices (qib_grid_world_to_index); the contour must lie in one
 * slice plane (see slice_tolerance). All contours of a slice are filled
 * together with the even-odd rule, so a contour inside another is a hole.
 * Boundary convention (centre rule): a voxel centre exactly on an edge is
 * inside on the low-index side of the polygon and outside on the
 * high-index side (half-open, like the top-left rule of graphics
 * rasterisers): the square with corners at voxel centres 2 and 5 covers
 * voxels 2, 3, 4 along each axis. Coordinates within 1e-6 voxel of a
 * whole number are snapped to it first, so that decimal text in Contour
 * Data does not decide the boundary.
 * Fails with QIB_ERR_EMPTY_ROI when the ROI does not exist (the reason lists
 * the ROIs) or has no CLOSED_PLANAR contour, QIB_ERR_FORMAT for a contour off
 * the grid, between slices or not planar (the contour is named by ROI and
 * item number). warn (may be NULL) gets reference mismatches. */
QIB_API qib_status qib_rtstruct_to_mask(const qib_dicom *d, const char *roi, const qib_grid *grid,
                                        const qib_rtstruct_options *opt, qib_mask **out,
                                        qib_dicom_warnings *warn, qib_error *err);

/* One segment of a Segmentation (PS3.3 C.8.20.2). */
typedef struct qib_seg_segment {
    int64_t number;          /* Segment Number (0062,0004) */
    char label[128];         /* Segment Label (0062,0005) */
    char algorithm_type[17]; /* Segment Algorithm Type (0062,0008) */
    size_t frames;           /* frames that reference it (0 for a label map) */
} qib_seg_segment;

typedef struct qib_seg_info {
    int labelmap;            /* SOP class 1.2.840.10008.5.1.4.1.1.66.7 */
    char type[17];           /* Segmentation Type (0062,0001): BINARY, FRACTIONAL, LABELMAP */
    uint32_t rows, columns, frames;
    double max_fractional;   /* Maximum Fractional Value (0062,000E), 0 if absent */
} qib_seg_info;

/* Describes a SEG and lists its segments (*out: free() it). QIB_ERR_FORMAT
 * when d is not a SEG. */
QIB_API qib_status qib_seg_segments(const qib_dicom *d, qib_seg_info *info, qib_seg_segment **out,
                                    size_t *count, qib_error *err);

typedef struct qib_seg_options {
    double threshold; /* FRACTIONAL: inside when value >= threshold x Maximum
                         Fractional Value (default 0.5) */
    const qib_dicom_reference *reference; /* as in qib_rtstruct_options */
} qib_seg_options;

QIB_API void qib_seg_options_default(qib_seg_options *o);

/* Places segment `segment` on grid: each frame of that segment (binary,
 * 1-bit frames included, or fractional), or every frame of a label map
 * (voxels equal to the segment number), goes to the slice given by its
 * Plane Position (Patient) (per-frame functional groups), else by the
 * Referenced SOP Instance UID of its Derivation Image Sequence matched
 * against opt->reference. The frame's Plane Orientation (per-frame or
 * shared) must equal the grid's row and column directions. Frames of other
 * segments are skipped. QIB_ERR_FORMAT when a frame is not on the grid
 * (the frame is named), QIB_ERR_EMPTY_ROI when the segment does not exist. */
QIB_API qib_status qib_seg_to_mask(const qib_dicom *d, int64_t segment, const qib_grid *grid,
                                   const qib_seg_options *opt, qib_mask **out,
                                   qib_dicom_warnings *warn, qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
