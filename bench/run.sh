#!/usr/bin/env bash
# One command for the benchmarks (see bench/README.md):
#   bench/run.sh --quick     10,000 products, every scenario, about 3-5 minutes
#   bench/run.sh             1,000 / 10,000 / 100,000 products, cost curves (about 20 minutes)
#   bench/run.sh --smoke     a tiny run, seconds (the test suite runs it)
# Writes bench/results/<date>-<commit>[-profile].md and .json (and a PNG plot with gnuplot).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bench: installing ${need[*]} from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "bench: missing ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
  fi
fi
dotnet build bench/HeadlessShop.Bench -c Release -v quiet -nologo >/dev/null
exec dotnet bench/HeadlessShop.Bench/bin/Release/net10.0/HeadlessShop.Bench.dll "$@"
