# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: proving, once per run, that a 404 means "not there".

AI Core answers 404 for a secret that does not exist, but also, as far as anyone can tell from
SAP's documentation, for a resource group that does not exist, and any server answers 404 for
an API path it does not have (an ``api_url`` ending in ``/v2/admin`` or ``/api``). Reporting
``absent`` on such a 404 would tell a cleanup job that work was done which never happened. So
before the client lets a 404 (or an empty listing) become an outcome, the scope and the API
path must have been proven real: by any earlier success in this scope, or by one request that
asks for exactly that. The verdict is kept for the run, so a task sends at most one such
request, and none when no 404 is ever seen.
"""

import threading

from urllib.parse import quote

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import RESOURCE_GROUP_HEADER, TENANT_SCOPE_HEADER

RESOURCE_GROUPS = "/admin/resourceGroups"
SECRETS = "/admin/secrets"
OK = 200
NOT_FOUND = 404
REFUSED = (401, 403)  # the token may not read resource groups: the check cannot be made, the task goes on
# Answers to a scoped request that may mean "no such scope" rather than what they say: the
# undocumented answers to an unknown resource group (404, 400, or the gateway's 403).
MAYBE_WRONG_SCOPE = (400, 403, 404)


class ScopeProof:
    """Whether this run's scope and API path are real; asks AI Core at most once."""

    def __init__(self, client, scope_headers, scope_source):
        self._client = client
        self._group = None if TENANT_SCOPE_HEADER in scope_headers else scope_headers.get(RESOURCE_GROUP_HEADER)
        self._tenant = TENANT_SCOPE_HEADER in scope_headers
        self._scope_source = scope_source
        self._lock = threading.Lock()
        self._proven = False
        self._refutation = None  # the AICoreError every affected name fails with, once known
        self.warnings = []

    def saw_success(self):
        """A 2xx answer in this scope proves the scope and the path: later 404s mean what they say."""
        self._proven = True

    def confirm(self):
        """Return when a 404 in this scope can be believed; raise the ``AICoreError`` that says why not."""
        if self._proven:
            return
        with self._lock:  # the other workers wait for the one verdict instead of asking again
            if not self._proven and self._refutation is None:
                self._check()
        if self._refutation is not None:
            raise self._refutation

    def explain(self, error):
        """The error to report for a failed request of this scope: the scope's own fault when it is not real."""
        if error.status not in MAYBE_WRONG_SCOPE or self._proven:
            return error
        try:
            self.confirm()
        except AICoreError as refutation:
            return refutation
        return error

    def _check(self):
        if self._group is not None:
            reply = self._ask(RESOURCE_GROUPS + "/" + quote(self._group, safe=""))
        elif self._tenant:
            reply = self._ask(SECRETS, scoped=True, params={"$top": 1})
        else:
            reply = self._ask(RESOURCE_GROUPS, params={"$top": 1})
        if reply.status == OK:
            self._proven = True
        elif reply.status in REFUSED:
            self._proven = True  # as far as anyone can tell; said once, as a warning
            self.warnings.append(
                "could not verify that %s exists (%s %s answered %s, so the token may not read it): "
                "names reported absent were answered 404 and are absent only if %s and api_url are right"
                % (self._scope_words(), reply.method, reply.url, reply.status, self._scope_words()))
        elif reply.status == NOT_FOUND and self._group is not None and self._path_is_real():
            self._refutation = AICoreError(
                "resource group %r does not exist in this tenant (%s %s answered 404), so no answer in it proves "
                "anything; check resource_group (from %s) for a typo, or create the group first"
                % (self._group, reply.method, reply.url, self._scope_source))
        elif reply.status == NOT_FOUND:
            self._refutation = AICoreError(
                "api_url %s (from %s) does not lead to the AI Core API: %s %s answered 404. Give the AI_API_URL "
                "of the service key, with or without /v2 and nothing after it"
                % (self._api_root(), self._client.settings.source_of("api_url"), reply.method, reply.url))
        else:
            self._refutation = reply.error(
                "cannot prove that %s exists, so a 404 cannot be reported as absent: %s %s failed"
                % (self._scope_words(), reply.method, reply.url))

    def _path_is_real(self):
        """For a group that answered 404: does the resource groups listing exist at this api_url?"""
        return self._ask(RESOURCE_GROUPS, params={"$top": 1}).status == OK

    def _ask(self, path, scoped=False, params=None):
        return self._client.request("GET", path, scoped=scoped, params=params)

    def _scope_words(self):
        return "resource group %r" % self._group if self._group is not None else "the API path of api_url " + self._api_root()

    def _api_root(self):
        return self._client.settings.api_url[:-len("/v2")]
