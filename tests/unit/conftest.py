# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by every unit test: the local AI Core emulator is importable as ``aicore_emulator``.

``tests/emulator`` holds that package next to its scripts and is no package itself, so it
goes on ``sys.path`` here, once, for the emulator's self-tests and the client's tests alike.
"""

import os
import sys

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, "emulator"))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)
