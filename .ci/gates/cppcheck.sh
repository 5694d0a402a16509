#!/usr/bin/env bash
# Gate: cppcheck (warning, portability, performance) over src/, with the
# reviewed suppressions in .cppcheck-suppressions; any finding fails.
# Local: bash .ci/gates/cppcheck.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--std=c11 --inline-suppr --suppressions-list=.cppcheck-suppressions \
	-D_GNU_SOURCE -Iinclude -j2 src/
echo "cppcheck gate: ok"
