# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared set-up of the emulator's self-tests.

``tests/emulator`` holds the ``aicore_emulator`` package next to its scripts and is no
package itself, so it goes on ``sys.path`` here, for every test module of this folder.
"""

import os
import sys

import pytest

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "emulator"))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from aicore_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """One emulator with every listener for the whole session (certificates take a moment).

    ansible-test units runs every test in a fork that exits without teardown, so this
    fixture then starts once per test and never stops: its certificate directory goes
    where pytest cleans up, not into the system temp dir.
    """
    with Emulator(tls=True, tls_dir=str(tmp_path_factory.getbasetemp())) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(request):
    """Tests that use the emulator start from empty stores, no faults, default settings, empty log.

    Reset again afterwards too: other fixtures of the next test may use the emulator
    before this one runs.
    """
    running = request.getfixturevalue("emulator") if "emulator" in request.fixturenames else None
    if running is not None:
        running.reset()
    yield
    if running is not None:
        running.reset()
