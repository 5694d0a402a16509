#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The shared library exports exactly what include/pcilu/*.h declares.

usage: exports.py LIBPCILU.so INCLUDE_DIR [NM]

Compares the dynamic symbols libpcilu.so defines (nm -D --defined-only) with
the functions and extern objects the public headers declare, and fails listing
every extra or missing name. Every exported name must start with pcilu_
(docs/architecture.md, "What the library exports").
"""
import glob
import os
import re
import subprocess
import sys

# Symbols the toolchain itself defines in every shared object.
TOOLCHAIN = {"_init", "_fini", "_edata", "_end", "__bss_start"}


def strip_c(text):
    """Comments, string literals and preprocessor lines removed."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    return text


def drop_bodies(text):
    """Bodies of static inline functions (and struct/enum bodies) removed:
    what is left is the file's top-level declarations."""
    text = re.sub(r'extern\s*""\s*\{', " ", text)	# extern "C" { ... }
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
            out.append(" ; ")
        elif ch == "}":
            depth = max(depth - 1, 0)	# the "}" of extern "C"
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def declared(include_dir):
    names = {}
    for path in sorted(glob.glob(os.path.join(include_dir, "pcilu", "*.h"))):
        with open(path, encoding="utf-8") as f:
            text = drop_bodies(strip_c(f.read()))
        for decl in text.split(";"):
            decl = " ".join(decl.split())
            if not decl or decl.startswith("typedef") or re.match(r"static\b", decl) \
                    or re.search(r"\bstatic\s+inline\b", decl):
                continue
            # A function: the first identifier followed by '(' that is not
            # inside a parenthesised declarator such as (*fn).
            m = re.search(r"(?<![\w(])(?<!\(\*)(?<!\(\s\*)(\w+)\s*\(", decl)
            if m and not m.group(1).startswith("__"):
                names[m.group(1)] = os.path.basename(path)
                continue
            m = re.match(r"extern\s+.*?(\w+)\s*(?:\[[^\]]*\])*\s*$", decl)
            if m:
                names[m.group(1)] = os.path.basename(path)
    return names


def exported(lib, nm):
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name = parts[-1].split("@")[0]
        if name not in TOOLCHAIN:
            names.add(name)
    return names


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    lib, include_dir = sys.argv[1], sys.argv[2]
    nm = sys.argv[3] if len(sys.argv) == 4 else "nm"
    want = declared(include_dir)
    have = exported(lib, nm)
    bad = False
    unprefixed = sorted(n for n in have if not n.startswith("pcilu_"))
    if unprefixed:
        bad = True
        print(f"exported without the pcilu_ prefix ({len(unprefixed)}):")
        for n in unprefixed:
            print("  " + n)
    extra = sorted(have - set(want) - set(unprefixed))
    if extra:
        bad = True
        print(f"exported but declared in no public header ({len(extra)}):")
        for n in extra:
            print("  " + n)
    missing = sorted(set(want) - have)
    if missing:
        bad = True
        print(f"declared in a public header but not exported ({len(missing)}):")
        for n in missing:
            print(f"  {n} ({want[n]})")
    bad_decl = sorted(n for n in want if not n.startswith("pcilu_"))
    if bad_decl:
        bad = True
        print("public headers declare names without the pcilu_ prefix:")
        for n in bad_decl:
            print(f"  {n} ({want[n]})")
    if bad:
        return 1
    print(f"{len(have)} symbols exported, all declared in {include_dir}/pcilu/*.h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
