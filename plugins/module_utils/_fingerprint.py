# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: remembering what was written to a write-only secret.

AI Core never returns a secret's data, so the module stores a salted, deliberately slow hash
of the data it wrote in a label of the secret. Only AI Core administrators can read labels,
and they could mount the secret and read the data itself, so the label reveals nothing new;
the slow hash keeps even a low-entropy value from being guessed cheaply from a leaked label.

The label's value records the scheme and its parameters (``scrypt$16384$8$1$salt$hash``),
so they can be raised later: an older fingerprint still verifies with the parameters it names.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import threading

LABEL_KEY = "ext.ai.sap.com/ansible-fingerprint"
SCRYPT = "scrypt"
PBKDF2 = "pbkdf2-sha256"
SCRYPT_PARAMETERS = (2 ** 14, 8, 1)  # n, r, p: about 16 MiB and a few tens of milliseconds
PBKDF2_ITERATIONS = 600000  # used only where hashlib has no scrypt
SALT_BYTES = 16
# The parameter sets this module has written, and so verifies. A label could be edited by anyone
# with admin rights: other parameters never match (the secret is then written again with the
# current ones), so a hostile label cannot make the module hash with huge costs. Raising the cost
# later means adding the new set here and writing it.
ACCEPTED = {SCRYPT: frozenset([SCRYPT_PARAMETERS]), PBKDF2: frozenset([(PBKDF2_ITERATIONS,)])}
FIELD = re.compile(r"^[A-Za-z0-9_-]{1,100}$")  # salt and digest: unpadded base64url


def canonical(encoded_data):
    """The exact bytes fingerprinted: the data as sent (base64 values), keys sorted, no spaces."""
    return json.dumps(encoded_data, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Fingerprint(object):
    """Fingerprints of one piece of data: makes the label value to write, checks stored ones.

    One salt serves the whole run, so writing the same data to many secrets hashes it once;
    checks are cached by scheme, parameters and salt for the same reason.
    """

    def __init__(self, encoded_data):
        self._message = canonical(encoded_data)
        self._lock = threading.Lock()
        self._digests = {}
        self._label = None

    def label_value(self):
        with self._lock:
            if self._label is None:
                scheme, parameters = (SCRYPT, SCRYPT_PARAMETERS) if hasattr(hashlib, "scrypt") else (PBKDF2, (PBKDF2_ITERATIONS,))
                salt = _b64(os.urandom(SALT_BYTES))
                digest = self._digest_locked(scheme, parameters, salt)
                self._label = "$".join([scheme] + [str(number) for number in parameters] + [salt, digest])
            return self._label

    def matches(self, stored):
        """Whether a stored label value fingerprints this data; False for anything unreadable."""
        parsed = _parse(stored)
        if parsed is None:
            return False
        scheme, parameters, salt, digest = parsed
        with self._lock:
            return hmac.compare_digest(self._digest_locked(scheme, parameters, salt), digest)

    def _digest_locked(self, scheme, parameters, salt):
        key = (scheme, parameters, salt)
        if key not in self._digests:
            self._digests[key] = _b64(_hash(scheme, parameters, _unb64(salt), self._message))
        return self._digests[key]


def _hash(scheme, parameters, salt, message):
    if scheme == SCRYPT:
        n, r, p = parameters
        return hashlib.scrypt(message, salt=salt, n=n, r=r, p=p, maxmem=129 * r * n * p + 2 ** 20, dklen=32)
    return hashlib.pbkdf2_hmac("sha256", message, salt, parameters[0], dklen=32)


def _parse(stored):
    if not isinstance(stored, str):
        return None
    fields = stored.split("$")
    scheme = fields[0]
    if scheme not in ACCEPTED or len(fields) < 4 or not all(FIELD.match(field) for field in fields[-2:]):
        return None
    try:
        parameters = tuple(int(number) for number in fields[1:-2])
    except ValueError:
        return None
    if parameters not in ACCEPTED[scheme] or (scheme == SCRYPT and not hasattr(hashlib, "scrypt")):
        return None
    return scheme, parameters, fields[-2], fields[-1]


def _b64(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
