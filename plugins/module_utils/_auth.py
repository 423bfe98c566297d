# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the bearer token of one module run.

Either the token the task gave, or one fetched with XSUAA client credentials on first use and
shared by every request of the run. A fetched token is replaced whenever it runs out: shortly
before the end of the life ``expires_in`` gave it, and when AI Core rejects it. A token that is
rejected although it was fetched because its predecessor was rejected, and only moments ago, is
not replaced again: fetching more would only loop.
"""

import json
import math
import threading
import time

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError, is_html, quotable
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import MAX_TOKEN_ANSWER
from ansible_collections.sap_aicore.admin.plugins.module_utils._keyfiles import GivenFiles, PrivatePair
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import X509
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_header_value

TOKEN_STATUSES_FOR_BAD_CREDENTIALS = (400, 401, 403)
MAX_LIFETIME = 10 * 365 * 24 * 3600  # longer than any token lives; more means the answer is broken
RENEW_BEFORE_END = 60.0  # seconds; a shorter-lived token is renewed when a tenth of its life is left
JUST_FETCHED = 60.0  # seconds: a replacement rejected this soon is not replaced again


class FetchedToken:
    """An access token and how long the token endpoint said it lives (None if it did not say)."""

    def __init__(self, access_token, expires_in):
        self.access_token = access_token
        self.expires_in = expires_in


class TokenSource:
    """Hands out the run's token; ``on_new_token`` sees every token so the module can mask it. Thread-safe."""

    def __init__(self, settings, transport, on_new_token=None, clock=time.monotonic):
        self._settings = settings
        self._transport = transport
        self._on_new_token = on_new_token or (lambda token: None)
        self._clock = clock
        self._lock = threading.Lock()
        self._token = settings.token
        self._renew_at = None  # when the fetched token is near its end; None when its life is unknown
        self._fetched_at = None
        self._replaces_rejected = False  # the current token was fetched because AI Core rejected the one before
        self.fetched = None

    @property
    def can_renew(self):
        return not self._settings.uses_given_token

    def current(self):
        """The token to send now: fetched on first use, and fetched anew when the current one is about to expire."""
        with self._lock:
            if self._token is None or (self._renew_at is not None and self._clock() >= self._renew_at):
                self._replace(replaces_rejected=False)
            return self._token

    def renew(self, rejected_token):
        """Replace a fetched token AI Core rejected; return the token to retry with, or None to give up."""
        if not self.can_renew:
            return None
        with self._lock:
            if self._token != rejected_token:  # another worker already renewed it
                return self._token
            if self._replaces_rejected and self._clock() - self._fetched_at < JUST_FETCHED:
                return None
            self._replace(replaces_rejected=True)
            return self._token

    def _replace(self, replaces_rejected):
        requested_at = self._clock()  # the token's life started no earlier than this
        self._token = self._fetch()
        self._fetched_at = requested_at
        self._replaces_rejected = replaces_rejected
        lifetime = self.fetched.expires_in
        self._renew_at = self._fetched_at + lifetime - min(RENEW_BEFORE_END, lifetime / 10.0) if lifetime else None

    def _fetch(self):
        settings = self._settings
        form = {"grant_type": "client_credentials", "client_id": settings.client_id}
        if settings.auth == X509:
            with self._certificate_files() as files:
                try:
                    reply = self._post(form, cert=files)
                except AICoreError as error:
                    raise error.noting("client_cert from %s, client_key from %s"
                                       % (settings.source_of("client_cert"), settings.source_of("client_key")))
        else:
            form["client_secret"] = settings.client_secret
            reply = self._post(form)
        if reply.status in TOKEN_STATUSES_FOR_BAD_CREDENTIALS:
            raise _token_error(reply, (
                "authentication failed at %s for client id %r (%s): check the %s, and that %s (from %s) is the XSUAA URL "
                "of the service key (%s)"
                % (settings.token_url, settings.client_id, self._credential_sources(), self._credential_words(),
                   "auth_url", settings.source_of("auth_url"), "certurl" if settings.auth == X509 else "url")
            ))
        if reply.status != 200:
            raise _token_error(reply, "the token request to %s failed" % settings.token_url)
        self.fetched = _read_token(reply)
        self._on_new_token(self.fetched.access_token)
        return self.fetched.access_token

    def _post(self, form, **tls_options):
        return self._transport.send("POST", self._settings.token_url, data=form, headers={"Accept": "application/json"},
                                    max_answer_bytes=MAX_TOKEN_ANSWER, **tls_options)

    def _certificate_files(self):
        """The client certificate and key as files, for as long as the token request takes."""
        settings = self._settings
        if settings.client_cert:
            return GivenFiles(settings.client_cert, settings.client_key)
        return PrivatePair(settings.client_cert_pem, settings.client_key_pem)

    def _credential_sources(self):
        names = ("client_id", "client_cert", "client_key") if self._settings.auth == X509 else ("client_id", "client_secret")
        return ", ".join("%s from %s" % (name, self._settings.source_of(name)) for name in names)

    def _credential_words(self):
        return "client id and certificate" if self._settings.auth == X509 else "client id and secret"


def _token_error(reply, summary):
    """An error for a token answer, quoting only XSUAA's ``error`` and ``error_description``.

    Any other body (form-encoded, HTML, JSON of another shape) is left out: a token endpoint that
    answers in an unexpected format may have put a token in it.
    """
    try:
        document = json.loads(reply.text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("error"), str):
        return AICoreError(summary, status=reply.status, attempts=reply.attempts)
    description = document.get("error_description")
    scrub = reply.redactor.scrub
    return AICoreError(summary, status=reply.status, code=quotable(document["error"], scrub, limit=100) or None,
                       detail=quotable(description, scrub) if isinstance(description, str) and description else None,
                       attempts=reply.attempts)


def _read_token(reply):
    try:
        document = json.loads(reply.text)
    except ValueError:
        raise AICoreError("the token endpoint %s answered 200 with %s" % (reply.url, _describe_non_json(reply)), status=reply.status)
    access_token = document.get("access_token") if isinstance(document, dict) else None
    if not isinstance(access_token, str) or not access_token.strip():
        raise AICoreError("the token endpoint %s answered 200 without an access_token in its JSON body" % reply.url, status=reply.status)
    try:
        check_header_value(access_token, "access_token")
    except InputError:
        raise AICoreError("the token endpoint %s answered with an access_token that cannot be sent in a header" % reply.url)
    return FetchedToken(access_token, _lifetime(document.get("expires_in")))


def _describe_non_json(reply):
    """Names an HTML page by its title (a login page or a proxy's); any other body is not quoted, since
    in an unexpected format it may still hold a token."""
    if is_html(reply.text, reply.content_type):
        return "a body that is not JSON: " + reply.quoted_body().message
    return "a body that is not JSON (not quoted: it may hold a token in another format)"


def _lifetime(expires_in):
    """Seconds from ``expires_in`` when it is a sane number, else None."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or not math.isfinite(expires_in):
        return None
    return int(expires_in) if 0 <= expires_in <= MAX_LIFETIME else None
