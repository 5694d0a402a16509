#!/usr/bin/env bash
# Gate: GCC's static analyzer (-fanalyzer) over the library, warnings fatal.
# Local: bash .ci/gates/analyzer.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${ANALYZER_BUILD:-build-gate-analyzer}
[ -f "$build/build.ninja" ] || CC=gcc meson setup "$build" --buildtype=debug -Dtests=false \
	-Dc_args='-fanalyzer' >/dev/null
ninja -C "$build" -j2 libpcilu.a
echo "analyzer gate: ok"
