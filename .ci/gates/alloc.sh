#!/usr/bin/env bash
# Gate: allocation-failure sweep (tests/alloc/sweep.py). For every command,
# fail the Nth allocation for each N (up to ALLOC_MAX_RUNS evenly spaced N
# when a command makes more): pcilu must never crash in its own code, hang,
# or exit non-zero without saying why. Crashes inside json-c or libpci are
# listed, not failed (docs/robustness.md). Local: bash .ci/gates/alloc.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${ALLOC_BUILD:-build-gate-alloc}
[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=debugoptimized >/dev/null
ninja -C "$build" -j2 >/dev/null
python3 tests/alloc/sweep.py --max-runs "${ALLOC_MAX_RUNS:-1500}" "$build"
echo "alloc gate: ok"
