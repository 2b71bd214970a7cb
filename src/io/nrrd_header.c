/* SPDX-License-Identifier: Apache-2.0 */
/* nrrd_header.c: parses the text header of a NRRD file into a nrrd_header.
 *
 * Rules follow the NRRD format definition (teem.sourceforge.net/nrrd/
 * format.html, "NRRD0001".."NRRD0005"), section numbers below refer to it.
 * The header is untrusted: each field is checked by one rule with one
 * message that names the line; nothing here allocates in proportion to
 * sizes read from the file. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nrrd_internal.h"

/* Where a message points: the file, the line (1-based) and its offset. */
typedef struct line_ctx {
    const char *name;
    size_t lineno;
    int64_t offset;
    const char *field;
} line_ctx;

/* Fails with "line N: <message>" located at the current line and field. */
static qib_status fail_line(qib_error *err, qib_status st, const line_ctx *lc, const char *fmt,
                            ...) QIB_PRINTF(4, 5);
static qib_status fail_line(qib_error *err, qib_status st, const line_ctx *lc, const char *fmt,
                            ...) {
    char msg[QIB_ERROR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qib__fail(err, st, lc->name, lc->offset, lc->field, "line %zu: %s", lc->lineno, msg);
}

/* ---- small text helpers ---- */

/* Skips blanks (space, tab) and returns the new position. */
static const char *skip_blanks(const char *p) {
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* Copies the next blank-separated token of *p into tok (cap bytes) and
 * advances *p. Returns the token length, 0 at the end of the text, or
 * cap when the token does not fit. */
static size_t next_token(const char **p, char *tok, size_t cap) {
    const char *s = skip_blanks(*p);
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\t') n++;
    *p = s + n;
    if (n >= cap) return cap;
    memcpy(tok, s, n);
    tok[n] = '\0';
    return n;
}

/* Parses a whole token as a decimal integer in [lo, hi]; false otherwise.
 * Only an optional sign and digits are allowed (no spaces, no hex). */
static bool parse_int(const char *tok, int64_t lo, int64_t hi, int64_t *out) {
    const char *s = tok;
    if (*s == '+' || *s == '-') s++;
    if (!isdigit((unsigned char)*s)) return false;
    for (const char *q = s; *q; q++)
        if (!isdigit((unsigned char)*q)) return false;
    errno = 0;
    char *end;
    long long v = strtoll(tok, &end, 10);
    if (errno == ERANGE || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* Parses a whole token as a double (spec section 2: what printf("%g")
 * writes, plus "nan"/"inf" spellings, which strtod accepts). */
static bool parse_double(const char *tok, double *out) {
    if (!*tok) return false;
    char *end;
    double v = strtod(tok, &end);
    if (*end) return false;
    *out = v;
    return true;
}

/* Case-insensitive lookup of s in a table of {name, value} pairs. */
typedef struct name_value {
    const char *name;
    int value;
} name_value;

static bool lookup(const name_value *t, size_t n, const char *s, int *out) {
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(t[i].name, s) == 0) {
            *out = t[i].value;
            return true;
        }
    return false;
}
#define LOOKUP(table, s, out) lookup(table, sizeof table / sizeof table[0], s, out)

/* ---- the field table (section 5 and 6, with teem's accepted spellings) ---- */

typedef enum field_id {
    F_CONTENT, F_NUMBER, F_TYPE, F_BLOCK_SIZE, F_DIMENSION, F_SPACE, F_SPACE_DIMENSION,
    F_SIZES, F_SPACINGS, F_THICKNESSES, F_AXIS_MINS, F_AXIS_MAXS, F_CENTERS, F_KINDS,
    F_LABELS, F_UNITS, F_MIN, F_MAX, F_OLD_MIN, F_OLD_MAX, F_ENDIAN, F_ENCODING,
    F_LINE_SKIP, F_BYTE_SKIP, F_SAMPLE_UNITS, F_SPACE_UNITS, F_SPACE_ORIGIN,
    F_SPACE_DIRECTIONS, F_MEASUREMENT_FRAME, F_DATA_FILE, F_COUNT
} field_id;

static const name_value field_names[] = {
    {"content", F_CONTENT}, {"number", F_NUMBER}, {"type", F_TYPE},
    {"block size", F_BLOCK_SIZE}, {"blocksize", F_BLOCK_SIZE}, {"dimension", F_DIMENSION},
    {"space", F_SPACE}, {"space dimension", F_SPACE_DIMENSION}, {"sizes", F_SIZES},
    {"spacings", F_SPACINGS}, {"thicknesses", F_THICKNESSES}, {"axis mins", F_AXIS_MINS},
    {"axismins", F_AXIS_MINS}, {"axis maxs", F_AXIS_MAXS}, {"axismaxs", F_AXIS_MAXS},
    {"centers", F_CENTERS}, {"centerings", F_CENTERS}, {"kinds", F_KINDS},
    {"labels", F_LABELS}, {"units", F_UNITS}, {"min", F_MIN}, {"max", F_MAX},
    {"old min", F_OLD_MIN}, {"oldmin", F_OLD_MIN}, {"old max", F_OLD_MAX},
    {"oldmax", F_OLD_MAX}, {"endian", F_ENDIAN}, {"encoding", F_ENCODING},
    {"line skip", F_LINE_SKIP}, {"lineskip", F_LINE_SKIP}, {"byte skip", F_BYTE_SKIP},
    {"byteskip", F_BYTE_SKIP}, {"sample units", F_SAMPLE_UNITS},
    {"sampleunits", F_SAMPLE_UNITS}, {"space units", F_SPACE_UNITS},
    {"space origin", F_SPACE_ORIGIN}, {"space directions", F_SPACE_DIRECTIONS},
    {"measurement frame", F_MEASUREMENT_FRAME}, {"data file", F_DATA_FILE},
    {"datafile", F_DATA_FILE},
};

/* Section 5 "type": every spelling teem accepts. "block" is legal NRRD but
 * has no voxel meaning (-1 marks it). Plain "char" is not a NRRD type. */
static const name_value type_names[] = {
    {"signed char", QIB_DT_I8}, {"int8", QIB_DT_I8}, {"int8_t", QIB_DT_I8},
    {"uchar", QIB_DT_U8}, {"unsigned char", QIB_DT_U8}, {"uint8", QIB_DT_U8},
    {"uint8_t", QIB_DT_U8}, {"short", QIB_DT_I16}, {"short int", QIB_DT_I16},
    {"signed short", QIB_DT_I16}, {"signed short int", QIB_DT_I16}, {"int16", QIB_DT_I16},
    {"int16_t", QIB_DT_I16}, {"ushort", QIB_DT_U16}, {"unsigned short", QIB_DT_U16},
    {"unsigned short int", QIB_DT_U16}, {"uint16", QIB_DT_U16}, {"uint16_t", QIB_DT_U16},
    {"int", QIB_DT_I32}, {"signed int", QIB_DT_I32}, {"int32", QIB_DT_I32},
    {"int32_t", QIB_DT_I32}, {"uint", QIB_DT_U32}, {"unsigned int", QIB_DT_U32},
    {"uint32", QIB_DT_U32}, {"uint32_t", QIB_DT_U32}, {"longlong", QIB_DT_I64},
    {"long long", QIB_DT_I64}, {"long long int", QIB_DT_I64}, {"signed long long", QIB_DT_I64},
    {"signed long long int", QIB_DT_I64}, {"int64", QIB_DT_I64}, {"int64_t", QIB_DT_I64},
    {"ulonglong", QIB_DT_U64}, {"unsigned long long", QIB_DT_U64},
    {"unsigned long long int", QIB_DT_U64}, {"uint64", QIB_DT_U64}, {"uint64_t", QIB_DT_U64},
    {"float", QIB_DT_F32}, {"double", QIB_DT_F64}, {"block", -1},
};

/* Section 5 "encoding". bzip2 and hex are legal but not read (-1, -2). */
static const name_value encoding_names[] = {
    {"raw", NRRD_ENC_RAW}, {"gzip", NRRD_ENC_GZIP}, {"gz", NRRD_ENC_GZIP},
    {"ascii", NRRD_ENC_ASCII}, {"text", NRRD_ENC_ASCII}, {"txt", NRRD_ENC_ASCII},
    {"bzip2", -1}, {"bz2", -1}, {"hex", -2},
};

/* Section 4 "space": the named spaces and their abbreviations. */
static const name_value space_names[] = {
    {"right-anterior-superior", NRRD_SPACE_RAS}, {"RAS", NRRD_SPACE_RAS},
    {"left-anterior-superior", NRRD_SPACE_LAS}, {"LAS", NRRD_SPACE_LAS},
    {"left-posterior-superior", NRRD_SPACE_LPS}, {"LPS", NRRD_SPACE_LPS},
    {"right-anterior-superior-time", NRRD_SPACE_RAST}, {"RAST", NRRD_SPACE_RAST},
    {"left-anterior-superior-time", NRRD_SPACE_LAST}, {"LAST", NRRD_SPACE_LAST},
    {"left-posterior-superior-time", NRRD_SPACE_LPST}, {"LPST", NRRD_SPACE_LPST},
    {"scanner-xyz", NRRD_SPACE_SCANNER}, {"scanner-xyz-time", NRRD_SPACE_SCANNER_TIME},
    {"3D-right-handed", NRRD_SPACE_3D_RIGHT}, {"3D-left-handed", NRRD_SPACE_3D_LEFT},
    {"3D-right-handed-time", NRRD_SPACE_3D_RIGHT_TIME},
    {"3D-left-handed-time", NRRD_SPACE_3D_LEFT_TIME},
};

/* Section 6 "kinds": domain kinds, "unknown" kinds, and every range kind
 * teem knows (including the older "-tensor" spellings). */
static const name_value kind_names[] = {
    {"domain", NRRD_KIND_DOMAIN}, {"space", NRRD_KIND_DOMAIN}, {"time", NRRD_KIND_DOMAIN},
    {"???", NRRD_KIND_UNSET}, {"none", NRRD_KIND_UNSET}, {"list", NRRD_KIND_RANGE},
    {"point", NRRD_KIND_RANGE}, {"vector", NRRD_KIND_RANGE},
    {"covariant-vector", NRRD_KIND_RANGE}, {"normal", NRRD_KIND_RANGE},
    {"stub", NRRD_KIND_RANGE}, {"scalar", NRRD_KIND_RANGE}, {"complex", NRRD_KIND_RANGE},
    {"2-vector", NRRD_KIND_RANGE}, {"3-color", NRRD_KIND_RANGE},
    {"RGB-color", NRRD_KIND_RANGE}, {"HSV-color", NRRD_KIND_RANGE},
    {"XYZ-color", NRRD_KIND_RANGE}, {"4-color", NRRD_KIND_RANGE},
    {"RGBA-color", NRRD_KIND_RANGE}, {"3-vector", NRRD_KIND_RANGE},
    {"3-gradient", NRRD_KIND_RANGE}, {"3-normal", NRRD_KIND_RANGE},
    {"4-vector", NRRD_KIND_RANGE}, {"quaternion", NRRD_KIND_RANGE},
    {"2D-symmetric-matrix", NRRD_KIND_RANGE}, {"2D-masked-symmetric-matrix", NRRD_KIND_RANGE},
    {"2D-matrix", NRRD_KIND_RANGE}, {"2D-masked-matrix", NRRD_KIND_RANGE},
    {"3D-symmetric-matrix", NRRD_KIND_RANGE}, {"3D-masked-symmetric-matrix", NRRD_KIND_RANGE},
    {"3D-matrix", NRRD_KIND_RANGE}, {"3D-masked-matrix", NRRD_KIND_RANGE},
    {"2D-symmetric-tensor", NRRD_KIND_RANGE}, {"2D-masked-symmetric-tensor", NRRD_KIND_RANGE},
    {"2D-tensor", NRRD_KIND_RANGE}, {"2D-masked-tensor", NRRD_KIND_RANGE},
    {"3D-symmetric-tensor", NRRD_KIND_RANGE}, {"3D-masked-symmetric-tensor", NRRD_KIND_RANGE},
    {"3D-tensor", NRRD_KIND_RANGE}, {"3D-masked-tensor", NRRD_KIND_RANGE},
};

const char *qib__nrrd_type_name(qib_dtype t) {
    switch (t) {
    case QIB_DT_I8: return "signed char";
    case QIB_DT_U8: return "unsigned char";
    case QIB_DT_I16: return "short";
    case QIB_DT_U16: return "unsigned short";
    case QIB_DT_I32: return "int";
    case QIB_DT_U32: return "unsigned int";
    case QIB_DT_I64: return "long long int";
    case QIB_DT_U64: return "unsigned long long int";
    case QIB_DT_F32: return "float";
    case QIB_DT_F64: return "double";
    }
    return "invalid";
}

/* ---- field parsers: each checks one field's value (sections 4 to 6) ---- */

/* Parser state beyond the header struct itself. */
typedef struct parse_state {
    nrrd_header *h;
    bool seen[F_COUNT];
    bool list_open; /* "data file: LIST" seen: the lines after it are names */
} parse_state;

/* type: one of the spellings above; "block" is refused by name. */
static qib_status parse_type(nrrd_header *h, const char *v, const line_ctx *lc, qib_error *err) {
    int t;
    if (!LOOKUP(type_names, v, &t))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not a NRRD type", v);
    if (t < 0)
        return fail_line(err, QIB_ERR_UNSUPPORTED, lc,
                         "type 'block' (opaque blocks of bytes) has no voxel values");
    h->dtype = (qib_dtype)t;
    h->type_size = qib_dtype_size(h->dtype);
    return QIB_OK;
}

/* dimension: a positive integer (the spec allows up to 16); qib reads 2..4
 * (2 as a single slice, 4 as a series of 3D frames). */
static qib_status parse_dimension(nrrd_header *h, const char *v, const line_ctx *lc,
                                  qib_error *err) {
    int64_t d;
    if (!parse_int(v, 1, 16, &d))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not an integer from 1 to 16", v);
    if (d < 2 || d > NRRD_MAX_DIM)
        return fail_line(err, QIB_ERR_UNSUPPORTED, lc,
                         "dimension %lld; qib reads 2, 3 or 4 axes", (long long)d);
    h->dim = (int)d;
    return QIB_OK;
}

/* sizes: exactly `dimension` positive integers. */
static qib_status parse_sizes(nrrd_header *h, const char *v, const line_ctx *lc, qib_error *err) {
    char tok[64];
    int n = 0;
    size_t k;
    while ((k = next_token(&v, tok, sizeof tok)) != 0) {
        int64_t s;
        if (k == sizeof tok || !parse_int(tok, 1, INT64_MAX, &s))
            return fail_line(err, QIB_ERR_FORMAT, lc, "value %.40s is not a positive integer",
                             k == sizeof tok ? "(too long)" : tok);
        if (n == h->dim)
            return fail_line(err, QIB_ERR_FORMAT, lc, "more than %d values (dimension is %d)",
                             h->dim, h->dim);
        h->sizes[n++] = (uint64_t)s;
    }
    if (n != h->dim)
        return fail_line(err, QIB_ERR_FORMAT, lc, "%d values given, dimension is %d", n, h->dim);
    return QIB_OK;
}

/* encoding: raw, gzip/gz, ascii/text/txt; bzip2 and hex refused by name. */
static qib_status parse_encoding(nrrd_header *h, const char *v, const line_ctx *lc,
                                 qib_error *err) {
    int e;
    if (!LOOKUP(encoding_names, v, &e))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not a NRRD encoding", v);
    if (e == -1)
        return fail_line(err, QIB_ERR_UNSUPPORTED, lc,
                         "bzip2 encoding is not supported (use raw or gzip)");
    if (e == -2)
        return fail_line(err, QIB_ERR_UNSUPPORTED, lc,
                         "hex encoding is not supported (use raw or gzip)");
    h->encoding = (nrrd_encoding)e;
    return QIB_OK;
}

/* endian: little or big. */
static qib_status parse_endian(nrrd_header *h, const char *v, const line_ctx *lc, qib_error *err) {
    if (strcasecmp(v, "little") == 0)
        h->endian = NRRD_ENDIAN_LITTLE;
    else if (strcasecmp(v, "big") == 0)
        h->endian = NRRD_ENDIAN_BIG;
    else
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is neither 'little' nor 'big'", v);
    return QIB_OK;
}

/* space: a named space; it sets the space dimension (3, or 4 with time). */
static qib_status parse_space(nrrd_header *h, const char *v, const line_ctx *lc, qib_error *err) {
    int s;
    if (!LOOKUP(space_names, v, &s))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not a NRRD space", v);
    h->space = (nrrd_space)s;
    h->space_dim = (s == NRRD_SPACE_RAST || s == NRRD_SPACE_LAST || s == NRRD_SPACE_LPST ||
                    s == NRRD_SPACE_SCANNER_TIME || s == NRRD_SPACE_3D_RIGHT_TIME ||
                    s == NRRD_SPACE_3D_LEFT_TIME)
                       ? 4
                       : 3;
    return QIB_OK;
}

/* space dimension: a positive integer; qib handles 2, 3 and 4 (x,y,z,t). */
static qib_status parse_space_dimension(nrrd_header *h, const char *v, const line_ctx *lc,
                                        qib_error *err) {
    int64_t d;
    if (!parse_int(v, 1, 16, &d))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not an integer from 1 to 16", v);
    if (d < 2 || d > NRRD_MAX_SPACE_DIM)
        return fail_line(err, QIB_ERR_UNSUPPORTED, lc,
                         "space dimension %lld; qib reads 2, 3 or 4", (long long)d);
    h->space_dim = (int)d;
    return QIB_OK;
}

/* Parses one "(a,b,c)" vector of n finite numbers at *p (section 4:
 * whitespace is allowed around every part). Advances *p. */
static qib_status parse_vector(const char **p, int n, double *out, const line_ctx *lc,
                               qib_error *err) {
    const char *s = skip_blanks(*p);
    if (*s != '(') return fail_line(err, QIB_ERR_FORMAT, lc, "expected '(' to open a vector");
    s++;
    for (int i = 0; i < n; i++) {
        s = skip_blanks(s);
        char *end;
        double x = strtod(s, &end);
        if (end == s)
            return fail_line(err, QIB_ERR_FORMAT, lc, "vector component %d is not a number",
                             i + 1);
        if (!isfinite(x))
            return fail_line(err, QIB_ERR_FORMAT, lc, "vector component %d is not finite", i + 1);
        out[i] = x;
        s = skip_blanks(end);
        char want = i + 1 < n ? ',' : ')';
        if (*s != want)
            return fail_line(err, QIB_ERR_FORMAT, lc,
                             "vector needs %d components in (...), separated by commas", n);
        s++;
    }
    *p = s;
    return QIB_OK;
}

/* Checks that "space" or "space dimension" came before a space field. */
static qib_status need_space(const nrrd_header *h, const line_ctx *lc, qib_error *err) {
    if (h->space_dim == 0)
        return fail_line(err, QIB_ERR_FORMAT, lc,
                         "'%s' needs a 'space' or 'space dimension' field before it", lc->field);
    return QIB_OK;
}

/* space origin: one vector of space-dimension numbers. */
static qib_status parse_space_origin(nrrd_header *h, const char *v, const line_ctx *lc,
                                     qib_error *err) {
    QIB_FORWARD(need_space(h, lc, err));
    QIB_FORWARD(parse_vector(&v, h->space_dim, h->origin, lc, err));
    if (*skip_blanks(v)) return fail_line(err, QIB_ERR_FORMAT, lc, "text after the vector");
    h->has_origin = true;
    return QIB_OK;
}

/* space directions: per axis a vector, or "none" for a non-spatial axis. */
static qib_status parse_space_directions(nrrd_header *h, const char *v, const line_ctx *lc,
                                         qib_error *err) {
    QIB_FORWARD(need_space(h, lc, err));
    for (int a = 0; a < h->dim; a++) {
        const char *s = skip_blanks(v);
        if (strncasecmp(s, "none", 4) == 0 && (s[4] == '\0' || s[4] == ' ' || s[4] == '\t')) {
            h->dir_none[a] = true;
            v = s + 4;
            continue;
        }
        if (*s == '\0')
            return fail_line(err, QIB_ERR_FORMAT, lc, "%d vectors given, dimension is %d", a,
                             h->dim);
        QIB_FORWARD(parse_vector(&s, h->space_dim, h->dirs[a], lc, err));
        v = s;
    }
    if (*skip_blanks(v))
        return fail_line(err, QIB_ERR_FORMAT, lc, "more than %d vectors (dimension is %d)",
                         h->dim, h->dim);
    h->has_dirs = true;
    return QIB_OK;
}

/* spacings: per axis a number, "nan" where the axis has none. */
static qib_status parse_spacings(nrrd_header *h, const char *v, const line_ctx *lc,
                                 qib_error *err) {
    char tok[64];
    int n = 0;
    size_t k;
    while ((k = next_token(&v, tok, sizeof tok)) != 0) {
        double x;
        if (k == sizeof tok || !parse_double(tok, &x))
            return fail_line(err, QIB_ERR_FORMAT, lc, "value %.40s is not a number",
                             k == sizeof tok ? "(too long)" : tok);
        if (n == h->dim)
            return fail_line(err, QIB_ERR_FORMAT, lc, "more than %d values (dimension is %d)",
                             h->dim, h->dim);
        h->spacings[n++] = x;
    }
    if (n != h->dim)
        return fail_line(err, QIB_ERR_FORMAT, lc, "%d values given, dimension is %d", n, h->dim);
    h->has_spacings = true;
    return QIB_OK;
}

/* kinds: per axis one kind name from the spec's list. */
static qib_status parse_kinds(nrrd_header *h, const char *v, const line_ctx *lc, qib_error *err) {
    char tok[64];
    int n = 0;
    size_t k;
    while ((k = next_token(&v, tok, sizeof tok)) != 0) {
        int kind;
        if (k == sizeof tok || !LOOKUP(kind_names, tok, &kind))
            return fail_line(err, QIB_ERR_FORMAT, lc, "'%.40s' is not a NRRD kind", tok);
        if (n == h->dim)
            return fail_line(err, QIB_ERR_FORMAT, lc, "more than %d values (dimension is %d)",
                             h->dim, h->dim);
        h->kinds[n] = (nrrd_kind_class)kind;
        snprintf(h->kind_names[n], sizeof h->kind_names[n], "%s", tok);
        n++;
    }
    if (n != h->dim)
        return fail_line(err, QIB_ERR_FORMAT, lc, "%d values given, dimension is %d", n, h->dim);
    h->has_kinds = true;
    return QIB_OK;
}

/* line skip (>= 0) and byte skip (>= -1; -1 means "the data are the last
 * bytes of the file", raw encoding only: checked in finish_header). */
static qib_status parse_skip(int64_t *out, int64_t lo, const char *v, const line_ctx *lc,
                             qib_error *err) {
    if (!parse_int(v, lo, INT64_MAX, out))
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' is not an integer >= %lld", v,
                         (long long)lo);
    return QIB_OK;
}

/* Duplicates s into *dst (freeing what was there). */
static qib_status set_string(char **dst, const char *s, const line_ctx *lc, qib_error *err) {
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c) return qib__nomem(err, lc->name, "a header string");
    memcpy(c, s, n + 1);
    free(*dst);
    *dst = c;
    return QIB_OK;
}

/* data file (section 3): "LIST [subdim]", or "<format> <min> <max> <step>
 * [<subdim>]" when the first word holds a '%', else one file name. */
static qib_status parse_data_file(parse_state *ps, const char *v, const line_ctx *lc,
                                  qib_error *err) {
    nrrd_header *h = ps->h;
    const char *p = v;
    char tok[5][64];
    size_t n = 0, k = 0;
    while (n < 5 && (k = next_token(&p, tok[n], sizeof tok[n])) != 0 && k < sizeof tok[n]) n++;
    bool more = k == sizeof tok[0] || *skip_blanks(p);
    int64_t x;
    if (n >= 1 && strcmp(tok[0], "LIST") == 0 && !more && n <= 2) {
        h->data_mode = NRRD_DATA_LIST;
        if (n == 2 && !parse_int(tok[1], 1, NRRD_MAX_DIM, &x))
            return fail_line(err, QIB_ERR_FORMAT, lc, "LIST subdimension '%s' is not 1..%d",
                             tok[1], NRRD_MAX_DIM);
        h->subdim = n == 2 ? (int)x : 0;
        ps->list_open = true;
        return QIB_OK;
    }
    if ((n == 4 || n == 5) && !more && strchr(tok[0], '%')) {
        int64_t num[4] = {0, 0, 0, 0};
        for (size_t i = 1; i < n; i++)
            if (!parse_int(tok[i], -1000000000, 1000000000, &num[i - 1]))
                return fail_line(err, QIB_ERR_FORMAT, lc,
                                 "'%s' in a data file format line is not an integer", tok[i]);
        if (num[2] == 0)
            return fail_line(err, QIB_ERR_FORMAT, lc, "data file step is 0");
        if (n == 5 && (num[3] < 1 || num[3] > NRRD_MAX_DIM))
            return fail_line(err, QIB_ERR_FORMAT, lc, "data file subdimension %lld is not 1..%d",
                             (long long)num[3], NRRD_MAX_DIM);
        h->data_mode = NRRD_DATA_FORMAT;
        h->fmt_min = (long)num[0];
        h->fmt_max = (long)num[1];
        h->fmt_step = (long)num[2];
        h->subdim = n == 5 ? (int)num[3] : 0;
        return set_string(&h->data_file, tok[0], lc, err);
    }
    if (!*v) return fail_line(err, QIB_ERR_FORMAT, lc, "empty file name");
    h->data_mode = NRRD_DATA_SINGLE;
    return set_string(&h->data_file, v, lc, err);
}

/* Adds one file name of a "data file: LIST" block. */
static qib_status add_list_name(nrrd_header *h, const char *s, const line_ctx *lc,
                                qib_error *err) {
    char **nl = realloc(h->list, (h->n_list + 1) * sizeof *nl);
    if (!nl) return qib__nomem(err, lc->name, "the data file list");
    h->list = nl;
    h->list[h->n_list] = NULL;
    QIB_FORWARD(set_string(&h->list[h->n_list], s, lc, err));
    h->n_list++;
    return QIB_OK;
}

/* Dispatches one "<field>: <value>" line to its parser, checking the
 * spec's ordering rules (dimension before per-axis fields) and that no
 * field appears twice (teem refuses both). */
static qib_status parse_field(parse_state *ps, field_id id, const char *v, const line_ctx *lc,
                              qib_error *err) {
    nrrd_header *h = ps->h;
    if (ps->seen[id])
        return fail_line(err, QIB_ERR_FORMAT, lc, "field '%s' appears twice", lc->field);
    ps->seen[id] = true;
    bool per_axis = id == F_SIZES || id == F_SPACINGS || id == F_KINDS ||
                    id == F_SPACE_DIRECTIONS;
    if (per_axis && h->dim == 0)
        return fail_line(err, QIB_ERR_FORMAT, lc, "'%s' needs the 'dimension' field before it",
                         lc->field);
    switch (id) {
    case F_TYPE: return parse_type(h, v, lc, err);
    case F_DIMENSION: return parse_dimension(h, v, lc, err);
    case F_SIZES: return parse_sizes(h, v, lc, err);
    case F_ENCODING: return parse_encoding(h, v, lc, err);
    case F_ENDIAN: return parse_endian(h, v, lc, err);
    case F_SPACE:
        if (ps->seen[F_SPACE_DIMENSION])
            return fail_line(err, QIB_ERR_FORMAT, lc,
                             "'space' and 'space dimension' may not both be given");
        return parse_space(h, v, lc, err);
    case F_SPACE_DIMENSION:
        if (ps->seen[F_SPACE])
            return fail_line(err, QIB_ERR_FORMAT, lc,
                             "'space' and 'space dimension' may not both be given");
        return parse_space_dimension(h, v, lc, err);
    case F_SPACE_ORIGIN: return parse_space_origin(h, v, lc, err);
    case F_SPACE_DIRECTIONS: return parse_space_directions(h, v, lc, err);
    case F_SPACINGS: return parse_spacings(h, v, lc, err);
    case F_KINDS: return parse_kinds(h, v, lc, err);
    case F_LINE_SKIP: return parse_skip(&h->line_skip, 0, v, lc, err);
    case F_BYTE_SKIP: return parse_skip(&h->byte_skip, -1, v, lc, err);
    case F_DATA_FILE: return parse_data_file(ps, v, lc, err);
    case F_CONTENT:
        snprintf(h->content, sizeof h->content, "%s", v);
        return QIB_OK;
    default:
        /* Fields with no bearing on voxels or geometry (thicknesses, axis
         * mins/maxs, centers, labels, units, min/max, measurement frame,
         * ...) are accepted as written. */
        return QIB_OK;
    }
}

/* Handles one header line after the magic: a comment, a key/value pair
 * (ignored), a LIST file name, or a field. */
static qib_status parse_line(parse_state *ps, char *line, const line_ctx *lc0, qib_error *err) {
    line_ctx lc = *lc0;
    lc.field = "header";
    if (line[0] == '#') return QIB_OK; /* section 1.2: comments */
    if (ps->list_open) {               /* section 3: names follow "data file: LIST" */
        lc.field = "data file";
        return add_list_name(ps->h, line, &lc, err);
    }
    char *colon = strstr(line, ": ");
    char *kv = strstr(line, ":=");
    if (kv && (!colon || kv < colon)) return QIB_OK; /* section 1.5: key:=value pairs */
    if (!colon)
        return fail_line(err, QIB_ERR_FORMAT, &lc,
                         "'%.60s' is neither a field ('name: value'), a key/value pair "
                         "('key:=value') nor a comment",
                         line);
    *colon = '\0';
    char *value = (char *)skip_blanks(colon + 2);
    size_t vn = strlen(value);
    while (vn > 0 && (value[vn - 1] == ' ' || value[vn - 1] == '\t')) value[--vn] = '\0';
    int id;
    if (!LOOKUP(field_names, line, &id))
        return fail_line(err, QIB_ERR_FORMAT, &lc, "unknown field '%.60s'", line);
    lc.field = line;
    return parse_field(ps, (field_id)id, value, &lc, err);
}

/* Checks the magic line: "NRRD000X" with X from 1 to 5 (section 1.1). */
static qib_status check_magic(const char *line, const char *name, qib_error *err) {
    if (strncmp(line, "NRRD", 4) != 0)
        return qib__fail(err, QIB_ERR_UNKNOWN_FORMAT, name, 0, "magic",
                         "not a NRRD file: it does not start with 'NRRD000X'");
    if (strlen(line) != 8 || strncmp(line, "NRRD000", 7) != 0 || line[7] < '1' || line[7] > '5')
        return qib__fail(err, QIB_ERR_FORMAT, name, 0, "magic",
                         "magic '%.20s' is not one of NRRD0001 to NRRD0005", line);
    return QIB_OK;
}

/* Checks what no single line can: required fields, endian where it
 * matters, spacings vs directions, byte skip -1, and data file layout. */
static qib_status finish_header(parse_state *ps, bool blank_line, const char *name,
                                size_t end_off, qib_error *err) {
    nrrd_header *h = ps->h;
    static const struct {
        field_id id;
        const char *name;
    } required[] = {{F_TYPE, "type"}, {F_DIMENSION, "dimension"}, {F_SIZES, "sizes"},
                    {F_ENCODING, "encoding"}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        QIB_FAIL_IF(!ps->seen[required[i].id], err, QIB_ERR_FORMAT, name, (int64_t)end_off,
                    required[i].name, "required field '%s' is missing", required[i].name);
    QIB_FAIL_IF(h->type_size > 1 && h->encoding != NRRD_ENC_ASCII &&
                    h->endian == NRRD_ENDIAN_UNKNOWN,
                err, QIB_ERR_FORMAT, name, (int64_t)end_off, "endian",
                "type '%s' with %s encoding needs an 'endian' field", qib__nrrd_type_name(h->dtype),
                h->encoding == NRRD_ENC_GZIP ? "gzip" : "raw");
    QIB_FAIL_IF(h->byte_skip == -1 && h->encoding != NRRD_ENC_RAW, err, QIB_ERR_FORMAT, name,
                (int64_t)end_off, "byte skip",
                "byte skip -1 (data at the end of the file) is only allowed with raw encoding");
    if (h->has_dirs && h->has_spacings)
        for (int a = 0; a < h->dim; a++)
            QIB_FAIL_IF(!h->dir_none[a] && !isnan(h->spacings[a]), err, QIB_ERR_FORMAT, name,
                        (int64_t)end_off, "spacings",
                        "axis %d has both a space direction and a spacing (%g); the spacing "
                        "must be nan",
                        a, h->spacings[a]);
    QIB_FAIL_IF(h->data_mode == NRRD_DATA_LIST && h->n_list == 0, err, QIB_ERR_FORMAT, name,
                (int64_t)end_off, "data file", "'data file: LIST' is followed by no file names");
    if (h->subdim == 0) h->subdim = h->dim - 1; /* section 3: one slowest-axis slice per file */
    QIB_FAIL_IF(h->subdim > h->dim, err, QIB_ERR_FORMAT, name, (int64_t)end_off, "data file",
                "data file subdimension %d exceeds the dimension %d", h->subdim, h->dim);
    QIB_FAIL_IF(!blank_line && h->data_mode == NRRD_DATA_ATTACHED, err, QIB_ERR_FORMAT, name,
                (int64_t)end_off, "header",
                "the header has no blank line ending it and no 'data file' field, so there "
                "are no voxel data");
    return QIB_OK;
}

/* Finds the end of the line starting at pos: sets *eol to the '\n' (or to
 * len at the end of the text). Fails on a NUL byte, which text cannot hold. */
static qib_status find_line_end(const uint8_t *buf, size_t len, size_t pos, size_t *eol,
                                const line_ctx *lc, qib_error *err) {
    const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - buf) : len;
    if (memchr(buf + pos, '\0', e - pos))
        return fail_line(err, QIB_ERR_FORMAT, lc, "a NUL byte inside the text header");
    *eol = e;
    return QIB_OK;
}

void qib__nrrd_header_free(nrrd_header *h) {
    if (!h) return;
    free(h->data_file);
    for (size_t i = 0; i < h->n_list; i++) free(h->list[i]);
    free(h->list);
    memset(h, 0, sizeof *h);
}

/* Walks the lines of the header (section 1.2): the magic, then fields,
 * comments and key/value pairs up to a blank line or, for a detached
 * header, the end of the text. */
static qib_status parse_lines(parse_state *ps, const uint8_t *buf, size_t len, const char *name,
                              uint64_t max_header, qib_error *err) {
    size_t cap = len < max_header ? len : (size_t)max_header;
    char *line = NULL;
    size_t line_cap = 0, pos = 0;
    line_ctx lc = {name, 0, 0, "header"};
    qib_status st = QIB_OK;
    bool blank = false;
    while (pos < cap && st == QIB_OK) {
        lc.lineno++;
        lc.offset = (int64_t)pos;
        size_t eol = pos;
        st = find_line_end(buf, cap, pos, &eol, &lc, err);
        if (st != QIB_OK) break;
        if (eol == cap && cap < len) {
            st = qib__fail(err, QIB_ERR_LIMIT, name, (int64_t)pos, "header",
                           "the text header is longer than the limit of %llu bytes",
                           (unsigned long long)max_header);
            break;
        }
        size_t n = eol - pos;
        if (n > 0 && buf[eol - 1] == '\r') n--; /* tolerate CRLF line ends */
        if (n + 1 > line_cap) {
            char *nl = realloc(line, n + 1);
            if (!nl) {
                st = qib__nomem(err, name, "a header line");
                break;
            }
            line = nl;
            line_cap = n + 1;
        }
        memcpy(line, buf + pos, n);
        line[n] = '\0';
        pos = eol < cap ? eol + 1 : eol;
        if (lc.lineno == 1) {
            st = check_magic(line, name, err);
        } else if (n == 0) {
            blank = true;
            break;
        } else {
            st = parse_line(ps, line, &lc, err);
        }
    }
    free(line);
    if (st != QIB_OK) return st;
    QIB_FAIL_IF(lc.lineno == 0, err, QIB_ERR_UNKNOWN_FORMAT, name, 0, "magic",
                "empty file: no 'NRRD000X' magic");
    ps->h->header_len = pos;
    return finish_header(ps, blank, name, pos, err);
}

qib_status qib__nrrd_header_parse(const uint8_t *buf, size_t len, const char *name,
                                  uint64_t max_header, nrrd_header *h, qib_error *err) {
    memset(h, 0, sizeof *h);
    for (int a = 0; a < NRRD_MAX_DIM; a++) h->spacings[a] = NAN;
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.h = h;
    h->version = len >= 8 ? buf[7] - '0' : 0;
    qib_status st = parse_lines(&ps, buf, len, name, max_header, err);
    if (st != QIB_OK) qib__nrrd_header_free(h);
    return st;
}
