#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/arm64-l1root, the arm64 root with Debian's arm64 QEMU for a
level-1 arm64 guest, without the network: apt-get is a stand-in that
answers from recorded output (selftests/test_data/arm64-l1root/: what
apt resolved for qemu-system-arm 10.0.2 and ipxe-qemu on arm64) and
builds tiny .deb files with dpkg-deb. The resolved list and its key (the
same for any order, another for another version or another script), a
build (merged /usr, no documentation, no setuid bit, renamed into
place) found again as "cached", the errors it names (no arm64 lists, no
bookworm-backports, a version apt does not know, no network, a missing
tool, the usage) with nothing left in the cache after a failed or a
killed build. With the host's arm64 lists, --list is run against real
apt too (offline). That QEMU runs from the root needs an arm64 guest:
Documentation/arm64.md. KTAP out."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from hgtest_common import REPO, TEST_DATA
import ktap_unittest

SCRIPT = os.path.join(REPO, "scripts", "arm64-l1root")
DATA = os.path.join(TEST_DATA, "arm64-l1root")
SIM = os.path.join(DATA, "qemu-10.0.2.apt-get-install-s")
PACKAGES = os.path.join(DATA, "qemu-10.0.2.packages")
TARGETS = ("http://mirror.invalid/debian/ bookworm main\n"
           "http://mirror.invalid/debian/ bookworm-backports main\n"
           "http://mirror.invalid/debian/ bookworm-updates main\n"
           "http://mirror.invalid/debian-security/ bookworm-security main\n")

# apt-get's stand-in: indextargets and install -s from $FAKE's files; a
# download makes one .deb a NAME=VERSION (usr/bin/qemu-system-aarch64
# for qemu-system-arm, a file under /lib for libc6, documentation and a
# setuid file for each) unless $FAKE/download_error says why it fails.
FAKE_APT = r"""#!/bin/bash
set -e
case " $* " in
*" indextargets "*) cat "$FAKE/targets" ;;
*" install "*) cat "$FAKE/sim"; exit "$(cat "$FAKE/sim_rc" 2>/dev/null || echo 0)" ;;
*" download "*)
	: >"$FAKE/downloading"
	[[ ! -f $FAKE/sleep ]] || sleep "$(cat "$FAKE/sleep")"
	if [[ -f $FAKE/download_error ]]; then cat "$FAKE/download_error"; exit 100; fi
	while [[ $1 != download ]]; do shift; done
	shift
	for a; do
		[[ $a != -* ]] || continue
		n=${a%%=*} v=${a#*=} d=$FAKE/pkg/$n
		mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$n" "$d/usr/lib/$n"
		printf 'Package: %s\nVersion: %s\nArchitecture: arm64\nMaintainer: t <t@t>\nDescription: t\n' "$n" "$v" >"$d/DEBIAN/control"
		echo copyright >"$d/usr/share/doc/$n/copyright"
		echo helper >"$d/usr/lib/$n/helper" && chmod 4755 "$d/usr/lib/$n/helper"
		case $n in
		qemu-system-arm)
			mkdir -p "$d/usr/bin"
			printf '#!/bin/sh\necho QEMU\n' >"$d/usr/bin/qemu-system-aarch64"
			cp "$d/usr/bin/qemu-system-aarch64" "$d/usr/bin/qemu-system-arm"
			chmod 755 "$d/usr/bin/"* ;;
		libc6) mkdir -p "$d/lib" && echo loader >"$d/lib/ld-linux-aarch64.so.1" ;;
		esac
		dpkg-deb --root-owner-group -b "$d" "${n}_${v#*:}_arm64.deb" >/dev/null
	done ;;
*) exec /usr/bin/apt-get "$@" ;;
esac
"""


def host_has_arm64_lists():
    try:
        p = subprocess.run(["apt-get", "indextargets", "--format", "$(CODENAME)",
                            "Identifier: Packages", "Architecture: arm64"],
                           capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return False
    return "bookworm-backports" in p.stdout.split()


class Arm64L1Root(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.fake = os.path.join(self.tmp, "fake")
        self.bin = os.path.join(self.tmp, "bin")
        self.cache = os.path.join(self.tmp, "cache")
        os.makedirs(self.fake)
        os.makedirs(self.bin)
        self.write("bin/apt-get", FAKE_APT, 0o755)
        self.write("fake/targets", TARGETS)
        shutil.copy(SIM, os.path.join(self.fake, "sim"))
        with open(PACKAGES) as f:
            self.packages = f.read()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, rel, text, mode=0o644):
        path = os.path.join(self.tmp, rel)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def env(self, path=None):
        return dict(os.environ, HOSTGEOM_CACHE=self.cache, FAKE=self.fake,
                    TMPDIR=self.tmp, PATH=path or f"{self.bin}:{os.environ['PATH']}")

    def run_script(self, *args, script=SCRIPT, stdin=None, path=None):
        p = subprocess.run([script, *args], input=stdin, capture_output=True, text=True,
                           env=self.env(path), check=False, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def key_of(self, text, script=SCRIPT):
        rc, out, err = self.run_script("--key-of", "-", script=script, stdin=text)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^[0-9a-f]{16}\n$")
        return out.strip()

    def cache_entries(self):
        base = os.path.join(self.cache, "arm64-l1root")
        return sorted(os.listdir(base)) if os.path.isdir(base) else []

    def small_sim(self):
        """Three packages: a build from them takes a fraction of a second."""
        self.write("fake/sim", "Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [arm64])\n"
                   "Inst qemu-system-data (1:10.0.2+ds-2+deb13u1~bpo12+1 Debian Backports [all])\n"
                   "Inst qemu-system-arm (1:10.0.2+ds-2+deb13u1~bpo12+1 Debian Backports [arm64])\n"
                   "Conf libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [arm64])\n")

    def test_usage(self):
        rc, out, _ = self.run_script("--help")
        self.assertEqual(rc, 0)
        for want in ("Usage: scripts/arm64-l1root", "--list", "--key-of FILE",
                     "--exec ROOT", "arm64-l1root/KEY"):
            self.assertIn(want, out)
        for args, want in ((("--bogus",), "unknown argument '--bogus'"),
                           (("--list", "x"), "--list takes no argument"),
                           (("--key-of",), "--key-of needs one FILE"),
                           (("--key-of", "/nonexistent/list"), "--key-of /nonexistent/list: no such file"),
                           (("--exec",), "--exec needs ROOT and a COMMAND"),
                           (("--exec", self.tmp, "--", "true"), "not a root of this script")):
            rc, _, err = self.run_script(*args)
            self.assertEqual(rc, 2, args)
            self.assertIn(want, err, args)

    @unittest.skipIf(os.uname().machine == "aarch64" or os.path.exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"),
                     "this machine runs arm64 programs")
    def test_exec_wants_arm64(self):
        root = os.path.join(self.tmp, "root")
        os.makedirs(os.path.join(root, "usr", "bin"))
        self.write("root/usr/bin/qemu-system-aarch64", "", 0o755)
        rc, _, err = self.run_script("--exec", root, "qemu-system-aarch64", "--version")
        self.assertEqual(rc, 2)
        self.assertIn("--exec runs arm64 programs: in an arm64 guest", err)

    def test_list_from_recorded_resolution(self):
        rc, out, err = self.run_script("--list")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual("\n".join(lines[:-1]) + "\n", self.packages)
        self.assertEqual(len(lines) - 1, 84)
        self.assertIn("qemu-system-arm=1:10.0.2+ds-2+deb13u1~bpo12+1", lines)
        self.assertIn("ipxe-qemu=1.0.0+git-20190125.36a4c85-5.1", lines)
        self.assertEqual(lines[-1], "key " + self.key_of(self.packages))
        self.assertEqual(self.cache_entries(), [])  # --list builds nothing

    def test_key(self):
        key = self.key_of(self.packages)
        lines = self.packages.splitlines()
        self.assertEqual(self.key_of("\n".join(reversed(lines)) + "\n\n" + lines[0] + "\n"), key)
        bumped = self.packages.replace("libc6=2.36-9+deb12u14", "libc6=2.36-9+deb12u15")
        self.assertNotEqual(bumped, self.packages)
        self.assertNotEqual(self.key_of(bumped), key)
        for bad in ("qemu-system-arm\n", "qemu-system-arm=1.0 extra\n", ""):
            rc, _, err = self.run_script("--key-of", "-", stdin=bad)
            self.assertEqual(rc, 2, bad)
            self.assertRegex(err, "not a NAME=VERSION line|empty package list")

    def test_key_follows_the_script(self):
        copy = os.path.join(self.tmp, "scripts")
        os.makedirs(copy)
        for f in ("arm64-l1root", "lib.sh"):
            shutil.copy2(os.path.join(REPO, "scripts", f), copy)
        same = os.path.join(copy, "arm64-l1root")
        self.assertEqual(self.key_of(self.packages, same), self.key_of(self.packages))
        with open(same, "a") as f:
            f.write("# changed\n")
        self.assertNotEqual(self.key_of(self.packages, same), self.key_of(self.packages))

    def test_build_then_cached(self):
        self.small_sim()
        rc, out, err = self.run_script()
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"built in \d+ s \(\d+ MiB, 3 packages\)")
        root = out.strip()
        self.assertEqual(os.path.dirname(root), os.path.join(self.cache, "arm64-l1root"))
        with open(os.path.join(root, ".hostgeom-packages")) as f:
            listed = f.read()
        self.assertEqual(os.path.basename(root), self.key_of(listed))
        self.assertTrue(os.access(os.path.join(root, "usr/bin/qemu-system-aarch64"), os.X_OK))
        self.assertFalse(os.path.lexists(os.path.join(root, "usr/bin/qemu-system-arm")))
        self.assertFalse(os.path.exists(os.path.join(root, "usr/share/doc")))
        for d in ("bin", "lib", "sbin"):
            self.assertEqual(os.readlink(os.path.join(root, d)), "usr/" + d)
        self.assertTrue(os.path.isfile(os.path.join(root, "usr/lib/ld-linux-aarch64.so.1")))
        for d in ("dev", "proc", "sys", "tmp", "host"):
            self.assertTrue(os.path.isdir(os.path.join(root, d)), d)
        mode = os.stat(os.path.join(root, "usr/lib/qemu-system-arm/helper")).st_mode
        self.assertEqual(mode & 0o6000, 0)
        self.assertEqual(self.cache_entries(), [os.path.basename(root)])
        os.unlink(os.path.join(self.fake, "downloading"))
        rc, out2, err = self.run_script()
        self.assertEqual((rc, out2), (0, out))
        self.assertIn("arm64-l1root: cached", err)
        self.assertFalse(os.path.exists(os.path.join(self.fake, "downloading")))

    def test_resolution_errors(self):
        for targets, sim, rc_sim, want in (
                ("", None, 0, "apt has no arm64 package lists of Debian 12 (bookworm): run scripts/setup"),
                (TARGETS.replace("bookworm-backports", "bookworm-updates"), None, 0,
                 "apt's sources have no bookworm-backports (QEMU 10) for arm64: run scripts/setup"),
                (TARGETS, "E: Version '1:10.0.9' for 'qemu-system-arm' was not found\n", 100,
                 "Version '1:10.0.9' for 'qemu-system-arm' was not found for arm64 in apt's lists: run scripts/setup"),
                (TARGETS, "E: Unable to locate package ipxe-qemu\n", 100,
                 "Unable to locate package ipxe-qemu for arm64 in apt's lists: run scripts/setup")):
            self.write("fake/targets", targets)
            if sim is not None:
                self.write("fake/sim", sim)
                self.write("fake/sim_rc", f"{rc_sim}\n")
            rc, out, err = self.run_script()
            self.assertEqual((rc, out), (2, ""), want)
            self.assertIn(want, err)
        self.assertEqual(self.cache_entries(), [])

    def test_download_errors_leave_nothing(self):
        self.small_sim()
        base = os.path.join(self.cache, "arm64-l1root")
        # a build cut short by SIGKILL: its process is gone
        dead = subprocess.Popen(["true"])
        dead.wait()
        os.makedirs(os.path.join(base, f".build.{dead.pid}.AbCdEf", "root"))
        for msg, want in (
                ("E: Failed to fetch http://mirror.invalid/debian/pool/main/q/x.deb  Could not resolve 'mirror.invalid'\n",
                 "downloading 3 arm64 packages failed, no network"),
                ("E: Failed to fetch http://mirror.invalid/debian/pool/main/q/x.deb  404  Not Found [IP: 192.0.2.1 80]\n",
                 "apt's lists are older than the archive (a package is gone): run apt-get update")):
            self.write("fake/download_error", msg)
            rc, out, err = self.run_script()
            self.assertEqual((rc, out), (2, ""), msg)
            self.assertIn(want, err)
            self.assertEqual(self.cache_entries(), [])

    def test_signal_leaves_nothing(self):
        self.small_sim()
        self.write("fake/sleep", "2\n")
        p = subprocess.Popen([SCRIPT], env=self.env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        marker = os.path.join(self.fake, "downloading")
        deadline = time.monotonic() + 30
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(marker), "the build never started its download")
        self.assertTrue(any(e.startswith(".build.") for e in self.cache_entries()))
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=30)
        self.assertEqual((p.returncode, out), (143, ""))
        self.assertEqual(self.cache_entries(), [])

    def test_missing_tool_named(self):
        path = os.path.join(self.tmp, "path")
        os.makedirs(path)
        for d in ("/usr/bin", "/bin"):
            for name in os.listdir(d):
                if name not in ("apt-get", "dpkg-deb") and not os.path.lexists(os.path.join(path, name)):
                    os.symlink(os.path.join(d, name), os.path.join(path, name))
        rc, _, err = self.run_script(path=path)
        self.assertEqual(rc, 2)
        self.assertIn("no 'apt-get' here", err)
        self.assertIn("run scripts/setup", err)


@unittest.skipUnless(host_has_arm64_lists(),
                     "apt has no arm64 lists of bookworm-backports here (scripts/setup adds them)")
class Arm64L1RootRealApt(unittest.TestCase):
    def test_list_offline(self):
        """The real resolution, from the host's lists: no network."""
        p = subprocess.run([SCRIPT, "--list"], capture_output=True, text=True,
                           check=False, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertRegex(lines[-1], r"^key [0-9a-f]{16}$")
        names = dict(line.split("=", 1) for line in lines[:-1])
        for pkg in ("qemu-system-arm", "qemu-system-common", "qemu-system-data", "ipxe-qemu", "libc6"):
            self.assertIn(pkg, names)
        q = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "qemu-system-x86"],
                           capture_output=True, text=True, check=False)
        if q.returncode == 0 and q.stdout:
            self.assertEqual(names["qemu-system-arm"], q.stdout)
        self.assertFalse(re.search(r"^(amd64|i386)", p.stdout, re.M))


if __name__ == "__main__":
    ktap_unittest.main()
