#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Decoded lspci text (-vv, no hex) gives the same groups as the hex of the same dump.

Every dump we hold with both the -vv decode and the hex rows (-vvvxxxx) is
read twice: as is (the hex source) and with its hex rows removed (the text
source). The partitions must be equal; where they cannot be, the difference
is named here with the reason. Dumps with the kernel's groups must also match
the kernel from the text alone.
"""
import json
import os
import re
import sys
import tempfile

from pcilutest import check, finish, have_shared, run

SRC = os.environ["PCILU_SRCDIR"]
SHARED = os.environ["PCILU_SHARED_DATA"]
HEX_ROW = re.compile(r"^[0-9a-fA-F]{2,3}: ")

DUMPS = [os.path.join(SHARED, "pciutils-tests", n) for n in
         ("cap-aer-root", "cap-dpc", "cap-exp-dev2", "cap-exp-lnkcap2", "cap-ide",
          "cap-pcie-1", "cap-vc-and-rcl")]
DUMPS += [os.path.join(SHARED, "coreboot-port-logs", n, "lspci.log") for n in
          ("dell-latitude-e6430", "h310-ecs-h310ch5", "intel-dh77df",
           "x99-huananzhi-bd4", "x99-huananzhi-qd4")]
GOLDEN = os.path.join(SRC, "tests", "qemu", "golden")
DUMPS += sorted(os.path.join(GOLDEN, d, "lspci.txt") for d in os.listdir(GOLDEN)
                if os.path.exists(os.path.join(GOLDEN, d, "lspci.txt")))

# The hex of x99-huananzhi-bd4 has a malformed row in 05:00.1 (checked by hand:
# line 5123, "expected two hex digits"): --lenient drops that device from the
# hex source only; the text still has it.
HEX_ONLY_MISSING = {"x99-huananzhi-bd4": {"0000:05:00.1"}}
# The kernel's groups are in these dumps (IOMMU group lines); the text must match them.
WITH_KERNEL = ("h310-ecs-h310ch5", "golden")


def partition(path, *opts):
    rc, out, err = run("groups", path, "--json", *opts)
    if not out.strip():
        return None, err
    return sorted(sorted(g["devices"]) for g in json.loads(out)["groups"]), err


def without(part, devs):
    return sorted(s for s in (sorted(d for d in g if d not in devs) for g in part) if s)


def main():
    have_shared(DUMPS[0])
    with tempfile.TemporaryDirectory() as tmp:
        for path in DUMPS:
            key = os.path.basename(os.path.dirname(path)) if path.endswith(("lspci.log", "lspci.txt")) \
                else os.path.basename(path)
            with open(path, errors="replace") as f:
                lines = f.read().split("\n")
            text = os.path.join(tmp, key + ".txt")
            with open(text, "w") as f:
                f.write("\n".join(l for l in lines if not HEX_ROW.match(l)))
            hexp, _ = partition(path, "--lenient")
            txtp, _ = partition(text)
            _, _, err = run("groups", text)
            check(f"{key}: read as decoded text", "decoded lspci text" in err, err[-300:])
            miss = HEX_ONLY_MISSING.get(key, set())
            check(f"{key}: the text gives the hex's groups",
                  hexp is not None and txtp is not None and without(txtp, miss) == hexp,
                  f"\n hex  {hexp}\n text {txtp}")
            if miss:
                check(f"{key}: the text keeps what the broken hex row lost",
                      all(any(d in g for g in txtp) for d in miss))
            if any(k in path for k in WITH_KERNEL):
                rc, out, err = run("groups", text, "--compare")
                check(f"{key}: the text alone matches the kernel's groups",
                      rc == 0 and "partitions are identical" in out, out[-400:] + err[-300:])
    paste_and_late_hex()
    return finish()


def paste_and_late_hex():
    """Text around a paste is named, not dropped silently; a hex row after the
    first read chunk still makes the file a hex dump."""
    head = "00:00.0 Host bridge [0600]: Intel Corporation 440FX [8086:1237] (rev 02)\n"
    with tempfile.TemporaryDirectory() as t:
        paste = os.path.join(t, "paste.txt")
        with open(paste, "w") as f:
            f.write("$ sudo lspci -nnvv\n" + head + "\tFlags: fast devsel\nthanks!\n")
        rc, out, err = run("tree", "--no-names", paste)
        check("a paste: the device read, the 2 foreign lines named with the first's line",
              rc == 0 and "8086:1237" in out and "paste.txt:1: note: 2 lines at the left margin" in err,
              out + err)
        late = os.path.join(t, "late.txt")
        with open(late, "w") as f:
            f.write(head + "\t" + "x" * (2 << 20) + "\n00: 86 80 37 12 00 00 00 00 02 00 00 06 00 00 00 00\n")
        rc, out, err = run("tree", "--no-names", late)
        check("a hex row past the first 1 MiB: read as a hex dump, not as text",
              rc == 2 and "decoded lspci text" not in err and "only 16 bytes of config space" in err,
              out + err[-300:])


if __name__ == "__main__":
    sys.exit(main())
