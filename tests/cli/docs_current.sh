#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/FEATURES.md and docs/SETTINGS.md must equal what the registries
# generate now (regenerate with `make docs`).
. "$(dirname "$0")/lib.sh"
set -e
"$QIB" features --markdown >"$TMP/FEATURES.md"
"$QIB" settings --markdown >"$TMP/SETTINGS.md"
check "docs/FEATURES.md is current (run make docs)" cmp -s "$TMP/FEATURES.md" "$QIB_SOURCE_DIR/docs/FEATURES.md"
check "docs/SETTINGS.md is current (run make docs)" cmp -s "$TMP/SETTINGS.md" "$QIB_SOURCE_DIR/docs/SETTINGS.md"
finish
