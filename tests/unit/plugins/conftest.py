# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local AI Core emulator, for the client's tests that need a real HTTP server."""

import pytest

from aicore_emulator import STANDARD_RESOURCE_GROUPS, Emulator  # on sys.path through tests/unit/conftest.py


# The resource groups the client tests address (besides default, which every tenant has).
# Any other group does not exist, and the emulator answers for it as a tenant would.
RESOURCE_GROUPS = (*STANDARD_RESOURCE_GROUPS, "fuzz")  # the integration targets' groups, and the unit tests' own


@pytest.fixture(scope="module")
def aicore():
    """An emulator on 127.0.0.1 for the whole test module; ``reset`` returns to RESOURCE_GROUPS."""
    with Emulator(resource_groups=RESOURCE_GROUPS) as running:
        yield running
