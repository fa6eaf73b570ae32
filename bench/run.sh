#!/usr/bin/env bash
# Runs the benchmarks against their peers in the same run.
# Usage: bash bench/run.sh [mlp-epoch] [--repeats N] [--quiet 0.15] [--max-wait 120]
#        bash bench/run.sh step-profile [--shape 0|1|tiny] [--chunks 30] [--steps 40] [--only NAME]
# Peers installed here:
#   python3-torch python3-pandas  Debian's PyTorch 1.13, run by ../shared/bench/pytorch_mlp_epoch.py
#   libopenblas0-openmp           the BLAS that PyTorch 1.13 is meant to run on: Debian's libtorch links
#                                 libblas.so.3, otherwise the reference BLAS (about 10-18x slower)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh python3-torch python3-pandas libopenblas0-openmp
dotnet run -c Release --project bench/MLNet.HyperGrad.Bench -- "$@"
