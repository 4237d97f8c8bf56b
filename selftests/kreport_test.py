#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/kreport on recorded kernel logs (selftests/kreport_data/): each
report kind is seen and named, a clean log passes, and the text of tests
that only mention such words is not taken for a report. KTAP out."""
import os
import shutil
import subprocess
import tempfile
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KREPORT = os.path.join(HERE, "..", "scripts", "kreport")
DATA = os.path.join(HERE, "kreport_data")

# log file, expected exit status, the kinds the first line must name
CASES = [
    ("clean.log", 0, []),
    ("lockdep.log", 1, ["lockdep"]),
    ("kasan.log", 1, ["kasan"]),
    ("kmemleak.log", 1, ["kmemleak"]),
    ("warn.log", 1, ["warn"]),
    ("list.log", 1, ["bug", "list"]),  # the Oops is the BUG's
    ("hung.log", 1, ["hung-task"]),
    ("sleep.log", 1, ["sleep-in-atomic"]),
]


def run(*args):
    p = subprocess.run([sys.executable, KREPORT, *args],
                       capture_output=True, text=True, check=False)
    return p.returncode, p.stdout, p.stderr


def check_case(log, want_rc, kinds):
    rc, out, err = run(os.path.join(DATA, log), "--name", log)
    first = out.splitlines()[0] if out else ""
    if rc != want_rc:
        return f"exit {rc}, wanted {want_rc}: {first} {err.strip()}"
    if want_rc == 0:
        return None if first == f"ok 1 {log}" else f"wanted 'ok 1 {log}', got '{first}'"
    if not first.startswith(f"not ok 1 {log}: "):
        return f"no 'not ok' line: '{first}'"
    named = first.split("[", 1)[1].split("]", 1)[0].split(", ")
    if sorted(named) != sorted(kinds):
        return f"kinds {named}, wanted {kinds}"
    if "#   " not in out:
        return "no excerpt of the report"
    return None


def main():
    results = [(f"kreport_{log[:-4]}", check_case(log, rc, kinds))
               for log, rc, kinds in CASES]
    # A log that cannot be read is a usage error, not a clean log.
    rc, out, err = run(os.path.join(DATA, "no-such.log"))
    results.append(("kreport_unreadable_log_is_an_error",
                    None if rc == 2 and "cannot read" in err and not out
                    else f"exit {rc}, out '{out.strip()}', err '{err.strip()}'"))
    # A known problem is an expected failure; anything else still fails.
    known = r"WARNING: .* at drivers/iommu/intel/iommu\.c:\d+ intel_iommu_map_pages"
    rc, out, _ = run(os.path.join(DATA, "vtd-pte-set.log"), "--known", known)
    results.append(("kreport_known_problem_is_xfail",
                    None if rc == 0 and "# XFAIL 2 report(s) [warn]" in out
                    else f"exit {rc}: {out.strip()[:200]}"))
    rc, out, _ = run(os.path.join(DATA, "warn.log"), "--known", known)
    results.append(("kreport_other_warn_is_not_known",
                    None if rc == 1 and out.startswith("not ok 1") else
                    f"exit {rc}: {out.strip()[:200]}"))
    # --known repeats: a log with two known problems is an expected
    # failure only when both are named (a second --known used to replace
    # the first).
    both = os.path.join(tempfile.mkdtemp(), "both.log")
    with open(both, "w") as f:
        for part in ("vtd-pte-set.log", "warn.log"):
            with open(os.path.join(DATA, part)) as g:
                f.write(g.read())
    other = r"WARNING: .* at drivers/iommu/iommu\.c:\d+ __iommu_probe_device"
    rc, out, _ = run(both, "--known", known, "--known", other)
    results.append(("kreport_every_known_pattern_counts",
                    None if rc == 0 and "# XFAIL 3 report(s) [warn]" in out
                    else f"exit {rc}: {out.strip()[:200]}"))
    rc, out, _ = run(both, "--known", known)
    results.append(("kreport_a_report_no_pattern_names_fails",
                    None if rc == 1 and "not ok 1" in out and "1 report(s)" in out
                    else f"exit {rc}: {out.strip()[:200]}"))
    shutil.rmtree(os.path.dirname(both))
    # --plan gives a KTAP document of its own.
    rc, out, _ = run(os.path.join(DATA, "clean.log"), "--plan", "--number", "1")
    results.append(("kreport_plan",
                    None if out.splitlines()[:2] == ["TAP version 13", "1..1"]
                    else f"got {out.splitlines()[:2]}"))
    print("TAP version 13")
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, why) in enumerate(results, 1):
        if why is None:
            print(f"ok {i} {name}")
        else:
            failed += 1
            print(f"not ok {i} {name} # {why}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
