#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages qib needs to build, test and benchmark,
# only those that are missing. Runs apt-get as root, or through sudo.
set -euo pipefail

# Build and library dependencies (see docs/ARCHITECTURE.md for why each).
PACKAGES=(
  build-essential cmake pkg-config git
  clang libclang-rt-14-dev           # libFuzzer and sanitizers for the fuzz targets
  zlib1g-dev libdeflate-dev          # gzip: libdeflate one-shot, zlib streaming
  libssl-dev                         # SHA-256 (libcrypto) for provenance
  libcmocka-dev                      # unit tests
  libyaml-dev                        # parameter files
  libjpeg62-turbo-dev libcharls-dev libopenjp2-7-dev  # DICOM pixel codecs
  libfftw3-dev                       # FFTs of the IBSI 2 filters (Gabor, Simoncelli, Riesz)
)
# The benchmark cases (../shared/bench/make_data.py), which the PyRadiomics
# comparison test and `make bench` use, are made with Debian's python3.
PACKAGES+=(python3 python3-numpy python3-scipy python3-nibabel)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
