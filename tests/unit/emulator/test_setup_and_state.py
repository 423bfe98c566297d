# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""POST /_emulator/setup and GET /_emulator/state: a test's arrange and check steps, one request each."""

import base64

import requests


def control(emulator, method, path, **options):
    return requests.request(method, emulator.url + "/_emulator/" + path, timeout=10, **options)


def token(emulator):
    answer = requests.post(emulator.auth_url + "/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": emulator.client_id, "client_secret": emulator.client_secret})
    return answer.json()["access_token"]


def test_setup_resets_configures_adds_faults_seeds_and_clears_the_log(emulator):
    emulator.seed("rg:old", [{"name": "left-over"}])
    emulator.configure(token_ttl=5)
    token(emulator)  # a logged request
    rule = {"action": "respond", "method": "DELETE", "path": "/x$", "times": 2, "status": 502}
    answer = control(emulator, "POST", "setup", json={
        "config": {"delete_body": "gone"},
        "faults": [rule],
        "seed": [{"scope": "rg:new", "secrets": [{"name": "a", "plain_data": {"value": "v"}}, {"name": "b"}]},
                 {"scope": "tenant", "secrets": [{"name": "c"}]}],
    })
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["seeded"] == 3
    assert body["config"]["delete_body"] == "gone"
    assert body["config"]["token_ttl"] == emulator.config()["token_ttl"] != 5  # reset first, so token_ttl is back
    assert [fault["path"] for fault in body["faults"]] == ["/x$"]
    assert body["faults"] == emulator.faults()
    assert sorted(emulator.store()) == ["rg:new", "tenant"]  # rg:old is gone
    assert emulator.log() == []


def test_setup_without_reset_keeps_what_is_there_and_still_clears_the_log(emulator):
    emulator.seed("rg:kept", [{"name": "kept"}])
    emulator.add_fault({"action": "respond", "endpoint": "token", "times": 1, "status": 500})
    token_answer = requests.post(emulator.auth_url + "/oauth/token", timeout=10, data={"grant_type": "client_credentials"})
    assert token_answer.status_code == 500 and len(emulator.log()) == 1
    answer = control(emulator, "POST", "setup", json={"reset": False, "seed": {"scope": "rg:kept", "secrets": [{"name": "new"}]}})
    assert answer.status_code == 200 and answer.json()["seeded"] == 1
    assert sorted(emulator.store("rg:kept")) == ["kept", "new"]
    assert emulator.log() == []


def test_setup_with_an_empty_body_object_is_a_reset(emulator):
    emulator.seed("rg:x", [{"name": "gone"}])
    emulator.configure(token_ttl=5)
    assert control(emulator, "POST", "setup", json={}).json() == {"ok": True, "seeded": 0, "config": emulator.config(), "faults": []}
    assert emulator.store() == {}
    assert emulator.config()["token_ttl"] != 5


def test_setup_refuses_unknown_fields_and_bad_parts_with_400(emulator):
    for body in ({"reset": True, "seeds": []}, {"reset": "False"}, [], {"config": ["token_ttl"]}, {"config": {"no_such_setting": 1}},
                 {"seed": {"scope": "rg:x"}}, {"faults": {"action": "explode"}}):
        answer = control(emulator, "POST", "setup", json=body)
        assert answer.status_code == 400, body
    assert control(emulator, "POST", "setup").status_code == 400  # no body at all


def test_state_returns_the_log_and_sorted_names_per_scope(emulator):
    emulator.seed("rg:s", [{"name": "zeta", "plain_data": {"value": "state-secret"}}, {"name": "alpha"}])
    emulator.seed("tenant", [{"name": "t"}])
    bearer = token(emulator)
    requests.get(emulator.url + "/v2/admin/secrets", headers={"Authorization": "Bearer " + bearer, "AI-Resource-Group": "s"},
                 timeout=10)
    answer = control(emulator, "GET", "state")
    assert answer.status_code == 200
    state = answer.json()
    assert state["stores"] == {"rg:s": ["alpha", "zeta"], "tenant": ["t"]}
    assert [record["endpoint"] for record in state["requests"]] == ["token", "api"]
    assert state["requests"] == emulator.log()
    # names only: no secret's data travels with the state
    assert base64.b64encode(b"state-secret").decode() not in answer.text
