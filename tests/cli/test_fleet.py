# SPDX-License-Identifier: GPL-2.0-or-later
"""The fleet questions on a generated fleet of 300 hosts (bench/fleet.py): pcilu check
--json-lines on every host, DuckDB over the files, every answer checked against the
generator's own description of each host. Skipped without node or DuckDB's node API
(npm ci --prefix examples/fleet); under CI=true that is a failure."""
import os
import shutil
import subprocess
import sys

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
pcilutest.finish()
