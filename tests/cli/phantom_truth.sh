#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib phantom writes the same bytes every time, and qib extract recovers its
# ground truth: the voxel count exactly, the volume within 2% of the exact
# continuous volume, the mean within noise of the noiseless mean.
. "$(dirname "$0")/lib.sh"
set -e
"$QIB" phantom "$TMP/a" >/dev/null
"$QIB" phantom "$TMP/b" >/dev/null
check "phantom is deterministic (image)" cmp -s "$TMP/a/image.nii.gz" "$TMP/b/image.nii.gz"
check "phantom is deterministic (mask)" cmp -s "$TMP/a/mask.nii.gz" "$TMP/b/mask.nii.gz"
truth() { sed -n "s/.*\"$1\": \\([^,]*\\),*/\\1/p" "$TMP/a/truth.json"; }
"$QIB" extract "$TMP/a/image.nii.gz" "$TMP/a/mask.nii.gz" --format long > "$TMP/f.csv"
check "voxel count equals the truth" [ "$(long_value "$TMP/f.csv" roi_voxel_count)" = "$(truth voxel_count)" ]
check "volume within 2% of the exact sphere" awk -v v="$(long_value "$TMP/f.csv" roi_volume)" -v t="$(truth volume_mm3)" 'BEGIN { d = (v - t) / t; exit !(d < 0.02 && d > -0.02) }'
check "mean within 1 HU of the noiseless mean" awk -v v="$(long_value "$TMP/f.csv" roi_intensity_mean)" -v t="$(truth mean_hu_noiseless)" 'BEGIN { d = v - t; exit !(d < 1 && d > -1) }'
for shape in ellipsoid cube; do
  "$QIB" phantom "$TMP/$shape" --shape $shape --radius 8,6,4 --noise 0 >/dev/null
  "$QIB" extract "$TMP/$shape/image.nii.gz" "$TMP/$shape/mask.nii.gz" --format long > "$TMP/$shape.csv"
  check "$shape: voxel count equals the truth" [ "$(long_value "$TMP/$shape.csv" roi_voxel_count)" = "$(sed -n 's/.*"voxel_count": \([0-9]*\).*/\1/p' "$TMP/$shape/truth.json")" ]
done
finish
