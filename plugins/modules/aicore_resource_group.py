#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, relabel and delete SAP AI Core resource groups, and wait until AI Core has done it."""

DOCUMENTATION = r"""
module: aicore_resource_group
short_description: Create, relabel and delete resource groups in SAP AI Core
version_added: 1.1.0
description:
  - Creates resource groups with their labels, changes their labels, and deletes them, idempotently.
  - AI Core creates and deletes a group some time after it accepted the request. With O(wait), the module
    waits until every group is V(PROVISIONED) (or gone), all groups of the task at once.
  - One task takes a list of ids and works on several at once.
  - Every id is reported in RV(resource_groups), also when some fail; the task fails if any id failed.
options:
  id:
    description:
      - The id of a resource group, or a list of ids.
      - Each id is 3 to 253 characters of letters, digits, C(.) and C(-), starting and ending with a letter
        or digit (SAP's rule); anything else is refused before a request is sent, naming the entry's index.
        Duplicates are handled once. A string is always one id, never split at commas.
    type: raw
    required: true
    aliases: [ids]
  state:
    description:
      - V(present) creates the groups that are missing and sets the labels of the others.
      - V(absent) deletes the groups that exist. Deleting a group deletes everything in it.
    type: str
    choices: [present, absent]
    default: present
  labels:
    description:
      - Labels of the groups, a dict of keys to string values. Anything but a dict, a string included, is refused.
      - A key without the C(ext.ai.sap.com/) prefix gets it. Keys are at most 63 characters with the prefix
        and use letters, digits, C(-), C(_) and C(.), starting and ending with a letter or digit;
        values are 1 to 5000 characters.
      - When omitted, the labels of an existing group are left as they are.
      - "The key C(ext.ai.sap.com/managed-by) is refused: it is the managed mark the module sets itself (see O(exclusive))."
    type: raw
  purge_labels:
    description:
      - With O(labels), whether labels of an existing group that O(labels) does not name are removed.
      - V(true) makes the group's labels exactly O(labels), as a declared group should be.
        V(false) adds and changes the labels named and keeps the others.
    type: bool
    default: true
  wait:
    description:
      - Wait until AI Core has finished, with O(state=present) until each group is V(PROVISIONED),
        with O(state=absent) until each deleted group is gone.
      - A group that ends in V(ERROR) fails, with AI Core's status message.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most, for all groups of the task together, 1 to 86400.
      - A group that is not finished by then fails, with the status it was last seen in; AI Core may still finish it.
    type: int
    default: 600
  force:
    description:
      - With O(state=absent), delete a group that still holds generic secrets, and the secrets with it.
        With O(exclusive), the same for each managed group the declared set deletes.
      - Without it, such a group is refused and its entry names the secrets in RV(resource_groups[].secrets).
    type: bool
    default: false
  concurrency:
    description:
      - How many ids are worked on (and waited for) at once, 1 to 32.
    type: int
    default: 8
  exclusive:
    description:
      - Make the tenant hold exactly the declared resource groups, as far as this collection manages them. With V(true),
        the ids of O(id) are the declared set. They are converged as usual (and, with O(wait), provisioned); then every
        group of the tenant that is not declared, is covered by O(exclusive_selector), and carries the managed mark is deleted.
      - "The managed mark is the label C(ext.ai.sap.com/managed-by: sap_aicore.admin). The module sets it on every group it
        creates or relabels, whatever O(purge_labels), and keeps it out of RV(resource_groups[].labels) and the diff.
        A group made by another tool carries it only once this module changed its labels; a group whose labels are
        already as declared is not written, so it stays unmanaged."
      - Groups without the mark are never touched; their ids are returned in RV(unmanaged). The group V(default) is
        never part of a declared set, marked or not.
      - A managed group that still holds generic secrets is deleted only with O(force), as with O(state=absent);
        without it, its entry fails naming the secrets.
      - Which groups are undeclared is decided from one listing taken before any write. When more than
        O(max_deletions) would be deleted, the task fails before its first write, naming them in RV(would_delete).
        When any declared id fails, nothing is deleted; the deletions are then reported as V(failed) saying so.
      - Only with O(state=present) and O(id) given as a list (a list of one is fine); a single string is refused,
        so that a task meant for one group never deletes the others.
    type: bool
    default: false
  exclusive_selector:
    description:
      - With O(exclusive), the part of the tenant the declared set covers, so that several teams can each declare
        their own groups. Undeclared groups outside it are neither deleted nor reported. Without it, the set covers
        every group but V(default).
      - Refused without O(exclusive), and when it holds no condition.
    type: dict
    suboptions:
      name_prefix:
        description:
          - Only groups whose id starts with this text. A plain prefix, not a pattern, of the characters of group ids.
        type: str
      labels:
        description:
          - Only groups that carry every one of these labels with exactly these values. Keys get the
            C(ext.ai.sap.com/) prefix when it is missing and follow the rules of O(labels).
          - Give the declared groups the same labels (through O(labels)), or they fall outside their own set.
        type: raw
  max_deletions:
    description:
      - With O(exclusive), the most groups one task may delete. When more would be deleted, nothing is written
        and the task fails naming them; raise it on purpose when a large removal is meant. V(0) makes the task
        fail whenever anything would be deleted, a way to review first.
    type: int
    default: 10
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
attributes:
  check_mode:
    support: full
    description:
      - Only reads each group and reports what would be created, relabelled or deleted; nothing is written
        and nothing is waited for.
      - With O(state=absent), the secrets each group holds are listed, so the result shows what would go with it.
      - With O(exclusive), every group that would be deleted is reported as V(deleted), and in the diff.
  diff_mode:
    support: full
    description: Each id as V(present) with its labels, or V(absent), before and after.
notes:
  - Resource groups belong to the whole tenant; the module sends no scope headers and has no O(ignore:resource_group) option.
  - The group V(default) cannot be deleted; O(state=absent) with it is refused before any request, and O(exclusive) leaves it out.
  - "O(exclusive) relies on the managed mark: removing the label C(ext.ai.sap.com/managed-by) from a group by hand takes it
    out of every declared set."
  - "A label change sends the group's whole label list (C(PATCH /v2/admin/resourceGroups/<id>)), which replaces
    the labels it had."
  - "A 404 is reported as V(absent) only once the API path is proven real: unless another answer already succeeded,
    the module lists one group once per task."
  - "A tenant holds a limited number of resource groups (50 in SAP's service plan documentation); a create past
    the limit fails with AI Core's answer. M(sap_aicore.admin.aicore_resource_group_info) returns the quota."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Declare the groups of two teams, with exactly these labels, and wait until they are provisioned
  sap_aicore.admin.aicore_resource_group:
    id: [team-a, team-b]
    labels:
      owner: platform-team
      cost-center: "4711"
    service_key: /etc/aicore/service-key.json

- name: Add a label to a group, keeping its other labels, without waiting
  sap_aicore.admin.aicore_resource_group:
    id: team-a
    labels:
      tier: gold
    purge_labels: false
    wait: false
    service_key: /etc/aicore/service-key.json

- name: Delete a CI run's group with the secrets it still holds, and wait until it is gone
  sap_aicore.admin.aicore_resource_group:
    id: ci-run-1041
    state: absent
    force: true
    wait_timeout: 300
    service_key: /etc/aicore/service-key.json
  register: removed

- name: Make the tenant hold exactly team ml's groups (managed ml- groups not listed are deleted)
  sap_aicore.admin.aicore_resource_group:
    id: [ml-train, ml-serve]
    labels:
      team: ml
    exclusive: true
    exclusive_selector:
      name_prefix: ml-
    max_deletions: 3
    service_key: /etc/aicore/service-key.json

- name: Credentials once for the play, with the rest of the collection
  module_defaults:
    group/sap_aicore.admin.aicore:
      service_key: "{{ vault_aicore_service_key }}"
  block:
    - name: See what deleting two groups would remove
      sap_aicore.admin.aicore_resource_group:
        id: [old-team-x, old-team-y]
        state: absent
        force: true
      check_mode: true
      register: would_go
"""

RETURN = r"""
resource_groups:
  description:
    - One entry per id, in the order given (duplicates once), also when the task fails.
    - A task refused before any id is worked on (a bad id or option, missing or wrong credentials)
      reports every id as V(failed), each with that reason in RV(resource_groups[].error).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The group's id.
      type: str
      returned: always
      sample: team-a
    action:
      description:
        - What happened, or in check mode what would have happened.
        - V(created), V(updated) (its labels changed) or V(unchanged) with O(state=present); V(deleted) or
          V(absent) (there was nothing to delete) with O(state=absent); V(failed) in either.
        - With O(exclusive), the declared ids come first, then each managed undeclared group as V(deleted)
          (V(absent) when another writer deleted it first; V(failed) when it holds secrets and O(force) is off,
          or when not deleted because a declared id failed).
      type: str
      returned: always
      sample: created
    status:
      description:
        - The group's status in AI Core after the task, V(PROVISIONED), V(PROVISIONING) or V(ERROR).
        - V(null) when the group does not exist (V(absent), or V(deleted) and waited for), or when it was
          created without O(wait) and so not read again.
      type: str
      returned: unless the id failed before the group was read (a refused task, or a failed request)
      sample: PROVISIONED
    labels:
      description: The group's labels after the task (before it, for a deleted group), keys with their C(ext.ai.sap.com/) prefix.
      type: dict
      returned: unless the id failed before the group was read (a refused task, or a failed request)
      sample: {"ext.ai.sap.com/owner": "platform-team"}
    secrets:
      description:
        - With O(state=absent), the names of the generic secrets the group held, which go with it.
      type: list
      elements: str
      returned: with O(state=absent) for a group that existed
      sample: [registry-credentials]
    error:
      description: Why this id failed, with the HTTP status and AI Core's error code, message and request id when known.
      type: str
      returned: when RV(resource_groups[].action=failed)
      sample: "resource group ci-run-7 ended in status ERROR: quota of nodes exceeded"
unmanaged:
  description:
    - With O(exclusive), the undeclared groups covered by O(exclusive_selector) that do not carry the managed mark,
      sorted by id. They were left alone.
  returned: with O(exclusive), also when the task fails for O(max_deletions)
  type: list
  elements: str
  sample: [legacy-team, hand-made]
would_delete:
  description: The managed undeclared groups a task refused to delete because there were more than O(max_deletions), sorted by id.
  returned: when O(exclusive) stopped the task for O(max_deletions)
  type: list
  elements: str
  sample: [ml-old-1, ml-old-2]
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "created 5 (5 resource groups)"
"""

import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._declared import check_name_prefix, checked_declared_set, run_declared_set
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of, normalize_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import Kind, Outcome, fail_every, given_items, report, run_items, start_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._resource_groups import (
    DEFAULT_GROUP, MANAGED_LABEL, ResourceGroups, managed_by_collection, marked, unmarked)
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import resource_group_ids
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_concurrency
from ansible_collections.sap_aicore.admin.plugins.module_utils._waiting import Deadline, check_wait_timeout, wait_all

MODULE_OPTIONS = dict(
    id=dict(type="raw", required=True, aliases=["ids"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    labels=dict(type="raw"),  # raw, not dict: a string is refused instead of being split into key=value pairs
    purge_labels=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    force=dict(type="bool", default=False),
    concurrency=dict(type="int", default=8),
    exclusive=dict(type="bool", default=False),
    exclusive_selector=dict(type="dict", options=dict(name_prefix=dict(type="str"), labels=dict(type="raw"))),
    max_deletions=dict(type="int", default=10),
)
KIND = Kind("resource group", "resource_groups", "id")
PROVISIONING = "PROVISIONING"
ERROR = "ERROR"
SHOWN_SECRETS = 5  # secret names quoted in a refusal; the entry lists them all
# The start of a group id, for exclusive_selector.name_prefix: the id's characters, starting with a letter or digit.
GROUP_ID_PREFIX = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]{0,252}")


def ensure(groups, group_id, labels, purge, check_mode):
    """state=present for one id: create the group, or give it the labels asked for."""
    current = groups.get(group_id, prove_404=check_mode)  # outside check mode, the create proves the API path
    if current is None and (check_mode or groups.create(group_id, marked(labels or {})) == "created"):
        return Outcome("created", {"state": "absent"}, view(labels or {}), {"status": None, "labels": labels or {}})
    if current is None:  # another writer created it between our read and our create
        current = groups.get(group_id)
    if current is None:
        raise AICoreError("creating resource group %s answered that it exists, but it cannot be read" % group_id)
    had = unmarked(labels_of(current))
    wanted = had if labels is None else dict(labels) if purge else {**had, **labels}
    action = "unchanged" if wanted == had else "updated"
    if action == "updated" and not check_mode:
        groups.set_labels(group_id, marked(wanted))  # every write marks the group, purge or not
    return settled(Outcome(action, view(had), view(wanted), {"status": current.get("status"), "labels": wanted}), current)


def remove(groups, group_id, force, check_mode):
    """state=absent for one id: delete the group unless it holds secrets and force is off; in check mode only look."""
    current = groups.get(group_id)
    if current is None:
        return Outcome("absent", {"state": "absent"}, {"state": "absent"}, {"status": None, "labels": {}})
    held = groups.secret_names(group_id)
    fields = {"status": current.get("status"), "labels": unmarked(labels_of(current)), "secrets": held}
    if held and not force:
        shown = ", ".join(held[:SHOWN_SECRETS]) + (" and %d more" % (len(held) - SHOWN_SECRETS) if len(held) > SHOWN_SECRETS else "")
        return Outcome.failed(AICoreError(
            "resource group %s still holds %d generic secret%s (%s), which deleting it would delete too; "
            "set force: true to delete them with it" % (group_id, len(held), "" if len(held) == 1 else "s", shown)), fields)
    action = "deleted" if check_mode else groups.delete(group_id)
    return Outcome(action, view(fields["labels"]) if action == "deleted" else {"state": "absent"}, {"state": "absent"}, fields)


def view(labels):
    """A group as diff mode shows it."""
    return {"state": "present", "labels": labels}


def settled(outcome, details):
    """The outcome of a present group as AI Core last showed it: a group in ERROR fails, quoting why."""
    status = details.get("status")
    outcome.fields["status"] = status
    if status != ERROR:
        return outcome
    reason = details.get("statusMessage") or "AI Core gave no status message"
    return Outcome.failed(AICoreError("resource group %s is in status ERROR: %s" % (details["resourceGroupId"], reason)),
                          outcome.fields, wrote=outcome.changed)


def waited(groups, outcomes, state, deadline, concurrency):
    """The outcomes once AI Core has finished each group that is still being created or deleted."""
    if state == "present":
        still_provisioning = (None, PROVISIONING)
        pending = [group_id for group_id, outcome in outcomes
                   if outcome.action in ("created", "updated", "unchanged") and outcome.fields["status"] in still_provisioning]
    else:
        pending = [group_id for group_id, outcome in outcomes if outcome.action == "deleted"]

    def poll(group_id):
        details = groups.get(group_id)
        if state == "absent":
            return details is None, details
        if details is None:
            raise AICoreError("resource group %s was accepted, but it is gone while waiting for it to be provisioned" % group_id)
        return details.get("status") != PROVISIONING, details

    last_seen = {}

    def timed_out(group_id, details):
        last_seen[group_id] = details
        outcome = "provisioned" if state == "present" else "gone"
        seen = (details or {}).get("status") or "not yet read"
        return AICoreError("resource group %s was not %s within wait_timeout (%d s); last status: %s. AI Core may still finish: "
                           "run the task again to wait longer" % (group_id, outcome, deadline.seconds, seen))

    finals = wait_all(pending, poll, deadline, concurrency, timed_out)
    return [(group_id, after_wait(outcome, finals[group_id], state, last_seen.get(group_id)) if group_id in finals else outcome)
            for group_id, outcome in outcomes]


def after_wait(outcome, final, state, last_seen=None):
    """The outcome once the wait for it ended in ``final``: the group's details, None (gone) or an error
    (with ``last_seen``, the details it was last read with, when the wait timed out)."""
    if isinstance(final, AICoreError):
        if last_seen is not None:
            outcome.fields.update(status=last_seen.get("status"), labels=unmarked(labels_of(last_seen)))
        return Outcome.failed(final, outcome.fields, wrote=outcome.changed)
    if state == "absent":
        outcome.fields["status"] = None
        return outcome
    return settled(outcome, final)


def checked_input(module):
    """Everything the task gives, checked before any request: the ids and the work for one id."""
    params = module.params
    ids = given_items(params["id"])
    try:
        ids = resource_group_ids(params["id"])
        check_concurrency(params["concurrency"])
        check_wait_timeout(params["wait_timeout"])
        if params["state"] == "absent":
            if DEFAULT_GROUP in ids:
                raise InputError("id: the resource group %r cannot be deleted: every tenant has it, and AI Core keeps it" % DEFAULT_GROUP)
            return ids, lambda groups, group_id: remove(groups, group_id, params["force"], module.check_mode)
        labels = normalize_labels(params["labels"])
        if labels and MANAGED_LABEL in labels:
            raise InputError("labels: %s is the collection's managed mark, which the module sets on every group it writes; "
                             "leave it out" % MANAGED_LABEL)
    except InputError as error:
        fail_every(module, KIND, ids, msg=str(error))
    return ids, lambda groups, group_id: ensure(groups, group_id, labels, params["purge_labels"], module.check_mode)


def main():
    module = aicore_module(MODULE_OPTIONS, scoped=False, supports_check_mode=True)
    ids, work = checked_input(module)
    declared = checked_declared_set(module, KIND, ids, managed_by_collection,
                                    check_name_prefix(GROUP_ID_PREFIX, "letters, digits, '.' and '-', starting with a letter or digit"))
    params = module.params
    client = start_run(module, KIND, ids, params["concurrency"], scoped=False)
    groups = ResourceGroups(client)
    waits = params["wait"] and not module.check_mode
    deadline = Deadline(params["wait_timeout"])  # one for the task: the declared groups and the deletions together

    def converge():
        outcomes = run_items(KIND, ids, lambda group_id: work(groups, group_id), params["concurrency"])
        return waited(groups, outcomes, params["state"], deadline, params["concurrency"]) if waits else outcomes

    if declared is None:
        outcomes = converge()
        finish_run(module, client)
        report(module, KIND, outcomes)
        return
    # The declared groups are provisioned (with wait) before any undeclared one is deleted.
    converged, pruned, unmanaged = run_declared_set(module, client, KIND, declared, dict(
        items=ids, listed="the resource groups", converge=converge, name_of=lambda details: details["resourceGroupId"],
        list_all=lambda: [group for group in groups.list_all() if group["resourceGroupId"] != DEFAULT_GROUP],  # never in a set
        prune=lambda group_id, _details: remove(groups, group_id, params["force"], module.check_mode)), params["concurrency"])
    if waits:
        pruned = waited(groups, pruned, "absent", deadline, params["concurrency"])
    finish_run(module, client)
    note = "%s left alone: not marked as managed by this collection" % KIND.counted(len(unmanaged)) if unmanaged else None
    report(module, KIND, converged + pruned, more={"unmanaged": unmanaged}, note=note)


if __name__ == "__main__":
    main()
