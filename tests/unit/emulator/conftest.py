# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared set-up of the emulator's self-tests: one emulator, reset around every test."""

import base64

import pytest
import requests

from aicore_emulator import Emulator  # on sys.path through tests/unit/conftest.py

TIMEOUT = 10
SECRETS = "/v2/admin/secrets"

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


class Client:
    """Sends exactly what a test says, with a valid token, to any API path."""

    def __init__(self, emulator):
        form = {"grant_type": "client_credentials", "client_id": emulator.client_id, "client_secret": emulator.client_secret}
        self.token = requests.post(f"{emulator.auth_url}/oauth/token", data=form, timeout=TIMEOUT).json()["access_token"]
        self.url = emulator.url

    def call(self, method, path, headers=None, **kwargs):
        """``method`` on ``path`` with the bearer token and ``headers``."""
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=TIMEOUT, **kwargs)

    def secrets(self, method, group, path="", **kwargs):
        """``method`` on the secrets API in resource group ``group``."""
        return self.call(method, f"{SECRETS}{path}", {"AI-Resource-Group": group}, **kwargs)

    def create_secret(self, group, name, **kwargs):
        """POST a secret with one valid value."""
        return self.secrets("POST", group, json={"name": name, "data": {"k": base64.b64encode(b"v").decode()}, **kwargs})


@pytest.fixture
def client(emulator):
    """A ``Client`` whose token request is kept out of the log."""
    made = Client(emulator)
    emulator.clear_log()
    return made
