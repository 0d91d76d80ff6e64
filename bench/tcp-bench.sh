#!/usr/bin/env bash
# Throughput and request/response rate through Loopgate's tcp listeners: copy path (edge- and level-triggered
# groups) vs splice path vs a direct connection. Everything on 127.0.0.1; the gateway is pinned to one core,
# the load generators and backends to another. Bounded: about 8 x (DURATION + 3) seconds plus start-up.
#
#   bench/tcp-bench.sh                 # DURATION=5 RR_CONNECTIONS=16 RR_SIZE=64 GATEWAY_CPU=0 LOAD_CPU=1
#   STRACE=1 bench/tcp-bench.sh        # also count the syscalls of the forwarding loop thread during each bulk
#                                      # run (slows that run down: its Gbit/s is then not a throughput figure)
#
# Needs: JDK 17 (java), iperf3 (apt-get install -y iperf3), python3, taskset; builds target/loopgate.jar if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
RR_CONNECTIONS=${RR_CONNECTIONS:-16}
RR_SIZE=${RR_SIZE:-64}
GATEWAY_CPU=${GATEWAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
IPERF_PORT=${IPERF_PORT:-15201}
ECHO_PORT=${ECHO_PORT:-15202}
BASE_PORT=${BASE_PORT:-15210}
JAR=target/loopgate.jar
WORK=$(mktemp -d /tmp/loopgate-tcp-bench.XXXXXX)

command -v iperf3 >/dev/null || { echo "iperf3 is missing: apt-get install -y iperf3" >&2; exit 1; }
[ -f "$JAR" ] || ./mvnw -q -DskipTests package

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# TID of the gateway's (only) I/O loop of a group; thread names are cut to 15 characters in /proc.
loop_tid() { grep -l "^loopgate-$1-" /proc/"$GATEWAY"/task/*/comm | head -1 | cut -d/ -f5; }
HZ=$(getconf CLK_TCK)

# Backends on the load core.
taskset -c "$LOAD_CPU" iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" >"$WORK/iperf3-server.log" 2>&1 &
PIDS+=($!)
taskset -c "$LOAD_CPU" java -Xmx64m bench/TcpBench.java echo "$ECHO_PORT" >"$WORK/echo.log" 2>&1 &
PIDS+=($!)

# port name group splice upstream
LISTENERS=(
    "$((BASE_PORT + 1)) bulk-copy main false iperf"
    "$((BASE_PORT + 2)) bulk-copy-level level false iperf"
    "$((BASE_PORT + 3)) bulk-splice level true iperf"
    "$((BASE_PORT + 4)) rr-copy main false echo"
    "$((BASE_PORT + 5)) rr-copy-level level false echo"
    "$((BASE_PORT + 6)) rr-splice level true echo"
)
ARGS=(--server.port=0 --management.server.port=0 --loopgate.demo.enabled=false
      --loopgate.shutdown.grace-period=1s
      --loopgate.loop-groups.main.threads=1
      --loopgate.loop-groups.level.threads=1 --loopgate.loop-groups.level.trigger-mode=level
      "--loopgate.upstreams.iperf.backends[0]=127.0.0.1:$IPERF_PORT"
      "--loopgate.upstreams.echo.backends[0]=127.0.0.1:$ECHO_PORT")
for l in "${LISTENERS[@]}"; do
    read -r port name group splice upstream <<<"$l"
    ARGS+=("--loopgate.listeners.$name.protocol=tcp" "--loopgate.listeners.$name.host=127.0.0.1"
           "--loopgate.listeners.$name.port=$port" "--loopgate.listeners.$name.loop-group=$group"
           "--loopgate.listeners.$name.upstream=$upstream")
    [ "$splice" = true ] && ARGS+=("--loopgate.listeners.$name.splice=true")
done
taskset -c "$GATEWAY_CPU" java -Xms256m -Xmx256m -jar "$JAR" "${ARGS[@]}" >"$WORK/gateway.log" 2>&1 &
GATEWAY=$!
PIDS+=("$GATEWAY")
for _ in $(seq 1 120); do
    grep -q "Listener 'rr-splice' started" "$WORK/gateway.log" && break
    kill -0 "$GATEWAY" 2>/dev/null || { cat "$WORK/gateway.log"; exit 1; }
    sleep 0.5
done
grep -q "Listener 'rr-splice' started" "$WORK/gateway.log" || { echo "gateway did not start" >&2; exit 1; }

echo "Loopgate tcp benchmark: $(nproc) CPUs, gateway on CPU $GATEWAY_CPU, load and backends on CPU $LOAD_CPU," \
     "${DURATION}s per run, $(uname -r)"
echo
printf '%-22s %12s %16s\n' "bulk (iperf3, 1 stream)" "Gbit/s" "gateway CPU s/GB"
for target in "direct $IPERF_PORT" "copy/edge $((BASE_PORT + 1))" "copy/level $((BASE_PORT + 2))" \
              "splice/level $((BASE_PORT + 3))"; do
    read -r label port <<<"$target"
    before=$(cpu_ticks "$GATEWAY")
    if [ "${STRACE:-0}" = 1 ] && [ "$label" != direct ]; then
        group=main; [ "${label#*/}" = level ] && group=level
        strace -c -p "$(loop_tid "$group")" -o "$WORK/strace-${label////-}.txt" 2>/dev/null &
        STRACE_PID=$!
        sleep 0.5
    fi
    taskset -c "$LOAD_CPU" iperf3 -c 127.0.0.1 -p "$port" -t "$DURATION" -O 1 -J >"$WORK/iperf-${label////-}.json" 2>&1 \
        || { echo "iperf3 failed for $label:"; tail -5 "$WORK/iperf-${label////-}.json"; continue; }
    after=$(cpu_ticks "$GATEWAY")
    if [ -n "${STRACE_PID:-}" ]; then
        kill -INT "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null || true
    fi
    python3 - "$WORK/iperf-${label////-}.json" "$before" "$after" "$HZ" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
received = d["end"]["sum_received"]
gbits = received["bits_per_second"] / 1e9
gb = received["bytes"] / 1e9
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
label = sys.argv[5]
print(f"{label:<22} {gbits:12.2f} {('-' if label == 'direct' else f'{cpu / gb:.3f}'):>16}")
PY
    if [ -n "${STRACE_PID:-}" ]; then
        STRACE_PID=
        echo "    syscalls of the loop thread (strace -c): $(awk '$NF ~ /^(splice|read|recvfrom|write|writev|sendto|epoll_wait|epoll_pwait2|epoll_ctl|pipe2)$/ {printf "%s=%s ", $NF, $4}' "$WORK/strace-${label////-}.txt")"
    fi
done

echo
printf '%-22s %s\n' "request/response" "(${RR_CONNECTIONS} connections, ${RR_SIZE}-byte echo, one outstanding each)"
for target in "direct $ECHO_PORT" "copy/edge $((BASE_PORT + 4))" "copy/level $((BASE_PORT + 5))" \
              "splice/level $((BASE_PORT + 6))"; do
    read -r label port <<<"$target"
    result=$(taskset -c "$LOAD_CPU" java -Xmx128m bench/TcpBench.java rr "$port" "$RR_CONNECTIONS" "$DURATION" "$RR_SIZE")
    printf '%-22s %s\n' "$label" "${result#rr }"
done

echo
MGMT=$(grep -o "Netty started on port [0-9]*" "$WORK/gateway.log" | tail -1 | grep -o "[0-9]*$")
echo "Bytes counted by the gateway (loopgate_tcp_bytes_total from /actuator/prometheus):"
curl -s "http://127.0.0.1:$MGMT/actuator/prometheus" | grep "^loopgate_tcp_bytes_total" | sed 's/application="loopgate",//'
echo "(logs in $WORK)"
