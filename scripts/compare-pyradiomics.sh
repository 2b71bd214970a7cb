#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Compares a qib long-format output (qib extract ... --format long) with a
# PyRadiomics reference CSV (feature,value), as tests/cli/pyradiomics_reference.sh
# and docs/PYRADIOMICS.md describe:
#   compare-pyradiomics.sh QIB_LONG.csv REFERENCE.csv [PATTERN]
# Numbers pass at a relative difference below 1e-6 (absolute 1e-9 near 0);
# text values must be equal. The diagnostics that describe the software
# (Versions_*, Configuration_*) are reported but not compared: qib writes its
# own. PATTERN (an awk regex) limits the comparison to matching names.
# Prints one line per mismatch, a tally per feature class, and exits 1 when
# anything is missing or differs.
set -euo pipefail
qib_out=$1 ref=$2 pattern=${3:-.}
awk -F, -v pat="$pattern" '
  function csv_split(line, out,    n, i, c, f, q) {
    n = 0; f = ""; q = 0
    for (i = 1; i <= length(line); i++) {
      c = substr(line, i, 1)
      if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { f = f c; i++ } else q = 0 } else f = f c }
      else if (c == "\"") q = 1
      else if (c == ",") { out[++n] = f; f = "" }
      else f = f c
    }
    out[++n] = f
    return n
  }
  function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
  { sub(/\r$/, "") }
  FNR == 1 { file++; if (file == 1) { n = csv_split($0, h); for (i = 1; i <= n; i++) col[h[i]] = i }; next }
  file == 1 {
    csv_split($0, c)
    it = c[col["image_type"]]; fam = c[col["family"]]; feat = c[col["feature"]]
    name = (it == "" ? fam "_" feat : it "_" fam "_" feat)
    got[name] = c[col["value"]]
    next
  }
  file == 2 {
    csv_split($0, c)
    name = c[1]; want = c[2]
    if (name !~ pat) next
    split(name, parts, "_"); cls = parts[1] "_" parts[2]
    if (name ~ /^diagnostics_(Versions|Configuration)_/) { skipped++; next }
    total[cls]++
    if (!(name in got)) { printf "MISSING %s (reference %s)\n", name, want; bad[cls]++; missing++; next }
    g = got[name]
    if (isnum(want) && isnum(g)) {
      a = g + 0; b = want + 0; d = a - b; if (d < 0) d = -d
      m = (a < 0 ? -a : a); mb = (b < 0 ? -b : b); if (mb > m) m = mb
      rel = (m > 0) ? d / m : 0
      if (rel > worst[cls]) worst[cls] = rel
      if (!(d <= 1e-9 || rel < 1e-6)) { printf "DIFF %s qib %s reference %s rel %.3g\n", name, g, want, rel; bad[cls]++ }
    } else if (g != want) {
      if (!(tolower(g) == "nan" && tolower(want) == "nan")) { printf "DIFF %s qib \"%s\" reference \"%s\"\n", name, g, want; bad[cls]++ }
    }
  }
  END {
    ok = 1
    for (k in total) {
      printf "%-28s %4d compared, %4d failed, max rel diff %.3g\n", k, total[k], bad[k] + 0, worst[k] + 0
      if (bad[k]) ok = 0
    }
    printf "(%d software diagnostics not compared)\n", skipped
    exit ok ? 0 : 1
  }' "$qib_out" "$ref"
