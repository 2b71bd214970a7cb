#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `qib extract` with DICOM inputs: the IBSI 1 CT phantom series with its
# RTSTRUCT ROI GTV-1 (125,256 voxels, as the IBSI NIfTI mask), a wrong ROI
# name (exit 2, the ROIs listed), and a SEG on its source series.
. "$(dirname "$0")/lib.sh"
set -e
need_shared ibsi/ibsi1_ct_phantom/dicom/mask/DCM_RS_00060.dcm
P=$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom/dicom

run extract "$P/image" "$P/mask/DCM_RS_00060.dcm" --roi GTV-1 --families diagnostics --format long
check "RTSTRUCT extract exits 0" [ "$RC" -eq 0 ]
check "GTV-1 has 125256 voxels" [ "$(long_value "$TMP/out" roi_voxel_count)" = "125256" ]

run extract "$P/image" "$P/mask/DCM_RS_00060.dcm" --roi GTV-X --families diagnostics
if [ "$RC" -eq 2 ] && grep -q 'no ROI named or numbered .GTV-X.; the ROIs are: 1 "GTV-1"' "$TMP/err"; then
  pass "wrong ROI: exit 2, ROIs listed"
else
  fail "wrong ROI: exit $RC, stderr: $(head -c 600 "$TMP/err")"
fi

S=$QIB_SHARED_DIR/dicom-corpus/files/seg/dcmqi_liver
if [ -d "$S/ct-3slice" ]; then
  run extract "$S/ct-3slice" "$S/liver.dcm" --segment 1 --families diagnostics --format long
  check "SEG extract: 107098 voxels" [ "$(long_value "$TMP/out" roi_voxel_count)" = "107098" ]
  run extract "$S/ct-3slice" "$S/liver.dcm" --segment 2 --families diagnostics
  check "missing segment: exit 2" [ "$RC" -eq 2 ]
fi
# qib batch takes DICOM series folders and RTSTRUCT files in the manifest too.
printf 'Image,Mask,Case\n%s,%s,ct-dicom\n' "$P/image" "$P/mask/DCM_RS_00060.dcm" > "$TMP/manifest.csv"
run batch "$TMP/manifest.csv" --out "$TMP/batch.csv" --format long --families diagnostics --jobs 1
check "batch on DICOM + RTSTRUCT: exit 0" [ "$RC" -eq 0 ]
check "batch on DICOM + RTSTRUCT: 125256 voxels" [ "$(long_value "$TMP/batch.csv" roi_voxel_count)" = "125256" ]
finish
