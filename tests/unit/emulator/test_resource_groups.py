# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of the emulator's tenant model: resource groups, what a secrets request in a group
that does not exist gets, the read shapes SAP documents two ways, and ``respond_after``."""

import time

import pytest
import requests

from .conftest import SECRETS, STARTUP_RESOURCE_GROUPS, TIMEOUT

GROUPS = "/v2/admin/resourceGroups"
LABEL_KEY = "ext.ai.sap.com/team"
TENANT_WIDE = {"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"}
# Long enough that a test never sees it end; short delays are waited for with POLL_LIMIT.
FOREVER_SECONDS = 600
POLL_LIMIT_SECONDS = 5


def group_ids(answer):
    """The ids in a list answer."""
    return [group["resourceGroupId"] for group in answer.json()["resources"]]


def wait_for_status(client, group_id, wanted):
    """Poll GET until the group's status is ``wanted`` (or it is gone, for ``wanted`` None)."""
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        answer = client.call("GET", f"{GROUPS}/{group_id}")
        status = answer.json()["status"] if answer.status_code == 200 else None
        if status == wanted:
            return
        assert time.monotonic() < deadline, f"{group_id} still {status}, not {wanted}"
        time.sleep(0.05)


# --- the resource groups API ---------------------------------------------------------------

def test_the_tenant_starts_with_default_and_the_startup_groups(client):
    answer = client.call("GET", GROUPS)
    assert answer.status_code == 200
    assert group_ids(answer) == ["default", *STARTUP_RESOURCE_GROUPS]
    assert answer.json()["count"] == 1 + len(STARTUP_RESOURCE_GROUPS)


def test_create_answers_202_and_get_shows_the_documented_fields(client):
    labels = [{"key": LABEL_KEY, "value": "ml"}]
    answer = client.call("POST", GROUPS, json={"resourceGroupId": "team-ml", "labels": labels})
    assert answer.status_code == 202
    assert answer.json()["resourceGroupId"] == "team-ml" and {"tenantId", "zoneId"} <= set(answer.json())
    details = client.call("GET", f"{GROUPS}/team-ml").json()
    assert set(details) == {"resourceGroupId", "tenantId", "zoneId", "createdAt", "labels", "status", "statusMessage", "annotations"}
    assert (details["labels"], details["status"]) == (labels, "PROVISIONED")


def test_provisioning_takes_the_configured_delay(emulator, client):
    emulator.configure(resource_group_provisioning_delay=FOREVER_SECONDS)
    client.call("POST", GROUPS, json={"resourceGroupId": "slow-one"})
    assert client.call("GET", f"{GROUPS}/slow-one").json()["status"] == "PROVISIONING"
    emulator.configure(resource_group_provisioning_delay=0.2)
    client.call("POST", GROUPS, json={"resourceGroupId": "quick-one"})
    wait_for_status(client, "quick-one", "PROVISIONED")


def test_a_group_can_be_made_to_end_in_error(emulator, client):
    emulator.configure(resource_group_error="quota of nodes exceeded")
    client.call("POST", GROUPS, json={"resourceGroupId": "broken"})
    details = client.call("GET", f"{GROUPS}/broken").json()
    assert (details["status"], details["statusMessage"]) == ("ERROR", "quota of nodes exceeded")


def test_delete_answers_202_and_takes_the_secrets_with_the_group(emulator, client):
    emulator.seed("rg:doomed", [{"name": "inside", "plain_data": {"k": "v"}}])
    answer = client.call("DELETE", f"{GROUPS}/doomed")
    assert answer.status_code == 202 and answer.json()["id"] == "doomed"
    assert client.call("GET", f"{GROUPS}/doomed").status_code == 404
    assert "rg:doomed" not in emulator.store()
    assert client.call("DELETE", f"{GROUPS}/doomed").status_code == 404


def test_a_deleted_group_stays_until_the_deletion_delay_is_over(emulator, client):
    emulator.seed("rg:leaving", [{"name": "inside", "plain_data": {"k": "v"}}])
    emulator.configure(resource_group_deletion_delay=FOREVER_SECONDS)
    client.call("DELETE", f"{GROUPS}/leaving")
    assert client.call("GET", f"{GROUPS}/leaving").json()["status"] == "PROVISIONED"
    assert [group["deleting"] for group in emulator.resource_groups() if group["resourceGroupId"] == "leaving"] == [True]
    assert client.secrets("GET", "leaving", "/inside").status_code == 200
    emulator.configure(resource_group_deletion_delay=0.2)
    client.call("POST", GROUPS, json={"resourceGroupId": "short-lived"})
    client.call("DELETE", f"{GROUPS}/short-lived")
    wait_for_status(client, "short-lived", None)


def test_duplicate_create_gets_409_and_default_cannot_be_deleted(client):
    assert client.call("POST", GROUPS, json={"resourceGroupId": "default"}).status_code == 409
    assert client.call("DELETE", f"{GROUPS}/default").status_code == 400


@pytest.mark.parametrize("group_id", ["ab", "x-", "-x1", "team_a", "a" * 254, "with space", ".abc"])
def test_ids_outside_sap_rule_get_400(client, group_id):
    answer = client.call("POST", GROUPS, json={"resourceGroupId": group_id})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "InvalidResourceGroupId"


@pytest.mark.parametrize("group_id", ["abc", "a.b-c", "A1" * 126 + "Z", "1-2"])
def test_ids_within_sap_rule_are_taken(client, group_id):
    assert client.call("POST", GROUPS, json={"resourceGroupId": group_id}).status_code == 202


def test_patch_replaces_the_labels(client):
    client.call("POST", GROUPS, json={"resourceGroupId": "relabel", "labels": [{"key": LABEL_KEY, "value": "a"}]})
    new = [{"key": "ext.ai.sap.com/owner", "value": "b"}]
    assert client.call("PATCH", f"{GROUPS}/relabel", json={"labels": new}).status_code == 202
    assert client.call("GET", f"{GROUPS}/relabel").json()["labels"] == new
    assert client.call("PATCH", f"{GROUPS}/nowhere", json={"labels": new}).status_code == 404


def test_list_filters_by_label_selector(emulator, client):
    for group_id, team in (("ml-one", "ml"), ("ml-two", "ml"), ("web-one", "web")):
        client.call("POST", GROUPS, json={"resourceGroupId": group_id, "labels": [{"key": LABEL_KEY, "value": team}]})
    client.call("PATCH", f"{GROUPS}/ml-two", json={"labels": [{"key": LABEL_KEY, "value": "ml"}, {"key": "ext.ai.sap.com/tier", "value": "gpu"}]})

    def selected(selector):
        return group_ids(client.call("GET", GROUPS, params={"labelSelector": selector}))

    assert selected(f"{LABEL_KEY}=ml") == ["ml-one", "ml-two"]
    assert selected(f"{LABEL_KEY}=ml,ext.ai.sap.com/tier=gpu") == ["ml-two"]
    assert selected(f"{LABEL_KEY}!=ml") == ["default", *STARTUP_RESOURCE_GROUPS, "web-one"]
    assert selected("ext.ai.sap.com/tier") == ["ml-two"]
    assert client.call("GET", GROUPS, params={"labelSelector": "a=b=c"}).status_code == 400


def test_list_pages_with_top_skip_and_count(client):
    for number in range(4):
        client.call("POST", GROUPS, json={"resourceGroupId": f"page-{number}"})
    before = 1 + len(STARTUP_RESOURCE_GROUPS)
    answer = client.call("GET", GROUPS, params={"$top": 2, "$skip": before + 1, "$count": "true"})
    assert group_ids(answer) == ["page-1", "page-2"]
    assert answer.json()["count"] == before + 4
    assert client.call("GET", GROUPS, params={"$top": 2}).json()["count"] == 2


def test_quota_is_enforced_and_reported(emulator, client):
    emulator.configure(resource_group_quota=len(emulator.startup_resource_groups) + 1)
    assert client.call("POST", GROUPS, json={"resourceGroupId": "last-one"}).status_code == 202
    assert client.call("POST", GROUPS, json={"resourceGroupId": "one-more"}).status_code == 409
    quota = client.call("GET", "/v2/admin/resourceQuota/resourceGroups").json()
    assert quota == {"quota": {"maxCount": len(emulator.startup_resource_groups) + 1}, "usage": {"count": len(emulator.startup_resource_groups) + 1}}


def test_forbidden_setting_refuses_every_group_request_in_plain_text(emulator, client):
    emulator.configure(resource_groups_forbidden=True)
    for method, path in (("GET", GROUPS), ("GET", f"{GROUPS}/default"), ("POST", GROUPS), ("GET", "/v2/admin/resourceQuota/resourceGroups")):
        answer = client.call(method, path, json={"resourceGroupId": "nope"} if method == "POST" else None)
        assert (answer.status_code, answer.text, answer.headers["Content-Type"]) == (403, "RBAC: access denied", "text/plain; charset=utf-8")
    assert client.secrets("GET", "default").status_code == 200


def test_group_requests_need_a_token(emulator):
    assert requests.get(f"{emulator.url}{GROUPS}", timeout=TIMEOUT).status_code == 403
    assert requests.get(f"{emulator.url}{GROUPS}", headers={"Authorization": "Bearer nope"}, timeout=TIMEOUT).status_code == 401


# --- start-up groups, seeding, reset, control ----------------------------------------------

def test_seeding_creates_groups_and_reset_returns_to_the_startup_groups(emulator, client):
    emulator.seed("rg:seeded-group", [{"name": "a", "plain_data": {"k": "v"}}])
    emulator.seed_document({"resource_groups": ["empty-one"]})
    client.call("POST", GROUPS, json={"resourceGroupId": "made-by-api"})
    assert {"seeded-group", "empty-one", "made-by-api"} <= set(group_ids(client.call("GET", GROUPS)))
    emulator.reset()
    assert group_ids(client.call("GET", GROUPS)) == ["default", *STARTUP_RESOURCE_GROUPS]
    assert emulator.store() == {}


def test_control_api_lists_groups_and_seeds_them(emulator):
    seeded = requests.post(f"{emulator.url}/_emulator/seed", json=[{"resource_groups": ["via-http"]}], timeout=TIMEOUT)
    assert seeded.json() == {"ok": True, "seeded": 0}
    listed = requests.get(f"{emulator.url}/_emulator/resource_groups", timeout=TIMEOUT).json()["resource_groups"]
    assert [group["resourceGroupId"] for group in listed][-1] == "via-http"
    bad = requests.post(f"{emulator.url}/_emulator/seed", json={"resource_groups": ["bad group"]}, timeout=TIMEOUT)
    assert bad.status_code == 400


# --- secrets in a group that does not exist ------------------------------------------------

def test_unknown_group_gets_the_same_404_as_a_missing_secret_by_default(client):
    missing_secret = client.secrets("GET", "default", "/db-password")
    for method in ("GET", "DELETE", "PATCH"):
        answer = client.secrets(method, "taem-a", "/db-password", json={"data": {"k": "dg=="}} if method == "PATCH" else None)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == missing_secret.json()["error"]["code"]
        assert answer.json()["error"]["message"] == missing_secret.json()["error"]["message"]
        assert "taem" not in answer.text
    for answer in (client.secrets("GET", "taem-a"), client.create_secret("taem-a", "x")):
        assert answer.status_code == 404 and answer.json()["error"]["message"] == "resource not found"
    assert client.create_secret("team-b", "x").status_code == 200


def test_unknown_group_answer_400_names_the_group(emulator, client):
    emulator.configure(unknown_resource_group="400")
    answer = client.secrets("DELETE", "taem-a", "/db-password")
    assert answer.status_code == 400 and "taem-a" in answer.json()["error"]["message"]


def test_unknown_group_answer_403_is_gateway_plain_text(emulator, client):
    emulator.configure(unknown_resource_group=403)
    answer = client.secrets("GET", "taem-a")
    assert (answer.status_code, answer.text, answer.headers["Content-Type"]) == (403, "RBAC: access denied", "text/plain; charset=utf-8")
    assert emulator.config()["unknown_resource_group"] == "403"


def test_tenant_scopes_do_not_depend_on_groups(emulator, client):
    emulator.configure(unknown_resource_group="400")
    assert client.call("GET", SECRETS, {"AI-Tenant-Scope": "true"}).status_code == 200
    assert client.call("GET", SECRETS, TENANT_WIDE).status_code == 200


def test_a_group_being_provisioned_already_takes_secrets(emulator, client):
    emulator.configure(resource_group_provisioning_delay=FOREVER_SECONDS)
    client.call("POST", GROUPS, json={"resourceGroupId": "new-team"})
    assert client.create_secret("new-team", "early").status_code == 200


@pytest.mark.parametrize("path", ["/v2/admin/v2/admin/secrets/x", "/api/v2/admin/secrets/x", "/v2/lm/secrets/x", "/v2/admin/resourceGroup/default"])
def test_paths_the_api_does_not_have_get_404(client, path):
    assert client.call("DELETE", path, {"AI-Resource-Group": "default"}).status_code == 404


@pytest.mark.parametrize("value", ["401", 500, "", None])
def test_bad_unknown_group_answers_are_refused(emulator, value):
    with pytest.raises(ValueError):
        emulator.configure(unknown_resource_group=value)


# --- read shapes and content type ----------------------------------------------------------

def test_labels_shape_object(emulator, client):
    client.create_secret("default", "labelled", labels=[{"key": LABEL_KEY, "value": "a"}])
    assert client.secrets("GET", "default", "/labelled").json()["labels"] == [{"key": LABEL_KEY, "value": "a"}]
    emulator.configure(labels_shape="object")
    assert client.secrets("GET", "default", "/labelled").json()["labels"] == {LABEL_KEY: "a"}
    assert client.secrets("GET", "default").json()["resources"][0]["labels"] == {LABEL_KEY: "a"}


def test_sync_status_field_name_and_groups(emulator, client):
    client.call("POST", SECRETS, TENANT_WIDE, json={"name": "shared", "data": {"k": "dg=="}})
    details = client.call("GET", f"{SECRETS}/shared", TENANT_WIDE).json()
    assert details["resourceGroupSecretsSyncStatus"] == dict.fromkeys(["default", *STARTUP_RESOURCE_GROUPS], True)
    emulator.configure(sync_status_field="resourceGroupSecretReplicationStatus")
    details = client.call("GET", f"{SECRETS}/shared", TENANT_WIDE).json()
    assert "resourceGroupSecretsSyncStatus" not in details and details["resourceGroupSecretReplicationStatus"]["default"] is True


def test_json_charset_setting(emulator, client):
    assert client.secrets("GET", "default").headers["Content-Type"] == "application/json; charset=utf-8"
    emulator.configure(json_charset=False)
    assert client.secrets("GET", "default").headers["Content-Type"] == "application/json"


# --- respond_after -------------------------------------------------------------------------

@pytest.mark.parametrize("status", [502, 504])
def test_respond_after_does_the_work_then_answers_the_gateway_error(emulator, client, status):
    emulator.seed("rg:default", [{"name": "victim", "plain_data": {"k": "v"}}])
    emulator.add_fault({"action": "respond_after", "method": "DELETE", "status": status, "body": "<html>Bad Gateway</html>"})
    answer = client.secrets("DELETE", "default", "/victim")
    assert (answer.status_code, answer.text) == (status, "<html>Bad Gateway</html>")
    assert "victim" not in emulator.store("rg:default")
    assert emulator.log()[-1]["fault"] == "respond_after"
    assert client.secrets("DELETE", "default", "/victim").status_code == 404


# --- Prefer: maxpagesize with continueToken ------------------------------------------------

def test_maxpagesize_pages_follow_the_link_header(client):
    for number in range(5):
        client.call("POST", GROUPS, json={"resourceGroupId": f"paged-{number}"})
    seen, path, pages = [], GROUPS, 0
    while path:
        answer = client.call("GET", path, {"Prefer": "maxpagesize=3"})
        assert answer.status_code == 200 and len(answer.json()["resources"]) <= 3
        seen += group_ids(answer)
        link = answer.headers.get("Link")
        path = link[1:link.index(">")] if link else None
        pages += 1
    total = 1 + len(STARTUP_RESOURCE_GROUPS) + 5
    assert seen == ["default", *STARTUP_RESOURCE_GROUPS, *[f"paged-{number}" for number in range(5)]]
    assert pages == -(-total // 3)


def test_an_unknown_continue_token_gets_410(client):
    answer = client.call("GET", GROUPS, params={"continueToken": "not-a-token"})
    assert answer.status_code == 410 and answer.json()["error"]["code"] == "ResourceExpired"


def test_a_continued_page_holds_at_most_page_cap_groups(client, emulator):
    emulator.add_resource_groups(["capped-1", "capped-2"])
    emulator.configure(page_cap=2)
    answer = client.call("GET", GROUPS, {"Prefer": "maxpagesize=100"})
    assert len(answer.json()["resources"]) == 2 and "continueToken=" in answer.headers["Link"]


def test_without_maxpagesize_support_the_list_pages_by_top_and_skip(client, emulator):
    emulator.add_resource_groups(["skipped-1", "skipped-2"])
    emulator.configure(resource_group_maxpagesize=False, page_cap=2)
    answer = client.call("GET", GROUPS, {"Prefer": "maxpagesize=1"}, params={"$top": 5, "$skip": 1})
    assert "Link" not in answer.headers
    assert group_ids(answer) == [*STARTUP_RESOURCE_GROUPS, "skipped-1"]


def test_a_seeded_group_may_have_labels_and_a_creation_time(client, emulator):
    emulator.seed_document({"resource_groups": ["plain-seeded", {"id": "old-ci", "labels": [{"key": LABEL_KEY, "value": "ci"}],
                                                                 "createdAt": "2020-01-01T00:00:00Z"}]})
    details = client.call("GET", f"{GROUPS}/old-ci").json()
    assert details["labels"] == [{"key": LABEL_KEY, "value": "ci"}] and details["createdAt"] == "2020-01-01T00:00:00Z"
    assert client.call("GET", f"{GROUPS}/plain-seeded").json()["labels"] == []
