#!/usr/bin/env bash
# The whole test suite, from a fresh machine: starts PostgreSQL and Redis on loopback, then runs every test.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Catalog").
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
dotnet tool restore >/dev/null
log=$(mktemp)
status=0
dotnet test HeadlessShop.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '/^ +(Passed|Failed|Skipped): +[0-9]+$/ { sum[$1] += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", sum["Passed:"], sum["Failed:"], sum["Skipped:"] }' "$log"
rm -f "$log"
exit "$status"
