# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the input rules of the AI Core contract, checked before any request.

Every check raises ``InputError`` with a message that names the option and the rule it broke,
so a module can refuse bad input before anything is sent.
"""

import re

SECRET_NAME_PATTERN = re.compile(r"^[a-z0-9.-]{1,252}$")
DOT_SEGMENTS = (".", "..")
MAX_CONCURRENCY = 32
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
HEADER_SAFE = re.compile(r"^[\x20-\x7e]*$")  # printable ASCII: what every HTTP stack sends unchanged


class InputError(ValueError):
    """Task input that breaks a rule of the AI Core contract."""


def secret_names(raw_names, option="name"):
    """Return the names in their given order without duplicates, or refuse the first bad one.

    A string is one name. (Ansible's list type would split ``"a,b"`` into two names; a string
    with a comma is refused instead, so that a task never deletes a secret it did not name.)
    """
    if isinstance(raw_names, str):
        raw_names = [raw_names]
    if not isinstance(raw_names, (list, tuple)):
        raise InputError("%s: give a secret name or a list of secret names" % option)
    if not raw_names:
        raise InputError("%s: give at least one secret name" % option)
    names = []
    for name in raw_names:
        check_secret_name(name, option)
        if name not in names:
            names.append(name)
    return names


def check_secret_name(name, option="name"):
    """Refuse a name the API would reject, or one that could address another resource in a URL path."""
    if not isinstance(name, str) or not name:
        raise InputError("%s: a secret name must be a non-empty string" % option)
    if not SECRET_NAME_PATTERN.match(name):
        raise InputError(
            "%s: secret name %r is not allowed: use 1 to 252 characters of lower-case letters, "
            "digits, '-' and '.' (^[a-z0-9.-]+$)" % (option, _shorten(name))
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
    if not HEADER_SAFE.match(value):
        raise InputError("%s: only printable ASCII characters can be sent in a header" % option)


def check_no_control_characters(value, option):
    if CONTROL_CHARACTERS.search(value):
        raise InputError("%s: contains control characters (such as CR or LF), which are not allowed" % option)


def _shorten(text, limit=60):
    return text if len(text) <= limit else text[:limit] + "..."
