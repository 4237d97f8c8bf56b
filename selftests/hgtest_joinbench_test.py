#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/hgtest/joinbench.py (scripts/bench.d/join), the join latency
benchmark: its kernel list, the guest's result line as recorded from a
real guest (selftests/test_data/joinbench/), the table, and the errors it
names: a bad kernel list, a guest that printed no result, a result
without rounds. The guest side itself needs a VM and the module:
scripts/bench join runs it."""
import os
import subprocess
import sys
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest
from hgtest import joinbench

DATA = os.path.join(TEST_DATA, "joinbench")


def recorded(name):
    with open(os.path.join(DATA, name), errors="replace") as f:
        return f.read()


class JoinBench(unittest.TestCase):
    def test_specs(self):
        self.assertEqual(joinbench.specs("unpatched=kit v1=kit+fix@v1 mine=kit+fix@/tmp/p"),
                         [("unpatched", "kit", ""), ("v1", "kit+fix", "v1"),
                          ("mine", "kit+fix", "/tmp/p")])
        self.assertEqual(len(joinbench.specs(joinbench.DEFAULT_KERNELS)), 6)
        for bad in ("kit", "=kit", "v1="):
            with self.assertRaises(ValueError):
                joinbench.specs(bad)

    def test_recorded_guest(self):
        r = joinbench.parse(recorded("guest.out"))
        self.assertEqual(len(r["idle"]), len(r["busy"]))
        self.assertGreater(r["churns"], 0)
        self.assertTrue(all(ms > 0 for ms in r["idle"] + r["busy"]))

    def test_no_result(self):
        # the guest's output cut before its result line
        text = recorded("guest.out")
        cut = text[:text.index(joinbench.RESULT)]
        with self.assertRaisesRegex(ValueError, "no 'joinbench:' line"):
            joinbench.parse(cut)
        with self.assertRaisesRegex(ValueError, "no rounds"):
            joinbench.parse(joinbench.RESULT + '{"idle": [], "busy": [1.0], "churns": 3}\n')

    def test_table(self):
        r = {"idle": [30.0, 10.0, 20.0], "busy": [40.0, 60.0, 50.0], "churns": 7}
        text = joinbench.table([("unpatched", "kit", r, 61.4, 20.2),
                                ("v2", "kit+fix", "not built here: scripts/guest-kernel build kit+fix",
                                 0, 0)])
        lines = text.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("kernel"))
        self.assertIn("20.0 (10.0-30.0)", lines[1])
        self.assertIn("50.0 (40.0-60.0)", lines[1])
        self.assertRegex(lines[1], r"\b7\b.*\b61\b.*\b20$")
        self.assertIn("not built here", lines[2])

    def test_usage(self):
        script = os.path.join(REPO, "scripts", "hgtest", "joinbench.py")
        p = subprocess.run([sys.executable, script], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)
        p = subprocess.run([sys.executable, script, "host", REPO], capture_output=True, text=True,
                           check=False, env=dict(os.environ, BENCH_JOIN_ROUNDS="0"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("BENCH_JOIN_ROUNDS", p.stderr)


if __name__ == "__main__":
    ktap_unittest.main()
