#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/hgtest/iort.py (scripts/acpi-iort), the IORT RMR maker: on the
IORT and DSDT that QEMU 10.0's virt machine built for the
arm64-smmuv3-acs-off topology (recorded from a guest, in
selftests/test_data/iort/), the RMR node it appends read back field by
field, the DSDT's _DSM function 5, and the errors it names: a requester ID
the SMMU does not translate, an unaligned region, a damaged table, a DSDT
without the PCI _DSM. That the kernel takes the tables needs a guest:
scripts/vm-run --rmr (Documentation/arm64.md)."""
import os
import shutil
import subprocess
import tempfile
import unittest

from hgtest_common import TEST_DATA
import ktap_unittest
from hgtest import iort

DATA = os.path.join(TEST_DATA, "iort")
PREFIX = os.path.join(DATA, "qemu-10.0-virt-smmuv3-acs-off")


def recorded(ext):
    with open(PREFIX + "." + ext, "rb") as f:
        return f.read()


class Iort(unittest.TestCase):
    def test_recorded_table(self):
        t = iort.parse(recorded("IORT"))
        self.assertEqual(t["revision"], 3)
        self.assertEqual([n["type"] for n in t["nodes"]],
                         [iort.NODE_ITS, iort.NODE_SMMUV3, iort.NODE_RC])
        # 01:00.0 (the edu behind rp1): StreamID = RID, the SMMUv3 node
        self.assertEqual(iort.stream_id(t, 0x100), (0x100, 72))
        # QEMU maps the buses behind the SMMU (0 and 1) to it; the rest
        # go to the ITS
        self.assertEqual(iort.stream_id(t, 0x1ff), (0x1ff, 72))
        with self.assertRaisesRegex(iort.TableError, "bypasses the SMMU"):
            iort.stream_id(t, 0x200)

    def test_rmr_appended(self):
        old = recorded("IORT")
        new = iort.add_rmrs(old, [(0x100, 0x3f000000, 0x3f0fffff)])
        t = iort.parse(new)  # length and checksum checked there
        self.assertEqual(t["revision"], iort.RMR_MIN_REVISION)
        self.assertEqual(t["oem_revision"], iort.parse(old)["oem_revision"] + 1)
        self.assertEqual(len(t["nodes"]), 4)
        self.assertEqual(new[:36][:4], b"IORT")
        self.assertEqual(new[48:len(old)], old[48:])  # the old nodes untouched
        rmr = t["nodes"][-1]
        self.assertEqual((rmr["type"], rmr["id"]), (iort.NODE_RMR, 3))
        self.assertEqual(rmr["mappings"], [(0, 0, 0x100, 72, iort.ID_SINGLE_MAPPING)])
        flags, count, descoff = iort.RMR_FIELDS.unpack_from(new, rmr["offset"] + iort.NODE.size)
        self.assertEqual((flags & 1, count), (0, 1))  # direct, not relaxable
        base, length, _ = iort.RMR_DESC.unpack_from(new, rmr["offset"] + descoff)
        self.assertEqual((base, length), (0x3f000000, 0x100000))
        self.assertEqual(rmr["offset"] + rmr["length"], len(new))

    def test_bad_regions_refused(self):
        old = recorded("IORT")
        for start, end, why in ((0x3f001000, 0x3f0fffff, "64 KiB aligned"),
                                (0x3f000000, 0x3f000fff, "64 KiB aligned"),
                                (0x3f100000, 0x3f0fffff, "above END")):
            with self.assertRaisesRegex(iort.TableError, why):
                iort.add_rmrs(old, [(0x100, start, end)])

    def test_damaged_tables_refused(self):
        good = recorded("IORT")
        bad_sum = bytearray(good)
        bad_sum[9] ^= 0xFF
        long_node = bytearray(good)
        long_node[72 + 1] = 0xFF  # the SMMUv3 node's length, past the end
        long_node[9] = iort.checksum(long_node)
        for table, why in ((good[:40], "shorter than its header"),
                           (b"DMAR" + good[4:], "not an IORT"),
                           (good + b"\0", "the file has"),
                           (bytes(bad_sum), "checksum"),
                           (bytes(long_node), "bad length")):
            with self.assertRaisesRegex(iort.TableError, why):
                iort.parse(table)

    def test_rmr_specs(self):
        self.assertEqual(iort.parse_rmr("01:00.0=0x3f000000-0x3f0fffff"),
                         ("0000:01:00.0", 0x3f000000, 0x3f0fffff))
        self.assertEqual(iort.rid_of("0000:01:00.1"), 0x101)
        self.assertEqual(iort.rid_of("0000:00:1a.0"), 0xd0)
        for bad in ("01:00.0", "01:00.0=0x0", "01:00.8=0x0-0xffff", "0x0-0xffff"):
            with self.assertRaisesRegex(iort.TableError, "want BDF=START-END"):
                iort.parse_rmr(bad)

    @unittest.skipUnless(shutil.which("iasl"), "iasl not installed (scripts/setup installs acpica-tools)")
    def test_dsdt_keeps_the_boot_configuration(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(PREFIX + ".DSDT", os.path.join(tmp, "dsdt.dat"))
            subprocess.run(["iasl", "-d", "dsdt.dat"], cwd=tmp, check=True, capture_output=True)
            with open(os.path.join(tmp, "dsdt.dsl")) as f:
                old = f.read()
            new = iort.dsdt_preserve_config(old)
            self.assertIn('"BXPC    ", 0x00000002)', new)
            self.assertRegex(new, r"If \(\(Arg2 == 0x05\)\)\s*\{\s*Return \(Zero\)")
            self.assertRegex(new, r"If \(\(Arg2 == Zero\)\)\s*\{\s*Return \(Buffer \(One\)\s*\{\s*0x21")
            with open(os.path.join(tmp, "new.dsl"), "w") as f:
                f.write(new)
            r = subprocess.run(["iasl", "-p", "DSDT", "new.dsl"], cwd=tmp, capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with self.assertRaisesRegex(iort.TableError, "no PCI _DSM"):
            iort.dsdt_preserve_config(old.replace("e5c937d0", "00000000"))
        with self.assertRaisesRegex(iort.TableError, "no DefinitionBlock"):
            iort.dsdt_preserve_config("/* empty */\n")

    def test_command_refuses_bad_input(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "acpi.cpio")
            for args, why in ((["--rmr", "01:00.0=0x1000-0x1fff"], "64 KiB aligned"),
                              ([], "no --rmr given")):
                r = subprocess.run([os.path.join(iort.__file__.rsplit("/", 2)[0], "acpi-iort"),
                                    "--topology", "arm64-smmuv3-acs-off", "-o", out] + args,
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 2)
                self.assertIn(why, r.stderr)
                self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    ktap_unittest.main()
