#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/repro-report (scripts/hgtest/repro.py), the reproducer's
verdicts, on recorded evidence directories (selftests/test_data/repro/: a
real run of the kit's kernel, whole and cut off before scenario 3; two
real runs of scripts/repro.d/faults; hostile files; a +fix run that ended
early): the table, the JSON and the KTAP, byte for byte as
the bash and jq version printed them (recorded in expected/ before it was
replaced; record again, only with that version:
hgtest_repro_test.py --record scripts/OLD-REPRO), results.json, the exit
status; and JSON that stays valid where
that version's printf wrote it unescaped (a directory named with quotes,
backslashes, a newline and bytes that are no UTF-8; a stage time that is
no number)."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest
from hgtest import repro

DATA = os.path.join(TEST_DATA, "repro")
REPORT = os.path.join(REPO, "scripts", "repro-report")
REPRO = os.path.join(REPO, "scripts", "repro")
# a case: its evidence directory, and the files taken out of a copy
CASES = {
    "kit-full": ("kit-full", ()),
    # level 1 cut off before scenario 3 and the hostgeom boot
    "kit-partial": ("kit-full", ("s3.*", "l2-hostgeom.times")),
    "fault-l2-boot": ("fault-l2-boot", ()),
    "fault-no-vfio": ("fault-no-vfio", ()),
    "hostile": ("hostile", ()),
    "fixed-missing": ("fixed-missing", ()),
}
# the bash version printed the evidence directory it was given
RECORDED_DIR = "/tmp/hg-repro-case"


def expected(case, fmt, what):
    with open(os.path.join(DATA, "expected", f"{case}.{fmt}.{what}"), "rb") as f:
        return f.read()


def copy_case(case, tmp, name="case"):
    base, drop = CASES[case]
    d = os.path.join(os.fsencode(tmp), os.fsencode(name))
    shutil.copytree(os.path.join(DATA, base).encode(), d)
    for pattern in drop:
        for f in glob.glob(os.path.join(glob.escape(os.fsdecode(d)), pattern)):
            os.unlink(f)
    return d


FORMATS = {"text": [], "json": ["--json"], "ktap": ["--ktap"]}


def record(old):
    """The outputs of the bash version @old (a copy of scripts/repro in
    scripts/) on every case, into expected/."""
    os.makedirs(os.path.join(DATA, "expected"), exist_ok=True)
    for case in CASES:
        for fmt, flags in FORMATS.items():
            shutil.rmtree(RECORDED_DIR, ignore_errors=True)
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copytree(os.fsdecode(copy_case(case, tmp)), RECORDED_DIR)
            p = subprocess.run([old, "--report", RECORDED_DIR, *flags], capture_output=True, check=False)
            err = p.stderr.replace(os.path.basename(old).encode() + b": ", b"repro: ")
            base = os.path.join(DATA, "expected", f"{case}.{fmt}.")
            for what, data in (("stdout", p.stdout), ("stderr", err),
                               ("status", f"{p.returncode}\n".encode())):
                with open(base + what, "wb") as f:
                    f.write(data)
            shutil.copy(os.path.join(RECORDED_DIR, "results.json"), base + "results.json")
    shutil.rmtree(RECORDED_DIR, ignore_errors=True)


class Recorded(unittest.TestCase):
    def check(self, case, fmt, argv):
        with tempfile.TemporaryDirectory() as tmp:
            d = copy_case(case, tmp)
            p = subprocess.run([*argv(d), *(["--format", fmt] if argv is report else FORMATS[fmt])],
                               capture_output=True, check=False)
            with open(os.path.join(d, b"results.json"), "rb") as f:
                results = f.read()
            here = os.fsdecode(d).encode()

        def norm(b):
            return b.replace(here, RECORDED_DIR.encode())
        self.assertEqual(norm(p.stdout), expected(case, fmt, "stdout"))
        self.assertEqual(norm(p.stderr), expected(case, fmt, "stderr"))
        self.assertEqual(p.returncode, int(expected(case, fmt, "status")))
        self.assertEqual(norm(results), expected(case, fmt, "results.json"))
        json.loads(results)

    def test_repro_report(self):
        for case in CASES:
            for fmt in ("text", "json", "ktap"):
                with self.subTest(case=case, fmt=fmt):
                    self.check(case, fmt, report)

    def test_repro_report_through_scripts_repro(self):
        for case in CASES:
            for fmt in ("text", "json", "ktap"):
                with self.subTest(case=case, fmt=fmt):
                    self.check(case, fmt, lambda d: [REPRO, "--report", d])


def report(d):
    return [REPORT, "--out", d]


class Escaping(unittest.TestCase):
    def test_hostile_directory_name_gives_valid_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            name = b'ev "quoted" \\back\\slash\nnewline \xff\xfe'
            d = copy_case("hostile", tmp, name)
            # a stage time that is no number
            with open(os.path.join(d, b"l1.times"), "ab") as f:
                f.write(b'wall 12s"\n')
            p = subprocess.run([REPORT, "--out", d, "--format", "json"], capture_output=True,
                               check=False)
            self.assertEqual(p.returncode, 2)
            doc = json.loads(p.stdout.decode("utf-8"))
            with open(os.path.join(d, b"results.json"), encoding="utf-8") as f:
                self.assertEqual(json.load(f), doc)
        shown = os.fsdecode(os.path.join(os.fsencode(tmp), name)).encode("utf-8", "surrogateescape") \
            .decode("utf-8", "replace")
        self.assertEqual(doc["out"], shown)
        self.assertIn('"quoted" \\back\\slash\nnewline \ufffd\ufffd', doc["out"])
        self.assertEqual(doc["stages"]["wall"], '12s"')
        s1 = doc["scenarios"][0]
        self.assertEqual(s1["reason"], 'QMP said "no" \\ to C:\\path')
        self.assertEqual(s1["virtio_iommu"], 'x\tab\x7f "q" \\ \ufffd(')
        self.assertIn(shown + "/s2.stub-bind.txt", doc["scenarios"][1]["reason"])

    def test_reason_with_newline_and_bytes(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = copy_case("fixed-missing", tmp)
            with open(os.path.join(d, b"s1.error"), "wb") as f:
                f.write(b'level 2 said "\\x" \xc3\x28\r\nmore\n')
            doc, text = repro.results(os.fsdecode(d), [1, 2], "kit+fix")
        self.assertEqual(json.loads(text)["scenarios"][0]["reason"], 'level 2 said "\\x" \ufffd(\r')
        self.assertEqual(doc["scenarios"][0]["observed"], "error")
        self.assertEqual(repro.status(doc), 2)


class Judging(unittest.TestCase):
    def test_real_run(self):
        doc, _ = repro.results(os.path.join(DATA, "kit-full"), [1, 2, 3, 4], "kit")
        got = [(s["scenario"], s["observed"], s["as_expected"]) for s in doc["scenarios"]]
        self.assertEqual(got, [(1, "reproduced", True), (2, "clean", True), (3, "clean", True),
                               (4, "reproduced", True)])
        with tempfile.TemporaryDirectory() as tmp:
            doc, _ = repro.results(os.fsdecode(copy_case("kit-partial", tmp)), [1, 2, 3, 4], "kit")
        self.assertEqual(doc["scenarios"][2]["observed"], "error")
        self.assertIn("level 1 ended early", doc["scenarios"][2]["reason"])
        self.assertEqual(doc["scenarios"][0]["group"],
                         "group 0: 0000:00:02.0 0000:03:00.0; first to join: 0000:00:02.0")

    def test_fix_kernel_expects_clean(self):
        self.assertEqual(set(repro.expected_for("kit-7.3+fix")[0].values()), {"clean"})
        self.assertEqual(repro.expected_for("kit")[0][1], "reproduced")

    def test_expected_per_level1_qemu(self):
        for kernel, version, want, because in (
                ("kit", None, "RCCR", ""), ("kit", "10.0.2", "RCCR", ""),
                ("kit", "9.1.0", "RCCR", ""),
                ("kit", "9.0.2", "RRCR", "2"), ("kit", "7.2.22", "RRCR", "23"),
                ("kit+fix", "10.0.2", "CCCC", ""), ("kit+fix", "9.0.0", "RRCC", "12"),
                ("kit+fix", "7.2.22", "RRCR", "1234")):
            with self.subTest(kernel=kernel, version=version):
                exp, why = repro.expected_for(kernel, version)
                self.assertEqual("".join(exp[n][0].upper() for n in (1, 2, 3, 4)), want)
                self.assertEqual("".join(str(n) for n in sorted(why)), because)
        _, why = repro.expected_for("kit", "7.2.22")
        self.assertIn("conveys no host IOVA range at all", why[2])
        self.assertIn("before the guest's probe", repro.expected_for("kit", "9.0.0")[1][2])
        self.assertIn("intel-iommu aw-bits=39", why[3])

    def test_patch_expectations(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "0001-a.patch"), os.path.join(tmp, "0002-b.patch")
            with open(a, "w") as f:
                f.write("Subject: a\n\nHostgeom-Expect: 2=reproduced 3=clean 5=clean 1=maybe\n"
                        "---\ndiff --git a/x b/x\n+Hostgeom-Expect: 4=clean\n")
            with open(b, "w") as f:
                f.write("Subject: b\n\nHostgeom-Expect: 2=clean\n")
            self.assertEqual(repro.patch_expectations([a]),
                             ({2: "reproduced", 3: "clean"}, {2: "0001-a.patch", 3: "0001-a.patch"}))
            self.assertEqual(repro.patch_expectations([a, b])[0], {2: "clean", 3: "clean"})

    def test_qemu72_hot_plug_judged_by_map_errors(self):
        """QEMU 7.2 as level 1 (a real run of scenarios 1 and 2): the guest
        is told no host range, so the carve check finds no region hit, and
        level-1 QEMU's failed maps are what says reproduced."""
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, "case")
            shutil.copytree(os.path.join(DATA, "qemu72-hot"), d)
            doc, _ = repro.results(d, [1, 2], "kit")
            got = [(s["scenario"], s["expected"], s["observed"]) for s in doc["scenarios"]]
            self.assertEqual(got, [(1, "reproduced", "reproduced"), (2, "reproduced", "reproduced")])
            self.assertEqual(repro.status(doc), 0)
            self.assertEqual(doc["qemu"]["level1_version"], "7.2.22")
            self.assertIn("no host IOVA range at all", doc["scenarios"][1]["expected_because"])
            self.assertIn("VFIO_MAP_DMA failed", doc["scenarios"][1]["violations"][0])
            # without the map errors the same walk is clean: not as expected
            with open(os.path.join(d, "s2.times"), "w") as f:
                f.write("plug 18.4\ncheck 30.9\nvfio_map_errors 0\n")
            doc, _ = repro.results(d, [1, 2], "kit")
            self.assertEqual(doc["scenarios"][1]["observed"], "clean")
            self.assertEqual(repro.status(doc), 1)

    def test_qemu_matrix(self):
        """The matrix of a real scripts/repro --qemu-matrix run: on 7.2 the
        boot of 1, 2 and 4 was never ready (errors), 3 ran intel-iommu."""
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, "m")
            shutil.copytree(os.path.join(DATA, "qemu-matrix"), d)
            p = subprocess.run([REPORT, "--matrix", d], capture_output=True, text=True, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            lines = p.stdout.split("\n")
            self.assertRegex(lines[2], r"^1 +shared group, aw-bits=64, hot-plug +reproduced / error "
                                       r"<-- NOT AS EXPECTED +reproduced / reproduced$")
            self.assertRegex(lines[3], r"^2 .* reproduced / error <-- NOT AS EXPECTED +clean / clean$")
            self.assertIn("scenario 3 on QEMU 7.2: clean, because QEMU before 9.0 has no virtio-iommu "
                          "aw-bits", p.stdout)
            with open(os.path.join(d, "matrix.json"), encoding="utf-8") as f:
                m = json.load(f)
            p = subprocess.run([REPORT, "--matrix", d, "--format", "json"], capture_output=True,
                               text=True, check=False)
            self.assertEqual(json.loads(p.stdout), m)
            self.assertEqual(p.stderr.split("\n")[0], "expected / observed")
        self.assertEqual([r["qemu"] for r in m["runs"]], ["7.2", "10.0"])
        self.assertEqual([r["version"] for r in m["runs"]], ["7.2.22", "10.0.2"])
        self.assertEqual([r["status"] for r in m["runs"]], [2, 0])
        cells = {r["scenario"]: r["qemu"] for r in m["scenarios"]}
        self.assertEqual(cells[3]["7.2"]["observed"], "clean")
        self.assertEqual(cells[2]["7.2"]["expected"], "reproduced")
        self.assertEqual([cells[n]["10.0"]["observed"] for n in (1, 2, 3, 4)],
                         ["reproduced", "clean", "clean", "reproduced"])
        self.assertIsNone(cells[2]["10.0"]["expected_because"])
        p = subprocess.run([REPORT, "--matrix", DATA], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("holds no QEMU matrix", p.stderr)

    @unittest.skipUnless(os.access(os.path.join(REPO, "build", "hostgeom"), os.X_OK),
                         "build/hostgeom missing (make)")
    def test_qemu_refused_before_anything(self):
        """A level's QEMU that is not QEMU, or a version the kit does not
        know, is refused before any boot, and no evidence directory is
        made."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "ev")
            for args, env, msg in (
                    (["--qemu-l1", "/bin/true"], {},
                     "--qemu-l1 (level 1): '/bin/true' is not QEMU"),
                    (["--qemu", "/bin/true"], {}, "--qemu (level 0): '/bin/true' is not QEMU"),
                    (["--qemu-l1", "9.2"], {}, "no QEMU 9.2 known to the kit (7.2, 10.0)"),
                    (["--qemu-l1", "/no/such/qemu"], {}, "/no/such/qemu: no such QEMU binary"),
                    (["--qemu-matrix"], {"REPRO_QEMU_MATRIX": "7.2 9.2"},
                     "REPRO_QEMU_MATRIX: '9.2'")):
                with self.subTest(args=args):
                    p = subprocess.run([REPRO, *args, "-o", out], capture_output=True, text=True,
                                       check=False, env=dict(os.environ, **env), cwd=REPO)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn(msg, p.stderr)
                    self.assertFalse(os.path.exists(out))

    def test_usage(self):
        p = subprocess.run([REPORT, "--out", "/no/such/dir"], capture_output=True, check=False)
        self.assertEqual(p.returncode, 2)
        p = subprocess.run([REPORT, "--out", DATA, "--scenarios", "5"], capture_output=True,
                           check=False)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__" and sys.argv[1:2] == ["--record"]:
    record(os.path.abspath(sys.argv[2]))
    sys.exit(0)
if __name__ == "__main__":
    ktap_unittest.main()
