# SPDX-License-Identifier: GPL-2.0-or-later
"""check leads with the answer, and groups BDF gives the VFIO user's answer. The
figures were counted by hand: examples/host.json (65 functions: 8 platform
functions of class 06/08/11 on root buses (00:05.0-2,4, 80:05.0,2,4, 00:1f.0), 42
endpoints judged, v4 eligible 00:14.0 00:1a.0 00:1d.0 01:00.0 05:00.0 82:00.0
0001:01:00.0), and the H310 board's lspci log, whose kernel group lines are the
oracle: no device in a shared kernel group may be v4-eligible."""
import json
import os
import re
import shutil
import tempfile

import pcilutest
from pcilutest import check, run

ROOT = os.environ["PCILU_SRCDIR"]
HOST = os.path.join(ROOT, "examples", "host.json")
DATA = os.environ.get("PCILU_SHARED_DATA", "")
H310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")

rc, out, err = run("check", HOST)
lines = out.splitlines()
check("host: exit 1 (refusals), stderr says how many", rc == 1 and "35 device(s) refused" in err, (rc, err))
check("host: totals per profile, counted by hand", "v4       7 of 42 can be preserved, 35 refused" in out
      and "next     22 of 42 can be preserved, 20 refused" in out
      and "iommufd  7 of 42 can be preserved, 35 refused" in out, out[:900])
check("host: no line wider than 160 columns", max(len(x) for x in lines) <= 160, max(len(x) for x in lines))
check("host: one screen (at most 45 lines)", len(lines) <= 45, len(lines))
rc, tree, _ = run("tree", "--bridges", HOST)
check("quickstart's screen: tree --bridges + check + 3 lines of its own within 60 lines, 160 columns",
      len(tree.splitlines()) + len(lines) + 3 <= 60 and max(len(x) for x in tree.splitlines()) <= 160,
      (len(tree.splitlines()), len(lines)))
rc, tree, _ = run("tree", HOST)
check("tree: no line wider than 160 columns, every function drawn",
      max(len(x) for x in tree.splitlines()) <= 160 and len(tree.splitlines()) == 65 + 4, len(tree.splitlines()))
rows = [x for x in lines if re.match(r"  [0-9a-f]{2,4}:", x)]
check("host: 19 rows for 42 endpoints (functions of a slot and VFs of a card share a row)", len(rows) == 19,
      "\n".join(rows))
row = {x.split()[0]: x for x in rows}
check("host: the GPU's four functions are one row, refused for sharing their group",
      "04:00.0-3" in row and re.search(r"refused +eligible +refused +the functions share group 21$",
                                       row["04:00.0-3"]), row.get("04:00.0-3"))
check("host: the 12 VFs of the two X710 ports (8 + 4) in one row, lowest to highest address, never preserved",
      "12 VFs of 08:00.0-1" in row.get("08:10.0-11.6", "") and row["08:10.0-11.6"].endswith("VFs are never preserved"),
      row.get("08:10.0-11.6"))
check("host: the ConnectX-5's 4 VFs apart (another card)", "4 VFs of 81:00.0" in row.get("81:00.2-00.5", ""), list(row))
check("host: non-adjacent functions of a slot listed by number", "00:11.0,4" in row, list(row))
check("host: a second profile's different reason follows the first",
      row.get("0a:00.0", "").endswith("group 12 also holds 00:1c.0; next: ACS by quirk at 00:1c.0"), row.get("0a:00.0"))
check("host: the platform functions are one line", "(8 platform functions not judged" in out, out)
check("host: each rule once, with counts", re.search(r"^  group +v4 19, iommufd 15 \(policy\):", out, re.M)
      and re.search(r"^  vf +v4 16, next 16, iommufd 16:", out, re.M), out)
check("host: no per-device reason paragraphs by default", "why:" not in out and "fix:" not in out, out)

rc, out, _ = run("check", "--all", "--json", HOST)
d = json.loads(out)
check("host --all: 50 judged, v4 14 eligible", len(d["devices"]) == 50 and d["counts"]["v4"]["eligible"] == 14,
      d["counts"])
rc, out, _ = run("check", "--verbose", HOST)
check("host --verbose: every device's reasons and fixes", out.count("\n  v4       ") == 42 and "why:" in out, out[:500])
rc, out, _ = run("check", HOST, "04:00.0")
check("check BDF: the detail for that device", "0000:04:00.0 10de:1e04" in out and "why:" in out and "fix:" in out,
      out[:600])
rc, out, err = run("check", "-s", "04:00.0", "--verbose", HOST)
check("check -s with --verbose: one device in detail", rc == 1 and out.count("\n  v4       ") == 1, (rc, out, err))
rc, out, err = run("check", "-s", "04:", HOST, "04:00.0")
check("check: selection and BDF operands together is a usage error", rc == 2 and "select" in err, (rc, err))

# groups BDF: the members, their drivers, what to bind (host.json: 04:00.3 has no driver).
rc, out, err = run("groups", HOST, "04:00.0")
check("groups BDF: exit 0, the group's four members with drivers", rc == 0 and out.count("\n  0000:04:00.") == 4
      and "driver nvidia; bind to vfio-pci" in out and "no driver; nothing, or bind to vfio-pci" in out, (rc, out, err))
check("groups BDF: vfio-pci.ids lists the bound members' ids once each",
      "\n  vfio-pci.ids=10de:1e04,10de:10f7,10de:1ad6\n" in out, out)
check("groups BDF: one driverctl line per member to bind",
      out.count("driverctl set-override") == 3 and "driverctl set-override 0000:04:00.2 vfio-pci" in out, out)
rc, out2, err = run("groups", "04:00.0", HOST)
check("groups BDF SOURCE: either order", rc == 0 and out2 == out, (rc, err))
rc, out, err = run("groups", HOST, "00:1c.0")
check("groups: a bridge member needs nothing (pcieport manages its DMA)",
      "driver pcieport; nothing: a bridge, its driver manages DMA itself" in out, out)
rc, out, err = run("groups", "--json", HOST, "04:00.0")
m = json.loads(out)["members"] if rc == 0 else []
check("groups BDF --json: members with driver and bind_vfio", [x["bind_vfio"] for x in m] == [True, True, True, False]
      and m[0]["driver"] == "nvidia" and m[3]["driver"] is None and m[3]["dma_owner"] == "unbound", m)

rc, a, _ = run("show", "04:00.0", HOST)
rc2, b, err = run("show", HOST, "04:00.0")
check("show: BDF SOURCE and SOURCE BDF give the same", rc == rc2 == 0 and a == b and "10de:1e04" in a, (rc2, err))
rc, out, err = run("groups", "--dot", "--compare", HOST)
check("groups: two views at once is a usage error, said", rc == 2 and "choose one" in err, (rc, err))
rc, out, err = run("tree", "--bridges", "--json", HOST)
check("tree --bridges --json: a conflict said, not resolved silently", rc == 2 and "--bridges is a text view" in err, err)
rc, out, err = run("check", "--verbose", "--json", HOST)
check("check --verbose --json: the JSON, and a note that --verbose does nothing there",
      rc == 1 and out.startswith("{") and "--verbose changes the text only" in err, err)
rc, out, err = run("check", "--verbose", HOST, "04:00.0")
check("check --verbose: pcilu's group number is said to be pcilu's", "IOMMU group 21 (pcilu's number)" in out, out)

# groups --cmdline X --diff: one run instead of two and a hand diff. Clearing RR on
# downstream port 03:09.0 (__pci_config_acs() reads the mask from the right: SV, TB,
# RR, ...; "xx0xx" clears RR) leaves 05:00.0 unisolated: it joins 03:09.0's group.
rc, out, err = run("groups", "--cmdline", "intel_iommu=on pci=config_acs=xx0xx@0000:03:09.0", "--acs=linux",
                   "--diff", HOST)
check("groups --diff: the merge config_acs causes, and the ACS change, exit 1", rc == 1
      and "group-merged    2 groups merge into one: 0000:03:09.0, 0000:05:00.0" in out
      and "0000:03:09.0: ACS Control SV|RR|CR|UF -> SV|CR|UF" in out, (rc, out, err))
rc, out, err = run("groups", "--cmdline", "intel_iommu=off", "--diff", HOST)
check("groups --diff: turning the IOMMU off is said, exit 1", rc == 1 and "IOMMU: on -> off" in out, (rc, out))
rc, out, err = run("groups", "--cmdline", "BOOT_IMAGE=/vmlinuz-7.2.13 root=/dev/sda2 ro intel_iommu=on iommu=pt",
                   "--diff", HOST)
check("groups --diff: the recorded command line again changes nothing, exit 0", rc == 0 and "none" in out, (rc, out))
rc, out, err = run("groups", "--diff", HOST)
check("groups --diff without --cmdline: usage error", rc == 2 and "--diff needs --cmdline" in err, (rc, err))

if pcilutest.have_shared(H310):
    kgroup, cur = {}, None
    for line in open(H310, encoding="utf-8", errors="replace"):
        mm = re.match(r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ", line)
        if mm:
            cur = "0000:" + mm.group(1)
        mm = re.match(r"\s+IOMMU group: (\d+)", line)
        if mm and cur:
            kgroup[cur] = int(mm.group(1))
    sizes = {}
    for g in kgroup.values():
        sizes[g] = sizes.get(g, 0) + 1
    rc, out, err = run("check", "--json", H310)
    d = json.loads(out)
    bad = [x["bdf"] for x in d["devices"] if x["verdicts"][0]["eligible"] and sizes[kgroup[x["bdf"]]] > 1]
    check("H310: no v4-eligible device sits in a shared kernel group", not bad, bad)
    single = sorted(x["bdf"] for x in d["devices"] if sizes[kgroup[x["bdf"]]] == 1)
    check("H310: 8 endpoints judged, 3 platform functions left out; v4 eligible are the kernel's singletons",
          len(d["devices"]) == 8 and d["counts"]["v4"]["eligible"] == 2 and single == ["0000:00:17.0", "0000:02:00.0"],
          (len(d["devices"]), d["counts"], single))
    rc, out, err = run("check", H310)
    check("H310 text: the kernel's group numbers", "kernel group 1 also holds 00:01.0" in out, out)
    rc, out, err = run("check", H310, "01:00.0")
    check("H310 check BDF: the kernel's number first, pcilu's beside it",
          re.search(r"IOMMU group 1 \(the kernel's number; pcilu's is \d+\)", out), out)
    rc, out, err = run("groups", H310, "01:00.0")
    # The log was taken with lspci -k: nouveau and snd_hda_intel hold the GPU's functions.
    check("H310 groups BDF: the kernel's group, the drivers lspci -k recorded, what to bind",
          "in the kernel's IOMMU group 1 (/sys/kernel/iommu_groups/1)" in out and "driver nouveau; bind to vfio-pci" in out
          and "driver pcieport; nothing: a bridge" in out and "vfio-pci.ids=10de:1244,10de:0bee\n" in out, out)
# "undecided" fills its column: the reason still stands apart (a 64-byte read of a host
# whose groups the source does not carry, so what needs the capabilities is undecided).
with tempfile.TemporaryDirectory() as t:
    cut = os.path.join(t, "sysfs")
    shutil.copytree(os.path.join(os.environ["PCILU_SRCDIR"], "tests", "qemu", "golden", "switch", "sysfs"), cut,
                    symlinks=True)
    for root, dirs, files in os.walk(cut):
        if "config" in files:
            p = os.path.join(root, "config")
            data = open(p, "rb").read()[:64]
            open(p, "wb").write(data)
        if "iommu_group" in files + dirs:  # a link to a folder: os.walk lists it with the folders
            os.unlink(os.path.join(root, "iommu_group"))
    shutil.rmtree(os.path.join(cut, "kernel"))
    rc, out, err = run("check", cut)
    rows = [x for x in out.splitlines() if re.match(r"  [0-9a-f]{2}:", x)]
    check("64-byte read: exit 3, undecided rows, each reason a word apart from the last column",
          rc == 3 and rows and all(re.search(r"undecided +eligible +undecided [a-z]", x) for x in rows), out)
pcilutest.finish()
