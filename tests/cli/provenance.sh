#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Provenance: the same inputs and settings give byte-identical results, and
# provenance records that differ only in their time fields; the record names
# the inputs with their SHA-256, the settings with theirs, and the command.
. "$(dirname "$0")/lib.sh"
set -e
"$QIB" phantom "$TMP/case" --size 32,32,16 --radius 5 >/dev/null
I=$TMP/case/image.nii.gz; M=$TMP/case/mask.nii.gz
for fmt in csv long json; do
  "$QIB" extract "$I" "$M" --format $fmt --out "$TMP/r.$fmt"
  cp "$TMP/r.$fmt" "$TMP/r1.$fmt"; cp "$TMP/r.$fmt.provenance.json" "$TMP/p1.$fmt"
  sleep 1
  "$QIB" extract "$I" "$M" --format $fmt --out "$TMP/r.$fmt"
  check "$fmt: results byte-identical across runs" cmp -s "$TMP/r1.$fmt" "$TMP/r.$fmt"
  check "$fmt: provenance identical apart from time fields" \
    diff <(grep -v '_utc"' "$TMP/p1.$fmt") <(grep -v '_utc"' "$TMP/r.$fmt.provenance.json")
done
P=$TMP/r.csv.provenance.json
check "records the image's SHA-256" grep -q "$(sha256sum "$I" | cut -c1-64)" "$P"
check "records the mask's SHA-256" grep -q "$(sha256sum "$M" | cut -c1-64)" "$P"
check "records the output's SHA-256" grep -q "$(sha256sum "$TMP/r.csv" | cut -c1-64)" "$P"
check "records the qib version" grep -q "\"$("$QIB" version | awk '{print $2}')\"" "$P"
check "records the command line" grep -q -- '"--format"' "$P"
check "records the settings" grep -q '"geometry_tolerance"' "$P"
check "records a settings SHA-256" grep -Eq '"settings_sha256": "[0-9a-f]{64}"' "$P"
check "records UTC times" grep -Eq '"started_utc": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "$P"
check "records host and user" grep -q '"host"' "$P"
# A different setting changes the settings hash.
"$QIB" extract "$I" "$M" --set crop_padding=3 --out "$TMP/r2.csv"
h1=$(grep settings_sha256 "$P"); h2=$(grep settings_sha256 "$TMP/r2.csv.provenance.json")
check "a changed setting changes the settings SHA-256" [ "$h1" != "$h2" ]
if command -v python3 >/dev/null; then
  check "provenance is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$P"
  check "JSON results are valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/r.json"
fi
finish
