# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the AI Core client every module uses.

It puts together the pieces each kept in one place: settings (``_settings``), scope headers
(``_scope``), the token (``_auth``) and the retrying transport (``_http``). Modules call
``AICoreClient.call`` with a path below ``/v2``; they never build URLs or headers themselves.

``call`` also keeps the rule that makes outcomes true: a 404 the caller would report as "absent"
is believed only once the scope and the API path are proven real (``_proof``).
"""

import copy

from ansible_collections.sap_aicore.admin.plugins.module_utils._auth import TokenSource
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import quotable
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import Transport, new_session
from ansible_collections.sap_aicore.admin.plugins.module_utils._proof import ScopeProof
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import describe

UNAUTHORIZED = 401
NOT_FOUND = 404


class AICoreClient:
    """Authenticated, scoped calls to the AI Core API of one module run."""

    def __init__(self, settings, scope_headers=None, pool_size=1, on_secret=None, mask_tokens=True, session=None, sleep=None,
                 scope_source="option resource_group"):
        """``on_secret`` sees every secret value of the run (credentials, tokens unless ``mask_tokens``
        is false, and what ``hide`` is given), for the module to keep out of its output.
        ``scope_source`` names where the resource group came from, for the message when it does not exist."""
        self.settings = settings
        self._scope_headers = dict(scope_headers or {})
        self.scope = describe(self._scope_headers) if self._scope_headers else "no scope"
        self._on_secret = on_secret or (lambda value: None)
        self._session = session or new_session(settings, pool_size)
        transport_options = {"sleep": sleep} if sleep else {}
        self._transport = Transport(settings, self._session, concurrency=pool_size, **transport_options)
        self.tokens = TokenSource(settings, self._transport, self.hide if mask_tokens else self._transport.redactor.add)
        self.hide(*settings.secrets())
        self.proof = ScopeProof(self, self._scope_headers, scope_source)

    @property
    def warnings(self):
        """What the module should warn about once the run is over."""
        return list(self.proof.warnings)

    def hide(self, *values):
        """Keep these values out of every message (and, through ``on_secret``, out of the module's output)."""
        self._transport.redactor.add(*values)
        for value in values:
            if value:
                self._on_secret(value)

    def quote(self, text):
        """Text from an answer (a status message), fit to show: scrubbed of every secret of the run, shortened."""
        return quotable(text, self._transport.redactor.scrub) if isinstance(text, str) else text

    def in_scope(self, scope_headers, scope_source):
        """A client for another scope over the same connections, token and redaction, with its own proof.

        For a module that looks into several scopes in one run (aicore_resource_group reads the
        secrets of each group it deletes) without a token request per scope.
        """
        other = copy.copy(self)
        other._scope_headers = dict(scope_headers)
        other.scope = describe(other._scope_headers)
        other.proof = ScopeProof(other, other._scope_headers, scope_source)
        return other

    def authenticate(self):
        """Get the token now, so that bad credentials fail once, before any work starts."""
        return self.tokens.current()

    def call(self, method, path, ok=(200,), tolerate=(), scoped=True, proves_scope=True, prove_404=True, **request_options):
        """Send one API request; return the ``Reply`` when its status is in ``ok`` or ``tolerate``.

        A tolerated 404 is the caller's "not there": it is returned only once the scope and the API
        path are proven real, else the ``AICoreError`` that says which is wrong is raised. Any other
        status raises ``AICoreError`` quoting AI Core's error code, message and request id.
        ``scoped=False`` leaves the scope headers off (for endpoints of the whole tenant).
        ``proves_scope=False`` for answers that would look the same in a scope that does not exist,
        such as a listing, which may be empty there. ``prove_404=False`` for a 404 that is no outcome of
        its own, because a write follows whose answer proves or refutes the scope anyway.
        """
        reply = self.request(method, path, scoped=scoped, **request_options)
        if 200 <= reply.status < 300 and proves_scope and (scoped or not self._scope_headers):
            self.proof.saw_success()
        if reply.status in ok or reply.status in tolerate:
            if reply.status == NOT_FOUND and NOT_FOUND in tolerate and prove_404:
                self.proof.confirm()
            return reply
        if reply.status == UNAUTHORIZED:
            raise reply.error(self._rejected_token_summary(method, reply.url))
        raise self.failure(reply, "%s %s failed" % (method, reply.url), scoped)

    def failure(self, reply, summary, scoped=True):
        """The ``AICoreError`` for an answer that is not what the caller needed: the scope's fault when
        the scope turns out not to exist, else what the answer says."""
        error = reply.error(summary)
        return self.proof.explain(error) if scoped else error

    def request(self, method, path, scoped=True, headers=None, **request_options):
        """One API request with the run's token (renewed once when rejected); the ``Reply``, whatever its status.

        ``headers`` are sent besides the token and the scope's (for example ``Prefer``)."""
        url = self.settings.api_url + path
        headers = dict(headers or {})
        if scoped:
            headers.update(self._scope_headers)
        token = self.tokens.current()
        reply = self._send(method, url, token, headers, request_options)
        if reply.status == UNAUTHORIZED:
            renewed = self.tokens.renew(token)
            if renewed is not None:
                reply = self._send(method, url, renewed, headers, request_options)
        return reply

    def close(self):
        self._session.close()

    def _send(self, method, url, token, more_headers, request_options):
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        headers.update(more_headers)
        return self._transport.send(method, url, headers=headers, **request_options)

    def _rejected_token_summary(self, method, url):
        if self.settings.uses_given_token:
            return (
                "%s %s: AI Core rejected the token from %s as invalid or expired; get a fresh one with "
                "sap_aicore.admin.aicore_token, or give client credentials instead"
                % (method, url, self.settings.source_of("token"))
            )
        return "%s %s: AI Core rejected a freshly fetched token even after fetching it anew" % (method, url)
