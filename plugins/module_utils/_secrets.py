# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the generic secrets endpoints, ``/v2/admin/secrets``.

Plain dicts in, plain dicts out; what a module decides to do with them lives in the module.
"""

from urllib.parse import quote

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._paging import all_pages
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import check_secret_name

COLLECTION = "/admin/secrets"
NOT_FOUND = 404
CONFLICT = 409
BAD_REQUEST = 400


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
        return self._proven_listing(all_pages(self._client, COLLECTION, "name", "named secrets"))

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
