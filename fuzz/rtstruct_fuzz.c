/* SPDX-License-Identifier: Apache-2.0 */
/* rtstruct_fuzz.c: fuzz target for RT Structure Set listing and rasterising.
 *
 * Property checked: for any bytes that parse as DICOM, qib_rtstruct_rois
 * either fails with a reason or lists ROIs, and qib_rtstruct_to_mask of
 * every listed ROI (and of none chosen) onto a small fixed grid either
 * fails with a located reason or returns a mask on that grid whose voxels
 * are all 0 or 1, without reading outside the input (ASan/UBSan). The last
 * input byte selects the coverage rule (centre or 50%). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "qib/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1 << 20)) return 0;
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_elements = 1 << 14;
    o.max_depth = 8;
    qib_dicom *d = NULL;
    if (qib_dicom_open_mem(data, size, "fuzz.dcm", &o, &d, NULL) != QIB_OK) return 0;
    qib_grid g;
    qib_grid_init(&g, 16, 16, 4);
    qib_rtstruct_options ro;
    qib_rtstruct_options_default(&ro);
    if (size && (data[size - 1] & 1)) ro.coverage = 0.5;
    qib_rtstruct_roi *r = NULL;
    size_t n = 0;
    qib_error err;
    if (qib_rtstruct_rois(d, &r, &n, &err) == QIB_OK) {
        for (size_t i = 0; i <= n && i < 8; i++) {
            char name[32];
            if (i < n) snprintf(name, sizeof name, "%lld", (long long)r[i].number);
            qib_mask *m = NULL;
            qib_status st = qib_rtstruct_to_mask(d, i < n ? name : NULL, &g, &ro, &m, NULL, &err);
            if (st != QIB_OK) {
                if (!err.reason[0]) abort();
                continue;
            }
            const uint8_t *md = qib_mask_cdata(m);
            for (size_t v = 0; v < qib_grid_voxels(&g); v++)
                if (md[v] > 1) abort();
            qib_mask_free(m);
        }
        free(r);
    } else if (!err.reason[0]) {
        abort();
    }
    qib_dicom_free(d);
    return 0;
}
