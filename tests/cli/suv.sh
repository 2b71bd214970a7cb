#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib suv: the corpus PET files' SUV factor against the one worked out here
# from pet.csv (pydicom's reading) with awk; the SUV volume and its
# provenance; errors naming the tag on copies with one header value
# spoiled; region metrics and PERCIST on a phantom with known truth; and
# `qib extract --suv`.
. "$(dirname "$0")/lib.sh"
set -e
need_shared dicom-corpus/pet.csv
C=$QIB_SHARED_DIR/dicom-corpus
PET=$C/files/modality_pet/1.dcm

# within a relative tolerance: near GOT WANT TOL
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(d <= t * a) }'; }
# "key: value" of --info output
info_value() { sed -n "s/^$1: //p" "$2"; }
# a CSV metric: metric FILE NAME
metric() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1"; }

# The QIBA factor by hand from pet.csv: BQML, START, series time unless it
# is after the acquisition, W * 1000 / (D * 2^(-t / T)).
hand_factor() {
  awk -F, -v f="$1" '
    function sec(s) { return substr(s, 1, 2) * 3600 + substr(s, 3, 2) * 60 + substr(s, 5) }
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["path"] == f {
      if ($c["Units"] != "BQML" || $c["DecayCorrection"] != "START") exit 1
      scan = sec($c["SeriesTime"]); a = sec($c["AcquisitionTime"]); if (scan > a) scan = a
      t = scan - sec($c["RadiopharmaceuticalStartTime"])
      printf "%.17g\n", $c["PatientWeight"] * 1000 / ($c["RadionuclideTotalDose"] * exp(-log(2) * t / $c["RadionuclideHalfLife"]))
    }' "$C/pet.csv"
}

for f in files/modality_pet/1.dcm files/modality_pet/2.dcm; do
  want=$(hand_factor "$f")
  run suv --info "$C/$f"
  check "$f: --info exits 0" [ "$RC" -eq 0 ]
  got=$(info_value factor_bw "$TMP/out")
  echo "     $f: factor_bw $got, by hand $want"
  check "$f: SUVbw factor equals the hand computation" near "$got" "$want" 1e-12
  check "$f: --info lists the weight used" grep -q "^used (0010,1030) PatientWeight: " "$TMP/out"
  check "$f: SUL names the missing PatientSize" grep -q "^factor_lbm: error: .*(0010,1020): PatientSize is absent" "$TMP/out"
done

# the SUV volume: the rescaled image times the factor
want=$(hand_factor files/modality_pet/1.dcm)
run suv "$PET" --out "$TMP/suv.nrrd"
check "suv writes the volume" [ "$RC" -eq 0 -a -s "$TMP/suv.nrrd" ]
check "suv writes its provenance" grep -q '"suv_factor": ' "$TMP/suv.nrrd.provenance.json"
check "provenance records the weight used" grep -q '"header (0010,1030) PatientWeight": "69.7344"' "$TMP/suv.nrrd.provenance.json"
check "provenance hashes the input" grep -q '"role": "pet"' "$TMP/suv.nrrd.provenance.json"
if command -v python3 >/dev/null; then
  check "provenance is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/suv.nrrd.provenance.json"
fi
"$QIB" dicom convert "$PET" "$TMP/raw.nrrd" >/dev/null
raw_max=$("$QIB" info "$TMP/raw.nrrd" | sed -n 's/^range: .*\.\. //p')
suv_max=$("$QIB" info "$TMP/suv.nrrd" | sed -n 's/^range: .*\.\. //p')
check "SUV max = raw max x factor ($suv_max)" near "$suv_max" "$(awk -v a="$raw_max" -v f="$want" 'BEGIN { printf "%.17g", a * f }')" 1e-6
check "suv --type lbm without PatientSize fails" sh -c '! "$0" suv "$1" --type lbm --out "$2" 2>/dev/null' "$QIB" "$PET" "$TMP/lbm.nrrd"
check "no output is left behind" [ ! -e "$TMP/lbm.nrrd" ]

# errors name the tag: copies with one value spoiled (same length)
spoil() { LC_ALL=C sed "s/$1/$2/g" "$PET" >"$TMP/$3.dcm"; }
spoil '69\.7344' '0.00000' weight0
spoil 'BQML' 'CNTS' cnts
spoil 'DECY' 'XXXX' nodecy
spoil 'START' 'LATER' later
for c in "weight0 (0010,1030)" "cnts (7053,1000)" "nodecy (0028,0051)" "later (0054,1102)"; do
  set -- $c
  run suv "$TMP/$1.dcm" --out "$TMP/$1.nrrd"
  check "$1: exit 2" [ "$RC" -eq 2 ]
  check "$1: the error names $2" grep -qF "$2" "$TMP/err"
  check "$1: no output" [ ! -e "$TMP/$1.nrrd" ]
done
run suv --info "$TMP/weight0.dcm"
check "--info with no factor exits 2" [ "$RC" -eq 2 ]
check "--info still prints the values used" grep -q "^used (0010,1030) PatientWeight: 0.00000" "$TMP/out"

# usage
run suv; check "suv without arguments exits 1" [ "$RC" -eq 1 ]
run suv "$PET"; check "suv without --out exits 1" [ "$RC" -eq 1 ]
run suv "$PET" --out x.nrrd --type kg; check "bad --type exits 1" [ "$RC" -eq 1 ]
run suv --percist a b c; check "--percist with 3 files exits 1" [ "$RC" -eq 1 ]
run suv --metrics a b --fraction 1.5; check "--fraction 1.5 exits 1" [ "$RC" -eq 1 ]
run help suv; check "help suv shows --percist" grep -q -- "--percist" "$TMP/out"

# metrics on a noiseless phantom (values as given): MTV and TLG from truth.json
"$QIB" phantom "$TMP/ph" --noise 0 --size 40,40,30 --spacing 2,2,2 --radius 8 >/dev/null
truth() { sed -n "s/^ *\"$1\": \([-0-9.e+]*\).*/\1/p" "$TMP/ph/truth.json"; }
run suv --metrics "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" --out "$TMP/m.csv"
check "metrics exit 0" [ "$RC" -eq 0 ]
check "metrics provenance" [ -s "$TMP/m.csv.provenance.json" ]

mtv=$(awk -v v="$(truth voxel_volume_mm3)" 'BEGIN { printf "%.17g", v / 1000 }')
check "MTV at 2.5 = the phantom's voxels ($mtv ml)" near "$(metric "$TMP/m.csv" mtv_abs_ml)" "$mtv" 1e-12
check "TLG = noiseless mean x MTV" near "$(metric "$TMP/m.csv" tlg_abs)" "$(awk -v m="$(truth mean_hu_noiseless)" -v v="$mtv" 'BEGIN { printf "%.17g", m * v }')" 1e-12
check "SUVpeak sphere: 123 voxels of 2 mm" [ "$(metric "$TMP/m.csv" peak_voxels)" = 123 ]
run suv --metrics "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" --threshold 1000
check "a threshold above all: MTV 0" [ "$(metric "$TMP/out" mtv_abs_ml)" = 0 ]

# PERCIST: the same scan twice is stable; with the lesion as its own
# liver reference its SULpeak is below 1.5 x mean: not measurable
run suv --percist "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" --out "$TMP/p.csv"
check "percist exit 0" [ "$RC" -eq 0 ]
check "same scan twice: SMD" [ "$(metric "$TMP/p.csv" category)" = SMD ]
check "same scan twice: change 0" [ "$(metric "$TMP/p.csv" change)" = 0 ]
check "percist provenance" grep -q '"role": "followup_mask"' "$TMP/p.csv.provenance.json"
run suv --percist "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" --liver "$TMP/ph/mask.nii.gz"
check "liver reference: not measurable" [ "$(metric "$TMP/out" category)" = "not measurable" ]
check "liver mean is the noiseless mean" near "$(metric "$TMP/out" baseline_liver_mean)" "$(truth mean_hu_noiseless)" 1e-12

# qib extract --suv: the statistics of the SUV image are the raw ones x factor
"$QIB" extract "$PET" "$TMP/suv.nrrd" --label 0 --families stat --format long --out "$TMP/raw.csv"
"$QIB" extract "$PET" "$TMP/suv.nrrd" --label 0 --families stat --format long --suv bw --out "$TMP/suvx.csv"
check "extract --suv: maximum = raw maximum x factor" near "$(long_value "$TMP/suvx.csv" maximum)" "$(awk -v a="$(long_value "$TMP/raw.csv" maximum)" -v f="$want" 'BEGIN { printf "%.17g", a * f }')" 1e-6
check "extract --suv: mean = raw mean x factor" near "$(long_value "$TMP/suvx.csv" mean)" "$(awk -v a="$(long_value "$TMP/raw.csv" mean)" -v f="$want" 'BEGIN { printf "%.17g", a * f }')" 1e-6
check "extract --suv: provenance has the command line" grep -q '"--suv"' "$TMP/suvx.csv.provenance.json"
run extract "$PET" "$TMP/suv.nrrd" --suv kg; check "extract --suv kg exits 1" [ "$RC" -eq 1 ]
run extract "$TMP/ph/image.nii.gz" "$TMP/ph/mask.nii.gz" --suv bw
check "extract --suv on a NIfTI image is refused" [ "$RC" -ne 0 ]
check "... saying it needs DICOM" grep -q "DICOM PET" "$TMP/err"
finish
