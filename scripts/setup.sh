#!/usr/bin/env bash
# Installs what the main job and the tests need on a Debian machine, only what is missing. Idempotent.
# The library itself needs no apt package: TorchSharp and libtorch come from NuGet with `dotnet build`.
#   dataset-fashion-mnist  the real data of the main job and the tests (IDX files)
#   python3-sklearn        small real tabular data sets (wine, breast cancer, digits, diabetes), exported to CSV by tests
#   python3-packaging python3-colorlog python3-tqdm
#                          what the Optuna 5 vendored in ../shared/peers/python imports (numpy comes with sklearn);
#                          the tests of the benchmark's Optuna ask-and-tell bridge run it
#   python3-torch          what Optuna 5's GPSampler imports (Debian's PyTorch 1.13, about 140 MB to download): the
#                          bridge's GPSampler test (the peer of the transfer and bo benchmarks) runs it
#   postgresql             Debian's PostgreSQL server: scripts/test.sh starts a throwaway cluster of it for the
#                          PostgreSQL storage tests (scripts/postgres.sh)
#   python3-psycopg2 python3-sqlalchemy python3-alembic
#                          what Optuna 5's RDB storage imports (SQLAlchemy and Alembic; psycopg2 for postgresql:// URLs):
#                          the peer of `bash bench/run.sh workers` on the same throwaway PostgreSQL server
# Extra package names given as arguments are installed too (bench/run.sh adds its Python peers).
set -euo pipefail

packages=(dataset-fashion-mnist python3-sklearn python3-packaging python3-colorlog python3-tqdm python3-torch postgresql python3-psycopg2 python3-sqlalchemy python3-alembic "$@")
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
