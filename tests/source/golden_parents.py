#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Golden test: the parent bridge pcilu derives for every device of a real
lspci dump equals the one pciutils derives (`lspci -F FILE -PP -D` prints the
bridge path of every device, computed by libpci from the same config bytes).

usage: golden_parents.py DUMP_PARENTS_BINARY FILE...
Exit 0 when every device matches, 1 on any mismatch, 77 (skip) when lspci or
the data is missing outside CI (env CI=true turns a skip into a failure).
"""
import os
import shutil
import subprocess
import sys


def skip(why):
    if os.environ.get('CI', '').lower() == 'true':
        print('FAIL (CI): ' + why)
        sys.exit(1)
    print('SKIP: ' + why)
    sys.exit(77)


def lspci_parents(lspci, path):
    """{device: parent or '-'} from lspci -PP -D."""
    out = subprocess.run([lspci, '-F', path, '-PP', '-D'], check=True,
                         capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        comps = line.split(' ', 1)[0].split('/')
        dom = comps[0].split(':')[0] if comps[0].count(':') == 2 else '0000'
        comps = [c if c.count(':') == 2 else dom + ':' + c for c in comps]
        res[comps[-1]] = comps[-2] if len(comps) > 1 else '-'
    return res


def pcilu_parents(helper, path):
    p = subprocess.run([helper, path], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    res = {}
    for line in p.stdout.splitlines():
        dev, parent = line.split()
        res[dev] = parent
    return res, p.stderr


def check(lspci, helper, path):
    want = lspci_parents(lspci, path)
    got, err = pcilu_parents(helper, path)
    name = os.path.relpath(path, os.environ.get('PCILU_SHARED_DATA', '/'))
    if got is None:
        print('%s: pcilu did not load it:\n%s' % (name, err))
        return 1
    bad = 0
    for dev, parent in sorted(want.items()):
        if dev not in got:
            # pcilu may refuse a device, but never silently.
            if dev in err and 'error' in err:
                continue
            print('%s: %s: lspci parent %s, missing in pcilu' % (name, dev, parent))
            bad += 1
        elif got[dev] != parent:
            print('%s: %s: lspci parent %s, pcilu parent %s' % (name, dev, parent, got[dev]))
            bad += 1
    for dev in sorted(set(got) - set(want)):
        print('%s: %s: pcilu has it, lspci does not' % (name, dev))
        bad += 1
    print('%s: %d devices, %d mismatches' % (name, len(want), bad))
    return 1 if bad else 0


def main():
    helper, files = sys.argv[1], sys.argv[2:]
    lspci = shutil.which('lspci') or next(
        (p for p in ('/usr/bin/lspci', '/usr/sbin/lspci', '/sbin/lspci') if os.access(p, os.X_OK)), None)
    if not lspci:
        skip('lspci (pciutils) not found')
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        skip('data not found: ' + ', '.join(missing))
    sys.exit(max(check(lspci, helper, f) for f in files))


if __name__ == '__main__':
    main()
