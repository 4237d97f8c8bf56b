#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's own YNL tool (tools/net/ynl of the tree scripts/kernel-tree
unpacked: its command line for the first dump, its library for the rest)
speaks to the loaded hostgeom_test module through
Documentation/netlink/specs/hostgeom.yaml, and what it decodes is
held against sysfs and against the kit's own client (hostgeom resv --json,
lib/module/genl.c): the groups, their domains and reserved regions, every
member's own regions, filtered dumps, the counters, a carve check where a
device is bound to the stub, and two errors with the module's messages.
Needs root and the module loaded (HOSTGEOM_KMOD: loaded with hostgeom resv
--load when it is not); skips without. KTAP out."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import ynl_common
from ynl_common import ROOT, in_tree, kernel_tree, report, run

# HOSTGEOM_YNL_SPEC: another spec (a broken one must fail the checks)
SPEC = os.environ.get("HOSTGEOM_YNL_SPEC") or ynl_common.SPEC
HOSTGEOM = os.environ.get("HOSTGEOM") or os.path.join(ROOT, "build", "hostgeom")
GROUPS = "/sys/kernel/iommu_groups"
STUB = "hostgeom_stub"
CLIS = ("tools/net/ynl/pyynl/cli.py", "tools/net/ynl/cli.py")


class Ynl:
    """The tree's ynl with the kit's spec. command() runs the command line
    (cli.py), validating the spec against the tree's schema; a call runs
    the same library in this process (a command line's start costs
    seconds under TCG): (exit status as cli.py's, reply, its text)."""

    def __init__(self, cli, schema):
        self.cli, self.schema = cli, schema
        self.family = None

    def command(self, *args):
        schema = ["--schema", self.schema] if self.schema else ["--no-schema"]
        p = run([sys.executable, self.cli, "--spec", SPEC, *schema,
                 "--output-json", *args])
        reply = None
        if p.returncode == 0:
            try:
                reply = json.loads(p.stdout)
            except ValueError:
                pass
        return p.returncode, reply, (p.stdout + p.stderr).strip()

    def __call__(self, kind, op, attrs=None):
        try:
            if self.family is None:
                sys.path.insert(0, os.path.dirname(self.cli))
                from lib import YnlFamily  # pylint: disable=import-outside-toplevel,import-error
                self.family = YnlFamily(SPEC, "")
            if kind == "dump":
                return 0, self.family.dump(op, attrs or {}), ""
            return 0, self.family.do(op, attrs or {}, None), ""
        except Exception as e:  # pylint: disable=broad-except
            # cli.py prints a netlink error (NlError) and exits 1
            if type(e).__name__ == "NlError":
                return 1, None, str(e)
            return 2, None, f"{type(e).__name__}: {e}"


def num(v):
    """A value as a number: cli.py prints display-hint hex values as
    "0x..." strings, hostgeom's JSON its addresses too."""
    if v is None or isinstance(v, bool):
        return v
    return int(v, 0) if isinstance(v, str) else v


def sysfs_regions(group):
    """/sys/kernel/iommu_groups/N/reserved_regions: (start, end, type)."""
    out = []
    with open(f"{GROUPS}/{group}/reserved_regions", encoding="ascii") as f:
        for line in f:
            start, end, kind = line.split()
            out.append((int(start, 16), int(end, 16), kind))
    return sorted(out)


def regions(nests, sysfs_names=False):
    """A list of region nests as (start, end, type); sysfs prints the
    software MSI window as msi."""
    out = []
    for r in nests or []:
        kind = r.get("type")
        if sysfs_names and kind == "sw-msi":
            kind = "msi"
        out.append((num(r.get("start")), num(r.get("end")), kind))
    return sorted(out)


def shown(rs):
    """Regions as a message shows them."""
    return "[" + ", ".join(f"{s:#x}-{e:#x} {t}" for s, e, t in rs) + "]"


def driver_of(name):
    link = f"/sys/bus/pci/devices/{name}/driver"
    return os.path.basename(os.readlink(link)) if os.path.islink(link) else None


def against_sysfs(g):
    """What a group of the dump says that sysfs says too."""
    gid = g.get("group-id")
    if not os.path.isdir(f"{GROUPS}/{gid}"):
        return [f"no {GROUPS}/{gid}"]
    problems = []
    members = sorted(os.listdir(f"{GROUPS}/{gid}/devices"))
    names = sorted(d.get("name") for d in g.get("device", []))
    if names != members:
        problems.append(f"members {names}, sysfs {members}")
    if regions(g.get("group-resv"), sysfs_names=True) != sysfs_regions(gid):
        problems.append(f"regions {shown(regions(g.get('group-resv')))}, sysfs {shown(sysfs_regions(gid))}")
    with open(f"{GROUPS}/{gid}/type", encoding="ascii") as f:
        kind = f.read().strip().lower()
    if kind in ("blocked", "identity", "unmanaged", "dma", "dma-fq") and g.get("domain-type") != kind:
        problems.append(f"domain {g.get('domain-type')}, sysfs {kind}")
    for d in g.get("device", []):
        drv = driver_of(d["name"])
        if d.get("driver") != drv:
            problems.append(f"{d['name']}: driver {d.get('driver')}, sysfs {drv}")
        if d.get("stub") != (1 if drv == STUB else 0):
            problems.append(f"{d['name']}: stub {d.get('stub')} with driver {drv}")
    return problems


def against_hostgeom(g, h):
    """A group of the dump against the same group of hostgeom resv --json."""
    problems = []

    def same(what, a, b):
        if a != b:
            problems.append(f"{what}: ynl {a}, hostgeom {b}")

    same("domain", g.get("domain-type"), (h.get("domain") or "").lower())
    ap = h.get("aperture") or {}
    same("aperture", (num(g.get("aperture-start")), num(g.get("aperture-end"))),
         (num(ap.get("start")), num(ap.get("end"))))
    fa = h.get("force_aperture")
    same("force_aperture", g.get("force-aperture"), None if fa is None else int(fa))
    same("pgsize_bitmap", num(g.get("pgsize-bitmap")), num(h.get("pgsize_bitmap")))
    same("reserved_regions", shown(regions(g.get("group-resv"))), shown(regions(h.get("reserved_regions"))))
    hdevs = {d["name"]: d for d in h.get("devices", [])}
    same("devices", sorted(d.get("name") for d in g.get("device", [])), sorted(hdevs))
    for d in g.get("device", []):
        hd = hdevs.get(d.get("name"))
        if hd is None:
            continue
        n = d["name"]
        same(f"{n} bus", d.get("bus"), hd.get("bus"))
        same(f"{n} driver", d.get("driver"), hd.get("driver"))
        same(f"{n} stub", d.get("stub"), int(hd.get("stub")))
        same(f"{n} dma_mask", num(d.get("dma-mask")), num(hd.get("dma_mask")))
        same(f"{n} coherent_dma_mask", num(d.get("coherent-mask")), num(hd.get("coherent_dma_mask")))
        same(f"{n} bus_dma_limit", num(d.get("bus-dma-limit")), num(hd.get("bus_dma_limit")))
        for key, hkey in (("32bit-first", "pci_32bit_first"), ("dma-iommu", "dma_iommu")):
            hv = hd.get(hkey)
            same(f"{n} {hkey}", d.get(key), None if hv is None else int(hv))
        same(f"{n} reserved_regions", shown(regions(d.get("resv"))), shown(regions(hd.get("reserved_regions"))))
    return problems


def failed_with(rc, text, errno_text, message):
    """cli.py prints a netlink error and the extended ACK, exit 1."""
    if rc == 0:
        return f"succeeded, wanted '{errno_text}'"
    if errno_text not in text or message not in text:
        return f"wanted '{errno_text}' and '{message}', got: {text[-300:]}"
    return None


def main():
    print("KTAP version 1")
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (the module, sysfs, a carve check)")
        return 4
    try:
        import yaml  # pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        print("1..0 # SKIP python3-yaml missing, which the kernel's ynl needs (scripts/setup installs it)")
        return 4
    tree = kernel_tree()
    cli = in_tree(tree, CLIS)
    if not cli:
        print("1..0 # SKIP no kernel tree with tools/net/ynl (scripts/setup unpacks 6.12)")
        return 4
    kmod = os.environ.get("HOSTGEOM_KMOD")
    if not os.path.isdir("/sys/module/hostgeom_test") and kmod:
        run([HOSTGEOM, "resv", f"--load={kmod}"])
    if not os.path.isdir("/sys/module/hostgeom_test"):
        print("1..0 # SKIP the hostgeom_test module is not loaded (HOSTGEOM_KMOD=PATH loads it)")
        return 4
    schema = os.path.join(tree, "Documentation", "netlink", "genetlink-c.yaml")
    ynl = Ynl(cli, schema if os.path.isfile(schema) else None)
    results = []

    def check(name, problem):
        results.append((name, problem))

    rc, dump, text = ynl.command("--dump", "get-groups")
    if rc != 0 or not isinstance(dump, list) or not dump:
        check("get-groups dump", f"exit {rc}: {text[-300:]}")
        dump = []
    else:
        check("get-groups dump", None)
    # Every group with a PCI member is in the dump, once.
    pci = sorted(int(g) for g in os.listdir(GROUPS)
                 if any(os.path.exists(f"/sys/bus/pci/devices/{d}")
                        for d in os.listdir(f"{GROUPS}/{g}/devices")))
    ids = sorted(g.get("group-id") for g in dump)
    check("get-groups: the groups with a PCI member, as sysfs",
          None if ids == pci else f"ynl {ids}, sysfs {pci}")
    for g in dump:
        p = against_sysfs(g)
        check(f"group {g.get('group-id')}: members, regions, domain, drivers as sysfs",
              "; ".join(p) or None)
    p = run([HOSTGEOM, "resv", "--json"])
    try:
        hgroups = {h["id"]: h for h in json.loads(p.stdout)["groups"]}
    except (ValueError, KeyError) as e:
        hgroups = None
        check("hostgeom resv --json", f"exit {p.returncode}, {e}: {p.stderr.strip()[-200:]}")
    if hgroups is not None:
        problems = []
        if sorted(hgroups) != ids:
            problems.append(f"groups: ynl {ids}, hostgeom {sorted(hgroups)}")
        for g in dump:
            if g.get("group-id") in hgroups:
                problems += [f"group {g['group-id']} {x}" for x in against_hostgeom(g, hgroups[g["group-id"]])]
        check("get-groups: every field as hostgeom resv --json", "; ".join(problems[:4]) or None)
    # A dump filtered by group-id: that group alone.
    if dump:
        gid = dump[-1]["group-id"]
        rc, one, text = ynl("dump", "get-groups", {"group-id": gid})
        got = [g.get("group-id") for g in one] if rc == 0 and isinstance(one, list) else None
        check("get-groups dump of one group-id",
              None if got == [gid] and one[0] == dump[-1] else f"exit {rc}, groups {got}: {text[-200:]}")
    # A filter that matches no group: an empty dump (not an error).
    rc, none, text = ynl("dump", "get-groups", {"group-id": 99999})
    check("get-groups dump of no such group-id: empty",
          None if rc == 0 and none == [] else f"exit {rc}: {text[-200:]}")
    rc, _, text = ynl("do", "carve", {"group-id": 99999})
    check("carve of no such group: ENOENT and the module's message",
          failed_with(rc, text, os.strerror(2), "no such IOMMU group with a PCI member: 99999"))
    rc, before, text = ynl("do", "get-counters")
    keys = ["cnt-live", "cnt-maps", "cnt-unmaps", "cnt-map-fails", "cnt-checks",
            "cnt-hits", "cnt-masks-changed", "cnt-masks-restored"]
    ok = rc == 0 and isinstance(before, dict) and sorted(before) == sorted(keys)
    check("get-counters do", None if ok else f"exit {rc}: {text[-300:]}")
    rc, _, text = ynl("do", "get-hold")
    check("get-hold with nothing held: ENOENT", failed_with(rc, text, os.strerror(2), "nothing is held"))
    # A carve check of a group with a member on the stub: its walks are
    # those members', and the module counted one check more.
    stubbed = [g for g in dump if any(d.get("stub") for d in g.get("device", []))]
    if not stubbed or not ok:
        results.append(("carve do", ("SKIP", f"no device bound to {STUB}") if ok else "no counters"))
    else:
        g = stubbed[0]
        want = sorted(d["name"] for d in g["device"] if d.get("stub"))
        req = {"group-id": g["group-id"], "carve-count": 64, "carve-timeout-ms": 10000,
               "carve-mask-bits": 64, "carve-map-order": 0}
        rc, reply, text = ynl("do", "carve", req)
        problems = []
        if rc != 0 or not isinstance(reply, dict):
            problems.append(f"exit {rc}: {text[-300:]}")
        else:
            cg = reply.get("carve-group", [])
            if [c.get("group-id") for c in cg] != [g["group-id"]]:
                problems.append(f"carve-group {[c.get('group-id') for c in cg]}")
            walks = sorted(w.get("device") for c in cg for w in c.get("walk", []))
            if walks != want:
                problems.append(f"walks {walks}, stub members {want}")
            if not isinstance(reply.get("carve-hits"), int):
                problems.append(f"carve-hits {reply.get('carve-hits')}")
            rc, after, text = ynl("do", "get-counters")
            if rc != 0 or not isinstance(after, dict):
                problems.append(f"get-counters after: exit {rc}")
            elif after["cnt-checks"] != before["cnt-checks"] + 1 or after["cnt-live"] != before["cnt-live"]:
                problems.append(f"counters before {before}, after {after}")
        check(f"carve do on group {g['group-id']}", "; ".join(problems) or None)
    return report("ynl_family", results)

if __name__ == "__main__":
    sys.exit(main())
