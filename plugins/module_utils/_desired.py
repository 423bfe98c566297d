# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: what a task asks a secret to be, checked and encoded.

``DesiredSecret`` holds the data as it will be sent (base64 values), the labels the task names
(or None: leave labels alone), and the data's fingerprint; it compares itself with a secret's
details as AI Core returns them and builds the label list to send.
"""

import base64
import binascii
import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY, Fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

DATA_KEY_PATTERN = re.compile(r"^[-._a-zA-Z0-9]+$")
LABEL_PREFIX = "ext.ai.sap.com/"
LABEL_KEY_PATTERN = re.compile(r"^ext.ai.sap.com/(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]){1,48}$")
LABEL_KEY_MAX = 63
LABEL_VALUE_MAX = 5000
REMOVE = ""  # on PATCH, a label sent with an empty value is removed


class DesiredSecret(object):
    """The data, labels and fingerprint a task asks for."""

    def __init__(self, data, data_encoding="plain", labels=None):
        self.data = encode_data(data, data_encoding)
        self.labels = normalize_labels(labels)
        self.fingerprint = Fingerprint(self.data)

    def secret_values(self):
        """What must never be shown: the values as sent, as given (for base64 input, decoded) and the fingerprint."""
        values = list(self.data.values()) + [self.fingerprint.label_value()]
        for encoded in self.data.values():
            try:
                values.append(base64.b64decode(encoded).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                pass
        return values

    def data_matches(self, details):
        """Whether the secret's fingerprint label shows it already holds this data."""
        return self.fingerprint.matches(labels_of(details).get(LABEL_KEY))

    def labels_match(self, details):
        return self.labels is None or visible_labels(details) == self.labels

    def labels_to_send(self, details=None):
        """The label list for a create (no details) or an update: the task's labels, the
        fingerprint, and an empty value for each label to remove."""
        wanted = dict(self.labels or {})
        wanted[LABEL_KEY] = self.fingerprint.label_value()
        if details is not None and self.labels is not None:
            for key in visible_labels(details):
                wanted.setdefault(key, REMOVE)
        return [{"key": key, "value": wanted[key]} for key in sorted(wanted)]

    def labels_after(self, details=None):
        """The visible labels the secret has once this task wrote it."""
        if self.labels is not None:
            return dict(self.labels)
        return visible_labels(details) if details is not None else {}


def labels_of(details):
    """A secret's labels as a dict, from AI Core's list of ``{key, value}``."""
    labels = (details or {}).get("labels") or []
    return dict((label.get("key"), label.get("value")) for label in labels if isinstance(label, dict))


def visible_labels(details):
    """The labels a user sees: all but the fingerprint, which stays out of every output."""
    labels = labels_of(details)
    labels.pop(LABEL_KEY, None)
    return labels


def encode_data(data, encoding):
    if not isinstance(data, dict) or not data:
        raise InputError("data: give a dict with at least one key")
    encoded = {}
    for key in sorted(data):
        _check_data_key(key)
        encoded[key] = _encode_value(key, data[key], encoding)
    return encoded


def normalize_labels(labels):
    """Prefix keys with ``ext.ai.sap.com/`` where missing and check them; None stays None."""
    if labels is None:
        return None
    normalized = {}
    for key, value in labels.items():
        full_key = key if str(key).startswith(LABEL_PREFIX) else LABEL_PREFIX + str(key)
        _check_label(full_key, value)
        if full_key in normalized:
            raise InputError("labels: %r is given twice, with and without the %s prefix" % (full_key, LABEL_PREFIX))
        normalized[full_key] = value
    return normalized


def _check_data_key(key):
    if not isinstance(key, str) or not DATA_KEY_PATTERN.match(key):
        raise InputError("data: key %r is not allowed: keys become file names, use letters, digits, '-', '_' and '.'" % (key,))


def _encode_value(key, value, encoding):
    if not isinstance(value, str):
        raise InputError("data: the value of %r must be a string (quote numbers and booleans in YAML)" % key)
    if encoding == "plain":
        return base64.b64encode(value.encode("utf-8")).decode("ascii")
    try:
        canonical = base64.b64encode(base64.b64decode(value, validate=True)).decode("ascii")
    except (binascii.Error, ValueError):
        canonical = None
    if canonical != value:
        raise InputError("data: the value of %r is not valid base64, as data_encoding=base64 requires" % key)
    return value


def _check_label(key, value):
    if key == LABEL_KEY:
        raise InputError("labels: %s is kept by the module for its fingerprint and cannot be set" % LABEL_KEY)
    if len(key) > LABEL_KEY_MAX or not LABEL_KEY_PATTERN.match(key):
        raise InputError(
            "labels: key %r is not allowed: after the ext.ai.sap.com/ prefix use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit, at most %d characters in all" % (key, LABEL_KEY_MAX)
        )
    if not isinstance(value, str):
        raise InputError("labels: the value of %r must be a string (quote numbers and booleans in YAML)" % key)
    if len(value) > LABEL_VALUE_MAX:
        raise InputError("labels: the value of %r is longer than %d characters" % (key, LABEL_VALUE_MAX))
    if not value:
        raise InputError("labels: the value of %r is empty; AI Core takes an empty value as 'remove this label'" % key)
