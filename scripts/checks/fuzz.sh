#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (with AddressSanitizer) and runs each for a set time.
#   scripts/checks/fuzz.sh [seconds-per-target] [target...]     default 60 s, all targets
# Working corpora grow under .build-fuzz/corpus/<name>, seeded from Fuzz/Corpus/<name> (and, for the image
# decoder, the Imaging test fixtures); crashing inputs land in .build-fuzz/artifacts/<name>/.
# Exit status: 0 when no target found a crash, 1 otherwise.
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch="$root/.build-fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http-request multipart image-decoder)

executable() {
    case $1 in
        http-request) echo FuzzHTTPRequest ;;
        multipart) echo FuzzMultipart ;;
        image-decoder) echo FuzzImageDecoder ;;
        *) echo "unknown fuzz target '$1' (http-request, multipart, image-decoder)" >&2; exit 2 ;;
    esac
}

max_len() {
    case $1 in
        http-request) echo 4096 ;;
        multipart) echo 8192 ;;
        image-decoder) echo 16384 ;;
    esac
}

# Debug configuration so `@testable import HTTP` works (the
# numeric targets are still compiled -O by the root manifest).
swift build --package-path "$root/Fuzz" --scratch-path "$scratch" -c debug \
    -Xswiftc -sanitize=fuzzer,address
bin=$(swift build --package-path "$root/Fuzz" --scratch-path "$scratch" -c debug --show-bin-path)

status=0
summary=""
for name in "${targets[@]}"; do
    exe=$(executable "$name")
    corpus="$scratch/corpus/$name"
    artifacts="$scratch/artifacts/$name"
    log="$scratch/logs/$name.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    cp -n "$root/Fuzz/Corpus/$name/"* "$corpus/" 2>/dev/null || true
    extra=()
    [ "$name" = image-decoder ] && extra=("$root/Tests/ImagingTests/Fixtures")
    echo "== $name: ${seconds}s"
    # Leak checking is off: the Swift runtime's metadata caches live for the process and read as leaks.
    if "$bin/$exe" "$corpus" "${extra[@]}" -max_total_time="$seconds" -max_len="$(max_len "$name")" \
        -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1; then
        result=ok
    else
        result="CRASH (see $log and $artifacts)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')
    summary+=$(printf '%-14s %12s execs  cov %6s  corpus %5s files  %s' "$name" "$runs" "$cov" \
        "$(ls "$corpus" | wc -l)" "$result")$'\n'
done
echo
echo "$summary"
exit $status
