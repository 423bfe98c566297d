# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settings: precedence (option > service key > environment), URL forms, service key forms."""

import json

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import api_root, load_service_key, resolve_settings, token_url
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

SERVICE_KEY = {
    "clientid": "sb-key-client",
    "clientsecret": "key-secret",
    "url": "https://key.authentication.example.com",
    "serviceurls": {"AI_API_URL": "https://key-api.example.com"},
}
ENVIRONMENT = {
    "AICORE_BASE_URL": "https://env-api.example.com",
    "AICORE_AUTH_URL": "https://env.authentication.example.com",
    "AICORE_CLIENT_ID": "sb-env-client",
    "AICORE_CLIENT_SECRET": "env-secret",
}


def params(**given):
    base = dict(api_url=None, auth_url=None, client_id=None, client_secret=None, service_key=None, token=None,
                validate_certs=True, ca_path=None, timeout=30, retries=3)
    base.update(given)
    return base


@pytest.mark.parametrize("configured", [
    "https://api.example.com", "https://api.example.com/", "https://api.example.com/v2",
    "https://api.example.com/v2/", "  https://api.example.com/v2  ",
])
def test_api_root_never_doubles_v2(configured):
    assert api_root(configured) == "https://api.example.com/v2"


def test_api_root_keeps_a_path_prefix():
    assert api_root("https://gw.example.com/aicore/") == "https://gw.example.com/aicore/v2"


@pytest.mark.parametrize("configured", ["https://auth.example.com", "https://auth.example.com/", "https://auth.example.com/oauth/token"])
def test_token_url_appends_oauth_token_once(configured):
    assert token_url(configured) == "https://auth.example.com/oauth/token"


@pytest.mark.parametrize("bad", ["ftp://x.example.com", "api.example.com", "https://", "https://h/?a=1", "https://h/#x",
                                 "https://user:pw@h.example.com", "https://h\r\nX-Evil: 1"])
def test_bad_urls_are_refused_naming_the_option(bad):
    with pytest.raises(InputError, match="api_url"):
        api_root(bad, "api_url")


def test_option_beats_service_key_beats_environment():
    settings = resolve_settings(params(client_id="sb-option-client", service_key=SERVICE_KEY), ENVIRONMENT)
    assert settings.client_id == "sb-option-client"
    assert settings.client_secret == "key-secret"
    assert settings.api_url == "https://key-api.example.com/v2"
    assert settings.token_url == "https://key.authentication.example.com/oauth/token"
    assert settings.source_of("client_id") == "option client_id"
    assert settings.source_of("client_secret") == "option service_key (clientsecret)"


def test_environment_fills_what_nothing_else_sets():
    settings = resolve_settings(params(), ENVIRONMENT)
    assert (settings.client_id, settings.client_secret) == ("sb-env-client", "env-secret")
    assert settings.source_of("api_url") == "environment variable AICORE_BASE_URL"


def test_service_key_from_the_environment():
    settings = resolve_settings(params(), {"AICORE_SERVICE_KEY": json.dumps(SERVICE_KEY), "AICORE_CLIENT_ID": "sb-env-client"})
    assert settings.client_id == "sb-key-client"
    assert settings.source_of("client_id") == "environment variable AICORE_SERVICE_KEY (clientid)"


@pytest.mark.parametrize("form", ["dict", "json", "file"])
def test_service_key_forms(form, tmp_path):
    raw = {"dict": SERVICE_KEY, "json": json.dumps(SERVICE_KEY)}.get(form)
    if form == "file":
        path = tmp_path / "key.json"
        path.write_text(json.dumps(SERVICE_KEY))
        raw = str(path)
    assert load_service_key(raw)["clientid"] == "sb-key-client"


def test_broken_service_key_json_does_not_echo_its_content():
    with pytest.raises(InputError) as raised:
        load_service_key('{"clientsecret": "do-not-show-me",', "option service_key")
    assert "do-not-show-me" not in str(raised.value)
    assert "not valid JSON" in str(raised.value)


def test_missing_service_key_file_is_refused():
    with pytest.raises(InputError, match="neither JSON nor the path"):
        load_service_key("/nonexistent/key.json")


def test_given_token_needs_no_client_credentials():
    settings = resolve_settings(params(api_url="https://api.example.com", token="tok"), {})
    assert settings.uses_given_token and settings.token == "tok"


def test_token_option_wins_over_credentials():
    settings = resolve_settings(params(token="tok"), ENVIRONMENT)
    assert settings.uses_given_token


def test_environment_token_yields_to_configured_credentials():
    environment = dict(ENVIRONMENT, AICORE_TOKEN="stale")
    assert not resolve_settings(params(), environment).uses_given_token
    only_token = {"AICORE_BASE_URL": "https://api.example.com", "AICORE_TOKEN": "env-token"}
    assert resolve_settings(params(), only_token).token == "env-token"


def test_missing_api_url_names_every_place_to_set_it():
    with pytest.raises(InputError) as raised:
        resolve_settings(params(token="tok"), {})
    assert str(raised.value) == "no api_url: set api_url, AICORE_BASE_URL, or serviceurls.AI_API_URL in the service key"


def test_missing_secret_names_what_is_missing_and_what_was_found():
    with pytest.raises(InputError) as raised:
        resolve_settings(params(api_url="https://api.example.com", auth_url="https://auth.example.com", client_id="sb-x"), {})
    message = str(raised.value)
    assert "missing client_secret" in message
    assert "client_id from option client_id" in message


def test_tls_verify_forms():
    assert resolve_settings(params(token="t", api_url="https://a.example.com"), {}).tls_verify is True
    assert resolve_settings(params(token="t", api_url="https://a.example.com", ca_path="/ca.pem"), {}).tls_verify == "/ca.pem"
    assert resolve_settings(params(token="t", api_url="https://a.example.com", validate_certs=False), {}).tls_verify is False
