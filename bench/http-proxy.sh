#!/usr/bin/env bash
# HTTP proxy benchmark: Loopgate (threads: 1, pinned to one core) in front of nginx, against nginx directly,
# for trigger-mode edge and level. Prints requests/s and p99 of each and the gateway/direct ratios.
#
#   bench/http-proxy.sh [duration-seconds (default 15)] [connections (default 32)]
#
# Needs: wrk and nginx (apt-get install -y wrk nginx-light), a built jar (./mvnw -DskipTests package).
# Traffic goes only to 127.0.0.1 and every run is bounded by its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-32}
GATEWAY_CPU=${GATEWAY_CPU:-0}   # the gateway's core
LOAD_CPU=${LOAD_CPU:-1}         # wrk and nginx share the other core
WARMUP=${WARMUP:-20}            # seconds of load before measuring: C2 shares the pinned core with the loop
OUT=bench/out/http-proxy-$(date +%Y%m%dT%H%M%S)
mkdir -p "$OUT"

for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk nginx-light)"; exit 1; }
done
[ -f target/loopgate.jar ] || ./mvnw -q -B -DskipTests package

NGINX_PORT=18181
GATEWAY_PORT=18282
MGMT_PORT=18283
cat > "$OUT/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $PWD/$OUT/nginx.pid;
error_log $PWD/$OUT/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { default_type text/plain; return 200 "hello from nginx, a small body of 48 bytes......\n"; }
  }
}
CONF
taskset -c "$LOAD_CPU" nginx -c "$PWD/$OUT/nginx.conf" -p "$PWD/$OUT" &
NGINX_PID=$!
GATEWAY_PID=
cleanup() {
  [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null || true
  kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_http() { for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1"; exit 1; }
wait_http "http://127.0.0.1:$NGINX_PORT/"

# wrk prints "Requests/sec: N" and, with --latency, "99%  Xms"; normalise p99 to milliseconds.
run_wrk() {
  local url=$1 name=$2
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" > "$OUT/$name.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$OUT/$name.txt")
  echo "$rps $p99"
}

printf '%-8s %12s %10s %12s %10s %9s %9s\n' mode gw_rps gw_p99ms direct_rps dir_p99ms rps_ratio p99_ratio
for mode in edge level; do
  taskset -c "$GATEWAY_CPU" java -Xms256m -Xmx256m -jar target/loopgate.jar \
      --server.port=$MGMT_PORT --management.server.port=$MGMT_PORT \
      --loopgate.demo.enabled=false \
      --loopgate.loop-groups.main.threads=1 --loopgate.loop-groups.main.trigger-mode=$mode \
      --loopgate.listeners.web.protocol=http --loopgate.listeners.web.port=$GATEWAY_PORT \
      --loopgate.upstreams.nginx.backends[0]=127.0.0.1:$NGINX_PORT \
      --loopgate.routes[0].id=all --loopgate.routes[0].listener=web --loopgate.routes[0].upstream=nginx \
      > "$OUT/gateway-$mode.log" 2>&1 &
  GATEWAY_PID=$!
  wait_http "http://127.0.0.1:$GATEWAY_PORT/"
  # Warm-up (JIT), then gateway and direct back to back in the same run.
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$GATEWAY_PORT/" > /dev/null
  read -r gw_rps gw_p99 < <(run_wrk "http://127.0.0.1:$GATEWAY_PORT/" "gateway-$mode")
  read -r d_rps d_p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT/" "direct-$mode")
  kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; GATEWAY_PID=
  printf '%-8s %12s %10s %12s %10s %9.3f %9.2f\n' "$mode" "$gw_rps" "$gw_p99" "$d_rps" "$d_p99" \
      "$(echo "$gw_rps / $d_rps" | bc -l)" "$(echo "$gw_p99 / $d_p99" | bc -l)"
done | tee "$OUT/summary.txt"
echo "raw wrk output in $OUT"
