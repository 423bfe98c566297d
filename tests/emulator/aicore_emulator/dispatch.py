# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The path of one request through the emulator, independent of sockets.

Control requests (``/_emulator/...``) go straight to the control API and are not logged:
they are the test talking, not the client under test. Every other request is logged, then
gets the configured latency, the rate limit (API only), a matching fault rule if any, and
finally the token endpoint or the gateway with its APIs. JSON answers of those carry
``; charset=utf-8`` unless the ``json_charset`` setting is off; fault answers keep theirs.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from .gateway import API_PREFIX, Gateway
from .messages import JSON_TYPE, MTLS_LISTENER, Request, Response, json_error
from .oauth import TOKEN_PATH, TokenEndpoint
from .scopes import scope_or_none
from .state import EmulatorState
from .tokens import VALID, authorization_scheme, bearer_token

CONTROL_PREFIX = "/_emulator/"
RATE_LIMITED = "rate_limit"
# The Content-Type of JSON answers while the json_charset setting is on (the default).
JSON_CHARSET_TYPE = f"{JSON_TYPE}; charset=utf-8"


def endpoint_kind(path: str) -> str:
    """``token``, ``api`` (anything under /v2, where the gateway checks tokens) or ``other``."""
    if path == TOKEN_PATH:
        return "token"
    if path.startswith(API_PREFIX):
        return "api"
    return "other"


class Dispatcher:
    """Turns a ``Request`` into a ``Response``, or None to drop the connection."""

    def __init__(self, state: EmulatorState, token_endpoint: TokenEndpoint, control: Callable[[Request], Response]):
        self._state = state
        self._token_endpoint = token_endpoint
        self._api = Gateway(state.stores, state.groups, state.tokens, state.settings, state.admin_objects)
        self._control = control

    def handle(self, request: Request) -> Response | None:
        """Answer one request."""
        if request.path.startswith(CONTROL_PREFIX) and request.listener != MTLS_LISTENER:
            return self._control(request)
        endpoint = endpoint_kind(request.path)
        record = self._state.log.start(
            request,
            endpoint=endpoint,
            scope=scope_or_none(request) if endpoint == "api" else None,
            auth=authorization_scheme(request),
            token_ok=self._token_ok(request),
        )
        response = self._handle_logged(request, endpoint, record)
        self._state.log.update(record, status=None if response is None else response.status)
        return response

    def _handle_logged(self, request: Request, endpoint: str, record: dict) -> Response | None:
        state = self._state
        settings = state.settings.current
        if endpoint != "other" and settings.latency:
            time.sleep(settings.latency)
        if endpoint == "api" and not state.rate_limiter.admit(settings.rate_limit):
            state.log.update(record, fault=RATE_LIMITED)
            return json_error(429, "TooManyRequests", "rate limit exceeded", {"Retry-After": "1"})
        operation = functools.partial(self._route, request, endpoint)
        rule = state.faults.take(request.method, request.path, endpoint)
        if rule is None:
            return operation()
        state.log.update(record, fault=rule.action)
        return rule.apply(operation)

    def _route(self, request: Request, endpoint: str) -> Response:
        response = self._answer(request, endpoint)
        if response.content_type == JSON_TYPE and self._state.settings.current.json_charset:
            response.content_type = JSON_CHARSET_TYPE
        return response

    def _answer(self, request: Request, endpoint: str) -> Response:
        if endpoint == "token":
            return self._token_endpoint.handle(request)
        if request.listener == MTLS_LISTENER:
            return json_error(404, "NotFound", f"the mTLS listener serves only {TOKEN_PATH}")
        if endpoint == "api":
            return self._api.handle(request)
        return json_error(404, "NotFound", f"no resource at {request.path}")

    def _token_ok(self, request: Request) -> bool | None:
        token = bearer_token(request)
        return None if token is None else self._state.tokens.status(token) == VALID
