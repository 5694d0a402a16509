# SPDX-License-Identifier: GPL-2.0-or-later
"""What every Python CLI test shares: run pcilu, count checks, exit as meson reads it
(0 pass, 1 fail, 77 skip). On PYTHONPATH through test_env (tests/meson.build)."""
import os
import subprocess
import sys

SKIP = 77
_count = {"passed": 0, "failed": 0}


def run(*args, stdin=None, timeout=60):
    """pcilu ARGS with $PCILU; a hang fails the test through TimeoutExpired."""
    p = subprocess.run([os.environ["PCILU"], *args], capture_output=True, text=True,
                       input=stdin, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    if cond:
        _count["passed"] += 1
        print(f"ok - {name}")
    else:
        _count["failed"] += 1
        print(f"not ok - {name} {detail}")
    return bool(cond)


def failed():
    return _count["failed"]


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def have_shared(path):
    """True when the shared research file is there. Missing, it is a failure under
    CI=true (the data must be there), else the whole test is skipped."""
    if os.path.exists(path):
        return True
    if os.environ.get("CI") == "true":
        sys.exit(f"shared data missing: {path}")
    skip("shared research data not found")


def finish(skipped=False):
    """Exit 1 if a check failed, else 77 when nothing could be tested, else 0."""
    print(f"{_count['passed']} passed, {_count['failed']} failed")
    sys.exit(1 if _count["failed"] else SKIP if skipped else 0)
