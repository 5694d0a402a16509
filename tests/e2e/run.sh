#!/usr/bin/env bash
# Real Live Update under QEMU: boot the LUO kernel (build-kernel.sh), run a
# scenario's boot-1 command, kexec through LUO into the same kernel, run the
# boot-2 command, and check its exit status and output.
#
#   tests/e2e/run.sh [options] SCENARIO
#     --boot1 CMD      guest command for boot 1 (overrides the scenario's)
#     --boot2 CMD      guest command for boot 2
#     --append2 WORDS  extra kernel command-line words for boot 2
#     --expect N       exit status boot 2's command must have (default 0)
#     --match REGEX    extended regex boot 2's output must match
#     --match1 REGEX   extended regex boot 1's output must match
#     --pcilu          the scenario needs pcilu (PCILU_BIN) in the guest
#     --out DIR        output directory (default $PCILU_E2E_OUT_ROOT/SCENARIO,
#                      else tests/e2e/out/SCENARIO)
#
# SCENARIO is one of scenarios.sh, or any new name when --boot1/--boot2 are
# given. Exit status: 0 pass, 1 fail, 2 usage, 77 skip (no QEMU, or the
# scenario needs pcilu and PCILU_BIN is not set).
# Environment: PCILU_BIN (pcilu binary copied into the guest with its shared
# libraries), PCILU_E2E_KERNEL (a bzImage instead of build-kernel.sh's),
# PCILU_E2E_TIMEOUT (seconds, default 120), PCILU_BUSYBOX, CC,
# PCILU_E2E_NO_BUILD=1 (skip, exit 77, unless the kernel is already cached).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${PCILU_E2E_TIMEOUT:-120}
BOOT1="" BOOT2="" APPEND2="" EXPECT2="" MATCH1="" MATCH2="" NEEDS="" OUT=""
o_boot1="" o_boot2="" o_append2="" o_expect="" o_match="" o_match1="" o_pcilu=0 have1=0 have2=0
name=""
while [ $# -gt 0 ]; do
	case $1 in
	--boot1) o_boot1=$2; have1=1; shift 2 ;;
	--boot2) o_boot2=$2; have2=1; shift 2 ;;
	--append2) o_append2=$2; shift 2 ;;
	--expect) o_expect=$2; shift 2 ;;
	--match) o_match=$2; shift 2 ;;
	--match1) o_match1=$2; shift 2 ;;
	--pcilu) o_pcilu=1; shift ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) [ -z "$name" ] || { echo "run.sh: one scenario at a time" >&2; exit 2; }
	   name=$1; shift ;;
	esac
done
[ -n "$name" ] || { sed -n '2,25p' "$0" >&2; exit 2; }

log() { echo "run.sh: $name: $*" >&2; }
die() { echo "run.sh: $name: ERROR: $*" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=../qemu/lib.sh
. "$HERE/../qemu/lib.sh"

# shellcheck source-path=SCRIPTDIR source=scenarios.sh
. "$HERE/scenarios.sh"
if declare -F "scen_$name" >/dev/null; then
	"scen_$name"
elif [ $have1 = 0 ] || [ $have2 = 0 ]; then
	echo "run.sh: unknown scenario '$name' (known: $SCENARIOS; or give --boot1 and --boot2)" >&2
	exit 2
fi
[ $have1 = 0 ] || BOOT1=$o_boot1
[ $have2 = 0 ] || BOOT2=$o_boot2
[ -z "$o_append2" ] || APPEND2=$o_append2
[ -z "$o_expect" ] || EXPECT2=$o_expect
[ -z "$o_match" ] || MATCH2=$o_match
[ -z "$o_match1" ] || MATCH1=$o_match1
[ $o_pcilu = 0 ] || NEEDS=pcilu
EXPECT2=${EXPECT2:-0}

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "SKIP: qemu-system-x86_64 not found"
	exit 77
fi
if [ "$NEEDS" = pcilu ] && [ -z "${PCILU_BIN:-}" ]; then
	echo "SKIP: scenario $name needs PCILU_BIN"
	exit 77
fi
for t in cpio gzip "${CC:-cc}"; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found (apt-get install cpio gzip gcc libc6-dev)"
done

# ---- kernel -----------------------------------------------------------------
KERNEL=${PCILU_E2E_KERNEL:-}
if [ -z "$KERNEL" ] && [ "${PCILU_E2E_NO_BUILD:-0}" = 1 ]; then
	KERNEL=$("$HERE/build-kernel.sh" --cached) || {
		echo "SKIP: no cached LUO kernel (run tests/e2e/build-kernel.sh)"
		exit 77
	}
fi
[ -n "$KERNEL" ] || KERNEL=$("$HERE/build-kernel.sh") || die "build-kernel.sh failed"
[ -s "$KERNEL" ] || die "no kernel at $KERNEL"

# ---- initramfs --------------------------------------------------------------
OUT=${OUT:-${PCILU_E2E_OUT_ROOT:-$HERE/out}/$name}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W=$OUT/.work
rm -rf "$W" && mkdir -p "$W/root/bin" "$W/root/boot" "$W/root/etc/e2e" "$W/root/usr/bin"
rm -f "$OUT/console.log" "$OUT/results.txt"

BUSYBOX=$(find_static_busybox)
cp "$BUSYBOX" "$W/root/bin/busybox"
ln -s busybox "$W/root/bin/sh"
cp "$HERE/init.sh" "$W/root/init" && chmod 755 "$W/root/init"
cp "$HERE/acs-ctrl.sh" "$W/root/bin/acs-ctrl" && chmod 755 "$W/root/bin/acs-ctrl"
"${CC:-cc}" -std=gnu17 -O2 -static -Wall -Wextra -Werror -o "$W/root/bin/luo-kexec" \
	"$HERE/luo-kexec.c" || die "cannot build luo-kexec.c statically (apt-get install libc6-dev)"
cp "$KERNEL" "$W/root/boot/bzImage"
printf '%s\n' "$BOOT1" > "$W/root/etc/e2e/boot1.sh"
printf '%s\n' "$BOOT2" > "$W/root/etc/e2e/boot2.sh"
printf '%s\n' "$APPEND2" > "$W/root/etc/e2e/append2"

if [ -n "${PCILU_BIN:-}" ]; then
	[ -x "$PCILU_BIN" ] || die "PCILU_BIN=$PCILU_BIN is not executable"
	cp "$PCILU_BIN" "$W/root/usr/bin/pcilu"
	# a dynamic pcilu: copy every shared library (and the loader) ldd names
	if ldd "$PCILU_BIN" >/dev/null 2>&1; then
		ldd "$PCILU_BIN" | grep -oE '/[^ ]+' | while read -r lib; do
			mkdir -p "$W/root$(dirname "$lib")"
			cp -L "$lib" "$W/root$lib"
		done
	fi
	# libpci names devices from pci.ids
	for ids in /usr/share/misc/pci.ids /usr/share/hwdata/pci.ids; do
		[ -r "$ids" ] || continue
		mkdir -p "$W/root$(dirname "$ids")" && cp -L "$ids" "$W/root$ids"
	done
fi

# The guest kexecs into this very initramfs, so it must hold a copy of
# itself: the main archive, then a second archive with the main one as
# /boot/initrd.img (the kernel unpacks concatenated archives in order).
cpio_gz() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1); }
cpio_gz "$W/root" > "$W/main.cpio.gz"
mkdir -p "$W/self/boot" && cp "$W/main.cpio.gz" "$W/self/boot/initrd.img"
{ cat "$W/main.cpio.gz"; cpio_gz "$W/self"; } > "$W/initrd.cpio.gz"

# ---- boot -------------------------------------------------------------------
# root port 00:02.0 with ACS, endpoint 01:00.0 behind it
# shellcheck disable=SC2054
QARGS=(-device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
       -device e1000e,bus=rp1,addr=00.0)
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# fail spuriously ("timer doesn't work through Interrupt-remapped IO-APIC")
append="console=ttyS0 kho=on liveupdate=on intel_iommu=on no_timer_check panic=-1 loglevel=6"
# shellcheck disable=SC2054
cmd=(qemu-system-x86_64 -nodefaults -M q35 -accel tcg -smp 1 -m 1024
     -display none -no-reboot -monitor none
     -kernel "$KERNEL" -initrd "$W/initrd.cpio.gz" -append "$append"
     -serial "file:$OUT/console.log" -serial "file:$OUT/results.txt"
     -device intel-iommu,intremap=on "${QARGS[@]}")
printf '%q ' "${cmd[@]}" > "$OUT/qemu-cmdline.txt"; echo >> "$OUT/qemu-cmdline.txt"
log "booting (boot 1, kexec, boot 2)"
start=$(date +%s.%N)
rc=0
timeout "$TIMEOUT" "${cmd[@]}" > "$OUT/qemu.log" 2>&1 || rc=$?
secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
echo "$secs" > "$OUT/seconds.txt"

# ---- verdict ----------------------------------------------------------------
R=$OUT/results.txt
fail() {
	echo "run.sh: $name: FAIL: $*" >&2
	[ ! -s "$R" ] || sed -n '/^PCILU-E2E\|luo-kexec\|pcilu/p' "$R" | tr -d '\r' | tail -25 | sed 's/^/  results: /' >&2
	tail -8 "$OUT/console.log" 2>/dev/null | sed 's/^/  console: /' >&2 || true
	exit 1
}
[ $rc != 124 ] || fail "timed out after ${TIMEOUT}s"
[ $rc = 0 ] || fail "qemu exited with $rc: $(head -3 "$OUT/qemu.log" | tr '\n' ' ')"
[ -s "$R" ] || fail "no results (kernel did not boot?)"
tr -d '\r' < "$R" > "$R.tmp" && mv "$R.tmp" "$R"
grep -qx 'PCILU-E2E STAGE 1' "$R" || fail "boot 1 did not start"
rc1=$(sed -n 's/^PCILU-E2E RC1 //p' "$R")
[ -z "$rc1" ] || [ "$rc1" = 0 ] || fail "boot 1 command exited with $rc1"
grep -qx 'PCILU-E2E STAGE 2' "$R" || fail "no boot 2 (kexec failed?)"
rc2=$(sed -n 's/^PCILU-E2E RC2 //p' "$R")
[ -n "$rc2" ] || fail "boot 2 command did not finish"
grep -qx 'PCILU-E2E END' "$R" || fail "results truncated (no END)"
# each boot's own output: between its markers
sed -n '/^PCILU-E2E STAGE 1$/,/^PCILU-E2E STAGE 2$/p' "$R" | grep -v '^PCILU-E2E ' > "$OUT/boot1.txt" || true
sed -n '/^PCILU-E2E STAGE 2$/,/^PCILU-E2E RC2 /p' "$R" | grep -v '^PCILU-E2E ' > "$OUT/boot2.txt" || true
# MATCH1/MATCH2: one extended regex per line, each must match some line
match_all() {	# BOOT FILE REGEXES
	local re
	while IFS= read -r re; do
		[ -z "$re" ] || grep -qE -- "$re" "$2" || fail "boot $1 output does not match /$re/"
	done <<< "$3"
}
match_all 1 "$OUT/boot1.txt" "$MATCH1"
[ "$rc2" = "$EXPECT2" ] || fail "boot 2 command exited with $rc2, expected $EXPECT2"
match_all 2 "$OUT/boot2.txt" "$MATCH2"
log "PASS in ${secs}s (boot 2 exit $rc2)"
