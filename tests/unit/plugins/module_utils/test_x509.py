# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""X.509 service keys and client certificate options: which credentials win, and the key files."""

import os
import stat

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils import _keyfiles
from ansible_collections.sap_aicore.admin.plugins.module_utils._keyfiles import PrivatePair
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

from .test_settings import SERVICE_KEY, params

X509_KEY = {
    "clientid": "sb-x509-client",
    "certificate": "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n",
    "key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n",
    "certurl": "https://sub.authentication.cert.example.com",
    "url": "https://sub.authentication.example.com",
    "serviceurls": {"AI_API_URL": "https://api.example.com"},
}


def test_x509_service_key_uses_certurl_and_inline_pem_with_real_newlines():
    settings = resolve_settings(params(service_key=X509_KEY), {})
    assert settings.auth == "x509"
    assert settings.token_url == "https://sub.authentication.cert.example.com/oauth/token"
    assert settings.client_cert_pem.startswith("-----BEGIN CERTIFICATE-----\nMIIB\n")
    assert settings.client_key_pem in settings.secrets()


def test_client_cert_options_go_to_auth_url():
    settings = resolve_settings(params(client_cert="/c.pem", client_key="/k.pem", client_id="sb-c", auth_url="https://cert.example.com",
                                       api_url="https://api.example.com"), {})
    assert (settings.auth, settings.client_cert, settings.client_key) == ("x509", "/c.pem", "/k.pem")
    assert settings.source_of("client_cert") == "option client_cert"


def test_client_cert_without_key_names_what_is_missing():
    with pytest.raises(InputError, match="client certificate.*missing client_key"):
        resolve_settings(params(client_cert="/c.pem", client_id="sb-c", auth_url="https://a.example.com", api_url="https://api.example.com"), {})


def test_a_client_secret_option_beats_an_x509_service_key():
    settings = resolve_settings(params(service_key=X509_KEY, client_secret="s"), {})
    assert settings.auth == "client_secret" and settings.token_url == "https://sub.authentication.example.com/oauth/token"


def test_a_client_secret_service_key_is_not_x509():
    assert resolve_settings(params(service_key=SERVICE_KEY), {}).auth == "client_secret"


def test_missing_everything_lists_every_way_to_authenticate():
    with pytest.raises(InputError) as raised:
        resolve_settings(params(api_url="https://api.example.com"), {})
    message = str(raised.value)
    for way in ("token", "AICORE_CLIENT_SECRET", "service_key", "client_cert", "certurl"):
        assert way in message


def test_private_pair_fallback_is_owner_only_and_gone_after_use(tmp_path, monkeypatch):
    monkeypatch.setattr(_keyfiles, "memory_files_available", lambda: False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    with PrivatePair("CERT", "KEY") as (cert, key):
        assert os.path.dirname(os.path.dirname(cert)) == str(tmp_path)
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and stat.S_IMODE(os.stat(os.path.dirname(key)).st_mode) == 0o700
        with open(key) as handle:
            assert handle.read() == "KEY\n"
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.skipif(not _keyfiles.memory_files_available(), reason="memfd_create is Linux only")
def test_private_pair_on_linux_is_in_memory_only(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    with PrivatePair("CERT", "KEY") as (cert, key):
        assert key.startswith("/proc/self/fd/") and os.readlink(key).startswith("/memfd:aicore-x509-client.key")
        with open(key) as handle:
            assert handle.read() == "KEY\n"
        assert os.listdir(str(tmp_path)) == []
    assert not os.path.exists(key) or not os.readlink(key).startswith("/memfd:aicore-x509")
