/* SPDX-License-Identifier: Apache-2.0 */
/* resegment.c: re-segmentation, which turns the morphological mask into the
 * intensity mask.
 *
 * IBSI 1 manual, "Image processing" > "Re-segmentation":
 *   - range re-segmentation keeps the voxels whose intensity lies in
 *     [lo, hi] (either bound may be open);
 *   - intensity outlier filtering keeps the voxels within mean +- 3 sigma,
 *     with mean and (population) sigma over the voxels of the mask.
 * Both may be combined; the range is applied first, and the outlier bounds
 * come from the voxels the range kept (as MIRP does). The morphological mask
 * is left as it is. */
#include <math.h>

#include "processing.h"

void qib__resegment(const double *img, const uint8_t *morph, size_t n,
                    const qib_proc_options *o, uint8_t *int_mask, size_t *n_int) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        bool in = morph[i] && img[i] >= o->reseg_lo && img[i] <= o->reseg_hi;
        int_mask[i] = in;
        count += in;
    }
    if (o->reseg_outliers && count > 0) {
        /* two-pass mean and population variance */
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (int_mask[i]) sum += img[i];
        double mean = sum / (double)count, ss = 0;
        for (size_t i = 0; i < n; i++)
            if (int_mask[i]) ss += (img[i] - mean) * (img[i] - mean);
        double sd = sqrt(ss / (double)count);
        double lo = mean - 3.0 * sd, hi = mean + 3.0 * sd;
        count = 0;
        for (size_t i = 0; i < n; i++) {
            if (!int_mask[i]) continue;
            bool in = img[i] >= lo && img[i] <= hi;
            int_mask[i] = in;
            count += in;
        }
    }
    *n_int = count;
}
