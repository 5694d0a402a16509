#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate a fleet of varied hosts as pcilu topology specs (docs/spec.md), and beside
each the generator's own answer (truth.jsonl), so that what pcilu and the fleet queries
say can be checked against counts that never went through pcilu.

Boards (all with CPU root ports whose ids no quirk table names, so ACS is exactly what
the spec says):
  acs-board    root ports with ACS SV|RR|CR|UF enabled
  noacs-board  root ports without an ACS capability
  switch-board one root port with ACS leading to a switch whose upstream port has no ACS
               and whose downstream ports have ACS enabled, the other root ports with ACS
Cards, one per slot: nvme (one function), gpu (two functions without ACS), nic (an SR-IOV
PF with 2-8 VFs), mf-nic (two PFs without ACS, no VFs).

Truth per endpoint under v4 (the immutable singleton group; VFs refused):
  a VF: refused; a function of a multi-function card without ACS: refused (the functions
  share a group); under a root port without ACS: refused (the group holds the port);
  behind the switch: eligible (ACS on the downstream port and the root port; a
  single-function upstream port passes pci_acs_enabled() without ACS, 7.2); else eligible.
Under next (liveupdate.git next): VFs refused, everything else eligible (no quirk on any
path, no group rule).
"""
import argparse
import json
import os
import random

BOARDS = ["acs-board", "noacs-board", "switch-board"]
CARDS = ["nvme", "gpu", "nic", "mf-nic"]
ROOT_IDS = ["8086:6f02", "8086:6f03", "8086:6f04", "8086:6f05", "8086:6f06", "8086:6f07", "8086:6f08"]


def card(kind, rng, eps, bus_hint):
    """The spec children of a card, and its endpoints for the truth (kind, functions, vfs)."""
    if kind == "nvme":
        eps.append(("nvme", 1, 0))
        return [{"id": "144d:a808", "class": "010802"}]
    if kind == "gpu":
        eps.append(("gpu", 2, 0))
        return [{"slot": "00.0", "id": "10de:1e04", "class": "030000"},
                {"slot": "00.1", "id": "10de:10f7", "class": "040300"}]
    if kind == "mf-nic":
        eps.append(("mf-nic", 2, 0))
        # ConnectX-4 Lx: no ACS and, unlike Intel's I350, no pci_dev_acs_enabled[] entry
        return [{"slot": "00.0", "id": "15b3:1015", "class": "020000", "acs": False},
                {"slot": "00.1", "id": "15b3:1015", "class": "020000", "acs": False}]
    nvf = rng.randint(2, 8)
    eps.append(("nic", 1, nvf))
    return [{"id": "8086:1572", "class": "020000",
             "sriov": {"total": 64, "num": nvf, "offset": 16, "stride": 1, "vf_device": "154c"}}]


def host(i, rng):
    board = rng.choice(BOARDS)
    nslots = rng.randint(2, 6)
    devices = [{"slot": "00.0", "kind": "rciep", "id": "8086:6f00", "class": "060000", "name": "host bridge"}]
    truth = []
    for s in range(nslots):
        kind = rng.choice(CARDS)
        rp = {"slot": "%02x.0" % (s + 1), "kind": "root_port", "id": ROOT_IDS[s % len(ROOT_IDS)]}
        eps = []
        behind_switch = board == "switch-board" and s == 0
        if board == "noacs-board":
            rp["acs"] = False
        if behind_switch:
            ports = []
            for p in range(rng.randint(2, 4)):
                k2 = rng.choice(CARDS)
                e2 = []
                ports.append({"slot": "%02x.0" % p, "id": "10b5:8747", "children": card(k2, rng, e2, p)})
                truth += [(k, f, v, board, True) for k, f, v in e2]
            rp["children"] = [{"kind": "switch", "id": "10b5:8747", "acs": False, "children": ports}]
        else:
            rp["children"] = card(kind, rng, eps, s)
            truth += [(k, f, v, board, False) for k, f, v in eps]
        devices.append(rp)
    spec = {"schema": "pcilu-spec/1", "comment": f"fleet host {i}: {board}",
            "kernel": "7.2.13", "cmdline": "root=/dev/sda1 intel_iommu=on", "devices": devices}
    return board, spec, truth


def expected(truth):
    """Endpoints, and how many v4 and next would preserve, from the description alone."""
    ends = v4 = nxt = vfs = 0
    for kind, funcs, nvf, board, switched in truth:
        ends += funcs + nvf
        vfs += nvf
        nxt += funcs                      # every non-VF endpoint; VFs refused
        # One function below ports that all isolate: the root ports of acs-board and
        # switch-board, the switch's downstream ports (its single-function upstream port
        # passes pci_acs_enabled() without ACS).
        if kind in ("nvme", "nic") and board != "noacs-board":
            v4 += 1
    return ends, v4, nxt, vfs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--hosts", type=int, default=1000)
    ap.add_argument("-o", "--output", required=True, help="directory for host-N.json and truth.jsonl")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.output, exist_ok=True)
    with open(os.path.join(a.output, "truth.jsonl"), "w") as t:
        for i in range(a.hosts):
            board, spec, truth = host(i, rng)
            name = os.path.join(a.output, "host-%05d.json" % i)
            with open(name, "w") as f:
                json.dump(spec, f)
            ends, v4, nxt, vfs = expected(truth)
            t.write(json.dumps({"host": name, "board": board, "endpoints": ends, "v4_eligible": v4,
                                "next_eligible": nxt, "vfs": vfs}) + "\n")


if __name__ == "__main__":
    main()
