# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server-side checks of generic secret names, data and labels (docs/ai-core-api.md, Constraints).

Every check raises ``ApiError`` (400) with a code that names the field, so a test can
tell which rule a client broke.
"""

from __future__ import annotations

import base64
import binascii
import re

from .messages import ApiError

MAX_BODY_BYTES = 1024 * 1024
MAX_LABEL_KEY_LENGTH = 63
MAX_LABEL_VALUE_LENGTH = 5000

_NAME = re.compile(r"[a-z0-9\-\.]{1,252}")
_DATA_KEY = re.compile(r"[-._a-zA-Z0-9]+")
# Copied verbatim from the AI Core OpenAPI description, unescaped dots included.
_LABEL_KEY = re.compile(r"^ext.ai.sap.com/(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]){1,48}$")


def check_name(name: object) -> str:
    """A secret name as used in bodies and paths."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ApiError(400, "InvalidName", f"secret name must match ^[a-z0-9\\-\\.]+$ with 1 to 252 characters, got {name!r}")
    return name


def check_data(data: object) -> dict[str, str]:
    """Secret data: a non-empty object of file-name-like keys to strict base64 values."""
    if not isinstance(data, dict) or not data:
        raise ApiError(400, "InvalidData", "data must be a non-empty object of string keys to base64 string values")
    for key, value in data.items():
        if not _DATA_KEY.fullmatch(key):
            raise ApiError(400, "InvalidData", f"data key {key!r} must match [-._a-zA-Z0-9]+")
        if not is_strict_base64(value):
            raise ApiError(400, "InvalidData", f"data value of {key!r} is not valid base64")
    return dict(data)


def is_strict_base64(value: object) -> bool:
    """True for canonical padded base64: what decodes and encodes back to the same text."""
    if not isinstance(value, str):
        return False
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return base64.b64encode(decoded).decode("ascii") == value


def check_labels(labels: object, allow_removal: bool = False) -> list[dict[str, str]]:
    """A label list; on PATCH (``allow_removal``) an empty value asks to remove the label."""
    if not isinstance(labels, list):
        raise ApiError(400, "InvalidLabels", "labels must be a list of {key, value} objects")
    seen: set[str] = set()
    for label in labels:
        key = _check_label(label, allow_removal)
        if key in seen:
            raise ApiError(400, "InvalidLabels", f"label {key!r} given twice")
        seen.add(key)
    return [dict(label) for label in labels]


def _check_label(label: object, allow_removal: bool) -> str:
    if not isinstance(label, dict) or set(label) != {"key", "value"}:
        raise ApiError(400, "InvalidLabels", f"every label must be an object with exactly key and value, got {label!r}")
    key, value = label["key"], label["value"]
    if not isinstance(key, str) or len(key) > MAX_LABEL_KEY_LENGTH or not _LABEL_KEY.fullmatch(key):
        raise ApiError(400, "InvalidLabels", f"label key {key!r} must match ext.ai.sap.com/<name> with at most 63 characters")
    if not isinstance(value, str) or len(value) > MAX_LABEL_VALUE_LENGTH:
        raise ApiError(400, "InvalidLabels", f"label value of {key!r} must be a string of at most 5000 characters")
    if value == "" and not allow_removal:
        raise ApiError(400, "InvalidLabels", f"label value of {key!r} must not be empty")
    return key


def check_fields(body: dict, required: set[str], optional: set[str]) -> None:
    """Refuse missing and unknown fields, so a misspelt field name cannot pass unnoticed."""
    missing = sorted(required - set(body))
    if missing:
        raise ApiError(400, "MissingField", f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(body) - required - optional)
    if unknown:
        raise ApiError(400, "UnknownField", f"unknown field(s): {', '.join(unknown)}")
