#!/usr/bin/env bash
# Installs what MLNet.HyperGrad needs on a Debian machine, only what is missing. Idempotent.
#   libtorch-dev           libtorch 1.13 (headers, libraries, CMake config) the shim binds
#   cmake g++              build the shim (dotnet build runs CMake)
#   dataset-fashion-mnist  the real data of the main job and the tests
#   python3-torch          the PyTorch peer of the benchmark (same libtorch)
#   python3-optuna         the Optuna peer of the tuner benchmarks
#   python3-sklearn        small real tabular data sets, exported to CSV for tests
#   libopenblas0-openmp    an optimized BLAS for libtorch: Debian's libtorch links libblas.so.3, which is
#                          otherwise the reference BLAS (about 18x slower on the MLP benchmark)
set -euo pipefail

packages=(libtorch-dev cmake g++ libopenblas0-openmp dataset-fashion-mnist python3-torch python3-optuna python3-sklearn)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is needed and is not on PATH" >&2; exit 1; }
