# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four kinds on the shared engine (_objects), run as Ansible runs the modules (``run_module``), against
the emulator on 127.0.0.1: each lifecycle, what a second run can and cannot know, check mode, waiting, and
every answer the emulator can give where SAP's contract is silent."""

import json

import pytest

from ansible_collections.sap_aicore.admin.plugins.modules import (
    aicore_application, aicore_application_info, aicore_docker_registry_secret, aicore_docker_registry_secret_info,
    aicore_object_store_secret, aicore_object_store_secret_info, aicore_repository, aicore_repository_info)

from ..module_utils.module_runner import connection, run_module
from .test_declared_resource_groups import writes

GROUP = "team-a"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "AKIA-unit-key-id", "AWS_SECRET_ACCESS_KEY": "unit-s3-secret-value"}
GIT_TOKEN = "unit-git-token-value"
REGISTRY_PASSWORD = "unit-registry-password"
WRITE_ONLY = (S3_KEYS["AWS_ACCESS_KEY_ID"], S3_KEYS["AWS_SECRET_ACCESS_KEY"], GIT_TOKEN, REGISTRY_PASSWORD)
FAST = dict(admin_object_delay=0.05, repository_sync_delay=0.05, application_sync_delay=0.05)
WAIT = 20  # seconds: a wait that goes wrong fails the test soon


@pytest.fixture
def tenant(aicore):
    aicore.reset()
    aicore.configure(**FAST)
    yield aicore
    aicore.reset()


def object_store(aicore, **options):
    args = connection(aicore, name="train-data", resource_group=GROUP, type="S3", bucket="ml-data", endpoint="s3.example.com",
                      region="eu-central-1", path_prefix="team-a", data=dict(S3_KEYS))
    args.update(options)
    return args


def registry(aicore, **options):
    args = connection(aicore, name="team-registry", registry="registry.example.com", username="bot", password=REGISTRY_PASSWORD)
    args.update(options)
    return args


def repository(aicore, **options):
    args = connection(aicore, name="pipelines", url="https://github.com/example/pipelines", username="bot", password=GIT_TOKEN)
    args.update(options)
    return args


def application(aicore, **options):
    args = connection(aicore, name="workflows", repository_url="https://github.com/example/pipelines", revision="main", path="workflows")
    args.update(options)
    return args


def run(module, args, capsys, check_mode=False):
    args = dict(args, _ansible_diff=True)
    if "wait_timeout" in getattr(module, "MODULE_OPTIONS", {}):  # the managing modules; the _info modules do not wait
        args.setdefault("wait_timeout", WAIT)
    return run_module(module, args, capsys, check_mode=check_mode)


def only(result, key):
    (entry,) = result[key]
    return entry


def objects(aicore, kind):
    return dict((item["name"], item) for item in aicore.admin_objects()[kind] if not item["deleting"])


def no_write_only_value_in(result):
    text = json.dumps(result)
    return not any(value in text for value in WRITE_ONLY)


LIFECYCLES = [
    # module, task, result key, emulator kind, a readable change
    (aicore_object_store_secret, object_store, "object_store_secrets", "object_store_secrets", {"bucket": "ml-data-2"}),
    (aicore_repository, repository, "repositories", "repositories", None),
    (aicore_application, application, "applications", "applications", {"revision": "v2"}),
    (aicore_docker_registry_secret, registry, "docker_registry_secrets", "docker_registry_secrets", None),
]


@pytest.mark.parametrize("module, task, key, kind, change", LIFECYCLES, ids=[case[2] for case in LIFECYCLES])
def test_each_kind_creates_keeps_updates_deletes_and_finds_it_absent(tenant, capsys, module, task, key, kind, change):
    created = run(module, task(tenant), capsys)
    assert only(created, key)["action"] == "created" and created["changed"], created
    assert created["diff"]["before"] == {only(created, key)["name"]: {"state": "absent"}}
    name = only(created, key)["name"]
    assert objects(tenant, kind)[name]["writes"] == 1

    again = run(module, task(tenant), capsys)
    second = only(again, key)
    # Nothing a second run cannot compare is ever reported unchanged: applications have nothing write-only.
    assert second["action"] == ("unchanged" if module is aicore_application else "kept"), again
    assert not again["changed"]
    if second["action"] == "kept":
        assert second["not_compared"] and "kept, not compared 1" in again["msg"]
    assert objects(tenant, kind)[name]["writes"] == 1

    if change is not None:
        tenant.clear_log()
        changed = run(module, task(tenant, **change), capsys)
        assert only(changed, key)["action"] == "updated" and only(changed, key)["differing"] == sorted(change)
        assert [method for method, _path in writes(tenant)] == ["PATCH"]
        assert objects(tenant, kind)[name]["writes"] == 2
        assert only(run(module, task(tenant, **change), capsys), key)["action"] in ("kept", "unchanged")

    deleted = run(module, connection(tenant, name=name, state="absent", **({"resource_group": GROUP} if kind == "object_store_secrets" else {})), capsys)
    assert only(deleted, key)["action"] == "deleted" and deleted["changed"]
    assert name not in objects(tenant, kind)
    gone = run(module, connection(tenant, name=name, state="absent", **({"resource_group": GROUP} if kind == "object_store_secrets" else {})), capsys)
    assert only(gone, key)["action"] == "absent" and not gone["changed"]
    for result in (created, again, deleted, gone):
        assert no_write_only_value_in(result)


@pytest.mark.parametrize("module, task, key, kind, change", LIFECYCLES, ids=[case[2] for case in LIFECYCLES])
def test_check_mode_reports_the_create_and_writes_nothing(tenant, capsys, module, task, key, kind, change):
    tenant.clear_log()
    result = run(module, task(tenant), capsys, check_mode=True)
    assert only(result, key)["action"] == "created" and result["msg"].startswith("check mode, would have: created 1")
    assert writes(tenant) == [] and not objects(tenant, kind)
    assert no_write_only_value_in(result)


@pytest.mark.parametrize("module, task, key, kind", [case[:4] for case in LIFECYCLES if case[0] is not aicore_application])
def test_update_mode_always_rewrites_what_cannot_be_compared(tenant, capsys, module, task, key, kind):
    name = only(run(module, task(tenant), capsys), key)["name"]
    rewritten = run(module, task(tenant, update_mode="always"), capsys)
    assert only(rewritten, key)["action"] == "updated" and rewritten["changed"]
    assert objects(tenant, kind)[name]["writes"] == 2
    assert no_write_only_value_in(rewritten)


def test_object_store_without_metadata_compares_nothing_and_says_so(tenant, capsys):
    tenant.configure(object_store_metadata="none")
    run(aicore_object_store_secret, object_store(tenant), capsys)
    kept = only(run(aicore_object_store_secret, object_store(tenant, bucket="another"), capsys), "object_store_secrets")
    assert kept["action"] == "kept"
    assert kept["not_compared"] == sorted(["bucket", "data", "endpoint", "path_prefix", "region", "type"])


def test_object_store_names_with_the_kubernetes_suffix_are_reported_plain(tenant, capsys):
    tenant.configure(object_store_name_suffix=True)
    run(aicore_object_store_secret, object_store(tenant), capsys)
    assert only(run(aicore_object_store_secret, object_store(tenant), capsys), "object_store_secrets")["action"] == "kept"
    listed = run(aicore_object_store_secret_info, connection(tenant, resource_group=GROUP), capsys)
    assert [item["name"] for item in listed["object_store_secrets"]] == ["train-data"]
    assert listed["object_store_secrets"][0]["bucket"] == "ml-data"


def test_an_object_store_secret_of_a_missing_resource_group_fails_naming_the_group(tenant, capsys):
    result = run(aicore_object_store_secret, connection(tenant, name="x", state="absent", resource_group="no-such-group"), capsys)
    assert result["failed"] and "no-such-group" in result["msg"]
    assert only(result, "object_store_secrets")["action"] == "failed"


def test_object_store_refuses_the_tenant_scope_before_any_request(tenant, capsys):
    tenant.clear_log()
    result = run(aicore_object_store_secret, object_store(tenant, tenant_scope=True, resource_group="*"), capsys)
    assert result["failed"] and result["msg"].startswith("tenant_scope: object store secrets live in a resource group")
    assert tenant.log() == []


@pytest.mark.parametrize("status", [400, 409])
def test_a_create_that_finds_the_name_taken_compares_instead(tenant, capsys, status):
    tenant.configure(admin_duplicate_status=status)
    tenant.seed_document([{"docker_registry_secrets": [{"name": "team-registry", "data": {".dockerconfigjson": "{\"auths\": {}}"}}]}])
    result = run(aicore_docker_registry_secret, registry(tenant), capsys)
    assert only(result, "docker_registry_secrets")["action"] == "kept"


def test_a_repository_with_another_url_fails_and_says_how_to_change_it(tenant, capsys):
    run(aicore_repository, repository(tenant), capsys)
    tenant.clear_log()
    result = run(aicore_repository, repository(tenant, url="https://github.com/example/elsewhere"), capsys)
    assert result["failed"] and "cannot change a repository's URL" in only(result, "repositories")["error"]
    assert writes(tenant) == []


def test_waiting_for_a_repository_that_ends_in_error_fails_with_the_reason(tenant, capsys):
    tenant.configure(repository_errors={"pipelines": "authentication failed"})
    result = run(aicore_repository, repository(tenant), capsys)
    entry = only(result, "repositories")
    assert result["failed"] and result["changed"] and entry["action"] == "failed"
    assert "status ERROR" in entry["error"]


def test_a_waited_repository_reports_completed(tenant, capsys):
    result = run(aicore_repository, repository(tenant), capsys)
    assert only(result, "repositories")["status"] == "COMPLETED"
    assert run(aicore_repository_info, connection(tenant), capsys)["repositories"] == [
        {"name": "pipelines", "url": "https://github.com/example/pipelines", "status": "COMPLETED"}]


def test_waiting_for_a_degraded_application_fails_with_its_message(tenant, capsys):
    tenant.configure(application_errors={"workflows": "image pull failed"})
    result = run(aicore_application, application(tenant), capsys)
    assert result["failed"] and "image pull failed" in only(result, "applications")["error"]


def test_an_application_by_repository_name_is_compared_by_the_repository_url(tenant, capsys):
    run(aicore_repository, repository(tenant), capsys)
    by_name = dict(application(tenant), repository_name="pipelines")
    del by_name["repository_url"]
    created = only(run(aicore_application, by_name, capsys), "applications")
    assert created["action"] == "created" and created["sync_status"] == "Synced" and created["health_status"] == "Healthy"
    assert only(run(aicore_application, by_name, capsys), "applications")["action"] == "unchanged"


def test_an_application_of_a_repository_not_onboarded_fails_before_any_write(tenant, capsys):
    by_name = dict(application(tenant), repository_name="not-onboarded")
    del by_name["repository_url"]
    tenant.clear_log()
    result = run(aicore_application, by_name, capsys)
    assert result["failed"] and "not onboarded" in result["msg"] and writes(tenant) == []


def test_in_check_mode_an_application_of_a_repository_not_yet_onboarded_is_never_unchanged(tenant, capsys):
    """A play that onboards the repository in an earlier task: in check mode that repository does not exist yet."""
    by_name = dict(application(tenant), repository_name="onboarded-later")
    del by_name["repository_url"]
    assert only(run(aicore_application, by_name, capsys, check_mode=True), "applications")["action"] == "created"
    run(aicore_application, application(tenant), capsys)  # the application exists, by URL
    existing = only(run(aicore_application, by_name, capsys, check_mode=True), "applications")
    assert existing["action"] == "kept" and existing["not_compared"] == ["repository_name"]


def test_refresh_syncs_an_unchanged_application_and_waits_for_the_new_sync(tenant, capsys):
    tenant.configure(application_sync_delay=1.0)  # a sync the wait sees under way: the status before it is no answer
    run(aicore_application, application(tenant), capsys)
    refreshed = run(aicore_application, application(tenant, refresh=True), capsys)
    assert only(refreshed, "applications")["action"] == "refreshed" and refreshed["changed"]
    assert objects(tenant, "applications")["workflows"]["refreshes"] == 1
    assert only(refreshed, "applications")["sync_status"] == "Synced"


def test_info_modules_return_quota_and_status(tenant, capsys):
    run(aicore_application, application(tenant), capsys)
    apps = run(aicore_application_info, connection(tenant), capsys)
    assert apps["applications"][0]["name"] == "workflows" and apps["applications"][0]["health_status"] == "Healthy"
    assert apps["quota"]["used"] == 1 and apps["quota"]["maximum"] == 50
    run(aicore_docker_registry_secret, registry(tenant), capsys)
    secrets = run(aicore_docker_registry_secret_info, connection(tenant, name=["team-registry", "other"]), capsys)
    assert secrets["docker_registry_secrets"] == [{"name": "team-registry"}]
    assert no_write_only_value_in(secrets)


def test_a_docker_update_is_sent_as_a_merge_patch(tenant, capsys):
    run(aicore_docker_registry_secret, registry(tenant), capsys)
    tenant.clear_log()
    run(aicore_docker_registry_secret, registry(tenant, update_mode="always"), capsys)
    patches = [record for record in tenant.log() if record["method"] == "PATCH"]
    assert len(patches) == 1
    assert patches[0]["headers"].get("Content-Type", patches[0]["headers"].get("content-type")) == "application/merge-patch+json"


def test_many_names_in_one_task_are_reported_in_order(tenant, capsys):
    names = ["reg-%02d" % number for number in range(12)]
    result = run(aicore_docker_registry_secret, registry(tenant, name=names), capsys)
    assert [item["name"] for item in result["docker_registry_secrets"]] == names
    assert result["msg"] == "created 12 (12 Docker registry secrets)"
    deleted = run(aicore_docker_registry_secret, connection(tenant, name=names, state="absent"), capsys)
    assert deleted["msg"] == "deleted 12 (12 Docker registry secrets)"


@pytest.mark.parametrize("module, key", [(aicore_repository, "repositories"), (aicore_application, "applications"),
                                         (aicore_docker_registry_secret, "docker_registry_secrets")])
def test_a_404_at_a_wrong_api_path_is_never_reported_absent(tenant, capsys, module, key):
    result = run(module, connection(tenant, name="gone-for-sure", state="absent", api_url=tenant.url + "/v2/admin"), capsys)
    assert result["failed"] and "does not lead to the AI Core API" in only(result, key)["error"]


def test_a_create_whose_first_attempt_was_lost_at_the_gateway_is_created(tenant, capsys):
    """The 502 came after the work: the retry finds the name taken while the accepted create is still pending."""
    tenant.configure(admin_object_delay=1.0)
    tenant.add_fault({"action": "respond_after", "endpoint": "api", "method": "POST", "status": 502, "body": "bad gateway",
                      "content_type": "text/plain"})
    result = run(aicore_docker_registry_secret, registry(tenant, retries=2), capsys)
    assert only(result, "docker_registry_secrets")["action"] == "created" and result["changed"], result
    assert objects(tenant, "docker_registry_secrets")["team-registry"]["writes"] == 1


def test_the_quota_is_left_out_when_ai_core_fails_to_answer_it(tenant, capsys):
    tenant.add_fault({"action": "respond", "endpoint": "api", "method": "GET", "path": "/v2/admin/resourceQuota/.*", "status": 503, "times": -1})
    result = run(aicore_repository_info, connection(tenant, retries=0), capsys)
    assert not result.get("failed") and "quota" not in result and result["repositories"] == []


def test_an_object_store_secret_without_a_resource_group_is_refused_before_any_request(tenant, capsys, monkeypatch):
    monkeypatch.delenv("AICORE_RESOURCE_GROUP", raising=False)
    tenant.clear_log()
    args = object_store(tenant)
    del args["resource_group"]
    result = run(aicore_object_store_secret, args, capsys)
    assert result["failed"] and result["msg"] == "no scope: object store secrets live in a resource group; set resource_group (or AICORE_RESOURCE_GROUP)"
    assert tenant.log() == []
