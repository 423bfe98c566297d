# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading API input: JSON bodies and the paging query parameters, refused with 400 the same way everywhere."""

from __future__ import annotations

import json
import re

from .messages import JSON_TYPE, ApiError, Request
from .validation import MAX_BODY_BYTES, check_fields

_DIGITS = re.compile(r"[0-9]+")


def json_body(request: Request, required: set[str], optional: set[str], media_type: str = JSON_TYPE) -> dict:
    """The request body as a JSON object with exactly the allowed fields, sent as ``media_type``."""
    if request.body_size > MAX_BODY_BYTES:
        raise ApiError(413, "PayloadTooLarge", f"request body of {request.body_size} bytes exceeds {MAX_BODY_BYTES}")
    if request.media_type() != media_type:
        raise ApiError(400, "InvalidContentType", f"Content-Type must be {media_type}")
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise ApiError(400, "InvalidBody", "request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise ApiError(400, "InvalidBody", "request body must be a JSON object")
    check_fields(body, required, optional)
    return body


def query_int(request: Request, name: str) -> int | None:
    """An integer >= 0 query parameter, None when absent."""
    text = request.query.get(name)
    if text is None:
        return None
    if not _DIGITS.fullmatch(text):
        raise ApiError(400, "InvalidQuery", f"{name} must be an integer >= 0, got {text!r}")
    return int(text)


def query_flag(request: Request, name: str) -> bool:
    """A true/false query parameter, false when absent."""
    text = request.query.get(name, "false").lower()
    if text not in ("true", "false"):
        raise ApiError(400, "InvalidQuery", f"{name} must be true or false, got {text!r}")
    return text == "true"
