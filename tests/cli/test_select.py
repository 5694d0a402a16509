# SPDX-License-Identifier: GPL-2.0-or-later
"""-s, -d and --driver select what lspci selects: lspci itself (pciutils 3.9) is the
oracle on the same dumps. groups --json lists every selected device (bridges too);
check --all --json the selected endpoints; a grammar lspci refuses, pcilu refuses."""
import json
import os
import shutil
import subprocess

import pcilutest
from pcilutest import check, run

DATA = os.environ.get("PCILU_SHARED_DATA", "")
LSPCI = shutil.which("lspci")
if not LSPCI:
    pcilutest.skip("lspci not installed")
DUMPS = [os.path.join(DATA, p) for p in ("pciutils-tests/tree-asus-p6t6", "pciutils-tests/tree-fujitsu-p8010",
                                         "pciutils-tests/PCI-X-bridges-and-domains")]
DUMPS = [d for d in DUMPS if pcilutest.have_shared(d)]
if not DUMPS:
    pcilutest.skip("no shared dumps")

SLOTS = ["00:1f.3", "1f.3", "00:", "00:1f", ":1f", ".0", ".3", "1f.", "*:*.*", "0:0:0.0", "0000:00:1c.*",
         "*:01:", "2:", "::", "0000::", "1::", "01:00", "1c", "00:1C.0", ""]
IDS = ["8086:", ":3405", "8086:3a40", "10de::", "::0604", "::06", "::06xx", "::0x04", "8086::0c03:20",
       "::0c03:", "*:*", "8086:*:0604", "::xx04", "10DE:"]
BAD_SLOTS = ["0x0:0x0", "100:", "20", "1.8", "1:2:3:4", "g", "0:0.0.0", "-1:", "x" * 70]
BAD_IDS = ["8086", "10000:", ":10000", "::10000", "::0604:100", "1:2:3:4:5", "8086:xx", ""]


def lspci_set(dump, opt, expr):
    p = subprocess.run([LSPCI, "-F", dump, "-D", opt, expr], capture_output=True, text=True)
    return p.returncode, {line.split()[0] for line in p.stdout.splitlines() if line.strip()}


def header_types(dump):
    """Header type per address from lspci -x: byte 0x0e of config space."""
    p = subprocess.run([LSPCI, "-F", dump, "-D", "-x"], capture_output=True, text=True)
    out, cur = {}, None
    for line in p.stdout.splitlines():
        if line and not line.startswith(("0", "1", "2", "3")) or (line and line[4:5] == ":" and " " in line[:14]):
            cur = line.split()[0]
        elif line.startswith("00: ") and cur:
            out[cur] = int(line.split()[15], 16) & 0x7f
    return out


def classes(dump):
    p = subprocess.run([LSPCI, "-F", dump, "-Dn"], capture_output=True, text=True)
    return {line.split()[0]: line.split()[1].rstrip(":") for line in p.stdout.splitlines() if line.strip()}


def pcilu_groups_set(dump, opt, expr):
    rc, out, err = run("groups", "--json", "--no-names", opt, expr, dump)
    if rc != 0:
        return rc, set()
    return rc, {d["bdf"] for d in json.loads(out)["devices"]}


for dump in DUMPS:
    name = os.path.basename(dump)
    hdr = header_types(dump)
    cls = classes(dump)
    check(f"{name}: lspci -x gives every header type", len(hdr) > 5, len(hdr))
    for opt, exprs in (("-s", SLOTS), ("-d", IDS)):
        for e in exprs:
            lrc, want = lspci_set(dump, opt, e)
            prc, got = pcilu_groups_set(dump, opt, e)
            check(f"{name}: groups {opt} '{e}' selects what lspci selects ({len(want)})",
                  lrc == 0 and prc == 0 and got == want, (lrc, prc, sorted(want ^ got)[:6]))
            # check judges the selected endpoints: type-0 functions but host bridges (class 0600).
            ends = {a for a in want if hdr.get(a) == 0 and cls.get(a) != "0600"}
            rc, out, err = run("check", "--all", "--json", "--no-names", opt, e, dump)
            if ends:
                got = {d["bdf"] for d in json.loads(out)["devices"]} if rc in (0, 1, 3) else set()
                check(f"{name}: check {opt} '{e}' judges the selected endpoints",
                      got == ends, (rc, err, sorted(got ^ ends)[:6]))
            else:
                check(f"{name}: check {opt} '{e}': no endpoint selected is an error naming the selection",
                      rc == 2 and "no endpoint matches" in err, (rc, err))
    # tree draws the selected devices and the bridges above them; show prints each one.
    for opt, e in (("-s", "00:1f"), ("-s", ".1"), ("-d", "8086:"), ("-d", "::0c03"), ("-s", "*:01:")):
        lrc, want = lspci_set(dump, opt, e)
        rc, out, err = run("tree", "--json", "--no-names", opt, e, dump)
        seen = set()

        def walk(n):
            seen.add(n["bdf"])
            for k in n.get("children", []) + n.get("vfs", []):
                walk(k)
        for r in json.loads(out)["roots"] if rc == 0 else []:
            for n in r.get("devices", r.get("children", [])):
                walk(n)
        extra = {a for a in seen - want if hdr.get(a) == 0}
        check(f"{name}: tree {opt} '{e}' draws every selected device, and above them only bridges",
              rc == 0 and want <= seen and not extra, (rc, err, sorted(want - seen)[:4], sorted(extra)[:4]))
        rc, out, err = run("show", "--no-names", opt, e, dump)
        shown = {line.split()[0] for line in out.splitlines() if line[:4].isalnum() and line[4:5] == ":"}
        check(f"{name}: show {opt} '{e}' prints each selected device", (rc == 0 and shown == want) or
              (not want and rc == 2), (rc, sorted(shown ^ want)[:4]))
    for opt, exprs in (("-s", BAD_SLOTS), ("-d", BAD_IDS)):
        for e in exprs:
            lrc, _ = lspci_set(dump, opt, e)
            rc, out, err = run("groups", "--no-names", opt, e, dump)
            check(f"{name}: {opt} '{e[:20]}' refused like lspci (exit 2, says why)",
                  lrc != 0 and rc == 2 and f"{opt} " in err, (lrc, rc, err))

# --driver on the live system: the devices bound to a driver, as sysfs lists them.
drv_root = "/sys/bus/pci/drivers"
drivers = sorted(d for d in os.listdir(drv_root) if any(":" in x for x in os.listdir(os.path.join(drv_root, d)))) \
    if os.path.isdir(drv_root) else []
for drv in drivers[:3]:
    want = {x for x in os.listdir(os.path.join(drv_root, drv)) if x.count(":") == 2}
    rc, out, err = run("groups", "--json", "--no-names", "--driver", drv)
    got = {d["bdf"] for d in json.loads(out)["devices"]} if rc == 0 else set()
    check(f"live --driver {drv}: the devices sysfs binds to it", got == want, (rc, err, got, want))
pcilutest.finish()
