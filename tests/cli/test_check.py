#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcilu check on topologies built for each preserve rule (tests/liveupdate/check/*.json)
and on a real dump. Expected verdicts and errnos were worked out by hand from the rules
in liveupdate-series.md (§1.3 v4 08/11, §2.1, §5.1) and the 7.2 quirk tables, not copied
from pcilu's output."""
import json
import os

import pcilutest
from pcilutest import check, finish

SRC = os.environ["PCILU_SRCDIR"]
DATA = os.environ.get("PCILU_SHARED_DATA", "")
RULES = os.path.join(SRC, "tests", "liveupdate", "check", "rules.json")
OFF = os.path.join(SRC, "tests", "liveupdate", "check", "iommu_off.json")
H310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")
EINVAL, EBUSY = -22, -16


def run(*args):
    return pcilutest.run("check", "--no-names", *args)


def doc(*args):
    rc, out, err = run("--json", *args)
    return rc, json.loads(out) if out else None, err


def verdicts(d, bdf):
    dev = [x for x in d["devices"] if x["bdf"] == bdf][0]
    return {v["profile"]: v for v in dev["verdicts"]}


def rules(v):
    return [r["rule"] for r in v["reasons"] if r["severity"] == "refuse"]


rc, d, err = doc(RULES)
check("rules host: exit 1 (some device refused)", rc == 1, err)
check("schema pcilu-check/3", d["schema"] == "pcilu-check/3" and d["profiles"] == ["v4", "next", "iommufd"])
# rules.json states no IOMMU fact and no kernel: the default is named once, in "host".
check("host: IOMMU on by default, kernel unknown", d["host"]["iommu"] == "on"
      and d["host"]["iommu_from"] == "default" and d["host"]["pci_liveupdate"] == "unknown", d["host"])
check("host bridge and bridges are not checked", not any(x["bdf"] in ("0000:00:00.0", "0000:00:01.0")
                                                          for x in d["devices"]))

# A. v4 08/11 pci_device_group_immutable_singleton(): alone in its group, and
# pci_acs_path_enabled(00:01.0) holds (root port with SV|RR|CR|UF enabled).
v = verdicts(d, "0000:01:00.0")
check("A singleton under ACS root port: eligible everywhere",
      all(v[p]["eligible"] and v[p]["errno"] == 0 for p in v), v)

# B. Behind switch downstream port 03:08.0 without ACS: pci_acs_enabled(03:08.0) is false
# (downstream port, no capability), so the endpoint shares 03:08.0's group: v4 and iommufd
# refuse with -EINVAL (group, acs-path); next has no group rule and no quirk on the path.
v = verdicts(d, "0000:04:00.0")
check("B switch without ACS: v4 -EINVAL group+acs-path",
      not v["v4"]["eligible"] and v["v4"]["errno"] == EINVAL and rules(v["v4"]) == ["group", "acs-path"], v["v4"])
check("B switch without ACS: next eligible", v["next"]["eligible"])
check("B switch without ACS: iommufd -EINVAL", v["iommufd"]["errno"] == EINVAL)
acs = [r for r in v["v4"]["reasons"] if r["rule"] == "acs-path"][0]
check("B failing bridge is 03:08.0, missing SV|RR|CR|UF",
      acs["device"] == "0000:03:08.0" and acs["missing"] == ["SV", "RR", "CR", "UF"], acs)
check("B remedy: no ACS capability, move the card, names a good slot",
      "no ACS capability and no quirk: move the card" in acs["remedy"] and "0000:00:01.0" in acs["remedy"], acs)
check("B group names the other member", [r for r in v["v4"]["reasons"] if r["rule"] == "group"][0]["other"]
      == "0000:03:08.0")
# Same switch, downstream port 03:09.0 with ACS enabled: the USP is single-function, so
# pci_acs_enabled() is true for it; the path 03:09.0 -> 02:00.0 -> 00:02.0 is isolated.
v = verdicts(d, "0000:05:00.0")
check("B' behind switch port with ACS: eligible everywhere", all(v[p]["eligible"] for p in v), v)

# C. Multifunction endpoint (NVIDIA GPU + audio, no ACS, no quirk): the functions share a
# group (get_pci_function_alias_group()): v4/iommufd -EINVAL, next allows (group check gone).
for bdf in ("0000:08:00.0", "0000:08:00.1"):
    v = verdicts(d, bdf)
    check(f"C multifunction {bdf}: v4 -EINVAL group only", rules(v["v4"]) == ["group"]
          and v["v4"]["errno"] == EINVAL, v["v4"])
    check(f"C multifunction {bdf}: next eligible with a note", v["next"]["eligible"]
          and [r["rule"] for r in v["next"]["reasons"]] == ["group"])
    check(f"C multifunction {bdf}: remedy says no slot helps",
          "always share a group" in v["v4"]["reasons"][0]["remedy"])
# C2. I350 (8086:1521) functions: pci_quirk_mf_endpoint_acs is a pci_dev_acs_enabled[]
# quirk, not a pci_dev_acs_ops[] enable quirk, so next does not refuse them.
v = verdicts(d, "0000:09:00.0")
check("C2 I350 function: eligible everywhere (enabled-quirk is not an enable quirk)",
      all(v[p]["eligible"] for p in v), v)

# D. Behind PCIe-to-PCI bridge 0a:00.0: the bridge takes over the requester ID, so the
# device joins the bridge's group; pci_acs_enabled() is false for a PCIe-to-PCI bridge.
v = verdicts(d, "0000:0b:01.0")
check("D behind PCIe-to-PCI bridge: v4 -EINVAL group+acs-path",
      rules(v["v4"]) == ["group", "acs-path"] and v["v4"]["errno"] == EINVAL, v["v4"])
check("D: next eligible", v["next"]["eligible"])
check("D: iommufd refuses and flags the DMA alias via 0a:00.0",
      v["iommufd"]["errno"] == EINVAL and any(r["rule"] == "dma-alias" and r["severity"] == "caveat"
                                              and r["other"] == "0000:0a:00.0" for r in v["iommufd"]["reasons"]))

# E. VFs: is_virtfn -> -EINVAL in every version ("Cannot preserve Virtual Functions").
for bdf in ("0000:0c:02.0", "0000:0c:02.1"):
    v = verdicts(d, bdf)
    check(f"E VF {bdf}: -EINVAL vf under all profiles",
          all(v[p]["errno"] == EINVAL and rules(v[p])[0] == "vf" for p in v), v)
v = verdicts(d, "0000:0c:00.0")
check("E the PF itself is eligible", all(v[p]["eligible"] for p in v), v)

# F. Wellsburg PCH root port 8086:8d10 is in pci_quirk_intel_pch_acs_ids[]: next refuses
# the device below it (pci_need_dev_specific_enable_acs() on a bridge of the path);
# v4 has no quirk rule and the quirk is assumed to succeed (no LPC bridge visible).
v = verdicts(d, "0000:0d:00.0")
check("F PCH quirk: v4 eligible", v["v4"]["eligible"], v["v4"])
q = [r for r in v["next"]["reasons"] if r["rule"] == "acs-quirk"]
check("F PCH quirk: next -EINVAL acs-quirk on 00:1c.0",
      v["next"]["errno"] == EINVAL and q and q[0]["device"] == "0000:00:1c.0"
      and "pci_quirk_enable_intel_pch_acs" in q[0]["text"], v["next"])
check("F PCH quirk: iommufd -EINVAL", v["iommufd"]["errno"] == EINVAL)

# --kernel picks a profile; exit status follows the selected profile only.
rc, d1, _ = doc("--kernel", "next", RULES, "01:00.0", "04:00.0", "08:00.0")
check("--kernel next: 01/04/08 all eligible, exit 0", rc == 0 and d1["profiles"] == ["next"], rc)
rc, _, _ = doc("--kernel", "v4", RULES, "04:00.0")
check("--kernel v4 on 04:00.0: exit 1", rc == 1)
rc, _, err = doc("--kernel", "v5", RULES)
check("unknown profile: exit 2", rc == 2 and "--kernel takes" in err, err)
rc, _, err = doc(RULES, "00:1f.7")
check("absent BDF: exit 2", rc == 2, err)

# Preserve sets (pci_liveupdate_preserve() in sequence, final rules):
# 05:00.0 and 07:00.0 share 00:02.0 and the switch's upstream port 02:00.0 -> refcount 2
# there, 1 on each downstream port; the second 05:00.0 is -EBUSY and changes nothing.
rc, d2, err = doc("--kernel", "next", "--preserve", "05:00.0,07:00.0,05:00.0", RULES)
pr = d2["preserve"][0]
check("preserve: duplicate makes exit 1", rc == 1 and not pr["ok"], err)
check("preserve: errnos 0, 0, -EBUSY", [r["errno"] for r in pr["requests"]] == [0, 0, EBUSY], pr["requests"])
nodes = {n["device"]: (n["role"], n["refcount"]) for n in pr["nodes"]}
check("preserve: refcounts by hand", nodes == {
    "0000:00:02.0": ("bridge", 2), "0000:02:00.0": ("bridge", 2), "0000:03:09.0": ("bridge", 1),
    "0000:03:0b.0": ("bridge", 1), "0000:05:00.0": ("endpoint", 1), "0000:07:00.0": ("endpoint", 1)}, nodes)
rc, d3, _ = doc("--kernel", "next", "--preserve", "05:00.0,07:00.0", RULES)
check("preserve without duplicate: exit 0", rc == 0 and d3["preserve"][0]["ok"])
# A refused device leaves nothing behind (its partial path is unwound).
rc, d4, _ = doc("--kernel", "next", "--preserve", "0d:00.0", RULES)
check("preserve refused under next: no nodes", d4["preserve"][0]["nodes"] == []
      and d4["preserve"][0]["requests"][0]["rule"] == "acs-quirk")
# One function of the GPU without the other: next warns, exit still 0 for next.
rc, d5, _ = doc("--kernel", "next", "--preserve", "08:00.0", RULES)
c = d5["preserve"][0]["conflicts"]
check("preserve half a group under next: caveat naming 08:00.1, exit 0",
      rc == 0 and len(c) == 1 and c[0]["rule"] == "partial-group" and c[0]["other"] == "0000:08:00.1"
      and c[0]["severity"] == "caveat", c)
rc, d6, _ = doc("--kernel", "iommufd", "--preserve", "08:00.0", RULES)
check("preserve half a group under iommufd: refused", rc == 1
      and d6["preserve"][0]["requests"][0]["errno"] == EINVAL)

# Slots: 03:0a.0 is empty, ACS capable with control 0: not singleton; the remedy is the
# exact config_acs string (bits UF CR RR TB SV = 1 1 1 x 1) for that port.
rc, d7, _ = doc("--slots", RULES, "01:00.0")
slots = {s["port"]: s for s in d7["slots"]}
# 7 root ports (01.0, 02.0, 03.0-03.3, 1c.0) and 4 downstream ports (03:08.0-03:0b.0)
check("slots: every root and downstream port listed", len(slots) == 11, list(slots))
s = slots["0000:03:0a.0"]
check("slots: empty capable-but-off port is not singleton", s["occupants"] == [] and not s["singleton"]
      and s["eligible"] == {"v4": False, "next": True, "iommufd": False}, s)
check("slots: config_acs string for 03:0a.0", "pci=config_acs=111x1@0000:03:0a.0" in s["text"], s["text"])
check("slots: PCH port fine for v4, not for next", slots["0000:00:1c.0"]["eligible"]
      == {"v4": True, "next": False, "iommufd": False})
check("slots: 03:08.0 (no ACS) fails at itself", slots["0000:03:08.0"]["acs_fail"] == "0000:03:08.0")

# IOMMU off (intel_iommu=off on the recorded command line): no group, so v4 and iommufd
# refuse -EINVAL (noiommu); next has no group rule.
rc, d8, _ = doc(OFF)
v = verdicts(d8, "0000:01:00.0")
check("IOMMU off: v4 -EINVAL no-group", rules(v["v4"]) == ["no-group"] and v["v4"]["errno"] == EINVAL, v)
# The recorded command line has intel_iommu=off: the fix removes it, never adds intel_iommu=on.
check("IOMMU off: remedy removes intel_iommu=off", "remove intel_iommu=off" in v["v4"]["reasons"][0]["remedy"]
      and "intel_iommu=on" not in v["v4"]["reasons"][0]["remedy"], v["v4"]["reasons"][0])
check("IOMMU off: the fact comes from the command line", d8["host"]["iommu"] == "off"
      and d8["host"]["iommu_from"] == "cmdline", d8["host"])
check("IOMMU off: next eligible, iommufd -EINVAL", v["next"]["eligible"] and v["iommufd"]["errno"] == EINVAL)
# The same dump judged as if the IOMMU were on: control 0 fails the path at 00:01.0;
# pci_enable_acs() would set SV|RR|CR|UF (cap has TB too, but TB is not requested).
rc, d9, _ = doc("--iommu", "on", "--kernel", "v4", OFF)
acs = [r for r in verdicts(d9, "0000:01:00.0")["v4"]["reasons"] if r["rule"] == "acs-path"][0]
check("IOMMU-off dump judged with IOMMU: capable but disabled remedy",
      "ACS is capable but disabled on 0000:00:01.0" in acs["remedy"]
      and "pci=config_acs=111x1@0000:00:01.0" in acs["remedy"] and "remove intel_iommu=off" in acs["remedy"], acs)
rc, d10, _ = doc("--iommu", "on", "--acs", "linux", "--kernel", "v4", OFF)
check("--acs linux: Linux would enable ACS, so eligible", rc == 0, d10["devices"][0]["verdicts"])

# A real host: ECS H310CH5 (coreboot port log). 00:1c.0 is 8086:a294, a Union Point
# root port matched by pci_quirk_intel_spt_pch_acs_match() (0xa290..0xa29f).
if os.path.exists(H310):
    rc, d11, _ = doc(H310, "02:00.0", "01:00.0")
    v = verdicts(d11, "0000:02:00.0")
    check("H310 NIC: v4 eligible, next -EINVAL on the SPT root port", v["v4"]["eligible"]
          and v["next"]["errno"] == EINVAL and rules(v["next"]) == ["acs-quirk"]
          and v["next"]["reasons"][0]["device"] == "0000:00:1c.0", v)
    v = verdicts(d11, "0000:01:00.0")
    check("H310 GPU: 00:01.0 has no ACS: v4 -EINVAL, next eligible", v["v4"]["errno"] == EINVAL
          and v["next"]["eligible"], v)
else:
    print("SKIP: shared research data not found (H310 cases)")

rc, out, _ = run(RULES, "04:00.0")
lines = out.splitlines()
kernel_at = next((i for i, l in enumerate(lines) if l.startswith("Kernel: ")), -1)
check("text: facts first, once", lines[0].startswith("Source: ") and lines[1].startswith("IOMMU: on (assumed")
      and all(l.startswith("  ") for l in lines[2:kernel_at]) and 2 <= kernel_at <= 4 and out.count("IOMMU is assumed") + out.count("(assumed") == 1, out[:600])
check("text: totals, then the verdict", "v4       0 of 1 can be preserved, 1 refused" in out and
      "0000:04:00.0 8086:1533: v4 REFUSED (-EINVAL), next eligible, iommufd REFUSED (-EINVAL)" in out, out[:900])
finish()
