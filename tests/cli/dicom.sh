#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `qib dicom`: dump, hash (the corpus pixel_sha256), ls and convert of the
# IBSI 1 CT phantom series, and a located one-line error for a truncated file.
. "$(dirname "$0")/lib.sh"
set -e
need_shared dicom-corpus/manifest.csv
run dicom
if grep -q "unknown command" "$TMP/err"; then
  echo "SKIP: 'qib dicom' is not in the command table yet"
  exit 77
fi
C=$QIB_SHARED_DIR/dicom-corpus/files

run dicom hash "$C/ts_explicit_vr_be/MR_small_bigendian.dcm"
check "hash of big-endian MR_small equals the manifest" \
  grep -q "^88617aaa46138fb1b6e2a951e762d962382354d69f47f8c04d4abff2f6a6a63e " "$TMP/out"

run dicom dump "$C/edge_sequences_private/nested_priv_SQ.dcm"
check "dump exits 0" [ "$RC" -eq 0 ]
check "dump indents nested items" grep -q "^    (0001,0001) UN (Sequence, 1 item)" "$TMP/out"

run dicom dump "$C/edge_charset/chrGerm.dcm"
check "dump shows Latin-1 text as UTF-8" grep -q "PN \[Äneas^Rüdiger\]" "$TMP/out"

run dicom hash "$C/malformed/MR_truncated.dcm"
if [ "$RC" -eq 2 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "(7FE0,0010) at byte 1488" "$TMP/err"; then
  pass "truncated file: exit 2, located: $(cat "$TMP/err")"
else
  fail "truncated file: exit $RC, stderr: $(head -c 600 "$TMP/err")"
fi

if [ -d "$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom/dicom/image" ]; then
  run dicom ls "$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom/dicom/image"
  check "ls lists the 60-slice CT series" grep -q "CT \"\": 60 file(s), 60 image(s) of 204 x 201" "$TMP/out"
  run dicom convert "$QIB_SHARED_DIR/ibsi/ibsi1_ct_phantom/dicom/image" "$TMP/phantom.nii.gz"
  check "convert writes the volume" test "$RC" -eq 0 -a -s "$TMP/phantom.nii.gz"
fi
finish
