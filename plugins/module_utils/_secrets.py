# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the generic secrets endpoints, ``/v2/admin/secrets``.

Plain dicts in, plain dicts out; what a module decides to do with them lives in the module.
"""

from urllib.parse import quote

from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import check_secret_name

COLLECTION = "/admin/secrets"
NOT_FOUND = 404


class GenericSecrets(object):
    """The secrets of the scope the client was made for."""

    def __init__(self, client):
        self._client = client

    def exists(self, name):
        return self.get(name) is not None

    def get(self, name):
        """The secret's details (never its data: AI Core does not return it), or None when absent."""
        reply = self._client.call("GET", _path(name), tolerate=(NOT_FOUND,))
        return None if reply.status == NOT_FOUND else reply.json()

    def delete(self, name):
        """Delete one secret; return ``deleted`` or ``absent``.

        A 404 after an attempt that was lost in transit (timeout, dropped connection) counts as
        ``deleted``: that attempt most likely reached AI Core and removed the secret.
        """
        reply = self._client.call("DELETE", _path(name), tolerate=(NOT_FOUND,))
        if reply.status == NOT_FOUND and not reply.after_lost_attempt:
            return "absent"
        return "deleted"


def _path(name):
    check_secret_name(name)  # callers validated already; a second check keeps paths safe by construction
    return "%s/%s" % (COLLECTION, quote(name, safe=""))
