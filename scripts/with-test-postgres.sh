#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster: KITH_TEST_DATABASE_URL points at it.
# Usage: scripts/with-test-postgres.sh npm test
# PostgreSQL refuses to run as root, so when we are root the cluster belongs to the postgres user.
set -euo pipefail

PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found; install Debian's postgresql package" >&2
  exit 1
fi
PGPORT="${KITH_TEST_PGPORT:-55432}"
PGDATA_DIR="$(mktemp -d /tmp/kith-pg.XXXXXX)"
SOCKET_DIR="$PGDATA_DIR/socket"
mkdir -p "$SOCKET_DIR"

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = "0" ]; then chown -R postgres:postgres "$PGDATA_DIR"; fi
PGUSER_NAME="$( [ "$(id -u)" = "0" ] && echo postgres || id -un )"

stop() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_DIR"
}
trap stop EXIT

as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" -A trust -U "$PGUSER_NAME" -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w \
  -o "-p $PGPORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER_NAME" kith_test

export KITH_TEST_DATABASE_URL="postgres://$PGUSER_NAME@127.0.0.1:$PGPORT/kith_test"
echo "PostgreSQL for tests: $KITH_TEST_DATABASE_URL" >&2
"$@"
