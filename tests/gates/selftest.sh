#!/usr/bin/env bash
# The gates must fail when they should: each check feeds a known-bad input and
# asserts a non-zero status. Without --fuzz only the cheap checks run (meson
# test); .ci/gates/selftest.sh adds the fuzz gate check (needs clang).
set -uo pipefail
src=${PCILU_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$src/tests/gates
fails=0
expect_fail() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "FAIL: $what: the gate passed on a known-bad input" >&2
		fails=$((fails + 1))
	else
		echo "ok: $what: the gate fails as it must"
	fi
}

# 1. tests/bad/run.py on a table whose expectation is wrong for the file
#    (duplicate-address.txt must exit 2): the malformed-input test fails.
#    Skipped where the lspci loader has not landed (the row would skip).
probe=
[ -n "${PCILU:-}" ] && probe=$("$PCILU" tree "$src/tests/bad/lspci/duplicate-address.txt" 2>&1)
if [ -n "${PCILU:-}" ] && [[ $probe != *"not implemented yet"* ]]; then
	expect_fail "bad-input, wrong expectation" \
		python3 "$src/tests/bad/run.py" "$here/wrong-expect.tsv"
fi

# 2. tests/bad/run.py when pcilu crashes (SIGSEGV) on a known-bad file.
expect_fail "bad-input, crashing pcilu" \
	env PCILU="$here/crashing-pcilu.sh" python3 "$src/tests/bad/run.py" "$src/tests/bad/expect.tsv"

# 3. The fuzz gate's runner on a target that overflows its heap buffer for
#    the canary input: ASan aborts, run.sh must fail.
# The allocation sweep fails on a program that exits 2 without a word.
if [ -n "${PCILU:-}" ] && [ -e "$(dirname "$PCILU")/../../tests/alloc/libfailmalloc.so" ]; then
	expect_fail "alloc sweep, silent pcilu" \
		python3 "$src/tests/alloc/sweep.py" --max-runs 5 --only check \
		--pcilu "$here/silent-pcilu.sh" "$(dirname "$PCILU")/../.."
fi

if [ "${1:-}" = --fuzz ]; then
	expect_fail "fuzz gate, crashing input" \
		env FUZZ_REGRESS="$here" "$src/fuzz/run.sh" canary 2
	# ... and for the right reason: ASan saw the overflow.
	grep -q heap-buffer-overflow "${FUZZ_BUILD:-$src/build-fuzz}/regress-canary.log" || {
		echo "FAIL: fuzz gate failed, but not on the canary's overflow" >&2
		fails=$((fails + 1))
	}
fi
exit $((fails > 0))
