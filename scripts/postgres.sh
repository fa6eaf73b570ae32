#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the workers benchmark, sourced by scripts/test.sh and bench/run.sh:
#   source scripts/postgres.sh; postgres_start   # sets HYPERGRAD_TEST_POSTGRES=postgres://hypergrad@127.0.0.1:PORT/hypergrad
#   postgres_stop                                 # stops the server and removes its folder (the callers trap EXIT)
# initdb and pg_ctl run as the `postgres` user (PostgreSQL refuses to run as root) via runuser when we are root, in a
# temporary folder owned by that user, on a free port of localhost; trust authentication on 127.0.0.1 only.
postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "postgres: no PostgreSQL server installed (scripts/setup.sh installs Debian's postgresql)" >&2; return 1; }
  echo "$bin"
}

postgres_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_start() {
  local bin port
  bin=$(postgres_bin) || return 1
  HYPERGRAD_PG_DIR=$(mktemp -d /tmp/hypergrad-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$HYPERGRAD_PG_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  postgres_as "$bin/initdb" -D "$HYPERGRAD_PG_DIR/data" -U hypergrad --auth=trust -E UTF8 --locale=C.UTF-8 >"$HYPERGRAD_PG_DIR/initdb.log" 2>&1 \
    || { cat "$HYPERGRAD_PG_DIR/initdb.log" >&2; return 1; }
  postgres_as "$bin/pg_ctl" -D "$HYPERGRAD_PG_DIR/data" -l "$HYPERGRAD_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -k $HYPERGRAD_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$HYPERGRAD_PG_DIR/server.log" >&2; return 1; }
  postgres_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U hypergrad hypergrad || return 1
  export HYPERGRAD_TEST_POSTGRES="postgres://hypergrad@127.0.0.1:$port/hypergrad"
  export HYPERGRAD_PG_DIR
  echo "postgres: throwaway cluster on 127.0.0.1:$port ($HYPERGRAD_PG_DIR)"
}

postgres_stop() {
  [ -n "${HYPERGRAD_PG_DIR:-}" ] && [ -d "$HYPERGRAD_PG_DIR" ] || return 0
  local bin
  bin=$(postgres_bin) && postgres_as "$bin/pg_ctl" -D "$HYPERGRAD_PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$HYPERGRAD_PG_DIR"
  HYPERGRAD_PG_DIR=""
}
