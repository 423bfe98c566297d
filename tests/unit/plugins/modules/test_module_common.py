# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/_module.py, what every module shares: the merged argument spec, the checks of the
common options before any request, the warnings, the failure when requests is missing, and which
service key fields stay hidden. Modules are made from task arguments as Ansible hands them over."""

from contextlib import contextmanager

import json

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils import _module
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import (
    CONNECTION_OPTIONS, SCOPE_OPTIONS, aicore_module, argument_spec, client_for)

from ..module_utils.module_runner import module_args

OWN_OPTIONS = dict(name=dict(type="str"))
SECRET = "client-secret-value-1234"


class Failed(Exception):
    """What the tests' ``fail`` raises instead of ending the process, with the keyword arguments it got."""


def fail(**result):
    raise Failed(result)


@contextmanager
def task_module(args, **module_arguments):
    with module_args(args):
        yield aicore_module(OWN_OPTIONS, **module_arguments)


def task(**options):
    args = dict(api_url="https://api.example.invalid", auth_url="https://auth.example.invalid", client_id="my-client",
                client_secret=SECRET, resource_group="team-a")
    args.update(options)
    return {key: value for key, value in args.items() if value is not None}


def refusal(**options):
    """The message client_for fails with for a task with these options."""
    with task_module(task(**options)) as module, pytest.raises(Failed) as failed:
        client_for(module, fail=fail)
    return failed.value.args[0]["msg"]


@pytest.mark.parametrize("given", ["client_cert", "client_key"])
def test_client_cert_and_client_key_are_refused_alone_before_the_module_runs(capsys, given, tmp_path):
    pem = tmp_path / "given.pem"
    pem.write_text("not read")
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited, task_module(task(**{given: str(pem)})):
        pass
    result = json.loads(capsys.readouterr().out)
    assert exited.value.code == 1
    assert result["msg"] == "parameters are required together: client_cert, client_key"


def test_a_module_own_required_together_is_kept_beside_the_shared_one(capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit), task_module(task(name="n"), required_together=[("name", "api_url"), ("name", "ca_path")]):
        pass
    assert json.loads(capsys.readouterr().out)["msg"] == "parameters are required together: name, ca_path"


def test_argument_spec_merges_the_shared_options_into_the_module_own():
    spec = argument_spec(OWN_OPTIONS)
    assert set(spec) == set(CONNECTION_OPTIONS) | set(SCOPE_OPTIONS) | {"name"}
    assert spec["client_secret"]["no_log"] is True and spec["service_key"]["no_log"] is True
    unscoped = argument_spec(OWN_OPTIONS, scoped=False, token_option=False)
    assert "token" not in unscoped and "api_url" in unscoped
    # a module that addresses no scope still takes the scope options a group default may set, of any type
    assert unscoped["resource_group"] == {"type": "raw"} and unscoped["tenant_scope"] == {"type": "raw"}
    assert "token" in CONNECTION_OPTIONS  # the module's copy was changed, not the shared one


@pytest.mark.parametrize("options, message", [
    (dict(timeout=0), "timeout: must be a number of seconds above 0 and at most 3600, got 0"),
    (dict(timeout=3601), "timeout: must be a number of seconds above 0 and at most 3600, got 3601"),
    (dict(timeout=float("nan")), "timeout: must be a number of seconds above 0 and at most 3600, got nan"),
    (dict(retries=-1), "retries: must be between 0 and 10, got -1"),
    (dict(retries=11), "retries: must be between 0 and 10, got 11"),
    (dict(ca_path="/nonexistent/ca.pem"), "ca_path: /nonexistent/ca.pem does not exist"),
    (dict(client_cert="/nonexistent/cert.pem", client_key="/nonexistent/key.pem"), "client_cert: /nonexistent/cert.pem does not exist"),
])
def test_common_options_out_of_range_are_refused_naming_the_option(options, message):
    msg = refusal(**options)
    assert msg.startswith(message), msg
    assert SECRET not in msg


def test_the_task_fails_for_a_bad_setting_from_the_resolver_before_any_request():
    msg = refusal(api_url="ftp://api.example.invalid")
    assert "api_url" in msg and SECRET not in msg


def test_a_good_task_gets_a_client_for_its_scope():
    with task_module(task(timeout=2.5, retries=0)) as module:
        client = client_for(module, fail=fail)
    try:
        assert client.settings.api_url.startswith("https://api.example.invalid")
        assert client.settings.timeout == 2.5 and client.settings.retries == 0
        assert "team-a" in client.scope
    finally:
        client.close()


@pytest.mark.parametrize("host, warned", [("api.example.invalid", ["api_url", "auth_url"]), ("127.0.0.1", [])])
def test_plain_http_to_another_machine_is_warned_about_and_to_loopback_not(monkeypatch, host, warned):
    for proxy in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    warnings = []
    with task_module(task(api_url="http://%s:9/v2" % host, auth_url="http://%s:9" % host)) as module:
        monkeypatch.setattr(module, "warn", warnings.append)
        client_for(module, fail=fail).close()
    assert [warning.split(" ")[0] for warning in warnings] == warned
    assert all("http://" in warning and "unencrypted" in warning and SECRET not in warning for warning in warnings)


def test_without_requests_the_task_fails_with_ansible_missing_library_message(monkeypatch):
    monkeypatch.setattr(_module, "HAS_REQUESTS", False)
    with task_module(task()) as module, pytest.raises(Failed) as failed:
        client_for(module, fail=fail)
    assert "Failed to import the required Python library (requests)" in failed.value.args[0]["msg"]


SERVICE_KEY = {
    "clientid": "sb-descriptive-client",
    "clientsecret": "service-key-secret-5678",
    "url": "https://tenant.authentication.example.invalid",
    "serviceurls": {"AI_API_URL": "https://api.ai.example.invalid"},
    "unknown-field": "unknown-value-stays-hidden",
}


def test_descriptive_service_key_fields_are_shown_and_every_other_value_stays_hidden():
    with task_module(dict(service_key=SERVICE_KEY, resource_group="team-a")) as module:
        hidden = set(module.no_log_values)
    assert {"sb-descriptive-client", "https://tenant.authentication.example.invalid", "https://api.ai.example.invalid"}.isdisjoint(hidden)
    assert {"service-key-secret-5678", "unknown-value-stays-hidden"} <= hidden


def test_a_descriptive_value_that_is_also_another_option_secret_stays_hidden():
    with task_module(dict(service_key=SERVICE_KEY, client_secret="sb-descriptive-client", resource_group="team-a")) as module:
        assert "sb-descriptive-client" in module.no_log_values
