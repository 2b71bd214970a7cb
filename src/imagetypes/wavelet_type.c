/* SPDX-License-Identifier: Apache-2.0 */
/* wavelet_type.c: PyRadiomics' Wavelet image type.
 *
 * Source: PyRadiomics 3.1 imageoperations.getWaveletImage and _swt3, with
 * PyWavelets 1.1.1 pywt.swtn (pywt/_swt.py) and its C swt (see swt.h). PyRadiomics:
 *   1. takes the array in SimpleITK order (z, y, x) and pads every odd-sized axis by
 *      one voxel at its end with numpy.pad mode 'wrap' (the padded voxel repeats
 *      index 0), so each axis has an even length N';
 *   2. calls pywt.swtn(data, wavelet, level=1, start_level=0, axes=(2, 1, 0)) once
 *      per level: every level filters the previous level's approximation with the
 *      same, NOT upsampled, filters (level 1 of pywt each time), periodically over
 *      N'; axes (2, 1, 0) are x, y, z, so in a name such as "LLH" the letters are x,
 *      y, z (H: dec_hi, L: dec_lo);
 *   3. runs start_level levels first without output, then `level` levels; each
 *      yields its 7 detail sub-bands in pywt's key order (LLH, LHL, LHH, HLL, HLH,
 *      HHL, HHH), named "wavelet-XYZ" for the first yielded level and "waveletK-XYZ"
 *      for the K-th; the last approximation follows as "wavelet-LLL" (one level) or
 *      "waveletK-LLL" (K levels); every image is cropped back to the original size;
 *   4. with force2D the axis force2Ddimension (0 z, 1 y, 2 x) is not transformed and
 *      names have two letters.
 * pywt computes in float32 for float32 images and in float64 otherwise; qib does the
 * same, with pywt's float32 filters (wavelet_bank.h).
 *
 * qib computes only the output box B (the mask's bounding box) plus the filters'
 * reach: L = start_level + level levels of taps reach F/2 - 1 voxels before and F/2
 * after each voxel (F: filter length), so B grows by L(F/2 - 1) before and L F/2
 * after along each transformed axis. Voxels of that region are read from the image
 * extended periodically with period N' (the padded copy PyRadiomics transforms), so
 * the result equals the whole-image computation also where the reach crosses the
 * image border. The levels are separable "valid" passes (swt.c), depth-first so the
 * intermediate passes are shared by the sub-bands below them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagetypes_internal.h"
#include "swt.h"
#include "wavelet_bank.h"

/* More levels than this would grow the region by hundreds of voxels per axis. */
#define MAX_TOTAL_LEVELS 16

typedef struct wt_plan {
    qib_wavelet w;
    long level, start_level, total;
    int n_axes;     /* transformed axes: 3, or 2 with force2D */
    int axes[3];    /* in pywt's order: x, y, z without the removed axis */
    bool on[3];     /* whether axis a is transformed */
    bool single;    /* float32 arithmetic */
    size_t es;      /* bytes per element */
    size_t mlo, mhi; /* reach of one level before and after a voxel */
} wt_plan;

static qib_status read_plan(const qib__imgt_ctx *c, wt_plan *p, qib_error *err) {
    const char *name = qib__imgt_param(c, "wavelet");
    char buf[32] = "coif1";
    if (name) {
        size_t a = 0, len = strlen(name);
        while (a < len && (name[a] == ' ' || name[a] == '\t')) a++;
        while (len > a && (name[len - 1] == ' ' || name[len - 1] == '\t')) len--;
        QIB_FAIL_IF(len - a >= sizeof buf, err, QIB_ERR_UNSUPPORTED, NULL, -1, "wavelet",
                    "wavelet '%s' is not supported", name);
        memcpy(buf, name + a, len - a);
        buf[len - a] = 0;
    }
    QIB_FORWARD(qib__wavelet_get(buf, "wavelet", &p->w, err));
    QIB_FORWARD(qib__imgt_int(c, "level", 1, 1, MAX_TOTAL_LEVELS, &p->level, err));
    QIB_FORWARD(qib__imgt_int(c, "start_level", 0, 0, MAX_TOTAL_LEVELS, &p->start_level, err));
    p->total = p->level + p->start_level;
    QIB_FAIL_IF(p->total > MAX_TOTAL_LEVELS, err, QIB_ERR_LIMIT, NULL, -1, "level",
                "start_level + level = %ld exceeds %d", p->total, MAX_TOTAL_LEVELS);
    bool force2d = false;
    long dim2d = 0;
    QIB_FORWARD(qib__imgt_bool(c, "force2D", false, &force2d, err));
    QIB_FORWARD(qib__imgt_int(c, "force2Ddimension", 0, 0, 2, &dim2d, err));
    /* numpy axis 0, 1, 2 is z, y, x: qib axis 2 - dim2d is left out */
    p->n_axes = 0;
    for (int a = 0; a < 3; a++) {
        p->on[a] = !(force2d && a == 2 - (int)dim2d);
        if (p->on[a]) p->axes[p->n_axes++] = a;
    }
    p->single = qib_volume_dtype(c->image) == QIB_DT_F32;
    p->es = p->single ? sizeof(float) : sizeof(double);
    p->mlo = p->w.len / 2 - 1;
    p->mhi = p->w.len / 2;
    return QIB_OK;
}

/* Index along axis a of the padded, periodically extended image for position p of
 * that axis (p may be negative or past the end): numpy.pad 'wrap' by one voxel on
 * odd axes, then period N'. */
static size_t periodic_index(long p, size_t dim) {
    long np = (long)(dim + (dim & 1));
    long q = p % np;
    if (q < 0) q += np;
    return (size_t)q == dim ? 0 : (size_t)q;
}

/* The first region: box plus total reach on transformed axes, read periodically. */
static qib_status gather(const qib__imgt_ctx *c, const wt_plan *p, void **out, size_t n[3],
                         qib_error *err) {
    const size_t *dim = c->grid->dim;
    size_t *idx[3] = {NULL, NULL, NULL};
    long start[3];
    for (int a = 0; a < 3; a++) {
        size_t before = p->on[a] ? (size_t)p->total * p->mlo : 0;
        size_t after = p->on[a] ? (size_t)p->total * p->mhi : 0;
        n[a] = c->box.size[a] + before + after;
        start[a] = (long)c->box.lo[a] - (long)before;
    }
    size_t count = n[0] * n[1] * n[2];
    void *data = malloc(count * p->es);
    double *row = malloc(dim[0] * sizeof *row);
    for (int a = 0; a < 3; a++) idx[a] = malloc(n[a] * sizeof *idx[a]);
    qib_status st = QIB_OK;
    if (!data || !row || !idx[0] || !idx[1] || !idx[2]) {
        st = qib__nomem(err, NULL, "the wavelet region");
        free(data);
        data = NULL;
        goto done;
    }
    for (int a = 0; a < 3; a++)
        for (size_t k = 0; k < n[a]; k++) idx[a][k] = periodic_index(start[a] + (long)k, dim[a]);
    for (size_t k = 0; k < n[2]; k++)
        for (size_t j = 0; j < n[1]; j++) {
            qib__imgt_read(c->image, (idx[2][k] * dim[1] + idx[1][j]) * dim[0], dim[0], row);
            size_t base = (k * n[1] + j) * n[0];
            if (p->single)
                for (size_t i = 0; i < n[0]; i++) ((float *)data)[base + i] = (float)row[idx[0][i]];
            else
                for (size_t i = 0; i < n[0]; i++) ((double *)data)[base + i] = row[idx[0][i]];
        }
done:
    free(row);
    for (int a = 0; a < 3; a++) free(idx[a]);
    *out = data;
    return st;
}

/* One valid pass along axis a of `in` (dims n) into lo and/or hi (dims m). */
static void pass(const wt_plan *p, const void *in, const size_t n[3], int a, void *lo, void *hi) {
    if (p->single)
        qib__swt_pass_f32(in, n, a, p->w.dec_lo_f32, p->w.dec_hi_f32, p->w.len, 1, lo, hi);
    else
        qib__swt_pass_f64(in, n, a, p->w.dec_lo, p->w.dec_hi, p->w.len, 1, lo, hi);
}

/* Depth-first over the transformed axes from axes[k] on: `in` (dims n, freed here)
 * is split into low and high parts, each split further; the 2^n_axes leaves land in
 * bands[] in pywt's key order (first axis most significant, L = 0). With
 * approx_only, only the all-low leaf is computed. */
static qib_status descend(const wt_plan *p, void *in, const size_t n[3], int k, size_t key,
                          bool approx_only, void **bands, qib_error *err) {
    if (k == p->n_axes) {
        bands[key] = in;
        return QIB_OK;
    }
    int a = p->axes[k];
    size_t m[3] = {n[0], n[1], n[2]};
    m[a] = n[a] - (p->w.len - 1);
    size_t count = m[0] * m[1] * m[2];
    void *lo = malloc(count * p->es);
    void *hi = approx_only ? NULL : malloc(count * p->es);
    if (!lo || (!approx_only && !hi)) {
        free(in);
        free(lo);
        free(hi);
        return qib__nomem(err, NULL, "a wavelet sub-band");
    }
    pass(p, in, n, a, lo, hi);
    free(in);
    qib_status st = descend(p, lo, m, k + 1, 2 * key, approx_only, bands, err);
    if (hi) {
        if (st == QIB_OK)
            st = descend(p, hi, m, k + 1, 2 * key + 1, approx_only, bands, err);
        else
            free(hi);
    }
    return st;
}

/* Moves the output box out of a band held on dims n, whose first `off` voxels along
 * each transformed axis lie before the box, into a new volume. *band is taken over:
 * when it is exactly the box it becomes the volume's data, else it is freed. */
static qib_status crop_band(const qib__imgt_ctx *c, const wt_plan *p, void **band,
                            const size_t n[3], size_t off, qib_volume **out, qib_error *err) {
    const size_t *s = c->box.size;
    void *data = *band;
    *band = NULL;
    if (off != 0 || n[0] != s[0] || n[1] != s[1] || n[2] != s[2]) {
        char *tmp = malloc(s[0] * s[1] * s[2] * p->es);
        if (!tmp) {
            free(data);
            return qib__nomem(err, NULL, "a wavelet image");
        }
        size_t o[3];
        for (int a = 0; a < 3; a++) o[a] = p->on[a] ? off : 0;
        for (size_t k = 0; k < s[2]; k++)
            for (size_t j = 0; j < s[1]; j++)
                memcpy(tmp + ((k * s[1] + j) * s[0]) * p->es,
                       (const char *)data + (((k + o[2]) * n[1] + j + o[1]) * n[0] + o[0]) * p->es,
                       s[0] * p->es);
        free(data);
        data = tmp;
    }
    qib_grid g;
    qib_grid_sub(c->grid, &c->box, &g);
    qib_status st = qib__volume_adopt(&g, 1, p->single ? QIB_DT_F32 : QIB_DT_F64, data, out, err);
    if (st != QIB_OK) free(data);
    return st;
}

/* "wavelet-LLH" for the first yielded level, "wavelet2-LLH" for the second. */
static void band_name(const wt_plan *p, long yielded, size_t key, char *name, size_t n) {
    char letters[4];
    for (int k = 0; k < p->n_axes; k++)
        letters[k] = ((key >> (p->n_axes - 1 - k)) & 1) ? 'H' : 'L';
    letters[p->n_axes] = 0;
    if (yielded == 1)
        snprintf(name, n, "wavelet-%s", letters);
    else
        snprintf(name, n, "wavelet%ld-%s", yielded, letters);
}

qib_status qib__imgt_wavelet(const qib__imgt_ctx *c, qib__imgt_list *out, qib_error *err) {
    wt_plan p;
    QIB_FORWARD(read_plan(c, &p, err));
    size_t n[3] = {0, 0, 0};
    void *cur = NULL;
    QIB_FORWARD(gather(c, &p, &cur, n, err));
    size_t n_bands = (size_t)1 << p.n_axes;
    void *bands[8] = {NULL};
    qib_status st = QIB_OK;
    for (long lev = 0; lev < p.total && st == QIB_OK; lev++) {
        bool yield = lev >= p.start_level;
        st = descend(&p, cur, n, 0, 0, !yield, bands, err);
        cur = NULL;
        if (st != QIB_OK) break;
        for (int k = 0; k < p.n_axes; k++) n[p.axes[k]] -= p.w.len - 1;
        size_t off = (size_t)(p.total - 1 - lev) * p.mlo; /* reach of the levels left */
        for (size_t b = 1; b < n_bands && yield && st == QIB_OK; b++) {
            char name[64];
            qib_volume *v = NULL;
            band_name(&p, lev - p.start_level + 1, b, name, sizeof name);
            st = crop_band(c, &p, &bands[b], n, off, &v, err);
            if (st == QIB_OK) st = qib__imgt_push(out, name, v, err);
        }
        for (size_t b = 1; b < n_bands; b++) {
            free(bands[b]);
            bands[b] = NULL;
        }
        cur = bands[0];
        bands[0] = NULL;
    }
    if (st == QIB_OK) {
        char name[64];
        char letters[4] = "LLL";
        letters[p.n_axes] = 0;
        if (p.level == 1)
            snprintf(name, sizeof name, "wavelet-%s", letters);
        else
            snprintf(name, sizeof name, "wavelet%ld-%s", p.level, letters);
        qib_volume *v = NULL;
        st = crop_band(c, &p, &cur, n, 0, &v, err);
        if (st == QIB_OK) st = qib__imgt_push(out, name, v, err);
    }
    free(cur);
    for (size_t b = 0; b < 8; b++) free(bands[b]);
    return st;
}
