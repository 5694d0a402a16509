#!/bin/sh
# Self-check of tests/qemu/golden (no QEMU needed): for every topology,
# the partition given by the sysfs/…/iommu_group links equals groups.txt, and
# (if lspci is installed) lspci on the copied tree prints the same BDFs,
# "IOMMU group" lines and hex dumps as the stored lspci.txt.
#   tests/qemu/check-golden.sh [GOLDEN_DIR]
set -eu
G=${1:-$(cd "$(dirname "$0")" && pwd)/golden}
fail=0
for t in "$G"/*/; do
    t=${t%/}; name=${t##*/}
    part=$(for d in "$t"/sysfs/bus/pci/devices/*; do
               l=$(readlink "$d/iommu_group") || continue
               echo "${l##*/} ${d##*/}"
           done | LC_ALL=C sort -k1,1n -k2 | awk 'NR==1||$1!=g{if(NR>1)print s; s=$2; g=$1; next}{s=s" "$2}END{print s}' | LC_ALL=C sort)
    if [ "$part" != "$(cat "$t/groups.txt")" ]; then
        echo "FAIL $name: iommu_group links disagree with groups.txt"; fail=1; continue
    fi
    if command -v lspci >/dev/null 2>&1; then
        filt() { grep -E '^[0-9a-f]{4}:|IOMMU group|^[0-9a-f]{2,3}: ' |
                 sed -E 's/^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*/\1/'; }
        a=$(lspci -A linux-sysfs -O "sysfs.path=$t/sysfs/bus/pci" -D -vvv -xxxx 2>/dev/null | filt)
        b=$(filt < "$t/lspci.txt")
        if [ "$a" != "$b" ]; then echo "FAIL $name: lspci output differs from lspci.txt"; fail=1; continue; fi
    fi
    echo "ok   $name ($(wc -l < "$t/groups.txt") groups)"
done
exit $fail
