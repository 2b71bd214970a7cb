/* SPDX-License-Identifier: Apache-2.0 */
/* processing.c: the processing chain end to end, and its settings.
 *
 * qib__process runs the IBSI steps in order (see processing.h) on the
 * region's neighbourhood only: the input is read on the box the
 * interpolation kernel needs, and the output is the box of the new grid that
 * can hold the region. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "processing.h"

/* Tolerance of the partial-volume threshold: an interpolated mask value that
 * is 0.5 in exact arithmetic may come out one rounding error below it. */
#define MASK_EPS 1e-9

static qib_status parse_number(const char *p, const char **end, double *out, bool allow_inf,
                               const char *setting, qib_error *err) {
    while (*p == ' ') p++;
    char *e = NULL;
    errno = 0;
    double x = strtod(p, &e);
    QIB_FAIL_IF(e == p || errno == ERANGE || (!allow_inf && !isfinite(x)) || isnan(x), err,
                QIB_ERR_ARG, NULL, -1, setting, "'%s' does not start with a %snumber", p,
                allow_inf ? "" : "finite ");
    while (*e == ' ') e++;
    *end = e;
    *out = x;
    return QIB_OK;
}

qib_status qib__parse_spacing(const char *text, bool *resample, double spacing[3],
                              qib_error *err) {
    if (!strcasecmp(text, "none") || !*text) {
        *resample = false;
        spacing[0] = spacing[1] = spacing[2] = 0;
        return QIB_OK;
    }
    double v[3];
    const char *p = text;
    for (int a = 0; a < 3; a++) {
        QIB_FORWARD(parse_number(p, &p, &v[a], false, "resample_spacing", err));
        QIB_FAIL_IF(v[a] < 0 || v[a] > 1e6, err, QIB_ERR_ARG, NULL, -1, "resample_spacing",
                    "spacing %g mm is outside [0, 1e6] (0 keeps the axis)", v[a]);
        if (a < 2) {
            QIB_FAIL_IF(*p != ',', err, QIB_ERR_ARG, NULL, -1, "resample_spacing",
                        "'%s' is not \"none\" or \"x,y,z\" in mm", text);
            p++;
        }
    }
    QIB_FAIL_IF(*p, err, QIB_ERR_ARG, NULL, -1, "resample_spacing",
                "'%s' has text after the third spacing", text);
    *resample = true;
    memcpy(spacing, v, sizeof v);
    return QIB_OK;
}

qib_status qib__parse_range(const char *text, double *lo, double *hi, qib_error *err) {
    if (!strcasecmp(text, "none") || !*text) {
        *lo = -HUGE_VAL;
        *hi = HUGE_VAL;
        return QIB_OK;
    }
    const char *comma = strchr(text, ',');
    QIB_FAIL_IF(!comma || strchr(comma + 1, ','), err, QIB_ERR_ARG, NULL, -1, "reseg_range",
                "'%s' is not \"none\" or \"lo,hi\" (either may be inf)", text);
    double v[2];
    const char *parts[2] = {text, comma + 1};
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k], *e;
        while (*p == ' ') p++;
        if (*p == ',' || !*p) { /* empty side: open */
            v[k] = k ? HUGE_VAL : -HUGE_VAL;
            continue;
        }
        QIB_FORWARD(parse_number(p, &e, &v[k], true, "reseg_range", err));
        QIB_FAIL_IF(k == 0 ? *e != ',' : *e != 0, err, QIB_ERR_ARG, NULL, -1, "reseg_range",
                    "'%s' is not \"none\" or \"lo,hi\"", text);
    }
    QIB_FAIL_IF(v[0] > v[1] || v[0] == HUGE_VAL || v[1] == -HUGE_VAL, err, QIB_ERR_ARG, NULL,
                -1, "reseg_range", "range [%g, %g] is empty", v[0], v[1]);
    *lo = v[0];
    *hi = v[1];
    return QIB_OK;
}

static qib_interp interp_of(const char *s) {
    return !strcmp(s, "nearest") ? QIB_INTERP_NEAREST
           : !strcmp(s, "cubic") ? QIB_INTERP_CUBIC
                                 : QIB_INTERP_LINEAR;
}

static qib_discr discr_of(const char *s) {
    return !strcmp(s, "fbn") ? QIB_DISCR_FBN : !strcmp(s, "fbs") ? QIB_DISCR_FBS : QIB_DISCR_NONE;
}

qib_status qib__proc_options(const qib_settings *s, qib_proc_options *o, qib_error *err) {
    memset(o, 0, sizeof *o);
    o->input_rounding = qib_settings_bool(s, "input_rounding");
    o->slice_2d = !strcmp(qib_settings_string(s, "dimensionality"), "2d");
    QIB_FORWARD(qib__parse_spacing(qib_settings_string(s, "resample_spacing"), &o->resample,
                                   o->spacing, err));
    o->image_interp = interp_of(qib_settings_string(s, "interpolation"));
    o->mask_interp = interp_of(qib_settings_string(s, "mask_interpolation"));
    o->round_intensity = qib_settings_bool(s, "intensity_rounding");
    o->mask_threshold = qib_settings_real(s, "mask_threshold");
    QIB_FORWARD(qib__parse_range(qib_settings_string(s, "reseg_range"), &o->reseg_lo,
                                 &o->reseg_hi, err));
    o->reseg_outliers = qib_settings_bool(s, "reseg_outliers");
    o->discr = discr_of(qib_settings_string(s, "discretisation"));
    o->bin_count = (double)qib_settings_int(s, "bin_count");
    o->bin_width = qib_settings_real(s, "bin_width");
    o->ivh_discr = discr_of(qib_settings_string(s, "ivh_discretisation"));
    o->ivh_bin_count = (double)qib_settings_int(s, "ivh_bin_count");
    o->ivh_bin_width = qib_settings_real(s, "ivh_bin_width");
    return QIB_OK;
}

void qib__processed_free(qib_processed *p) {
    if (!p) return;
    free(p->image);
    free(p->morph);
    free(p->int_mask);
    free(p->levels);
    memset(p, 0, sizeof *p);
}

/* Values start .. start + n - 1 of frame 0 of v as doubles, as
 * qib_volume_value gives them (one type dispatch per row, not per voxel). */
static void gather_row(const qib_volume *v, size_t start, size_t n, double *out) {
    const void *d = qib_volume_cdata(v);
#define GATHER(T)                                                                           \
    do {                                                                                    \
        const T *p = (const T *)d + start;                                                  \
        for (size_t i = 0; i < n; i++) out[i] = (double)p[i];                               \
    } while (0)
    switch (qib_volume_dtype(v)) {
    case QIB_DT_U8: GATHER(uint8_t); return;
    case QIB_DT_I8: GATHER(int8_t); return;
    case QIB_DT_U16: GATHER(uint16_t); return;
    case QIB_DT_I16: GATHER(int16_t); return;
    case QIB_DT_U32: GATHER(uint32_t); return;
    case QIB_DT_I32: GATHER(int32_t); return;
    case QIB_DT_U64: GATHER(uint64_t); return;
    case QIB_DT_I64: GATHER(int64_t); return;
    case QIB_DT_F32: GATHER(float); return;
    case QIB_DT_F64: GATHER(double); return;
    }
#undef GATHER
    for (size_t i = 0; i < n; i++) out[i] = qib_volume_value(v, start + i);
}

qib_status qib__process(const qib_volume *image, const qib_mask *mask, const qib_box *roi_box,
                        const qib_proc_options *o, size_t pad, qib_processed *out,
                        qib_error *err) {
    qib_interp_plan plan;
    QIB_FORWARD(qib__interp_plan_make(qib_volume_grid(image), roi_box, o, pad, &plan, err));
    qib_processed r;
    memset(&r, 0, sizeof r);
    r.full_grid = plan.out_full;
    r.box = plan.out_box;
    qib_grid_sub(&plan.out_full, &plan.out_box, &r.grid);
    r.n = plan.out_box.size[0] * plan.out_box.size[1] * plan.out_box.size[2];
    size_t n_in = plan.in_box.size[0] * plan.in_box.size[1] * plan.in_box.size[2];
    /* no axis resampled: the output box is the input box, and the values
     * go straight into the result (interpolation would copy them as they are) */
    bool same = plan.identity[0] && plan.identity[1] && plan.identity[2];

    qib_status st = QIB_OK;
    double *in_img = same ? NULL : malloc(n_in * sizeof *in_img);
    double *in_mask = same ? NULL : malloc(n_in * sizeof *in_mask);
    double *out_mask = same ? NULL : malloc(r.n * sizeof *out_mask);
    r.image = malloc(r.n * sizeof *r.image);
    r.morph = malloc(r.n);
    r.int_mask = malloc(r.n);
    r.levels = malloc(r.n * sizeof *r.levels);
    if ((!same && (!in_img || !in_mask || !out_mask)) || !r.image || !r.morph || !r.int_mask ||
        !r.levels) {
        st = qib__nomem(err, NULL, "the processed region");
        goto done;
    }
    /* gather the input box: intensities (rounded when asked, IBSI's rule for
     * NIfTI data) and the mask as 0/1 */
    const qib_grid *g = qib_volume_grid(image);
    const uint8_t *m = qib_mask_cdata(mask);
    double *dst = same ? r.image : in_img;
    size_t q = 0, nx = plan.in_box.size[0];
    for (size_t k = 0; k < plan.in_box.size[2]; k++)
        for (size_t j = 0; j < plan.in_box.size[1]; j++, q += nx) {
            size_t row = ((plan.in_box.lo[2] + k) * g->dim[1] + plan.in_box.lo[1] + j) * g->dim[0] +
                         plan.in_box.lo[0];
            gather_row(image, row, nx, dst + q);
            if (o->input_rounding)
                for (size_t i = 0; i < nx; i++) dst[q + i] = round(dst[q + i]);
            if (same) /* the threshold of a 0/1 mask value */
                for (size_t i = 0; i < nx; i++)
                    r.morph[q + i] = (m[row + i] ? 1.0 : 0.0) >= o->mask_threshold - MASK_EPS;
            else
                for (size_t i = 0; i < nx; i++) in_mask[q + i] = m[row + i] ? 1.0 : 0.0;
        }
    if (!same) {
        st = qib__interp_apply(&plan, in_img, o->image_interp, r.image, err);
        if (st) goto done;
        st = qib__interp_apply(&plan, in_mask, o->mask_interp, out_mask, err);
        if (st) goto done;
    }
    for (size_t i = 0; i < r.n; i++) {
        if (o->round_intensity) r.image[i] = rint(r.image[i]); /* half to even, as numpy */
        if (!same) r.morph[i] = out_mask[i] >= o->mask_threshold - MASK_EPS;
        r.n_morph += r.morph[i];
    }
    qib__resegment(r.image, r.morph, r.n, o, r.int_mask, &r.n_int);
    st = qib__discretise(r.image, r.int_mask, r.n, o->discr,
                         o->discr == QIB_DISCR_FBN ? o->bin_count : o->bin_width, o->reseg_lo,
                         r.levels, &r.n_levels, &r.level_x_min, err);
    if (st) goto done;
    *out = r;
    memset(&r, 0, sizeof r);
done:
    free(in_img);
    free(in_mask);
    free(out_mask);
    qib__processed_free(&r);
    return st;
}
