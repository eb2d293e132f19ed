#!/usr/bin/env bash
# Load test of the release server on loopback with wrk (and scripts/bench/loadtest.lua).
#   scripts/bench/loadtest.sh [phase...]      phases: throughput leak slow drain memory stages (default: all six)
# Environment:
#   CONFIGS="small official"   throughput configurations: small = bundled weights (ngf 32, 6 blocks, 128 px);
#                              official = ngf 64, 9 blocks, 256 px (made once with `cartoonify init-weights`)
#   CLIENTS="1 2 4 16 64"      concurrent connections per throughput run (64 > 2 workers + queue 16: designed 503s)
#   DURATION_small=20 DURATION_official=60   seconds per throughput run (wrk -d)
#   LEAK_REQUESTS=10000        requests between the two RSS readings of the leak phase (small config)
#   SLOW_CLIENTS=1000          idle + trickling connections held open during the slow-client phase
#   DURATION_memory=30         seconds of load per worker setting in the memory phase
#   DURATION_stages=20         seconds of load in the stages phase (CLIENTS_stages=2 connections)
#   PHOTO=...                  the JPEG posted (default: a 42 KB portrait from the face detection fixtures)
#   WORKERS=...                server workers (default: the server's own, one per core)
#   INFERENCE_THREADS=...      cores one inference may use (default: the server's own, cores / workers)
# Every RESULT line is printed with `uptime`, since the numbers depend on what else the machine runs.
# Exit status: 1 if a run saw anything but 200, 503 (queue full) or 504 (waited past the request
# timeout), if RSS grew by more than 10% over the leak run, if a server lost a request or did not
# drain and exit 0 on SIGTERM, or if the official server's peak RSS passed issue 5's memory bound.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(throughput leak slow drain memory stages)
export PHOTO=${PHOTO:-$root/Tests/FaceDetectionTests/Fixtures/obama.jpg}
scratch="$root/.build-load"
mkdir -p "$scratch"
lua="$root/scripts/bench/loadtest.lua"

swift build -c release --product cartoonify-server
swift build -c release --product cartoonify
bin=$(swift build -c release --show-bin-path)
official="$scratch/official-ngf64-9blocks-256.safetensors"
[ -f "$official" ] || "$bin/cartoonify" init-weights --ngf 64 --blocks 9 --size 256 "$official"

weights_for() {
    case $1 in
        small) echo "$root/weights/default.safetensors" ;;
        official) echo "$official" ;;
        *) echo "unknown configuration '$1' (small, official)" >&2; exit 2 ;;
    esac
}

status=0
server_pid=""
helper_pid=""
cleanup() {
    [ -z "$helper_pid" ] || kill "$helper_pid" 2>/dev/null || true
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the server with the given weights; sets `port` and `server_pid`.
start_server() {
    port=$(free_port)
    local args=(--host 127.0.0.1 --port "$port" --weights "$1" --log-level warning)
    [ -z "${WORKERS:-}" ] || args+=(--workers "$WORKERS")
    [ -z "${INFERENCE_THREADS:-}" ] || args+=(--inference-threads "$INFERENCE_THREADS")
    "$bin/cartoonify-server" "${args[@]}" 2>"$scratch/server.log" &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return
        sleep 0.1
    done
    echo "the server did not become ready" >&2
    cat "$scratch/server.log" >&2
    exit 1
}

stop_server() {
    kill -TERM "$server_pid"
    if ! wait "$server_pid"; then
        echo "server did not drain and exit 0" >&2
        status=1
    fi
    server_pid=""
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }

# POST requests to /cartoonify answered so far (any status), from the server's own counter.
answered() {
    curl -s "http://127.0.0.1:$port/metrics" |
        awk '/^cartoonify_http_requests_total\{.*route="\/cartoonify"/ { sum += $2 } END { printf "%d\n", sum }'
}

# One wrk run: connections, seconds, label[, requests]. With `requests`, wrk runs until the server has
# answered that many more and is then stopped (SIGINT makes it report). Prints the RESULT line with the
# load and flags any error that is not a designed 503 (queue full) or 504 (waited past the timeout).
run_wrk() {
    local connections=$1 seconds=$2 label=$3 requests=${4:-0}
    local threads=$((connections < 2 ? connections : 2))
    local out="$scratch/wrk.out" start
    start=$(answered)
    wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 60s -s "$lua" "http://127.0.0.1:$port/cartoonify" >"$out" &
    local wrk_pid=$!
    if [ "$requests" -gt 0 ]; then
        while kill -0 "$wrk_pid" 2>/dev/null && [ $(($(answered) - start)) -lt "$requests" ]; do sleep 0.2; done
        kill -INT "$wrk_pid" 2>/dev/null || true
    fi
    wait "$wrk_pid" || true
    local result
    result=$(grep '^RESULT' "$out" || echo "RESULT wrk_failed=1")
    [ "$label" = warm-up ] && return
    echo "$label c=$connections ${result#RESULT } | load:$(uptime | sed 's/.*load average://')"
    local bad
    bad=$(echo "$result" | tr ' ' '\n' | grep -E '^(status_[0-9]+|connect_errors|read_errors|write_errors|timeouts|wrk_failed)=' |
        grep -vE '^status_(200|503|504)=' | grep -v '=0$' || true)
    if [ -n "$bad" ]; then
        echo "  unexpected: $bad" >&2
        status=1
    fi
}

throughput() {
    for config in ${CONFIGS:-small official}; do
        start_server "$(weights_for "$config")"
        local duration_var="DURATION_$config"
        local default_duration=20
        [ "$config" = official ] && default_duration=60
        run_wrk 1 600 warm-up 2
        for connections in ${CLIENTS:-1 2 4 16 64}; do
            run_wrk "$connections" "${!duration_var:-$default_duration}" "throughput $config"
        done
        stop_server
    done
}

# RSS after a warm-up, then after LEAK_REQUESTS more: steady memory means nothing accumulates per request.
leak() {
    local requests=${LEAK_REQUESTS:-10000}
    start_server "$(weights_for small)"
    run_wrk 2 600 warm-up 100
    local before after
    before=$(rss_kb)
    run_wrk 2 7200 "leak small (${requests} requests)" "$requests"
    after=$(rss_kb)
    local hwm
    hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")
    echo "leak small: RSS before ${before} kB, after ${after} kB, peak ${hwm} kB, growth $(((after - before) * 100 / before))%"
    if [ $((after - before)) -gt $((before / 10)) ]; then
        echo "  RSS grew by more than 10%" >&2
        status=1
    fi
    stop_server
}

# Latency of one client alone, then again while SLOW_CLIENTS connections sit idle or trickle a header.
slow() {
    local count=${SLOW_CLIENTS:-1000}
    start_server "$(weights_for small)"
    run_wrk 1 15 "slow-clients baseline"
    python3 - "$port" "$count" <<'PY' &
# Holds `count` connections: half never send a byte, half trickle a request head one byte a second. The
# server's header timeout closes them after 10 s (the slowloris bound), so closed ones are reopened,
# as an attacker would.
import select, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
HEAD = b"POST /cartoonify HTTP/1.1\r\nHost: x\r\nX-Slow: "

def connect(index):
    s = socket.create_connection(("127.0.0.1", port))
    if index % 2:
        s.sendall(HEAD)
    return s

sockets = [connect(index) for index in range(count)]
while True:
    time.sleep(1)
    poller = select.poll()
    for s in sockets:
        poller.register(s, select.POLLIN)
    closed = {fd for fd, _ in poller.poll(0)}
    for index, s in enumerate(sockets):
        try:
            if s.fileno() in closed:
                raise ConnectionError
            if index % 2:
                s.sendall(b"a")
        except OSError:
            s.close()
            sockets[index] = connect(index)
PY
    helper_pid=$!
    for _ in $(seq 1 100); do
        local open
        open=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^cartoonify_http_open_connections/ { print int($2) }')
        [ "${open:-0}" -ge "$count" ] && break
        sleep 0.1
    done
    echo "slow-clients: $open connections open on the server"
    run_wrk 1 15 "slow-clients with ${count} idle/trickling"
    kill "$helper_pid"
    wait "$helper_pid" 2>/dev/null || true
    helper_pid=""
    stop_server
}

# SIGTERM in the middle of a keep-alive run: in-flight requests finish (200, `Connection: close`),
# requests that arrive while it drains get 503, and once the listener is closed new connections are
# refused, which wrk counts as write errors (its non-blocking connect fails at the first write). A read
# error or timeout would be a request cut off: there must be none, and the server must exit 0.
# HardeningTests.sigtermUnderLoadLosesNoRequest tells refusals and cut-offs apart exactly.
drain() {
    start_server "$(weights_for small)"
    local out="$scratch/wrk-drain.out"
    wrk -t 2 -c 8 -d 10s --timeout 60s -s "$lua" "http://127.0.0.1:$port/cartoonify" >"$out" &
    local wrk_pid=$!
    sleep 4
    kill -TERM "$server_pid"
    local code=0
    wait "$server_pid" || code=$?
    server_pid=""
    wait "$wrk_pid" || true
    local result
    result=$(grep '^RESULT' "$out" || echo "RESULT wrk_failed=1")
    echo "drain small c=8, SIGTERM after 4 s: server exit $code, ${result#RESULT } | load:$(uptime | sed 's/.*load average://')"
    if [ "$code" -ne 0 ] || echo "$result" | grep -qE '(read_errors|timeouts|wrk_failed)=[1-9]|status_(4|50[0-24-9])'; then
        echo "  a request was lost or the server did not exit 0" >&2
        status=1
    fi
}

# Issue 5's bound, from the weights file: prints "weights activations bound" in bytes. Weights = the
# tensor bytes of the safetensors file; the largest activation set = the largest layer's input + output
# activations (float32, one image) of the ResNet generator the metadata describes.
memory_bound() {
    python3 - "$1" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
meta = header.pop("__metadata__", {})
weights = sum(end - start for start, end in (t["data_offsets"] for t in header.values()))
ngf, s = int(meta["ngf"]), int(meta["input_size"])
full = s * s
# (input, output) floats of stem, down.0, down.1, a residual conv, up.0, up.1, head.
layers = [(3 * full, ngf * full), (ngf * full, 2 * ngf * full // 4), (2 * ngf * full // 4, 4 * ngf * full // 16),
          (4 * ngf * full // 16, 4 * ngf * full // 16), (4 * ngf * full // 16, 2 * ngf * full // 4),
          (2 * ngf * full // 4, ngf * full), (ngf * full, 3 * full)]
activations = 4 * max(i + o for i, o in layers)
print(weights, activations, weights + 3 * activations + (64 << 20))
PY
}

# Peak RSS (VmHWM: loading included) of the official server after DURATION_memory seconds of 4 clients,
# with the default workers (one per core, each with its own arena) and with one worker on every core,
# against weights + 3 x largest activation set + 64 MiB.
memory() {
    local weights activations bound
    read -r weights activations bound < <(memory_bound "$official")
    local mib=$((1 << 20))
    echo "memory bound (official): weights $((weights / mib)) MiB + 3 x largest activation set $((activations / mib)) MiB" \
        "(largest layer input + output, float32) + 64 MiB = $((bound / mib)) MiB"
    for setting in "default" "1 2"; do
        local WORKERS="" INFERENCE_THREADS=""
        [ "$setting" = default ] || read -r WORKERS INFERENCE_THREADS <<<"$setting"
        start_server "$official"
        run_wrk 4 "${DURATION_memory:-30}" "memory official workers=${WORKERS:-default} threads=${INFERENCE_THREADS:-default}"
        local hwm rss
        hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")
        rss=$(rss_kb)
        echo "memory official workers=${WORKERS:-default} threads=${INFERENCE_THREADS:-default}:" \
            "peak RSS $((hwm / 1024)) MiB (now $((rss / 1024)) MiB), bound $((bound / mib)) MiB"
        if [ $((hwm * 1024)) -gt "$bound" ]; then
            echo "  peak RSS above the bound" >&2
            status=1
        fi
        stop_server
    done
}

# Where a request's CPU goes, from the server's own per-stage times (cartoonify_stage_duration_seconds)
# and its process CPU time, over DURATION_stages seconds of CLIENTS_stages clients on the bundled model.
# Run it with WORKERS=2 INFERENCE_THREADS=1 so every stage runs on one core and its time is CPU time.
# Issue 13's goal: face detection and alignment (detect + align) at most 15% of a request's CPU.
stages() {
    start_server "$(weights_for small)"
    run_wrk 2 600 warm-up 20
    local before after cpu_before cpu_after ticks
    ticks=$(getconf CLK_TCK)
    stage_sums() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^cartoonify_stage_duration_seconds_(sum|count)\{/ { print }'; }
    cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
    before=$(stage_sums)
    cpu_before=$(cpu_ticks)
    run_wrk "${CLIENTS_stages:-2}" "${DURATION_stages:-20}" "stages small"
    after=$(stage_sums)
    cpu_after=$(cpu_ticks)
    python3 - "$before" "$after" "$(((cpu_after - cpu_before)))" "$ticks" <<'PY'
import re, sys
def parse(text):
    values = {}
    for line in text.splitlines():
        m = re.match(r'cartoonify_stage_duration_seconds_(sum|count)\{stage="(\w+)"\} (\S+)', line)
        if m:
            values[(m.group(1), m.group(2))] = float(m.group(3))
    return values
before, after = parse(sys.argv[1]), parse(sys.argv[2])
cpu = int(sys.argv[3]) / int(sys.argv[4])
stages = ["decode", "detect", "align", "inference", "encode"]
delta = {s: after.get(("sum", s), 0) - before.get(("sum", s), 0) for s in stages}
requests = after.get(("count", "decode"), 0) - before.get(("count", "decode"), 0)
total = sum(delta.values())
if requests == 0 or total == 0:
    sys.exit("no requests measured")
print(f"stages small: {requests:.0f} requests, process CPU {1000 * cpu / requests:.2f} ms/request, "
      f"stages {1000 * total / requests:.2f} ms/request")
for s in stages:
    print(f"  {s:9} {1000 * delta[s] / requests:7.2f} ms  {100 * delta[s] / total:5.1f}% of the stages  "
          f"{100 * delta[s] / cpu:5.1f}% of the process CPU")
face = delta["detect"] + delta["align"]
print(f"  face detection + alignment: {100 * face / cpu:.1f}% of the process CPU (goal: at most 15%)")
PY
    stop_server
}

for phase in "${phases[@]}"; do
    case $phase in
        throughput | leak | slow | drain | memory | stages) "$phase" ;;
        *) echo "unknown phase '$phase' (throughput, leak, slow, drain, memory, stages)" >&2; exit 2 ;;
    esac
done
exit $status
