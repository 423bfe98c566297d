# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input aicore_generic_secret must refuse before it sends anything: bad names, scope conflicts,
out-of-range limits. Each case runs the module and checks that the message names the option at
fault and that the emulator saw no request at all, not even a token request.

The integration target aicore_input_refusals keeps a few of these as real ansible-playbook runs.
"""

import re

import pytest

from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret

from .module_runner import connection, run_module

SEEDED = ["fine-name", "good-one", "good-three"]
VALID_GROUP = "refusals"

# (case, options that differ from a valid task, environment, regex the message must match)
CASES = [
    # Secret names
    ("upper case", {"name": "A"}, {}, r"^name: .*'A'"),
    ("slash (would address another path)", {"name": "a/b"}, {}, r"^name: .*'a/b'"),
    ("dot-dot path segment", {"name": ".."}, {}, r"^name: .*'\.\.'"),
    ("dot path segment", {"name": "."}, {}, r"^name: .*'\.'"),
    ("query string", {"name": "a?x"}, {}, r"^name: .*'a\?x'"),
    ("fragment", {"name": "a#x"}, {}, r"^name: .*'a#x'"),
    ("percent-encoded slash", {"name": "a%2fb"}, {}, r"^name: .*'a%2fb'"),
    ("space", {"name": "a b"}, {}, r"^name: .*'a b'"),
    ("empty name", {"name": ""}, {}, r"^name: .*non-empty"),
    ("253 characters", {"name": "a" * 253}, {}, r"^name: .*252"),
    ("empty list", {"name": []}, {}, r"^name: .*at least one"),
    ("one bad name among good ones", {"name": ["good-one", "Bad-Two", "good-three"]}, {}, r"^name: .*'Bad-Two'"),
    # Scope
    ("tenant_scope with a concrete resource group", {"tenant_scope": True, "resource_group": "team-x"}, {},
     r"resource_group.*tenant_scope"),
    ("neither resource group nor tenant_scope", {"resource_group": None}, {}, r"resource_group.*tenant_scope"),
    ("LF in resource_group", {"resource_group": "team\nx-injected: 1"}, {}, r"^resource_group: .*control characters"),
    ("CR in resource_group", {"resource_group": "team\rx"}, {}, r"^resource_group: .*control characters"),
    ("TAB in resource_group", {"resource_group": "team\tx"}, {}, r"^resource_group: .*control characters"),
    ("empty resource_group", {"resource_group": ""}, {}, r"^resource_group: "),
    ("every resource group without tenant_scope", {"resource_group": "*"}, {}, r"^resource_group: .*tenant_scope"),
    ("LF in AICORE_RESOURCE_GROUP", {"resource_group": None}, {"AICORE_RESOURCE_GROUP": "team\nx"},
     r"AICORE_RESOURCE_GROUP.*control characters"),
    # Limits
    ("concurrency 0", {"concurrency": 0}, {}, r"^concurrency: .*1 and 32"),
    ("concurrency 33", {"concurrency": 33}, {}, r"^concurrency: .*1 and 32"),
    ("timeout 0", {"timeout": 0}, {}, r"^timeout: "),
    ("timeout NaN", {"timeout": float("nan")}, {}, r"^timeout: "),
    ("retries -1", {"retries": -1}, {}, r"^retries: "),
    ("retries 11", {"retries": 11}, {}, r"^retries: "),
]


@pytest.fixture
def seeded(aicore, monkeypatch):
    """A reset emulator holding the valid names used next to bad ones, with an empty log."""
    for name in ("AICORE_RESOURCE_GROUP", "AICORE_TENANT_SCOPE"):
        monkeypatch.delenv(name, raising=False)
    aicore.reset()
    aicore.seed("rg:" + VALID_GROUP, [{"name": name, "plain_data": {"value": "v"}} for name in SEEDED])
    aicore.clear_log()
    return aicore


def task(aicore, **options):
    args = connection(aicore, name="fine-name", state="absent", resource_group=VALID_GROUP)
    args.update(options)
    return {key: value for key, value in args.items() if value is not None}


@pytest.mark.parametrize("options, environment, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_any_request(seeded, capsys, monkeypatch, options, environment, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run_module(aicore_generic_secret, task(seeded, **options), capsys)
    assert result["failed"] is True
    assert result.get("changed", False) is False
    assert re.search(expected, result["msg"]), result["msg"]
    assert seeded.log() == []
    assert sorted(seeded.store("rg:" + VALID_GROUP)) == SEEDED


def test_valid_input_at_the_limits_is_sent(seeded, capsys):
    """The control case: the empty logs above mean "refused", not "the log does not work"."""
    result = run_module(aicore_generic_secret, task(seeded, name=["good-one", "good-three", "a" * 252], concurrency=32), capsys)
    assert result["failed"] is False
    assert result["changed"] is True
    assert [item["action"] for item in result["secrets"]] == ["deleted", "deleted", "absent"]
    assert [record["endpoint"] for record in seeded.log()].count("token") == 1
    assert [record["endpoint"] for record in seeded.log()].count("api") == 3
    assert sorted(seeded.store("rg:" + VALID_GROUP)) == ["fine-name"]
