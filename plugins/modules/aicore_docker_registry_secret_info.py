#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the Docker registry secrets of an SAP AI Core tenant, and its quota of them."""

DOCUMENTATION = r"""
module: aicore_docker_registry_secret_info
short_description: List the Docker registry secrets of an SAP AI Core tenant, and its quota of them
version_added: 1.1.0
description:
  - Returns the Docker registry secrets of the tenant, all of them or the ones named.
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
  - "Names follow the rule of M(sap_aicore.admin.aicore_docker_registry_secret); a bad one is refused before any request."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Every Docker registry secret
  sap_aicore.admin.aicore_docker_registry_secret_info:
    service_key: /etc/aicore/service-key.json
  register: found

- name: Two of them, if they exist
  sap_aicore.admin.aicore_docker_registry_secret_info:
    name: [team-a-registry, team-a-registry-old]
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
docker_registry_secrets:
  description: The Docker registry secrets found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name; AI Core shows nothing else of it.
      type: str
      returned: always
      sample: team-a-registry
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

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import DockerRegistrySecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import INFO_OPTIONS, describe


def main():
    describe(aicore_module(INFO_OPTIONS, scoped=False, supports_check_mode=True), DockerRegistrySecrets())


if __name__ == "__main__":
    main()
