#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib adc on a 4D NIfTI written here byte by byte (int16, 3 x 2 x 1 voxels,
# 4 frames at b = 0, 500, 1000, 1000 s/mm^2). Voxel kinds, S0 and the ratio
# r of S(500) / S(0) = S(1000) / S(500) (the two b = 1000 frames are 2 and
# 1/2 times S0 r^2, so their geometric mean is S0 r^2):
#   v0 r = 1/2: ADC = ln 2 / 500 mm^2/s = 1.3862943611 x 10^-3
#   v1 r = 1/4: ln 4 / 500 = 2.7725887222;  v2 r = 3/4: ln(4/3) / 500 = 0.5753641449
#   v3 r = 1: 0;  v4 a zero signal, v5 a negative one: flagged, written as 0.
. "$(dirname "$0")/lib.sh"
set -e

. "$(dirname "$0")/nifti_write.inc" # nifti FILE DATATYPE NX NY NZ NT SX SY VALUES...

D=$TMP
#                             b=0 frame          b=500 frame        b=1000 (x2)          b=1000 (x1/2)
nifti "$D/dwi.nii" 4 3 2 1 4 1 1  1600 1600 1600 1000 1000 1000  800 400 1200 1000 0 500  800 200 1800 2000 500 -250  200 50 450 500 500 250
nifti "$D/mask.nii" 2 3 2 1 1 1 1  1 1 1 0 1 0          # v0 v1 v2 and the flagged v4
nifti "$D/each.nii" 2 3 2 1 1 1 1  1 2 3 4 5 6          # one label per voxel
check "the DWI is a 4D int16 image" grep -q "dimensions:  3 x 2 x 1 x 4" <("$QIB" info "$D/dwi.nii")

run adc "$D/dwi.nii" --bvals 0,500,1000,1000 --out "$D/adc.nii.gz" --flags "$D/flags.nii.gz" \
    --mask "$D/mask.nii" --report "$D/report.csv"
cat "$TMP/out" "$TMP/err"
check "exit status 0" [ "$RC" = 0 ]
val() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1"; }
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-6) }'; }
check "two voxels flagged in the volume" [ "$(val "$TMP/out" voxels_flagged)" = 2 ]
check "region: 4 voxels, 1 flagged, 3 used" \
  [ "$(val "$TMP/out" region_voxels)/$(val "$TMP/out" region_flagged)/$(val "$TMP/out" region_used)" = 4/1/3 ]
check "the flagged voxels are reported on stderr" grep -q "2 voxel(s) have a signal <= 0" "$TMP/err"
check "b-values and frames per b-value" [ "$(val "$TMP/out" b_values)|$(val "$TMP/out" frames_per_b_value)" = "0 500 1000|1 1 2" ]
# mean of ln 2, ln 4, ln(4/3) over 500, x 1000
MEAN=$(awk 'BEGIN { printf "%.10f", (log(2) + log(4) + log(4/3)) / 500 * 1000 / 3 }')
check "ADC mean = (ln 2 + ln 4 + ln 4/3) / 1.5 = $MEAN" close "$(val "$TMP/out" adc_mean)" "$MEAN"
check "ADC median = ln 2 / 0.5" close "$(val "$TMP/out" adc_median)" "$(awk 'BEGIN { printf "%.10f", log(2) / 0.5 }')"
# type 7 percentiles of the three sorted values a < b < c: p10 = a + 0.2 (b - a), p90 = b + 0.8 (c - b)
P10=$(awk 'BEGIN { a = log(4/3) * 2; b = log(2) * 2; printf "%.10f", a + 0.2 * (b - a) }')
P90=$(awk 'BEGIN { b = log(2) * 2; c = log(4) * 2; printf "%.10f", b + 0.8 * (c - b) }')
check "ADC p10 = $P10" close "$(val "$TMP/out" adc_p10)" "$P10"
check "ADC p90 = $P90" close "$(val "$TMP/out" adc_p90)" "$P90"
check "fraction below 1.0 = 1/3" close "$(val "$TMP/out" fraction_below_threshold)" 0.333333333333
check "no NaN printed" bash -c "! grep -qi nan '$TMP/out'"
check "the report file holds the same table" cmp -s "$TMP/out" "$D/report.csv"
check "ADC map: float32, range 0 .. ln 4 / 0.5" grep -q "voxel type:  float32" <("$QIB" info "$D/adc.nii.gz")
check "flag map: uint8 0 .. 1" grep -q "voxel type:  uint8" <("$QIB" info "$D/flags.nii.gz")
for f in adc.nii.gz flags.nii.gz report.csv; do
  check "provenance beside $f" grep -q '"b_values": "0 500 1000"' "$D/$f.provenance.json"
  check "provenance of $f hashes the DWI" grep -q "$(sha256sum "$D/dwi.nii" | cut -c1-64)" "$D/$f.provenance.json"
done

# each voxel alone (labels 1..6 of each.nii): its exact ADC
want=(1.3862943611 2.7725887222 0.5753641449 0)
for k in 1 2 3 4; do
  run adc "$D/dwi.nii" --bvals 0,500,1000,1000 --mask "$D/each.nii" --label $k
  check "voxel $k: ADC ${want[$((k - 1))]}" close "$(val "$TMP/out" adc_mean)" "${want[$((k - 1))]}"
done
run adc "$D/dwi.nii" --bvals 0,500,1000,1000 --mask "$D/each.nii" --label 5
check "a region of flagged voxels only: exit 2" [ "$RC" = 2 ]
check "... saying why" grep -q "each.nii: region: no voxel to summarise: the region has 1 voxels, 1 of them flagged" "$TMP/err"

# an FSL .bval file gives the same table
printf '0 500 1000 1000\n' > "$D/dwi.bval"
run adc "$D/dwi.nii" --bvals "$D/dwi.bval" --mask "$D/mask.nii"
check "a .bval file gives the same numbers" cmp -s "$TMP/out" "$D/report.csv"
check "the threshold option" bash -c "'$QIB' adc '$D/dwi.nii' --bvals '$D/dwi.bval' --threshold 2 | grep -q '^fraction_below_threshold,0.75,1$'"

# errors
run adc "$D/dwi.nii" --bvals 0,500,1000
check "3 b-values for 4 frames: exit 1" [ "$RC" = 1 ]
check "... named" grep -q "3 b-values for 4 frames" "$TMP/err"
run adc "$D/dwi.nii"
check "an image without --bvals: exit 1" [ "$RC" = 1 ]
check "... saying so" grep -q "needs --bvals" "$TMP/err"
run adc "$D/dwi.nii" --bvals 0,500,x,1000
check "a bad b-value: exit 2, naming it" bash -c "[ $RC = 2 ] && grep -q \"value 3 'x' is not a decimal number\" '$TMP/err'"
nifti "$D/small.nii" 2 2 3 1 1 1 1  1 1 1 1 1 1
run adc "$D/dwi.nii" --bvals 0,500,1000,1000 --mask "$D/small.nii"
check "a mask on another grid: exit 2, naming it" bash -c "[ $RC = 2 ] && grep -q 'small.nii: .*differ' '$TMP/err'"
run adc "$D/no_such_folder"
check "a missing input: exit 2" [ "$RC" = 2 ]
run adc "$D/dwi.nii" --bvals 0,500,1000,1000 --frobnicate
check "unknown option: exit 1" [ "$RC" = 1 ]
finish
