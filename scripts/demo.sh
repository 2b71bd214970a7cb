#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The demo: make a synthetic CT case with a 10 cm3 spherical lesion, run the
# main job on it and show where the results and their provenance are.
set -euo pipefail
QIB=${1:-build/release/qib}
OUT=${2:-qib-demo}
mkdir -p "$OUT"
"$QIB" phantom "$OUT/case" --shape sphere --radius 13.4 >/dev/null
"$QIB" extract "$OUT/case/image.nii.gz" "$OUT/case/mask.nii.gz" --out "$OUT/results.csv"
"$QIB" extract "$OUT/case/image.nii.gz" "$OUT/case/mask.nii.gz" --format long --out "$OUT/results_long.csv"
"$QIB" extract "$OUT/case/image.nii.gz" "$OUT/case/mask.nii.gz" --format json --out "$OUT/results.json"

# A short summary: the region's voxel count and volume against the truth.
value() {
  awk -F, -v f="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "feature") fc = i; if ($i == "value") vc = i }; next }
                     $fc == f { print $vc }' "$OUT/results_long.csv"
}
truth() { sed -n "s/.*\"$1\": \\([^,]*\\),*/\\1/p" "$OUT/case/truth.json"; }
echo "qib demo: synthetic CT 128x128x64 (0.8x0.8x2.0 mm) with a spherical lesion of radius 13.4 mm"
echo "  region voxels:      $(value roi_voxel_count) (truth $(truth voxel_count))"
echo "  region volume:      $(value roi_volume) mm3 (exact sphere $(truth volume_mm3) mm3)"
echo "  mean intensity:     $(value roi_intensity_mean) HU (noiseless truth $(truth mean_hu_noiseless) HU)"
echo "  features computed:  $(($(wc -l < "$OUT/results_long.csv") - 1))"
echo "results:    $OUT/results.csv (wide), $OUT/results_long.csv (long), $OUT/results.json"
echo "provenance: $OUT/results.csv.provenance.json (and beside each result file)"
echo "case:       $OUT/case/image.nii.gz, $OUT/case/mask.nii.gz, $OUT/case/truth.json"
