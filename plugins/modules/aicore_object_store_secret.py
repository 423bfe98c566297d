#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create, update and delete the object store secrets of an SAP AI Core resource group."""

DOCUMENTATION = r"""
module: aicore_object_store_secret
short_description: Create, update and delete object store secrets in SAP AI Core
version_added: 1.1.0
description:
  - Creates, updates and deletes object store secrets, the credentials AI Core reads and writes a resource group's
    artifacts with (an S3 bucket, a GCS bucket, ...), idempotently, several names in one task.
  - AI Core shows a secret's type, bucket, endpoint, region, path prefix and TLS switches again (as annotations),
    never its O(data). See O(update_mode) for what a second run can and cannot know.
  - AI Core applies a write some time after it accepted it. With O(wait), the module waits until each secret
    it wrote can be read with the fields it wrote (and each deleted one is gone).
options:
  type:
    description:
      - The kind of object store, as AI Core names it, for example V(S3), V(GCS), V(AZURE) or V(WEBHDFS). Required with O(state=present).
    type: str
  bucket:
    description: The bucket.
    type: str
  endpoint:
    description: The store's endpoint, for example V(s3.eu-central-1.amazonaws.com) (S3 and compatible stores).
    type: str
  region:
    description: The bucket's region, for example V(eu-central-1) (S3).
    type: str
  path_prefix:
    description: The path below the bucket that AI Core uses.
    type: str
  verify_ssl:
    description: Whether AI Core verifies the store's TLS certificate (sent as C(verifyssl) V(1) or V(0)).
    type: bool
  use_https:
    description: Whether AI Core talks to the store over HTTPS (sent as C(usehttps) V(1) or V(0)).
    type: bool
  data:
    description:
      - The credentials, a mapping of keys to plain text values, for example C(AWS_ACCESS_KEY_ID) and C(AWS_SECRET_ACCESS_KEY).
        Required with O(state=present); anything but a non-empty mapping is refused.
      - Write-only. Never returned, never in the diff.
    type: raw
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.scope
  - sap_aicore.admin.attributes
  - sap_aicore.admin.objects
  - sap_aicore.admin.objects.UPDATE_MODE
notes:
  - "Names are 1 to 233 characters of lower-case letters, digits, C(-) and C(.), starting and ending with a letter or digit,
    with a letter or digit on each side of every C(.) (SAP's rule, that of a DNS name). A name may not end in
    C(-object-store-secret): AI Core may add that ending to the names it returns."
  - "Object store secrets live in a resource group: give O(resource_group) (or E(AICORE_RESOURCE_GROUP)). O(tenant_scope) is refused."
  - "An update sends the whole secret (C(PATCH /v2/admin/objectStoreSecrets/<name>)), as AI Core requires: O(data) and every
    field the task gives. A field the task leaves out is not kept by the update."
  - "A field AI Core does not show back for a secret (which fields it shows depends on the store's type) is not compared; it is
    named in RV(object_store_secrets[].not_compared) and the secret is reported as V(kept), unless another field differs."
  - "AI Core may name a secret C(<name>-object-store-secret) when it returns it; the module and
    M(sap_aicore.admin.aicore_object_store_secret_info) report the name without that ending."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The training bucket of team A
  sap_aicore.admin.aicore_object_store_secret:
    name: team-a-training
    resource_group: team-a
    type: S3
    bucket: ml-training-data
    endpoint: s3.eu-central-1.amazonaws.com
    region: eu-central-1
    path_prefix: team-a
    data:
      AWS_ACCESS_KEY_ID: "{{ vault_s3_key_id }}"
      AWS_SECRET_ACCESS_KEY: "{{ vault_s3_secret }}"
    service_key: /etc/aicore/service-key.json

- name: Rotate the keys (rewritten on every run)
  sap_aicore.admin.aicore_object_store_secret:
    name: team-a-training
    resource_group: team-a
    type: S3
    bucket: ml-training-data
    endpoint: s3.eu-central-1.amazonaws.com
    region: eu-central-1
    path_prefix: team-a
    data:
      AWS_ACCESS_KEY_ID: "{{ vault_s3_new_key_id }}"
      AWS_SECRET_ACCESS_KEY: "{{ vault_s3_new_secret }}"
    update_mode: always
    service_key: /etc/aicore/service-key.json

- name: Delete a CI run's object store secrets
  sap_aicore.admin.aicore_object_store_secret:
    name: [ci-1041-input, ci-1041-output]
    resource_group: ci-runs
    state: absent
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
object_store_secrets:
  description: One entry per name, in the order given (duplicates once), also when the task fails.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name.
      type: str
      returned: always
      sample: team-a-training
    action:
      description:
        - What happened, or in check mode what would have happened.
        - V(created), V(updated), V(unchanged) or V(kept) (the readable fields match; O(data) was not compared and
          left as it was) with O(state=present); V(deleted) or V(absent) with O(state=absent); V(failed) in either.
      type: str
      returned: always
      sample: kept
    not_compared:
      description: The options of the task that AI Core does not show for this secret, so the run could not compare them.
      type: list
      elements: str
      returned: when RV(object_store_secrets[].action=kept)
      sample: [data]
    differing:
      description: The readable options that differed from what AI Core showed, and were updated.
      type: list
      elements: str
      returned: when RV(object_store_secrets[].action=updated)
      sample: [bucket]
    error:
      description: Why this name failed.
      type: str
      returned: when RV(object_store_secrets[].action=failed)
msg:
  description: A summary of what was done.
  returned: always
  type: str
  sample: "created 1 (1 object store secret in resource group team-a)"
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import ObjectStoreSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import MANAGE_OPTIONS, UPDATE_MODE_OPTION, manage

MODULE_OPTIONS = dict(
    MANAGE_OPTIONS,
    type=dict(type="str"),
    bucket=dict(type="str"),
    endpoint=dict(type="str"),
    region=dict(type="str"),
    path_prefix=dict(type="str"),
    verify_ssl=dict(type="bool"),
    use_https=dict(type="bool"),
    data=dict(type="raw", no_log=True),  # raw, not dict: Ansible's dict type would turn a string into key=value pairs
    **UPDATE_MODE_OPTION
)


def main():
    module = aicore_module(MODULE_OPTIONS, supports_check_mode=True, required_if=[("state", "present", ["type", "data"])])
    manage(module, ObjectStoreSecrets())


if __name__ == "__main__":
    main()
