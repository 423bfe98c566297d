# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``/_emulator/...`` endpoints: the Python API of ``Emulator`` over HTTP, as JSON.

They need no token, so playbooks can steer the emulator with ``ansible.builtin.uri``.
Each endpoint is a thin translation to one ``Emulator`` method, so the two APIs cannot
drift apart. Bad input gets 400 with an AI Core style error body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from .messages import ApiError, Request, Response, json_error, json_response

if TYPE_CHECKING:
    from .emulator import Emulator

OK = {"ok": True}


class ControlApi:
    """Routes control requests to an ``Emulator``."""

    def __init__(self, emulator: Emulator):
        self._emulator = emulator
        self._routes: dict[tuple[str, str], Callable[[Request], object]] = {
            ("POST", "/_emulator/reset"): self._reset,
            ("POST", "/_emulator/seed"): self._seed,
            ("GET", "/_emulator/store"): self._store,
            ("GET", "/_emulator/resource_groups"): lambda _request: {"resource_groups": emulator.resource_groups()},
            ("GET", "/_emulator/log"): lambda _request: {"requests": emulator.log()},
            ("DELETE", "/_emulator/log"): self._clear_log,
            ("GET", "/_emulator/faults"): lambda _request: {"faults": emulator.faults()},
            ("POST", "/_emulator/faults"): self._add_faults,
            ("DELETE", "/_emulator/faults"): self._clear_faults,
            ("GET", "/_emulator/config"): lambda _request: emulator.config(),
            ("POST", "/_emulator/config"): self._configure,
            ("GET", "/_emulator/tokens"): lambda _request: {"tokens": emulator.issued_tokens()},
            ("POST", "/_emulator/tokens/expire"): self._expire_tokens,
            ("POST", "/_emulator/setup"): lambda request: {"ok": True, **emulator.setup(_json_body(request))},
            ("GET", "/_emulator/state"): lambda _request: emulator.state(),
        }

    def handle(self, request: Request) -> Response:
        """Answer one control request."""
        route = self._routes.get((request.method, request.path))
        if route is None:
            return json_error(404, "NotFound", f"no control endpoint {request.method} {request.path}")
        try:
            return json_response(200, route(request))
        except ApiError as error:
            return error.to_response()
        except ValueError as error:
            return json_error(400, "InvalidControlRequest", str(error))

    def _reset(self, _request: Request) -> dict:
        self._emulator.reset()
        return OK

    def _seed(self, request: Request) -> dict:
        return {"ok": True, "seeded": self._emulator.seed_document(_json_body(request))}

    def _store(self, request: Request) -> dict:
        scope = request.query.get("scope")
        if scope is None:
            return self._emulator.store()
        return {"secrets": self._emulator.store(scope)}

    def _clear_log(self, _request: Request) -> dict:
        self._emulator.clear_log()
        return OK

    def _add_faults(self, request: Request) -> dict:
        self._emulator.add_fault(_json_body(request))
        return {"faults": self._emulator.faults()}

    def _clear_faults(self, _request: Request) -> dict:
        self._emulator.clear_faults()
        return OK

    def _configure(self, request: Request) -> dict:
        changes = _json_body(request)
        if not isinstance(changes, dict):
            raise ValueError("the config body must be an object of settings")
        return self._emulator.configure(**changes)

    def _expire_tokens(self, _request: Request) -> dict:
        self._emulator.expire_tokens()
        return OK


def _json_body(request: Request) -> object:
    """The JSON body; raises ValueError (a 400) when it is missing or not JSON."""
    if not request.body:
        raise ValueError("this control endpoint needs a JSON body")
    return json.loads(request.body)
