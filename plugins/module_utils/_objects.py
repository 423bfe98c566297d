# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the administration objects that share one shape, and the one way they are managed.

Object store secrets, Docker registry secrets, Git repositories and applications are each a named
object with fields AI Core shows again (a bucket, a URL, a revision) and, for most, values it never
shows (access keys, a password). A module for one of them describes its kind in an ``ObjectType``
and hands the task to ``manage`` (state present/absent) or ``describe`` (its _info module); the
rest is done here the same way for every kind: check the input, read, compare what can be
compared, write, wait until AI Core has done it, report.

What a second run can know. A readable field is compared with what AI Core shows. A value AI Core
never shows cannot be compared, and these objects carry no labels to hold a fingerprint, so:
with update_mode ``on_create`` such a value is written only when the object is created, and an
existing object whose readable fields match is ``kept``, its entry naming in ``not_compared``
what was not compared; with ``always`` the object is rewritten on every run (``updated``).
``unchanged`` means that every field the task gives was compared and matched.
"""

import os
import re

from urllib.parse import quote

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import Outcome, fail_every, given_items, report, run_items, start_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._paging import all_pages
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import RESOURCE_GROUP_ENV
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import (
    CONTROL_CHARACTERS, InputError, check_concurrency, shorten, type_word, unique_names)
from ansible_collections.sap_aicore.admin.plugins.module_utils._waiting import Deadline, check_wait_timeout, wait_all

NOT_FOUND = 404
URL_LONGEST = 2048
# A scheme, a host without user information (credentials in a URL would be shown wherever the URL is),
# and no white space or control characters.
WEB_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?")
# SAP names 409 for a repository that exists and no answer for the other kinds: 400 and 409 are both plausible.
REFUSED_CREATE = (400, 409)
QUOTA_UNANSWERED = (400, 403, 404, 405, 501)  # the quota is extra information; a tenant that will not say is no failure
ABSENT = {"state": "absent"}
WRITTEN = "written"            # a write-only value in the diff: sent, never shown
NOT_COMPARED = "not compared"  # a value in the diff that the run could not compare and left as it was

# Options every managing module of these kinds has; its own fields come on top (documented in doc_fragments/objects.py).
MANAGE_OPTIONS = dict(
    name=dict(type="raw", required=True, aliases=["names"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
    concurrency=dict(type="int", default=8),
)
UPDATE_MODE_OPTION = dict(update_mode=dict(type="str", choices=["on_create", "always"], default="on_create"))
INFO_OPTIONS = dict(
    name=dict(type="raw", aliases=["names"]),
    concurrency=dict(type="int", default=8),
)


class NameRule:
    """The names a kind allows: a whole-string pattern free of nested quantifiers (so linear), a length
    range, substrings it may not hold, and the rule in words for the message."""

    def __init__(self, pattern, longest, words, shortest=1, never=(), reserved_ending=None):
        self.pattern = pattern
        self.longest = longest
        self.shortest = shortest
        self.never = never
        self.reserved_ending = reserved_ending
        self.words = words

    def check(self, noun, name, option="name", index=None):
        if index is not None:
            option = "%s: the entry at index %d" % (option, index)
        if not isinstance(name, str) or not name:
            raise InputError("%s: a %s name must be a non-empty string, got %s" % (option, noun, type_word(name)))
        if not (self.shortest <= len(name) <= self.longest and self.pattern.fullmatch(name)) or any(part in name for part in self.never):
            raise InputError("%s: %s name %r is not allowed: use %d to %d characters, %s" % (
                option, noun, shorten(name), self.shortest, self.longest, self.words))
        if self.reserved_ending and name.endswith(self.reserved_ending):
            raise InputError("%s: %s name %r may not end in %s, which AI Core may add to the names it returns"
                             % (option, noun, shorten(name), self.reserved_ending))


class ObjectType:
    """One kind of object: where it lives, how it is named, and what of it can be compared.

    A module subclasses it, sets the class attributes and writes ``wanted`` and ``body``; the
    other methods have defaults that a kind overrides where it differs.
    """

    kind = None             # the Kind: noun, result key, id key
    collection = None       # the endpoint below /v2, e.g. /admin/repositories
    scoped = False          # whether objects live in a resource group (AI-Resource-Group header)
    name_rule = None        # a NameRule
    name_key = "name"       # the field of a listed object that holds its name
    readable = ()           # options AI Core shows again, compared on every run
    write_only = ()         # options AI Core never shows
    patch_headers = None    # headers of an update besides the token's (a content type)
    quota = None            # the endpoint below /v2 that reports the tenant's quota of these objects, if any

    def check_name(self, name, option="name", index=None):
        """Refuse a name this kind does not allow (``unique_names`` calls it for each entry of a task)."""
        self.name_rule.check(self.kind.noun, name, option, index)

    def wanted(self, params):
        """The task's desired object as ``{option: value}``, checked; raises ``InputError``."""
        raise NotImplementedError

    def complete(self, objects, wanted, check_mode):
        """``wanted`` with what only AI Core can tell (read once per task, before any name); raises ``AICoreError``."""
        return wanted

    def secrets_of(self, wanted):
        """Every value of ``wanted`` that must never be shown (the write-only ones, as given and as sent)."""
        return [str(wanted[option]) for option in self.write_only if wanted.get(option) is not None]

    def body(self, name, wanted, creating):
        """The JSON body of a create (``creating``) or an update."""
        raise NotImplementedError

    def shown(self, details):
        """``{option: value}`` of the readable options that ``details`` shows; an option it does not show is left out."""
        return dict((option, details[option]) for option in self.readable if option in details)

    def before_write(self, objects, name, details):
        """Called just before an existing object is written: a kind whose readiness shows only as a change
        of status keeps what it needs to tell the status after the write from the one before."""

    def refuse_update(self, name, differing):
        """An ``AICoreError`` when AI Core cannot change these fields in place, or None."""
        return None

    def status(self, objects, name, details):
        """The result fields that say how far AI Core is with the object (e.g. ``{"status": ...}``)."""
        return {}

    def ready(self, objects, name, wanted):
        """For ``wait``: ``(finished, seen)`` once the object is there as written; raises ``AICoreError`` when AI
        Core reports that it failed. By default an object is ready once it can be read."""
        details = objects.get(name)
        return details is not None, details

    def name_of(self, details):
        """The name of the object ``details`` describe, as a task names it."""
        return details.get(self.name_key)

    def follow_up(self, objects, name, outcome, check_mode):
        """What the kind does after an object's outcome for state=present (a refresh); the outcome then."""
        return outcome

    def described(self, objects, details):
        """An object as the _info module returns it."""
        return dict(self.shown(details), name=details[self.name_key])


class Objects:
    """The endpoints of one kind, for the client's scope. Plain dicts in, plain dicts out."""

    def __init__(self, client, object_type):
        self.client = client
        self.type = object_type

    def path(self, name, *below):
        """The path of one object. Task names were checked by the kind's rule; a name AI Core listed (which its
        own, looser rule allowed) is only quoted. A dot segment would address another resource, whoever gave it."""
        if name in (".", ".."):
            raise AICoreError("%s name %r cannot be addressed: it is a path segment of its own" % (self.type.kind.noun, name))
        return "/".join((self.type.collection, quote(name, safe="")) + below)

    def get(self, name, below=(), prove_404=True):
        """The object's details (or what ``below`` it answers, e.g. ``("status",)``), or None when it does not exist."""
        reply = self.client.call("GET", self.path(name, *below), tolerate=(NOT_FOUND,), scoped=self.type.scoped, prove_404=prove_404)
        if reply.status == NOT_FOUND:
            return None
        details = reply.json()
        if not isinstance(details, dict):
            raise AICoreError("%s %s answered %d with a body that is not the %s's details" % (reply.method, reply.url, reply.status, self.type.kind.noun),
                              status=reply.status)
        return details if below else dict(details, **{self.type.name_key: name})  # asked by this name: it is its name

    def list_all(self):
        """Every object, sorted by name. An empty listing of a resource group counts once the group is proven real."""
        found = all_pages(self.client, self.type.collection, self.type.name_key, "named %s" % self.type.kind.plural, scoped=self.type.scoped)
        if self.type.scoped and not found:
            self.client.proof.confirm()
        named = {}
        for details in found.values():
            name = self.type.name_of(details)
            named[name] = dict(details, **{self.type.name_key: name})
        return [named[name] for name in sorted(named)]

    def create(self, name, body):
        """Ask for a new object; return ``created``, or ``exists`` when another writer made it first.

        "Exists" after an attempt lost in transit counts as ``created``: that attempt most likely reached AI Core.
        """
        reply = self.client.call("POST", self.type.collection, json=body, ok=(200, 201, 202), tolerate=REFUSED_CREATE, scoped=self.type.scoped)
        if 200 <= reply.status < 300:
            return "created"
        if reply.after_lost_attempt:  # the lost attempt most likely created it; a pending (202) create may not read yet
            return "created"
        if self.get(name) is not None:
            return "exists"
        raise self.client.failure(reply, "POST %s%s (create %s) failed" % (self.client.settings.api_url, self.type.collection, name), self.type.scoped)

    def update(self, name, body):
        self.client.call("PATCH", self.path(name), json=body, ok=(200, 202, 204), headers=self.type.patch_headers, scoped=self.type.scoped)

    def post(self, name, *below):
        self.client.call("POST", self.path(name, *below), ok=(200, 202, 204), scoped=self.type.scoped)

    def delete(self, name):
        """Ask for the object's removal; return ``deleted`` or ``absent``. After an attempt lost in transit, a 404 counts as ``deleted``."""
        reply = self.client.call("DELETE", self.path(name), ok=(200, 202, 204), tolerate=(NOT_FOUND,), scoped=self.type.scoped)
        return "absent" if reply.status == NOT_FOUND and not reply.after_lost_attempt else "deleted"


def ensure(objects, name, wanted, update_mode, check_mode):
    """state=present for one name: create it, or compare and update it as ``update_mode`` says."""
    object_type = objects.type
    current = objects.get(name, prove_404=check_mode)  # outside check mode, the create proves or refutes the scope
    if current is None:
        if check_mode or objects.create(name, object_type.body(name, wanted, creating=True)) == "created":
            return Outcome("created", ABSENT, view(object_type, wanted, WRITTEN))
        current = objects.get(name)  # another writer created it between our read and our create
    if current is None:
        raise AICoreError("creating %s %s answered that it exists, but it cannot be read" % (object_type.kind.noun, name))
    shown = object_type.shown(current)
    given = dict((option, value) for option, value in wanted.items() if value is not None)
    differing = sorted(option for option in given if option in shown and shown[option] != given[option])
    not_compared = sorted(option for option in given if option not in shown)
    before = dict(shown, state="present")
    fields = status_fields(objects, name, current)
    if differing or update_mode == "always":
        refusal = object_type.refuse_update(name, differing)
        if refusal is not None:
            return Outcome.failed(refusal, dict(fields, differing=differing))
        if not check_mode:
            object_type.before_write(objects, name, current)
            objects.update(name, object_type.body(name, wanted, creating=False))
        return Outcome("updated", before, view(object_type, wanted, WRITTEN), dict(fields, differing=differing))
    if not_compared:
        return Outcome("kept", before, view(object_type, dict(shown, **dict((option, None) for option in not_compared)), NOT_COMPARED),
                       dict(fields, not_compared=not_compared))
    return Outcome("unchanged", before, dict(before), fields)


def status_fields(objects, name, details):
    """The kind's status fields of ``details`` as results and messages show them: AI Core's text scrubbed and shortened."""
    return dict((field, objects.client.quote(value)) for field, value in objects.type.status(objects, name, details).items())


def view(object_type, wanted, unseen_word):
    """An object as diff mode shows it: its readable fields; each other field the task gives only as ``unseen_word``."""
    shown = dict((option, value) for option, value in wanted.items() if value is not None and option in object_type.readable)
    shown.update((option, unseen_word) for option, value in wanted.items() if option not in shown and (value is not None or unseen_word == NOT_COMPARED))
    return dict(shown, state="present")


def remove(objects, name, check_mode):
    """state=absent for one name: delete it, or in check mode only look."""
    if check_mode:
        action = "deleted" if objects.get(name) is not None else "absent"
    else:
        action = objects.delete(name)
    return Outcome(action, {"state": "present"} if action == "deleted" else ABSENT, ABSENT)


def waited(objects, outcomes, state, wanted, deadline, concurrency):
    """The outcomes once AI Core has done what each write asked for: with state=present, until each
    written object is ready (``ObjectType.ready``); with state=absent, until each deleted one is gone."""
    object_type = objects.type
    writes = ("created", "updated", "refreshed") if state == "present" else ("deleted",)
    pending = [name for name, outcome in outcomes if outcome.action in writes]

    def poll(name):
        if state == "present":
            return object_type.ready(objects, name, wanted)
        details = objects.get(name)
        return details is None, details

    def timed_out(name, seen):
        what = "ready" if state == "present" else "gone"
        last = status_fields(objects, name, seen) if seen else {}
        return AICoreError("%s %s was not %s within wait_timeout (%d s)%s; AI Core may still finish: run the task again to wait longer" % (
            object_type.kind.noun, name, what, deadline.seconds, "; last seen: %s" % last if last else ""))

    finals = wait_all(pending, poll, deadline, concurrency, timed_out)
    done = []
    for name, outcome in outcomes:
        final = finals.get(name)
        if isinstance(final, AICoreError):
            outcome = Outcome.failed(final, outcome.fields, wrote=outcome.changed)
        elif final is not None and state == "present":
            outcome.fields.update(status_fields(objects, name, final))
        done.append((name, outcome))
    return done


def manage(module, object_type):
    """The whole run of a managing module: check the task, work on every name, wait, report."""
    params = module.params
    names = given_items(params["name"])  # what a refused task reports, until the names pass their checks
    try:
        names = unique_names(params["name"], object_type.check_name, "name", "%s name" % object_type.kind.noun)
        check_concurrency(params["concurrency"])
        check_wait_timeout(params["wait_timeout"])
        check_scope(object_type, params)
        wanted = object_type.wanted(params) if params["state"] == "present" else None
    except InputError as error:
        fail_every(module, object_type.kind, names, msg=str(error))
    client = start_run(module, object_type.kind, names, params["concurrency"], scoped=object_type.scoped,
                       hide=object_type.secrets_of(wanted) if wanted else ())
    objects = Objects(client, object_type)
    if wanted is not None:
        try:
            wanted = object_type.complete(objects, wanted, module.check_mode)
        except AICoreError as error:
            finish_run(module, client)
            fail_every(module, object_type.kind, names, msg=str(error))
    if wanted is None:
        outcomes = run_items(object_type.kind, names, lambda name: remove(objects, name, module.check_mode), params["concurrency"])
    else:
        update_mode = params.get("update_mode") or "on_create"
        outcomes = run_items(object_type.kind, names, lambda name: object_type.follow_up(
            objects, name, ensure(objects, name, wanted, update_mode, module.check_mode), module.check_mode), params["concurrency"])
    if params["wait"] and not module.check_mode:
        outcomes = waited(objects, outcomes, params["state"], wanted, Deadline(params["wait_timeout"]), params["concurrency"])
    finish_run(module, client)
    report(module, object_type.kind, outcomes, client.scope if object_type.scoped else None)


def describe(module, object_type):
    """The whole run of an _info module: the named objects (those that exist), or every object."""
    params = module.params
    try:
        names = None if params["name"] is None else unique_names(params["name"], object_type.check_name, "name", "%s name" % object_type.kind.noun)
        check_concurrency(params["concurrency"])
        check_scope(object_type, params)
    except InputError as error:
        module.fail_json(msg=str(error))
    client = start_run(module, object_type.kind, names or [], params["concurrency"], scoped=object_type.scoped)
    objects = Objects(client, object_type)
    try:
        if names is None:
            found = objects.list_all()
        else:
            found = [details for details in run_each(names, objects.get, params["concurrency"]) if details is not None]
        described = run_each(found, lambda details: object_type.described(objects, details), params["concurrency"])
        quota = read_quota(client, object_type.quota) if object_type.quota else None
    except AICoreError as error:
        finish_run(module, client)
        module.fail_json(msg=str(error))
    finish_run(module, client)
    result = {object_type.kind.result_key: described}
    if quota is not None:
        result["quota"] = quota
    module.exit_json(changed=False, **result)


def read_quota(client, path):
    """``{"used": int, "maximum": int}`` from a ``/admin/resourceQuota/...`` endpoint as far as AI Core answers, or None."""
    try:
        reply = client.call("GET", path, tolerate=QUOTA_UNANSWERED, scoped=False, prove_404=False)
    except AICoreError:
        return None  # extra information only: the listing the task asked for stands without it
    if reply.status != 200:
        return None
    document = reply.json()
    quota = {"maximum": _number_at(document, "quota", "maxCount"), "used": _number_at(document, "usage", "count")}
    return quota if any(value is not None for value in quota.values()) else None


def _number_at(document, outer, inner):
    value = document.get(outer) if isinstance(document, dict) else None
    value = value.get(inner) if isinstance(value, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_url(url, option):
    """Refuse anything but an http(s) URL of printable characters; return the URL."""
    if not isinstance(url, str) or len(url) > URL_LONGEST or not WEB_URL.fullmatch(url) or CONTROL_CHARACTERS.search(url):
        raise InputError("%s: give an http:// or https:// URL of at most %d characters, without spaces, control characters "
                         "or credentials before the host (give those as username and password)" % (option, URL_LONGEST))
    return url


def check_scope(object_type, params):
    """Objects of a resource group are addressed in one group only: the tenant scopes do not hold them."""
    if object_type.scoped and params.get("tenant_scope"):
        raise InputError("tenant_scope: %s live in a resource group; give resource_group instead" % object_type.kind.plural)
    if object_type.scoped and params.get("resource_group") is None and not os.environ.get(RESOURCE_GROUP_ENV):
        raise InputError("no scope: %s live in a resource group; set resource_group (or %s)" % (object_type.kind.plural, RESOURCE_GROUP_ENV))
