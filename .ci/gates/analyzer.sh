#!/usr/bin/env bash
# Gate: GCC's static analyzer (-fanalyzer) over the library, warnings fatal.
# Leak and double-free reports are off: gcc 12 reports a pointer stored into a
# caller's struct (rb->path = strdup(...)) as leaked and free(NULL) of two
# fields of a calloc()'d struct as a double free (src/iommu/iommu.c). Both are
# caught on real runs instead, by ASan/LeakSanitizer (.ci/run, fuzz gate) and
# Valgrind (valgrind gate); the rest of the analyzer (NULL dereference, use
# after free, uninitialised reads, fd leaks...) stays fatal.
# Local: bash .ci/gates/analyzer.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${ANALYZER_BUILD:-build-gate-analyzer}
[ -f "$build/build.ninja" ] || CC=gcc meson setup "$build" --buildtype=debug -Dtests=false \
	-Dc_args='-fanalyzer -Wno-analyzer-malloc-leak -Wno-analyzer-double-free' >/dev/null
ninja -C "$build" -j2 libpcilu.a
echo "analyzer gate: ok"
