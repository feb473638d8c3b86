#!/usr/bin/env bash
# The whole test suite, from a fresh machine: starts PostgreSQL and Redis on loopback, then runs every test.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Catalog").
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh start)"
dotnet tool restore >/dev/null
dotnet test HeadlessShop.sln -c Release --logger "console;verbosity=normal" "$@"
