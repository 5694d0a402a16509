#!/usr/bin/env bash
# Gate: the compiled tests and every malformed input of tests/bad under
# Valgrind memcheck (leaks included). Python test drivers are not wrapped
# (Valgrind would check the interpreter); tests/bad/run.py wraps pcilu itself.
# Local: bash .ci/gates/valgrind.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${VALGRIND_BUILD:-build-gate-valgrind}
vg='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q'
[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=debug >/dev/null
ninja -C "$build" -j2 >/dev/null
# Test executables built here only (not Python or shell drivers, not QEMU).
mapfile -t native < <(meson introspect "$build" --tests | python3 -c '
import json, os, sys
top = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
    if os.path.realpath(t["cmd"][0]).startswith(top + "/"):
        print(t["name"])' "$build")
meson test -C "$build" --print-errorlogs --wrapper "$vg" --timeout-multiplier 5 "${native[@]}"
PCILU="$PWD/$build/src/cli/pcilu" PCILU_BAD_WRAPPER="$vg" PCILU_BAD_SKIP_HEAVY=1 \
	python3 tests/bad/run.py tests/bad/expect.tsv
echo "valgrind gate: ok"
