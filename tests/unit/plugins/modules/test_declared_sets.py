# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aicore_generic_secret with exclusive: a declared set of secrets in a scope of the emulator on 127.0.0.1.

The scope is seeded with secrets that carry the managed mark (the fingerprint label, any value) and
secrets that do not; the module runs in-process as Ansible runs it (``run_module``).
"""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._declared import DeclaredSet, Selector, check_name_prefix
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import written_by_collection
from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import SECRET_NAME_PATTERN, InputError
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret

from ..module_utils.module_runner import connection, run_module

GROUP = "team-a"
STORE = "rg:team-a"
KEY = "a-fingerprint-key-for-tests-only"  # HMAC labels: scrypt would cost a second per secret
DECLARED = ["app-1", "app-2", "app-3", "app-4", "app-5"]
UNMANAGED = ["hand-made-1", "hand-made-2", "hand-made-3"]
MANAGED_UNDECLARED = ["old-app-1", "old-app-2"]


def managed(name, **labels):
    labels = dict(("ext.ai.sap.com/" + key, value) for key, value in labels.items())
    labels[LABEL_KEY] = "written-by-an-earlier-run"
    return {"name": name, "plain_data": {"key": "old"}, "labels": [{"key": key, "value": value} for key, value in labels.items()]}


def unmanaged(name):
    return {"name": name, "plain_data": {"key": "theirs"}}


@pytest.fixture
def team_a(aicore):
    aicore.reset()
    aicore.clear_log()
    return aicore


def task(aicore, names=None, **options):
    args = connection(aicore, resource_group=GROUP, name=list(DECLARED if names is None else names), data={"key": "declared-value-0001"},
                      fingerprint_key=KEY, exclusive=True)
    args.update(options)
    return args


def writes(aicore):
    return [(record["method"], record["path"]) for record in aicore.log() if record["endpoint"] == "api" and record["method"] != "GET"]


def by_action(result):
    grouped = {}
    for item in result["secrets"]:
        grouped.setdefault(item["action"], []).append(item["name"])
    return grouped


def test_a_run_deletes_exactly_the_managed_undeclared_reports_the_unmanaged_and_a_second_run_is_unchanged(team_a, capsys):
    team_a.seed(STORE, [managed("app-1")] + [unmanaged(name) for name in UNMANAGED] + [managed(name) for name in MANAGED_UNDECLARED])

    first = run_module(aicore_generic_secret, task(team_a), capsys)
    assert not first["failed"] and first["changed"]
    assert by_action(first) == {"updated": ["app-1"], "created": DECLARED[1:], "deleted": MANAGED_UNDECLARED}
    assert first["unmanaged"] == UNMANAGED
    assert "3 secrets left alone" in first["msg"]
    assert sorted(team_a.store(STORE)) == sorted(DECLARED + UNMANAGED)

    second = run_module(aicore_generic_secret, task(team_a), capsys)
    assert not second["failed"] and not second["changed"]
    assert by_action(second) == {"unchanged": DECLARED} and second["unmanaged"] == UNMANAGED


def test_check_mode_reports_the_same_outcome_with_a_diff_per_deletion_and_writes_nothing(team_a, capsys):
    team_a.seed(STORE, [managed("app-1")] + [unmanaged(name) for name in UNMANAGED]
                + [managed(name, team="a") for name in MANAGED_UNDECLARED])
    before = team_a.store(STORE)
    checked = run_module(aicore_generic_secret, dict(task(team_a), _ansible_diff=True), capsys, check_mode=True)
    assert by_action(checked) == {"updated": ["app-1"], "created": DECLARED[1:], "deleted": MANAGED_UNDECLARED}
    assert checked["unmanaged"] == UNMANAGED and checked["changed"]
    assert checked["diff"]["before"]["old-app-1"] == {"state": "present", "labels": {"ext.ai.sap.com/team": "a"}}
    assert checked["diff"]["after"]["old-app-1"] == {"state": "absent"}
    assert team_a.store(STORE) == before and writes(team_a) == []

    real = run_module(aicore_generic_secret, task(team_a), capsys)
    assert [(item["name"], item["action"]) for item in real["secrets"]] == [(item["name"], item["action"]) for item in checked["secrets"]]


@pytest.mark.parametrize("check_mode", [False, True])
def test_more_deletions_than_the_cap_fail_before_any_write_naming_them_and_a_raised_cap_lets_them_go(team_a, capsys, check_mode):
    stale = ["stale-%02d" % number for number in range(12)]
    team_a.seed(STORE, [managed(name) for name in stale] + [unmanaged("hand-made-1")])

    refused = run_module(aicore_generic_secret, task(team_a), capsys, check_mode=check_mode)
    assert refused["failed"] and not refused["changed"]
    assert refused["would_delete"] == stale and refused["unmanaged"] == ["hand-made-1"]
    assert "12 managed secrets" in refused["msg"] and "max_deletions=10" in refused["msg"] and "stale-11" in refused["msg"]
    assert {item["action"] for item in refused["secrets"]} == {"failed"}
    assert writes(team_a) == [] and "app-1" not in team_a.store(STORE)

    allowed = run_module(aicore_generic_secret, task(team_a, max_deletions=20), capsys, check_mode=check_mode)
    assert not allowed["failed"] and by_action(allowed)["deleted"] == stale
    assert sorted(team_a.store(STORE)) == (sorted(stale + ["hand-made-1"]) if check_mode else sorted(DECLARED + ["hand-made-1"]))


def test_the_selector_narrows_the_set_by_name_prefix_and_labels_and_leaves_the_rest_unseen(team_a, capsys):
    team_a.seed(STORE, [managed("ml-old", team="ml"), managed("ml-other-team", team="web"), managed("web-old", team="ml"),
                        unmanaged("ml-hand-made")])
    result = run_module(aicore_generic_secret, task(team_a, names=["ml-new"], labels={"team": "ml"},
                                                    exclusive_selector={"name_prefix": "ml-", "labels": {"team": "ml"}}), capsys)
    assert by_action(result) == {"created": ["ml-new"], "deleted": ["ml-old"]}
    assert result["unmanaged"] == []  # ml-hand-made has no team=ml label: outside the set, not even reported
    assert sorted(team_a.store(STORE)) == ["ml-hand-made", "ml-new", "ml-other-team", "web-old"]


def test_no_deletion_while_a_declared_secret_failed(team_a, capsys):
    team_a.seed(STORE, [managed("old-name")])
    team_a.add_fault({"method": "POST", "path": "/v2/admin/secrets$", "action": "respond", "status": 400, "times": -1})
    result = run_module(aicore_generic_secret, task(team_a, names=["new-name"]), capsys)
    team_a.clear_faults()
    assert result["failed"] and by_action(result) == {"failed": ["new-name", "old-name"]}
    old = [item for item in result["secrets"] if item["name"] == "old-name"][0]
    assert old["error"].startswith("not deleted: 1 of the declared secrets failed")
    assert "old-name" in team_a.store(STORE)


def test_an_empty_scope_is_proven_before_it_counts_as_nothing_to_delete(team_a, capsys):
    result = run_module(aicore_generic_secret, task(team_a, resource_group="no-such-group"), capsys)
    assert result["failed"] and "no-such-group" in result["msg"] and writes(team_a) == []


@pytest.mark.parametrize("options, message_start", [
    (dict(state="absent", data=None), "exclusive: only with state=present"),
    (dict(name="app-1"), "exclusive: give name as a list"),
    (dict(max_deletions=-1), "max_deletions: must be 0 or more"),
    (dict(exclusive=False, exclusive_selector={"name_prefix": "app-"}), "exclusive_selector: only applies with exclusive=true"),
    (dict(exclusive_selector={}), "exclusive_selector: give name_prefix and/or labels"),
    (dict(exclusive_selector={"name_prefix": "App_"}), "exclusive_selector.name_prefix: 'App_' cannot start any name"),
    (dict(exclusive_selector={"labels": {"bad key": "x"}}), "exclusive_selector.labels: key"),
    (dict(exclusive_selector={"labels": {LABEL_KEY: "x"}}), "exclusive_selector.labels: ext.ai.sap.com/ansible-fingerprint"),
])
def test_bad_exclusive_input_is_refused_naming_the_option_before_any_request(team_a, capsys, options, message_start):
    team_a.seed(STORE, [managed("old-app-1")])
    team_a.clear_log()
    result = run_module(aicore_generic_secret, task(team_a, **options), capsys)
    assert result["failed"] and result["msg"].startswith(message_start), result["msg"]
    assert team_a.log() == [] and "old-app-1" in team_a.store(STORE)


def test_sort_out_keeps_declared_and_uncovered_out_and_splits_the_rest_by_the_mark():
    listing = [{"name": "b-managed", "labels": [{"key": LABEL_KEY, "value": "x"}]}, {"name": "a-theirs"},
               {"name": "declared", "labels": {LABEL_KEY: "x"}}, {"name": "zz-outside", "labels": {LABEL_KEY: "x"}}]
    selector = Selector.from_option({"name_prefix": "a"}, check_name_prefix(SECRET_NAME_PATTERN, "a rule"))
    whole_scope = DeclaredSet(["declared"], Selector(), 10, written_by_collection)
    assert whole_scope.sort_out(listing, lambda details: details["name"]) == (
        [("b-managed", listing[0]), ("zz-outside", listing[3])], ["a-theirs"])
    assert DeclaredSet(["declared"], selector, 10, written_by_collection).sort_out(listing, lambda details: details["name"]) == ([], ["a-theirs"])


def test_refusal_names_at_most_twenty_and_only_beyond_the_cap():
    to_delete = [("s-%02d" % number, {}) for number in range(25)]
    assert DeclaredSet([], Selector(), 25, written_by_collection).refusal(to_delete, "secrets") is None
    message = DeclaredSet([], Selector(), 0, written_by_collection).refusal(to_delete, "secrets")
    assert "s-19, ..." in message and "s-20" not in message and "max_deletions=0" in message


def test_a_prefix_must_be_a_string_of_name_characters():
    check = check_name_prefix(SECRET_NAME_PATTERN, "a rule")
    with pytest.raises(InputError, match="must be a non-empty string, got an empty string"):
        check("", "exclusive_selector.name_prefix")
    with pytest.raises(InputError, match="cannot start any name"):
        check("a\n", "exclusive_selector.name_prefix")


def test_the_docs_recipe_prunes_with_on_create_without_writing_over_the_declared_secrets(team_a, capsys):
    team_a.seed(STORE, [managed("team-a-registry"), managed("team-a-gone"), managed("other-team-old"), unmanaged("team-a-by-hand")])
    registry_before = team_a.store(STORE)["team-a-registry"]
    result = run_module(aicore_generic_secret, task(team_a, names=["team-a-registry"], update_mode="on_create", max_deletions=3,
                                                    exclusive_selector={"name_prefix": "team-a-"}), capsys)
    assert by_action(result) == {"unchanged": ["team-a-registry"], "deleted": ["team-a-gone"]}
    assert result["unmanaged"] == ["team-a-by-hand"]
    assert team_a.store(STORE)["team-a-registry"] == registry_before
    assert sorted(team_a.store(STORE)) == ["other-team-old", "team-a-by-hand", "team-a-registry"]
