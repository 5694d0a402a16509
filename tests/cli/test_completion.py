# SPDX-License-Identifier: GPL-2.0-or-later
"""bash completion (completions/pcilu.bash): commands, each command's options as its
--help lists them, profiles, drivers and BDFs of the live host."""
import os
import shutil
import subprocess

import pcilutest
from pcilutest import check

BASH = shutil.which("bash")
if not BASH:
    pcilutest.skip("no bash")
SCRIPT = os.path.join(os.environ["PCILU_SRCDIR"], "completions", "pcilu.bash")
BIN = os.path.dirname(os.environ["PCILU"])


def complete(*words):
    """COMPREPLY for the command line WORDS, the cursor on the last word."""
    arr = " ".join("'%s'" % w for w in words)
    prog = f'source "{SCRIPT}"; COMP_WORDS=({arr}); COMP_CWORD={len(words) - 1}; _pcilu; printf "%s\\n" "${{COMPREPLY[@]}}"'
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
    p = subprocess.run([BASH, "-c", prog], capture_output=True, text=True, env=env, timeout=30)
    return [x for x in p.stdout.splitlines() if x]


check("commands", complete("pcilu", "") [:0] == [] and {"tree", "show", "groups", "check", "plan", "verify",
                                                         "simulate", "diff"} <= set(complete("pcilu", "")),
      complete("pcilu", ""))
check("a prefix", complete("pcilu", "ch") == ["check"], complete("pcilu", "ch"))
opts = complete("pcilu", "check", "--")
check("check's options from its --help", {"--verbose", "--json-lines", "--slots", "--driver", "--all", "--kernel"}
      <= set(opts), opts)
check("groups' options differ from check's", "--diff" in complete("pcilu", "groups", "--d")
      and "--diff" not in opts, complete("pcilu", "groups", "--d"))
check("profiles after --kernel", complete("pcilu", "check", "--kernel", "") == ["v4", "next", "iommufd"])
live = sorted(os.listdir("/sys/bus/pci/devices")) if os.path.isdir("/sys/bus/pci/devices") else []
if live:
    got = complete("pcilu", "groups", live[0][:7])
    check("BDFs of the live host as operands", live[0] in got, (live[0], got))
    got = complete("pcilu", "check", "-s", "")
    check("BDFs after -s", set(live) <= set(got), got[:5])
drivers = sorted(os.listdir("/sys/bus/pci/drivers")) if os.path.isdir("/sys/bus/pci/drivers") else []
if drivers:
    check("drivers after --driver", set(complete("pcilu", "check", "--driver", "")) == set(drivers))
pcilutest.finish()
