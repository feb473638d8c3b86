#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback for tests and benchmarks, from Debian packages.
#   scripts/services.sh start   install if missing (apt-get), start both, print the env to export
#   scripts/services.sh stop    stop both (data is kept until the directory is removed)
#   scripts/services.sh env     print the export lines only
# Knobs: HS_SERVICES_DIR (default /tmp/headlessshop-services), HS_PG_PORT (55432), HS_REDIS_PORT (56379).
set -euo pipefail

dir=${HS_SERVICES_DIR:-/tmp/headlessshop-services}
pg_port=${HS_PG_PORT:-55432}
redis_port=${HS_REDIS_PORT:-56379}
pg_data="$dir/pg"
redis_dir="$dir/redis"

log() { echo "services: $*" >&2; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_postgres() {
  # PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_missing() {
  local need=()
  pg_bin >/dev/null || need+=(postgresql postgresql-contrib)
  command -v redis-server >/dev/null || need+=(redis-server)
  # docker-compose validates docker-compose.yml in the tests; no container engine is needed for that.
  command -v docker-compose >/dev/null || need+=(docker-compose)
  # wrk drives the benchmark harness smoke test.
  command -v wrk >/dev/null || need+=(wrk)
  # The GraphiQL test drives Debian's Chromium (playwright-core never downloads a browser).
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # npm installs GraphiQL's browser build during the transport's build, and the test referees.
  command -v npm >/dev/null || need+=(nodejs npm)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      log "missing ${need[*]}: install them (apt-get install ${need[*]}) or run as root"; exit 1
    fi
    log "installing ${need[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

start_pg() {
  local bin; bin=$(pg_bin)
  mkdir -p "$dir"
  if [ ! -s "$pg_data/PG_VERSION" ]; then
    mkdir -p "$pg_data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pg_data"
    chmod 700 "$pg_data"
    as_postgres "$bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_postgres "$bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    log "postgres already running on 127.0.0.1:$pg_port"
  else
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pg_data"
    # Throwaway test cluster: durability off for speed, enough connections for load tests.
    as_postgres "$bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $pg_port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" >/dev/null
    log "postgres started on 127.0.0.1:$pg_port"
  fi
  local i
  for i in $(seq 1 60); do
    "$bin/pg_isready" -h 127.0.0.1 -p "$pg_port" -q && break
    sleep 0.5
  done
  "$bin/pg_isready" -h 127.0.0.1 -p "$pg_port" -q || { log "postgres did not become ready; see $pg_data/server.log"; exit 1; }
  # pg_trgm is used by the database search engine; create it once in template1 so per-test databases have it.
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d template1 -qAtc "CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null 2>&1 || true
}

start_redis() {
  mkdir -p "$redis_dir"
  if redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    log "redis already running on 127.0.0.1:$redis_port"
    return
  fi
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --daemonize yes \
    --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" --save "" --appendonly no >/dev/null
  local i
  for i in $(seq 1 60); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.25
  done
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 || { log "redis did not start; see $redis_dir/redis.log"; exit 1; }
  log "redis started on 127.0.0.1:$redis_port"
}

print_env() {
  echo "export HEADLESSSHOP_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres'"
  echo "export HEADLESSSHOP_TEST_REDIS='127.0.0.1:$redis_port'"
}

case "${1:-start}" in
  start)
    install_missing
    start_pg
    start_redis
    print_env
    ;;
  stop)
    if bin=$(pg_bin) && [ -s "$pg_data/PG_VERSION" ]; then
      as_postgres "$bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    log "stopped"
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
