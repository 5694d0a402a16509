# SPDX-License-Identifier: GPL-2.0-or-later
"""The report and the picture where people look at them: pcilu report for the example
host, the H310 board and a generated 1,000-function host, each loaded in headless
Chromium (report.mjs: no console error, clicking a row outlines its node, the filter
works, a screenshot is saved in the build directory); the SVG of each is well-formed
XML holding every device of the host exactly once. Suite `browser`: without chromium,
node or tests/browser/node_modules it is skipped with a message (CI installs them)."""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pcilutest
from pcilutest import check, run

SRC = os.environ["PCILU_SRCDIR"]
OUT = os.environ.get("PCILU_BUILDDIR", os.path.dirname(os.path.dirname(os.environ["PCILU"])))
HERE = os.path.join(SRC, "tests", "browser")
DATA = os.environ.get("PCILU_SHARED_DATA", "")
node = shutil.which("node")
chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
missing = [w for w, ok in (("node", node), ("chromium", os.path.exists(chromium)),
                           ("tests/browser/node_modules (npm ci --prefix tests/browser)",
                            os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")))) if not ok]
if missing:
    if os.environ.get("CI") == "true":
        print("not ok - missing in CI: " + ", ".join(missing))
        sys.exit(1)
    pcilutest.skip("browser test needs " + ", ".join(missing))

hosts = [("host", os.path.join(SRC, "examples", "host.json"), "0000:04:00.0")]
h310 = os.path.join(DATA, "coreboot-port-logs", "h310-ecs-h310ch5", "lspci.log")
if pcilutest.have_shared(h310):
    hosts.append(("h310", h310, "0000:01:00.0"))
gen = os.path.join(OUT, "browser-h1000.json")
subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen.py"), "-n", "1000", "-o", gen], check=True)
hosts.append(("h1000", gen, None))

for name, src, bdf in hosts:
    svg = os.path.join(OUT, f"browser-{name}.svg")
    rc, out, err = run("draw", src, "-o", svg)
    check(f"{name}: draw writes the SVG", rc == 0, (rc, err))
    rc, out, err = run("tree", "--json", "--no-names", src)
    want = set()

    def walk(n):
        want.add(n["bdf"])
        for k in n.get("children", []) + n.get("vfs", []):
            walk(k)
    for r in __import__("json").loads(out)["roots"]:
        for n in r.get("devices", []):
            walk(n)
    try:
        root = ET.parse(svg).getroot()
        titles = [t.text for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"
                  for t in g.findall("{http://www.w3.org/2000/svg}title")]
        ok = True
    except ET.ParseError as e:
        titles, ok = [], e
    devices = [t for t in titles if not t.startswith("legend_")]
    check(f"{name}: the SVG is well-formed XML", ok is True, ok)
    check(f"{name}: every device of the host appears exactly once ({len(want)})",
          sorted(devices) == sorted(want) and len(devices) == len(set(devices)),
          (len(devices), len(want), sorted(set(devices) ^ want)[:5]))
    if not bdf:
        continue
    html = os.path.join(OUT, f"browser-{name}.html")
    rc, out, err = run("report", src, "-o", html)
    check(f"{name}: report writes the page", rc == 0, (rc, err))
    p = subprocess.run([node, os.path.join(HERE, "report.mjs"), html, os.path.join(OUT, f"browser-{name}.png"), bdf],
                       capture_output=True, text=True, timeout=120, cwd=HERE)
    for line in p.stdout.splitlines():
        check(f"{name} in chromium: {line.split(' - ', 1)[-1]}", line.startswith("ok"), line)
    check(f"{name} in chromium: the driver ran to the end", p.returncode == 0 and "not ok" not in p.stdout,
          (p.returncode, p.stderr[-800:]))
pcilutest.finish()
