#!/usr/bin/env python3
"""Convert a pcilu QEMU capture (capture.txt, written by init.sh) into a
copied-sysfs tree plus groups.txt.

usage: convert.py DIR     (reads DIR/capture.txt, writes DIR/sysfs, DIR/groups.txt,
                           DIR/paths.txt, DIR/cmdline, DIR/dmesg.txt)
Exits non-zero with a message if the capture is truncated or inconsistent.
"""
import os
import re
import sys


def fail(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def parse(text):
    lines = text.replace("\r", "").split("\n")
    if not lines or not lines[0].startswith("PCILU-CAPTURE 1"):
        fail("capture does not start with 'PCILU-CAPTURE 1'")
    meta = {"sysgroups": {}, "dmesg": [], "acpi": {}}
    devs = []
    cur = None
    end = None
    for ln in lines[1:]:
        if not ln:
            continue
        key, _, rest = ln.partition(" ")
        if key == "DEV":
            if cur is not None:
                fail("DEV %s started before ENDDEV of %s" % (rest, cur["bdf"]))
            cur = {"bdf": rest, "attrs": {}, "resource": [], "virtfn": {}}
        elif key == "ENDDEV":
            if cur is None or cur["bdf"] != rest:
                fail("unexpected ENDDEV %s" % rest)
            for k in ("config", "configsize", "group"):
                if k not in cur:
                    fail("device %s has no %s" % (rest, k))
            if len(cur["config"]) != cur["configsize"]:
                fail("device %s: config has %d bytes, expected %d"
                     % (rest, len(cur["config"]), cur["configsize"]))
            devs.append(cur)
            cur = None
        elif key in ("UNAME", "CMDLINE"):
            meta[key.lower()] = rest
        elif key == "SYSGROUPDIR":
            meta["sysgroupdir"] = True
        elif key == "SYSGROUP":
            g, _, members = rest.partition(" ")
            meta["sysgroups"][g] = members.split()
        elif key == "DMESG":
            meta["dmesg"].append(rest)
        elif key == "ACPI":
            name, _, h = rest.partition(" ")
            if name not in ("DMAR", "IVRS", "VIOT") or not re.fullmatch(r"([0-9a-f]{2})+", h.strip()):
                fail("bad ACPI line for %r" % name)
            meta["acpi"][name] = bytes.fromhex(h.strip())
        elif key == "END-CAPTURE":
            end = int(rest)
        elif cur is None:
            fail("line outside a device: %r" % ln[:80])
        elif key == "PATH":
            cur["path"] = rest
        elif key == "GROUP":
            cur["group"] = rest
        elif key == "DRIVER":
            cur["driver"] = rest
        elif key == "PHYSFN":
            cur["physfn"] = rest
        elif key == "VIRTFN":
            name, _, tgt = rest.partition(" ")
            cur["virtfn"][name] = tgt
        elif key == "ATTR":
            name, _, val = rest.partition(" ")
            cur["attrs"][name] = val
        elif key == "RESOURCE":
            cur["resource"].append(rest)
        elif key == "CONFIGSIZE":
            cur["configsize"] = int(rest)
        elif key == "CONFIG":
            h = rest.strip()
            if not re.fullmatch(r"([0-9a-f]{2})*", h):
                fail("device %s: bad config hex" % cur["bdf"])
            cur["config"] = bytes.fromhex(h)
        else:
            fail("unknown line %r" % ln[:80])
    if cur is not None:
        fail("capture truncated inside device %s" % cur["bdf"])
    if end is None:
        fail("capture truncated: no END-CAPTURE marker (%d devices read)" % len(devs))
    if end != len(devs):
        fail("END-CAPTURE says %d devices, read %d" % (end, len(devs)))
    if not devs:
        fail("no PCI devices captured")
    return meta, devs


def write(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        fail(__doc__)
    d = sys.argv[1]
    with open(os.path.join(d, "capture.txt"), "rb") as f:
        meta, devs = parse(f.read().decode("ascii", "replace"))

    sysfs = os.path.join(d, "sysfs")
    devdir = os.path.join(sysfs, "bus", "pci", "devices")
    os.makedirs(devdir, exist_ok=True)
    if meta.get("sysgroupdir"):
        os.makedirs(os.path.join(sysfs, "kernel", "iommu_groups"), exist_ok=True)
    # The IOMMU tables as /sys/firmware/acpi/tables has them (which devices are covered).
    for name, data in sorted(meta["acpi"].items()):
        os.makedirs(os.path.join(sysfs, "firmware", "acpi", "tables"), exist_ok=True)
        write(os.path.join(sysfs, "firmware", "acpi", "tables", name), data, "wb")
    groups = {}
    for dev in devs:
        bdf = dev["bdf"]
        p = os.path.join(devdir, bdf)
        os.makedirs(p)
        write(os.path.join(p, "config"), dev["config"], "wb")
        for name in ("vendor", "device", "class", "subsystem_vendor",
                     "subsystem_device", "revision", "irq", "numa_node"):
            v = dev["attrs"].get(name, "-")
            if v != "-":
                write(os.path.join(p, name), v + "\n")
        if dev["resource"]:
            write(os.path.join(p, "resource"), "".join(r + "\n" for r in dev["resource"]))
        g = dev["group"]
        if g != "-":
            groups.setdefault(g, []).append(bdf)
            os.makedirs(os.path.join(sysfs, "kernel", "iommu_groups", g, "devices"), exist_ok=True)
            os.symlink("../../../../kernel/iommu_groups/" + g, os.path.join(p, "iommu_group"))
            os.symlink("../../../../bus/pci/devices/" + bdf,
                       os.path.join(sysfs, "kernel", "iommu_groups", g, "devices", bdf))
        drv = dev.get("driver", "-")
        if drv != "-":
            ddir = os.path.join(sysfs, "bus", "pci", "drivers", drv)
            os.makedirs(ddir, exist_ok=True)
            # keeps the directory (and the driver link target) in git
            write(os.path.join(ddir, ".keep"), "")
            os.symlink("../../../../bus/pci/drivers/" + drv, os.path.join(p, "driver"))
        if dev.get("physfn", "-") != "-":
            os.symlink("../" + dev["physfn"], os.path.join(p, "physfn"))
        for name, tgt in dev["virtfn"].items():
            os.symlink("../" + tgt, os.path.join(p, name))

    # cross-check the per-device links against /sys/kernel/iommu_groups
    sysg = {g: sorted(m) for g, m in meta["sysgroups"].items()}
    if sysg != {g: sorted(m) for g, m in groups.items()}:
        fail("iommu_group links disagree with /sys/kernel/iommu_groups: %r vs %r"
             % (groups, sysg))

    part = sorted(" ".join(sorted(m)) for m in groups.values())
    write(os.path.join(d, "groups.txt"), "".join(l + "\n" for l in part))
    write(os.path.join(d, "paths.txt"),
          "".join("%s %s\n" % (x["bdf"], x.get("path", "-")) for x in devs))
    write(os.path.join(d, "cmdline"), meta.get("cmdline", "") + "\n")
    write(os.path.join(d, "uname"), meta.get("uname", "") + "\n")
    write(os.path.join(d, "dmesg.txt"), "".join(l + "\n" for l in meta["dmesg"]))
    nogroup = [x["bdf"] for x in devs if x["group"] == "-"]
    if nogroup:
        sys.stderr.write("note: devices without iommu_group: %s\n" % " ".join(nogroup))


if __name__ == "__main__":
    main()
