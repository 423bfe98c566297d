#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the resource groups of an SAP AI Core tenant, and its quota of them."""

DOCUMENTATION = r"""
module: aicore_resource_group_info
short_description: List resource groups in SAP AI Core
version_added: 1.1.0
description:
  - Returns resource groups of the tenant with their status and labels, sorted by id (the groups named,
    every group, or those a label selector picks).
  - Also returns the tenant's quota of resource groups (how many it holds and may hold) when AI Core answers it.
options:
  id:
    description:
      - Only these groups, given as an id or a list of ids. Ids that do not exist are simply not returned.
      - When omitted, every group of the tenant is returned, across all pages.
    type: raw
    aliases: [ids]
  label_selector:
    description:
      - Only the groups whose labels match, in AI Core's own syntax (its C(labelSelector) parameter),
        comma-separated terms that must all hold, each C(key=value), C(key!=value) or C(key),
        keys with their C(ext.ai.sap.com/) prefix, for example V(ext.ai.sap.com/team=ml).
      - Cannot be combined with O(id).
    type: str
  concurrency:
    description:
      - How many of the groups named in O(id) are read at once, 1 to 32.
    type: int
    default: 8
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.attributes.READ_ONLY
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
notes:
  - "The listing asks for pages both ways AI Core documents (C($top)/C($skip), and C(Prefer: maxpagesize) with a
    C(continueToken)) and follows whichever the service uses."
  - Names that all answer 404 are returned as an empty list only once the API path is proven real (one listing
    request per task); an O(api_url) whose path is not AI Core's fails the task instead.
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Every resource group of the tenant, and the quota
  sap_aicore.admin.aicore_resource_group_info:
    service_key: /etc/aicore/service-key.json
  register: tenant

- name: Say how many more groups the tenant may create
  ansible.builtin.debug:
    msg: "{{ tenant.quota.maximum - tenant.quota.used }} more resource groups fit"
  when: tenant.quota is defined and tenant.quota.maximum is not none and tenant.quota.used is not none

- name: The groups of the ML team
  sap_aicore.admin.aicore_resource_group_info:
    label_selector: ext.ai.sap.com/team=ml
    service_key: /etc/aicore/service-key.json
  register: ml_groups

- name: Two groups by id
  sap_aicore.admin.aicore_resource_group_info:
    id: [team-a, team-b]
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
resource_groups:
  description: The groups, sorted by id.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The group's id.
      type: str
      returned: always
      sample: team-a
    created_at:
      description: When the group was created, as AI Core reports it.
      type: str
      returned: always
      sample: "2026-11-26T10:15:00Z"
    status:
      description: V(PROVISIONED), V(PROVISIONING) or V(ERROR), as AI Core reports it.
      type: str
      returned: always
      sample: PROVISIONED
    status_message:
      description: AI Core's words on the status, for example why a group is in V(ERROR); V(null) when it gives none.
      type: str
      returned: always
      sample: null
    labels:
      description:
        - The group's labels, keys with their C(ext.ai.sap.com/) prefix.
        - The same dict whether the service returns labels as a list of C(key)/C(value) pairs or as an object.
      type: dict
      returned: always
      sample: {"ext.ai.sap.com/team": "ml"}
quota:
  description: How many resource groups the tenant holds and may hold, from C(GET /v2/admin/resourceQuota/resourceGroups).
  returned: when AI Core answers it
  type: dict
  contains:
    used:
      description: How many groups the tenant holds; V(null) when AI Core does not say.
      type: int
      sample: 7
    maximum:
      description: How many groups the tenant may hold; V(null) when AI Core does not say.
      type: int
      sample: 50
"""

import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, client_for, finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._resource_groups import ResourceGroups
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import resource_group_ids
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_concurrency

MODULE_OPTIONS = dict(
    id=dict(type="raw", aliases=["ids"]),
    label_selector=dict(type="str"),
    concurrency=dict(type="int", default=8),
)
# AI Core's label selector: comma-separated terms key, key=value or key!=value. Terms cannot hold
# the separators, so the match is linear in the selector's length.
SELECTOR_TERM = r"[^\s,=!]+(?:!?=[^\s,=!]+)?"
LABEL_SELECTOR = re.compile(r"%s(?:,%s)*" % (SELECTOR_TERM, SELECTOR_TERM))
LABEL_SELECTOR_MAX = 10000


def described(details):
    """A group as the module returns it."""
    return {"id": details["resourceGroupId"], "created_at": details.get("createdAt"), "status": details.get("status"),
            "status_message": details.get("statusMessage"), "labels": labels_of(details)}


def read(groups, ids, label_selector, concurrency):
    """The details of the named groups (or of all, or of those selected), sorted by id."""
    if ids is None:
        return groups.list_all(label_selector)
    found = run_each(ids, groups.get, concurrency)
    return sorted((details for details in found if details is not None), key=lambda details: details["resourceGroupId"])


def check_label_selector(selector):
    if selector is not None and (len(selector) > LABEL_SELECTOR_MAX or not LABEL_SELECTOR.fullmatch(selector)):
        raise InputError("label_selector: give comma-separated terms key=value, key!=value or key, without spaces, "
                         "for example ext.ai.sap.com/team=ml")


def main():
    module = aicore_module(MODULE_OPTIONS, scoped=False, supports_check_mode=True, mutually_exclusive=[("id", "label_selector")])
    params = module.params
    try:
        ids = None if params["id"] is None else resource_group_ids(params["id"])
        check_label_selector(params["label_selector"])
        check_concurrency(params["concurrency"])
    except InputError as error:
        module.fail_json(msg=str(error))
    client = client_for(module, pool_size=params["concurrency"], scoped=False)
    groups = ResourceGroups(client)
    try:
        found = read(groups, ids, params["label_selector"], params["concurrency"])
        quota = groups.quota()
    except AICoreError as error:
        finish_run(module, client)
        module.fail_json(msg=str(error))
    finish_run(module, client)
    result = {"changed": False, "resource_groups": [described(details) for details in found]}
    if quota is not None:
        result["quota"] = quota
    module.exit_json(**result)


if __name__ == "__main__":
    main()
