#!/usr/bin/env bash
# Runs the benchmarks against their peers in the same run. Usage: bash bench/run.sh [mlp-epoch] [--repeats N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh python3-torch python3-pandas
dotnet run -c Release --project bench/MLNet.HyperGrad.Bench -- "$@"
