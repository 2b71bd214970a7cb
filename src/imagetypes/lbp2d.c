/* SPDX-License-Identifier: Apache-2.0 */
/* lbp2d.c: PyRadiomics' LBP2D image type, the local binary pattern slice by slice.
 *
 * Source: PyRadiomics 3.1 getLBP2DImage: for a 3D image, the array (z, y, x) is cut
 * into 2D slices across numpy axis force2Ddimension (default 0: z slices, rows y,
 * columns x; 1: y slices, rows z, columns x; 2: x slices, rows y, columns z), each
 * slice is replaced by skimage.feature.local_binary_pattern(slice, P = lbp2DSamples
 * (8), R = lbp2DRadius (1), method = lbp2DMethod ('uniform')) written back into the
 * image's own array, so for an integer image the values are cast to its type
 * (numpy: truncation towards zero, wrap-around; matters for method 'var'). Name
 * "lbp-2D".
 *
 * scikit-image (skimage/feature/_texture.pyx, _local_binary_pattern; 0.19, Debian
 * 12): sample i = 0..P-1 lies at row offset -R sin(2 pi i / P) and column offset
 * R cos(2 pi i / P), each rounded to 5 decimals; its value is the bilinear
 * interpolation of the slice with 0 outside it (mode 'C', cval 0):
 *     top = (1-dc) I[r0,c0] + dc I[r0,c1], bottom = (1-dc) I[r1,c0] + dc I[r1,c1],
 *     t = (1-dr) top + dr bottom,  r0 = floor, r1 = ceil of the row, likewise c;
 * s_i = 1 if t_i - I[r,c] >= 0 else 0. Methods:
 *   default:  sum_i s_i 2^i
 *   ror:      the smallest right rotation (over P bits) of the default code
 *   uniform:  U = number of changes s_i != s_{i+1} for i = 0..P-2 (not circular);
 *             sum_i s_i when U <= 2, else P + 1
 *   var:      the population variance of the t_i (NaN when it is 0), as
 *             scikit-image 0.19.3 returns it (checked against it).
 * Only the slices and rows of the output box are computed; samples outside the image
 * read 0 as in scikit-image, so the box equals the whole-image result. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagetypes_internal.h"

typedef enum lbp_method { LBP_DEFAULT, LBP_ROR, LBP_UNIFORM, LBP_VAR } lbp_method;

typedef struct lbp2d_setup {
    long p;           /* samples */
    double r;         /* radius */
    lbp_method method;
    int slice_axis;   /* qib axis across which slices are cut */
    int row_axis;     /* qib axis of the slice rows */
    int col_axis;     /* qib axis of the slice columns */
    double *dr, *dc;  /* sample offsets (rows, columns), rounded to 5 decimals */
} lbp2d_setup;

/* numpy.round(x, 5): rint(x * 1e5) / 1e5. */
static double round5(double x) { return rint(x * 1e5) / 1e5; }

/* Image voxel (qib index), 0 outside the image (scikit-image's cval). */
static double voxel(const qib__imgt_ctx *c, const long idx[3]) {
    const size_t *d = c->grid->dim;
    for (int a = 0; a < 3; a++)
        if (idx[a] < 0 || (size_t)idx[a] >= d[a]) return 0;
    double v;
    qib__imgt_read(c->image, ((size_t)idx[2] * d[1] + (size_t)idx[1]) * d[0] + (size_t)idx[0], 1, &v);
    return v;
}

/* Slice value at (row, col) of slice s, 0 outside. */
static double slice_at(const qib__imgt_ctx *c, const lbp2d_setup *q, long s, long row, long col) {
    long idx[3];
    idx[q->slice_axis] = s;
    idx[q->row_axis] = row;
    idx[q->col_axis] = col;
    return voxel(c, idx);
}

/* skimage's bilinear_interpolation with mode 'C', cval 0. */
static double bilinear(const qib__imgt_ctx *c, const lbp2d_setup *q, long s, double r,
                       double col) {
    long r0 = (long)floor(r), c0 = (long)floor(col), r1 = (long)ceil(r), c1 = (long)ceil(col);
    double dr = r - (double)r0, dc = col - (double)c0;
    double top = (1 - dc) * slice_at(c, q, s, r0, c0) + dc * slice_at(c, q, s, r0, c1);
    double bottom = (1 - dc) * slice_at(c, q, s, r1, c0) + dc * slice_at(c, q, s, r1, c1);
    return (1 - dr) * top + dr * bottom;
}

/* Right rotation of a P-bit code by one. */
static unsigned long rotate_right(unsigned long v, long p) {
    return (v >> 1) | ((v & 1UL) << (p - 1));
}

/* The LBP code of one pixel; t and sbits are scratch of P entries. */
static double lbp_pixel(const qib__imgt_ctx *c, const lbp2d_setup *q, long s, long row,
                        long col, double *t, unsigned char *sbits) {
    double centre = slice_at(c, q, s, row, col);
    for (long i = 0; i < q->p; i++) {
        t[i] = bilinear(c, q, s, (double)row + q->dr[i], (double)col + q->dc[i]);
        sbits[i] = t[i] - centre >= 0;
    }
    if (q->method == LBP_DEFAULT || q->method == LBP_ROR) {
        unsigned long code = 0;
        for (long i = 0; i < q->p; i++) code += (unsigned long)sbits[i] << i;
        if (q->method == LBP_ROR) {
            unsigned long best = code, v = code;
            for (long i = 1; i < q->p; i++) {
                v = rotate_right(v, q->p);
                if (v < best) best = v;
            }
            code = best;
        }
        return (double)code;
    }
    long changes = 0, ones = 0;
    for (long i = 0; i + 1 < q->p; i++) changes += sbits[i] != sbits[i + 1];
    for (long i = 0; i < q->p; i++) ones += sbits[i];
    double lbp = changes <= 2 ? (double)ones : (double)(q->p + 1);
    if (q->method == LBP_VAR) {
        double mean = 0, var = 0;
        for (long i = 0; i < q->p; i++) mean += t[i];
        mean /= (double)q->p;
        for (long i = 0; i < q->p; i++) var += (t[i] - mean) * (t[i] - mean);
        var /= (double)q->p;
        lbp = var != 0 ? var : NAN;
    }
    return lbp;
}

/* numpy's cast (1.24, x86-64) of the float64 LBP into the image's own type, which
 * PyRadiomics writes it back into: truncation towards zero through a 32-bit integer
 * for types up to 32 bits (NaN and values out of int32 range become INT32_MIN) and
 * then wrap-around to the type's width; through a 64-bit integer for the others. */
static double cast_like_image(double v, qib_dtype t) {
    if (t == QIB_DT_F64) return v;
    if (t == QIB_DT_F32) return (double)(float)v;
    bool narrow = t != QIB_DT_U32 && t != QIB_DT_I64 && t != QIB_DT_U64;
    int64_t x;
    if (narrow)
        x = (isnan(v) || v >= 2147483648.0 || v <= -2147483649.0) ? INT32_MIN : (int64_t)(int32_t)v;
    else
        x = (isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) ? INT64_MIN
                                                                                   : (int64_t)v;
    uint64_t u = (uint64_t)x;
    switch (t) {
    case QIB_DT_U8: return (double)(uint8_t)u;
    case QIB_DT_I8: return (double)(int8_t)(uint8_t)u;
    case QIB_DT_U16: return (double)(uint16_t)u;
    case QIB_DT_I16: return (double)(int16_t)(uint16_t)u;
    case QIB_DT_U32: return (double)(uint32_t)u;
    case QIB_DT_I32: return (double)(int32_t)(uint32_t)u;
    case QIB_DT_U64: return (double)u;
    default: return (double)x;
    }
}

static qib_status read_setup(const qib__imgt_ctx *c, lbp2d_setup *q, qib_error *err) {
    QIB_FORWARD(qib__imgt_double(c, "lbp2DRadius", 1.0, 0.0, &q->r, err));
    QIB_FORWARD(qib__imgt_int(c, "lbp2DSamples", 8, 1, 63, &q->p, err));
    const char *m = qib__imgt_param(c, "lbp2DMethod");
    char buf[16] = "uniform";
    if (m) {
        size_t a = 0, len = strlen(m);
        while (a < len && m[a] == ' ') a++;
        while (len > a && m[len - 1] == ' ') len--;
        if (len - a < sizeof buf) {
            memcpy(buf, m + a, len - a);
            buf[len - a] = 0;
        } else {
            buf[0] = 0;
        }
    }
    if (strcmp(buf, "default") == 0) q->method = LBP_DEFAULT;
    else if (strcmp(buf, "ror") == 0) q->method = LBP_ROR;
    else if (strcmp(buf, "uniform") == 0) q->method = LBP_UNIFORM;
    else if (strcmp(buf, "var") == 0) q->method = LBP_VAR;
    else
        return qib__fail(err, QIB_ERR_ARG, NULL, -1, "lbp2DMethod",
                         "'%s' is not default, ror, uniform or var", m);
    long dim = 0;
    QIB_FORWARD(qib__imgt_int(c, "force2Ddimension", 0, 0, 2, &dim, err));
    /* numpy axes (z, y, x) = qib axes (2, 1, 0); swapaxes(0, dim) then [idx, rows, cols] */
    static const int slice_of[3] = {2, 1, 0}, row_of[3] = {1, 2, 1}, col_of[3] = {0, 0, 2};
    q->slice_axis = slice_of[dim];
    q->row_axis = row_of[dim];
    q->col_axis = col_of[dim];
    return QIB_OK;
}

qib_status qib__imgt_lbp2d(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    lbp2d_setup q = {0};
    QIB_FORWARD(read_setup(c, &q, err));
    const qib_box *b = &c->box;
    size_t nb = b->size[0] * b->size[1] * b->size[2];
    double *res = malloc(nb * sizeof *res);
    double *t = malloc((size_t)q.p * sizeof *t);
    unsigned char *sbits = malloc((size_t)q.p);
    q.dr = malloc((size_t)q.p * sizeof *q.dr);
    q.dc = malloc((size_t)q.p * sizeof *q.dc);
    qib_status st = QIB_OK;
    if (!res || !t || !sbits || !q.dr || !q.dc) {
        st = qib__nomem(err, NULL, "the LBP 2D image");
        goto done;
    }
    const double two_pi = 2 * 3.141592653589793;
    for (long i = 0; i < q.p; i++) {
        double angle = two_pi * (double)i / (double)q.p;
        q.dr[i] = round5(-q.r * sin(angle));
        q.dc[i] = round5(q.r * cos(angle));
    }
    qib_dtype dt = qib_volume_dtype(c->image);
    for (size_t k = 0; k < b->size[2]; k++)
        for (size_t j = 0; j < b->size[1]; j++)
            for (size_t i = 0; i < b->size[0]; i++) {
                long idx[3] = {(long)(b->lo[0] + i), (long)(b->lo[1] + j), (long)(b->lo[2] + k)};
                double v = lbp_pixel(c, &q, idx[q.slice_axis], idx[q.row_axis],
                                     idx[q.col_axis], t, sbits);
                res[(k * b->size[1] + j) * b->size[0] + i] = cast_like_image(v, dt);
            }
    qib_volume *vol = NULL;
    st = qib__imgt_box_volume(c, res, false, &vol, err);
    if (st == QIB_OK) st = qib__imgt_push(out, "lbp-2D", vol, err);
done:
    free(res);
    free(t);
    free(sbits);
    free(q.dr);
    free(q.dc);
    return st;
}
