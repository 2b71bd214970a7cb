#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The command's usage rules: exit statuses, help and version.
. "$(dirname "$0")/lib.sh"
set -e
run; check "no command exits 1" [ "$RC" -eq 1 ]
run nonsense; check "unknown command exits 1" [ "$RC" -eq 1 ]
check "unknown command is named" grep -q "unknown command 'nonsense'" "$TMP/err"
run help; check "help exits 0 and lists extract" [ "$RC" -eq 0 ]
check "help lists extract" grep -q "^  extract" "$TMP/out"
run help extract; check "help extract shows --label" grep -q -- "--label N" "$TMP/out"
run version; check "version prints the version" grep -Eq '^qib [0-9]+\.[0-9]+\.[0-9]+ \(commit ' "$TMP/out"
run extract; check "extract without files exits 1" [ "$RC" -eq 1 ]
run extract a b --bogus; check "unknown option exits 1" [ "$RC" -eq 1 ]
run extract a b --set label=x; check "bad setting exits 1" [ "$RC" -eq 1 ]
check "bad setting is named" grep -q "label" "$TMP/err"
run extract a b --format xml; check "bad format exits 1" [ "$RC" -eq 1 ]
run features; check "features lists diagnostics" grep -q "^diagnostics" "$TMP/out"
run features --family nope; check "unknown family exits 1" [ "$RC" -eq 1 ]
run settings; check "settings lists label" grep -q "^label" "$TMP/out"
finish
