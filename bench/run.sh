#!/usr/bin/env bash
# Runs the benchmarks against their peers in the same run.
# Usage: bash bench/run.sh [mlp-epoch] [--repeats N] [--quiet 0.15] [--max-wait 120]
#        bash bench/run.sh step-profile [--shape 0|1|tiny] [--chunks 30] [--steps 40] [--only NAME]
#        bash bench/run.sh workers [--trials 100] [--workers 1,2,4] [--repeats 1]   (issue 13: a throwaway PostgreSQL server, ours vs Optuna's RDB storage)
#        bash bench/run.sh learned [extra options for every part]   (issue 12: learned-lstm, then the hypernetwork parts)
#        bash bench/run.sh hypergrad [extra options for every part, e.g. --quick]
#        bash bench/run.sh learned-bo [--load shipped] [...]   (issue 14: meta-trains the learned black-box tuner, then
#          regret against our GP tuner, Optuna GPSampler and TPE; last line `learned tuner wins vs optuna tpe: ...`)
#        bash bench/run.sh learned-bo --load shipped|FILE --validation-family   (issue 14: a network on eight classic functions that
#          are not its test functions, against random search; last line `validation family: ratio ...`)
#          Issue 9's hypergradient figures in one command: runs, in order, `hypergrad-core --summary F`,
#          `hypergrad-elbo --summary F` and `hypergrad-many --summary F` with one summary file F (a subcommand this
#          build does not know yet is skipped with a message), then prints F so that the LAST lines are, in order:
#            variational criterion: ...                                  (hypergrad-elbo)
#            hypergradient max relative error vs finite differences: ... (hypergrad-core, five lines)
#            exact reversal bit-exact: ...; buffer bytes ... vs trajectory bytes ...
#            hoag validation CE ... after ... outer steps (grid optimum ...)
#            rmad validation CE after 50 outer steps: ... (random search best-of-50 median ...)
#            cost relative to one training run: reverse ..., drmad ..., hoag ..., greedy ...
#            many hyperparameters at equal training runs: gradient ..., random ..., tpe ...   (hypergrad-many)
# Peers installed here:
#   python3-torch python3-pandas  Debian's PyTorch 1.13, run by ../shared/bench/pytorch_mlp_epoch.py
#   libopenblas0-openmp           the BLAS that PyTorch 1.13 is meant to run on: Debian's libtorch links
#                                 libblas.so.3, otherwise the reference BLAS (about 10-18x slower)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh python3-torch python3-pandas libopenblas0-openmp

if [ "${1:-}" = workers ]; then
  # Issue 13's load figures: a throwaway PostgreSQL cluster (scripts/postgres.sh, stopped on exit), then 1, 2 and 4 worker
  # processes of ours and of Optuna 5's RDB storage on it; last line
  #   storage overhead per trial ms: ours <a>, optuna <b>; lost <l>, duplicated <d>
  shift
  dotnet build -c Release -v quiet -nologo bench/MLNet.HyperGrad.Bench
  source scripts/postgres.sh
  trap postgres_stop EXIT
  postgres_start
  dotnet bench/MLNet.HyperGrad.Bench/bin/Release/net10.0/MLNet.HyperGrad.Bench.dll workers --storage "$HYPERGRAD_TEST_POSTGRES" "$@"
  exit
fi

if [ "${1:-}" = learned ]; then
  # Issue 12's figures in one command: learned-lstm, learned-hypernetwork and learned-self-tuning with one summary
  # file (a part this build does not know yet is skipped with a message), then the summary, so that the LAST lines are
  #   lstm optimizer loss at step 100: ... (tuned adam ..., sgd ...)
  #   hypernetwork argmin log-l2: ... (grid optimum ...)
  #   self-tuning dropout validation CE: ... (best fixed ...)
  # Extra options go to every part (learned-lstm: --load bench/results/learned-lstm-optimizer.hgo skips meta-training).
  shift
  dotnet build -c Release -v quiet -nologo bench/MLNet.HyperGrad.Bench
  bench_dll=bench/MLNet.HyperGrad.Bench/bin/Release/net10.0/MLNet.HyperGrad.Bench.dll
  summary=$(mktemp /tmp/learned-summary.XXXXXX)
  trap 'rm -f "$summary"' EXIT
  for part in learned-lstm learned-hypernetwork learned-self-tuning; do
    echo "=== $part"
    errors=$(mktemp)
    status=0
    dotnet "$bench_dll" "$part" --summary "$summary" "$@" 2>"$errors" || status=$?
    cat "$errors" >&2
    if [ "$status" -eq 2 ] && grep -q "unknown benchmark \"$part\"" "$errors"; then
      echo "=== $part: skipped, this build of the bench does not have it yet (its branch is not merged)"
    elif [ "$status" -ne 0 ]; then
      echo "=== $part failed with exit code $status" >&2
    fi
    rm -f "$errors"
  done
  echo
  echo "=== summary"
  for prefix in 'lstm optimizer loss at step' 'hypernetwork argmin log-l2:' 'self-tuning dropout validation CE:'; do
    awk -v p="$prefix" 'index($0, p) == 1' "$summary"
  done
  exit
fi

if [ "${1:-}" != hypergrad ]; then
  dotnet run -c Release --project bench/MLNet.HyperGrad.Bench -- "$@"
  exit
fi

shift
dotnet build -c Release -v quiet -nologo bench/MLNet.HyperGrad.Bench
bench_dll=bench/MLNet.HyperGrad.Bench/bin/Release/net10.0/MLNet.HyperGrad.Bench.dll
summary=$(mktemp /tmp/hypergrad-summary.XXXXXX)
trap 'rm -f "$summary"' EXIT
for part in hypergrad-core hypergrad-elbo hypergrad-many; do
  echo "=== $part"
  errors=$(mktemp)
  status=0
  dotnet "$bench_dll" "$part" --summary "$summary" "$@" 2>"$errors" || status=$?
  cat "$errors" >&2
  if [ "$status" -eq 2 ] && grep -q "unknown benchmark \"$part\"" "$errors"; then
    echo "=== $part: skipped, this build of the bench does not have it yet (its branch is not merged)"
  elif [ "$status" -ne 0 ]; then
    echo "=== $part failed with exit code $status" >&2
  fi
  rm -f "$errors"
done

echo
echo "=== summary"
grep -E '^variational criterion:' "$summary" || true
for prefix in 'hypergradient max relative error vs finite differences:' 'exact reversal bit-exact:' 'hoag validation CE' \
              'rmad validation CE after' 'cost relative to one training run:' 'many hyperparameters at equal training runs:'; do
  awk -v p="$prefix" 'index($0, p) == 1' "$summary"
done
