#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/granule's judge (scripts/hgtest/granule.py) on evidence
directories written here the way scripts/granule.d/level1 writes them:
each verdict from the evidence that decides it (level 1's QEMU's VFIO map
errors, level 2's virtio-iommu refusing the granule, the carve status),
the order of precedence, a case level 1 never ran, the table, JSON, KTAP
and the exit status; and the script's own refusals (unknown case, not an
evidence directory). KTAP out."""
import json
import os
import subprocess
import tempfile
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest
from hgtest import granule

GRANULE = os.path.join(REPO, "scripts", "granule")
# a real run (QEMU 10.0.2 at both levels, 2026-12-07), console logs left out
RECORDED = os.path.join(TEST_DATA, "granule", "qemu-10.0.2")
MAP_ERROR = ("qemu-system-aarch64: vfio_container_dma_map(0xaaaaf1c2a0d0, 0xfffff000, 0x1000, "
             "0xffff8c1ff000) = -22 (Invalid argument)\n")
PAGE_MASK = "[    9.673748] virtio_iommu virtio0: page mask: 0x20010000\n"
REFUSED = ("[   29.152602] hostgeom_stub 0000:01:00.0: granule 0x10000 larger than system page "
           "size 0x1000\n")
# the same for another device behind virtio-iommu: not the edu's verdict
OTHER_REFUSED = ("[    6.883334] virtio-pci 0000:00:1a.0: granule 0x10000 larger than system page "
                 "size 0x1000\n")
NOTES = ["granule 64k: smallest host IOMMU page size (pgsizes 0x20010000)",
         "warning: the guest needs pages of at least 64k: ..."]


def l1_qemu_json(granule="64k", notes=NOTES):
    """hostgeom -j qemu's answer on level 1, the fields the judge reads."""
    return json.dumps({"schema": 1, "command": "qemu", "machine": "virt",
                       "host": {"pgsizes": "0x20010000"},
                       "virtio_iommu": {"aw_bits": 48, "granule": granule},
                       "notes": notes}) + "\n"


class Judge(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        self.write("l1.status", "rc 0\nseconds 900\n")
        self.write("l1-qemu.json", l1_qemu_json())

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, path, text):
        path = os.path.join(self.out, path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def case(self, name, granule_, qemu_log="", dmesg="", carve_rc=None, error=None):
        with open(os.path.join(self.out, "plan"), "a") as f:
            f.write(f"{name}:/k/Image:/m/hostgeom_test.ko:{granule_}\n")
        self.write(f"{name}/granule", granule_ + "\n")
        self.write(f"{name}/l1-qemu.log", qemu_log)
        self.write(f"{name}/s1.dmesg", dmesg)
        self.write(f"{name}/l2.status", "rc 0\nseconds 312.4\n")
        if carve_rc is not None:
            self.write(f"{name}/s1.carve.rc", f"{carve_rc}\n")
        if error is not None:
            self.write(f"{name}/s1.error", error + "\n")

    def verdict(self, name):
        return granule.judge(self.out, name)

    def test_vfio_map_errors_of_level_1_make_map_errors_and_are_counted(self):
        self.case("4k-guest-4k", "4k", qemu_log="booting\n" + MAP_ERROR * 3, carve_rc=0)
        v = self.verdict("4k-guest-4k")
        self.assertEqual((v["observed"], v["map_errors"], v["as_expected"]),
                         ("map-errors", 3, False))
        self.assertIn("= -22", v["reason"])

    def test_another_devices_refusal_is_not_the_edus(self):
        self.case("4k-guest-4k", "4k", dmesg=OTHER_REFUSED, error="level 2 never saw the edu")
        self.assertEqual(self.verdict("4k-guest-4k")["observed"], "error")

    def test_a_hotplug_refused_for_another_reason_is_an_error(self):
        self.case("4k-guest-4k-hotplug", "4k",
                  error="QMP device_add refused: Bus 'rp1' not found")
        v = self.verdict("4k-guest-4k-hotplug")
        self.assertEqual((v["observed"], v["reason"]),
                         ("error", "QMP device_add refused: Bus 'rp1' not found"))

    def test_a_hotplug_without_reply_is_an_error(self):
        self.case("4k-guest-4k-hotplug", "4k",
                  error="no reply to QMP device_add within 300 s, or level 2's QEMU ended")
        self.assertEqual(self.verdict("4k-guest-4k-hotplug")["observed"], "error")

    def test_a_printed_granule_that_is_not_the_hosts_smallest_page_fails(self):
        self.case("64k-guest-printed", "4k", carve_rc=0)
        self.write("l1-qemu.json", l1_qemu_json(granule="4k"))
        doc = granule.results(self.out)
        self.assertFalse(doc["printed"]["ok"])
        self.assertIn("printed 4k, the host's smallest page is 64k (0x20010000)",
                      doc["printed"]["reason"])
        self.assertEqual(granule.status(doc), 1)
        self.assertIn("not ok 1 granule printed on level 1: 4k", granule.ktap(doc))

    def test_a_64k_granule_without_the_note_on_guest_pages_fails(self):
        self.case("64k-guest-printed", "64k", carve_rc=0)
        self.write("l1-qemu.json", l1_qemu_json(notes=NOTES[:1]))
        doc = granule.results(self.out)
        self.assertIn("without the note", doc["printed"]["reason"])
        self.assertEqual(granule.status(doc), 1)

    def test_a_4k_granule_narrowed_to_the_hosts_64k_and_refused_is_as_expected(self):
        self.case("4k-guest-4k", "4k", dmesg=PAGE_MASK + REFUSED,
                  error="0000:01:00.0 has no IOMMU group even with a driver bound")
        v = self.verdict("4k-guest-4k")
        self.assertEqual((v["observed"], v["l2_page_mask"], v["as_expected"]),
                         ("refused", "0x20010000", True))

    def test_a_refused_hotplug_is_hotplug_refused_with_qemus_words(self):
        self.case("4k-guest-4k-hotplug", "4k",
                  error="QMP device_add refused: virtio-iommu does not support frozen granule 0x1000")
        v = self.verdict("4k-guest-4k-hotplug")
        self.assertEqual((v["observed"], v["as_expected"]), ("hotplug-refused", True))
        self.assertEqual(v["reason"], "virtio-iommu does not support frozen granule 0x1000")

    def test_map_errors_win_over_a_clean_carve(self):
        self.case("64k-guest-printed", "64k", qemu_log=MAP_ERROR, carve_rc=0)
        v = self.verdict("64k-guest-printed")
        self.assertEqual((v["observed"], v["as_expected"]), ("map-errors", False))

    def test_the_guest_refusing_the_granule_is_refused(self):
        self.case("4k-guest-printed", "64k", dmesg="x\n" + REFUSED,
                  error="0000:01:00.0 did not bind to hostgeom_stub")
        v = self.verdict("4k-guest-printed")
        self.assertEqual((v["observed"], v["as_expected"]), ("refused", True))
        self.assertIn("0x10000 larger than system page size 0x1000", v["reason"])

    def test_a_clean_carve_without_map_errors_is_clean(self):
        self.case("64k-guest-printed", "64k", carve_rc=0)
        self.assertEqual(self.verdict("64k-guest-printed")["observed"], "clean")

    def test_a_carve_that_finds_iovas_in_a_region_is_a_violation(self):
        self.case("64k-guest-printed", "64k", carve_rc=1)
        v = self.verdict("64k-guest-printed")
        self.assertEqual((v["observed"], v["as_expected"]), ("violation", False))

    def test_a_case_without_a_result_is_an_error_with_level_2s_reason(self):
        self.case("64k-guest-printed", "64k", error="level 2 never saw a device below root port")
        v = self.verdict("64k-guest-printed")
        self.assertEqual(v["observed"], "error")
        self.assertIn("never saw a device", v["reason"])

    def test_a_case_level_1_never_reached_names_level_1s_error(self):
        with open(os.path.join(self.out, "plan"), "w") as f:
            f.write("4k-guest-4k:/k:/m:4k\n")
        self.write("l1.error", "level 1 has no edu on vfio-pci\n")
        v = self.verdict("4k-guest-4k")
        self.assertEqual(v["observed"], "error")
        self.assertIn("level 1 never ran this case: level 1 has no edu on vfio-pci", v["reason"])

    def test_status_is_0_as_expected_1_differs_2_error(self):
        self.case("4k-guest-4k", "4k", dmesg=REFUSED)
        self.assertEqual(granule.status(granule.results(self.out)), 0)
        self.case("64k-guest-printed", "64k", qemu_log=MAP_ERROR)
        self.assertEqual(granule.status(granule.results(self.out)), 1)
        self.case("4k-guest-printed", "64k")
        self.assertEqual(granule.status(granule.results(self.out)), 2)

    def test_ktap_json_and_table_through_the_script(self):
        self.case("4k-guest-4k", "4k", dmesg=REFUSED)
        self.case("64k-guest-printed", "64k", carve_rc=0)
        r = subprocess.run([GRANULE, "--report", self.out, "--ktap"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1..3\nok 1 granule printed on level 1: 64k\n"
                      "ok 2 granule 4k-guest-4k: refused (expected refused)\n"
                      "ok 3 granule 64k-guest-printed: clean (expected clean)\n", r.stdout)
        r = subprocess.run([GRANULE, "--report", self.out, "--json"], capture_output=True,
                           text=True, timeout=60)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["printed_granule"], "64k")
        self.assertEqual([c["observed"] for c in doc["cases"]], ["refused", "clean"])
        r = subprocess.run([GRANULE, "--report", self.out], capture_output=True, text=True,
                           timeout=60)
        self.assertIn("hostgeom qemu on level 1 printed granule 64k (host page sizes 0x20010000: "
                      "as expected); level 1 ran 900 s", r.stdout)


class Recorded(unittest.TestCase):
    """The real run: each case's verdict and the evidence it rests on."""

    def setUp(self):
        self.doc = granule.results(RECORDED)
        self.by = {c["case"]: c for c in self.doc["cases"]}

    def test_every_case_as_expected_and_the_status_is_0(self):
        self.assertEqual(list(self.by), ["4k-guest-4k", "4k-guest-4k-hotplug",
                                         "4k-guest-printed", "64k-guest-printed"])
        self.assertEqual({n: c["observed"] for n, c in self.by.items()},
                         {"4k-guest-4k": "refused", "4k-guest-4k-hotplug": "hotplug-refused",
                          "4k-guest-printed": "refused", "64k-guest-printed": "clean"})
        self.assertEqual(granule.status(self.doc), 0)

    def test_qemu_narrowed_granule_4k_to_the_hosts_page_sizes(self):
        c = self.by["4k-guest-4k"]
        self.assertEqual((c["granule"], c["l2_page_mask"], c["map_errors"]),
                         ("4k", "0x20010000", 0))

    def test_the_hotplug_refusal_quotes_qemu(self):
        self.assertIn("virtio-iommu does not support frozen granule 0x1000",
                      self.by["4k-guest-4k-hotplug"]["reason"])

    def test_hostgeom_printed_64k_on_the_64k_host_with_its_note(self):
        p = self.doc["printed"]
        self.assertEqual((p["granule"], p["host_pgsizes"], p["warned"], p["ok"]),
                         ("64k", "0x20010000", True, True))
        self.assertEqual(self.by["64k-guest-printed"]["granule"], "64k")


class Script(unittest.TestCase):
    def run_granule(self, *args, cache=None):
        env = dict(os.environ)
        if cache:
            env["HOSTGEOM_CACHE"] = cache
        # seconds: a refusal comes before any build
        return subprocess.run([GRANULE, *args], capture_output=True, text=True, timeout=20,
                              env=env)

    def test_an_unknown_case_is_refused_by_name_before_any_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            cache = os.path.join(tmp, "cache")
            out = os.path.join(tmp, "out")
            r = self.run_granule("--cases", "4k-guest-4k,8k-guest", "-o", out, cache=cache)
            self.assertEqual(os.path.exists(cache), False)  # no kernel looked for
            self.assertEqual(os.path.exists(out), False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown case '8k-guest'", r.stderr)

    def test_an_evidence_directory_in_use_is_refused_before_any_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            cache = os.path.join(tmp, "cache")
            with open(os.path.join(tmp, "earlier"), "w"):
                pass
            r = self.run_granule("-o", tmp, cache=cache)
            self.assertEqual(os.path.exists(cache), False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not empty", r.stderr)

    def test_a_report_of_a_directory_that_is_no_evidence_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            r = self.run_granule("--report", d)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no plan file", r.stderr)

    def test_a_timeout_that_is_no_number_is_refused(self):
        r = self.run_granule("--timeout", "1h")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--timeout 1h: want seconds", r.stderr)


if __name__ == "__main__":
    ktap_unittest.main()
