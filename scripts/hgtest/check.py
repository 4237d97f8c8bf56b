# SPDX-License-Identifier: GPL-2.0
"""scripts/check: everything make check runs. Set-up, the unit tests under
ASan/UBSan, valgrind over the same tests, the module's build checks, the
VM tier; then one closing line "N passed, N failed, N skipped, N xfail,
N xpass" over all of it (expected failures and unexpected passes apart).

After the plain build, two lanes run side by side (hgtest/stages.py): the
VM lane (the arm64 build, then the VM tier, whose debug-kernel rows are
the longest steps of all) and the host lane (preflight against real VFIO
failures in a nested guest, the module's build checks, the ASan and
fuzzing builds, unit tests, fuzzing, the installed collection,
valgrind). The VM lane runs at nice 10: the host lane's nested guest
comes first, the guests of the VM tier take what it leaves, instead of
preempting a level-1 vCPU that the other one then waits for (that costs
CPU time, not only wall clock). The nested reproducer runs with --repro
(make repro and make fixcheck run it): its two guest levels cost more
CPU than make check's budget leaves (Documentation/bench.md).
"""
import glob
import os
import shutil
import subprocess
import sys
import time

from . import stages
from .stages import Lane, Step

USAGE = """Usage: scripts/check [--no-vm] [--repro] [--no-setup] [--serial] [--help]

  --no-vm     skip the VM tier (also HOSTGEOM_NO_VM=1); its tests count
              as skipped
  --repro     also run the nested reproducer's scenarios 1, 2 and 4 and
              its failure paths (scripts/repro; also HOSTGEOM_REPRO=1);
              without it they count as one skipped test
  --no-setup  do not run scripts/setup first
  --serial    one stage at a time, each one's output as it comes (also
              HOSTGEOM_CHECK_SERIAL=1); by default two lanes run side by
              side, a stage's output is printed when it ends, and every
              10 s a line says what is running

HOSTGEOM_FUZZ_SECONDS: how long each fuzz target runs (default 5; make
fuzz runs them longer).

Results: build/ktap/*.ktap (with each stage's .rc and .time), VM console
logs under build/vm-logs/.
"""

KTAP = "build/ktap"


def skip_ktap(name, why):
    with open(os.path.join(KTAP, name + ".ktap"), "w") as f:
        f.write(f"KTAP version 1\n1..1\nok 1 {name} # SKIP {why}\n")


def host_lane(jobs, vm, repro):
    """The host lane's steps, found as it goes (the unit tests once the
    ASan build made them): with the VM tier, its nested guests first."""
    if vm:
        yield from nested_steps(repro)
    yield Step("ASan build", ["make", "-s", f"-j{jobs}", "B=build/asan", "SANITIZE=1"], kind="timed")
    fuzz = shutil.which(os.environ.get("FUZZ_CC") or "clang")
    if fuzz:
        yield Step("fuzz build", ["make", "-s", f"-j{jobs}", "fuzz-build"], kind="timed")
    # module tests and real-ioctl tests need a VM; here they skip.
    asan = {"HOSTGEOM": os.path.abspath("build/asan/hostgeom")}
    for t in stages.shell_sorted(glob.glob("build/asan/selftests/*_test")):
        yield Step(f"unit-{os.path.basename(t)}", [t], env=asan)
    # the judges of the VM rows' kernel logs, the test programs, the YNL
    # spec, ... on recorded inputs
    # (the Python tests under Debian's python3, whose packages scripts/setup
    # installs, whatever else is first on PATH)
    python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else "python3"
    for t in stages.shell_sorted(glob.glob("selftests/*_test.py")):
        yield Step(f"unit-{os.path.basename(t)[:-3]}", [python, t])
    # no cycle between the library's folders (lib/base, lib/sysfs, ...):
    # their includes and, from the plain build's objects, their calls
    yield Step("lib-graph", ["scripts/lib-graph", "--lib", "lib", "--objects", "build/lib"])
    # A short run of each libFuzzer target from its seed corpus (make fuzz
    # for longer ones).
    if fuzz:
        yield Step("fuzz", ["scripts/fuzz-run", "--seconds",
                            os.environ.get("HOSTGEOM_FUZZ_SECONDS") or "5", "build/fuzz"])
    else:
        skip_ktap("fuzz", "clang not installed (scripts/setup installs it)")
    # The collection as a fleet installs and runs it: the kernel's runner
    # (Documentation/fleet.md); here the device tests skip with reasons.
    shutil.rmtree("build/kselftest-host", ignore_errors=True)
    yield Step("install-selftests", ["scripts/install-selftests", "build/kselftest-host"],
               kind="plain", stderr_null=True)
    yield Step("kselftest-host", ["build/kselftest-host/run_kselftest.sh", "-c", "hostgeom"])
    yield valgrind_step()


def vm_lane(jobs):
    # the arm64 rows' programs, cross-built (Documentation/arm64.md)
    yield Step("arm64 build", ["make", "-s", f"-j{jobs}", "ARCH=arm64"], kind="timed")
    # its long steps write elsewhere: a kernel's build, DKMS, consoles
    yield Step("vm", ["scripts/vm-tests"], progress=("build/vm-logs/*",))


def valgrind_step():
    """valgrind over the plain build: ASan and valgrind do not mix."""
    return Step("valgrind", ["scripts/valgrind-ktap", "-",
                             *stages.shell_sorted(glob.glob("build/selftests/*_test"))],
                env={"HOSTGEOM": os.path.abspath("build/hostgeom")})


def nested_steps(repro):
    # With --repro, the nested reproducer's scenarios that share one
    # level-2 boot: verdicts against the expected ones (the bug
    # reproduced hot- and cold-plugged into a shared group, a singleton
    # group clean: the seed series' own case), and its failure paths (a
    # broken stage is an error with a reason). Scenario 3 boots a second
    # level 2: make repro and make fixcheck run all four.
    if repro:
        # Level 1's timeout well below the default hour: a guest that
        # stalls for good under TCG (Documentation/bench.md) then fails
        # this stage and the run goes on, instead of outlasting CI.
        yield Step("repro", ["scripts/repro", "--ktap", "-s", "1,2,4", "--timeout", "1800"])
        yield Step("repro-faults", ["scripts/repro.d/faults"])
    else:
        skip_ktap("repro", "the nested reproducer runs in make repro and make fixcheck "
                  "(scripts/check --repro adds it here)")
    # preflight's predictions against real VFIO failures, nested
    yield Step("preflight-nested", ["scripts/preflight-nested", "--ktap"])
    # checkpatch and W=1 builds of the module (the VMs' own module builds
    # are in kmod/out, these in build/module-check)
    yield Step("module-build", ["scripts/module-check"])
    # the fix series as a maintainer's tools see it (cached by content)
    yield Step("series-check", ["scripts/series-check"])


def use_ccache():
    """Compilers through ccache (Debian's masquerade directory), when
    installed: the builds are then cached across runs in
    $HOSTGEOM_CACHE/ccache (scripts/guest-kernel takes it out again for
    kernels: lib.sh's no_ccache)."""
    if not os.access("/usr/lib/ccache/gcc", os.X_OK):
        return
    cache = os.environ.get("HOSTGEOM_CACHE") or "/var/cache/hostgeom"
    os.environ.setdefault("CCACHE_DIR", os.path.join(cache, "ccache"))
    os.environ.setdefault("CCACHE_MAXSIZE", "2G")
    try:
        os.makedirs(os.environ["CCACHE_DIR"], exist_ok=True)
    except OSError:
        return
    path = os.environ.get("PATH", "")
    if "/usr/lib/ccache" not in path.split(":"):
        os.environ["PATH"] = "/usr/lib/ccache:" + path


def main(argv):
    vm = not os.environ.get("HOSTGEOM_NO_VM")
    repro = os.environ.get("HOSTGEOM_REPRO", "0") not in ("", "0")
    serial = os.environ.get("HOSTGEOM_CHECK_SERIAL", "0") not in ("", "0")
    setup = True
    for arg in argv:
        if arg == "--no-vm":
            vm = False
        elif arg == "--repro":
            repro = True
        elif arg == "--no-setup":
            setup = False
        elif arg == "--serial":
            serial = True
        elif arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        else:
            sys.stderr.write(f"check: unknown option '{arg}' (see --help)\n")
            return 2
    start = time.time()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    os.chdir(repo)
    shutil.rmtree(KTAP, ignore_errors=True)
    os.makedirs(KTAP)
    jobs = os.cpu_count() or 1
    # the builds below (userspace, ASan, fuzzing, the module) through ccache
    use_ccache()
    first = []
    if setup:
        first.append(Step("setup", ["scripts/setup"] + ([] if vm else ["--no-vm"]), kind="timed"))
    first.append(Step("build", ["make", "-s", f"-j{jobs}"], kind="timed"))
    # the nested lane needs only the plain build: it starts meanwhile
    if serial or not vm:
        lanes = [Lane("host", lambda: host_lane(jobs, vm, repro))]
        if vm:
            lanes.append(Lane("vm", lambda: vm_lane(jobs)))
    else:
        lanes = [Lane("host", lambda: host_lane(jobs, vm, repro)),
                 Lane("vm", lambda: vm_lane(jobs), nice=10)]
    # Set-up and build first, one after the other, as they come.
    sched = stages.Scheduler(repo, KTAP, [Lane("set-up", lambda: iter(first))], serial=True)
    rc = stages.run_stopping_on_signals(sched)
    if rc:
        return rc
    sched = stages.Scheduler(repo, KTAP, lanes, serial=serial or not vm)
    lane_rc = stages.run_stopping_on_signals(sched)
    if lane_rc and (serial or not vm):
        return lane_rc  # a step failed: the run ends there
    # CPU: this process's children, every stage included.
    sys.stderr.write("check: all stages took %.1f s (CPU %.1f s)\n"
                     % (time.time() - start, stages.children_cpu()))
    sys.stderr.flush()
    rc = subprocess.run(["scripts/ktap-summary", "-v", KTAP], check=False).returncode
    return rc or lane_rc
