# SPDX-License-Identifier: GPL-2.0-or-later
"""The fleet questions on a generated fleet of 300 hosts (bench/fleet.py): pcilu check
--json-lines on every host, DuckDB over the files, every answer checked against the
generator's own description of each host. Skipped without node or DuckDB's node API
(npm ci --prefix examples/fleet); under CI=true that is a failure."""
import os
import shutil
import subprocess
import sys

import json
import tempfile
import zlib

import pcilutest
from pcilutest import check

SRC = os.environ["PCILU_SRCDIR"]
if not shutil.which("node") or not os.path.isdir(os.path.join(SRC, "examples", "fleet", "node_modules", "@duckdb")):
    if os.environ.get("CI") == "true":
        print("not ok - node or examples/fleet/node_modules missing in CI")
        sys.exit(1)
    pcilutest.skip("needs node and npm ci --prefix examples/fleet")
p = subprocess.run([sys.executable, os.path.join(SRC, "bench", "fleet.py"), "-n", "300", "--pcilu", os.environ["PCILU"]],
                   capture_output=True, text=True, timeout=600)
for line in p.stdout.splitlines():
    if line.startswith(("ok - ", "not ok - ")):
        check(line.split(" - ", 1)[1], line.startswith("ok"), line)
check("bench/fleet.py ran to the end and found no wrong answer", p.returncode == 0, (p.returncode, p.stderr[-1500:]))


def reseal(path, board):
    """A capture whose DMI board name is @board (the QEMU trees carry none), sealed again."""
    s = open(path).read().replace('"board_name": null', f'"board_name": "{board}"')
    tail = ',\n  "crc32": "'
    body = s[:s.rindex(tail)]
    open(path, "w").write(body + tail + "%08x\"\n}\n" % zlib.crc32(body.encode()))


# Captures to fleet lines to DuckDB without a hosts file: the board comes from each
# capture's host record (source.capture.board_name), joined per host.
with tempfile.TemporaryDirectory() as t:
    os.mkdir(os.path.join(t, "checks"))
    want = {}
    for topo in ("switch", "realistic", "sriov"):
        cap = os.path.join(t, topo + ".json")
        subprocess.run([os.environ["PCILU"], "capture", "-o", cap,
                        os.path.join(SRC, "tests", "qemu", "golden", topo, "sysfs")], check=True, capture_output=True)
        reseal(cap, "board-" + topo)
        out = subprocess.run([os.environ["PCILU"], "check", "--json-lines", cap], capture_output=True, text=True).stdout
        open(os.path.join(t, "checks", topo + ".jsonl"), "w").write(out)
        want["board-" + topo] = len(out.splitlines())
    q = subprocess.run(["node", os.path.join(SRC, "examples", "fleet", "query.mjs"), os.path.join(t, "checks"), "--json"],
                       capture_output=True, text=True, timeout=120)
    answers = {a["name"]: a["rows"] for a in json.loads(q.stdout)["answers"]} if q.returncode == 0 else {}
    rows = answers.get("preservable fraction per board model and device class", [])
    got = {}
    for r in rows:
        got[r["board"]] = got.get(r["board"], 0) + int(r["endpoints"])
    check("captures: fleet boards come from each capture's DMI record, every line of every host counted once",
          got == want, (got, want, q.stderr[-500:]))
pcilutest.finish()
