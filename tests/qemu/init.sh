#!/bin/sh
# pcilu QEMU capture: /init of the test initramfs (busybox-static).
# Writes a line-oriented capture of every PCI device to the second serial
# port (/dev/ttyS1), then powers off.  Format: see README.md.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null

# optional SR-IOV step: modules shipped in /lib/modules (see capture.sh)
sriov() {
    [ -d /lib/modules/pcilu ] || return 0
    for m in $(cat /lib/modules/pcilu/order 2>/dev/null); do
        insmod "/lib/modules/pcilu/$m" || echo "pcilu: insmod $m failed"
    done
    for f in /sys/bus/pci/devices/*/sriov_totalvfs; do
        [ -e "$f" ] || continue
        d=${f%/sriov_totalvfs}
        n=$(cat "$f")
        want=$(sed -n 's/.*pcilu.numvfs=\([0-9]*\).*/\1/p' /proc/cmdline)
        [ -n "$want" ] && [ "$want" -lt "$n" ] && n=$want
        echo "pcilu: enabling $n VFs on ${d##*/}"
        echo "$n" > "$d/sriov_numvfs" || echo "pcilu: sriov_numvfs failed on ${d##*/}"
    done
}
sriov

base() { l=$(readlink "$1" 2>/dev/null) && echo "${l##*/}" || echo "-"; }
attr() { if [ -r "$1" ]; then tr '\n' ' ' < "$1" | sed 's/ *$//'; else echo "-"; fi; }

capture() {
    echo "PCILU-CAPTURE 1"
    echo "UNAME $(uname -r)"
    echo "CMDLINE $(cat /proc/cmdline)"
    n=0
    for p in /sys/bus/pci/devices/*; do
        [ -e "$p" ] || continue
        d=${p##*/}
        echo "DEV $d"
        echo "PATH $(readlink -f "$p")"
        echo "GROUP $(base "$p"/iommu_group)"
        echo "DRIVER $(base "$p"/driver)"
        echo "PHYSFN $(base "$p"/physfn)"
        for v in "$p"/virtfn*; do
            [ -e "$v" ] && echo "VIRTFN ${v##*/} $(base "$v")"
        done
        for a in vendor device class subsystem_vendor subsystem_device revision irq numa_node; do
            echo "ATTR $a $(attr "$p"/$a)"
        done
        # resource: one line per BAR, keep as-is
        if [ -r "$p"/resource ]; then
            while read -r r; do echo "RESOURCE $r"; done < "$p"/resource
        fi
        sz=$(wc -c < "$p"/config)
        echo "CONFIGSIZE $sz"
        # one line of hex, two digits per byte
        echo "CONFIG $(od -An -v -tx1 "$p"/config | tr -d ' \n')"
        echo "ENDDEV $d"
        n=$((n+1))
    done
    # The folder exists whenever the kernel has the IOMMU API; empty, it says "no IOMMU".
    [ -d /sys/kernel/iommu_groups ] && echo "SYSGROUPDIR present"
    for g in /sys/kernel/iommu_groups/*; do
        [ -d "$g/devices" ] || continue
        echo "SYSGROUP ${g##*/} $(ls "$g/devices" | tr '\n' ' ' | sed 's/ *$//')"
    done
    # The firmware's IOMMU tables (root-only files): which devices an IOMMU covers.
    for a in DMAR IVRS VIOT; do
        f=/sys/firmware/acpi/tables/$a
        [ -r "$f" ] && echo "ACPI $a $(od -An -v -tx1 "$f" | tr -d ' \n')"
    done
    dmesg | grep -E 'DMAR|iommu|AMD-Vi|viot|ACS|SR-IOV|VF|pcilu|nvme' | sed 's/^/DMESG /'
    echo "END-CAPTURE $n"
}

exec 3>$out
capture >&3
exec 3>&-       # close waits for the UART to drain
sleep 1
poweroff -f
