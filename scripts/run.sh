#!/usr/bin/env bash
# Starts one BorderGate node on the embedded default (SQLite under ./data, no server needed) with the
# Huu Nghi layout, simulated devices and a simulated day of traffic flowing through it (2,000 trucks,
# site clock 60x faster than real time: a day in 24 minutes).
#   http://localhost:5080            the node (health: /health, API: /api/crossing, /api/crossing/kpis)
#   http://localhost:5080/control-room/   the live map: sign in as supervisor / bordergate-dev-only
#   http://localhost:5080/driver/         the drivers' page
#   BORDERGATE_SIMULATION=off        the node alone, without simulated devices and traffic
#   BORDERGATE_TRUCKS=4000 BORDERGATE_SPEEDUP=120 BORDERGATE_SEED=7   shape the simulated day
# Extra arguments go to the silo (e.g. --BorderGate:Site=huu-nghi-14.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
if [[ "${BORDERGATE_SIMULATION:-on}" != "off" ]]; then
  # A simulated day starts from a clean crossing: its own data directory, emptied at each start.
  export BorderGate__DataDirectory="${BorderGate__DataDirectory:-data/simulation}"
  rm -rf "src/BorderGate.Silo/${BorderGate__DataDirectory}" "${BorderGate__DataDirectory}"
  export BorderGate__Simulation__Enabled=true
  export BorderGate__Simulation__SpeedUp="${BORDERGATE_SPEEDUP:-60}"
  export BorderGate__Simulation__Trucks="${BORDERGATE_TRUCKS:-2000}"
  export BorderGate__Simulation__Seed="${BORDERGATE_SEED:-7}"
  # Development only: every simulated device derives its key from this shared secret (refused in Production).
  export BorderGate__Devices__DevelopmentSharedSecret="${BorderGate__Devices__DevelopmentSharedSecret:-bordergate-dev-only}"
fi
# Development only (refused in Production): operators sign in as 'operator' or 'supervisor' with this secret as the
# password, companies with keys derived from it; the simulation signs in the same way (docs/auth.md).
export BorderGate__Auth__DevelopmentSecret="${BorderGate__Auth__DevelopmentSecret:-bordergate-dev-only}"
exec dotnet run --project src/BorderGate.Silo -c Release -- --urls "${BORDERGATE_URLS:-http://localhost:5080}" "$@"
