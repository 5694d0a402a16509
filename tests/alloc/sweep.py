#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Allocation-failure sweep: for each command, fail the Nth allocation for every N.

usage: sweep.py [--max-runs K] [--only NAME,...] [--pcilu PROGRAM] BUILD_DIR

For each command of COMMANDS, one run counts the allocations that go through
the dynamic linker (tests/alloc/failmalloc.c, LD_PRELOAD); then a run per N
fails allocation N (every N, or K evenly spaced ones when there are more than
--max-runs). A run passes when pcilu exits 0-3 and, if non-zero, says why on
stderr. It fails when pcilu exits non-zero silently, hangs (20 s), or crashes
with pcilu's own code at the top of the backtrace; a crash whose first frame
outside libc is in json-c, libfdt or zlib is listed as the library's
(docs/robustness.md), not failed. Exit 1 when anything failed.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.path.join(SRC, "tests", "liveupdate", "data", "host.lspci")
SPEC = os.path.join(SRC, "examples", "host.json")
LIBS = ("libjson-c", "libfdt", "libz", "libcrypto")


def make_sysfs(root):
    """A copied sysfs tree of HOST: config files and iommu_group links."""
    recs, cur = [], None
    for line in open(HOST):
        line = line.rstrip("\n")
        m = re.match(r"^([0-9a-f]+): ((?:[0-9a-f]{2} ?)+)$", line)
        if m and cur is not None:
            off, data = int(m.group(1), 16), bytes.fromhex(m.group(2))
            cur[2].extend(b"\0" * (off + len(data) - len(cur[2])))
            cur[2][off:off + len(data)] = data
        elif line.startswith("\tIOMMU group: "):
            cur[1] = int(line.split(": ")[1])
        elif line and not line.startswith("\t"):
            cur = [line.split()[0], None, bytearray()]
            recs.append(cur)
    for bdf, group, cfg in recs:
        d = os.path.join(root, "bus", "pci", "devices", bdf)
        os.makedirs(d)
        with open(os.path.join(d, "config"), "wb") as f:
            f.write(cfg)
        os.makedirs(os.path.join(root, "kernel", "iommu_groups", str(group), "devices"), exist_ok=True)
        os.symlink("../../../../kernel/iommu_groups/%d" % group, os.path.join(d, "iommu_group"))
    return root


def commands(tmp):
    sysfs = make_sysfs(os.path.join(tmp, "sys"))
    man = os.path.join(tmp, "m.dtb")
    out = os.path.join(tmp, "out.dtb")
    # The manifest verify reads is written once, without failures.
    return [
        # With names: pcilu falls back to printing ids when it cannot read
        # pci.ids (an allocation of its reader failed), which is still true
        # output; so a different output here is counted, not failed.
        ("tree-names", ["tree", HOST], None),
        ("show", ["show", "--no-names", "0000:03:00.0", HOST], None),
        ("groups-sysfs", ["groups", "--no-names", sysfs], None),
        ("groups-json", ["groups", "--no-names", "--json", SPEC], None),
        ("check", ["check", "--no-names", HOST], None),
        ("check-json-spec", ["check", "--no-names", "--json", SPEC], None),
        ("plan", ["plan", "--no-names", "-o", out, "0000:01:00.0", HOST], None),
        ("verify", ["verify", "--no-names", man, HOST], ["plan", "--no-names", "-o", man, "0000:01:00.0", HOST]),
        ("simulate", ["simulate", "--no-names", "--preserve", "0000:04:00.0", "--cmdline",
                      "intel_iommu=on pci=config_acs=000000@0000:00:02.0", HOST], None),
        ("diff", ["diff", "--no-names", HOST, sysfs], None),
    ]


def run(pcilu, shim, args, fail_at=0, count_file=None, trace=False):
    env = dict(os.environ, LD_PRELOAD=shim, PCILU_FAIL_AT=str(fail_at), LC_ALL="C")
    env.pop("PCILU_FAIL_COUNT", None)
    env.pop("PCILU_FAIL_TRACE", None)
    if trace:
        env["PCILU_FAIL_TRACE"] = "1"
    if count_file:
        env["PCILU_FAIL_COUNT"] = count_file
    try:
        p = subprocess.run([pcilu, *args], capture_output=True, env=env, timeout=20)
    except subprocess.TimeoutExpired:
        return None, b"", b"hang (20 s)"
    return p.returncode, p.stdout, p.stderr


def first_owner(text):
    """The first backtrace frame outside the shim and libc: (object name, frame) or None."""
    for ln in text.splitlines():
        if not re.match(r"^\S+(\(.*\))?\s*\[0x[0-9a-f]+\]$", ln):
            continue
        obj = os.path.basename(ln.split("(")[0].split("[")[0])
        if "failmalloc" in obj or obj.startswith("libc.so") or obj.startswith("libc-"):
            continue
        return obj, ln
    return None


def crash_owner(err, retrace):
    """Who crashed: the first frame of the crash's backtrace; when that cannot be
    unwound (a library built without unwind tables), the caller of the failed
    allocation, from a second run that traces it."""
    owner = first_owner(err.decode("utf-8", "replace"))
    if owner:
        return owner
    _, _, err2 = retrace()
    return first_owner(err2.decode("utf-8", "replace")) or ("unknown", "")


def sweep(name, pcilu, shim, args, setup, max_runs, tmp):
    if setup:
        rc, _, err = run(pcilu, shim, setup)
        if rc != 0:
            return {"name": name, "error": "setup failed: %r" % err[-300:]}
    count_file = os.path.join(tmp, "count")
    rc, base_out, err = run(pcilu, shim, args, count_file=count_file)
    base_rc = rc
    if rc is None or rc not in (0, 1, 2, 3) or (rc and not err.strip()):
        return {"name": name, "error": "without any failure: exit %s, stderr %r" % (rc, err[-200:])}
    if not os.path.exists(count_file):
        return {"name": name, "error": "the shim counted nothing (not loaded, or the program _exit()ed)"}
    total = int(open(count_file).read())
    ns = list(range(1, total + 1))
    if len(ns) > max_runs:
        step = len(ns) / max_runs
        ns = sorted({1 + int(i * step) for i in range(max_runs)} | {total})
    res = {"name": name, "allocs": total, "base_rc": base_rc, "runs": len(ns), "ok": 0, "degraded": 0,
           "errors": 0, "silent": [], "bad_rc": [], "hangs": [], "crash_pcilu": [], "crash_lib": [],
           "wrong": []}
    for n in ns:
        rc, out, err = run(pcilu, shim, args, fail_at=n)
        if rc is None:
            res["hangs"].append(n)
        elif rc < 0 or b"failmalloc: signal" in err:
            owner, frame = crash_owner(err, lambda: run(pcilu, shim, args, fail_at=n, trace=True))
            (res["crash_lib"] if owner.startswith(LIBS) else res["crash_pcilu"]).append((n, owner, frame))
        elif rc not in (0, 1, 2, 3):
            res["bad_rc"].append((n, rc))
        elif rc != 0 and not err.strip():
            res["silent"].append((n, rc))
        elif rc == base_rc and out != base_out and not err.strip() and not name.endswith("-names"):
            # The same status, other output, and not a word: pcilu's fault unless the
            # failed allocation was a library's that hid it (json-c's tokener drops a
            # member whose key it cannot copy and carries on: docs/robustness.md).
            _, _, trace = run(pcilu, shim, args, fail_at=n, trace=True)
            owner = first_owner(trace.decode("utf-8", "replace"))
            if owner and owner[0].startswith(LIBS):
                res["crash_lib"].append((n, owner[0], "output changed silently: " + owner[1]))
            else:
                res["wrong"].append(n)
        elif rc == base_rc:
            res["ok"] += 1
        elif rc == 2:
            res["errors"] += 1
        else:
            res["degraded"] += 1    # another verdict, said on stderr: counted, reported
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--max-runs", type=int, default=400)
    ap.add_argument("--only")
    ap.add_argument("--pcilu", help="the program to sweep (default: BUILD_DIR/src/cli/pcilu)")
    a = ap.parse_args()
    pcilu = a.pcilu or os.path.join(a.build, "src", "cli", "pcilu")
    shim = os.path.join(a.build, "tests", "alloc", "libfailmalloc.so")
    for f in (pcilu, shim):
        if not os.path.exists(f):
            sys.exit("sweep: %s not built" % f)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        print("| command | allocations | runs | as without failure | exit 2 with a message | other verdict, said | "
              "silent | other output, unsaid | crash in pcilu | a library's crash or silent loss | hang |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, args, setup in commands(tmp):
            if a.only and name not in a.only.split(","):
                continue
            r = sweep(name, pcilu, shim, args, setup, a.max_runs, tmp)
            if "error" in r:
                print("| %s | %s |" % (name, r["error"]))
                bad += 1
                continue
            print("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |" % (
                name, r["allocs"], r["runs"], r["ok"], r["errors"], r["degraded"], len(r["silent"]), len(r["wrong"]),
                len(r["crash_pcilu"]), len(r["crash_lib"]), len(r["hangs"])))
            for key in ("silent", "bad_rc", "hangs", "crash_pcilu", "wrong"):
                for x in r[key][:5]:
                    print("    FAIL %s %s: %s" % (name, key, x), file=sys.stderr)
                bad += len(r[key])
            for x in r["crash_lib"][:3]:
                print("    library crash %s: %s" % (name, x), file=sys.stderr)
    print("sweep: %s" % ("ok" if not bad else "%d failing runs" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
