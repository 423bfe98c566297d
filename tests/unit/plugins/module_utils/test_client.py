# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client: headers it sends, the token it fetches once, and renewing a rejected token once."""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets

from .fakes import RecordedSleep, ScriptedSession, answer, settings

TOKEN_ANSWER = '{"access_token": "tok-%d", "token_type": "bearer", "expires_in": 43199}'
SCOPE = {"AI-Resource-Group": "team-a"}
GROUP_EXISTS = '{"resourceGroupId": "team-a", "status": "PROVISIONED"}'  # the answer that proves the scope real


def client(session, **given):
    return AICoreClient(settings(**given), SCOPE, session=session, sleep=RecordedSleep())


def test_one_token_for_all_requests_and_scope_headers_on_each():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(200, "{}"), answer(404))
    api = client(session)
    api.call("GET", "/admin/secrets/a")
    api.call("DELETE", "/admin/secrets/b", tolerate=(404,))
    token_request, first, second = session.requests
    assert token_request["url"] == "https://auth.example.com/oauth/token"
    assert token_request["data"]["grant_type"] == "client_credentials"
    for request in (first, second):
        assert request["headers"]["Authorization"] == "Bearer tok-1"
        assert request["headers"]["AI-Resource-Group"] == "team-a"
    assert second["url"] == "https://api.example.com/v2/admin/secrets/b"


def test_bad_credentials_name_the_client_id_never_the_secret():
    session = ScriptedSession(answer(401, '{"error": "unauthorized", "error_description": "Bad credentials"}'))
    with pytest.raises(AICoreError) as raised:
        client(session).authenticate()
    message = str(raised.value)
    assert "authentication failed" in message and "'sb-client'" in message and "HTTP 401" in message
    assert "s3cret-value" not in message


def test_token_answer_without_access_token_is_refused():
    with pytest.raises(AICoreError, match="without an access_token"):
        client(ScriptedSession(answer(200, '{"token_type": "bearer"}'))).authenticate()


def test_a_rejected_fetched_token_is_renewed_once():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(401, "Jwt is expired"), answer(200, TOKEN_ANSWER % 2), answer(200, "{}"))
    client(session).call("GET", "/admin/secrets/a")
    assert session.requests[-1]["headers"]["Authorization"] == "Bearer tok-2"


def test_renewal_happens_only_once_per_run():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(401, "Jwt is expired"), answer(200, TOKEN_ANSWER % 2),
                              answer(401, "Jwt is expired"))
    with pytest.raises(AICoreError, match="rejected a freshly fetched token"):
        client(session).call("GET", "/admin/secrets/a")
    assert len(session.requests) == 4


def test_a_given_token_is_not_renewed_and_the_message_says_what_to_do():
    session = ScriptedSession(answer(401, "Jwt is expired", {"Content-Type": "text/plain"}))
    with pytest.raises(AICoreError) as raised:
        client(session, token="given-token").call("GET", "/admin/secrets/a")
    message = str(raised.value)
    assert "rejected the token from option token" in message and "aicore_token" in message and "Jwt is expired" in message
    assert "given-token" not in message and len(session.requests) == 1


def test_delete_reports_deleted_when_a_lost_attempt_came_before_the_404():
    import requests
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), requests.exceptions.ReadTimeout("timed out"), answer(404),
                              answer(200, GROUP_EXISTS))
    assert GenericSecrets(client(session)).delete("a") == "deleted"


def test_delete_of_a_missing_secret_is_absent():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(404, '{"error": {"code": "404", "message": "not found"}}'),
                              answer(200, GROUP_EXISTS))
    assert GenericSecrets(client(session)).delete("a") == "absent"
    assert session.requests[-1]["url"] == "https://api.example.com/v2/admin/resourceGroups/team-a"


def test_details_that_are_not_an_object_are_an_error_not_a_traceback():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(200, "[1, 2]"))
    with pytest.raises(AICoreError, match="not a secret's details"):
        GenericSecrets(client(session)).get("a")


def test_list_pages_until_an_empty_page_when_count_is_only_the_page_length():
    pages = [answer(200, '{"count": 2, "resources": [{"name": "a"}, {"name": "b"}]}'),
             answer(200, '{"count": 1, "resources": [{"name": "c"}]}'),
             answer(200, '{"count": 0, "resources": []}')]
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), *pages)
    assert [item["name"] for item in GenericSecrets(client(session)).list_all()] == ["a", "b", "c"]
    assert [request["params"]["$skip"] for request in session.requests[1:]] == [0, 2, 3]


def test_list_stops_when_the_total_count_is_reached():
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(200, '{"count": 2, "resources": [{"name": "b"}]}'),
                              answer(200, '{"count": 2, "resources": [{"name": "a"}]}'))
    assert [item["name"] for item in GenericSecrets(client(session)).list_all()] == ["a", "b"]


def test_a_repeated_page_fails_instead_of_looping():
    page = '{"count": 99, "resources": [{"name": "a"}]}'
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(200, page), answer(200, page))
    with pytest.raises(AICoreError, match="repeated a page"):
        GenericSecrets(client(session)).list_all()


def test_endless_paging_is_bounded(monkeypatch):
    from ansible_collections.sap_aicore.admin.plugins.module_utils import _paging
    monkeypatch.setattr(_paging, "MAX_PAGES", 3)
    pages = [answer(200, '{"count": 1000, "resources": [{"name": "n%d"}]}' % number) for number in range(3)]
    with pytest.raises(AICoreError, match="still paging after 3 pages"):
        GenericSecrets(client(ScriptedSession(answer(200, TOKEN_ANSWER % 1), *pages))).list_all()


@pytest.mark.parametrize("page", ['{"resources": "nope"}', '{"count": 1}', '[]', '{"resources": [{"nom": "a"}]}'])
def test_malformed_list_pages_are_errors(page):
    with pytest.raises(AICoreError):
        GenericSecrets(client(ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(200, page)))).list_all()


def test_create_reports_created_when_a_lost_attempt_came_before_already_exists():
    import requests
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), requests.exceptions.ConnectionError("RemoteDisconnected"),
                              answer(409, '{"error": {"code": "409", "message": "secret already exists"}}'))
    assert GenericSecrets(client(session)).create("a", {"k": "dg=="}, []) == "created"


@pytest.mark.parametrize("status, body", [(409, "{}"), (400, '{"error": {"code": "400", "message": "Secret already exists"}}')])
def test_create_reports_exists_when_another_writer_was_first(status, body):
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(status, body))
    assert GenericSecrets(client(session)).create("a", {"k": "dg=="}, []) == "exists"


def test_a_token_answer_that_is_not_json_is_not_quoted():
    session = ScriptedSession(answer(200, "access_token=leaky-token-value&token_type=bearer"))
    with pytest.raises(AICoreError) as raised:
        client(session).authenticate()
    assert "not JSON" in str(raised.value) and "leaky-token-value" not in str(raised.value)


def test_a_login_page_instead_of_a_token_answer_is_named_by_its_title():
    session = ScriptedSession(answer(200, "<html><head><title>Single Sign-On</title></head><body>login</body></html>", {"Content-Type": "text/html"}))
    with pytest.raises(AICoreError) as raised:
        client(session).authenticate()
    assert "not JSON: an HTML page (Single Sign-On)" in str(raised.value)


@pytest.mark.parametrize("status", [201, 401, 500])
def test_other_token_answers_quote_only_xsuaa_fields(status):
    session = ScriptedSession(*[answer(status, "access_token=leaky-token-value&token_type=bearer")] * 4)
    with pytest.raises(AICoreError) as raised:
        client(session).authenticate()
    assert "HTTP %d" % status in str(raised.value) and "leaky" not in str(raised.value)


def test_a_secret_reflected_in_an_error_body_is_removed_before_the_text_is_shortened():
    reflected = '{"error": {"code": "400", "message": "%s client_secret=s3cret-value token=tok-1"}}' % ("x" * 180)
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(400, reflected), answer(200, GROUP_EXISTS))
    with pytest.raises(AICoreError) as raised:
        client(session).call("GET", "/admin/secrets/a")
    message = str(raised.value)
    assert "s3cret" not in message and "tok-1" not in message and "HTTP 400" in message


def test_hidden_values_are_removed_in_every_spelling():
    import base64
    session = ScriptedSession(answer(200, TOKEN_ANSWER % 1), answer(400, '{"error": {"message": "bad %s and %s"}}' % (
        base64.b64encode(b"data-value-1").decode(), "data%2Fvalue")), answer(200, GROUP_EXISTS))
    api = client(session)
    api.hide("data-value-1", "data/value")
    with pytest.raises(AICoreError) as raised:
        api.call("GET", "/admin/secrets/a")
    assert "ZGF0YS12YWx1ZS0x" not in str(raised.value) and "data%2Fvalue" not in str(raised.value)
