#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every option a command's --help names is in its section of the man page,
and every option the man page gives a command is in its --help: the two
must not drift apart (a help text once promised a fallback that was gone).
"""
import os
import re
import subprocess
import sys
import unittest

import ktap_unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTGEOM = os.environ.get("HOSTGEOM", os.path.join(ROOT, "build", "hostgeom"))
MAN = os.path.join(ROOT, "Documentation", "hostgeom.1")
LONG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
# "  -b, --backend B": a short option and its long one, in --help
PAIR = re.compile(r"^ +-([a-zA-Z]), --([a-z][a-z0-9-]*)", re.M)


def help_text(*args):
    r = subprocess.run([HOSTGEOM, *args, "--help"], capture_output=True,
                       text=True, check=False)
    if r.returncode:
        raise AssertionError(f"hostgeom {' '.join(args)} --help: status {r.returncode}")
    return r.stdout


def options(text):
    return set(LONG.findall(text))


def man_sections(roff):
    """{'OPTIONS': text, 'groups': text, ...}: .SH and .SS bodies, roff's
    escaped hyphens made plain."""
    out, name = {}, None
    for line in roff.replace("\\-", "-").splitlines():
        m = re.match(r"\.(SH|SS) (\S+)(.*)", line)
        if m:
            name = m.group(2)
            out[name] = line + "\n"
        elif name:
            out[name] += line + "\n"
    return out


class HelpAndManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(HOSTGEOM, os.X_OK):
            raise unittest.SkipTest(f"{HOSTGEOM} not built (make)")
        with open(MAN, encoding="utf-8") as f:
            cls.man = man_sections(f.read())
        top = help_text()
        cls.common = options(top)
        cls.common_text = top
        cls.commands = re.findall(r"^  ([a-z]+) ", top.split("Commands:")[1]
                                  .split("\n\n")[0], re.M)

    def test_commands_have_a_section(self):
        self.assertTrue(self.commands)
        for c in self.commands:
            self.assertIn(c, self.man, f"no .SS {c} in the man page")

    def test_common_options_in_options(self):
        missing = self.common - options(self.man["OPTIONS"])
        self.assertFalse(missing, f"--help options not under OPTIONS: {missing}")

    def test_each_command(self):
        for c in self.commands:
            with self.subTest(command=c):
                h = options(help_text(c)) - self.common
                m = options(self.man.get(c, "")) - self.common
                self.assertFalse(h - m, f"{c} --help names, its man section does not: {sorted(h - m)}")
                self.assertFalse(m - h, f"{c}'s man section names, its --help does not: {sorted(m - h)}")
                # a short form --help offers is in the man page too
                section = self.man.get(c, "")
                for short, long in PAIR.findall(help_text(c)):
                    if "--" + long in self.common_text:
                        continue
                    self.assertRegex(section, rf"(?<![\w-])-{short}\b",
                                     f"{c}: -{short} (--{long}) is not in its man section")


if __name__ == "__main__":
    ktap_unittest.main()
