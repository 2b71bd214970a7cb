#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib extract on the IBSI phantoms: the digital phantom's region has 74
# voxels and 592 mm3 (IBSI morph_vol_approx); the CT phantom's GTV has
# 125,256 voxels with a 100 x 99 x 26 bounding box (IBSI diagnostics).
. "$(dirname "$0")/lib.sh"
set -e
need_shared ibsi/ibsi1_digital_phantom/image/phantom.nii.gz
D=$QIB_SHARED_DIR/ibsi/ibsi1_digital_phantom
run extract "$D/image/phantom.nii.gz" "$D/mask/mask.nii.gz" --format long --families diagnostics --out "$TMP/dp.csv"
check "digital phantom: exit 0" [ "$RC" -eq 0 ]
check "digital phantom: 74 voxels" [ "$(long_value "$TMP/dp.csv" roi_voxel_count)" = 74 ]
check "digital phantom: 592 mm3" [ "$(long_value "$TMP/dp.csv" roi_volume)" = 592 ]
# ROI mean 159/74 (IBSI README sanity check)
check "digital phantom: mean 159/74" awk -v m="$(long_value "$TMP/dp.csv" roi_intensity_mean)" 'BEGIN { d = m - 159/74; exit !(d < 1e-12 && d > -1e-12) }'
check "digital phantom: provenance beside the results" [ -s "$TMP/dp.csv.provenance.json" ]

need_shared ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz
C=$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom/nifti
run extract "$C/image/phantom.nii.gz" "$C/mask/mask.nii.gz" --format long --families diagnostics --out "$TMP/ct.csv"
check "CT phantom: exit 0" [ "$RC" -eq 0 ]
check "CT phantom: 125,256 voxels" [ "$(long_value "$TMP/ct.csv" roi_voxel_count)" = 125256 ]
check "CT phantom: bbox x 51..150" [ "$(long_value "$TMP/ct.csv" roi_bbox_x_min),$(long_value "$TMP/ct.csv" roi_bbox_x_max)" = "51,150" ]
check "CT phantom: bbox y 51..149" [ "$(long_value "$TMP/ct.csv" roi_bbox_y_min),$(long_value "$TMP/ct.csv" roi_bbox_y_max)" = "51,149" ]
check "CT phantom: bbox z 17..42" [ "$(long_value "$TMP/ct.csv" roi_bbox_z_min),$(long_value "$TMP/ct.csv" roi_bbox_z_max)" = "17,42" ]
# Same on the wide CSV and the JSON output.
run extract "$C/image/phantom.nii.gz" "$C/mask/mask.nii.gz" --families diagnostics
check "CT phantom: wide CSV to stdout" grep -q "original_diagnostics_roi_voxel_count" "$TMP/out"
check "CT phantom: wide CSV has 2 lines" [ "$(wc -l < "$TMP/out")" -eq 2 ]
# A mask on another grid is refused with the mask named.
run extract "$C/image/phantom.nii.gz" "$D/mask/mask.nii.gz"
check "grid mismatch: exit 2" [ "$RC" -eq 2 ]
check "grid mismatch: names the mask and the dimensions" grep -q "mask.nii.gz: dimensions 5×4×4 differ from image 204×201×60" "$TMP/err"
run extract "$D/image/phantom.nii.gz" "$D/mask/mask.nii.gz" --label 4
check "absent label: exit 2" [ "$RC" -eq 2 ]
check "absent label: lists labels present" grep -q "label 4 has no voxel; labels present: 1" "$TMP/err"
finish
