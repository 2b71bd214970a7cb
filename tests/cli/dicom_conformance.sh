#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DICOM input conformance on the IBSI CT phantom: `qib extract` with the
# IBSI configuration A on the DICOM series + RTSTRUCT (ROI GTV-1) must give
# the same value for every feature of every family as on the NIfTI pair
# (relative difference < 1e-9, or both NaN). The NIfTI results are checked
# against the IBSI reference values elsewhere (tests/conformance), so this
# carries them over to DICOM input. Configurations D and E have no public
# IBSI reference values: they are only run on the NIfTI phantom (exit 0,
# a non-empty result). The extractions run in parallel (each ~25 s under ASan).
. "$(dirname "$0")/lib.sh"
set -e
need_shared ibsi/ibsi1_ct_phantom/dicom/mask/DCM_RS_00060.dcm
need_shared ibsi/ibsi1_ct_phantom/dicom/image
need_shared ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz
need_shared ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz
P=$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom
NI=$P/nifti/image/phantom.nii.gz
NM=$P/nifti/mask/mask.nii.gz

# Runs one extraction in the background: bg NAME ARGS... (result in $TMP/NAME.csv,
# stderr in $TMP/NAME.err, exit status in $TMP/NAME.rc).
bg() {
  local name=$1; shift
  ( set +e; "$QIB" extract "$@" --format long --out "$TMP/$name.csv" 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.rc" ) &
}
rc_of() { cat "$TMP/$1.rc" 2>/dev/null || echo missing; }

bg dicom_a "$P/dicom/image" "$P/dicom/mask/DCM_RS_00060.dcm" --roi GTV-1 --preset ibsi-a
bg nifti_a "$NI" "$NM" --preset ibsi-a
wait
bg nifti_d "$NI" "$NM" --preset ibsi-d
bg nifti_e "$NI" "$NM" --preset ibsi-e

check "DICOM, ibsi-a: exit 0" [ "$(rc_of dicom_a)" = 0 ]
check "NIfTI, ibsi-a: exit 0" [ "$(rc_of nifti_a)" = 0 ]
[ "$(rc_of dicom_a)" = 0 ] || cat "$TMP/dicom_a.err"
[ "$(rc_of nifti_a)" = 0 ] || cat "$TMP/nifti_a.err"

# Compares two long-format results feature by feature (key: image type,
# family, feature, aggregation); prints every mismatch and a summary line,
# and fails on any mismatch, missing feature or empty result.
compare_long() {
  awk -F, '
    function isnan(s) { s = tolower(s); return s == "nan" || s == "-nan" || s == "+nan" }
    function num(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
    FNR == 1 { for (i = 1; i <= NF; i++) { if ($i == "image_type") t = i; if ($i == "family") f = i;
                                           if ($i == "feature") c = i; if ($i == "aggregation") g = i;
                                           if ($i == "value") v = i }
               file++; next }
    { k = $t "," $f "," $c "," $g }
    file == 1 { a[k] = $v; na++; next }
    { nb++
      if (!(k in a)) { print "only in NIfTI: " k; bad++; next }
      seen[k] = 1; x = a[k]; y = $v
      if (isnan(x) && isnan(y)) { nans++; next }
      if (x == y) { same++; next }
      if (num(x) && num(y)) {
        d = x - y; if (d < 0) d = -d
        m = x < 0 ? -x : x; my = y < 0 ? -y : y; if (my > m) m = my
        if (d <= 1e-9 * m) { close_++; next }
      }
      print "differs: " k ": DICOM " x ", NIfTI " y; bad++ }
    END {
      for (k in a) if (!(k in seen)) { print "only in DICOM: " k; bad++ }
      printf "compared %d features: %d identical, %d within 1e-9, %d both NaN, %d mismatches\n", nb, same, close_, nans, bad
      exit !(bad == 0 && na > 0 && na == nb) }' "$1" "$2"
}
check "ibsi-a: every feature of the DICOM input equals the NIfTI one" \
  compare_long "$TMP/dicom_a.csv" "$TMP/nifti_a.csv"
check "ibsi-a: all families compared" \
  [ "$(cut -d, -f5 "$TMP/nifti_a.csv" | sort -u | grep -cvx family)" -ge 12 ]

wait
for cfg in d e; do
  check "NIfTI, ibsi-$cfg: exit 0" [ "$(rc_of nifti_$cfg)" = 0 ]
  [ "$(rc_of nifti_$cfg)" = 0 ] || cat "$TMP/nifti_$cfg.err"
  check "NIfTI, ibsi-$cfg: non-empty result" \
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "value") v = i; next }
             $v != "" { n++ } END { print n + 0 " values"; exit !(n > 0) }' "$TMP/nifti_$cfg.csv"
done
finish
