#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The benchmark inputs are what they claim to be (no timing is asserted).

gen.py must give exactly the number of functions asked for, with the shapes
the benchmarks rely on (VFs, switches, multifunction slots, many segments);
the spec, its lspci export and its sysfs export must load to the same
functions; real lspci must read the dump and the tree; and pcilu-bench lu
must find 1,024 eligible NVMe drives on the storage host with no drift.
Usage: test_gen.py PCILU_BENCH PCILU
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from pcilutest import check, finish

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        print(r.stderr)
    return r


def gen(work, n, *extra):
    spec = os.path.join(work, "h%d.json" % n)
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "-n", str(n), "-o", spec] + list(extra),
                   check=True)
    return spec


def main():
    tool, pcilu = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="pcilu-test-gen-")
    try:
        for n in (100, 1000, 4096):
            spec = gen(work, n)
            ph = json.loads(run([tool, "phases", spec, "--until", "groups"]).stdout)
            check("gen.py -n %d gives %d functions" % (n, ph["functions"]), ph["functions"] == n)

        spec = os.path.join(work, "h1000.json")
        doc = json.load(open(spec))
        # 1,000 functions: 2 stacks of 70 fixed functions, 860 VFs shared by 4 PFs.
        pfs = [d for s in doc["segments"] for rb in s["root_buses"] for d in rb["devices"]
               if d.get("kind") == "root_port" and d.get("ari_forwarding")]
        nums = sorted(pf["sriov"]["num"] for rp in pfs for pf in rp["children"])
        check("VFs spread evenly over the PFs: %s" % nums, nums == [215, 215, 215, 215])

        dump = os.path.join(work, "h1000.lspci")
        tree = os.path.join(work, "h1000.sys")
        ex = run([tool, "export", spec, "--lspci", dump, "--sysfs", tree])
        check("export to an lspci dump and a sysfs tree", ex.returncode == 0)
        trees = [run([pcilu, "tree", "--no-names", src]).stdout.split("\n", 1)[1] for src in (spec, dump, tree)]
        check("the dump draws the same tree as the spec", trees[0] == trees[1])
        check("the sysfs tree draws the same tree as the spec", trees[0] == trees[2])
        check("860 VFs in the tree", trees[0].count("VF of") == 860)
        check("switches; 1,000 functions fit one segment",
              "upstream-port" in trees[0] and "[0001:00] root bus" not in trees[0])

        addr = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ", re.M)
        lt = run(["lspci", "-F", dump, "-D", "-n"])
        check("lspci -F reads the 1,000 functions", lt.returncode == 0 and len(addr.findall(lt.stdout)) == 1000)
        ls = run(["lspci", "-A", "linux-sysfs", "-O", "sysfs.path=%s/bus/pci" % tree, "-D", "-n"])
        check("lspci reads the sysfs tree at DIR/bus/pci (%d functions)" % len(addr.findall(ls.stdout)),
              ls.returncode == 0 and len(addr.findall(ls.stdout)) == 1000)

        big = gen(work, 20000)
        out = run([pcilu, "tree", "--no-names", big]).stdout
        check("20,000 functions span several segments", "[0006:00] root bus" in out)

        st = gen(work, 4096, "--shape", "storage", "--stacks", "16")
        st_tree = os.path.join(work, "st.sys")
        check("export the storage host", run([tool, "export", st, "--sysfs", st_tree]).returncode == 0)
        lu = json.loads(run([tool, "lu", st, "--sysfs", st_tree, "--manifest",
                             os.path.join(work, "m.dtb")]).stdout)
        check("1,024 NVMe drives, all eligible under v4",
              lu["functions"] == 4096 and lu["preserved"] == 1024 and lu["refused"] == 0)
        check("plan then verify on the same host: no drift, 1,024 endpoints + 1,312 bridges",
              lu["drifts"] == 0 and lu["manifest_nodes"] == 2336)
        check("the baseline reads 4 KiB per drive", lu["read_config_bytes"] == 1024 * 4096)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
