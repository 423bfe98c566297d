# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A 404 is reported as "absent" only once the scope and the API path are proven real (issue 9).

Scripted answers, so that each case names exactly which requests the client sends; the same
cases run against the emulator in its unknown-group modes in test_proof_over_http.py and in
the aicore_truthful_outcomes integration target.
"""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets

from .fakes import RecordedSleep, ScriptedSession, answer, settings

NOT_FOUND = '{"error": {"code": "NotFound", "message": "resource not found"}}'
GROUP = {"AI-Resource-Group": "team-a"}
TENANT = {"AI-Tenant-Scope": "true"}
API = "https://api.example.com/v2"


def token():
    """A token answer; a fresh one for each scripted session, since an answer's body is read once."""
    return answer(200, '{"access_token": "tok-1", "token_type": "bearer", "expires_in": 43199}')


def secrets(session, scope=None, **given):
    return GenericSecrets(AICoreClient(settings(**given), scope or GROUP, session=session, sleep=RecordedSleep(),
                                       scope_source="option resource_group"))


def urls(session):
    return [(request["method"], request["url"], request.get("params")) for request in session.requests[1:]]


def test_absent_names_in_a_real_group_cost_one_extra_request_for_the_whole_run():
    session = ScriptedSession(token(), answer(404, NOT_FOUND), answer(200, '{"resourceGroupId": "team-a"}'),
                              *[answer(404, NOT_FOUND) for _unused in range(5)])
    api = secrets(session)
    assert [api.delete("s%d" % number) for number in range(6)] == ["absent"] * 6
    proofs = [url for method, url, _params in urls(session) if "resourceGroups" in url]
    assert proofs == [API + "/admin/resourceGroups/team-a"]
    assert len(session.requests) == 1 + 6 + 1


def test_a_success_in_the_scope_is_proof_enough():
    session = ScriptedSession(token(), answer(200), answer(404, NOT_FOUND))
    api = secrets(session)
    assert [api.delete("a"), api.delete("b")] == ["deleted", "absent"]
    assert all("resourceGroups" not in url for _method, url, _params in urls(session))


def test_an_unknown_group_fails_every_name_and_says_which_group():
    session = ScriptedSession(token(), answer(404, NOT_FOUND), answer(404, NOT_FOUND), answer(200, '{"count": 1, "resources": []}'),
                              answer(404, NOT_FOUND))
    api = secrets(session)
    for name in ("a", "b"):
        with pytest.raises(AICoreError) as raised:
            api.delete(name)
        message = str(raised.value)
        assert "resource group 'team-a' does not exist" in message and "option resource_group" in message
    # the verdict is kept: the second name sends its DELETE, but no second proof
    assert [method for method, _url, _params in urls(session)] == ["DELETE", "GET", "GET", "DELETE"]


def test_a_wrong_api_path_fails_and_names_api_url():
    session = ScriptedSession(token(), answer(404, "404 page not found"), answer(404), answer(404))
    with pytest.raises(AICoreError) as raised:
        secrets(session, api_url="https://api.example.com/v2/admin").delete("a")
    message = str(raised.value)
    assert "api_url https://api.example.com/v2/admin/v2" not in message  # the root, as configured, not doubled
    assert "api_url https://api.example.com/v2/admin (from option api_url) does not lead to the AI Core API" in message


def test_a_wrong_api_path_at_tenant_scope_is_found_by_one_listing():
    session = ScriptedSession(token(), answer(404), answer(404))
    with pytest.raises(AICoreError, match="does not lead to the AI Core API"):
        secrets(session, scope=TENANT, api_url="https://api.example.com/api").get("a")
    assert urls(session)[1] == ("GET", "https://api.example.com/api/v2/admin/secrets", {"$top": 1})
    assert session.requests[2]["headers"]["AI-Tenant-Scope"] == "true"


def test_a_token_that_may_not_read_groups_keeps_absent_and_warns_once():
    session = ScriptedSession(token(), answer(404, NOT_FOUND), answer(403, "RBAC: access denied"), answer(404, NOT_FOUND))
    api = secrets(session)
    assert [api.delete("a"), api.delete("b")] == ["absent", "absent"]
    warnings = api._client.warnings
    assert len(warnings) == 1 and "could not verify that resource group 'team-a' exists" in warnings[0]


def test_a_proof_that_fails_otherwise_fails_the_name():
    session = ScriptedSession(token(), answer(404, NOT_FOUND), answer(500, '{"error": {"code": "Internal", "message": "boom"}}'))
    with pytest.raises(AICoreError, match="cannot prove that resource group 'team-a' exists"):
        secrets(session, retries=0).delete("a")


@pytest.mark.parametrize("status, body", [(400, '{"error": {"code": "InvalidResourceGroup", "message": "team-a"}}'),
                                          (403, "RBAC: access denied")])
def test_other_answers_of_an_unknown_group_are_explained_as_such(status, body):
    session = ScriptedSession(token(), answer(status, body), answer(404, NOT_FOUND), answer(200, '{"count": 0, "resources": []}'))
    with pytest.raises(AICoreError, match="resource group 'team-a' does not exist"):
        secrets(session).delete("a")


def test_a_failure_in_a_proven_scope_stays_what_it_was():
    session = ScriptedSession(token(), answer(200), answer(400, '{"error": {"code": "BadLabel", "message": "label key"}}'))
    api = secrets(session)
    assert api.delete("a") == "deleted"
    with pytest.raises(AICoreError, match="BadLabel"):
        api.update("b", {"k": "dg=="}, [])
    assert len(session.requests) == 3


def test_an_empty_listing_is_proven_before_it_is_returned():
    session = ScriptedSession(token(), answer(200, '{"count": 0, "resources": []}'), answer(404, NOT_FOUND),
                              answer(200, '{"count": 3, "resources": []}'))
    with pytest.raises(AICoreError, match="resource group 'team-a' does not exist"):
        secrets(session).list_all()


def test_a_listing_with_secrets_needs_no_proof():
    session = ScriptedSession(token(), answer(200, '{"count": 1, "resources": [{"name": "a"}]}'), answer(200, '{"count": 1, "resources": []}'))
    assert [item["name"] for item in secrets(session).list_all()] == ["a"]
    assert all("resourceGroups" not in url for _method, url, _params in urls(session))


def test_a_create_refused_in_an_unknown_group_names_the_group():
    session = ScriptedSession(token(), answer(400, '{"error": {"code": "BadRequest", "message": "invalid"}}'), answer(404, NOT_FOUND),
                              answer(200, '{"count": 0, "resources": []}'))
    with pytest.raises(AICoreError, match="resource group 'team-a' does not exist"):
        secrets(session).create("a", {"k": "dg=="}, [])


def test_a_404_before_a_create_needs_no_proof_the_create_gives_it():
    session = ScriptedSession(token(), answer(404, NOT_FOUND), answer(200, '{"message": "secret has been created"}'))
    api = secrets(session)
    assert api.get("a", prove_404=False) is None
    assert api.create("a", {"k": "dg=="}, []) == "created"
    assert [method for method, _url, _params in urls(session)] == ["GET", "POST"]
