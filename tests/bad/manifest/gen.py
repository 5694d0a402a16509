#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the malformed-manifest corpus (and good.dtb) next to this script.

The FDT is written by hand here, not by pcilu, so the corpus does not share
pcilu's encoder bugs. expected.txt lists, per file, a piece of the message
the reader must give. foreign.dtb was made with dtc from foreign.dts.
Run: python3 gen.py (the outputs are committed)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u32(*v):
    return b"".join(struct.pack(">I", x) for x in v)


def s(text):
    return text.encode() + b"\0"


def fdt(tree):
    """tree: (name, [(prop, bytes)], [children]) -> dtb bytes (version 17)."""
    strings, offs, body = bytearray(), {}, bytearray()

    def stroff(n):
        if n not in offs:
            offs[n] = len(strings)
            strings.extend(n.encode() + b"\0")
        return offs[n]

    def node(t):
        name, props, kids = t
        body.extend(u32(1) + name.encode() + b"\0")
        while len(body) % 4:
            body.append(0)
        for p, v in props:
            body.extend(u32(3, len(v), stroff(p)) + v)
            while len(body) % 4:
                body.append(0)
        for k in kids:
            node(k)
        body.extend(u32(2))

    node(tree)
    body.extend(u32(9))
    off_rsv = 40
    off_struct = off_rsv + 16
    off_strings = off_struct + len(body)
    total = off_strings + len(strings)
    hdr = u32(0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16, 0,
              len(strings), len(body))
    return hdr + bytes(16) + bytes(body) + bytes(strings)


def dev(name, seg, bus, devfn, role, ref, extra=()):
    props = [("segment", u32(seg)), ("bus", u32(bus)), ("devfn", u32(devfn)),
             ("vendor-id", u32(0x144d)), ("device-id", u32(0xa808)),
             ("subsystem-vendor-id", u32(0x144d)), ("subsystem-id", u32(1)),
             ("class-code", u32(0x010802)), ("revision-id", u32(1)),
             ("role", s(role)), ("refcount", u32(ref)),
             ("acs-cap", u32(0x1f)), ("acs-ctrl", u32(0x1d))]
    if role == "bridge":
        props.append(("bus-numbers", u32(0, 1, 1)))
    props.append(("ari-forwarding", u32(0)))
    props.append(("iommu-group", u32(seg, bus << 8 | devfn)))
    return [name, props + list(extra), []]


def good():
    root = [("compatible", s("pcilu,manifest-v1")), ("pcilu-version", s("0.1.0")),
            ("rule-profile", s("v4")), ("forced", u32(0))]
    host = ["host", [("kernel-release", s("7.2.13")),
                     ("boot-id", s("6f1d9a8e-2c47-4f0b-9a51-3e2d7c8b1f00")),
                     ("machine-id", s("0123456789abcdef0123456789abcdef")),
                     ("time", u32(0, 1790000000))], []]
    devs = ["devices", [], [dev("pci-0000-00-01.0", 0, 0, 8, "bridge", 1),
                            dev("pci-0000-01-00.0", 0, 1, 0, "endpoint", 1)]]
    return ["", root, [host, devs]]


def setprop(node, name, value):
    for i, (p, _) in enumerate(node[1]):
        if p == name:
            node[1][i] = (name, value)
            return
    node[1].append((name, value))


def delprop(node, name):
    node[1] = [(p, v) for p, v in node[1] if p != name]


def variants():
    out = {}

    def v(fname, msg, fn=None, raw=None):
        t = good()
        if fn:
            fn(t)
        out[fname] = (raw(fdt(good())) if raw else fdt(t), msg)

    host = lambda t: t[2][0]
    ep = lambda t: t[2][1][2][1]
    br = lambda t: t[2][1][2][0]
    v("wrong-compatible.dtb", 'manifest format "pcilu,manifest-v2" is not supported',
      lambda t: setprop(t, "compatible", s("pcilu,manifest-v2")))
    v("kho-compatible.dtb", 'compatible is "kho-v1", not "pcilu,manifest-v1"',
      lambda t: setprop(t, "compatible", s("kho-v1")))
    v("no-compatible.dtb", 'no "compatible" property', lambda t: delprop(t, "compatible"))
    v("acs-ctrl-3-bytes.dtb",
      'node /devices/pci-0000-01-00.0: property "acs-ctrl" has 3 bytes, expected 4',
      lambda t: setprop(ep(t), "acs-ctrl", b"\0\0\x1d"))
    v("vendor-out-of-range.dtb", 'property "vendor-id" is 0x10000, outside',
      lambda t: setprop(ep(t), "vendor-id", u32(0x10000)))
    v("oversized-string.dtb", 'property "kernel-release" is not one printable string',
      lambda t: setprop(host(t), "kernel-release", s("7" * 300)))
    v("oversized-group.dtb", 'property "iommu-group" has 2064 bytes',
      lambda t: setprop(ep(t), "iommu-group", u32(*([0, 0x100] * 258))))
    v("oversized-time.dtb", 'property "time" has 12 bytes, expected 8',
      lambda t: setprop(host(t), "time", u32(0, 0, 1)))
    v("missing-devices.dtb", 'required node "devices" is missing', lambda t: t[2].pop(1))
    v("missing-host.dtb", 'required node "host" is missing', lambda t: t[2].pop(0))
    v("missing-endpoint.dtb", "has refcount 1 but 0 preserved endpoint(s) below it",
      lambda t: t[2][1][2].pop(1))
    v("missing-refcount.dtb", 'required property "refcount" is missing',
      lambda t: delprop(ep(t), "refcount"))
    v("missing-time.dtb", 'required property "time" is missing', lambda t: delprop(host(t), "time"))
    v("no-endpoint.dtb", "no preserved endpoint", lambda t: t[2][1][2].clear())
    v("duplicate-node.dtb", "is listed twice",
      lambda t: t[2][1][2].append(dev("pci-0000-01-00.0", 0, 1, 0, "endpoint", 1)))
    v("duplicate-host.dtb", 'node "host" appears twice', lambda t: t[2].append(good()[2][0]))
    v("duplicate-property.dtb", 'property "bus" appears twice',
      lambda t: ep(t)[1].append(("bus", u32(1))))
    v("name-mismatch.dtb", "name does not match segment/bus/devfn",
      lambda t: setprop(ep(t), "devfn", u32(1)))
    v("bad-refcount.dtb", "has refcount 2 but 1 preserved endpoint",
      lambda t: setprop(br(t), "refcount", u32(2)))
    v("bad-role.dtb", 'property "role" is "switch"', lambda t: setprop(ep(t), "role", s("switch")))
    v("unknown-property.dtb", 'unknown property "colour"',
      lambda t: ep(t)[1].append(("colour", s("blue"))))
    v("group-without-self.dtb", "does not list the device itself",
      lambda t: setprop(ep(t), "iommu-group", u32(0, 0x101)))
    v("truncated.dtb", "truncated", raw=lambda b: b[:len(b) // 2])
    v("truncated-header.dtb", "a device tree header alone is 40", raw=lambda b: b[:20])
    v("empty.dtb", "truncated: 0 bytes", raw=lambda b: b"")
    v("bad-magic.dtb", "bad magic", raw=lambda b: b"\xd0\x0d\xfe\xee" + b[4:])
    v("trailing-bytes.dtb", "trailing bytes", raw=lambda b: b + b"\0" * 8)
    v("bad-struct-offset.dtb", "corrupt device tree",
      raw=lambda b: b[:8] + u32(0xfff0) + b[12:])
    v("bad-token.dtb", "corrupt device tree",
      raw=lambda b: b[:56] + u32(7) + b[60:])
    v("text-file.dtb", "bad magic", raw=lambda b: b"this is not a manifest at all, just text\n")
    return out


def main():
    with open(os.path.join(HERE, "good.dtb"), "wb") as f:
        f.write(fdt(good()))
    lines = []
    for name, (data, msg) in sorted(variants().items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        lines.append(f"{name}\t{msg}")
    lines.append("foreign.dtb\tno \"compatible\" property")
    with open(os.path.join(HERE, "expected.txt"), "w") as f:
        f.write("# file<TAB>a piece of the message the reader must give\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
