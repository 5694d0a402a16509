#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The fleet benchmark: generate N varied hosts (bench/fleet_gen.py), run `pcilu check
--json-lines` on each on every core, answer the fleet questions with DuckDB
(examples/fleet/query.mjs), and check every answer against the generator's own
description of each host (truth.jsonl), never against pcilu's output.

A second run of the same fleet with the IOMMU turned off on every tenth host stands for
a rollout that changed something: the "hosts whose verdicts changed" question must find
exactly those of them that had a v4-eligible endpoint.

Usage: bench/fleet.py [-n HOSTS] [--pcilu PATH] [--keep DIR]; exit 1 when an answer is
wrong. Prints the figures for bench/RESULTS.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLEET = os.path.join(ROOT, "examples", "fleet")


def check_host(job):
    pcilu, spec, out, off = job
    args = [pcilu, "check", "--json-lines", "--no-names", spec] + (["--iommu=off"] if off else [])
    with open(out, "w") as f:
        p = subprocess.run(args, stdout=f, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr


def run_fleet(pcilu, specs, outdir, off_every=0):
    os.makedirs(outdir, exist_ok=True)
    jobs = [(pcilu, s, os.path.join(outdir, os.path.basename(s).replace(".json", ".jsonl")),
             off_every and i % off_every == 0) for i, s in enumerate(specs)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
        results = list(ex.map(check_host, jobs, chunksize=32))
    secs = time.perf_counter() - t
    bad = [(j[1], rc, err) for j, (rc, err) in zip(jobs, results) if rc not in (0, 1, 3)]
    return secs, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--hosts", type=int, default=10000)
    ap.add_argument("--pcilu", default=os.path.join(ROOT, "build", "src", "cli", "pcilu"))
    ap.add_argument("--keep", help="keep the fleet and the answers in this directory")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(FLEET, "node_modules", "@duckdb")):
        sys.exit("npm ci --prefix examples/fleet first (DuckDB's node API)")
    work = a.keep or tempfile.mkdtemp(prefix="pcilu-fleet-")
    hostdir, after, before = (os.path.join(work, d) for d in ("hosts", "after", "before"))
    subprocess.run([sys.executable, os.path.join(HERE, "fleet_gen.py"), "-n", str(a.hosts), "-o", hostdir], check=True)
    truth = [json.loads(line) for line in open(os.path.join(hostdir, "truth.jsonl"))]
    specs = [t["host"] for t in truth]
    with open(os.path.join(work, "hosts.jsonl"), "w") as f:
        for t in truth:
            f.write(json.dumps({"host": t["host"], "board": t["board"]}) + "\n")

    secs, bad = run_fleet(a.pcilu, specs, before)
    secs2, bad2 = run_fleet(a.pcilu, specs, after, off_every=10)
    cores = os.cpu_count()
    q0 = time.perf_counter()
    p = subprocess.run(["node", os.path.join(FLEET, "query.mjs"), after, "--hosts", os.path.join(work, "hosts.jsonl"),
                        "--before", before, "--json"], capture_output=True, text=True, cwd=FLEET)
    qsecs = time.perf_counter() - q0
    if p.returncode:
        sys.exit("query.mjs failed: " + p.stderr[-2000:])
    ans = {x["name"]: x for x in json.loads(p.stdout)["answers"]}
    load_ms = json.loads(p.stdout)["load_ms"]

    failed = 0

    def check(name, ok, detail=""):
        nonlocal failed
        print(("ok" if ok else "not ok") + " - " + name + ("" if ok else f" {detail}"))
        failed += not ok

    check("every host checked without an input error", not bad and not bad2, (bad + bad2)[:3])
    # Per board, from the generator's description. The "after" run differs only on every tenth host.
    want = {}
    for i, t in enumerate(truth):
        w = want.setdefault(t["board"], [0, 0, 0])
        w[0] += t["endpoints"]
        w[1] += 0 if i % 10 == 0 else t["v4_eligible"]
        w[2] += t["next_eligible"]
    got = {}
    for r in ans["preservable fraction per board model and device class"]["rows"]:
        g = got.setdefault(r["board"], [0, 0, 0])
        g[0] += int(r["endpoints"])
        g[1] += int(r["v4"])
        g[2] += int(r["next"])
    check("preservable counts per board equal the generator's", got == want, (got, want))
    changed = sorted(t["host"] for i, t in enumerate(truth) if i % 10 == 0 and t["v4_eligible"])
    rows = ans["hosts whose verdicts changed since the earlier run"]["rows"]
    check("the changed hosts are exactly the IOMMU-off hosts that had an eligible endpoint",
          sorted(r["host"] for r in rows) == changed, (len(rows), len(changed)))
    check("each changed host lost as many v4-eligible endpoints as it had",
          all(int(r["v4_lost"]) == next(t["v4_eligible"] for t in truth if t["host"] == r["host"]) for r in rows))
    vfs = sum(t["vfs"] for t in truth)
    top = {r["rule"]: int(r["devices"]) for r in ans["top refusal reasons under v4 (rule codes, never English)"]["rows"]}
    check("the vf rule stops exactly the generated VFs", top.get("vf") == vfs, (top.get("vf"), vfs))
    models = ans["root-port and switch models that break isolation (v4)"]["rows"]
    check("only the ACS-less root ports break isolation (8086:6f0x root ports, never the switch)",
          models and all(m["model"].startswith("8086:6f0") and m["type"] == "root-port" for m in models), models[:3])

    nfun = sum(t["endpoints"] for t in truth)
    print(f"\n| hosts | endpoints | check, {cores} cores | hosts/s/core | DuckDB load | queries |")
    print("|---|---|---|---|---|---|")
    qms = sum(x["ms"] for x in ans.values())
    print(f"| {a.hosts:,} | {nfun:,} | {secs:.1f} s (again, 10% IOMMU off: {secs2:.1f} s) | "
          f"{a.hosts / secs / cores:.0f} | {load_ms} ms (2 runs) | {qms} ms (4 questions; node {qsecs:.1f} s) |")
    for name, x in ans.items():
        print(f"  {name}: {x['ms']} ms, {len(x['rows'])} rows")
    if not a.keep:
        shutil.rmtree(work)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
