# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: which AI Core scope a request addresses, as headers.

AI Core accepts exactly three combinations; anything else is undocumented, and SAP's SDKs
disagree on what they default to, so the collection sends one of the three or refuses.
"""

import os
import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_header_value, type_word, unique_names

RESOURCE_GROUP_HEADER = "AI-Resource-Group"
TENANT_SCOPE_HEADER = "AI-Tenant-Scope"
ALL_RESOURCE_GROUPS = "*"
RESOURCE_GROUP_ENV = "AICORE_RESOURCE_GROUP"
# SAP's rule for resource group ids, matched whole (fullmatch); it also keeps out ',' and ' ', which
# a header would read as a list.
RESOURCE_GROUP_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]")
RESOURCE_GROUP_ID_RULE = ("use 3 to 253 characters of letters, digits, '.' and '-', starting and ending with a letter or digit "
                          "(^[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]$)")


def scope_headers(resource_group, tenant_scope, environ=None):
    """Return the scope headers for these options, or raise ``InputError`` before anything is sent.

    ``resource_group`` is the task's option (None when not given); the environment fills it in
    only for resource-group scope, never to turn a tenant-scoped task into a tenant-wide one.
    """
    environ = os.environ if environ is None else environ
    if tenant_scope:
        return _tenant_headers(resource_group)
    if resource_group is None:
        resource_group = environ.get(RESOURCE_GROUP_ENV) or None
        source = "environment variable %s" % RESOURCE_GROUP_ENV
    else:
        source = "resource_group"
    if resource_group is None:
        raise InputError(
            "no scope: set resource_group (or AICORE_RESOURCE_GROUP) for a resource group's secrets, "
            "or tenant_scope: true for the main tenant's secrets"
        )
    return {RESOURCE_GROUP_HEADER: _checked_group(resource_group, source)}


def resource_group_ids(raw_ids, option="id"):
    """The resource group ids a task gives (one or a list), in order, once each; refuses the first bad one."""
    return unique_names(raw_ids, check_resource_group_id, option, "resource group id")


def check_resource_group_id(group_id, option="id", index=None):
    """Refuse an id outside SAP's rule, which also keeps it safe as a URL path segment and a header value."""
    if index is not None:
        option = "%s: the entry at index %d" % (option, index)
    if not isinstance(group_id, str):
        raise InputError("%s: a resource group id must be a string, got %s" % (option, type_word(group_id)))
    if len(group_id) > 253 or not RESOURCE_GROUP_ID.fullmatch(group_id):  # length first: a long id is refused at once
        raise InputError("%s: %r is not a resource group id: %s" % (option, _printable(group_id), RESOURCE_GROUP_ID_RULE))


def describe(headers):
    """Name the scope in words, for messages."""
    group = headers.get(RESOURCE_GROUP_HEADER)
    if TENANT_SCOPE_HEADER not in headers:
        return "resource group %s" % group
    return "tenant-wide scope (every resource group)" if group == ALL_RESOURCE_GROUPS else "main tenant scope"


def _tenant_headers(resource_group):
    if resource_group is None:
        return {TENANT_SCOPE_HEADER: "true"}
    if resource_group == ALL_RESOURCE_GROUPS:
        return {TENANT_SCOPE_HEADER: "true", RESOURCE_GROUP_HEADER: ALL_RESOURCE_GROUPS}
    raise InputError(
        "resource_group %r cannot be combined with tenant_scope: true; use resource_group: '*' with "
        "tenant_scope: true for tenant-wide secrets, or drop tenant_scope for this resource group"
        % _printable(resource_group)
    )


def _checked_group(resource_group, source):
    if not resource_group.strip():
        raise InputError("%s: a resource group id must not be empty" % source)
    if resource_group != resource_group.strip():
        raise InputError("%s: a resource group id must not start or end with white space" % source)
    check_header_value(resource_group, source)
    if resource_group == ALL_RESOURCE_GROUPS:
        raise InputError("%s: '*' (every resource group) addresses tenant-wide secrets and needs tenant_scope: true" % source)
    check_resource_group_id(resource_group, source)
    return resource_group


def _printable(text):
    return text.encode("unicode_escape").decode("ascii")[:60]
