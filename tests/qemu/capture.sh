#!/usr/bin/env bash
# Boot the Debian sid kernel under QEMU (TCG) once per PCI topology and
# capture every PCI device's config space and the kernel's IOMMU group.
#
#   tests/qemu/capture.sh [--out DIR] [--keep-going] [TOPO...]
#
# TOPO defaults to every topology in topologies.sh.  Output directory:
# --out DIR, else $PCILU_QEMU_OUT, else tests/qemu/out/.  Per topology:
#   OUT/<topo>/capture.txt   raw capture from the guest (data serial port)
#   OUT/<topo>/console.log   guest console
#   OUT/<topo>/sysfs/...     copied-sysfs tree (see README.md)
#   OUT/<topo>/groups.txt    the kernel's IOMMU group partition (the oracle)
#   OUT/<topo>/lspci.txt     real lspci run on the copied tree
# Exit status: 0 ok, 1 failure, 77 qemu-system-x86_64 not installed (skip).
# Environment: PCILU_QEMU_TIMEOUT (s per boot, default 120),
#   PCILU_QEMU_SRIOV=0 skips topologies that need linux-modules (~110 MB).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${PCILU_QEMU_OUT:-$HERE/out}
TIMEOUT=${PCILU_QEMU_TIMEOUT:-120}
keep_going=0
topos=()
while [ $# -gt 0 ]; do
    case $1 in
        --out) OUT=$2; shift 2 ;;
        --out=*) OUT=${1#--out=}; shift ;;
        --keep-going) keep_going=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "capture.sh: unknown option $1" >&2; exit 2 ;;
        *) topos+=("$1"); shift ;;
    esac
done

die() { echo "capture.sh: ERROR: $*" >&2; exit 1; }
log() { echo "capture.sh: $*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
    echo "SKIP: qemu-system-x86_64 not found"
    exit 77
fi
for t in cpio gzip python3 lspci; do
    command -v $t >/dev/null 2>&1 || die "$t not found (apt-get install cpio gzip python3 pciutils)"
done

# shellcheck source=topologies.sh
. "$HERE/topologies.sh"
[ ${#topos[@]} -gt 0 ] || read -r -a topos <<< "$TOPOLOGIES"
need_modules=0
for t in "${topos[@]}"; do
    declare -F "topo_$t" >/dev/null || die "unknown topology '$t' (known: $TOPOLOGIES)"
    NEEDS=""; "topo_$t"
    [ "$NEEDS" != modules ] || need_modules=1
done
[ "${PCILU_QEMU_SRIOV:-1}" != 0 ] || need_modules=0

# ---- kernel -----------------------------------------------------------------
fk=()
[ $need_modules = 0 ] || fk=(--with-modules)
KDIR=$("$HERE/fetch-kernel.sh" "${fk[@]}") || die "fetch-kernel.sh failed"
KERNEL=$KDIR/vmlinuz
[ -s "$KERNEL" ] || die "no kernel at $KERNEL"

# ---- initramfs --------------------------------------------------------------
BUSYBOX=$(find_static_busybox)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$OUT/.work
rm -rf "$WORK" && mkdir -p "$WORK/root/bin"
cp "$BUSYBOX" "$WORK/root/bin/busybox"
ln -s busybox "$WORK/root/bin/sh"
cp "$HERE/init.sh" "$WORK/root/init" && chmod 755 "$WORK/root/init"
if [ $need_modules = 1 ]; then
    # nvme (+ deps) so the guest can enable SR-IOV VFs; modules are
    # decompressed here (busybox insmod does not read .ko.xz)
    M=$(find "$KDIR/modules" -type d -path '*/lib/modules/*' -name kernel -prune | head -1)
    [ -n "$M" ] || die "no kernel/ directory in $KDIR/modules"
    mkdir -p "$WORK/root/lib/modules/pcilu"
    for m in nvme-keyring nvme-auth nvme-core nvme virtio-iommu; do
        f=$(find "$M" -name "$m.ko*" | head -1)
        [ -n "$f" ] || die "module $m not found under $M"
        case $f in
            *.xz) xz -dc "$f" ;;
            *.zst) zstd -dc "$f" ;;
            *.gz) gzip -dc "$f" ;;
            *) cat "$f" ;;
        esac > "$WORK/root/lib/modules/pcilu/$m.ko"
        echo "$m.ko" >> "$WORK/root/lib/modules/pcilu/order"
    done
fi
(cd "$WORK/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$WORK/initrd.cpio.gz"
INITRD=$WORK/initrd.cpio.gz

# ---- boot -------------------------------------------------------------------
fail=0
summary=()
for t in "${topos[@]}"; do
    QARGS=(); KARGS=""; NEEDS=""; NOGROUPS=0; IOMMU=intel; MACHINE=""
    "topo_$t"
    if [ "$NEEDS" = modules ] && [ $need_modules = 0 ]; then
        log "$t: skipped (PCILU_QEMU_SRIOV=0)"
        continue
    fi
    D=$OUT/$t
    rm -rf "$D" && mkdir -p "$D"
    append="console=ttyS0 intel_iommu=on panic=-1 quiet loglevel=4 $KARGS"
    case $IOMMU in
        intel) iommu_dev=(-device intel-iommu,intremap=on) ;;
        amd) iommu_dev=(-device amd-iommu) ;;
        virtio) iommu_dev=(-device virtio-iommu-pci,bus=pcie.0,addr=0a.0) ;;
        *) die "$t: unknown IOMMU '$IOMMU'" ;;
    esac
    # shellcheck disable=SC2054
    cmd=(qemu-system-x86_64 -nodefaults -M "q35${MACHINE:+,$MACHINE}" -accel tcg -smp 2 -m 512
         -display none -no-reboot -monitor none
         -kernel "$KERNEL" -initrd "$INITRD" -append "$append"
         -serial "file:$D/console.log" -serial "file:$D/capture.txt"
         "${iommu_dev[@]}" "${QARGS[@]}")
    printf '%q ' "${cmd[@]}" > "$D/qemu-cmdline.txt"; echo >> "$D/qemu-cmdline.txt"
    { echo "# pcilu QEMU topology '$t' (host paths omitted)"
      echo "qemu: -M q35${MACHINE:+,$MACHINE} -accel tcg -smp 2 -m 512 ${iommu_dev[*]}"
      printf '  %s\n' "${QARGS[@]}"
      echo "append: $append"; } > "$D/topology.txt"
    log "$t: booting"
    start=$(date +%s.%N)
    rc=0
    timeout "$TIMEOUT" "${cmd[@]}" > "$D/qemu.log" 2>&1 || rc=$?
    secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
    err=""
    if [ $rc = 124 ]; then err="timed out after ${TIMEOUT}s"
    elif [ $rc != 0 ]; then err="qemu exited with $rc: $(grep -v 'has no peer' "$D/qemu.log" | head -3 | tr '\n' ' ')"
    elif ! grep -q '^PCILU-CAPTURE' "$D/capture.txt" 2>/dev/null; then
        err="no capture (kernel did not boot? see $D/console.log)"
    fi
    if [ -z "$err" ]; then
        err=$(python3 "$HERE/convert.py" "$D" 2>&1) && err="" || err="convert: $err"
    fi
    if [ -n "$err" ]; then
        echo "capture.sh: ERROR: $t: $err" >&2
        tail -5 "$D/console.log" 2>/dev/null | sed 's/^/  console: /' >&2 || true
        fail=1
        summary+=("$t FAILED ${secs}s")
        [ $keep_going = 1 ] || exit 1
        continue
    fi
    # real lspci on the copied tree
    lspci -A linux-sysfs -O "sysfs.path=$D/sysfs/bus/pci" -D -vvv -xxxx > "$D/lspci.txt" 2> "$D/lspci.err" ||
        die "$t: lspci failed: $(head -3 "$D/lspci.err")"
    # -v implies -k; libkmod complaining about the host's modules is harmless
    grep -v 'libkmod' "$D/lspci.err" > "$D/lspci.err.tmp" || true
    mv "$D/lspci.err.tmp" "$D/lspci.err"
    [ -s "$D/lspci.err" ] || rm -f "$D/lspci.err"
    # A topology booted with the IOMMU off (NOGROUPS=1) must have none.
    if [ "${NOGROUPS:-0}" = 1 ]; then
        ! grep -q 'IOMMU group:' "$D/lspci.txt" || die "$t: IOMMU off, yet lspci printed 'IOMMU group:' lines"
    else
        grep -q 'IOMMU group:' "$D/lspci.txt" || die "$t: lspci printed no 'IOMMU group:' lines"
    fi
    ng=$(wc -l < "$D/groups.txt"); nd=$(grep -c '^DEV ' "$D/capture.txt")
    echo "$secs" > "$D/boot-seconds.txt"
    summary+=("$t ok ${secs}s devices=$nd groups=$ng")
    log "$t: ok in ${secs}s ($nd devices, $ng groups)"
done
printf '%s\n' "${summary[@]}" | tee "$OUT/summary.txt"
exit $fail
