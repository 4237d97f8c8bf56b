# SPDX-License-Identifier: GPL-2.0
"""scripts/ktap-summary: count the KTAP results under a directory and print
the closing line "N passed, N failed, N skipped, N xfail, N xpass".

Expected failures (a known kernel bug seen where it is expected) and
unexpected passes (a fixed kernel where the test cannot tell which to
expect) are counted apart from passes; a test that expects one or the
other says "not ok" itself when the other happens. Each NAME.ktap may come
with NAME.rc (the producer's exit status, scripts/ktap-run) and NAME.time
(its wall and CPU seconds): see ktap.judge() for what the status adds.
"""
import glob
import locale
import os
import sys

from . import ktap

USAGE = """Usage: scripts/ktap-summary [--verbose] DIR

Reads DIR/*.ktap (and DIR/*.rc), prints failures, then
"N passed, N failed, N skipped, N xfail, N xpass". Exits 1 when anything
failed.
"""


def read_rc(path):
    """The exit status in @path (0 when there is none); trailing blanks,
    a carriage return included, do not matter."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("latin-1").strip()
    except FileNotFoundError:
        return 0
    try:
        return int(text) if text else 0
    except ValueError:
        return 1  # no number: not a clean exit


def took(path):
    """The verbose table's time column from NAME.time, or ''."""
    try:
        with open(path, encoding="latin-1") as f:
            words = f.readline().split()
    except FileNotFoundError:
        return ""
    wall, cpu = (float(w) for w in (words + ["0", "0"])[:2])
    return "%7.1f s (CPU %6.1f s)" % (wall, cpu)


def ktap_files(directory):
    """DIR/*.ktap in the order a shell's glob gives them (the collation
    of the locale)."""
    try:
        locale.setlocale(locale.LC_COLLATE, "")
    except locale.Error:
        pass
    return sorted(glob.glob(os.path.join(glob.escape(directory), "*.ktap")),
                  key=lambda p: locale.strxfrm(os.path.basename(p)))


def summarize(directory, verbose, out, err):
    """Prints the FAIL lines (and the table) on @err, the closing line on
    @out (binary streams); returns the total Counts."""
    total = ktap.Counts()
    for path in ktap_files(directory):
        name = os.path.basename(path)[:-len(".ktap")]
        # the path as the caller spelled the directory
        shown = f"{directory}/{name}.ktap"
        with open(path, "rb") as f:
            c = ktap.count(ktap.decode(f.read()))
        for line in c.failures:
            err.write(ktap.encode(f"FAIL: {shown}: {line}\n"))
        why = ktap.judge(c, read_rc(os.path.join(directory, name + ".rc")))
        if why:
            err.write(ktap.encode(f"FAIL: {name}: {why}\n"))
        if verbose:
            err.write(ktap.encode("%-28s %3d passed %3d failed %3d skipped %d xfail %d xpass %s\n" % (
                name, c.passed, c.failed, c.skipped, c.xfail, c.xpass,
                took(os.path.join(directory, name + ".time")))))
        c.failures = []
        total.add(c)
    err.flush()
    out.write(ktap.encode(total.line() + "\n"))
    out.flush()
    return total


def main(argv):
    args = list(argv)
    verbose = False
    if args and args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if args and args[0] in ("-v", "--verbose"):
        verbose = True
        args.pop(0)
    directory = args[0] if args else ""
    if not directory or not os.path.isdir(directory):
        sys.stderr.write(USAGE)
        return 2
    total = summarize(directory, verbose, sys.stdout.buffer, sys.stderr.buffer)
    return 1 if total.failed else 0
