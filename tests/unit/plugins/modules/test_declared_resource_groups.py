# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aicore_resource_group with exclusive: a declared set of resource groups in the emulator's tenant on 127.0.0.1.

Groups are seeded over HTTP through the endpoints layer: managed ones carry the collection's mark
(``marked``), unmanaged ones do not; the module runs in-process as Ansible runs it (``run_module``).
"""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of
from ansible_collections.sap_aicore.admin.plugins.module_utils._resource_groups import MANAGED_LABEL, MANAGED_VALUE, marked
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_resource_group

from ..module_utils.module_runner import connection, run_module
from ..module_utils.test_resource_groups import groups_of

TEAM = {"ext.ai.sap.com/team": "ml"}
DECLARED = ["rg-decl-serve", "rg-decl-train"]
MANAGED_UNDECLARED = ["rg-decl-old-1", "rg-decl-old-2"]
UNMANAGED = ["rg-decl-hand-made"]
OUTSIDE = "other-team-old"  # managed, but outside the selector's prefix


@pytest.fixture
def tenant(aicore):
    aicore.reset()
    groups = groups_of(aicore)
    for group_id in MANAGED_UNDECLARED + [OUTSIDE]:
        groups.create(group_id, marked(TEAM))
    for group_id in UNMANAGED:
        groups.create(group_id, TEAM)
    groups.create("rg-decl-serve", TEAM)  # declared, made by another tool with the declared labels already
    aicore.clear_log()
    yield aicore
    aicore.reset()


def task(aicore, ids=None, **options):
    args = connection(aicore, id=list(DECLARED if ids is None else ids), labels={"team": "ml"}, exclusive=True,
                      exclusive_selector={"name_prefix": "rg-decl-"})
    args.update(options)
    return args


def writes(aicore):
    return [(record["method"], record["path"]) for record in aicore.log() if record["endpoint"] == "api" and record["method"] != "GET"]


def existing(aicore):
    return sorted(group["resourceGroupId"] for group in aicore.resource_groups() if not group.get("deleting"))


def by_action(result):
    grouped = {}
    for item in result["resource_groups"]:
        grouped.setdefault(item["action"], []).append(item["id"])
    return grouped


def test_managed_undeclared_groups_are_deleted_unmanaged_ones_reported_and_a_second_run_changes_nothing(tenant, capsys):
    before = existing(tenant)
    result = run_module(aicore_resource_group, task(tenant), capsys)
    assert not result["failed"] and result["changed"]
    assert by_action(result) == {"unchanged": ["rg-decl-serve"], "created": ["rg-decl-train"], "deleted": MANAGED_UNDECLARED}
    assert [entry["id"] for entry in result["resource_groups"]] == DECLARED + MANAGED_UNDECLARED  # declared first
    assert result["unmanaged"] == UNMANAGED
    assert "1 resource group left alone" in result["msg"]
    assert existing(tenant) == sorted(set(before) - set(MANAGED_UNDECLARED) | {"rg-decl-train"})
    train = next(group for group in tenant.resource_groups() if group["resourceGroupId"] == "rg-decl-train")
    created = {label["key"]: label["value"] for label in train["labels"]}
    assert created == dict(TEAM, **{MANAGED_LABEL: MANAGED_VALUE})  # the mark is written ...
    assert result["resource_groups"][1]["labels"] == TEAM  # ... and never shown

    tenant.clear_log()
    again = run_module(aicore_resource_group, task(tenant), capsys)
    assert not again["failed"] and not again["changed"] and writes(tenant) == []
    assert by_action(again) == {"unchanged": DECLARED} and again["unmanaged"] == UNMANAGED


def test_more_deletions_than_the_cap_fail_before_any_write_naming_them(tenant, capsys):
    refused = run_module(aicore_resource_group, task(tenant, max_deletions=1), capsys)
    assert refused["failed"] and not refused["changed"]
    assert refused["would_delete"] == MANAGED_UNDECLARED and refused["unmanaged"] == UNMANAGED
    assert "max_deletions=1" in refused["msg"] and "rg-decl-old-1, rg-decl-old-2" in refused["msg"]
    assert {entry["action"] for entry in refused["resource_groups"]} == {"failed"}
    assert writes(tenant) == []  # not even the declared group was created
    allowed = run_module(aicore_resource_group, task(tenant, max_deletions=2), capsys)
    assert not allowed["failed"] and by_action(allowed)["deleted"] == MANAGED_UNDECLARED


def test_check_mode_reports_every_deletion_in_the_diff_and_writes_nothing(tenant, capsys):
    before = existing(tenant)
    checked = run_module(aicore_resource_group, dict(task(tenant), _ansible_diff=True), capsys, check_mode=True)
    assert not checked["failed"] and checked["changed"]
    assert by_action(checked) == {"unchanged": ["rg-decl-serve"], "created": ["rg-decl-train"], "deleted": MANAGED_UNDECLARED}
    for group_id in MANAGED_UNDECLARED:
        assert checked["diff"]["before"][group_id] == {"state": "present", "labels": TEAM}
        assert checked["diff"]["after"][group_id] == {"state": "absent"}
    assert writes(tenant) == [] and existing(tenant) == before


def test_a_managed_group_holding_secrets_is_refused_without_force_and_the_others_still_go(tenant, capsys):
    tenant.seed("rg:rg-decl-old-1", [{"name": "registry", "plain_data": {"key": "value"}}])
    refused = run_module(aicore_resource_group, task(tenant), capsys)
    assert refused["failed"] and refused["changed"]
    entry = next(item for item in refused["resource_groups"] if item["id"] == "rg-decl-old-1")
    assert entry["action"] == "failed" and "force: true" in entry["error"] and entry["secrets"] == ["registry"]
    assert "rg-decl-old-1" in existing(tenant) and "rg-decl-old-2" not in existing(tenant)
    forced = run_module(aicore_resource_group, task(tenant, force=True), capsys)
    assert not forced["failed"] and by_action(forced)["deleted"] == ["rg-decl-old-1"]


def test_default_is_never_in_a_declared_set_even_when_marked(tenant, capsys):
    groups_of(tenant).set_labels("default", marked({}))
    result = run_module(aicore_resource_group, task(tenant, exclusive_selector=None, max_deletions=10), capsys)
    assert not result["failed"]
    assert "default" in existing(tenant) and "default" not in result["unmanaged"]
    assert by_action(result)["deleted"] == sorted(MANAGED_UNDECLARED + [OUTSIDE])


def test_a_declared_group_that_fails_keeps_every_deletion_back(tenant, capsys):
    tenant.configure(resource_group_quota=len(tenant.resource_groups()))  # the declared create is refused
    result = run_module(aicore_resource_group, task(tenant), capsys)
    assert result["failed"]
    assert all("not deleted" in item["error"] for item in result["resource_groups"] if item["id"] in MANAGED_UNDECLARED)
    assert set(MANAGED_UNDECLARED) <= set(existing(tenant))


@pytest.mark.parametrize("options, message", [
    (dict(id="rg-decl-serve"), "exclusive: give id as a list"),
    (dict(state="absent"), "exclusive: only with state=present"),
    (dict(exclusive=False), "exclusive_selector: only applies with exclusive=true"),
    (dict(exclusive_selector={"name_prefix": "-rg"}), "exclusive_selector.name_prefix: '-rg' cannot start any name"),
    (dict(max_deletions=-1), "max_deletions: must be 0 or more"),
    (dict(labels={"managed-by": "me"}), "labels: ext.ai.sap.com/managed-by is the collection's managed mark"),
])
def test_bad_declared_set_options_are_refused_before_any_request(tenant, capsys, options, message):
    result = run_module(aicore_resource_group, task(tenant, **options), capsys)
    assert result["failed"] and message in result["msg"]
    assert [record for record in tenant.log() if record["endpoint"] == "api"] == []


def test_labels_shown_and_compared_leave_the_mark_out(tenant, capsys):
    result = run_module(aicore_resource_group, connection(tenant, id="rg-decl-old-1", labels={"team": "ml"}), capsys)
    assert not result["changed"] and result["resource_groups"][0]["labels"] == TEAM
    relabelled = run_module(aicore_resource_group, connection(tenant, id="rg-decl-hand-made", labels={"team": "data"}), capsys)
    assert relabelled["changed"]
    assert labels_of(groups_of(tenant).get("rg-decl-hand-made")) == {"ext.ai.sap.com/team": "data", MANAGED_LABEL: MANAGED_VALUE}
