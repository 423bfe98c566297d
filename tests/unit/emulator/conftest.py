# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared set-up of the emulator's self-tests: one emulator, reset around every test."""

import pytest

from aicore_emulator import Emulator  # on sys.path through tests/unit/conftest.py

# Groups the tenant has besides default; every other group does not exist.
STARTUP_RESOURCE_GROUPS = ("team-b",)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """One emulator with every listener for the whole session (certificates take a moment).

    ansible-test units runs every test in a fork that exits without teardown, so this
    fixture then starts once per test and never stops: its certificate directory goes
    where pytest cleans up, not into the system temp dir.
    """
    with Emulator(tls=True, tls_dir=str(tmp_path_factory.getbasetemp()), resource_groups=STARTUP_RESOURCE_GROUPS) as running:
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
