# SPDX-License-Identifier: GPL-2.0
"""scripts/vm-tests: the VM tier of make check. Each row of rows.ROWS boots
its topology under TCG (scripts/vm-run), the edu devices bound to
vfio-pci, and runs the selftests inside against the truth known from the
QEMU command line. The guests' KTAP goes to stdout; one more KTAP line per
row says whether the guest itself came through, and what the row found.

Three passes: prepare (each row's kernel, module and guest command, in
row order: the builds are cached and shared), run (the guests,
HOSTGEOM_VM_JOBS at a time, longest first (run_order); a guest whose
emulator fails runs once more), print (in row order).
Files per row in build/vm-logs/: NAME.log (console), NAME.out (its KTAP
and comments), NAME.err (vm-run's messages), NAME.result (its line).
"""
import concurrent.futures
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

from . import ktap, rows
from . import procs as procs_

USAGE = """Usage: scripts/vm-tests [--list] [NAME...]

Runs the VM test topologies and the kselftest rows, where the kernel's
run_kselftest.sh runs the installed collection (all by default), printing
KTAP. Needs the plain build (make) and scripts/setup's QEMU, guest kernel
and dkms.
  --list    print the topologies and their expectations
HOSTGEOM_VM_ARCH=x86_64 (or arm64) runs only that architecture's rows
when none is named (default: both; the arm64 rows need make ARCH=arm64).
A guest gets HOSTGEOM_VM_TIMEOUT seconds (default 300), three times as long
on a debug kernel; one that times out or whose QEMU crashes runs once more,
and only the second attempt's results count. Guests run HOSTGEOM_VM_JOBS at a time (default: the number of CPUs),
with HOSTGEOM_VM_SMP vCPUs each (default 1); the output comes in row order.
"""

# In the guest, each program runs under hg_run: one that dies (a signal,
# exec failure) with no result of its own gets one, so that it cannot
# vanish from the counts; exit 1 (failed) and 4 (skipped) report
# themselves. No single quotes: it also goes into bash -c '...'.
GUARD = ('hg_run() { local rc=0; "$@" || rc=$?; case $rc in 0 | 1 | 4) ;; *) printf '
         '"TAP version 13\\n1..1\\nnot ok 1 %s # exited %s before reporting a result (crashed?)\\n" '
         '"${1##*/}" "$rc" ;; esac; return $rc; }; ')
# A suite's results reach the console on 6.12; 7.3 keeps them in debugfs
# only: those go to the console here, a line per record, for kunit-ktap.
KUNIT_TO_CONSOLE = ('for r in /sys/kernel/debug/kunit/*/results; do [ -f "$r" ] || continue; '
                    's=${r%/results}; s=${s##*/}; dmesg | grep -q "# Subtest: $s\\$" && continue; '
                    'while IFS= read -r l; do echo "$l" >/dev/kmsg; done <"$r"; done; ')
# A debug kernel's leaks: kmemleak reports objects unreferenced for 5 s or
# more, on the scans asked for here (the console gets the count, which
# scripts/kreport judges; the objects go to the row's .err). Two scans:
# one reports only objects it found unreferenced and unchanged on the scan
# before (it takes the checksum of every object new or changed since, and
# leaves it unreported), so the first scan of a boot (no automatic scans
# in these kernels) reports nothing at all.
KMEMLEAK_SCAN = ('hg_rc=$?; if [ -w /sys/kernel/debug/kmemleak ]; then sleep 5; '
                 'echo scan >/sys/kernel/debug/kmemleak; echo scan >/sys/kernel/debug/kmemleak; '
                 'cat /sys/kernel/debug/kmemleak >&2; fi; exit $hg_rc; ')
# vm-run's exit statuses that are about the guest, not its tests.
VMRUN_FAILED = {2, 122, 123, 124, 125}
RETRY = {122: "QEMU crashed", 124: None}  # 124's words name the timeout


def finding(row, counts):
    """What a row found, for its closing line: the bug reproduced (the
    expected failures seen), fixed (the unexpected passes), or its
    counts."""
    detail = []
    if counts.failed:
        detail.append(f"{counts.failed} failed")
    if counts.xfail:
        detail.append(f"xfail {counts.xfail}")
    if counts.xpass:
        detail.append(f"xpass {counts.xpass}")
    if counts.skipped:
        detail.append(f"{counts.skipped} skipped")
    carve = getattr(row, "expect_carve", "")
    if carve == "bug":
        head = "bug reproduced" if counts.xfail and not counts.failed else "bug not reproduced"
    elif carve == "fixed":
        head = "fixed" if not counts.failed and not counts.xfail else "not fixed"
    else:
        return ", ".join([f"{counts.passed} passed"] + detail)
    return f"{head} ({', '.join(detail)})" if detail else head


def run_order(prepared):
    """(number, row) pairs in the order their guests start: the rows on
    debug kernels first (KASAN and lockdep make them the longest by
    minutes), then the kselftest rows (the collection installed and run
    whole), then the rest in row order. Started last, the longest row
    would run alone at the end with a core idle beside it
    (Documentation/bench.md)."""
    def weight(pair):
        row = pair[1]
        if rows.on_debug_kernel(row):
            return 0
        return 1 if isinstance(row, rows.KselftestRow) else 2
    return sorted(prepared, key=weight)


def result_line(i, row, rc, row_out, retried_why, err_text, log):
    """The row's own KTAP line, about the guest (failing tests are counted
    from their own KTAP): vm-run could not run (2), QEMU crashed, set-up
    failed, timeout, panic; a command that failed must have said so in a
    result of its own; else what the row found in all it reported
    (@row_out: its output, the judges' results)."""
    if rc in VMRUN_FAILED:
        return f"not ok {i} vm {row.name} # vm-run exit {rc}, console: {log}"
    if rc not in (0, 4) and not re.search(r"^not ok", row_out, re.M):
        bash = next((line for line in err_text.splitlines() if line.startswith("bash: ")), "")
        return (f"not ok {i} vm {row.name} # the guest's command exited {rc} without a "
                f"failing result (bash: {bash})")
    note = finding(row, ktap.count(row_out))
    if retried_why:
        note += f"; on the second attempt (the first: {retried_why})"
    return f"ok {i} vm {row.name} # {note}"


class Runner:
    """One vm-tests run in the repository @repo (its cwd)."""

    def __init__(self, repo, smp, jobs, timeout, out=sys.stdout, err=sys.stderr):
        self.repo = repo
        self.smp, self.jobs, self.timeout = smp, jobs, timeout
        self.out, self.err = out, err
        self.logs = "build/vm-logs"
        self.prepared = []          # (number, row) in row order
        self.cmds = {}              # number -> guest command
        self.not_run = {}           # number -> [(test, reason)]
        self.kunit = {}             # number -> the kernel's build tree
        self.dkms = {}              # number -> kernel (kselftest rows built by DKMS)
        self.kdirs, self.modules = {}, {}
        self.edu = {}               # topology -> has an edu
        self.procs = set()
        self.lock = threading.RLock()
        self.stopping = False

    # -------------------------------------------------------- helpers
    def say(self, text):
        with self.lock:
            self.err.write(text + "\n")
            self.err.flush()

    def spawn(self, argv, **kw):
        """subprocess.run, but stopped with the rest on SIGTERM."""
        with self.lock:
            if self.stopping:
                raise KeyboardInterrupt
            p = subprocess.Popen(argv, cwd=self.repo, **kw)
            self.procs.add(p)
        try:
            p.wait()
        finally:
            with self.lock:
                self.procs.discard(p)
        return p.returncode

    def output(self, argv):
        """The stdout of @argv as it is, its stderr on ours, whatever its
        status (a judge's status is in its KTAP)."""
        if self.stopping:
            raise KeyboardInterrupt
        r = subprocess.run(argv, cwd=self.repo, stdout=subprocess.PIPE, text=True,
                           errors="surrogateescape", check=False)
        return r.stdout

    def capture(self, argv, merge=False):
        """(status, stdout) of @argv, stderr on ours or in stdout."""
        if self.stopping:
            raise KeyboardInterrupt
        r = subprocess.run(argv, cwd=self.repo, capture_output=True, text=True, check=False)
        text = r.stdout + (r.stderr if merge else "")
        if not merge and r.stderr:
            self.err.write(r.stderr)
        return r.returncode, text.rstrip("\n")

    def path(self, *parts):
        return os.path.join(self.repo, *parts)

    def log_path(self, name, ext):
        return f"{self.logs}/{name}.{ext}"

    def write(self, rel, text):
        with open(self.path(rel), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)

    def read(self, rel):
        try:
            with open(self.path(rel), encoding="utf-8", errors="surrogateescape") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # -------------------------------------------------------- pass 1
    def module_for(self, kernel):
        """(module path or '', why not) for @kernel, built once per build
        tree (kit and kit+fix share one)."""
        if kernel not in self.kdirs:
            rc, text = self.capture(["scripts/guest-kernel", "kdir", kernel], merge=True)
            self.kdirs[kernel] = text if rc == 0 else f"-{kernel}: {text}"
        kdir = self.kdirs[kernel]
        if kdir not in self.modules:
            module = ""
            if not kdir.startswith("-"):
                rc, text = self.capture(["bash", "-c", '. scripts/lib.sh && test_module "$1"',
                                         "vm-tests", kdir])
                module = text if rc == 0 else ""
            why = (f"the test module did not build for the {kernel} kernel "
                   f"({kdir[1:] if kdir.startswith('-') else kdir}; make's messages are on stderr)")
            if not module:
                self.say(f"# vm-tests: {why}")
            self.modules[kdir] = (module, why)
        return self.modules[kdir]

    def present(self, i, tests, build="build"):
        """The guest's command for the programs @tests that are built in
        @build (or scripts: selftests/NAME.py); the others are not run,
        each a failure with its reason."""
        cmd = ""
        make = "make" if build == "build" else f"make ARCH={build.split('/')[-1]}"
        for t in tests:
            if os.access(self.path(build, "selftests", t), os.X_OK):
                cmd += f"hg_run {build}/selftests/{t}; "
            elif os.access(self.path("selftests", t + ".py"), os.X_OK):
                cmd += f"hg_run selftests/{t}.py; "
            else:
                self.not_run.setdefault(i, []).append((t, f"{build}/selftests/{t} is missing ({make})"))
        return cmd

    def kernel_ready(self, i, row):
        """A kernel whose source cannot be had here (guest-kernel exit 3)
        makes its row skipped, never passed; one that does not build
        fails it. True when it is there."""
        if row.kernel == "kit":
            return True
        err = self.log_path(row.name, "kernel.err")
        with open(self.path(err), "w") as f:
            rc = self.spawn(["scripts/guest-kernel", "build", row.kernel],
                            stdout=subprocess.DEVNULL, stderr=f)
        if rc == 0:
            return True
        lines = self.read(err).splitlines()
        why = lines[-1] if lines else ""
        if rc == 3:
            line = f"ok {i} vm {row.name} # SKIP kernel {row.kernel} unavailable: {why}"
        else:
            self.write(self.log_path(row.name, "out"), "".join(f"# {x}\n" for x in lines))
            line = f"not ok {i} vm {row.name} # kernel {row.kernel} did not build: {why}"
        self.write(self.log_path(row.name, "result"), line + "\n")
        return False

    def prepare_topology(self, i, row):
        cmd = GUARD + self.present(i, row.tests(), row.build_dir())
        if not self.kernel_ready(i, row):
            return
        mrun = row.module_run()
        module, why = self.module_for(row.kernel) if row.stub else ("", "")
        if row.stub and not module:
            for t in mrun:
                self.not_run.setdefault(i, []).append((t, why))
        elif module:
            # The module's tests rebind devices to its stub, after the
            # VFIO tests. A module that does not load fails each of its
            # tests, by name. The tests load this file too (a debug
            # kernel's is not in kmod/out/RELEASE/).
            inner = self.present(i, mrun, row.build_dir())
            cmd += f"export HOSTGEOM_KMOD={shlex.quote(module)}; "
            cmd += f"if {row.build_dir()}/hostgeom resv --load={module} >/dev/null; then "
            cmd += f"scripts/stub-bind {' '.join(row.stub)} -- bash -c '{GUARD}{inner}'; else "
            cmd += f"echo 'TAP version 13'; echo '1..{len(mrun)}'; "
            for j, t in enumerate(mrun, 1):
                cmd += f"echo 'not ok {j} {t} # did not run: {module} did not load'; "
            cmd += "fi; "
        # A debug kernel's KUnit suites (modules) run first: their KTAP
        # goes to the console, where scripts/kunit-ktap reads it after.
        if rows.on_debug_kernel(row):
            rc, kmods = self.capture(["scripts/guest-kernel", "modules", row.kernel], merge=True)
            if rc == 0:
                cmd = (f"for m in {shlex.quote(kmods)}/lib/modules/*/kernel/*/*/*kunit*.ko; "
                       f"do [ -f \"$m\" ] && insmod \"$m\"; done; {KUNIT_TO_CONSOLE}{cmd}")
                self.kunit[i] = self.capture(["scripts/guest-kernel", "kdir", row.kernel])[1]
            cmd += KMEMLEAK_SCAN
        self.cmds[i] = cmd

    def prepare_kselftest(self, i, row):
        if not self.kernel_ready(i, row):
            return
        gargs = ["--must-pass", " ".join(row.must_pass), "--tests", " ".join(rows.DEVICE_TESTS)]
        if row.interrupt:
            gargs += ["--interrupt", row.interrupt]
        if row.killed:
            gargs += ["--kill", row.killed]
        if row.named:
            gargs += ["--named", " ".join(row.named)]
        if row.module_from == "dkms":
            self.dkms[i] = row.kernel  # built when the row starts
        else:
            module, why = self.module_for(row.kernel)
            if module:
                gargs += ["--module", module]
            else:
                self.not_run.setdefault(i, []).append(
                    ("hostgeom_test.ko", f"{why}; the collection runs without it"))
        self.cmds[i] = "scripts/kselftest-guest " + " ".join(shlex.quote(a) for a in gargs)

    def prepare(self, selected):
        arches = os.environ.get("HOSTGEOM_VM_ARCH", "") or ",".join(rows.ARCHES)
        wanted = [r for r in rows.ROWS
                  if (r.name in selected if selected else
                      not r.named_only and getattr(r, "arch", "x86_64") in arches.split(","))]
        topo = [r for r in wanted if isinstance(r, rows.Row)]
        kself = [r for r in wanted if isinstance(r, rows.KselftestRow)]
        for i, row in enumerate(topo + kself, 1):
            self.prepared.append((i, row))
            for ext in ("out", "err", "result", "attempt1.log"):
                try:
                    os.unlink(self.path(self.log_path(row.name, ext)))
                except FileNotFoundError:
                    pass
            # what the ticker of make check shows while kernels and
            # modules are checked or built, before any guest runs
            self.say(f"# vm-tests: preparing {row.name} (kernel {row.kernel})")
            if isinstance(row, rows.Row):
                self.prepare_topology(i, row)
            else:
                self.prepare_kselftest(i, row)

    # -------------------------------------------------------- pass 2
    def expectations(self, row):
        """The HOSTGEOM_EXPECT_* of @row (a kselftest row: its base's)."""
        base = rows.by_name(row.base) if isinstance(row, rows.KselftestRow) else row
        return base.expect_env()

    def has_edu(self, topology):
        """True when the topology has an edu (its arguments read whole,
        once per topology)."""
        if topology not in self.edu:
            text = self.capture(["scripts/vm-topology", "args", topology])[1]
            self.edu[topology] = any(line.startswith("edu,") for line in text.splitlines())
        return self.edu[topology]

    def row_timeout(self, row):
        """A debug kernel's guest runs the same tests several times
        slower (KASAN, lockdep; Documentation/bench.md): a timeout
        there would only buy a second attempt as slow as the first."""
        return self.timeout * 3 if rows.on_debug_kernel(row) else self.timeout

    def vmrun_argv(self, i, row):
        argv = ["scripts/vm-run", "--smp", str(self.smp)] + row.vmrun_args()
        if getattr(row, "vfio", True) and self.has_edu(row.topology):
            argv += ["--vfio", "1234:11e8"]
        # KUnit's built-in core starts disabled (KUNIT_DEFAULT_ENABLED is
        # off in the debug kernels): the suites a row loads run only so.
        if rows.on_debug_kernel(row):
            # kunit.autorun: 7.3 runs a loaded module's suites only with
            # it (KUNIT_AUTORUN_ENABLED is off in the kit's configuration;
            # the suite was set up and never run). 6.12 has no such
            # parameter and runs them anyway.
            argv += ["--append", "kunit.enable=1 kunit.autorun=1"]
        # an arm64 guest's shell is its busybox (the host's bash is amd64)
        shell = "bash" if getattr(row, "arch", "x86_64") == "x86_64" else "sh"
        return argv + ["--timeout", str(self.row_timeout(row)), "--log",
                       self.log_path(row.name, "log"), "--", shell, "-c", self.cmds[i]]

    def not_run_ktap(self, i, row):
        items = self.not_run.get(i, [])
        if not items:
            return ""
        text = f"TAP version 13\n1..{len(items)}\n"
        for j, (t, why) in enumerate(items, 1):
            text += f"not ok {j} vm {row.name}: {t} # did not run: {why}\n"
        return text

    def run_row(self, i, row):
        start = time.monotonic()
        name = row.name
        log, out, err = (self.log_path(name, e) for e in ("log", "out", "err"))
        if i in self.dkms:
            r = subprocess.run(["scripts/dkms-build", name, self.dkms[i]], cwd=self.repo,
                               capture_output=True, text=True, check=False)
            if r.returncode == 0:
                self.cmds[i] += " --dkms-installed " + shlex.quote(r.stdout.strip())
            else:
                why = (r.stderr.strip().splitlines() or ["scripts/dkms-build failed"])[-1]
                self.not_run.setdefault(i, []).append(
                    ("hostgeom_test.ko (DKMS)", f"{why}; the collection runs without it"))
        text = self.not_run_ktap(i, row)
        env = dict(os.environ, HOSTGEOM=self.path("build", "hostgeom"), **self.expectations(row))
        argv = self.vmrun_argv(i, row)
        retried = None
        for attempt in (1, 2):
            with open(self.path(out), "w") as o, open(self.path(err), "a") as e:
                rc = self.spawn(argv, stdout=o, stderr=e, env=env)
            # A guest whose emulator fails runs once more: under TCG a
            # rare guest stalls for good, and QEMU 10.0.2 rarely aborts on
            # an assertion (iotlb_to_section) while a guest resets a
            # device. The first attempt's output goes out as comments, so
            # its results are not counted, and its console is kept.
            if rc not in RETRY or attempt == 2:
                break
            why = RETRY[rc] or f"the guest did not finish within {self.row_timeout(row)}s"
            retried = why
            with open(self.path(log), "rb") as a, open(self.path(self.log_path(name, "attempt1.log")), "wb") as b:
                b.write(a.read())
            text += (f"# vm-tests: {name}: {why}; running it once more (vm-run printed its "
                     f"console's end; the whole log: build/vm-logs/{name}.attempt1.log). Its output:\n")
            text += "".join(f"#   out| {x}\n" for x in self.read(out).splitlines())
        text += self.read(out)
        # The kernel's own checkers (lockdep, KASAN, kmemleak, WARN,
        # BUG...): any report in the console of the attempt that counts
        # fails the row.
        if os.path.exists(self.path(log)) and os.path.getsize(self.path(log)):
            known = []
            for k in getattr(row, "known_reports", tuple)():
                known += ["--known", k]
            text += self.output(["scripts/kreport", "--plan", *known, "--name",
                                 f"vm {name}: no kernel report", log])
            # The KUnit cases, one KTAP line each; the kit's own series
            # brings the iova suite, which must then be there.
            if i in self.kunit:
                expect = []
                if not os.environ.get("HOSTGEOM_FIX") and row.kernel.endswith("+fix"):
                    expect = ["--expect", "iova"]
                kunit_py = os.path.join(os.path.dirname(self.kunit[i]), "src", "tools",
                                        "testing", "kunit", "kunit.py")
                text += self.output(["scripts/kunit-ktap", "--prefix", f"vm {name} kunit",
                                     "--kunit", kunit_py, *expect, log])
        self.write(out, text)
        line = result_line(i, row, rc, text, retried if attempt == 2 else None,
                           self.read(err), log)
        self.write(self.log_path(name, "result"), line + "\n")
        self.say(f"# vm-tests: {name} done after {int(time.monotonic() - start)} s: {line[:80]}")

    def run(self):
        order = run_order(self.prepared)
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = [pool.submit(self.run_row, i, r) for i, r in order if i in self.cmds]
            for f in futures:
                try:
                    f.result()
                except KeyboardInterrupt:
                    pass

    def stop(self):
        """Stops every guest (each vm-run then stops its QEMU and removes
        its files) and starts no more."""
        with self.lock:
            self.stopping = True
            procs = list(self.procs)
        for p in procs:
            try:
                p.terminate()
            except ProcessLookupError:
                pass
        # not p.wait(): this runs in a signal handler that may interrupt it
        procs_.wait_gone([p.pid for p in procs], 60)

    # -------------------------------------------------------- pass 3
    def report(self):
        """Each row's output, in order; the guests' own results carry
        their plans, and this plan covers the guests."""
        for i, row in self.prepared:
            kernel = row.kernel
            self.out.write(f"# vm-tests: {row.name}: scripts/vm-run --smp {self.smp} "
                           f"{' '.join(row.vmrun_args())} (kernel {kernel})\n")
            self.out.flush()
            err = self.read(self.log_path(row.name, "err"))
            if err:
                self.err.write(err)
                self.err.flush()
            self.out.write(self.read(self.log_path(row.name, "out")))
        self.out.write(f"1..{len(self.prepared)}\n")
        for i, row in self.prepared:
            line = self.read(self.log_path(row.name, "result"))
            self.out.write(line if line.strip() else
                           f"not ok {i} vm {row.name} # no result (vm-tests was interrupted?)\n")
        self.out.flush()


def whole(name, default):
    v = os.environ.get(name, "") or default
    return int(v) if re.fullmatch(r"[1-9][0-9]*", v) else None


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if argv[:1] == ["--list"]:
        for r in rows.ROWS:
            print(r.listing())
        return 0
    unknown = [a for a in argv if a not in {r.name for r in rows.ROWS}]
    if unknown:
        sys.stderr.write(f"vm-tests: no row named {', '.join(unknown)} "
                         "(scripts/vm-tests --list shows them)\n")
        return 2
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    timeout = whole("HOSTGEOM_VM_TIMEOUT", "300")
    if timeout is None:
        sys.stderr.write("vm-tests: HOSTGEOM_VM_TIMEOUT wants whole seconds, got "
                         f"'{os.environ.get('HOSTGEOM_VM_TIMEOUT')}'\n")
        return 2
    # Guests run side by side, one vCPU each: a guest's second vCPU only
    # adds a TCG thread competing for the same host cores, and every TCG
    # stall seen here was that second vCPU's timer never firing.
    arches = os.environ.get("HOSTGEOM_VM_ARCH", "")
    if arches and not set(arches.split(",")) <= set(rows.ARCHES):
        sys.stderr.write(f"vm-tests: HOSTGEOM_VM_ARCH wants {' or '.join(rows.ARCHES)} "
                         f"(comma-separated), got '{arches}'\n")
        return 2
    jobs = whole("HOSTGEOM_VM_JOBS", str(os.cpu_count() or 1))
    smp = whole("HOSTGEOM_VM_SMP", "1")
    if jobs is None or smp is None:
        sys.stderr.write("vm-tests: HOSTGEOM_VM_JOBS and HOSTGEOM_VM_SMP want whole numbers\n")
        return 2
    os.chdir(repo)
    # The guest kernel (built once, cached).
    rc = subprocess.run(["scripts/guest-kernel", "build"], stdout=subprocess.DEVNULL,
                        check=False).returncode
    if rc:
        return rc
    os.makedirs("build/vm-logs", exist_ok=True)
    runner = Runner(repo, smp, jobs, timeout)

    def on_signal(signum, _frame):
        runner.stop()
        os._exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runner.prepare(argv)
    runner.run()
    runner.report()
    return 0
