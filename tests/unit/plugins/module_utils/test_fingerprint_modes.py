# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fingerprint modes (keyed HMAC, scrypt at OWASP's minimum, older labels), the one-hash-per-salt rule
under threads, and both shapes in which SAP documents labels and the tenant-wide sync map."""

import threading

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils import _fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import DesiredSecret, labels_of, sync_status_of, visible_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY, Fingerprint, canonical
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret, aicore_generic_secret_info

from .module_runner import connection, run_module

KEY = "a-key-from-the-vault-0123456789abcdef"
DATA = {"password": "hunter2"}
SALT = "c2FsdHNhbHRzYWx0c2FsdA"


def details_list(labels):
    """A secret's details as SAP's API reference shows them: labels as a list of {key, value}."""
    return {"name": "s", "labels": [{"key": key, "value": value} for key, value in labels.items()]}


def details_object(labels):
    """The same as SAP's help pages show it: labels as an object."""
    return {"name": "s", "labels": dict(labels)}


def legacy_label(scheme, parameters):
    """A label of DATA as an earlier version wrote it, made with the parameters it names."""
    message = canonical(DesiredSecret(DATA, fingerprint_key=KEY).data)
    digest = _fingerprint._b64(_fingerprint._hash(scheme, parameters, _fingerprint._unb64(SALT), message))
    return "$".join([scheme] + [str(number) for number in parameters] + [SALT, digest])


class FakeSecrets:
    """One stored secret; records writes."""

    def __init__(self, current):
        self.current = current
        self.writes = []

    def get(self, name, prove_404=True):  # pylint: disable=unused-argument
        return self.current

    def update(self, name, data, labels):
        self.writes.append(labels)


# Keyed mode

def test_a_key_gives_an_hmac_label_that_verifies_only_with_that_key():
    label = DesiredSecret(DATA, fingerprint_key=KEY).fingerprint.label_value()
    scheme, salt, digest = label.split("$")
    assert scheme == "hmac-sha256" and len(salt) == 22 and len(digest) == 43
    assert DesiredSecret(DATA, fingerprint_key=KEY).data_matches(details_list({LABEL_KEY: label}))
    assert not DesiredSecret({"password": "hunter3"}, fingerprint_key=KEY).data_matches(details_list({LABEL_KEY: label}))
    assert not DesiredSecret(DATA, fingerprint_key=KEY + "x").data_matches(details_list({LABEL_KEY: label}))


def test_an_hmac_label_cannot_be_checked_without_the_key_so_the_secret_is_written_again(monkeypatch):
    label = DesiredSecret(DATA, fingerprint_key=KEY).fingerprint.label_value()
    calls = []
    real = _fingerprint._hash
    monkeypatch.setattr(_fingerprint, "_hash", lambda *args: calls.append(args[0]) or real(*args))
    without_key = DesiredSecret(DATA)
    assert not without_key.data_matches(details_list({LABEL_KEY: label}))
    assert calls == []  # nothing is even tried
    secrets = FakeSecrets(details_list({LABEL_KEY: label}))
    outcome = aicore_generic_secret.ensure(secrets, "s", without_key, "fingerprint", check_mode=False)
    assert outcome.action == "updated" and len(secrets.writes) == 1


def test_equal_data_in_two_runs_gives_two_different_labels():
    first = DesiredSecret(DATA, fingerprint_key=KEY).fingerprint.label_value()
    second = DesiredSecret(DATA, fingerprint_key=KEY).fingerprint.label_value()
    assert first != second and first.split("$")[2] != second.split("$")[2]


@pytest.mark.parametrize("key", ["short", "", "x" * 15, 12345678901234567890, ["k" * 20]])
def test_weak_or_malformed_keys_are_refused_without_quoting_them(key):
    with pytest.raises(InputError) as raised:
        DesiredSecret(DATA, fingerprint_key=key)
    message = str(raised.value)
    assert message.startswith("fingerprint_key: use a random value of at least 16 characters")
    assert not (isinstance(key, str) and key and key in message)


def test_the_key_is_hidden_at_once_and_the_label_as_soon_as_it_is_made():
    desired = DesiredSecret(DATA, fingerprint_key=KEY)
    hidden = []
    desired.hide_secrets_with(lambda *values: hidden.extend(values))
    assert KEY in hidden and "hunter2" in hidden
    assert not [value for value in hidden if value.startswith("hmac-sha256$")]  # no label made just to hide it
    label = desired.fingerprint.label_value()
    assert hidden.count(label) == 1


# Unkeyed mode and older labels

def test_without_a_key_the_label_is_scrypt_at_owasp_minimum():
    label = DesiredSecret(DATA).fingerprint.label_value()
    assert label.startswith("scrypt$131072$8$1$")
    assert _fingerprint.SCRYPT_PARAMETERS == (2 ** 17, 8, 1)


@pytest.mark.parametrize("key", [None, KEY])
@pytest.mark.parametrize("scheme, parameters", [("scrypt", (2 ** 14, 8, 1)), ("pbkdf2-sha256", (600000,))])
def test_older_labels_still_verify_and_are_not_rewritten_while_nothing_changed(key, scheme, parameters):
    label = legacy_label(scheme, parameters)
    desired = DesiredSecret(DATA, fingerprint_key=key)
    secrets = FakeSecrets(details_list({LABEL_KEY: label}))
    assert aicore_generic_secret.ensure(secrets, "s", desired, "fingerprint", check_mode=False).action == "unchanged"
    assert secrets.writes == []


def test_the_next_write_replaces_an_older_label_with_the_current_scheme():
    label = legacy_label("scrypt", (2 ** 14, 8, 1))
    desired = DesiredSecret(DATA, labels={"owner": "me"}, fingerprint_key=KEY)  # the labels differ: a write is due
    secrets = FakeSecrets(details_list({LABEL_KEY: label}))
    assert aicore_generic_secret.ensure(secrets, "s", desired, "fingerprint", check_mode=False).action == "updated"
    written = dict((item["key"], item["value"]) for item in secrets.writes[0])
    assert written[LABEL_KEY].startswith("hmac-sha256$") and written["ext.ai.sap.com/owner"] == "me"


@pytest.mark.parametrize("forged", ["hmac-sha256$1$%s$x" % SALT, "hmac-sha256$x", "hmac-sha256$A$xyz", "scrypt$131072$8$2$%s$x" % SALT,
                                    "scrypt$131072$8$1$A$xyz", "hmac-sha256$" + "A" * 400 + "$x"])
def test_forged_labels_never_match_and_never_raise(forged):
    assert not Fingerprint({"k": "dg=="}, KEY).matches(forged)
    assert not Fingerprint({"k": "dg=="}).matches(forged)


# The cache: one slow hash per (scheme, parameters, salt) per run, whatever the threads do

def test_many_threads_checking_the_same_labels_hash_once_per_salt_and_one_at_a_time(monkeypatch):
    real = _fingerprint._hash
    calls = []
    running = [0, 0]  # now, most at once
    guard = threading.Lock()

    def counted(*args):
        with guard:
            calls.append(args[:3])
            running[0] += 1
            running[1] = max(running[1], running[0])
        try:
            return real(*args)
        finally:
            with guard:
                running[0] -= 1

    monkeypatch.setattr(_fingerprint, "_hash", counted)
    desired = DesiredSecret(DATA, fingerprint_key=KEY)
    labels = [legacy_label("scrypt", (2 ** 14, 8, 1)), legacy_label("pbkdf2-sha256", (600000,))]
    calls[:] = []  # legacy_label itself hashed
    barrier = threading.Barrier(16)
    results = []

    def check(label):
        barrier.wait()
        results.append(desired.data_matches(details_list({LABEL_KEY: label})))

    threads = [threading.Thread(target=check, args=(labels[number % 2],)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 16
    assert sorted(call[0] for call in calls) == ["pbkdf2-sha256", "scrypt"]
    assert running[1] == 1  # never two slow hashes (128 MiB each at the current cost) at once


def test_a_rerun_over_http_hashes_once_for_the_salt_it_reads_and_makes_no_label_it_would_not_write(aicore, capsys, monkeypatch):
    """40 names, 8 threads, the real cost (scrypt at OWASP's minimum): one slow hash to write, one to verify."""
    real = _fingerprint._hash
    calls = []
    monkeypatch.setattr(_fingerprint, "_hash", lambda *args: calls.append(args[0]) or real(*args))
    aicore.reset()
    names = ["fingerprinted-%02d" % number for number in range(40)]
    task = connection(aicore, name=names, state="present", data=DATA, resource_group="default", concurrency=8)
    created = run_module(aicore_generic_secret, task, capsys)
    assert [item["action"] for item in created["secrets"]] == ["created"] * 40
    assert calls == ["scrypt"]  # the one label every secret got
    calls[:] = []
    rerun = run_module(aicore_generic_secret, task, capsys)
    assert [item["action"] for item in rerun["secrets"]] == ["unchanged"] * 40 and not rerun["changed"]
    assert calls == ["scrypt"]  # checking the one salt the 40 labels share; no label made for nothing


def test_a_hash_asked_ahead_runs_on_its_own_thread_once_and_the_check_then_waits_for_it(monkeypatch):
    real = _fingerprint._hash
    go = threading.Event()
    calls = []

    def held(*args):
        calls.append(args[0])
        assert go.wait(10)
        return real(*args)

    label = legacy_label("pbkdf2-sha256", (600000,))
    monkeypatch.setattr(_fingerprint, "_hash", held)
    desired = DesiredSecret(DATA, fingerprint_key=KEY)
    desired.check_ahead(details_list({LABEL_KEY: label}))  # returns while the hash is held: it runs elsewhere
    desired.check_ahead(details_list({LABEL_KEY: label}))
    desired.check_ahead(details_list({LABEL_KEY: "not a label"}))
    go.set()
    assert desired.data_matches(details_list({LABEL_KEY: label}))
    assert calls == ["pbkdf2-sha256"]


def test_a_label_made_ahead_is_hidden_before_anyone_gets_it_and_made_once():
    desired = DesiredSecret(DATA, fingerprint_key=KEY)
    hidden = []
    desired.hide_secrets_with(lambda *values: hidden.extend(values))
    desired.fingerprint.make_label_ahead()
    label = desired.fingerprint.label_value()
    desired.fingerprint.make_label_ahead()
    assert label in hidden and desired.fingerprint.label_value() == label


# Both shapes SAP documents

@pytest.mark.parametrize("shape", [details_list, details_object])
def test_labels_read_the_same_in_either_shape_and_the_fingerprint_matches(shape):
    desired = DesiredSecret(DATA, labels={"owner": "me"}, fingerprint_key=KEY)
    current = shape({"ext.ai.sap.com/owner": "me", LABEL_KEY: desired.fingerprint.label_value()})
    assert labels_of(current) == {"ext.ai.sap.com/owner": "me", LABEL_KEY: desired.fingerprint.label_value()}
    assert visible_labels(current) == {"ext.ai.sap.com/owner": "me"}
    assert desired.data_matches(current) and desired.labels_match(current)
    assert aicore_generic_secret.ensure(FakeSecrets(current), "s", desired, "fingerprint", check_mode=False).action == "unchanged"


@pytest.mark.parametrize("labels", [None, "text", 5, [None, "x", {"key": 1, "value": "v"}], {1: "v"}])
def test_unreadable_labels_are_empty_not_an_error(labels):
    assert labels_of({"labels": labels}) == {}


@pytest.mark.parametrize("field", ["resourceGroupSecretsSyncStatus", "resourceGroupSecretReplicationStatus"])
def test_the_sync_map_is_read_under_either_name(field):
    details = {"name": "s", "createdAt": "2026-01-01T00:00:00Z", "labels": {"ext.ai.sap.com/a": "b"}, field: {"default": True}}
    assert sync_status_of(details) == {"default": True}
    described = aicore_generic_secret_info.described(details)
    assert described == {"name": "s", "created_at": "2026-01-01T00:00:00Z", "labels": {"ext.ai.sap.com/a": "b"},
                         "resource_group_sync_status": {"default": True}}


def test_no_sync_map_means_no_sync_status():
    assert sync_status_of({"name": "s", "resourceGroupSecretsSyncStatus": "odd"}) is None
    assert "resource_group_sync_status" not in aicore_generic_secret_info.described({"name": "s"})


# The options

def test_data_and_labels_are_raw_and_the_key_is_hidden_and_read_from_the_environment():
    options = aicore_generic_secret.MODULE_OPTIONS
    assert options["data"]["type"] == "raw" and options["data"]["no_log"] is True
    assert options["labels"]["type"] == "raw"
    key = options["fingerprint_key"]
    assert key["type"] == "str" and key["no_log"] is True and key["fallback"][1] == ["AICORE_FINGERPRINT_KEY"]
