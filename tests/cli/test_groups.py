#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CLI tests for pcilu groups. Expected partitions are the kernel's own groups
recorded in the inputs (h310 lspci -v dump: 'IOMMU group' lines; QEMU captures:
/sys/kernel/iommu_groups of a real Linux 7.2.13 boot)."""
import glob
import json
import os

import pcilutest
from pcilutest import check, finish

SRC = os.environ["PCILU_SRCDIR"]
DATA = os.environ["PCILU_SHARED_DATA"]
H310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")


def run(*args):
    return pcilutest.run(*args, timeout=120)


goldens = sorted(glob.glob(os.path.join(SRC, "tests", "qemu", "golden", "*", "sysfs")))
for g in goldens:
    name = g.split(os.sep)[-2]
    for extra in ([], ["--acs=linux"], ["--acs=linux", "--fw-base=zero"]):
        rc, out, err = run("groups", "--compare", "--no-names", *extra, g)
        check(f"qemu {name} {' '.join(extra)}: partition equals the kernel's", rc == 0, out + err)

if os.path.exists(H310):
    rc, out, err = run("groups", "--compare", "--no-names", H310)
    check("h310: partition equals the kernel's (Sunrise/Union Point dword ACS quirk)", rc == 0, out + err)
    rc, out, err = run("groups", "--json", "--no-names", H310)
    doc = json.loads(out)
    check("json schema", doc["schema"] == "pcilu-groups/2")
    parts = sorted(sorted(g["devices"]) for g in doc["groups"])
    check("json: 00:01.0 takes the GPU functions",
          ["0000:00:01.0", "0000:01:00.0", "0000:01:00.1"] in parts, parts)
    check("json: the NIC behind 00:1c.0 is alone", ["0000:02:00.0"] in parts, parts)
    dev = {d["bdf"]: d for d in doc["devices"]}
    check("json: 00:1c.0 relies on a quirk", dev["0000:00:1c.0"]["relies_on_quirk"] is True)
    check("json: 01:00.0 joined through the path",
          dev["0000:01:00.0"]["join"]["kind"] == "path-not-isolated" and
          dev["0000:01:00.0"]["join"]["bridge"] == "0000:00:01.0", dev["0000:01:00.0"])
    rc, out, err = run("groups", "--explain", "01:00.1", "--no-names", H310)
    check("explain names the failing root port", rc == 0 and "0000:00:01.0 is a root port without ACS" in out, out)
    rc, out, err = run("groups", "--dot", "--no-names", H310)
    check("dot marks the non-isolating link",
          rc == 0 and out.startswith("digraph") and '"0000:00:01.0" -> "0000:01:00.0" [color=red' in out, out)
    rc, out, err = run("groups", "--acs=bogus", H310)
    check("bad --acs is a usage error", rc == 2)
    for cl in ['pci=config_acs=', '"', 'pci=config_acs=111111111111111111111111111111111@00:1c.0',
               'pci=disable_acs_redir=/////;;;', 'x' * 5000]:
        rc, out, err = run("groups", "--no-names", "--cmdline", cl, H310)
        check(f"hostile --cmdline {cl[:20]!r} handled", rc in (0, 2), err)
    # pci_enable_acs() with disable_acs_redir on the SPT port: the quirk clears RR|CR in the dword
    rc, out, err = run("groups", "--compare", "--no-names", "--acs=linux",
                       "--cmdline", "pci=disable_acs_redir=00:1c.0", H310)
    check("disable_acs_redir on 00:1c.0 merges the NIC into its group (exit 1)",
          rc == 1 and "0000:02:00.0" in out, out)
else:
    print("SKIP: shared research data not found")

if os.path.exists(H310):
    import tempfile
    with open(H310) as f:
        text = "".join(l for l in f if "IOMMU group" not in l)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write(text)
    rc, out, err = run("groups", "--compare", "--no-names", tmp.name)
    os.unlink(tmp.name)
    check("compare without kernel groups exits 2", rc == 2 and "no kernel IOMMU groups" in err, out + err)

finish(skipped=not goldens and not os.path.exists(H310))
