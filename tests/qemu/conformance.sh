#!/usr/bin/env bash
# Conformance against the real kernel: boot Debian's Linux 7.2.13 under QEMU for
# every topology in topologies.sh, then require pcilu's IOMMU groups to equal the
# kernel's, from the guest's sysfs copy and from the lspci dump made of it.
# Outside CI a missing QEMU skips (77) with a message; in CI it must run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pcilu=${PCILU:?PCILU must name the pcilu binary}
if ! command -v qemu-system-x86_64 >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: qemu-system-x86_64 not found, and conformance tests must run in CI" >&2
		exit 1
	fi
	echo "SKIP: qemu-system-x86_64 not found: conformance against the real kernel not run"
	exit 77
fi
out=${PCILU_QEMU_OUT:-$(mktemp -d)}
trap '[ -n "${PCILU_QEMU_OUT:-}" ] || rm -rf "$out"' EXIT
# shellcheck source=topologies.sh
. "$here/topologies.sh"
# A boot that fails under a loaded machine (TCG timing) is retried once, and said so.
for topo in ${*:-$TOPOLOGIES}; do
	if ! "$here/capture.sh" --out "$out" "$topo"; then
		echo "note: capture of $topo failed once; retrying"
		"$here/capture.sh" --out "$out" "$topo"
	fi
done
fail=0 n=0
for dir in "$out"/*/; do
	topo=$(basename "$dir")
	for src in "$dir/sysfs" "$dir/lspci.txt"; do
		n=$((n + 1))
		if "$pcilu" groups --compare --no-names "$src" >"$dir/compare.out" 2>&1; then
			echo "ok - $topo: $(basename "$src") partition equals the kernel's"
		else
			fail=$((fail + 1))
			echo "not ok - $topo: $(basename "$src")"
			sed 's/^/    /' "$dir/compare.out"
		fi
	done
done
[ "$n" -gt 0 ] || { echo "FAIL: nothing captured" >&2; exit 1; }
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
