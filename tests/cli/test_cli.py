#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CLI tests for tree and show on a real dump. Expected values were checked by hand
against lspci's own -vvv decode in the same file (ACSCap/ACSCtl lines)."""
import json
import os

from pcilutest import check, finish, have_shared, run

DATA = os.environ["PCILU_SHARED_DATA"]
H310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")
have_shared(H310)

rc, out, err = run("tree", H310)
check("tree exits 0", rc == 0, err)
# 00:1c.0: ACSCap SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+, ACSCtl all minus (lspci -vvv in the file)
check("tree shows PCH root port ACS", "00:1c.0 8086:a294" in out and "[ACS cap SV|TB|RR|CR ctl none]" in out, out)
check("tree nests the NIC below 00:1c.0", "|   `-- 02:00.0 10ec:8168" in out, out)
check("tree shows a device pci.ids lacks by id", "00:1f.0 8086:a2ca" in out, out)

rc, out, err = run("tree", "--json", "--no-names", H310)
doc = json.loads(out)
check("tree json schema", doc["schema"] == "pcilu-tree/1")
check("tree json counts 14 functions", doc["functions"] == 14)
root = doc["roots"][0]
rp = [d for d in root["devices"] if d["bdf"] == "0000:00:1c.0"][0]
check("tree json ACS of 00:1c.0", rp["acs"]["cap"] == ["SV", "TB", "RR", "CR"] and rp["acs"]["ctrl"] == [])
check("tree json child", [c["bdf"] for c in rp["children"]] == ["0000:02:00.0"])
check("tree json no names with --no-names", "vendor_name" not in rp)

rc, out, err = run("show", "--json", "0000:00:1c.0", H310)
dev = json.loads(out)["device"]
check("show json secondary bus", dev["secondary_bus"] == "02" and dev["subordinate_bus"] == "02")
check("show json kernel group", dev.get("kernel_iommu_group") == 5 and dev.get("driver") == "pcieport")
check("show json ext caps", [c["name"] for c in dev["extended_capabilities"]] == ["AER", "ACS"])

rc, out, err = run("show", "00:1c.7", H310)
check("show of a missing device exits 2", rc == 2 and "no device 0000:00:1c.7" in err, err)
rc, out, err = run("show", "zz", H310)
check("show of a bad address exits 2", rc == 2 and "not a PCI address" in err, err)
rc, out, err = run("tree", "/nonexistent/file")
check("missing file exits 2 naming it", rc == 2 and "/nonexistent/file" in err, err)
rc, out, err = run("nosuchcommand")
check("unknown command exits 2", rc == 2)
rc, out, err = run("tree", "-", stdin=open(H310).read())
check("stdin source", rc == 0 and "00:1c.0" in out, err)

finish()
