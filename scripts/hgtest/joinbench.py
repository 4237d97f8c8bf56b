# SPDX-License-Identifier: GPL-2.0
"""Join latency (issue 18, h): how long a late member takes to join its
IOMMU group, unpatched and with each version of the fix, side by side.
scripts/bench.d/join is the entry point. A benchmark, not a test: it
prints numbers and judges nothing.

Host side (main): for each kernel, a guest of the vtd39-rmrr set-up (the
edu L behind the root port H without ACS, L with an RMRR) runs the guest
side below, with the test module loaded. Guest side (guest): L is removed
and the PCI bus rescanned ROUNDS times, first with H idle, then with H
busy: a churning hold (HOLD_CHURN: a kernel thread maps and unmaps 4 KiB
through H, above L's region, all along). Each round's time is the
rescan's (the write to /sys/bus/pci/rescan, which probes L and joins it
to the group: an upper bound of the join), in milliseconds; the removal
before it is not counted. One line out: "joinbench: JSON".

The guest speaks to the module through the kernel tree's YNL library and
the kit's spec (the hold lasts as long as its socket: a command line
would end it at once).
"""
import json
import os
import statistics
import sys
import time

PCI = "/sys/bus/pci/devices"
RESULT = "joinbench: "


# ---------------------------------------------------------------- guest

def put(path, value):
    with open(path, "w") as f:
        f.write(value)


def wait(test, want, seconds=10.0):
    end = time.monotonic() + seconds
    while test() != want and time.monotonic() < end:
        time.sleep(0.01)
    return test() == want


def rounds_of(l_dev, n):
    """@n removals and rescans of @l_dev: the rescans' times in ms."""
    times = []
    present = lambda: os.path.exists(os.path.join(PCI, l_dev))  # noqa: E731
    grouped = lambda: os.path.exists(os.path.join(PCI, l_dev, "iommu_group"))  # noqa: E731
    for i in range(n):
        put(os.path.join(PCI, l_dev, "remove"), "1")
        if not wait(present, False):
            raise RuntimeError(f"round {i + 1}: {l_dev} was not removed")
        t0 = time.monotonic()
        put("/sys/bus/pci/rescan", "1")
        t1 = time.monotonic()
        if not wait(grouped, True):
            raise RuntimeError(f"round {i + 1}: {l_dev} did not come back in an IOMMU group")
        times.append((t1 - t0) * 1e3)
    return times


def ynl_family(tree, spec):
    """The kernel tree's YnlFamily with @spec (tools/net/ynl moved its
    library into pyynl/ after 6.12)."""
    for sub in ("tools/net/ynl/pyynl", "tools/net/ynl"):
        if os.path.isdir(os.path.join(tree, sub, "lib")):
            sys.path.insert(0, os.path.join(tree, sub))
            from lib import YnlFamily  # pylint: disable=import-outside-toplevel,import-error
            return YnlFamily(spec, "")
    raise RuntimeError(f"no tools/net/ynl library in {tree}")


def guest(argv):
    """guest L H ROUNDS REGION_END TREE SPEC: prints the result line."""
    l_dev, h_dev, n, region_end, tree, spec = argv
    n, region_end = int(n), int(region_end, 0)
    out = {"idle": rounds_of(l_dev, n)}
    fam = ynl_family(tree, spec)
    fam.do("hold", {"hold-device": h_dev, "hold-start": region_end + 1,
                    "hold-end": (1 << 64) - 1, "carve-map-order": 0,
                    "hold-churn": True}, None)
    try:
        out["busy"] = rounds_of(l_dev, n)
    finally:
        rel = fam.do("release", {}, None)
    out["churns"] = rel.get("hold-churns", 0)
    print(RESULT + json.dumps(out), flush=True)
    return 0


# ----------------------------------------------------------------- host

def parse(text):
    """The guest's result from its output @text: a dict with idle and busy
    (ms lists) and churns; ValueError naming what is missing."""
    for line in text.splitlines():
        if line.startswith(RESULT):
            r = json.loads(line[len(RESULT):])
            if not r.get("idle") or not r.get("busy"):
                raise ValueError("the result has no rounds")
            return r
    raise ValueError(f"no '{RESULT.strip()}' line in the guest's output")


def summary(ms):
    """'median (min-max)' of a list of ms."""
    return f"{statistics.median(ms):.1f} ({min(ms):.1f}-{max(ms):.1f})"


def table(results):
    """@results: [(label, kernel, result dict or error text, wall, cpu)]:
    the table as text."""
    head = ("kernel", "fix", "rescan ms, H idle", "rescan ms, H busy", "churn cycles",
            "wall s", "CPU s")
    rows = [head]
    for label, kernel, r, wall, cpu in results:
        if isinstance(r, str):
            ran = wall > 0
            rows.append((kernel, label, r, "", "", f"{wall:.0f}" if ran else "-",
                         f"{cpu:.0f}" if ran else "-"))
        else:
            rows.append((kernel, label, summary(r["idle"]), summary(r["busy"]),
                         str(r["churns"]), f"{wall:.0f}", f"{cpu:.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                     for row in rows) + "\n"


# The vtd39-rmrr set-up (scripts/hgtest/rows.py): L, H, L's RMRR.
L_DEV, H_DEV = "0000:01:00.0", "0000:00:02.0"
RMRR_START, RMRR_END = 0xb8000000, 0xb80fffff
# The first version of the fix: git archive V1_COMMIT kmod/patches.
V1_COMMIT = "3b9ddd2"
DEFAULT_KERNELS = ("unpatched=kit v1=kit+fix@v1 v2=kit+fix "
                   "unpatched=kit-debug v1=kit-debug+fix@v1 v2=kit-debug+fix")


def specs(text):
    """BENCH_JOIN_KERNELS: 'LABEL=KERNEL[@SERIES]...', SERIES a directory of
    patches for HOSTGEOM_FIX or 'v1': [(label, kernel, series)]."""
    out = []
    for word in text.split():
        label, sep, rest = word.partition("=")
        kernel, _, series = rest.partition("@")
        if not sep or not label or not kernel:
            raise ValueError(f"'{word}': want LABEL=KERNEL[@SERIES]")
        out.append((label, kernel, series))
    return out


def host(repo, kernels, rounds, keep, out=sys.stdout):
    """Runs the guest side on each kernel of @kernels (specs()) and prints
    the table; each guest's output and console go to directory @keep
    (LABEL-KERNEL.out, .log); 0, or 2 when no kernel could run."""
    import resource  # pylint: disable=import-outside-toplevel
    import shlex  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import tempfile  # pylint: disable=import-outside-toplevel

    def run(argv, env=None):
        return subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True,
                              check=False)

    tree = run(["scripts/kernel-tree", "src", "6.12"]).stdout.strip()
    spec = os.path.join(repo, "Documentation", "netlink", "specs", "hostgeom.yaml")
    results, ran = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        v1 = ""
        r = subprocess.run(f"git archive {V1_COMMIT} kmod/patches | tar -x -C {shlex.quote(tmp)}",
                           shell=True, cwd=repo, capture_output=True, text=True, check=False)
        if r.returncode == 0:
            v1 = os.path.join(tmp, "kmod", "patches", "6.12")
        for label, kernel, series in kernels:
            env = dict(os.environ)
            env.pop("HOSTGEOM_FIX", None)
            if series:
                series = v1 if series == "v1" else series
                if not series:
                    results.append((label, kernel, f"no v1 series (git archive {V1_COMMIT})", 0, 0))
                    continue
                env["HOSTGEOM_FIX"] = series
            p = run(["scripts/guest-kernel", "path", kernel], env)
            if p.returncode:
                results.append((label, kernel, "not built here: scripts/guest-kernel build "
                                + kernel, 0, 0))
                continue
            kdir = run(["scripts/guest-kernel", "kdir", kernel], env).stdout.strip()
            m = run(["bash", "-c", '. scripts/lib.sh && test_module "$1"', "joinbench", kdir])
            module = m.stdout.strip()
            if m.returncode or not module:
                results.append((label, kernel, "the test module did not build", 0, 0))
                continue
            cmd = (f"build/hostgeom resv --load={shlex.quote(module)} >/dev/null && "
                   f"python3 scripts/hgtest/joinbench.py guest {L_DEV} {H_DEV} {rounds} "
                   f"{RMRR_END:#x} {shlex.quote(tree)} {shlex.quote(spec)}")
            # one vCPU, as scripts/vm-tests runs its guests: under TCG a
            # second vCPU's timer may never fire, and the churn's thread
            # yields only at a tick
            base = os.path.join(keep, f"{label}-{kernel}")
            argv = ["scripts/vm-run", "--smp", "1", "--kernel", kernel, "--topology", "acs-off",
                    "--rmrr", f"{L_DEV}={RMRR_START:#x}-{RMRR_END:#x}",
                    "--timeout", "900", "--log", base + ".log", "--", "bash", "-c", cmd]
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            p = run(argv, env)
            wall = time.monotonic() - t0
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
            with open(base + ".out", "w") as f:
                f.write(p.stdout)
            try:
                results.append((label, kernel, parse(p.stdout), wall, cpu))
                ran += 1
            except ValueError as e:
                tail = (p.stderr.strip().splitlines() or [""])[-1]
                results.append((label, kernel, f"{e} (vm-run exit {p.returncode}: {tail})",
                                wall, cpu))
    out.write(table(results))
    return 0 if ran else 2


def main(argv):
    if argv[:1] == ["guest"]:
        return guest(argv[1:])
    if argv[:1] == ["host"] and len(argv) == 2:
        try:
            kernels = specs(os.environ.get("BENCH_JOIN_KERNELS") or DEFAULT_KERNELS)
            rounds = int(os.environ.get("BENCH_JOIN_ROUNDS") or 10)
            if rounds < 1:
                raise ValueError("BENCH_JOIN_ROUNDS: want a count of 1 or more")
        except ValueError as e:
            sys.stderr.write(f"joinbench: {e}\n")
            return 2
        keep = os.path.join(argv[1], os.environ.get("B") or "build", "bench-join")
        os.makedirs(keep, exist_ok=True)
        return host(argv[1], kernels, rounds, keep)
    sys.stderr.write("usage: joinbench.py host REPO | guest L H ROUNDS REGION_END TREE SPEC\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
