# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: waiting until AI Core has finished what it accepted.

Several AI Core endpoints answer 202: the work is accepted, not done (a resource group is
provisioned or removed some time later). A module that waits polls each pending item until it
is finished, all items against one deadline for the task, and all pending items of a round at
once: five groups that take 2 s each are done in about 2 s, not 10. The pause between rounds
grows, so a long wait costs few requests.
"""

import time

from ansible_collections.sap_aicore.admin.plugins.module_utils._batch import run_each
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

FIRST_PAUSE = 0.5  # seconds before the second round
PAUSE_GROWTH = 1.5
LONGEST_PAUSE = 10.0
MAX_WAIT_TIMEOUT = 24 * 3600


class Deadline:
    """A moment that many waits share, ``seconds`` from now."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self):
        return max(0.0, self._end - self._clock())


def wait_all(items, poll, deadline, concurrency, timed_out, sleep=time.sleep):
    """Poll each item until it is finished or the deadline has passed; return ``{item: result}``.

    ``poll(item)`` returns ``(finished, seen)``: ``seen`` is what the item looks like now. An
    ``AICoreError`` it raises finishes the item with that error as its result. An item still
    unfinished when the deadline has passed gets ``timed_out(item, seen)``, an ``AICoreError``,
    with what was last seen of it. Each round polls every unfinished item, up to ``concurrency``
    at once; the last round is at the deadline, never after it.
    """
    results = {}
    pending = list(items)
    pause = FIRST_PAUSE
    while pending:
        polled = run_each(pending, lambda item: _poll_once(poll, item), concurrency)
        still = []
        for item, (finished, seen) in zip(pending, polled):
            if finished:
                results[item] = seen
            else:
                still.append((item, seen))
        if not still:
            break
        if deadline.remaining() <= 0:
            results.update((item, timed_out(item, seen)) for item, seen in still)
            break
        pending = [item for item, _seen in still]
        sleep(min(pause, deadline.remaining()))
        pause = min(pause * PAUSE_GROWTH, LONGEST_PAUSE)
    return results


def _poll_once(poll, item):
    try:
        return poll(item)
    except AICoreError as error:
        return True, error
    except Exception as error:  # pylint: disable=broad-exception-caught
        return True, AICoreError("unexpected %s while waiting (a bug: please report it)" % type(error).__name__)


def check_wait_timeout(value, option="wait_timeout"):
    """Refuse a wait that is not a number of seconds from 1 to a day."""
    if not 1 <= value <= MAX_WAIT_TIMEOUT:
        raise InputError("%s: must be between 1 and %d seconds, got %s" % (option, MAX_WAIT_TIMEOUT, value))
