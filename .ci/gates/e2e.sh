#!/usr/bin/env bash
# Gate: real Live Update under QEMU (tests/e2e/README.md). Builds the KHO+LUO
# kernel (cached after the first time) and pcilu for the guest (the main
# build's binary; its shared libraries are copied in), then boots every
# scenario: boot 1, kexec through LUO, boot 2. Any failure or skip fails the
# gate. Budget: under 10 minutes, kernel build included.
# Local: bash .ci/gates/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
el() { echo $(( $(date +%s) - start )); }
kernel=$(tests/e2e/build-kernel.sh)
echo "e2e gate: kernel ready after $(el)s: $(cat "$(dirname "$kernel")/build-times" 2>/dev/null || echo cached)"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build -j2 src/cli/pcilu >/dev/null
export PCILU_BIN=$PWD/build/src/cli/pcilu
echo "e2e gate: pcilu ready after $(el)s"
# shellcheck source-path=SCRIPTDIR/../.. source=tests/e2e/scenarios.sh
. tests/e2e/scenarios.sh
failed=""
for s in $SCENARIOS; do
	rc=0
	tests/e2e/run.sh "$s" || rc=$?
	[ $rc = 0 ] || failed="$failed $s(exit $rc)"
done
t=$(el)
[ "$t" -le 600 ] || echo "e2e gate: WARNING: over the 10-minute budget (${t}s)" >&2
if [ -n "$failed" ]; then
	echo "e2e gate: FAILED:$failed after ${t}s" >&2
	exit 1
fi
echo "e2e gate: ok in ${t}s ($SCENARIOS)"
