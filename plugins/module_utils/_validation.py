# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the input rules of the AI Core contract, checked before any request.

Every check raises ``InputError`` with a message that names the option and the rule it broke,
so a module can refuse bad input before anything is sent.

Every pattern here is matched with ``fullmatch`` (``$`` would also match before a final newline)
and has no nested quantifiers, so a check takes time linear in its input, whatever the input.
"""

import re

SECRET_NAME_MAX = 252
SECRET_NAME_PATTERN = re.compile(r"[a-z0-9.-]{1,%d}" % SECRET_NAME_MAX)
DOT_SEGMENTS = (".", "..")
MAX_CONCURRENCY = 32
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
HEADER_SAFE = re.compile(r"[\x20-\x7e]*")  # printable ASCII: what every HTTP stack sends unchanged


class InputError(ValueError):
    """Task input that breaks a rule of the AI Core contract."""


def secret_names(raw_names, option="name"):
    """Return the secret names in their given order without duplicates, or refuse the first bad one."""
    return unique_names(raw_names, check_secret_name, option, "secret name")


def unique_names(raw_names, check, option, noun):
    """Return the names in their given order without duplicates, or refuse the first bad one.

    ``check(name, option, index)`` raises ``InputError`` for a bad name; ``noun`` names one in messages.
    A string is one name. (Ansible's list type would split ``"a,b"`` into two names; a string
    with a comma is refused instead, so that a task never deletes an object it did not name.)
    A bad entry of a list is named by its index, so a templated list that went wrong can be found.
    """
    if isinstance(raw_names, str):
        check(raw_names, option)
        return [raw_names]
    if not isinstance(raw_names, (list, tuple)):
        raise InputError("%s: give a %s or a list of %ss, got %s" % (option, noun, noun, type_word(raw_names)))
    if not raw_names:
        raise InputError("%s: give at least one %s" % (option, noun))
    names = []
    seen = set()  # a set, not the list: tens of thousands of names must not cost quadratic time
    for index, name in enumerate(raw_names):
        check(name, option, index)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def check_secret_name(name, option="name", index=None):
    """Refuse a name the API would reject, or one that could address another resource in a URL path.

    ``index`` is the name's place in the task's list, for the message.
    """
    if index is not None:
        option = "%s: the entry at index %d" % (option, index)
    if not isinstance(name, str) or not name:
        raise InputError("%s: a secret name must be a non-empty string, got %s" % (option, type_word(name)))
    if not SECRET_NAME_PATTERN.fullmatch(name):
        raise InputError(
            "%s: secret name %r is not allowed: use 1 to %d characters of lower-case letters, "
            "digits, '-' and '.' (^[a-z0-9.-]+$), nothing else, not even a final newline" % (option, shorten(name), SECRET_NAME_MAX)
        )
    if name in DOT_SEGMENTS:
        # HTTP clients resolve these in a URL path, so DELETE .../secrets/.. would address another resource.
        raise InputError("%s: secret name %r is a path segment of its own ('.' or '..') and cannot address a secret" % (option, name))


def check_concurrency(value):
    if not 1 <= value <= MAX_CONCURRENCY:
        raise InputError("concurrency: must be between 1 and %d, got %d" % (MAX_CONCURRENCY, value))


def check_header_value(value, option):
    """Refuse values that would break or smuggle HTTP headers: control characters (CR, LF, ...) and
    anything beyond printable ASCII, which HTTP libraries encode differently or not at all."""
    check_no_control_characters(value, option)
    if not HEADER_SAFE.fullmatch(value):
        raise InputError("%s: only printable ASCII characters can be sent in a header" % option)


def check_no_control_characters(value, option):
    if CONTROL_CHARACTERS.search(value):
        raise InputError("%s: contains control characters (such as CR or LF), which are not allowed" % option)


def type_word(value):
    """Name a value's type in YAML's words, for messages that must not quote the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a value of type %s" % type(value).__name__


def shorten(text, limit=60):
    return text if len(text) <= limit else text[:limit] + "..."
