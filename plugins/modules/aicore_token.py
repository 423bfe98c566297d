#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fetch one SAP AI Core token, for the other tasks of a play to share."""

DOCUMENTATION = r"""
module: aicore_token
short_description: Fetch an SAP AI Core access token to reuse across tasks
version_added: 1.0.0
description:
  - Fetches one access token from XSUAA with client credentials (a client secret or an X.509
    certificate) and returns it, with its lifetime.
  - Every other module of the collection fetches its own token in each task. Give them this one
    through O(sap_aicore.admin.aicore_generic_secret#module:token), best with C(module_defaults)
    for the action group, and a play of many tasks asks the token endpoint once.
  - The result holds a credential, so the task must set C(no_log=true); without it the module fetches the token
    (so that errors can be seen) but fails instead of returning it.
  - It runs under the same C(module_defaults) for C(group/sap_aicore.admin.aicore) as the other modules; it takes
    their scope and concurrency options and ignores them. It takes no O(sap_aicore.admin.aicore_generic_secret#module:token),
    and a group default that sets one is refused as an unsupported parameter, so fetch the token before that block.
options:
  concurrency:
    description:
      - Ignored; the module sends one request.
      - Accepted so that C(module_defaults) for the action group can set it for the other modules.
    type: raw
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.attributes
  - sap_aicore.admin.scope.IGNORED
  - sap_aicore.admin.attributes.READ_ONLY
attributes:
  check_mode:
    support: full
    description: The module only reads; it fetches the token in check mode too, so later tasks can use it.
notes:
  - The module fails when the only credential it finds is a token (E(AICORE_TOKEN) without client credentials); it
    exists to fetch one.
  - O(api_url) is not needed; no request goes to AI Core itself.
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Clean up and rotate with one token for the whole play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Fetch an AI Core token once
      sap_aicore.admin.aicore_token:
        service_key: "{{ vault_aicore_service_key }}"
      register: aicore
      no_log: true

    - name: Use it in every AI Core task
      module_defaults:
        group/sap_aicore.admin.aicore:
          token: "{{ aicore.token }}"
          api_url: "{{ vault_aicore_service_key.serviceurls.AI_API_URL }}"
          resource_group: team-a
      block:
        - name: Rotate the registry credentials
          sap_aicore.admin.aicore_generic_secret:
            name: registry-credentials
            data:
              password: "{{ vault_registry_password }}"

        - name: Delete what the last CI runs left behind
          sap_aicore.admin.aicore_generic_secret:
            name: [ci-run-1041, ci-run-1042]
            state: absent
"""

RETURN = r"""
token:
  description: The access token. Keep it out of logs with C(no_log) on the task.
  returned: success
  type: str
  sample: eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9...
expires_in:
  description: Seconds the token is valid for, from when it was fetched, as the token endpoint said.
  returned: success, when the token endpoint says (XSUAA always does)
  type: int
  sample: 43199
expires_at:
  description: When the token expires, in ISO 8601 UTC.
  returned: success, when the token endpoint says how long the token lives
  type: str
  sample: "2026-11-26T22:15:07Z"
"""

import datetime

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module, client_for


def expiry(expires_in, now=None):
    """The ISO 8601 UTC moment ``expires_in`` seconds from ``now``."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (now + datetime.timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")


# Accepted and ignored, as the scope options are (doc fragment scope.IGNORED): module_defaults for
# group/sap_aicore.admin.aicore commonly set it for the other modules. Of any type, since nothing reads it.
IGNORED_GROUP_OPTIONS = dict(
    concurrency=dict(type="raw"),
)


def main():
    module = aicore_module(IGNORED_GROUP_OPTIONS, scoped=False, token_option=False, supports_check_mode=True)
    client = client_for(module, scoped=False, token_only=True)
    if client.settings.uses_given_token:  # AICORE_TOKEN, with no client credentials anywhere
        module.fail_json(msg="aicore_token fetches a token with client credentials, but found only a token (in %s); "
                             "give the other modules that token directly, or give aicore_token client credentials "
                             "(service_key, or auth_url, client_id and client_secret)" % client.settings.source_of("token"))
    try:
        token = client.authenticate()
    except AICoreError as error:
        module.fail_json(msg=str(error))
    client.close()
    if not module.no_log:  # checked after the request, so that a failing one can be debugged without no_log
        module.fail_json(msg="aicore_token got a token but returns it only to a task with no_log: true, "
                             "so that it cannot appear in the output or in logs")
    result = dict(changed=False, token=token)
    expires_in = client.tokens.fetched.expires_in
    if expires_in is not None:
        result.update(expires_in=expires_in, expires_at=expiry(expires_in))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
