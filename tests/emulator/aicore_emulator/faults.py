# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Switchable misbehaviour: fault rules and the API rate limit.

A fault rule matches requests by method, path regex and endpoint kind, lets its first
``skip`` matches pass, then applies its action ``times`` times (-1: forever). An action
wraps the real operation, so "respond after", "drop after" and "stall after" really do
the work before misbehaving, the case where a client must not blindly repeat a write.
"""

from __future__ import annotations

import collections
import dataclasses
import re
import threading
import time
from typing import Callable  # collections.abc's is not subscriptable before Python 3.9
from dataclasses import dataclass, field

from .config import check_integer, check_number
from .messages import Response, verbatim_response

ENDPOINT_KINDS = ("api", "token", "other")
FOREVER = -1

Operation = Callable[[], Response]


@dataclass
class FaultRule:
    """One rule; ``times`` and ``skip`` count down as requests match."""

    action: str
    method: str | None = None
    path: str | None = None
    endpoint: str | None = None
    times: int = 1
    skip: int = 0
    status: int = 500
    body: str = ""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def matches(self, method: str, path: str, endpoint: str) -> bool:
        """True when every filter the rule sets fits the request."""
        return (
            (self.method is None or self.method == method)
            and (self.endpoint is None or self.endpoint == endpoint)
            and (self.path is None or re.search(self.path, path) is not None)
        )

    def apply(self, operation: Operation) -> Response | None:
        """Run the action around ``operation``; None means "close without answering"."""
        return _ACTIONS[self.action](self, operation)

    def to_dict(self) -> dict:
        """The rule as JSON-ready data, with the remaining counts."""
        return dataclasses.asdict(self)


def _respond(rule: FaultRule, _operation: Operation) -> Response:
    """Answer what the rule says instead of doing the operation."""
    return verbatim_response(rule.status, rule.body, rule.content_type, rule.headers)


def _respond_after(rule: FaultRule, operation: Operation) -> Response:
    """Do the operation, then answer what the rule says (a gateway error after the work was done)."""
    operation()
    return _respond(rule, operation)


def _drop(_rule: FaultRule, _operation: Operation) -> None:
    """Close the connection at once; nothing was done."""


def _drop_after(_rule: FaultRule, operation: Operation) -> None:
    """Do the operation, then close without telling the client it happened."""
    operation()


def _stall(rule: FaultRule, _operation: Operation) -> None:
    """Keep the client waiting, then close; nothing was done (a client timeout case)."""
    time.sleep(rule.delay)


def _stall_after(rule: FaultRule, operation: Operation) -> Response:
    """Do the operation, then answer late (the client may time out although it worked)."""
    response = operation()
    time.sleep(rule.delay)
    return response


def _delay(rule: FaultRule, operation: Operation) -> Response:
    """Wait, then handle the request normally."""
    time.sleep(rule.delay)
    return operation()


_ACTIONS: dict[str, Callable[[FaultRule, Operation], Response | None]] = {
    "respond": _respond,
    "respond_after": _respond_after,
    "drop": _drop,
    "drop_after": _drop_after,
    "stall": _stall,
    "stall_after": _stall_after,
    "delay": _delay,
}


def parse_rule(spec: object) -> FaultRule:
    """A ``FaultRule`` from its JSON form; raises ValueError naming the bad field."""
    if not isinstance(spec, dict):
        raise ValueError(f"a fault rule must be an object, got {spec!r}")
    unknown = sorted(set(spec) - {rule_field.name for rule_field in dataclasses.fields(FaultRule)})
    if unknown:
        raise ValueError(f"unknown fault rule field(s): {', '.join(unknown)}")
    if not isinstance(spec.get("action"), str) or spec["action"] not in _ACTIONS:
        raise ValueError(f"action must be one of {', '.join(_ACTIONS)}, got {spec.get('action')!r}")
    rule = FaultRule(**spec)
    _check_filters(rule)
    _check_counts(rule)
    _check_answer(rule)
    return rule


def _check_filters(rule: FaultRule) -> None:
    if rule.method is not None:
        rule.method = _string("method", rule.method).upper()
    if rule.path is not None:
        try:
            re.compile(_string("path", rule.path))
        except re.error as error:
            raise ValueError(f"path is not a valid regular expression: {error}") from error
    if rule.endpoint is not None and rule.endpoint not in ENDPOINT_KINDS:
        raise ValueError(f"endpoint must be one of {', '.join(ENDPOINT_KINDS)}")


def _check_counts(rule: FaultRule) -> None:
    if rule.times != FOREVER:
        check_integer("times", rule.times, minimum=1)
    check_integer("skip", rule.skip)
    rule.delay = check_number("delay", rule.delay)


def _check_answer(rule: FaultRule) -> None:
    check_integer("status", rule.status, minimum=100)
    if rule.status > 599:
        raise ValueError("status must be at most 599")
    _string("body", rule.body)
    if rule.content_type is not None:
        _string("content_type", rule.content_type)
    if not isinstance(rule.headers, dict) or not all(isinstance(value, str) for value in (*rule.headers, *rule.headers.values())):
        raise ValueError("headers must be an object of strings")


def _string(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


class FaultBook:
    """The active rules, consulted in the order they were added."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, specs: object) -> None:
        """Add one rule or a list of rules; nothing is added if any is invalid."""
        rules = [parse_rule(spec) for spec in (specs if isinstance(specs, list) else [specs])]
        with self._lock:
            self._rules.extend(rules)

    def take(self, method: str, path: str, endpoint: str) -> FaultRule | None:
        """The rule to apply to this request, if any, counting the match against it.

        A match the rule skips lets later rules have their say on the same request.
        """
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path, endpoint):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                self._count_use(rule)
                return rule
        return None

    def _count_use(self, rule: FaultRule) -> None:
        if rule.times == FOREVER:
            return
        rule.times -= 1
        if rule.times == 0:
            self._rules.remove(rule)

    def rules(self) -> list[dict]:
        """The active rules as data."""
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()


class RateLimiter:
    """Admits at most ``limit`` requests in any sliding one-second window, across clients."""

    WINDOW_SECONDS = 1.0

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._admitted: collections.deque[float] = collections.deque()

    def admit(self, limit: int | None) -> bool:
        """Count the request and return True, or return False when over ``limit``."""
        if not limit:
            return True
        with self._lock:
            now = self._clock()
            while self._admitted and self._admitted[0] <= now - self.WINDOW_SECONDS:
                self._admitted.popleft()
            if len(self._admitted) >= limit:
                return False
            self._admitted.append(now)
            return True

    def reset(self) -> None:
        """Forget past requests."""
        with self._lock:
            self._admitted.clear()
