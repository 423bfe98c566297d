# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which secret store a request addresses, from its scope headers.

AI Core documents three header combinations (see docs/ai-core-api.md). Anything else is
"unspecified" there; the emulator refuses it with 400 ``InvalidScope`` so that a client
that guesses a scope fails loudly in tests instead of silently writing somewhere.

Scopes are named by strings that tests also use: ``rg:<id>``, ``tenant``, ``tenant-wide``.
"""

from __future__ import annotations

import re

from .messages import ApiError, Request

TENANT = "tenant"
TENANT_WIDE = "tenant-wide"
RESOURCE_GROUP_PREFIX = "rg:"

RESOURCE_GROUP_HEADER = "AI-Resource-Group"
TENANT_SCOPE_HEADER = "AI-Tenant-Scope"

# Lenient on purpose (AI Core's own rule is stricter): the point is to catch empty ids,
# whitespace, control characters and URL syntax leaking into the header, not to police style.
_RESOURCE_GROUP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,252}")


def invalid_scope(message: str) -> ApiError:
    """The error for every scope the emulator refuses."""
    return ApiError(400, "InvalidScope", message)


def scope_from_request(request: Request) -> str:
    """The scope named by the request's headers; raises ``ApiError`` for other combinations."""
    group = _single_header(request, RESOURCE_GROUP_HEADER)
    if _tenant_flag(_single_header(request, TENANT_SCOPE_HEADER)):
        if group is None:
            return TENANT
        if group == "*":
            return TENANT_WIDE
        raise invalid_scope(f"{TENANT_SCOPE_HEADER}: true cannot be combined with a concrete {RESOURCE_GROUP_HEADER}")
    if group is None:
        raise invalid_scope(f"send {RESOURCE_GROUP_HEADER} or {TENANT_SCOPE_HEADER}: true")
    if group == "*":
        raise invalid_scope(f"{RESOURCE_GROUP_HEADER}: * needs {TENANT_SCOPE_HEADER}: true")
    return resource_group_scope(group)


def scope_or_none(request: Request) -> str | None:
    """The scope for the request log: None when the headers name no valid scope."""
    try:
        return scope_from_request(request)
    except ApiError:
        return None


def is_scope_group_id(text: object) -> bool:
    """Whether ``text`` passes the lenient check of resource group ids in scopes."""
    return isinstance(text, str) and _RESOURCE_GROUP_ID.fullmatch(text) is not None


def resource_group_scope(group: str) -> str:
    """The scope string of a resource group, after checking its id."""
    if not is_scope_group_id(group):
        raise invalid_scope(f"invalid resource group id {group!r}")
    return RESOURCE_GROUP_PREFIX + group


def parse_scope(text: object) -> str:
    """Check a scope string given to the control API or the Python API."""
    if text in (TENANT, TENANT_WIDE):
        return text
    if isinstance(text, str) and text.startswith(RESOURCE_GROUP_PREFIX):
        return resource_group_scope(text[len(RESOURCE_GROUP_PREFIX):])
    raise invalid_scope(f"scope must be {TENANT!r}, {TENANT_WIDE!r} or 'rg:<id>', not {text!r}")


def resource_group_of(scope: str) -> str | None:
    """The resource group id of an ``rg:`` scope, else None."""
    if scope.startswith(RESOURCE_GROUP_PREFIX):
        return scope[len(RESOURCE_GROUP_PREFIX):]
    return None


def _single_header(request: Request, name: str) -> str | None:
    values = request.header_values(name)
    if len(values) > 1:
        raise invalid_scope(f"{name} sent {len(values)} times")
    if not values:
        return None
    value = values[0]
    if not value.isascii() or not value.isprintable():
        raise invalid_scope(f"{name} contains control or non-ASCII characters")
    return value


def _tenant_flag(value: str | None) -> bool:
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    raise invalid_scope(f"{TENANT_SCOPE_HEADER} must be true or false, not {value!r}")
