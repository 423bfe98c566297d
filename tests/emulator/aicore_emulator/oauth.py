# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XSUAA-like token endpoint: ``POST /oauth/token`` with the client credentials grant.

Credentials come in the form (``client_id``, ``client_secret``) or as HTTP Basic. On the
mTLS listener the TLS handshake has already checked the client certificate, so the form
only names the client id and no secret is needed. Errors use the OAuth shape
``{"error", "error_description"}``, not AI Core's.
"""

from __future__ import annotations

import hmac

from .config import SettingsHolder
from .messages import FORM_TYPE, Request, Response, json_response
from .tokens import TokenRegistry, basic_credentials

TOKEN_PATH = "/oauth/token"
GRANT_TYPE = "client_credentials"
TOKEN_SCOPE = "uaa.resource aicore-emulator.admin"
# Token answers must not be cached by proxies (RFC 6749, section 5.1).
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(status: int, error: str, description: str) -> Response:
    """An OAuth error answer."""
    return json_response(status, {"error": error, "error_description": description}, _NO_STORE)


class TokenEndpoint:
    """Checks client credentials and issues tokens from a ``TokenRegistry``."""

    def __init__(self, registry: TokenRegistry, settings: SettingsHolder, client_id: str, client_secret: str):
        self._registry = registry
        self._settings = settings
        self._client_id = client_id
        self._client_secret = client_secret

    def handle(self, request: Request) -> Response:
        """Answer one token request."""
        if request.method != "POST":
            return oauth_error(405, "invalid_request", "use POST")
        form = request.form() if request.media_type() == FORM_TYPE else {}
        # Authenticate before looking at the grant, as XSUAA does: bad credentials win.
        if not self._authenticated(request, form):
            return oauth_error(401, "unauthorized", "Bad credentials")
        grant_type = form.get("grant_type")
        if grant_type != GRANT_TYPE:
            return oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")
        return self._token_answer()

    def _authenticated(self, request: Request, form: dict[str, str]) -> bool:
        basic = basic_credentials(request)
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        if not _same(client_id, self._client_id):
            return False
        return request.client_cert or _same(secret, self._client_secret)

    def _token_answer(self) -> Response:
        settings = self._settings.current
        override = settings.token_response
        if override is not None:
            # A test replaces the whole answer; a token it names still works on the API,
            # so that only the field under test differs from a normal answer.
            if isinstance(override.get("access_token"), str):
                self._registry.register(override["access_token"], settings.token_ttl)
            return json_response(200, override, _NO_STORE)
        token, jti = self._registry.issue(self._client_id, settings.token_ttl)
        answer = {"access_token": token, "token_type": "bearer", "expires_in": settings.token_ttl, "jti": jti, "scope": TOKEN_SCOPE}
        return json_response(200, answer, _NO_STORE)


def _same(given: str | None, expected: str) -> bool:
    # Constant-time comparison, out of habit: this is what a real server must do.
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
