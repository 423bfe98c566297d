# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generic secrets kept in memory, one independent store per scope.

The store knows nothing about HTTP: it raises ``StoreError`` subclasses and the API layer
chooses the status codes (the duplicate status is a run-time setting). Every method takes
the one lock, so concurrent clients see each operation as atomic.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from .scopes import TENANT_WIDE

TENANT_WIDE_LIMIT = 5


class StoreError(Exception):
    """A store operation that cannot be done."""


class SecretNotFound(StoreError):
    """No secret of that name in that scope."""


class SecretExists(StoreError):
    """Create of a name that is already taken in that scope."""


class TenantWideLimitReached(StoreError):
    """AI Core allows at most five tenant-wide secrets."""


def utc_timestamp() -> str:
    """Now as an ISO 8601 string in UTC, the format of ``createdAt``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Secret:
    """One generic secret; ``data`` values are base64 text, exactly as sent."""

    name: str
    data: dict[str, str]
    labels: list[dict[str, str]]
    created_at: str = dataclasses.field(default_factory=utc_timestamp)

    def copy(self) -> Secret:
        """A deep enough copy to hand out without sharing mutable state."""
        return dataclasses.replace(self, data=dict(self.data), labels=[dict(label) for label in self.labels])

    def snapshot(self) -> dict:
        """The stored state, data included, for tests (never for the API)."""
        return {"data": dict(self.data), "labels": [dict(label) for label in self.labels], "createdAt": self.created_at}


def merged_labels(current: list[dict[str, str]], changes: list[dict[str, str]]) -> list[dict[str, str]]:
    """PATCH label semantics: an empty value removes a label, others set it, unsent ones stay."""
    merged = {label["key"]: label["value"] for label in current}
    for change in changes:
        if change["value"] == "":
            merged.pop(change["key"], None)
        else:
            merged[change["key"]] = change["value"]
    return [{"key": key, "value": value} for key, value in merged.items()]


class SecretStores:
    """Every scope's secrets; dict insertion order is creation order, the list order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._scopes: dict[str, dict[str, Secret]] = {}

    def create(self, scope: str, secret: Secret) -> None:
        """Add a new secret; refuses a taken name and a sixth tenant-wide secret."""
        with self._lock:
            secrets = self._scopes.setdefault(scope, {})
            if secret.name in secrets:
                raise SecretExists(secret.name)
            if scope == TENANT_WIDE and len(secrets) >= TENANT_WIDE_LIMIT:
                raise TenantWideLimitReached(secret.name)
            secrets[secret.name] = secret.copy()

    def update(self, scope: str, name: str, data: dict[str, str], label_changes: list[dict[str, str]]) -> None:
        """Replace all data and merge label changes of an existing secret."""
        with self._lock:
            secret = self._existing(scope, name)
            secret.data = dict(data)
            secret.labels = merged_labels(secret.labels, label_changes)

    def delete(self, scope: str, name: str) -> None:
        """Remove an existing secret."""
        with self._lock:
            self._existing(scope, name)
            del self._scopes[scope][name]

    def get(self, scope: str, name: str) -> Secret:
        """A copy of an existing secret."""
        with self._lock:
            return self._existing(scope, name).copy()

    def page(self, scope: str, skip: int, size: int) -> tuple[list[Secret], int]:
        """Copies of ``size`` secrets after the first ``skip``, and the total count."""
        with self._lock:
            secrets = list(self._scopes.get(scope, {}).values())
            return [secret.copy() for secret in secrets[skip:skip + size]], len(secrets)

    def put(self, scope: str, secret: Secret) -> None:
        """Seed a secret, replacing one of the same name (it then counts as newest)."""
        with self._lock:
            secrets = self._scopes.setdefault(scope, {})
            secrets.pop(secret.name, None)
            secrets[secret.name] = secret.copy()

    def snapshot(self, scope: str) -> dict[str, dict]:
        """``{name: {"data", "labels", "createdAt"}}`` of one scope."""
        with self._lock:
            return {name: secret.snapshot() for name, secret in self._scopes.get(scope, {}).items()}

    def snapshot_all(self) -> dict[str, dict[str, dict]]:
        """``{scope: snapshot}`` of every scope that has held a secret."""
        with self._lock:
            return {scope: {name: secret.snapshot() for name, secret in secrets.items()} for scope, secrets in self._scopes.items()}

    def drop_scope(self, scope: str) -> None:
        """Forget every secret of one scope (its resource group is gone)."""
        with self._lock:
            self._scopes.pop(scope, None)

    def clear(self) -> None:
        """Forget every secret of every scope."""
        with self._lock:
            self._scopes.clear()

    def _existing(self, scope: str, name: str) -> Secret:
        secret = self._scopes.get(scope, {}).get(name)
        if secret is None:
            raise SecretNotFound(name)
        return secret
