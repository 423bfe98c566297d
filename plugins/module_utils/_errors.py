# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the one exception the client raises, and reading error bodies.

AI Core answers errors in three shapes: its own JSON (``{"error": {"code", "message",
"requestId"}}``, with ``requestID`` / ``request_id`` also seen), XSUAA's OAuth JSON
(``{"error", "error_description"}``), and the gateway's plain text (``RBAC: access denied``).
Proxies add HTML pages. All of them become one readable line.

Server text is handled in one order, everywhere it may be quoted: decoded first (JSON parsed,
HTML entities resolved), then scrubbed of every secret value of the run, then shortened. Scrubbing
raw text would miss a secret the server escaped (``\\/`` for ``/``, ``\\u0041`` for ``A``), and
shortening first could cut a secret into a piece no scrubber recognises.
"""

import base64
import html
import json
import re
import threading

from urllib.parse import quote

MAX_TEXT = 200
REQUEST_ID_KEYS = ("requestId", "requestID", "request_id", "RequestId")
HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class AICoreError(Exception):
    """A request that did not get the answer it needed.

    ``status`` is the last HTTP status (None when no answer came at all), ``code``, ``detail``
    and ``request_id`` come from the error body when it has them.
    """

    def __init__(self, summary, status=None, code=None, detail=None, request_id=None, attempts=1):
        self.summary = summary
        self.status = status
        self.code = code
        self.detail = detail
        self.request_id = request_id
        self.attempts = attempts
        super().__init__(self.message)

    def noting(self, note):
        """The same error with a note on where its inputs came from."""
        return AICoreError("%s (%s)" % (self.summary, note), self.status, self.code, self.detail, self.request_id, self.attempts)

    @property
    def message(self):
        parts = [self.summary]
        if self.status is not None:
            parts.append("HTTP %s" % self.status)
        if self.code:
            parts.append("code %s" % self.code)
        if self.detail:
            parts.append(self.detail)
        if self.request_id:
            parts.append("request id %s" % self.request_id)
        if self.attempts > 1:
            parts.append("after %d attempts" % self.attempts)
        return ": ".join(parts[:2]) + "".join(", " + part for part in parts[2:])


class Redactor:
    """The run's secrets, removed from any server text before it is quoted.

    Ansible masks a secret only where it appears whole; quoted text is shortened and folded,
    which could cut a reflected secret into a part Ansible no longer recognises. So every form a
    server might reflect (raw, URL-encoded, JSON-escaped, base64) is removed first.
    """

    MARK = "********"

    def __init__(self):
        self._forms = set()
        self._lock = threading.Lock()

    def add(self, *secrets):
        with self._lock:
            for secret in secrets:
                if secret:
                    self._forms.update(form for form in _spellings(secret) if len(form) >= 4)

    def scrub(self, text):
        with self._lock:
            forms = sorted(self._forms, key=len, reverse=True)
        for form in forms:
            text = text.replace(form, self.MARK)
        return text


def _spellings(secret):
    encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
    for form in (secret, json.dumps(secret)[1:-1], encoded):
        yield form
        yield form.replace("/", "\\/")  # JSON may escape "/"; seen in text that was JSON-encoded twice
    yield quote(secret, safe="")
    yield json.dumps(secret, ensure_ascii=False)[1:-1]


def _no_scrub(text):
    return text


class ErrorBody:
    """What an error answer's body says: code, message and request id, each possibly None."""

    def __init__(self, code=None, message=None, request_id=None):
        self.code = code
        self.message = message
        self.request_id = request_id


def read_error_body(text, content_type="", scrub=_no_scrub):
    """Parse any error body AI Core, XSUAA, a gateway or a proxy sends; never raise.

    ``scrub`` (a ``Redactor.scrub``) is applied to each decoded piece before it is shortened.
    """
    text = (text or "").strip()
    if not text:
        return ErrorBody()
    try:
        document = json.loads(text)
    except ValueError:
        return ErrorBody(message=_describe_text(text, content_type, scrub))
    if isinstance(document, dict):
        return _from_json(document, scrub)
    return ErrorBody(message=_text(document, scrub))


def _from_json(document, scrub):
    error = document.get("error")
    if isinstance(error, dict):  # AI Core: {"error": {"code", "message", "requestId"}}
        return ErrorBody(
            code=_text(error.get("code"), scrub),
            message=_text(error.get("message"), scrub),
            request_id=_text(_first_key(error, REQUEST_ID_KEYS) or _first_key(document, REQUEST_ID_KEYS), scrub),
        )
    if error is not None:  # XSUAA: {"error": "unauthorized", "error_description": "..."}
        return ErrorBody(code=_text(error, scrub), message=_text(document.get("error_description"), scrub))
    return ErrorBody(message=_text(document.get("message"), scrub), request_id=_text(_first_key(document, REQUEST_ID_KEYS), scrub))


def is_html(text, content_type=""):
    return "html" in (content_type or "").lower() or (text or "").lstrip().lower().startswith(("<!doctype html", "<html"))


def _describe_text(text, content_type, scrub):
    if is_html(text, content_type):
        title = HTML_TITLE.search(text)
        found = " (%s)" % quotable(html.unescape(title.group(1)), scrub) if title else ""
        return "an HTML page%s instead of an API answer, probably from a proxy or gateway" % found
    return quotable(text, scrub)


def _first_key(mapping, keys):
    for key in keys:
        if mapping.get(key) not in (None, ""):
            return mapping[key]
    return None


def _text(value, scrub):
    """A decoded JSON value as quotable text; values that are not strings are shown as JSON without escapes."""
    if value is None or value == "":
        return None
    return quotable(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), scrub)


def quotable(decoded_text, scrub, limit=MAX_TEXT):
    """Decoded server text on one line, scrubbed of the run's secrets, and only then shortened."""
    text = " ".join(scrub(decoded_text).split())  # scrubbed before folding: a PEM key has line breaks
    return text if len(text) <= limit else text[:limit] + "..."
