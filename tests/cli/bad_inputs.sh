#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed files: each gives exit status 2 and a one-line error naming the
# file, never a crash. Inputs are made from a valid phantom by cutting and
# overwriting header bytes (NIfTI-1 offsets from nifti1.h: dim at 40,
# vox_offset at 108).
. "$(dirname "$0")/lib.sh"
set -e
"$QIB" phantom "$TMP/ok" --size 16,16,8 --radius 4 --format nii >/dev/null
"$QIB" phantom "$TMP/okz" --size 16,16,8 --radius 4 >/dev/null
"$QIB" phantom "$TMP/okn" --size 16,16,8 --radius 4 --format nrrd >/dev/null
GOOD=$TMP/ok/image.nii
MASK=$TMP/ok/mask.nii

# patch FILE OFFSET HEXBYTES: overwrite bytes in place
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
expect_refused() { # expect_refused NAME FILE
  run extract "$2" "$MASK"
  if [ "$RC" -eq 2 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "^qib: .*$(basename "$2")" "$TMP/err"; then
    pass "$1: exit 2, one line: $(cat "$TMP/err")"
  else
    fail "$1: exit $RC, stderr: $(head -c 600 "$TMP/err")"
  fi
}

head -c 200 "$GOOD" > "$TMP/short_header.nii"; expect_refused "truncated header" "$TMP/short_header.nii"
head -c 2000 "$GOOD" > "$TMP/short_data.nii"; expect_refused "truncated data" "$TMP/short_data.nii"
cp "$GOOD" "$TMP/neg_dim.nii"; patch "$TMP/neg_dim.nii" 44 '\xff\xff'; expect_refused "negative dim[2]" "$TMP/neg_dim.nii"
cp "$GOOD" "$TMP/huge_dim.nii"; patch "$TMP/huge_dim.nii" 42 '\xff\x7f\xff\x7f\xff\x7f'; expect_refused "absurd dimensions" "$TMP/huge_dim.nii"
cp "$GOOD" "$TMP/zero_dim0.nii"; patch "$TMP/zero_dim0.nii" 40 '\x00\x00'; expect_refused "dim[0] of 0" "$TMP/zero_dim0.nii"
cp "$GOOD" "$TMP/far_offset.nii"; patch "$TMP/far_offset.nii" 108 '\x28\x6b\x6e\x4e'; expect_refused "vox_offset past the end (1e9)" "$TMP/far_offset.nii"
cp "$GOOD" "$TMP/low_offset.nii"; patch "$TMP/low_offset.nii" 108 '\x00\x00\x20\x41'; expect_refused "vox_offset inside the header (10)" "$TMP/low_offset.nii"
cp "$GOOD" "$TMP/nan_offset.nii"; patch "$TMP/nan_offset.nii" 108 '\x00\x00\xc0\x7f'; expect_refused "vox_offset NaN" "$TMP/nan_offset.nii"
cp "$GOOD" "$TMP/bad_type.nii"; patch "$TMP/bad_type.nii" 70 '\x39\x30'; expect_refused "unknown datatype" "$TMP/bad_type.nii"
head -c $(( $(stat -c %s "$TMP/okz/image.nii.gz") / 2 )) "$TMP/okz/image.nii.gz" > "$TMP/cut.nii.gz"; expect_refused "gzip stream ends early" "$TMP/cut.nii.gz"
head -c 30 "$TMP/okz/image.nii.gz" > "$TMP/tiny.nii.gz"; expect_refused "gzip of 30 bytes" "$TMP/tiny.nii.gz"
cp "$TMP/okz/image.nii.gz" "$TMP/flip.nii.gz"; patch "$TMP/flip.nii.gz" 200 '\x00\x00\x00\x00\x00\x00\x00\x00'; expect_refused "corrupt gzip data" "$TMP/flip.nii.gz"
head -c 120 "$TMP/okn/image.nrrd" > "$TMP/short.nrrd"; expect_refused "NRRD truncated" "$TMP/short.nrrd"
sed '0,/^sizes:.*/s//sizes: 16 -3 8/' "$TMP/okn/image.nrrd" > "$TMP/negsize.nrrd"; expect_refused "NRRD negative size" "$TMP/negsize.nrrd"
sed '0,/^sizes:.*/s//sizes: 100000 100000 100000/' "$TMP/okn/image.nrrd" > "$TMP/hugesize.nrrd"; expect_refused "NRRD absurd sizes" "$TMP/hugesize.nrrd"
head -c 4096 /dev/urandom > "$TMP/noise.bin"; printf 'XX' | dd of="$TMP/noise.bin" bs=1 conv=notrunc status=none; expect_refused "not an image" "$TMP/noise.bin"
: > "$TMP/empty.nii"; expect_refused "empty file" "$TMP/empty.nii"
expect_refused "missing file" "$TMP/does_not_exist.nii"
mkdir -p "$TMP/a_folder.nii"; expect_refused "a folder" "$TMP/a_folder.nii"
finish
