#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the Git repositories onboarded to an SAP AI Core tenant, and its quota of them."""

DOCUMENTATION = r"""
module: aicore_repository_info
short_description: List the Git repositories onboarded to an SAP AI Core tenant, and its quota of them
version_added: 1.1.0
description:
  - Returns the Git repositories onboarded to the tenant, all of them or the ones named.
  - Also the tenant's quota of them, when AI Core reports it.
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.attributes
  - sap_aicore.admin.attributes.READ_ONLY
  - sap_aicore.admin.objects.INFO
attributes:
  check_mode:
    support: full
    description: The module only reads, in check mode too.
notes:
  - "Names follow the rule of M(sap_aicore.admin.aicore_repository); a bad one is refused before any request."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Every repository
  sap_aicore.admin.aicore_repository_info:
    service_key: /etc/aicore/service-key.json
  register: found

- name: Two of them, if they exist
  sap_aicore.admin.aicore_repository_info:
    name: [team-a-pipelines, team-a-pipelines-old]
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
repositories:
  description: The repositories found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The repository's name.
      type: str
      returned: always
      sample: team-a-pipelines
    url:
      description: The repository's URL.
      type: str
      returned: when AI Core shows it
      sample: https://github.com/example/aicore-pipelines
    status:
      description: V(IN-PROGRESS), V(COMPLETED) or V(ERROR).
      type: str
      returned: when AI Core shows it
      sample: COMPLETED
quota:
  description: The tenant's quota of these objects, as far as AI Core reports it.
  returned: when AI Core answers the quota request
  type: dict
  contains:
    maximum:
      description: How many the tenant may hold.
      type: int
      sample: 50
    used:
      description: How many it holds.
      type: int
      sample: 3
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import Repositories
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import INFO_OPTIONS, describe


def main():
    describe(aicore_module(INFO_OPTIONS, scoped=False, supports_check_mode=True), Repositories())


if __name__ == "__main__":
    main()
