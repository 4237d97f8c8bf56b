#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/lib-graph on a recorded small tree (selftests/lib_graph_data/
tree: three folders, their sources and the 'nm -A' of their objects as
GCC built them): the tree passes, and a cycle between folders made by a
call or by an include fails, named with its evidence; a source outside a
folder or without an object fails; a cycle inside one folder does not.
KTAP out."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_GRAPH = os.path.join(HERE, "..", "scripts", "lib-graph")
TREE = os.path.join(HERE, "lib_graph_data", "tree")


def run(lib, nm):
    p = subprocess.run([sys.executable, LIB_GRAPH, "--lib", lib, "--nm", nm],
                       capture_output=True, text=True, check=False)
    return p.returncode, p.stdout, p.stderr


def variant(tmp, nm_extra="", edit=None):
    """A copy of the tree in @tmp, with lines added to its nm output and
    @edit (a file, the text to append) applied; its lib and nm paths."""
    work = os.path.join(tmp, "tree")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(TREE, work)
    nm = os.path.join(work, "nm.txt")
    with open(nm, "a") as f:
        f.write(nm_extra)
    if edit:
        with open(os.path.join(work, "lib", edit[0]), "a") as f:
            f.write(edit[1])
    return os.path.join(work, "lib"), nm


def result(out, folder):
    """The KTAP result line of @folder's check."""
    for line in out.splitlines():
        if line.endswith(f" lib/{folder}: on no cycle between folders"):
            return line
    return ""


def check_acyclic(tmp):
    rc, out, err = run(*variant(tmp))
    if rc != 0:
        return f"exit {rc}: {out} {err}"
    if "not ok" in out or out.count("\nok ") != 5:
        return f"wanted 5 ok results: {out}"
    if "# order (each folder uses only those before it): base, sysfs, vfio" \
            not in out:
        return f"no order line: {out}"
    if "ok 5 lib/vfio: on no cycle between folders\n# uses sysfs\n" \
            not in out:
        return f"vfio's uses not shown: {out}"
    return None


def check_call_cycle(tmp):
    # sysfs/io.o calling vfio's hg_vfio_open: sysfs -> vfio -> sysfs
    rc, out, _ = run(*variant(
        tmp, "build/lib/sysfs/io.o:                 U hg_vfio_open\n"))
    if rc != 1:
        return f"exit {rc}, wanted 1: {out}"
    for folder in ("sysfs", "vfio"):
        if not result(out, folder).startswith("not ok"):
            return f"{folder} not failed: {out}"
    if not result(out, "base").startswith("ok"):
        return f"base failed too: {out}"
    for want in ("# cycle: sysfs -> vfio -> sysfs",
                 "sysfs -> vfio: sysfs/io.o calls hg_vfio_open (vfio/type1.o)",
                 "vfio -> sysfs: vfio/type1.c includes sysfs/internal.h"):
        if want not in out:
            return f"'{want}' missing: {out}"
    return None


def check_include_cycle(tmp):
    # base including vfio's private header: base -> vfio -> sysfs -> base
    rc, out, _ = run(*variant(
        tmp, edit=("base/hex.c", '#include "vfio/internal.h"\n')))
    if rc != 1:
        return f"exit {rc}, wanted 1: {out}"
    for folder in ("base", "sysfs", "vfio"):
        if not result(out, folder).startswith("not ok"):
            return f"{folder} not failed: {out}"
    if "base -> vfio: base/hex.c includes vfio/internal.h" not in out:
        return f"the include is not named: {out}"
    return None


def check_inner_cycle(tmp):
    # vfio/open.o calling back into vfio/type1.o: shown, not failed
    rc, out, _ = run(*variant(
        tmp, "build/lib/vfio/open.o:                 U hg_vfio_open\n"))
    if rc != 0 or not result(out, "vfio").startswith("ok"):
        return f"exit {rc}, vfio: '{result(out, 'vfio')}'"
    if "# inside: call cycle vfio/open.o -> vfio/type1.o -> vfio/open.o" \
            not in out:
        return f"the inner cycle is not shown: {out}"
    return None


def lone_source(tmp, path, want, diag):
    """A source added at @path (under lib/) makes result @want fail,
    naming it in @diag."""
    rc, out, _ = run(*variant(tmp, edit=(path, "int hg_lone;\n")))
    if rc != 1 or want not in out or diag not in out:
        return f"exit {rc}, wanted '{want}' and '{diag}': {out}"
    return None


def check_stray_source(tmp):
    return lone_source(tmp, "stray.c",
                       "not ok 1 lib/: every source sits in a folder",
                       "/lib/stray.c is in no folder")


def check_unbuilt_source(tmp):
    return lone_source(tmp, "vfio/caps.c",
                       "not ok 2 lib/: every source was built",
                       "# vfio/caps.c has no object vfio/caps.o")


def check_unreadable_nm(tmp):
    rc, out, err = run(os.path.join(TREE, "lib"), os.path.join(tmp, "none"))
    if rc != 2 or out or "cannot read" not in err:
        return f"exit {rc}, out '{out.strip()}', err '{err.strip()}'"
    return None


def main():
    checks = [check_acyclic, check_call_cycle, check_include_cycle,
              check_inner_cycle, check_stray_source, check_unbuilt_source,
              check_unreadable_nm]
    print("KTAP version 1")
    print(f"1..{len(checks)}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, check in enumerate(checks, 1):
            why = check(tmp)
            name = "lib_graph_" + check.__name__[len("check_"):]
            print(f"{'not ok' if why else 'ok'} {i} {name}")
            for line in (why or "").splitlines():
                print(f"# {line}")
            failed += why is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
