# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the generic secrets endpoints, ``/v2/admin/secrets``.

Plain dicts in, plain dicts out; what a module decides to do with them lives in the module.
"""

from urllib.parse import quote

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import check_secret_name

COLLECTION = "/admin/secrets"
NOT_FOUND = 404
CONFLICT = 409
BAD_REQUEST = 400
PAGE_SIZE = 100  # asked for; a server may answer with fewer, so paging goes on until a short or empty page
MAX_PAGES = 500  # a server that never stops paging fails the task instead of running forever


class GenericSecrets:
    """The secrets of the scope the client was made for."""

    def __init__(self, client):
        self._client = client

    def exists(self, name):
        return self.get(name) is not None

    def get(self, name, prove_404=True):
        """The secret's details (never its data: AI Core does not return it), or None when absent.

        ``prove_404=False`` when the caller creates the secret next: the create's answer tells
        whether the scope is real, so the 404 needs no proof of its own.
        """
        reply = self._client.call("GET", _path(name), tolerate=(NOT_FOUND,), prove_404=prove_404)
        if reply.status == NOT_FOUND:
            return None
        details = reply.json()
        if not isinstance(details, dict):
            raise AICoreError("%s %s answered 200 with a body that is not a secret's details" % (reply.method, reply.url), status=reply.status)
        details.setdefault("name", name)
        return details

    def list_all(self):
        """Every secret of the scope, across all pages, sorted by name."""
        found = {}
        for _page_number in range(MAX_PAGES):
            # A listing proves nothing about the scope: a scope that does not exist may list as empty.
            reply = self._client.call("GET", COLLECTION, params={"$top": PAGE_SIZE, "$skip": len(found), "$count": "true"},
                                      proves_scope=False)
            page = _page_of(reply)
            new = [item for item in page["resources"] if item["name"] not in found]
            if page["resources"] and not new:
                raise AICoreError("%s %s repeated a page it had already sent; paging stopped" % (reply.method, reply.url))
            found.update((item["name"], item) for item in new)
            if not new or _all_counted(page, len(found)):
                return self._proven_listing(found)
        raise AICoreError("GET %s%s: still paging after %d pages; stopped" % (self._client.settings.api_url, COLLECTION, MAX_PAGES))

    def _proven_listing(self, found):
        """The listing, sorted by name, once an empty one is proven to come from a real scope."""
        if found:
            self._client.proof.saw_success()
        else:
            self._client.proof.confirm()
        return [found[name] for name in sorted(found)]

    def create(self, name, data, labels):
        """Create a secret; return ``created``, or ``exists`` when another writer created it first.

        As with delete, "already exists" after an attempt lost in transit counts as ``created``:
        that attempt most likely reached AI Core and created the secret.
        """
        body = {"name": name, "data": data, "labels": labels}
        reply = self._client.call("POST", COLLECTION, json=body, tolerate=(CONFLICT, BAD_REQUEST))
        if reply.status == 200:
            return "created"
        if reply.status == CONFLICT or "already exist" in reply.text.lower():
            return "created" if reply.after_lost_attempt else "exists"
        raise self._client.failure(reply, "POST %s%s (create %s) failed" % (self._client.settings.api_url, COLLECTION, name))

    def update(self, name, data, labels):
        """Replace a secret's data and change the labels named (an empty value removes a label)."""
        self._client.call("PATCH", _path(name), json={"data": data, "labels": labels})
        return "updated"

    def delete(self, name):
        """Delete one secret; return ``deleted`` or ``absent``.

        A 404 counts only once the scope is proven real (the client sees to that). After an attempt
        that was lost in transit (a timeout, a dropped connection, a gateway's 502 or 504) it counts as
        ``deleted``: that attempt most likely reached AI Core and removed the secret.
        """
        reply = self._client.call("DELETE", _path(name), tolerate=(NOT_FOUND,))
        if reply.status == NOT_FOUND and not reply.after_lost_attempt:
            return "absent"
        return "deleted"


def _path(name):
    check_secret_name(name)  # callers validated already; a second check keeps paths safe by construction
    return "%s/%s" % (COLLECTION, quote(name, safe=""))


def _page_of(reply):
    """A list page as ``{"resources": [...], "count": int or None}``, or an error for a malformed one."""
    document = reply.json()
    resources = document.get("resources") if isinstance(document, dict) else None
    if not isinstance(resources, list) or not all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in resources):
        raise reply.error("%s %s answered with a list page that has no resources list of named secrets" % (reply.method, reply.url))
    count = document.get("count")
    return {"resources": resources, "count": count if isinstance(count, int) and not isinstance(count, bool) else None}


def _all_counted(page, found):
    """Whether the page's count, read as the total, says nothing is left.

    A count equal to the page's length may be just that length (a server that ignores
    ``$count``), so only a larger one is trusted; otherwise paging goes on to an empty page.
    """
    count = page["count"]
    return count is not None and count > len(page["resources"]) and found >= count
