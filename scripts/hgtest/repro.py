# SPDX-License-Identifier: GPL-2.0
"""scripts/repro's verdicts: from an evidence directory that levels 1 and 2
filled (scripts/repro.d/), a verdict per scenario, results.json, the table,
KTAP, and the exit status. scripts/repro-report is the entry point;
scripts/repro runs the levels, then it (--report DIR: only it).

The files read, per scenario N: sN.error (a stage's reason it could not
run), sN.carve.rc and sN.carve.json (the carve check), sN.group, sN.dmesg
and sN.resv.json (who joined the group first), sN.times, sN.viommu,
sN.l1-qemu-errors; l1.times and l2-BOOT.times (stage timings).

Every string in the JSON is escaped (json.dumps): a reason may hold
quotes, backslashes, newlines or bytes that are not UTF-8 (those become
U+FFFD, as jq made them).
"""
import json
import math
import os
import re
import sys

TITLES = {
    1: "shared group, aw-bits=64, hot-plug",
    2: "singleton group, aw-bits=64, hot-plug",
    3: "shared group, hostgeom's options, hot-plug",
    4: "shared group, aw-bits=64, cold-plug",
}


VERDICTS = ("reproduced", "clean")
# How a VFIO device's host IOVA ranges reach virtio-iommu's guest, per
# level-1 QEMU. 9.1 (Eric Auger's series with "virtio-iommu: Compute host
# reserved regions") hands them over through HostIOMMUDevice when the
# device is realized, before the guest's probe.
# 8.2 to 9.0 (taken to have the series "VIRTIO-IOMMU/VFIO: Don't assume
# 64b IOVA space", October 2023; not run by the kit) did it through an
# IOMMU memory-region callback, in time only
# for cold-plugged devices (a hot-plugged one's came after the probe).
# 7.2 has no host reserved regions at all (no virtio_iommu_host_resv_regions
# trace event). aw-bits on virtio-iommu: 9.0.
BEFORE_PROBE = (9, 1)
COLD_ONLY = (8, 2)
VIRTIO_AW_BITS = (9, 0)
HOT = {1, 2}
NOT_BEFORE_PROBE = ("level 1's QEMU conveys no host IOVA range of a hot-plugged device before "
                    "the guest's probe (QEMU before 9.1 has no HostIOMMUDevice path)")
NONE_AT_ALL = "level 1's QEMU conveys no host IOVA range at all (QEMU before 8.2)"
WHY = {
    2: "; so even a singleton group's domain is set up without the device's region above "
       "the host's width, and the first 64-bit IOVA is one the host cannot map",
    "fix": "; the kernel fix carves each device's own reserved regions, but there is nothing "
           "to carve",
}
INTEL_FOR_OLD = ("QEMU before 9.0 has no virtio-iommu aw-bits, so hostgeom prints no "
                 "virtio-iommu line for it but intel-iommu aw-bits=39, which level 2 runs: "
                 "its aperture ends at the host's width")


def version_tuple(text):
    """"7.2.22" -> (7, 2, 22); None when @text is no version."""
    m = re.match(r"([0-9]+)\.([0-9]+)(?:\.([0-9]+))?", text or "")
    if not m:
        return None
    return tuple(int(x or 0) for x in m.groups())


def expected_for(kernel, l1_version=None):
    """The expected verdicts, and why each differs from QEMU 9.1 and
    later's ({N: text}): the patched kernel under test must be clean where
    the bug showed, as far as level 1's QEMU (@l1_version, "X.Y.Z"; None:
    9.1 or later) tells the guest what the host cannot map."""
    fix = kernel.endswith("+fix")
    if fix:
        exp = {1: "clean", 2: "clean", 3: "clean", 4: "clean"}
    else:
        exp = {1: "reproduced", 2: "clean", 3: "clean", 4: "reproduced"}
    why = {}
    v = version_tuple(l1_version)
    if v is None or v[:2] >= BEFORE_PROBE:
        return exp, why
    if v[:2] < VIRTIO_AW_BITS:
        why[3] = INTEL_FOR_OLD
    for n in (1, 2, 4):
        if n in HOT or v[:2] < COLD_ONLY:
            if exp[n] != "reproduced":
                why[n] = ((NONE_AT_ALL if v[:2] < COLD_ONLY else NOT_BEFORE_PROBE) +
                          (WHY["fix"] if fix else WHY[n]))
            exp[n] = "reproduced"
    return exp, why


def patch_expectations(paths):
    """Expected verdicts a QEMU patch states in its message, in lines
    "Hostgeom-Expect: N=VERDICT [N=VERDICT...]"; later patches win. Returns
    ({N: verdict}, {N: patch file name})."""
    exp, src = {}, {}
    for path in paths:
        for line in (read_text(path) or "").split("\n"):
            if line.startswith("diff --git"):
                break
            if not line.startswith("Hostgeom-Expect:"):
                continue
            for word in line.split(":", 1)[1].split():
                n, _, verdict = word.partition("=")
                if n in ("1", "2", "3", "4") and verdict in VERDICTS:
                    exp[int(n)] = verdict
                    src[int(n)] = os.path.basename(path)
    return exp, src


def qemu_info(out):
    """DIR/qemu (which QEMU ran each level: "KEY VALUE" lines, written by
    scripts/repro) and the patches of level 1's QEMU (DIR/qemu-patches);
    None for evidence from before the reproducer took a QEMU per level."""
    path = os.path.join(out, "qemu")
    if read_text(path) is None:
        return None
    info = {k: num(path, k) or None for k in
            ("level0_version", "level0_binary", "level1_version", "level1_binary")}
    pdir = os.path.join(out, "qemu-patches")
    names = sorted(os.listdir(pdir)) if os.path.isdir(pdir) else []
    info["level1_patches"] = names
    info["_paths"] = [os.path.join(pdir, n) for n in names]
    return info


def expectations(out, kernel):
    """Expected verdicts and why each differs ({N: text}), for this run."""
    q = qemu_info(out)
    exp, why = expected_for(kernel, q["level1_version"] if q else None)
    if q:
        pexp, psrc = patch_expectations(q["_paths"])
        for n, verdict in pexp.items():
            if verdict != exp[n]:
                why[n] = f"the QEMU patch {psrc[n]} says so (Hostgeom-Expect)"
            exp[n] = verdict
    return exp, why


def shown(path):
    """@path as text: bytes that are no UTF-8 print as U+FFFD, as in every
    other string of the JSON."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def read_text(path):
    """A file's text (undecodable bytes as U+FFFD), or None."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError):
        return None


def first_line(path):
    text = read_text(path)
    return text.split("\n", 1)[0] if text else ""


def num(path, key):
    """The value after KEY on the last line "KEY VALUE" of @path, or ""."""
    text = read_text(path) or ""
    value = ""
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == key:
            value = words[1]
    return value


def number(text):
    """@text as a JSON number (as jq's tonumber printed it), or None."""
    try:
        f = float(text)
    except ValueError:
        return None
    if not math.isfinite(f):
        return None
    return int(f) if f.is_integer() and abs(f) < 1e17 else f


def jq_str(v):
    """A JSON value as jq's string interpolation writes it."""
    if isinstance(v, str):
        return v
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e17:
        return str(int(v))
    return json.dumps(v, separators=(",", ":"))


def items(v, key):
    """v[key][] as jq's .key[]? gives them: nothing where there is none."""
    if not isinstance(v, dict):
        return []
    x = v.get(key)
    if isinstance(x, list):
        return x
    if isinstance(x, dict):
        return list(x.values())
    return []


def get(v, *keys):
    for k in keys:
        v = v.get(k) if isinstance(v, dict) else None
    return v


def walks(carve):
    for g in items(carve, "groups"):
        yield from items(g, "walks")


def map_errors(out, n):
    """Level-1 QEMU's VFIO DMA map errors while scenario @n's device was
    checked (sN.times), 0 when none or unknown."""
    x = number(num(os.path.join(out, f"s{n}.times"), "vfio_map_errors"))
    return x if isinstance(x, (int, float)) and x > 0 else 0


class Verdict:
    """One scenario's verdict (judge())."""

    def __init__(self):
        self.observed = "error"
        self.reason = ""
        self.hits = ""
        self.extra = ""
        self.wide = ""


def judge(out, n):
    """The Verdict of scenario @n from the evidence in @out."""
    v = Verdict()
    s = os.path.join(out, f"s{n}")
    error = read_text(s + ".error")
    if error:
        v.reason = error.split("\n", 1)[0]
        return v
    rc = read_text(s + ".carve.rc")
    if rc is None:
        v.reason = (f"no result: level 1 ended early (status "
                    f"{num(os.path.join(out, 'l1.times'), 'level1_exit')}; see {shown(out)}/l1.err)")
        return v
    rc = rc.rstrip("\n")
    text = read_text(s + ".carve.json")
    carve = None
    if text and text.strip():
        try:
            carve = json.loads(text)
        except ValueError:
            carve = None
    if carve is None or carve is False:  # jq -e . refused those
        v.reason = f"the carve check printed no JSON (exit {rc}; see {shown(out)}/s{n}.stub-bind.txt)"
        return v
    hits = [f"{jq_str(get(h, 'start'))}-{jq_str(get(h, 'end'))} x{jq_str(get(h, 'count'))} "
            f"in {jq_str(get(h, 'owner'))} {jq_str(get(h, 'region', 'start'))}-"
            f"{jq_str(get(h, 'region', 'end'))} {jq_str(get(h, 'region', 'type'))}"
            for w in walks(carve) for h in items(w, "hit_runs")]
    v.hits = "; ".join(hits[:3])
    # Where the 64-bit walk began: the top of what the allocator hands out.
    firsts = [p.get("first") for w in walks(carve) for p in items(w, "phases")
              if isinstance(p, dict) and p.get("mask_bits") == 64
              and p.get("first") not in (None, False)]
    v.wide = jq_str(firsts[0]) if firsts else ""
    verdict = jq_str(carve.get("verdict") if isinstance(carve, dict) else None)
    if rc == "1" and verdict == "violation" and v.hits:
        v.observed = "reproduced"
    elif rc == "1" and verdict == "map-failed":
        # Linux 7.3's symptom: the IOVA handed out inside the device's own
        # region fails to map, with space left below.
        v.observed = "reproduced"
        failed = sorted({f"map failed at {jq_str(get(p, 'map_failed_at', 'start'))}-"
                         f"{jq_str(get(p, 'map_failed_at', 'end'))} in "
                         f"{jq_str(get(p, 'map_failed_region', 'owner'))} "
                         f"{jq_str(get(p, 'map_failed_region', 'start'))}-"
                         f"{jq_str(get(p, 'map_failed_region', 'end'))} "
                         f"{jq_str(get(p, 'map_failed_region', 'type'))}"
                         for w in walks(carve) for p in items(w, "phases")
                         if get(p, "map_failure") == "region"})
        v.hits = "; ".join(failed[:3])
    elif rc == "0" and verdict == "pass" and map_errors(out, n):
        # No IOVA inside a region the guest was told of, yet level-1 QEMU
        # could not map one the guest used: the guest was never told (a
        # QEMU that conveys no host range before the probe).
        v.observed = "reproduced"
        v.hits = ("level-1 QEMU could not map an IOVA the guest used, inside no reserved "
                  "region the guest knew of: " + first_line(s + ".l1-qemu-errors"))
    elif rc == "0" and verdict == "pass":
        # The library says pass only for walks that went where the host
        # bites: through the top of 4 GiB and from the aperture's top.
        v.observed = "clean"
    elif verdict == "inconclusive":
        why = [f"{jq_str(get(w, 'device'))} did not walk through the top of the 32-bit space "
               "and of the aperture"
               for w in walks(carve) if get(w, "skip") == "none"
               and not (get(w, "through_top32") is True and get(w, "reached_aperture_top") is True)]
        for w in walks(carve):
            for p in items(w, "phases"):
                if get(p, "map_failure") == "unexplained":
                    at = get(p, "map_failed_at", "start")
                    why.append(f"a mapping by {jq_str(get(w, 'device'))} failed at "
                               f"{jq_str(at) if at not in (None, False) else '?'} "
                               "with space left and no region there")
        v.reason = "no verdict: " + "; ".join(why[:2])
    else:
        v.reason = f"carve exit {rc}, verdict {verdict} (see {shown(out)}/s{n}.carve.json)"
    # Which member joined the group first (its driver bound first) set up
    # the group's IOVA domain with its own regions only.
    g = (read_text(s + ".group") or "").rstrip("\n")
    if g:
        first = ""
        pattern = re.compile(r"[0-9a-f:.]*: Adding to iommu group " + re.escape(g) + "$")
        for line in (read_text(s + ".dmesg") or "").split("\n"):
            m = pattern.search(line)
            if m:
                first = m.group(0).split(" ", 1)[0]
                break
        members = ""
        resv = read_text(s + ".resv.json")
        try:
            members = " ".join("" if d.get("name") is None else jq_str(d.get("name"))
                               for gr in json.loads(resv)["groups"] for d in gr["devices"])
        except (TypeError, ValueError, KeyError, AttributeError):
            members = ""
        if first.endswith(":"):
            first = first[:-1]
        v.extra = f"group {g}: {members or '?'}; first to join: {first}"
    return v


def scenario_json(out, n, title, expected, because=None):
    """The scenario's object, in the key order of results.json; with
    @because (a run that recorded its QEMUs) "expected_because" too: why
    the expected verdict differs from QEMU 9.1 and later's, or null."""
    v = judge(out, n)
    s = os.path.join(out, f"s{n}")
    times = s + ".times"
    errs = num(times, "vfio_map_errors")
    plug, check = num(times, "plug"), num(times, "check")
    viommu = (read_text(s + ".viommu") or "").rstrip("\n")
    l1err = first_line(s + ".l1-qemu-errors")
    obj = {
        "scenario": n, "title": title, "expected": expected, "observed": v.observed,
        "as_expected": v.observed == expected,
        "reason": v.reason or None,
        "violations": v.hits.split("; ") if v.hits else [],
        "first_iova_64bit": v.wide or None,
        "group": v.extra or None,
        "virtio_iommu": viommu or None,
        "level1_qemu_dma_map_errors": number(errs) if errs else None,
        "level1_qemu_first_error": l1err or None,
        "seconds": {"plug": number(plug) if plug else None,
                    "check": number(check) if check else None},
    }
    if because is not None:
        obj["expected_because"] = because.get(n)
    return obj


def dumps(value, compact):
    """JSON as jq printed it: UTF-8 as it is, DEL escaped too."""
    sep = (",", ":") if compact else (", ", ": ")
    return json.dumps(value, ensure_ascii=False, separators=sep).replace("\x7f", "\\u007f")


JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def stage_json(raw):
    """A stage's time in results.json: the number as it was written, or a
    string when it is no number (never unquoted text), or null."""
    if not raw:
        return "null"
    return raw if JSON_NUMBER.fullmatch(raw) else dumps(raw, False)


def stage_value(raw):
    """The same time as a value (as jq read it back), for the table."""
    if not raw:
        return None
    n = number(raw) if JSON_NUMBER.fullmatch(raw) else None
    return n if n is not None else raw


def results(out, scenarios, kernel):
    """results.json's object and its text (the envelope with spaces, each
    scenario compact, as the bash version printed them)."""
    expected, why = expectations(out, kernel)
    q = qemu_info(out)
    objs = [scenario_json(out, n, TITLES[n], expected[n], why if q else None) for n in scenarios]
    l1 = os.path.join(out, "l1.times")
    raw = {"level1_up": num(l1, "level1_up"), "level1_ready": num(l1, "level1_ready"),
           "wall": num(l1, "wall")}
    # Per level-2 boot: ready and in all (level 1's clock), and its own
    # uptime at /init, at the agent's start and with the module loaded.
    for b in ("aw64", "hostgeom"):
        for k in ("ready", "total", "uptime_init", "uptime_agent_start", "uptime_module_loaded"):
            raw[f"level2_{k}_{b}"] = num(os.path.join(out, f"l2-{b}.times"), f"level2_{k}")
    stages = {k: stage_value(v) for k, v in raw.items()}
    doc = {"schema": 1, "command": "repro", "out": shown(out), "kernel": kernel}
    qtext = ""
    if q:
        # which QEMU ran each level (evidence from before: no key)
        doc["qemu"] = {k: v for k, v in q.items() if not k.startswith("_")}
        qtext = ', "qemu": ' + dumps(doc["qemu"], False)
    doc.update({"scenarios": objs, "stages": stages})
    # each scenario on a line of its own, as jq -c printed them
    text = ('{"schema": 1, "command": "repro", "out": ' + dumps(shown(out), False) +
            ', "kernel": ' + dumps(kernel, False) + qtext + ', "scenarios": [' +
            ",".join(dumps(o, True) + "\n" for o in objs) + '], "stages": {' +
            ", ".join(f"{dumps(k, False)}: {stage_json(v)}" for k, v in raw.items()) + "}}\n")
    return doc, text


def tsv(value):
    """A value as jq's @tsv writes it."""
    s = jq_str(value)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def columns(rows):
    """Rows of fields aligned as column -t does: every column but the last
    padded to its widest, two spaces between."""
    width = {}
    for r in rows:
        for i, f in enumerate(r[:-1]):
            width[i] = max(width.get(i, 0), len(f))
    return ["  ".join([f.ljust(width[i]) for i, f in enumerate(r[:-1])] + [r[-1]]) for r in rows]


def orelse(v, default="-"):
    """jq's //: the default for null and false."""
    return default if v is None or v is False else v


def table(doc):
    """The text table (and its notes) of results.json's object."""
    rows = [["#", "scenario", "expected", "observed", "plug s", "check s",
             "first 64-bit IOVA", "violations (first)"]]
    for s in doc["scenarios"]:
        reason = ""
        if s["reason"]:
            reason = (" -- " if s["violations"] else "") + "reason: " + s["reason"]
        rows.append([tsv(x) for x in (
            s["scenario"], s["title"], s["expected"],
            s["observed"] + ("" if s["as_expected"] else " <-- NOT AS EXPECTED"),
            orelse(s["seconds"]["plug"]), orelse(s["seconds"]["check"]),
            orelse(s["first_iova_64bit"]), "; ".join(s["violations"]) + reason)])
    lines = columns(rows)
    for s in doc["scenarios"]:
        errors = s["level1_qemu_dma_map_errors"] or 0
        if s["group"] is None and not errors > 0:
            continue
        line = f"scenario {s['scenario']}: {s['group'] or ''}"
        if errors > 0:
            line += (f"; level-1 QEMU DMA map errors: {jq_str(errors)}, first: "
                     f"{jq_str(s['level1_qemu_first_error'])}")
        lines.append(line)
    for s in doc["scenarios"]:
        if s.get("expected_because"):
            lines.append(f"scenario {s['scenario']} expected {s['expected']}: {s['expected_because']}")
    if doc.get("qemu"):
        q = doc["qemu"]
        lines.append(f"QEMU: level 0 {orelse(q['level0_version'])}, level 1 "
                     f"{orelse(q['level1_version'])} ({orelse(q['level1_binary'])})" +
                     (f", patches: {' '.join(q['level1_patches'])}" if q["level1_patches"] else ""))
    st = doc["stages"]
    lines.append(f"stages (s): level 1 up {jq_str(orelse(st['level1_up']))} "
                 f"(+ {jq_str(orelse(st['level1_ready']))} for hostgeom there), level 2 ready "
                 f"{jq_str(orelse(st['level2_ready_aw64']))} (aw-bits=64) "
                 f"{jq_str(orelse(st['level2_ready_hostgeom']))} (hostgeom), whole run "
                 f"{jq_str(orelse(st['wall']))}")
    return "".join(line + "\n" for line in lines)


def ktap(doc):
    lines = ["KTAP version 1", f"1..{len(doc['scenarios'])}"]
    for i, s in enumerate(doc["scenarios"], 1):
        lines.append(f"{'ok' if s['as_expected'] else 'not ok'} {i} repro scenario "
                     f"{s['scenario']}: {s['title']}: {s['observed']} (expected {s['expected']})" +
                     (f" # {s['reason']}" if s["reason"] else ""))
    text = "".join(line + "\n" for line in lines)
    return text + "".join(f"# {line}\n" for line in table(doc).splitlines())


def status(doc):
    """0 every scenario as expected, 1 a verdict differs, 2 one could not
    run (an error, never counted as clean)."""
    rc = 0
    for s in doc["scenarios"]:
        if s["observed"] == "error":
            rc = 2
        if not s["as_expected"] and rc != 2:
            rc = 1
    return rc


def matrix(mdir):
    """The QEMU matrix of scripts/repro --qemu-matrix: DIR/versions names
    the level-1 QEMUs, DIR/qemu-VERSION holds each one's run. Returns the
    matrix object and the exit status (the worst of the runs')."""
    versions = (read_text(os.path.join(mdir, "versions")) or "").split()
    runs, docs, rc = [], {}, 0
    for v in versions:
        out = os.path.join(mdir, f"qemu-{v}")
        if not os.path.isdir(out) or read_text(os.path.join(out, "scenarios")) is None:
            runs.append({"qemu": v, "version": None, "out": shown(out), "status": 2,
                         "reason": "the run did not start (no evidence directory)"})
            rc = 2
            continue
        scen = [int(n) for n in (read_text(os.path.join(out, "scenarios")) or "").split()
                if n in ("1", "2", "3", "4")]
        kernel = (read_text(os.path.join(out, "kernel")) or "kit").strip()
        doc, _ = results(out, scen, kernel)
        docs[v] = doc
        st = status(doc)
        rc = max(rc, st)
        runs.append({"qemu": v, "version": get(doc, "qemu", "level1_version"),
                     "out": shown(out), "status": st, "reason": None,
                     "wall": doc["stages"]["wall"]})
    rows = []
    for n in sorted({s["scenario"] for d in docs.values() for s in d["scenarios"]}):
        cells = {}
        for v in versions:
            sc = [x for x in docs[v]["scenarios"] if x["scenario"] == n] if v in docs else []
            if not sc:
                cells[v] = None
                continue
            x = sc[0]
            cells[v] = {"expected": x["expected"], "observed": x["observed"],
                        "as_expected": x["as_expected"], "reason": x["reason"],
                        "expected_because": x.get("expected_because"),
                        "first_iova_64bit": x["first_iova_64bit"],
                        "level1_qemu_dma_map_errors": x["level1_qemu_dma_map_errors"]}
        rows.append({"scenario": n, "title": TITLES[n], "qemu": cells})
    return {"schema": 1, "command": "repro-matrix", "out": shown(mdir), "runs": runs,
            "scenarios": rows}, rc


def matrix_table(m):
    """The matrix as text: a row per scenario, expected/observed per QEMU,
    then why each expected verdict differs from QEMU 9.1 and later's."""
    versions = [r["qemu"] for r in m["runs"]]
    head = ["#", "scenario"] + [f"QEMU {v} (level 1)" for v in versions]
    rows = [head]
    for r in m["scenarios"]:
        row = [str(r["scenario"]), r["title"]]
        for v in versions:
            c = r["qemu"].get(v)
            if c is None:
                row.append("-")
                continue
            cell = f"{c['expected']} / {c['observed']}"
            if not c["as_expected"]:
                cell += " <-- NOT AS EXPECTED"
            row.append(cell)
        rows.append(row)
    lines = ["expected / observed"] + columns(rows)
    for r in m["scenarios"]:
        for v in versions:
            c = r["qemu"].get(v)
            if c and c["expected_because"]:
                lines.append(f"scenario {r['scenario']} on QEMU {v}: {c['expected']}, because "
                             f"{c['expected_because']}")
            if c and c["reason"]:
                lines.append(f"scenario {r['scenario']} on QEMU {v}: {c['reason']}")
    for run in m["runs"]:
        lines.append(f"QEMU {run['qemu']}: {orelse(run['version'])}, evidence {run['out']}, "
                     f"status {run['status']}" +
                     (f", whole run {jq_str(orelse(run.get('wall')))} s" if run.get("wall") else "") +
                     (f" ({run['reason']})" if run["reason"] else ""))
    return "".join(line + "\n" for line in lines)


USAGE = """Usage: scripts/repro-report --out DIR [--scenarios "1 2 ..."] [--kernel K]
                            [--format text|json|ktap]
       scripts/repro-report --matrix DIR [--format text|json]

The verdicts of a scripts/repro run from its evidence directory DIR:
writes DIR/results.json, prints the table (text), the JSON (the table on
stderr) or KTAP. Without --scenarios and --kernel, DIR/scenarios and
DIR/kernel say. Exit status as scripts/repro's.
--matrix: the matrix of scripts/repro --qemu-matrix from DIR (its runs in
DIR/qemu-VERSION): writes DIR/matrix.json, prints the table or the JSON
(the table on stderr); exit status the worst of the runs'.
"""


def matrix_main(mdir, fmt):
    if not os.path.isdir(mdir) or fmt not in ("text", "json"):
        sys.stderr.write(USAGE)
        return 2
    if read_text(os.path.join(mdir, "versions")) is None:
        sys.stderr.write(f"repro: error: {mdir} holds no QEMU matrix (no 'versions' file); "
                         "run scripts/repro --qemu-matrix\n")
        return 2
    m, rc = matrix(mdir)
    text = dumps(m, False) + "\n"
    with open(os.path.join(mdir, "matrix.json"), "w", encoding="utf-8") as f:
        f.write(text)
    if fmt == "json":
        sys.stderr.write(matrix_table(m))
        sys.stderr.flush()
        sys.stdout.write(text)
    else:
        sys.stdout.write(matrix_table(m))
    sys.stdout.flush()
    return rc


def main(argv):
    opts = {"--out": None, "--scenarios": None, "--kernel": None, "--format": "text",
            "--matrix": None}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        if a not in opts or not args:
            sys.stderr.write(USAGE)
            return 2
        opts[a] = args.pop(0)
    if opts["--matrix"] is not None:
        return matrix_main(opts["--matrix"], opts["--format"])
    out = opts["--out"]
    if not out or not os.path.isdir(out) or opts["--format"] not in ("text", "json", "ktap"):
        sys.stderr.write(USAGE)
        return 2
    scen = opts["--scenarios"]
    if scen is None:
        scen = (read_text(os.path.join(out, "scenarios")) or "1 2 3 4").strip()
    kernel = opts["--kernel"]
    if kernel is None:
        kernel = (read_text(os.path.join(out, "kernel")) or "kit").strip()
    try:
        scenarios = [int(n) for n in scen.replace(",", " ").split()]
    except ValueError:
        scenarios = [0]
    if any(n not in TITLES for n in scenarios):
        sys.stderr.write(f"repro: error: unknown scenario in '{scen}' (1, 2, 3 or 4)\n")
        return 2
    doc, text = results(out, scenarios, kernel)
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        f.write(text)
    fmt = opts["--format"]
    if fmt == "json":
        sys.stderr.write(table(doc))
        sys.stderr.flush()
        sys.stdout.write(text)
    elif fmt == "ktap":
        sys.stdout.write(ktap(doc))
    else:
        sys.stdout.write(table(doc))
    sys.stdout.flush()
    rc = status(doc)
    if rc:
        for s in doc["scenarios"]:
            if not s["as_expected"]:
                sys.stderr.write(f"repro: SCENARIO {s['scenario']} ({s['title']}): expected "
                                 f"{s['expected']}, observed {s['observed']}" +
                                 (f" -- {s['reason']}" if s["reason"] else "") + "\n")
        sys.stderr.write(f"repro: evidence kept in {shown(out)} (Documentation/repro.md explains each file)\n")
    return rc
