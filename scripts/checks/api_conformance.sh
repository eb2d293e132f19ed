#!/usr/bin/env bash
# Checks the running server against its API description, Sources/CartoonService/Web/openapi.yaml, with
# schemathesis (pip install schemathesis): the release server is started on a free loopback port, once
# open and once with an API key, and every schemathesis check runs against each except `positive_data_acceptance`: a schema can say "a non-empty
# string" but not "a decodable photo", so schema-valid random bodies are rightly answered 415/422.
#   scripts/checks/api_conformance.sh [extra schemathesis run arguments...]
# Takes ~20 s after the build. Exit status: schemathesis's, or 1 if a server did not drain and exit 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

schemathesis=${SCHEMATHESIS:-$(command -v schemathesis || echo "$root/.venv/bin/schemathesis")}
if [ ! -x "$schemathesis" ]; then
    echo "schemathesis not found: pip install schemathesis (or set SCHEMATHESIS=/path/to/it)" >&2
    exit 2
fi

swift build -c release --product cartoonify-server
server_bin="$(swift build -c release --show-bin-path)/cartoonify-server"
scratch=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$scratch"' EXIT

# Starts the server on port 0 with the given environment; sets `port` to the one it logged.
start_server() {
    local log="$scratch/server-${#pids[@]}.log"
    env "$@" "$server_bin" --host 127.0.0.1 --port 0 --workers 2 >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do
        if port=$(grep -oE '[^_]port=[0-9]+' "$log" | grep -oE '[0-9]+$') && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then
            return
        fi
        sleep 0.1
    done
    echo "the server did not become ready:" >&2
    cat "$log" >&2
    exit 1
}

# Sends SIGTERM to the last server started and checks that it drains and exits 0.
stop_server() {
    local pid=${pids[-1]}
    kill -TERM "$pid"
    if wait "$pid"; then echo "server $pid drained and exited 0"; else echo "server $pid exited $?" >&2; return 1; fi
}

run_checks() {
    local port=$1
    shift
    # From the scratch folder: schemathesis keeps a cache in the working directory.
    (cd "$scratch" && "$schemathesis" run "$root/Sources/CartoonService/Web/openapi.yaml" --url "http://127.0.0.1:$port" --checks all \
        --exclude-checks positive_data_acceptance --workers 2 --max-examples 300 --seed 20261125 \
        --generation-database none "$@")
}

status=0
echo "== open server"
start_server CARTOONIFY_LOG_FORMAT=text
run_checks "$port" "$@" || status=$?
stop_server || status=1

echo "== server with CARTOONIFY_API_KEY, requests with and without the key"
start_server CARTOONIFY_API_KEY=conformance
run_checks "$port" "$@" || status=$?
run_checks "$port" -H "Authorization: Bearer conformance" "$@" || status=$?
stop_server || status=1
exit $status
