# SPDX-License-Identifier: GPL-2.0
"""Runs a module's unittest cases and prints KTAP, one line a test (a
subTest failure fails its test), so that make check counts them: its
stages read KTAP, not unittest's own report. A skipped class is one
"1..0 # SKIP" document with exit status 4, the kselftest skip code."""
import re
import sys
import unittest


class _Result(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.lines = []
        self.failed = set()

    def _note(self, test, err):
        self.failed.add(test.id())
        msg = str(err[1]).splitlines() or [""]
        self.lines.append((test.id(), "not ok", msg[0][:300]))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._note(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._note(test, err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._note(subtest, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.lines.append((test.id(), "ok", "SKIP " + reason))

    def addSuccess(self, test):
        super().addSuccess(test)
        self.lines.append((test.id(), "ok", None))


def main(module="__main__"):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    result = _Result()
    suite.run(result)
    print("TAP version 13")
    # a class skipped whole (setUpClass) reports no test of its own
    if not result.lines and result.skipped:
        print(f"1..0 # SKIP {result.skipped[0][1]}")
        sys.exit(4)
    print(f"1..{len(result.lines)}")
    for i, (name, status, why) in enumerate(result.lines, 1):
        # "setUpClass (__main__.Class)" when a whole class was skipped
        name = re.sub(r"^\w+ \((.*)\)$", r"\1", name).split(".", 1)[-1]
        if status == "not ok":
            print(f"not ok {i} {name} # {why}")
        elif why:
            print(f"ok {i} {name} # {why}")
        else:
            print(f"ok {i} {name}")
    sys.exit(1 if result.failed else 0)
