# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages a first-time user meets (issue 11): a TLS verification failure says OpenSSL's reason, and a
service key path that does not exist is named, while a value that looks like JSON is never quoted."""

import pytest
import requests

from ansible_collections.sap_aicore.admin.plugins.module_utils._http import _tls_error
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import load_service_key
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

STRICT = ("HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded with url: /v2/admin/secrets "
          "(Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
          "CA cert does not include key usage extension (_ssl.c:1028)')))")
SELF_SIGNED = STRICT.replace("CA cert does not include key usage extension", "self-signed certificate in certificate chain")


def test_a_strictly_refused_ca_is_named_with_what_to_do():
    message = str(_tls_error("GET", "https://api.example.com/v2/admin/secrets", requests.exceptions.SSLError(STRICT), False))
    assert "TLS certificate verify failed (CA cert does not include key usage extension)" in message
    assert "keyUsage" in message and "Python 3.13" in message


def test_other_verify_failures_quote_the_reason_and_point_to_ca_path():
    message = str(_tls_error("GET", "https://api.example.com/v2", requests.exceptions.SSLError(SELF_SIGNED), False))
    assert "(self-signed certificate in certificate chain)" in message and "set ca_path" in message


def test_a_service_key_path_that_does_not_exist_is_named(tmp_path):
    missing = str(tmp_path / "keys" / "aicore.json")
    with pytest.raises(InputError) as raised:
        load_service_key(missing, "option service_key")
    assert missing in str(raised.value)


@pytest.mark.parametrize("value", ['"clientsecret": "hunter2-secret"', 'clientid: sb-x, clientsecret: hunter2-secret',
                                   "clientsecret=hunter2-secret\nurl=https://x"])
def test_a_value_that_looks_like_json_is_never_quoted(value):
    with pytest.raises(InputError) as raised:
        load_service_key(value, "option service_key")
    assert "hunter2" not in str(raised.value)
