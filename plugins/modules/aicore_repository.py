#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Onboard Git repositories to SAP AI Core, change their credentials, and offboard them."""

DOCUMENTATION = r"""
module: aicore_repository
short_description: Onboard and offboard Git repositories in SAP AI Core
version_added: 1.1.0
description:
  - Onboards Git repositories (the source of AI Core's applications), changes their credentials and offboards them,
    idempotently, several names in one task.
  - AI Core shows a repository's URL and status again, never its user name or password. See O(update_mode) for
    what a second run can and cannot know.
  - With O(wait), waits until AI Core has connected to each repository it onboarded (status V(COMPLETED)); a
    repository that ends in V(ERROR) fails.
options:
  url:
    description:
      - The repository's HTTPS URL, for example V(https://github.com/example/aicore-pipelines).
      - A URL with credentials before the host is refused; give them as O(username) and O(password).
      - Required with O(state=present). AI Core cannot change the URL of a repository; when it differs, the name
        fails and says so. Offboard it (O(state=absent)) and onboard it anew.
    type: str
  username:
    description:
      - The user name AI Core authenticates to the repository with. Required with O(state=present).
      - Not shown by AI Core, so not compared; it is sent with O(password).
    type: str
  password:
    description:
      - The password or access token for O(username). Required with O(state=present).
      - Write-only, so never shown by AI Core, never returned by the module, never in the diff.
    type: str
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.objects
  - sap_aicore.admin.objects.UPDATE_MODE
notes:
  - "Names are 1 to 51 characters of lower-case letters, digits and C(-) (SAP's rule)."
  - "Repositories belong to the whole tenant; the module sends no scope headers."
  - "A tenant holds a limited number of repositories (50 in SAP's service plan documentation);
    M(sap_aicore.admin.aicore_repository_info) returns the quota."
  - "An update sends O(username) and O(password) (C(PATCH /v2/admin/repositories/<name>)); the URL stays."
  - "O(wait) waits for what the task wrote: a repository left alone is reported with the status it was read in."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Onboard the team's pipeline repository and wait until AI Core has connected to it
  sap_aicore.admin.aicore_repository:
    name: team-a-pipelines
    url: https://github.com/example/aicore-pipelines
    username: aicore-bot
    password: "{{ vault_git_token }}"
    service_key: /etc/aicore/service-key.json

- name: Rotate the access token (written on every run)
  sap_aicore.admin.aicore_repository:
    name: team-a-pipelines
    url: https://github.com/example/aicore-pipelines
    username: aicore-bot
    password: "{{ vault_new_git_token }}"
    update_mode: always
    service_key: /etc/aicore/service-key.json

- name: Offboard the repositories of a CI run
  sap_aicore.admin.aicore_repository:
    name: [ci-1041-pipelines, ci-1041-models]
    state: absent
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
repositories:
  description:
    - One entry per name, in the order given (duplicates once), also when the task fails.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The repository's name.
      type: str
      returned: always
      sample: team-a-pipelines
    action:
      description:
        - What happened, or in check mode what would have happened.
        - V(created), V(updated) or V(kept) (the URL matches; the credentials were not compared and left as they were)
          with O(state=present); never V(unchanged), as AI Core shows no credentials to compare;
          V(deleted) or V(absent) with O(state=absent); V(failed) in either.
      type: str
      returned: always
      sample: kept
    status:
      description: The repository's status as last read, V(IN-PROGRESS), V(COMPLETED) or V(ERROR).
      type: str
      returned: with O(state=present), when the repository was read
      sample: COMPLETED
    not_compared:
      description: The options of the task that AI Core does not show, so the run could not compare them.
      type: list
      elements: str
      returned: when RV(repositories[].action=kept)
      sample: [password, username]
    differing:
      description: The readable options that differed from what AI Core showed, and were updated.
      type: list
      elements: str
      returned: when RV(repositories[].action=updated)
      sample: []
    error:
      description: Why this name failed.
      type: str
      returned: when RV(repositories[].action=failed)
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "created 1, kept, not compared 1 (2 repositories)"
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import Repositories
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import MANAGE_OPTIONS, UPDATE_MODE_OPTION, manage

MODULE_OPTIONS = dict(MANAGE_OPTIONS, url=dict(type="str"), username=dict(type="str"), password=dict(type="str", no_log=True), **UPDATE_MODE_OPTION)


def main():
    module = aicore_module(MODULE_OPTIONS, scoped=False, supports_check_mode=True,
                           required_if=[("state", "present", ["url", "username", "password"])])
    manage(module, Repositories())


if __name__ == "__main__":
    main()
