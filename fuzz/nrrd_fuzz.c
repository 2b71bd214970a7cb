/* SPDX-License-Identifier: Apache-2.0 */
/* nrrd_fuzz.c: fuzzes qib_nrrd_read_mem, the attached-NRRD reader.
 *
 * Properties checked, for any input bytes, under tight limits (1 Mi voxels,
 * 64 MiB of voxel data, 64 KiB of header):
 *  1. The reader returns without a crash, leak or undefined behaviour
 *     (ASan/UBSan/LeakSanitizer watch this).
 *  2. On failure: the returned status is stored in err.status, a reason is
 *     given, and *out is left untouched.
 *  3. On success: the info says NRRD with slope 1 / intercept 0 and the
 *     volume's own type, the voxel bytes fit the limits, and the grid has
 *     positive finite spacings and finite origin and directions.
 *  4. Round trip: writing the volume as NRRD (in memory, as qib_nrrd_write
 *     would) and reading it back gives the same voxels, dtype, frames, and
 *     the same grid up to rounding (checked where the grid's numbers are of
 *     sane magnitude, so rounding cannot underflow a direction vector). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/nrrd_internal.h"

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "nrrd_fuzz: property failed: %s (line %d)\n", #cond,       \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static const qib_limits fuzz_limits = {
    (uint64_t)1 << 20,  /* max_dim */
    (uint64_t)1 << 20,  /* max_voxels */
    (uint64_t)64 << 20, /* max_bytes */
    (uint64_t)64 << 10  /* max_header_bytes */
};

/* |a - b| small relative to the size of the numbers. */
static bool near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(a)); }

/* Property 3: a volume that came back from the reader is well formed. */
static void check_volume(const qib_volume *v, const qib_image_info *info) {
    const qib_grid *g = qib_volume_grid(v);
    CHECK(info->format == QIB_FORMAT_NRRD);
    CHECK(info->scl_slope == 1.0 && info->scl_inter == 0.0);
    CHECK(info->stored_dtype == qib_volume_dtype(v));
    CHECK(qib_volume_frames(v) >= 1);
    CHECK(qib_volume_bytes(v) <= fuzz_limits.max_bytes);
    for (int c = 0; c < 3; c++) {
        CHECK(g->dim[c] >= 1);
        CHECK(g->spacing[c] > 0 && isfinite(g->spacing[c]));
        CHECK(isfinite(g->origin[c]));
    }
    for (int k = 0; k < 9; k++) CHECK(isfinite(g->direction[k]));
}

/* Whether the grid's numbers are in a range where writing direction *
 * spacing with %.17g and reading it back only rounds. */
static bool sane_grid(const qib_grid *g) {
    for (int c = 0; c < 3; c++)
        if (g->spacing[c] < 1e-30 || g->spacing[c] > 1e30 || fabs(g->origin[c]) > 1e30)
            return false;
    const double *d = g->direction;
    double det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) +
                 d[2] * (d[3] * d[7] - d[4] * d[6]);
    return fabs(det) > 1e-5;
}

/* Property 4: encode, decode, compare. */
static void check_round_trip(const qib_volume *v) {
    const qib_grid *g = qib_volume_grid(v);
    if (!sane_grid(g)) return;
    uint8_t *buf = NULL;
    size_t len = 0;
    qib_error err;
    if (qib__nrrd_encode(v, NULL, &buf, &len, NULL, NULL, &err) != QIB_OK) {
        CHECK(err.status == QIB_ERR_NOMEM);
        return;
    }
    qib_volume *r = NULL;
    qib_status st = qib_nrrd_read_mem(buf, len, "round-trip", &fuzz_limits, &r, NULL, &err);
    free(buf);
    CHECK(st == QIB_OK);
    const qib_grid *h = qib_volume_grid(r);
    CHECK(qib_volume_dtype(r) == qib_volume_dtype(v));
    CHECK(qib_volume_frames(r) == qib_volume_frames(v));
    CHECK(qib_volume_bytes(r) == qib_volume_bytes(v));
    CHECK(memcmp(qib_volume_cdata(r), qib_volume_cdata(v), qib_volume_bytes(v)) == 0);
    for (int c = 0; c < 3; c++) {
        CHECK(h->dim[c] == g->dim[c]);
        CHECK(near(h->spacing[c], g->spacing[c]));
        CHECK(near(h->origin[c], g->origin[c]));
    }
    for (int k = 0; k < 9; k++) CHECK(fabs(h->direction[k] - g->direction[k]) < 1e-9);
    qib_volume_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    qib_volume *sentinel = (qib_volume *)(uintptr_t)0x1, *v = sentinel;
    qib_image_info info;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_nrrd_read_mem(data, size, "fuzz.nrrd", &fuzz_limits, &v, &info, &err);
    if (st != QIB_OK) {
        CHECK(err.status == st);
        CHECK(err.reason[0] != '\0');
        CHECK(v == sentinel);
        return 0;
    }
    CHECK(v != sentinel && v != NULL);
    check_volume(v, &info);
    check_round_trip(v);
    qib_volume_free(v);
    return 0;
}
