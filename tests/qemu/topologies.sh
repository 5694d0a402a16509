# shellcheck shell=bash
# shellcheck disable=SC2034,SC2054  # arrays of QEMU args (commas are QEMU syntax), read by capture.sh
# PCI topologies booted by capture.sh.  Each topology is a function
# topo_<name> that sets:
#   QARGS=(...)   extra QEMU arguments (the -device list; intel-iommu is added
#                 by capture.sh before them)
#   KARGS="..."   extra kernel command-line words (optional)
#   NEEDS="..."   "modules" if the topology needs linux-modules (SR-IOV, virtio-iommu)
#   IOMMU=...     intel (default: -device intel-iommu,intremap=on), amd
#                 (-device amd-iommu, booted with intremap=off), virtio
#                 (-device virtio-iommu-pci, the virtio_iommu module)
#   MACHINE=...   extra -M q35 properties (default_bus_bypass_iommu=on)
# Addresses, chassis and slot numbers are explicit so that BDFs are stable.
# q35 itself always contributes 00:00.0 (host bridge) and 00:1f.{0,2,3}
# (LPC, AHCI, SMBus; multifunction, no ACS).

TOPOLOGIES="pcie-root-port ioh3420 pcie-pci-bridge pci-bridge switch multifunction pxb-pcie sriov realistic iommu-off"
TOPOLOGIES="$TOPOLOGIES amd-iommu virtio-iommu bypass-pxb bypass-root mistyped"

# 1. generic root ports: one with ACS, one with disable-acs=on
topo_pcie-root-port() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=03.0,chassis=2,slot=2,disable-acs=on
        -device virtio-net-pci,bus=rp2,addr=00.0
    )
}

# 2. Intel IOH3420 root port model, default and with disable-acs=on
topo_ioh3420() {
    QARGS=(
        -device ioh3420,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device ioh3420,id=rp2,bus=pcie.0,addr=03.0,chassis=2,slot=2,disable-acs=on
        -device e1000e,bus=rp2,addr=00.0
    )
}

# 3. PCIe-to-PCI bridge behind a root port, two conventional devices behind it
topo_pcie-pci-bridge() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device pcie-pci-bridge,id=ppb1,bus=rp1,addr=00.0
        -device e1000,bus=ppb1,addr=01.0
        -device virtio-net-pci,disable-modern=on,bus=ppb1,addr=02.0
    )
}

# 4. conventional PCI bridges: on the root bus with a nested bridge, and a
#    pci-bridge behind a pcie-pci-bridge
topo_pci-bridge() {
    QARGS=(
        -device pci-bridge,id=pb1,bus=pcie.0,addr=05.0,chassis_nr=1
        -device e1000,bus=pb1,addr=01.0
        -device pci-bridge,id=pb2,bus=pb1,addr=02.0,chassis_nr=2
        -device e1000,bus=pb2,addr=01.0
        -device virtio-rng-pci,bus=pb2,addr=02.0
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=3,slot=3
        -device pcie-pci-bridge,id=ppb1,bus=rp1,addr=00.0
        -device pci-bridge,id=pb3,bus=ppb1,addr=01.0,chassis_nr=4
        -device e1000,bus=pb3,addr=01.0
    )
}

# 5. PCIe switch (TI X3130): upstream port + two downstream ports
topo_switch() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device x3130-upstream,id=up1,bus=rp1,addr=00.0
        -device xio3130-downstream,id=dn1,bus=up1,addr=00.0,chassis=2,slot=2
        -device xio3130-downstream,id=dn2,bus=up1,addr=01.0,chassis=3,slot=3
        -device e1000e,bus=dn1,addr=00.0
        -device virtio-net-pci,bus=dn2,addr=00.0
    )
}

# 6. multifunction slots: mixed functions on the root bus (RCiEPs), a
#    multifunction pair of root ports (fn0 with ACS, fn1 without), and a
#    multifunction endpoint behind a root port
topo_multifunction() {
    QARGS=(
        -device e1000e,bus=pcie.0,addr=04.0,multifunction=on
        -device virtio-net-pci,bus=pcie.0,addr=04.1
        -device e1000,bus=pcie.0,addr=04.2
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=05.0,chassis=1,slot=1,multifunction=on
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=05.1,chassis=2,slot=2,disable-acs=on
        -device e1000e,bus=rp1,addr=00.0
        -device e1000e,bus=rp2,addr=00.0
        -device pcie-root-port,id=rp3,bus=pcie.0,addr=06.0,chassis=3,slot=3
        -device e1000e,bus=rp3,addr=00.0,multifunction=on
        -device virtio-net-pci,bus=rp3,addr=00.1
        -device virtio-rng-pci,bus=rp3,addr=00.2
    )
}

# 7. PCIe expander bridge: extra root bus 0x80 with a root port + endpoint
topo_pxb-pcie() {
    QARGS=(
        -device pxb-pcie,id=pxb1,bus=pcie.0,addr=07.0,bus_nr=128
        -device pcie-root-port,id=rp1,bus=pxb1,addr=00.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=02.0,chassis=2,slot=2
        -device virtio-net-pci,bus=rp2,addr=00.0
    )
}

# 8. SR-IOV: QEMU 7.2 has no igb; its nvme model offers SR-IOV.  The guest
#    loads nvme (from linux-modules) and writes sriov_numvfs.
topo_sriov() {
    NEEDS=modules
    KARGS="pcilu.numvfs=2"
    QARGS=(
        -device nvme-subsys,id=subsys0,nqn=pcilu
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device nvme,bus=rp1,addr=00.0,serial=pcilu0,subsys=subsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,sriov_max_vq_per_vf=2,sriov_max_vi_per_vf=1
    )
}

# 9. a mixed "realistic host"
topo_realistic() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1,multifunction=on
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=02.1,chassis=2,slot=2
        -device pcie-root-port,id=rp3,bus=pcie.0,addr=02.2,chassis=3,slot=3
        -device pcie-root-port,id=rp4,bus=pcie.0,addr=02.3,chassis=4,slot=4,disable-acs=on
        -device e1000e,bus=rp1,addr=00.0
        -device x3130-upstream,id=up1,bus=rp2,addr=00.0
        -device xio3130-downstream,id=dn1,bus=up1,addr=00.0,chassis=5,slot=5
        -device xio3130-downstream,id=dn2,bus=up1,addr=01.0,chassis=6,slot=6
        -device virtio-net-pci,bus=dn1,addr=00.0
        -device e1000e,bus=dn2,addr=00.0,multifunction=on
        -device virtio-rng-pci,bus=dn2,addr=00.1
        -device pcie-pci-bridge,id=ppb1,bus=rp3,addr=00.0
        -device e1000,bus=ppb1,addr=01.0
        -device virtio-net-pci,disable-modern=on,bus=ppb1,addr=02.0
        -device virtio-net-pci,bus=rp4,addr=00.0
        -device virtio-rng-pci,bus=pcie.0,addr=03.0
        -device pxb-pcie,id=pxb1,bus=pcie.0,addr=04.0,bus_nr=64
        -device pcie-root-port,id=rp5,bus=pxb1,addr=00.0,chassis=7,slot=7
        -device e1000e,bus=rp5,addr=00.0
    )
}

# 10. the realistic host booted with the IOMMU off (intel_iommu=off after the
#     default intel_iommu=on: the last one wins): no group, the control for
#     "no IOMMU" verdicts
topo_iommu-off() {
    topo_realistic
    KARGS="intel_iommu=off"
    NOGROUPS=1
}

# 11. AMD-Vi: the IOMMU's own function (00:01.0 here, class 0806) gets no group;
#     SR-IOV VFs created on the root bus after IVRS was built are outside every
#     IVHD entry (check_device()); a switch and a PCIe-to-PCI bridge as usual.
#     intremap=off: 7.3-rc7 panics at boot with AMD interrupt remapping on QEMU 7.2.
topo_amd-iommu() {
    IOMMU=amd
    NEEDS=modules
    KARGS="intremap=off pcilu.numvfs=2"
    QARGS=(
        -device nvme-subsys,id=subsys0,nqn=pcilu
        -device nvme,bus=pcie.0,addr=05.0,serial=pcilu0,subsys=subsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,sriov_max_vq_per_vf=2,sriov_max_vi_per_vf=1
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device x3130-upstream,id=up1,bus=rp1,addr=00.0
        -device xio3130-downstream,id=dn1,bus=up1,addr=00.0,chassis=2,slot=2
        -device e1000e,bus=dn1,addr=00.0
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=03.0,chassis=3,slot=3,disable-acs=on
        -device pcie-pci-bridge,id=ppb1,bus=rp2,addr=00.0
        -device e1000,bus=ppb1,addr=01.0
        -device virtio-net-pci,bus=pcie.0,addr=04.0
    )
}

# 12. virtio-iommu (a module in Debian's kernel): the VIOT table's PCI ranges
#     decide which devices it translates; its own function gets no group.
topo_virtio-iommu() {
    IOMMU=virtio
    NEEDS=modules
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=03.0,chassis=2,slot=2,disable-acs=on
        -device virtio-net-pci,bus=rp2,addr=00.0
        -device pxb-pcie,id=pxb1,bus=pcie.0,addr=06.0,bus_nr=64
        -device pcie-root-port,id=rp3,bus=pxb1,addr=00.0,chassis=3,slot=3
        -device e1000e,bus=rp3,addr=00.0
    )
}

# 13. a pxb-pcie host bridge with bypass_iommu=on: the DMAR table drops
#     INCLUDE_PCI_ALL and scopes only the translated buses, so the devices
#     behind the bypassing bridge get no group.
topo_bypass-pxb() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device pxb-pcie,id=pxb1,bus=pcie.0,addr=06.0,bus_nr=64,bypass_iommu=on
        -device pcie-root-port,id=rp2,bus=pxb1,addr=00.0,chassis=2,slot=2
        -device e1000e,bus=rp2,addr=00.0
        -device pxb-pcie,id=pxb2,bus=pcie.0,addr=07.0,bus_nr=128
        -device pcie-root-port,id=rp3,bus=pxb2,addr=00.0,chassis=3,slot=3
        -device virtio-net-pci,bus=rp3,addr=00.0
    )
}

# 14. the root bus bypassing the IOMMU (default_bus_bypass_iommu=on), one
#     pxb-pcie translated: only the devices behind the pxb get groups.
topo_bypass-root() {
    MACHINE=default_bus_bypass_iommu=on
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device e1000e,bus=rp1,addr=00.0
        -device pxb-pcie,id=pxb1,bus=pcie.0,addr=06.0,bus_nr=64
        -device pcie-root-port,id=rp2,bus=pxb1,addr=00.0,chassis=2,slot=2
        -device e1000e,bus=rp2,addr=00.0
    )
}

# 15. a mistyped port: a switch downstream port placed straight below a root
#     port. set_pcie_port_type() (drivers/pci/probe.c, 7.2) "corrects" it to an
#     upstream port but leaves the type field 0, so the kernel sees an endpoint
#     there; its child is judged below that. Beside it, deep nesting: two
#     switches deep, then a PCIe-to-PCI bridge and a conventional bridge.
topo_mistyped() {
    QARGS=(
        -device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
        -device xio3130-downstream,id=dnx,bus=rp1,addr=00.0,chassis=2,slot=2
        -device e1000e,bus=dnx,addr=00.0
        -device pcie-root-port,id=rp2,bus=pcie.0,addr=03.0,chassis=3,slot=3
        -device x3130-upstream,id=up1,bus=rp2,addr=00.0
        -device xio3130-downstream,id=dn1,bus=up1,addr=00.0,chassis=4,slot=4
        -device x3130-upstream,id=up2,bus=dn1,addr=00.0
        -device xio3130-downstream,id=dn2,bus=up2,addr=00.0,chassis=5,slot=5
        -device pcie-pci-bridge,id=ppb1,bus=dn2,addr=00.0
        -device pci-bridge,id=pb1,bus=ppb1,addr=01.0,chassis_nr=6
        -device e1000,bus=pb1,addr=01.0
        -device virtio-net-pci,disable-modern=on,bus=ppb1,addr=02.0
    )
}
