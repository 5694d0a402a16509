#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcilu report on a host too large to lay out (issue 19: every command linear).

Graphviz's layout grows faster than the host (31 s at 10,000 functions), so past
2,048 functions the page carries no picture and says why; the tables stay whole."""
import os
import subprocess
import sys
import tempfile

import pcilutest
from pcilutest import check, finish

SRC = os.environ["PCILU_SRCDIR"]
T = tempfile.mkdtemp(prefix="pcilu-report-")
spec = os.path.join(T, "big.json")
subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen.py"), "-n", "3000", "-o", spec], check=True)
html = os.path.join(T, "big.html")
rc, out, err = pcilutest.run("report", "--no-names", "-o", html, spec)
check("report of 3,000 functions: a verdict, no input error", rc in (0, 1, 3), (rc, err))
page = open(html, encoding="utf-8").read() if os.path.exists(html) else ""
check("no picture, and the page says why", "<svg" not in page and "no picture: 3000 functions" in page)
rows = page.count("<tr data-bdf=")
check("every judged device still has its table row", rows > 2500, rows)
finish()
