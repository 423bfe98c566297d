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
from dataclasses import dataclass, field


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
    # Object store and Docker registry secrets, repositories, applications (admin_objects.py).
    # Seconds until an accepted (202) create, change or delete of a secret shows in GET and lists.
    admin_object_delay: float = 0.2
    # Seconds a repository reads IN-PROGRESS, and an application OutOfSync/Progressing, after a write.
    repository_sync_delay: float = 0.2
    application_sync_delay: float = 0.2
    # name -> message ("*": every name): the repositories (applications) that end in ERROR (Degraded).
    repository_errors: dict = field(default_factory=dict)
    application_errors: dict = field(default_factory=dict)
    # SAP lists no answer for the create of a taken object store / Docker secret or application name.
    admin_duplicate_status: int = 400
    # What object store GET and list answers carry besides the name: "annotations" or "none".
    object_store_metadata: str = "annotations"
    # True: object store answers name the Kubernetes secret, "<name>-object-store-secret".
    object_store_name_suffix: bool = False
    repository_quota: int = 50
    application_quota: int = 50
    docker_registry_secret_quota: int = 50

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


def _duplicate_status(value: object, name: str = "duplicate_status") -> int:
    if isinstance(value, bool) or value not in (400, 409):
        raise ValueError(f"{name} must be 400 or 409")
    return int(value)


UNKNOWN_RESOURCE_GROUP_ANSWERS = ("404", "400", "403")
LABELS_SHAPES = ("list", "object")
OBJECT_STORE_METADATA = ("annotations", "none")
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


def _messages_by_name(name: str, value: object) -> dict:
    # {object name or "*": error message}; a new dict, so the frozen settings own it alone.
    if not isinstance(value, dict) or not all(isinstance(key, str) and isinstance(text, str) and text for key, text in value.items()):
        raise ValueError(f"{name} must be an object of names (or \"*\") to non-empty messages")
    return dict(value)


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
    "admin_object_delay": lambda value: check_number("admin_object_delay", value),
    "repository_sync_delay": lambda value: check_number("repository_sync_delay", value),
    "application_sync_delay": lambda value: check_number("application_sync_delay", value),
    "repository_errors": lambda value: _messages_by_name("repository_errors", value),
    "application_errors": lambda value: _messages_by_name("application_errors", value),
    "admin_duplicate_status": lambda value: _duplicate_status(value, "admin_duplicate_status"),
    "object_store_metadata": lambda value: _choice("object_store_metadata", OBJECT_STORE_METADATA, value),
    "object_store_name_suffix": lambda value: _boolean("object_store_name_suffix", value),
    "repository_quota": lambda value: check_integer("repository_quota", value),
    "application_quota": lambda value: check_integer("application_quota", value),
    "docker_registry_secret_quota": lambda value: check_integer("docker_registry_secret_quota", value),
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
