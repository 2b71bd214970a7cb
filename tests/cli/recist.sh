#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qib recist on a lesion table whose answers are worked out below, and qib
# recist-measure on a rectangle mask written byte by byte.
. "$(dirname "$0")/lib.sh"
set -e
. "$(dirname "$0")/nifti_write.inc"
D=$TMP

# S1: 40 + 20 = 60; W8 28 + 14 = 42 (-30%: PR); W16 26 + 12 = 38 (-36.7%: PR,
#     nadir 42); W24 30 + 16 = 46 (nadir 38: +8 mm, +21.05%: PD). Best PR.
# S2: a node of 18 mm; W8 9 mm (< 10: target CR) but a new lesion: PD.
# S3: baseline only: best NE.
# S4: 50; W8 30 (PR); W16 45 (nadir 30: +50%: PD). Best PR, or SD when a PR
#     must be confirmed (the next assessment is PD).
cat > "$D/t.csv" <<'EOF'
subject,timepoint,day,lesion,role,organ,node,diameter_mm,status
S1,B,0,T1,target,liver,no,40,measured
S1,B,0,T2,target,lung,no,20,measured
S1,B,0,N1,nontarget,bone,no,,present
S2,B,0,L1,target,mediastinum,yes,18,measured
S1,W8,56,T1,target,liver,no,28,measured
S1,W8,56,T2,target,lung,no,14,measured
S1,W8,56,N1,nontarget,bone,no,,present
S1,W16,112,T1,target,liver,no,26,measured
S1,W16,112,T2,target,lung,no,12,measured
S1,W16,112,N1,nontarget,bone,no,,present
S1,W24,168,T1,target,liver,no,30,measured
S1,W24,168,T2,target,lung,no,16,measured
S1,W24,168,N1,nontarget,bone,no,,present
S2,W8,57,L1,target,mediastinum,yes,9,measured
S2,W8,57,X1,new,liver,no,,present
S3,B,0,T1,target,kidney,no,33,measured
S4,B,0,T1,target,liver,no,50,measured
S4,W8,56,T1,target,liver,no,30,measured
S4,W16,112,T1,target,liver,no,45,measured
EOF
run recist "$D/t.csv" --out "$D/r.csv"
cat "$TMP/out" "$TMP/err"
check "exit status 0" [ "$RC" = 0 ]
check "one row per subject and time point" [ "$(wc -l < "$D/r.csv")" = $((1 + 4 + 2 + 1 + 3)) ]
check "header" grep -q '^subject,timepoint,day,sum_mm,nadir_mm,change_from_baseline_pct,change_from_nadir_pct,targets_assessed,target_response,nontarget_response,new_lesions,overall_response,best_overall_response$' "$D/r.csv"
row() { awk -F, -v s="$1" -v t="$2" '$1 == s && $2 == t' "$D/r.csv"; }
field() { row "$1" "$2" | cut -d, -f"$3"; }
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-9) }'; }
check "S1 baseline: sum 60, no response" [ "$(row S1 B)" = "S1,B,0,60,,,,2/2,,,,,PR" ]
check "S1 W8: 42 mm, -30%: PR" [ "$(row S1 W8)" = "S1,W8,56,42,60,-30,-30,2/2,PR,NON-CR/NON-PD,no,PR,PR" ]
check "S1 W16: -36.67% from baseline" close "$(field S1 W16 6)" "$(awk 'BEGIN { printf "%.12f", -2200 / 60 }')"
check "S1 W24: nadir 38, +21.05%: PD" bash -c "[ '$(field S1 W24 5)' = 38 ] && [ '$(field S1 W24 12)' = PD ]"
check "S1 W24: +21.05% from the nadir" close "$(field S1 W24 7)" "$(awk 'BEGIN { printf "%.12f", 800 / 38 }')"
check "S2 W8: node 9 mm, target CR, new lesion: PD" [ "$(row S2 W8)" = "S2,W8,57,9,18,-50,-50,1/1,CR,NA,yes,PD,PD" ]
check "S3: no follow-up: best NE" [ "$(row S3 B | cut -d, -f13)" = NE ]
check "S4: best PR without confirmation" [ "$(field S4 W16 13)" = PR ]
check "printed best responses" grep -q "best overall response of S1: PR" "$TMP/out"
check "printed table" grep -qE '^S1 +W24 +46\.0 +38\.0 +-23\.3 +21\.1 PD' "$TMP/out"
check "provenance beside the output" grep -q "$(sha256sum "$D/t.csv" | cut -c1-64)" "$D/r.csv.provenance.json"
check "provenance records the rules" grep -q '"confirmation": "not required"' "$D/r.csv.provenance.json"

run recist "$D/t.csv" --confirm --out "$D/rc.csv"
check "--confirm: S4's PR is unconfirmed: best SD" [ "$(awk -F, '$1 == "S4" { print $13; exit }' "$D/rc.csv")" = SD ]
check "--confirm: S1's PR is confirmed 56 days later" [ "$(awk -F, '$1 == "S1" { print $13; exit }' "$D/rc.csv")" = PR ]
run recist "$D/t.csv" --sd-min-days 60
check "--sd-min-days with days: accepted" [ "$RC" = 0 ]

# invalid tables: exit 2, line and column named
H=subject,timepoint,lesion,role,organ,node,diameter_mm,status
printf '%s\nP,B,T1,target,liver,no,20,measured\nP,B,T2,target,liver,no,20,measured\nP,B,T3,target,liver,no,20,measured\n' "$H" > "$D/bad1.csv"
run recist "$D/bad1.csv"
check "three targets in one organ: exit 2" [ "$RC" = 2 ]
check "... naming line and column" grep -q "bad1.csv: line 4, column organ: a 3rd target in organ 'liver'" "$TMP/err"
printf '%s\nP,B,T1,target,liver,no,20,measured\nP,W1,T1,target,liver,no,,measured\n' "$H" > "$D/bad2.csv"
run recist "$D/bad2.csv"
check "a measured target without a diameter: line 3, diameter_mm" \
  bash -c "[ $RC = 2 ] && grep -q 'bad2.csv: line 3, column diameter_mm: a measured target needs its diameter' '$TMP/err'"
printf '%s\nP,B,T1,target,liver,no,20,measured\nP,W1,T9,target,liver,no,30,measured\n' "$H" > "$D/bad3.csv"
run recist "$D/bad3.csv"
check "a target with no baseline: line 3, timepoint" grep -q "line 3, column timepoint: target T9 of subject P has no baseline row" "$TMP/err"
printf '%s\nP,B,T1,target,liver,no,20,sort of\n' "$H" > "$D/bad4.csv"
run recist "$D/bad4.csv"
check "an unknown status: line 2, status" grep -q "line 2, column status: unknown status 'sort of'" "$TMP/err"
printf '%s\nP,B,T1,target,liver,no,20,measured\n' "$H" > "$D/nodays.csv"
run recist "$D/nodays.csv" --sd-min-days 42
check "--sd-min-days without a day column: exit 1" bash -c "[ $RC = 1 ] && grep -q 'needs a day column' '$TMP/err'"
run recist "$D/t.csv" --confirm-days -3
check "a negative --confirm-days: exit 1" [ "$RC" = 1 ]
run recist "$D/none.csv"
check "a missing table: exit 2" [ "$RC" = 2 ]

# recist-measure: 3 x 2 pixels of 1 x 2 mm in slice 1 of a 5 x 4 x 2 grid:
# a 3 x 4 mm rectangle, long axis 5 mm (the diagonal), short axis
# 3 x 5 / 4 = 3.75 mm (the chord perpendicular to the diagonal)
nifti "$D/les.nii" 2 5 4 2 1 1 2  0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0 0 \
                                   0 0 0 0 0  0 1 1 1 0  0 1 1 1 0  0 0 0 0 0
run recist-measure "$D/les.nii" "$D/les.nii" --out "$D/m.csv"
cat "$TMP/out"
check "exit status 0" [ "$RC" = 0 ]
check "long axis 5 mm" grep -q '^long_axis,5,mm$' "$TMP/out"
check "short axis 3.75 mm" grep -q '^short_axis,3.75,mm$' "$TMP/out"
check "slice 1" grep -q '^slice,1,' "$TMP/out"
check "non-nodal 5 mm: non-measurable" grep -q '^measurability,non-measurable,' "$TMP/out"
check "the file holds the same table" cmp -s "$TMP/out" "$D/m.csv"
check "provenance beside it" [ -s "$D/m.csv.provenance.json" ]
run recist-measure "$D/les.nii" "$D/les.nii" --node
check "--node: the short axis is the RECIST diameter, a normal node" \
  bash -c "grep -q '^recist_diameter,3.75,mm (lymph node: short axis)$' '$TMP/out' && grep -q '^measurability,normal,' '$TMP/out'"
run recist-measure "$D/les.nii" "$D/les.nii" --label 2
check "an absent label: exit 2" [ "$RC" = 2 ]
nifti "$D/other.nii" 2 4 4 2 1 1 2  $(printf '0 %.0s' $(seq 32))
run recist-measure "$D/other.nii" "$D/les.nii"
check "a mask on another grid: exit 2" [ "$RC" = 2 ]
finish
