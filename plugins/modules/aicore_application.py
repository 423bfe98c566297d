#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, change, refresh and delete the applications of an SAP AI Core tenant, and wait until they are synced."""

DOCUMENTATION = r"""
module: aicore_application
short_description: Create, change, refresh and delete applications in SAP AI Core
version_added: 1.1.0
description:
  - Creates, changes and deletes applications, which make AI Core sync the templates in a path of an onboarded Git
    repository (see M(sap_aicore.admin.aicore_repository)), idempotently, several names in one task.
  - AI Core shows an application's repository URL, revision and path again, so every field is compared;
    an application has no write-only values and no O(ignore:update_mode).
  - With O(refresh), asks AI Core to sync an application that the task does not otherwise change.
  - With O(wait), waits until each application the task created, changed or refreshed is synced from the
    source the task gave and healthy, judged on a status AI Core wrote after the task's write (a sync, or a
    new comparison with the repository); one whose sync ends V(Degraded) or V(Missing) fails, with AI Core's message.
options:
  repository_url:
    description:
      - The URL of the onboarded repository to sync from. With O(state=present), this or O(repository_name).
    type: str
  repository_name:
    description:
      - The name of the onboarded repository to sync from, instead of O(repository_url).
      - AI Core shows an application's repository by its URL, so the module reads the repository's URL once per task
        and compares that.
    type: str
  revision:
    description: The revision to sync, a branch, a tag or a commit.
    type: str
    default: HEAD
  path:
    description: The path in the repository that holds the templates. Required with O(state=present).
    type: str
  refresh:
    description:
      - Ask AI Core to sync each application that exists and that the task does not change (reported as V(refreshed)).
        Created and changed applications are synced anyway.
    type: bool
    default: false
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.objects
notes:
  - "Names are 3 to 54 characters of lower-case letters, digits and C(-) (SAP's rule)."
  - "Applications belong to the whole tenant; the module sends no scope headers."
  - "A change sends the repository URL, the revision and the path (C(PATCH /v2/admin/applications/<name>))."
  - "A tenant holds a limited number of applications (50 in SAP's service plan documentation);
    M(sap_aicore.admin.aicore_application_info) returns the quota."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Sync team A's workflows from the main branch, and wait until they are synced and healthy
  sap_aicore.admin.aicore_application:
    name: team-a-workflows
    repository_name: team-a-pipelines
    revision: main
    path: workflows
    service_key: /etc/aicore/service-key.json

- name: Make AI Core sync it again now (after a push to main)
  sap_aicore.admin.aicore_application:
    name: team-a-workflows
    repository_name: team-a-pipelines
    revision: main
    path: workflows
    refresh: true
    service_key: /etc/aicore/service-key.json

- name: Delete a CI run's application
  sap_aicore.admin.aicore_application:
    name: ci-1041-workflows
    state: absent
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
applications:
  description: One entry per name, in the order given (duplicates once), also when the task fails.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The application's name.
      type: str
      returned: always
      sample: team-a-workflows
    action:
      description:
        - What happened, or in check mode what would have happened.
        - V(created), V(updated), V(refreshed) or V(unchanged) with O(state=present); V(deleted) or V(absent)
          with O(state=absent); V(failed) in either.
        - In check mode, an existing application given O(repository_name) of a repository not onboarded yet (an
          earlier task of the play would onboard it) is V(kept), as its repository could not be compared.
      type: str
      returned: always
      sample: updated
    not_compared:
      description: What could not be compared; only V(repository_name), in the check mode case above.
      type: list
      elements: str
      returned: when RV(applications[].action=kept)
      sample: [repository_name]
    differing:
      description: The options that differed from what AI Core showed, and were changed.
      type: list
      elements: str
      returned: when RV(applications[].action=updated)
      sample: [revision]
    sync_status:
      description: The sync status AI Core reported last, such as V(Synced) or V(OutOfSync).
      type: str
      returned: when the module waited for the application
      sample: Synced
    health_status:
      description: The health AI Core reported last, such as V(Healthy), V(Progressing) or V(Degraded).
      type: str
      returned: when the module waited for the application
      sample: Healthy
    status_message:
      description: AI Core's message with the status, if any.
      type: str
      returned: when the module waited for the application
    error:
      description: Why this name failed.
      type: str
      returned: when RV(applications[].action=failed)
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "updated 1 (1 application)"
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import Applications
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import MANAGE_OPTIONS, manage

MODULE_OPTIONS = dict(
    MANAGE_OPTIONS,
    repository_url=dict(type="str"),
    repository_name=dict(type="str"),
    revision=dict(type="str", default="HEAD"),
    path=dict(type="str"),
    refresh=dict(type="bool", default=False),
)


def main():
    module = aicore_module(MODULE_OPTIONS, scoped=False, supports_check_mode=True,
                           mutually_exclusive=[("repository_url", "repository_name")],
                           required_if=[("state", "present", ["path"]), ("state", "present", ("repository_url", "repository_name"), True)])
    manage(module, Applications())


if __name__ == "__main__":
    main()
