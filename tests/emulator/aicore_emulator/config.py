# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run-time settings that tests switch through ``/_emulator/config`` or ``Emulator.configure``.

Settings are an immutable value replaced as a whole, so a request handler that reads
``holder.current`` once sees one consistent set even while a test changes them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Every switch of the emulator with the default that mimics AI Core."""

    latency: float = 0.0
    rate_limit: int | None = None
    page_cap: int = 50
    token_ttl: int = 43199
    duplicate_status: int = 409
    endless_pages: bool = False
    token_response: dict | None = None
    delete_body: str | None = None
    # Resource groups (resource_groups.py): how long creation and deletion take, whether the
    # token may read them at all, and what ERROR a new group ends in, if any.
    resource_group_provisioning_delay: float = 0.0
    resource_group_deletion_delay: float = 0.0
    resource_groups_forbidden: bool = False
    resource_group_error: str | None = None
    resource_group_quota: int = 50
    # False: a server that ignores Prefer: maxpagesize and pages by $top/$skip only.
    resource_group_maxpagesize: bool = True
    # Answers SAP leaves unspecified or documents in two ways (README, "Choices").
    unknown_resource_group: str = "404"
    labels_shape: str = "list"
    sync_status_field: str = "resourceGroupSecretsSyncStatus"
    json_charset: bool = True

    def to_dict(self) -> dict:
        """The settings as JSON-ready data."""
        return dataclasses.asdict(self)


def check_number(name: str, value: object, minimum: float = 0) -> float:
    """``value`` as a float if it is a number >= ``minimum`` (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum}")
    return float(value)


def check_integer(name: str, value: object, minimum: int = 0) -> int:
    """``value`` if it is an integer >= ``minimum``; raises ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}")
    return value


def _rate_limit(value: object) -> int | None:
    # 0 and null both mean "no limit", stored as None so there is one way to say off.
    if value is None:
        return None
    return check_integer("rate_limit", value) or None


def _duplicate_status(value: object) -> int:
    if value not in (400, 409):
        raise ValueError("duplicate_status must be 400 or 409")
    return int(value)


UNKNOWN_RESOURCE_GROUP_ANSWERS = ("404", "400", "403")
LABELS_SHAPES = ("list", "object")
SYNC_STATUS_FIELDS = ("resourceGroupSecretsSyncStatus", "resourceGroupSecretReplicationStatus")


def _unknown_resource_group(value: object) -> str:
    # 404 and "404" both name the answer; stored as text so there is one way to say it.
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if text not in UNKNOWN_RESOURCE_GROUP_ANSWERS:
        raise ValueError(f"unknown_resource_group must be one of {', '.join(UNKNOWN_RESOURCE_GROUP_ANSWERS)}")
    return text


def _choice(name: str, choices: tuple[str, ...], value: object) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}")
    return value


def _boolean(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _optional(name: str, kind: type, value: object) -> object:
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"{name} must be null or a {kind.__name__}")
    return value


_VALIDATORS: dict[str, Callable[[object], object]] = {
    "latency": lambda value: check_number("latency", value),
    "rate_limit": _rate_limit,
    "page_cap": lambda value: check_integer("page_cap", value, minimum=1),
    "token_ttl": lambda value: check_integer("token_ttl", value),
    "duplicate_status": _duplicate_status,
    "endless_pages": lambda value: _boolean("endless_pages", value),
    "token_response": lambda value: _optional("token_response", dict, value),
    "delete_body": lambda value: _optional("delete_body", str, value),
    "resource_group_provisioning_delay": lambda value: check_number("resource_group_provisioning_delay", value),
    "resource_group_deletion_delay": lambda value: check_number("resource_group_deletion_delay", value),
    "resource_groups_forbidden": lambda value: _boolean("resource_groups_forbidden", value),
    "resource_group_error": lambda value: _optional("resource_group_error", str, value),
    "resource_group_quota": lambda value: check_integer("resource_group_quota", value, minimum=1),
    "resource_group_maxpagesize": lambda value: _boolean("resource_group_maxpagesize", value),
    "unknown_resource_group": _unknown_resource_group,
    "labels_shape": lambda value: _choice("labels_shape", LABELS_SHAPES, value),
    "sync_status_field": lambda value: _choice("sync_status_field", SYNC_STATUS_FIELDS, value),
    "json_charset": lambda value: _boolean("json_charset", value),
}


def validated_changes(changes: dict) -> dict:
    """Check every requested change before applying any, so a bad request changes nothing."""
    unknown = sorted(set(changes) - set(_VALIDATORS))
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}; known: {', '.join(sorted(_VALIDATORS))}")
    return {name: _VALIDATORS[name](value) for name, value in changes.items()}


class SettingsHolder:
    """The current settings, the start-up settings to return to on reset, and a lock."""

    def __init__(self, initial: Settings):
        self._initial = initial
        self._current = initial
        self._lock = threading.Lock()

    @property
    def current(self) -> Settings:
        """The settings in force now."""
        return self._current

    def update(self, changes: dict) -> Settings:
        """Apply validated changes; raises ValueError and changes nothing on bad input."""
        checked = validated_changes(changes)
        with self._lock:
            self._current = dataclasses.replace(self._current, **checked)
            return self._current

    def reset(self) -> None:
        """Return to the start-up settings."""
        with self._lock:
            self._current = self._initial
