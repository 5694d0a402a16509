#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The CLI needs nothing libpcilu.so hides.

usage: cli_shared.py PCILU PCILU_SHARED SRCDIR

PCILU_SHARED is the CLI's own object files linked against libpcilu.so instead
of libpcilu.a (tests/api/meson.build); that it links at all proves the CLI
calls only the public API. Here it must also load and answer exactly as the
installed, statically linked pcilu does.
"""
import os
import subprocess
import sys


def run(exe, args):
    p = subprocess.run([exe] + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    static, shared, src = sys.argv[1:]
    spec = os.path.join(src, "examples", "minimal.json")
    cases = [["--version"], ["tree", spec], ["check", spec],
             ["groups", "--json", spec], ["show", "00:01.0", spec]]
    bad = 0
    for args in cases:
        want, got = run(static, args), run(shared, args)
        if want != got:
            bad += 1
            print(f"pcilu {' '.join(args)}: the shared-linked CLI differs")
            print(f"  static: rc={want[0]} stdout={want[1][:300]!r} stderr={want[2][:300]!r}")
            print(f"  shared: rc={got[0]} stdout={got[1][:300]!r} stderr={got[2][:300]!r}")
    if not bad:
        print(f"{len(cases)} commands answer alike linked against libpcilu.so")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
