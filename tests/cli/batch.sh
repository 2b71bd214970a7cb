#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib batch: a manifest with extra columns, a quoted path, a per-case Label,
# a missing file and a grid mismatch; exit status 2 with one error row each;
# byte-identical output for --jobs 1 and 4 in every format; --resume re-runs
# only the cases missing from OUT.done; a run killed with SIGKILL then
# resumed ends with the same bytes as an uninterrupted run; the provenance
# record lists every case's inputs and status.
. "$(dirname "$0")/lib.sh"
set -e
D=$TMP/data
mkdir -p "$D/with space"
sizes=(32,32,16 40,32,16 32,40,20 48,48,16 32,32,24 36,36,16)
radii=(5 4 6 7 4.5 5.5)
for k in 0 1 2 3 4 5; do
  "$QIB" phantom "$D/c$k" --size "${sizes[$k]}" --radius "${radii[$k]}" --seed $((k + 1)) >/dev/null
done
mv "$D/c2" "$D/with space/c2"
# case c4 again with Label 2, which its mask does not have: an empty region
M=$D/manifest.csv
printf '%s\r\n' \
  'ID,Image,Mask,Label,Note' \
  'p0,c0/image.nii.gz,c0/mask.nii.gz,,"first, with comma"' \
  'p1,c1/image.nii.gz,c1/mask.nii.gz,1,plain' \
  'p2,"with space/c2/image.nii.gz","with space/c2/mask.nii.gz",,"quoted ""path"""' \
  'p3,c3/image.nii.gz,c3/mask.nii.gz,1,"two' \
  'lines"' \
  'bad,c9/image.nii.gz,c0/mask.nii.gz,,missing file' \
  'grid,c1/image.nii.gz,c0/mask.nii.gz,,grid mismatch' \
  'empty,c4/image.nii.gz,c4/mask.nii.gz,2,empty mask' \
  'p4,c4/image.nii.gz,c4/mask.nii.gz,,' \
  'p5,c5/image.nii.gz,c5/mask.nii.gz,1,last' >"$M"

# run from another folder: relative paths are the manifest's
cd "$TMP"
run batch "$M" --out "$TMP/r1.csv" --jobs 1
check "exit status 2 when a case fails" [ "$RC" = 2 ]
check "no progress bar when stderr is not a terminal" bash -c "! grep -q '\[#' '$TMP/err'"
check "summary on stderr" grep -q "9 cases, 6 ok, 3 failed" "$TMP/err"
if command -v python3 >/dev/null; then
  cat >"$TMP/rows.py" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
for r in rows:
    print(r['ID'], r['Note'].replace('\r', '\\r').replace('\n', '\\n'), r['original_diagnostics_roi_voxel_count'] or '-', r['error'] or '-', sep='|')
EOF
  python3 "$TMP/rows.py" "$TMP/r1.csv" >"$TMP/rows.txt"
  cat "$TMP/rows.txt"
  check "rows in manifest order" [ "$(cut -d'|' -f1 "$TMP/rows.txt" | tr '\n' ' ')" = "p0 p1 p2 p3 bad grid empty p4 p5 " ]
  check "extra columns copied (comma, quotes, newline)" grep -qF 'p3|two\r\nlines|' "$TMP/rows.txt"
  check "quoted field with quotes copied" grep -q '^p2|quoted "path"|' "$TMP/rows.txt"
  for k in 0 1 3 4 5; do
    want=$(grep -o '"voxel_count": [0-9]*' "$D/c$k/truth.json" | grep -o '[0-9]*$')
    check "p$k voxel count equals the phantom's truth ($want)" grep -q "^p$k|[^|]*|$want|-$" "$TMP/rows.txt"
  done
  want=$(grep -o '"voxel_count": [0-9]*' "$D/with space/c2/truth.json" | grep -o '[0-9]*$')
  check "quoted path case ran (voxel count $want)" grep -q "^p2|[^|]*|$want|-$" "$TMP/rows.txt"
  check "missing file: one error row naming the file" grep -q '^bad|.*|-|.*c9/image.nii.gz:.*No such file' "$TMP/rows.txt"
  check "grid mismatch: one error row with the message" grep -q '^grid|.*|-|.*c0/mask.nii.gz: dimensions .* differ' "$TMP/rows.txt"
  check "empty mask: one error row naming the label" grep -q '^empty|.*|-|.*label 2 has no voxel' "$TMP/rows.txt"
  check "provenance is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/r1.csv.provenance.json"
fi

P=$TMP/r1.csv.provenance.json
check "provenance: every case has a status" [ "$(grep -c '"case [0-9]* status"' "$P")" = 9 ]
check "provenance: case 5 failed with its message" grep -q '"case 5 status": "error: .*c9/image.nii.gz' "$P"
check "provenance: case 1 ok" grep -q '"case 1 status": "ok"' "$P"
check "provenance: case inputs hashed" grep -q "$(sha256sum "$D/c3/image.nii.gz" | cut -c1-64)" "$P"
check "provenance: the manifest hashed" grep -q "$(sha256sum "$M" | cut -c1-64)" "$P"

# the same bytes whatever the number of threads, in every format
for fmt in csv long json; do
  "$QIB" batch "$M" --out "$TMP/j1.$fmt" --format $fmt --jobs 1 2>/dev/null || true
  "$QIB" batch "$M" --out "$TMP/j4.$fmt" --format $fmt --jobs 4 2>/dev/null || true
  check "$fmt: --jobs 1 and --jobs 4 give identical bytes" cmp -s "$TMP/j1.$fmt" "$TMP/j4.$fmt"
done
check "csv output equals the first run" cmp -s "$TMP/r1.csv" "$TMP/j1.csv"

# resume: forget two finished cases (rows 1 and 7); only they and the three
# failed ones run again, and the output is unchanged
cp "$TMP/r1.csv" "$TMP/ref.csv"
grep -v -E ' (1|7) ok ' "$TMP/r1.csv.done" >"$TMP/done" && mv "$TMP/done" "$TMP/r1.csv.done"
run batch "$M" --out "$TMP/r1.csv" --resume --jobs 3
check "resume: exit 2 (the failed cases fail again)" [ "$RC" = 2 ]
check "resume: 4 kept, 5 run" grep -q "resumed: 4 done, 5 run" "$TMP/err"
check "resume: same bytes" cmp -s "$TMP/r1.csv" "$TMP/ref.csv"
run batch "$M" --out "$TMP/r1.csv" --resume
check "resume again: all 6 ok cases kept" grep -q "resumed: 6 done, 3 run" "$TMP/err"
check "resume again: same bytes" cmp -s "$TMP/r1.csv" "$TMP/ref.csv"
# a changed setting changes every key: everything runs again
run batch "$M" --out "$TMP/r1.csv" --resume --set crop_padding=3
check "resume with other settings: nothing kept" grep -q "resumed: 0 done, 9 run" "$TMP/err"

# kill -9 in the middle of a 30-case run, then --resume
{
  echo 'Image,Mask,n'
  for i in $(seq 1 30); do k=$((i % 6)); [ $k = 2 ] && k=0; echo "c$k/image.nii.gz,c$k/mask.nii.gz,$i"; done
} >"$D/m30.csv"
"$QIB" batch "$D/m30.csv" --out "$TMP/full.csv" --jobs 2 2>/dev/null
"$QIB" batch "$D/m30.csv" --out "$TMP/k.csv" --jobs 2 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$TMP/k.csv.done" ] && [ "$(wc -l <"$TMP/k.csv.done")" -ge 8 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
ndone=$(wc -l <"$TMP/k.csv.done")
echo "killed after $ndone finished cases"
check "killed mid-run (some but not all cases done)" [ "$ndone" -ge 8 ] && [ "$ndone" -lt 30 ]
check "killed run left no final output" [ ! -f "$TMP/k.csv" ]
run batch "$D/m30.csv" --out "$TMP/k.csv" --resume --jobs 2
check "resume after kill: exit 0" [ "$RC" = 0 ]
check "resume after kill: the finished cases were kept" grep -q "resumed: $ndone done, $((30 - ndone)) run" "$TMP/err"
check "resume after kill: same bytes as an uninterrupted run" cmp -s "$TMP/k.csv" "$TMP/full.csv"

# usage and manifest errors
run batch "$M"
check "no --out: usage error" [ "$RC" = 1 ]
printf 'Image,Mask\n"a.nii,b.nii\n' >"$D/bad.csv"
run batch "$D/bad.csv" --out "$TMP/x.csv"
check "malformed manifest: exit 2" [ "$RC" = 2 ]
check "malformed manifest: located error" grep -q 'bad.csv.*line 2, column 1: unterminated quoted field' "$TMP/err"
printf 'Img,Mask\na,b\n' >"$D/noimage.csv"
run batch "$D/noimage.csv" --out "$TMP/x.csv"
check "no Image column: named" grep -q 'no Image column' "$TMP/err"
finish
