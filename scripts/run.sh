#!/usr/bin/env bash
# The main job of the README: a real tuning run on Fashion-MNIST (60,000 images) with the command's
# defaults (Bayesian optimization, --tuner gp, over an MLP's learning rate, momentum, L2, width, depth,
# batch size and epochs; two trials per core in worker processes, one libtorch thread each) for
# 3 minutes, then the best model's accuracy on the 10,000 test images. Writes
# hypergrad-output/classification-fashion-mnist/ (model/, trials.csv, report.html, study.db);
# running it again resumes the same study. Extra arguments go to `hypergrad classification`;
# --train-time and --max-epochs given there replace this script's 180 and 10.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release src/MLNet.HyperGrad.Cli -v quiet -nologo
# The command takes each option once: the defaults below only when the arguments do not give them.
defaults=()
given() { [[ " ${*:2} " =~ \ $1[\ =:] ]]; }   # --name value, --name=value or --name:value among the arguments
given --train-time "$@" || defaults+=(--train-time 180)
given --max-epochs "$@" || defaults+=(--max-epochs 10)
dotnet src/MLNet.HyperGrad.Cli/bin/Release/net10.0/hypergrad.dll classification \
  --dataset fashion-mnist "${defaults[@]}" "$@"
