#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run pcilu on every malformed input in expect.tsv and check the outcome.

expect.tsv columns (tab separated, '#' starts a comment line):
  file     path under tests/bad/, or gen:NAME for an input made at test time
           (see GENERATORS: huge files are never committed)
  command  pcilu arguments; {} is the input (appended when absent)
  status   the exit status pcilu must give; "xfail:N" marks a known bug
           (reported; N is the right status) that may not pass yet
  regex    Python regex searched in stderr+stdout; {file} is the input path
           as given to pcilu (escaped)

Whatever the table says, a crash (signal, sanitizer report), a hang (60 s)
or a message without the file name fails. A row whose format is not
implemented yet in this build ("not implemented yet") is skipped.
Environment: PCILU (the binary), PCILU_BAD_WRAPPER (e.g. valgrind command,
space separated), PCILU_BAD_SKIP_HEAVY=1 skips inputs marked heavy.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

MAX_DEVICES = 1 << 21          # PCILU_MAX_DEVICES, include/pcilu/base.h
MAX_INPUT = 1 << 32            # PCILU_MAX_INPUT_SIZE
MAX_SPEC_DEPTH = 64            # PCILU_MAX_SPEC_DEPTH

HOST = ('00:00.0 Host bridge: Dummy\n'
        '00: 86 80 c0 29 00 00 00 00 00 00 00 06 00 00 00 00\n'
        '10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n'
        '20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n'
        '30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n')


def gen_too_many_devices(path):
    # One more function than the limit; each record is a 2-byte row (a
    # 64-byte device), addresses distinct so only the count is wrong.
    with open(path, 'w') as f:
        n = MAX_DEVICES + 1
        for i in range(n):
            seg, rest = divmod(i, 1 << 16)
            f.write('%04x:%02x:%02x.%d x\n00: 86 80\n\n' % (seg, rest >> 8, (rest >> 3) & 0x1f, rest & 7))


def gen_sparse_too_big(path):
    with open(path, 'w') as f:
        f.write(HOST)
        f.truncate(MAX_INPUT + 1)   # sparse: costs no disk and no time


def gen_long_line(path):
    with open(path, 'w') as f:
        f.write('00' * (8 << 20))


def gen_many_duplicates(path):
    with open(path, 'w') as f:
        f.write(HOST * 20000)


def gen_many_rows(path):
    # 200000 hex rows in one record: the record keeps being rejected cheaply.
    row = '00: 86 80 c0 29 00 00 00 00 00 00 00 06 00 00 00 00\n'
    with open(path, 'w') as f:
        f.write('00:00.0 x\n' + row * 200000 + '\n')


def gen_deep_spec(depth):
    def gen(path):
        node = '{"kind": "endpoint"}'
        for _ in range(depth):
            node = '{"kind": "pci_bridge", "children": [%s]}' % node
        with open(path, 'w') as f:
            f.write('{"schema": "pcilu-spec/1", "segments": [{"segment": 0, "root_buses": '
                    '[{"bus": 0, "devices": [%s]}]}]}\n' % node)
    return gen


def gen_deep_json(path):
    with open(path, 'w') as f:
        f.write('{"a": ' * 100000 + '1' + '}' * 100000 + '\n')


def sysfs_tree(files):
    """A copied sysfs tree: {relative path: bytes, ('link', target) or ('fifo',)}."""
    def gen(path):
        os.makedirs(path)
        for rel, content in files.items():
            full = os.path.join(path, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if content == ('fifo',):
                os.mkfifo(full)     # opened without O_NONBLOCK, it would block forever
            elif isinstance(content, tuple):
                os.symlink(content[1], full)
            else:
                with open(full, 'wb') as f:
                    f.write(content)
    return gen


HOST_CFG = bytes.fromhex('8680c029000000000000000600000000') + bytes(48)
DEV = 'bus/pci/devices/0000:00:00.0/'

def gen_spec_expands(path):
    # 1 KB of spec, 17 PFs of 65,535 VFs: 4.6 GB of config space if synthesised.
    devs = ', '.join('{"slot": "%02x.0", "sriov": {"total": 65535, "num": 65535}}' % i for i in range(17))
    with open(path, 'w') as f:
        f.write('{"devices": [%s]}\n' % devs)


def gen_bom(text):
    def gen(path):
        with open(path, 'wb') as f:
            f.write(b'\xef\xbb\xbf' + text.encode())
    return gen


FIFO = ('fifo',)
NIC_NO_SRIOV = bytes.fromhex('86807215000000000000000200000000') + bytes(48)  # 8086:1572, class 0200

GENERATORS = {
    'too-many-devices': (gen_too_many_devices, True),
    'sparse-too-big': (gen_sparse_too_big, False),
    'long-line': (gen_long_line, False),
    'many-duplicates': (gen_many_duplicates, False),
    'many-rows': (gen_many_rows, False),
    'spec-too-deep': (gen_deep_spec(MAX_SPEC_DEPTH + 1), False),
    'spec-deep-json': (gen_deep_json, False),
    'sysfs-empty-config': (sysfs_tree({DEV + 'config': b''}), False),
    'sysfs-short-config': (sysfs_tree({DEV + 'config': HOST_CFG[:7]}), False),
    'sysfs-bad-group': (sysfs_tree({DEV + 'config': HOST_CFG,
                                    DEV + 'iommu_group': ('link', '../../../kernel/iommu_groups/x')}), False),
    'sysfs-bad-name': (sysfs_tree({'bus/pci/devices/not-an-address/config': HOST_CFG}), False),
    'sysfs-no-devices': (sysfs_tree({'bus/pci/devices/.keep': b''}), False),
    'sysfs-fifo-config': (sysfs_tree({DEV + 'config': FIFO}), False),
    'sysfs-fifo-group': (sysfs_tree({DEV + 'config': HOST_CFG, DEV + 'iommu_group': FIFO}), False),
    'sysfs-fifo-numa': (sysfs_tree({DEV + 'config': HOST_CFG, DEV + 'numa_node': FIFO}), False),
    'sysfs-fifo-driver': (sysfs_tree({DEV + 'config': HOST_CFG, DEV + 'driver': FIFO}), False),
    'sysfs-fifo-physfn': (sysfs_tree({DEV + 'config': HOST_CFG, DEV + 'physfn': FIFO}), False),
    'sysfs-long-config': (sysfs_tree({DEV + 'config': HOST_CFG + bytes(5000 - 64)}), False),
    'sysfs-100-config': (sysfs_tree({DEV + 'config': HOST_CFG + bytes(36)}), False),
    'sysfs-physfn-no-sriov': (sysfs_tree({DEV + 'config': HOST_CFG,
                                          'bus/pci/devices/0000:00:01.0/config': NIC_NO_SRIOV,
                                          'bus/pci/devices/0000:00:01.0/physfn': ('link', '../0000:00:00.0')}),
                              False),
    'spec-expands': (gen_spec_expands, False),
    'bom-dump': (gen_bom(HOST), False),
    'bom-spec': (gen_bom('{"devices": [{"id": "8086:1572", "class": "020000"}]}\n'), False),
}


def load_table(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 4:
                sys.exit('%s:%d: expected 4 tab-separated columns, got %d' % (path, n, len(cols)))
            rows.append((n, *cols))
    return rows


CRASH = re.compile(r'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault|Aborted|'
                   r'ERROR SUMMARY: [1-9]|definitely lost: [1-9]')


def run_row(pcilu, wrapper, here, tmp, row):
    n, fname, command, status, regex = row
    cwd = here
    if fname.startswith('gen:'):
        name = fname[4:]
        gen, heavy = GENERATORS[name]
        if heavy and os.environ.get('PCILU_BAD_SKIP_HEAVY') == '1':
            return 'skip', 'heavy'
        target = name
        if not os.path.exists(os.path.join(tmp, target)):
            gen(os.path.join(tmp, target))
        cwd = tmp
    else:
        target = fname
    args = shlex.split(command)
    if any('{}' in a for a in args):
        args = [a.replace('{}', target) for a in args]
    else:
        args.append(target)
    try:
        p = subprocess.run(wrapper + [pcilu] + args, cwd=cwd, capture_output=True,
                           timeout=120 if wrapper else 60)
    except subprocess.TimeoutExpired:
        return 'fail', 'hang: no answer within the time limit'
    out = p.stderr.decode('utf-8', 'replace') + p.stdout.decode('utf-8', 'replace')
    if p.returncode < 0 or p.returncode >= 128 or CRASH.search(out):
        return 'fail', 'CRASH (status %d):\n%s' % (p.returncode, out[-3000:])
    if 'not implemented yet' in out:
        return 'skip', 'format not implemented in this build'
    xfail = status.startswith('xfail:')
    want = int(status[6:] if xfail else status)
    rx = regex.replace('{file}', re.escape(target))
    ok = p.returncode == want and re.search(rx, out, re.M)
    if p.returncode != 0 and target not in out:
        ok = False      # an error must name the input
    if ok:
        return ('xpass' if xfail else 'pass'), ''
    why = 'status %d (want %s), output:\n%s' % (p.returncode, want, out[:2000])
    return ('xfail' if xfail else 'fail'), why


def main():
    table = sys.argv[1]
    here = os.path.dirname(os.path.abspath(table))
    pcilu = os.environ['PCILU']
    wrapper = shlex.split(os.environ.get('PCILU_BAD_WRAPPER', ''))
    counts = {}
    with tempfile.TemporaryDirectory(prefix='pcilu-bad-') as tmp:
        for row in load_table(table):
            res, why = run_row(pcilu, wrapper, here, tmp, row)
            counts[res] = counts.get(res, 0) + 1
            label = '%s %s (expect.tsv:%d)' % (row[2] and row[2].split()[0], row[1], row[0])
            if res in ('fail', 'xfail', 'xpass') or os.environ.get('PCILU_BAD_VERBOSE'):
                print('%-5s %s %s' % (res.upper(), label, why))
    print(' '.join('%s=%d' % kv for kv in sorted(counts.items())))
    if counts.get('fail'):
        return 1
    if not counts.get('pass') and not counts.get('xfail'):
        return 77       # nothing could run in this build
    return 0


if __name__ == '__main__':
    sys.exit(main())
