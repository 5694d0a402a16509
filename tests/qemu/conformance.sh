#!/usr/bin/env bash
# Conformance against the real kernel: boot Debian's Linux 7.2.13 under QEMU for
# every topology in topologies.sh, then require pcilu's IOMMU groups to equal the
# kernel's, from the guest's sysfs copy and from the lspci dump made of it.
# Outside CI a missing QEMU skips (77) with a message; in CI it must run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# --kernel 7.3: Debian experimental's 7.3-rc7 instead of sid's 7.2.13.
if [ "${1:-}" = --kernel ]; then
	case ${2:-} in
	7.2) ;;
	7.3) export PCILU_KVER=7.3-amd64 PCILU_DEBIAN_SUITE=experimental ;;
	*) echo "conformance.sh: --kernel 7.2|7.3" >&2; exit 2 ;;
	esac
	shift 2
fi
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
# The IOMMU-off control (no group at all): every verdict must be "no IOMMU",
# from the copied sysfs (empty kernel/iommu_groups) and from the dump alone
# (ACS Control 0 everywhere); and the boot with the IOMMU on (--acs=linux)
# must give the groups the kernel gave the same devices with it on.
iommu_off() {
	local dir=$1 topo=$2 src want
	for src in "$dir/sysfs" "$dir/lspci.txt"; do
		n=$((n + 1))
		want=sysfs
		[ "${src##*/}" = sysfs ] || want=acs-controls
		"$pcilu" check --no-names --json "$src" >"$dir/check.json" 2>"$dir/check.err" && rc=0 || rc=$?
		if [ "$rc" = 1 ] && python3 - "$dir/check.json" "$want" <<-'PY'
			import json, sys
			d = json.load(open(sys.argv[1]))
			assert d["host"]["iommu"] == "off" and d["host"]["iommu_from"] == sys.argv[2], d["host"]
			assert d["devices"], "no device checked"
			for x in d["devices"]:
			    v = {p["profile"]: p for p in x["verdicts"]}
			    for p in ("v4", "iommufd"):
			        assert v[p]["state"] == "refused", (x["bdf"], p, v[p])
			        assert [r["rule"] for r in v[p]["reasons"] if r["severity"] == "refuse"] == ["no-group"], x["bdf"]
			PY
		then
			echo "ok - $topo: $(basename "$src") every device refused: no IOMMU ($want)"
		else
			fail=$((fail + 1))
			echo "not ok - $topo: $(basename "$src") exit $rc, want 1 and no-IOMMU verdicts"
			sed 's/^/    /' "$dir/check.err"
		fi
	done
	[ -s "$out/realistic/groups.txt" ] || return 0
	n=$((n + 1))
	if "$pcilu" groups --no-names --json --acs linux --iommu on "$dir/lspci.txt" >"$dir/groups-on.json" &&
	   python3 -c 'import json,sys
g = json.load(open(sys.argv[1]))["groups"]
part = sorted(" ".join(sorted(x["devices"])) for x in g)
want = open(sys.argv[2]).read().splitlines()
sys.exit(0 if part == want else "%s vs kernel %s" % (part, want))' "$dir/groups-on.json" "$out/realistic/groups.txt"; then
		echo "ok - $topo: --acs linux --iommu on gives the groups the kernel gave with the IOMMU on"
	else
		fail=$((fail + 1))
		echo "not ok - $topo: --acs linux groups differ from realistic's"
	fi
}
# The firmware's table alone: the sysfs copy without a single iommu_group link or
# kernel/iommu_groups, so only the DMAR/IVRS/VIOT table says which devices an IOMMU
# translates; the partition, and which devices are in no group, must be the kernel's.
tables_only() {
	local dir=$1 topo=$2 bare
	[ -d "$dir/sysfs/firmware/acpi/tables" ] || return 0
	n=$((n + 1))
	bare=$(mktemp -d)
	cp -a "$dir/sysfs/." "$bare/"
	find "$bare" -name iommu_group -delete
	rm -rf "$bare/kernel"
	if "$pcilu" groups --no-names --json "$bare" >"$dir/groups-tables.json" 2>"$dir/groups-tables.err" &&
	   python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
part = sorted(" ".join(sorted(x["devices"])) for x in d["groups"])
want = open(sys.argv[2]).read().splitlines()
grouped = {b for l in want for b in l.split()}
every = {x["bdf"] for x in d["devices"]}
unt = sorted(u["bdf"] for u in d["ungrouped"])
ok = part == want and unt == sorted(every - grouped)
sys.exit(0 if ok else "%s / ungrouped %s vs kernel %s / %s" % (part, unt, want, sorted(every - grouped)))' \
		"$dir/groups-tables.json" "$dir/groups.txt" 2>>"$dir/groups-tables.err"; then
		echo "ok - $topo: the $(ls "$dir/sysfs/firmware/acpi/tables" | tr '\n' ' ')table alone gives the kernel's partition and ungrouped devices"
	else
		fail=$((fail + 1))
		echo "not ok - $topo: from the table alone"
		sed 's/^/    /' "$dir/groups-tables.err"
	fi
	rm -rf "$bare"
}
for dir in "$out"/*/; do
	topo=$(basename "$dir")
	if [ ! -s "$dir/groups.txt" ]; then
		iommu_off "$dir" "$topo"
		continue
	fi
	tables_only "$dir" "$topo"
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
