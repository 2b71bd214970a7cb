# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the CLI tests (sourced, not run). ctest sets QIB,
# QIB_SHARED_DIR, QIB_TEST_TMP and QIB_SOURCE_DIR.
set -u
: "${QIB:?QIB must name the qib binary}"
TMP=${QIB_TEST_TMP:-/tmp/qib-cli-test}/$$
rm -rf "$TMP" && mkdir -p "$TMP"
FAILS=0
CHECKS=0

pass() { CHECKS=$((CHECKS + 1)); echo "ok   $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
# Skips the whole script (exit 77) when a shared file is absent.
need_shared() {
  if [ ! -e "$QIB_SHARED_DIR/$1" ]; then
    echo "SKIP: $QIB_SHARED_DIR/$1 is absent (the shared data folder ../shared is needed)"
    exit 77
  fi
}
# Runs qib, keeping stdout, stderr and the exit status in $TMP/out, $TMP/err, $RC.
run() { set +e; "$QIB" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; set -e; }
# A long-format value: long_value FILE FEATURE
long_value() {
  awk -F, -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "feature") fc = i; if ($i == "value") vc = i }; next }
                     $fc == f { print $vc }' "$1"
}
finish() {
  echo "$((CHECKS - FAILS)) passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
