#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What pcilu writes and where its output goes (issue 16, items 2 and 7): never
over a device node, a FIFO or a symbolic link; mode 0600; no temporary file left
by a failed write; long names; write errors on stdout are exit 2; the exit
statuses the README promises for --luo --kexec and same-boot verify; and an
unreadable devices folder read as an unprivileged user."""
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

import pcilutest
from pcilutest import check, finish

SRC = os.environ["PCILU_SRCDIR"]
PCILU = os.environ["PCILU"]
HOST = os.path.join(SRC, "tests", "liveupdate", "data", "host.lspci")
PLAN = ("plan", "--no-names", "0000:01:00.0", HOST)


def plan_to(path, **kw):
    return pcilutest.run(PLAN[0], "-o", path, *PLAN[1:], **kw)


def leftovers(d):
    return [f for f in os.listdir(d) if f.startswith(".pcilu-")]


tmp = tempfile.TemporaryDirectory()
T = tmp.name

# A regular file: written 0600 (the manifest names the machine), nothing left beside it.
out = os.path.join(T, "m.dtb")
rc, _, err = plan_to(out)
check("plan -o FILE: exit 0, mode 0600", rc == 0 and stat.S_IMODE(os.stat(out).st_mode) == 0o600, (rc, err))
check("plan -o FILE: no temporary file left", not leftovers(T), os.listdir(T))
# Replacing an existing regular file keeps working, and stays 0600.
os.chmod(out, 0o644)
rc, _, err = plan_to(out)
check("plan -o over a regular file: replaced, 0600", rc == 0 and stat.S_IMODE(os.stat(out).st_mode) == 0o600)

# A 250-byte name (NAME_MAX is 255): the temporary name must not be longer than the target's.
long_name = os.path.join(T, "m" * 246 + ".dtb")
rc, _, err = plan_to(long_name)
check("plan -o a 250-byte file name: exit 0", rc == 0 and os.path.isfile(long_name), (rc, err))

# A FIFO, a symbolic link: refused, left as they were.
fifo = os.path.join(T, "fifo")
os.mkfifo(fifo)
rc, _, err = plan_to(fifo)
check("plan -o FIFO: exit 2, says so, FIFO intact", rc == 2 and "is a FIFO, not a regular file: not replaced" in err
      and stat.S_ISFIFO(os.lstat(fifo).st_mode), (rc, err))
link = os.path.join(T, "link")
target = os.path.join(T, "target")
os.symlink(target, link)
rc, _, err = plan_to(link)
check("plan -o symlink: exit 2, link intact, target not created", rc == 2 and "is a symbolic link" in err
      and os.path.islink(link) and not os.path.exists(target), (rc, err))
if os.geteuid() == 0:
    devnull = os.stat("/dev/null")
    rc, _, err = plan_to("/dev/null")
    after = os.stat("/dev/null")
    check("plan -o /dev/null as root: exit 2, the device node kept", rc == 2 and stat.S_ISCHR(after.st_mode)
          and after.st_rdev == devnull.st_rdev and "is a character device" in err, (rc, err))
else:
    print("# not root: /dev/null cannot be replaced anyway; that case needs root")


def no_big_files():
    # write() past RLIMIT_FSIZE: SIGXFSZ (default: die, leaving the temporary file) or, held by
    # pcilu while it writes, EFBIG: a write failing midway.
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


d2 = os.path.join(T, "fail")
os.mkdir(d2)
p = subprocess.run([PCILU, "plan", "-o", os.path.join(d2, "m.dtb"), *PLAN[1:]], capture_output=True, text=True,
                   preexec_fn=no_big_files, timeout=60)
check("a write failing midway: exit 2, says why, no temporary file left", p.returncode == 2
      and "cannot write: File too large" in p.stderr and not os.listdir(d2), (p.returncode, p.stderr, os.listdir(d2)))

# Output that cannot be written is an error, never a silent success.
with open("/dev/full", "w") as full:
    p = subprocess.run([PCILU, "check", "--json", HOST], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
check("check --json > /dev/full: exit 2 with a message", p.returncode == 2
      and "cannot write standard output: No space left on device" in p.stderr, (p.returncode, p.stderr))
r, w = os.pipe()
os.close(r)     # the reader is gone before pcilu writes a byte
p = subprocess.run([PCILU, "tree", "--no-names", HOST], stdout=w, stderr=subprocess.PIPE, text=True, timeout=60)
os.close(w)
check("output to a closed pipe: exit 2 with a message", p.returncode == 2 and "Broken pipe" in p.stderr,
      (p.returncode, p.stderr))

# --luo --kexec without /dev/liveupdate: no kexec happened, so exit 2 (README).
if not os.path.exists("/dev/liveupdate"):
    rc, _, err = pcilutest.run("plan", "--luo", "--kexec", "/nonexistent/vmlinuz", "-o", os.path.join(T, "k.dtb"),
                               *PLAN[1:])
    check("plan --luo --kexec without /dev/liveupdate: exit 2, says no kexec", rc == 2 and "no kexec done" in err,
          (rc, err))
    rc, _, err = pcilutest.run("plan", "--luo", "--hold", "-o", os.path.join(T, "h.dtb"), *PLAN[1:])
    check("plan --luo --hold without /dev/liveupdate: exit 2, nothing to hold", rc == 2
          and "nothing to hold" in err, (rc, err))

# A manifest of the live system verified in the same boot: not verified (exit 3), whatever matches.
if os.path.isdir("/sys/bus/pci/devices") and os.listdir("/sys/bus/pci/devices"):
    live = sorted(os.listdir("/sys/bus/pci/devices"))[-1]
    man = os.path.join(T, "live.dtb")
    rc, _, err = pcilutest.run("plan", "--force", "-o", man, live)
    if rc in (0, 1) and os.path.exists(man):
        rc, out, err = pcilutest.run("verify", man)
        check("verify in the same boot: exit 3, 'not verified'", rc == 3 and out.startswith("not verified: no kexec")
              and "no kexec happened since" in err, (rc, out, err))
        rc, out, err = pcilutest.run("verify", "--json", man)
        doc = json.loads(out) if out.strip() else {}
        check("verify --json in the same boot: held false, kexec_since_plan false, exit 3", rc == 3
              and doc.get("held") is False and doc.get("kexec_since_plan") is False and not doc.get("drifts"),
              (rc, doc.get("held"), doc.get("kexec_since_plan")))

# Warnings of --rules reach the text output, not only JSON.
rc, _, err = pcilutest.run("groups", "--no-names", "--rules", "acs-override=id:zz:1572", HOST)
check("--rules warning printed in text mode", rc == 0 and "acs-override: bad vendor id" in err, (rc, err))

# An unreadable bus/pci/devices is "permission denied", not "not a sysfs tree".
tree = os.path.join(T, "sys")
os.makedirs(os.path.join(tree, "bus", "pci", "devices", "0000:00:00.0"))
os.chmod(os.path.join(tree, "bus", "pci", "devices"), 0)
os.chmod(T, 0o755)
setpriv = shutil.which("setpriv")
cmd = [PCILU, "tree", tree]
if os.geteuid() == 0 and setpriv:
    cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
if os.geteuid() != 0 or setpriv:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    check("unreadable devices folder: permission denied, named", p.returncode == 2
          and "cannot open bus/pci/devices: Permission denied" in p.stderr, (p.returncode, p.stderr))
os.chmod(os.path.join(tree, "bus", "pci", "devices"), 0o755)

# Dumps are parsed while read in 1 MiB chunks (raw.c stream_lspci): lines cut at a chunk
# boundary, a file without a final newline, standard input and a line longer than the
# buffer must read exactly as a whole-file parse (bench/gen.py via pcilu-bench export).
bench = os.path.join(os.path.dirname(os.path.dirname(PCILU)), "..", "bench", "pcilu-bench")
spec = os.path.join(T, "big.json")
dump = os.path.join(T, "big.lspci")
subprocess.run([sys.executable, os.path.join(os.environ["PCILU_SRCDIR"], "bench", "gen.py"), "-n", "600", "-o", spec],
               check=True)
if os.path.exists(bench) and subprocess.run([bench, "export", spec, "--lspci", dump], capture_output=True).returncode == 0:
    want = subprocess.run([PCILU, "tree", "--no-names", spec], capture_output=True, text=True).stdout.split("\n", 1)[1]
    size = os.path.getsize(dump)
    p = subprocess.run([PCILU, "tree", "--no-names", dump], capture_output=True, text=True)
    check(f"a {size >> 20} MB dump read in chunks gives the spec's tree", size > 3 << 20 and
          p.stdout.split("\n", 1)[1] == want, (size, p.stderr[:300]))
    with open(dump, "rb") as f:
        data = f.read()
    nonl = os.path.join(T, "nonl.lspci")
    with open(nonl, "wb") as f:
        f.write(data.rstrip(b"\n"))
    p = subprocess.run([PCILU, "tree", "--no-names", nonl], capture_output=True, text=True)
    check("the same dump without its final newline", p.stdout.split("\n", 1)[1] == want, p.stderr[:300])
    p = subprocess.run([PCILU, "tree", "--no-names", "-"], input=data, capture_output=True)
    check("the same dump on standard input", p.stdout.decode().split("\n", 1)[1] == want, p.stderr[:300])
else:
    print("# pcilu-bench not built: chunked-reading checks skipped")
longline = os.path.join(T, "long.txt")
with open(longline, "w") as f:
    f.write("00:00.0 Host bridge: x\n" + "0" * (3 << 20) + "\n00: 86 80\n")
p = subprocess.run([PCILU, "tree", longline], capture_output=True, text=True, timeout=60)
check("a 3 MB line (longer than the read buffer): read, refused with a message", p.returncode == 2 and p.stderr, p)
finish()
