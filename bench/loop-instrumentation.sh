#!/usr/bin/env bash
# Cost of the per-loop instrumentation: the same gateway (threads: 1) with the agent on and off
# (-Dloopgate.instrumentation=off), both pinned to one core in front of nginx, measured in alternating wrk
# runs of the same session (the order flips every round so drift cancels). Prints each run, the medians and
# the on/off ratios of requests/s, p99 and the gateway's CPU time per request (/proc/<pid>/stat).
#
#   bench/loop-instrumentation.sh [rounds (default 5)] [duration-seconds (default 10)] [connections (default 32)]
#
# Needs: wrk and nginx (apt-get install -y wrk nginx-light), a built jar (./mvnw -DskipTests package).
# Traffic goes only to 127.0.0.1 and every run is bounded by its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DURATION=${2:-10}
CONNECTIONS=${3:-32}
GATEWAY_CPU=${GATEWAY_CPU:-0}   # both gateways share this core (only one is loaded at a time)
LOAD_CPU=${LOAD_CPU:-1}         # wrk and nginx share the other core
OUT=bench/out/loop-instrumentation-$(date +%Y%m%dT%H%M%S)
mkdir -p "$OUT"

for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk nginx-light)"; exit 1; }
done
[ -f target/loopgate.jar ] || ./mvnw -q -B -DskipTests package

NGINX_PORT=18191
declare -A PORT=([on]=18292 [off]=18392)
declare -A MGMT=([on]=18293 [off]=18393)
declare -A FLAG=([on]="-Dloopgate.instrumentation=on" [off]="-Dloopgate.instrumentation=off")
declare -A PID=()

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
cleanup() {
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_http() { for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1"; exit 1; }
wait_http "http://127.0.0.1:$NGINX_PORT/"

for mode in on off; do
  taskset -c "$GATEWAY_CPU" java ${FLAG[$mode]} -Xms256m -Xmx256m -jar target/loopgate.jar \
      --server.port=${MGMT[$mode]} --management.server.port=${MGMT[$mode]} \
      --loopgate.demo.enabled=false --loopgate.loop-groups.main.threads=1 \
      --loopgate.listeners.web.protocol=http --loopgate.listeners.web.host=127.0.0.1 \
      --loopgate.listeners.web.port=${PORT[$mode]} \
      --loopgate.upstreams.nginx.backends[0]=127.0.0.1:$NGINX_PORT \
      --loopgate.routes[0].id=all --loopgate.routes[0].listener=web --loopgate.routes[0].upstream=nginx \
      > "$OUT/gateway-$mode.log" 2>&1 &
  PID[$mode]=$!
done
for mode in on off; do
  wait_http "http://127.0.0.1:${PORT[$mode]}/"
  instrumented=$(curl -fs "http://127.0.0.1:${MGMT[$mode]}/actuator/prometheus" | awk '/^loopgate_loop_instrumented\{/ {print $2}')
  echo "gateway $mode: loopgate_loop_instrumented=$instrumented"
done
# Warm-up (JIT) of both.
for mode in on off; do
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d5s "http://127.0.0.1:${PORT[$mode]}/" > /dev/null
done

# CPU time (user + system, clock ticks) the gateway process used so far: per request it is far less sensitive to
# other load on the machine than requests/s.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

# wrk prints "Requests/sec: N" and, with --latency, "99%  Xms"; p99 normalised to milliseconds.
run_wrk() {
  local mode=$1 round=$2
  local cpu0; cpu0=$(cpu_ticks "${PID[$mode]}")
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:${PORT[$mode]}/" \
      > "$OUT/$mode-$round.txt"
  local cpu1; cpu1=$(cpu_ticks "${PID[$mode]}")
  local rps p99 requests cpu_us
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$mode-$round.txt")
  requests=$(awk '/requests in/ {print $1}' "$OUT/$mode-$round.txt")
  cpu_us=$(echo "($cpu1 - $cpu0) * 1000000 / $TICKS / $requests" | bc -l)
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$OUT/$mode-$round.txt")
  printf '%s %s %s %s %.2f\n' "$mode" "$round" "$rps" "$p99" "$cpu_us" | tee -a "$OUT/runs.txt"
}

echo "mode round rps p99_ms cpu_us_per_request"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="on off"; else order="off on"; fi
  for mode in $order; do run_wrk "$mode" "$round"; done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
on_rps=$(awk '$1=="on" {print $3}' "$OUT/runs.txt" | median)
off_rps=$(awk '$1=="off" {print $3}' "$OUT/runs.txt" | median)
on_p99=$(awk '$1=="on" {print $4}' "$OUT/runs.txt" | median)
off_p99=$(awk '$1=="off" {print $4}' "$OUT/runs.txt" | median)
on_cpu=$(awk '$1=="on" {print $5}' "$OUT/runs.txt" | median)
off_cpu=$(awk '$1=="off" {print $5}' "$OUT/runs.txt" | median)
{
  printf '%-6s %12s %10s %14s\n' agent median_rps p99_ms cpu_us_per_req
  printf '%-6s %12s %10s %14s\n' on "$on_rps" "$on_p99" "$on_cpu"
  printf '%-6s %12s %10s %14s\n' off "$off_rps" "$off_p99" "$off_cpu"
  printf 'rps on/off %.4f   p99 on/off %.3f   cpu per request on/off %.4f\n' "$(echo "$on_rps / $off_rps" | bc -l)" \
      "$(echo "$on_p99 / $off_p99" | bc -l)" "$(echo "$on_cpu / $off_cpu" | bc -l)"
} | tee "$OUT/summary.txt"
echo "raw wrk output in $OUT"
