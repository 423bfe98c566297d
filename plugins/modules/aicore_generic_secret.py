#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, update and delete generic secrets in SAP AI Core, idempotently and many at once."""

DOCUMENTATION = r"""
module: aicore_generic_secret
short_description: Create, update and delete generic secrets in SAP AI Core
version_added: 1.0.0
description:
  - Creates, updates and deletes generic secrets of one SAP AI Core scope (a resource group,
    the main tenant, or tenant-wide), idempotently.
  - AI Core never returns a secret's data. To tell whether a secret already holds the data a task
    asks for, the module keeps a fingerprint of what it wrote in a label of the secret
    (see O(update_mode)), so a second run reports no change instead of writing again.
  - One task takes a list of names and works on several of them at once over pooled
    connections, so a cleanup of hundreds of secrets pays Ansible's start-up once.
  - Every name is reported in RV(secrets), also when some fail; the task fails if any name failed.
options:
  name:
    description:
      - The name of a secret, or a list of names.
      - Each name is 1 to 252 characters of lower-case letters, digits, C(-) and C(.), nothing else (not even
        a final newline); anything else, including a list entry that is not a string, is refused before a
        request is sent, naming the entry's index. Duplicates are handled once.
      - A string is always one name. Unlike options of type C(list), a comma-separated string is not split,
        so V(a,b) is refused as a name instead of deleting two secrets.
      - With O(state=present), every name gets the same O(data) and O(labels).
    type: raw
    required: true
    aliases: [names]
  state:
    description:
      - V(present) creates the secrets that are missing and updates the others as O(update_mode) says.
      - V(absent) deletes the secrets that exist and leaves the others alone.
    type: str
    choices: [present, absent]
    default: present
  data:
    description:
      - The secret's data, a dict of file names to values. Required with O(state=present).
      - Anything but a dict, a string included, is refused. (An option of type C(dict) would split a string
        such as V(user=a password=b) into keys and values and write another secret than the one meant.)
      - Keys become file names when the secret is mounted; use letters, digits, C(-), C(_) and C(.),
        not V(.) or V(..), and not starting with V(..).
      - Values are strings; see O(data_encoding). The data replaces all data the secret had.
      - Never shown in any output, diff or message.
    type: raw
  data_encoding:
    description:
      - V(plain) values are base64-encoded by the module, as AI Core expects.
      - V(base64) values are sent as given; each must be valid base64, else the task is refused before any request.
    type: str
    choices: [plain, base64]
    default: plain
  labels:
    description:
      - Labels of the secret, a dict of keys to string values. Anything but a dict, a string included, is refused.
      - A key without the C(ext.ai.sap.com/) prefix gets it. Keys are at most 63 characters with the prefix
        and use letters, digits, C(-), C(_) and C(.), starting and ending with a letter or digit;
        values are 1 to 5000 characters.
      - When given, the secret ends up with exactly these labels (and the fingerprint label); others are removed.
        When omitted, the secret's labels are left as they are.
    type: raw
  update_mode:
    description:
      - How an existing secret is handled with O(state=present).
      - V(fingerprint) updates it only when its data or labels differ from the task's. The data is compared
        through the label C(ext.ai.sap.com/ansible-fingerprint), a keyed HMAC-SHA256 when O(fingerprint_key) is set,
        else a salted scrypt hash of the encoded data; the label records its own scheme and parameters.
        A secret without that label (for example, made by another tool) is updated once, then left alone while
        the task stays the same. What a reader of labels can learn in each case is described in the collection's
        C(docs/fingerprints.md).
      - V(on_create) never touches an existing secret.
      - V(always) writes every time and always reports a change.
    type: str
    choices: [fingerprint, on_create, always]
    default: fingerprint
  fingerprint_key:
    description:
      - A secret key for the fingerprint label, at least 16 characters; meant to come from a vault
        (for example a random value made once with C(openssl rand -base64 32)) and to stay the same across runs.
      - When set, the label is a keyed HMAC-SHA256 of the data with a random salt per run. Without the key
        nobody can test a guess of the data against the label.
      - When not set, the label is a salted scrypt hash (N=2^17, r=8, p=1, OWASP's minimum for password storage);
        anyone who can read labels can test guesses, each at that cost, so a short or common value can be found.
      - A secret whose label was made with a key is written again by a task that has no key, or another key,
        since the label cannot be checked without it. Labels of older versions (scrypt with N=2^14, PBKDF2) still
        verify and are replaced by the current scheme on the next write.
      - If not set, the environment variable E(AICORE_FINGERPRINT_KEY) is used.
    type: str
  concurrency:
    description:
      - How many names are worked on at once, 1 to 32.
    type: int
    default: 8
  exclusive:
    description:
      - Make the scope hold exactly the declared secrets, as far as this collection manages it. With V(true),
        the names of O(name) are the declared set. They are converged as usual; then every secret of the scope
        that is not declared, is covered by O(exclusive_selector), and carries the managed mark is deleted.
      - "The managed mark is the label C(ext.ai.sap.com/ansible-fingerprint): a secret carries it once this module
        wrote it with O(state=present), whatever O(update_mode) (every create and every update sets it). A secret
        created by another tool carries it only after this module updated it once; with O(update_mode=on_create) an
        existing secret is never written, so it stays unmanaged."
      - Secrets without the mark are never touched; their names are returned in RV(unmanaged).
      - Which secrets are undeclared is decided from one listing of the scope taken before any write. When more than
        O(max_deletions) would be deleted, the task fails before its first write, naming them in RV(would_delete).
        When any declared name fails, nothing is deleted (a declared secret that could not be written may replace
        one that is no longer declared); the deletions are then reported as V(failed) saying so.
      - Only with O(state=present) and O(name) given as a list (a list of one is fine); a single string is refused,
        so that a task meant for one secret never deletes the rest of its scope.
    type: bool
    default: false
  exclusive_selector:
    description:
      - With O(exclusive), the part of the scope the declared set covers, so that one scope can hold several sets
        managed independently (by different teams or playbooks). Undeclared secrets outside it are neither deleted
        nor reported. Without it, the set covers the whole scope.
      - Refused without O(exclusive), and when it holds no condition.
    type: dict
    suboptions:
      name_prefix:
        description:
          - Only secrets whose name starts with this text. A plain prefix, not a pattern; it uses the characters
            of secret names only.
        type: str
      labels:
        description:
          - Only secrets that carry every one of these labels with exactly these values. Keys get the
            C(ext.ai.sap.com/) prefix when it is missing and follow the rules of O(labels).
          - Give the declared secrets the same labels (through O(labels)), or they fall outside their own set.
        type: raw
  max_deletions:
    description:
      - With O(exclusive), the most secrets one task may delete. When more would be deleted, nothing is written
        and the task fails naming them; raise it on purpose when a large removal is meant. V(0) makes the task
        fail whenever anything would be deleted, a way to review first.
    type: int
    default: 10
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope
attributes:
  check_mode:
    support: full
    description: Only reads each secret and reports what would be created, updated or deleted; nothing is written.
  diff_mode:
    support: full
    description:
      - With O(state=absent), each name as V(present) or V(absent), before and after.
      - With O(state=present), each name's state and labels, and its data only as a list of keys marked
        V(changed) or V(unchanged). Never any value, and never the fingerprint.
notes:
  - "A 404 is reported as V(absent) only once the scope is proven real: unless another answer in the scope
    already succeeded, the module asks once per task for the resource group (C(GET /v2/admin/resourceGroups/<id>),
    and when that answers 404 also for one listing of resource groups, to tell a missing group from a wrong
    O(api_url)), or at tenant scope for one listing. A resource group that does not exist, or an O(api_url) whose path is not
    AI Core's, fails every affected name with a message that names it. When the token may not read resource groups,
    the names stay V(absent) and the task warns once."
  - "A request is retried after a timeout, a dropped connection or a gateway's 502 or 504, any of which may come
    after AI Core already acted. When the retry of a deletion answers 404, the secret is reported as V(deleted),
    not V(absent); when the retry of a creation answers that the secret exists, it is reported as V(created)."
  - "The fingerprint label is not secret: anyone who can list secrets reads it, and so can UIs, list outputs and
    logs of proxies. With O(fingerprint_key), it reveals nothing a reader can test guesses against, only that two
    secrets written by the same task hold the same data. Without a key, each guess costs a scrypt hash at OWASP's
    minimum parameters, which slows down guessing but does not stop it for short or common values: set
    O(fingerprint_key) for such data. The module never returns the label."
  - When another writer creates a secret between the module's read and its create, the create answers that the
    secret exists, and the module goes on with the update path.
  - Use O(concurrency=1) to work on one name at a time, for example against a rate-limited system.
  - "O(exclusive) relies on the managed mark: removing the label C(ext.ai.sap.com/ansible-fingerprint) from a secret
    by hand takes it out of every declared set. A recipe for a team's secrets kept in git is in the collection's
    C(docs/cleanup.md)."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Create or update registry credentials in a resource group
  sap_aicore.admin.aicore_generic_secret:
    name: registry-credentials
    resource_group: team-a
    data:
      username: robot
      password: "{{ vault_registry_password }}"
    labels:
      owner: platform-team
    api_url: "{{ aicore_api_url }}"
    auth_url: "{{ aicore_auth_url }}"
    client_id: "{{ aicore_client_id }}"
    client_secret: "{{ aicore_client_secret }}"

- name: Write a value that is already base64, without touching an existing secret
  sap_aicore.admin.aicore_generic_secret:
    name: object-store-key
    tenant_scope: true
    data:
      credentials.json: "{{ lookup('ansible.builtin.file', 'sa.json') | b64encode }}"
    data_encoding: base64
    update_mode: on_create
    service_key: "{{ lookup('ansible.builtin.file', 'aicore-service-key.json') }}"

- name: Delete a secret of a resource group
  sap_aicore.admin.aicore_generic_secret:
    name: old-registry-credentials
    state: absent
    resource_group: team-a
    service_key: /etc/aicore/service-key.json

- name: Delete a secret of the main tenant
  sap_aicore.admin.aicore_generic_secret:
    name: tenant-object-store
    state: absent
    tenant_scope: true
    service_key: /etc/aicore/service-key.json

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
    resource_group: ci-runs
    service_key: /etc/aicore/service-key.json
  register: cleanup

# Service key and resource group from the environment of ansible-playbook, exported beforehand:
#   export AICORE_SERVICE_KEY="$(cat service-key.json)" AICORE_RESOURCE_GROUP=team-b
# (not through the environment keyword, whose values Ansible prints at -vvvv)
- name: Delete with settings from the environment
  sap_aicore.admin.aicore_generic_secret:
    name: "{{ stale_secret_names }}"
    state: absent

- name: Make the resource group hold exactly the team's secrets (managed ones not listed are deleted)
  sap_aicore.admin.aicore_generic_secret:
    name: "{{ team_secrets | map(attribute='name') | list }}"
    data: "{{ team_secret_data }}"
    fingerprint_key: "{{ vault_fingerprint_key }}"
    exclusive: true
    exclusive_selector:
      name_prefix: team-a-
    max_deletions: 5
    resource_group: team-a
    service_key: /etc/aicore/service-key.json
  register: declared

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
    - A task refused before any name is worked on (a bad name or option, no scope, missing or wrong credentials,
      a failed token request) reports every name as V(failed), each with that reason in RV(secrets[].error).
      There, entries of O(name) that are not strings are left out.
    - Missing only when Ansible itself refuses the task's arguments before the module runs (an unknown option,
      a value of the wrong type, O(state=present) without O(data)).
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
        - What happened, or in check mode what would have happened.
        - V(created), V(updated) or V(unchanged) with O(state=present); V(deleted) or V(absent)
          (there was nothing to delete) with O(state=absent); V(failed) in either.
        - With O(exclusive), the declared names come first, then each managed undeclared secret as V(deleted)
          (V(absent) when another writer deleted it first; V(failed) when not deleted because a declared name failed).
      type: str
      returned: always
      sample: deleted
    error:
      description: Why this name failed, with the HTTP status and AI Core's error code, message and request id when known.
      type: str
      returned: when RV(secrets[].action=failed)
      sample: "DELETE https://api.ai.example.com/v2/admin/secrets/ci-run-1041 failed: HTTP 503, after 4 attempts"
unmanaged:
  description:
    - With O(exclusive), the undeclared secrets covered by O(exclusive_selector) that do not carry the managed mark,
      sorted by name. They were left alone.
  returned: with O(exclusive), also when the task fails for O(max_deletions)
  type: list
  elements: str
  sample: [legacy-registry, hand-made-token]
would_delete:
  description: The managed undeclared secrets a task refused to delete because there were more than O(max_deletions), sorted by name.
  returned: when O(exclusive) stopped the task for O(max_deletions)
  type: list
  elements: str
  sample: [team-a-old-1, team-a-old-2]
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "deleted 2, already absent 1 (3 secrets in resource group ci-runs)"
"""


from ansible.module_utils.basic import env_fallback

from ansible_collections.sap_aicore.admin.plugins.module_utils._declared import check_name_prefix, checked_declared_set, run_declared_set
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import DesiredSecret, visible_labels, written_by_collection
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import Kind, Outcome, fail_every, given_items, report, run_items, start_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import SECRET_NAME_PATTERN, InputError, check_concurrency, secret_names

MODULE_OPTIONS = dict(
    name=dict(type="raw", required=True, aliases=["names"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    # raw, not dict: Ansible's dict type turns a string into key=value pairs; the module refuses anything but a mapping
    data=dict(type="raw", no_log=True),
    data_encoding=dict(type="str", choices=["plain", "base64"], default="plain"),
    labels=dict(type="raw"),
    update_mode=dict(type="str", choices=["fingerprint", "on_create", "always"], default="fingerprint", no_log=False),
    fingerprint_key=dict(type="str", no_log=True, fallback=(env_fallback, ["AICORE_FINGERPRINT_KEY"])),
    concurrency=dict(type="int", default=8),
    exclusive=dict(type="bool", default=False),
    exclusive_selector=dict(type="dict", options=dict(name_prefix=dict(type="str"), labels=dict(type="raw"))),
    max_deletions=dict(type="int", default=10),
)
KIND = Kind("secret", "secrets", "name")
UNREAD = object()  # ensure() was given no details: it reads them itself


def remove(secrets, name, check_mode):
    """state=absent for one name: delete it, or in check mode only look."""
    if check_mode:
        action = "deleted" if secrets.exists(name) else "absent"
    else:
        action = secrets.delete(name)
    return Outcome(action, "present" if action == "deleted" else "absent", "absent")


def look(secrets, name, desired, update_mode, check_mode):
    """state=present, first pass, for one name: its details (None when absent), starting the slow
    fingerprint hash its outcome will need, which then runs while the other names are read."""
    current = secrets.get(name, prove_404=check_mode)  # outside check mode, the create proves or refutes the scope
    if current is None and not check_mode:
        desired.fingerprint.make_label_ahead()  # a create follows
    elif current is not None and update_mode == "fingerprint":
        desired.check_ahead(current)
    return current


def ensure(secrets, name, desired, update_mode, check_mode, current=UNREAD):
    """state=present for one name: create it, or update it as update_mode says. ``current``: what
    ``look`` read (its details, None, or the failed ``Outcome`` of reading it); read here if not given."""
    if current is UNREAD:
        current = secrets.get(name, prove_404=check_mode)
    if isinstance(current, Outcome):  # reading it failed: that failure is its outcome
        return current
    if current is None and (check_mode or secrets.create(name, desired.data, desired.labels_to_send()) == "created"):
        return Outcome("created", {"state": "absent"}, present_view(desired.labels_after(), desired.data, "changed"))
    if current is None:  # another writer created it between our read and our create
        current = secrets.get(name)
    if current is None:
        raise AICoreError("creating %s answered that it exists, but it cannot be read" % name)
    before = present_view(visible_labels(current))
    if update_mode == "on_create":  # never touched: its data is not compared, so the diff does not claim any
        return Outcome("unchanged", before, present_view(visible_labels(current)))
    if not needs_update(desired, current, update_mode):
        return Outcome("unchanged", before, present_view(visible_labels(current), desired.data, "unchanged"))
    data_state = "unchanged" if desired.data_matches(current) else "changed"
    if not check_mode:
        secrets.update(name, desired.data, desired.labels_to_send(current))
    return Outcome("updated", before, present_view(desired.labels_after(current), desired.data, data_state))


def needs_update(desired, current, update_mode):
    if update_mode == "always":
        return True
    return not (desired.data_matches(current) and desired.labels_match(current))


def present_view(labels, data_keys=(), data_state=None):
    """A secret as diff mode shows it: its labels, and its data only as key -> changed/unchanged."""
    view = {"state": "present", "labels": labels}
    if data_state:
        view["data"] = dict((key, data_state) for key in data_keys)
    return view


def checked_input(module):
    """Everything the task gives, checked before any request: the names and the desired secret (None for state=absent)."""
    params = module.params
    names = given_items(params["name"])
    try:
        names = secret_names(params["name"])
        check_concurrency(params["concurrency"])
        if params["state"] == "absent":
            return names, None
        return names, DesiredSecret(params["data"], params["data_encoding"], params["labels"], fingerprint_key=params["fingerprint_key"])
    except InputError as error:
        fail_every(module, KIND, names, msg=str(error))
    raise AssertionError("unreachable: fail_every exits")


def work_on(module, secrets, names, desired):
    """Every name's ``(name, Outcome)``, in order, ``concurrency`` names at a time.

    state=present reads every name first and then works on each: a slow fingerprint hash (about a
    second, scrypt) starts as soon as a read shows that it will be needed and runs while the other
    names are read, instead of every worker waiting for it.
    """
    check_mode, update_mode, concurrency = module.check_mode, module.params["update_mode"], module.params["concurrency"]
    if desired is None:
        return run_items(KIND, names, lambda name: remove(secrets, name, check_mode), concurrency)
    read = dict(run_items(KIND, names, lambda name: look(secrets, name, desired, update_mode, check_mode), concurrency))
    return run_items(KIND, names, lambda name: ensure(secrets, name, desired, update_mode, check_mode, read[name]), concurrency)


def prune(secrets, name, details, check_mode):
    """Delete one managed secret that the declared set leaves out; in check mode, only say so (the listing showed it)."""
    action = "deleted" if check_mode else secrets.delete(name)
    before = present_view(visible_labels(details)) if action == "deleted" else {"state": "absent"}
    return Outcome(action, before, {"state": "absent"})


def main():
    module = aicore_module(MODULE_OPTIONS, supports_check_mode=True, required_if=[("state", "present", ["data"])])
    names, desired = checked_input(module)
    declared = checked_declared_set(module, KIND, names, written_by_collection,
                                    check_name_prefix(SECRET_NAME_PATTERN, "lower-case letters, digits, '-' and '.', nothing else"))
    client = start_run(module, KIND, names, module.params["concurrency"], hide=desired.secret_values() if desired is not None else ())
    if desired is not None:
        desired.fingerprint.when_made(client.hide)  # the label, hidden the moment a write makes it
    secrets = GenericSecrets(client)
    if declared is None:
        outcomes = work_on(module, secrets, names, desired)
        finish_run(module, client)
        report(module, KIND, outcomes, client.scope)
        return
    converged, pruned, unmanaged = run_declared_set(module, client, KIND, declared, dict(
        items=names, listed="the secrets of %s" % client.scope, list_all=secrets.list_all, name_of=lambda details: details["name"],
        converge=lambda: work_on(module, secrets, names, desired),
        prune=lambda name, details: prune(secrets, name, details, module.check_mode)), module.params["concurrency"])
    outcomes = converged + pruned
    finish_run(module, client)
    note = "%s left alone: not written by this collection" % KIND.counted(len(unmanaged)) if unmanaged else None
    report(module, KIND, outcomes, client.scope, more={"unmanaged": unmanaged}, note=note)


if __name__ == "__main__":
    main()
