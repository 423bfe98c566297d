# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scripted stand-ins for the HTTP session and for time, for the client's corner cases."""

import io

import requests
import urllib3

from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings


def answer(status, body="", headers=None):
    """A response as requests returns it with stream=True: the body still to be read from ``raw``."""
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    response.raw = urllib3.HTTPResponse(body=io.BytesIO(data), headers=headers or {}, status=status, preload_content=False)
    return response


class ScriptedSession:
    """Plays back answers (or raises exceptions) in order and records every request made."""

    def __init__(self, *script):
        self.script = list(script)
        self.requests = []

    def request(self, method, url, **options):
        self.requests.append(dict(options, method=method, url=url))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    def close(self):
        pass


class RecordedSleep:
    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def settings(**given):
    params = dict(api_url="https://api.example.com", auth_url="https://auth.example.com", client_id="sb-client",
                  client_secret="s3cret-value", service_key=None, token=None, validate_certs=True, ca_path=None,
                  timeout=5, retries=3)
    params.update(given)
    return resolve_settings(params, {})
