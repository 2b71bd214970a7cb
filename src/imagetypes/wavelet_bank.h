/* SPDX-License-Identifier: Apache-2.0 */
/* wavelet_bank.h: orthogonal wavelet filter banks, looked up by PyWavelets name
 * (folder-private; the IBSI 2 wavelet filters read it too).
 *
 * Families, exactly as PyWavelets 1.1.1 defines them (pywt.Wavelet(name)):
 *   haar, db1..db20 (Daubechies), sym2..sym20 (symlets), coif1..coif5 (coiflets).
 * These are the ranges PyRadiomics documents for its Wavelet image type. Filters are
 * PyWavelets' unnormalised ones: sum(dec_lo) = sqrt(2), sum(dec_lo^2) = 1.
 *
 * Relations (those of pywt's wavelets.c for orthogonal wavelets; bit-exact, they only
 * reverse and flip signs), with F the filter length:
 *   rec_lo[i] = dec_lo[F-1-i]
 *   dec_hi[i] = (-1)^(F-1-i) * dec_lo[F-1-i]
 *   rec_hi[i] = dec_hi[F-1-i] */
#ifndef QIB_WAVELET_BANK_H
#define QIB_WAVELET_BANK_H

#include "../common/qib_internal.h"

/* Longest filter in the bank (db20). */
#define QIB_WAVELET_MAX_LEN 40

typedef struct qib_wavelet {
    char name[16];   /* PyWavelets name, e.g. "coif1" */
    size_t len;      /* filter length F, even */
    double dec_lo[QIB_WAVELET_MAX_LEN]; /* decomposition low-pass (pywt dec_lo) */
    double dec_hi[QIB_WAVELET_MAX_LEN]; /* decomposition high-pass (pywt dec_hi) */
    double rec_lo[QIB_WAVELET_MAX_LEN]; /* reconstruction low-pass (pywt rec_lo) */
    double rec_hi[QIB_WAVELET_MAX_LEN]; /* reconstruction high-pass (pywt rec_hi) */
    /* The decomposition filters PyWavelets uses on float32 data: (float)dec_lo for
     * haar, dbN and symN; for coifN pywt rounds differently (its float tables are
     * scaled by sqrt(2) in float), so those are stored as pywt 1.1.1 computes them. */
    float dec_lo_f32[QIB_WAVELET_MAX_LEN];
    float dec_hi_f32[QIB_WAVELET_MAX_LEN];
} qib_wavelet;

/* Fills *w with the filters of the wavelet called `name` (exact, case-sensitive
 * PyWavelets spelling: "haar", "db4", "sym8", "coif1"). Returns false, leaving *w
 * alone, for a name not in the bank. */
bool qib__wavelet_find(const char *name, qib_wavelet *w);

/* The same, failing with QIB_ERR_UNSUPPORTED and a message naming `field` (the
 * setting, e.g. "wavelet") and the names that are supported. */
qib_status qib__wavelet_get(const char *name, const char *field, qib_wavelet *w,
                            qib_error *err);

/* Number of wavelets in the bank and the name of the i-th (in bank order: haar,
 * db1..db20, sym2..sym20, coif1..coif5); NULL past the end. */
size_t qib__wavelet_count(void);
const char *qib__wavelet_name(size_t i);

#endif
