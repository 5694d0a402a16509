#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcilu capture: one file that gives every command the answers of the host it came from.

1. Each QEMU golden sysfs tree (the real kernel's groups, tests/qemu/golden) and the
   live /sys of the test machine are captured; every command's JSON on the capture must
   equal its JSON on the tree with only the source object different, and the text
   outputs must be equal once the source's name and description are replaced.
2. A capture taken as a user who cannot read past 64 bytes exits 3, records what it
   read, and every reader warns; never silently incomplete.
3. The seal: one changed byte, a cut end, a reseal with an unknown key or a bad hex
   digit are each refused with a message naming the offset or the JSON path.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import zlib

from pcilutest import check, finish, run

SRC = os.environ["PCILU_SRCDIR"]
GOLDEN = os.path.join(SRC, "tests", "qemu", "golden")
T = tempfile.mkdtemp()
TAIL = ',\n  "crc32": "'


def strip_source(doc):
    """The document without what names its source (the only part allowed to differ):
    the source object, "live", and the kernel named as running here or as the source's."""
    if isinstance(doc, dict):
        return {k: strip_source(v) for k, v in doc.items() if k not in ("source", "a", "b", "live")}
    if isinstance(doc, list):
        return [strip_source(v) for v in doc]
    if isinstance(doc, str):
        return doc.replace("the running kernel", "the source's kernel")
    return doc


def jdoc(*args):
    rc, out, err = run(*args, "--json")
    try:
        return rc, strip_source(json.loads(out)) if out.strip() else None, err
    except json.JSONDecodeError:
        return rc, None, err


def capture(tree, name):
    path = os.path.join(T, name)
    rc, out, err = run("capture", "-o", path, *([tree] if tree else []))
    return rc, path, out, err


def same_answers(label, tree, cap, bdfs):
    """Every command on the tree and on its capture: equal JSON, equal text, equal exit."""
    cmds = [["tree"], ["groups"], ["check"], ["check", "--all"], ["groups", "--compare"]]
    cmds += [["show", b] for b in bdfs[:3]] + [["groups", b] for b in bdfs[:2]]
    if bdfs:
        cmds.append(["simulate", "--preserve", bdfs[-1]])
    bad = []
    for c in cmds:
        a = jdoc(*c, *([tree] if tree else []))
        b = jdoc(*c, cap)
        if c[-1] != "--compare" and (a[0] != b[0] or a[1] != b[1] or a[1] is None):
            bad.append(("json", c, a[0], b[0], (a[2] + b[2])[-300:]))
        ta = run(*c, *([tree] if tree else []))
        tb = run(*c, cap)
        name = tree or "/sys"
        norm = [o.replace(cap, name) for o in (tb[1],)]
        ea = re.sub(r"\(sysfs, [^)]*\)", "(SRC)", ta[1]).replace("the running kernel", "the source's kernel")
        eb = re.sub(r"\(capture of [^)]*\)", "(SRC)", norm[0])
        if ta[0] != tb[0] or ea != eb:
            bad.append(("text", c, ta[0], tb[0], [l for l in zip(ea.splitlines(), eb.splitlines()) if l[0] != l[1]][:3]))
    rc, out, err = run("draw", "--format", "dot", *([tree] if tree else []))
    rc2, out2, err2 = run("draw", "--format", "dot", cap)
    if rc != rc2 or out.replace(tree or "/sys", "") != out2.replace(cap, ""):
        bad.append(("draw", rc, rc2))
    check(f"{label}: {len(cmds)} commands (+draw) give the same answers on the capture", not bad, bad[:3])


def bdfs_of(tree):
    rc, out, err = run("groups", "--json", *([tree] if tree else []))
    doc = json.loads(out)
    return [d for g in doc["groups"] for d in g["devices"]]


def golden():
    for topo in sorted(os.listdir(GOLDEN)):
        tree = os.path.join(GOLDEN, topo, "sysfs")
        if not os.path.isdir(tree):
            continue
        rc, cap, out, err = capture(tree, topo + ".json")
        check(f"{topo}: captured", rc == 0 and "config space complete" in out, out + err)
        same_answers(topo, tree, cap, bdfs_of(tree))
        rc, out, err = run("groups", "--compare", cap)
        check(f"{topo}: the capture carries the kernel's groups and pcilu matches them",
              rc == 0 and "identical" in out, out[-300:] + err[-300:])


def live():
    if not os.path.isdir("/sys/bus/pci/devices") or not os.listdir("/sys/bus/pci/devices"):
        print("# no PCI devices in /sys: live round trip skipped")
        return
    rc, cap, out, err = capture(None, "live.json")
    check("live /sys: captured", rc in (0, 3), out + err)
    doc = json.load(open(cap))
    check("live /sys: the host record (kernel release, boot id, time, pcilu version)",
          doc["kernel"]["release"] == os.uname().release and doc["host"]["hostname"] == os.uname().nodename
          and re.match(r"^[0-9a-f-]{36}$", doc["host"]["boot_id"] or "") and doc["captured_at"].endswith("Z")
          and doc["kernel"]["cmdline"] == open("/proc/cmdline").read().strip(), doc["kernel"])
    check("live /sys: every function in the capture, config bytes as sysfs reads them",
          sorted(f["address"] for f in doc["functions"]) == sorted(os.listdir("/sys/bus/pci/devices")) and
          all(bytes.fromhex(f["config"]) == open(f"/sys/bus/pci/devices/{f['address']}/config", "rb").read()
              for f in doc["functions"]))
    same_answers("live /sys", None, cap, bdfs_of(None))
    rc, out, err = run("check", "--json", cap)
    src = json.loads(out)["source"]
    check("check --json names the capture's host and time in source.capture",
          src["kind"] == "capture" and src["capture"]["hostname"] == os.uname().nodename
          and src["capture"]["captured_at"] == doc["captured_at"], src)


def nonroot():
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("# not root or no setpriv: the non-root capture is not tested here")
        return
    os.chmod(T, 0o777)
    out = os.path.join(T, "user.json")
    tree = os.path.join(GOLDEN, "switch", "sysfs")
    # A copy readable by anyone stands for /sys: the kernel gives non-root 64 bytes, so does this copy.
    cut = os.path.join(T, "user-sysfs")
    shutil.copytree(tree, cut, symlinks=True)
    for root, dirs, files in os.walk(cut):
        if "config" in files:
            p = os.path.join(root, "config")
            data = open(p, "rb").read()[:64]
            open(p, "wb").write(data)
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        os.environ["PCILU"], "capture", "-o", out, cut], capture_output=True, text=True)
    check("a capture that read 64 bytes exits 3 and says why", p.returncode == 3 and "capture as root" in p.stderr,
          p.stdout + p.stderr)
    rc, o, e = run("check", out)
    rc2, o2, e2 = run("check", cut)
    check("reading it warns (captured without root), with the verdicts of the 64-byte tree itself",
          "captured without root" in e and "only 64 bytes" in o and rc == rc2 and
          o.splitlines()[1:] == o2.splitlines()[1:], o[-300:] + e)
    # The live /sys as nobody: the kernel itself cuts config space to 64 bytes.
    if os.path.isdir("/sys/bus/pci/devices") and os.listdir("/sys/bus/pci/devices"):
        out2 = os.path.join(T, "user-live.json")
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            os.environ["PCILU"], "capture", "-o", out2], capture_output=True, text=True)
        check("the live /sys captured as nobody: exit 3, every function 64 bytes",
              p.returncode == 3 and all(len(f["config"]) == 128 for f in json.load(open(out2))["functions"]),
              p.stdout + p.stderr)


def no_groups_dir():
    """A live kernel without kernel/iommu_groups formed no group: the capture must say
    what the live source says (hidden here by a tmpfs on /sys/kernel in a private
    mount namespace)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("# not root or no unshare: the missing kernel/iommu_groups case is not tested here")
        return
    cap = os.path.join(T, "nogroups.json")
    pcilu = os.environ["PCILU"]
    p = subprocess.run(["unshare", "-m", "sh", "-c",
                        f"mount -t tmpfs none /sys/kernel && {pcilu} capture -o {cap} >/dev/null && "
                        f"{pcilu} groups --json"], capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(cap):
        print("# unshare or mount refused here: the missing kernel/iommu_groups case is not tested")
        return
    live = json.loads(p.stdout)
    rc, out, err = run("groups", "--json", cap)
    doc = json.loads(out)
    check("live /sys without kernel/iommu_groups: the capture gives the live answer (off, from sysfs)",
          (doc["iommu"], doc["iommu_from"]) == (live["iommu"], live["iommu_from"]) == ("off", "sysfs"),
          (live["iommu"], live["iommu_from"], doc["iommu"], doc["iommu_from"]))


def reseal(text):
    body = text[:text.rindex(TAIL)]
    return body + TAIL + "%08x\"\n}\n" % zlib.crc32(body.encode())


def damage():
    tree = os.path.join(GOLDEN, "switch", "sysfs")
    rc, cap, out, err = capture(tree, "seal.json")
    text = open(cap).read()
    cases = []
    i = text.index('"config": "') + 20
    flipped = text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1:]
    cases.append(("one config digit changed", flipped, r"crc32 [0-9a-f]{8} recorded, [0-9a-f]{8} computed"))
    cases.append(("cut short", text[:len(text) // 2], r"does not end with its \"crc32\" member"))
    cases.append(("an unknown key, resealed", reseal(text.replace('"iommus":', '"iommuz":', 1)),
                  r"unknown key \"iommuz\""))
    cases.append(("a bad hex digit, resealed", reseal(text[:i] + "g" + text[i + 1:]),
                  r"/functions/0: \"config\": 'g' at digit"))
    cases.append(("a newer schema, resealed", reseal(text.replace("pcilu-capture/1", "pcilu-capture/2", 1)),
                  r"this pcilu reads pcilu-capture/1"))
    cases.append(("a function without an address, resealed",
                  reseal(re.sub(r'"address": "[^"]*",\n\s*', "", text, count=1)), r"\"address\" and \"config\" are required"))
    for name, data, want in cases:
        p = os.path.join(T, "bad.json")
        open(p, "w").write(data)
        rc, o, e = run("groups", p)
        check(f"capture {name}: refused (exit 2) with a message naming where", rc == 2 and re.search(want, e) and "bad.json" in e,
              e[-400:])
    rc, o, e = run("groups", cap)
    check("the intact capture reads", rc == 0, e[-300:])


def usage():
    fifo = os.path.join(T, "fifo")
    os.mkfifo(fifo)
    rc, o, e = run("capture", "-o", fifo, os.path.join(GOLDEN, "switch", "sysfs"), timeout=20)
    check("capture -o onto a FIFO: refused, nothing blocks", rc == 2 and ("not a regular file" in e.lower() or "FIFO" in e), e)
    rc, o, e = run("capture", "--json")
    check("capture --json without -o: a usage error (the capture is JSON itself)", rc == 2 and "-o FILE" in e, e)
    rc, o, e = run("capture", "--json", "-o", os.path.join(T, "j.json"), os.path.join(GOLDEN, "switch", "sysfs"))
    doc = json.loads(o) if rc == 0 else {}
    check("capture --json -o: pcilu-capture-run/1 with the count", doc.get("schema") == "pcilu-capture-run/1"
          and doc.get("functions") == len(os.listdir(os.path.join(GOLDEN, "switch", "sysfs", "bus", "pci", "devices")))
          and doc.get("partial") == 0, o + e)
    rc, o, e = run("capture", os.path.join(T, "nothing-here"))
    check("capture of a folder that is not there: exit 2 with the reason", rc == 2 and "nothing-here" in e, e)


golden()
live()
no_groups_dir()
nonroot()
damage()
usage()
shutil.rmtree(T, ignore_errors=True)
raise SystemExit(finish())
