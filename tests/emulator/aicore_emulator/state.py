# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything an emulator instance remembers, in one place, so reset has one definition."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field

from .admin_objects import AdminObjects
from .config import Settings, SettingsHolder
from .faults import FaultBook, RateLimiter
from .request_log import RequestLog
from .resource_groups import ResourceGroupRegistry
from .store import SecretStores
from .tokens import TokenRegistry


@dataclass
class EmulatorState:
    """Settings, secrets, resource groups, the other admin objects, tokens, fault rules, rate limit window and request log.

    ``startup_resource_groups``: the groups (besides ``default``) the tenant has at start and
    again after every reset.
    """

    settings: SettingsHolder = field(default_factory=lambda: SettingsHolder(Settings()))
    stores: SecretStores = field(default_factory=SecretStores)
    tokens: TokenRegistry = field(default_factory=TokenRegistry)
    faults: FaultBook = field(default_factory=FaultBook)
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)
    log: RequestLog = field(default_factory=RequestLog)
    admin_objects: AdminObjects = field(default_factory=AdminObjects)
    startup_resource_groups: InitVar[tuple[str, ...]] = ()
    groups: ResourceGroupRegistry = field(init=False)

    def __post_init__(self, startup_resource_groups: tuple[str, ...]) -> None:
        self.groups = ResourceGroupRegistry(self.stores, startup_resource_groups, on_gone=self.admin_objects.drop_group)

    def reset(self) -> None:
        """Back to the start-up state between tests.

        Issued tokens stay valid (and listed for leak scans): a client that cached its
        token before the reset keeps working, as it would against the real service.
        """
        self.settings.reset()
        self.stores.clear()
        self.admin_objects.clear()
        self.groups.reset()
        self.faults.clear()
        self.rate_limiter.reset()
        self.log.clear()
