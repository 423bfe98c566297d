# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules against a server that misbehaves: a proxy's HTML error page, 200 with a body that
is not JSON or is cut short, error bodies with missing or odd fields, token answers without a
usable access_token, redirects, a listing that never ends, and whatever body a successful DELETE
sends.

Each case runs a module's ``main()`` against the emulator over HTTP and checks what the task
would return: a clean failure (a message that says what went wrong, no secret, nothing masked in
it) and, from the emulator's log, what was sent. The integration target aicore_misbehaving_server
keeps a few of these cases as real ansible-playbook runs.
"""

import base64
import json
import re

import pytest
import requests

from ansible_collections.sap_aicore.admin.plugins.module_utils import _paging
from ansible_collections.sap_aicore.admin.plugins.modules import aicore_generic_secret, aicore_generic_secret_info, aicore_token

from .module_runner import connection, run_module

GROUP = "misbehaving"
SCOPE = "rg:" + GROUP
# The plain value of every seeded secret and of the data sent with state=present; no result may contain it.
SECRET_VALUE = "value-that-must-not-appear-5b0e7d"
# An access token that only ever travels in the body of a (broken) token answer; no result may contain it.
TOKEN_IN_BODY = "eyJhbGciOiJSUzI1NiJ9.token-that-must-not-appear.c2lnbmF0dXJl-8d41"
HTML_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""
# Loopback, but not the emulator's address, and port 9 (discard): a host that must never be contacted.
ELSEWHERE = "http://127.0.0.2:9"
SECRETS_PATH = "/v2/admin/secrets$"


@pytest.fixture
def server(aicore):
    """A reset emulator."""
    aicore.reset()
    return aicore


def seed(aicore, *names):
    aicore.seed(SCOPE, [{"name": name, "plain_data": {"value": SECRET_VALUE}} for name in names])


def api_log(aicore):
    return [record for record in aicore.log() if record["endpoint"] == "api"]


def token_log(aicore):
    return [record for record in aicore.log() if record["endpoint"] == "token"]


def delete(aicore, capsys, name, **options):
    return run_module(aicore_generic_secret, connection(aicore, name=name, state="absent", resource_group=GROUP, **options), capsys)


def present(aicore, capsys, name):
    return run_module(aicore_generic_secret, connection(aicore, name=name, resource_group=GROUP, data={"password": SECRET_VALUE}),
                      capsys)


def listing(aicore, capsys, **options):
    return run_module(aicore_generic_secret_info, connection(aicore, resource_group=GROUP, **options), capsys)


def get_token(aicore, capsys):
    """aicore_token as a task with no_log: true, the only way it hands out the token."""
    return run_module(aicore_token, dict(auth_url=aicore.auth_url, client_id=aicore.client_id, client_secret=aicore.client_secret),
                      capsys, no_log=True)


def assert_clean_failure(aicore, result, *patterns):
    """Failed, with a message matching every pattern (case-insensitive), and no secret anywhere in the result."""
    assert result["failed"] is True, result
    assert isinstance(result["msg"], str) and result["msg"]
    for pattern in patterns:
        assert re.search(pattern, result["msg"], re.IGNORECASE), (pattern, result["msg"])
    text = json.dumps(result)
    secrets = [token for token in aicore.issued_tokens() if token]
    secrets += [aicore.client_secret, SECRET_VALUE, base64.b64encode(SECRET_VALUE.encode()).decode(), TOKEN_IN_BODY]
    # Name the kind of leak, never the value: the assertion message would print it again.
    assert [index for index, secret in enumerate(secrets) if secret in text] == [], "a secret is in the result"
    assert "********" not in result["msg"]
    assert "Traceback" not in text


# A proxy in front of AI Core answers with its own HTML error page and 502

def test_html_502_on_delete_is_retried_then_named(server, capsys):
    seed(server, "behind-proxy")
    server.add_fault({"action": "respond", "method": "DELETE", "path": "/behind-proxy$", "times": -1, "status": 502,
                      "content_type": "text/html", "body": HTML_502})
    result = delete(server, capsys, "behind-proxy", retries=1)
    assert_clean_failure(server, result, "HTTP 502", "HTML page", "502 Bad Gateway", "behind-proxy")
    assert result.get("changed", False) is False
    assert [(item["name"], item["action"]) for item in result["secrets"]] == [("behind-proxy", "failed")]
    assert re.search("HTML page", result["secrets"][0]["error"])
    assert "<center>" not in result["msg"] and "nginx" not in result["msg"]
    assert [(record["method"], record["status"]) for record in api_log(server)] == [("DELETE", 502), ("DELETE", 502)]
    assert sorted(server.store(SCOPE)) == ["behind-proxy"]


def test_html_502_without_content_type_on_listing_is_recognised(server, capsys):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": -1, "status": 502,
                      "body": "<!DOCTYPE html>" + HTML_502})
    result = listing(server, capsys, retries=1)
    assert_clean_failure(server, result, "HTTP 502", "HTML page", "502 Bad Gateway")
    assert result.get("changed", False) is False
    assert result.get("secrets", []) == []
    assert [record["status"] for record in api_log(server)] == [502, 502]


# 200 with a body that is not JSON, or not the JSON expected: nothing is written after such a read

def test_present_stops_at_details_that_are_not_json(server, capsys):
    seed(server, "text-details")
    server.add_fault({"action": "respond", "method": "GET", "path": "/text-details$", "times": -1, "status": 200,
                      "content_type": "text/plain", "body": "OK"})
    result = present(server, capsys, "text-details")
    assert_clean_failure(server, result, "not JSON", "HTTP 200", r"GET \S*/v2/admin/secrets/text-details", "text-details")
    assert result.get("changed", False) is False
    assert [(item["name"], item["action"]) for item in result["secrets"]] == [("text-details", "failed")]
    assert re.search("not JSON", result["secrets"][0]["error"])
    assert [record["method"] for record in api_log(server)] == ["GET"]


def test_check_mode_names_an_html_login_page(server, capsys):
    seed(server, "html-details")
    server.add_fault({"action": "respond", "method": "GET", "path": "/html-details$", "times": -1, "status": 200,
                      "content_type": "text/html; charset=utf-8",
                      "body": "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><form></form></body></html>"})
    result = run_module(aicore_generic_secret, connection(server, name="html-details", state="absent", resource_group=GROUP),
                        capsys, check_mode=True)
    assert_clean_failure(server, result, "not JSON", "HTTP 200", "HTML page", "Sign in to your account")
    assert result.get("changed", False) is False
    assert result["secrets"][0]["action"] == "failed"
    assert "<form>" not in result["msg"]
    assert [record["method"] for record in api_log(server)] == ["GET"]


def test_info_by_name_names_a_bare_word(server, capsys):
    seed(server, "info-details")
    server.add_fault({"action": "respond", "method": "GET", "path": "/info-details$", "times": -1, "status": 200, "body": "success"})
    result = run_module(aicore_generic_secret_info, connection(server, name=["info-details"], resource_group=GROUP), capsys)
    assert_clean_failure(server, result, "not JSON", "HTTP 200", "info-details", "success")
    assert [record["method"] for record in api_log(server)] == ["GET"]


def test_present_stops_at_json_that_is_no_secret(server, capsys):
    seed(server, "list-details")
    server.add_fault({"action": "respond", "method": "GET", "path": "/list-details$", "times": -1, "status": 200, "body": "[]"})
    result = present(server, capsys, "list-details")
    assert_clean_failure(server, result, "HTTP 200", "not a secret's details", "list-details")
    assert [record["method"] for record in api_log(server)] == ["GET"]


def test_listing_as_plain_text(server, capsys):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": 1, "status": 200,
                      "content_type": "text/plain", "body": "200 OK"})
    result = listing(server, capsys)
    assert_clean_failure(server, result, "not JSON", "HTTP 200", r"GET \S*/v2/admin/secrets")


@pytest.mark.parametrize("body", [
    '{"count": 1, "resources": "none"}',
    '{"count": 1, "resources": [{"createdAt": "2026-01-01T00:00:00Z"}]}',
    "null",
], ids=["resources-not-a-list", "resource-without-name", "json-null"])
def test_listing_with_odd_json(server, capsys, body):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": 1, "status": 200, "body": body})
    result = listing(server, capsys)
    assert_clean_failure(server, result, "HTTP 200", "list page")
    assert [record["status"] for record in api_log(server)] == [200]


def test_html_token_answer_stops_every_module_before_the_api(server, capsys):
    seed(server, "text-details")
    server.add_fault({"action": "respond", "endpoint": "token", "times": 2, "status": 200, "content_type": "text/html",
                      "body": "<html><head><title>Single Sign-On</title></head><body>Please log in</body></html>"})
    assert_clean_failure(server, get_token(server, capsys), "not JSON", "HTTP 200", "HTML page", "Single Sign-On", "/oauth/token")
    assert_clean_failure(server, delete(server, capsys, "text-details"), "not JSON", "HTTP 200", "HTML page", "/oauth/token")
    assert len(token_log(server)) == 2
    assert api_log(server) == []


# 200 with JSON cut short

def test_listing_cut_short_is_not_retried(server, capsys):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": -1, "status": 200,
                      "content_type": "application/json", "body": '{"resources": [{"na'})
    result = listing(server, capsys)
    assert_clean_failure(server, result, "not JSON", "HTTP 200", r"GET \S*/v2/admin/secrets")
    assert result.get("secrets", []) == []
    assert [record["status"] for record in api_log(server)] == [200]


def test_details_cut_short_stop_present(server, capsys):
    seed(server, "truncated-details")
    server.add_fault({"action": "respond", "method": "GET", "path": "/truncated-details$", "times": -1, "status": 200,
                      "content_type": "application/json", "body": '{"name": "truncated-details", "createdAt": "2026-'})
    result = present(server, capsys, "truncated-details")
    assert_clean_failure(server, result, "not JSON", "HTTP 200", "truncated-details")
    assert result.get("changed", False) is False
    assert result["secrets"][0]["action"] == "failed"
    assert [record["method"] for record in api_log(server)] == ["GET"]


# A 400 on DELETE whose error body lacks fields, spells them differently, or is no AI Core error body

ODD_BODIES = [
    ("code-only", '{"error": {"code": 7}}', ["HTTP 400, code 7"]),
    ("request-id-upper", '{"error": {"message": "m", "requestID": "r-1"}}', ["HTTP 400, m, request id r-1"]),
    ("request-id-snake", '{"error": {"message": "m", "request_id": "r-2"}}', ["HTTP 400, m, request id r-2"]),
    ("flat-string", '{"error": "flat string"}', ["HTTP 400", "flat string"]),
    ("empty-object", "{}", ["HTTP 400"]),
    ("top-level-fields", '{"message": "top-level message", "requestId": "r-6"}', ["HTTP 400", "top-level message", "request id r-6"]),
    ("null-error", '{"error": null, "requestId": "r-7"}', ["HTTP 400", "request id r-7"]),
    ("odd-types", '{"error": {"code": "Odd", "message": {"why": ["nested"]}, "requestId": 8}}',
     ["HTTP 400, code Odd", "nested", "request id 8"]),
    ("json-list", "[1, 2]", ["HTTP 400"]),
    ("long-message", '{"error": {"code": "Long", "message": "%s", "requestId": "r-10"}}' % ("x" * 5000),
     ["HTTP 400, code Long", "request id r-10"]),
    ("html-page", "<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>",
     ["HTTP 400", "HTML page", "400 Bad Request"]),
    ("no-body", "", ["HTTP 400"]),
]


@pytest.mark.parametrize("name, body, patterns", ODD_BODIES, ids=[case[0] for case in ODD_BODIES])
def test_odd_error_body_is_quoted_for_what_it_says(server, capsys, name, body, patterns):
    seed(server, name)
    server.add_fault({"action": "respond", "method": "DELETE", "path": "/%s$" % name, "times": -1, "status": 400, "body": body})
    result = delete(server, capsys, name)
    assert_clean_failure(server, result, r"DELETE \S*/v2/admin/secrets/%s failed" % name, *patterns)
    assert result.get("changed", False) is False
    assert [(item["name"], item["action"]) for item in result["secrets"]] == [(name, "failed")]
    assert re.search("HTTP 400", result["secrets"][0]["error"])
    assert len(result["msg"]) < 1000
    # a 400 in a scope not yet proven is checked against the resource group once, so it can name the group if need be
    assert [(record["method"], record["status"]) for record in api_log(server)] == [("DELETE", 400), ("GET", 200)]


# Token answers (200) without a usable access_token: nothing is sent to the API

TOKENLESS_ANSWERS = [
    {"token_type": "bearer", "expires_in": 43199, "jti": "no-access-token"},
    {"access_token": "", "token_type": "bearer", "expires_in": 43199},
    {"access_token": None, "token_type": "bearer", "expires_in": 43199},
    {"access_token": 12345, "token_type": "bearer", "expires_in": 43199},
    {"access_token": ["not-a-string"], "token_type": "bearer", "expires_in": 43199},
    {"accessToken": TOKEN_IN_BODY, "token_type": "bearer", "expires_in": 43199},
    {"error": "server_error", "error_description": "token service is restarting"},
]


@pytest.mark.parametrize("answer", TOKENLESS_ANSWERS, ids=["missing", "empty", "null", "number", "list", "other-name", "oauth-error"])
def test_token_answer_without_access_token(server, capsys, answer):
    seed(server, "needs-a-token")
    server.configure(token_response=answer)
    patterns = ("access_token", "HTTP 200", "/oauth/token")
    assert_clean_failure(server, get_token(server, capsys), *patterns)
    deleted = delete(server, capsys, "needs-a-token")
    assert_clean_failure(server, deleted, *patterns)
    assert deleted.get("changed", False) is False
    assert_clean_failure(server, listing(server, capsys), *patterns)
    assert [record["status"] for record in token_log(server)] == [200, 200, 200]
    assert api_log(server) == []
    assert sorted(server.store(SCOPE)) == ["needs-a-token"]


def unreadable_token_rules():
    """A 200 token answer holding the token as JSON cut short, then one that is form-encoded."""
    return [
        {"action": "respond", "endpoint": "token", "times": 1, "status": 200, "content_type": "application/json",
         "body": '{"access_token": "%s", "token_type": "bearer", "expires_in": 431' % TOKEN_IN_BODY},
        {"action": "respond", "endpoint": "token", "times": 1, "status": 200, "content_type": "application/x-www-form-urlencoded",
         "body": "access_token=%s&token_type=bearer&expires_in=43199" % TOKEN_IN_BODY},
    ]


def test_token_answers_that_hold_the_token_but_are_not_json_are_never_quoted(server, capsys):
    server.add_fault(unreadable_token_rules() * 2)  # used in order, one request each: JSON, form, JSON, form
    for _answer in ("json-cut-short", "form-encoded"):
        assert_clean_failure(server, get_token(server, capsys), "not JSON", "HTTP 200", "/oauth/token")
    for _answer in ("json-cut-short", "form-encoded"):
        assert_clean_failure(server, delete(server, capsys, "needs-a-token"), "not JSON", "HTTP 200", "/oauth/token")
    assert [record["fault"] for record in token_log(server)] == ["respond"] * 4
    assert api_log(server) == []


# A good access_token with an expires_in no one should send: used, or a clean failure naming expires_in

@pytest.mark.parametrize("expires_in", ["Infinity", "NaN", "1e30", "-1", '"soon"'])
def test_odd_expires_in_is_used_or_refused_cleanly(server, capsys, expires_in):
    name = "expires-odd"
    seed(server, name)
    good = requests.post(server.auth_url + "/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret}).json()["access_token"]
    server.add_fault({"action": "respond", "endpoint": "token", "times": 2, "status": 200, "content_type": "application/json",
                      "body": '{"access_token": "%s", "token_type": "bearer", "expires_in": %s}' % (good, expires_in)})
    token = get_token(server, capsys)
    if token["failed"]:
        assert_clean_failure(server, token, "expires_in")
    else:
        # aicore_token returns the token on purpose; the output masks nothing of it
        assert token["token"] == good
    deleted = delete(server, capsys, name)
    if deleted["failed"]:
        assert_clean_failure(server, deleted, "expires_in")
    else:
        assert deleted["secrets"] == [{"name": name, "action": "deleted"}]


# Redirects are never followed: not to another host, not to another path on the same host

def test_token_redirect_to_another_host_is_not_followed(server, capsys):
    server.add_fault({"action": "respond", "endpoint": "token", "times": 1, "status": 307, "body": "moved",
                      "headers": {"Location": ELSEWHERE + "/oauth/token"}})
    result = get_token(server, capsys)
    assert_clean_failure(server, result, "HTTP 307", "redirect", "not followed", r"127\.0\.0\.2:9", "/oauth/token")
    assert [record["status"] for record in token_log(server)] == [307]
    assert api_log(server) == []


def test_delete_redirect_to_another_host_is_not_followed(server, capsys):
    seed(server, "redirected")
    server.add_fault({"action": "respond", "method": "DELETE", "path": "/redirected$", "times": -1, "status": 302,
                      "headers": {"Location": ELSEWHERE + "/elsewhere"}})
    result = delete(server, capsys, "redirected")
    assert_clean_failure(server, result, "HTTP 302", "redirect", "not followed", r"127\.0\.0\.2:9", "redirected")
    assert result.get("changed", False) is False
    assert [item["action"] for item in result["secrets"]] == ["failed"]
    assert re.search("not followed", result["secrets"][0]["error"])
    assert [(record["method"], record["status"]) for record in api_log(server)] == [("DELETE", 302)]


def test_delete_redirect_on_the_same_host_is_not_followed(server, capsys):
    seed(server, "redirected-here", "redirect-target")
    server.add_fault({"action": "respond", "method": "DELETE", "path": "/redirected-here$", "times": -1, "status": 308,
                      "headers": {"Location": "/v2/admin/secrets/redirect-target"}})
    result = delete(server, capsys, "redirected-here")
    assert_clean_failure(server, result, "HTTP 308", "redirect", "not followed", "redirected-here")
    assert [record["path"] for record in server.log() if "redirect-target" in record["path"]] == []
    assert [record["status"] for record in api_log(server)] == [308]
    assert sorted(server.store(SCOPE)) == ["redirect-target", "redirected-here"]


def test_listing_redirect_to_another_host_is_not_followed(server, capsys):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": -1, "status": 301,
                      "headers": {"Location": ELSEWHERE + "/v2/admin/secrets"}})
    result = listing(server, capsys)
    assert_clean_failure(server, result, "HTTP 301", "redirect", "not followed", r"127\.0\.0\.2:9")
    assert result.get("secrets", []) == []
    assert [record["status"] for record in api_log(server)] == [301]


# A listing that never ends stops at a bound (shown by the number of requests, not by a clock)

def test_endless_listing_stops_at_a_bound(server, capsys, monkeypatch):
    # The module's own bound (500 pages) takes half a minute here; a lower one shows the same mechanism.
    assert 10 < _paging.MAX_PAGES <= 1000
    monkeypatch.setattr(_paging, "MAX_PAGES", 25)
    server.configure(endless_pages=True)
    result = listing(server, capsys)
    assert_clean_failure(server, result, "paging", "25 pages", r"GET \S*/v2/admin/secrets")
    assert result.get("secrets", []) == []
    pages = api_log(server)
    skips = [int(record["query"]["$skip"]) for record in pages]
    assert len(pages) == 25  # it really paged, each page further on, and stopped at the bound
    assert skips == sorted(skips) and len(set(skips)) == len(skips)
    assert {record["status"] for record in pages} == {200}


def test_repeated_page_stops_paging_at_the_first_repeat(server, capsys):
    server.add_fault({"action": "respond", "method": "GET", "path": SECRETS_PATH, "times": -1, "status": 200,
                      "body": '{"count": 1000000000, "resources": [{"name": "same-1", "createdAt": "2026-01-01T00:00:00Z"}, '
                              '{"name": "same-2", "createdAt": "2026-01-01T00:00:00Z"}]}'})
    result = listing(server, capsys)
    assert_clean_failure(server, result, "paging", "repeated", r"GET \S*/v2/admin/secrets")
    assert result.get("secrets", []) == []
    assert len(api_log(server)) == 2


# A DELETE answered 200 is a deletion, whatever the body says

DELETE_BODIES = [
    ("body-empty", ""),
    ("body-200", "200"),
    ("body-json", '{"message": "secret has been deleted", "name": "body-json"}'),
    ("body-json-null", "null"),
    ("body-html", "<!DOCTYPE html><html><head><title>Deleted</title></head><body>ok</body></html>"),
    ("body-garbage", "}{ \u00ff\u0001 not json, not html"),
    ("body-error-shape", '{"error": {"code": "Odd", "message": "but the status is 200"}}'),
]


@pytest.mark.parametrize("name, body", DELETE_BODIES, ids=[case[0] for case in DELETE_BODIES])
def test_any_body_of_a_successful_delete_is_a_deletion(server, capsys, name, body):
    seed(server, name, "kept")
    server.configure(delete_body=body)
    result = delete(server, capsys, name)
    assert result["failed"] is False, result
    assert result["changed"] is True
    assert result["secrets"] == [{"name": name, "action": "deleted"}]
    assert "exception" not in result
    assert [(record["method"], record["status"]) for record in api_log(server)] == [("DELETE", 200)]
    assert sorted(server.store(SCOPE)) == ["kept"]
