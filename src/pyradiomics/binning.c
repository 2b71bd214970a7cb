/* SPDX-License-Identifier: Apache-2.0 */
/* binning.c: PyRadiomics 3.1's grey-level binning (see pr_binning.h).
 *
 * Source: PyRadiomics radiomics/imageoperations.py, getBinEdges and binImage
 * (docs: "Feature extraction > binWidth / binCount"); numpy's arange fills
 * start + i * (start + step - start), linspace start + i * step with the last
 * edge set to stop, and digitize(x, edges) counts the edges <= x (increasing
 * edges, right=False). */
#include <math.h>
#include <stdlib.h>

#include "pr_binning.h"

/* At most this many bins: more is a mistake (a tiny bin width). */
#define PR_MAX_BINS 16777216.0

/* Python's float modulo: the remainder takes the sign of the divisor. */
static double py_mod(double a, double b) {
    double r = fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

/* numpy.digitize for increasing edges: the number of edges <= x. */
static int32_t digitize(const double *edges, size_t n_edges, double x) {
    size_t lo = 0, hi = n_edges; /* answer in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (edges[mid] <= x) lo = mid + 1;
        else hi = mid;
    }
    return (int32_t)lo;
}

qib_status qib__pr_discretise(const double *img, const uint8_t *mask, size_t n, bool fbn,
                              double param, int32_t *levels, int32_t *n_levels, qib_error *err) {
    double mn = HUGE_VAL, mx = -HUGE_VAL;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        levels[i] = 0;
        if (!mask[i]) continue;
        if (img[i] < mn) mn = img[i];
        if (img[i] > mx) mx = img[i];
        count++;
    }
    *n_levels = 0;
    if (count == 0) return QIB_OK;
    QIB_FAIL_IF(!isfinite(mn) || !isfinite(mx), err, QIB_ERR_NUMERIC, NULL, -1, "discretisation",
                "the region holds a non-finite intensity");
    size_t n_edges;
    double *edges;
    if (fbn) {
        QIB_FAIL_IF(!(param >= 1) || param > PR_MAX_BINS, err, QIB_ERR_ARG, NULL, -1,
                    "bin_count", "bin count %g is not in [1, %g]", param, PR_MAX_BINS);
        size_t bins = (size_t)param;
        n_edges = bins + 1;
        edges = malloc(n_edges * sizeof *edges);
        if (!edges) return qib__nomem(err, NULL, "PyRadiomics bin edges");
        /* numpy.histogram on a flat region widens the range to +-0.5. */
        double lo = mn, hi = mx;
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double step = (hi - lo) / (double)bins;
        for (size_t k = 0; k < n_edges; k++) edges[k] = lo + (double)k * step;
        edges[bins] = hi + 1.0;
    } else {
        double w = param;
        QIB_FAIL_IF(!(w > 0) || !isfinite(w), err, QIB_ERR_ARG, NULL, -1, "bin_width",
                    "bin width %g is not > 0", w);
        double low = mn - py_mod(mn, w), high = mx + 2 * w;
        double len = ceil((high - low) / w);
        QIB_FAIL_IF(len > PR_MAX_BINS, err, QIB_ERR_LIMIT, NULL, -1, "bin_width",
                    "intensities %g..%g would need %.0f bins; at most %.0f are allowed", mn, mx,
                    len, PR_MAX_BINS);
        n_edges = len < 1 ? 1 : (size_t)len;
        edges = malloc((n_edges + 1) * sizeof *edges);
        if (!edges) return qib__nomem(err, NULL, "PyRadiomics bin edges");
        double delta = (low + w) - low;
        for (size_t k = 0; k < n_edges; k++) edges[k] = low + (double)k * delta;
        if (n_edges == 1) { /* a flat region: PyRadiomics centres one bin on it */
            edges[1] = edges[0] + 0.5;
            edges[0] -= 0.5;
            n_edges = 2;
        }
    }
    int32_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mask[i]) continue;
        int32_t l = digitize(edges, n_edges, img[i]);
        levels[i] = l;
        if (l > top) top = l;
    }
    free(edges);
    *n_levels = top;
    return QIB_OK;
}
