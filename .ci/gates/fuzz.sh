#!/usr/bin/env bash
# Gate: build the libFuzzer targets with clang in their own build dir, replay
# every regression input, then fuzz each target briefly. Fails on any crash,
# leak, timeout (5 s per input) or out-of-memory (2 GiB).
# Local: bash .ci/gates/fuzz.sh   (FUZZ_SECONDS=N to fuzz longer per target)
set -euo pipefail
cd "$(dirname "$0")/../.."
export FUZZ_BUILD=${FUZZ_BUILD:-$PWD/build-gate-fuzz}
secs=${FUZZ_SECONDS:-12}
# Each run starts from the committed seeds, not from what an earlier run found.
rm -rf "$FUZZ_BUILD/corpus" "$FUZZ_BUILD/artifacts"
mkdir -p "$FUZZ_BUILD"
log=$FUZZ_BUILD/gate.log
status=0
FUZZ_NICE=0 fuzz/run-all.sh "$secs" >"$log" 2>&1 || status=$?
grep -E '^==|ERROR|SUMMARY|runtime error|stat::number_of_executed_units|Test unit written' "$log" || true
if [ "$status" -ne 0 ]; then
	tail -n 60 "$log" >&2
	echo "fuzz gate: FAILED (the input is in $FUZZ_BUILD/artifacts/)" >&2
	exit 1
fi
echo "fuzz gate: ok"
