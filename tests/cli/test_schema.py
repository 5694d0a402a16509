# SPDX-License-Identifier: GPL-2.0-or-later
"""Every command's --json document validates against one shared description of the
common fields (docs/schema/pcilu-common.schema.json) with a real validator
(python3-jsonschema), and the same ideas have the same shapes everywhere."""
import json
import os
import subprocess
import sys
import tempfile

import pcilutest
from pcilutest import check, run

try:
    import jsonschema
except ImportError:
    # meson's python3 may be another interpreter than Debian's, which has the package.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3" and not os.environ.get("PCILU_REEXEC"):
        os.environ["PCILU_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    if os.environ.get("CI") == "true":
        print("not ok - python3-jsonschema is missing (scripts/deps.sh installs it)")
        sys.exit(1)
    pcilutest.skip("python3-jsonschema not installed")

def no_twice(pairs):
    """A JSON object whose keys are all different: pcilu names each key once
    (pcilu_json_add() tells json-c so, and json-c then keeps every copy)."""
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError("key named twice: " + ", ".join(twice))
    return dict(pairs)


def loads(text):
    return json.loads(text, object_pairs_hook=no_twice)


SRC = os.environ["PCILU_SRCDIR"]
HOST = os.path.join(SRC, "examples", "host.json")
schema = json.load(open(os.path.join(SRC, "docs", "schema", "pcilu-common.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
check("the schema itself is valid draft 2020-12", validator.check_schema(schema) is None)

tmp = tempfile.mkdtemp()
manifest = os.path.join(tmp, "m.dtb")
commands = [
    ("tree", ["tree", HOST]),
    ("show", ["show", "04:00.0", HOST]),
    ("groups", ["groups", HOST]),
    ("groups BDF", ["groups", HOST, "04:00.0"]),
    ("check", ["check", HOST]),
    ("check --all --slots", ["check", "--all", "--slots", HOST]),
    ("check --preserve", ["check", "--preserve", "01:00.0,05:00.0", HOST]),
    ("simulate", ["simulate", "--preserve", "01:00.0", HOST]),
    ("diff", ["diff", HOST, HOST]),
    ("groups --cmdline --diff", ["groups", "--cmdline", "pci=noats", "--diff", HOST]),
    ("check --iommu=off", ["check", "--iommu=off", "--all", "--slots", HOST]),
    ("simulate --sriov", ["simulate", "--preserve", "04:00.0", "--sriov", "0000:81:00.1=2", HOST]),
    ("plan", ["plan", "01:00.0", HOST, "-o", manifest, "--force"]),
    ("verify", ["verify", manifest, HOST]),
    ("live check", ["check"]),
]
docs = {}
for name, args in commands:
    rc, out, err = run(*args, "--json")
    try:
        doc = loads(out)
        twice = None
    except ValueError as e:
        doc, twice = None, str(e)
    check(f"{name}: a JSON document, no key twice in an object (exit {rc})", doc is not None and rc in (0, 1, 3),
          (rc, twice, err[:300]))
    if doc is None:
        continue
    docs[name] = doc
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    check(f"{name}: validates against the common schema", not errors,
          [f"{list(e.path)}: {e.message[:160]}" for e in errors[:5]])

# An input error still gives a document on stdout, with the diagnostics.
bad = os.path.join(tmp, "bad.txt")
with open(bad, "w") as f:
    f.write("garbage\n")
for cmd in (["tree"], ["check"], ["groups"], ["show", "00:00.0"]):
    rc, out, err = run(*cmd, "--json", bad)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = {}
    check(f"{cmd[0]} --json on a bad file: exit 2 and a pcilu-error/1 document naming it",
          rc == 2 and doc.get("schema") == "pcilu-error/1" and doc["source"]["name"] == bad
          and doc["diagnostics"] and not list(validator.iter_errors(doc)), (rc, out[:300], err[:200]))

# JSON Lines: one object per judged device (check) or per device (groups), each a whole
# JSON document with the host facts, validating against the same common schema.
rc, out, err = run("check", "--json-lines", HOST)
rows = [loads(x) for x in out.splitlines()]
check("check --json-lines: one pcilu-fleet/1 object per judged endpoint (42)",
      rc == 1 and len(rows) == 42 and all(r["schema"] == "pcilu-fleet/1" for r in rows), (rc, len(rows), err[:200]))
check("check --json-lines: each line validates and repeats the source",
      all(not list(validator.iter_errors(r)) and r["source"] == rows[0]["source"] for r in rows))
gpu = [r for r in rows if r["bdf"] == "0000:04:00.0"]
check("check --json-lines: verdicts as rule codes, the group's members",
      gpu and gpu[0]["verdicts"]["v4"] == {"state": "refused", "errno": -22, "rules": ["group"], "bridge": None}
      and gpu[0]["group_size"] == 4 and gpu[0]["verdicts"]["next"]["state"] == "eligible", gpu)
rc, out, err = run("groups", "--json-lines", HOST)
rows = [loads(x) for x in out.splitlines()]
check("groups --json-lines: one object per function (65)", rc == 0 and len(rows) == 65
      and all(r["schema"] == "pcilu-groups-line/1" and not list(validator.iter_errors(r)) for r in rows), len(rows))
rc, out, err = run("check", "--json-lines", "--json", HOST)
check("--json-lines with --json: a usage error, said", rc == 2 and "json-lines" in err, (rc, err))

# The same idea, the same shape: one source object, one assumption form, one group key.
srcs = [d["source"] for d in docs.values() if "source" in d] + [docs["diff"]["a"], docs["diff"]["b"]]
seven = {"name", "kind", "live", "kernel_release", "cmdline", "functions", "capture"}
check("source is one object with the same seven fields in every document that read one",
      len(srcs) >= 10 and all(isinstance(s, dict) and set(s) == seven for s in srcs), [s if not isinstance(s, dict) else sorted(s) for s in srcs])
asm = [a for d in docs.values() for a in d.get("assumptions", [])]
check("assumptions are objects everywhere", asm and all(isinstance(a, dict) for a in asm), asm[:2])
check("check and groups name pcilu's group 'group' and the kernel's 'kernel_group'",
      all("group" in x and "kernel_group" in x for x in docs["check"]["devices"] + docs["groups"]["devices"]))
pcilutest.finish()
