# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of the AI Core emulator, through real HTTP on loopback with ``requests``.

Each test shows one behaviour: of AI Core as docs/ai-core-api.md describes it, or of the
control endpoints, fault rules and settings that tests use to steer the emulator.
"""

import base64
import http.client
import json
import re
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

DEFAULT_SCOPE = {"AI-Resource-Group": "default"}
TENANT = {"AI-Tenant-Scope": "true"}
TENANT_WIDE = {"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"}
TIMEOUT = 10
SECRETS = "/v2/admin/secrets"
LABEL_KEY = "ext.ai.sap.com/team"


def b64(text):
    """Base64 of UTF-8 text, as secret data values are sent."""
    return base64.b64encode(text.encode()).decode()


def token_form(emulator, **changes):
    """A client credentials form for ``emulator``."""
    form = {"grant_type": "client_credentials", "client_id": emulator.client_id, "client_secret": emulator.client_secret}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def fetch_token(emulator):
    """A new access token from the token endpoint."""
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT)
    answer.raise_for_status()
    return answer.json()["access_token"]


class Api:
    """A small client of the secrets API that sends exactly what a test says."""

    def __init__(self, emulator, token):
        self.emulator = emulator
        self.token = token
        self.session = requests.Session()

    def call(self, method, path="", scope=None, token=None, **kwargs):
        """``method`` on ``/v2/admin/secrets{path}`` with a bearer token and scope headers."""
        headers = dict(DEFAULT_SCOPE if scope is None else scope)
        headers["Authorization"] = f"Bearer {token or self.token}"
        headers.update(kwargs.pop("headers", {}))
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, f"{self.emulator.url}{SECRETS}{path}", headers=headers, **kwargs)

    def create(self, name, data=None, labels=None, scope=None, **kwargs):
        """POST a secret; ``data`` defaults to one valid base64 value."""
        body = {"name": name, "data": data or {"value": b64("secret")}}
        if labels is not None:
            body["labels"] = labels
        return self.call("POST", json=body, scope=scope, **kwargs)


@pytest.fixture
def token(emulator):
    """A fresh token for each test (some expire every token so far), kept out of its log."""
    issued = fetch_token(emulator)
    emulator.clear_log()
    return issued


@pytest.fixture
def api(emulator, token):
    """An ``Api`` with a valid token."""
    return Api(emulator, token)


@pytest.fixture
def control(emulator):
    """``control("POST", "faults", json=...)`` calls ``/_emulator/faults``."""
    def call(method, endpoint, **kwargs):
        return requests.request(method, f"{emulator.url}/_emulator/{endpoint}", timeout=TIMEOUT, **kwargs)
    return call


def error_code(answer):
    """The AI Core error code of a JSON error answer."""
    return answer.json()["error"]["code"]


# --- token endpoint ------------------------------------------------------------------------

def test_token_from_form_credentials(emulator):
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT)
    body = answer.json()
    assert answer.status_code == 200
    assert body["token_type"] == "bearer" and body["expires_in"] == 43199 and body["jti"] and body["scope"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", body["access_token"])
    assert body["access_token"] in emulator.issued_tokens()


def test_token_from_http_basic(emulator):
    form = {"grant_type": "client_credentials"}
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=form, auth=(emulator.client_id, emulator.client_secret), timeout=TIMEOUT)
    assert answer.status_code == 200
    assert emulator.log()[-1]["auth"] == "basic"


@pytest.mark.parametrize("changes", [{"client_secret": "wrong"}, {"client_secret": None}, {"client_id": "sb-other!t1"}])
def test_bad_credentials_get_401_json(emulator, changes):
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator, **changes), timeout=TIMEOUT)
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "error_description": "Bad credentials"}


def test_wrong_grant_type_gets_400(emulator):
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator, grant_type="password"), timeout=TIMEOUT)
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_token_response_setting_replaces_the_answer(emulator):
    emulator.configure(token_response={"token_type": "bearer", "expires_in": 60})
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT)
    assert answer.json() == {"token_type": "bearer", "expires_in": 60}


def test_a_token_named_in_token_response_works_on_the_api(emulator, api):
    emulator.configure(token_response={"access_token": "chosen.by.test"})
    requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT)
    assert api.call("GET", token="chosen.by.test").status_code == 200


def test_token_ttl_is_reported_and_enforced(emulator, api):
    emulator.configure(token_ttl=0)
    answer = requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT)
    assert answer.json()["expires_in"] == 0
    assert api.call("GET", token=answer.json()["access_token"]).text == "Jwt is expired"


def test_mtls_token_with_trusted_client_certificate_needs_no_secret(emulator):
    form = token_form(emulator, client_secret=None)
    answer = requests.post(f"{emulator.mtls_url}/oauth/token", data=form, cert=(emulator.client_cert, emulator.client_key),
                           verify=emulator.ca_file, timeout=TIMEOUT)
    assert answer.status_code == 200 and answer.json()["access_token"]
    assert emulator.log()[-1]["client_cert"] is True


@pytest.mark.parametrize("use_cert", ["untrusted", "none"])
def test_mtls_refuses_untrusted_or_missing_client_certificate(emulator, use_cert):
    cert = (emulator.untrusted_client_cert, emulator.untrusted_client_key) if use_cert == "untrusted" else None
    with pytest.raises(requests.exceptions.ConnectionError):  # SSLError is a ConnectionError
        requests.post(f"{emulator.mtls_url}/oauth/token", data=token_form(emulator, client_secret=None), cert=cert,
                      verify=emulator.ca_file, timeout=TIMEOUT)


def test_mtls_listener_serves_only_the_token_endpoint(emulator, token):
    answer = requests.get(f"{emulator.mtls_url}{SECRETS}", headers={"Authorization": f"Bearer {token}", **DEFAULT_SCOPE},
                          cert=(emulator.client_cert, emulator.client_key), verify=emulator.ca_file, timeout=TIMEOUT)
    assert answer.status_code == 404


def test_tls_listener_serves_the_api_with_a_certificate_for_localhost(emulator, token):
    headers = {"Authorization": f"Bearer {token}", **DEFAULT_SCOPE}
    for host in ("127.0.0.1", "localhost"):
        url = emulator.tls_url.replace("127.0.0.1", host)
        assert requests.get(f"{url}{SECRETS}", headers=headers, verify=emulator.ca_file, timeout=TIMEOUT).status_code == 200


# --- gateway -------------------------------------------------------------------------------

def test_no_authorization_gets_403_plain_text(emulator):
    answer = requests.get(f"{emulator.url}{SECRETS}", headers=DEFAULT_SCOPE, timeout=TIMEOUT)
    assert (answer.status_code, answer.text) == (403, "RBAC: access denied")
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_unknown_token_gets_401_plain_text(api):
    answer = api.call("GET", token="a.b.c")
    assert (answer.status_code, answer.text) == (401, "Jwt verification fails")
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_expired_tokens_get_401_and_new_ones_work(emulator, api):
    emulator.expire_tokens()
    assert (api.call("GET").status_code, api.call("GET").text) == (401, "Jwt is expired")
    assert api.call("GET", token=fetch_token(emulator)).status_code == 200


@pytest.mark.parametrize("path", ["/v2/v2/admin/secrets", "/v2/admin/secret", "/v2/admin/secrets/a/b"])
def test_paths_outside_the_api_get_404(emulator, token, path):
    answer = requests.get(f"{emulator.url}{path}", headers={"Authorization": f"Bearer {token}", **DEFAULT_SCOPE}, timeout=TIMEOUT)
    assert answer.status_code == 404


# --- scopes --------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", [
    {},
    {"AI-Tenant-Scope": "true", "AI-Resource-Group": "default"},
    {"AI-Resource-Group": "*"},
    {"AI-Resource-Group": "de\x01fault"},
    {"AI-Resource-Group": "my group"},
    {"AI-Tenant-Scope": "yes"},
])
def test_undocumented_scope_headers_get_400(api, scope):
    answer = api.call("GET", scope=scope)
    assert answer.status_code == 400 and error_code(answer) == "InvalidScope"


def test_every_scope_has_its_own_store(emulator, api):
    scopes = {"rg:default": DEFAULT_SCOPE, "rg:team-b": {"AI-Resource-Group": "team-b"}, "tenant": TENANT, "tenant-wide": TENANT_WIDE}
    for name, headers in scopes.items():
        assert api.create("shared", {"scope": b64(name)}, scope=headers).status_code == 200
    for name in scopes:
        assert emulator.store(name)["shared"]["data"] == {"scope": b64(name)}
    assert [record["scope"] for record in emulator.log()] == list(scopes)


# --- create, read, update, delete ------------------------------------------------------------

def test_create_answers_200_and_get_shows_details_without_data(api):
    answer = api.create("db-password")
    assert (answer.status_code, answer.json()) == (200, {"message": "secret has been created", "name": "db-password"})
    details = api.call("GET", "/db-password").json()
    assert set(details) == {"name", "createdAt"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", details["createdAt"])


def test_labels_are_shown_and_tenant_wide_secrets_report_sync_status(api):
    labels = [{"key": LABEL_KEY, "value": "a"}]
    api.create("shared", labels=labels, scope=TENANT_WIDE)
    details = api.call("GET", "/shared", scope=TENANT_WIDE).json()
    assert details["labels"] == labels
    assert details["resourceGroupSecretsSyncStatus"]["default"] is True


def test_get_of_a_missing_secret_gets_404(api):
    answer = api.call("GET", "/missing")
    assert answer.status_code == 404 and error_code(answer) == "NotFound"


@pytest.mark.parametrize("duplicate_status", [409, 400])
def test_duplicate_name_gets_the_configured_status(emulator, api, duplicate_status):
    emulator.configure(duplicate_status=duplicate_status)
    api.create("twice")
    answer = api.create("twice")
    assert answer.status_code == duplicate_status
    assert answer.json()["error"]["message"] == "secret already exists"


def test_at_most_five_tenant_wide_secrets(api):
    for number in range(5):
        assert api.create(f"wide-{number}", scope=TENANT_WIDE).status_code == 200
    answer = api.create("wide-5", scope=TENANT_WIDE)
    assert answer.status_code == 400 and error_code(answer) == "TenantWideSecretLimit"


def test_patch_replaces_data_and_merges_labels(emulator, api):
    api.create("app", {"old": b64("1")}, labels=[{"key": f"{LABEL_KEY}-a", "value": "x"}, {"key": f"{LABEL_KEY}-b", "value": "y"}])
    change = {"data": {"new": b64("2")}, "labels": [{"key": f"{LABEL_KEY}-a", "value": ""}, {"key": f"{LABEL_KEY}-c", "value": "z"}]}
    answer = api.call("PATCH", "/app", json=change)
    assert (answer.status_code, answer.json()) == (200, {"message": "The secret has been modified", "name": "app"})
    stored = emulator.store("rg:default")["app"]
    assert stored["data"] == {"new": b64("2")}
    assert stored["labels"] == [{"key": f"{LABEL_KEY}-b", "value": "y"}, {"key": f"{LABEL_KEY}-c", "value": "z"}]


def test_patch_needs_data_and_an_existing_secret(api):
    api.create("app")
    missing_data = api.call("PATCH", "/app", json={"labels": []})
    assert missing_data.status_code == 400 and error_code(missing_data) == "MissingField"
    assert api.call("PATCH", "/absent", json={"data": {"k": b64("v")}}).status_code == 404


def test_delete_answers_200_with_an_empty_body_then_404(emulator, api):
    api.create("gone")
    answer = api.call("DELETE", "/gone")
    assert (answer.status_code, answer.content, answer.headers["Content-Length"]) == (200, b"", "0")
    assert "gone" not in emulator.store("rg:default")
    again = api.call("DELETE", "/gone")
    assert again.status_code == 404 and error_code(again) == "NotFound"


def test_delete_body_setting(emulator, api):
    emulator.configure(delete_body="200")
    api.create("gone")
    assert api.call("DELETE", "/gone").text == "200"


def test_unsupported_methods_get_405(api):
    answer = api.call("PUT", "/a", json={})
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET, PATCH, DELETE"


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize("body, code", [
    ({"name": "Upper", "data": {"k": "dg=="}}, "InvalidName"),
    ({"name": "a/b", "data": {"k": "dg=="}}, "InvalidName"),
    ({"name": "", "data": {"k": "dg=="}}, "InvalidName"),
    ({"name": "a" * 253, "data": {"k": "dg=="}}, "InvalidName"),
    ({"name": 5, "data": {"k": "dg=="}}, "InvalidName"),
    ({"name": "ok", "data": {}}, "InvalidData"),
    ({"name": "ok", "data": ["dg=="]}, "InvalidData"),
    ({"name": "ok", "data": {"k": "not base64!"}}, "InvalidData"),
    ({"name": "ok", "data": {"k": "dg"}}, "InvalidData"),
    ({"name": "ok", "data": {"k": "dh=="}}, "InvalidData"),
    ({"name": "ok", "data": {"bad key": "dg=="}}, "InvalidData"),
    ({"name": "ok", "data": {"k": 5}}, "InvalidData"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": {"key": LABEL_KEY, "value": "v"}}, "InvalidLabels"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": [{"key": "team", "value": "v"}]}, "InvalidLabels"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": [{"key": "ext.ai.sap.com/" + "a" * 49, "value": "v"}]}, "InvalidLabels"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": [{"key": LABEL_KEY, "value": "v" * 5001}]}, "InvalidLabels"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": [{"key": LABEL_KEY}]}, "InvalidLabels"),
    ({"name": "ok", "data": {"k": "dg=="}, "labels": [{"key": LABEL_KEY, "value": "a"}, {"key": LABEL_KEY, "value": "b"}]}, "InvalidLabels"),
    ({"name": "ok"}, "MissingField"),
    ({"name": "ok", "data": {"k": "dg=="}, "label": []}, "UnknownField"),
])
def test_invalid_create_bodies_get_400_with_a_code(emulator, api, body, code):
    answer = api.call("POST", json=body)
    assert answer.status_code == 400
    assert error_code(answer) == code and answer.json()["error"]["message"] and answer.json()["error"]["requestId"]
    assert emulator.store() == {}


def test_limits_are_inclusive(api):
    assert api.create("a" * 252, labels=[{"key": "ext.ai.sap.com/" + "a" * 48, "value": "v" * 5000}]).status_code == 200


@pytest.mark.parametrize("kwargs, code", [
    ({"data": "not json", "headers": {"Content-Type": "application/json"}}, "InvalidBody"),
    ({"json": ["a list"]}, "InvalidBody"),
    ({"data": "name=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, "InvalidContentType"),
])
def test_unreadable_bodies_get_400(api, kwargs, code):
    answer = api.call("POST", **kwargs)
    assert answer.status_code == 400 and error_code(answer) == code


@pytest.mark.parametrize("name", ["Bad", "a%2Fb", "a%20b", ""])
def test_invalid_names_in_the_path_get_400(api, name):
    answer = api.call("GET", f"/{name}")
    assert answer.status_code == 400 and error_code(answer) == "InvalidName"


def test_bodies_over_one_mebibyte_are_refused(api):
    answer = api.create("big", {"k": b64("x" * 800 * 1024)})
    assert answer.status_code == 413 and error_code(answer) == "PayloadTooLarge"


def test_every_error_has_a_fresh_request_id(api):
    ids = {api.call("GET", "/missing").json()["error"]["requestId"] for _attempt in range(3)}
    assert len(ids) == 3


# --- listing -----------------------------------------------------------------------------------

@pytest.fixture
def seven(emulator):
    """Seven secrets, seeded in creation order s0..s6."""
    emulator.seed("rg:default", [{"name": f"s{number}", "plain_data": {"k": "v"}} for number in range(7)])
    return [f"s{number}" for number in range(7)]


def names(answer):
    """Names of a list answer's resources."""
    return [resource["name"] for resource in answer.json()["resources"]]


def test_page_size_is_capped_below_top(emulator, api, seven):
    emulator.configure(page_cap=3)
    answer = api.call("GET", params={"$top": 5})
    assert names(answer) == seven[:3] and answer.json()["count"] == 3


def test_count_true_gives_the_total_and_skip_pages_on(api, seven):
    answer = api.call("GET", params={"$top": 2, "$skip": 6, "$count": "true"})
    assert names(answer) == seven[6:] and answer.json()["count"] == 7


def test_list_without_parameters_is_in_creation_order_without_data(api, seven):
    answer = api.call("GET")
    assert names(answer) == seven
    assert all(set(resource) == {"name", "createdAt"} for resource in answer.json()["resources"])


@pytest.mark.parametrize("params", [{"$top": "-1"}, {"$skip": "x"}, {"$top": "1.5"}, {"$count": "maybe"}])
def test_bad_paging_parameters_get_400(api, params):
    answer = api.call("GET", params=params)
    assert answer.status_code == 400 and error_code(answer) == "InvalidQuery"


def test_endless_pages_are_always_full(emulator, api):
    emulator.configure(endless_pages=True, page_cap=4)
    for skip in (0, 4000):
        answer = api.call("GET", params={"$skip": skip})
        assert len(names(answer)) == 4 and answer.json()["count"] >= 1_000_000


# --- faults, latency, rate limit -------------------------------------------------------------------

def test_respond_fault_answers_once_with_given_status_headers_and_body(emulator, api, control):
    rule = {"action": "respond", "status": 429, "headers": {"Retry-After": "2"}, "body": '{"error": {"code": "429"}}'}
    assert control("POST", "faults", json=rule).status_code == 200
    faulted = api.call("GET")
    assert (faulted.status_code, faulted.headers["Retry-After"], faulted.headers["Content-Type"]) == (429, "2", "application/json")
    assert api.call("GET").status_code == 200
    assert [record["fault"] for record in emulator.log()] == ["respond", None]


def test_respond_fault_with_text_body_is_plain_text(emulator, api):
    emulator.add_fault({"action": "respond", "status": 502, "body": "upstream connect error"})
    answer = api.call("GET")
    assert (answer.status_code, answer.text) == (502, "upstream connect error")
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_skip_times_and_filters_select_requests(emulator, api):
    emulator.add_fault({"action": "respond", "status": 503, "method": "POST", "path": "^/v2/", "endpoint": "api", "skip": 1, "times": 2})
    statuses = [api.create(f"s{number}").status_code for number in range(4)]
    assert statuses == [200, 503, 503, 200]
    assert api.call("GET").status_code == 200
    assert emulator.faults() == []


def test_forever_faults_stay_until_cleared(emulator, api, control):
    emulator.add_fault({"action": "respond", "status": 500, "times": -1, "endpoint": "token"})
    for _attempt in range(3):
        assert requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT).status_code == 500
    assert api.call("GET").status_code == 200
    control("DELETE", "faults")
    assert requests.post(f"{emulator.auth_url}/oauth/token", data=token_form(emulator), timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("action, performed", [("drop", False), ("drop_after", True)])
def test_dropped_connections_with_and_without_the_operation(emulator, api, action, performed):
    emulator.add_fault({"action": action, "method": "POST"})
    with pytest.raises(requests.exceptions.ConnectionError):
        api.create("maybe")
    assert ("maybe" in emulator.store("rg:default")) is performed
    record = emulator.log()[-1]
    assert (record["status"], record["fault"]) == (None, action)


@pytest.mark.parametrize("action, performed", [("stall", False), ("stall_after", True)])
def test_stalls_outlast_the_client_timeout(emulator, api, action, performed):
    emulator.add_fault({"action": action, "method": "POST", "delay": 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.create("slow", timeout=0.2)
    time.sleep(0.8)  # let the stalled handler finish before looking at the store
    assert ("slow" in emulator.store("rg:default")) is performed


@pytest.mark.parametrize("rule", [{"action": "delay", "delay": 0.3}, {"action": "stall_after", "delay": 0.3}])
def test_slow_answers_arrive_after_the_delay(emulator, api, rule):
    emulator.add_fault(rule)
    started = time.monotonic()
    assert api.create("late").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_latency_applies_to_every_request(emulator, api):
    emulator.configure(latency=0.2)
    started = time.monotonic()
    api.call("GET")
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("rule", [
    {"action": "explode"},
    {"action": ["drop"]},
    {"action": "drop", "times": 0},
    {"action": "drop", "path": "("},
    {"action": "drop", "color": "red"},
    {"action": "respond", "headers": {"Retry-After": 2}},
    ["not a rule"],
])
def test_invalid_fault_rules_are_refused(control, rule):
    assert control("POST", "faults", json=rule).status_code == 400


def test_rate_limit_answers_429_with_retry_after(emulator, api):
    emulator.configure(rate_limit=2)
    statuses = [api.call("GET") for _attempt in range(3)]
    assert [answer.status_code for answer in statuses] == [200, 200, 429]
    assert statuses[-1].headers["Retry-After"] == "1" and error_code(statuses[-1]) == "TooManyRequests"
    assert emulator.log()[-1]["fault"] == "rate_limit"


# --- control endpoints ------------------------------------------------------------------------------

def test_seed_and_store_over_http(control):
    seed = {"scope": "tenant", "secrets": [{"name": "s", "plain_data": {"password": "pw"}, "labels": [{"key": LABEL_KEY, "value": "x"}]}]}
    assert control("POST", "seed", json=seed).json() == {"ok": True, "seeded": 1}
    stored = control("GET", "store", params={"scope": "tenant"}).json()["secrets"]["s"]
    assert stored["data"] == {"password": b64("pw")} and stored["labels"] == [{"key": LABEL_KEY, "value": "x"}]
    assert list(control("GET", "store").json()) == ["tenant"]


@pytest.mark.parametrize("body", [{"scope": "nowhere", "secrets": []}, {"scope": "tenant", "secrets": [{"name": "BAD"}]}, {"secrets": []}])
def test_bad_seeds_are_refused(control, body):
    assert control("POST", "seed", json=body).status_code == 400


def test_log_records_what_was_sent_with_credentials_redacted(emulator, api, control):
    api.create("logged", {"k": b64("v")}, headers={"X-Trace": "1"})
    api.call("GET", params={"$top": "2"})
    requests.get(f"{emulator.url}/elsewhere", timeout=TIMEOUT)
    created, listed, other = control("GET", "log").json()["requests"]
    assert created["seq"] < listed["seq"] < other["seq"]
    assert (created["method"], created["path"], created["endpoint"], created["scope"]) == ("POST", SECRETS, "api", "rg:default")
    assert (created["auth"], created["token_ok"], created["client_cert"], created["status"]) == ("bearer", True, False, 200)
    assert created["body"] == {"name": "logged", "data": {"k": b64("v")}}
    assert created["headers"]["authorization"] == "<redacted>" and created["headers"]["x-trace"] == "1"
    assert api.token not in json.dumps(control("GET", "log").json())
    assert listed["query"] == {"$top": "2"}
    assert (other["endpoint"], other["status"], other["auth"], other["token_ok"]) == ("other", 404, "none", None)
    control("DELETE", "log")
    assert control("GET", "log").json() == {"requests": []}


def test_token_requests_are_logged_without_the_secret(emulator):
    fetch_token(emulator)
    record = emulator.log()[-1]
    assert record["endpoint"] == "token" and record["body"]["client_secret"] == "<redacted>"
    assert emulator.client_secret not in json.dumps(emulator.log())


def test_config_over_http_validates_and_reset_restores(control):
    assert control("POST", "config", json={"page_cap": 2, "rate_limit": 0})
    config = control("GET", "config").json()
    assert (config["page_cap"], config["rate_limit"], config["token_ttl"], config["duplicate_status"]) == (2, None, 43199, 409)
    assert control("POST", "config", json={"page_size": 2}).status_code == 400
    assert control("POST", "config", json={"duplicate_status": 418}).status_code == 400
    control("POST", "reset")
    assert control("GET", "config").json()["page_cap"] == 50


def test_tokens_can_be_listed_and_expired_over_http(emulator, control):
    issued = fetch_token(emulator)
    assert issued in control("GET", "tokens").json()["tokens"]
    control("POST", "tokens/expire")
    answer = Api(emulator, issued).call("GET")
    assert (answer.status_code, answer.text) == (401, "Jwt is expired")


def test_reset_empties_stores_faults_and_log(emulator, api, control):
    api.create("a")
    emulator.add_fault({"action": "drop", "times": -1, "path": "never"})
    control("POST", "reset")
    assert (emulator.store(), emulator.faults(), emulator.log()) == ({}, [], [])


def test_unknown_control_endpoints_get_404(control):
    assert control("GET", "nothing").status_code == 404


# --- HTTP ---------------------------------------------------------------------------------------------

def test_keep_alive_with_content_length_on_every_answer(emulator, api, token):
    api.create("a")
    address = urlsplit(emulator.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
    headers = {"Authorization": f"Bearer {token}", **DEFAULT_SCOPE}
    for method, path in (("DELETE", "/a"), ("GET", ""), ("GET", "/missing")):
        connection.request(method, f"{SECRETS}{path}", headers=headers)
        answer = connection.getresponse()
        assert int(answer.getheader("Content-Length")) == len(answer.read())
        assert not answer.will_close
    connection.close()


def test_chunked_request_bodies_are_read(api):
    body = json.dumps({"name": "chunked", "data": {"k": b64("v")}}).encode()
    answer = api.call("POST", data=iter([body[:10], body[10:]]), headers={"Content-Type": "application/json"})
    assert answer.status_code == 200


def test_many_concurrent_keep_alive_clients(emulator, token):
    failures = []

    def client():
        with requests.Session() as session:
            for _attempt in range(10):
                answer = session.get(f"{emulator.url}{SECRETS}", headers={"Authorization": f"Bearer {token}", **DEFAULT_SCOPE}, timeout=TIMEOUT)
                if answer.status_code != 200:
                    failures.append(answer.status_code)

    threads = [threading.Thread(target=client) for _client in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(emulator.log()) == 320


def test_quiet_by_default(api, capfd):
    api.call("GET")
    api.call("GET", "/missing")
    assert capfd.readouterr().err == ""
