#!/usr/bin/env bash
# Starts one BorderGate node on the embedded default: SQLite under ./data, no server needed.
# Open http://localhost:5080 (health: /health). Extra arguments go to the silo.
set -euo pipefail
cd "$(dirname "$0")/.."
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project src/BorderGate.Silo -c Release -- --urls "${BORDERGATE_URLS:-http://localhost:5080}" "$@"
