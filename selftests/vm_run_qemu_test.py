#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/vm-run --qemu BINARY (the QEMU for the host level), without
booting: what is not QEMU is refused naming it, an arm64 guest with an
x86 IOMMU or kernel (and the reverse) is refused, and a QEMU before 9.0
(Debian 12's 7.2 from scripts/qemu-version, when it is in the cache) is
refused virtio-iommu aw-bits or granule, which it does not have. KTAP
out."""
import os
import subprocess
import unittest

from hgtest_common import REPO
import ktap_unittest

VM_RUN = os.path.join(REPO, "scripts", "vm-run")
CACHE = os.environ.get("HOSTGEOM_CACHE", "/var/cache/hostgeom")
QEMU72 = os.path.join(CACHE, "qemu", "7.2", "bin", "qemu-system-x86_64")


def vm_run(*args):
    p = subprocess.run([VM_RUN, *args], cwd=REPO, capture_output=True,
                       text=True, check=False, timeout=60)
    return p.returncode, p.stderr


class VmRunQemu(unittest.TestCase):
    def test_not_qemu_refused(self):
        rc, err = vm_run("--qemu", "/bin/true", "--", "true")
        self.assertEqual(rc, 2)
        self.assertIn("'/bin/true' is not QEMU", err)

    def test_missing_refused(self):
        rc, err = vm_run("--qemu", "/nonexistent/qemu-system-x86_64", "--", "true")
        self.assertEqual(rc, 2)
        self.assertIn("/nonexistent/qemu-system-x86_64 not found", err)

    def test_arm64_bad_combinations_refused(self):
        """An arm64 guest takes no x86 IOMMU, kernel or VT-d table; an
        x86 guest no SMMUv3; an unknown architecture is named."""
        for args, want in (
                (("--arch", "arm64", "--iommu", "intel"), "--iommu intel is an x86 IOMMU"),
                (("--arch", "arm64", "--iommu", "amd"), "--iommu amd is an x86 IOMMU"),
                (("--arch", "arm64", "--kernel", "kit"), "kernel 'kit' is not an arm64 kernel"),
                (("--arch", "x86_64", "--iommu", "smmuv3"), "--iommu smmuv3 is the arm64 virt machine's IOMMU"),
                (("--kernel", "debian-6.12-arm64", "--arch", "x86_64"), "is an arm64 kernel: add --arch arm64"),
                (("--arch", "arm64", "--rmrr", "0000:01:00.0=0x1000-0x1fff"), "--rmrr is a VT-d table entry"),
                (("--arch", "riscv64",), "--arch riscv64: want arm64"),
                (("--arch", "arm64", "--iommu", "smmuv3:x=1"), "--iommu smmuv3 takes no options"),
                (("--arch", "arm64", "--firmware", "seabios"), "an arm64 guest boots with none (devicetree) or uefi"),
                (("--firmware", "uefi"), "--firmware uefi is for arm64 guests")):
            rc, err = vm_run(*args, "--", "true")
            self.assertEqual(rc, 2, args)
            self.assertIn(want, err, args)

    @unittest.skipUnless(os.access(QEMU72, os.X_OK),
                         f"QEMU 7.2 is not in the cache ({QEMU72}; scripts/qemu-version fetch 7.2)")
    def test_qemu72_has_no_virtio_aw_bits(self):
        rc, err = vm_run("--qemu", QEMU72, "--iommu", "virtio:aw-bits=39", "--", "true")
        self.assertEqual(rc, 2)
        self.assertIn("is QEMU 7.2.", err)
        self.assertIn("has no aw-bits or granule (QEMU 9.0 on)", err)


if __name__ == "__main__":
    ktap_unittest.main()
