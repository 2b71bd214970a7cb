/* SPDX-License-Identifier: Apache-2.0 */
/* mean.c: the mean filter (IBSI 2, "Mean filter", code S60F).
 *
 * The response is the average over a window of M voxels along each axis
 * centred on the voxel:
 *     h(x) = 1 / M^d  for |x_a| <= (M - 1) / 2 on each of the d axes, else 0,
 * M odd, d = 3 (volume) or 2 (the (i,j) plane of each slice). The window is
 * the product of d 1D windows, so it runs as d passes of a 1D kernel of M
 * values 1/M. The Laws energy map uses the same filter. */
#include <stdlib.h>

#include "filter.h"

qib_status qib__mean_filter(qib__img *img, size_t size, int dims, qib__bc bc, qib_error *err) {
    double *k = malloc(size * sizeof(double));
    if (!k) return qib__nomem(err, NULL, "a mean kernel");
    for (size_t m = 0; m < size; m++) k[m] = 1.0 / (double)size;
    qib__kernel1d k1 = {k, size, size / 2}, none = {NULL, 0, 0};
    qib__kernel1d ks[3] = {k1, k1, dims == 3 ? k1 : none};
    qib_status st = qib__conv_separable(img, ks, bc, err);
    free(k);
    return st;
}

qib_status qib__mean_check(const qib_filter_spec *s, qib_error *err) {
    double m = qib__spec_num(s, "size");
    if (((long)m) % 2 == 0)
        return qib__spec_fail(s, "size", err, "support %.0f is even; IBSI 2 centres the window, "
                                              "so it must be odd",
                              m);
    return QIB_OK;
}

qib_status qib__mean_support(const qib_filter_spec *s, const double sp[3], const size_t n[3],
                             size_t margin[3], int *global, qib_error *err) {
    size_t r = (size_t)qib__spec_num(s, "size") / 2;
    int dims = qib__spec_choice(s, "dim") == QIB__DIM_3D ? 3 : 2;
    margin[0] = margin[1] = r;
    margin[2] = dims == 3 ? r : 0;
    *global = 0;
    return QIB_OK;
}

qib_status qib__mean_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    return qib__mean_filter(img, (size_t)qib__spec_num(s, "size"),
                            qib__spec_choice(s, "dim") == QIB__DIM_3D ? 3 : 2,
                            (qib__bc)qib__spec_choice(s, "boundary"), err);
}
