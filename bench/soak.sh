#!/usr/bin/env bash
# Soak test: bounded load (wrk, fixed connections, loopback only) through the gateway for a configurable time,
# reporting errors, the gateway's RSS over time and Netty leak reports (the jar runs with PARANOID leak detection,
# so every buffer is tracked and any leak is logged as "LEAK:").
#
#   bench/soak.sh [duration-seconds (default 600)] [connections (default 16)]
#
# Env: SAMPLE (RSS sample interval, s, default 10), HEAP (default 256m), PORT (listener, default 18380).
# Needs wrk and curl (apt-get install -y wrk curl) and a built jar (./mvnw -DskipTests package). The upstream is
# the built-in demo upstream on 127.0.0.1:18080 (GET / greets, POST /anything echoes a 4 KiB body).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-600}
CONNECTIONS=${2:-16}
SAMPLE=${SAMPLE:-10}
HEAP=${HEAP:-256m}
PORT=${PORT:-18380}
OUT=bench/out/soak-$(date +%Y%m%dT%H%M%S)
mkdir -p "$OUT"

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk curl)"; exit 1; }
done
[ -f target/loopgate.jar ] || ./mvnw -q -B -DskipTests package

java -Xms"$HEAP" -Xmx"$HEAP" -Dio.netty.leakDetection.level=paranoid -Dio.netty.leakDetection.targetRecords=4 \
    -jar target/loopgate.jar \
    --server.port=0 --management.server.port=0 \
    --loopgate.demo.enabled=true \
    --loopgate.listeners.web.protocol=http --loopgate.listeners.web.host=127.0.0.1 \
    --loopgate.listeners.web.port="$PORT" \
    --loopgate.upstreams.demo.backends[0]=127.0.0.1:18080 \
    --loopgate.routes[0].id=all --loopgate.routes[0].listener=web --loopgate.routes[0].upstream=demo \
    > "$OUT/gateway.log" 2>&1 &
GATEWAY_PID=$!
WRK_PID=
cleanup() {
  [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
  kill "$GATEWAY_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/" || { echo "gateway did not answer; see $OUT/gateway.log"; exit 1; }

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status"; }
echo "elapsed_s,rss_mib" > "$OUT/rss.csv"
echo "0,$(( $(rss_kib) / 1024 ))" >> "$OUT/rss.csv"

wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s bench/soak.lua "http://127.0.0.1:$PORT/" \
    > "$OUT/wrk.txt" 2>&1 &
WRK_PID=$!
START=$(date +%s)
while kill -0 "$WRK_PID" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$GATEWAY_PID" 2>/dev/null || { echo "gateway died; see $OUT/gateway.log"; exit 1; }
  echo "$(( $(date +%s) - START )),$(( $(rss_kib) / 1024 ))" >> "$OUT/rss.csv"
done
wait "$WRK_PID" || true
WRK_PID=

# Let the leak detector see buffers collected after the run: a last few requests trigger its queue poll.
for _ in 1 2 3 4 5; do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" || true; done
kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true

LEAKS=$(grep -c "LEAK:" "$OUT/gateway.log" || true)
ERRORS_LOGGED=$(grep -c " ERROR " "$OUT/gateway.log" || true)
{
  echo "duration ${DURATION}s, ${CONNECTIONS} connections, heap $HEAP, paranoid leak detection"
  grep -E "^soak:|Requests/sec|Transfer/sec|^ +99%|Non-2xx|Socket errors" "$OUT/wrk.txt" || true
  echo "leak reports: $LEAKS"
  echo "ERROR lines in the gateway log: $ERRORS_LOGGED"
  echo "RSS MiB over time (elapsed_s,rss_mib):"
  tr '\n' ' ' < "$OUT/rss.csv"; echo
  awk -F, 'NR>2 {if (min=="" || $2<min) min=$2; if ($2>max) max=$2; last=$2} NR==2 {first=$2}
       END {printf "RSS MiB first %s, min %s, max %s, last %s\n", first, min, max, last}' "$OUT/rss.csv"
} | tee "$OUT/summary.txt"
echo "raw output in $OUT"
[ "$LEAKS" = 0 ]
