#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/guest-kernel fragment: the configuration fragment each kit
kernel is built from, as olddefconfig will verify it line by line: the
arm64 one without x86's options and with 4 KiB pages, the 64 KiB one
without the 4 KiB page size (a line olddefconfig could not keep), each
with one release name of its own. No source tree and no build needed; a
scratch cache. KTAP out."""
import os
import subprocess
import tempfile
import unittest

from hgtest_common import SCRIPTS
import ktap_unittest

GUEST_KERNEL = os.path.join(SCRIPTS, "guest-kernel")


class Fragment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def lines(self, kernel):
        env = dict(os.environ, HOSTGEOM_CACHE=self.tmp.name)
        env.pop("HOSTGEOM_KCONFIG", None)
        r = subprocess.run([GUEST_KERNEL, "fragment", kernel], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(r.stdout.strip()) as f:
            return [line.rstrip("\n") for line in f]

    def releases(self, lines):
        return [line for line in lines if line.startswith("CONFIG_LOCALVERSION=")]

    def test_the_64k_kernel_drops_the_4k_page_size_and_keeps_48_bit_va(self):
        f = self.lines("kit-arm64-64k")
        self.assertIn("CONFIG_ARM64_64K_PAGES=y", f)
        self.assertIn("# CONFIG_ARM64_4K_PAGES is not set", f)
        self.assertNotIn("CONFIG_ARM64_4K_PAGES=y", f)
        self.assertIn("CONFIG_ARM64_VA_BITS_48=y", f)
        self.assertEqual(self.releases(f), ['CONFIG_LOCALVERSION="-hostgeom-arm64-64k"'])

    def test_the_arm64_kernel_has_4k_pages_and_no_x86_option(self):
        f = self.lines("kit-arm64")
        self.assertIn("CONFIG_ARM64_4K_PAGES=y", f)
        self.assertNotIn("CONFIG_ARM64_64K_PAGES=y", f)
        self.assertNotIn("CONFIG_INTEL_IOMMU=y", f)
        self.assertEqual(self.releases(f), ['CONFIG_LOCALVERSION="-hostgeom-arm64"'])

    def test_the_x86_kernel_keeps_its_own_options(self):
        f = self.lines("kit")
        self.assertIn("CONFIG_INTEL_IOMMU=y", f)
        self.assertNotIn("CONFIG_ARM64_4K_PAGES=y", f)

    def test_a_debian_kernel_has_no_fragment(self):
        r = subprocess.run([GUEST_KERNEL, "fragment", "debian-6.12"], capture_output=True,
                           text=True, timeout=60,
                           env=dict(os.environ, HOSTGEOM_CACHE=self.tmp.name))
        self.assertEqual(r.returncode, 2)
        self.assertIn("only the kit's kernels have one", r.stderr)


if __name__ == "__main__":
    ktap_unittest.main()
