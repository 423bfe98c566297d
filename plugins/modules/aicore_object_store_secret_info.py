#!/usr/bin/python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the object store secrets of an SAP AI Core resource group."""

DOCUMENTATION = r"""
module: aicore_object_store_secret_info
short_description: List the object store secrets of an SAP AI Core resource group
version_added: 1.1.0
description:
  - Returns the object store secrets of a resource group, all of them or the ones named.
extends_documentation_fragment:
  - sap_aicore.admin.connection
  - sap_aicore.admin.connection.TOKEN
  - sap_aicore.admin.scope
  - sap_aicore.admin.attributes
  - sap_aicore.admin.attributes.READ_ONLY
  - sap_aicore.admin.objects.INFO
attributes:
  check_mode:
    support: full
    description: The module only reads, in check mode too.
notes:
  - "Names follow the rule of M(sap_aicore.admin.aicore_object_store_secret); a bad one is refused before any request."
  - "Fields AI Core does not show for a secret are left out of its entry; O(ignore:data) is never shown."
author:
  - sap_aicore.admin contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Every object store secret
  sap_aicore.admin.aicore_object_store_secret_info:
    resource_group: team-a
    service_key: /etc/aicore/service-key.json
  register: found

- name: Two of them, if they exist
  sap_aicore.admin.aicore_object_store_secret_info:
    name: [team-a-training, team-a-training-old]
    resource_group: team-a
    service_key: /etc/aicore/service-key.json
"""

RETURN = r"""
object_store_secrets:
  description: The object store secrets found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The secret's name (without the C(-object-store-secret) ending AI Core may add).
      type: str
      returned: always
      sample: team-a-training
    type:
      description: The store's type, as far as AI Core shows it.
      type: str
      returned: when AI Core shows it
      sample: S3
    bucket:
      description: The bucket, as far as AI Core shows it.
      type: str
      returned: when AI Core shows it
      sample: ml-training-data
    endpoint:
      description: The endpoint, as far as AI Core shows it.
      type: str
      returned: when AI Core shows it
      sample: s3.eu-central-1.amazonaws.com
    region:
      description: The region, as far as AI Core shows it.
      type: str
      returned: when AI Core shows it
      sample: eu-central-1
    path_prefix:
      description: The path prefix, as far as AI Core shows it.
      type: str
      returned: when AI Core shows it
      sample: team-a
    verify_ssl:
      description: Whether AI Core verifies the store's certificate, as far as it shows it.
      type: bool
      returned: when AI Core shows it
      sample: true
    use_https:
      description: Whether AI Core uses HTTPS, as far as it shows it.
      type: bool
      returned: when AI Core shows it
      sample: true
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import ObjectStoreSecrets
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import aicore_module
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import INFO_OPTIONS, describe


def main():
    describe(aicore_module(INFO_OPTIONS, scoped=True, supports_check_mode=True), ObjectStoreSecrets())


if __name__ == "__main__":
    main()
