#!/usr/bin/env python
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask a real SAP AI Core tenant what it answers, and write a report (``make test-live``).

    AICORE_SERVICE_KEY=... AICORE_LIVE_RESOURCE_GROUP=my-scratch tests/live/probe_live.py [--tenant-wide]

Opt-in only: it needs a service key (``AICORE_SERVICE_KEY``, JSON or a file path) and the id of
a scratch resource group typed by the user (``AICORE_LIVE_RESOURCE_GROUP``; never ``default``,
never taken from ``AICORE_RESOURCE_GROUP``). In that group it creates, reads, updates and deletes
a few secrets named ``ansible-live-<random>-...``; it asks the questions SAP's documents leave
open (docs/ai-core-api.md) and records the answers: status codes, content types, error codes
and messages, header names. With ``--tenant-wide`` (``AICORE_LIVE_TENANT_WIDE=yes``) it also
creates and deletes one tenant-wide secret, to learn the name of the sync-status field; a tenant
has at most five of those, so that is a separate choice.

It checks the contract itself with ``requests`` and the standard library only: no code of the
collection is used, so a bug there cannot hide one here. Every request has a timeout. Everything
it created is deleted again, also after a failure, Ctrl-C or SIGTERM; what it could not delete
is named in the report and makes it exit 3.

Never in the report: the token, the client secret, the private key or certificate, the secret
data, the service key, the tenant's host names. The report is scrubbed of them and then checked
for each before it is written.

Exit codes: 0 report written, 1 a probe step failed (report written), 2 refused before any
request, 3 something it created is left over, 4 the report would have held a sensitive value
(not written), 130 interrupted (cleanup done, report written).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import requests

SERVICE_KEY_ENV = "AICORE_SERVICE_KEY"
SCRATCH_ENV = "AICORE_LIVE_RESOURCE_GROUP"
TENANT_WIDE_ENV = "AICORE_LIVE_TENANT_WIDE"
YES = ("1", "true", "yes")

# SAP's rule for resource group ids (API reference, BckndResourceGroupsPostRequest).
RESOURCE_GROUP_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]{1,251}[a-zA-Z0-9]")
SECRETS = "/v2/admin/secrets"
RESOURCE_GROUPS = "/v2/admin/resourceGroups"
LABEL_KEY = "ext.ai.sap.com/ansible-live"
EXTRA_LABEL_KEY = "ext.ai.sap.com/ansible-live-extra"
TENANT_WIDE_LIMIT = 5
MAX_LIST_PAGES = 50  # looking for its own names in a listing: bounded, whatever the tenant holds
TEXT_EXCERPT = 300  # characters of a non-JSON body kept in the report
CLEANUP_ATTEMPTS = 3

TENANT = {"AI-Tenant-Scope": "true"}
TENANT_WIDE = {"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"}


class Refused(Exception):
    """Bad or missing input: nothing was sent."""


class ProbeFailed(Exception):
    """A step the rest depends on did not work (the report says which)."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM: stop probing, clean up, write what was learnt."""


def resource_group_scope(group):
    return {"AI-Resource-Group": group}


# --- inputs -----------------------------------------------------------------------------------

def scratch_group(environ):
    """The scratch resource group the user typed, checked; a ``Refused`` otherwise."""
    group = environ.get(SCRATCH_ENV, "")
    if not group:
        raise Refused(f"{SCRATCH_ENV} is not set: name a scratch resource group this probe may create and delete "
                      f"secrets in, e.g. `make test-live {SCRATCH_ENV}=my-scratch`")
    if group == "default":
        raise Refused(f"{SCRATCH_ENV}: refusing `default`, the group every tenant works in; create a scratch group "
                      "for this probe instead")
    if not RESOURCE_GROUP_ID.fullmatch(group):
        raise Refused(f"{SCRATCH_ENV}: a resource group id has 3-253 characters of letters, digits, '.' and '-', "
                      "and starts and ends with a letter or digit")
    return group


def load_service_key(environ):
    """``(key dict, raw text)`` from AICORE_SERVICE_KEY: the key as JSON or the path of a file holding it."""
    value = environ.get(SERVICE_KEY_ENV, "").strip()
    if not value:
        raise Refused(f"{SERVICE_KEY_ENV} is not set: give the service key as JSON or as the path of its file")
    if value.startswith("{"):
        raw, origin = value, SERVICE_KEY_ENV
    else:
        path = Path(value).expanduser()
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as error:
            raise Refused(f"{SERVICE_KEY_ENV}: cannot read {path} ({error.strerror})") from None
        origin = str(path)
    try:
        key = json.loads(raw)
    except ValueError:
        raise Refused(f"{origin}: the service key is not valid JSON") from None  # never quote it
    if not isinstance(key, dict):
        raise Refused(f"{origin}: the service key is not a JSON object")
    return key, raw


class Credentials:
    """What the probe needs from a service key: the token endpoint, the client, the API base."""

    def __init__(self, key):
        self.client_id = _text(key, "clientid")
        self.client_secret = key.get("clientsecret") or None
        self.certificate = _pem(key.get("certificate"))
        self.private_key = _pem(key.get("key"))
        if self.client_secret:
            self.auth_url = _text(key, "url")
        elif self.certificate and self.private_key:
            self.auth_url = key.get("certurl") or _text(key, "url")
        else:
            raise Refused("service key: neither `clientsecret` nor `certificate` and `key`")
        urls = key.get("serviceurls")
        api = urls.get("AI_API_URL") if isinstance(urls, dict) else None
        if not isinstance(api, str) or not api.startswith(("https://", "http://")):
            raise Refused("service key: `serviceurls.AI_API_URL` is missing or not a URL")
        api = api.rstrip("/")
        self.api_url = api[:-3] if api.endswith("/v2") else api  # the probe adds /v2 itself
        self.identity_zone = key.get("identityzone") if isinstance(key.get("identityzone"), str) else None

    @property
    def token_url(self):
        url = self.auth_url.rstrip("/")
        return url if url.endswith("/oauth/token") else url + "/oauth/token"


def _text(key, field):
    value = key.get(field)
    if not isinstance(value, str) or not value:
        raise Refused(f"service key: `{field}` is missing")
    return value


def _pem(value):
    # Some tools store PEM with literal backslash-n sequences instead of line breaks.
    return value.replace("\\n", "\n") if isinstance(value, str) and value else None


# --- scrubbing --------------------------------------------------------------------------------

class Scrubber:
    """Keeps values out of the report.

    Forbidden values (token, client secret, key, secret data, ...) are replaced wherever they occur
    and then searched for before anything is written. Renamed values (the scratch group, the unknown
    group, the tenant's hosts) are not secret but not for a bug report either; they are replaced only
    in what the tenant sent and in request paths, so that a short group id such as ``abc`` never
    rewrites the report's own words.
    """

    def __init__(self):
        self._forbidden = {}  # value -> what it is (placeholder "<what>", and the self-check's message)
        self._renames = {}  # value -> placeholder

    def forbid(self, value, what):
        if isinstance(value, str) and len(value) >= 4:
            self._forbidden[value] = what

    def forbid_pem(self, pem, what):
        self.forbid(pem.strip(), what)
        for line in pem.splitlines():  # one PEM body line alone still gives part of the key away
            if len(line.strip()) >= 16 and not line.startswith("-----"):
                self.forbid(line.strip(), what)

    def rename(self, value, placeholder):
        if isinstance(value, str) and value:
            self._renames[value] = placeholder

    def path(self, path):
        """A request path with renamed segments replaced (whole segments only)."""
        return "/".join(self._renames.get(segment, segment) for segment in path.split("/"))

    def server_text(self, text):
        """Text the tenant sent: forbidden and renamed values replaced, longest first."""
        replacements = {**self._renames, **{value: f"<{what}>" for value, what in self._forbidden.items()}}
        for old in sorted(replacements, key=len, reverse=True):
            text = text.replace(old, replacements[old])
        return text

    def tree(self, value):
        """``value`` with every forbidden value replaced in every string."""
        if isinstance(value, str):
            for old in sorted(self._forbidden, key=len, reverse=True):
                value = value.replace(old, f"<{self._forbidden[old]}>")
            return value
        if isinstance(value, list):
            return [self.tree(item) for item in value]
        if isinstance(value, dict):
            return {self.tree(str(key)): self.tree(item) for key, item in value.items()}
        return value

    def leaks(self, *documents):
        """What each forbidden value is, for those found in any string of ``documents``."""
        strings = list(_strings(documents))
        return sorted({what for value, what in self._forbidden.items() if any(value in text for text in strings)})


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)


# --- talking to the tenant --------------------------------------------------------------------

def fetch_token(credentials, timeout, session, clean):
    """``(token or None, observation)`` from the XSUAA client-credentials grant; ``clean`` scrubs its text."""
    form = {"grant_type": "client_credentials", "client_id": credentials.client_id}
    kwargs = {"data": form, "timeout": timeout, "allow_redirects": False}
    if credentials.client_secret:
        form["client_secret"] = credentials.client_secret
        return _token_answer(session, credentials.token_url, kwargs, clean)
    # X.509: requests wants files; they live only for this one request.
    with tempfile.TemporaryDirectory(prefix="ansible-live-") as directory:
        cert, key = Path(directory, "cert.pem"), Path(directory, "key.pem")
        for path, pem in ((cert, credentials.certificate), (key, credentials.private_key)):
            path.touch(mode=0o600)
            path.write_text(pem, encoding="utf-8")
        kwargs["cert"] = (str(cert), str(key))
        return _token_answer(session, credentials.token_url, kwargs, clean)


def _token_answer(session, url, kwargs, clean):
    observation = {"case": "token", "request": {"method": "POST", "path": "/oauth/token", "scope": "none"},
                   "documented": {"status": 200}}
    try:
        response = session.post(url, **kwargs)
    except requests.RequestException as error:
        observation["transport_error"] = type(error).__name__
        return None, observation
    observation.update(_describe(response, clean))
    body = _json_or_none(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if isinstance(body, dict):
        observation["token_type"] = body.get("token_type")
        observation["expires_in"] = body.get("expires_in")
    return (token if isinstance(token, str) and token else None), observation


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _describe(response, clean):
    """What a bug report needs of an answer: no header value but the content type, no names of other secrets.

    ``clean`` scrubs the text the tenant sent (an error message may name the group or the host).
    """
    described = {
        "status": response.status_code,
        "content_type": response.headers.get("Content-Type"),
        "header_names": sorted({name.lower() for name in response.headers}),
    }
    if not response.content:
        described["body"] = "empty"
        return described
    body = _json_or_none(response)
    if body is None:
        described["body"] = "text"
        described["text"] = clean(response.text[:TEXT_EXCERPT])
        return described
    described["body"] = "json"
    if isinstance(body, dict):
        described["fields"] = sorted(body)
        error = body.get("error")
        if isinstance(error, dict):
            message = error.get("message")
            described["error"] = {
                "code": clean(str(error["code"])) if error.get("code") is not None else None,
                "message": clean(str(message)[:TEXT_EXCERPT]) if message is not None else None,
                "fields": sorted(error),
            }
    else:
        described["json_type"] = type(body).__name__
    return described


def labels_shape(details):
    """``list``, ``object``, ``absent`` or the JSON type found under ``labels``."""
    if "labels" not in details:
        return "absent"
    labels = details["labels"]
    if isinstance(labels, list):
        return "list"
    if isinstance(labels, dict):
        return "object"
    return type(labels).__name__


def labels_as_dict(details):
    labels = details.get("labels")
    if isinstance(labels, dict):
        return {str(key): value for key, value in labels.items()}
    if isinstance(labels, list):
        return {item.get("key"): item.get("value") for item in labels if isinstance(item, dict)}
    return {}


def sync_fields(details):
    """Fields holding a map of resource group -> status (the tenant-wide sync map, whatever its name)."""
    return sorted(name for name, value in details.items() if name not in ("labels",) and isinstance(value, dict))


class Probe:
    """The requests of one run, each recorded as an observation; what it created, for cleanup."""

    def __init__(self, api_url, timeout, session, scrubber):
        self.api_url = api_url
        self.token = None
        self.timeout = timeout
        self.session = session
        self.scrubber = scrubber
        self.observations = []
        self.findings = {}
        self.created = []  # (scope headers, scope label, name), registered before the POST is sent
        self.cleanup = {"deleted": [], "not_deleted": []}
        self.mentions = {}  # placeholder -> raw value: which of these an answer body names

    def call(self, case, method, path, scope, scope_label, documented=None, body=None, params=None,
             authorization="token", note=None):
        """Send one request and record it; returns ``(response or None, observation)``."""
        headers = dict(scope)
        if authorization == "token":
            headers["Authorization"] = f"Bearer {self.token}"
        elif authorization is not None:
            headers["Authorization"] = authorization
        observation = {"case": case, "request": {"method": method, "path": self.scrubber.path(path), "scope": scope_label}}
        if params:
            observation["request"]["query"] = dict(params)
        if documented is not None:
            observation["documented"] = documented
        if note:
            observation["note"] = note
        try:
            response = self.session.request(method, self.api_url + path, headers=headers, json=body, params=params,
                                            timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            observation["transport_error"] = type(error).__name__
            self.observations.append(observation)
            return None, observation
        observation.update(_describe(response, self.scrubber.server_text))
        named = [placeholder for placeholder, value in self.mentions.items() if value in response.text]
        if named:
            observation["body_names"] = named
        if documented is not None and "status" in documented:
            observation["as_documented"] = response.status_code == documented["status"]
        self.observations.append(observation)
        return response, observation

    def ask(self, *args, **kwargs):
        """``call`` for the observation only."""
        return self.call(*args, **kwargs)[1]

    def new_data(self):
        """Secret data for one request: random, and never to be seen in the report."""
        value = secrets.token_urlsafe(18)
        encoded = _b64(value)
        self.scrubber.forbid(value, "secret data")
        self.scrubber.forbid(encoded, "secret data")
        return {"probe": encoded}

    def create(self, case, scope, scope_label, name, labels=None, documented=None):
        body = {"name": name, "data": self.new_data()}
        if labels is not None:
            body["labels"] = labels
        entry = (scope, scope_label, name)
        self.created.append(entry)  # before sending: a POST whose answer is lost may still have created it
        response, observation = self.call(case, "POST", SECRETS, scope, scope_label, documented, body=body)
        if response is not None and 400 <= response.status_code < 500:
            self.created.remove(entry)  # refused: there is nothing to clean up
        return response, observation

    def find_names(self, scope, scope_label, names):
        """Page through a listing until ``names`` are all seen; the observation of the first page."""
        seen, first, skip = set(), None, 0
        for _page in range(MAX_LIST_PAGES):
            response, observation = self.call("list.page" if first else "list", "GET", SECRETS, scope, scope_label,
                                              {"status": 200}, params={"$top": 10, "$skip": skip, "$count": "true"})
            first = first or observation
            body = _json_or_none(response) if response is not None else None
            resources = body.get("resources") if isinstance(body, dict) else None
            if not isinstance(resources, list) or not resources:
                break
            page_names = {item.get("name") for item in resources if isinstance(item, dict)}
            seen |= page_names & set(names)
            labelled = [item for item in resources if isinstance(item, dict) and item.get("name") == names[0]]
            if labelled:  # names[0] was created with a label
                first["labels_shape_in_list"] = labels_shape(labelled[0])
                first["item_fields"] = sorted(labelled[0])
            if seen >= set(names):
                break
            skip += len(resources)
        # Only the first page stays in the report: further pages say nothing new.
        self.observations = [item for item in self.observations if item["case"] != "list.page"]
        first["probe_names_listed"] = sorted(seen) == sorted(names)
        return first


def _b64(text):
    return base64.b64encode(text.encode()).decode()


# --- the questions --------------------------------------------------------------------------

def run_probe(probe, scratch, unknown, tenant_wide):
    """Every question, in order; a ``ProbeFailed`` when a step the others need did not work."""
    rg, unknown_rg = resource_group_scope(scratch), resource_group_scope(unknown)
    scratch_label, unknown_label = "resource group <scratch-group>", "resource group <unknown-group>"
    findings = probe.findings
    prefix = f"ansible-live-{secrets.token_hex(4)}"
    first, second, never = f"{prefix}-a", f"{prefix}-b", f"{prefix}-missing"
    findings["probe_prefix"] = prefix

    # Resource groups: documented 200 for an existing group, 404 for one that does not exist.
    response, scratch_answer = probe.call(
        "resource_group.get.scratch", "GET", f"{RESOURCE_GROUPS}/{scratch}", {}, "none", {"status": 200})
    group = _json_or_none(response) if response is not None else None
    if isinstance(group, dict) and isinstance(group.get("status"), str):
        scratch_answer["group_status"] = group["status"]  # PROVISIONED, PROVISIONING or ERROR
    unknown_answer = probe.ask(
        "resource_group.get.unknown", "GET", f"{RESOURCE_GROUPS}/{unknown}", {}, "none", {"status": 404})
    findings["resource_group_get"] = {"scratch": scratch_answer.get("status"), "unknown": unknown_answer.get("status")}

    # The gateway: answers without a valid token.
    probe.call("gateway.no_token", "GET", SECRETS, rg, scratch_label, authorization=None,
               note="docs/ai-core-api.md: the gateway answers 403 in plain text")
    probe.call("gateway.bad_token", "GET", SECRETS, rg, scratch_label, authorization="Bearer not-a-jwt",
               note="docs/ai-core-api.md: the gateway answers 401 in plain text")

    # Create, read, list, update, delete in the scratch group.
    label = [{"key": LABEL_KEY, "value": "created"}]
    response = probe.create("secret.create", rg, scratch_label, first, labels=label, documented={"status": 200})[0]
    if response is None or response.status_code != 200:
        hint = "; the tenant says the scratch group does not exist: create it first" if scratch_answer.get("status") == 404 else ""
        raise ProbeFailed(f"creating a secret in the scratch group answered {_status(response)}{hint}")
    probe.create("secret.create.no_labels", rg, scratch_label, second, documented={"status": 200})
    response, observation = probe.call("secret.get", "GET", f"{SECRETS}/{first}", rg, scratch_label, {"status": 200})
    details = _json_or_none(response) if response is not None else None
    if isinstance(details, dict):
        observation["labels_shape"] = findings["labels_shape"] = labels_shape(details)
        observation["labels_read_back"] = labels_as_dict(details) == {LABEL_KEY: "created"}
    listing = probe.find_names(rg, scratch_label, [first, second])
    findings["labels_shape_in_list"] = listing.get("labels_shape_in_list")
    _paging(probe, rg, scratch_label)

    updated = [{"key": LABEL_KEY, "value": "patched"}, {"key": EXTRA_LABEL_KEY, "value": "extra"}]
    probe.call("secret.patch", "PATCH", f"{SECRETS}/{first}", rg, scratch_label, {"status": 200},
               body={"data": probe.new_data(), "labels": updated})
    findings["labels_after_patch"] = _labels_now(probe, "secret.get.after_patch", first, rg, scratch_label)
    probe.call("secret.patch.remove_label", "PATCH", f"{SECRETS}/{first}", rg, scratch_label, {"status": 200},
               body={"data": probe.new_data(), "labels": [{"key": EXTRA_LABEL_KEY, "value": ""}]},
               note='a label sent with value "" is removed; labels not sent are kept (help pages)')
    findings["labels_after_removal"] = _labels_now(probe, "secret.get.after_label_removal", first, rg, scratch_label)
    probe.call("secret.patch.labels_only", "PATCH", f"{SECRETS}/{first}", rg, scratch_label,
               body={"labels": [{"key": LABEL_KEY, "value": "labels-only"}]},
               note="unspecified: the API reference requires data, the help pages say labels alone may be sent")

    # What SAP leaves open.
    duplicate = probe.ask("secret.create.duplicate", "POST", SECRETS, rg, scratch_label,
                          body={"name": first, "data": probe.new_data()},
                          note="unspecified: the API reference lists 200 and 400 only")
    findings["duplicate_create"] = {"status": duplicate.get("status"), "code": (duplicate.get("error") or {}).get("code")}
    probe.call("secret.get.missing", "GET", f"{SECRETS}/{never}", rg, scratch_label, {"status": 404})
    missing = probe.ask("secret.delete.missing", "DELETE", f"{SECRETS}/{never}", rg, scratch_label, {"status": 404})
    findings["delete_missing"] = missing.get("status")
    _unknown_group(probe, unknown_rg, unknown_label, first, findings)
    _wrong_paths(probe, rg, scratch_label, never, findings)

    for name in (first, second):
        deleted = probe.ask("secret.delete", "DELETE", f"{SECRETS}/{name}", rg, scratch_label, {"status": 200})
        findings.setdefault("delete_body", deleted.get("body"))
    probe.call("secret.get.after_delete", "GET", f"{SECRETS}/{first}", rg, scratch_label, {"status": 404})

    if tenant_wide:
        _tenant_wide(probe, prefix, findings)


def _status(response):
    return "nothing (the connection failed)" if response is None else response.status_code


def _labels_now(probe, case, name, scope, scope_label):
    response = probe.call(case, "GET", f"{SECRETS}/{name}", scope, scope_label, {"status": 200})[0]
    details = _json_or_none(response) if response is not None else None
    return labels_as_dict(details) if isinstance(details, dict) else None


def _paging(probe, scope, scope_label):
    """Whether ``$top`` is honoured and what ``count`` means without ``$count``."""
    response, observation = probe.call("list.top1", "GET", SECRETS, scope, scope_label, {"status": 200},
                                       params={"$top": 1})
    body = _json_or_none(response) if response is not None else None
    if isinstance(body, dict) and isinstance(body.get("resources"), list):
        observation["page_length"] = len(body["resources"])
        observation["count"] = body.get("count")
        probe.findings["paging_top_1"] = {"page_length": len(body["resources"]), "count_without_$count": body.get("count")}


def _unknown_group(probe, scope, scope_label, existing, findings):
    """Each secrets endpoint with a resource group that does not exist: what comes back."""
    note = "unspecified: the reference says the group must exist, not what happens when it does not"
    answers = {}
    calls = (
        ("list", "GET", SECRETS, None),
        ("get", "GET", f"{SECRETS}/{existing}", None),
        ("patch", "PATCH", f"{SECRETS}/{existing}", {"data": probe.new_data()}),
        ("delete", "DELETE", f"{SECRETS}/{existing}", None),
    )
    for operation, method, path, body in calls:
        observation = probe.ask(f"unknown_group.{operation}", method, path, scope, scope_label, body=body, note=note)
        answers[operation] = observation.get("status")
    name = f"{existing.rsplit('-', 1)[0]}-nx"
    observation = probe.create("unknown_group.post", scope, scope_label, name)[1]
    observation["note"] = note
    answers["post"] = observation.get("status")
    findings["unknown_resource_group"] = answers


def _wrong_paths(probe, scope, scope_label, missing, findings):
    """An api_url with extra path segments: what a request to a path the API does not have gets."""
    answers = {}
    for case, path in (("wrong_path.double_v2", f"/v2{SECRETS}"), ("wrong_path.v2_admin", f"/v2/admin{SECRETS}")):
        observation = probe.ask(case + ".list", "GET", path, scope, scope_label,
                                note="unspecified: a path the API does not have")
        answers[case + ".list"] = observation.get("status")
    observation = probe.ask("wrong_path.v2_admin.delete", "DELETE", f"/v2/admin{SECRETS}/{missing}", scope, scope_label,
                            note="unspecified: a path the API does not have")
    answers["wrong_path.v2_admin.delete"] = observation.get("status")
    findings["wrong_path"] = answers


def _tenant_wide(probe, prefix, findings):
    """One tenant-wide secret: the name of its sync-status map and the labels' shape there."""
    probe.call("tenant.list", "GET", SECRETS, TENANT, "main tenant", {"status": 200}, params={"$top": 1},
               note="the one list request the collection sends to prove tenant scope and the API path")
    response, observation = probe.call("tenant_wide.list", "GET", SECRETS, TENANT_WIDE, "tenant-wide", {"status": 200},
                                       params={"$top": 10, "$count": "true"})
    body = _json_or_none(response) if response is not None else None
    count = body.get("count") if isinstance(body, dict) else None
    if not isinstance(count, int) or count >= TENANT_WIDE_LIMIT:
        observation["note"] = f"no tenant-wide secret created: the tenant has {count} of at most {TENANT_WIDE_LIMIT}"
        findings["sync_status_field"] = "not asked (tenant-wide limit or unreadable count)"
        return
    name = f"{prefix}-tw"
    response = probe.create("tenant_wide.create", TENANT_WIDE, "tenant-wide", name,
                            labels=[{"key": LABEL_KEY, "value": "tenant-wide"}], documented={"status": 200})[0]
    if response is None or response.status_code != 200:
        findings["sync_status_field"] = "not asked (create failed)"
        return
    response, observation = probe.call("tenant_wide.get", "GET", f"{SECRETS}/{name}", TENANT_WIDE, "tenant-wide",
                                       {"status": 200})
    details = _json_or_none(response) if response is not None else None
    if isinstance(details, dict):
        observation["sync_fields"] = findings["sync_status_field"] = sync_fields(details)
        observation["labels_shape"] = labels_shape(details)
    probe.call("tenant_wide.delete", "DELETE", f"{SECRETS}/{name}", TENANT_WIDE, "tenant-wide", {"status": 200})


# --- cleanup ------------------------------------------------------------------------------------

class CleanupSignals:
    """While cleaning up, the first Ctrl-C or SIGTERM only warns; a second one abandons the cleanup."""

    def __init__(self):
        self.warned = False
        self._previous = {}

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *_exc_info):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum, _frame):
        if not self.warned:
            self.warned = True
            print("probe_live: cleaning up what it created; signal again to abandon that (leftovers are reported)",
                  file=sys.stderr, flush=True)
            return
        raise Interrupted(signal.Signals(signum).name)


def clean_up(probe):
    """Delete everything the probe registered; whatever stays is listed in ``probe.cleanup``."""
    pending = list(probe.created)
    with CleanupSignals():
        try:
            while pending:
                scope, scope_label, name = pending[0]
                outcome = _delete_for_good(probe, scope, name)
                (probe.cleanup["deleted"] if outcome == "gone" else probe.cleanup["not_deleted"]).append(
                    {"name": name, "scope": scope_label, "outcome": outcome})
                pending.pop(0)
        except Interrupted:
            probe.cleanup["not_deleted"].extend(
                {"name": name, "scope": label, "outcome": "cleanup abandoned"} for _scope, label, name in pending)


def _delete_for_good(probe, scope, name):
    """``gone`` once a GET says 404 after a DELETE (or its 404); else what was last seen."""
    headers = dict(scope, Authorization=f"Bearer {probe.token}")
    url = f"{probe.api_url}{SECRETS}/{name}"
    last = "not tried"
    for attempt in range(CLEANUP_ATTEMPTS):
        try:
            answer = probe.session.delete(url, headers=headers, timeout=probe.timeout, allow_redirects=False)
            last = f"DELETE answered {answer.status_code}"
            if answer.status_code in (200, 202, 204, 404):
                check = probe.session.get(url, headers=headers, timeout=probe.timeout, allow_redirects=False)
                if check.status_code == 404:
                    return "gone"
                last = f"still readable after DELETE (GET answered {check.status_code})"
        except requests.RequestException as error:
            last = f"DELETE failed: {type(error).__name__}"
        time.sleep(min(2 ** attempt, 5))
    return last


# --- the report -------------------------------------------------------------------------------

def build_report(probe, tenant_wide, outcome, started):
    observations = probe.observations
    probe.findings["json_content_types"] = sorted({item["content_type"] for item in observations
                                                   if item.get("body") == "json" and item.get("content_type")})
    probe.findings["gateway"] = {item["case"]: [item.get("status"), item.get("content_type")]
                                 for item in observations if item["case"].startswith("gateway.")}
    return {
        "probe": "tests/live/probe_live.py",
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "outcome": outcome,
        "tenant_wide_asked": tenant_wide,
        "findings": probe.findings,
        "cleanup": probe.cleanup,
        "observations": probe.observations,
    }


def render_markdown(report):
    """A summary a person reads: findings, then one row per request."""
    lines = [
        "# AI Core live probe",
        "",
        f"Outcome: **{report['outcome']}**. Started {report['started']}, finished {report['finished']}. "
        f"Tenant-wide secret asked: {'yes' if report['tenant_wide_asked'] else 'no'}.",
        "",
        "Placeholders stand for values kept out of this report: `<scratch-group>`, `<unknown-group>`, `<api-host>`, "
        "`<auth-host>` and the like. No token, secret data, key or client secret is in it.",
        "",
        "## Findings",
        "",
        "| question | answer |",
        "|---|---|",
    ]
    lines += [f"| {_cell(key)} | {_cell(json.dumps(value, sort_keys=True))} |" for key, value in report["findings"].items()]
    lines += ["", "## Cleanup", ""]
    for item in report["cleanup"]["deleted"]:
        lines.append(f"- deleted `{item['name']}` ({item['scope']})")
    for item in report["cleanup"]["not_deleted"]:
        lines.append(f"- **NOT deleted** `{item['name']}` ({item['scope']}): {item['outcome']}")
    if not report["cleanup"]["deleted"] and not report["cleanup"]["not_deleted"]:
        lines.append("- nothing was created")
    lines += ["", "## Requests", "",
              "| case | request | scope | status | content type | error code | message or text | SAP documents |",
              "|---|---|---|---|---|---|---|---|"]
    for item in report["observations"]:
        request = item["request"]
        status = item.get("status", item.get("transport_error", ""))
        error = item.get("error") or {}
        message = error.get("message") or item.get("text") or item.get("note") or ""
        documented = (item.get("documented") or {}).get("status", "unspecified")
        mark = "" if item.get("as_documented", True) else " (differs)"
        lines.append(f"| {_cell(item['case'])} | {_cell(request['method'] + ' ' + request['path'])} | {_cell(request['scope'])} "
                     f"| {_cell(status)} | {_cell(item.get('content_type') or '')} | {_cell(error.get('code') or '')} "
                     f"| {_cell(message)} | {_cell(documented)}{mark} |")
    return "\n".join(lines) + "\n"


def _cell(value):
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


class WouldLeak(Exception):
    """The scrubbed report still holds a forbidden value: a bug of the probe, and nothing is written."""


def write_report(report, scrubber, out_dir):
    """Scrub, check for every forbidden value, then write report.json and report.md; their paths."""
    report = scrubber.tree(report)
    markdown = render_markdown(report)
    leaked = scrubber.leaks(report, markdown)
    if leaked:
        raise WouldLeak(", ".join(leaked))
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return json_path, md_path


# --- main ---------------------------------------------------------------------------------------

def parse_args(argv, environ):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tenant-wide", action="store_true", default=environ.get(TENANT_WIDE_ENV, "").lower() in YES,
                        help=f"also create and delete one tenant-wide secret ({TENANT_WIDE_ENV}=yes)")
    parser.add_argument("--out", default="build/live", help="directory for report.json and report.md (build/live)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (30)")
    args = parser.parse_args(argv)
    if not 0 < args.timeout <= 300:
        parser.error("--timeout: more than 0 and at most 300 seconds")
    return args


def main(argv=None, environ=None):
    environ = os.environ if environ is None else environ
    args = parse_args(argv, environ)
    try:
        scratch = scratch_group(environ)
        key, raw_key = load_service_key(environ)
        credentials = Credentials(key)
    except Refused as error:
        print(f"probe_live: refused, nothing was sent: {error}", file=sys.stderr)
        return 2
    unknown = f"ansible-live-nx-{secrets.token_hex(6)}"
    scrubber = _scrubber(credentials, raw_key, scratch, unknown)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    timeout = (min(10.0, args.timeout), args.timeout)  # (connect, read)
    previous = {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    with requests.Session() as session:
        probe = Probe(credentials.api_url, timeout, session, scrubber)
        probe.mentions = {"<scratch-group>": scratch, "<unknown-group>": unknown}
        status = 0
        try:
            probe.token, token_observation = fetch_token(credentials, timeout, session, scrubber.server_text)
            probe.observations.append(token_observation)
            if probe.token is None:
                raise ProbeFailed(f"no token: the token endpoint answered {token_observation.get('status', 'nothing')}")
            scrubber.forbid(probe.token, "access token")
            print(f"probe_live: asking the tenant (scratch group {scratch}, tenant-wide secret: "
                  f"{'yes' if args.tenant_wide else 'no'})", file=sys.stderr, flush=True)
            run_probe(probe, scratch, unknown, args.tenant_wide)
            outcome = "complete"
        except ProbeFailed as error:
            outcome, status = f"failed: {error}", 1
        except Interrupted as signal_name:
            outcome, status = f"interrupted by {signal_name}", 130
        except Exception as error:  # pylint: disable=broad-exception-caught  # still clean up and report
            print(scrubber.server_text(traceback.format_exc()), file=sys.stderr)
            outcome, status = f"failed: {type(error).__name__} (traceback on stderr)", 1
        finally:
            if probe.created:
                clean_up(probe)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    for item in probe.cleanup["not_deleted"]:
        print(f"probe_live: NOT deleted: {item['name']} ({item['scope']}): {item['outcome']}", file=sys.stderr)
    if probe.cleanup["not_deleted"]:
        status = 3
    try:
        json_path, md_path = write_report(build_report(probe, args.tenant_wide, outcome, started), scrubber, Path(args.out))
    except WouldLeak as error:
        print(f"probe_live: report NOT written, it would contain: {error} (a bug of this probe)", file=sys.stderr)
        return 4
    print(f"probe_live: {outcome}; report: {md_path} and {json_path}", file=sys.stderr)
    return status


def _interrupt(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def _scrubber(credentials, raw_key, scratch, unknown):
    scrubber = Scrubber()
    scrubber.forbid(raw_key.strip(), "service key")
    scrubber.forbid(credentials.client_secret, "client secret")
    scrubber.forbid(credentials.client_id, "client id")
    for pem, what in ((credentials.private_key, "private key"), (credentials.certificate, "certificate")):
        if pem:
            scrubber.forbid_pem(pem, what)
    scrubber.forbid(credentials.identity_zone, "identity zone")
    for url, placeholder in ((credentials.api_url, "<api-host>"), (credentials.auth_url, "<auth-host>")):
        scrubber.rename(urlsplit(url).netloc, placeholder)
    scrubber.rename(scratch, "<scratch-group>")
    scrubber.rename(unknown, "<unknown-group>")
    return scrubber


if __name__ == "__main__":
    sys.exit(main())
