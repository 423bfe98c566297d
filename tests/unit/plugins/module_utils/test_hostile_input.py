# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile task input: every check is linear-time and whole-string, and refuses with a message that names
the option and the rule, never quoting a secret value and never raising anything but InputError."""

import re
import time

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import LABEL_KEY_PATTERN, DesiredSecret, normalize_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_secret_name, secret_names

# Generous: each check below takes microseconds; the exponential pattern this replaces took minutes
# for the 37-character key, and days at 40 characters.
BOUND_SECONDS = 0.5
# AI Core's documented pattern, as it is (with unescaped dots), only ever run on short input here.
DOCUMENTED_LABEL_KEY = re.compile(r"ext.ai.sap.com/(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]){1,48}")
GOOD_DATA = {"password": "s3cret"}
FINGERPRINT_KEY = "unit-test-fingerprint-key-0123456789"


def refused_within_bound(check, *args):
    """Run a check that must refuse; return its message, after asserting it answered within the bound."""
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        check(*args)
    assert time.perf_counter() - started < BOUND_SECONDS
    return str(raised.value)


def as_name(text):
    return check_secret_name(text)


def as_data_key(text):
    return DesiredSecret({text: "v"}, fingerprint_key=FINGERPRINT_KEY)


def as_label_key(text):
    return normalize_labels({text: "v"})


def as_resource_group(text):
    return scope_headers(text, False, {})


VALIDATORS = [(as_name, "name"), (as_data_key, "data"), (as_label_key, "labels"), (as_resource_group, "resource_group")]
HOSTILE = [
    "a" * 10000 + "!",
    "a" * 10000 + "\n",
    "ownerteamplatformcontactemailaddress!",
    "a-" * 5000 + "!",
    "a." * 5000 + "!",
    "a" + "-." * 5000 + "!",
    "ext.ai.sap.com/" + "a" * 10000 + "!",
    "ext.ai.sap.com/" + "a-_." * 2500 + "-",
]


# Rows 1 and 2: linear time, whole string.

@pytest.mark.parametrize("check, option", VALIDATORS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_is_refused_within_a_bound_naming_the_option(check, option, hostile):
    message = refused_within_bound(check, hostile)
    assert message.startswith(option)
    assert len(message) < 600  # the input is shortened, never quoted whole


def test_the_37_character_label_key_of_the_review_is_refused_at_once():
    message = refused_within_bound(as_label_key, "ownerteamplatformcontactemailaddress!")
    assert message.startswith("labels: key 'ext.ai.sap.com/ownerteamplatformcontactemailaddress!' is not allowed")


@hypothesis_settings(max_examples=60, deadline=None)
@given(unit=st.text(alphabet="a0-_.", min_size=1, max_size=4), tail=st.sampled_from(["!", "\n", "-", "_", ".", " ", "/", "a"]))
def test_any_repetition_of_allowed_characters_is_answered_within_the_bound(unit, tail):
    hostile = unit * (10000 // len(unit)) + tail
    for check, _option in VALIDATORS:
        started = time.perf_counter()
        try:
            check(hostile)  # a data key such as "a.a.a...a" is allowed: only the time matters here
        except InputError:
            pass
        assert time.perf_counter() - started < BOUND_SECONDS


@pytest.mark.parametrize("check, option, good", [(as_name, "name", "s1"), (as_data_key, "data", "config.json"),
                                                 (as_label_key, "labels", "owner"), (as_resource_group, "resource_group", "team-a")])
def test_a_final_newline_is_refused_where_the_same_text_without_it_passes(check, option, good):
    check(good)
    assert refused_within_bound(check, good + "\n").startswith(option)


@hypothesis_settings(max_examples=300, deadline=None)
@given(suffix=st.text(alphabet="aZ9-_.!\n", max_size=20))
def test_the_linear_label_key_pattern_accepts_exactly_what_the_documented_one_does(suffix):
    key = "ext.ai.sap.com/" + suffix
    assert bool(LABEL_KEY_PATTERN.fullmatch(key)) == bool(DOCUMENTED_LABEL_KEY.fullmatch(key))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_label_key_pattern_itself_is_linear_without_the_length_check(hostile):
    started = time.perf_counter()
    assert not LABEL_KEY_PATTERN.fullmatch(hostile)
    assert time.perf_counter() - started < BOUND_SECONDS


def test_the_label_prefix_is_matched_literally():
    assert not LABEL_KEY_PATTERN.fullmatch("extXaiXsapXcom/owner")
    assert normalize_labels({"extXaiXsapXcom-owner": "v"}) == {"ext.ai.sap.com/extXaiXsapXcom-owner": "v"}


def test_label_keys_keep_the_63_character_limit():
    assert normalize_labels({"a" * 48: "v"})  # 15 + 48 = 63
    assert refused_within_bound(as_label_key, "a" * 49).startswith("labels: ")


# Row 3: data keys follow the rule for file names of a mounted secret.

@pytest.mark.parametrize("key", [".", "..", "..data", "...", "..a.b", "a/b", "", "a b", "k\n", "\u00e9"])
def test_data_keys_that_cannot_be_file_names_are_refused_with_the_rule(key):
    message = refused_within_bound(as_data_key, key)
    assert message.startswith("data: key ") and "not '.' or '..' and not starting with '..'" in message


@pytest.mark.parametrize("key", [".env", "a..b", "a.", "-", "_", "config.json", "A-Z_0.9"])
def test_data_keys_that_are_file_names_pass(key):
    assert list(DesiredSecret({key: "v"}, fingerprint_key=FINGERPRINT_KEY).data) == [key]


def test_data_keys_of_mixed_types_are_refused_not_sorted():
    with pytest.raises(InputError, match="^data: key 1 is not allowed"):
        DesiredSecret({1: "a", "b": "c"}, fingerprint_key=FINGERPRINT_KEY)


# Row 4: data and labels only as mappings, never converted, the value never quoted.

@pytest.mark.parametrize("data, word", [("user=admin password=hunter2=x", "a string"), (["a=b"], "a list"), (5, "a number"),
                                        (True, "a boolean"), ("", "an empty string")])
def test_data_that_is_not_a_mapping_is_refused_without_quoting_it(data, word):
    message = refused_within_bound(lambda value: DesiredSecret(value, fingerprint_key=FINGERPRINT_KEY), data)
    assert message.startswith("data: must be a dict") and ("got %s" % word) in message
    assert "hunter2" not in message and "admin" not in message and "=" not in message


@pytest.mark.parametrize("labels, word", [("owner=me", "a string"), ([{"key": "a", "value": "b"}], "a list"), (7, "a number")])
def test_labels_that_are_not_a_mapping_are_refused(labels, word):
    message = refused_within_bound(normalize_labels, labels)
    assert message.startswith("labels: must be a dict") and ("got %s" % word) in message and "owner=me" not in message


@pytest.mark.parametrize("key", [None, 5, True])
def test_label_keys_that_are_not_strings_are_refused(key):
    assert refused_within_bound(normalize_labels, {key: "v"}).startswith("labels: every key must be a string")


# Row 10 (list part): malformed entries of name, by index.

@pytest.mark.parametrize("entry, word", [({"name": None}, "a dict"), (None, "null"), (5, "a number"), (["s1"], "a list"),
                                         (True, "a boolean"), ("", "an empty string")])
def test_malformed_list_entries_are_named_by_index(entry, word):
    message = refused_within_bound(secret_names, ["good-one", entry])
    assert message == "name: the entry at index 1: a secret name must be a non-empty string, got %s" % word


def test_a_bad_name_in_a_list_is_named_by_index_and_value():
    assert refused_within_bound(secret_names, ["a", "b", "s1\n"]).startswith("name: the entry at index 2: secret name 's1\\n' is not allowed")


@pytest.mark.parametrize("raw, word", [({"name": "s1"}, "a dict"), (None, "null"), (3, "a number")])
def test_name_that_is_neither_a_string_nor_a_list_is_refused(raw, word):
    assert refused_within_bound(secret_names, raw) == "name: give a secret name or a list of secret names, got %s" % word


# Row 12: duplicates removed in linear time, order kept.

def test_duplicates_are_removed_keeping_the_first_of_each_in_order():
    assert secret_names(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


@hypothesis_settings(max_examples=50, deadline=None)
@given(names=st.lists(st.sampled_from(["a", "b", "c", "d-1", "e.2"]), min_size=1, max_size=30))
def test_deduplication_keeps_first_occurrences_in_order(names):
    expected = []
    for name in names:
        if name not in expected:
            expected.append(name)
    assert secret_names(names) == expected


def test_a_hundred_thousand_names_are_checked_within_a_generous_bound():
    names = ["ci-run-%06d" % number for number in range(100000)]
    started = time.perf_counter()
    assert len(secret_names(names + names[:50000])) == 100000
    assert time.perf_counter() - started < 5  # about 0.1 s here; the quadratic version took minutes


# Issue 9: resource group ids by SAP's rule, before anything is sent.

@pytest.mark.parametrize("group", ["team_a", "ab", "x-", "a", "-ab", "ab.", "a" * 254, "team a", "t\u00e9am"])
def test_resource_group_ids_that_break_sap_rule_are_refused(group):
    message = refused_within_bound(as_resource_group, group)
    assert message.startswith("resource_group: ")


def test_the_resource_group_message_gives_the_rule():
    message = refused_within_bound(as_resource_group, "team_a")
    assert message == ("resource_group: 'team_a' is not a resource group id: use 3 to 253 characters of letters, digits, '.' and '-', "
                       "starting and ending with a letter or digit (^[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]$)")


@pytest.mark.parametrize("group", ["abc", "a.b", "Team-A", "default", "a" * 253, "1-2.3"])
def test_resource_group_ids_by_sap_rule_pass(group):
    assert as_resource_group(group) == {"AI-Resource-Group": group}


def test_the_environment_variable_is_checked_by_the_same_rule():
    with pytest.raises(InputError, match="^environment variable AICORE_RESOURCE_GROUP: 'ab' is not a resource group id"):
        scope_headers(None, False, {"AICORE_RESOURCE_GROUP": "ab"})


def test_star_keeps_its_meaning_with_tenant_scope():
    assert scope_headers("*", True, {}) == {"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"}
    with pytest.raises(InputError, match="needs tenant_scope"):
        scope_headers("*", False, {})
