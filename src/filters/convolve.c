/* SPDX-License-Identifier: Apache-2.0 */
/* convolve.c: work images, separable and direct convolution, the block the
 * box variant needs, and the right-angle rotations of a kernel. */
#include <stdlib.h>
#include <string.h>

#include "filter.h"

qib_status qib__img_alloc(qib__img *img, const size_t n[3], const double sp[3], qib_error *err) {
    size_t nn, total;
    QIB_FAIL_IF(!qib__mul_ok(n[0], n[1], &nn) || !qib__mul_ok(nn, n[2], &total) || total == 0 ||
                    total > SIZE_MAX / sizeof(double),
                err, QIB_ERR_LIMIT, NULL, -1, "dimensions", "%zu x %zu x %zu voxels overflow",
                n[0], n[1], n[2]);
    img->v = malloc(total * sizeof(double));
    if (!img->v) return qib__nomem(err, NULL, "a filter work image");
    for (int a = 0; a < 3; a++) {
        img->n[a] = n[a];
        img->sp[a] = sp[a];
    }
    return QIB_OK;
}

void qib__img_free(qib__img *img) {
    if (!img) return;
    free(img->v);
    img->v = NULL;
}

qib_status qib__img_copy(const qib__img *src, qib__img *dst, qib_error *err) {
    QIB_FORWARD(qib__img_alloc(dst, src->n, src->sp, err));
    memcpy(dst->v, src->v, qib__img_count(src) * sizeof(double));
    return QIB_OK;
}

/* The non-zero taps of a kernel (upsampled wavelet filters are mostly
 * zeros): their indices m and values k[m], in increasing m. */
static size_t nonzero_taps(qib__kernel1d k, size_t *idx, double *val) {
    size_t n = 0;
    for (size_t m = 0; m < k.len; m++)
        if (k.k[m] != 0.0) {
            idx[n] = m;
            val[n++] = k.k[m];
        }
    return n;
}

/* Along i (contiguous lines): each line is copied into a buffer extended by
 * len-1-c values before and c after (boundary.c), so
 *     out[x] = sum_m k[m] * buf[x + len - 1 - m]. */
static void conv_lines(qib__img *img, const size_t *idx, const double *val, size_t ntaps,
                       qib__kernel1d k, qib__bc bc, double *buf, double *line) {
    size_t n = img->n[0], lines = qib__img_count(img) / n;
    size_t before = k.len - 1 - k.centre, after = k.centre;
    for (size_t l = 0; l < lines; l++) {
        double *src = img->v + l * n;
        qib__bc_extend(bc, src, 1, n, before, after, buf);
        for (size_t x = 0; x < n; x++) {
            double s = 0.0;
            const double *b = buf + x + k.len - 1;
            for (size_t t = 0; t < ntaps; t++) s += val[t] * b[-(ptrdiff_t)idx[t]];
            line[x] = s;
        }
        for (size_t x = 0; x < n; x++) src[x] = line[x];
    }
}

/* Along j or k: whole rows (j) or planes (k) at once, so every access is
 * contiguous: out_row(x) = sum_m k[m] * in_row(bc(x + c - m)), summed in
 * the same order of m as conv_lines. */
static void conv_rows(const qib__img *img, int axis, const size_t *idx, const double *val,
                      size_t ntaps, qib__kernel1d k, qib__bc bc, double *out) {
    size_t n = img->n[axis], inner = axis == 1 ? img->n[0] : img->n[0] * img->n[1];
    size_t outer = qib__img_count(img) / (inner * n);
    for (size_t o = 0; o < outer; o++)
        for (size_t x = 0; x < n; x++) {
            double *dst = out + (o * n + x) * inner;
            for (size_t i = 0; i < inner; i++) dst[i] = 0.0;
            for (size_t t = 0; t < ntaps; t++) {
                ptrdiff_t q = qib__bc_index(bc, (ptrdiff_t)(x + k.centre) - (ptrdiff_t)idx[t], n);
                if (q < 0) continue;
                const double *src = img->v + (o * n + (size_t)q) * inner;
                double w = val[t];
                for (size_t i = 0; i < inner; i++) dst[i] += w * src[i];
            }
        }
}

/* One pass: out[x] = sum_m k[m] * in(x + c - m) along `axis`. */
qib_status qib__conv_axis(qib__img *img, int axis, qib__kernel1d k, qib__bc bc, qib_error *err) {
    if (k.len == 0) return QIB_OK;
    size_t n = img->n[axis], total = qib__img_count(img);
    size_t *idx = malloc(k.len * sizeof(size_t));
    double *val = malloc(k.len * sizeof(double));
    double *buf = axis == 0 ? malloc((n + k.len - 1) * sizeof(double)) : NULL;
    double *out = malloc((axis == 0 ? n : total) * sizeof(double));
    if (!idx || !val || !out || (axis == 0 && !buf)) {
        free(idx);
        free(val);
        free(buf);
        free(out);
        return qib__nomem(err, NULL, "a convolution pass");
    }
    size_t ntaps = nonzero_taps(k, idx, val);
    if (axis == 0) {
        conv_lines(img, idx, val, ntaps, k, bc, buf, out);
        free(out);
    } else {
        conv_rows(img, axis, idx, val, ntaps, k, bc, out);
        free(img->v);
        img->v = out;
    }
    free(idx);
    free(val);
    free(buf);
    return QIB_OK;
}

qib_status qib__conv_separable(qib__img *img, const qib__kernel1d k[3], qib__bc bc,
                               qib_error *err) {
    for (int a = 0; a < 3; a++) QIB_FORWARD(qib__conv_axis(img, a, k[a], bc, err));
    return QIB_OK;
}

/* out(x) = sum over kernel voxels m of K[m] * in(x + c - m), each
 * coordinate extended under bc (convolution as IBSI 2 defines it, with padding). */
qib_status qib__conv_direct(const qib__img *in, const double *kern, const size_t kn[3],
                            const size_t kc[3], qib__bc bc, qib__img *out, qib_error *err) {
    (void)err;
    const size_t *n = in->n;
    for (size_t z = 0; z < n[2]; z++)
        for (size_t y = 0; y < n[1]; y++)
            for (size_t x = 0; x < n[0]; x++) {
                double s = 0.0;
                for (size_t mz = 0; mz < kn[2]; mz++) {
                    ptrdiff_t qz = qib__bc_index(bc, (ptrdiff_t)(z + kc[2]) - (ptrdiff_t)mz, n[2]);
                    if (qz < 0) continue;
                    for (size_t my = 0; my < kn[1]; my++) {
                        ptrdiff_t qy =
                            qib__bc_index(bc, (ptrdiff_t)(y + kc[1]) - (ptrdiff_t)my, n[1]);
                        if (qy < 0) continue;
                        for (size_t mx = 0; mx < kn[0]; mx++) {
                            ptrdiff_t qx =
                                qib__bc_index(bc, (ptrdiff_t)(x + kc[0]) - (ptrdiff_t)mx, n[0]);
                            if (qx < 0) continue;
                            s += kern[mx + kn[0] * (my + kn[1] * mz)] *
                                 in->v[(size_t)qx + n[0] * ((size_t)qy + n[1] * (size_t)qz)];
                        }
                    }
                }
                out->v[x + n[0] * (y + n[1] * z)] = s;
            }
    return QIB_OK;
}

/* Along each axis: the box grown by the margin and clipped to [0, n). At a
 * clipped side the crop's edge is the image's edge, so the boundary
 * condition acts there exactly as on the whole image; at an unclipped side
 * the values the crop invents lie at least `margin` voxels from the box and
 * never reach it. Periodic extension at a clipped side needs the far side
 * of the image, and a margin of n or more may fold the extension across the
 * whole axis: both take the whole axis. */
void qib__support_crop(const size_t n[3], const size_t lo[3], const size_t size[3],
                       const size_t margin[3], qib__bc bc, size_t crop_lo[3],
                       size_t crop_size[3]) {
    for (int a = 0; a < 3; a++) {
        size_t m = margin[a], hi = lo[a] + size[a]; /* exclusive */
        int clip_lo = lo[a] < m, clip_hi = n[a] - hi < m;
        if (m >= n[a] || (bc == QIB__BC_PERIODIC && (clip_lo || clip_hi))) {
            crop_lo[a] = 0;
            crop_size[a] = n[a];
            continue;
        }
        crop_lo[a] = clip_lo ? 0 : lo[a] - m;
        crop_size[a] = (clip_hi ? n[a] : hi + m) - crop_lo[a];
    }
}

/* Sign of a permutation of 0..d-1 (+1 even, -1 odd). */
static int perm_sign(const int *p, int d) {
    int s = 1;
    for (int i = 0; i < d; i++)
        for (int j = i + 1; j < d; j++)
            if (p[i] > p[j]) s = -s;
    return s;
}

/* The proper rotations that map the voxel grid onto itself: an axis
 * permutation with mirrored axes whose determinant is +1 (IBSI 2,
 * "Rotation invariance":
 * the 24 right-angle rotations of a cube, 4 in a plane). The identity comes
 * first; the order is fixed so pooled sums are reproducible. */
size_t qib__rotations(int dims, qib__rotation out[24]) {
    static const int perms3[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static const int perms2[2][3] = {{0, 1, 2}, {1, 0, 2}};
    size_t count = 0, np = dims == 3 ? 6 : 2;
    for (size_t p = 0; p < np; p++) {
        const int *perm = dims == 3 ? perms3[p] : perms2[p];
        for (int f = 0; f < (1 << dims); f++) {
            int flip[3] = {f & 1, (f >> 1) & 1, dims == 3 ? (f >> 2) & 1 : 0};
            int det = perm_sign(perm, 3);
            for (int a = 0; a < 3; a++)
                if (flip[a]) det = -det;
            if (det != 1) continue;
            for (int a = 0; a < 3; a++) {
                out[count].perm[a] = perm[a];
                out[count].flip[a] = flip[a];
            }
            count++;
        }
    }
    return count;
}

/* Mirroring x -> -x turns sum_m k[m] in(x + c - m) into a sum with the
 * reversed kernel k'[m] = k[len-1-m] and centre c' = len-1-c. For odd
 * lengths c' = c; for even lengths (wavelet filters) the centre moves. */
qib__kernel1d qib__kernel_mirror(qib__kernel1d k, double *store) {
    for (size_t m = 0; m < k.len; m++) store[m] = k.k[k.len - 1 - m];
    qib__kernel1d r = {store, k.len, k.len == 0 ? 0 : k.len - 1 - k.centre};
    return r;
}
