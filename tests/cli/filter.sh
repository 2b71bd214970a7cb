#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `qib filter`: the response map on a synthetic case (grid, type, provenance),
# the box variant against the whole response, located errors for bad specs
# and inputs, --compare's pass and fail, and docs/FILTERS.md's parameter
# tables against `qib filter --list --markdown`.
. "$(dirname "$0")/lib.sh"
"$QIB" phantom "$TMP/case" --size 24,20,10 --radius 5 --spacing 1,1,2 >/dev/null
IMG=$TMP/case/image.nii.gz
geom() { "$QIB" info "$1" | grep -E '^(dimensions|spacing|origin|direction)'; }

run filter "$IMG" --filter log:sigma=2 --out "$TMP/log.nii.gz"
check "log: exit 0" [ "$RC" -eq 0 ]
check "log: prints the full spec" grep -qx 'filter: log:sigma=2,truncation=4,dim=3d,boundary=mirror,riesz=none,margin=-1' "$TMP/out"
check "log: same grid as the image" diff <(geom "$IMG") <(geom "$TMP/log.nii.gz")
check "log: float64 response" grep -q 'voxel type:  float64' <("$QIB" info "$TMP/log.nii.gz")
check "log: provenance beside the response" grep -q '"log:sigma=2"' "$TMP/log.nii.gz.provenance.json"

# the box variant: equal to the whole response inside the box
run filter "$IMG" --filter laws:kernel=E5L5,rotation_invariant=1,energy_distance=2 --out "$TMP/whole.nii.gz"
run filter "$IMG" --filter laws:kernel=E5L5,rotation_invariant=1,energy_distance=2 --box 2,3,1,10,8,4 --out "$TMP/box.nii.gz"
check "box: exit 0" [ "$RC" -eq 0 ]
check "box: the box's grid" grep -q 'dimensions:  10 x 8 x 4' <("$QIB" info "$TMP/box.nii.gz")
run filter "$IMG" --filter laws:kernel=E5L5,rotation_invariant=1,energy_distance=2 --box 2,3,1,10,8,4 --compare "$TMP/box.nii.gz"
check "box: --compare with itself passes" grep -q 'max_abs_diff 0 .* pass$' "$TMP/out"
run filter "$IMG" --filter mean:size=3 --box 2,3,1,10,8,4 --compare "$TMP/box.nii.gz"
check "box: a different filter fails --compare (exit 2)" [ "$RC" -eq 2 ]
check "box: ... and says fail" grep -q ' fail$' "$TMP/out"
run filter "$IMG" --filter mean:size=3 --box 20,0,0,10,1,1 --out "$TMP/x.nii.gz"
check "box outside the image: exit 1" [ "$RC" -eq 1 ]
check "box outside the image: names the box" grep -q 'box: box 20+10 along axis 0' "$TMP/err"
run filter "$IMG" --filter mean --box 1,2,3 --out "$TMP/x.nii.gz"
check "malformed --box: usage error" [ "$RC" -eq 1 ]

# bad specs and inputs
run filter "$IMG" --filter log:sigma=1,foo=2 --out "$TMP/x.nii.gz"
check "unknown parameter: exit 1" [ "$RC" -eq 1 ]
check "unknown parameter: located" grep -q "filter at byte 12: 'foo' is not a parameter of log" "$TMP/err"
run filter "$IMG" --filter mean:size=4 --out "$TMP/x.nii.gz"
check "even mean support: names size and its byte" grep -q 'size at byte 10: support 4 is even' "$TMP/err"
run filter "$IMG" --filter gabor:sigma=1 --out "$TMP/x.nii.gz"
check "missing lambda: required" grep -q 'lambda: required by gabor' "$TMP/err"
run filter "$TMP/none.nii.gz" --filter mean --out "$TMP/x.nii.gz"
check "missing image: exit 2" [ "$RC" -eq 2 ]
check "no output written on failure" [ ! -e "$TMP/x.nii.gz" ]
run filter "$IMG" --out "$TMP/x.nii.gz"
check "no --filter: usage error" [ "$RC" -eq 1 ]
run filter --list
check "--list: every filter" bash -c "grep -c '^[a-z][a-z]*  ' '$TMP/out' | grep -qx 6"

# docs/FILTERS.md carries the generated parameter tables
DOC=$QIB_SOURCE_DIR/docs/FILTERS.md
"$QIB" filter --list --markdown > "$TMP/params.md"
sed -n '/<!-- BEGIN qib filter --list --markdown -->/,/<!-- END qib filter --list --markdown -->/p' "$DOC" \
  | sed '1d;$d' > "$TMP/doc_params.md"
check "docs/FILTERS.md parameter tables are current (regenerate with qib filter --list --markdown)" \
  diff "$TMP/params.md" "$TMP/doc_params.md"
finish
