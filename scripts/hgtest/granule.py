# SPDX-License-Identifier: GPL-2.0
"""scripts/granule's judge: the verdict of each case of the nested granule
run from its evidence directory (scripts/granule.d/level1 writes it), as
a table, JSON or KTAP; the exit status scripts/granule returns.

A case's verdict, in this order of precedence:
  map-errors  level 1's QEMU logged VFIO DMA map failures while level 2
              ran: level 2 maps pages that level 1's VFIO cannot
  hotplug-refused  level 1's QEMU refused the hot-plug because the
              granule is frozen (QMP device_add's error, quoted); any
              other failure of the hot-plug is an error
  refused     level 2's virtio-iommu driver refused the granule for the edu
              ("granule ... larger than system page size"): the device
              got no DMA domain
  clean       the carve check ran and found nothing, no map failure
  violation   the carve check ran and reported IOVAs in a reserved region
  error       the case could not run (the reason says why)
And one result more, first: the granule hostgeom qemu printed on level 1
must be level 1's smallest host page (l1-qemu.json's host page sizes),
with its note on what that asks of the guest when it is above 4k.
"""
import json
import os
import re
import sys

from .repro import first_line, num, read_text

# What QEMU 10.0.2 did (Documentation/arm64.md, "The granule case,
# nested"): a cold-plugged device narrows the virtio-iommu page mask to
# the host's (granule=4k included), which a 4 KiB guest then refuses; once
# the guest runs the granule is frozen and a hot-plug that needs another
# one is refused.
CASES = {
    "4k-guest-4k": ("level 2 with 4 KiB pages, granule=4k", "refused"),
    "4k-guest-4k-hotplug": ("level 2 with 4 KiB pages, granule=4k, the edu hot-plugged",
                            "hotplug-refused"),
    "4k-guest-printed": ("level 2 with 4 KiB pages, the printed granule", "refused"),
    "64k-guest-printed": ("level 2 with 64 KiB pages, the printed granule", "clean"),
}
# Level 1's QEMU when a VFIO DMA map fails (as scripts/repro.d/level1 counts)
MAP_ERROR = re.compile(r"vfio_container_dma_map|vfio_dma_map|VFIO_MAP_DMA")
# Linux's virtio-iommu driver (viommu_domain_finalise(), 6.12)
# for the edu (level 2 puts it at 01:00.0, behind its root port rp1;
# every other device behind virtio-iommu says the same)
EDU = "0000:01:00.0"
REFUSED = re.compile(EDU + r": granule 0x[0-9a-f]+ larger than system page size 0x[0-9a-f]+")
# ... and the page sizes it was offered (viommu_probe())
PAGE_MASK = re.compile(r"virtio_iommu virtio[0-9]+: page mask: (0x[0-9a-f]+)")
HOTPLUG_REFUSED = "QMP device_add refused: "
# QEMU's words when a hot-plugged device needs another granule than the
# frozen one; any other refusal is no verdict of this case
FROZEN = "virtio-iommu does not support frozen granule"
GRANULES = {0x1000: "4k", 0x2000: "8k", 0x4000: "16k", 0x10000: "64k"}
# hostgeom qemu's note on virt for a granule above 4k (lib/emit/qemu.c)
VIRT_WARNING = "warning: the guest needs pages of at least"


def last_line(path):
    """The last line of @path that is not empty, or ""."""
    return ((read_text(path) or "").strip().splitlines() or [""])[-1]


def case_names(out):
    """The cases of the run in plan order (NAME:KERNEL:MODULE:GRANULE lines)."""
    names = []
    for line in (read_text(os.path.join(out, "plan")) or "").splitlines():
        if line.strip():
            names.append(line.split(":", 1)[0])
    return names


def judge(out, name):
    """{case, title, granule, observed, expected, as_expected, reason, ...}"""
    title, expected = CASES.get(name, (name, "?"))
    d = os.path.join(out, name)
    doc = {"case": name, "title": title, "expected": expected,
           "granule": first_line(os.path.join(d, "granule")) or None,
           "map_errors": 0, "observed": "error", "reason": "", "l2_seconds": None}
    errors = [line for line in (read_text(os.path.join(d, "l1-qemu.log")) or "").splitlines()
              if MAP_ERROR.search(line)]
    doc["map_errors"] = len(errors)
    dmesg = read_text(os.path.join(d, "s1.dmesg")) or read_text(os.path.join(d, "console.log")) or ""
    refused = REFUSED.search(dmesg)
    mask = PAGE_MASK.search(dmesg)
    doc["l2_page_mask"] = mask.group(1) if mask else None
    doc["plug"] = first_line(os.path.join(d, "plug")) or "cold"
    carve_rc = first_line(os.path.join(d, "s1.carve.rc"))
    error = first_line(os.path.join(d, "s1.error"))
    seconds = num(os.path.join(d, "l2.status"), "seconds")
    doc["l2_seconds"] = float(seconds) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", seconds) else None
    if doc["map_errors"]:
        doc["observed"] = "map-errors"
        doc["reason"] = f"{doc['map_errors']} in level 1's QEMU, the first: {errors[0].strip()[:200]}"
    elif error.startswith(HOTPLUG_REFUSED) and FROZEN in error:
        doc["observed"] = "hotplug-refused"
        doc["reason"] = error[len(HOTPLUG_REFUSED):]
    elif refused:
        doc["observed"] = "refused"
        doc["reason"] = f"level 2: {refused.group(0)}"
    elif carve_rc == "0":
        doc["observed"] = "clean"
    elif carve_rc == "1":
        doc["observed"] = "violation"
        doc["reason"] = "the carve check found IOVAs in a reserved region (s1.carve.json)"
    elif error:
        doc["reason"] = error
    elif not os.path.isdir(d):
        l1 = first_line(os.path.join(out, "l1.error")) or last_line(os.path.join(out, "l1.err"))
        doc["reason"] = "level 1 never ran this case" + (f": {l1}" if l1 else "")
    else:
        why = last_line(os.path.join(d, "l2.err"))
        doc["reason"] = f"no carve result (carve status '{carve_rc}')" + (f"; {why}" if why else "")
    doc["as_expected"] = doc["observed"] == expected
    return doc


def printed(out):
    """What hostgeom qemu printed on level 1 (l1-qemu.json) against level
    1's own VFIO: {granule, host_pgsizes, want, warned, ok, reason}. The
    granule must be the smallest host page, and above 4k on virt a note
    must say what that asks of the guest."""
    p = {"granule": None, "host_pgsizes": None, "want": None, "warned": False, "ok": False,
         "reason": ""}
    try:
        doc = json.loads(read_text(os.path.join(out, "l1-qemu.json")) or "")
        p["granule"] = (doc.get("virtio_iommu") or {}).get("granule")
        pgsizes = int(doc["host"]["pgsizes"], 16)
    except (ValueError, KeyError, TypeError, AttributeError):
        p["reason"] = "no host page sizes in l1-qemu.json (hostgeom qemu failed on level 1?)"
        return p
    p["host_pgsizes"] = f"{pgsizes:#x}"
    p["want"] = GRANULES.get(pgsizes & -pgsizes, "host")
    p["warned"] = any(VIRT_WARNING in str(n) for n in doc.get("notes") or ())
    if p["granule"] != p["want"]:
        p["reason"] = f"printed {p['granule']}, the host's smallest page is {p['want']} ({p['host_pgsizes']})"
    elif p["want"] != "4k" and not p["warned"]:
        p["reason"] = f"granule {p['want']} on virt without the note on the guest's page size"
    else:
        p["ok"] = True
    return p


def results(out):
    p = printed(out)
    return {"printed": p,
            "printed_granule": p["granule"],
            "qemu": first_line(os.path.join(out, "l1-qemu-version.txt")) or None,
            "level1_seconds": int(num(os.path.join(out, "l1.status"), "seconds") or 0) or None,
            "cases": [judge(out, n) for n in case_names(out)]}


def table(doc):
    rows = [("case", "granule", "page mask", "observed", "expected", "level 2 s", "why")]
    for c in doc["cases"]:
        rows.append((c["case"], c["granule"] or "-", c["l2_page_mask"] or "-", c["observed"],
                     c["expected"], "-" if c["l2_seconds"] is None else f"{c['l2_seconds']:.0f}",
                     c["reason"] or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(6)) + "  " + r[6] for r in rows]
    p = doc["printed"]
    lines.append(f"hostgeom qemu on level 1 printed granule {doc['printed_granule'] or '(none)'} "
                 f"(host page sizes {p['host_pgsizes'] or '?'}: " +
                 ("as expected" if p["ok"] else f"WRONG: {p['reason']}") +
                 f"); level 1 ran {doc['level1_seconds'] or '-'} s; "
                 f"{doc['qemu'] or 'QEMU version unknown'} (the expected verdicts are QEMU 10.0.2's)")
    return "".join(line.rstrip() + "\n" for line in lines)


def ktap(doc):
    lines = ["KTAP version 1", f"1..{len(doc['cases']) + 1}"]
    p = doc["printed"]
    lines.append(f"{'ok' if p['ok'] else 'not ok'} 1 granule printed on level 1: "
                 f"{p['granule'] or '(none)'}" + ("" if p["ok"] else f" # {p['reason']}"))
    for i, c in enumerate(doc["cases"], 2):
        lines.append(f"{'ok' if c['as_expected'] else 'not ok'} {i} granule {c['case']}: "
                     f"{c['observed']} (expected {c['expected']})")
    return "".join(line + "\n" for line in lines) + \
        "".join(f"# {line}\n" for line in table(doc).splitlines())


def status(doc):
    """0 as expected, 1 a verdict differs, 2 a case could not run (or none ran)."""
    if not doc["cases"] or any(c["observed"] == "error" for c in doc["cases"]):
        return 2
    return 0 if doc["printed"]["ok"] and all(c["as_expected"] for c in doc["cases"]) else 1


def main(argv):
    fmt = "table"
    args = []
    for a in argv:
        if a in ("-j", "--json"):
            fmt = "json"
        elif a == "--ktap":
            fmt = "ktap"
        else:
            args.append(a)
    if len(args) != 1:
        sys.stderr.write("usage: python3 -m hgtest.granule [--json|--ktap] DIR\n")
        return 2
    if not os.path.isfile(os.path.join(args[0], "plan")):
        sys.stderr.write(f"granule: {args[0]}: no plan file: not an evidence directory of scripts/granule\n")
        return 2
    doc = results(args[0])
    if fmt == "json":
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    elif fmt == "ktap":
        sys.stdout.write(ktap(doc))
    else:
        sys.stdout.write(table(doc))
    return status(doc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
