#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, update and delete the Docker registry secrets of an SAP AI Core tenant."""

DOCUMENTATION = r"""
module: aicore_docker_registry_secret
short_description: Create, update and delete Docker registry secrets in SAP AI Core
version_added: 1.1.0
description:
  - Creates, updates and deletes Docker registry secrets, the credentials AI Core pulls a tenant's images with,
    idempotently, several names in one task.
  - Give O(registry), O(username) and O(password), and the module writes the C(.dockerconfigjson) as Docker does
    (with the C(auth) field); or give a ready one in O(dockerconfigjson).
  - AI Core shows nothing of these secrets but their names, so a second run cannot compare the credentials;
    see O(update_mode).
  - AI Core applies a write some time after it accepted it. With O(wait), the module waits until each secret
    it created can be read (and each deleted one is gone).
options:
  registry:
    description:
      - The registry's host, for example V(docker.io) or V(registry.example.com:5000).
      - With O(username) and O(password); not with O(dockerconfigjson).
    type: str
  username:
    description: The user name for O(registry). It cannot hold C(:).
    type: str
  password:
    description:
      - The password or access token for O(username). Write-only; never returned, never in the diff.
    type: str
  dockerconfigjson:
    description:
      - A ready C(.dockerconfigjson), as a mapping or as its JSON text, with an C(auths) mapping of registries.
      - Instead of O(registry), O(username) and O(password). Write-only; never returned, never in the diff.
    type: raw
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.objects
  - sap_aicore.admin.objects.UPDATE_MODE
notes:
  - "Names are 2 to 63 characters of lower-case letters, digits, C(.), C(-) and C(_), starting and ending with a letter
    or digit, with C(_) never twice in a row nor just before the last character (SAP's rule)."
  - "Docker registry secrets belong to the whole tenant; the module sends no scope headers."
  - "As AI Core shows nothing to compare, an existing secret is V(kept) (O(update_mode=on_create)) or rewritten
    (O(update_mode=always)); it is never reported as V(unchanged)."
  - "An update sends the new C(.dockerconfigjson) as a merge patch (C(application/merge-patch+json)), as AI Core requires."
  - "A tenant holds a limited number of Docker registry secrets (50 in SAP's service plan documentation);
    M(sap_aicore.admin.aicore_docker_registry_secret_info) returns the quota."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The pull secret of the team's registry
  sap_aicore.admin.aicore_docker_registry_secret:
    name: team-a-registry
    registry: registry.example.com
    username: aicore-pull
    password: "{{ vault_registry_token }}"
    service_key: /etc/aicore/service-key.json

- name: A secret from an existing Docker configuration, rewritten on every run
  sap_aicore.admin.aicore_docker_registry_secret:
    name: shared-registry
    dockerconfigjson: "{{ lookup('ansible.builtin.file', 'files/dockerconfig.json') }}"
    update_mode: always
    service_key: /etc/aicore/service-key.json

- name: Delete a CI run's registry secret
  sap_aicore.admin.aicore_docker_registry_secret:
    name: ci-1041-registry
    state: absent
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
docker_registry_secrets:
  description: One entry per name, in the order given (duplicates once), also when the task fails.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name.
      type: str
      returned: always
      sample: team-a-registry
    action:
      description:
        - What happened, or in check mode what would have happened.
        - V(created), V(updated) or V(kept) (it exists; its credentials were not compared and left as they were) with
          O(state=present); V(deleted) or V(absent) with O(state=absent); V(failed) in either.
      type: str
      returned: always
      sample: created
    not_compared:
      description: The options of the task, none of which AI Core shows.
      type: list
      elements: str
      returned: when RV(docker_registry_secrets[].action=kept)
      sample: [password, registry, username]
    error:
      description: Why this name failed.
      type: str
      returned: when RV(docker_registry_secrets[].action=failed)
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "kept, not compared 1 (1 Docker registry secret)"
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import DockerRegistrySecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import MANAGE_OPTIONS, UPDATE_MODE_OPTION, manage

MODULE_OPTIONS = dict(
    MANAGE_OPTIONS,
    registry=dict(type="str"),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    dockerconfigjson=dict(type="raw", no_log=True),
    **UPDATE_MODE_OPTION
)
CREDENTIALS = ("registry", "username", "password")


def main():
    module = aicore_module(MODULE_OPTIONS, scoped=False, supports_check_mode=True,
                           mutually_exclusive=[("dockerconfigjson", option) for option in CREDENTIALS],
                           required_together=[CREDENTIALS],
                           required_if=[("state", "present", ("registry", "dockerconfigjson"), True)])
    manage(module, DockerRegistrySecrets())


if __name__ == "__main__":
    main()
