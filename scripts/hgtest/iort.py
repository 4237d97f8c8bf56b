# SPDX-License-Identifier: GPL-2.0
"""scripts/acpi-iort: give PCI devices of an arm64 test guest an IORT RMR
(Reserved Memory Range) of their own, the arm64 counterpart of a VT-d
RMRR, through the kernel's ACPI table upgrade.

QEMU's virt machine builds an IORT without RMR nodes, of revision 3
(ARM DEN 0049E.b); Linux reads RMR nodes only from revision 5 (E.d) on
(drivers/acpi/arm64/iort.c, iort_find_rmrs()). For a PCI device Linux
also wants the host bridge to keep the firmware's configuration (the
StreamIDs an RMR names are the RIDs firmware assigned): the PCI _DSM
function 5 ("preserve boot configuration") must return 0, and QEMU's
DSDT answers function 0 only. So two tables are upgraded: the IORT with
one RMR node per device, and the DSDT with function 5 added to the host
bridge's _DSM. Each gets a higher OEM revision: the kernel replaces a
table only with a newer one.

The guest's own tables and device paths are read once per QEMU version
and topology, from a guest booted for it, and kept in
$HOSTGEOM_CACHE/acpi/.
"""
import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HEADER = struct.Struct("<4sIBB6s8sI4sI")    # the ACPI table header, 36 bytes
IORT_FIELDS = struct.Struct("<III")        # node count, node offset, reserved
NODE = struct.Struct("<BHBIII")            # type, length, revision, id, mappings
ID_MAPPING = struct.Struct("<IIIII")       # input, count - 1, output, ref, flags
RMR_FIELDS = struct.Struct("<III")         # flags, descriptors, their offset
RMR_DESC = struct.Struct("<QQI")           # base, length, reserved

NODE_ITS, NODE_RC, NODE_SMMUV3, NODE_RMR = 0, 2, 4, 6
ID_SINGLE_MAPPING = 1
# RMR flags: access attributes in bits 2-9; 0x05 is normal memory,
# inner and outer write-back (the kernel maps it cacheable). Bit 0, remap
# permitted, stays clear: a direct region, not a relaxable one.
RMR_ATTR_NORMAL_WB = 0x05 << 2
RMR_MIN_REVISION = 5
# An RMR not 64 KiB aligned is a firmware bug to the kernel, which widens
# it and says so (iort_rmr_alloc()): refused here instead.
RMR_ALIGN = 0x10000
PCI_DSM_UUID = "e5c937d0-3553-4d7a-9117-ea4d19c3434d"

USAGE_EPILOG = """\
The region must be 64 KiB aligned (START a multiple of 0x10000, END + 1
too): the kernel widens any other and reports a firmware bug. The guest
must boot through UEFI (vm-run --firmware uefi: the IORT is an ACPI
table) with an SMMUv3 (--iommu smmuv3) in front of the device.
"""


class TableError(Exception):
    """A table, a device or a region that cannot be used; the message
    says which and why."""


def checksum(table):
    """The byte that makes @table's bytes sum to 0 (mod 256), with its
    checksum byte counted as 0."""
    return (-(sum(table) - table[9])) & 0xFF


def parse(table):
    """The IORT's header fields and nodes: a dict with "revision",
    "oem_revision" and "nodes" (each a dict with offset, type, length,
    revision, id and mappings), checked for the bounds the kernel trusts."""
    if len(table) < HEADER.size + IORT_FIELDS.size:
        raise TableError(f"the IORT is {len(table)} bytes, shorter than its header")
    sig, length, revision, _, _, _, oem_revision, _, _ = HEADER.unpack_from(table)
    if sig != b"IORT":
        raise TableError(f"not an IORT: the signature is {sig!r}")
    if length != len(table):
        raise TableError(f"the IORT says it is {length} bytes, the file has {len(table)}")
    if checksum(table) != table[9]:
        raise TableError("the IORT's checksum is wrong")
    count, offset, _ = IORT_FIELDS.unpack_from(table, HEADER.size)
    nodes = []
    for _ in range(count):
        if offset + NODE.size > length:
            raise TableError(f"IORT node at {offset} runs past the table's end")
        ntype, nlen, nrev, nid, nmaps, mapoff = NODE.unpack_from(table, offset)
        if nlen < NODE.size or offset + nlen > length:
            raise TableError(f"IORT node at {offset} has a bad length {nlen}")
        if nmaps and mapoff + nmaps * ID_MAPPING.size > nlen:
            raise TableError(f"IORT node at {offset}: its ID mappings run past the node")
        maps = [ID_MAPPING.unpack_from(table, offset + mapoff + i * ID_MAPPING.size)
                for i in range(nmaps)]
        nodes.append({"offset": offset, "type": ntype, "length": nlen,
                      "revision": nrev, "id": nid, "mappings": maps})
        offset += nlen
    return {"revision": revision, "oem_revision": oem_revision, "nodes": nodes}


def stream_id(iort, rid):
    """The StreamID and the SMMUv3 node's offset for PCI requester @rid,
    from the root complex's ID mappings."""
    by_offset = {n["offset"]: n for n in iort["nodes"]}
    for node in iort["nodes"]:
        if node["type"] != NODE_RC:
            continue
        for inp, count, out, ref, flags in node["mappings"]:
            if flags & ID_SINGLE_MAPPING or not inp <= rid <= inp + count:
                continue
            target = by_offset.get(ref)
            if target is None or target["type"] != NODE_SMMUV3:
                raise TableError(f"requester ID {rid:#06x} bypasses the SMMU in this IORT "
                                 "(its root complex maps it straight to the ITS): no RMR can apply")
            return out + rid - inp, ref
    raise TableError(f"requester ID {rid:#06x} is in no root complex mapping of this IORT")


def rmr_node(ident, sid, smmu, start, end):
    """One RMR node: one StreamID, one range [start, end]."""
    mapoff = NODE.size + RMR_FIELDS.size
    descoff = mapoff + ID_MAPPING.size
    length = descoff + RMR_DESC.size
    # Revision 3 is E.e's layout, the one written here (flags, count, offset).
    return (NODE.pack(NODE_RMR, length, 3, ident, 1, mapoff)
            + RMR_FIELDS.pack(RMR_ATTR_NORMAL_WB, 1, descoff)
            + ID_MAPPING.pack(0, 0, sid, smmu, ID_SINGLE_MAPPING)
            + RMR_DESC.pack(start, end - start + 1, 0))


def check_region(start, end):
    if start > end:
        raise TableError(f"region {start:#x}-{end:#x}: START is above END")
    if start % RMR_ALIGN or (end + 1) % RMR_ALIGN:
        raise TableError(f"region {start:#x}-{end:#x} is not 64 KiB aligned (START a multiple "
                         "of 0x10000, END + 1 too); the kernel would widen it and report a "
                         "firmware bug")


def add_rmrs(table, rmrs):
    """@table (the guest's IORT) with one RMR node per (rid, start, end)
    of @rmrs appended, at revision 5 or more, one OEM revision up."""
    iort = parse(table)
    next_id = max((n["id"] for n in iort["nodes"]), default=0) + 1
    extra = b""
    for rid, start, end in rmrs:
        check_region(start, end)
        sid, smmu = stream_id(iort, rid)
        extra += rmr_node(next_id, sid, smmu, start, end)
        next_id += 1
    out = bytearray(table + extra)
    sig, _, revision, _, oem_id, oem_table, oem_rev, creator, creator_rev = HEADER.unpack_from(out)
    HEADER.pack_into(out, 0, sig, len(out), max(revision, RMR_MIN_REVISION), 0, oem_id,
                     oem_table, oem_rev + 1, creator, creator_rev)
    count, offset, reserved = IORT_FIELDS.unpack_from(out, HEADER.size)
    IORT_FIELDS.pack_into(out, HEADER.size, count + len(rmrs), offset, reserved)
    out[9] = checksum(out)
    return bytes(out)


def dsdt_preserve_config(dsl):
    """The disassembled DSDT @dsl with the PCI host bridge's _DSM answering
    function 5 ("preserve boot configuration") with 0, function 0 listing
    it, and one OEM revision up."""
    block = re.search(r'^(DefinitionBlock \("[^"]*", "DSDT", \d+, "[^"]*", "[^"]*", )0x([0-9A-Fa-f]+)\)',
                      dsl, re.M)
    if not block:
        raise TableError("the disassembled DSDT has no DefinitionBlock line (iasl changed its format?)")
    dsl = (dsl[:block.start()] + block.group(1) + f"0x{int(block.group(2), 16) + 1:08X})"
           + dsl[block.end():])
    uuid = re.search(r'If \(\(Arg0 == ToUUID \("' + PCI_DSM_UUID + r'"\)[^\n]*\n(\s*)\{\n', dsl)
    if not uuid:
        raise TableError("the guest's DSDT has no PCI _DSM (UUID " + PCI_DSM_UUID
                         + ") to extend: QEMU changed its DSDT?")
    func0 = re.compile(r'(If \(\(Arg2 == Zero\)\)\s*\{\s*Return \(Buffer \(One\)\s*\{\s*)0x([0-9A-Fa-f]{2})')
    m = func0.search(dsl, uuid.end())
    if not m or "Method (" in dsl[uuid.end():m.start()]:
        raise TableError("the PCI _DSM has no function-0 answer to extend: QEMU changed its DSDT?")
    dsl = dsl[:m.start(2)] + f"{int(m.group(2), 16) | 0x21:02X}" + dsl[m.end(2):]
    pad = uuid.group(1) + "    "
    fn5 = f"{pad}If ((Arg2 == 0x05))\n{pad}{{\n{pad}    Return (Zero)\n{pad}}}\n\n"
    return dsl[:uuid.end()] + fn5 + dsl[uuid.end():]


def parse_rmr(spec):
    """'BDF=START-END' -> (bdf, start, end)."""
    m = re.fullmatch(r"((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])="
                     r"(0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)", spec)
    if not m:
        raise TableError(f"--rmr {spec}: want BDF=START-END, e.g. 0000:01:00.0=0x3f000000-0x3f0fffff")
    bdf = m.group(1).lower()
    if len(bdf) == 7:
        bdf = "0000:" + bdf
    start, end = int(m.group(2), 16), int(m.group(3), 16)
    check_region(start, end)
    return bdf, start, end


def rid_of(bdf):
    _, bus, devfn = bdf.split(":")
    dev, fn = devfn.split(".")
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn)


def run(cmd, what, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        raise TableError(f"{what} failed ({' '.join(cmd)}):\n{r.stdout}{r.stderr}")
    return r


def probe(here, topology, bdfs, cache):
    """The guest's IORT and DSDT and each device's sysfs path: read from a
    guest booted for the topology, once per QEMU version and topology."""
    qemu = os.environ.get("QEMU_ARM64", "qemu-system-aarch64")
    try:
        version = run([qemu, "--version"], "asking QEMU its version").stdout.splitlines()[0]
    except (OSError, IndexError) as e:
        raise TableError(f"{qemu}: cannot run it ({e}); run scripts/setup (qemu-system-arm)")
    args = run([os.path.join(here, "vm-topology"), "args", topology],
               f"topology {topology}").stdout
    key = hashlib.sha1("\n".join([version, topology, "uefi", args]).encode()).hexdigest()[:16]
    d = os.path.join(cache, "acpi", "iort-" + key)
    if not os.path.exists(os.path.join(d, "IORT")):
        print(f"acpi-iort: reading the IORT and DSDT QEMU builds for topology {topology} "
              "(a guest boot)", file=sys.stderr)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        tmp = tempfile.mkdtemp(dir=os.path.dirname(d), prefix=".iort-")
        try:
            script = ('t=/sys/firmware/acpi/tables; cp $t/IORT $t/DSDT "$0"/ && '
                      'for d in /sys/bus/pci/devices/*; do '
                      'echo "${d##*/} $(readlink -f $d)"; done >"$0"/devices')
            run([os.path.join(here, "vm-run"), "--topology", topology, "--firmware", "uefi",
                 "--out", tmp, "--", "sh", "-c", script, tmp],
                "the guest that reads the IORT")
            if not os.path.getsize(os.path.join(tmp, "IORT")):
                raise TableError("the guest has no IORT (no SMMUv3, or not an ACPI boot?)")
            shutil.rmtree(d, ignore_errors=True)
            os.rename(tmp, d)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    devices = {}
    with open(os.path.join(d, "devices")) as f:
        for line in f:
            name, _, path = line.strip().partition(" ")
            devices[name] = path
    for bdf in bdfs:
        if bdf not in devices:
            raise TableError(f"device {bdf} is not in topology {topology} (the guest has "
                             f"{', '.join(sorted(devices))}); see scripts/vm-topology list")
    return d


def build(here, topology, specs, out, cache):
    rmrs = [parse_rmr(s) for s in specs]
    if not rmrs:
        raise TableError("no --rmr given (see --help)")
    if not shutil.which("iasl"):
        raise TableError("iasl not found (Debian package acpica-tools); run scripts/setup")
    d = probe(here, topology, [b for b, _, _ in rmrs], cache)
    with open(os.path.join(d, "IORT"), "rb") as f:
        iort = add_rmrs(f.read(), [(rid_of(b), s, e) for b, s, e in rmrs])
    with tempfile.TemporaryDirectory(prefix="hostgeom-iort.") as tmp:
        shutil.copy(os.path.join(d, "DSDT"), os.path.join(tmp, "dsdt.dat"))
        run(["iasl", "-d", "dsdt.dat"], "disassembling the guest's DSDT with iasl", cwd=tmp)
        with open(os.path.join(tmp, "dsdt.dsl")) as f:
            dsl = dsdt_preserve_config(f.read())
        with open(os.path.join(tmp, "new.dsl"), "w") as f:
            f.write(dsl)
        run(["iasl", "-p", "DSDT", "new.dsl"], "compiling the DSDT with _DSM function 5", cwd=tmp)
        acpi = os.path.join(tmp, "cpio", "kernel", "firmware", "acpi")
        os.makedirs(acpi)
        shutil.move(os.path.join(tmp, "DSDT.aml"), os.path.join(acpi, "DSDT.aml"))
        with open(os.path.join(acpi, "IORT.aml"), "wb") as f:
            f.write(iort)
        names = "kernel\nkernel/firmware\nkernel/firmware/acpi\n" \
                "kernel/firmware/acpi/DSDT.aml\nkernel/firmware/acpi/IORT.aml\n"
        # uncompressed newc: the kernel looks for tables in the first archive
        with open(out + ".tmp", "wb") as f:
            r = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names.encode(),
                               stdout=f, stderr=subprocess.PIPE, cwd=os.path.join(tmp, "cpio"))
        if r.returncode:
            os.unlink(out + ".tmp")
            raise TableError(f"cpio failed writing {out}: {r.stderr.decode(errors='replace')}")
        os.rename(out + ".tmp", out)


def main(argv):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(
        prog="scripts/acpi-iort", epilog=USAGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Give devices of an arm64 test topology an IORT RMR of their own: the "
                    "guest's IORT with one RMR node per --rmr and its DSDT with the PCI "
                    "_DSM's \"preserve boot configuration\", packed for the kernel's ACPI "
                    "table upgrade (CONFIG_ACPI_TABLE_UPGRADE) as an uncompressed cpio that "
                    "goes in front of the initramfs (scripts/vm-run --rmr does all of this).")
    p.add_argument("--topology", required=True,
                   help="the scripts/vm-topology preset the guest boots (an arm64 one with SMMUv3)")
    p.add_argument("--rmr", action="append", default=[], metavar="BDF=START-END",
                   help="an RMR for the device at BDF (as the guest numbers it) covering "
                        "START-END (hex, inclusive); repeatable")
    p.add_argument("-o", dest="out", required=True, metavar="FILE.cpio", help="the cpio to write")
    a = p.parse_args(argv)
    cache = os.environ.get("HOSTGEOM_CACHE", "/var/cache/hostgeom")
    try:
        build(here, a.topology, a.rmr, a.out, cache)
    except TableError as e:
        print(f"acpi-iort: {e}", file=sys.stderr)
        return 2
    return 0
