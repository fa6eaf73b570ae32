#!/usr/bin/env bash
# The main job of the README: trains an MLP on Fashion-MNIST and prints its test accuracy.
# Extra arguments go to `hypergrad train` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release src/MLNet.HyperGrad.Cli -v quiet -nologo
dotnet src/MLNet.HyperGrad.Cli/bin/Release/net10.0/hypergrad.dll train "$@"
