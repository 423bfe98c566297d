# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issuing and checking access tokens, and reading credentials from request headers.

Tokens look like JWTs (three base64url parts) so that clients which peek into them work,
but they are opaque random strings to the emulator: it only remembers which ones it issued
and when each expires. Every token ever issued is kept for leak scans.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from urllib.parse import unquote

from .messages import Request

VALID = "valid"
UNKNOWN = "unknown"
EXPIRED = "expired"


class TokenRegistry:
    """Issued tokens and their expiry deadlines on a monotonic clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._deadlines: dict[str, float] = {}

    def issue(self, client_id: str, ttl: int) -> tuple[str, str]:
        """A new token valid for ``ttl`` seconds, with its ``jti``."""
        jti = uuid.uuid4().hex
        token = jwt_like_token(client_id, jti, ttl)
        self.register(token, ttl)
        return token, jti

    def register(self, token: str, ttl: int) -> None:
        """Accept ``token`` for ``ttl`` seconds (also used for tokens a test dictates)."""
        with self._lock:
            self._deadlines[token] = self._clock() + ttl

    def status(self, token: str) -> str:
        """``VALID``, ``EXPIRED`` or ``UNKNOWN``."""
        with self._lock:
            deadline = self._deadlines.get(token)
        if deadline is None:
            return UNKNOWN
        return VALID if self._clock() < deadline else EXPIRED

    def expire_all(self) -> None:
        """Make every token issued so far expired; later tokens are unaffected."""
        with self._lock:
            past = self._clock() - 1
            self._deadlines = dict.fromkeys(self._deadlines, past)

    def issued(self) -> list[str]:
        """Every token ever issued, oldest first."""
        with self._lock:
            return list(self._deadlines)


def jwt_like_token(client_id: str, jti: str, ttl: int) -> str:
    """Header, claims and a random "signature", each base64url-encoded as in a real JWT."""
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": "aicore-emulator"}
    claims = {"jti": jti, "client_id": client_id, "cid": client_id, "iat": now, "exp": now + ttl, "zid": "aicore-emulator"}
    parts = [_b64url(json.dumps(header).encode()), _b64url(json.dumps(claims).encode()), _b64url(secrets.token_bytes(64))]
    return ".".join(parts)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def authorization_scheme(request: Request) -> str:
    """``bearer``, ``basic`` or ``none`` (also for schemes the emulator does not know)."""
    scheme = _split_authorization(request)[0]
    return scheme if scheme in ("bearer", "basic") else "none"


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, else None."""
    scheme, value = _split_authorization(request)
    return value if scheme == "bearer" and value else None


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``(client id, secret)`` from HTTP Basic, else None.

    RFC 6749 asks clients to form-encode both parts first and many do not. Percent-decoding
    accepts both spellings for every id and secret without a literal ``%`` (such as the
    emulator's ``sb-emulator-client!t1`` and its generated secrets).
    """
    scheme, value = _split_authorization(request)
    if scheme != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        return None
    return unquote(client_id), unquote(secret)


def _split_authorization(request: Request) -> tuple[str, str]:
    scheme, _space, value = (request.header("Authorization") or "").strip().partition(" ")
    return scheme.lower(), value.strip()
