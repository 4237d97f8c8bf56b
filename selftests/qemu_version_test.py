#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/qemu-version fetch picks each package's version of the asked
suite from apt-cache madison, whatever lines follow it: on a fresh
machine apt lists bookworm-security after bookworm, and a reader that
stopped at the first match killed apt-cache with SIGPIPE, which failed
scripts/setup (status 141) and with it make check. A stand-in apt-cache
prints the suites in that order and a long tail; a stand-in apt-get
refuses the download, so the run ends at its named error having chosen
the versions. Nothing is downloaded. KTAP out."""
import os
import subprocess
import tempfile
import unittest

from hgtest_common import SCRIPTS
import ktap_unittest

QEMU_VERSION = os.path.join(SCRIPTS, "qemu-version")
MIRROR = "http://deb.debian.org/debian"
# madison's lines for one package, in the order a fresh machine gives them
MADISON = f"""#!/bin/sh
[ "$1" = madison ] || exit 1
v=7.2+dfsg-7+deb12u18+b3
[ "$2" = qemu-system-data ] && v=7.2+dfsg-7+deb12u18
[ "$2" = seabios ] && v=1.16.2-1 && e= || e=1:
echo "$2 | ${{e}}10.0.2+ds-2+deb13u1~bpo12+1 | {MIRROR} bookworm-backports/main amd64 Packages"
echo "$2 | $e$v | {MIRROR} bookworm/main amd64 Packages"
echo "$2 | ${{e}}7.2+dfsg-7+deb12u15 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages"
# a tail longer than a pipe holds: a reader that stops early kills this
i=0
while [ $i -lt 20000 ]; do
	echo "$2 | 0.$i | {MIRROR} other/main amd64 Packages"
	i=$((i + 1))
done
"""
APT_GET = "#!/bin/sh\necho 'E: refused by the test' >&2\nexit 100\n"


class Fetch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.bin = os.path.join(self.tmp.name, "bin")
        os.mkdir(self.bin)
        for name, text in (("apt-cache", MADISON), ("apt-get", APT_GET)):
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)

    def tearDown(self):
        self.tmp.cleanup()

    def fetch(self):
        env = dict(os.environ, PATH=self.bin + ":" + os.environ["PATH"],
                   HOSTGEOM_CACHE=os.path.join(self.tmp.name, "cache"))
        return subprocess.run([QEMU_VERSION, "fetch", "7.2"], env=env,
                              capture_output=True, text=True, timeout=60)

    def test_the_bookworm_versions_are_chosen_whatever_lines_follow(self):
        r = self.fetch()
        self.assertEqual(r.returncode, 2, r.stderr)  # the download's error
        self.assertIn("apt-get download qemu-system-x86=1:7.2+dfsg-7+deb12u18+b3 "
                      "qemu-system-common=1:7.2+dfsg-7+deb12u18+b3 "
                      "qemu-system-data=1:7.2+dfsg-7+deb12u18 seabios=1.16.2-1 failed",
                      r.stderr)

    def test_a_failed_download_leaves_nothing_in_the_cache(self):
        self.fetch()
        qemu = os.path.join(self.tmp.name, "cache", "qemu")
        self.assertEqual(os.listdir(qemu) if os.path.isdir(qemu) else [], [])


if __name__ == "__main__":
    ktap_unittest.main()
