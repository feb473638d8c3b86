#!/usr/bin/env bash
# The whole test suite, from a fresh machine: starts PostgreSQL and Redis on loopback, then runs every test.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Catalog").
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
dotnet tool restore >/dev/null
# The outside referees (graphql-http's audit, the graphql-ws client) are npm packages run by the transport tests.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq nodejs npm >/dev/null
fi
(cd tests/referees && npm ci --no-audit --no-fund --silent)
log=$(mktemp)
status=0
dotnet test HeadlessShop.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '/^ +(Passed|Failed|Skipped): +[0-9]+$/ { sum[$1] += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", sum["Passed:"], sum["Failed:"], sum["Skipped:"] }' "$log"
rm -f "$log"
exit "$status"
