#!/usr/bin/env bash
# Refreshes docs/try-it.png, the README's picture of the try-it page: starts the release server with the
# given weights (default: the bundled ones) on a free loopback port, cartoonifies a portrait in headless
# Chromium through the page, and saves the screenshot.
#
#   scripts/tools/screenshot_page.sh [WEIGHTS] [PHOTO]      (CONFIGURATION=debug skips the release build)
#
# Needs chromium (apt-get install chromium) and python3; see scripts/checks/page_in_browser.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
weights=${1:-weights/default.safetensors}
photo=${2:-Tests/FaceDetectionTests/Fixtures/grace_hopper.jpg}
configuration=${CONFIGURATION:-release}

swift build -c "$configuration" --product cartoonify-server
log=$(mktemp)
"$(swift build -c "$configuration" --show-bin-path)/cartoonify-server" --host 127.0.0.1 --port 0 --weights "$weights" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
    port=$(grep -oE '[^_]port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then break; fi
    sleep 0.1
done
python3 -m scripts.checks.page_in_browser --url "http://127.0.0.1:$port/" --photo "$photo" --size 256 --crop face \
    --screenshot docs/try-it.png
echo "wrote docs/try-it.png"
