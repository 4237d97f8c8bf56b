# SPDX-License-Identifier: GPL-2.0
"""The selftests/hgtest_*_test.py programs: unittest cases reported as KTAP
(one result per test method, the failure's last line as its reason, the
whole traceback as diagnostics), exit status 1 when one failed."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TEST_DATA = os.path.join(REPO, "selftests", "test_data")


class _Result(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _line(self, test, status, why=""):
        self.n += 1
        name = test.id().split(".", 1)[-1]
        print(f"{status} {self.n} {name}{' # ' + why if why else ''}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, "ok")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, "ok", "SKIP " + reason)

    def _fail(self, test, err):
        text = self._exc_info_to_string(err, test)
        for line in text.rstrip().splitlines():
            print("# " + line)
        first = (str(err[1]).strip().splitlines() or [err[0].__name__])[0]
        self._line(test, "not ok", first.replace("#", "%")[:200])

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)


def main(module_name="__main__"):
    """Runs every TestCase of the calling module and exits."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    print("TAP version 13")
    print(f"1..{suite.countTestCases()}", flush=True)
    result = _Result()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)
