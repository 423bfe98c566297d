# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/live/probe_live.py (``make test-live``) against the emulator instead of a real tenant.

The probe is meant for a real service key; here it gets the emulator's, with a scratch group
holding one secret of the "user's" that it must leave alone. These tests show that it refuses
before sending anything without a proper scratch group, that it asks every question and
records the answers the emulator gives, that it leaves nothing behind (also when interrupted),
and that no credential, token or secret value reaches its report.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

LIVE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "live"))
if LIVE_DIR not in sys.path:
    sys.path.insert(0, LIVE_DIR)

import probe_live  # noqa: E402  pylint: disable=wrong-import-position

PROBE = os.path.join(LIVE_DIR, "probe_live.py")
SCRATCH = "scratch-live"
USER_SECRET = "keep-me-please"
TIMEOUT = 20
UNKNOWN_GROUP_OPERATIONS = {"list", "get", "post", "patch", "delete"}
EXPECTED_CASES = {
    "token", "resource_group.get.scratch", "resource_group.get.unknown", "gateway.no_token", "gateway.bad_token",
    "secret.create", "secret.create.no_labels", "secret.get", "list", "list.top1", "secret.patch",
    "secret.patch.remove_label", "secret.patch.labels_only", "secret.create.duplicate", "secret.get.missing",
    "secret.delete.missing", "secret.delete", "secret.get.after_delete",
    *(f"unknown_group.{operation}" for operation in UNKNOWN_GROUP_OPERATIONS),
    "wrong_path.double_v2.list", "wrong_path.v2_admin.list", "wrong_path.v2_admin.delete",
}
TENANT_WIDE_CASES = {"tenant.list", "tenant_wide.list", "tenant_wide.create", "tenant_wide.get", "tenant_wide.delete"}


def service_key(emulator):
    """A client-secret service key for the emulator's plain HTTP listener."""
    return {"clientid": emulator.client_id, "clientsecret": emulator.client_secret, "url": emulator.auth_url,
            "identityzone": "emulator-zone", "serviceurls": {"AI_API_URL": emulator.url}}


@pytest.fixture
def scratch(emulator):
    """The scratch group, holding a secret of the user's. Seeding creates the group in an emulator that models groups."""
    emulator.seed(f"rg:{SCRATCH}", [{"name": USER_SECRET, "plain_data": {"password": "users-own-value"}}])
    emulator.clear_log()
    return SCRATCH


def probe_env(emulator, **changes):
    env = {"AICORE_SERVICE_KEY": json.dumps(service_key(emulator)), "AICORE_LIVE_RESOURCE_GROUP": SCRATCH}
    env.update(changes)
    return {name: value for name, value in env.items() if value is not None}


def run_probe(tmp_path, env, *argv):
    out = tmp_path / "live"
    status = probe_live.main(["--out", str(out), "--timeout", "10", *argv], env)
    return status, out


def read_report(out):
    return json.loads((out / "report.json").read_text()), (out / "report.md").read_text()


def probe_secrets(emulator):
    """Every secret the probe created that is still in any scope of the emulator."""
    return {(scope, name) for scope, stored in emulator.store().items() for name in stored if name.startswith("ansible-live-")}


def sent_data_values(emulator):
    """Every secret data value the probe sent (from the emulator's request log), base64 and decoded."""
    values = set()
    for record in emulator.log():
        body = record.get("body")
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            for encoded in body["data"].values():
                values.add(encoded)
                values.add(probe_live.base64.b64decode(encoded).decode())
    return values


def cases(report):
    return {item["case"] for item in report["observations"]}


# --- refusals: nothing is sent -------------------------------------------------------------------

@pytest.mark.parametrize("group, reason", [
    (None, "is not set"),
    ("", "is not set"),
    ("default", "refusing `default`"),
    ("team_a", "3-253 characters"),
    ("ab", "3-253 characters"),
    ("x-", "3-253 characters"),
])
def test_refuses_without_a_proper_scratch_group(emulator, tmp_path, capsys, group, reason):
    emulator.clear_log()
    status, out = run_probe(tmp_path, probe_env(emulator, AICORE_LIVE_RESOURCE_GROUP=group))
    assert status == 2
    assert reason in capsys.readouterr().err
    assert emulator.log() == [] and not out.exists()


def test_the_general_resource_group_variable_is_not_taken_as_scratch_group(emulator, tmp_path):
    emulator.clear_log()
    env = probe_env(emulator, AICORE_LIVE_RESOURCE_GROUP=None, AICORE_RESOURCE_GROUP=SCRATCH)
    assert run_probe(tmp_path, env)[0] == 2
    assert emulator.log() == []


def test_refuses_a_service_key_path_that_does_not_exist_naming_it(emulator, tmp_path, capsys):
    missing = tmp_path / "no-such-key.json"
    status = run_probe(tmp_path, probe_env(emulator, AICORE_SERVICE_KEY=str(missing)))[0]
    assert status == 2
    assert str(missing) in capsys.readouterr().err
    assert emulator.log() == []


def test_refuses_a_service_key_that_is_not_json_without_quoting_it(emulator, tmp_path, capsys):
    status = run_probe(tmp_path, probe_env(emulator, AICORE_SERVICE_KEY='{"clientsecret": "do-not-echo-me"'))[0]
    assert status == 2
    assert "do-not-echo-me" not in capsys.readouterr().err


# --- a full run -----------------------------------------------------------------------------------

def test_full_run_records_every_question_and_leaves_nothing_behind(emulator, scratch, tmp_path):
    status, out = run_probe(tmp_path, probe_env(emulator), "--tenant-wide")
    report, markdown = read_report(out)
    settings = emulator.config()

    assert status == 0 and report["outcome"] == "complete"
    assert EXPECTED_CASES | TENANT_WIDE_CASES <= cases(report)
    by_case = {item["case"]: item for item in report["observations"]}
    for case in ("secret.create", "secret.get", "list", "secret.patch", "secret.delete", "tenant_wide.create"):
        assert by_case[case]["status"] == 200 and by_case[case]["as_documented"], case
    assert by_case["list"]["probe_names_listed"] is True
    assert by_case["gateway.no_token"]["status"] == 403 and by_case["gateway.no_token"]["body"] == "text"

    findings = report["findings"]
    assert findings["duplicate_create"]["status"] == settings["duplicate_status"]
    assert findings["delete_missing"] == 404
    assert set(findings["unknown_resource_group"]) == UNKNOWN_GROUP_OPERATIONS
    assert findings["labels_shape"] == settings.get("labels_shape", "list")
    assert findings["sync_status_field"] == [settings.get("sync_status_field", "resourceGroupSecretsSyncStatus")]
    assert findings["labels_after_patch"] == {"ext.ai.sap.com/ansible-live": "patched", "ext.ai.sap.com/ansible-live-extra": "extra"}
    assert findings["labels_after_removal"] == {"ext.ai.sap.com/ansible-live": "patched"}
    assert set(findings["wrong_path"].values()) == {404}

    # Cleanup: every name it created is gone (also the one it managed to create in the unknown group),
    # the user's secret is untouched.
    assert probe_secrets(emulator) == set()
    assert report["cleanup"]["not_deleted"] == []
    assert {item["name"] for item in report["cleanup"]["deleted"]} >= {f"{findings['probe_prefix']}-{suffix}" for suffix in "ab"}
    assert set(emulator.store(f"rg:{SCRATCH}")) == {USER_SECRET}

    # Nothing identifying or secret in either file.
    texts = (json.dumps(report), markdown)
    never = {emulator.client_secret, emulator.client_id, "emulator-zone", SCRATCH, USER_SECRET, emulator.url.split("//")[1],
             *emulator.issued_tokens(), *sent_data_values(emulator)}
    assert len(never) > 8
    assert [value for value in never if any(value in text for text in texts)] == []


def test_records_the_duplicate_answer_the_tenant_gives(emulator, scratch, tmp_path):
    emulator.configure(duplicate_status=400)
    status, out = run_probe(tmp_path, probe_env(emulator))
    report = read_report(out)[0]
    assert status == 0
    assert report["findings"]["duplicate_create"] == {"status": 400, "code": "AlreadyExists"}
    assert not TENANT_WIDE_CASES & cases(report)  # the tenant-wide secret only when asked for


@pytest.mark.parametrize("answer", ["400", "403"])
def test_records_what_an_unknown_resource_group_gets_on_each_endpoint(emulator, scratch, tmp_path, answer):
    if "unknown_resource_group" not in emulator.config():
        pytest.skip("this emulator lets every resource group exist (no unknown_resource_group setting)")
    emulator.configure(unknown_resource_group=answer)
    status, out = run_probe(tmp_path, probe_env(emulator))
    report = read_report(out)[0]
    assert status == 0
    assert report["findings"]["unknown_resource_group"] == dict.fromkeys(UNKNOWN_GROUP_OPERATIONS, int(answer))
    assert report["findings"]["resource_group_get"] == {"scratch": 200, "unknown": 404}
    assert probe_secrets(emulator) == set()


def test_a_create_whose_answer_was_lost_is_still_cleaned_up(emulator, scratch, tmp_path):
    # The second create takes effect, then the connection drops: the probe never hears of it.
    emulator.add_fault({"action": "drop_after", "method": "POST", "path": "/v2/admin/secrets$", "skip": 1})
    status, out = run_probe(tmp_path, probe_env(emulator))
    report = read_report(out)[0]
    assert status == 0
    lost = [item for item in report["observations"] if item["case"] == "secret.create.no_labels"]
    assert lost[0]["transport_error"] and "status" not in lost[0]
    assert probe_secrets(emulator) == set()
    assert set(emulator.store(f"rg:{SCRATCH}")) == {USER_SECRET}


def test_a_refused_create_is_not_deleted_afterwards(emulator, scratch, tmp_path):
    # The fourth POST, the create in the unknown group, is refused: nothing to clean up there.
    emulator.add_fault({"action": "respond", "status": 400, "method": "POST", "endpoint": "api", "skip": 3})
    status, out = run_probe(tmp_path, probe_env(emulator))
    report = read_report(out)[0]
    assert status == 0
    assert report["findings"]["unknown_resource_group"]["post"] == 400
    cleaned = report["cleanup"]["deleted"] + report["cleanup"]["not_deleted"]
    assert sorted(item["name"].rsplit("-", 1)[1] for item in cleaned) == ["a", "b"]
    assert probe_secrets(emulator) == set()


def test_stops_when_the_first_create_fails(emulator, scratch, tmp_path):
    emulator.add_fault({"action": "respond", "status": 400, "method": "POST", "endpoint": "api", "body": '{"error": {"code": "X", "message": "no"}}'})
    status, out = run_probe(tmp_path, probe_env(emulator))
    report = read_report(out)[0]
    assert status == 1 and report["outcome"].startswith("failed: creating a secret in the scratch group answered 400")
    assert "secret.get" not in cases(report)
    assert probe_secrets(emulator) == set()


def test_x509_service_key_with_literal_backslash_n(emulator, scratch, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emulator.ca_file)  # requests' own way to trust a CA
    with open(emulator.client_cert, encoding="utf-8") as cert, open(emulator.client_key, encoding="utf-8") as key:
        certificate, private_key = cert.read(), key.read()
    x509_key = {"clientid": emulator.client_id, "certificate": certificate.replace("\n", "\\n"),
                "key": private_key.replace("\n", "\\n"), "certurl": emulator.mtls_url, "url": emulator.auth_url,
                "serviceurls": {"AI_API_URL": emulator.tls_url + "/v2"}}
    status, out = run_probe(tmp_path, probe_env(emulator, AICORE_SERVICE_KEY=json.dumps(x509_key)))
    report, markdown = read_report(out)
    assert status == 0, report["outcome"]
    assert emulator.log()[0]["client_cert"]
    key_lines = [line for line in private_key.splitlines() if not line.startswith("-----")]
    assert not [line for line in key_lines if line in markdown or line in json.dumps(report)]
    assert probe_secrets(emulator) == set()


# --- interrupted ---------------------------------------------------------------------------------

def test_ctrl_c_cleans_up_and_writes_the_report(emulator, scratch, tmp_path):
    key_file = tmp_path / "service-key.json"
    key_file.write_text(json.dumps(service_key(emulator)))
    # The first read of the created secret hangs: that is where Ctrl-C arrives.
    emulator.add_fault({"action": "stall", "delay": 15, "method": "GET", "path": r"/v2/admin/secrets/ansible-live-[0-9a-f]+-a$"})
    out = tmp_path / "live"
    env = dict(os.environ, AICORE_SERVICE_KEY=str(key_file), AICORE_LIVE_RESOURCE_GROUP=SCRATCH)
    with subprocess.Popen([sys.executable, PROBE, "--out", str(out)], env=env, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + TIMEOUT
        while not any(record["fault"] == "stall" for record in emulator.log()):
            assert time.monotonic() < deadline and process.poll() is None, "the probe never reached the stalled read"
            time.sleep(0.05)
        assert probe_secrets(emulator)  # created, not yet cleaned up
        process.send_signal(signal.SIGINT)
        stderr = process.communicate(timeout=TIMEOUT)[1]
    report = read_report(out)[0]
    assert process.returncode == 130, stderr
    assert report["outcome"] == "interrupted by SIGINT"
    assert probe_secrets(emulator) == set()
    assert report["cleanup"]["not_deleted"] == [] and len(report["cleanup"]["deleted"]) == 2


# --- the report's self-check -----------------------------------------------------------------------

def test_a_report_that_would_hold_a_forbidden_value_is_not_written(tmp_path, monkeypatch):
    scrubber = probe_live.Scrubber()
    scrubber.forbid("tok.en.value-123", "access token")
    # Scrubbing replaces it in the data...
    report = {"findings": {"echo": "Bearer tok.en.value-123"}, "outcome": "complete", "started": "s", "finished": "f",
              "tenant_wide_asked": False, "cleanup": {"deleted": [], "not_deleted": []}, "observations": []}
    probe_live.write_report(report, scrubber, tmp_path / "ok")
    assert "tok.en.value-123" not in (tmp_path / "ok/report.json").read_text()
    assert "<access token>" in (tmp_path / "ok/report.json").read_text()
    # ...and a bug that brings it back after scrubbing is caught before anything is written.
    monkeypatch.setattr(probe_live, "render_markdown", lambda _report: "oops tok.en.value-123")
    with pytest.raises(probe_live.WouldLeak, match="access token"):
        probe_live.write_report(report, scrubber, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def test_group_ids_are_replaced_only_as_whole_path_segments_and_in_server_text():
    scrubber = probe_live.Scrubber()
    scrubber.rename("sec", "<scratch-group>")
    assert scrubber.path("/v2/admin/resourceGroups/sec") == "/v2/admin/resourceGroups/<scratch-group>"
    assert scrubber.path("/v2/admin/secrets") == "/v2/admin/secrets"
    assert scrubber.server_text("group sec not found") == "group <scratch-group> not found"
    assert scrubber.tree({"case": "secret.get"}) == {"case": "secret.get"}


def test_make_help_lists_test_live_and_make_test_never_runs_it():
    root = os.path.abspath(os.path.join(LIVE_DIR, os.pardir, os.pardir))
    with open(os.path.join(root, "Makefile"), encoding="utf-8") as handle:
        makefile = handle.read()
    assert re.search(r'^\t@echo "make test-live ', makefile, re.M)
    test_recipe = re.search(r"^test:.*\n(?:\t.*\n)*", makefile, re.M).group(0)
    assert "live" not in test_recipe
    with open(os.path.join(root, "tests/tools/run_gates.py"), encoding="utf-8") as handle:
        assert "live" not in handle.read()


def test_requests_is_the_only_dependency_outside_the_standard_library():
    with open(PROBE, encoding="utf-8") as handle:
        imported = set(re.findall(r"^(?:import|from) ([a-z_0-9]+)", handle.read(), re.M))
    assert imported - set(sys.stdlib_module_names) == {"requests"}


def test_request_timeouts_are_bounded():
    assert probe_live.parse_args(["--timeout", "5"], {}).timeout == 5
    for bad in ("0", "1000", "nan"):
        with pytest.raises(SystemExit):
            probe_live.parse_args(["--timeout", bad], {})
