# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: where connection settings come from.

Each setting is taken from the first source that has it: the task's option, then the service
key, then the environment. The name of that source (never the value) is kept, so failure
messages can say where a wrong setting came from.
"""

import ipaddress
import json
import os

from urllib.parse import urlsplit

from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_header_value, check_no_control_characters

# The environment variables SAP's SDKs and tools share, by setting.
ENVIRONMENT = {
    "api_url": "AICORE_BASE_URL",
    "auth_url": "AICORE_AUTH_URL",
    "client_id": "AICORE_CLIENT_ID",
    "client_secret": "AICORE_CLIENT_SECRET",
    "token": "AICORE_TOKEN",
    "service_key": "AICORE_SERVICE_KEY",
    "resource_group": "AICORE_RESOURCE_GROUP",
}

# Where each setting sits inside a BTP service key (client-secret and X.509 forms).
SERVICE_KEY_FIELDS = {
    "api_url": ("serviceurls", "AI_API_URL"),
    "auth_url": ("url",),
    "cert_url": ("certurl",),
    "client_id": ("clientid",),
    "client_secret": ("clientsecret",),
    "client_cert": ("certificate",),
    "client_key": ("key",),
}

TOKEN_PATH = "/oauth/token"
# The defaults of the timeout and retries options (the argument spec in _module.py takes them from here).
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 3
GIVEN_TOKEN = "token"
CLIENT_SECRET = "client_secret"
X509 = "x509"


class Settings:
    """Resolved connection settings; ``sources`` maps each setting to where it came from.

    ``auth`` is how to authenticate: ``token`` (given), ``client_secret`` or ``x509``. For X.509,
    ``client_cert``/``client_key`` are file paths, or None with the PEM text in ``*_pem`` (from a
    service key) for the client to write to private temporary files.
    """

    def __init__(self, values, sources, params):
        self.auth = values["auth"]
        self.api_url = values["api_url"]
        self.token_url = values.get("token_url")
        self.client_id = values.get("client_id")
        self.client_secret = values.get("client_secret")
        self.client_cert = values.get("client_cert")
        self.client_key = values.get("client_key")
        self.client_cert_pem = values.get("client_cert_pem")
        self.client_key_pem = values.get("client_key_pem")
        self.token = values.get("token")
        self.sources = sources
        self.validate_certs = params.get("validate_certs", True)
        self.ca_path = params.get("ca_path")
        self.timeout = params.get("timeout") or DEFAULT_TIMEOUT
        self.retries = params.get("retries", DEFAULT_RETRIES)

    @property
    def uses_given_token(self):
        return self.auth == GIVEN_TOKEN

    @property
    def tls_verify(self):
        """What ``requests`` takes as ``verify``: a CA bundle path, or whether to check at all."""
        if not self.validate_certs:
            return False
        return self.ca_path or True

    def unencrypted_routes(self, proxy_for):
        """``(setting, proxy)`` for each URL that would carry credentials or tokens over plain http where others
        can read them: to another machine, or through a proxy (``proxy_for(url)`` names it, or returns None).
        Through a proxy even a loopback address is no protection: the proxy sees the request in clear text."""
        routes = []
        for name, url in (("api_url", self.api_url), ("auth_url", self.token_url)):
            if not url or urlsplit(url).scheme != "http":
                continue
            proxy = proxy_for(url)
            if proxy or not is_loopback(urlsplit(url).hostname):
                routes.append((name, proxy))
        return routes

    def source_of(self, setting):
        return self.sources.get(setting, "nowhere")

    def secrets(self):
        """Every credential value, for the module to keep out of its output."""
        return [value for value in (self.client_secret, self.token, self.client_key_pem) if value]


def resolve_settings(params, environ=None, api_url_required=True):
    """Build ``Settings`` from module parameters, or raise ``InputError`` naming what is missing."""
    environ = os.environ if environ is None else environ
    service_key, service_key_source = _service_key(params, environ)
    sources = Sources(params, service_key, service_key_source, environ)
    auth = _auth_kind(params, service_key, environ)
    values = {"auth": auth, "api_url": sources.first("api_url"), "client_id": sources.first("client_id")}
    if auth == GIVEN_TOKEN:
        values["token"] = sources.first("token")
        check_header_value(values["token"], sources.found["token"])
    elif auth == CLIENT_SECRET:
        values.update(auth_url=sources.first("auth_url"), client_secret=sources.first("client_secret"))
    else:
        values.update(auth_url=sources.first("auth_url", key_field="cert_url"), **sources.certificate())
    _require(values, sources.found, api_url_required)
    if values["api_url"]:
        values["api_url"] = api_root(values["api_url"], sources.found["api_url"])
    if values.get("auth_url"):
        values["token_url"] = token_url(values.pop("auth_url"), sources.found["auth_url"])
    return Settings(values, sources.found, params)


class Sources:
    """Looks a setting up in the task's options, then the service key, then the environment, and
    remembers where each was found."""

    def __init__(self, params, service_key, service_key_source, environ):
        self._params = params
        self._key = service_key
        self._key_source = service_key_source
        self._environ = environ
        self.found = {}

    def first(self, setting, key_field=None):
        key_field = key_field or setting
        if self._params.get(setting) is not None:
            return self._keep(setting, self._params[setting], "option %s" % setting)
        value = self._from_key(key_field)
        if value is not None:
            return self._keep(setting, value, "%s (%s)" % (self._key_source, ".".join(SERVICE_KEY_FIELDS[key_field])))
        variable = ENVIRONMENT.get(setting)
        if variable and self._environ.get(variable):
            return self._keep(setting, self._environ[variable], "environment variable %s" % variable)
        return None

    def certificate(self):
        """The client certificate and key: file paths from options, or PEM text from the service key."""
        if self._params.get("client_cert") or self._params.get("client_key"):
            return {"client_cert": self._option_path("client_cert"), "client_key": self._option_path("client_key")}
        return {"client_cert_pem": self._pem("client_cert"), "client_key_pem": self._pem("client_key")}

    def _option_path(self, setting):
        return self._keep(setting, self._params.get(setting), "option %s" % setting) if self._params.get(setting) else None

    def _pem(self, setting):
        value = self._from_key(setting)
        if value is None:
            return None
        # Service keys pasted through some tools carry the PEM's line breaks as a literal backslash-n.
        pem = value.replace("\\n", "\n")
        return self._keep(setting, pem, "%s (%s)" % (self._key_source, SERVICE_KEY_FIELDS[setting][0]))

    def _from_key(self, key_field):
        """A text field of the service key, or None; a field of the wrong type is refused, naming it and the type wanted."""
        path = SERVICE_KEY_FIELDS.get(key_field, ())
        if not path or self._key is None:
            return None
        mapping = self._key
        for depth, field in enumerate(path):
            value = mapping.get(field)
            wanted = "a string" if depth == len(path) - 1 else "a JSON object"
            if value is None or value == "":
                return None
            if not isinstance(value, str if depth == len(path) - 1 else dict):
                raise InputError("%s: field %s must be %s, got %s" % (self._key_source, ".".join(path[:depth + 1]), wanted, _kind(value)))
            mapping = value
        return mapping

    def _keep(self, setting, value, source):
        self.found[setting] = source
        return value


def _auth_kind(params, service_key, environ):
    """Pick one way to authenticate, from the first source that offers credentials.

    The task's options come first (a token, then a client certificate, then a client secret),
    then the service key (its client secret, else its certificate), then the environment, where
    client credentials beat ``AICORE_TOKEN`` so that a stale variable cannot shadow them.
    """
    if params.get("token"):
        return GIVEN_TOKEN
    if params.get("client_cert") or params.get("client_key"):
        return X509
    if params.get("client_secret"):
        return CLIENT_SECRET
    if _dig(service_key, SERVICE_KEY_FIELDS["client_secret"]):
        return CLIENT_SECRET
    if _dig(service_key, SERVICE_KEY_FIELDS["client_cert"]) or _dig(service_key, SERVICE_KEY_FIELDS["client_key"]):
        return X509
    if environ.get(ENVIRONMENT["token"]) and not environ.get(ENVIRONMENT["client_secret"]):
        return GIVEN_TOKEN
    return CLIENT_SECRET  # also when nothing offers credentials: the message then lists every way


def _require(values, found, api_url_required):
    if api_url_required and not values.get("api_url"):
        raise InputError("no api_url: set api_url, AICORE_BASE_URL, or serviceurls.AI_API_URL in the service key")
    needed = REQUIRED_BY_AUTH[values["auth"]]
    missing = [name for name in needed if not values.get(name) and not values.get(name + "_pem")]
    if not missing:
        return
    seen = ", ".join("%s from %s" % (name, found[name]) for name in sorted(found) if name != "api_url")
    found_text = " Found: %s." % seen if seen else ""
    raise InputError("%s: missing %s. %s%s" % (AUTH_NAMES[values["auth"]], ", ".join(missing), HOW_TO_AUTHENTICATE, found_text))


REQUIRED_BY_AUTH = {
    GIVEN_TOKEN: ("token",),
    CLIENT_SECRET: ("auth_url", "client_id", "client_secret"),
    X509: ("auth_url", "client_id", "client_cert", "client_key"),
}
AUTH_NAMES = {
    GIVEN_TOKEN: "cannot authenticate with a token",
    CLIENT_SECRET: "cannot authenticate with a client secret",
    X509: "cannot authenticate with a client certificate (X.509)",
}
HOW_TO_AUTHENTICATE = (
    "Give token (or AICORE_TOKEN); or client credentials: auth_url, client_id and client_secret as options, "
    "in service_key (url, clientid, clientsecret), or as AICORE_AUTH_URL, AICORE_CLIENT_ID and AICORE_CLIENT_SECRET; "
    "or client_cert and client_key with auth_url and client_id, or an X.509 service key (certurl, clientid, certificate, key)."
)


def api_root(url, source="api_url"):
    """Return the API root ending in ``/v2``, whether or not the configured URL already had it."""
    base = _checked_url(url, source).rstrip("/")
    if base.endswith("/v2"):
        base = base[:-len("/v2")]
    return base + "/v2"


def token_url(url, source="auth_url"):
    """Return the token endpoint: the XSUAA base with ``/oauth/token`` appended unless present."""
    base = _checked_url(url, source).rstrip("/")
    return base if base.endswith(TOKEN_PATH) else base + TOKEN_PATH


def _checked_url(url, source):
    if not isinstance(url, str):
        raise InputError("%s: must be a URL string" % source)
    check_no_control_characters(url, source)
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
    except ValueError:  # for example an unclosed IPv6 bracket, or a port that is not a number
        hostname = None
    if not hostname or parts.scheme not in ("http", "https"):
        raise InputError("%s: is not an http:// or https:// URL with a host" % source)
    if _bad_port(parts):
        raise InputError("%s: has a port that is not a number from 0 to 65535" % source)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError("%s: must not carry a query, a fragment or user credentials" % source)
    return url.strip()


def is_loopback(hostname):
    """Whether the host is this machine: the name localhost, or a loopback address (127.0.0.0/8, ::1).
    Decided on the parsed address, so that a name like 127.attacker.example is not taken for one."""
    if hostname.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _bad_port(parts):
    try:
        parts.port
    except ValueError:
        return True
    return False


def _service_key(params, environ):
    """Return the service key as a dict (or None) and the name of its source."""
    if params.get("service_key") is not None:
        return load_service_key(params["service_key"], "option service_key"), "option service_key"
    if environ.get(ENVIRONMENT["service_key"]):
        source = "environment variable AICORE_SERVICE_KEY"
        return load_service_key(environ[ENVIRONMENT["service_key"]], source), source
    return None, None


def load_service_key(raw, source="service_key"):
    """Accept a dict, a JSON string, or the path of a JSON file; never echo the content in errors."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("%s: must be a dict, a JSON string, or the path of a JSON file" % source)
    text = raw.strip()
    if not text.startswith("{"):
        text = _read_key_file(text, source)
    try:
        key = json.loads(text)
    except ValueError as error:
        # The error position is safe to show; the text around it may hold the secret, so leave it out.
        raise InputError("%s: is not valid JSON (line %s, column %s)" % (source, error.lineno, error.colno))
    if not isinstance(key, dict):
        raise InputError("%s: must be a JSON object" % source)
    return key


def _read_key_file(path, source):
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        shown = " (%s)" % path if _plainly_a_path(path) else ""
        raise InputError("%s: is neither JSON nor the path of a readable file%s" % (source, shown))
    try:
        with open(path) as key_file:
            return key_file.read()
    except (IOError, OSError) as error:
        raise InputError("%s: cannot read %s: %s" % (source, path, error.strerror))


def _kind(value):
    """The JSON name of a value's type, for messages that must not show the value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a %s" % type(value).__name__


def _plainly_a_path(text):
    """Whether a value can be quoted as a path: one short line without the quotes, braces or colons-and-spaces
    of JSON, so that a service key pasted with a typo is never echoed."""
    return len(text) <= 1024 and not any(mark in text for mark in ('"', "{", "}", "\n", "\r", ": ", ","))


def _dig(mapping, path):
    if not path:
        return None
    for field in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(field)
    return mapping if mapping not in ("", None) else None
