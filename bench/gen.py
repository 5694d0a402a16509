#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate a large, realistic host as a pcilu topology spec (docs/spec.md).

The host is built from identical "stacks": one root bus each, as a server
CPU's PCIe stacks or a multi-socket machine's root complexes are. Stacks are
spread over many segments (4 per segment for the fleet shape, 2 for the
storage shape) because one segment has only 256 buses. A stack holds:

  00.0        host bridge (RCiEP)
  01.0-01.7   an 8-function RCiEP DMA engine (multifunction, no ACS)
  02.0        root port with ARI Forwarding -> a 2-port SR-IOV NIC (2 PFs with
              ACS and ARI, up to 256 VFs each, vfio-pci / iavf)
  03.0        root port -> PCIe switch -> FANOUT downstream ports -> switch ->
              FANOUT downstream ports -> NVMe drives, or GPUs with an audio
              function (00.0 + 00.1, multifunction, no ACS)
  04.0        root port -> a 4-port NIC without ACS (multifunction)
  05.0        root port without ACS -> PCIe-to-PCI bridge -> BMC VGA

The number of functions is exact: whatever the stacks do not hold is made up
with VFs, spread evenly over the PFs (so with many stacks every PF has
hundreds of VFs). VF addresses follow the spec's defaults (First VF Offset
0x80 + k, stride 2 for the two PFs), which need up to three buses per NIC; the
loader reserves them.
"""
import argparse
import json
import sys

SHAPES = {
    # fanout, leaf kinds, stacks per segment
    "fleet": (4, "mixed", 4),
    "storage": (8, "nvme", 2),
    # every leaf an 8-function card without ACS: endpoints in dense groups of 8
    "dense": (4, "octo", 4),
}
MAX_VFS_PER_PF = 256


def nvme():
    return {"id": "144d:a80a", "class": "010802", "subsystem": "144d:a801", "driver": "nvme",
            "link": {"gen": 4, "width": 4}}


def gpu():
    return [{"slot": "00.0", "id": "10de:2204", "class": "030000", "revision": "a1",
             "driver": "vfio-pci", "link": {"gen": 4, "width": 16}},
            {"slot": "00.1", "id": "10de:1aef", "class": "040300", "revision": "a1",
             "driver": "vfio-pci"}]


def octo():
    """An 8-port NIC whose functions are not isolated from each other: one group of 8."""
    return [{"slot": "00.%d" % f, "id": "8086:1521", "class": "020000", "driver": "igb"}
            for f in range(8)]


def leaf(kind, i):
    if kind == "octo":
        return octo()
    if kind == "nvme" or i % 2 == 0:
        return [nvme()]
    return gpu()


def leaf_funcs(kind, i):
    return len(leaf(kind, i))


def switch_tree(fanout, kind):
    inner = []
    for d in range(fanout):
        dsps = [{"slot": "%02x.0" % j, "id": "1000:c010", "driver": "pcieport",
                 "children": leaf(kind, j)} for j in range(fanout)]
        inner.append({"slot": "%02x.0" % d, "id": "1000:c010", "driver": "pcieport",
                      "children": [{"kind": "switch", "id": "1000:c010", "acs": False,
                                    "driver": "pcieport", "children": dsps}]})
    return {"kind": "switch", "id": "1000:c010", "acs": False, "driver": "pcieport",
            "children": inner}


def fixed_funcs(fanout, kind):
    """Functions in a stack other than VFs."""
    leaves = sum(leaf_funcs(kind, j) for j in range(fanout))
    switch = 1 + fanout + fanout * (1 + fanout + leaves)
    return 1 + 8 + 4 + 2 + switch + 4 + 2


def nic(vfs):
    pfs = []
    for k, num in enumerate(vfs):
        pfs.append({"slot": "00.%d" % k, "id": "8086:1592", "class": "020000", "revision": "02",
                    "subsystem": "8086:0002", "driver": "ice", "ari": True, "acs": True,
                    "sriov": {"total": MAX_VFS_PER_PF, "num": num, "vf_device": "1889",
                              "vf_driver": "vfio-pci" if k == 0 else "iavf"}})
    return pfs


def stack(bus, numa, fanout, kind, vfs, nic_acs=True):
    devs = [{"slot": "00.0", "id": "8086:09a2", "class": "060000", "name": "host bridge"}]
    devs += [{"slot": "01.%d" % f, "id": "8086:0b00", "class": "088000", "driver": "ioatdma"}
             for f in range(8)]
    devs.append({"slot": "02.0", "kind": "root_port", "id": "8086:347a", "driver": "pcieport",
                 "ari_forwarding": True, "children": nic(vfs)})
    if not nic_acs:
        devs[-1]["acs"] = False
    devs.append({"slot": "03.0", "kind": "root_port", "id": "8086:347b", "driver": "pcieport",
                 "children": [switch_tree(fanout, kind)]})
    devs.append({"slot": "04.0", "kind": "root_port", "id": "8086:347c", "driver": "pcieport",
                 "children": [{"slot": "00.%d" % f, "id": "14e4:1657", "class": "020000",
                               "driver": "tg3"} for f in range(4)]})
    devs.append({"slot": "05.0", "kind": "root_port", "id": "8086:347d", "driver": "pcieport",
                 "acs": False,
                 "children": [{"kind": "pcie_pci_bridge", "id": "1a03:1150",
                               "children": [{"id": "1a03:2000", "class": "030000",
                                             "driver": "ast"}]}]})
    return {"bus": bus, "numa_node": numa, "devices": devs}


def build(functions, shape, stacks=0, drift=0):
    fanout, kind, per_seg = SHAPES[shape]
    fixed = fixed_funcs(fanout, kind)
    per_stack_max = fixed + 2 * MAX_VFS_PER_PF
    if functions < fixed:
        sys.exit("gen.py: at least %d functions for shape %s" % (fixed, shape))
    nstacks = max(stacks, -(-functions // per_stack_max))
    if functions < nstacks * fixed:
        sys.exit("gen.py: %d stacks need at least %d functions" % (nstacks, nstacks * fixed))
    vfs_total = functions - nstacks * fixed
    segments = []
    for s in range(nstacks):
        # VFs spread evenly: stack s gets its share, PF 0 the odd one.
        share = vfs_total // nstacks + (1 if s < vfs_total % nstacks else 0)
        vfs = [share - share // 2, share // 2]
        seg, pos = divmod(s, per_seg)
        if pos == 0:
            segments.append({"segment": seg, "root_buses": []})
        bus = pos * (256 // per_seg)
        # --drift: the same host after a firmware update that left some NIC ports without ACS
        nic_acs = not drift or s % drift != drift - 1
        segments[-1]["root_buses"].append(stack(bus, pos * 2 // per_seg, fanout, kind, vfs, nic_acs))
    return {"schema": "pcilu-spec/1",
            "comment": "bench/gen.py --functions %d --shape %s: %d stacks in %d segments"
                       % (functions, shape, nstacks, len(segments)),
            "kernel": "7.2.13", "cmdline": "BOOT_IMAGE=/vmlinuz-7.2.13 ro intel_iommu=on iommu=pt",
            "segments": segments}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", "-n", type=int, required=True,
                    help="exact number of PCI functions (VFs included)")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="fleet",
                    help="fleet: switches of 4 ports, NVMe and GPUs; dense: the same with 8-function "
                    "cards without ACS (groups of 8); storage: switches of 8 "
                         "ports full of NVMe (64 drives per stack)")
    ap.add_argument("--stacks", type=int, default=0,
                    help="at least this many stacks (default: as few as hold the functions)")
    ap.add_argument("--drift", type=int, default=0,
                    help="every DRIFT-th stack's NIC root port without ACS (its PFs and VFs then share "
                         "its group): a second snapshot of the same host for pcilu diff")
    ap.add_argument("-o", "--output", default="-", help="spec file (default: stdout)")
    a = ap.parse_args()
    spec = build(a.functions, a.shape, a.stacks, a.drift)
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    json.dump(spec, out, separators=(",", ":"))
    out.write("\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
