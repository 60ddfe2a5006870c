#!/usr/bin/env bash
# Runs every test on a fresh machine: starts a throwaway PostgreSQL 15 on a free loopback port (installing
# Debian's postgresql-15 if the binaries are missing), installs Debian's Chromium if it is missing (browser tests),
# runs `dotnet test` on the solution (whose build runs npm ci and the web build), stops the server.
# Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

find_pg_bin() {
  for d in $(echo "${PATH}" | tr ':' ' ') /usr/lib/postgresql/15/bin; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
  done
  return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
  echo "test.sh: PostgreSQL binaries not found; installing Debian's postgresql-15" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null
  PG_BIN="$(find_pg_bin)"
fi

PG_ROOT="$(mktemp -d /tmp/bordergate-test-pg.XXXXXX)"
chmod 755 "${PG_ROOT}"
as_pg() {
  if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ "$(id -u)" == "0" ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "${PG_ROOT}"
fi
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)"

cleanup() {
  as_pg "${PG_BIN}/pg_ctl" -D "${PG_ROOT}/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "${PG_ROOT}"
}
trap cleanup EXIT

as_pg "${PG_BIN}/initdb" -D "${PG_ROOT}/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
as_pg "${PG_BIN}/pg_ctl" -D "${PG_ROOT}/data" -l "${PG_ROOT}/server.log" -w \
  -o "-p ${PG_PORT} -k ${PG_ROOT} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start >/dev/null
echo "test.sh: PostgreSQL $("${PG_BIN}/postgres" --version | awk '{print $3}') on 127.0.0.1:${PG_PORT}"
export BORDERGATE_TEST_POSTGRES="Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=postgres"

# The browser tests drive Debian's Chromium (Playwright's own download is not possible here).
CHROMIUM="${BORDERGATE_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "${CHROMIUM}" ]]; then
  if [[ "$(id -u)" == "0" ]]; then
    echo "test.sh: Chromium not found; installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: no Chromium at ${CHROMIUM} and not root to install it: the browser tests will fail" >&2
  fi
fi

# The web pages are built by the silo's build (npm ci, then Vite), which dotnet test runs first.
command -v npm >/dev/null || { echo "test.sh: npm (Node.js 20) is needed to build the web pages" >&2; exit 1; }

dotnet test "${ROOT}/BorderGate.sln" -c Release --nologo "$@"
