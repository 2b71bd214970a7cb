/* SPDX-License-Identifier: Apache-2.0 */
/* nifti_fuzz.c: NIfTI-1/2 parsing (qib_nifti_read_mem: both byte orders,
 * .nii and .nii.gz, every header check and the ITK geometry rules).
 * Property: any input either reads or fails with a located error (status
 * and reason set); no crash, leak, undefined behaviour or allocation beyond
 * the tight limits below. A successful read gives a consistent volume:
 * dimensions within the limits, byte count = voxels x type size, positive
 * finite spacing, finite origin, unit direction columns with a non-zero
 * determinant. Oracle: an uncompressed input that reads must read the same
 * (bytes and geometry) once gzip-compressed, so both paths agree. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/qib_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_volume(const qib_volume *v, const qib_limits *lim) {
    const qib_grid *g = qib_volume_grid(v);
    uint64_t n = 1;
    for (int i = 0; i < 3; i++) {
        if (g->dim[i] < 1 || g->dim[i] > lim->max_dim) abort();
        n *= g->dim[i];
        if (!(g->spacing[i] > 0) || !isfinite(g->spacing[i]) || !isfinite(g->origin[i])) abort();
        double norm = 0;
        for (int r = 0; r < 3; r++) norm += g->direction[3 * r + i] * g->direction[3 * r + i];
        if (!(fabs(norm - 1.0) < 1e-6)) abort();
    }
    const double *d = g->direction;
    double det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) +
                 d[2] * (d[3] * d[7] - d[4] * d[6]);
    if (!(fabs(det) > 1e-6)) abort();
    if (qib_volume_frame_voxels(v) != n || qib_volume_frames(v) < 1) abort();
    uint64_t total = n * qib_volume_frames(v);
    if (total > lim->max_voxels) abort();
    if (qib_volume_bytes(v) != total * qib_dtype_size(qib_volume_dtype(v))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1 << 20)) return 0; /* explore parsing, not big inputs */
    qib_limits lim = {.max_dim = 1 << 16,
                      .max_voxels = 1 << 20,
                      .max_bytes = 64u << 20,
                      .max_header_bytes = 1 << 20};
    qib_volume *v = NULL;
    qib_image_info info;
    qib_error err;
    qib_error_clear(&err);
    qib_status st = qib_nifti_read_mem(data, size, "fuzz.nii", &lim, &v, &info, &err);
    if (st != QIB_OK) {
        if (v || err.status != st || !err.reason[0]) abort(); /* a failure says why */
        return 0;
    }
    check_volume(v, &lim);
    if (!qib__is_gzip(data, size)) {
        uint8_t *z = NULL;
        size_t zlen = 0;
        if (qib__gzip(data, size, 1, &z, &zlen, &err) == QIB_OK) {
            qib_volume *w = NULL;
            qib_image_info winfo;
            if (qib_nifti_read_mem(z, zlen, "fuzz.nii.gz", &lim, &w, &winfo, &err) != QIB_OK)
                abort();
            if (qib_volume_dtype(w) != qib_volume_dtype(v) ||
                qib_volume_bytes(w) != qib_volume_bytes(v) ||
                memcmp(qib_volume_cdata(w), qib_volume_cdata(v), qib_volume_bytes(v)) != 0 ||
                memcmp(qib_volume_grid(w), qib_volume_grid(v), sizeof(qib_grid)) != 0 ||
                !winfo.gzip)
                abort();
            qib_volume_free(w);
            free(z);
        }
    }
    qib_volume_free(v);
    return 0;
}
