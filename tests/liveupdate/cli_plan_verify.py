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
import tempfile

from pcilutest import check, finish, run

DATA = os.path.join(os.environ["PCILU_SRCDIR"], "tests", "liveupdate", "data")
BAD = os.path.join(os.environ["PCILU_SRCDIR"], "tests", "bad", "manifest")


def main():
    tmp = tempfile.mkdtemp(prefix="pcilu-lu-")
    host = os.path.join(DATA, "host.lspci")
    m = os.path.join(tmp, "m.dtb")

    # Input errors need no topology: the manifest is read first.
    rc, out, err = run("verify", os.path.join(BAD, "acs-ctrl-3-bytes.dtb"))
    check("bad manifest: exit 2 + message", rc == 2 and 'property "acs-ctrl" has 3 bytes, expected 4' in err)
    rc, out, err = run("plan", "--luo", "01:00.0", host)
    check("--luo without --hold/--kexec refused", rc == 2 and "--hold or --kexec" in err)
    if not os.path.exists("/dev/liveupdate"):
        rc, out, err = run("verify", "--luo")
        check("verify --luo without the device: exit 2", rc == 2 and "no /dev/liveupdate" in err)

    rc, out, err = run("tree", host)
    if rc != 0 and "not implemented" in err:
        print("SKIP: the lspci loader is not in this build")
        shutil.rmtree(tmp)
        finish(skipped=True)

    rc, out, err = run("plan", "01:00.0,04:00.0", host, "-o", m, "--json")
    check(f"plan exit 0 (got {rc}: {err})", rc == 0)
    doc = json.loads(out)
    check("plan json schema/verdict", doc["schema"] == "pcilu-plan/3" and doc["verdict"] == "planned")
    # An lspci dump is a capture that records no kernel: not this machine's uname -r.
    check(f"host facts of a capture {doc['host']}",
          doc["host"]["source"] == "capture" and doc["host"]["kernel_release"] is None)
    roles = {n["bdf"]: (n["role"], n["refcount"]) for n in doc["nodes"]}
    check(f"preserve set {roles}",
          roles == {"0000:00:01.0": ("bridge", 1), "0000:01:00.0": ("endpoint", 1),
                    "0000:00:02.0": ("bridge", 1), "0000:02:00.0": ("bridge", 1),
                    "0000:03:00.0": ("bridge", 1), "0000:04:00.0": ("endpoint", 1)})
    if shutil.which("dtc"):
        dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", m], capture_output=True, text=True)
        check("dtc shows the manifest",
              'compatible = "pcilu,manifest-v1";' in dts.stdout and "pci-0000-03-00.0 {" in dts.stdout)

    rc, out, err = run("verify", m, host, "--json")
    doc = json.loads(out)
    check("verify on the same host holds",
          rc == 0 and doc["schema"] == "pcilu-verify/1" and doc["held"] and doc["drifts"] == [])
    check("manifest rule-profile: the default, iommufd", doc["profile"] == "iommufd" and not doc["forced"])

    rc, out, err = run("verify", m, os.path.join(DATA, "host-acs-lost.lspci"))
    check("drift exits 1", rc == 1)
    check("ACS drift named", "ACS control of 0000:00:01.0 changed from SV|RR|CR|UF to SV: the new kernel did not inherit it"
          in out)
    rc, out, err = run("verify", m, os.path.join(DATA, "host-acs-lost.lspci"), "--json")
    doc = json.loads(out)
    roots = [d for d in doc["drifts"] if d["cause"] is None]
    check(f"one root drift {roots}", len(roots) == 1 and roots[0]["kind"] == "acs-ctrl" and roots[0]["expected"] == "00001d"
          and roots[0]["actual"] == "000001")
    check("consequences listed",
          {d["kind"] for d in doc["drifts"]} == {"acs-ctrl", "acs-path", "iommu-group", "kernel-iommu-group"})

    refused = os.path.join(DATA, "host-refused.lspci")
    m2 = os.path.join(tmp, "m2.dtb")
    # Default profile iommufd: 04:00.1 shares group 2 (00:02.0 and everything below it) -> -EINVAL.
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2)
    check(f"refusal exits 1 ({rc}: {out})",
          rc == 1 and "cannot preserve 0000:04:00.1 under iommufd: -EINVAL, rule group" in out
          and "IOMMU group 2 also holds 0000:00:02.0, 0000:02:00.0, 0000:03:00.0, 0000:04:00.0:" in out)
    check("refused plan writes nothing", not os.path.exists(m2))
    # The reasons, errno and fix are pcilu check's, word for word.
    rc2, cout, _ = run("check", refused, "--kernel", "iommufd", "04:00.1")
    def block(text, bdf):
        return [b for b in text.split("\n\n") if b.startswith(bdf)]
    check("plan prints check's block", rc2 == 1 and block(cout, "0000:04:00.1")
          and block(cout, "0000:04:00.1") == block(out, "0000:04:00.1"))
    check("plan and check state the same facts first", cout.split("\n\n")[0].startswith(out.split("\n\n")[0]))
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2, "--kernel", "v4")
    check("v4 refuses the shared group too", rc == 1 and "under v4: -EINVAL, rule group" in out)
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2, "--json")
    doc = json.loads(out)
    ref = doc["refusals"]
    check(f"plan json refusal {ref}", doc["profile"] == "iommufd" and doc["verdict"] == "refused" and len(ref) == 1
          and ref[0]["bdf"] == "0000:04:00.1" and ref[0]["errno_name"] == "EINVAL" and ref[0]["rule"] == "group"
          and not ref[0]["undecided"] and ref[0]["reasons"][1]["rule"] == "acs-path")
    # next does not look at groups: planned, the split group a caveat; the manifest says which rules.
    m3 = os.path.join(tmp, "m3.dtb")
    rc, out, err = run("plan", "--kernel", "next", "04:00.1", refused, "-o", m3)
    check(f"next plans with a caveat ({rc}: {out})", rc == 0 and "caveat: 0000:04:00.1 is preserved but 0000:04:00.0, in the same IOMMU group 2, is not"
          in out)
    rc, out, err = run("verify", m3, refused, "--json")
    check("manifest rule-profile next", rc == 0 and json.loads(out)["profile"] == "next")
    # Policy options as check takes them: Linux would enable ACS on 00:02.0 at boot -> singleton groups.
    rc, out, err = run("plan", "--acs=linux", "04:00.1", refused, "-o", m3)
    check(f"--acs=linux plans ({rc}: {out}{err})", rc == 0 and "preserved (profile iommufd, 4 node(s))" in out)
    rc, out, err = run("plan", "--iommu=off", "01:00.0", host, "-o", m3)
    check(f"--iommu=off: no group ({rc}: {out})",
          rc == 1 and "cannot preserve 0000:01:00.0 under iommufd: -EINVAL, rule no-group" in out)
    rc, out, err = run("plan", "--kernel", "v5", "01:00.0", host, "-o", m3)
    check("unknown profile is a usage error", rc == 2 and "--kernel takes v4, next or iommufd" in err)
    rc, out, err = run("plan", "04:00.1", refused, "-o", m2, "--force", "--json")
    check("--force writes", rc == 0 and json.loads(out)["verdict"] == "forced" and os.path.exists(m2))
    rc, out, err = run("verify", m2, refused, "--json")
    doc = json.loads(out)
    check("forced manifest records forced = 1", doc["forced"] and doc["profile"] == "iommufd")
    rc, out, err = run("plan", "01:00.0,01:00.0", host, "-o", m2)
    check("duplicate BDF is an input error", rc == 2 and "listed twice" in err)
    rc, out, err = run("plan", "03:00.0", host, "-o", m2)
    check("bridge as endpoint is an input error", rc == 2 and "is a bridge" in err)
    # A warning is said once: a manifest without crc32 (written before 0.2) is warned
    # about, and verify printed each message of the manifest and the source twice.
    fdtput = shutil.which("fdtput")
    if fdtput:
        old = os.path.join(tmp, "old.dtb")
        rc, out, err = run("plan", "01:00.0", host, "-o", old, "--force")
        subprocess.run([fdtput, "-d", old, "/", "crc32"], check=True)
        rc, out, err = run("verify", old, host)
        check("verify: a manifest without crc32 is warned about once", err.count("no crc32") == 1, err)
    shutil.rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
