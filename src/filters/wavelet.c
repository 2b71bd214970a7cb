/* SPDX-License-Identifier: Apache-2.0 */
/* wavelet.c: undecimated separable wavelets (IBSI 2, "Separable wavelets";
 * the filter bank is PyWavelets' decomposition pair dec_lo (L) and dec_hi
 * (H), read from src/imagetypes/wavelet_bank.h).
 *
 * Level j of the stationary (a trous) transform, without decimation:
 *     levels t = 1 .. j-1: the low pass L_t along every filtered axis,
 *     level j:             L_j or H_j along each axis, as the letters say
 *                          ("LHL": L along i, H along j, L along k),
 * where the level-t filter is the base filter upsampled by 2^(t-1): each
 * coefficient followed by 2^(t-1) - 1 zeros, length F 2^(t-1), centred at
 * floor(length / 2). Each pass is a 1D convolution (convolve.c) with the
 * boundary condition. IBSI 2's tests fix the conventions: 5.a.1 and 6.a.1
 * (db2 LHL, coif1 HHL, level 1: letters in axis order i, j, k, centre
 * floor(F/2)) and 7.a.1-2 (haar, level 2: the zeros trail each
 * coefficient). Rotation invariance pools (average by default) the
 * responses of the 24 (3D) or 4 (2D) right-angle rotations of the image,
 * each decomposition computed in the rotated frame: the filters of kernel
 * axis a run along image axis perm[a], mirrored when flip[a]
 * (qib__kernel_mirror moves an even filter's centre as mirroring the image
 * would). */
#include <stdlib.h>
#include <string.h>

#include "../imagetypes/wavelet_bank.h"
#include "filter.h"

/* Letters "LHL" -> 0/1 per axis (1 = high pass); returns the count or 0. */
static int parse_letters(const char *t, int hi[3]) {
    size_t len = strlen(t);
    if (len != 2 && len != 3) return 0;
    for (size_t a = 0; a < len; a++) {
        if (t[a] != 'L' && t[a] != 'H') return 0;
        hi[a] = t[a] == 'H';
    }
    return (int)len;
}

qib_status qib__wavelet_check(const qib_filter_spec *s, qib_error *err) {
    qib_wavelet w;
    if (!qib__wavelet_find(qib__spec_text(s, "family"), &w))
        return qib__spec_fail(s, "family", err,
                              "'%s' is not a wavelet qib knows; use haar, db1..db20, "
                              "sym2..sym20 or coif1..coif5",
                              qib__spec_text(s, "family"));
    int hi[3];
    if (!parse_letters(qib__spec_text(s, "filter"), hi))
        return qib__spec_fail(s, "filter", err,
                              "'%s' is not 2 or 3 letters L/H (e.g. LHL for 3D, HL for 2D)",
                              qib__spec_text(s, "filter"));
    /* the reach does not depend on the grid: check it now */
    size_t margin[3], n[3] = {1, 1, 1};
    double sp[3] = {1, 1, 1};
    int global;
    return qib__wavelet_support(s, sp, n, margin, &global, err);
}

/* Reach of the level-t filter (t >= 1) of a base of F taps. */
static size_t level_reach(size_t F, int t) {
    size_t up = (size_t)1 << (t - 1), len = F * up, c = len / 2;
    return c > len - 1 - c ? c : len - 1 - c;
}

qib_status qib__wavelet_support(const qib_filter_spec *s, const double sp[3],
                                const size_t n[3], size_t margin[3], int *global,
                                qib_error *err) {
    qib_wavelet w;
    int hi[3];
    qib__wavelet_find(qib__spec_text(s, "family"), &w);
    int dims = parse_letters(qib__spec_text(s, "filter"), hi);
    int level = (int)qib__spec_num(s, "level");
    size_t m = 0;
    for (int t = 1; t <= level; t++) m += level_reach(w.len, t);
    if (m > QIB__FILTER_MAX_RADIUS)
        return qib__spec_fail(s, "level", err,
                              "%s at level %d reaches %zu voxels; at most %d allowed", w.name,
                              level, m, QIB__FILTER_MAX_RADIUS);
    for (int a = 0; a < 3; a++) margin[a] = a < dims ? m : 0;
    *global = 0;
    return QIB_OK;
}

/* The base filter upsampled by 2^(t-1) into out (length F 2^(t-1)). */
static qib__kernel1d upsample(const double *base, size_t F, int t, double *out) {
    size_t up = (size_t)1 << (t - 1), len = F * up;
    memset(out, 0, len * sizeof(double));
    for (size_t m = 0; m < F; m++) out[m * up] = base[m];
    qib__kernel1d k = {out, len, len / 2};
    return k;
}

/* One decomposition with the filters of kernel axis a along image axis
 * rot->perm[a], mirrored when rot->flip[a]. */
static qib_status decompose(qib__img *img, const qib_wavelet *w, const int hi[3], int dims,
                            int level, const qib__rotation *rot, qib__bc bc, double *store,
                            double *mirror_store, qib_error *err) {
    for (int t = 1; t <= level; t++) {
        qib__kernel1d ks[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
        for (int a = 0; a < dims; a++) {
            const double *base = (t == level && hi[a]) ? w->dec_hi : w->dec_lo;
            size_t len = w->len << (t - 1);
            qib__kernel1d k = upsample(base, w->len, t, store + (size_t)a * len);
            if (rot->flip[a]) k = qib__kernel_mirror(k, mirror_store + (size_t)a * len);
            ks[rot->perm[a]] = k;
        }
        QIB_FORWARD(qib__conv_separable(img, ks, bc, err));
    }
    return QIB_OK;
}

qib_status qib__wavelet_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    qib_wavelet w;
    int hi[3];
    if (!qib__wavelet_find(qib__spec_text(s, "family"), &w))
        return qib__spec_fail(s, "family", err, "unknown wavelet");
    int dims = parse_letters(qib__spec_text(s, "filter"), hi);
    int level = (int)qib__spec_num(s, "level");
    int rot = (int)qib__spec_num(s, "rotation_invariant");
    int pool = qib__spec_choice(s, "pooling");
    qib__bc bc = (qib__bc)qib__spec_choice(s, "boundary");
    size_t margin[3];
    int global;
    QIB_FORWARD(qib__wavelet_support(s, img->sp, img->n, margin, &global, err));

    qib__rotation rots[24];
    size_t nrot = rot ? qib__rotations(dims, rots) : 1;
    if (!rot)
        for (int a = 0; a < 3; a++) rots[0].perm[a] = a, rots[0].flip[a] = 0;
    size_t maxlen = w.len << (level - 1), total = qib__img_count(img);
    double *store = malloc(3 * maxlen * sizeof(double));
    double *mstore = malloc(3 * maxlen * sizeof(double));
    double *pooled = malloc(total * sizeof(double));
    qib_status st = QIB_OK;
    if (!store || !mstore || !pooled) st = qib__nomem(err, NULL, "wavelet filters");
    for (size_t r = 0; r < nrot && st == QIB_OK; r++) {
        qib__img resp;
        st = qib__img_copy(img, &resp, err);
        if (st == QIB_OK)
            st = decompose(&resp, &w, hi, dims, level, &rots[r], bc, store, mstore, err);
        if (st == QIB_OK)
            for (size_t i = 0; i < total; i++) {
                double v = resp.v[i];
                if (r == 0) pooled[i] = v;
                else if (pool == QIB__POOL_MAX) pooled[i] = v > pooled[i] ? v : pooled[i];
                else pooled[i] += v;
            }
        qib__img_free(&resp);
    }
    if (st == QIB_OK) {
        double scale = (rot && pool == QIB__POOL_AVG) ? 1.0 / (double)nrot : 1.0;
        for (size_t i = 0; i < total; i++) img->v[i] = pooled[i] * scale;
    }
    free(store);
    free(mstore);
    free(pooled);
    return st;
}
