# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a task asks a secret to be: encoding, label rules, the fingerprint and comparisons."""

import base64

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils import _fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import DesiredSecret, normalize_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY, Fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError


def details(labels):
    return {"name": "s", "createdAt": "2026-01-01T00:00:00Z", "labels": [{"key": k, "value": v} for k, v in labels.items()]}


def test_plain_values_are_base64_encoded():
    assert DesiredSecret({"password": "pä55"}).data == {"password": base64.b64encode("pä55".encode()).decode()}


def test_base64_values_are_sent_as_given():
    assert DesiredSecret({"k": "aGVsbG8="}, "base64").data == {"k": "aGVsbG8="}


@pytest.mark.parametrize("bad", ["aGVsbG8", "not base64!", "aGVs bG8=", "===="])
def test_bad_base64_is_refused_without_echoing_the_value(bad):
    with pytest.raises(InputError) as raised:
        DesiredSecret({"k": bad}, "base64")
    assert "not valid base64" in str(raised.value) and bad not in str(raised.value)


@pytest.mark.parametrize("data, rule", [({}, "at least one key"), ({"a/b": "x"}, "not allowed"), ({"k": 5}, "must be a string"),
                                        ({"k k": "x"}, "not allowed")])
def test_bad_data_is_refused(data, rule):
    with pytest.raises(InputError, match="^data: .*" + rule):
        DesiredSecret(data)


def test_label_keys_get_the_prefix():
    assert normalize_labels({"owner": "me", "ext.ai.sap.com/team": "a"}) == {"ext.ai.sap.com/owner": "me", "ext.ai.sap.com/team": "a"}


@pytest.mark.parametrize("labels", [{"-bad": "x"}, {"x" * 49: "x"}, {"owner": ""}, {"owner": "v" * 5001}, {"owner": 1},
                                    {LABEL_KEY: "forged"}, {"a b": "x"}])
def test_bad_labels_are_refused(labels):
    with pytest.raises(InputError, match="^labels: "):
        normalize_labels(labels)


def test_fingerprint_round_trip_and_mismatch():
    desired = DesiredSecret({"k": "v"})
    stored = desired.fingerprint.label_value()
    assert stored.startswith("scrypt$131072$8$1$")
    assert desired.data_matches(details({LABEL_KEY: stored}))
    assert not DesiredSecret({"k": "other"}).data_matches(details({LABEL_KEY: stored}))
    assert not desired.data_matches(details({}))


def test_one_salt_per_run_and_digests_are_cached(monkeypatch):
    calls = []
    real = _fingerprint._hash
    monkeypatch.setattr(_fingerprint, "_hash", lambda *a: calls.append(a) or real(*a))
    fingerprint = Fingerprint({"k": "dg=="})
    first = fingerprint.label_value()
    assert fingerprint.label_value() == first and fingerprint.matches(first)
    assert len(calls) == 1


def test_every_accepted_parameter_set_verifies():
    fingerprint = Fingerprint({"k": "dg=="})
    salt = "c2FsdHNhbHRzYWx0c2FsdA"
    digest = _fingerprint._b64(_fingerprint._hash("pbkdf2-sha256", (600000,), _fingerprint._unb64(salt), _fingerprint.canonical({"k": "dg=="})))
    assert fingerprint.matches("pbkdf2-sha256$600000$%s$%s" % (salt, digest))


@pytest.mark.parametrize("forged", ["scrypt$1048576$15$1$c2FsdA$x", "scrypt$1048576$32$16$c2FsdA$x", "scrypt$1000$8$1$c2FsdA$x",
                                    "scrypt$16384$8$c2FsdA$x", "md5$c2FsdA$x", "", None, "scrypt$16384$8$1$!!$x",
                                    "scrypt$16384$8$1$AAAA$\u00e9", "pbkdf2-sha256$10000000$c2FsdA$x", "pbkdf2-sha256$1000$c2FsdA$x"])
def test_hostile_or_broken_fingerprints_never_match_and_never_raise(forged):
    assert not Fingerprint({"k": "dg=="}).matches(forged)


def test_labels_to_send_removes_unnamed_labels_and_keeps_the_fingerprint_last_word():
    desired = DesiredSecret({"k": "v"}, labels={"owner": "me"})
    sent = dict((label["key"], label["value"]) for label in desired.labels_to_send(details({"ext.ai.sap.com/old": "x"})))
    assert sent["ext.ai.sap.com/owner"] == "me" and sent["ext.ai.sap.com/old"] == "" and sent[LABEL_KEY].startswith("scrypt$")


def test_omitted_labels_leave_existing_ones_alone():
    desired = DesiredSecret({"k": "v"})
    current = details({"ext.ai.sap.com/old": "x"})
    assert [label["key"] for label in desired.labels_to_send(current)] == [LABEL_KEY]
    assert desired.labels_match(current) and desired.labels_after(current) == {"ext.ai.sap.com/old": "x"}


def test_a_label_given_with_and_without_the_prefix_is_refused():
    with pytest.raises(InputError, match="given twice"):
        normalize_labels({"owner": "a", "ext.ai.sap.com/owner": "b"})
