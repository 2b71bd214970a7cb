/* SPDX-License-Identifier: Apache-2.0 */
/* simoncelli.c: the Simoncelli wavelet, an isotropic non-separable band
 * pass (IBSI 2, "Non-separable wavelets", code PRT7; Portilla and
 * Simoncelli, Int. J. Comput. Vis. 40(1), 2000), optionally Riesz-
 * transformed (riesz.c).
 *
 * The band of decomposition level j is defined by its transfer function
 *     H_j(w) = cos(pi/2 * log2(2 r / pi))  for pi/4 < r < pi,  else 0,
 *     r = 2^(j-1) |w|,
 * |w| over the filtered axes (3D, or the (i,j) plane in 2D). It is applied
 * undecimated in the Fourier domain (fft.c). IBSI 2's reference maps for
 * tests 8.a.1-3 sample H on N points evenly spaced over [-pi, pi] per axis
 * (grid=ibsi, the default): they match that sampling to 1e-7 of their range
 * at levels 2 and 3, while the DFT frequencies 2 pi q / N (grid=dft) miss
 * them by 2.5% and 8% (the tolerance is 1%). Periodic boundaries need no
 * padding; the others extend each axis by `margin` voxels first. */
#include <math.h>

#include "filter.h"

typedef struct simoncelli_ctx {
    int dims;
    double scale; /* 2^(j-1) */
    int has_riesz;
    qib__riesz riesz;
} simoncelli_ctx;

static void simoncelli_transfer(const double w[3], const size_t q[3], const void *ctx,
                                double out[2]) {
    const simoncelli_ctx *c = ctx;
    double r2 = 0.0;
    for (int a = 0; a < c->dims; a++) r2 += w[a] * w[a];
    double r = c->scale * sqrt(r2);
    out[0] = (r > QIB__PI / 4 && r < QIB__PI) ? cos(QIB__PI / 2 * log2(2.0 * r / QIB__PI)) : 0.0;
    out[1] = 0.0;
    if (c->has_riesz) qib__riesz_apply_at(&c->riesz, w, out);
}

static qib_status read_ctx(const qib_filter_spec *s, simoncelli_ctx *c, qib_error *err) {
    c->dims = qib__spec_choice(s, "dim") == QIB__DIM_3D ? 3 : 2;
    c->scale = ldexp(1.0, (int)qib__spec_num(s, "level") - 1);
    return qib__riesz_parse(s, "riesz", c->dims, &c->riesz, &c->has_riesz, err);
}

qib_status qib__simoncelli_check(const qib_filter_spec *s, qib_error *err) {
    simoncelli_ctx c;
    return read_ctx(s, &c, err);
}

qib_status qib__simoncelli_support(const qib_filter_spec *s, const double sp[3],
                                   const size_t n[3], size_t margin[3], int *global,
                                   qib_error *err) {
    for (int a = 0; a < 3; a++) margin[a] = n[a];
    *global = 1;
    return QIB_OK;
}

qib_status qib__simoncelli_apply(const qib_filter_spec *s, qib__img *img, qib_error *err) {
    simoncelli_ctx c;
    QIB_FORWARD(read_ctx(s, &c, err));
    long mp = (long)qib__spec_num(s, "margin");
    size_t margin[3];
    for (int a = 0; a < 3; a++) margin[a] = a < c.dims ? qib__fft_margin(mp, img->n[a], 0) : 0;
    qib__fgrid grid = qib__spec_choice(s, "grid") == 0 ? QIB__GRID_DFT : QIB__GRID_IBSI;
    return qib__fft_filter(img, c.dims, margin, (qib__bc)qib__spec_choice(s, "boundary"), grid,
                           simoncelli_transfer, &c, err);
}
