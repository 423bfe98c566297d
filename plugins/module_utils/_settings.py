# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: where connection settings come from.

Each setting is taken from the first source that has it: the task's option, then the service
key, then the environment. The name of that source (never the value) is kept, so failure
messages can say where a wrong setting came from.
"""

import json
import os

from urllib.parse import urlsplit

from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_header_value

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

# Where each setting sits inside a BTP service key.
SERVICE_KEY_FIELDS = {
    "api_url": ("serviceurls", "AI_API_URL"),
    "auth_url": ("url",),
    "client_id": ("clientid",),
    "client_secret": ("clientsecret",),
}

TOKEN_PATH = "/oauth/token"


class Settings(object):
    """Resolved connection settings; ``sources`` maps each setting to where it came from."""

    def __init__(self, values, sources, params):
        self.api_url = values.get("api_url")
        self.token_url = values.get("token_url")
        self.client_id = values.get("client_id")
        self.client_secret = values.get("client_secret")
        self.token = values.get("token")
        self.sources = sources
        self.validate_certs = params.get("validate_certs", True)
        self.ca_path = params.get("ca_path")
        self.timeout = params.get("timeout") or 30
        self.retries = params.get("retries", 3)

    @property
    def uses_given_token(self):
        return self.token is not None

    @property
    def tls_verify(self):
        """What ``requests`` takes as ``verify``: a CA bundle path, or whether to check at all."""
        if not self.validate_certs:
            return False
        return self.ca_path or True

    def source_of(self, setting):
        return self.sources.get(setting, "nowhere")


def resolve_settings(params, environ=None):
    """Build ``Settings`` from module parameters, or raise ``InputError`` naming what is missing."""
    environ = os.environ if environ is None else environ
    service_key, service_key_source = _service_key(params, environ)
    values, sources = {}, {}
    for setting in ("api_url", "auth_url", "client_id", "client_secret"):
        value, source = _first_of(setting, params, service_key, service_key_source, environ)
        if value is not None:
            values[setting], sources[setting] = value, source
    _choose_auth(params, environ, values, sources)
    _require(values, sources)
    values["api_url"] = api_root(values["api_url"], sources["api_url"])
    if "auth_url" in values:
        values["token_url"] = token_url(values.pop("auth_url"), sources["auth_url"])
    return Settings(values, sources, params)


def _first_of(setting, params, service_key, service_key_source, environ):
    if params.get(setting) is not None:
        return params[setting], "option %s" % setting
    value = _dig(service_key, SERVICE_KEY_FIELDS[setting])
    if value is not None:
        return value, "%s (%s)" % (service_key_source, ".".join(SERVICE_KEY_FIELDS[setting]))
    variable = ENVIRONMENT[setting]
    if environ.get(variable):
        return environ[variable], "environment variable %s" % variable
    return None, None


def _choose_auth(params, environ, values, sources):
    """Pick one way to authenticate.

    A token given as an option wins. Client credentials (from options, the service key or the
    environment) come next. A token from ``AICORE_TOKEN`` is used only when no client credentials
    are configured, so a stale variable cannot shadow credentials a task names.
    """
    if params.get("token"):
        values["token"], sources["token"] = params["token"], "option token"
    elif "client_id" not in values and "client_secret" not in values and environ.get(ENVIRONMENT["token"]):
        values["token"], sources["token"] = environ[ENVIRONMENT["token"]], "environment variable AICORE_TOKEN"
    if "token" in values:
        check_header_value(values["token"], sources["token"])


def _require(values, sources):
    if not values.get("api_url"):
        raise InputError("no api_url: set api_url, AICORE_BASE_URL, or serviceurls.AI_API_URL in the service key")
    if "token" in values:
        return
    missing = [name for name in ("auth_url", "client_id", "client_secret") if not values.get(name)]
    if missing:
        given = ", ".join("%s from %s" % (name, sources[name]) for name in ("auth_url", "client_id", "client_secret") if name in sources)
        raise InputError(
            "no way to authenticate: missing %s. Give token (or AICORE_TOKEN), or client credentials: "
            "auth_url / client_id / client_secret as options, in service_key (url, clientid, clientsecret), "
            "or as AICORE_AUTH_URL / AICORE_CLIENT_ID / AICORE_CLIENT_SECRET%s"
            % (", ".join(missing), "; found " + given if given else "")
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
    check_header_value(url, source)
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("%s: %r is not an http(s) URL with a host" % (source, url))
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError("%s: must not carry a query, a fragment or user credentials" % source)
    return url.strip()


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
        raise InputError("%s: is neither JSON nor the path of a readable file" % source)
    try:
        with open(path) as key_file:
            return key_file.read()
    except (IOError, OSError) as error:
        raise InputError("%s: cannot read %s: %s" % (source, path, error.strerror))


def _dig(mapping, path):
    for field in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(field)
    return mapping if mapping not in ("", None) else None
