/* SPDX-License-Identifier: Apache-2.0 */
/* laws.c: Laws kernels (IBSI 2, "Laws kernels", code JTXT; K. I. Laws,
 * "Rapid texture identification", Proc. SPIE 238, 1980).
 *
 * A Laws filter is the product of 1D kernels, one per axis (kernel "E5L5S5":
 * E5 along i, L5 along j, S5 along k), normalised as in IBSI 2:
 *     L3 = [1 2 1]/sqrt(6)      E3 = [-1 0 1]/sqrt(2)     S3 = [-1 2 -1]/sqrt(6)
 *     L5 = [1 4 6 4 1]/sqrt(70) E5 = [-1 -2 0 2 1]/sqrt(10) S5 = [-1 0 2 0 -1]/sqrt(6)
 *     W5 = [-1 2 0 -2 1]/sqrt(10) R5 = [1 -4 6 -4 1]/sqrt(70)
 * and applied as separable passes (a convolution: the kernel is mirrored,
 * which flips the sign of E and W responses; IBSI 2 test 3.a.1 fixes it).
 * Rotation invariance pools (max or average) the responses of the kernel's
 * 24 right-angle rotations in 3D (4 in 2D). The energy map is the mean of
 * the absolute (pooled) response over a window of 2*delta+1 voxels per axis,
 * with the same boundary condition:
 *     E(x) = 1/(2 delta + 1)^d * sum_{|y - x|_inf <= delta} |R(y)|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

typedef struct laws_kernel {
    const char *name;
    double raw[5];
    size_t len;
    double norm2; /* sum of squares of raw */
} laws_kernel;

static const laws_kernel kernels[] = {
    {"L3", {1, 2, 1}, 3, 6},           {"E3", {-1, 0, 1}, 3, 2},
    {"S3", {-1, 2, -1}, 3, 6},         {"L5", {1, 4, 6, 4, 1}, 5, 70},
    {"E5", {-1, -2, 0, 2, 1}, 5, 10},  {"S5", {-1, 0, 2, 0, -1}, 5, 6},
    {"W5", {-1, 2, 0, -2, 1}, 5, 10},  {"R5", {1, -4, 6, -4, 1}, 5, 70},
};

/* Splits "E5L5S5" into kernel indices; returns the count (2 or 3) or 0. */
static int parse_kernel(const char *t, int idx[3]) {
    size_t len = strlen(t);
    if (len != 4 && len != 6) return 0;
    int n = (int)(len / 2);
    for (int a = 0; a < n; a++) {
        idx[a] = -1;
        for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++)
            if (t[2 * a] == kernels[k].name[0] && t[2 * a + 1] == kernels[k].name[1])
                idx[a] = (int)k;
        if (idx[a] < 0) return 0;
    }
    return n;
}

qib_status qib__laws_check(const qib_filter_spec *s, qib_error *err) {
    int idx[3];
    if (!parse_kernel(qib__spec_text(s, "kernel"), idx))
        return qib__spec_fail(s, "kernel", err,
                              "'%s' is not 2 or 3 Laws kernels from L3 E3 S3 L5 E5 S5 W5 R5 "
                              "(e.g. E5L5S5 or L5S5)",
                              qib__spec_text(s, "kernel"));
    return QIB_OK;
}

qib_status qib__laws_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                             size_t margin[3], int *global, qib_error *err) {
    int idx[3];
    int dims = parse_kernel(qib__spec_text(s, "kernel"), idx);
    int rot = (int)qib__spec_num(s, "rotation_invariant");
    size_t delta = (size_t)qib__spec_num(s, "energy_distance"), widest = 0;
    for (int a = 0; a < dims; a++)
        if (kernels[idx[a]].len / 2 > widest) widest = kernels[idx[a]].len / 2;
    for (int a = 0; a < 3; a++) {
        margin[a] = a < dims ? (rot ? widest : kernels[idx[a]].len / 2) + delta : 0;
    }
    *global = 0;
    return QIB_OK;
}

qib_status qib__laws_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    int idx[3];
    int dims = parse_kernel(qib__spec_text(s, "kernel"), idx);
    int rot = (int)qib__spec_num(s, "rotation_invariant");
    int pool = qib__spec_choice(s, "pooling");
    size_t delta = (size_t)qib__spec_num(s, "energy_distance");
    qib__bc bc = (qib__bc)qib__spec_choice(s, "boundary");
    double k[3][5];
    for (int a = 0; a < dims; a++) {
        const laws_kernel *lk = &kernels[idx[a]];
        for (size_t m = 0; m < lk->len; m++) k[a][m] = lk->raw[m] / sqrt(lk->norm2);
    }
    qib__rotation rots[24];
    size_t nrot = rot ? qib__rotations(dims, rots) : 1;
    if (!rot) {
        for (int a = 0; a < 3; a++) rots[0].perm[a] = a, rots[0].flip[a] = 0;
    }
    /* Laws kernels are symmetric (L, S, R) or antisymmetric (E, W): a
     * mirrored kernel is the same kernel or exactly its negative, so each
     * rotation's response is +-1 times that of its axis permutation, and
     * only the permutations are convolved (qib__rotations lists rotations
     * grouped by permutation). */
    int antisym[3] = {0, 0, 0};
    for (int a = 0; a < dims; a++) antisym[a] = k[a][0] == -k[a][kernels[idx[a]].len - 1];
    size_t total = qib__img_count(img);
    double *pooled = malloc(total * sizeof(double));
    if (!pooled) return qib__nomem(err, NULL, "a Laws response");
    qib_status st = QIB_OK;
    qib__img resp = {NULL, {0, 0, 0}, {0, 0, 0}};
    for (size_t r = 0; r < nrot && st == QIB_OK; r++) {
        int new_perm = r == 0 || memcmp(rots[r].perm, rots[r - 1].perm, sizeof rots[r].perm);
        if (new_perm) {
            qib__kernel1d ks[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
            for (int a = 0; a < dims; a++) {
                qib__kernel1d kk = {k[a], kernels[idx[a]].len, kernels[idx[a]].len / 2};
                ks[rots[r].perm[a]] = kk;
            }
            qib__img_free(&resp);
            st = qib__img_copy(img, &resp, err);
            if (st == QIB_OK) st = qib__conv_separable(&resp, ks, bc, err);
            if (st != QIB_OK) break;
        }
        double sign = 1.0;
        for (int a = 0; a < dims; a++)
            if (rots[r].flip[a] && antisym[a]) sign = -sign;
        for (size_t i = 0; i < total; i++) {
            double v = sign * resp.v[i];
            if (r == 0) pooled[i] = v;
            else if (pool == QIB__POOL_MAX) pooled[i] = v > pooled[i] ? v : pooled[i];
            else pooled[i] += v;
        }
    }
    qib__img_free(&resp);
    if (st == QIB_OK) {
        double scale = (rot && pool == QIB__POOL_AVG) ? 1.0 / (double)nrot : 1.0;
        for (size_t i = 0; i < total; i++)
            img->v[i] = delta ? fabs(pooled[i] * scale) : pooled[i] * scale;
        if (delta) st = qib__mean_filter(img, 2 * delta + 1, dims, bc, err);
    }
    free(pooled);
    return st;
}
