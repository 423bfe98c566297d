# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: declared sets, "exactly these objects here", for any kind.

A task declares the objects a scope should hold. With ``exclusive``, the objects of the scope that
are not declared are removed, but only those the collection marks as its own (``is_managed``):
anything else is reported as unmanaged and never touched. A selector narrows the set further, so
one scope can hold several independently declared sets, and a cap on the number of deletions stops
the task before its first write when a mistake (a truncated list, a wrong variable) would remove
more than expected.

Which objects are undeclared is decided from one listing taken before any write; the deletions
follow only when every declared object converged, so that a renamed object is never removed before
its successor exists.
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import labels_of, normalize_labels
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import finish_run
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import FAILED, Outcome, fail_every, run_items
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, shorten, type_word

SELECTOR_OPTION = "exclusive_selector"
LISTED_AT_MOST = 20  # names shown in a message; the result lists them all


class Selector:
    """Which objects of the scope belong to the declared set: names starting with ``name_prefix``
    and carrying every label of ``labels`` (either may be None: no condition).

    A plain prefix, not a pattern: matching stays linear and what it covers is obvious to a reader.
    """

    def __init__(self, name_prefix=None, labels=None):
        self.name_prefix = name_prefix
        self.labels = labels or {}

    @classmethod
    def from_option(cls, raw, check_prefix):
        """The selector a task gives (a dict with ``name_prefix`` and/or ``labels``), or everything when None.

        ``check_prefix(prefix, option)`` refuses a prefix no name of the kind could start with.
        """
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise InputError("%s: must be a dict with name_prefix and/or labels, got %s" % (SELECTOR_OPTION, type_word(raw)))
        prefix = raw.get("name_prefix")
        if prefix is not None:
            check_prefix(prefix, "%s.name_prefix" % SELECTOR_OPTION)
        labels = raw.get("labels")
        try:
            labels = normalize_labels(labels)
        except InputError as error:
            raise InputError("%s.%s" % (SELECTOR_OPTION, error)) from None
        if prefix is None and not labels:
            raise InputError("%s: give name_prefix and/or labels (at least one label), or leave the option out to select "
                             "the whole scope" % SELECTOR_OPTION)
        return cls(prefix, labels)

    def covers(self, name, details):
        if self.name_prefix is not None and not name.startswith(self.name_prefix):
            return False
        held = labels_of(details)
        return all(held.get(key) == value for key, value in self.labels.items())


class DeclaredSet:
    """The declared names of a task with ``exclusive``, what else the set covers, and the cap on deletions."""

    def __init__(self, declared, selector, max_deletions, is_managed):
        self.declared = set(declared)
        self.selector = selector
        self.max_deletions = max_deletions
        self._is_managed = is_managed

    def sort_out(self, listing, name_of):
        """From one listing of the scope: ``(to_delete, unmanaged)``, the undeclared objects the
        selector covers, split by the managed mark. ``to_delete`` holds ``(name, details)``;
        ``unmanaged`` names only. Both sorted by name."""
        to_delete, unmanaged = [], []
        for details in listing:
            name = name_of(details)
            if name in self.declared or not self.selector.covers(name, details):
                continue
            if self._is_managed(details):
                to_delete.append((name, details))
            else:
                unmanaged.append(name)
        return sorted(to_delete, key=lambda pair: pair[0]), sorted(unmanaged)

    def refusal(self, to_delete, noun_plural):
        """The message that stops the task when more would be deleted than ``max_deletions`` allows; else None."""
        if len(to_delete) <= self.max_deletions:
            return None
        names = [name for name, _details in to_delete]
        shown = ", ".join(names[:LISTED_AT_MOST]) + (", ..." if len(names) > LISTED_AT_MOST else "")
        return ("exclusive: %d managed %s are not declared and would be deleted, more than max_deletions=%d allows; "
                "nothing was changed. Declare them, or raise max_deletions to delete them: %s"
                % (len(names), noun_plural, self.max_deletions, shown))


def checked_declared_set(module, kind, items, is_managed, check_prefix):
    """The declared set of a task with ``exclusive`` (None without), checked before any request; a refusal
    fails every item. ``is_managed(details)`` tells the items this collection wrote; ``check_prefix`` checks
    ``exclusive_selector.name_prefix`` (see ``check_name_prefix``)."""
    params = module.params
    option = kind.id_key
    try:
        if not params["exclusive"]:
            if params["exclusive_selector"] is not None:
                raise InputError("exclusive_selector: only applies with exclusive=true; set exclusive or leave the selector out")
            return None
        if params["state"] != "present":
            raise InputError("exclusive: only with state=present (the declared %ss are written, the undeclared managed ones deleted)"
                             % kind.noun)
        if not isinstance(params[option], list):
            raise InputError("exclusive: give %s as a list of every declared %s; a single string is refused, so that a task "
                             "meant for one %s never deletes the others" % (option, kind.noun, kind.noun))
        check_max_deletions(params["max_deletions"])
        selector = Selector.from_option(params["exclusive_selector"], check_prefix)
    except InputError as error:
        fail_every(module, kind, items, msg=str(error))
    return DeclaredSet(items, selector, params["max_deletions"], is_managed)


def check_max_deletions(value):
    if value < 0:
        raise InputError("max_deletions: must be 0 or more, got %d" % value)


def check_name_prefix(name_pattern, rule):
    """A ``check_prefix`` for ``Selector.from_option``: a prefix is the start of a name, so its characters
    follow the names' rule (``name_pattern``, matched whole; ``rule`` says it in words)."""
    def check(prefix, option):
        if not isinstance(prefix, str) or not prefix:
            raise InputError("%s: must be a non-empty string, got %s" % (option, "an empty string" if prefix == "" else type_word(prefix)))
        if not name_pattern.fullmatch(prefix):
            raise InputError("%s: %r cannot start any name: use %s" % (option, shorten(prefix), rule))
    return check


def deletions_after(kind, converged, to_delete, delete, concurrency):
    """``[(name, Outcome)]`` of the deletions, run after the declared items converged.

    ``delete(name, details)`` removes one object (in check mode, only says it would). When any
    declared item failed, nothing is deleted and each would-be deletion is a failure saying why:
    a declared object that could not be written may be the successor of one no longer declared.
    """
    failed = sum(1 for _item, outcome in converged if outcome.action == FAILED)
    if failed:
        reason = AICoreError("not deleted: %d of the declared %s failed, and deletions wait until every one converged" % (failed, kind.result_key))
        return [(name, Outcome.failed(reason)) for name, _details in to_delete]
    details_of = dict(to_delete)
    return run_items(kind, [name for name, _details in to_delete], lambda name: delete(name, details_of[name]), concurrency)


def run_declared_set(module, client, kind, declared, steps, concurrency):
    """A task with ``exclusive``, for any kind: list the scope once, stop before any write when the
    cap is exceeded, converge the declared items, then delete the managed undeclared ones.

    ``steps`` holds the kind's parts: ``items`` (the declared ids, in the task's order), ``listed``
    (what the listing covers, in words), ``list_all()``, ``name_of(details)``, ``converge()`` (the
    declared items' ``[(item, Outcome)]``) and ``prune(name, details)`` (delete one undeclared
    object, in check mode only say so). Returns ``(outcomes of the declared items, outcomes of the
    deletions, unmanaged names)``; a failed listing or an exceeded cap ends the task.
    """
    try:
        listing = steps["list_all"]()
    except AICoreError as error:
        finish_run(module, client)
        fail_every(module, kind, steps["items"], msg="exclusive: listing %s failed, nothing was changed: %s" % (steps["listed"], error))
    to_delete, unmanaged = declared.sort_out(listing, steps["name_of"])
    refusal = declared.refusal(to_delete, kind.plural)
    if refusal:
        finish_run(module, client)
        fail_every(module, kind, steps["items"], msg=refusal, would_delete=[name for name, _details in to_delete], unmanaged=unmanaged)
    converged = steps["converge"]()
    return converged, deletions_after(kind, converged, to_delete, steps["prune"], concurrency), unmanaged
