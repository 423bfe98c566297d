# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection and authentication options every sap_aicore.admin module takes."""


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - The AI Core API URL, the C(serviceurls.AI_API_URL) of the service key, for example
        C(https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com).
      - A trailing C(/) or C(/v2) is accepted; C(/v2) is never sent twice.
      - Taken, in this order, from this option, O(service_key), or the environment variable E(AICORE_BASE_URL).
    type: str
  auth_url:
    description:
      - The XSUAA URL that issues tokens, the C(url) of the service key.
      - C(/oauth/token) is appended unless the URL already ends with it.
      - Taken, in this order, from this option, O(service_key), or E(AICORE_AUTH_URL).
    type: str
  client_id:
    description:
      - The OAuth client id, the C(clientid) of the service key.
      - Taken, in this order, from this option, O(service_key), or E(AICORE_CLIENT_ID).
    type: str
  client_secret:
    description:
      - The OAuth client secret, the C(clientsecret) of the service key.
      - Taken, in this order, from this option, O(service_key), or E(AICORE_CLIENT_SECRET).
      - Never shown in any output or message.
    type: str
  client_cert:
    description:
      - Path of a PEM client certificate, to get tokens with X.509 instead of a client secret.
      - The token request then goes to O(auth_url) (the C(certurl) of an X.509 service key) over mutual TLS,
        with O(client_id) in the form body.
      - Needs O(client_key).
    type: path
  client_key:
    description:
      - Path of the PEM private key of O(client_cert).
      - Needs O(client_cert).
    type: path
  service_key:
    description:
      - The AI Core service key from SAP BTP, as a dict, a JSON string, or the path of a JSON file.
      - Fills O(api_url), O(auth_url), O(client_id) and O(client_secret) where those options are not set,
        from C(serviceurls.AI_API_URL), C(url), C(clientid) and C(clientsecret).
      - An X.509 service key (C(credential-type) V(x509)) has C(certificate), C(key) and C(certurl) instead of
        C(clientsecret); tokens are then fetched from C(certurl) over mutual TLS. The inline certificate and key
        are written to private temporary files (mode 0600, in a directory of mode 0700) for the token request
        only, and removed right after it.
      - When not set, the environment variable E(AICORE_SERVICE_KEY) is used, which holds the key as JSON
        (or a path to it).
      - Its client secret, private key and any field the module does not know are hidden in all output. The
        descriptive fields of a key given as a dict (C(clientid), the URLs, C(identityzone), C(tenantmode) and the
        like) are shown, so that messages can name the client id and URL at fault.
    type: raw
  validate_certs:
    description:
      - Whether to verify TLS certificates. Turn off only for test systems.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM bundle of CA certificates to trust for AI Core and the token endpoint, instead of the default
        bundle of the Python library C(requests) (C(certifi), or the file named by E(REQUESTS_CA_BUNDLE)).
    type: path
  timeout:
    description:
      - Seconds each attempt of an HTTP request may take as a whole (connecting, the headers and the
        whole body) before it counts as failed (and is retried).
      - A task that gets no usable answer (anything but 429, 5xx, a timeout or a dropped connection) for
        (O(retries) + 1) x (O(timeout) + 120) seconds of sending and waiting gives up and fails its
        remaining names; each usable answer starts the count again.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is repeated after its first attempt when the answer is
        429, 500, 502, 503 or 504, or when the connection fails or times out. 0 to 10.
      - Waits grow exponentially with jitter; a C(Retry-After) header is honoured, up to 120 seconds.
        After a 429, all of the task's requests wait out the pause together.
      - Retries and waits end early once the task has made no progress for
        (O(retries) + 1) x (O(timeout) + 120) seconds; see O(timeout).
    type: int
    default: 3
requirements:
  - requests
notes:
  - Each setting is taken from the first place that has it, in this order; the task's option,
    the service key, the environment.
  - Credentials and tokens never appear in results or messages, also when they come from the
    service key or the environment.
  - "Credentials come from the first source that offers any: the task's options (a client certificate, then a
    client secret), then the service key (its client secret, else its certificate), then the environment."
"""

    # The modules that call AI Core itself, and so can take a token instead of fetching one
    # (aicore_token, which fetches tokens, does not take one).
    TOKEN = r"""
options:
  token:
    description:
      - A bearer token for AI Core, for example from M(sap_aicore.admin.aicore_token). No token request is made,
        and O(auth_url), O(client_id) and O(client_secret) are not needed.
      - When not set, E(AICORE_TOKEN) is used, but only if no client credentials are configured.
      - If AI Core rejects it as invalid or expired, the task fails and says so; it is not refreshed.
    type: str
notes:
  - "A token in O(token) comes before any client credentials. E(AICORE_TOKEN) comes last, and is used only when
    E(AICORE_CLIENT_SECRET) is not set."
  - A token the module fetched itself that AI Core rejects (HTTP 401) is fetched anew once, and the request
    repeated once. A token given in O(token) is never replaced.
"""
