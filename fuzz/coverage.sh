#!/usr/bin/env bash
# Line coverage of the library from replaying a fuzz corpus:
#   fuzz/coverage.sh TARGET DIR...   (e.g. fuzz/coverage.sh lspci build-fuzz/corpus/lspci)
# Builds tests/bad/replay-TARGET (fuzz/replay.c: every input, every rendering) with
# clang source-based coverage in $COV_BUILD (default build-cov), replays the
# directories and prints llvm-cov's per-file report for src/ (harnesses and tests
# excluded). The report is what docs/robustness.md quotes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
target=${1:?usage: fuzz/coverage.sh TARGET DIR...}
shift
[ $# -gt 0 ] || { echo "usage: fuzz/coverage.sh TARGET DIR..." >&2; exit 2; }
build=${COV_BUILD:-$src/build-cov}
flags='-fprofile-instr-generate -fcoverage-mapping'

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" --buildtype=debug -Dc_args="$flags" \
		-Dc_link_args="$flags" >/dev/null
fi
ninja -C "$build" "tests/bad/replay-$target" >/dev/null
bin=$build/tests/bad/replay-$target
prof=$build/cov-$target
rm -f "$prof".profraw "$prof".profdata
LLVM_PROFILE_FILE=$prof.profraw "$bin" "$@" >&2
llvm-profdata merge -sparse "$prof.profraw" -o "$prof.profdata"
llvm-cov report "$bin" -instr-profile="$prof.profdata" "$src/src" \
	-ignore-filename-regex='(fuzz|tests)/'
