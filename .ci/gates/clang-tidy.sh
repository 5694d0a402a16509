#!/usr/bin/env bash
# Gate: clang-tidy with the checks in .clang-tidy (bug-finding, CERT,
# clang-analyzer; no style) over every C file of src/, warnings fatal.
# Local: bash .ci/gates/clang-tidy.sh [FILE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${TIDY_BUILD:-build-gate-tidy}
[ -f "$build/compile_commands.json" ] || meson setup "$build" -Dtests=false >/dev/null
ninja -C "$build" -j2 >/dev/null	# generated headers, if any
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find src -name '*.c' | sort); fi
printf '%s\n' "${files[@]}" | xargs -P2 -n4 clang-tidy -p "$build" --quiet 2>/dev/null
echo "clang-tidy gate: ok"
