#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the generic secrets of one SAP AI Core scope."""

DOCUMENTATION = r"""
module: aicore_generic_secret_info
short_description: List generic secrets in SAP AI Core
version_added: 1.0.0
description:
  - Lists the generic secrets of one SAP AI Core scope (a resource group, the main tenant, or
    tenant-wide), across all pages, sorted by name.
  - AI Core never returns a secret's data, so neither does this module; it returns names, creation
    times and labels.
options:
  name:
    description:
      - Only these secrets, given as a name or a list of names. Names that do not exist are simply not returned.
      - When omitted, every secret of the scope is returned.
    type: raw
    aliases: [names]
  concurrency:
    description:
      - How many of the secrets named in O(name) are read at once, 1 to 32.
    type: int
    default: 8
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.attributes.READ_ONLY
  - sap_aicore.admin.scope
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
notes:
  - An empty listing, or names that all answer 404, are returned only once the scope is proven real (one request per
    task, for the resource group or, at tenant scope, one listing; a second one, a listing of resource groups,
    when the group answers 404). A resource group that does not exist, or an
    O(api_url) whose path is not AI Core's, fails the task with a message that names it instead of returning an empty list.
  - The label C(ext.ai.sap.com/ansible-fingerprint), which M(sap_aicore.admin.aicore_generic_secret) keeps, is left
    out of RV(secrets[].labels).
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: List every secret of a resource group
  sap_aicore.admin.aicore_generic_secret_info:
    resource_group: team-a
    service_key: /etc/aicore/service-key.json
  register: listing

- name: Delete every secret whose name starts with ci-run-
  sap_aicore.admin.aicore_generic_secret:
    name: "{{ listing.secrets | map(attribute='name') | select('match', '^ci-run-') | list }}"
    state: absent
    resource_group: team-a
    service_key: /etc/aicore/service-key.json
  when: listing.secrets | map(attribute='name') | select('match', '^ci-run-') | list | length > 0

- name: Look at two tenant-wide secrets and where they have been copied to
  sap_aicore.admin.aicore_generic_secret_info:
    name: [shared-hf-token, shared-s3]
    tenant_scope: true
    resource_group: "*"
    service_key: /etc/aicore/service-key.json
  register: shared
"""

RETURN = r"""
secrets:
  description: The secrets, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name.
      type: str
      returned: always
      sample: registry-credentials
    created_at:
      description: When the secret was created, as AI Core reports it.
      type: str
      returned: always
      sample: "2026-11-26T10:15:00Z"
    labels:
      description:
        - The secret's labels, keys with their C(ext.ai.sap.com/) prefix.
        - The same dict whether the service returns labels as a list of C(key)/C(value) pairs or as an object.
      type: dict
      returned: always
      sample: {"ext.ai.sap.com/owner": "platform-team"}
    resource_group_sync_status:
      description:
        - For tenant-wide secrets, whether the copy in each resource group is in sync.
        - Read from C(resourceGroupSecretsSyncStatus) (SAP's API reference) or C(resourceGroupSecretReplicationStatus)
          (SAP's help pages), whichever the service returns.
      type: dict
      returned: for tenant-wide secrets
      sample: {"default": true, "team-a": true}
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import sync_status_of, visible_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, client_for, finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_concurrency, secret_names

MODULE_OPTIONS = dict(
    name=dict(type="raw", aliases=["names"]),
    concurrency=dict(type="int", default=8),
)


def described(details):
    """A secret as the module returns it."""
    secret = {"name": details["name"], "created_at": details.get("createdAt"), "labels": visible_labels(details)}
    sync_status = sync_status_of(details)
    if sync_status is not None:
        secret["resource_group_sync_status"] = sync_status
    return secret


def read(secrets, names, concurrency):
    """The details of the named secrets (or of all of them), sorted by name."""
    if names is None:
        return secrets.list_all()
    found = run_each(names, secrets.get, concurrency)
    return sorted((details for details in found if details is not None), key=lambda details: details["name"])


def main():
    module = aicore_module(MODULE_OPTIONS, supports_check_mode=True)
    names, concurrency = module.params["name"], module.params["concurrency"]
    try:
        names = None if names is None else secret_names(names)
        check_concurrency(concurrency)
    except InputError as error:
        module.fail_json(msg=str(error))
    client = client_for(module, pool_size=concurrency)
    try:
        found = read(GenericSecrets(client), names, concurrency)
    except AICoreError as error:
        finish_run(module, client)
        module.fail_json(msg=str(error))
    finish_run(module, client)
    module.exit_json(changed=False, secrets=[described(details) for details in found])


if __name__ == "__main__":
    main()
