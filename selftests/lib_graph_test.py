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
import unittest

import ktap_unittest

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


class LibGraph(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def graph(self, nm_extra="", edit=None, want_rc=0):
        rc, out, err = run(*variant(self.tmp, nm_extra, edit))
        self.assertEqual(rc, want_rc, out + err)
        return out

    def test_acyclic(self):
        out = self.graph()
        self.assertNotIn("not ok", out)
        self.assertEqual(out.count("\nok "), 5, out)
        self.assertIn("# order (each folder uses only those before it): "
                      "base, sysfs, vfio", out)
        self.assertIn("ok 5 lib/vfio: on no cycle between folders\n"
                      "# uses sysfs\n", out)

    def test_call_cycle(self):
        # sysfs/io.o calling vfio's hg_vfio_open: sysfs -> vfio -> sysfs
        out = self.graph("build/lib/sysfs/io.o:                 "
                         "U hg_vfio_open\n", want_rc=1)
        self.assertTrue(result(out, "sysfs").startswith("not ok"), out)
        self.assertTrue(result(out, "vfio").startswith("not ok"), out)
        self.assertTrue(result(out, "base").startswith("ok"), out)
        for want in ("# cycle: sysfs -> vfio -> sysfs",
                     "sysfs -> vfio: sysfs/io.o calls hg_vfio_open "
                     "(vfio/type1.o)",
                     "vfio -> sysfs: vfio/type1.c includes sysfs/internal.h"):
            self.assertIn(want, out)

    def test_include_cycle(self):
        # base including vfio's private header: base -> vfio -> sysfs -> base
        out = self.graph(edit=("base/hex.c", '#include "vfio/internal.h"\n'),
                         want_rc=1)
        for folder in ("base", "sysfs", "vfio"):
            self.assertTrue(result(out, folder).startswith("not ok"), out)
        self.assertIn("base -> vfio: base/hex.c includes vfio/internal.h", out)

    def test_inner_cycle_is_shown_not_failed(self):
        # vfio/open.o calling back into vfio/type1.o
        out = self.graph("build/lib/vfio/open.o:                 "
                         "U hg_vfio_open\n")
        self.assertTrue(result(out, "vfio").startswith("ok"), out)
        self.assertIn("# inside: call cycle vfio/open.o -> vfio/type1.o -> "
                      "vfio/open.o", out)

    def test_stray_source(self):
        out = self.graph(edit=("stray.c", "int hg_lone;\n"), want_rc=1)
        self.assertIn("not ok 1 lib/: every source sits in a folder", out)
        self.assertIn("/lib/stray.c is in no folder", out)

    def test_unbuilt_source(self):
        out = self.graph(edit=("vfio/caps.c", "int hg_lone;\n"), want_rc=1)
        self.assertIn("not ok 2 lib/: every source was built", out)
        self.assertIn("# vfio/caps.c has no object vfio/caps.o", out)

    def test_unreadable_nm(self):
        rc, out, err = run(os.path.join(TREE, "lib"),
                           os.path.join(self.tmp, "none"))
        self.assertEqual((rc, out), (2, ""), err)
        self.assertIn("cannot read", err)


if __name__ == "__main__":
    ktap_unittest.main()
