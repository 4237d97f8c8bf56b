#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/qemu-build, the QEMU patch loop, on a stand-in for QEMU's
source in a scratch cache (a "configure" that writes a build.ninja whose
"qemu-system-x86_64" prints a QEMU version and carries hw/virtio/x.c): the
patch order, a patch list applied in the git work tree (the pristine
source untouched, only the patched file rewritten), a list built before
coming from its cache, a patch that does not apply named with its first
failing hunk and nothing changed; and the kit's red patch
(selftests/qemu_patches/) in git format-patch form with the verdict it
expects. Nothing is downloaded and nothing compiled. KTAP out."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from hgtest_common import REPO, SCRIPTS
import ktap_unittest
from hgtest import repro

QEMU_BUILD = os.path.join(REPO, "scripts", "qemu-build")
PATCHES = os.path.join(REPO, "selftests", "qemu_patches")
VERSION = "1:10.0.99+ds-1"
SOURCE = "int take_ranges = 1;\n" + "".join(f"int line{i};\n" for i in range(20))
CONFIGURE = """#!/bin/sh
src=$(cd "$(dirname "$0")" && pwd)
cat >build.ninja <<EOF
rule mk
  command = (printf '#!/bin/sh\\\\necho "QEMU emulator version 10.0.99"\\\\n'; sed 's/^/# /' \\$in) >\\$out && chmod +x \\$out
build qemu-system-x86_64: mk $src/hw/virtio/x.c
EOF
"""


def patch(old, new, name):
    """A -p1 diff of hw/virtio/x.c (the first line @old -> @new)."""
    return (f"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
            f"Subject: [PATCH] {name}\n\nHostgeom-Expect: 2=reproduced\n---\n"
            "diff --git a/hw/virtio/x.c b/hw/virtio/x.c\n"
            "--- a/hw/virtio/x.c\n+++ b/hw/virtio/x.c\n"
            "@@ -1,4 +1,4 @@\n"
            f"-{old}\n+{new}\n int line0;\n int line1;\n int line2;\n")


@unittest.skipUnless(all(shutil.which(t) for t in ("git", "ninja", "meson", "dpkg-source")),
                     "git, ninja, meson or dpkg-source missing (scripts/setup)")
class QemuBuild(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.cache = os.path.join(self.tmp, "cache")
        self.src = os.path.join(self.cache, "qemu", "src", "10.0.99+ds-1")
        pristine = os.path.join(self.src, "pristine")
        os.makedirs(os.path.join(pristine, "hw", "virtio"))
        with open(os.path.join(pristine, "hw", "virtio", "x.c"), "w") as f:
            f.write(SOURCE)
        with open(os.path.join(pristine, "hw", "other.c"), "w") as f:
            f.write("int other;\n")
        with open(os.path.join(pristine, "configure"), "w") as f:
            f.write(CONFIGURE)
        os.chmod(os.path.join(pristine, "configure"), 0o755)
        with open(os.path.join(self.src, "version"), "w") as f:
            f.write(VERSION + "\n")
        self.files = {}
        for name, old, new in (("good", "int take_ranges = 1;", "int take_ranges = 0;"),
                               ("bad", "int take_ranges = 2;", "int take_ranges = 0;")):
            self.files[name] = os.path.join(self.tmp, f"0001-{name}.patch")
            with open(self.files[name], "w") as f:
                f.write(patch(old, new, name))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_build(self, *args, env=None):
        e = dict(os.environ, HOSTGEOM_CACHE=self.cache, HOSTGEOM_QEMU_JOBS="1")
        e.pop("HOSTGEOM_QEMU_PATCHES", None)
        e.update(env or {})
        p = subprocess.run([QEMU_BUILD, *args], capture_output=True, text=True,
                           check=False, timeout=120, env=e)
        return p.returncode, p.stdout.strip(), p.stderr

    def built(self):
        d = os.path.join(self.cache, "qemu", "built")
        return sorted(x for x in os.listdir(d) if not x.startswith("."))

    def work(self, *path):
        return os.path.join(self.src, "work", *path)

    def test_patch_order(self):
        d = os.path.join(self.tmp, "series")
        os.mkdir(d)
        for n in ("0002-b.patch", "0001-a.patch", "0000-cover-letter.patch", "notes.txt"):
            open(os.path.join(d, n), "w").close()
        rc, out, _ = self.run_build("--qemu-patch", self.files["good"], "patches",
                                    env={"HOSTGEOM_QEMU_PATCHES": d})
        self.assertEqual(rc, 0)
        self.assertEqual([os.path.basename(x) for x in out.split("\n")],
                         ["0001-a.patch", "0002-b.patch", "0001-good.patch"])
        rc, _, err = self.run_build("--qemu-patch", "/nonexistent.patch", "patches")
        self.assertEqual(rc, 2)
        self.assertIn("QEMU patch /nonexistent.patch: no such file or directory", err)

    def test_loop(self):
        rc, plain, err = self.run_build()
        self.assertEqual(rc, 0, err)
        v = subprocess.run([plain, "--version"], capture_output=True, text=True, check=True)
        self.assertEqual(v.stdout, "QEMU emulator version 10.0.99\n")
        other = os.stat(self.work("hw", "other.c")).st_mtime_ns
        rc, patched, err = self.run_build("--qemu-patch", self.files["good"])
        self.assertEqual(rc, 0, err)
        self.assertNotEqual(plain, patched)
        with open(patched.replace("/bin/", "/root/")) as f:
            self.assertIn("# int take_ranges = 0;", f.read())
        with open(os.path.join(self.src, "pristine", "hw", "virtio", "x.c")) as f:
            self.assertEqual(f.read(), SOURCE)
        # only the patched file was rewritten in the work tree
        self.assertEqual(os.stat(self.work("hw", "other.c")).st_mtime_ns, other)
        # a list built before comes from the cache, without ninja
        os.unlink(os.path.join(self.src, "build", "build.ninja"))
        rc, again, err = self.run_build()
        self.assertEqual((rc, again), (0, plain), err)
        rc, path, _ = self.run_build("--qemu-patch", self.files["good"], "path")
        self.assertEqual((rc, path), (0, patched))

    def test_bad_patch_changes_nothing(self):
        rc, _, err = self.run_build("--qemu-patch", self.files["good"])
        self.assertEqual(rc, 0, err)
        head = subprocess.run(["git", "-C", self.work(), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout
        with open(self.work("hw", "virtio", "x.c")) as f:
            text = f.read()
        before = self.built()
        rc, out, err = self.run_build("--qemu-patch", self.files["good"],
                                      "--qemu-patch", self.files["bad"])
        self.assertEqual((rc, out), (2, ""))
        self.assertIn(f"QEMU patch {self.files['bad']} does not apply", err)
        self.assertIn("the hunk at hw/virtio/x.c:1 (@@ -1,4 +1,4 @@)", err)
        self.assertIn("Nothing was changed", err)
        self.assertEqual(subprocess.run(["git", "-C", self.work(), "rev-parse", "HEAD"],
                                        capture_output=True, text=True, check=True).stdout, head)
        with open(self.work("hw", "virtio", "x.c")) as f:
            self.assertEqual(f.read(), text)
        self.assertEqual(self.built(), before)
        rc, _, _ = self.run_build("--qemu-patch", self.files["bad"], "path")
        self.assertEqual(rc, 1)

    def test_bad_arguments(self):
        rc, _, err = self.run_build("--series", "ten")
        self.assertEqual(rc, 2)
        self.assertIn("--series ten: want X.Y", err)
        rc, _, err = self.run_build("frobnicate")
        self.assertEqual(rc, 2)
        self.assertIn("unknown argument 'frobnicate'", err)


class RedPatch(unittest.TestCase):
    """The kit's patch that takes virtio-iommu's host IOVA ranges away."""

    def test_format_and_expectation(self):
        names = sorted(os.listdir(PATCHES))
        self.assertEqual(len(names), 1)
        path = os.path.join(PATCHES, names[0])
        with open(path) as f:
            text = f.read()
        self.assertTrue(text.startswith("From "))
        self.assertIn("\nSubject: [PATCH] virtio-iommu: ", text)
        self.assertIn("+++ b/hw/virtio/virtio-iommu.c", text)
        changed = [x for x in text.split("\n") if x and x[0] in "+-" and x[:3] not in ("+++", "---", "-- ")]
        self.assertEqual(changed, ["-    if (hiodc->get_iova_ranges) {",
                                   "+    if (false && hiodc->get_iova_ranges) {"])
        self.assertEqual(repro.patch_expectations([path]),
                         ({2: "reproduced"}, {2: names[0]}))


if __name__ == "__main__":
    sys.path.insert(0, SCRIPTS)
    ktap_unittest.main()
