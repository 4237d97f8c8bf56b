#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The stage scheduler of make check (scripts/hgtest/stages.py) with fake
stages (tiny shell commands) in a scratch repository: steps in order in
each lane, lanes side by side, a stage's KTAP, status and times kept
(scripts/ktap-run), a failing stage that does not stop its lane, a
failing set-up step that does ("lane stopped early", its status), the
ticker naming each long step with the last line it wrote (its own output,
or a newer file it writes elsewhere, as a kernel build's log), and
SIGTERM stopping every process of every lane, descendants included."""
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from hgtest_common import SCRIPTS
import ktap_unittest
from hgtest import procs, stages
from hgtest.stages import Lane, Step



class Text(io.StringIO):
    """A stream the scheduler can write to from several threads."""


def repo(tmp):
    os.makedirs(os.path.join(tmp, "scripts"))
    os.makedirs(os.path.join(tmp, "build", "ktap"))
    for f in ("ktap-run", "lib.sh"):
        shutil.copy(os.path.join(SCRIPTS, f), os.path.join(tmp, "scripts", f))
    return tmp


def sh(cmd):
    return ["bash", "-c", cmd]


def ok_stage(name):
    return f"printf 'KTAP version 1\\n1..1\\nok 1 {name}\\n'"


class Scheduling(unittest.TestCase):
    def run_lanes(self, tmp, lanes, serial=False, tick=10.0):
        out, err = Text(), Text()
        sched = stages.Scheduler(tmp, "build/ktap", lanes, serial=serial, tick=tick, out=out, err=err)
        # serial, the steps write to our stdout itself: not into this KTAP
        saved = os.dup(1)
        sys.stdout.flush()
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
        try:
            rc = sched.run()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        return rc, out.getvalue(), err.getvalue()

    def order(self, tmp):
        with open(os.path.join(tmp, "order")) as f:
            return f.read().split()

    def test_order_within_lanes_and_side_by_side(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            log = os.path.join(tmp, "order")

            def wait_for(f):
                return f"for i in $(seq 200); do [ -e {tmp}/{f} ] && break; sleep 0.05; done; "

            # b1 runs while a1 waits for it: side by side, no timing
            def a():
                yield Step("a1", sh(f"echo a1-start >>{log}; touch {tmp}/a1; {wait_for('b1')}"
                                    f"echo a1-end >>{log}; {ok_stage('a1')}"))
                yield Step("a2", sh(f"echo a2 >>{log}; {ok_stage('a2')}"))

            def b():
                yield Step("b1", sh(f"{wait_for('a1')}echo b1 >>{log}; touch {tmp}/b1; {ok_stage('b1')}"))
            rc, out, err = self.run_lanes(tmp, [Lane("nested", a), Lane("host", b)])
            self.assertEqual(rc, 0)
            self.assertEqual(self.order(tmp), ["a1-start", "b1", "a1-end", "a2"])
            # each stage's output whole, as it ended
            blocks = {n: f"KTAP version 1\n1..1\nok 1 {n}\n" for n in ("a1", "a2", "b1")}
            self.assertEqual(len(out), sum(len(b) for b in blocks.values()))
            for b in blocks.values():
                self.assertIn(b, out)
            self.assertLess(out.index(blocks["a1"]), out.index(blocks["a2"]))
            self.assertRegex(err, r"check: a1 done in \d+\.\d s \(CPU \d+\.\d s\), exit status 0\n")
            self.assertNotIn("stopped early", err)
            for name in ("a1", "a2", "b1"):
                for ext in ("ktap", "rc", "time"):
                    self.assertTrue(os.path.exists(os.path.join(tmp, "build", "ktap", f"{name}.{ext}")))
                self.assertFalse(os.path.exists(os.path.join(tmp, "build", "ktap", f"{name}.running")))

    def test_serial_runs_lanes_in_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            log = os.path.join(tmp, "order")

            def a():
                yield Step("a1", sh(f"sleep 0.3; echo a1 >>{log}; {ok_stage('a1')}"))

            def b():
                yield Step("b1", sh(f"echo b1 >>{log}; {ok_stage('b1')}"))
            rc, _, _ = self.run_lanes(tmp, [Lane("host", a), Lane("nested", b)], serial=True)
            self.assertEqual(rc, 0)
            self.assertEqual(self.order(tmp), ["a1", "b1"])

    def test_failing_stage_is_counted_not_fatal(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)

            def a():
                yield Step("bad", sh("printf 'KTAP version 1\\n1..2\\nok 1 x\\n'; exit 139"))
                yield Step("after", sh(ok_stage("after")))
            rc, out, err = self.run_lanes(tmp, [Lane("host", a)])
            self.assertEqual(rc, 0)
            self.assertIn("ok 1 after", out)
            self.assertIn("check: bad done in", err)
            self.assertIn("exit status 139", err)
            with open(os.path.join(tmp, "build", "ktap", "bad.rc")) as f:
                self.assertEqual(f.read(), "139\n")
            p = subprocess.run([os.path.join(SCRIPTS, "ktap-summary"), os.path.join(tmp, "build", "ktap")],
                               capture_output=True, text=True, check=False)
            self.assertEqual(p.stdout, "2 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass\n")
            self.assertEqual(p.returncode, 1)

    def test_lane_stopped_early(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            log = os.path.join(tmp, "order")

            def a():
                yield Step("ASan build", sh("echo building; exit 3"), kind="timed")
                yield Step("never", sh(f"echo never >>{log}"))

            def b():
                yield Step("b1", sh(f"sleep 0.3; echo b1 >>{log}; {ok_stage('b1')}"))
                yield Step("b2", sh(f"echo b2 >>{log}; {ok_stage('b2')}"), kind="timed")
            rc, out, err = self.run_lanes(tmp, [Lane("nested", b), Lane("host", a)])
            self.assertEqual(rc, 3)
            self.assertEqual(self.order(tmp), ["b1", "b2"])
            self.assertIn("check: the host lane stopped early (status 3)\n", err)
            self.assertNotIn("nested lane stopped", err)
            self.assertIn("building\n", out)    # a timed step's output goes out
            self.assertRegex(err, r"check: b2 took \d+\.\d s\n")
            self.assertNotIn("ASan build took", err)

    def test_serial_step_failure_ends_the_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            log = os.path.join(tmp, "order")

            def a():
                yield Step("setup", sh("exit 5"), kind="timed")

            def b():
                yield Step("b1", sh(f"echo b1 >>{log}"))
            rc, _, err = self.run_lanes(tmp, [Lane("host", a), Lane("nested", b)], serial=True)
            self.assertEqual(rc, 5)
            self.assertFalse(os.path.exists(log))
            self.assertNotIn("stopped early", err)

    def test_ticker_shows_each_long_step_progress(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            os.makedirs(os.path.join(tmp, "build", "vm-logs"))
            kernel_log = os.path.join(tmp, "build", "vm-logs", "row.kernel.err")

            def vm():
                # a stage that writes nothing to its own output for a
                # while, and its progress to a file of its own
                yield Step("vm", sh(f"echo 'guest-kernel: building 3%' >{kernel_log}; sleep 1.5; "
                                    f"echo 'guest-kernel: building 40%' >>{kernel_log}; sleep 1.5; "
                                    f"{ok_stage('vm')}"), progress=("build/vm-logs/*",))

            def build():
                yield Step("fuzz build", sh("echo 'CC a.o'; sleep 1.2; printf 'CC b.o\\r'; sleep 1.5"),
                           kind="timed")
            rc, _, err = self.run_lanes(tmp, [Lane("nested", vm), Lane("host", build)], tick=1.0)
            self.assertEqual(rc, 0)
            self.assertRegex(err, r"check: \[ +\ds\] vm: \[row\.kernel\.err\] guest-kernel: building 3%\n")
            self.assertRegex(err, r"check: \[ +\ds\] vm: \[row\.kernel\.err\] guest-kernel: building 40%\n")
            self.assertRegex(err, r"check: \[ +\ds\] fuzz build: CC a\.o\n")
            self.assertRegex(err, r"check: \[ +\ds\] fuzz build: CC b\.o\n")

    def test_ticker_reads_a_stage_own_output(self):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            sched = stages.Scheduler(tmp, "build/ktap", [], tick=10.0)
            ktap = os.path.join(tmp, "build", "ktap", "unit-x.ktap")
            with open(ktap, "w") as f:
                f.write("KTAP version 1\n1..3\nok 1 first\r\n\n")
            start = time.time() - 25
            sched.running["unit-x"] = (start, Step("unit-x", []), ktap)
            sched.running["young"] = (time.time() - 3, Step("young", []), ktap)
            self.assertEqual(sched.progress(time.time()), ["check: [  25s] unit-x: ok 1 first"])


DRIVER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {scripts!r})
    from hgtest import stages
    from hgtest.stages import Lane, Step
    pids = {pids!r}
    tree = "sleep 300 & echo $! >>" + pids + "; (sleep 300 & echo $! >>" + pids + "; wait) & wait"
    lanes = [Lane("nested", lambda: iter([Step("deep", ["bash", "-c", tree])])),
             Lane("host", lambda: iter([Step("build", ["bash", "-c", tree], kind="timed")]), nice=10)]
    sched = stages.Scheduler({repo!r}, "build/ktap", lanes, serial={serial!r})
    sys.exit(stages.run_stopping_on_signals(sched))
""")


class Signals(unittest.TestCase):
    def stop(self, serial, want):
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            pids = os.path.join(tmp, "pids")
            driver = DRIVER.format(scripts=SCRIPTS, pids=pids, repo=tmp, serial=serial)
            p = subprocess.Popen([sys.executable, "-c", driver],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 20
            while True:
                n = len(open(pids).read().split()) if os.path.exists(pids) else 0
                if n == want:
                    break
                self.assertLess(time.monotonic(), deadline, "the stages did not start")
                time.sleep(0.1)
            p.send_signal(signal.SIGTERM)
            try:
                # promptly: the handler must not wait on a Popen its
                # thread is waiting on
                self.assertEqual(p.wait(timeout=10), 143)
            except subprocess.TimeoutExpired:
                p.kill()
                self.fail("SIGTERM did not stop the scheduler within 10 s")
            for pid in map(int, open(pids).read().split()):
                self.assertFalse(procs.alive(pid), f"{pid} still running")

    def test_sigterm_stops_the_whole_tree(self):
        self.stop(serial=False, want=4)

    def test_sigterm_stops_a_serial_run(self):
        self.stop(serial=True, want=2)


BURST = textwrap.dedent("""
    import sys
    sys.path.insert(0, {scripts!r})
    from hgtest import stages
    from hgtest.stages import Lane, Step
    steps = lambda: iter([Step("ready", ["touch", {ready!r}], kind="plain")] +
                         [Step("true %d" % i, ["true"], kind="plain") for i in range(100000)])
    sched = stages.Scheduler({repo!r}, "build/ktap", [Lane("host", steps)], serial=True)
    sys.exit(stages.run_stopping_on_signals(sched))
""")


class SignalsDuringStarts(unittest.TestCase):
    def test_sigterm_while_a_step_starts(self):
        """A signal that lands while a step's process is being started
        (a burst of short steps: mostly then) still stops the run."""
        with tempfile.TemporaryDirectory() as tmp:
            repo(tmp)
            ready = os.path.join(tmp, "ready")
            for delay in (0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.1):
                if os.path.exists(ready):
                    os.unlink(ready)
                p = subprocess.Popen([sys.executable, "-c", BURST.format(scripts=SCRIPTS, repo=tmp,
                                                                         ready=ready)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                # the handler is in place once the first step has run
                deadline = time.monotonic() + 20
                while not os.path.exists(ready):
                    self.assertLess(time.monotonic(), deadline, "the burst did not start")
                    time.sleep(0.01)
                time.sleep(delay)
                p.send_signal(signal.SIGTERM)
                try:
                    self.assertEqual(p.wait(timeout=10), 143, f"after {delay} s")
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    self.fail(f"SIGTERM {delay} s into a burst of steps did not stop it within 10 s")


class Options(unittest.TestCase):
    def test_help_and_bad_option(self):
        check = os.path.join(SCRIPTS, "check")
        p = subprocess.run([check, "--help"], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.startswith("Usage: scripts/check [--no-vm]"))
        p = subprocess.run([check, "--bogus"], capture_output=True, text=True, check=False)
        self.assertEqual((p.returncode, p.stderr), (2, "check: unknown option '--bogus' (see --help)\n"))


if __name__ == "__main__":
    ktap_unittest.main()
