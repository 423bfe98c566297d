# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: what every module shares: its common options and its client.

``aicore_module`` makes the ``AnsibleModule`` with the connection options (and, for modules
that address secrets, the scope options) merged into the module's own; ``client_for`` turns the
task's options into a ready ``AICoreClient`` or fails the task with a message naming the option
at fault.
"""

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, proxy_host
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import RESOURCE_GROUP_ENV, scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import DEFAULT_RETRIES, DEFAULT_TIMEOUT, resolve_settings
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

# Documented once, in doc_fragments/connection.py.
CONNECTION_OPTIONS = dict(
    api_url=dict(type="str"),
    auth_url=dict(type="str"),
    client_id=dict(type="str"),
    client_secret=dict(type="str", no_log=True),
    service_key=dict(type="raw", no_log=True),
    token=dict(type="str", no_log=True),
    client_cert=dict(type="path"),
    client_key=dict(type="path", no_log=False),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="float", default=DEFAULT_TIMEOUT),
    retries=dict(type="int", default=DEFAULT_RETRIES),
)
# A client certificate is useless without its key and the other way round; Ansible refuses either alone
# before the module runs. (A service key's certificate and key are checked by the settings resolver.)
CONNECTION_REQUIRED_TOGETHER = [("client_cert", "client_key")]

# Documented once, in doc_fragments/scope.py.
SCOPE_OPTIONS = dict(
    resource_group=dict(type="str"),
    tenant_scope=dict(type="bool", default=False),
)
# For modules that address no scope (scope.IGNORED): accepted and ignored, because module_defaults for
# group/sap_aicore.admin.aicore commonly set them for the modules that do. Of any type, since nothing reads them.
IGNORED_SCOPE_OPTIONS = dict(
    resource_group=dict(type="raw"),
    tenant_scope=dict(type="raw"),
)

MAX_RETRIES = 10
MAX_TIMEOUT = 3600
PATH_OPTIONS = ("ca_path", "client_cert", "client_key")  # checked up front: requests would raise an OSError mid-run

# Fields of a BTP service key that are no credentials. Ansible hides every value of a no_log
# option, which for a dict service key blanks the client id, the URLs and words like
# "dedicated" wherever they appear in the output, names and messages included. These fields,
# and serviceurls.AI_API_URL, are shown again; every other field (clientsecret, key, anything
# unknown or nested) stays hidden.
DESCRIPTIVE_SERVICE_KEY_FIELDS = frozenset((
    "clientid", "url", "certurl", "identityzone", "identityzoneid", "appname", "credential-type",
    "tenantmode", "uaadomain", "subaccountid", "zoneid", "xsappname", "tenantid",
))


def argument_spec(module_options, scoped=True, token_option=True):
    """The full argument spec of a module: its own options plus the shared ones.

    ``token_option=False`` leaves out ``token``: aicore_token fetches tokens and takes none.
    """
    spec = dict(CONNECTION_OPTIONS)
    if not token_option:
        del spec["token"]
    spec.update(SCOPE_OPTIONS if scoped else IGNORED_SCOPE_OPTIONS)
    spec.update(module_options)
    return spec


def aicore_module(module_options, scoped=True, token_option=True, **module_arguments):
    """The ``AnsibleModule`` of a collection module, with the shared options and their rules merged into its own."""
    module_arguments["required_together"] = CONNECTION_REQUIRED_TOGETHER + list(module_arguments.get("required_together") or [])
    module = AnsibleModule(argument_spec=argument_spec(module_options, scoped, token_option), **module_arguments)
    _show_descriptive_service_key_fields(module)
    return module


def client_for(module, pool_size=1, scoped=True, token_only=False, fail=None):
    """Build the run's client from the task's options; fail the task before any request on bad input.

    ``token_only`` is for aicore_token, which needs no api_url and whose result is the token itself.
    ``fail(msg, **details)`` ends the task instead of ``module.fail_json``, for a module whose result
    must carry more than the message also then (aicore_generic_secret reports every name).
    """
    fail = fail or module.fail_json
    if not HAS_REQUESTS:
        fail(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        _check_options(module.params)
        settings = resolve_settings(module.params, api_url_required=not token_only)
        headers = scope_headers(module.params["resource_group"], module.params["tenant_scope"]) if scoped else {}
    except InputError as error:
        fail(msg=str(error))
    for name, proxy in settings.unencrypted_routes(proxy_for=proxy_host):
        through = " through the proxy %s (set in the environment)" % proxy if proxy else ""
        module.warn("%s uses http://%s, so credentials and tokens travel unencrypted; use https://" % (name, through))
    # Ansible masks the options marked no_log; the client reports the rest (credentials from the service
    # key or the environment, fetched tokens) so that Ansible masks them too.
    return AICoreClient(settings, headers, pool_size=pool_size, on_secret=module.no_log_values.add, mask_tokens=not token_only,
                        scope_source=_source_of_resource_group(module.params))


def finish_run(module, client):
    """Close the run's connections and pass on what the client found worth a warning."""
    client.close()
    for warning in client.warnings:
        module.warn(warning)


def _source_of_resource_group(params):
    if params.get("resource_group") is not None:
        return "option resource_group"
    return "environment variable %s" % RESOURCE_GROUP_ENV


def _check_options(params):
    if not 0 < params["timeout"] <= MAX_TIMEOUT:  # also refuses NaN
        raise InputError("timeout: must be a number of seconds above 0 and at most %d, got %s" % (MAX_TIMEOUT, params["timeout"]))
    for option in PATH_OPTIONS:
        if params[option] and not os.path.exists(params[option]):
            raise InputError("%s: %s does not exist" % (option, params[option]))
    if not 0 <= params["retries"] <= MAX_RETRIES:
        raise InputError("retries: must be between 0 and %d, got %s" % (MAX_RETRIES, params["retries"]))


def _show_descriptive_service_key_fields(module):
    """Stop hiding the descriptive fields of a dict service key, unless a value is also a secret."""
    key = module.params.get("service_key")
    if not isinstance(key, dict):
        return
    descriptive = set(_descriptive_values(key))
    secret = set()
    for option, spec in module.argument_spec.items():
        if spec.get("no_log") and option != "service_key":
            secret.update(_leaves(module.params.get(option)))
    secret.update(value for value in _leaves(key) if value not in descriptive)
    module.no_log_values.difference_update(descriptive - secret)


def _descriptive_values(key):
    """The text values of the descriptive top-level fields, and the AI API URL; nothing nested beyond it."""
    values = [key[field] for field in DESCRIPTIVE_SERVICE_KEY_FIELDS if isinstance(key.get(field), str)]
    urls = key.get("serviceurls")
    if isinstance(urls, dict) and isinstance(urls.get("AI_API_URL"), str):
        values.append(urls["AI_API_URL"])
    return values


def _leaves(value):
    """Every scalar inside ``value``, as the text Ansible masks."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None or isinstance(value, bool) else [str(value)]
