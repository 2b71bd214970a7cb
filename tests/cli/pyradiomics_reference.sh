#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# PyRadiomics-compatible mode against PyRadiomics 3.1's own output
# (../shared/pyradiomics-reference): every feature and diagnostic, by its
# PyRadiomics name, at a relative difference under 1e-6 (see
# scripts/compare-pyradiomics.sh and docs/PYRADIOMICS.md).
#   digital phantom, defaults (binWidth 25)         --preset pyradiomics
#   digital phantom, binWidth 1                     a PyRadiomics YAML parameter file
#   ct_small (../shared/bench/make_data.py)         --preset pyradiomics
#   digital phantom and ct_small + Wavelet          imageType Wavelet
. "$(dirname "$0")/lib.sh"
set -e
need_shared pyradiomics-reference/ibsi_phantom_A.csv
R=$QIB_SHARED_DIR/pyradiomics-reference
PH=$QIB_SHARED_DIR/ibsi/ibsi1_digital_phantom
CMP=$QIB_SOURCE_DIR/scripts/compare-pyradiomics.sh

compare() { # compare NAME OUTPUT REFERENCE
  if "$CMP" "$2" "$3" > "$TMP/cmp.txt"; then
    pass "$1: $(grep -c compared "$TMP/cmp.txt") classes, all values within 1e-6"
  else
    fail "$1"
  fi
  sed 's/^/     /' "$TMP/cmp.txt"
}

run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --preset pyradiomics --format long
check "phantom: extract exits 0 ($(head -c 300 "$TMP/err"))" [ "$RC" -eq 0 ]
cp "$TMP/out" "$TMP/phantom_A.csv"
compare "digital phantom, PyRadiomics defaults" "$TMP/phantom_A.csv" "$R/ibsi_phantom_A.csv"

# The same through a PyRadiomics parameter file, with binWidth 1.
cat > "$TMP/params.yaml" <<'YAML'
# PyRadiomics parameter file: defaults with binWidth 1
imageType:
  Original: {}
featureClass:
  shape:
  firstorder:
  glcm:
  gldm:
  glrlm:
  glszm:
  ngtdm:
setting:
  binWidth: 1
  label: 1
  interpolator: 'sitkBSpline'
  resampledPixelSpacing:
  preCrop: false
YAML
run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --params "$TMP/params.yaml" --format long
check "phantom, YAML binWidth 1: extract exits 0 ($(head -c 300 "$TMP/err"))" [ "$RC" -eq 0 ]
cp "$TMP/out" "$TMP/phantom_bw1.csv"
compare "digital phantom, binWidth 1 from a PyRadiomics YAML" "$TMP/phantom_bw1.csv" \
  "$R/ibsi_phantom_A_binWidth1.csv"

# Wavelet (coif1, level 1: 8 sub-bands), from a parameter file's imageType.
printf 'imageType:\n  Original: {}\n  Wavelet: {}\n' > "$TMP/wavelet.yaml"
run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --params "$TMP/wavelet.yaml" --format long
check "phantom + Wavelet: extract exits 0 ($(head -c 300 "$TMP/err"))" [ "$RC" -eq 0 ]
cp "$TMP/out" "$TMP/phantom_B.csv"
compare "digital phantom + Wavelet" "$TMP/phantom_B.csv" "$R/ibsi_phantom_B.csv"

# A feature subset from featureClass lists only those features.
cat > "$TMP/subset.yaml" <<'YAML'
featureClass:
  glcm: [Contrast, Idmn]
  firstorder: [Mean]
YAML
run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --params "$TMP/subset.yaml" --format long
n=$(grep -c -E ',(glcm|firstorder),' "$TMP/out" || true)
check "featureClass subset gives 3 features (got $n)" [ "$RC" -eq 0 ] && [ "$n" -eq 3 ]
run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --params "$TMP/subset.yaml" \
  --set features=glcm_Contrastt
check "an unknown feature is refused as a usage error (exit 1)" [ "$RC" -eq 1 ]
cat > "$TMP/bad.yaml" <<'YAML'
setting:
  binWidht: 5
YAML
run extract "$PH/image/phantom.nii.gz" "$PH/mask/mask.nii.gz" --params "$TMP/bad.yaml"
if [ "$RC" -eq 1 ] && grep -q "line 2: 'binWidht' is not a PyRadiomics setting" "$TMP/err"; then
  pass "a misspelt PyRadiomics setting is refused with its line"
else
  fail "misspelt setting: exit $RC, $(head -c 300 "$TMP/err")"
fi

# ct_small: made by ../shared/bench/make_data.py with Debian's python3.
DATA=${QIB_BENCH_DATA:-}
if [ -z "$DATA" ] || [ ! -e "$DATA/ct_small_image.nii" ]; then
  DATA=$TMP/bench-data
  if /usr/bin/python3 -c 'import numpy, scipy, nibabel' 2>/dev/null; then
    /usr/bin/python3 "$QIB_SHARED_DIR/bench/make_data.py" "$DATA" > "$TMP/make_data.log" 2>&1 ||
      fail "make_data.py failed: $(tail -3 "$TMP/make_data.log")"
  fi
fi
if [ -e "$DATA/ct_small_image.nii" ]; then
  run extract "$DATA/ct_small_image.nii" "$DATA/ct_small_mask.nii" --preset pyradiomics --format long
  check "ct_small: extract exits 0 ($(head -c 300 "$TMP/err"))" [ "$RC" -eq 0 ]
  cp "$TMP/out" "$TMP/ct_small_A.csv"
  compare "ct_small, PyRadiomics defaults" "$TMP/ct_small_A.csv" "$R/ct_small_A.csv"
  run extract "$DATA/ct_small_image.nii" "$DATA/ct_small_mask.nii" --params "$TMP/wavelet.yaml" \
    --format long
  check "ct_small + Wavelet: extract exits 0 ($(head -c 300 "$TMP/err"))" [ "$RC" -eq 0 ]
  cp "$TMP/out" "$TMP/ct_small_B.csv"
  n=$(awk -F, 'NR > 1 && $4 != ""' "$TMP/ct_small_B.csv" | wc -l)
  check "ct_small + Wavelet: 851 features, as PyRadiomics (got $n)" [ "$n" -eq 851 ]
  compare "ct_small + Wavelet" "$TMP/ct_small_B.csv" "$R/ct_small_B.csv"
else
  echo "SKIP: ct_small not made (Debian python3-numpy, python3-scipy, python3-nibabel needed)"
fi
finish
