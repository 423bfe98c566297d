#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the applications of an SAP AI Core tenant with their sync status, and its quota of them."""

DOCUMENTATION = r"""
module: aicore_application_info
short_description: List the applications of an SAP AI Core tenant with their sync status, and its quota of them
version_added: 1.1.0
description:
  - Returns the applications of the tenant, each with its sync and health status, all of them or the ones named.
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
  - "Names follow the rule of M(sap_aicore.admin.aicore_application); a bad one is refused before any request."
  - "The status of each application is one more request (C(GET /v2/admin/applications/<name>/status))."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Every application
  sap_aicore.admin.aicore_application_info:
    service_key: /etc/aicore/service-key.json
  register: found

- name: Two of them, if they exist
  sap_aicore.admin.aicore_application_info:
    name: [team-a-workflows, team-a-workflows-old]
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
applications:
  description: The applications found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The application's name.
      type: str
      returned: always
      sample: team-a-workflows
    repository_url:
      description: The URL of the repository it syncs from.
      type: str
      returned: when AI Core shows it
      sample: https://github.com/example/aicore-pipelines
    revision:
      description: The revision it syncs.
      type: str
      returned: when AI Core shows it
      sample: main
    path:
      description: The path in the repository.
      type: str
      returned: when AI Core shows it
      sample: workflows
    sync_status:
      description: The sync status, such as V(Synced) or V(OutOfSync).
      type: str
      returned: when AI Core shows it
      sample: Synced
    health_status:
      description: The health, such as V(Healthy) or V(Degraded).
      type: str
      returned: when AI Core shows it
      sample: Healthy
    status_message:
      description: AI Core's message with the status, if any.
      type: str
      returned: when AI Core shows it
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

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import Applications
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import INFO_OPTIONS, describe


def main():
    describe(aicore_module(INFO_OPTIONS, scoped=False, supports_check_mode=True), Applications())


if __name__ == "__main__":
    main()
