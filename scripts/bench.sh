#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scripts/bench.sh: qib's benchmarks. Figures to read, never a pass/fail test.
#
#   scripts/bench.sh [SECTION...]     default: every section in ALL_SECTIONS
#   scripts/bench.sh --list           the sections
#
# Each section is a shell function section_NAME. To add a benchmark (e.g.
# feature extraction on the same cases), write section_NAME, add NAME to
# ALL_SECTIONS, and put its C driver in bench/bench_NAME.c (bench/CMakeLists.txt
# builds every bench/bench_*.c). Results go to stdout and to
# $BENCH_OUT/NAME.tsv. See bench/README.md.
#
# Environment (all optional):
#   BENCH_BUILD   Release build folder          (default build/release)
#   BENCH_DATA    benchmark cases folder        (default build/bench-data)
#   BENCH_OUT     result tables folder          (default build/bench-results)
#   BENCH_REPEAT  runs per measurement (median) (default 5)
#   BENCH_CASES   cases to run                  (default "ct_small ct_large")
#   QIB_SHARED_DIR  the shared data folder      (default ../shared beside the repo)
#   PYTHON        Python with numpy, scipy, nibabel (default /usr/bin/python3)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BENCH_BUILD:-build/release}
DATA=${BENCH_DATA:-build/bench-data}
OUT=${BENCH_OUT:-build/bench-results}
REPEAT=${BENCH_REPEAT:-5}
CASES=${BENCH_CASES:-ct_small ct_large}
SHARED=${QIB_SHARED_DIR:-$ROOT/../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
ALL_SECTIONS="load batch features pyradiomics dicom"

say() { printf '%s\n' "$*"; }
skip() { say "SKIP: $*"; }

# ---- shared steps ----

# Configures and builds the Release build (no sanitizers) and the named
# bench targets.
# Compiler output goes to $OUT/build.log, shown only when the build fails.
build_targets() {
    mkdir -p "$OUT"
    local log="$OUT/build.log"
    : >"$log"
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        say "== configuring $BUILD (Release)"
        if ! cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQIB_SANITIZE=OFF \
            >>"$log" 2>&1; then
            tail -30 "$log" >&2
            return 1
        fi
    fi
    say "== building $* in $BUILD (log: $log)"
    if ! cmake --build "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" --target "$@" >>"$log" 2>&1; then
        grep -E 'error|Error' "$log" | head -30 >&2
        return 1
    fi
}

# Makes the benchmark cases with ../shared/bench/make_data.py unless they are
# there already. Returns 1 (after a message) when they cannot be made.
ensure_data() {
    local missing=0 c
    for c in $CASES; do
        [ -f "$DATA/${c}_image.nii" ] && [ -f "$DATA/${c}_mask.nii" ] || missing=1
    done
    [ "$missing" = 0 ] && return 0
    if [ ! -f "$SHARED/bench/make_data.py" ]; then
        skip "$SHARED/bench/make_data.py is absent (the shared data folder ../shared is needed)"
        return 1
    fi
    if ! "$PYTHON" -c 'import numpy, scipy, nibabel' 2>/dev/null; then
        skip "$PYTHON lacks numpy, scipy or nibabel" \
            "(Debian: apt-get install python3-numpy python3-scipy python3-nibabel)"
        return 1
    fi
    say "== making the benchmark cases in $DATA (about 20 s)"
    mkdir -p "$DATA"
    "$PYTHON" "$SHARED/bench/make_data.py" "$DATA"
}

# The SHA-1 the shared README gives for a case's image voxels, or "".
expected_sha1() {
    local readme="$SHARED/bench/README.md"
    [ -f "$readme" ] || return 0
    grep -oE "\`[0-9a-f]{40}\` for \`$1\`" "$readme" | grep -oE '[0-9a-f]{40}' | head -1 || true
}

# SHA-1 of the voxel bytes of an uncompressed little-endian NIfTI-1 file (the
# data after vox_offset, which is ITK buffer order, i.e. what PyRadiomics
# hashes).
nifti_voxel_sha1() {
    local off
    off=$(od -An -tf4 -j108 -N4 "$1" | tr -d ' ')
    off=${off%%.*}
    tail -c +"$((off + 1))" "$1" | sha1sum | cut -d' ' -f1
}

# Informative: does our copy of each case equal the one PyRadiomics measured?
verify_data() {
    local c want got
    for c in $CASES; do
        want=$(expected_sha1 "$c")
        [ -n "$want" ] || { say "   $c: no reference SHA-1 in the shared README"; continue; }
        got=$(nifti_voxel_sha1 "$DATA/${c}_image.nii")
        if [ "$got" = "$want" ]; then
            say "   $c: voxel SHA-1 matches the reference ($got)"
        else
            say "   $c: voxel SHA-1 $got differs from the reference $want;" \
                "figures are not comparable with the PyRadiomics ones"
        fi
    done
}

# gzip (-6, like most tools) and NRRD copies of each case's image, made once.
make_copies() {
    local c f
    for c in $CASES; do
        f="$DATA/${c}_image"
        if [ ! -f "$f.nii.gz" ] || [ "$f.nii" -nt "$f.nii.gz" ]; then
            say "== gzip -6 $f.nii"
            gzip -k -6 -f "$f.nii"
        fi
        if [ ! -f "$f.nrrd" ] || [ "$f.nii" -nt "$f.nrrd" ]; then
            say "== writing $f.nrrd"
            "$BUILD/bench/bench_load" --convert "$f.nii" "$f.nrrd" ||
                say "   (could not write $f.nrrd; the NRRD rows will be missing)"
        fi
    done
}

machine_info() {
    say "== $(date -u '+%Y-%m-%d %H:%M UTC'), qib $(git rev-parse --short HEAD 2>/dev/null || echo '?')," \
        "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -m)," \
        "$(nproc 2>/dev/null || echo '?') cores," \
        "$(awk '/MemTotal/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)"
}

# ---- sections ----

# load: qib_image_read of each case as .nii, .nii.gz and .nrrd, one process
# per file so that the peak RSS belongs to that file alone.
section_load() {
    say ""
    say "#### load: qib_image_read, median of $REPEAT runs, one process per file"
    build_targets bench_load || { say "bench.sh: the build failed" >&2; return 1; }
    ensure_data || return 0
    verify_data
    make_copies
    mkdir -p "$OUT"
    local tsv="$OUT/load.tsv" c ext f want
    "$BUILD/bench/bench_load" --tsv-header | sed 's/^/case\tsha1_ok\t/' >"$tsv"
    for c in $CASES; do
        want=$(expected_sha1 "$c")
        for ext in nii nii.gz nrrd; do
            f="$DATA/${c}_image.$ext"
            [ -f "$f" ] || continue
            local line ok="-"
            if line=$("$BUILD/bench/bench_load" --tsv --sha1 --repeat "$REPEAT" "$f"); then
                if [ -n "$want" ]; then
                    [ "$(printf '%s' "$line" | awk -F'\t' '{print $NF}')" = "$want" ] && ok=yes || ok=NO
                fi
                printf '%s\t%s\t%s\n' "$c" "$ok" "$line" >>"$tsv"
            else
                say "   $f: bench_load failed (see above)"
            fi
        done
    done
    # case sha1_ok file format gzip dtype file_mb data_mb load_s read_s inflate_s ratio
    # peak_rss_mb rss_increase_mb sha1
    say ""
    awk -F'\t' '
        NR == 1 {
            printf "%-9s %-12s %9s %9s %9s %10s %7s %9s %9s %6s\n", "case", "format", "size MB",
                   "load s", "read s", "inflate s", "ratio", "peak MB", "+RSS MB", "SHA-1"
            next
        }
        {
            fmt = $4; if ($5 == 1) fmt = fmt "+gz"
            printf "%-9s %-12s %9.1f %9.4f %9.4f %10s %7s %9.1f %9.1f %6s\n", $1, fmt, $7, $9,
                   $10, $11, $12, $13, $14, $2
        }' "$tsv"
    say ""
    say "size: file on disk. load: qib_image_read (median). read: the raw file into memory."
    say "inflate: libdeflate one-shot inflate of the gzip bytes already in memory, into a fresh"
    say "buffer; ratio = load / inflate (target: about 1). peak: process peak RSS; +RSS: its"
    say "increase over the peak before loading (voxel data: $(awk -F'\t' 'NR > 1 && !seen[$1]++ {printf "%s%s %s MB", sep, $1, $8; sep = ", "}' "$tsv"))."
    say "SHA-1: the loaded voxels equal the reference case. Table: $tsv"
}

# batch: 100 ct_small-sized cases (phantoms: 256 x 256 x 64 voxels, 0.8 x 0.8 x 2 mm,
# a 13.4 mm sphere, one seed per case), run as 100 `qib extract` processes one
# after another and as one `qib batch --jobs 2`. Target: batch / serial <= 0.6.
# BATCH_CASES changes the number of cases.
section_batch() {
    local n=${BATCH_CASES:-100}
    say ""
    say "#### batch: $n ct_small-sized cases, serial qib extract vs qib batch --jobs 2"
    build_targets qib || { say "bench.sh: the build failed" >&2; return 1; }
    local qib="$BUILD/qib" dir="$DATA/batch" i
    mkdir -p "$dir" "$OUT"
    if [ ! -f "$dir/manifest_$n.csv" ]; then
        say "== writing $n phantom cases in $dir (once)"
        for i in $(seq 1 "$n"); do
            [ -f "$dir/c$i/mask.nii.gz" ] ||
                "$qib" phantom "$dir/c$i" --size 256,256,64 --spacing 0.8,0.8,2 --radius 13.4 \
                    --seed "$i" >/dev/null
        done
        { echo "Image,Mask"; for i in $(seq 1 "$n"); do echo "c$i/image.nii.gz,c$i/mask.nii.gz"; done; } \
            >"$dir/manifest_$n.csv.tmp" && mv "$dir/manifest_$n.csv.tmp" "$dir/manifest_$n.csv"
    fi
    local t0 t1 t2 t3 t4 serial batch nofsync
    rm -rf "$OUT/batch_serial" && mkdir -p "$OUT/batch_serial"
    t0=$(date +%s.%N)
    for i in $(seq 1 "$n"); do
        "$qib" extract "$dir/c$i/image.nii.gz" "$dir/c$i/mask.nii.gz" \
            --out "$OUT/batch_serial/c$i.csv"
    done
    t1=$(date +%s.%N)
    "$qib" batch "$dir/manifest_$n.csv" --out "$OUT/batch.csv" --jobs 2 2>/dev/null
    t2=$(date +%s.%N)
    "$qib" batch "$dir/manifest_$n.csv" --out "$OUT/batch_nofsync.csv" --jobs 2 --no-fsync 2>/dev/null
    t3=$(date +%s.%N)
    "$qib" batch "$dir/manifest_$n.csv" --out "$OUT/batch.csv" --jobs 2 --resume 2>/dev/null
    t4=$(date +%s.%N)
    serial=$(echo "$t1 - $t0" | bc -l)
    batch=$(echo "$t2 - $t1" | bc -l)
    nofsync=$(echo "$t3 - $t2" | bc -l)
    printf 'cases\tserial_extract_s\tbatch_jobs2_s\tratio\tbatch_nofsync_s\tresume_all_done_s\n' >"$OUT/batch.tsv"
    printf '%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n' "$n" "$serial" "$batch" "$(echo "$batch / $serial" | bc -l)" \
        "$nofsync" "$(echo "$t4 - $t3" | bc -l)" >>"$OUT/batch.tsv"
    awk -F'\t' 'NR == 2 {
        printf "%d cases: %d x qib extract %.2f s; qib batch --jobs 2 %.2f s; ratio %.3f (target <= 0.6)\n", $1, $1, $2, $3, $4
        printf "fsync per case costs %.2f s over the run (--no-fsync %.2f s); --resume with every case done %.2f s\n", $3 - $5, $5, $6
    }' "$OUT/batch.tsv"
    say "Table: $OUT/batch.tsv"
}

# features: qib_extract per feature family (bench/bench_features.c), one
# thread, on each case and the IBSI CT phantom (NIfTI), with the defaults plus
# discretisation fbs, bin_width 25, texture_aggregations 3d (PyRadiomics-like).
# Time per family: families=diagnostics,F; net: minus a diagnostics-only run
# of the same round. Targets: IBSI part 1 (morph..ivh < 0.1 s on ct_large),
# IBSI part 2 (texture families < 0.03 s).
section_features() {
    say ""
    say "#### features: qib_extract per family, median of $REPEAT rounds, one thread"
    build_targets bench_features || { say "bench.sh: the build failed" >&2; return 1; }
    mkdir -p "$OUT"
    local tsv="$OUT/features.tsv" c img msk
    local settings="discretisation=fbs bin_width=25 texture_aggregations=3d"
    printf 'case\tsettings\tfamily\tfeatures\ttime_s\tnet_s\ttarget_s\tpeak_rss_loaded_mb\tpeak_rss_mb\n' >"$tsv"
    if ensure_data; then
        for c in $CASES; do
            say ""
            # shellcheck disable=SC2086
            "$BUILD/bench/bench_features" --repeat "$REPEAT" --name "$c" --tsv "$tsv" \
                "$DATA/${c}_image.nii" "$DATA/${c}_mask.nii" $settings ||
                say "   $c: bench_features failed"
        done
    fi
    img="$SHARED/ibsi/ibsi1_ct_phantom/nifti/image/phantom.nii.gz"
    msk="$SHARED/ibsi/ibsi1_ct_phantom/nifti/mask/mask.nii.gz"
    say ""
    if [ -f "$img" ] && [ -f "$msk" ]; then
        # shellcheck disable=SC2086
        "$BUILD/bench/bench_features" --repeat "$REPEAT" --name ibsi_ct_phantom --tsv "$tsv" \
            "$img" "$msk" $settings || say "   ibsi_ct_phantom: bench_features failed"
    else
        skip "$img or $msk is absent"
    fi
    say ""
    say "time: qib_extract with families=diagnostics,F (after loading). net: time minus the"
    say "diagnostics-only run of the same round (what F adds; ~0 means below the noise)."
    say "part1 = morph,loc,stat,ih,ivh; part2 = glcm..ngldm; targets compare the group's time."
    say "Table: $tsv"
}

# pyradiomics: the PyRadiomics-compatible mode (preset pyradiomics) on the
# benchmark cases: defaults (107 features), with diagnostics, and with
# Wavelet (851), next to the targets and PyRadiomics' own times
# (bench/bench_pyradiomics.c).
section_pyradiomics() {
    say ""
    say "#### pyradiomics: qib_extract --preset pyradiomics, median of $REPEAT runs, one thread"
    build_targets bench_pyradiomics || { say "bench.sh: the build failed" >&2; return 1; }
    mkdir -p "$OUT"
    local tsv="$OUT/pyradiomics.tsv" c
    printf 'case\trun\tfeatures\ttime_s\ttarget\tpeak_rss_mb\tpyradiomics_s\n' >"$tsv"
    ensure_data || return 0
    for c in $CASES; do
        "$BUILD/bench/bench_pyradiomics" --repeat "$REPEAT" --name "$c" --tsv "$tsv" \
            "$DATA/${c}_image.nii" "$DATA/${c}_mask.nii" || say "   $c: bench_pyradiomics failed"
    done
    say "time: qib_extract after loading. pyradiomics_s: PyRadiomics 3.1 on the same machine"
    say "(../shared/bench/README.md). Table: $tsv"
}

# dicom: qib_dicom_load_series of the IBSI CT phantom series (60 uncompressed
# slices) next to reading the same files' bytes (bench/bench_dicom.c).
section_dicom() {
    say ""
    say "#### dicom: series load vs reading its bytes, median of $REPEAT runs"
    build_targets bench_dicom || { say "bench.sh: the build failed" >&2; return 1; }
    mkdir -p "$OUT"
    local dir="$SHARED/ibsi/ibsi1_ct_phantom/dicom/image" tsv="$OUT/dicom.tsv" line
    [ -d "$dir" ] || { skip "$dir is absent"; return 0; }
    printf 'series\tfiles\tbytes_mb\tslices\tload_s\tread_s\tratio\tpeak_rss_mb\n' >"$tsv"
    if line=$("$BUILD/bench/bench_dicom" --tsv --repeat "$REPEAT" --name ibsi_ct_phantom "$dir"); then
        printf '%s\n' "$line" >>"$tsv"
    else
        say "   bench_dicom failed"
        return 0
    fi
    say ""
    awk -F'\t' '
        NR == 1 { printf "%-16s %6s %9s %7s %9s %9s %7s %9s\n", "series", "files", "MB", "slices",
                  "load s", "read s", "ratio", "peak MB"; next }
        { printf "%-16s %6d %9.2f %7d %9.4f %9.4f %7.1f %9.1f\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$tsv"
    say ""
    say "load: qib_dicom_load_series of the folder (median). read: every file of the folder"
    say "into memory with stdio, files in the page cache. ratio = load / read. Table: $tsv"
}

# ---- main ----

if [ "${1:-}" = "--list" ]; then
    say "$ALL_SECTIONS"
    exit 0
fi
SECTIONS=${*:-$ALL_SECTIONS}
for s in $SECTIONS; do
    if ! declare -F "section_$s" >/dev/null; then
        say "bench.sh: unknown section '$s' (sections: $ALL_SECTIONS)" >&2
        exit 1
    fi
done
machine_info
for s in $SECTIONS; do "section_$s"; done
