# SPDX-License-Identifier: GPL-2.0
"""Processes of the test programs: a tree stopped from the leaves up, and
waiting for processes without Popen.wait(). A signal handler may run while
its own thread is inside Popen.wait() for the same child, holding the
lock that wait() takes: another wait() there would block on it."""
import os
import signal
import time


def state(pid):
    """The process state letter of @pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid):
    """True while @pid runs (a zombie has ended)."""
    return state(pid) not in (None, "Z", "X")


def children(pid):
    """The PIDs whose parent is @pid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out.append(int(d))
    return out


def kill_tree(pid, sig=signal.SIGTERM):
    """Descendants first, then the process: a vm-run stopped cleans up its
    guest, but one stopped before its QEMU would leave QEMU running."""
    for child in children(pid):
        kill_tree(child, sig)
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def wait_gone(pids, timeout):
    """Waits until every one of @pids has ended, at most @timeout seconds;
    True when they all did."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
