# SPDX-License-Identifier: GPL-2.0
"""KTAP as the kit writes and judges it.

count(): what make check counts: only top-level lines ("ok N", "not ok
N", "1..N") count, whatever their place, so that a producer that prints
several documents one after the other (a VM row runs several programs) is
counted whole; subtests (indented) do not.

Text is handled as latin-1 strings: every byte maps to one character and
back, so a line with bytes that are not UTF-8 is printed as it was read.
"""
import dataclasses
import re

# The directives the kit counts. SKIP in any case (kselftest writes
# "# SKIP", some producers "# skip"); XFAIL and XPASS as the kit's tests
# write them, upper case only: a diagnostic that says "xfail 3" is none.
SKIP = re.compile(r"# *[Ss][Kk][Ii][Pp]")
XFAIL = re.compile(r"# *XFAIL")
XPASS = re.compile(r"# *XPASS")
PLAN = re.compile(r"^1\.\.([0-9]+)")
PLAN_SKIP = re.compile(r"^1\.\.0 # *[Ss][Kk][Ii][Pp]")
OK = re.compile(r"^ok [0-9]+")
NOT_OK = re.compile(r"^not ok [0-9]+")
# A result line at any depth (scripts/lava-job picks the job's KTAP out of
# a console log by it): indentation, status, number, the rest.
RESULT = re.compile(r"^(?P<indent>\s*)(?P<status>ok|not ok) (?P<number>[0-9]+)"
                    r"(?: -)?(?: (?P<rest>.*))?$")

def decode(data):
    """Bytes of a KTAP file as text, byte for byte (latin-1)."""
    return data.decode("latin-1")


def encode(text):
    return text.encode("latin-1")


def lines_of(text):
    """The lines of @text as awk reads them: split on newlines only (a
    carriage return stays in its line), no empty line after a final
    newline."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def directive_of(line):
    """SKIP, XFAIL, XPASS or '' for a result line, as count() reads it."""
    if SKIP.search(line):
        return "SKIP"
    if XFAIL.search(line):
        return "XFAIL"
    if XPASS.search(line):
        return "XPASS"
    return ""


@dataclasses.dataclass
class Counts:
    """What one KTAP producer reported, as make check counts it."""
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    xfail: int = 0
    xpass: int = 0
    planned: int = 0
    # the top-level "not ok" lines (skips included: they say "not ok")
    failures: list = dataclasses.field(default_factory=list)

    @property
    def seen(self):
        return self.passed + self.failed + self.skipped + self.xfail + self.xpass

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.xfail += other.xfail
        self.xpass += other.xpass
        self.planned += other.planned
        self.failures += other.failures

    def line(self):
        """The closing line of make check."""
        return (f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped, "
                f"{self.xfail} xfail, {self.xpass} xpass")


def count(text):
    """The Counts of @text: top-level results and plans only. "1..0 # SKIP"
    (a whole program skipped) counts as one skip; plans add up."""
    c = Counts()
    for line in lines_of(text):
        if PLAN_SKIP.match(line):
            c.skipped += 1
        m = PLAN.match(line)
        if m:
            c.planned += int(m.group(1))
        if OK.match(line):
            d = directive_of(line)
            if d == "SKIP":
                c.skipped += 1
            elif d == "XFAIL":
                c.xfail += 1
            elif d == "XPASS":
                c.xpass += 1
            else:
                c.passed += 1
            continue
        if NOT_OK.match(line):
            if SKIP.search(line):
                c.skipped += 1
            else:
                c.failed += 1
            c.failures.append(line)
    return c


def judge(counts, rc):
    """@counts after the producer's exit status @rc: a producer that
    reported fewer results than it planned, or exited non-zero (4 is
    kselftest's skip) without a failing result, has one or more failures
    more. Returns the sentence that says why, or None."""
    if counts.planned > counts.seen:
        why = f"planned {counts.planned} tests, reported {counts.seen} (crashed or hung?)"
        counts.failed += counts.planned - counts.seen
        return why
    if rc not in (0, 4) and counts.failed == 0:
        counts.failed += 1
        return f"exited with status {rc} but reported no failure"
    return None
