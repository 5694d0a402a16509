#!/usr/bin/env bash
# Gate: real Live Update under QEMU (tests/e2e/README.md). Builds the KHO+LUO
# kernel (cached after the first time), then boots every scenario: boot 1,
# kexec through LUO, boot 2. Budget: under 10 minutes, kernel build included.
# Local: bash .ci/gates/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
el() { echo $(( $(date +%s) - start )); }
kernel=$(tests/e2e/build-kernel.sh)
echo "e2e gate: kernel ready after $(el)s: $(cat "$(dirname "$kernel")/build-times" 2>/dev/null || echo cached)"
[ -x build/src/cli/pcilu ] && export PCILU_BIN=$PWD/build/src/cli/pcilu
for s in luo-memfd luo-closed acs-redir; do
	tests/e2e/run.sh "$s"
done
t=$(el)
echo "e2e gate: ok in ${t}s"
[ "$t" -le 600 ] || echo "e2e gate: WARNING: over the 10-minute budget (${t}s)" >&2
