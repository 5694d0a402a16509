#!/usr/bin/env bash
# Gate: the gates themselves fail on known-bad inputs (a crashing fuzz
# input, a crashing pcilu, a wrong expectation). Local: bash .ci/gates/selftest.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export FUZZ_BUILD=${FUZZ_BUILD:-$PWD/build-gate-fuzz}
[ -x build/src/cli/pcilu ] && export PCILU=$PWD/build/src/cli/pcilu
bash tests/gates/selftest.sh --fuzz
echo "selftest gate: ok"
