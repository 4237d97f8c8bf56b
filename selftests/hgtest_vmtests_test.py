#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/vm-tests and scripts/hgtest/{rows,vmtests}.py.

The rows: each one valid (its kernel known to scripts/guest-kernel, its
topology to scripts/vm-topology), --list as the bash version printed it.

The runner, in a copy of the tree with fakes for what boots or builds
(selftests/test_data/vm-tests/fakes: vm-run, guest-kernel, the test
module, the guest's programs): the KTAP it prints and the vm-run argument
lists and HOSTGEOM_* environments it passes, row by row, against what the
bash version printed and passed in the same fake tree (recorded in
test_data/vm-tests/expected/ before it was replaced), on recorded guest
output and console logs of a real run (scenarios/recorded/NAME.out, as
vm-run printed it, and NAME.log, the console) and on faults
(QEMU crashed once, a timeout twice, a command that exited without a
result, vm-run refusing); the closing line of each row says what it
found; SIGTERM stops every guest.

Record again (only with the bash version): hgtest_vmtests_test.py --record
OLD-VM-TESTS."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest
from hgtest import procs, rows

DATA = os.path.join(TEST_DATA, "vm-tests")
FAKES = os.path.join(DATA, "fakes")
# scenario: the rows named on the command line (none: make check's)
SCENARIOS = {
    "default": [],
    "named": ["vtd39-rmrr", "vtd39-rmrr-7.3", "vtd39-rmrr-7.3-fix", "vtd39-rmrr-fix"],
    "faults": ["vtd48", "vtd39"],
    "slow": ["vtd39", "vtd48"],
    "live": ["vtd39"],
    "arm64": ["arm64-smmuv3", "arm64-virtio"],
}
# The rows the bash version knew: the x86 ones (HOSTGEOM_VM_ARCH).
BASH_ARCH = "x86_64"
GUEST_PROGRAMS = ("vm_geometry_test", "vfio_ranges_test", "module_test", "module_carve_test",
                  "module_overlap_test", "module_fail_nth_test")


def make_tree(tmp, vm_tests=None, arm64=True):
    """A copy of scripts/ with the fakes in place, and build/ with the
    guest's fake programs (nic_rmrr_test is missing: a row must say so),
    also cross-built into build/arm64 unless not @arm64."""
    tree = os.path.join(tmp, "tree")
    shutil.copytree(os.path.join(REPO, "scripts"), os.path.join(tree, "scripts"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    s = os.path.join(tree, "scripts")
    for f in ("vm-run", "guest-kernel", "stub-bind", "kselftest-guest"):
        shutil.copy(os.path.join(FAKES, f), os.path.join(s, f))
    with open(os.path.join(s, "lib.sh"), "a") as out, open(os.path.join(FAKES, "lib-tail.sh")) as tail:
        out.write(tail.read())
    if vm_tests:
        shutil.copy(vm_tests, os.path.join(s, "vm-tests"))
    os.makedirs(os.path.join(tree, "build", "selftests"))
    shutil.copy(os.path.join(FAKES, "hostgeom"), os.path.join(tree, "build", "hostgeom"))
    for p in GUEST_PROGRAMS:
        shutil.copy(os.path.join(FAKES, "selftest"), os.path.join(tree, "build", "selftests", p))
    if arm64:
        os.makedirs(os.path.join(tree, "build", "arm64", "selftests"))
        shutil.copy(os.path.join(FAKES, "hostgeom"), os.path.join(tree, "build", "arm64", "hostgeom"))
        for p in rows.GUEST_TESTS:
            shutil.copy(os.path.join(FAKES, "selftest"),
                        os.path.join(tree, "build", "arm64", "selftests", p))
    # a guest test that is a script
    os.makedirs(os.path.join(tree, "selftests"))
    shutil.copy(os.path.join(FAKES, "selftest"), os.path.join(tree, "selftests", "ynl_family_test.py"))
    return tree


def start_scenario(tmp, scenario, vm_tests=None, arch=BASH_ARCH, arm64=True):
    """(Popen of vm-tests in a fake tree, the tree, the calls directory)."""
    tree = make_tree(tmp, vm_tests, arm64)
    calls = os.path.join(tmp, "calls")
    os.makedirs(calls)
    env = dict(os.environ, FAKE_CALLS=calls, FAKE_DATA=os.path.join(DATA, "scenarios", scenario),
               FAKE_RECORDED=os.path.join(DATA, "scenarios", "recorded"),
               HOSTGEOM_VM_JOBS="2", HOSTGEOM_CACHE=os.path.join(tmp, "cache"),
               HOSTGEOM_VM_ARCH=arch)
    for k in list(env):
        if k.startswith("HOSTGEOM_") and k not in ("HOSTGEOM_VM_JOBS", "HOSTGEOM_CACHE",
                                                   "HOSTGEOM_VM_ARCH"):
            del env[k]
    p = subprocess.Popen([os.path.join(tree, "scripts", "vm-tests"), *SCENARIOS[scenario]],
                         cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    return p, tree, calls


def run_scenario(tmp, scenario, vm_tests=None, arch=BASH_ARCH, arm64=True):
    """(status, stdout, stderr, {call name: text}) of vm-tests in a fake tree."""
    p, tree, calls = start_scenario(tmp, scenario, vm_tests, arch, arm64)
    p.stdout, p.stderr = p.communicate()
    recorded = {}
    for f in sorted(os.listdir(calls)):
        with open(os.path.join(calls, f)) as fh:
            recorded[f] = fh.read()
    return p.returncode, p.stdout.replace(tree, "@TREE@"), p.stderr.replace(tree, "@TREE@"), recorded


# "ok N vm NAME # what it found": the bash version's line had no note
# (or only "on the second attempt ..."), the rest is the same.
FINDING = re.compile(r"^(ok \d+ vm \S+) # (?!SKIP)(?:[^;]*?)(?:; (on the second attempt .*))?$")


def without_findings(text):
    out = []
    for line in text.splitlines():
        m = FINDING.match(line)
        if m:
            line = m.group(1) + (" # " + m.group(2) if m.group(2) else "")
        out.append(line)
    return "\n".join(out) + "\n"


def expected(scenario):
    base = os.path.join(DATA, "expected", scenario)
    with open(base + ".stdout") as f:
        out = f.read()
    with open(base + ".status") as f:
        status = int(f.read())
    calls = {}
    cdir = base + ".calls"
    for f in sorted(os.listdir(cdir)):
        with open(os.path.join(cdir, f)) as fh:
            calls[f] = fh.read()
    return status, out, calls


def record(old):
    for scenario in SCENARIOS:
        if scenario in ("slow", "recorded", "arm64"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _, calls = run_scenario(tmp, scenario, old)
        base = os.path.join(DATA, "expected", scenario)
        os.makedirs(base + ".calls", exist_ok=True)
        with open(base + ".stdout", "w") as f:
            f.write(out)
        with open(base + ".status", "w") as f:
            f.write(f"{rc}\n")
        for name, text in calls.items():
            with open(os.path.join(base + ".calls", name), "w") as f:
                f.write(text)


if __name__ == "__main__" and sys.argv[1:2] == ["--record"]:
    record(os.path.abspath(sys.argv[2]))
    sys.exit(0)


def known_kernels():
    """The kernels scripts/guest-kernel knows, from its refusal of one it
    does not ("known: kit, kit-7.3, ..., each with +fix; debian-6.12, ...")."""
    p = subprocess.run([os.path.join(REPO, "scripts", "guest-kernel"), "path", "no-such-kernel"],
                       capture_output=True, text=True, check=False)
    m = re.search(r"known: ([^;]*), each with \+fix; ([^)]*)\)", p.stderr)
    assert m, p.stderr
    kits = m.group(1).split(", ")
    return set(kits) | {k + "+fix" for k in kits} | set(m.group(2).split(", "))


class Rows(unittest.TestCase):
    def test_kernels_are_known(self):
        known = known_kernels()
        self.assertIn("kit-debug+fix", known)
        for r in rows.ROWS:
            self.assertIn(r.kernel, known, r.name)

    def test_topologies_are_known(self):
        p = subprocess.run([os.path.join(REPO, "scripts", "vm-topology"), "list"],
                           capture_output=True, text=True, check=True)
        known = {line.split()[0] for line in p.stdout.splitlines() if line.strip()}
        for r in rows.ROWS:
            self.assertIn(r.topology, known, r.name)

    def test_names_unique_and_bases_exist(self):
        names = [r.name for r in rows.ROWS]
        self.assertEqual(len(names), len(set(names)))
        for r in rows.kselftest_rows():
            self.assertIsInstance(rows.by_name(r.base), rows.Row, r.name)
            self.assertIn(r.module_from, ("tree", "dkms"), r.name)
            for t in r.must_pass + tuple(x for x in (r.interrupt, r.killed) if x):
                self.assertIn(t, rows.DEVICE_TESTS, r.name)

    def test_fields(self):
        for r in rows.topology_rows():
            self.assertIn(r.expect_carve, ("", "bug", "fixed"), r.name)
            self.assertTrue(32 <= r.aw <= 64, r.name)
            int(r.pgsizes, 16)
            for g in r.groups:
                for bdf in g:
                    self.assertRegex(bdf, r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", r.name)
            for rng in r.ranges:
                lo, hi = (int(x, 16) for x in rng.split("-"))
                self.assertLessEqual(lo, hi, r.name)
            if r.module_tests:
                self.assertTrue(r.stub, f"{r.name}: module tests need stub devices")
            for t in r.tests() + r.module_run():
                self.assertTrue(any(os.path.exists(os.path.join(REPO, "selftests", t + ext))
                                    for ext in (".c", ".py")), f"{r.name}: no selftests/{t}.c or .py")

    def test_lazy_variants(self):
        lazy = [r for r in rows.topology_rows() if r.name.endswith("-lazy")]
        self.assertEqual({r.name for r in lazy},
                         {"vtd39-rmrr-lazy", "vtd39-rmrr-fix-lazy", "vtd39-rmrr-7.3-lazy",
                          "vtd39-rmrr-7.3-fix-lazy"})
        for r in lazy:
            base = rows.by_name(r.name[:-len("-lazy")])
            self.assertIsInstance(base, rows.Row, r.name)
            self.assertTrue(r.named_only, r.name)
            self.assertEqual((r.kernel, r.topology, r.rmrr, r.expect_carve),
                             (base.kernel, base.topology, base.rmrr, base.expect_carve))
            # the guest's VT-d driver is strict with caching mode on
            self.assertEqual(r.iommu, f"intel:aw-bits={base.aw}:caching-mode=off")
            a = r.vmrun_args()
            self.assertEqual(a[a.index("--append") + 1].split(), ["iommu.strict=0"])
            self.assertIn("HOSTGEOM_EXPECT_DMA_TYPE=DMA-FQ", a)
            self.assertIn(f"HOSTGEOM_OVERLAP_CHURN={rows.CHURN_ROUNDS}", a)
            # the base's own environment is kept
            for k, v in base.env:
                self.assertIn(f"{k}={v}", a)
            self.assertEqual(r.module_tests, ("module_overlap_test",))
        # a row that is not VT-d's has no lazy variant here
        for name in ("virtio48", "arm64-smmuv3"):
            with self.assertRaises(AssertionError):
                rows.lazy(rows.by_name(name))
        # a row without --append passes none
        self.assertNotIn("--append", rows.by_name("vtd39-rmrr").vmrun_args())

    def test_list_as_the_bash_version_printed_it(self):
        p = subprocess.run([os.path.join(REPO, "scripts", "vm-tests"), "--list"],
                           capture_output=True, text=True, check=True)
        with open(os.path.join(DATA, "expected", "list.stdout")) as f:
            old = f.read()
        # the bash strings of two rows ended in empty fields; the bash
        # version knew no arm64 row
        arm64 = [x for x in p.stdout.splitlines() if x.startswith("arm64-")]
        self.assertEqual([x for x in p.stdout.splitlines() if x not in arm64],
                         [x.rstrip("|") for x in old.splitlines()])
        self.assertEqual(arm64, [
            "arm64-smmuv3|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "debian-6.12-arm64 --topology arm64-smmuv3|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0;0000:00:03.0,0000:02:00.0|"
            "0x0-0x7ffffff,0x8100000-0xffffffffffff",
            "arm64-virtio|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "debian-6.12-arm64 --topology arm64-virtio|48|0xfffffffffffff000|"
            "0000:00:02.0,0000:01:00.0;0000:00:03.0,0000:02:00.0|"
            "0x0-0x808ffff,0x80a0000-0xffffffffffff",
            "arm64-smmuv3-acpi|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "debian-6.12-arm64 --topology arm64-smmuv3 --firmware uefi|48|0x40201000|"
            "0000:01:00.0;0000:02:00.0|0x0-0x7ffffff,0x8100000-0xffffffffffff",
            "arm64-virtio-acpi|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "debian-6.12-arm64 --topology arm64-virtio --firmware uefi|48|0xfffffffffffff000|"
            "0000:01:00.0;0000:02:00.0|0x0-0x808ffff,0x80a0000-0xffffffffffff",
            "arm64-smmuv3-kit|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-arm64 --topology arm64-smmuv3 --append pciehp.pciehp_poll_mode=1|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0;0000:00:03.0,0000:02:00.0|"
            "0x0-0x7ffffff,0x8100000-0xffffffffffff||02:00.0",
            "arm64-virtio-kit|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-arm64 --topology arm64-virtio|48|0xfffffffffffff000|"
            "0000:00:02.0,0000:01:00.0;0000:00:03.0,0000:02:00.0|"
            "0x0-0x808ffff,0x80a0000-0xffffffffffff||02:00.0",
            "arm64-smmuv3-rmr|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-arm64 --topology arm64-smmuv3-acs-off --firmware uefi --rmr "
            "0000:01:00.0=0xf0000000-0xf00fffff --env HOSTGEOM_EXPECT_CARVE=bug|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0||-|01:00.0|module_overlap_test",
            "arm64-smmuv3-rmr-fix|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-arm64+fix --topology arm64-smmuv3-acs-off --firmware uefi --rmr "
            "0000:01:00.0=0xf0000000-0xf00fffff --env HOSTGEOM_EXPECT_CARVE=fixed|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0||-|01:00.0|module_overlap_test",
            "arm64-smmuv3-rmr-doorbell|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-arm64 --topology arm64-smmuv3-acs-off --firmware uefi --rmr "
            "0000:01:00.0=0xffff0000-0xffffffff --env HOSTGEOM_EXPECT_CARVE=bug|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0||-|01:00.0",
            "arm64-smmuv3-rmr-doorbell-fix|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom "
            "--kernel kit-arm64+fix --topology arm64-smmuv3-acs-off --firmware uefi --rmr "
            "0000:01:00.0=0xffff0000-0xffffffff --env HOSTGEOM_EXPECT_CARVE=fixed|48|0x40201000|"
            "0000:00:02.0,0000:01:00.0||-|01:00.0",
            "arm64-smmuv3-7.3|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-7.3-arm64 --topology arm64-smmuv3 --append pciehp.pciehp_poll_mode=1 --env "
            "HOSTGEOM_EXPECT_HW_INFO=smmuv3:idr0=0xd44101b,idr1=0x2730010,idr3=0x1414,idr5=0x74|"
            "48|0x40201000|0000:01:00.0;0000:02:00.0|"
            "0x0-0x7ffffff,0x8100000-0xffffffffffff",
            "arm64-smmuv3-rmr-7.3|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom --kernel "
            "kit-7.3-arm64 --topology arm64-smmuv3-acs-off --firmware uefi --rmr "
            "0000:01:00.0=0xf0000000-0xf00fffff --env HOSTGEOM_EXPECT_CARVE=bug|48|"
            "0x40201000|0000:00:02.0,0000:01:00.0||-|01:00.0|module_overlap_test",
            "arm64-smmuv3-rmr-7.3-fix|--arch arm64 --env HOSTGEOM=build/arm64/hostgeom "
            "--kernel kit-7.3-arm64+fix --topology arm64-smmuv3-acs-off --firmware uefi "
            "--rmr 0000:01:00.0=0xf0000000-0xf00fffff --env HOSTGEOM_EXPECT_CARVE=fixed|48|"
            "0x40201000|0000:00:02.0,0000:01:00.0||-|01:00.0|module_overlap_test"])

    def test_run_order_starts_the_longest_rows_first(self):
        from hgtest import vmtests
        prepared = list(enumerate(r for r in rows.ROWS if not r.named_only))
        order = [r.name for _, r in vmtests.run_order(prepared)]
        kinds = ["debug" if "-debug" in r.kernel else
                 "kselftest" if isinstance(r, rows.KselftestRow) else "plain"
                 for r in (rows.by_name(n) for n in order)]
        self.assertIn("vtd39-rmrr-fix", order)
        self.assertEqual(kinds, sorted(kinds, key=["debug", "kselftest", "plain"].index))
        # the rest keep row order
        plain = [n for n, k in zip(order, kinds) if k == "plain"]
        self.assertEqual(plain, [r.name for _, r in prepared if r.name in plain])
        self.assertEqual(sorted(order), sorted(r.name for _, r in prepared))

    def test_help(self):
        p = subprocess.run([os.path.join(REPO, "scripts", "vm-tests"), "--help"],
                           capture_output=True, text=True, check=True)
        arch = ("HOSTGEOM_VM_ARCH=x86_64 (or arm64) runs only that architecture's rows\n"
                "when none is named (default: both; the arm64 rows need make ARCH=arm64).\n")
        self.assertIn(arch, p.stdout)
        with open(os.path.join(DATA, "expected", "help.stdout")) as f:
            self.assertEqual(p.stdout.replace(arch, ""), f.read())

    def test_bad_settings(self):
        for k, v in (("HOSTGEOM_VM_JOBS", "x"), ("HOSTGEOM_VM_SMP", "0"), ("HOSTGEOM_VM_TIMEOUT", "1.5"),
                     ("HOSTGEOM_VM_ARCH", "riscv64")):
            p = subprocess.run([os.path.join(REPO, "scripts", "vm-tests")], env=dict(os.environ, **{k: v}),
                               capture_output=True, text=True, check=False)
            self.assertEqual(p.returncode, 2, k)
            self.assertIn("want", p.stderr)
        # a misspelt row runs nothing and says so (it passed as 1..0 once)
        p = subprocess.run([os.path.join(REPO, "scripts", "vm-tests"), "vtd39-rmr"],
                           capture_output=True, text=True, check=False)
        self.assertEqual((p.returncode, p.stdout), (2, ""))
        self.assertIn("no row named vtd39-rmr", p.stderr)

    def test_findings(self):
        from hgtest import ktap, vmtests
        bug, fixed, plain = rows.by_name("vtd39-rmrr"), rows.by_name("vtd39-rmrr-fix"), rows.by_name("vtd48")
        c = ktap.count("ok 1 a # XFAIL x\nok 2 b # XFAIL y\nok 3 c\n")
        self.assertEqual(vmtests.finding(bug, c), "bug reproduced (xfail 2)")
        self.assertEqual(vmtests.finding(fixed, c), "not fixed (xfail 2)")
        c = ktap.count("ok 1 a # XPASS x\nnot ok 2 b\n")
        self.assertEqual(vmtests.finding(bug, c), "bug not reproduced (1 failed, xpass 1)")
        self.assertEqual(vmtests.finding(fixed, c), "not fixed (1 failed, xpass 1)")
        self.assertEqual(vmtests.finding(plain, ktap.count("ok 1 a\nok 2 b # SKIP\n")), "1 passed, 1 skipped")
        # the note is no directive: the row's line counts as a pass
        line = vmtests.result_line(5, bug, 0, "ok 1 a # XFAIL x\n", None, "", "x.log")
        self.assertEqual(line, "ok 5 vm vtd39-rmrr # bug reproduced (xfail 1)")
        self.assertEqual(ktap.count(line).passed, 1)


class Runner(unittest.TestCase):
    maxDiff = None
    """The Python vm-tests against the bash version's recorded run."""

    def check(self, scenario):
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, err, calls = run_scenario(tmp, scenario)
        want_rc, want_out, want_calls = expected(scenario)
        self.assertEqual(without_findings(out), want_out, err)
        self.assertEqual(calls.keys(), want_calls.keys())
        for name in calls:
            # the bash version had no HOSTGEOM_VM_ARCH (its rows were x86)
            got = calls[name].replace(f"HOSTGEOM_VM_ARCH={BASH_ARCH}\n", "")
            self.assertEqual(got, want_calls[name], name)
        self.assertEqual(rc, want_rc)
        return out, err

    def test_default_rows(self):
        out, err = self.check("default")
        self.assertIn("ok 8 vm vtd39-rmrr-fix # fixed (xpass 5, 2 skipped)", out)
        self.assertIn("ok 10 vm amd # 3 passed; on the second attempt (the first: QEMU crashed)", out)
        self.assertIn("ok 7 vm vtd39-rmrr # bug reproduced (xfail 6, 3 skipped)", out)
        self.assertIn("not ok 5 vm virtio48 # vm-run exit 124", out)
        self.assertIn("# vm-tests: amd done after", err)

    def test_named_rows(self):
        out, _ = self.check("named")
        # the case: the bash version said "ok" for both
        self.assertIn("ok 1 vm vtd39-rmrr # bug reproduced (xfail 6, 3 skipped)", out)
        self.assertIn("ok 2 vm vtd39-rmrr-fix # fixed (xpass 5, 2 skipped)", out)
        self.assertIn("ok 3 vm vtd39-rmrr-7.3 # SKIP kernel kit-7.3 unavailable", out)

    def test_sigterm_stops_every_guest(self):
        with tempfile.TemporaryDirectory() as tmp:
            p, _, calls = start_scenario(tmp, "slow")
            pids = [os.path.join(calls, f"{n}.pid") for n in SCENARIOS["slow"]]
            deadline = time.monotonic() + 30
            while not all(os.path.exists(f) and os.path.getsize(f) for f in pids):
                self.assertLess(time.monotonic(), deadline, "the guests did not start")
                time.sleep(0.1)
            p.send_signal(signal.SIGTERM)
            try:
                out, _ = p.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                self.fail("vm-tests did not stop on SIGTERM")
            self.assertEqual(p.returncode, 143)
            self.assertNotIn("1..2", out)
            for f in pids:
                with open(f) as fh:
                    pid = int(fh.read())
                self.assertFalse(procs.alive(pid), f"guest {pid} still running")

    def test_faults(self):
        self.check("faults")

    def test_arm64_rows(self):
        """The arm64 rows: vm-run --arch arm64, the cross-built programs
        of build/arm64 (hostgeom as $HOSTGEOM), run by busybox sh."""
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, err, calls = run_scenario(tmp, "arm64")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(calls), ["arm64-smmuv3.1", "arm64-virtio.1"])
        for name in ("arm64-smmuv3", "arm64-virtio"):
            args = calls[name + ".1"].splitlines()
            self.assertEqual(args[:10], ["--smp", "1", "--arch", "arm64", "--env",
                                         "HOSTGEOM=build/arm64/hostgeom", "--kernel",
                                         "debian-6.12-arm64", "--topology", name])
            self.assertIn("--vfio", args)
            i = args.index("--")
            # the command itself is not recorded (test_arm64_not_built
            # shows whose programs it runs)
            self.assertEqual(args[i + 1:i + 3], ["sh", "-c"])
            self.assertIn("HOSTGEOM_EXPECT_AW=48", args)
        self.assertIn("ok 1 vm_geometry_test\n", out)
        self.assertIn("ok 1 vm arm64-smmuv3 # 3 passed\n", out)
        self.assertIn("ok 2 vm arm64-virtio # 3 passed\n", out)

    def test_arm64_not_built(self):
        """Without make ARCH=arm64 the rows' programs did not run, each a
        failure naming the command that builds them; HOSTGEOM_VM_ARCH=arm64
        picks the arm64 rows alone."""
        with tempfile.TemporaryDirectory() as tmp:
            tree = make_tree(tmp, arm64=False)
            calls = os.path.join(tmp, "calls")
            os.makedirs(calls)
            env = {k: v for k, v in os.environ.items() if not k.startswith("HOSTGEOM_")}
            env.update(FAKE_CALLS=calls, FAKE_DATA=os.path.join(DATA, "scenarios", "arm64"),
                       FAKE_RECORDED=os.path.join(DATA, "scenarios", "recorded"),
                       HOSTGEOM_VM_JOBS="2", HOSTGEOM_CACHE=os.path.join(tmp, "cache"),
                       HOSTGEOM_VM_ARCH="arm64")
            r = subprocess.run([os.path.join(tree, "scripts", "vm-tests")], cwd=tmp, env=env,
                               capture_output=True, text=True, check=False)
            # the named-only arm64-virtio-acpi is not among them
            self.assertEqual(sorted(os.listdir(calls)),
                             ["arm64-smmuv3-acpi.1", "arm64-smmuv3-kit.1",
                              "arm64-smmuv3-rmr-doorbell-fix.1", "arm64-smmuv3-rmr-doorbell.1",
                              "arm64-smmuv3-rmr-fix.1", "arm64-smmuv3-rmr.1",
                              "arm64-smmuv3.1", "arm64-virtio-kit.1", "arm64-virtio.1"])
        self.assertIn("not ok 1 vm arm64-smmuv3: vm_geometry_test # did not run: "
                      "build/arm64/selftests/vm_geometry_test is missing (make ARCH=arm64)",
                      r.stdout)
        self.assertIn("1..11\n", r.stdout)
        # the 7.3 rows, whose source this fake cannot fetch, skip with why
        self.assertIn("ok 10 vm arm64-smmuv3-7.3 # SKIP kernel kit-7.3-arm64 unavailable: ", r.stdout)

    def test_guest_command(self):
        out, _ = self.check("live")
        self.assertIn("# stub-bind 03:01.0 03:02.0 00:1f.2 00:1f.3\n", out)
        self.assertIn("ok 1 ynl_family_test.py\n", out)  # selftests/NAME.py


if __name__ == "__main__":
    ktap_unittest.main()
