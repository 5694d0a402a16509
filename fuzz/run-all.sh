#!/usr/bin/env bash
# Run every fuzz target in turn: fuzz/run-all.sh SECONDS_EACH [libFuzzer options...]
# One target at a time (the machine's cores are shared); stops at the first failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:?usage: fuzz/run-all.sh SECONDS_EACH [libFuzzer options...]}
shift
for t in $(sed -n "s/^fuzz_targets = \[\(.*\)\]/\1/p" "$here/meson.build" | tr -d "',"); do
	echo "== fuzz $t ($secs s)" >&2
	"$here/run.sh" "$t" "$secs" "$@"
done
