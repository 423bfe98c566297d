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

from ai_api_client_sdk.exception import AIAPIInvalidRequestException, AIAPINotFoundException, AIAPIServerException
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


# --- object store and Docker registry secrets, repositories, applications ----------------------

def settled_at_once(emulator):
    """Accepted changes show, and syncs end, at once: these tests check shapes, not timing."""
    emulator.configure(admin_object_delay=0, repository_sync_delay=0, application_sync_delay=0)


def test_object_store_secrets_create_list_get_modify_delete_then_not_found(sdk, emulator):
    settled_at_once(emulator)
    data = {"AWS_ACCESS_KEY_ID": "id-one", "AWS_SECRET_ACCESS_KEY": "key-one"}
    created = sdk.object_store_secrets.create("sdk-store", "S3", data, bucket="bucket-one", path_prefix="runs", region="eu")
    assert created.message
    listing = sdk.object_store_secrets.query()
    assert [secret.name for secret in listing.resources] == ["sdk-store"] and listing.count == 1
    fetched = sdk.object_store_secrets.get("sdk-store")
    # The SDK turns the decamelized path_prefix annotation back into pathPrefix.
    assert fetched.metadata["storage.ai.sap.com/bucket"] == "bucket-one"
    assert fetched.metadata["storage.ai.sap.com/pathPrefix"] == "runs"

    modified = sdk.object_store_secrets.modify("sdk-store", "S3", data, bucket="bucket-two")
    assert modified.id and modified.message
    assert sdk.object_store_secrets.get("sdk-store").metadata["storage.ai.sap.com/bucket"] == "bucket-two"
    [held] = emulator.admin_objects()["object_store_secrets"]
    assert held["resource_group"] == GROUP and held["writes"] == 2  # the SDK client's group, by header

    assert sdk.object_store_secrets.delete("sdk-store").message
    with pytest.raises(AIAPINotFoundException) as again:
        sdk.object_store_secrets.delete("sdk-store")
    assert again.value.status_code == 404


def test_object_store_secrets_without_metadata_break_the_sdk_model(sdk, emulator):
    """The SDK's model requires metadata: the object_store_metadata=none setting is the shape it cannot read."""
    settled_at_once(emulator)
    emulator.configure(object_store_metadata="none")
    sdk.object_store_secrets.create("bare-store", "S3", {"AWS_ACCESS_KEY_ID": "id"})
    with pytest.raises(TypeError):
        sdk.object_store_secrets.get("bare-store")


def test_docker_registry_secrets_create_list_get_modify_delete_then_not_found(sdk, emulator):
    settled_at_once(emulator)
    config = {".dockerconfigjson": '{"auths": {"registry.example": {"auth": "dXNlcjpwYXNz"}}}'}
    assert sdk.docker_registry_secrets.create("sdk-registry", config).message
    listing = sdk.docker_registry_secrets.query(top=10)
    assert [secret.name for secret in listing.resources] == ["sdk-registry"] and listing.count == 1
    assert sdk.docker_registry_secrets.get("sdk-registry").name == "sdk-registry"
    # modify sends application/merge-patch+json, the only media type the emulator takes here
    assert sdk.docker_registry_secrets.modify("sdk-registry", config).message
    [held] = emulator.admin_objects()["docker_registry_secrets"]
    assert held["writes"] == 2 and held["registries"] == ["registry.example"]
    assert sdk.docker_registry_secrets.delete("sdk-registry").message
    with pytest.raises(AIAPINotFoundException):
        sdk.docker_registry_secrets.delete("sdk-registry")


def test_repositories_create_list_get_modify_delete_then_not_found(sdk, emulator):
    settled_at_once(emulator)
    assert sdk.repositories.create("sdk-repo", "https://git.example/repo.git", "reader", "token-one").message
    assert [repository.name for repository in sdk.repositories.query().resources] == ["sdk-repo"]
    fetched = sdk.repositories.get("sdk-repo")
    assert fetched.url == "https://git.example/repo.git" and fetched.status.value == "COMPLETED"
    assert sdk.repositories.modify("sdk-repo", "reader", "token-two").message
    with pytest.raises(AIAPIServerException) as duplicate:
        sdk.repositories.create("sdk-repo", "https://git.example/repo.git", "reader", "token-one")
    assert duplicate.value.status_code == 409
    assert sdk.repositories.delete("sdk-repo").message
    with pytest.raises(AIAPINotFoundException):
        sdk.repositories.delete("sdk-repo")


def test_applications_create_list_get_status_refresh_modify_delete_then_not_found(sdk, emulator):
    settled_at_once(emulator)
    sdk.repositories.create("sdk-repo", "https://git.example/repo.git", "reader", "token")
    created = sdk.applications.create("main", "workflows", application_name="sdk-app", repository_name="sdk-repo")
    assert created.id and created.message
    assert [application.application_name for application in sdk.applications.query().resources] == ["sdk-app"]
    fetched = sdk.applications.get("sdk-app")
    assert (fetched.repository_url, fetched.revision, fetched.path) == ("https://git.example/repo.git", "main", "workflows")
    status = sdk.applications.get_status("sdk-app")
    assert (status.sync_status, status.health_status) == ("Synced", "Healthy")
    assert status.source.repourl == "https://git.example/repo.git"
    assert sdk.applications.refresh("sdk-app").message
    assert sdk.applications.modify("sdk-app", "https://git.example/repo.git", "serving", "v2").message
    assert sdk.applications.get("sdk-app").path == "serving"
    assert sdk.applications.delete("sdk-app").message
    with pytest.raises(AIAPINotFoundException):
        sdk.applications.delete("sdk-app")
