# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests: what the contract forbids is refused before any request, and what it
allows reaches the emulator intact."""

import base64
import re

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import DesiredSecret, labels_of, normalize_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import api_root, resolve_settings
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_secret_name

NAME_RULE = re.compile(r"[a-z0-9.-]{1,252}")  # oracles, matched whole like the module's own checks
# AI Core's documented label-key pattern; as an oracle it runs only on keys of at most 70 characters.
LABEL_KEY_RULE = re.compile(r"ext\.ai\.sap\.com/(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]){1,48}")
FINGERPRINT_KEY = "fuzz-fingerprint-key-0123456789"
EXAMPLES = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

names = st.one_of(st.text(max_size=260), st.from_regex(NAME_RULE, fullmatch=True))
label_keys = st.one_of(st.text(max_size=70), st.from_regex(r"[A-Za-z0-9][-A-Za-z0-9_.]{0,40}[A-Za-z0-9]", fullmatch=True))
texts = st.text(min_size=0, max_size=60)


def accepted(check, *args):
    try:
        check(*args)
        return True
    except InputError:
        return False


def client_for(emulator, resource_group="fuzz"):
    settings = resolve_settings(dict(api_url=emulator.url, auth_url=emulator.auth_url, client_id=emulator.client_id,
                                     client_secret=emulator.client_secret, service_key=None, token=None,
                                     validate_certs=True, ca_path=None, timeout=10, retries=0), {})
    return AICoreClient(settings, scope_headers(resource_group, False, {}))


@EXAMPLES
@given(name=names)
def test_names_are_refused_unless_the_contract_allows_them(name):
    allowed = bool(NAME_RULE.fullmatch(name)) and name not in (".", "..")
    assert accepted(check_secret_name, name) == allowed


@EXAMPLES
@given(key=label_keys, value=texts)
def test_label_rules_match_the_contract(key, value):
    full_key = key if key.startswith("ext.ai.sap.com/") else "ext.ai.sap.com/" + key
    allowed = bool(LABEL_KEY_RULE.fullmatch(full_key)) and len(full_key) <= 63 and 0 < len(value) <= 5000 and full_key != LABEL_KEY
    assert accepted(normalize_labels, {key: value}) == allowed


@EXAMPLES
@given(raw=st.one_of(st.text(max_size=40), st.binary(max_size=30).map(lambda raw: base64.b64encode(raw).decode())))
def test_base64_input_is_taken_only_when_canonical(raw):
    try:
        canonical = base64.b64encode(base64.b64decode(raw, validate=True)).decode() == raw
    except ValueError:
        canonical = False
    assert accepted(DesiredSecret, {"k": raw}, "base64") == canonical


RESOURCE_GROUP_RULE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]")  # SAP's rule for resource group ids


@EXAMPLES
@given(group=st.one_of(st.text(max_size=30), st.from_regex(RESOURCE_GROUP_RULE, fullmatch=True)))
def test_resource_groups_are_sent_only_when_they_are_ids(group):
    headers = None
    try:
        headers = scope_headers(group, False, {})
    except InputError:
        pass
    assert (headers is not None) == bool(RESOURCE_GROUP_RULE.fullmatch(group))
    if headers:
        assert headers == {"AI-Resource-Group": group}


@EXAMPLES
@given(scheme=st.sampled_from(["http", "https", "ftp", ""]), host=st.text(max_size=20), suffix=st.sampled_from(["", "/", "/v2", "/v2/", "/v2/v2"]))
def test_api_urls_are_normalised_or_refused(scheme, host, suffix):
    url = "%s://%s%s" % (scheme, host, suffix)
    try:
        root = api_root(url)
    except InputError:
        return
    assert root.startswith(("http://", "https://")) and root.endswith("/v2")
    assert not root.endswith("/v2/v2") or suffix == "/v2/v2"


@hypothesis_settings(max_examples=60, deadline=None)
@given(name=st.from_regex(NAME_RULE, fullmatch=True).filter(lambda name: name not in (".", "..")),
       data=st.dictionaries(st.from_regex(r"[-._a-zA-Z0-9]{1,20}", fullmatch=True).filter(lambda key: key != "." and not key.startswith("..")),
                            st.text(max_size=50), min_size=1, max_size=4),
       labels=st.dictionaries(st.from_regex(r"[a-z][-a-z0-9_.]{0,20}[a-z0-9]", fullmatch=True), st.text(min_size=1, max_size=40), max_size=3))
def test_allowed_input_round_trips_through_the_emulator(aicore, name, data, labels):
    aicore.reset()
    # keyed fingerprints: scrypt at OWASP's cost would make this test take minutes; test_desired covers scrypt
    desired = DesiredSecret(data, "plain", labels, fingerprint_key=FINGERPRINT_KEY)
    secrets = GenericSecrets(client_for(aicore))
    assert secrets.create(name, desired.data, desired.labels_to_send()) == "created"
    stored = aicore.store("rg:fuzz")[name]
    assert dict((key, base64.b64decode(value).decode("utf-8")) for key, value in stored["data"].items()) == data
    details = secrets.get(name)
    assert desired.data_matches(details) and desired.labels_match(details)
    assert dict((key, value) for key, value in labels_of(details).items() if key != LABEL_KEY) == desired.labels
