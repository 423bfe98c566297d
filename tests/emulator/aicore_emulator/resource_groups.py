# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant's resource groups: which exist, their labels and their life cycle.

Creation and deletion are asynchronous in AI Core. Here each group carries deadlines on a
monotonic clock: it reads PROVISIONING until ``ready_at`` (then PROVISIONED, or ERROR with
a message), and a deleted group keeps its last status until ``gone_at``, when it vanishes
together with the secrets stored in it. Every read first removes the groups whose time is
up, so no background thread is needed. Groups created at start-up or by seeding are
PROVISIONED at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .scopes import RESOURCE_GROUP_PREFIX, is_scope_group_id
from .store import SecretStores, utc_timestamp

DEFAULT_RESOURCE_GROUP = "default"
# SAP's rule for resource group ids (AI Core OpenAPI, BckndResourceGroupsPostRequest).
RESOURCE_GROUP_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]")
# What the emulator's tenant answers as tenantId and zoneId (tokens carry the same zid).
TENANT_ID = "aicore-emulator"

PROVISIONING = "PROVISIONING"
PROVISIONED = "PROVISIONED"
ERROR = "ERROR"

# Every resource group id that the integration targets, the molecule scenario, the demo and
# the benchmark address, so that with_emulator.py and serve.py start a tenant in which the
# existing tests find their groups. Ids that a test misspells on purpose must never be here.
STANDARD_RESOURCE_GROUPS = (
    "auth", "bench", "bulk", "bystander", "check", "check-info", "ci-runs", "cleanup", "dedicated",
    "defaults-rg", "diff", "empty-group", "encoding", "hostile", "info", "labels", "leak", "limited", "many",
    "misbehaving", "modes", "molecule-team", "names", "other", "present", "present-leak", "race",
    "refusals", "resilience", "storm", "task-rg", "team-a", "team-b", "tls", "token", "urls",
    "x509", "x509-leak",
)


class ResourceGroupError(Exception):
    """A resource group operation that cannot be done."""


class ResourceGroupNotFound(ResourceGroupError):
    """No resource group of that id."""


class ResourceGroupExists(ResourceGroupError):
    """Create of an id that is taken (also by a group still being deleted)."""


class ResourceGroupQuotaReached(ResourceGroupError):
    """The tenant holds as many groups as its quota allows."""


def is_resource_group_id(text: object) -> bool:
    """True for an id SAP accepts: 3-253 letters, digits, ``.`` and ``-``, alphanumeric at both ends."""
    return isinstance(text, str) and RESOURCE_GROUP_ID.fullmatch(text) is not None


def check_seeded_ids(ids: Iterable[object]) -> list[str]:
    """``ids`` of groups a test makes exist (start-up, seeding); raises ValueError naming a bad one.

    Checked by the lenient rule of scope headers, not SAP's, so that a test can make a group
    exist that the API itself would refuse (and the client must refuse before sending). The API
    never creates such a group; only a test can, on purpose.
    """
    checked = []
    for group_id in ids:
        if not is_scope_group_id(group_id):
            raise ValueError(f"resource group id {group_id!r} must be 1 to 253 letters, digits, '.', '_' or '-', starting with a letter or digit")
        checked.append(group_id)
    return checked


@dataclass
class ResourceGroup:
    """One group; ``ready_at`` / ``gone_at`` are monotonic deadlines (``gone_at`` None: not deleted)."""

    group_id: str
    labels: list[dict[str, str]]
    ready_at: float
    error: str | None = None
    gone_at: float | None = None
    created_at: str = field(default_factory=utc_timestamp)

    def status(self, now: float) -> str:
        """PROVISIONING until ready, then PROVISIONED or, when it was made to fail, ERROR."""
        if now < self.ready_at:
            return PROVISIONING
        return PROVISIONED if self.error is None else ERROR

    def details(self, now: float) -> dict:
        """The API's representation of the group."""
        status = self.status(now)
        messages = {PROVISIONING: "resource group is being provisioned", PROVISIONED: "resource group is provisioned", ERROR: self.error}
        return {
            "resourceGroupId": self.group_id,
            "tenantId": TENANT_ID,
            "zoneId": TENANT_ID,
            "createdAt": self.created_at,
            "labels": [dict(label) for label in self.labels],
            "status": status,
            "statusMessage": messages[status],
            "annotations": [],
        }


class ResourceGroupRegistry:
    """The tenant's groups in creation order, and the start-up groups to return to on reset."""

    def __init__(self, stores: SecretStores, startup: Iterable[str] = (), clock: Callable[[], float] = time.monotonic,
                 on_gone: Callable[[str], None] | None = None):
        """``on_gone(group_id)``: called when a deleted group vanishes, for what else lives in it."""
        self._stores = stores
        self._on_gone = on_gone
        self._clock = clock
        self._lock = threading.Lock()
        self._startup = [DEFAULT_RESOURCE_GROUP, *(group for group in check_seeded_ids(startup) if group != DEFAULT_RESOURCE_GROUP)]
        self._groups: dict[str, ResourceGroup] = {}
        self.reset()

    @property
    def startup(self) -> list[str]:
        """``default`` and the groups given at start, in that order."""
        return list(self._startup)

    def reset(self) -> None:
        """Exactly the start-up groups, all PROVISIONED, without labels."""
        with self._lock:
            now = self._clock()
            self._groups = {group_id: ResourceGroup(group_id, [], now) for group_id in dict.fromkeys(self._startup)}

    def create(self, group_id: str, labels: list[dict[str, str]], delay: float, error: str | None, quota: int) -> None:
        """Start provisioning a new group; ready ``delay`` seconds from now."""
        with self._lock:
            self._purge()
            if group_id in self._groups:
                raise ResourceGroupExists(group_id)
            if len(self._groups) >= quota:
                raise ResourceGroupQuotaReached(group_id)
            self._groups[group_id] = ResourceGroup(group_id, [dict(label) for label in labels], self._clock() + delay, error)

    def ensure(self, group_id: str) -> None:
        """Make a group exist at once (start-up, seeding); an existing one is left as it is."""
        with self._lock:
            self._purge()
            self._groups.setdefault(group_id, ResourceGroup(group_id, [], self._clock()))

    def describe(self, group_id: str, labels: list[dict[str, str]], created_at: str | None) -> None:
        """Give an existing group labels and, when given, another creation time (seeding)."""
        with self._lock:
            group = self._existing(group_id)
            group.labels = [dict(label) for label in labels]
            if created_at is not None:
                group.created_at = str(created_at)

    def set_labels(self, group_id: str, labels: list[dict[str, str]]) -> None:
        """Replace the labels of an existing group."""
        with self._lock:
            self._existing(group_id).labels = [dict(label) for label in labels]

    def delete(self, group_id: str, delay: float) -> None:
        """Schedule the removal of a group and its secrets ``delay`` seconds from now.

        A group already being deleted keeps its first deadline.
        """
        with self._lock:
            group = self._existing(group_id)
            if group.gone_at is None:
                group.gone_at = self._clock() + delay
            self._purge()

    def exists(self, group_id: str) -> bool:
        """Whether the group exists now (also while provisioning or being deleted)."""
        with self._lock:
            self._purge()
            return group_id in self._groups

    def get(self, group_id: str) -> dict:
        """The details of an existing group."""
        with self._lock:
            return self._existing(group_id).details(self._clock())

    def all(self) -> list[dict]:
        """The details of every group, in creation order."""
        with self._lock:
            self._purge()
            now = self._clock()
            return [group.details(now) for group in self._groups.values()]

    def ids(self) -> list[str]:
        """Every group id, in creation order."""
        with self._lock:
            self._purge()
            return list(self._groups)

    def snapshot(self) -> list[dict]:
        """Details plus ``deleting`` (a deletion is pending), for tests."""
        with self._lock:
            self._purge()
            now = self._clock()
            return [{**group.details(now), "deleting": group.gone_at is not None} for group in self._groups.values()]

    def _existing(self, group_id: str) -> ResourceGroup:
        self._purge()
        group = self._groups.get(group_id)
        if group is None:
            raise ResourceGroupNotFound(group_id)
        return group

    def _purge(self) -> None:
        # Called with the lock held. The store lock is taken inside this one, never the
        # other way round: the stores know nothing of groups.
        now = self._clock()
        for group_id in [group.group_id for group in self._groups.values() if group.gone_at is not None and group.gone_at <= now]:
            del self._groups[group_id]
            self._stores.drop_scope(RESOURCE_GROUP_PREFIX + group_id)
            if self._on_gone is not None:
                self._on_gone(group_id)
