#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/ktap-summary and scripts/hgtest/ktap.py on recorded KTAP
(selftests/test_data/ktap-summary/): the Python summary prints, byte for
byte, what the awk version it replaced printed on the same directories
(its outputs were recorded in expected/ before it went), hostile inputs
included: no plan, a crash mid-run, "1..0 # SKIP", nested subtests, CRLF,
bytes that are no UTF-8, an exit status without a failure."""
import os
import subprocess
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest
from hgtest import ktap

DATA = os.path.join(TEST_DATA, "ktap-summary")
SUMMARY = os.path.join(REPO, "scripts", "ktap-summary")


def run(*args):
    p = subprocess.run([SUMMARY, *args], cwd=DATA, capture_output=True, check=False)
    return p.returncode, p.stdout, p.stderr


def expected(case):
    def read(ext):
        with open(os.path.join(DATA, "expected", case + ext), "rb") as f:
            return f.read()
    return int(read(".status")), read(".stdout"), read(".stderr")


class RecordedOutputs(unittest.TestCase):
    """The awk version's outputs, recorded, against the Python one's."""

    def check(self, case, *args):
        rc, out, err = run(*args)
        want_rc, want_out, want_err = expected(case)
        self.assertEqual(out, want_out)
        self.assertEqual(err, want_err)
        self.assertEqual(rc, want_rc)

    def test_real_directories(self):
        self.check("real", "real")
        self.check("real-v", "-v", "real")

    def test_hostile_directories(self):
        self.check("hostile", "hostile")
        self.check("hostile-v", "--verbose", "hostile")

    def test_clean_directory_and_glob_order(self):
        self.check("clean", "clean")
        self.check("clean-v", "-v", "clean")

    def test_empty_directory(self):
        self.check("empty-dir", "empty-dir")
        self.check("empty-dir-v", "-v", "empty-dir")

    def test_usage(self):
        self.check("usage")
        self.check("help", "--help")
        self.check("missing", "-v", "no-such-dir")


class Counting(unittest.TestCase):
    def test_only_top_level_lines_count(self):
        c = ktap.count("1..2\n    ok 1 inner\n    not ok 2 inner\nok 1 a\nok 2 b # XFAIL x\n")
        self.assertEqual((c.passed, c.failed, c.xfail, c.planned), (1, 0, 1, 2))

    def test_skip_any_case_xfail_upper_only(self):
        c = ktap.count("ok 1 a # skip\nok 2 b # xfail 3\nok 3 c # XPASS\nnot ok 4 d # Skip\n")
        self.assertEqual((c.passed, c.skipped, c.xpass, c.failed), (1, 2, 1, 0))
        self.assertEqual(c.failures, ["not ok 4 d # Skip"])

    def test_whole_program_skipped(self):
        c = ktap.count("TAP version 13\n1..0 # SKIP no device\n")
        self.assertEqual((c.skipped, c.planned), (1, 0))
        self.assertIsNone(ktap.judge(c, 4))

    def test_crash_mid_run_fails_the_rest(self):
        c = ktap.count("1..4\nok 1 a\n")
        self.assertIn("planned 4 tests, reported 1", ktap.judge(c, 139))
        self.assertEqual(c.failed, 3)

    def test_exit_status_without_failure(self):
        c = ktap.count("1..1\nok 1 a\n")
        self.assertIn("status 2", ktap.judge(c, 2))
        self.assertEqual(c.failed, 1)
        c = ktap.count("1..1\nnot ok 1 a\n")
        self.assertIsNone(ktap.judge(c, 1))
        self.assertEqual(c.failed, 1)

    def test_rc_with_carriage_return(self):
        # the awk version's bash could not read "1\r" as a number
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "x.ktap"), "w") as f:
                f.write("1..1\r\nok 1 a\r\n")
            with open(os.path.join(d, "x.rc"), "w") as f:
                f.write("1\r\n")
            p = subprocess.run([SUMMARY, d], capture_output=True, text=True, check=False)
            self.assertEqual(p.stdout, "1 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass\n")
            self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    ktap_unittest.main()
