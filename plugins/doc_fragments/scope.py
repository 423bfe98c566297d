# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scope options of sap_aicore.admin modules that address secrets."""


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  resource_group:
    description:
      - The resource group whose secrets to manage; sent as the C(AI-Resource-Group) header.
      - With O(tenant_scope=true), only C(*) is allowed; it addresses tenant-wide secrets,
        which AI Core copies into every resource group.
      - When not set, E(AICORE_RESOURCE_GROUP) is used, but only without O(tenant_scope).
      - An id follows SAP's rule, 3 to 253 characters of letters, digits, C(.) and C(-), starting and ending
        with a letter or digit (so V(team_a), V(ab) and V(x-) are refused before any request).
    type: str
  tenant_scope:
    description:
      - Manage the secrets of the main tenant (header C(AI-Tenant-Scope) set to C(true)) instead of a resource group's.
      - Combine with O(resource_group=*) for tenant-wide secrets.
    type: bool
    default: false
notes:
  - "Exactly one scope is addressed: a resource group (O(resource_group)), the main tenant
    (O(tenant_scope=true)), or tenant-wide (O(tenant_scope=true) and O(resource_group=*)).
    Any other combination, or none, is refused before a request is sent: AI Core does not
    document a default."
"""

    # For modules that address no scope: they take the scope options a group default may set, and ignore them.
    IGNORED = r"""
options:
  resource_group:
    description:
      - Ignored; this module addresses no scope.
      - Accepted so that C(module_defaults) for C(group/sap_aicore.admin.aicore) can set it for the modules that manage secrets.
    type: raw
  tenant_scope:
    description:
      - Ignored, like O(resource_group).
    type: raw
"""
