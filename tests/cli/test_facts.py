#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Verdicts from what the source says of its kernel (issue 15), end to end.

Every input is built here from one host, tests/liveupdate/data/host.lspci (eight
functions, the kernel's groups 0-7 recorded): as a copied /sys tree with an empty
kernel/iommu_groups, with one device left out of every group, as a non-root read (64
bytes) and an `lspci -x` dump, as a capture taken with the IOMMU off (no group lines,
every ACS Control 0), and with a D3cold function that keeps its group line. The
expected verdicts follow from the rules by hand (docs/rules.md): no group under v4 and
iommufd is -EINVAL; a rule whose bytes are missing is undecided; the PCI core (next)
does not look at groups. Then the live /sys of the test machine and every real dump in
the shared research data."""
import json
import os
import re
import tempfile

import pcilutest
from pcilutest import check, finish

SRC = os.environ["PCILU_SRCDIR"]
DATA = os.environ.get("PCILU_SHARED_DATA", "")
HOST = os.path.join(SRC, "tests", "liveupdate", "data", "host.lspci")
ENDPOINTS = ("0000:01:00.0", "0000:04:00.0", "0000:04:00.1")
HEX_ROW = re.compile(r"^([0-9a-f]+): ((?:[0-9a-f]{2} ?)+)$")


def read_dump(path):
    """Records of an lspci -xxxx dump: [header, [tab lines], bytearray]."""
    recs = []
    for line in open(path):
        line = line.rstrip("\n")
        if not line:
            continue
        m = HEX_ROW.match(line)
        if line.startswith("\t"):
            recs[-1][1].append(line)
        elif m:
            off = int(m.group(1), 16)
            data = bytes.fromhex(m.group(2))
            cfg = recs[-1][2]
            cfg.extend(b"\0" * (off + len(data) - len(cfg)))
            cfg[off:off + len(data)] = data
        else:
            recs.append([line, [], bytearray()])
    return recs


def bdf_of(rec):
    return rec[0].split()[0]


def group_of(rec):
    for t in rec[1]:
        if t.startswith("\tIOMMU group: "):
            return int(t.split(": ")[1])
    return None


def write_dump(path, recs, nbytes=None, groups=True):
    with open(path, "w") as f:
        for head, tabs, cfg in recs:
            f.write(head + "\n")
            for t in tabs:
                if groups or not t.startswith("\tIOMMU group"):
                    f.write(t + "\n")
            cfg = cfg[:nbytes] if nbytes else cfg
            for off in range(0, len(cfg), 16):
                f.write("%02x: %s\n" % (off, " ".join("%02x" % b for b in cfg[off:off + 16])))
            f.write("\n")


def write_sysfs(root, recs, nbytes=None, groups=True, iommu_groups_dir=True, skip_link=()):
    """A copied /sys: bus/pci/devices/BDF/config and iommu_group links into
    kernel/iommu_groups/N, as the kernel lays them out."""
    devs = os.path.join(root, "bus", "pci", "devices")
    os.makedirs(devs)
    if iommu_groups_dir:
        os.makedirs(os.path.join(root, "kernel", "iommu_groups"))
    for rec in recs:
        d = os.path.join(devs, bdf_of(rec))
        os.makedirs(d)
        with open(os.path.join(d, "config"), "wb") as f:
            f.write(bytes(rec[2][:nbytes] if nbytes else rec[2]))
        g = group_of(rec)
        if groups and g is not None and bdf_of(rec) not in skip_link:
            gd = os.path.join(root, "kernel", "iommu_groups", str(g), "devices")
            os.makedirs(gd, exist_ok=True)
            os.symlink("../../../../kernel/iommu_groups/%d" % g, os.path.join(d, "iommu_group"))
    return root


def acs_ctrl_off(cfg):
    """Clear ACS Control in the extended capability chain (PCI_EXT_CAP_ID_ACS 0x0d)."""
    pos, hops = 0x100, 0
    while pos and pos + 8 <= len(cfg) and hops < 64:
        h = int.from_bytes(cfg[pos:pos + 4], "little")
        if h in (0, 0xffffffff):
            return
        if h & 0xffff == 0x0d:
            cfg[pos + 6:pos + 8] = b"\0\0"
        pos, hops = h >> 20, hops + 1


def check_json(*args):
    rc, out, err = pcilutest.run("check", "--no-names", "--json", *args)
    return rc, (json.loads(out) if out.strip() else None), err


def states(d, bdf):
    dev = [x for x in d["devices"] if x["bdf"] == bdf]
    return {v["profile"]: v for v in dev[0]["verdicts"]} if dev else {}


def rules(v):
    return [r["rule"] for r in v["reasons"] if r["severity"] == "refuse"]


def base_recs():
    recs = read_dump(HOST)
    assert len(recs) == 8 and [group_of(r) for r in recs] == [0, 1, 3, 2, 4, 5, 6, 7]
    return recs


tmp = tempfile.TemporaryDirectory()
T = tmp.name

# 0. The baseline: the host as captured, every endpoint alone in an ACS-isolated group.
sysfs = write_sysfs(os.path.join(T, "sys-on"), base_recs())
rc, d, err = check_json(sysfs)
check("baseline /sys copy: exit 0, IOMMU on from its group links", rc == 0 and d["host"]["iommu"] == "on"
      and d["host"]["iommu_from"] == "kernel-groups", (rc, err, d and d["host"]))

# 1. A copied /sys whose kernel/iommu_groups is empty: the kernel formed no group, so no
# device has one (noiommu): v4 and iommufd -EINVAL, next eligible with a note.
sysfs = write_sysfs(os.path.join(T, "sys-off"), base_recs(), groups=False)
rc, d, err = check_json(sysfs)
check("empty kernel/iommu_groups: exit 1", rc == 1, (rc, err))
check("empty kernel/iommu_groups: IOMMU off, from sysfs", d["host"]["iommu"] == "off"
      and d["host"]["iommu_from"] == "sysfs", d["host"])
for bdf in ENDPOINTS:
    v = states(d, bdf)
    check(f"no IOMMU: {bdf} v4 and iommufd refused with no-group -EINVAL",
          all(v[p]["state"] == "refused" and v[p]["errno"] == -22 and rules(v[p]) == ["no-group"]
              for p in ("v4", "iommufd")), v)
    check(f"no IOMMU: {bdf} next eligible, noted", v["next"]["state"] == "eligible"
          and any(r["rule"] == "no-group" for r in v["next"]["reasons"]), v["next"])
    check(f"no IOMMU: {bdf} has no group number", [x for x in d["devices"] if x["bdf"] == bdf][0]
          ["group"] is None)
rc, out, err = pcilutest.run("check", "--no-names", sysfs)
check("no IOMMU: text says so at the top, never 'IOMMU group N'",
      out.startswith("Source:") and "IOMMU: off" in out.splitlines()[1] and not re.search(r"IOMMU group \d", out),
      out[:400])
check("no IOMMU: the IOMMU default is not invoked", "Debian's 7.2 kernel enables" not in out, out[:400])
rc, out, err = pcilutest.run("groups", "--no-names", sysfs)
check("no IOMMU: groups leads with it", rc == 0 and out.startswith("IOMMU: off (kernel/iommu_groups is empty")
      and "the groups an IOMMU would give" in out.splitlines()[0], out[:300])
# The same tree without kernel/ at all (a copy of bus/pci/devices only): nothing is known.
sysfs = write_sysfs(os.path.join(T, "sys-nokernel"), base_recs(), groups=False, iommu_groups_dir=False)
rc, d, err = check_json(sysfs)
check("copy without kernel/: IOMMU from the default, named once", d["host"]["iommu_from"] == "default"
      and d["assumptions"] and rc == 0, (rc, d["host"]))

# 2. One device the kernel left out of every group while the others have one.
sysfs = write_sysfs(os.path.join(T, "sys-ungrouped"), base_recs(), skip_link=("0000:04:00.1",))
rc, d, err = check_json(sysfs)
v = states(d, "0000:04:00.1")
check("ungrouped device: exit 1", rc == 1, (rc, err))
check("ungrouped device: v4 and iommufd refused, no-group", all(v[p]["state"] == "refused"
      and rules(v[p]) == ["no-group"] for p in ("v4", "iommufd")), v)
check("ungrouped device: the others stay eligible", all(states(d, b)[p]["state"] == "eligible"
      for b in ("0000:01:00.0", "0000:04:00.0") for p in ("v4", "next", "iommufd")))
rc, out, err = pcilutest.run("groups", "--json", sysfs)
g = json.loads(out)
check("ungrouped device: groups leaves it in no group (group null, listed as not-translated, in no members)",
      [u["bdf"] for u in g["ungrouped"]] == ["0000:04:00.1"] and g["ungrouped"][0]["reason"]["kind"] == "not-translated"
      and [x["group"] for x in g["devices"] if x["bdf"] == "0000:04:00.1"] == [None]
      and all("0000:04:00.1" not in grp["devices"] for grp in g["groups"]), g.get("ungrouped"))
rc, out, err = pcilutest.run("groups", "--compare", sysfs)
check("ungrouped device: the partition equals the kernel's, the ungrouped device included",
      rc == 0 and "partitions are identical" in out, out + err)
rc, out, err = pcilutest.run("groups", sysfs)
check("ungrouped device: the text says so under its own heading",
      "In no IOMMU group (no IOMMU translates them" in out and "0000:04:00.1 is in none of the kernel's groups" in out, out)
man = os.path.join(T, "ungrouped.dtb")
rc, out, err = pcilutest.run("plan", "--no-names", "-o", man, "0000:04:00.1", sysfs)
check("plan refuses the ungrouped device (exit 1, no manifest)", rc == 1 and not os.path.exists(man), (rc, err))

# 3. The same host read as non-root (64 bytes of config space) and as `lspci -x`.
for name, make in (("64-byte /sys", lambda p: write_sysfs(p, base_recs(), nbytes=64)),
                   ("lspci -x", lambda p: (write_dump(p, base_recs(), nbytes=64), p)[1])):
    rc, d, err = check_json(make(os.path.join(T, "short-" + name.replace(" ", "_").replace("/", ""))))
    check(f"{name}: exit 3 (undecided)", rc == 3, (rc, err))
    check(f"{name}: state undecided, config truncated", d["state"] == "undecided"
          and d["host"]["config_truncated"], (d["state"], d["host"]))
    for bdf in ENDPOINTS:
        v = states(d, bdf)
        check(f"{name}: {bdf} v4 and iommufd undecided, never refused or eligible",
              all(v[p]["state"] == "undecided" for p in ("v4", "iommufd")), v)
    rc, out, err = pcilutest.run("show", "--no-names", "00:01.0", make(os.path.join(T, "show-" + name[:2])))
    check(f"{name}: show never says 'not PCI Express'", rc == 0 and "not PCI Express" not in out
          and "unknown" in out, out)

# 4. A capture taken with the IOMMU off: no group lines, every ACS Control 0.
recs = base_recs()
for r in recs:
    acs_ctrl_off(r[2])
off = os.path.join(T, "iommu-off.lspci")
write_dump(off, recs, groups=False)
rc, d, err = check_json(off)
check("IOMMU-off capture: exit 1, IOMMU off from ACS", rc == 1 and d["host"]["iommu"] == "off"
      and d["host"]["iommu_from"] == "acs-controls", (rc, d["host"]))
check("IOMMU-off capture: v4 refuses every endpoint with no-group",
      all(rules(states(d, b)["v4"]) == ["no-group"] for b in ENDPOINTS))
rc, d, err = check_json("--acs=linux", off)
check("IOMMU-off capture, --acs=linux: the boot with the IOMMU on, capture said off",
      d["host"]["iommu"] == "on" and d["host"]["capture_iommu"] == "off" and rc == 0, (rc, d["host"]))

# 5. A D3cold function (reads all-ones) that keeps its kernel group line and driver.
recs = base_recs()
dead = [r for r in recs if bdf_of(r) == "0000:04:00.1"][0]
dead[2][:] = b"\xff" * len(dead[2])
dead[1].append("\tKernel driver in use: i40e")
d3 = os.path.join(T, "d3cold.lspci")
write_dump(d3, recs)
rc, out, err = pcilutest.run("tree", "--no-names", d3)
check("D3cold: the dump loads (exit 0), a warning names the function", rc == 0
      and re.search(r"d3cold\.lspci:\d+: offset 0x0: warning: 0000:04:00\.1: reads all-ones", err), (rc, err))
check("D3cold: the function stays in the tree", "04:00.1" in out, out)
rc, d, err = check_json(d3)
v = states(d, "0000:04:00.1")
check("D3cold: exit 3, its verdicts undecided (unreadable)", rc == 3 and all(
      v[p]["state"] == "undecided" and v[p]["reasons"][0]["rule"] == "unreadable" for p in v), (rc, v))
check("D3cold: counted in host.dead_functions", d["host"]["dead_functions"] == 1, d["host"])
check("D3cold: its group is marked as resting on unknown bytes, the others not",
      [x["bdf"] for x in d["devices"] if x["group_unknown"]] == ["0000:04:00.1"], d["devices"])
rc, out, err = pcilutest.run("groups", "--no-names", "--json", d3)
g = json.loads(out) if rc == 0 else {}
grp = [x for x in g.get("groups", []) if "0000:04:00.1" in x["devices"]]
check("D3cold: groups keeps it as a member of a group of its own", rc == 0 and len(grp) == 1
      and grp[0]["devices"] == ["0000:04:00.1"], (rc, err, grp))

# 6. The live /sys of this machine: PCI devices and no IOMMU group means exit 1, "no IOMMU".
live_devs = os.listdir("/sys/bus/pci/devices") if os.path.isdir("/sys/bus/pci/devices") else []
live_groups = os.listdir("/sys/kernel/iommu_groups") if os.path.isdir("/sys/kernel/iommu_groups") else []
if live_devs and not live_groups:
    rc, out, err = pcilutest.run("check", "--no-names", "--verbose")
    check("live /sys without IOMMU groups: exit 1, IOMMU off, noiommu reasons", rc == 1
          and "IOMMU: off" in out and "no IOMMU is on" in out, (rc, out[:300], err))
    rc, out, err = pcilutest.run("check", "--no-names")
    check("live /sys without IOMMU groups, summary: every row names the missing group", rc == 1
          and all(l.endswith("no IOMMU group") for l in out.splitlines() if l.startswith("  00")), (rc, out, err))
else:
    print("# live /sys has IOMMU groups or no PCI: the no-IOMMU live check does not apply here")

# 7. Every real dump loads without an input error; lspci refuses x99-huananzhi-bd4 too
# (a pcilib message splits a hex row), and pcilu names the line and --lenient.
if DATA and pcilutest.have_shared(DATA):
    dumps = []
    for top, _dirs, files in os.walk(DATA):
        dumps += [os.path.join(top, f) for f in files if f == "lspci.log" or
                  (top.endswith("pciutils-tests") and f != "README.md")]
    check("found the research dumps", len(dumps) >= 16, dumps)
    for p in sorted(dumps):
        rc, out, err = pcilutest.run("check", "--no-names", p)
        name = os.path.relpath(p, DATA)
        if "x99-huananzhi-bd4" in p:
            check(f"{name}: exit 2 naming the line and --lenient", rc == 2
                  and re.search(r"lspci\.log:\d+: error: .*--lenient", err), (rc, err))
            rc, out, err = pcilutest.run("check", "--no-names", "--lenient", p)
            check(f"{name}: --lenient reads the rest", rc in (0, 1, 3) and "Source:" in out, (rc, err))
        else:
            check(f"{name}: loads (exit 0, 1 or 3)", rc in (0, 1, 3) and "error:" not in err, (rc, err[:300]))

# 8. Real hardware: what pcilu infers of the IOMMU matches what the kernel logged. The
# X99 board's dump has no group lines, every ACS-capable port reads Control 0, and its
# dmesg has DMAR tables but never adds a device to an IOMMU group (DMA remapping off in
# that kernel); the H310 board's dump has group lines and its dmesg adds devices.
if DATA and os.path.isdir(DATA):
    for board, want_on, want_from, log in (("x99-huananzhi-qd4", "off", "acs-controls", "dmesg.txt"),
                                           ("h310-ecs-h310ch5", "on", "kernel-groups", "dmesg.log")):
        base = os.path.join(DATA, "coreboot-port-logs", board)
        dmesg = open(os.path.join(base, log), errors="replace").read()
        logged_on = "Adding to iommu group" in dmesg
        rc, d, err = check_json(os.path.join(base, "lspci.log"))
        check(f"{board}: IOMMU {want_on} from {want_from}, as its dmesg shows (groups added: {logged_on})",
              d and d["host"]["iommu"] == want_on and d["host"]["iommu_from"] == want_from
              and logged_on == (want_on == "on"), d and d["host"])

# 9. An IOMMU's own PCI function gets no group from the kernel (AMD-Vi clears its own
# device-table entry, init_iommu_one_late(), 7.2; the same seen under QEMU with
# amd-iommu); a virtio-iommu neither. Without kernel groups in the source, config space
# names them; the endpoint beside them is judged as usual.
amd = os.path.join(tmp.name, "amd.json")
with open(amd, "w") as f:
    json.dump({"schema": "pcilu-spec/1", "cmdline": "root=/dev/sda1", "devices": [
        {"slot": "00.0", "kind": "rciep", "id": "1022:1480", "class": "060000"},
        {"slot": "00.2", "kind": "rciep", "id": "1022:1481", "class": "080600"},
        {"slot": "01.0", "kind": "rciep", "id": "1af4:1057", "class": "088000"},
        {"slot": "01.1", "kind": "root_port", "id": "1022:1483", "children": [{"id": "144d:a808", "class": "010802"}]},
    ]}, f)
rc, out, err = pcilutest.run("check", "--all", "--json", amd)
d = json.loads(out) if out else {}
v = {x["bdf"]: {p["profile"]: p for p in x["verdicts"]} for x in d.get("devices", [])}
iommu_fn = v.get("0000:00:00.2", {}).get("iommufd", {})
check("AMD-Vi's own function: refused, no group, said why", iommu_fn.get("state") == "refused"
      and [r["rule"] for r in iommu_fn.get("reasons", [])][:1] == ["no-group"]
      and "IOMMU's own PCI function" in iommu_fn["reasons"][0]["text"], iommu_fn)
check("virtio-iommu: the same", v.get("0000:00:01.0", {}).get("iommufd", {}).get("state") == "refused", v.get("0000:00:01.0"))
rc, out, err = pcilutest.run("groups", "--json", amd)
g = json.loads(out) if out else {}
check("AMD-Vi's and virtio-iommu's own functions: in no group, from config space alone, and no other device joins them",
      sorted((u["bdf"], u["reason"]["kind"]) for u in g.get("ungrouped", [])) ==
      [("0000:00:00.2", "not-translated"), ("0000:00:01.0", "not-translated")]
      and all(b not in grp["devices"] for grp in g["groups"] for b in ("0000:00:00.2", "0000:00:01.0")), g.get("ungrouped"))
check("the NVMe beside them is eligible", v.get("0000:01:00.0", {}).get("iommufd", {}).get("state") == "eligible",
      v.get("0000:01:00.0"))
finish()
