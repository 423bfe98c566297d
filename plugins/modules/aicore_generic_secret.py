#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Delete generic secrets in SAP AI Core, idempotently and many at once."""

DOCUMENTATION = r"""
module: aicore_generic_secret
short_description: Manage generic secrets in SAP AI Core
version_added: 0.1.0
description:
  - Deletes generic secrets of one SAP AI Core scope, idempotently. A secret that is already gone
    is reported as V(absent) and does not count as a change.
  - One task takes a list of names and works on several of them at once over pooled
    connections, so a cleanup of hundreds of secrets pays Ansible's start-up once.
  - Every name is reported in RV(secrets), also when some fail; the task fails if any name failed.
options:
  name:
    description:
      - The names of the secrets. A single name is taken as a list of one.
      - Each name is 1 to 252 characters of lower-case letters, digits, C(-) and C(.);
        anything else is refused before a request is sent. Duplicates are handled once.
    type: list
    elements: str
    required: true
    aliases: [names]
  state:
    description:
      - V(absent) deletes the secrets that exist and leaves the others alone.
    type: str
    choices: [absent]
    default: absent
  concurrency:
    description:
      - How many names are worked on at once, 1 to 32.
    type: int
    default: 8
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.scope
attributes:
  check_mode:
    support: full
    description: Only reads each secret and reports what would be deleted; nothing is written.
  diff_mode:
    support: full
    description: Shows each name as V(present) or V(absent) before and after; never any secret data.
  action_group:
    support: full
    membership:
      - sap_aicore.admin.aicore
notes:
  - "A deletion is retried after a timeout or a dropped connection. When the retry answers 404, the
    secret is reported as V(deleted), not V(absent): the lost attempt most likely reached AI Core and
    deleted it."
  - Use O(concurrency=1) to work on one name at a time, for example against a rate-limited system.
author:
  - sap_aicore.admin contributors
"""

EXAMPLES = r"""
- name: Delete a secret of a resource group
  sap_aicore.admin.aicore_generic_secret:
    name: old-registry-credentials
    state: absent
    resource_group: team-a
    api_url: "{{ aicore_api_url }}"
    auth_url: "{{ aicore_auth_url }}"
    client_id: "{{ aicore_client_id }}"
    client_secret: "{{ aicore_client_secret }}"

- name: Delete a secret of the main tenant
  sap_aicore.admin.aicore_generic_secret:
    name: tenant-object-store
    state: absent
    tenant_scope: true
    service_key: "{{ lookup('ansible.builtin.file', 'aicore-service-key.json') }}"

- name: Delete a tenant-wide secret (the copy in every resource group goes with it)
  sap_aicore.admin.aicore_generic_secret:
    name: shared-hf-token
    state: absent
    tenant_scope: true
    resource_group: "*"
    service_key: /etc/aicore/service-key.json

- name: Delete many secrets in one task, four at a time
  sap_aicore.admin.aicore_generic_secret:
    name:
      - ci-run-1041
      - ci-run-1042
      - ci-run-1043
    state: absent
    concurrency: 4
    resource_group: ci
  register: cleanup

- name: Service key and resource group from the environment (AICORE_SERVICE_KEY, AICORE_RESOURCE_GROUP)
  sap_aicore.admin.aicore_generic_secret:
    name: "{{ stale_secret_names }}"
    state: absent
  environment:
    AICORE_SERVICE_KEY: "{{ vault_aicore_service_key | to_json }}"
    AICORE_RESOURCE_GROUP: team-b

- name: Set the credentials once for every task of a play
  module_defaults:
    group/sap_aicore.admin.aicore:
      service_key: "{{ vault_aicore_service_key }}"
      resource_group: team-c
  block:
    - name: Delete the old secrets
      sap_aicore.admin.aicore_generic_secret:
        name: [legacy-s3, legacy-docker]
        state: absent
"""

RETURN = r"""
secrets:
  description:
    - One entry per name, in the order given (duplicates once), also when the task fails.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name.
      type: str
      returned: always
      sample: ci-run-1041
    action:
      description:
        - V(deleted) (or, in check mode, would be deleted), V(absent) (there was nothing to delete),
          or V(failed).
      type: str
      returned: always
      sample: deleted
    error:
      description: Why this name failed, with the HTTP status and AI Core's error code, message and request id when known.
      type: str
      returned: when O(secrets[].action=failed)
      sample: "DELETE https://api.ai.example.com/v2/admin/secrets/ci-run-1041 failed: HTTP 503, after 4 attempts"
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "deleted 2, already absent 1 (3 secrets in resource group ci)"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import argument_spec, client_for
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, secret_names

MODULE_OPTIONS = dict(
    name=dict(type="list", elements="str", required=True, aliases=["names"]),
    state=dict(type="str", choices=["absent"], default="absent"),
    concurrency=dict(type="int", default=8),
)
MAX_CONCURRENCY = 32
CHANGING_ACTIONS = ("deleted",)


def remove(secrets, name, check_mode):
    """The absent state of one name: delete it, or in check mode only look."""
    if check_mode:
        return "deleted" if secrets.exists(name) else "absent"
    return secrets.delete(name)


def outcome(name, act):
    """Run ``act(name)`` and describe what happened, failures included."""
    try:
        return {"name": name, "action": act(name)}
    except AICoreError as error:
        return {"name": name, "action": "failed", "error": str(error)}


def diff_of(outcomes):
    """Each name as present or absent before and after; failed names are left out, their state is unknown."""
    known = [item for item in outcomes if item["action"] != "failed"]
    return {
        "before": dict((item["name"], "present" if item["action"] == "deleted" else "absent") for item in known),
        "after": dict((item["name"], "absent") for item in known),
    }


def summary(outcomes, check_mode, scope):
    counts = {}
    for item in outcomes:
        counts[item["action"]] = counts.get(item["action"], 0) + 1
    words = [("would delete" if check_mode else "deleted", counts.get("deleted", 0)),
             ("already absent", counts.get("absent", 0)), ("failed", counts.get("failed", 0))]
    told = ", ".join("%s %d" % (word, count) for word, count in words if count)
    return "%s (%d secrets in %s)" % (told, len(outcomes), scope)


def checked_input(module):
    try:
        names = secret_names(module.params["name"])
    except InputError as error:
        module.fail_json(msg=str(error))
    if not 1 <= module.params["concurrency"] <= MAX_CONCURRENCY:
        module.fail_json(msg="concurrency: must be between 1 and %d, got %d" % (MAX_CONCURRENCY, module.params["concurrency"]))
    return names


def main():
    module = AnsibleModule(argument_spec=argument_spec(MODULE_OPTIONS), supports_check_mode=True)
    names = checked_input(module)
    concurrency = module.params["concurrency"]
    client = client_for(module, pool_size=concurrency)
    try:
        client.authenticate()
    except AICoreError as error:
        module.fail_json(msg=str(error))
    secrets = GenericSecrets(client)
    outcomes = run_each(names, lambda name: outcome(name, lambda n: remove(secrets, n, module.check_mode)), concurrency)
    client.close()
    report(module, outcomes, client.scope)


def report(module, outcomes, scope):
    result = dict(
        changed=any(item["action"] in CHANGING_ACTIONS for item in outcomes),
        secrets=outcomes,
        msg=summary(outcomes, module.check_mode, scope),
    )
    if module._diff:
        result["diff"] = diff_of(outcomes)
    failed = [item for item in outcomes if item["action"] == "failed"]
    if failed:
        first = failed[0]
        result["msg"] = "%d of %d secrets failed; first, %s: %s. %s" % (len(failed), len(outcomes), first["name"], first["error"], result["msg"])
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
