# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client against the emulator over real HTTP, for what a scripted session cannot show."""

import pytest
import requests

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets

from .test_fuzz import client_for


def test_netrc_credentials_are_never_sent(aicore, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    aicore.reset()
    aicore.clear_log()
    GenericSecrets(client_for(aicore)).get("anything")
    # form credentials, then the token: for the GET, and for proving the scope real before its 404 counts
    assert [record["auth"] for record in aicore.log()] == ["none", "bearer", "bearer"]


@pytest.mark.parametrize("json_charset", [True, False])
def test_json_without_a_charset_is_read_as_utf8_without_guessing(aicore, monkeypatch, json_charset):
    """JSON is UTF-8 by definition: guessing the charset of every answer (requests' detection) costs CPU per answer."""
    aicore.reset()
    aicore.configure(json_charset=json_charset)
    aicore.seed("rg:fuzz", [{"name": "accented", "plain_data": {"k": "v"}, "labels": [{"key": "ext.ai.sap.com/city", "value": "Zürich ✓"}]}])

    def no_guessing(_response):
        raise AssertionError("the charset was guessed")

    monkeypatch.setattr(requests.models.Response, "apparent_encoding", property(no_guessing))
    details = GenericSecrets(client_for(aicore)).get("accented")
    assert labels_of(details) == {"ext.ai.sap.com/city": "Zürich ✓"}
