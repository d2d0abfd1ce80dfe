#!/usr/bin/env bash
# Runs Berth's whole test suite on this machine, as root: installs what the tests need, starts PostgreSQL
# for the store tests, runs every module's tests, and stops what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib.sh"
berth_install_packages
JAVA_HOME="$(berth_find_jdk)"
export JAVA_HOME

PG_CLUSTER_STARTED=""
stop_services() {
  if [ -n "$PG_CLUSTER_STARTED" ]; then
    pg_ctlcluster "$PG_CLUSTER_STARTED" main stop || true
  fi
}
trap stop_services EXIT

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if ! pg_lsclusters -h | awk '{print $1, $2, $4}' | grep -q "^$PG_VERSION main online"; then
  pg_ctlcluster "$PG_VERSION" main start
  PG_CLUSTER_STARTED="$PG_VERSION"
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')"
su postgres -c "psql -q -p $PG_PORT -tc \"SELECT 1 FROM pg_roles WHERE rolname = 'berth'\"" | grep -q 1 \
  || su postgres -c "psql -q -p $PG_PORT -c \"CREATE ROLE berth LOGIN SUPERUSER PASSWORD 'berth'\""
export BERTH_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=berth&password=berth"

cd "$ROOT"
mvn -B -ntp verify "$@"
