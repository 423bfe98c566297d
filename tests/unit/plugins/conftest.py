# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local AI Core emulator, for the client's tests that need a real HTTP server."""

import pytest

from aicore_emulator import Emulator  # on sys.path through tests/unit/conftest.py


@pytest.fixture(scope="module")
def aicore():
    """An emulator on 127.0.0.1 for the whole test module."""
    with Emulator() as running:
        yield running
