#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/kunit-ktap on recorded kernel logs: the kernel tree's own
(tools/testing/kunit/test_data/, read where scripts/kernel-tree unpacked
the tree) and one of the kit's (selftests/kunit_data/). Each case of each
suite is one KTAP line, a failure or a missing suite fails. KTAP out."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
TOOL = os.path.join(ROOT, "scripts", "kunit-ktap")


def kernel_tree():
    p = subprocess.run([os.path.join(ROOT, "scripts", "kernel-tree"), "src"],
                       capture_output=True, text=True, check=False)
    return p.stdout.strip() if p.returncode == 0 else ""


def run(kunit, log, *extra):
    p = subprocess.run([sys.executable, TOOL, "--kunit", kunit, log, *extra],
                       capture_output=True, text=True, check=False)
    return p.returncode, p.stdout.splitlines(), p.stderr


def main():
    tree = kernel_tree()
    kunit = os.path.join(tree, "tools", "testing", "kunit", "kunit.py")
    data = os.path.join(tree, "tools", "testing", "kunit", "test_data")
    print("TAP version 13")
    if not tree or not os.path.isfile(kunit):
        print("1..0 # SKIP no kernel tree with kunit.py (scripts/setup unpacks it)")
        return 4
    # log, expected exit status, a line that must be in the output
    cases = [
        ("passed_nested", os.path.join(data, "test_is_test_passed-all_passed_nested.log"),
         ["--expect", "example"], 0, "ok 4 kunit sysctl_test.example.example_simple_test"),
        ("failure_is_not_ok", os.path.join(data, "test_is_test_passed-failure.log"),
         [], 1, "not ok 9 kunit example.example_simple_test # FAIL"),
        ("skip_stays_skip", os.path.join(data, "test_skip_tests.log"),
         [], 0, "ok 5 kunit example.example_skip_test # SKIP"),
        ("missing_suite_is_not_ok", os.path.join(data, "test_is_test_passed-no_tests_run_no_header.log"),
         ["--expect", "iova"], 1, "not ok 1 kunit iova # ERROR the suite is not in the log"),
        # A debug kernel's console: the built-in suites' empty document at
        # boot, then the iova module's; every one of its 14 cases counts.
        ("kit_console_second_document_counts", os.path.join(HERE, "kunit_data", "iova-6.12.log"),
         ["--expect", "iova"], 0, "ok 14 kunit iova.iova_test_stress"),
    ]
    print(f"1..{len(cases) + 1}")
    failed = 0
    for i, (name, log, extra, want_rc, want) in enumerate(cases, 1):
        rc, out, err = run(kunit, log, *extra)
        why = None
        if rc != want_rc:
            why = f"exit {rc}, wanted {want_rc} ({err.strip()[-200:]})"
        elif not any(l.startswith(want) for l in out):
            why = f"no line '{want}' in {out[:4]}"
        if why:
            failed += 1
            print(f"not ok {i} kunit_ktap_{name} # {why}")
        else:
            print(f"ok {i} kunit_ktap_{name}")
    rc, out, err = run(kunit, "/nonexistent.log")
    ok = rc == 2 and "no such file" in err
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {len(cases) + 1} kunit_ktap_no_log_is_usage_error")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
