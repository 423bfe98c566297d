# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator of SAP AI Core's administration APIs and its XSUAA token endpoint.

Generic secrets, resource groups, object store and Docker registry secrets, Git repositories
and applications.

For tests and demos only: real HTTP on 127.0.0.1, in-memory state, switchable faults.
Start it in-process with ``Emulator`` or as a process with ``serve.py`` / ``with_emulator.py``.
"""

from .admin_objects import written_digest
from .emulator import DEFAULT_CLIENT_ID, Emulator
from .resource_groups import STANDARD_RESOURCE_GROUPS

__all__ = ["DEFAULT_CLIENT_ID", "STANDARD_RESOURCE_GROUPS", "Emulator", "written_digest"]
