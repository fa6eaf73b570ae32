#!/usr/bin/env bash
# The test command of the README: installs what is missing, builds everything (TorchSharp and
# libtorch come from NuGet), starts a throwaway PostgreSQL cluster (scripts/postgres.sh: a temporary folder, a free
# port on localhost; its URI in HYPERGRAD_TEST_POSTGRES, which the PostgreSQL tests need: without it they fail with a
# message saying so, never skip), runs the whole xunit suite and stops the cluster, also when tests fail.
# Ends with one line 'tests: N passed, N failed, N skipped'.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A full disk makes MSBuild print hundreds of retry warnings before it fails (a CI run on 2026-12-05): say it first, in one line.
free_mb=$(df -Pm . | awk 'NR == 2 { print $4 }')
if [ -n "$free_mb" ] && [ "$free_mb" -lt 3000 ]; then
  echo "tests: warning: only ${free_mb} MB free on the file system of $(pwd); the NuGet packages, the build and the tests need about 3000 MB there (more where the NuGet cache is on another file system: README, Quick start)"
fi
log=$(mktemp)
source scripts/postgres.sh
trap 'postgres_stop; rm -f "$log"' EXIT
# Build the whole solution first, so that the samples and benchmarks must compile too.
if ! dotnet build MLNet.HyperGrad.slnx -c Release -v quiet -nologo; then
  echo "tests: the build failed"
  exit 1
fi
# Once (2026-12-04, a fresh clone built beside other builds) the build exited 0 and printed nothing, leaving no test assembly:
# build again, with the normal summary, rather than let `dotnet test` fail on a missing file.
tests_dll=src/MLNet.HyperGrad.Tests/bin/Release/net10.0/MLNet.HyperGrad.Tests.dll
if [ ! -f "$tests_dll" ]; then
  echo "tests: the build left no $tests_dll; building again"
  if ! dotnet build MLNet.HyperGrad.slnx -c Release -v minimal -nologo || [ ! -f "$tests_dll" ]; then
    echo "tests: the build failed (no $tests_dll)"
    exit 1
  fi
fi
if ! postgres_start; then
  echo "tests: could not start the throwaway PostgreSQL cluster"
  exit 1
fi
dotnet test MLNet.HyperGrad.slnx -c Release --no-build --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+" "$log" | tail -n 1)
failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$summary")
rm -f "$log"
if [ -z "$summary" ]; then
  echo "tests: the test run did not finish (build failure?)"
  exit 1
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
