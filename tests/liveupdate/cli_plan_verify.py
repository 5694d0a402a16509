#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcilu plan / verify end to end on lspci dumps of the fixture host
(tests/liveupdate/data, written from fixture.c; groups worked out by hand:
every port has ACS SV|RR|CR|UF, so each function is its own group, except
in host-refused.lspci where 00:02.0 only enables SV and everything below it
falls into its group, and host-acs-lost.lspci where 00:01.0 only enables SV
and 01:00.0 joins the port's group)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

PCILU = os.environ["PCILU"]
DATA = os.path.join(os.environ["PCILU_SRCDIR"], "tests", "liveupdate", "data")
BAD = os.path.join(os.environ["PCILU_SRCDIR"], "tests", "bad", "manifest")
failures = []


def run(*args):
    p = subprocess.run([PCILU, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def main():
    tmp = tempfile.mkdtemp(prefix="pcilu-lu-")
    host = os.path.join(DATA, "host.lspci")
    m = os.path.join(tmp, "m.dtb")

    # Input errors need no topology: the manifest is read first.
    rc, out, err = run("verify", os.path.join(BAD, "acs-ctrl-3-bytes.dtb"))
    check(rc == 2 and 'property "acs-ctrl" has 3 bytes, expected 4' in err, "bad manifest: exit 2 + message")
    rc, out, err = run("plan", "--luo", "01:00.0", host)
    check(rc == 2 and "--hold or --kexec" in err, "--luo without --hold/--kexec refused")
    if not os.path.exists("/dev/liveupdate"):
        rc, out, err = run("verify", "--luo")
        check(rc == 2 and "no /dev/liveupdate" in err, "verify --luo without the device: exit 2")

    rc, out, err = run("tree", host)
    if rc != 0 and "not implemented" in err:
        print("SKIP: the lspci loader is not in this build")
        shutil.rmtree(tmp)
        return 77 if not failures else 1

    rc, out, err = run("plan", "01:00.0,04:00.0", host, "-o", m, "--json")
    check(rc == 0, f"plan exit 0 (got {rc}: {err})")
    doc = json.loads(out)
    check(doc["schema"] == "pcilu-plan/1" and doc["verdict"] == "planned", "plan json schema/verdict")
    roles = {n["bdf"]: (n["role"], n["refcount"]) for n in doc["nodes"]}
    check(roles == {"0000:00:01.0": ("bridge", 1), "0000:01:00.0": ("endpoint", 1),
                    "0000:00:02.0": ("bridge", 1), "0000:02:00.0": ("bridge", 1),
                    "0000:03:00.0": ("bridge", 1), "0000:04:00.0": ("endpoint", 1)},
          f"preserve set {roles}")
    if shutil.which("dtc"):
        dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", m], capture_output=True, text=True)
        check('compatible = "pcilu,manifest-v1";' in dts.stdout and "pci-0000-03-00.0 {" in dts.stdout,
              "dtc shows the manifest")

    rc, out, err = run("verify", m, host, "--json")
    doc = json.loads(out)
    check(rc == 0 and doc["schema"] == "pcilu-verify/1" and doc["held"] and doc["drifts"] == [],
          "verify on the same host holds")

    rc, out, err = run("verify", m, os.path.join(DATA, "host-acs-lost.lspci"))
    check(rc == 1, "drift exits 1")
    check("ACS control of 0000:00:01.0 changed from SV|RR|CR|UF to SV: the new kernel did not inherit it"
          in out, "ACS drift named")
    rc, out, err = run("verify", m, os.path.join(DATA, "host-acs-lost.lspci"), "--json")
    doc = json.loads(out)
    roots = [d for d in doc["drifts"] if d["cause"] is None]
    check(len(roots) == 1 and roots[0]["kind"] == "acs-ctrl" and roots[0]["expected"] == "00001d"
          and roots[0]["actual"] == "000001", f"one root drift {roots}")
    check({d["kind"] for d in doc["drifts"]} == {"acs-ctrl", "acs-path", "iommu-group", "kernel-iommu-group"},
          "consequences listed")

    refused = os.path.join(DATA, "host-refused.lspci")
    m2 = os.path.join(tmp, "m2.dtb")
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2)
    check(rc == 1 and "cannot preserve 0000:04:00.1: shares its IOMMU group" in out, "refusal exits 1")
    check(not os.path.exists(m2), "refused plan writes nothing")
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2, "--force", "--json")
    check(rc == 0 and json.loads(out)["verdict"] == "forced" and os.path.exists(m2), "--force writes")
    rc, out, err = run("plan", "01:00.0,01:00.0", host, "-o", m2)
    check(rc == 2 and "listed twice" in err, "duplicate BDF is an input error")
    rc, out, err = run("plan", "03:00.0", host, "-o", m2)
    check(rc == 2 and "is a bridge" in err, "bridge as endpoint is an input error")
    shutil.rmtree(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
