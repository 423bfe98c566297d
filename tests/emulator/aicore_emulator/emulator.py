# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``Emulator``: the local AI Core and token endpoint, started and steered from Python.

One plain HTTP listener always serves the API, the token endpoint and the control
endpoints. With ``tls=True`` two more start: the same API over TLS, and a token-only
listener that demands a client certificate (X.509 service keys). Everything binds to
127.0.0.1 on free ports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from secrets import token_urlsafe
from typing import TYPE_CHECKING

from .config import Settings, SettingsHolder, check_number
from .control import ControlApi
from .dispatch import Dispatcher
from .http_server import Listener, start_listener
from .messages import MTLS_LISTENER, PLAIN_LISTENER, TLS_LISTENER
from .oauth import TokenEndpoint
from .resource_groups import check_seeded_ids
from .scopes import parse_scope, resource_group_of
from .seeding import parse_seed_document, parse_seed_secrets
from .state import EmulatorState

if TYPE_CHECKING:
    from .tls import TlsFiles

DEFAULT_CLIENT_ID = "sb-emulator-client!t1"
ENV_PREFIX = "AICORE_EMULATOR_"
SETUP_FIELDS = frozenset(("reset", "config", "faults", "seed"))


class Emulator:
    """A running (after ``start``) emulator; also a context manager."""

    def __init__(
        self,
        tls: bool = False,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str | None = None,
        latency: float = 0.0,
        tls_dir: str | None = None,
        resource_groups: Iterable[str] = (),
    ):
        """``tls_dir``: where to create the certificate directory (default: the system temp dir).

        ``resource_groups``: the groups the tenant has at start and after every reset, besides
        ``default`` (which it always has). ``STANDARD_RESOURCE_GROUPS`` is the list the
        launchers use.

        Test runners that end processes without teardown (ansible-test units forks every
        test) should point it at a directory they clean up themselves.
        """
        self.tls = tls
        self.tls_dir = tls_dir
        self.client_id = client_id
        # Random per instance, and long, so leak scans can search output for it.
        self.client_secret = client_secret or token_urlsafe(32)
        self._state = EmulatorState(
            settings=SettingsHolder(Settings(latency=check_number("latency", latency))),
            startup_resource_groups=tuple(resource_groups),
        )
        token_endpoint = TokenEndpoint(self._state.tokens, self._state.settings, self.client_id, self.client_secret)
        self._dispatcher = Dispatcher(self._state, token_endpoint, ControlApi(self).handle)
        self._listeners: dict[str, Listener] = {}
        self._tls_files: TlsFiles | None = None

    # Life cycle

    def start(self) -> Emulator:
        """Bind the listeners (and generate certificates with ``tls``); returns self."""
        if self._listeners:
            raise RuntimeError("the emulator is already running")
        try:
            self._listeners[PLAIN_LISTENER] = start_listener(self._dispatcher, PLAIN_LISTENER)
            if self.tls:
                # Imported here: cryptography is needed for TLS only, plain HTTP works without it.
                from .tls import create_tls_files  # pylint: disable=import-outside-toplevel

                self._tls_files = create_tls_files(self.client_id, self.tls_dir)
                self._listeners[TLS_LISTENER] = start_listener(self._dispatcher, TLS_LISTENER, self._tls_files.server_context())
                self._listeners[MTLS_LISTENER] = start_listener(self._dispatcher, MTLS_LISTENER, self._tls_files.mtls_context())
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every listener and delete the certificate directory; safe to call twice."""
        for listener in self._listeners.values():
            listener.stop()
        self._listeners.clear()
        if self._tls_files is not None:
            self._tls_files.remove()
            self._tls_files = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()

    # Where to reach it (None when not running, or without TLS for the TLS values)

    @property
    def url(self) -> str | None:
        """The API base, like a service key's AI_API_URL (no /v2)."""
        return self._listener_url(PLAIN_LISTENER)

    @property
    def auth_url(self) -> str | None:
        """The token service base: the token endpoint is ``{auth_url}/oauth/token``."""
        return self.url

    @property
    def tls_url(self) -> str | None:
        """The API (and token endpoint) over TLS, verified with ``ca_file``."""
        return self._listener_url(TLS_LISTENER)

    @property
    def mtls_url(self) -> str | None:
        """The token endpoint behind mutual TLS, like an X.509 service key's certurl."""
        return self._listener_url(MTLS_LISTENER)

    @property
    def tls_files(self) -> TlsFiles | None:
        """Paths of the generated CA, client and untrusted client PEM files."""
        return self._tls_files

    @property
    def ca_file(self) -> str | None:
        """The PEM of the CA that signed the server certificate."""
        return self._tls_file("ca_file")

    @property
    def client_cert(self) -> str | None:
        """PEM of a client certificate the mTLS listener trusts."""
        return self._tls_file("client_cert")

    @property
    def client_key(self) -> str | None:
        """PEM of the key of ``client_cert``."""
        return self._tls_file("client_key")

    @property
    def untrusted_client_cert(self) -> str | None:
        """PEM of a client certificate from a CA the mTLS listener does not trust."""
        return self._tls_file("untrusted_client_cert")

    @property
    def untrusted_client_key(self) -> str | None:
        """PEM of the key of ``untrusted_client_cert``."""
        return self._tls_file("untrusted_client_key")

    def _tls_file(self, name: str) -> str | None:
        return getattr(self._tls_files, name) if self._tls_files else None

    def _listener_url(self, name: str) -> str | None:
        listener = self._listeners.get(name)
        return listener.url if listener else None

    def env(self) -> dict[str, str]:
        """The ``AICORE_EMULATOR_*`` variables that tell a test where everything is."""
        values = {"url": self.url, "auth_url": self.auth_url, "client_id": self.client_id, "client_secret": self.client_secret}
        if self._tls_files is not None:
            values.update(
                tls_url=self.tls_url,
                mtls_url=self.mtls_url,
                ca_file=self.ca_file,
                client_cert=self.client_cert,
                client_key=self.client_key,
                untrusted_client_cert=self.untrusted_client_cert,
                untrusted_client_key=self.untrusted_client_key,
                dir=self._tls_files.directory,
            )
        return {ENV_PREFIX + name.upper(): value for name, value in values.items()}

    # Steering (the control endpoints call exactly these)

    def reset(self) -> None:
        """Empty every store, the log and the fault rules; restore start-up settings and groups."""
        self._state.reset()

    def seed(self, scope: str, secrets: list[dict]) -> None:
        """Put secrets into one scope's store, replacing same-named ones; creates an ``rg:`` scope's group."""
        self._put(parse_scope(scope), parse_seed_secrets(secrets))

    def seed_document(self, document: object) -> int:
        """Apply a seed document (see ``seeding``); returns how many secrets and other objects were seeded."""
        parsed = parse_seed_document(document)
        self.add_resource_groups(parsed.resource_groups)
        for group_id, details in parsed.group_details.items():
            self._state.groups.describe(group_id, details["labels"], details["createdAt"])
        for scope, seeded in parsed.secrets:
            self._put(scope, seeded)
        self.add_resource_groups(dict.fromkeys(group for _kind, group, *_rest in parsed.admin_objects if group is not None))
        for kind, group, name, fields, written, error in parsed.admin_objects:
            self._state.admin_objects.seed(kind, group, name, fields, written, error)
        return sum(len(seeded) for _scope, seeded in parsed.secrets) + len(parsed.admin_objects)

    def seed_file(self, path: str) -> int:
        """Apply a seed document stored as JSON."""
        with open(path, encoding="utf-8") as handle:
            return self.seed_document(json.load(handle))

    def _put(self, scope: str, seeded: list) -> None:
        group = resource_group_of(scope)
        if group is not None:
            self.add_resource_groups([group])
        for secret in seeded:
            self._state.stores.put(scope, secret)

    def add_resource_groups(self, ids: Iterable[str]) -> None:
        """Make these groups exist at once (PROVISIONED); existing ones stay as they are."""
        for group_id in check_seeded_ids(list(ids)):
            self._state.groups.ensure(group_id)

    def resource_groups(self) -> list[dict]:
        """Every group as the API shows it, plus ``deleting`` (a deletion is pending)."""
        return self._state.groups.snapshot()

    @property
    def startup_resource_groups(self) -> list[str]:
        """``default`` and the groups given at start: what reset returns to."""
        return self._state.groups.startup

    def store(self, scope: str | None = None) -> dict:
        """``{name: {"data", "labels", "createdAt"}}`` of a scope, or ``{scope: ...}`` of all."""
        if scope is None:
            return self._state.stores.snapshot_all()
        return self._state.stores.snapshot(parse_scope(scope))

    def admin_objects(self) -> dict[str, list[dict]]:
        """Object store and Docker registry secrets, repositories, applications: ``{kind: [object...]}``.

        Each object as the emulator holds it (see ``AdminObjects.snapshot``): readable fields,
        write count and the SHA-256 of the last write-only value, never the value itself.
        """
        return self._state.admin_objects.snapshot()

    def log(self) -> list[dict]:
        """Every logged request, oldest first."""
        return self._state.log.records()

    def clear_log(self) -> None:
        """Forget logged requests."""
        self._state.log.clear()

    def add_fault(self, rules: dict | list[dict]) -> None:
        """Add one fault rule or a list of them (see ``faults``)."""
        self._state.faults.add(rules)

    def faults(self) -> list[dict]:
        """The active fault rules with their remaining counts."""
        return self._state.faults.rules()

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._state.faults.clear()

    def configure(self, **settings: object) -> dict:
        """Change settings (see ``config.Settings``); returns the settings now in force."""
        return self._state.settings.update(settings).to_dict()

    def config(self) -> dict:
        """The settings now in force."""
        return self._state.settings.current.to_dict()

    def expire_tokens(self) -> None:
        """Every token issued so far now gets ``401 Jwt is expired``."""
        self._state.tokens.expire_all()

    def issued_tokens(self) -> list[str]:
        """Every access token ever issued, for leak scans."""
        return self._state.tokens.issued()

    # One request per step of a test (the control API's /setup and /state)

    def setup(self, document: object) -> dict:
        """Arrange a test in one call: ``{"reset"?, "config"?, "faults"?, "seed"?}``.

        Applied in that order: reset (default true; false keeps stores, faults and settings),
        settings changes, fault rules (one or a list), a seed document; the request log is
        emptied last, so that it holds only what the test does next. Returns how many secrets
        were seeded and the settings and fault rules now in force.
        """
        if not isinstance(document, dict):
            raise ValueError("the setup body must be an object with reset, config, faults and seed")
        unknown = sorted(set(document) - SETUP_FIELDS)
        if unknown:
            raise ValueError(f"unknown setup fields {unknown}; known: {sorted(SETUP_FIELDS)}")
        config = document.get("config") or {}
        if not isinstance(config, dict):
            raise ValueError("config must be an object of settings")
        if not isinstance(document.get("reset", True), bool):
            raise ValueError(f"reset must be true or false, got {document['reset']!r}")
        if document.get("reset", True):
            self.reset()
        self.configure(**config)
        if document.get("faults"):
            self.add_fault(document["faults"])
        seeded = self.seed_document(document["seed"]) if document.get("seed") else 0
        self.clear_log()
        return {"seeded": seeded, "config": self.config(), "faults": self.faults()}

    def state(self) -> dict:
        """What a test checks afterwards, in one call: the request log, each scope's sorted secret names,
        and one list per kind of the other admin objects (``admin_objects``)."""
        stores = self.store()
        return {"requests": self.log(), "stores": {scope: sorted(secrets) for scope, secrets in stores.items()}, **self.admin_objects()}
