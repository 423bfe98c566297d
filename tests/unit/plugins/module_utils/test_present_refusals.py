# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data, labels and base64 values that aicore_generic_secret state=present must refuse before it
sends anything. Each case runs the module on an existing and a missing name and checks that the
run failed unchanged, that the message names the option at fault, that every name failed with
that message, and that the emulator saw no request at all, not even a token request.

The integration target aicore_generic_secret_present keeps a few of these as real
ansible-playbook runs: the cases where Ansible's own handling of the task (its templating of a
null, its argument spec) comes first.
"""

import re

import pytest

from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret

from .module_runner import connection, run_module

GROUP = "refusals"
NAMES = ["refused-existing", "refused-missing"]
PASSWORD = "first-password-value-7c2b19"
TOKEN = "token-value-of-the-secret-91aa2f"
BINARY_B64 = "AAECA/7/gIGCg4SFhoc="

# (case, options that differ from a valid task (data {password}, no labels), regex the message must match)
REFUSALS = [
    # data
    ("data empty", {"data": {}}, r"^data: give a dict with at least one key"),
    ("data a list", {"data": [PASSWORD]}, r"^data: must be a dict of file names to values, got a list"),
    ("data key with a space", {"data": {"bad key": PASSWORD}}, r"^data: key 'bad key' is not allowed"),
    ("data key with a slash", {"data": {"dir/file": PASSWORD}}, r"^data: key 'dir/file' is not allowed"),
    ("data key with a character outside ASCII", {"data": {"pässword": PASSWORD}}, r"^data: key 'pässword' is not allowed"),
    ("data key empty", {"data": {"": PASSWORD}}, r"^data: key '' is not allowed"),
    ("data value an integer", {"data": {"port": 8080}}, r"^data: the value of 'port' must be a string"),
    ("data value null", {"data": {"nothing": None}}, r"^data: the value of 'nothing' must be a string"),
    ("data value a float", {"data": {"ratio": 1.5}}, r"^data: the value of 'ratio' must be a string"),
    ("data value a boolean", {"data": {"enabled": True}}, r"^data: the value of 'enabled' must be a string"),
    ("data value a list", {"data": {"items": [PASSWORD]}}, r"^data: the value of 'items' must be a string"),
    ("data value a dict", {"data": {"nested": {"password": PASSWORD}}}, r"^data: the value of 'nested' must be a string"),
    ("one bad data value among good ones", {"data": {"a-good": PASSWORD, "b-bad": 98765, "c-good": TOKEN}},
     r"^data: the value of 'b-bad' must be a string"),
    # labels
    ("label key with a space", {"labels": {"bad key": "x"}}, r"^labels: key 'ext.ai.sap.com/bad key' is not allowed"),
    ("label key of 64 characters with the prefix", {"labels": {"k" * 49: "x"}}, r"^labels: key 'ext.ai.sap.com/k{49}' is not allowed.*63"),
    ("label key starting with a dash", {"labels": {"-owner": "x"}}, r"^labels: key 'ext.ai.sap.com/-owner' is not allowed"),
    ("label key ending with a dot", {"labels": {"owner.": "x"}}, r"^labels: key 'ext.ai.sap.com/owner\.' is not allowed"),
    ("label key with another prefix", {"labels": {"example.com/owner": "x"}}, r"^labels: key 'ext.ai.sap.com/example.com/owner' is not allowed"),
    ("label key empty", {"labels": {"": "x"}}, r"^labels: key 'ext.ai.sap.com/' is not allowed"),
    ("the fingerprint label, without prefix", {"labels": {"ansible-fingerprint": "x"}},
     r"^labels: ext.ai.sap.com/ansible-fingerprint is kept by the module"),
    ("the fingerprint label, with prefix", {"labels": {"ext.ai.sap.com/ansible-fingerprint": "x"}},
     r"^labels: ext.ai.sap.com/ansible-fingerprint is kept by the module"),
    ("label value empty", {"labels": {"owner": ""}}, r"^labels: the value of 'ext.ai.sap.com/owner' is empty"),
    ("label value of 5001 characters", {"labels": {"owner": "v" * 5001}}, r"^labels: the value of 'ext.ai.sap.com/owner' is longer than 5000"),
    ("label value an integer", {"labels": {"cost-center": 4711}}, r"^labels: the value of 'ext.ai.sap.com/cost-center' must be a string"),
    ("label value a boolean", {"labels": {"active": True}}, r"^labels: the value of 'ext.ai.sap.com/active' must be a string"),
    ("label value null", {"labels": {"owner": None}}, r"^labels: the value of 'ext.ai.sap.com/owner' must be a string"),
    ("labels a list", {"labels": ["owner"]}, r"^labels: must be a dict of label keys to values, got a list"),
]

# (case, data, the key at fault) with data_encoding=base64
BAD_BASE64 = [
    ("characters outside the alphabet", {"value": "not base64 at all!"}, "value"),
    ("padding missing", {"value": "YWJjZA"}, "value"),
    ("non-canonical trailing bits", {"value": "YR=="}, "value"),
    ("URL-safe alphabet", {"value": "-_-_"}, "value"),
    ("embedded new line", {"value": "YWJj\nZGVm"}, "value"),
    ("embedded space", {"value": "YWJj ZGVm"}, "value"),
    ("the plain text of a secret value", {"password": PASSWORD}, "password"),
    ("one bad value among good ones", {"a.good": BINARY_B64, "z.bad": TOKEN}, "z.bad"),
]


@pytest.fixture
def existing(aicore):
    """A reset emulator whose group holds the existing name, with an empty log."""
    aicore.reset()
    aicore.seed("rg:" + GROUP, [{"name": NAMES[0], "plain_data": {"value": "v"}}])
    aicore.clear_log()
    return aicore


def assert_refused(aicore, result, expected):
    assert result["failed"] is True
    assert result.get("changed", False) is False
    assert re.search(expected, result["msg"]), result["msg"]
    # every name failed, for the reason the message gives
    assert [item["name"] for item in result["secrets"]] == NAMES
    assert all(item["action"] == "failed" and item["error"] == result["msg"] for item in result["secrets"]), result["secrets"]
    assert aicore.log() == []
    assert sorted(aicore.store("rg:" + GROUP)) == [NAMES[0]]


@pytest.mark.parametrize("options, expected", [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_bad_data_and_labels_are_refused_before_any_request(existing, capsys, options, expected):
    args = connection(existing, name=NAMES, resource_group=GROUP, data={"password": PASSWORD})
    args.update(options)
    assert_refused(existing, run_module(aicore_generic_secret, args, capsys), expected)


@pytest.mark.parametrize("data, key", [case[1:] for case in BAD_BASE64], ids=[case[0] for case in BAD_BASE64])
def test_values_that_are_not_base64_are_refused_before_any_request(existing, capsys, data, key):
    args = connection(existing, name=NAMES, resource_group=GROUP, data=data, data_encoding="base64")
    expected = r"^data: the value of '%s' is not valid base64, as data_encoding=base64 requires" % re.escape(key)
    result = run_module(aicore_generic_secret, args, capsys)
    assert_refused(existing, result, expected)
    assert data[key] not in result["msg"]


def test_state_present_without_data_is_refused_by_the_argument_spec(existing, capsys):
    args = connection(existing, name=NAMES, resource_group=GROUP)
    result = run_module(aicore_generic_secret, args, capsys)
    assert result["failed"] is True
    assert re.search(r"missing: data$", result["msg"]), result["msg"]
    assert existing.log() == []


def test_valid_data_and_labels_are_sent(existing, capsys):
    """The control case: the empty logs above mean "refused", not "the log does not work"."""
    args = connection(existing, name=NAMES, resource_group=GROUP, data={"password": PASSWORD, "blob": BINARY_B64},
                      labels={"owner": "team-a"})
    result = run_module(aicore_generic_secret, args, capsys)
    assert result["failed"] is False
    assert result["changed"] is True
    assert [record["endpoint"] for record in existing.log()].count("token") == 1
    assert sorted(existing.store("rg:" + GROUP)) == NAMES
