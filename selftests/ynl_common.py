# SPDX-License-Identifier: GPL-2.0
"""What the YNL tests share: the kernel tree scripts/kernel-tree unpacked
(its tools/net/ynl) and their KTAP results."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "Documentation", "netlink", "specs", "hostgeom.yaml")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def kernel_tree(series="6.12"):
    """The unpacked source tree of SERIES, or "" where there is none."""
    p = run([os.path.join(ROOT, "scripts", "kernel-tree"), "src", series])
    tree = p.stdout.strip() if p.returncode == 0 else ""
    return tree if tree and os.path.isdir(tree) else ""


def in_tree(tree, paths):
    """The first of PATHS (relative to TREE) that is a file there, or ""
    (tools/net/ynl's files moved into pyynl/ after 6.12)."""
    for p in paths:
        if tree and os.path.isfile(os.path.join(tree, p)):
            return os.path.join(tree, p)
    return ""


def report(prefix, results):
    """Prints the plan and a KTAP line per (name, problem): problem None
    passes, ("SKIP", why) skips, any other text fails. Returns the exit
    status: 1 when one failed."""
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, problem) in enumerate(results, 1):
        if isinstance(problem, tuple):
            print(f"ok {i} {prefix} {name} # SKIP {problem[1]}")
        elif problem:
            failed += 1
            # one line: a tool's message may have several
            why = " / ".join(line.strip() for line in problem.splitlines() if line.strip())
            print(f"not ok {i} {prefix} {name} # {why}")
        else:
            print(f"ok {i} {prefix} {name}")
    return 1 if failed else 0
