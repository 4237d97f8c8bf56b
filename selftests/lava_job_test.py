#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/lava-job and scripts/ktap-lava: the KTAP of run_kselftest.sh
becomes LAVA test sets and cases (skip reasons kept in the log), a job
whose kernel, collection or dispatcher is missing is refused with what
makes it, the generated job and device pass LAVA's own schema checks and
lava-run --validate (when Debian's lava-dispatcher is installed), and
LAVA's results are compared with the KTAP of the same log."""
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

from hgtest_common import REPO
import ktap_unittest

LAVA_JOB = os.path.join(REPO, "scripts", "lava-job")
KTAP_LAVA = os.path.join(REPO, "scripts", "ktap-lava")


def load_lava_job():
    loader = importlib.machinery.SourceFileLoader("lava_job", LAVA_JOB)
    spec = importlib.util.spec_from_loader("lava_job", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


# run_kselftest.sh's output for three programs: cases passed, failed,
# skipped with a reason, an expected failure; one program that could not
# start; one whose name needs cleaning.
KTAP = """TAP version 13
1..3
# timeout set to 900
# selftests: hostgeom: a_test
# TAP version 13
# 1..4
# #  RUN           f.one ...
# ok 1 f.one
# not ok 2 f.two
# ok 3 f.three # SKIP no IOMMU groups here
# ok 4 f.four # XFAIL known bug
# # Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0
not ok 1 selftests: hostgeom: a_test # exit=1
# timeout set to 900
# selftests: hostgeom: b_test
# TAP version 13
# 1..0 # SKIP not in a test VM
ok 2 selftests: hostgeom: b_test # SKIP
# selftests: hostgeom: c_test
# TAP version 13
# 1..1
# ok 1 g.it's odd
ok 3 selftests: hostgeom: c_test
"""

WANT_CALLS = """set start 'a_test'
case 'f.one' --result pass
case 'f.two' --result fail
case 'f.three' --result skip
case 'f.four' --result pass
set stop
case 'a_test' --result fail
set start 'b_test'
set stop
case 'b_test' --result skip
set start 'c_test'
case 'g.it_s_odd' --result pass
set stop
case 'c_test' --result pass
"""


class KtapLava(unittest.TestCase):
    def convert(self, text):
        with tempfile.TemporaryDirectory() as d:
            calls = os.path.join(d, "calls")
            for kind in ("case", "set"):
                path = os.path.join(d, kind)
                with open(path, "w") as f:
                    # each argument quoted as the converter quoted it
                    f.write("#!/bin/sh\n{ printf '%s' " + kind + "; for a; do "
                            "case $a in --*|pass|fail|skip|start|stop) printf ' %s' \"$a\" ;; "
                            "*) printf \" '%s'\" \"$a\" ;; esac; done; echo; } >>" + calls + "\n")
                os.chmod(path, 0o755)
            src = os.path.join(d, "ktap")
            with open(src, "w") as f:
                f.write(text)
            env = dict(os.environ, LAVA_TEST_CASE=os.path.join(d, "case"),
                       LAVA_TEST_SET=os.path.join(d, "set"))
            p = subprocess.run(["sh", KTAP_LAVA, src], env=env, capture_output=True,
                               text=True, check=False)
            got = open(calls).read() if os.path.exists(calls) else ""
        return p.returncode, p.stdout, got

    def test_programs_become_sets_and_cases(self):
        rc, _, calls = self.convert(KTAP)
        self.assertEqual(rc, 0)
        self.assertEqual(calls, WANT_CALLS)

    def test_skip_reasons_are_printed_before_their_case(self):
        _, out, _ = self.convert(KTAP)
        self.assertIn("hostgeom-skip: a_test f.three: no IOMMU groups here\n", out)
        self.assertIn("hostgeom-skip: b_test: not in a test VM\n", out)

    def test_no_program_result_is_an_error(self):
        rc, out, calls = self.convert("TAP version 13\n1..1\n# ok 1 x\n")
        self.assertEqual(rc, 2)
        self.assertIn("no program result", out)
        self.assertEqual(calls, "")


def log_line(lvl, msg):
    return json.dumps({"dt": "2026-12-07T00:00:00", "lvl": lvl, "msg": msg}) + "\n"


class Compare(unittest.TestCase):
    def log(self, drop=None, job="pass"):
        lines = [log_line("target", line) for line in KTAP.splitlines()]
        for case, res, tset in (("f.one", "pass", "a_test"), ("f.two", "fail", "a_test"),
                                ("f.three", "skip", "a_test"), ("f.four", "pass", "a_test"),
                                ("a_test", "fail", None), ("b_test", "skip", None),
                                ("g.it_s_odd", "pass", "c_test"), ("c_test", "pass", None)):
            if case == drop:
                continue
            msg = {"case": case, "definition": "0_hostgeom-kselftest", "result": res}
            if tset:
                msg["set"] = tset
            line = log_line("results", msg)
            # lava-run tags a case's log lines with YAML's "!"
            lines.append(line.replace('"result"', '"endtc": ! "12", "result"'))
        lines.append(log_line("results", {"case": "job", "definition": "lava", "result": job}))
        return "".join(lines)

    def compare(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write(text)
        try:
            p = subprocess.run([sys.executable, LAVA_JOB, "compare", f.name],
                               capture_output=True, text=True, check=False)
        finally:
            os.unlink(f.name)
        return p.returncode, p.stdout

    def test_counts_equal_but_a_case_failed(self):
        rc, out = self.compare(self.log())
        self.assertIn("LAVA: programs {'pass': 1, 'fail': 1, 'skip': 1}, "
                      "cases {'pass': 3, 'fail': 1, 'skip': 1} in 2 test sets", out)
        self.assertIn("counts: equal", out)
        self.assertEqual(rc, 1)     # f.two failed

    def test_a_lost_case_is_seen(self):
        rc, out = self.compare(self.log(drop="f.three"))
        self.assertIn("counts: DIFFER", out)
        self.assertEqual(rc, 1)

    def test_all_passed(self):
        text = self.log().replace("not ok 2 f.two", "ok 2 f.two").replace(
            "not ok 1 selftests: hostgeom: a_test # exit=1", "ok 1 selftests: hostgeom: a_test")
        text = text.replace('"f.two", "definition": "0_hostgeom-kselftest", "endtc": ! "12", '
                            '"result": "fail"', '"f.two", "definition": "0_hostgeom-kselftest", '
                            '"endtc": ! "12", "result": "pass"')
        text = text.replace('"a_test", "definition": "0_hostgeom-kselftest", "endtc": ! "12", '
                            '"result": "fail"', '"a_test", "definition": "0_hostgeom-kselftest", '
                            '"endtc": ! "12", "result": "pass"')
        rc, out = self.compare(text)
        self.assertIn("counts: equal", out)
        self.assertEqual(rc, 0, out)


class Refusals(unittest.TestCase):
    def lava_job(self, *args, env=None):
        p = subprocess.run([sys.executable, LAVA_JOB, *args], capture_output=True, text=True,
                           check=False, env=env)
        return p.returncode, p.stderr

    def test_a_missing_kernel_is_named(self):
        rc, err = self.lava_job("make", "--kernel", "/nonexistent/bzImage", "--out",
                                tempfile.gettempdir())
        self.assertEqual(rc, 2)
        self.assertIn("no kernel at /nonexistent/bzImage", err)

    def test_a_missing_collection_is_named_with_make(self):
        lj = load_lava_job()
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(lj.Missing) as cm:
                lj.collection(d)
        self.assertIn("make builds it", str(cm.exception))
        self.assertIn(d, str(cm.exception))

    def test_make_check_skips_without_the_dispatcher(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([sys.executable, LAVA_JOB, "ktap", d], capture_output=True,
                               text=True, check=False, env=dict(os.environ, PATH=d))
            self.assertEqual(os.listdir(d), [])
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "TAP version 13\n1..0 # SKIP lava-run is not installed "
                                   "(scripts/setup installs lava-dispatcher)\n")

    def test_a_missing_dispatcher_is_named_with_its_package(self):
        with tempfile.TemporaryDirectory() as d:
            rc, err = self.lava_job("validate", d, env=dict(os.environ, PATH=d))
        self.assertEqual(rc, 2)
        self.assertIn("lava-run is not installed", err)
        self.assertIn("lava-dispatcher", err)


@unittest.skipUnless(os.access("/usr/bin/lava-run", os.X_OK),
                     "Debian's lava-dispatcher is not installed (scripts/setup installs it)")
class LavaValidation(unittest.TestCase):
    """The job as generated, through LAVA's own checks (no boot)."""

    def write(self, d, job):
        lj = load_lava_job()
        for name in ("bzImage", "initramfs.cpio.gz", "kselftest.tar.xz"):
            with open(os.path.join(d, name), "wb") as f:
                f.write(b"\0")
        lj.dump_yaml(job, os.path.join(d, "job.yaml"))
        lj.dump_yaml(lj.device(lj.qemu_devices()), os.path.join(d, "device.yaml"))

    def job(self, d):
        lj = load_lava_job()
        url = "file://" + d + "/"
        return lj.job(lj.NAMED, url + "bzImage", url + "initramfs.cpio.gz",
                      url + "kselftest.tar.xz")

    def validate(self, d):
        p = subprocess.run([sys.executable, LAVA_JOB, "validate", d], capture_output=True,
                           text=True, check=False)
        return p.returncode, p.stderr

    def test_the_job_is_valid(self):
        with tempfile.TemporaryDirectory() as d:
            self.write(d, self.job(d))
            rc, err = self.validate(d)
        self.assertEqual(rc, 0, err)
        self.assertIn("lava-run --validate: valid", err)

    def test_a_job_lava_refuses_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            job = self.job(d)
            job["actions"][2]["test"]["definitions"][0]["parameters"] = {"X": "1"}
            self.write(d, job)
            rc, err = self.validate(d)
        self.assertEqual(rc, 2)
        self.assertIn("LAVA's schemas refuse", err)

    def test_a_device_lava_cannot_run_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            self.write(d, self.job(d))
            lj = load_lava_job()
            dev = lj.device([])
            del dev["constants"]["failure_retry"]
            lj.dump_yaml(dev, os.path.join(d, "device.yaml"))
            rc, err = self.validate(d)
        self.assertEqual(rc, 2)
        self.assertIn("lava-run --validate exited", err)


if __name__ == "__main__":
    ktap_unittest.main()
