# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the AI Core client every module uses.

It puts together the pieces each kept in one place: settings (``_settings``), scope headers
(``_scope``), the token (``_auth``) and the retrying transport (``_http``). Modules call
``AICoreClient.call`` with a path below ``/v2``; they never build URLs or headers themselves.
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._auth import TokenSource
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import Transport, new_session
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import describe

UNAUTHORIZED = 401


class AICoreClient(object):
    """Authenticated, scoped calls to the AI Core API of one module run."""

    def __init__(self, settings, scope_headers=None, pool_size=1, on_secret=None, mask_tokens=True, session=None, sleep=None):
        """``on_secret`` sees every secret value of the run (credentials, tokens unless ``mask_tokens``
        is false, and what ``hide`` is given), for the module to keep out of its output."""
        self.settings = settings
        self._scope_headers = dict(scope_headers or {})
        self.scope = describe(self._scope_headers) if self._scope_headers else "no scope"
        self._on_secret = on_secret or (lambda value: None)
        self._session = session or new_session(settings, pool_size)
        transport_options = {"sleep": sleep} if sleep else {}
        self._transport = Transport(settings, self._session, concurrency=pool_size, **transport_options)
        self.tokens = TokenSource(settings, self._transport, self.hide if mask_tokens else self._transport.redactor.add)
        self.hide(*settings.secrets())

    def hide(self, *values):
        """Keep these values out of every message (and, through ``on_secret``, out of the module's output)."""
        self._transport.redactor.add(*values)
        for value in values:
            if value:
                self._on_secret(value)

    def authenticate(self):
        """Get the token now, so that bad credentials fail once, before any work starts."""
        return self.tokens.current()

    def call(self, method, path, ok=(200,), tolerate=(), **request_options):
        """Send one API request; return the ``Reply`` when its status is in ``ok`` or ``tolerate``.

        Any other status raises ``AICoreError`` quoting AI Core's error code, message and request id.
        """
        url = self.settings.api_url + path
        token = self.tokens.current()
        reply = self._send(method, url, token, request_options)
        if reply.status == UNAUTHORIZED:
            renewed = self.tokens.renew(token)
            if renewed is not None:
                reply = self._send(method, url, renewed, request_options)
        if reply.status in ok or reply.status in tolerate:
            return reply
        if reply.status == UNAUTHORIZED:
            raise reply.error(self._rejected_token_summary(method, url))
        raise reply.error("%s %s failed" % (method, url))

    def close(self):
        self._session.close()

    def _send(self, method, url, token, request_options):
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        headers.update(self._scope_headers)
        return self._transport.send(method, url, headers=headers, **request_options)

    def _rejected_token_summary(self, method, url):
        if self.settings.uses_given_token:
            return (
                "%s %s: AI Core rejected the token from %s as invalid or expired; get a fresh one with "
                "sap_aicore.admin.aicore_token, or give client credentials instead"
                % (method, url, self.settings.source_of("token"))
            )
        return "%s %s: AI Core rejected a freshly fetched token even after fetching it anew" % (method, url)
