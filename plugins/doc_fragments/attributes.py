# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes every sap_aicore.admin module shares."""


class ModuleDocFragment:

    # Every module is in the action group, so module_defaults can set credentials once.
    DOCUMENTATION = r"""
attributes:
  action_group:
    support: full
    description: Use C(group/sap_aicore.admin.aicore) in C(module_defaults) to set the connection options once.
    membership:
      - sap_aicore.admin.aicore
"""

    # Modules that only read.
    READ_ONLY = r"""
attributes:
  diff_mode:
    support: none
    description: The module changes nothing, so there is no difference to show.
"""
