# SPDX-License-Identifier: GPL-2.0-or-later
"""Physical slots: show decodes Link and Slot Capabilities as lspci does (lspci's own
decode in the H310 log is the oracle); slot advice names only ports with a physical
slot, never one narrower or slower than the card's link, and never moves an on-board
device; check --slots says plainly whether a card there gets its own group."""
import json
import os
import re
import tempfile

import pcilutest
from pcilutest import check, run

DATA = os.environ.get("PCILU_SHARED_DATA", "")
H310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")

# A board by hand: slot 1 (x4, ACS), slot 2 (x16, ACS), slot 3 (x8, no ACS) holding a
# x16 GPU with two functions, and an on-board port (no slot) holding a NIC that shares
# a group with its port for want of ACS.
spec = {"schema": "pcilu-spec/1", "devices": [
    {"kind": "root_port", "slot": "01.0", "physical_slot": 1, "link": {"gen": 3, "width": 4},
     "acs": {"cap": "SV|RR|CR|UF", "ctrl": "SV|RR|CR|UF"}},
    {"kind": "root_port", "slot": "02.0", "physical_slot": 2, "link": {"gen": 3, "width": 16},
     "acs": {"cap": "SV|RR|CR|UF", "ctrl": "SV|RR|CR|UF"}},
    {"kind": "root_port", "slot": "03.0", "physical_slot": 3, "link": {"gen": 3, "width": 8}, "acs": False,
     "children": [{"id": "10de:1e04", "class": "030000", "link": {"gen": 3, "width": 16}},
                  {"id": "10de:10f7", "class": "040300", "fn": 1}]},
    {"kind": "root_port", "slot": "1c.0", "link": {"gen": 2, "width": 1}, "acs": False,
     "children": [{"id": "8086:1533", "class": "020000", "link": {"gen": 2, "width": 1}}]},
]}
tmp = tempfile.mkdtemp()
board = os.path.join(tmp, "board.json")
with open(board, "w") as f:
    json.dump(spec, f)

rc, out, err = run("show", "00:03.0", board)
check("show: the port's link and slot", rc == 0 and "link:         x8 8 GT/s (capable of x8 8 GT/s)" in out
      and "slot:         physical slot 3" in out, (rc, out, err))
rc, out, err = run("show", "00:1c.0", board)
check("show: a port without Slot Implemented says what is below is on-board",
      "slot:         none (Slot Implemented is 0" in out, out)

rc, out, err = run("check", "--kernel", "v4", board, "03:00.0")
fix = [l for l in out.splitlines() if "fix:" in l]
check("GPU in a port without ACS: the fix names slot 2 (x16, ACS) and not slot 1 (x4: narrower than the card)",
      fix and "slot 2, x16" in fix[0] and "slot 1," not in fix[0] and "(slot 3" not in fix[0], fix)
rc, out, err = run("check", "--kernel", "v4", board, "04:00.0")
fix = [l for l in out.splitlines() if "fix:" in l]
check("NIC below an on-board port: never told to move, told why", fix and "on-board" in fix[0]
      and "cannot be moved" in fix[0] and "slots that" not in fix[0], (out, err))
rc, out, err = run("check", "--slots", "--kernel", "v4", board)
rows = {l.split()[0]: l for l in out.splitlines() if re.match(r"  0000:00:", l)}
check("check --slots: slot number, link and a plain own-group column",
      "slot 2" in rows.get("0000:00:02.0", "") and "x16 8 GT/s" in rows["0000:00:02.0"]
      and "own group: yes" in rows["0000:00:02.0"] and "own group: no" in rows.get("0000:00:03.0", "")
      and "on-board" in rows.get("0000:00:1c.0", ""), rows)

if pcilutest.have_shared(H310):
    # lspci decoded the same registers in the log itself: LnkCap, LnkSta, SltCap.
    text = open(H310, encoding="utf-8", errors="replace").read()
    for bdf in ("00:01.0", "00:1c.0"):
        block = text[text.index("\n" + bdf) + 1:]
        block = block[:block.index("\n\n")] if "\n\n" in block else block
        cap = re.search(r"LnkCap:\s+Port #\d+, Speed ([\d.]+)GT/s, Width x(\d+)", block)
        sta = re.search(r"LnkSta:\s+Speed ([\d.]+)GT/s(?: \([^)]*\))?, Width x(\d+)", block)
        slot = re.search(r"Slot #(\d+), PowerLimit ([\d.]+)W", block)
        rc, out, err = run("show", bdf, H310)
        want = f"link:         x{sta.group(2)} {sta.group(1)} GT/s (capable of x{cap.group(2)} {cap.group(1)} GT/s)"
        check(f"H310 {bdf}: link as lspci decodes it", want in out, (want, out))
        if slot:
            m = re.search(r"slot:         physical slot (\d+), power limit ([\d.]+) W", out)
            check(f"H310 {bdf}: slot number and power limit as lspci decodes them",
                  m and m.group(1) == slot.group(1) and float(m.group(2)) == float(slot.group(2)), (slot.groups(), out))
pcilutest.finish()
