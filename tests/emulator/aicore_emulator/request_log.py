# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The record of every request a client made, for tests to check what was sent.

A record is added when a request arrives and completed as it is handled, so a test that
looks while a request stalls already sees it (with ``status`` still null). Credentials are
replaced by ``<redacted>``: the Authorization header and a form's ``client_secret``.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time

from .messages import FORM_TYPE, Request

REDACTED = "<redacted>"
_REDACTED_HEADERS = ("authorization", "proxy-authorization")
_REDACTED_FORM_FIELDS = ("client_secret",)
# Bodies above AI Core's own limit are summarised: tests never need their bytes.
MAX_LOGGED_BODY = 1024 * 1024


class RequestLog:
    """Records in arrival order, numbered by ``seq`` (which keeps counting across clears)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records: list[dict] = []
        self._numbers = itertools.count(1)

    def start(self, request: Request, **facts: object) -> dict:
        """Add a record for a request just read; ``facts`` are endpoint, scope, auth, token_ok."""
        record = {
            "seq": 0,
            "time": time.time(),
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            **facts,
            "client_cert": request.client_cert,
            "status": None,
            "fault": None,
            "body": logged_body(request),
            "headers": logged_headers(request),
        }
        with self._lock:
            record["seq"] = next(self._numbers)
            self._records.append(record)
        return record

    def update(self, record: dict, **fields: object) -> None:
        """Fill in what became known later (fault, status)."""
        with self._lock:
            record.update(fields)

    def records(self) -> list[dict]:
        """A copy of every record, oldest first."""
        with self._lock:
            return copy.deepcopy(self._records)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()


def logged_headers(request: Request) -> dict[str, str]:
    """Lower-cased header names to values, repeated headers joined, credentials redacted."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        name = name.lower()
        value = REDACTED if name in _REDACTED_HEADERS else value
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def logged_body(request: Request) -> object:
    """The body as the client meant it: a form dict, parsed JSON, else text; None if empty."""
    if request.body_size > MAX_LOGGED_BODY:
        return f"<{request.body_size} bytes, not kept>"
    if not request.body:
        return None
    if request.media_type() == FORM_TYPE:
        form = request.form()
        return {key: REDACTED if key in _REDACTED_FORM_FIELDS else value for key, value in form.items()}
    try:
        return json.loads(request.body)
    except ValueError:
        return request.text()
