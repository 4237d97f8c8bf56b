# SPDX-License-Identifier: GPL-2.0
"""The kit's test programs in Python: KTAP judging (ktap), the VM matrix as
named data (rows) and its runner (vmtests), the stage scheduler of make
check (stages), the reproducer's verdicts (repro). The executables in
scripts/ are thin: they put this directory's parent on sys.path and call
a main(). Standard library only."""
