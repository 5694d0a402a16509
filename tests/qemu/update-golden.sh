#!/bin/sh
# Copy the small, deterministic part of a capture run into tests/qemu/golden/.
#   tests/qemu/update-golden.sh [OUTDIR]     (default: $PCILU_QEMU_OUT or tests/qemu/out)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${PCILU_QEMU_OUT:-$HERE/out}}
G=$HERE/golden
[ -d "$OUT" ] || { echo "update-golden.sh: no $OUT (run capture.sh first)" >&2; exit 1; }
n=0
for d in "$OUT"/*/; do
    t=$(basename "$d")
    [ -s "$d/groups.txt" ] && [ -s "$d/lspci.txt" ] && [ -d "$d/sysfs" ] || continue
    rm -rf "${G:?}/$t" && mkdir -p "$G/$t"
    cp -a "$d/sysfs" "$G/$t/sysfs"
    for f in groups.txt lspci.txt paths.txt cmdline uname topology.txt dmesg.txt; do
        [ -e "$d/$f" ] && cp "$d/$f" "$G/$t/$f"
    done
    n=$((n+1))
done
echo "update-golden.sh: $n topologies copied to $G"
