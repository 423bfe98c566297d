# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aicore_generic_secret's own functions, without ansible-playbook: the module is made from task
arguments as Ansible hands them over, exit_json/fail_json run for real and are captured, and the
secrets it works on live in the emulator on 127.0.0.1 (fixture ``aicore``)."""

import json
from contextlib import contextmanager

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, client_for
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret as module_under_test
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import Outcome, attempt, diff_of, entry, report, summary
from ansible_collections.sap_aicore.admin.plugins.modules.aicore_generic_secret import KIND, checked_input, ensure, remove

from ..module_utils.module_runner import connection, module_args

GROUP = "team-a"
SCOPE = "resource group team-a"


@contextmanager
def task_module(args, check_mode=False, diff=False):
    """The module's AnsibleModule for these task arguments, as main() makes it. exit_json and fail_json
    must be called inside the block: from ansible-core 2.19 on they encode the result as the arguments say."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with module_args(args):
        yield aicore_module(module_under_test.MODULE_OPTIONS, supports_check_mode=True, required_if=[("state", "present", ["data"])])


@contextmanager
def ended(capsys):
    """Catch exit_json/fail_json: yields a dict that receives ``code`` and ``result`` (the JSON the controller gets)."""
    ending = {}
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        yield ending
    ending["code"] = exited.value.code
    ending["result"] = json.loads(capsys.readouterr().out)


def offline_task(**options):
    """Task arguments for functions that send nothing: the emulator is not needed."""
    args = dict(api_url="https://api.example.invalid", auth_url="https://auth.example.invalid", client_id="id",
                client_secret="not-a-real-secret", resource_group=GROUP, name="one")
    args.update(options)
    return args


# --- summary, entry, diff_of --------------------------------------------------------------------------

def test_summary_counts_each_action_in_a_fixed_order_with_its_word():
    entries = [{"action": action} for action in ("failed", "absent", "created", "created", "deleted", "unchanged", "updated")]
    assert summary(KIND, entries, False, SCOPE) == \
        "created 2, updated 1, deleted 1, unchanged 1, already absent 1, failed 1 (7 secrets in resource group team-a)"


def test_summary_says_check_mode_and_counts_one_secret_in_the_singular():
    assert summary(KIND, [{"action": "deleted"}], True, "the main tenant") == "check mode, would have: deleted 1 (1 secret in the main tenant)"


def test_entry_of_a_failure_carries_the_error_text_and_of_a_success_only_the_action():
    assert entry(KIND, "a", Outcome.failed(AICoreError("HTTP 503 after 4 attempts"))) == {"name": "a", "action": "failed", "error": "HTTP 503 after 4 attempts"}
    assert entry(KIND, "b", Outcome("created", {"state": "absent"}, {"state": "present"})) == {"name": "b", "action": "created"}


def test_diff_of_leaves_failed_names_out_and_keys_the_rest_by_name():
    outcomes = [("a", Outcome("deleted", "present", "absent")), ("b", Outcome.failed(AICoreError("boom"))), ("c", Outcome("absent", "absent", "absent"))]
    assert diff_of(outcomes) == {"before": {"a": "present", "c": "absent"}, "after": {"a": "absent", "c": "absent"}}


# --- report: the result the controller receives ---------------------------------------------------------

def test_report_of_unchanged_names_exits_unchanged_without_diff(capsys):
    with task_module(offline_task(state="absent")) as module, ended(capsys) as end:
        report(module, KIND, [("a", Outcome("absent", "absent", "absent")), ("b", Outcome("unchanged"))], SCOPE)
    assert end["code"] == 0
    result = end["result"]
    assert result["changed"] is False and "failed" not in result and "diff" not in result
    assert result["secrets"] == [{"name": "a", "action": "absent"}, {"name": "b", "action": "unchanged"}]
    assert result["msg"] == "unchanged 1, already absent 1 (2 secrets in resource group team-a)"


@pytest.mark.parametrize("action", ["created", "updated", "deleted"])
def test_report_counts_each_changing_action_as_changed_and_attaches_the_diff_when_asked(capsys, action):
    with task_module(offline_task(state="absent"), diff=True) as module, ended(capsys) as end:
        report(module, KIND, [("a", Outcome(action, "before", "after")), ("b", Outcome("absent", "absent", "absent"))], SCOPE)
    assert end["code"] == 0 and end["result"]["changed"] is True
    assert end["result"]["diff"] == {"before": {"a": "before", "b": "absent"}, "after": {"a": "after", "b": "absent"}}


def test_report_fails_the_task_when_one_name_failed_and_still_reports_every_name(capsys):
    outcomes = [("a", Outcome("deleted", "present", "absent")), ("b", Outcome.failed(AICoreError("DELETE .../b failed: HTTP 503"))),
                ("c", Outcome.failed(AICoreError("second failure")))]
    with task_module(offline_task(state="absent"), check_mode=True) as module, ended(capsys) as end:
        report(module, KIND, outcomes, SCOPE)
    result = end["result"]
    assert end["code"] == 1 and result["failed"] is True and result["changed"] is True
    assert result["msg"] == ("2 of 3 secrets failed; first, b: DELETE .../b failed: HTTP 503. "
                             "check mode, would have: deleted 1, failed 2 (3 secrets in resource group team-a)")
    assert [item["action"] for item in result["secrets"]] == ["deleted", "failed", "failed"]


# --- checked_input: refusals before any request -------------------------------------------------------------

def test_checked_input_for_absent_gives_the_names_once_in_order_and_no_desired_secret():
    with task_module(offline_task(state="absent", name=["b", "a", "b"])) as module:
        names, desired = checked_input(module)
    assert names == ["b", "a"] and desired is None


def test_checked_input_for_present_gives_the_desired_secret_with_its_values_to_hide():
    with task_module(offline_task(name="one", data={"token": "value-to-hide"})) as module:
        names, desired = checked_input(module)
    assert names == ["one"]
    assert "value-to-hide" in set(desired.secret_values())


@pytest.mark.parametrize("options, message_start", [
    (dict(name=["good", "Bad", 7]), "name: "),
    (dict(name="good", concurrency=0), "concurrency: "),
    (dict(name="good", data="not-a-mapping"), "data: "),
])
def test_checked_input_refuses_every_string_name_for_the_reason_it_gives(capsys, options, message_start):
    options.setdefault("data", {"key": "value"})
    with task_module(offline_task(**options)) as module, ended(capsys) as end:
        checked_input(module)
    result = end["result"]
    assert end["code"] == 1 and result["changed"] is False
    assert result["msg"].startswith(message_start), result["msg"]
    names = [name for name in (options["name"] if isinstance(options["name"], list) else [options["name"]]) if isinstance(name, str)]
    assert result["secrets"] == [{"name": name, "action": "failed", "error": result["msg"]} for name in names]
    assert "not-a-mapping" not in json.dumps(result)  # data is no_log: its value never comes back


# --- ensure and remove, against the emulator -----------------------------------------------------------

@pytest.fixture
def team_a(aicore):
    aicore.reset()
    aicore.clear_log()
    return aicore


def secrets_of(aicore, check_mode=False, **options):
    """The module, its GenericSecrets over HTTP, and its desired secret, for a task on team-a."""
    with task_module(connection(aicore, resource_group=GROUP, name="s1", **options), check_mode=check_mode) as module:
        _names, desired = checked_input(module)
    return module, GenericSecrets(client_for(module)), desired


def test_ensure_creates_then_finds_it_unchanged_then_updates_changed_data(team_a):
    module, secrets, desired = secrets_of(team_a, data={"key": "one"})
    created = ensure(secrets, "s1", desired, "fingerprint", module.check_mode)
    assert created.action == "created" and created.before == {"state": "absent"}
    assert created.after["data"] == {"key": "changed"} and created.after["state"] == "present"
    assert list(team_a.store("rg:team-a")) == ["s1"]

    assert ensure(secrets, "s1", desired, "fingerprint", False).action == "unchanged"

    module, secrets, desired = secrets_of(team_a, data={"key": "two"})
    updated = ensure(secrets, "s1", desired, "fingerprint", False)
    assert updated.action == "updated" and updated.after["data"] == {"key": "changed"}
    assert "two" not in json.dumps([updated.before, updated.after])  # diff mode never shows a value


def test_ensure_with_on_create_leaves_an_existing_secret_as_it_is(team_a):
    module, secrets, desired = secrets_of(team_a, data={"key": "one"})
    ensure(secrets, "s1", desired, "on_create", False)
    stored = team_a.store("rg:team-a")["s1"]["data"]
    module, secrets, desired = secrets_of(team_a, data={"key": "two"})
    outcome = ensure(secrets, "s1", desired, "on_create", False)
    assert outcome.action == "unchanged" and "data" not in outcome.after  # its data was not compared
    assert team_a.store("rg:team-a")["s1"]["data"] == stored


def test_ensure_and_remove_in_check_mode_answer_from_the_read_and_write_nothing(team_a):
    team_a.seed("rg:team-a", [{"name": "kept", "plain_data": {"key": "v"}}])
    module, secrets, desired = secrets_of(team_a, check_mode=True, data={"key": "one"})
    assert ensure(secrets, "s1", desired, "fingerprint", module.check_mode).action == "created"
    assert remove(secrets, "kept", module.check_mode).action == "deleted"
    assert remove(secrets, "never-there", module.check_mode).action == "absent"
    assert list(team_a.store("rg:team-a")) == ["kept"]
    assert {record["method"] for record in team_a.log() if record["endpoint"] != "token"} == {"GET"}


def test_remove_deletes_then_finds_it_absent(team_a):
    team_a.seed("rg:team-a", [{"name": "old", "plain_data": {"key": "v"}}])
    _module, secrets, _desired = secrets_of(team_a, state="absent")
    first = remove(secrets, "old", False)
    assert (first.action, first.before, first.after) == ("deleted", "present", "absent")
    assert remove(secrets, "old", False).action == "absent"
    assert team_a.store("rg:team-a") == {}


def test_attempt_turns_an_unexpected_error_into_a_failure_named_by_its_type_only():
    def crash(_name):
        raise ValueError("text that could hold a secret value")

    name, outcome = attempt(KIND, crash, "s1")
    assert name == "s1" and outcome.action == "failed"
    assert "ValueError" in str(outcome.error) and "secret value" not in str(outcome.error)
