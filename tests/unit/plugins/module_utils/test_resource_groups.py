# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource groups (issue 14): the endpoints layer, the shared waiting helper, and both modules,
against the emulator over HTTP."""

import time

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._resource_groups import ResourceGroups
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings
from ansible_collections.sap_aicore.admin.plugins.module_utils._waiting import Deadline, wait_all
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_resource_group, aicore_resource_group_info

from .module_runner import connection, run_module

LABEL = "ext.ai.sap.com/team"


def groups_of(emulator):
    settings = resolve_settings(dict(api_url=emulator.url, auth_url=emulator.auth_url, client_id=emulator.client_id,
                                     client_secret=emulator.client_secret, service_key=None, token=None,
                                     validate_certs=True, ca_path=None, timeout=10, retries=0), {})
    return ResourceGroups(AICoreClient(settings, pool_size=4))


@pytest.fixture
def aicore_clean(aicore):
    aicore.reset()
    aicore.clear_log()
    yield aicore
    aicore.reset()


def api_requests(emulator, method=None):
    return [record for record in emulator.log() if record["endpoint"] == "api" and method in (None, record["method"])]


# --- the endpoints layer ----------------------------------------------------------------------

def test_create_read_relabel_delete(aicore_clean):
    groups = groups_of(aicore_clean)
    assert groups.get("rg-unit-1") is None
    assert groups.create("rg-unit-1", {LABEL: "ml"}) == "created"
    assert groups.get("rg-unit-1")["labels"] == [{"key": LABEL, "value": "ml"}]
    groups.set_labels("rg-unit-1", {LABEL: "data", "ext.ai.sap.com/tier": "gold"})
    assert {label["key"]: label["value"] for label in groups.get("rg-unit-1")["labels"]} == {LABEL: "data", "ext.ai.sap.com/tier": "gold"}
    assert groups.delete("rg-unit-1") == "deleted"
    assert groups.delete("rg-unit-1") == "absent"


def test_a_second_create_is_reported_as_existing(aicore_clean):
    groups = groups_of(aicore_clean)
    groups.create("rg-unit-2", {})
    assert groups.create("rg-unit-2", {}) == "exists"


def test_a_full_tenant_fails_the_create_with_ai_cores_words_and_the_quota(aicore_clean):
    aicore_clean.configure(resource_group_quota=len(aicore_clean.resource_groups()))
    with pytest.raises(AICoreError) as raised:
        groups_of(aicore_clean).create("rg-unit-3", {})
    assert "HTTP 409" in str(raised.value) and "QuotaExceeded" in str(raised.value) and "aicore_resource_group_info" in str(raised.value)


@pytest.mark.parametrize("maxpagesize", [True, False], ids=["continueToken", "top-skip"])
def test_the_listing_follows_either_paging_style_and_is_sorted(aicore_clean, maxpagesize):
    aicore_clean.add_resource_groups(["zz-last", "aa-first", "mm-middle"])
    aicore_clean.configure(page_cap=2, resource_group_maxpagesize=maxpagesize)
    aicore_clean.clear_log()
    listed = [group["resourceGroupId"] for group in groups_of(aicore_clean).list_all()]
    assert listed == sorted(group["resourceGroupId"] for group in aicore_clean.resource_groups())
    queries = [record["query"] for record in api_requests(aicore_clean)]
    assert len(queries) >= len(listed) // 2
    assert any("continueToken" in query for query in queries) == maxpagesize


def test_the_label_selector_is_the_apis(aicore_clean):
    groups = groups_of(aicore_clean)
    groups.create("rg-ml-1", {LABEL: "ml"})
    groups.create("rg-data-1", {LABEL: "data"})
    assert [group["resourceGroupId"] for group in groups.list_all(LABEL + "=ml")] == ["rg-ml-1"]


def test_quota_is_used_and_maximum_or_none_when_forbidden(aicore_clean):
    groups = groups_of(aicore_clean)
    assert groups.quota() == {"used": len(aicore_clean.resource_groups()), "maximum": 50}
    aicore_clean.configure(resource_groups_forbidden=True)
    assert groups.quota() is None


def test_the_secrets_of_a_group_are_listed_in_its_scope(aicore_clean):
    aicore_clean.seed("rg:rg-held", [{"name": "b-secret", "plain_data": {"k": "v"}}, {"name": "a-secret", "plain_data": {"k": "v"}}])
    groups = groups_of(aicore_clean)
    assert groups.get("rg-held") is not None
    aicore_clean.clear_log()
    assert groups.secret_names("rg-held") == ["a-secret", "b-secret"]
    assert {(record["method"], record["scope"]) for record in api_requests(aicore_clean)} == {("GET", "rg:rg-held")}


# --- the waiting helper -------------------------------------------------------------------------

class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_all_ends_each_item_when_it_is_finished():
    fake = FakeTime()
    finished_at = {"a": 0.0, "b": 1.0, "c": 3.0}
    results = wait_all(list(finished_at), lambda item: (fake.now >= finished_at[item], fake.now), Deadline(60, fake.clock), 4,
                       lambda item, seen: AICoreError("late"), sleep=fake.sleep)
    assert results["a"] == 0.0 and results["b"] >= 1.0 and results["c"] >= 3.0
    assert fake.sleeps[:3] == [0.5, 0.75, 1.125]  # the pause grows


def test_wait_all_stops_at_the_deadline_with_what_was_last_seen():
    fake = FakeTime()
    results = wait_all(["slow"], lambda item: (False, "PROVISIONING"), Deadline(5, fake.clock), 1,
                       lambda item, seen: AICoreError("%s still %s" % (item, seen)), sleep=fake.sleep)
    assert str(results["slow"]) == "slow still PROVISIONING"
    assert fake.now == 5  # the last round is at the deadline, not after it


def test_wait_all_keeps_an_error_of_one_item_to_that_item():
    def poll(item):
        if item == "bad":
            raise AICoreError("gone")
        return True, item
    results = wait_all(["good", "bad"], poll, Deadline(5), 2, lambda item, seen: None)
    assert results["good"] == "good" and str(results["bad"]) == "gone"


# --- the modules --------------------------------------------------------------------------------

def test_groups_are_created_and_waited_for_at_once(aicore_clean, capsys):
    aicore_clean.configure(resource_group_provisioning_delay=1)
    ids = ["rg-wait-%d" % number for number in range(5)]
    started = time.monotonic()
    result = run_module(aicore_resource_group, connection(aicore_clean, id=ids, labels={"team": "ml"}), capsys)
    took = time.monotonic() - started
    assert not result["failed"] and result["changed"]
    assert [(entry["id"], entry["action"], entry["status"]) for entry in result["resource_groups"]] == [
        (group_id, "created", "PROVISIONED") for group_id in ids]
    assert took < 4  # one after another would take at least 5 s
    again = run_module(aicore_resource_group, connection(aicore_clean, id=ids, labels={"team": "ml"}), capsys)
    assert not again["changed"] and {entry["action"] for entry in again["resource_groups"]} == {"unchanged"}


def test_purge_labels_false_keeps_the_labels_not_named(aicore_clean, capsys):
    groups_of(aicore_clean).create("rg-keep", {LABEL: "ml", "ext.ai.sap.com/tier": "gold"})
    result = run_module(aicore_resource_group, connection(aicore_clean, id="rg-keep", labels={"team": "data"}, purge_labels=False), capsys)
    assert result["resource_groups"][0]["labels"] == {LABEL: "data", "ext.ai.sap.com/tier": "gold"}


def test_an_error_status_fails_with_its_message(aicore_clean, capsys):
    aicore_clean.configure(resource_group_error="no nodes left in the zone")
    result = run_module(aicore_resource_group, connection(aicore_clean, id="rg-broken"), capsys)
    assert result["failed"] and result["changed"]
    assert result["resource_groups"][0]["status"] == "ERROR"
    assert "no nodes left in the zone" in result["resource_groups"][0]["error"]


def test_a_group_with_secrets_is_refused_unless_forced(aicore_clean, capsys):
    aicore_clean.seed("rg:rg-held", [{"name": "kept", "plain_data": {"k": "v"}}])
    aicore_clean.clear_log()
    refused = run_module(aicore_resource_group, connection(aicore_clean, id="rg-held", state="absent"), capsys)
    assert refused["failed"] and refused["resource_groups"][0]["secrets"] == ["kept"]
    assert "generic secret (kept)" in refused["resource_groups"][0]["error"]
    assert not api_requests(aicore_clean, "DELETE")
    forced = run_module(aicore_resource_group, connection(aicore_clean, id="rg-held", state="absent", force=True), capsys)
    assert forced["resource_groups"][0]["action"] == "deleted" and "rg:rg-held" not in aicore_clean.store()


def test_default_is_refused_before_any_request(aicore_clean, capsys):
    result = run_module(aicore_resource_group, connection(aicore_clean, id=["team-a", "default"], state="absent"), capsys)
    assert result["failed"] and "'default' cannot be deleted" in result["msg"]
    assert aicore_clean.log() == []


def test_info_returns_groups_sorted_with_the_quota(aicore_clean, capsys):
    groups_of(aicore_clean).create("rg-info", {LABEL: "ml"})
    result = run_module(aicore_resource_group_info, connection(aicore_clean, label_selector=LABEL + "=ml"), capsys)
    assert result["resource_groups"] == [{"id": "rg-info", "created_at": result["resource_groups"][0]["created_at"],
                                          "status": "PROVISIONED", "status_message": "resource group is provisioned", "labels": {LABEL: "ml"}}]
    assert result["quota"]["maximum"] == 50
    by_id = run_module(aicore_resource_group_info, connection(aicore_clean, id=["rg-info", "default", "rg-missing"]), capsys)
    assert [group["id"] for group in by_id["resource_groups"]] == ["default", "rg-info"]


def test_info_refuses_a_selector_outside_the_syntax(aicore_clean, capsys):
    result = run_module(aicore_resource_group_info, connection(aicore_clean, label_selector="team = ml"), capsys)
    assert result["failed"] and result["msg"].startswith("label_selector:")
    assert aicore_clean.log() == []
