#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Versioned quirk tables: --kernel-release 7.2|7.3, else the release the source records.

The one group-relevant difference between 7.2.13 and 7.3-rc7 is a DMA-alias entry,
SWITCHTEC_PCI100X_QUIRK(0x1008) (EFAR 1055:1008, class "bridge other" only;
../shared/research/liveupdate-2026-12.md §6). Its aliases are read from BAR0 at run
time, so pcilu cannot know them: under the 7.3 tables the device is said to have
aliases (assumption mmio-dma-alias) and the iommufd profile gives it the dma-alias
caveat (docs/rules.md); under 7.2 it is an ordinary RCiEP. The 7.2 Switchtec entries (11f8:8531)
apply under both; the class test keeps a 11f8:8531 NIC out. Expectations from the
kernel's table by hand."""
import json
import os
import tempfile

from pcilutest import check, finish, run


def spec(path, kernel=None, devs=()):
    doc = {"schema": "pcilu-spec/1", "cmdline": "intel_iommu=on", "devices": list(devs)}
    if kernel:
        doc["kernel"] = kernel
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def verdict(src, bdf, *opts):
    rc, out, err = run("check", "--json", "--all", *opts, src)
    d = json.loads(out) if out else {}
    v = {x["bdf"]: {p["profile"]: p for p in x["verdicts"]} for x in d.get("devices", [])}
    kinds = [a["kind"] for a in d.get("assumptions", []) if a.get("device") == bdf]
    return v.get(bdf, {}), kinds, err


with tempfile.TemporaryDirectory() as t:
    ntb = {"slot": "02.0", "kind": "rciep", "id": "1055:1008", "class": "068000"}
    old = {"slot": "03.0", "kind": "rciep", "id": "11f8:8531", "class": "068000"}
    nic = {"slot": "04.0", "kind": "rciep", "id": "11f8:8531", "class": "020000"}
    plain = spec(os.path.join(t, "plain.json"), None, [ntb, old, nic])
    v, kinds, err = verdict(plain, "0000:00:02.0")
    check("no release recorded: the 7.2 tables, 1055:1008 is an ordinary RCiEP (no assumption, no dma-alias caveat)",
          v.get("v4", {}).get("state") == "eligible" and "mmio-dma-alias" not in kinds
          and not v.get("iommufd", {}).get("reasons"), (v.get("iommufd"), kinds, err))
    v, kinds, err = verdict(plain, "0000:00:02.0", "--kernel-release", "7.3")
    check("--kernel-release 7.3: aliases read from BAR0, assumed unknown; iommufd carries the dma-alias caveat",
          [(r["rule"], r["severity"]) for r in v.get("iommufd", {}).get("reasons", [])] == [("dma-alias", "caveat")]
          and kinds == ["mmio-dma-alias"], (v.get("iommufd"), kinds, err))
    v, kinds, err = verdict(spec(os.path.join(t, "k73.json"), "7.3.0-rc7-amd64", [ntb]), "0000:00:02.0")
    check("a source recording 7.3.0-rc7 gets the 7.3 tables without asking", kinds == ["mmio-dma-alias"], (kinds, err))
    v, kinds, err = verdict(spec(os.path.join(t, "k72.json"), "7.3.0-rc7-amd64", [ntb]), "0000:00:02.0",
                            "--kernel-release", "7.2")
    check("--kernel-release 7.2 beats the recorded 7.3", kinds == [] and v.get("v4", {}).get("state") == "eligible",
          (kinds, v.get("v4")))
    v, kinds, err = verdict(plain, "0000:00:03.0")
    check("a 7.2 Switchtec entry (11f8:8531, bridge other) applies under 7.2", kinds == ["mmio-dma-alias"], kinds)
    v, kinds, err = verdict(plain, "0000:00:04.0", "--kernel-release", "7.3")
    check("the same ids with another class are not the quirk's (class bridge-other only)", kinds == [], kinds)
    rc, out, err = run("groups", "--kernel-release", "7.4", plain)
    check("--kernel-release 7.4: a usage error naming what is modelled", rc == 2 and "7.2 or 7.3" in err, (rc, err))
    rc, out, err = run("groups", plain, "--kernel-release", "7.3")
    check("groups names the assumption in its notes", "BAR0" in out, out[-400:])
raise SystemExit(finish())
