#!/usr/bin/env bash
# The whole test suite under AddressSanitizer, in its own scratch path so the normal build is untouched.
#   scripts/checks/asan.sh [swift test arguments...]     e.g. scripts/checks/asan.sh --filter HTTPTests
# Leak checking is off: the Swift runtime keeps metadata caches for the life of the process.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
exec swift test --package-path "$root" --scratch-path "$root/.build-asan" --sanitize=address "$@"
