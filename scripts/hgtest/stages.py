# SPDX-License-Identifier: GPL-2.0
"""The stage scheduler of make check (scripts/check, hgtest/check.py):
lanes of steps that run side by side, one step at a time in each lane.

A step is a KTAP stage (run through scripts/ktap-run, which keeps
DIR/NAME.ktap, .rc and .time; a stage never stops its lane, its results
are counted), a timed step (set-up and builds: "check: NAME took N s"; one
that fails stops its lane), or a plain one (stops its lane when it fails,
says nothing). Side by side, a stage's output is printed whole when it
ends, one at a time, and every tick a line says, for each step running
that long, how long and the last line it wrote: its own output or, newer,
a file it writes elsewhere (its progress globs: a kernel build's log).
One at a time (serial), every output goes out as it comes.
"""
import dataclasses
import glob
import os
import resource
import signal
import subprocess
import sys
import threading
import time

from . import procs as procs_


@dataclasses.dataclass
class Step:
    name: str
    argv: list
    kind: str = "stage"         # "stage", "timed" or "plain"
    env: dict = None            # added to the environment
    progress: tuple = ()        # globs of files the step writes as it goes
    stderr_null: bool = False   # a plain step's stderr to /dev/null


@dataclasses.dataclass
class Lane:
    name: str
    steps: object               # a callable that yields Steps (lazily:
                                # a step may look for what one before built)
    nice: int = 0


def last_line(path):
    """The last non-empty line of @path (carriage returns dropped), or ''."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 4096))
            data = f.read()
    except OSError:
        return ""
    lines = [x for x in data.decode("utf-8", "replace").replace("\r", "\n").split("\n") if x.strip()]
    return lines[-1] if lines else ""


class Scheduler:
    """Runs @lanes (side by side, or one after the other with @serial) into
    the KTAP directory @ktap of the repository @repo."""

    def __init__(self, repo, ktap, lanes, serial=False, tick=10.0, out=None, err=None):
        self.repo, self.ktap, self.lanes = repo, ktap, lanes
        self.serial, self.tick = serial, tick
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.print_lock = threading.Lock()
        # re-entrant: the signal handler (stop()) runs in the main thread,
        # maybe while that thread holds it in popen()
        self.lock = threading.RLock()
        self.running = {}           # step name -> (start, Step, own output file or None)
        self.procs = set()
        self.stopping = False

    # ------------------------------------------------------------ output
    def say(self, text):
        with self.print_lock:
            self.err.write(text + "\n")
            self.err.flush()

    # ------------------------------------------------------------ processes
    def popen(self, argv, nice=0, env=None, **kw):
        # nice(1), not a preexec_fn: that is unsafe beside threads
        if nice:
            argv = ["nice", "-n", str(nice), *argv]
        full = dict(os.environ, **(env or {}))
        with self.lock:
            if self.stopping:
                raise KeyboardInterrupt
            p = subprocess.Popen(argv, cwd=self.repo, env=full, **kw)
            self.procs.add(p)
        return p

    def reap(self, p):
        try:
            return p.wait()
        finally:
            with self.lock:
                self.procs.discard(p)

    def stop(self):
        """Every process of every lane, and theirs, SIGTERM; no more start."""
        with self.lock:
            self.stopping = True
            # and a child forked by a Popen this handler interrupted,
            # not registered yet
            pids = {p.pid for p in self.procs} | set(procs_.children(os.getpid()))
        for pid in pids:
            procs_.kill_tree(pid)
        # not p.wait(): this may run in a signal handler interrupting it
        if not procs_.wait_gone(pids, 30):
            for pid in pids:
                procs_.kill_tree(pid, signal.SIGKILL)

    # ------------------------------------------------------------ steps
    def run_step(self, step, nice):
        """Runs @step; returns its exit status (a stage's: 0, ktap-run's)."""
        start = time.time()
        if step.kind == "stage":
            return self.run_stage(step, nice, start)
        if step.kind == "plain":
            p = self.popen(step.argv, nice, step.env,
                           stderr=subprocess.DEVNULL if step.stderr_null else None)
            return self.reap(p)
        # a timed step: its output goes out as it comes, its last line is
        # its progress
        log = os.path.join(self.repo, self.ktap, f".{step.name.replace(' ', '-')}.log")
        with self.lock:
            self.running[step.name] = (start, step, log)
        try:
            if self.serial:
                rc = self.reap(self.popen(step.argv, nice, step.env))
            else:
                rc = self.tee(step, nice, log)
        finally:
            with self.lock:
                self.running.pop(step.name, None)
        if rc == 0:
            self.say("check: %s took %.1f s" % (step.name, time.time() - start))
        return rc

    def tee(self, step, nice, log):
        """A timed step's stdout to ours, its stderr to ours, both to @log."""
        p = self.popen(step.argv, nice, step.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        log_lock = threading.Lock()
        with open(log, "wb") as f:
            def pump(src, dst):
                for chunk in iter(lambda: src.read1(65536), b""):
                    with log_lock:
                        f.write(chunk)
                        f.flush()
                    with self.print_lock:
                        if hasattr(dst, "buffer"):
                            dst.flush()
                            dst.buffer.write(chunk)
                        else:
                            dst.write(chunk.decode("utf-8", "replace"))
                        dst.flush()
                src.close()
            pumps = [threading.Thread(target=pump, args=(p.stdout, self.out)),
                     threading.Thread(target=pump, args=(p.stderr, self.err))]
            for t in pumps:
                t.start()
            for t in pumps:
                t.join()
        return self.reap(p)

    def run_stage(self, step, nice, start):
        argv = [os.path.join("scripts", "ktap-run"), self.ktap, step.name, "--", *step.argv]
        if self.serial:
            return self.reap(self.popen(argv, nice, step.env))
        ktap = os.path.join(self.repo, self.ktap, step.name + ".ktap")
        running = os.path.join(self.repo, self.ktap, step.name + ".running")
        with open(running, "w") as f:
            f.write(f"{start}\n")
        with self.lock:
            self.running[step.name] = (start, step, ktap)
        try:
            rc = self.reap(self.popen(argv, nice, step.env, stdout=subprocess.DEVNULL))
        finally:
            with self.lock:
                self.running.pop(step.name, None)
        with self.print_lock:
            with open(ktap, "rb") as f:
                data = f.read()
            if hasattr(self.out, "buffer"):
                self.out.flush()
                self.out.buffer.write(data)
            else:
                self.out.write(data.decode("utf-8", "replace"))
            self.out.flush()
            base = os.path.join(self.repo, self.ktap, step.name)
            with open(base + ".time") as f:
                wall, cpu = (f.read().split() + ["?", "?"])[:2]
            with open(base + ".rc") as f:
                status = f.read().strip()
            self.err.write(f"check: {step.name} done in {wall} s (CPU {cpu} s), exit status {status}\n")
            self.err.flush()
        os.unlink(running)
        return rc

    # ------------------------------------------------------------ lanes
    def run_lane(self, lane):
        """0, or the status of the step that stopped the lane."""
        for step in lane.steps():
            rc = self.run_step(step, lane.nice)
            if step.kind == "stage":
                continue
            if rc != 0:
                return rc
        return 0

    def progress(self, now):
        """The ticker's lines: each step running for a tick or more."""
        lines = []
        with self.lock:
            items = sorted(self.running.items(), key=lambda kv: kv[1][0])
        for name, (start, step, own) in items:
            age = int(now) - int(start)
            if age < self.tick:
                continue
            # the newest line of what it writes: its own output, or a
            # file it wrote since it started
            candidates = []
            for f in ([own] if own else []):
                try:
                    candidates.append((os.path.getmtime(f), f, ""))
                except OSError:
                    pass
            for pattern in step.progress:
                for f in glob.glob(os.path.join(self.repo, pattern)):
                    try:
                        m = os.path.getmtime(f)
                    except OSError:
                        continue
                    if m >= start:
                        candidates.append((m, f, os.path.basename(f)))
            line = ""
            for _, f, where in sorted(candidates, reverse=True):
                line = last_line(f)
                if line:
                    if where:
                        line = f"[{where}] {line}"
                    break
            lines.append("check: [%4ds] %s: %s" % (age, name, line[:110]))
        return lines

    def ticker(self, done):
        while not done.wait(self.tick):
            for line in self.progress(time.time()):
                self.say(line)

    def run(self):
        """Runs every lane; returns 0 or the status of the last lane (in
        order) that stopped early, each such lane said. Serial: the lanes
        in order, and a step that fails ends the run there, silently."""
        if self.serial:
            for lane in self.lanes:
                rc = self.run_lane(lane)
                if rc:
                    return rc
            return 0
        done = threading.Event()
        ticker = threading.Thread(target=self.ticker, args=(done,), daemon=True)
        ticker.start()
        results = {}

        def lane_thread(lane):
            try:
                results[lane.name] = self.run_lane(lane)
            except KeyboardInterrupt:
                results[lane.name] = 143
        threads = [threading.Thread(target=lane_thread, args=(lane,)) for lane in self.lanes]
        for t in threads:
            t.start()
        # A lane that stops early (a set-up step failed) has not run its
        # later stages: that fails the check whatever the counts say. The
        # lanes are waited for in order, each one's message as it ends.
        rc = 0
        for lane, t in zip(self.lanes, threads):
            while t.is_alive():
                t.join(0.5)
            r = results.get(lane.name, 1)
            if r:
                rc = r
                self.say(f"check: the {lane.name} lane stopped early (status {r})")
        done.set()
        return rc


def run_stopping_on_signals(sched):
    """sched.run(), where SIGTERM or SIGINT stops every lane's processes
    and their descendants and exits 128 + the signal."""
    def on_signal(signum, _frame):
        sched.stop()
        os._exit(128 + signum)
    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return sched.run()
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def shell_sorted(paths):
    """@paths in the order of a shell's glob (the locale's collation)."""
    import locale
    try:
        locale.setlocale(locale.LC_COLLATE, "")
    except locale.Error:
        pass
    return sorted(paths, key=locale.strxfrm)


def children_cpu():
    """CPU seconds (user + system) of this process's finished children."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
