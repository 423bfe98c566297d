# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: what a managing module reports, item by item, the same way for every kind.

A module that manages objects (secrets, resource groups, ...) works on each item it is given:
read, decide, act. What one item came to is an ``Outcome``, or the ``AICoreError`` it failed
with. This file runs that work for every item (``run_items``) and turns the outcomes into the
result Ansible gets (``report``): one entry per item under the kind's key, ``changed``, the diff
(before and after by item), and a summary in ``msg``; when any item failed, the task fails with
every item still reported. A module names its kind once, in a ``Kind``.
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._module import client_for, finish_run

FAILED = "failed"
CHANGING_ACTIONS = ("created", "updated", "refreshed", "deleted")
# "kept": the object exists and was left as it is, but the task gave values the run could not compare (see _objects)
ACTION_WORDS = (("created", "created"), ("updated", "updated"), ("refreshed", "refreshed"), ("deleted", "deleted"),
                ("unchanged", "unchanged"), ("kept", "kept, not compared"), ("absent", "already absent"), (FAILED, "failed"))


class Kind:
    """How a module names its objects: in messages (``noun``, e.g. ``secret``), as the result's list
    (``result_key``, e.g. ``secrets``) and as the key of each entry that holds the item (``id_key``)."""

    def __init__(self, noun, result_key, id_key, plural=None):
        self.noun = noun
        self.plural = plural or noun + "s"
        self.result_key = result_key
        self.id_key = id_key

    def counted(self, number):
        return "%d %s" % (number, self.noun if number == 1 else self.plural)


class Outcome:
    """What happened to one item: its action, the before/after it shows in diff mode, and the
    ``fields`` its result entry holds besides the item and the action.

    A failed outcome (``Outcome.failed``) carries its error and may still have fields to show
    (what a refused deletion would have removed, the status a wait ended in). ``wrote`` says that
    the item was changed before it failed, so that the task reports ``changed``.
    """

    def __init__(self, action, before=None, after=None, fields=None, error=None, wrote=False):
        self.action = action
        self.before = before
        self.after = after
        self.fields = dict(fields or {})
        self.error = error
        self.wrote = wrote

    @classmethod
    def failed(cls, error, fields=None, wrote=False):
        return cls(FAILED, fields=fields, error=error, wrote=wrote)

    @property
    def changed(self):
        return self.action in CHANGING_ACTIONS or self.wrote


def start_run(module, kind, items, pool_size, scoped=True, hide=()):
    """The run's client with its token; a task stopped before any item (bad options, credentials) fails every item.

    ``hide`` are values of the task that must never be shown, known to the client before its first request.
    """
    client = client_for(module, pool_size=pool_size, scoped=scoped, fail=lambda **result: fail_every(module, kind, items, **result))
    client.hide(*hide)
    try:
        client.authenticate()
    except AICoreError as error:
        finish_run(module, client)
        fail_every(module, kind, items, msg=str(error))
    return client


def run_items(kind, items, work, concurrency):
    """``[(item, outcome)]`` in the items' order: ``work(item)`` for each, up to ``concurrency`` at once.

    A failure of one item becomes that item's outcome instead of ending the run.
    """
    return run_each(items, lambda item: attempt(kind, work, item), concurrency)


def attempt(kind, work, item):
    """Do one item's work; return ``(item, Outcome)``, with any failure as a failed outcome.

    An unexpected error is reported by its type only: its text could hold anything, and the
    other items still get done and reported.
    """
    try:
        return item, work(item)
    except AICoreError as error:
        return item, Outcome.failed(error)
    except Exception as error:  # pylint: disable=broad-exception-caught
        return item, Outcome.failed(AICoreError("unexpected %s while handling this %s (a bug: please report it)" % (type(error).__name__, kind.noun)))


def report(module, kind, outcomes, where=None, more=None, note=None):
    """End the task with the outcomes: ``exit_json``, or ``fail_json`` when any item failed.

    ``where`` names the scope the items live in, for the summary (None: the tenant itself).
    ``more`` are result keys of the run besides the items (for example the unmanaged objects a
    declared set left alone); ``note`` is appended to the summary.
    """
    entries = [entry(kind, item, outcome) for item, outcome in outcomes]
    result = {
        "changed": any(outcome.changed for _item, outcome in outcomes),
        kind.result_key: entries,
        "msg": summary(kind, entries, module.check_mode, where) + ("; %s" % note if note else ""),
    }
    result.update(more or {})
    if module._diff:
        result["diff"] = diff_of(outcomes)
    failed = [item for item in entries if item["action"] == FAILED]
    if failed:
        result["msg"] = "%d of %d %s failed; first, %s: %s. %s" % (
            len(failed), len(entries), kind.plural, failed[0][kind.id_key], failed[0]["error"], result["msg"])
        module.fail_json(**result)
    module.exit_json(**result)


def entry(kind, item, outcome):
    """One item's result entry: the item, its action, its fields, and the error when it failed."""
    made = {kind.id_key: item, "action": outcome.action}
    made.update(outcome.fields)
    if outcome.action == FAILED:
        made["error"] = str(outcome.error)
    return made


def diff_of(outcomes):
    """Before and after by item; failed items are left out, their state is unknown."""
    known = [(item, outcome) for item, outcome in outcomes if outcome.action != FAILED]
    return {"before": dict((item, outcome.before) for item, outcome in known),
            "after": dict((item, outcome.after) for item, outcome in known)}


def summary(kind, entries, check_mode, where=None):
    """``created 2, unchanged 3 (5 secrets in resource group team-a)``; in check mode, what would have been."""
    counts = {}
    for item in entries:
        counts[item["action"]] = counts.get(item["action"], 0) + 1
    told = ", ".join("%s %d" % (word, counts[action]) for action, word in ACTION_WORDS if counts.get(action))
    counted = kind.counted(len(entries)) + (" in %s" % where if where else "")
    return "%s%s (%s)" % ("check mode, would have: " if check_mode else "", told, counted)


def given_items(raw_items):
    """The items a task gives, as far as they are names at all: its strings, in order, once each.

    What a refused task reports as failed, before (or instead of) the items passing their checks.
    """
    given = raw_items if isinstance(raw_items, (list, tuple)) else [raw_items]
    return list(dict.fromkeys(item for item in given if isinstance(item, str)))  # linear, in order


def fail_every(module, kind, items, msg, **details):
    """End a task that stopped before working on any item: each item failed, for the reason in ``msg``."""
    details[kind.result_key] = [{kind.id_key: item, "action": FAILED, "error": msg} for item in items]
    module.fail_json(msg=msg, changed=False, **details)
