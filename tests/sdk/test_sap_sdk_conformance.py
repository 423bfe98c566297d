# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's answers, read by SAP's own Python client (sap-ai-sdk-core, pinned in
tests/requirements-sdk.txt): code this project did not write parses every answer the collection
relies on, so an emulator that drifted from AI Core's contract shows up here as a failure of SAP's
client rather than only of ours.

    tests/sdk/run.sh        (the sap-sdk gate of `make test`; makes .venv-sdk first)
"""

import os
import sys

import pytest

from ai_api_client_sdk.exception import AIAPIInvalidRequestException, AIAPINotFoundException
from ai_core_sdk.ai_core_v2_client import AICoreV2Client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "emulator"))
from aicore_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

GROUP = "sdk-team"
# Generic secret data travels base64-encoded: AI Core stores what it gets and returns no data.
DATA_ONE = {"password": "b25l"}        # "one"
DATA_TWO = {"password": "dHdv"}        # "two"


@pytest.fixture(scope="module")
def emulator():
    with Emulator(resource_groups=(GROUP,)) as running:
        yield running


@pytest.fixture
def sdk(emulator):
    emulator.reset()
    return AICoreV2Client(base_url=emulator.url + "/v2", auth_url=emulator.auth_url + "/oauth/token",
                          client_id=emulator.client_id, client_secret=emulator.client_secret, resource_group=GROUP)


def names(listing):
    return sorted(secret.name for secret in listing.resources)


def test_create_list_modify_delete_then_delete_again_is_not_found(sdk, emulator):
    created = sdk.secrets.create("sdk-secret", DATA_ONE, ai_tenant_scope=False)
    assert created.message  # AI Core answers a create with a message, which the SDK reads as Message
    listing = sdk.secrets.query(ai_tenant_scope=False)
    assert names(listing) == ["sdk-secret"] and listing.count == 1

    sdk.secrets.modify("sdk-secret", DATA_TWO, ai_tenant_scope=False)
    assert emulator.store("rg:" + GROUP)["sdk-secret"]["data"] == DATA_TWO

    deleted = sdk.secrets.delete("sdk-secret", ai_tenant_scope=False)
    assert deleted.message
    assert names(sdk.secrets.query(ai_tenant_scope=False)) == []
    with pytest.raises(AIAPINotFoundException) as again:
        sdk.secrets.delete("sdk-secret", ai_tenant_scope=False)
    assert again.value.status_code == 404 and again.value.request_id


def test_modifying_a_secret_that_does_not_exist_is_not_found(sdk):
    with pytest.raises(AIAPINotFoundException):
        sdk.secrets.modify("never-created", DATA_ONE, ai_tenant_scope=False)


def test_paging_with_top_and_skip_as_the_sdk_asks(sdk):
    for number in range(5):
        sdk.secrets.create("paged-%d" % number, DATA_ONE, ai_tenant_scope=False)
    first = sdk.secrets.query(top=2, ai_tenant_scope=False)
    rest = sdk.secrets.query(top=10, skip=2, ai_tenant_scope=False)
    # The SDK does not ask for $count=true, so count is the length of the page, not the total.
    assert first.count == 2 and len(first.resources) == 2 and rest.count == 3
    assert names(first) + names(rest) == ["paged-%d" % number for number in range(5)]


def test_main_tenant_scope_is_a_store_of_its_own(sdk, emulator):
    main = AICoreV2Client(base_url=emulator.url + "/v2", auth_url=emulator.auth_url + "/oauth/token",
                          client_id=emulator.client_id, client_secret=emulator.client_secret)
    main.secrets.create("tenant-secret", DATA_ONE, ai_tenant_scope=True)
    assert names(main.secrets.query(ai_tenant_scope=True)) == ["tenant-secret"]
    assert names(sdk.secrets.query(ai_tenant_scope=False)) == []


def test_the_sdk_default_of_tenant_scope_with_a_resource_group_is_refused(sdk):
    """The SDK sends AI-Tenant-Scope: true unless told otherwise; with a resource group as well, AI Core
    refuses the contradiction, and so does the emulator (the collection never sends both)."""
    with pytest.raises(AIAPIInvalidRequestException) as refused:
        sdk.secrets.query()
    assert refused.value.status_code == 400


def test_resource_groups_create_get_list_delete(sdk, emulator):
    created = sdk.resource_groups.create("sdk-made")
    assert created.resource_group_id == "sdk-made"
    assert sdk.resource_groups.get("sdk-made").resource_group_id == "sdk-made"
    listed = {group.resource_group_id for group in sdk.resource_groups.query().resources}
    assert {"default", GROUP, "sdk-made"} <= listed
    sdk.resource_groups.delete("sdk-made")
    with pytest.raises(AIAPINotFoundException):
        sdk.resource_groups.get("never-made")
