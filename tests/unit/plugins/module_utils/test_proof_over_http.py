# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proof of a 404 against the emulator, in each of its answers to a resource group that does not exist,
with many workers at once (issue 9)."""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings

NAMES = ["gone-%d" % number for number in range(6)]


def secrets_in(emulator, resource_group, concurrency=6, api_url=None):
    settings = resolve_settings(dict(api_url=api_url or emulator.url, auth_url=emulator.auth_url, client_id=emulator.client_id,
                                     client_secret=emulator.client_secret, service_key=None, token=None,
                                     validate_certs=True, ca_path=None, timeout=10, retries=0), {})
    return GenericSecrets(AICoreClient(settings, scope_headers(resource_group, False, {}), pool_size=concurrency))


def outcomes(secrets, work):
    def one(name):
        try:
            return work(name)
        except AICoreError as error:
            return error
    return run_each(NAMES, one, len(NAMES))


def api_requests(emulator):
    return [(record["method"], record["path"]) for record in emulator.log() if record["endpoint"] != "token"]


@pytest.fixture
def fresh(aicore):
    aicore.reset()
    aicore.seed("rg:team-a", [{"name": "keep-me", "plain_data": {"value": "kept"}}])
    aicore.clear_log()
    return aicore


def test_six_absent_names_cost_one_extra_request_with_six_workers(fresh):
    secrets = secrets_in(fresh, "team-a")
    assert outcomes(secrets, secrets.delete) == ["absent"] * 6
    sent = api_requests(fresh)
    assert len(sent) == 7 and sent.count(("GET", "/v2/admin/resourceGroups/team-a")) == 1


@pytest.mark.parametrize("answer", ["404", "400", "403"])
def test_an_unknown_group_fails_every_name_whatever_the_emulator_answers(fresh, answer):
    fresh.configure(unknown_resource_group=answer)
    for work in ("delete", "get"):
        secrets = secrets_in(fresh, "taem-a")
        results = outcomes(secrets, getattr(secrets, work))
        assert all(isinstance(result, AICoreError) and "resource group 'taem-a' does not exist" in str(result) for result in results)
    listing = secrets_in(fresh, "taem-a")
    with pytest.raises(AICoreError, match="resource group 'taem-a' does not exist"):
        listing.list_all()
    assert fresh.store("rg:team-a") and "keep-me" in fresh.store("rg:team-a")


@pytest.mark.parametrize("path", ["/v2/admin", "/api", "/v2/lm"])
def test_a_wrong_api_path_fails_every_name(fresh, path):
    secrets = secrets_in(fresh, "team-a", api_url=fresh.url.rstrip("/") + path)
    results = outcomes(secrets, secrets.delete)
    assert all(isinstance(result, AICoreError) and "does not lead to the AI Core API" in str(result) for result in results)
    with pytest.raises(AICoreError, match="does not lead to the AI Core API"):
        secrets.list_all()


def test_an_empty_group_that_exists_lists_as_empty(fresh):
    fresh.configure(unknown_resource_group="404")
    assert secrets_in(fresh, "default").list_all() == []
