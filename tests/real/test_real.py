#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Real machines: `pcilu groups FILE --compare` on every pasted `lspci -vv` in tests/real/.

Each machine must match the kernel's groups (the IOMMU group lines in the text), or
its difference must be the one tests/real/README.md lists for it and
docs/findings.md explains. The agreement figure in the README must be the one
measured here, so it cannot go stale.
"""
import json
import os
import re
import sys

from pcilutest import check, finish, run

SRC = os.environ["PCILU_SRCDIR"]
HERE = os.path.join(SRC, "tests", "real")
README = os.path.join(HERE, "README.md")
FINDINGS = os.path.join(SRC, "docs", "findings.md")

ROW = re.compile(r"^\| `([^`]+\.txt)` \|.*\| (match|match, ungrouped|differs: [a-z-]+) \|\s*$")
FIGURE = re.compile(r"Agreement: (\d+)/(\d+) machines")


def table():
    rows = {}
    with open(README) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                rows[m.group(1)] = m.group(2)
    return rows


def outcome(path):
    """'match', 'match, ungrouped' (identical, and the kernel left devices in no
    group, as pcilu does), or the difference lines."""
    rc, out, err = run("groups", path, "--compare")
    diffs = [l.strip() for l in out.splitlines() if l.startswith("  ") and "none:" not in l]
    if rc == 0 and "partitions are identical" in out:
        doc = json.loads(run("groups", path, "--json")[1])
        return ("match, ungrouped" if doc["ungrouped"] else "match"), diffs, err
    return "differs", diffs, err


def main():
    rows = table()
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".txt"))
    check("every machine file has a README row", set(files) == set(rows),
          f"files {sorted(set(files) - set(rows))} rows {sorted(set(rows) - set(files))}")
    with open(FINDINGS) as f:
        findings = f.read()
    matched = 0
    for name in files:
        got, diffs, err = outcome(os.path.join(HERE, name))
        want = rows.get(name, "")
        check(f"{name}: read as decoded text", "decoded lspci text" in err, err[-300:])
        if want.startswith("differs: "):
            why = want[len("differs: "):]
            check(f"{name}: differs from the kernel as listed ({why})", got == "differs",
                  "\n".join(diffs))
            check(f"{name}: the difference is explained in docs/findings.md",
                  f"`{why}`" in findings and name in findings)
        else:
            check(f"{name}: {want}", got == want, got + "\n" + "\n".join(diffs[:8]))
            if got == "match, ungrouped":
                check(f"{name}: why the kernel left devices ungrouped is in docs/findings.md",
                      "`amd-ivrs-ungrouped`" in findings)
        matched += got.startswith("match")
    with open(README) as f:
        m = FIGURE.search(f.read())
    check("the README's agreement figure is the measured one",
          m and (int(m.group(1)), int(m.group(2))) == (matched, len(files)),
          f"measured {matched}/{len(files)}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
