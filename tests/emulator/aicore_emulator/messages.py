# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request and response values shared by every part of the emulator.

The HTTP layer turns bytes into a ``Request``; handlers answer with a ``Response``
(or raise ``ApiError``). Where an answer may be missing, None means "close the
connection without answering".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qsl

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"

# The listener a request arrived on (``Request.listener``).
PLAIN_LISTENER = "http"
TLS_LISTENER = "tls"
MTLS_LISTENER = "mtls"


class ApiError(Exception):
    """A refusal that becomes an AI Core style JSON error answer."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_response(self) -> Response:
        """Render this error the way AI Core does: JSON with a fresh request id."""
        return json_error(self.status, self.code, self.message, self.headers)


@dataclass
class Request:
    """One HTTP request as read from the wire.

    ``body`` may hold only the start of an oversized body; ``body_size`` is the real size,
    so that such bodies can be refused without keeping them in memory.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes
    body_size: int
    listener: str
    client_cert: bool = False

    def header(self, name: str) -> str | None:
        """The value of a header, or None when absent."""
        return self.headers.get(name)

    def header_values(self, name: str) -> list[str]:
        """Every value of a header: a header sent twice is a client bug worth seeing."""
        return self.headers.get_all(name) or []

    def media_type(self) -> str:
        """The Content-Type without parameters such as charset, lower-cased."""
        return (self.header("Content-Type") or "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        """The body decoded as UTF-8, with undecodable bytes replaced."""
        return self.body.decode("utf-8", errors="replace")

    def form(self) -> dict[str, str]:
        """The body as an URL-encoded form (last value wins for repeated fields)."""
        return dict(parse_qsl(self.text(), keep_blank_values=True))


@dataclass
class Response:
    """An answer to send; the HTTP layer adds Content-Length."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def new_request_id() -> str:
    """A fresh id, so that every error can be quoted and told apart."""
    return uuid.uuid4().hex


def json_response(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer."""
    return Response(status, json.dumps(payload).encode("utf-8"), JSON_TYPE, dict(headers or {}))


def text_response(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer, as the gateway in front of AI Core gives for auth failures."""
    return Response(status, text.encode("utf-8"), TEXT_TYPE, dict(headers or {}))


def json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """An AI Core error body: ``{"error": {"code", "message", "requestId"}}``."""
    error = {"code": code, "message": message, "requestId": new_request_id()}
    return json_response(status, {"error": error}, headers)


def verbatim_response(status: int, text: str, content_type: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """An answer whose body is given as a string by a test.

    Without an explicit content type the body is labelled JSON when it parses as JSON,
    else plain text; an empty body gets no Content-Type at all.
    """
    if content_type is None and text:
        content_type = JSON_TYPE if _is_json(text) else TEXT_TYPE
    return Response(status, text.encode("utf-8"), content_type, dict(headers or {}))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
