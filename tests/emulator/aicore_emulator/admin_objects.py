# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Object store and Docker registry secrets, Git repositories and applications, in memory.

The four kinds share one life cycle, so one registry keeps them all, keyed by kind, resource
group (object store secrets only; None for the tenant-wide kinds) and name:

- What GET shows is a list of *versions*, each taking effect at a moment of a monotonic clock.
  An accepted (202) create, change or delete appends a version that takes effect after the
  configured delay; a synchronous one (repositories, applications) appends one that takes
  effect at once. A delete is a version without fields; when it takes effect the object is gone.
- Repositories and applications also *settle*: until ``settles_at`` a repository reads
  IN-PROGRESS and an application OutOfSync/Progressing; afterwards they read done, or failed
  with ``error`` when a setting named them.
- Write-only values are never kept: only their SHA-256 (``written_digest``). Every accepted
  create and change counts as a write (each one carries the whole write-only value), so that
  tests can tell "rewritten" from "left alone" and check what was written.

Like the store of generic secrets this module knows nothing about HTTP: it raises
``AdminObjectError`` subclasses and the API layer picks the answers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .store import utc_timestamp

# Kinds, by the names the control API uses for them.
OBJECT_STORE_SECRETS = "object_store_secrets"
DOCKER_REGISTRY_SECRETS = "docker_registry_secrets"
REPOSITORIES = "repositories"
APPLICATIONS = "applications"
KINDS = (OBJECT_STORE_SECRETS, DOCKER_REGISTRY_SECRETS, REPOSITORIES, APPLICATIONS)
# The key of settings.repository_errors / application_errors that names every object.
EVERY_NAME = "*"


class AdminObjectError(Exception):
    """An operation that cannot be done; ``args[0]`` is the object's name."""


class AdminObjectNotFound(AdminObjectError):
    """No visible object of that kind and name (in that resource group)."""


class AdminObjectExists(AdminObjectError):
    """Create of a name that is taken (also while its creation is still pending)."""


class AdminQuotaReached(AdminObjectError):
    """The tenant holds as many objects of the kind as its quota allows."""


def written_digest(value: object) -> str:
    """SHA-256 (hex) of a write-only value: a string's UTF-8 bytes, anything else as canonical JSON.

    Canonical JSON is ``json.dumps(value, sort_keys=True, separators=(",", ":"))``, so a test
    computes the digest of what it expects with the same call, whatever spacing a client sent.
    """
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Written:
    """What the registry keeps of one write of a write-only value: its digest and harmless facts about it."""

    sha256: str
    facts: dict = field(default_factory=dict)


@dataclass
class _Version:
    at: float
    fields: dict | None  # None: deleted


@dataclass
class AdminObject:
    """One object with its pending and current versions, write count and sync state."""

    kind: str
    group: str | None
    name: str
    versions: list = field(default_factory=list)
    writes: int = 0
    written: Written | None = None
    settles_at: float = 0.0
    error: str | None = None
    refreshes: int = 0
    # Wall-clock times of the last write and of its expected end, for status answers.
    sync_started: str = field(default_factory=utc_timestamp)
    sync_finished: str = field(default_factory=utc_timestamp)

    def current(self, now: float) -> dict | None:
        """The fields GET shows at ``now``, or None when the object is not visible."""
        shown = None
        for version in self.versions:
            if version.at > now:
                break
            shown = version.fields
        return shown

    def taken(self) -> bool:
        """Whether the name is in use: the last version accepted is not a delete."""
        return bool(self.versions) and self.versions[-1].fields is not None

    def pending(self, now: float) -> bool:
        """Whether an accepted change has not taken effect yet."""
        return bool(self.versions) and self.versions[-1].at > now

    def settled(self, now: float) -> bool:
        """Whether the last write is synced (repositories, applications)."""
        return now >= self.settles_at

    def compact(self, now: float) -> bool:
        """Forget versions that no longer matter; True when the object is gone for good."""
        effective = [index for index, version in enumerate(self.versions) if version.at <= now]
        if effective:
            del self.versions[:effective[-1]]
        return len(self.versions) == 1 and self.versions[0].fields is None and self.versions[0].at <= now


def _wall_clock_after(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


class AdminObjects:
    """Every object of the four kinds; insertion order is creation order, the list order."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._objects: dict[tuple[str, str | None, str], AdminObject] = {}

    # Writes through the API

    def create(self, kind: str, group: str | None, name: str, fields: dict, written: Written | None,
               delay: float = 0.0, quota: int | None = None, sync_delay: float = 0.0, error: str | None = None) -> None:
        """Accept a new object; it shows after ``delay`` seconds and settles ``sync_delay`` seconds later."""
        with self._lock:
            now = self._purge()
            existing = self._objects.get((kind, group, name))
            if existing is not None and existing.taken():
                raise AdminObjectExists(name)
            if quota is not None and self._count(kind) >= quota:
                raise AdminQuotaReached(name)
            if existing is None:
                # A name whose delete is still pending is re-used: its versions queue up.
                existing = self._objects[(kind, group, name)] = AdminObject(kind, group, name)
            self._write(existing, now, fields, written, delay, sync_delay, error)

    def update(self, kind: str, group: str | None, name: str, fields: dict, written: Written | None,
               delay: float = 0.0, sync_delay: float = 0.0, error: str | None = None) -> None:
        """Accept a change of a visible object: new readable fields, and a new write-only value if given."""
        with self._lock:
            now = self._purge()
            self._write(self._visible(kind, group, name, now), now, fields, written, delay, sync_delay, error)

    def delete(self, kind: str, group: str | None, name: str, delay: float = 0.0) -> None:
        """Accept the removal of a visible object; a pending removal keeps its first deadline."""
        with self._lock:
            now = self._purge()
            found = self._visible(kind, group, name, now)
            if found.taken():
                found.versions.append(_Version(max(now + delay, found.versions[-1].at), None))
            self._purge()

    def refresh(self, kind: str, name: str, sync_delay: float, error: str | None) -> None:
        """Start another sync of a visible object (applications)."""
        with self._lock:
            now = self._purge()
            found = self._visible(kind, None, name, now)
            found.refreshes += 1
            self._start_sync(found, now, sync_delay, error)

    # Seeding (control API): visible and settled at once, never counted as a write

    def seed(self, kind: str, group: str | None, name: str, fields: dict, written: Written | None, error: str | None = None) -> None:
        """Put an object in place, replacing one of the same name (it then counts as newest)."""
        with self._lock:
            now = self._clock()
            self._objects.pop((kind, group, name), None)
            seeded = AdminObject(kind, group, name, [_Version(now, dict(fields))], written=written, settles_at=now, error=error)
            self._objects[(kind, group, name)] = seeded

    # Reads

    def get(self, kind: str, group: str | None, name: str) -> dict:
        """``{"name", "fields", "settled", "error", "sync_started", "sync_finished"}`` of a visible object."""
        with self._lock:
            now = self._purge()
            return self._view(self._visible(kind, group, name, now), now)

    def visible(self, kind: str, group: str | None) -> list[dict]:
        """The views (see ``get``) of every visible object of a kind (in one group), in creation order."""
        with self._lock:
            now = self._purge()
            return [
                self._view(found, now)
                for (found_kind, found_group, _name), found in self._objects.items()
                if found_kind == kind and found_group == group and found.current(now) is not None
            ]

    def count(self, kind: str) -> int:
        """How many names of a kind are taken in the whole tenant (what quotas count)."""
        with self._lock:
            self._purge()
            return self._count(kind)

    def exists(self, kind: str, group: str | None, name: str) -> bool:
        """Whether a visible object of that kind and name exists."""
        with self._lock:
            now = self._purge()
            found = self._objects.get((kind, group, name))
            return found is not None and found.current(now) is not None

    def snapshot(self) -> dict[str, list[dict]]:
        """Per kind, every object the registry holds, for tests: never a write-only value, only its digest."""
        with self._lock:
            now = self._purge()
            kinds: dict[str, list[dict]] = {kind: [] for kind in KINDS}
            for found in self._objects.values():
                last = found.versions[-1].fields
                entry = {
                    "name": found.name,
                    "resource_group": found.group,
                    "visible": found.current(now) is not None,
                    "pending": found.pending(now),
                    "deleting": last is None,
                    "fields": dict(last if last is not None else found.current(now) or {}),
                    "writes": found.writes,
                    "sha256": found.written.sha256 if found.written else None,
                    **(found.written.facts if found.written else {}),
                }
                if found.kind in (REPOSITORIES, APPLICATIONS):
                    entry.update(settled=found.settled(now), error=found.error, refreshes=found.refreshes)
                kinds[found.kind].append(entry)
            return kinds

    def drop_group(self, group: str) -> None:
        """Forget every object of a resource group (the group is gone)."""
        with self._lock:
            for key in [key for key in self._objects if key[1] == group]:
                del self._objects[key]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._objects.clear()

    # Called with the lock held

    def _write(self, found: AdminObject, now: float, fields: dict, written: Written | None,
               delay: float, sync_delay: float, error: str | None) -> None:
        # Versions take effect in the order they were accepted, even if the delay got shorter.
        at = max([now + delay] + [version.at for version in found.versions[-1:]])
        found.versions.append(_Version(at, dict(fields)))
        found.writes += 1
        if written is not None:
            found.written = written
        self._start_sync(found, now, sync_delay, error)

    @staticmethod
    def _start_sync(found: AdminObject, now: float, sync_delay: float, error: str | None) -> None:
        found.settles_at = now + sync_delay
        found.error = error
        found.sync_started = utc_timestamp()
        found.sync_finished = _wall_clock_after(sync_delay)

    def _visible(self, kind: str, group: str | None, name: str, now: float) -> AdminObject:
        found = self._objects.get((kind, group, name))
        if found is None or found.current(now) is None:
            raise AdminObjectNotFound(name)
        return found

    def _count(self, kind: str) -> int:
        return sum(1 for found in self._objects.values() if found.kind == kind and found.taken())

    def _purge(self) -> float:
        now = self._clock()
        for key in [key for key, found in self._objects.items() if found.compact(now)]:
            del self._objects[key]
        return now

    @staticmethod
    def _view(found: AdminObject, now: float) -> dict:
        return {
            "name": found.name,
            "fields": dict(found.current(now) or {}),
            "settled": found.settled(now),
            "error": found.error,
            "sync_started": found.sync_started,
            "sync_finished": found.sync_finished,
        }
