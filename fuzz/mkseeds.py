#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate fuzz/corpus/config/ seeds from lspci dumps.

Each dump is cut into records of the fuzz-config input format (see
fuzz_config.c): seg, bus, devfn, flags, n (LE16), n config bytes. Dumps with
many devices are split into seeds of at most 8 devices so seeds stay small.
Usage: mkseeds.py OUTDIR DUMP...
"""
import os
import re
import struct
import sys

HDR = re.compile(r'^(?:([0-9a-fA-F]{4,}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])\s')
ROW = re.compile(r'^([0-9a-fA-F]{2,3}):((?: [0-9a-fA-F]{2})+)\s*$')


def parse(text):
    devs, cur = [], None
    for line in text.splitlines():
        m = HDR.match(line)
        if m:
            cur = [int(m.group(1) or '0', 16), int(m.group(2), 16),
                   int(m.group(3), 16) << 3 | int(m.group(4)), bytearray()]
            devs.append(cur)
            continue
        m = ROW.match(line)
        if m and cur is not None:
            off = int(m.group(1), 16)
            data = bytes(int(x, 16) for x in m.group(2).split())
            if len(cur[3]) < off:
                cur[3].extend(b'\xff' * (off - len(cur[3])))
            cur[3][off:off + len(data)] = data
    return [d for d in devs if d[3]]


def record(seg, bus, devfn, cfg):
    size = next(i for i, s in enumerate((64, 128, 256, 4096)) if len(cfg) <= s)
    body = bytes(cfg).rstrip(b'\x00') if size == 3 else bytes(cfg)
    return struct.pack('<BBBBH', seg & 3, bus, devfn, size, len(body)) + body


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[2:]:
        devs = parse(open(path, encoding='latin-1').read())
        base = os.path.basename(os.path.dirname(path)) if path.endswith('.txt') else os.path.basename(path)
        for k in range(0, len(devs), 8):
            blob = b''.join(record(*d) for d in devs[k:k + 8])
            with open(os.path.join(out, '%s-%d' % (base, k // 8)), 'wb') as f:
                f.write(blob)


if __name__ == '__main__':
    main()
