# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of object store and Docker registry secrets, repositories and applications over HTTP:
life cycles, accepted (202) changes that show after a delay, statuses, quotas, the settings for
what SAP leaves open, and seeding and state through the control API."""

import itertools
import json
import re
import time

import pytest
import requests

from aicore_emulator import written_digest
from aicore_emulator.admin_kinds import is_docker_registry_name

STORES = "/v2/admin/objectStoreSecrets"
DOCKER = "/v2/admin/dockerRegistrySecrets"
REPOSITORIES = "/v2/admin/repositories"
APPLICATIONS = "/v2/admin/applications"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
POLL_LIMIT_SECONDS = 5
FOREVER_SECONDS = 600
STORE_DATA = {"AWS_ACCESS_KEY_ID": "access-id-value", "AWS_SECRET_ACCESS_KEY": "secret-key-value"}
DOCKER_CONFIG = '{"auths": {"registry.example": {"auth": "dXNlcjpwYXNz"}}}'
REPOSITORY_PASSWORD = "repository-token-value"


@pytest.fixture
def instant(emulator):
    """Accepted changes show, and syncs end, at once."""
    emulator.configure(admin_object_delay=0, repository_sync_delay=0, application_sync_delay=0)


def store_body(name="store-one", **fields):
    return {"name": name, "type": "S3", "data": STORE_DATA, **fields}


def docker_body(name="registry-one"):
    return {"name": name, "data": {".dockerconfigjson": DOCKER_CONFIG}}


def repository_body(name="repo-one", **fields):
    return {"name": name, "url": "https://git.example/one.git", "username": "reader", "password": REPOSITORY_PASSWORD, **fields}


def application_body(name="app-one", **fields):
    return {"applicationName": name, "repositoryUrl": "https://git.example/one.git", "revision": "HEAD", "path": "workflows", **fields}


def poll(read, wanted):
    """Call ``read`` until it returns ``wanted``; fails after POLL_LIMIT_SECONDS."""
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        value = read()
        if value == wanted:
            return
        assert time.monotonic() < deadline, f"still {value!r}, not {wanted!r}"
        time.sleep(0.05)


def error_code(answer):
    return answer.json()["error"]["code"]


def only(emulator, kind):
    [held] = emulator.admin_objects()[kind]
    return held


# --- object store secrets ---------------------------------------------------------------------

def test_object_store_secret_life_cycle(client, emulator, instant):
    created = client.call("POST", STORES, json=store_body(bucket="bucket-one", pathPrefix="runs", verifyssl="0"))
    assert created.status_code == 202 and created.json() == {"message": "Secret has been created"}
    fetched = client.call("GET", f"{STORES}/store-one")
    assert fetched.json() == {"name": "store-one", "metadata": {
        "storage.ai.sap.com/type": "S3", "storage.ai.sap.com/bucket": "bucket-one", "storage.ai.sap.com/pathPrefix": "runs",
        "serving.kubeflow.org/s3-verifyssl": "0", "serving.kubeflow.org/s3-usehttps": "1"}}

    changed = client.call("PATCH", f"{STORES}/store-one", json=store_body(bucket="bucket-two", region="eu"))
    assert changed.status_code == 202 and changed.json()["id"] == "store-one"
    metadata = client.call("GET", f"{STORES}/store-one").json()["metadata"]
    assert metadata["storage.ai.sap.com/bucket"] == "bucket-two" and metadata["serving.kubeflow.org/s3-region"] == "eu"
    assert "storage.ai.sap.com/pathPrefix" not in metadata  # PATCH carries the whole object
    assert only(emulator, "object_store_secrets")["writes"] == 2

    assert client.call("DELETE", f"{STORES}/store-one").status_code == 202
    missing = client.call("GET", f"{STORES}/store-one")
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "object store secret store-one not found"
    assert client.call("DELETE", f"{STORES}/store-one").status_code == 404
    assert client.call("PATCH", f"{STORES}/store-one", json=store_body()).status_code == 404


def test_accepted_changes_show_after_the_delay(client, emulator):
    emulator.configure(admin_object_delay=FOREVER_SECONDS)
    assert client.call("POST", STORES, json=store_body("slow")).status_code == 202
    assert client.call("GET", f"{STORES}/slow").status_code == 404
    assert client.call("GET", STORES).json() == {"count": 0, "resources": []}
    held = only(emulator, "object_store_secrets")
    assert (held["visible"], held["pending"], held["writes"]) == (False, True, 1)
    # the name is taken while the creation is pending
    assert error_code(client.call("POST", STORES, json=store_body("slow"))) == "AlreadyExists"

    emulator.configure(admin_object_delay=2.0)  # long enough that the GET right after the DELETE comes first, even on a loaded machine
    client.call("POST", DOCKER, json=docker_body("quick"))
    poll(lambda: client.call("GET", f"{DOCKER}/quick").status_code, 200)
    client.call("DELETE", f"{DOCKER}/quick")
    assert client.call("GET", f"{DOCKER}/quick").status_code == 200  # still there until the delay is over
    poll(lambda: client.call("GET", f"{DOCKER}/quick").status_code, 404)
    assert emulator.admin_objects()["docker_registry_secrets"] == []


def test_object_store_secrets_live_in_the_resource_group_of_the_header(client, emulator, instant):
    client.call("POST", STORES, json=store_body("in-default"))
    client.call("POST", STORES, {"AI-Resource-Group": "team-b"}, json=store_body("in-team-b"))
    assert [item["name"] for item in client.call("GET", STORES, {"AI-Resource-Group": "default"}).json()["resources"]] == ["in-default"]
    assert [item["name"] for item in client.call("GET", STORES, {"AI-Resource-Group": "team-b"}).json()["resources"]] == ["in-team-b"]
    assert client.call("GET", f"{STORES}/in-default", {"AI-Resource-Group": "team-b"}).status_code == 404
    assert error_code(client.call("GET", STORES, {"AI-Tenant-Scope": "true"})) == "InvalidScope"
    groups = {item["name"]: item["resource_group"] for item in emulator.admin_objects()["object_store_secrets"]}
    assert groups == {"in-default": "default", "in-team-b": "team-b"}


@pytest.mark.parametrize("setting, status, body", [
    ("404", 404, "object store secret x not found"),
    ("400", 400, "resource group 'nowhere' does not exist"),
    ("403", 403, "RBAC: access denied"),
])
def test_an_unknown_resource_group_gets_what_the_setting_says(client, emulator, setting, status, body):
    emulator.configure(unknown_resource_group=setting)
    answer = client.call("GET", f"{STORES}/x", {"AI-Resource-Group": "nowhere"})
    assert answer.status_code == status and body in answer.text
    assert client.call("GET", STORES, {"AI-Resource-Group": "nowhere"}).status_code == status


def test_object_store_secrets_go_with_their_resource_group(client, emulator, instant):
    client.call("POST", "/v2/admin/resourceGroups", json={"resourceGroupId": "short-lived"})
    client.call("POST", STORES, {"AI-Resource-Group": "short-lived"}, json=store_body())
    client.call("DELETE", "/v2/admin/resourceGroups/short-lived")
    assert emulator.admin_objects()["object_store_secrets"] == []


@pytest.mark.parametrize("body, code", [
    (store_body("Upper"), "InvalidName"),
    (store_body("a" * 234), "InvalidName"),
    (store_body("dot-.dash"), "InvalidName"),
    (store_body(verifyssl="true"), "InvalidField"),
    (store_body(usehttps=1), "InvalidField"),
    ({"name": "no-data", "type": "S3"}, "MissingField"),
    (store_body(data={}), "InvalidData"),
    (store_body(data={"key": 1}), "InvalidData"),
    (store_body(secret="x"), "UnknownField"),
])
def test_object_store_bodies_outside_the_rules_get_400(client, body, code):
    answer = client.call("POST", STORES, json=body)
    assert answer.status_code == 400 and error_code(answer) == code


def test_object_store_patch_needs_the_whole_object_under_its_own_name(client, emulator, instant):
    client.call("POST", STORES, json=store_body())
    assert error_code(client.call("PATCH", f"{STORES}/store-one", json={"name": "store-one", "type": "S3"})) == "MissingField"
    assert error_code(client.call("PATCH", f"{STORES}/store-one", json=store_body("other"))) == "InvalidField"
    assert only(emulator, "object_store_secrets")["writes"] == 1


def test_object_store_answers_can_be_bare_or_carry_the_kubernetes_name(client, emulator, instant):
    client.call("POST", STORES, json=store_body())
    emulator.configure(object_store_metadata="none")
    assert client.call("GET", f"{STORES}/store-one").json() == {"name": "store-one"}
    emulator.configure(object_store_name_suffix=True)
    assert client.call("GET", STORES).json()["resources"] == [{"name": "store-one-object-store-secret"}]


@pytest.mark.parametrize("status", [400, 409])
def test_duplicate_secrets_and_applications_get_the_configured_status(client, emulator, instant, status):
    emulator.configure(admin_duplicate_status=status)
    for path, body in ((STORES, store_body()), (DOCKER, docker_body()), (APPLICATIONS, application_body())):
        client.call("POST", path, json=body)
        answer = client.call("POST", path, json=body)
        assert answer.status_code == status and error_code(answer) == "AlreadyExists", path


def test_without_the_setting_a_duplicate_gets_400_the_answer_hardest_to_tell_from_bad_input(client, instant):
    client.call("POST", DOCKER, json=docker_body())
    answer = client.call("POST", DOCKER, json=docker_body())
    assert answer.status_code == 400 and error_code(answer) == "AlreadyExists"


# --- Docker registry secrets ------------------------------------------------------------------

def test_docker_registry_secret_life_cycle(client, emulator, instant):
    assert client.call("POST", DOCKER, json=docker_body()).status_code == 202
    assert client.call("GET", f"{DOCKER}/registry-one").json() == {"name": "registry-one"}
    data = {"data": {".dockerconfigjson": DOCKER_CONFIG}}
    # the reference lists only application/merge-patch+json for this PATCH
    assert error_code(client.call("PATCH", f"{DOCKER}/registry-one", json=data)) == "InvalidContentType"
    changed = client.call("PATCH", f"{DOCKER}/registry-one", MERGE_PATCH, data=json.dumps(data))
    assert changed.status_code == 202 and changed.json()["id"] == "registry-one"
    held = only(emulator, "docker_registry_secrets")
    assert held["writes"] == 2 and held["sha256"] == written_digest(DOCKER_CONFIG)
    assert held["config_sha256"] == written_digest(json.loads(DOCKER_CONFIG)) and held["registries"] == ["registry.example"]
    assert client.call("DELETE", f"{DOCKER}/registry-one").status_code == 202
    assert client.call("DELETE", f"{DOCKER}/registry-one").status_code == 404


@pytest.mark.parametrize("data", [{}, {".dockerconfigjson": ""}, {".dockerconfigjson": "{}", "extra": "x"}, {"config": "{}"}, "text"])
def test_docker_data_must_be_exactly_a_dockerconfigjson(client, data):
    answer = client.call("POST", DOCKER, json={"name": "registry-one", "data": data})
    assert answer.status_code == 400 and error_code(answer) == "InvalidData"


def test_docker_name_check_agrees_with_sap_pattern_on_every_short_name():
    sap = re.compile(r"^[a-z0-9](?:_?[a-z0-9\.\-]+)*[a-z0-9]$")
    for length in range(1, 6):
        for letters in itertools.product("a_.-", repeat=length):
            name = "".join(letters)
            assert is_docker_registry_name(name) == bool(sap.match(name)), name
    assert is_docker_registry_name("a" * 63) and not is_docker_registry_name("a" * 64)


# --- repositories -----------------------------------------------------------------------------

def test_repository_life_cycle_with_status(client, emulator):
    emulator.configure(repository_sync_delay=0.2)
    created = client.call("POST", REPOSITORIES, json=repository_body())
    assert created.status_code == 200 and created.json() == {"id": "repo-one", "message": "Repository has been on-boarded"}
    assert client.call("GET", f"{REPOSITORIES}/repo-one").json() == {"name": "repo-one", "url": "https://git.example/one.git", "status": "IN-PROGRESS"}
    poll(lambda: client.call("GET", f"{REPOSITORIES}/repo-one").json()["status"], "COMPLETED")

    duplicate = client.call("POST", REPOSITORIES, json=repository_body())
    assert duplicate.status_code == 409 and error_code(duplicate) == "AlreadyExists"
    assert error_code(client.call("PATCH", f"{REPOSITORIES}/repo-one", json={"url": "https://elsewhere"})) == "MissingField"
    changed = client.call("PATCH", f"{REPOSITORIES}/repo-one", json={"username": "reader", "password": "new-token-value"})
    assert changed.status_code == 200
    assert client.call("GET", f"{REPOSITORIES}/repo-one").json()["status"] == "IN-PROGRESS"
    held = only(emulator, "repositories")
    assert held["writes"] == 2 and held["sha256"] == written_digest("new-token-value") and held["fields"]["username"] == "reader"

    assert client.call("DELETE", f"{REPOSITORIES}/repo-one").status_code == 200
    assert client.call("GET", f"{REPOSITORIES}/repo-one").status_code == 404
    assert client.call("DELETE", f"{REPOSITORIES}/repo-one").status_code == 404


def test_repositories_end_in_error_by_name_or_all(client, emulator, instant):
    emulator.configure(repository_errors={"broken": "authentication required"})
    client.call("POST", REPOSITORIES, json=repository_body("broken"))
    client.call("POST", REPOSITORIES, json=repository_body("fine"))
    assert client.call("GET", f"{REPOSITORIES}/broken").json() == {
        "name": "broken", "url": "https://git.example/one.git", "status": "ERROR", "message": "authentication required"}
    assert client.call("GET", f"{REPOSITORIES}/fine").json()["status"] == "COMPLETED"
    emulator.configure(repository_errors={"*": "unreachable"})
    client.call("PATCH", f"{REPOSITORIES}/fine", json={"username": "u", "password": "p"})
    assert client.call("GET", f"{REPOSITORIES}/fine").json()["message"] == "unreachable"


@pytest.mark.parametrize("name", ["", "UPPER", "under_score", "a" * 52])
def test_repository_names_outside_the_rule_get_400(client, name):
    assert error_code(client.call("POST", REPOSITORIES, json=repository_body(name))) == "InvalidName"


# --- applications -----------------------------------------------------------------------------

def test_application_life_cycle_with_sync_status_and_refresh(client, emulator):
    emulator.configure(application_sync_delay=0.2)
    created = client.call("POST", APPLICATIONS, json=application_body())
    assert created.status_code == 200 and created.json()["id"] == "app-one"
    assert client.call("GET", f"{APPLICATIONS}/app-one").json() == application_body()
    status = client.call("GET", f"{APPLICATIONS}/app-one/status").json()
    assert (status["syncStatus"], status["healthStatus"]) == ("OutOfSync", "Progressing")
    assert status["source"] == {"repoURL": "https://git.example/one.git", "path": "workflows", "revision": "HEAD"}

    def sync_and_health():
        answer = client.call("GET", f"{APPLICATIONS}/app-one/status").json()
        return answer["syncStatus"], answer["healthStatus"]

    poll(sync_and_health, ("Synced", "Healthy"))
    refreshed = client.call("POST", f"{APPLICATIONS}/app-one/refresh")
    assert refreshed.status_code == 202 and refreshed.json()["message"] == "Refresh of ArgoCD application has been scheduled"
    assert sync_and_health() == ("OutOfSync", "Progressing")
    assert only(emulator, "applications")["refreshes"] == 1

    changed = client.call("PATCH", f"{APPLICATIONS}/app-one", json={"repositoryUrl": "https://git.example/one.git", "revision": "v2", "path": "serving"})
    assert changed.status_code == 200
    assert client.call("GET", f"{APPLICATIONS}/app-one").json()["revision"] == "v2"
    assert only(emulator, "applications")["writes"] == 2
    assert client.call("DELETE", f"{APPLICATIONS}/app-one").status_code == 200
    for path in ("", "/status"):
        assert client.call("GET", f"{APPLICATIONS}/app-one{path}").status_code == 404
    assert client.call("POST", f"{APPLICATIONS}/app-one/refresh").status_code == 404


def test_an_application_can_be_made_to_end_degraded(client, emulator, instant):
    emulator.configure(application_errors={"app-one": "ServingTemplate invalid"})
    client.call("POST", APPLICATIONS, json=application_body())
    status = client.call("GET", f"{APPLICATIONS}/app-one/status").json()
    assert (status["syncStatus"], status["healthStatus"], status["message"]) == ("Synced", "Degraded", "ServingTemplate invalid")


def test_an_application_by_repository_name_needs_that_repository(client, instant):
    by_name = application_body(repositoryName="repo-one")
    del by_name["repositoryUrl"]
    assert error_code(client.call("POST", APPLICATIONS, json=by_name)) == "RepositoryNotFound"
    client.call("POST", REPOSITORIES, json=repository_body())
    assert client.call("POST", APPLICATIONS, json=by_name).status_code == 200
    assert client.call("GET", f"{APPLICATIONS}/app-one").json()["repositoryUrl"] == "https://git.example/one.git"
    both = application_body("app-two", repositoryName="repo-one")
    assert error_code(client.call("POST", APPLICATIONS, json=both)) == "InvalidField"


@pytest.mark.parametrize("name", ["ab", "a" * 55, "Upper-case"])
def test_application_names_outside_the_body_rule_get_400(client, name):
    assert error_code(client.call("POST", APPLICATIONS, json=application_body(name))) == "InvalidName"


# --- lists, quotas, answers ---------------------------------------------------------------------

def test_lists_page_by_top_and_skip_with_count_on_request(client, emulator, instant):
    for number in range(5):
        client.call("POST", DOCKER, json=docker_body(f"registry-{number}"))
    first = client.call("GET", DOCKER, params={"$top": "2"}).json()
    rest = client.call("GET", DOCKER, params={"$skip": "2", "$count": "true"}).json()
    assert first["count"] == 2 and rest["count"] == 5
    assert [item["name"] for item in first["resources"] + rest["resources"]] == [f"registry-{number}" for number in range(5)]
    emulator.configure(page_cap=3)
    assert len(client.call("GET", DOCKER).json()["resources"]) == 3
    assert error_code(client.call("GET", DOCKER, params={"$top": "-1"})) == "InvalidQuery"


@pytest.mark.parametrize("path, setting, body", [
    (REPOSITORIES, "repository_quota", repository_body),
    (APPLICATIONS, "application_quota", application_body),
    (DOCKER, "docker_registry_secret_quota", docker_body),
])
def test_quotas_refuse_one_too_many_and_report_usage(client, emulator, instant, path, setting, body):
    emulator.configure(**{setting: 1})
    client.call("POST", path, json=body("first-one"))
    refused = client.call("POST", path, json=body("second-one"))
    assert refused.status_code == 409 and error_code(refused) == "QuotaExceeded"
    quota_path = "/v2/admin/resourceQuota/" + path.rsplit("/", 1)[1]
    assert client.call("GET", quota_path).json() == {"quota": {"maxCount": 1}, "usage": {"count": 1}}
    assert client.call("GET", quota_path, params={"quotaOnly": "true"}).json() == {"quota": {"maxCount": 1}}


def test_write_only_values_never_appear_in_answers_and_requests_are_logged(client, emulator, instant):
    client.call("POST", STORES, json=store_body())
    client.call("POST", DOCKER, json=docker_body())
    client.call("POST", REPOSITORIES, json=repository_body())
    answers = [client.call("GET", path).text + client.call("GET", f"{path}/{name}").text
               for path, name in ((STORES, "store-one"), (DOCKER, "registry-one"), (REPOSITORIES, "repo-one"))]
    state = requests.get(f"{emulator.url}/_emulator/state", timeout=10).json()
    for secret in (*STORE_DATA.values(), "dXNlcjpwYXNz", REPOSITORY_PASSWORD):
        assert all(secret not in text for text in answers) and secret not in json.dumps({k: v for k, v in state.items() if k != "requests"})
    logged = [(record["method"], record["path"], record["status"]) for record in emulator.log()]
    assert ("POST", STORES, 202) in logged and ("GET", f"{REPOSITORIES}/repo-one", 200) in logged


def test_unknown_methods_and_actions(client):
    assert client.call("PUT", f"{REPOSITORIES}/x").status_code == 405
    assert client.call("GET", f"{REPOSITORIES}/x/status").status_code == 404  # only applications have /status


# --- control API --------------------------------------------------------------------------------

def test_setup_seeds_every_kind_and_state_reports_them_without_values(emulator, client):
    seed = {
        "object_store_secrets": [dict(store_body(bucket="b"), resource_group="seeded-group")],
        "docker_registry_secrets": [docker_body()],
        "repositories": [repository_body(), dict(repository_body("failed"), error="no access")],
        "applications": [application_body()],
    }
    answer = requests.post(f"{emulator.url}/_emulator/setup", json={"seed": seed}, timeout=10)
    assert answer.status_code == 200 and answer.json()["seeded"] == 5
    state = requests.get(f"{emulator.url}/_emulator/state", timeout=10).json()
    store = state["object_store_secrets"][0]
    assert (store["resource_group"], store["fields"], store["writes"]) == ("seeded-group", {"type": "S3", "bucket": "b"}, 0)
    assert store["sha256"] == written_digest(STORE_DATA) and store["data_keys"] == sorted(STORE_DATA)
    assert [(item["name"], item["error"]) for item in state["repositories"]] == [("repo-one", None), ("failed", "no access")]
    assert state["applications"][0]["settled"] is True and state["docker_registry_secrets"][0]["visible"] is True
    # seeded objects are there at once, whatever the delays
    assert client.call("GET", f"{STORES}/store-one", {"AI-Resource-Group": "seeded-group"}).status_code == 200
    assert client.call("GET", f"{REPOSITORIES}/failed").json()["status"] == "ERROR"
    assert client.call("GET", f"{APPLICATIONS}/app-one/status").json()["healthStatus"] == "Healthy"

    requests.post(f"{emulator.url}/_emulator/reset", timeout=10)
    assert all(objects == [] for objects in emulator.admin_objects().values())


@pytest.mark.parametrize("seed", [
    {"repositories": [repository_body("Bad_Name")]},
    {"repositories": [dict(repository_body(), resource_group="x")]},
    {"applications": [dict(application_body(), repositoryName="r")]},
    {"object_store_secrets": {"name": "not-a-list"}},
    {"docker_registry_secrets": [docker_body()], "repositories": [repository_body(password=1)]},
])
def test_bad_seeds_get_400_and_nothing_is_seeded(emulator, seed):
    answer = requests.post(f"{emulator.url}/_emulator/seed", json=seed, timeout=10)
    assert answer.status_code == 400
    assert all(objects == [] for objects in emulator.admin_objects().values())


def test_settings_are_checked(emulator):
    for bad in ({"admin_duplicate_status": 404}, {"object_store_metadata": "all"}, {"repository_errors": {"x": ""}},
                {"application_errors": ["x"]}, {"admin_object_delay": -1}, {"repository_quota": -1}):
        assert requests.post(f"{emulator.url}/_emulator/config", json=bad, timeout=10).status_code == 400, bad
