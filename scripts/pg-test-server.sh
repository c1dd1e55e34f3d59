#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: 127.0.0.1:${TEPAI_PG_PORT:-55432}, data in
# ${TEPAI_PG_DIR:-/tmp/tepai-pg}, superuser "tepai" with a password (scram-sha-256 over TCP), database "tepai".
#
#   scripts/pg-test-server.sh install  install Debian's postgresql if no server binaries are found
#   scripts/pg-test-server.sh start    install if needed, create and start the cluster (no-op when running),
#                                      print the URL for TEPAI_TEST_POSTGRES_URL on stdout
#   scripts/pg-test-server.sh stop     stop it and delete its data
#
# Runs the server as the "postgres" user when called as root (PostgreSQL refuses to run as root).
set -euo pipefail
PORT="${TEPAI_PG_PORT:-55432}"
DIR="${TEPAI_PG_DIR:-/tmp/tepai-pg}"
PASSWORD="tepai-test-pw"
URL="postgres://tepai:${PASSWORD}@127.0.0.1:${PORT}/tepai?sslmode=disable"

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

install() {
  if bindir >/dev/null; then return 0; fi
  echo "installing: postgresql" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  # Debian's package creates and starts a default cluster on 5432; ours is separate and on its own port.
  $sudo apt-get install -y -qq postgresql >&2
}

# Runs a command as the owner of the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install
  local bin; bin="$(bindir)"
  if [ -f "$DIR/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    echo "$URL"; return 0
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  printf '%s\n' "$PASSWORD" > "$DIR/pw"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$DIR"; fi
  as_owner "$bin/initdb" -D "$DIR/data" -U tepai --pwfile="$DIR/pw" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
  # Three replicas, a benchmark and the tests' own pools at once: room for a few hundred connections.
  # synchronous_commit=off is the durability of SQLite in WAL mode with synchronous=NORMAL (the store's setting).
  as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c max_connections=400 -c synchronous_commit=off" \
    start >&2 || { cat "$DIR/server.log" >&2; exit 1; }
  as_owner "$bin/psql" -h "$DIR" -p "$PORT" -U tepai -d postgres -qc "CREATE DATABASE tepai" >&2
  echo "$URL"
}

stop() {
  local bin
  bin="$(bindir)" || exit 0
  if [ -d "$DIR/data" ]; then as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true; fi
  rm -rf "$DIR"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
