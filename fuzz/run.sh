#!/usr/bin/env bash
# Run one libFuzzer target: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
# TARGET: lspci, vvtext, config, spec, cmdline, manifest, capture, acpi (see fuzz/meson.build). Builds the fuzzers with
# clang into $FUZZ_BUILD (default build-fuzz) when needed, replays the checked-in
# regression inputs (fuzz/regress/TARGET), then fuzzes from a scratch copy of the
# seed corpus so fuzz/corpus stays as committed. Exits non-zero on any crash,
# leak, timeout or out-of-memory; the input is left in $FUZZ_BUILD/artifacts/TARGET/.
# FUZZ_REGRESS=DIR replays DIR instead of fuzz/regress/TARGET.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]}
secs=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]}
shift 2
build=${FUZZ_BUILD:-$src/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true -Dtests=false \
		--buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" -j2 "fuzz/fuzz-$target" >/dev/null
bin=$build/fuzz/fuzz-$target

# Inputs larger than this only slow the fuzzer down; every format's
# interesting structure fits (a 4096-byte config block is 4102 bytes).
case $target in
config) max_len=8192 ;;
*) max_len=12288 ;;
esac
opts=(-max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len="$max_len"
      -print_final_stats=1)
[ -f "$here/$target.dict" ] && opts+=(-dict="$here/$target.dict")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# Every input that once crashed must keep passing.
regress=${FUZZ_REGRESS:-$here/regress/$target}
if compgen -G "$regress/*" >/dev/null; then
	"$bin" -timeout=5 -rss_limit_mb=2048 "$regress"/* 2>"$build/regress-$target.log" || {
		cat "$build/regress-$target.log" >&2
		echo "fuzz/run.sh: $target: a regression input fails again" >&2
		exit 1
	}
fi

work=$build/corpus/$target
art=$build/artifacts/$target
mkdir -p "$work" "$art"
[ -d "$here/corpus/$target" ] && cp -n "$here/corpus/$target"/* "$work"/ 2>/dev/null || true
exec nice -n "${FUZZ_NICE:-10}" "$bin" "${opts[@]}" -artifact_prefix="$art/" "$@" "$work"
