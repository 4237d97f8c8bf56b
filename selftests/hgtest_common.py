# SPDX-License-Identifier: GPL-2.0
"""What the selftests/hgtest_*_test.py programs share: scripts/ on the
import path (the hgtest package), the repository and its recorded inputs,
no __pycache__ in the source tree."""
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SCRIPTS = os.path.join(REPO, "scripts")
TEST_DATA = os.path.join(HERE, "test_data")
sys.path.insert(0, SCRIPTS)
