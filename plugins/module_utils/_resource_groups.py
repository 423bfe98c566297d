# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the resource groups endpoints, ``/v2/admin/resourceGroups``.

Plain dicts in, plain dicts out; what a module decides to do with them lives in the module.
These endpoints belong to the whole tenant and take no scope headers, so the client given
here is one made without a scope. Creation, label changes and deletion answer 202: AI Core
does the work afterwards (see ``_waiting``).
"""

import re

from urllib.parse import parse_qs, quote, urlsplit

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import read_quota
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import RESOURCE_GROUP_HEADER, check_resource_group_id
from ansible_collections.sap_aicore.admin.plugins.module_utils._secrets import GenericSecrets

COLLECTION = "/admin/resourceGroups"
QUOTA = "/admin/resourceQuota/resourceGroups"
DEFAULT_GROUP = "default"
# The collection's mark on the groups it writes: only a group carrying it is ever deleted by a declared
# set (exclusive). A label, since a group has nothing else to carry it; its value names no secret.
MANAGED_LABEL = "ext.ai.sap.com/managed-by"
MANAGED_VALUE = "sap_aicore.admin"
ACCEPTED = (200, 201, 202)  # SAP documents 202; an answer that says done at once is as good
NOT_FOUND = 404
# The reference names no answer for a duplicate id or a full tenant: 409 and 400 are both plausible.
REFUSED_CREATE = (400, 409)
PAGE_SIZE = 100  # asked for, in both paging styles; a server may answer with fewer
MAX_PAGES = 500  # a server that never stops paging fails the task instead of running forever
# The next page of the other paging style: Link: <...?continueToken=T>; rel="next"
NEXT_LINK = re.compile(r'<([^<>]*)>[ \t]*;[ \t]*rel="?next"?')


class ResourceGroups:
    """The resource groups of the tenant the client's credentials belong to."""

    def __init__(self, client):
        self._client = client

    def get(self, group_id, prove_404=True):
        """The group's details (``resourceGroupId``, ``status``, ``labels``, ...), or None when it does not exist.

        ``prove_404=False`` when the caller creates the group next: the create's answer shows
        that the API path is real, so the 404 needs no proof of its own.
        """
        reply = self._client.call("GET", _path(group_id), tolerate=(NOT_FOUND,), scoped=False, prove_404=prove_404)
        if reply.status == NOT_FOUND:
            return None
        details = reply.json()
        if not isinstance(details, dict):
            raise AICoreError("%s %s answered 200 with a body that is not a resource group's details" % (reply.method, reply.url),
                              status=reply.status)
        details.setdefault("resourceGroupId", group_id)
        return details

    def create(self, group_id, labels):
        """Ask for a new group; return ``created``, or ``exists`` when another writer made it first.

        As with secrets, "exists" after an attempt lost in transit counts as ``created``: that
        attempt most likely reached AI Core. Any other refusal (a full tenant, most likely) fails
        with AI Core's words and a pointer to the quota.
        """
        reply = self._client.call("POST", COLLECTION, json={"resourceGroupId": group_id, "labels": label_list(labels)},
                                  ok=ACCEPTED, tolerate=REFUSED_CREATE, scoped=False)
        if reply.status in ACCEPTED:
            return "created"
        if self.get(group_id) is not None:
            return "created" if reply.after_lost_attempt else "exists"
        raise reply.error("POST %s%s (create %s) failed; if the tenant holds as many resource groups as it may, "
                          "the quota of sap_aicore.admin.aicore_resource_group_info says so" % (self._client.settings.api_url, COLLECTION, group_id))

    def set_labels(self, group_id, labels):
        """Give the group exactly these labels (a dict); the list sent replaces the group's."""
        self._client.call("PATCH", _path(group_id), json={"labels": label_list(labels)}, ok=ACCEPTED, scoped=False)

    def delete(self, group_id):
        """Ask for the group's removal, with everything in it; return ``deleted`` or ``absent``.

        After an attempt lost in transit, a 404 counts as ``deleted``: that attempt most likely reached AI Core.
        """
        reply = self._client.call("DELETE", _path(group_id), ok=ACCEPTED, tolerate=(NOT_FOUND,), scoped=False)
        if reply.status == NOT_FOUND and not reply.after_lost_attempt:
            return "absent"
        return "deleted"

    def secret_names(self, group_id):
        """The names of the generic secrets in the group, sorted. Call it once the group was read: it exists."""
        in_group = self._client.in_scope({RESOURCE_GROUP_HEADER: group_id}, "option id")
        in_group.proof.saw_success()  # the group's own GET answered 200, so an empty listing is believed
        return [details["name"] for details in GenericSecrets(in_group).list_all()]

    def list_all(self, label_selector=None):
        """Every group (or those the label selector picks), across all pages, sorted by id.

        Asks for pages both ways SAP documents: ``$top``/``$skip``, and ``Prefer: maxpagesize``.
        A server that pages by the latter names the next page in a ``Link`` header with a
        ``continueToken``; one that does not is paged on by ``$skip``.
        """
        found = {}
        selector = {} if label_selector is None else {"labelSelector": label_selector}
        params = dict(selector, **{"$top": PAGE_SIZE, "$skip": 0, "$count": "true"})
        by_token = False  # whether the server pages by continueToken: then a page without a Link is the last
        for _page_number in range(MAX_PAGES):
            reply = self._client.call("GET", COLLECTION, params=params, headers={"Prefer": "maxpagesize=%d" % PAGE_SIZE}, scoped=False)
            page = _page_of(reply)
            new = [group for group in page["resources"] if group["resourceGroupId"] not in found]
            found.update((group["resourceGroupId"], group) for group in new)
            token = _continue_token(reply)
            if token is not None:
                if not new:
                    raise AICoreError("%s %s repeated a page it had already sent; paging stopped" % (reply.method, reply.url))
                params, by_token = dict(selector, continueToken=token), True
            elif by_token or not new or _all_counted(page, len(found)):
                # A server that took maxpagesize sends no Link on its last page, and a $skip after it
                # repeats a page: nothing new ends the listing, unless a total says more are left.
                if page["resources"] and not new and page["count"] is not None and page["count"] > len(found):
                    raise AICoreError("%s %s repeated a page it had already sent; paging stopped" % (reply.method, reply.url))
                return [found[group_id] for group_id in sorted(found)]
            else:
                params = dict(selector, **{"$top": PAGE_SIZE, "$skip": len(found), "$count": "true"})
        raise AICoreError("GET %s%s: still paging after %d pages; stopped" % (self._client.settings.api_url, COLLECTION, MAX_PAGES))

    def quota(self):
        """``{"used": int, "maximum": int}`` as far as AI Core answers, or None when it does not."""
        return read_quota(self._client, QUOTA)


def marked(labels):
    """The labels to write on a group: the given ones with the collection's managed mark."""
    return dict(labels, **{MANAGED_LABEL: MANAGED_VALUE})


def unmarked(labels):
    """The labels a user declares and sees: all but the managed mark."""
    return {key: value for key, value in labels.items() if key != MANAGED_LABEL}


def managed_by_collection(details):
    """Whether the group carries the collection's managed mark (so a declared set may delete it)."""
    return labels_of(details).get(MANAGED_LABEL) == MANAGED_VALUE


def label_list(labels):
    """A dict of labels as the API takes them: ``[{"key", "value"}]``, sorted by key."""
    return [{"key": key, "value": labels[key]} for key in sorted(labels)]


def _path(group_id):
    check_resource_group_id(group_id)  # callers validated already; a second check keeps paths safe by construction
    return "%s/%s" % (COLLECTION, quote(group_id, safe=""))


def _page_of(reply):
    """A list page as ``{"resources": [...], "count": int or None}``, or an error for a malformed one."""
    document = reply.json()
    resources = document.get("resources") if isinstance(document, dict) else None
    if not isinstance(resources, list) or not all(isinstance(item, dict) and isinstance(item.get("resourceGroupId"), str) for item in resources):
        raise reply.error("%s %s answered with a list page that has no resources list of resource groups" % (reply.method, reply.url))
    count = document.get("count")
    return {"resources": resources, "count": count if isinstance(count, int) and not isinstance(count, bool) else None}


def _all_counted(page, found):
    """Whether the page's count, read as the total, says nothing is left (a count equal to the page's
    length may be just that length, so only a larger one is trusted)."""
    count = page["count"]
    return count is not None and count > len(page["resources"]) and found >= count


def _continue_token(reply):
    """The ``continueToken`` of the next page that the answer's ``Link`` header names, or None.

    Only the token is taken: the next request goes to the same path with the module's own
    parameters, never to a URL the server supplies.
    """
    match = NEXT_LINK.search(reply.headers.get("Link") or "")
    if match is None:
        return None
    tokens = parse_qs(urlsplit(match.group(1)).query).get("continueToken")
    return tokens[0] if tokens else None
