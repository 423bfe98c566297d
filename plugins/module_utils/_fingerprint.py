# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: remembering what was written to a write-only secret.

AI Core never returns a secret's data, so the module stores a fingerprint of the data it wrote
in a label of the secret. Labels are not secret: anyone who can list secrets reads them, and so
do UIs, list outputs and proxy logs. A fingerprint must therefore not let a reader test guesses
of the data:

- With a fingerprint key (from a vault), the label is ``hmac-sha256$salt$digest``, a keyed
  HMAC-SHA256. Without the key a guess cannot be checked at all, however weak the value.
- Without a key, the label is a salted scrypt hash at OWASP's minimum for password storage
  (N=2**17, r=8, p=1). A reader can still test guesses, each costing that much work.

Every label records its scheme and parameters (``scrypt$131072$8$1$salt$digest``), so older
labels still verify with the parameters they name; the next write replaces them with the
current scheme. See docs/fingerprints.md.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import threading

from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

LABEL_KEY = "ext.ai.sap.com/ansible-fingerprint"
HMAC_SHA256 = "hmac-sha256"
SCRYPT = "scrypt"
PBKDF2 = "pbkdf2-sha256"
# OWASP Password Storage Cheat Sheet, minimum for scrypt: N=2**17, r=8, p=1. That needs 128 MiB of
# memory per hash, and about a second of CPU on a small machine.
SCRYPT_PARAMETERS = (2 ** 17, 8, 1)
LEGACY_SCRYPT_PARAMETERS = (2 ** 14, 8, 1)  # written by 1.x before the fingerprint key; verified, never written
PBKDF2_ITERATIONS = 600000  # OWASP's minimum for PBKDF2-HMAC-SHA256; used only where hashlib has no scrypt
SALT_BYTES = 16
MIN_KEY_LENGTH = 16
# Domain separation: an HMAC made with the same key for another purpose never passes as a fingerprint.
HMAC_CONTEXT = b"sap_aicore.admin generic secret fingerprint\x00"
# The parameter sets this module has written, and so verifies. A label could be edited by anyone
# with admin rights: other parameters never match (the secret is then written again with the
# current ones), so a hostile label cannot make the module hash with huge costs. Raising the cost
# later means adding the new set here and writing it.
ACCEPTED = {
    HMAC_SHA256: frozenset([()]),
    SCRYPT: frozenset([SCRYPT_PARAMETERS, LEGACY_SCRYPT_PARAMETERS]),
    PBKDF2: frozenset([(PBKDF2_ITERATIONS,)]),
}
MAKE_LABEL = "make the label to write"  # a job for the thread that hashes ahead of need
FIELD = re.compile(r"[A-Za-z0-9_-]{1,100}")  # salt and digest: unpadded base64url, matched whole


def canonical(encoded_data):
    """The exact bytes fingerprinted: the data as sent (base64 values), keys sorted, no spaces."""
    return json.dumps(encoded_data, sort_keys=True, separators=(",", ":")).encode("utf-8")


def check_fingerprint_key(key):
    """Refuse a fingerprint key too short to keep guesses from being tested; None means no key."""
    if key is None:
        return
    if not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
        raise InputError("fingerprint_key: use a random value of at least %d characters, for example from a vault "
                         "(leave it unset to fingerprint with scrypt instead)" % MIN_KEY_LENGTH)


class Fingerprint:
    """Fingerprints of one piece of data: makes the label value to write, checks stored ones.

    One salt serves the whole run, so writing the same data to many secrets hashes it once.
    Checks are cached by scheme, parameters and salt for the same reason. One lock guards both
    and is held while hashing: threads that check the same salt wait for the one hash instead of
    each computing it, and at most one scrypt (128 MiB) runs at a time. The label to write is
    made only when a secret is written: a run that finds everything unchanged hashes once per
    salt it reads (once, for secrets one earlier run wrote), and never for a label it would not send.
    ``hash_ahead`` starts a hash that will be needed on a thread of its own, so that a module can go
    on reading secrets while it runs instead of every worker waiting for it.
    """

    def __init__(self, encoded_data, key=None):
        check_fingerprint_key(key)
        self._message = canonical(encoded_data)
        self._key = None if key is None else key.encode("utf-8")
        self._lock = threading.Lock()  # guards the fields below; held only briefly
        self._hashing = threading.Lock()  # held while hashing: one slow hash at a time
        self._making_label = threading.Lock()
        self._digests = {}
        self._label = None
        self._on_label = None
        self._ahead = []  # (scheme, parameters, salt) or MAKE_LABEL, for the worker to hash ahead of need
        self._asked_ahead = set()
        self._worker = None

    def scheme(self):
        """The scheme this run writes."""
        if self._key is not None:
            return HMAC_SHA256, ()
        return (SCRYPT, SCRYPT_PARAMETERS) if hasattr(hashlib, "scrypt") else (PBKDF2, (PBKDF2_ITERATIONS,))

    def when_made(self, callback):
        """Have ``callback(label)`` see the label to write as soon as it is made (at once if it is),
        before any caller gets it: for a value that must be kept out of messages."""
        with self._making_label:
            self._on_label = callback
            if self._label is not None:
                callback(self._label)

    def label_value(self):
        with self._making_label:
            if self._label is None:
                scheme, parameters = self.scheme()
                salt = _b64(os.urandom(SALT_BYTES))
                digest = self._digest((scheme, parameters, salt))
                self._label = "$".join([scheme] + [str(number) for number in parameters] + [salt, digest])
                if self._on_label is not None:
                    self._on_label(self._label)
            return self._label

    def matches(self, stored):
        """Whether a stored label value fingerprints this data; False for anything unreadable,
        and for a keyed label when this run has no key (it cannot be checked: the secret is
        written again)."""
        cache_key, digest = self._checkable(stored)
        if cache_key is None:
            return False
        return hmac.compare_digest(self._digest(cache_key), digest)

    def hash_ahead(self, stored):
        """Start the slow hash that checking ``stored`` will need on a thread of its own, and return at
        once: the caller goes on with other work while it runs. Nothing for a label that cannot be checked."""
        cache_key = self._checkable(stored)[0]
        if cache_key is not None:
            self._ahead_of_need(cache_key)

    def make_label_ahead(self):
        """Start making the label to write on a thread of its own, and return at once."""
        self._ahead_of_need(MAKE_LABEL)

    def _ahead_of_need(self, cache_key):
        """Queue a hash for the one thread that hashes ahead of need; each once, one after the other,
        as ``matches`` and ``label_value`` would."""
        with self._lock:
            if cache_key in self._asked_ahead or cache_key in self._digests:
                return
            self._asked_ahead.add(cache_key)
            self._ahead.append(cache_key)
            if self._worker is None:
                self._worker = threading.Thread(target=self._hash_ahead, name="sap_aicore-fingerprint")
                self._worker.daemon = True
                self._worker.start()

    def _hash_ahead(self):
        while True:
            with self._lock:
                if not self._ahead:
                    self._worker = None
                    return
                cache_key = self._ahead.pop(0)
            try:
                if cache_key is MAKE_LABEL:
                    self.label_value()
                else:
                    self._digest(cache_key)
            except Exception:  # pylint: disable=broad-exception-caught
                pass  # whoever needs it hashes again, and reports what fails there

    def _checkable(self, stored):
        """``((scheme, parameters, salt), digest)`` of a stored label this run can check, else ``(None, None)``."""
        parsed = _parse(stored)
        if parsed is None:
            return None, None
        scheme, parameters, salt, digest = parsed
        if scheme == HMAC_SHA256 and self._key is None:
            return None, None
        return (scheme, parameters, salt), digest

    def _digest(self, cache_key):
        """The digest for ``(scheme, parameters, salt)``, hashed at most once per run."""
        with self._lock:
            if cache_key in self._digests:
                return self._digests[cache_key]
        with self._hashing:  # threads that need the same digest wait here for the one hash
            with self._lock:
                if cache_key in self._digests:
                    return self._digests[cache_key]
            scheme, parameters, salt = cache_key
            digest = _b64(_hash(scheme, parameters, _unb64(salt), self._message, self._key))
            with self._lock:
                self._digests[cache_key] = digest
            return digest


def _hash(scheme, parameters, salt, message, key=None):
    if scheme == HMAC_SHA256:
        # The salt has a fixed length, so salt + message reads one way only.
        return hmac.new(key, HMAC_CONTEXT + salt + message, hashlib.sha256).digest()
    if scheme == SCRYPT:
        n, r, p = parameters
        # scrypt needs 128 * r * n * p bytes and a little more; OpenSSL refuses beyond maxmem (32 MiB by default).
        return hashlib.scrypt(message, salt=salt, n=n, r=r, p=p, maxmem=129 * r * n * p + 2 ** 20, dklen=32)
    return hashlib.pbkdf2_hmac("sha256", message, salt, parameters[0], dklen=32)


def _parse(stored):
    """``(scheme, parameters, salt, digest)`` of a label value this module could have written, else None."""
    if not isinstance(stored, str) or len(stored) > 300:
        return None
    fields = stored.split("$")
    scheme = fields[0]
    if scheme not in ACCEPTED or len(fields) < 3 or not all(FIELD.fullmatch(field) for field in fields[-2:]):
        return None
    try:
        parameters = tuple(int(number) for number in fields[1:-2])
    except ValueError:
        return None
    if parameters not in ACCEPTED[scheme] or (scheme == SCRYPT and not hasattr(hashlib, "scrypt")):
        return None
    if len(fields[-2]) % 4 == 1:  # no base64 text has this length: the salt could not be decoded
        return None
    return scheme, parameters, fields[-2], fields[-1]


def _b64(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
