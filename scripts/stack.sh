#!/usr/bin/env bash
# The docker-compose topology on loopback without containers: PostgreSQL, Redis, two API instances and nginx in
# front (round robin, WebSocket upgrade), all from Debian/NuGet packages.
#   scripts/stack.sh start    publish, migrate, seed, start everything; prints the URL
#   scripts/stack.sh stop     stop the API instances and nginx (PostgreSQL/Redis keep running: scripts/services.sh stop)
#   scripts/stack.sh status
# Knobs: HS_STACK_DIR (/tmp/headlessshop-stack), HS_STACK_PORT (nginx, 8080), HS_STACK_API_PORTS ("8081 8082"),
#        HS_STACK_PRODUCTS (240), HS_STACK_NO_BUILD=1 (reuse the last publish).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${HS_STACK_DIR:-/tmp/headlessshop-stack}
port=${HS_STACK_PORT:-8080}
read -r -a api_ports <<<"${HS_STACK_API_PORTS:-8081 8082}"
products=${HS_STACK_PRODUCTS:-240}
database=headlessshop_stack

log() { echo "stack: $*" >&2; }

wait_http() { # url, seconds
  local i
  for i in $(seq 1 $(($2 * 4))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.25
  done
  log "$1 did not answer within $2 s"; return 1
}

stop_all() {
  local f
  for f in "$dir"/api-*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -f "$dir/nginx/nginx.pid" ]; then
    nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  fi
}

case "${1:-start}" in
  stop) stop_all; log "stopped"; exit 0 ;;
  status)
    for p in "${api_ports[@]}"; do curl -fs "http://127.0.0.1:$p/readyz" >/dev/null && echo "api :$p ready" || echo "api :$p down"; done
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && echo "nginx :$port up" || echo "nginx :$port down"
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

command -v nginx >/dev/null || {
  [ "$(id -u)" = 0 ] || { log "nginx missing: apt-get install nginx-light"; exit 1; }
  log "installing nginx from Debian packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
}
eval "$(scripts/services.sh start)"
stop_all
mkdir -p "$dir/nginx/logs" "$dir/nginx/temp"

if [ "${HS_STACK_NO_BUILD:-0}" != 1 ] || [ ! -f "$dir/publish/HeadlessShop.Api.dll" ]; then
  log "publishing the API"
  dotnet publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o "$dir/publish" -p:UseAppHost=false -v quiet -nologo >/dev/null
fi

pg_host=127.0.0.1; pg_port=${HS_PG_PORT:-55432}
psql -h "$pg_host" -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
  || psql -h "$pg_host" -p "$pg_port" -U postgres -d postgres -qc "CREATE DATABASE $database"
[ -s "$dir/jwt.key" ] || head -c 48 /dev/urandom | base64 -w0 > "$dir/jwt.key"

export HeadlessShop__Mode=Production
export ConnectionStrings__Postgres="Host=$pg_host;Port=$pg_port;Username=postgres;Database=$database"
export ConnectionStrings__Redis="$HEADLESSSHOP_TEST_REDIS"
export Redis__KeyPrefix="hs-stack:"
export Payments__Gateway=Test
export Jwt__SigningKey="$(cat "$dir/jwt.key")"
dotnet "$dir/publish/HeadlessShop.Api.dll" migrate >/dev/null
dotnet "$dir/publish/HeadlessShop.Api.dll" seed --products "$products" >/dev/null

upstreams=""
for p in "${api_ports[@]}"; do
  ASPNETCORE_URLS="http://127.0.0.1:$p" nohup dotnet "$dir/publish/HeadlessShop.Api.dll" > "$dir/api-$p.log" 2>&1 &
  echo $! > "$dir/api-$p.pid"
  upstreams+="    server 127.0.0.1:$p max_fails=3 fail_timeout=10s;\n"
done

# deploy/nginx.conf with loopback upstreams, listen address and writable paths.
awk -v ups="$upstreams" -v port="$port" -v dir="$dir/nginx" '
  /^worker_processes/ { print; print "pid " dir "/nginx.pid;"; print "error_log " dir "/logs/error.log warn;"; next }
  /server api[0-9]+:8080/ { if (!done) { printf "%s", ups; done = 1 } next }
  /listen 80;/ { sub(/listen 80;/, "listen 127.0.0.1:" port ";") }
  /access_log \/var\/log/ { print "  access_log " dir "/logs/access.log upstream;"; next }
  /^http \{/ { print; print "  client_body_temp_path " dir "/temp/body;";
               print "  proxy_temp_path " dir "/temp/proxy;"; print "  fastcgi_temp_path " dir "/temp/fastcgi;";
               print "  uwsgi_temp_path " dir "/temp/uwsgi;"; print "  scgi_temp_path " dir "/temp/scgi;"; next }
  { print }' deploy/nginx.conf > "$dir/nginx/nginx.conf"
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf"

for p in "${api_ports[@]}"; do wait_http "http://127.0.0.1:$p/readyz" 60; done
wait_http "http://127.0.0.1:$port/healthz" 20
log "ready: http://127.0.0.1:$port/graphql (APIs on ${api_ports[*]}, logs in $dir)"
echo "http://127.0.0.1:$port"
