#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Strings from inputs never act on a terminal and never break JSON (issue 16, item 3).

A spec and a copied sysfs tree carry driver names, a kernel release, group links and
a file name holding ESC sequences, newlines, C1 controls and bytes that are not UTF-8.
Text output must contain no control byte but the line ends and tabs pcilu writes
itself, so no input can forge a line such as "v4 eligible"; JSON output must be valid
UTF-8 and parse."""
import json
import os
import tempfile

import pcilutest
from pcilutest import check, finish

FORGED = "\n0000:00:00.0 8086:1234: v4 eligible, next eligible, iommufd eligible"
EVIL = "drv\x1b[2J\x1b]0;title\x07" + FORGED


def raw(*args):
    """pcilu ARGS, stdout and stderr as bytes."""
    import subprocess
    p = subprocess.run([os.environ["PCILU"], *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def clean(data):
    """No control byte but \\n and \\t, no C1 control (U+0080-U+009F) in UTF-8."""
    text = data.decode("utf-8", "replace")
    return not any((ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f for c in text)


def forged(data):
    return any(line.startswith(b"0000:00:00.0 8086:1234: v4 eligible") for line in data.split(b"\n"))


tmp = tempfile.TemporaryDirectory()
T = tmp.name

# A spec: JSON escapes carry the control characters in. A driver name is checked and
# refused (exit 2), with the value quoted escaped; the kernel release is free text.
spec = os.path.join(T, "evil-driver.json")
with open(spec, "w") as f:
    json.dump({"devices": [{"slot": "02.0", "id": "8086:1572", "class": "020000", "driver": EVIL}]}, f)
rc, out, err = raw("check", "--no-names", spec)
check("spec: a driver name with controls is refused, quoted escaped", rc == 2 and clean(err) and not forged(err)
      and b'"driver": "drv\\x1b[2J\\x1b]0;title\\x07\\x0a0000:00:00.0' in err, err)
spec = os.path.join(T, "evil-kernel.json")
with open(spec, "w") as f:
    json.dump({"kernel": "7.4.0\x1b]0;pwned\x07" + FORGED, "cmdline": "quiet\x1b[2J" + FORGED, "iommu": "on",
               "devices": [{"slot": "02.0", "id": "8086:1572", "class": "020000", "iommu_group": 1}]}, f)
for args in (("show", "--no-names", "00:02.0", spec), ("check", "--no-names", spec),
             ("groups", "--no-names", spec), ("tree", "--no-names", spec), ("groups", "--dot", spec),
             ("plan", "--no-names", "-o", os.path.join(T, "m.dtb"), "0000:00:02.0", spec)):
    rc, out, err = raw(*args)
    check(f"spec: {args[0]} {args[1]}: output and messages hold no control byte", rc in (0, 1, 3)
          and clean(out) and clean(err), (rc, out[-300:], err[-300:]))
    check(f"spec: {args[0]} {args[1]}: no forged verdict line", not forged(out) and not forged(err))
rc, out, _ = raw("check", "--no-names", spec)
check("spec: the kernel release is shown escaped", b"7.4.0\\x1b]0;pwned\\x07\\x0a0000:00:00.0" in out, out[:400])
rc, out, _ = raw("check", "--no-names", "--json", spec)
d = json.loads(out.decode("utf-8", "strict"))
check("spec: check --json keeps the kernel release as the spec gave it",
      d["host"]["kernel_release"] == "7.4.0\x1b]0;pwned\x07" + FORGED, d["host"]["kernel_release"])

# A copied sysfs tree: a driver link and an iommu_group link whose names are not text.
dev = os.path.join(T, "sys", "bus", "pci", "devices", "0000:00:00.0")
os.makedirs(dev)
with open(os.path.join(dev, "config"), "wb") as f:
    f.write(bytes.fromhex("8680c029000000000000000600000000") + bytes(48))
os.symlink(b"../../../bus/pci/drivers/n\xff\xfe\xc2\x9b1m\x1b[31m" + FORGED.encode(),
           os.path.join(dev.encode(), b"driver"))
os.symlink(b"../../../kernel/iommu_groups/7\x1b[2J", os.path.join(dev.encode(), b"iommu_group"))
tree = os.path.join(T, "sys")
for args in (("show", "--no-names", "00:00.0", tree), ("tree", "--no-names", tree), ("check", "--no-names", tree)):
    rc, out, err = raw(*args)
    check(f"sysfs: {args[0]}: no control byte, no C1, no forged line", clean(out) and clean(err)
          and not forged(out) and not forged(err), (rc, out[-300:], err[-300:]))
rc, out, err = raw("show", "--no-names", "00:00.0", tree)
check("sysfs: the group link's value is quoted escaped in the warning", b"names '7\\x1b[2J'" in err, err)
check("sysfs: bytes that are not UTF-8 and C1 controls escaped", b"n\\xff\\xfe\\xc2\\x9b1m\\x1b[31m" in out, out)
for cmd in ("show", "check", "groups", "tree"):
    args = (cmd, "--no-names", "--json") + (("00:00.0",) if cmd == "show" else ()) + (tree,)
    rc, out, err = raw(*args)
    try:
        json.loads(out.decode("utf-8", "strict"))
        ok = True
    except (UnicodeDecodeError, ValueError) as e:
        ok = e
    check(f"sysfs: {cmd} --json is valid UTF-8 JSON", ok is True, (rc, ok, out[:200]))

# A file name with an ESC sequence, named in a message.
bad = os.path.join(T, "x\x1b[2Jy.lspci")
with open(bad, "w") as f:
    f.write("not a dump\n")
rc, out, err = raw("tree", bad)
check("a file name in a message is escaped", rc == 2 and b"x\\x1b[2Jy.lspci" in err and clean(err), err)

# The report and the picture carry input text into HTML, SVG and DOT: markup in a
# driver name, the kernel release and the command line must come out as text.
spec = os.path.join(T, "evil-markup.json")
with open(spec, "w") as f:
    json.dump({"kernel": "7.4.0</title><script>alert(1)</script>", "cmdline": 'quiet "x" \\ <b>\x1b[2J',
               "iommu": "on", "devices": [{"slot": "02.0", "id": "8086:1572", "class": "020000", "iommu_group": 1,
                                           "driver": "<img src=x onerror=alert(1)>"}]}, f)
html = os.path.join(T, "evil.html")
rc, out, err = raw("report", "--no-names", spec, "-o", html)
if rc == 2 and b"not a" in err and b"driver" in err:
    print("# the spec refuses that driver name: report escaping checked on the kernel and command line only")
    with open(spec, "w") as f:
        json.dump({"kernel": "7.4.0</title><script>alert(1)</script>", "cmdline": 'quiet "x" <b>\x1b[2J',
                   "iommu": "on", "devices": [{"slot": "02.0", "id": "8086:1572", "class": "020000", "iommu_group": 1}]}, f)
    rc, out, err = raw("report", "--no-names", spec, "-o", html)
if rc == 0:
    page = open(html, "rb").read()
    check("report: markup from the input is escaped (no <script>, no <img> from the input)",
          b"<script>alert" not in page and b"<img" not in page and b"&lt;script&gt;" in page and clean(page), page[:200])
    check("report: control bytes shown escaped, the page is the only script", page.count(b"<script>") == 1, None)
else:
    check("report on a spec with markup: written", False, (rc, err))
svg = os.path.join(T, "evil.svg")
rc, out, err = raw("draw", "--no-names", spec, "-o", svg)
if rc == 0:
    import xml.etree.ElementTree as ET
    try:
        ET.parse(svg)
        ok = True
    except ET.ParseError as e:
        ok = e
    check("draw: the SVG stays well-formed XML with markup in the input", ok is True, ok)
# The source's name is in the picture's title: a quote and a backslash in it.
odd = os.path.join(T, 'odd "name" \\ x.json')
__import__("shutil").copy(spec, odd)
rc, out, err = raw("draw", "--no-names", "--format", "dot", odd)
dot = __import__("shutil").which("dot")
if dot:
    p = __import__("subprocess").run([dot, "-Tsvg"], input=out, capture_output=True)
    check("draw --format dot: a quote and a backslash in the source name escaped; Graphviz's dot reads it",
          rc == 0 and clean(out) and p.returncode == 0 and b'odd \\"name\\" \\\\ x.json' in out,
          (rc, p.stderr[-300:], out[:400]))
finish()
