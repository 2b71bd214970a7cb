/* SPDX-License-Identifier: Apache-2.0 */
/* riesz.c: the Riesz transform of a response (IBSI 2, "Riesz transform",
 * code AYRS; Unser and Van De Ville, IEEE Trans. Image Process. 19(3), 2010).
 *
 * The Riesz transform of order l = (l_1, ..., l_d), L = l_1 + ... + l_d,
 * multiplies the spectrum by
 *     R_l(w) = sqrt(L! / (l_1! ... l_d!)) * prod_a (-j w_a)^(l_a) / |w|^L,
 * and R_l(0) = 0. Order 1 along an axis is the (normalised) first
 * derivative, order 2 the second, without the scale a derivative would add.
 * The response kept is the real part (for a real image it is real: R_l is
 * the transform of a real kernel). IBSI 2's phase-1 tests 9.a (order 100 on
 * a LoG), 9.b.1 (020 on a LoG) and 10.b.1 (020 on a Simoncelli band) fix
 * the axis order: the digits are for axes i, j, k. The tests that align the
 * transform to the local structure tensor (9.b.2, 10.a, 10.b.2) have no
 * IBSI reference and are not implemented. */
#include <math.h>
#include <string.h>

#include "filter.h"

/* sqrt(L! / prod l_a!) of the transfer function above. */
static double riesz_norm(const qib__riesz *r) {
    double num = 1.0, den = 1.0;
    int L = 0;
    for (int a = 0; a < r->dims; a++) {
        for (int i = 2; i <= r->order[a]; i++) den *= i;
        L += r->order[a];
    }
    for (int i = 2; i <= L; i++) num *= i;
    return sqrt(num / den);
}

qib_status qib__riesz_parse(const qib_filter_spec *s, const char *param, int dims,
                            qib__riesz *out, int *present, qib_error *err) {
    const char *t = qib__spec_text(s, param);
    memset(out, 0, sizeof *out);
    out->dims = dims;
    *present = 0;
    if (!strcmp(t, "none")) return QIB_OK;
    int total = 0;
    if (strlen(t) != (size_t)dims)
        return qib__spec_fail(s, param, err,
                              "'%s' is not a Riesz order of %d digits (one per axis, e.g. %s) "
                              "or none",
                              t, dims, dims == 3 ? "100" : "10");
    for (int a = 0; a < dims; a++) {
        if (t[a] < '0' || t[a] > '9')
            return qib__spec_fail(s, param, err, "'%s': order digit '%c' is not 0-9", t, t[a]);
        out->order[a] = t[a] - '0';
        total += out->order[a];
    }
    if (total == 0)
        return qib__spec_fail(s, param, err, "order %s is the identity; use none", t);
    out->total = total;
    out->norm = riesz_norm(out);
    *present = 1;
    return QIB_OK;
}

void qib__riesz_apply_at(const qib__riesz *r, const double w[3], double h[2]) {
    double norm2 = 0.0, prod = 1.0;
    int L = 0;
    for (int a = 0; a < r->dims; a++) {
        norm2 += w[a] * w[a];
        for (int i = 0; i < r->order[a]; i++) prod *= w[a];
        L += r->order[a];
    }
    if (norm2 == 0.0) {
        h[0] = h[1] = 0.0;
        return;
    }
    double mag = r->norm * prod / pow(sqrt(norm2), L);
    /* (-j)^L = 1, -j, -1, j for L mod 4 = 0, 1, 2, 3 */
    double re = 0, im = 0;
    switch (L % 4) {
    case 0: re = mag; break;
    case 1: im = -mag; break;
    case 2: re = -mag; break;
    default: im = mag; break;
    }
    double hr = h[0] * re - h[1] * im, hi = h[0] * im + h[1] * re;
    h[0] = hr;
    h[1] = hi;
}

size_t qib__fft_margin(long margin_param, size_t n, size_t at_least) {
    size_t m = (n + 1) / 2;
    if (m > 64) m = 64;
    if (margin_param >= 0) m = (size_t)margin_param;
    if (m < at_least) m = at_least;
    return m < n ? m : n; /* beyond the axis length the extension only repeats */
}
