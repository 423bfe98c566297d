# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: what a task asks a secret to be, checked and encoded.

``DesiredSecret`` holds the data as it will be sent (base64 values), the labels the task names
(or None: leave labels alone), and the data's fingerprint; it compares itself with a secret's
details as AI Core returns them and builds the label list to send.

Every pattern is matched whole (``fullmatch``) and has no nested quantifiers, so each check is
linear in its input.
"""

import base64
import binascii
import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._fingerprint import LABEL_KEY, Fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, shorten, type_word

# Keys become file names where the secret is mounted (Kubernetes' rule for keys of a secret).
DATA_KEY_PATTERN = re.compile(r"[-._a-zA-Z0-9]+")
DATA_KEY_RULE = "use letters, digits, '-', '_' and '.', not '.' or '..' and not starting with '..'"
LABEL_PREFIX = "ext.ai.sap.com/"
# AI Core documents ^ext.ai.sap.com/(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]){1,48}$. Its nested
# quantifiers backtrack exponentially on a long key with one bad character; the language is the same
# as this one: after the prefix, letters, digits, '-', '_' and '.', starting and ending with a letter
# or digit (one group can span the whole name, so the {1,48} adds nothing beside the 63-character limit).
LABEL_KEY_PATTERN = re.compile(r"ext\.ai\.sap\.com/[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?")
LABEL_KEY_MAX = 63
LABEL_VALUE_MAX = 5000
REMOVE = ""  # on PATCH, a label sent with an empty value is removed
# The tenant-wide sync map: the API reference's name first, then the help pages'.
SYNC_STATUS_FIELDS = ("resourceGroupSecretsSyncStatus", "resourceGroupSecretReplicationStatus")


class DesiredSecret:
    """The data, labels and fingerprint a task asks for."""

    def __init__(self, data, data_encoding="plain", labels=None, fingerprint_key=None):
        self.data = encode_data(data, data_encoding)
        self.labels = normalize_labels(labels)
        self.fingerprint = Fingerprint(self.data, fingerprint_key)
        self._fingerprint_key = fingerprint_key

    def hide_secrets_with(self, hide):
        """Give ``hide`` what must never be shown: the secret values now, the fingerprint label once it is
        made. The label costs a slow hash, so it is made only for a write, never just to be hidden."""
        hide(*self.secret_values())
        self.fingerprint.when_made(hide)

    def secret_values(self):
        """The values as sent, as given (for base64 input, decoded), and the key the fingerprint is made with."""
        values = list(self.data.values())
        if self._fingerprint_key is not None:
            values.append(self._fingerprint_key)
        for encoded in self.data.values():
            try:
                values.append(base64.b64decode(encoded).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                pass
        return values

    def data_matches(self, details):
        """Whether the secret's fingerprint label shows it already holds this data."""
        return self.fingerprint.matches(labels_of(details).get(LABEL_KEY))

    def check_ahead(self, details):
        """Start the slow hash that ``data_matches(details)`` will need, on a thread of its own."""
        self.fingerprint.hash_ahead(labels_of(details).get(LABEL_KEY))

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
    """A secret's labels as a dict, from either shape SAP documents: a list of ``{key, value}`` (the
    API reference) or an object of keys to values (the help pages)."""
    labels = (details or {}).get("labels")
    if isinstance(labels, dict):
        pairs = labels.items()
    elif isinstance(labels, list):
        pairs = ((label.get("key"), label.get("value")) for label in labels if isinstance(label, dict))
    else:
        pairs = ()
    return dict((key, value) for key, value in pairs if isinstance(key, str))


def sync_status_of(details):
    """A tenant-wide secret's map of resource group -> in sync, under either name SAP documents; else None."""
    for field in SYNC_STATUS_FIELDS:
        status = (details or {}).get(field)
        if isinstance(status, dict):
            return status
    return None


def written_by_collection(details):
    """Whether the secret carries the fingerprint label: this collection wrote it with state=present at least once
    (any update_mode; an existing secret counts once the module updated it). The line ``exclusive`` deletes within."""
    return LABEL_KEY in labels_of(details)


def visible_labels(details):
    """The labels a user sees: all but the fingerprint, which stays out of every output."""
    labels = labels_of(details)
    labels.pop(LABEL_KEY, None)
    return labels


def encode_data(data, encoding):
    # The option is of type raw: Ansible's dict type would turn a string such as "user=a password=b=c"
    # into key=value pairs, silently writing another secret. Only a mapping is taken; the value is never quoted.
    if not isinstance(data, dict):
        raise InputError("data: must be a dict of file names to values, got %s (a string is never split into keys)" % type_word(data))
    if not data:
        raise InputError("data: give a dict with at least one key")
    for key in data:  # every key before sorting: keys of mixed types cannot be sorted
        check_data_key(key)
    return dict((key, _encode_value(key, data[key], encoding)) for key in sorted(data))


def normalize_labels(labels):
    """Prefix keys with ``ext.ai.sap.com/`` where missing and check them; None stays None."""
    if labels is None:
        return None
    if not isinstance(labels, dict):
        raise InputError("labels: must be a dict of label keys to values, got %s (a string is never split into keys)" % type_word(labels))
    normalized = {}
    for key, value in labels.items():
        if not isinstance(key, str):
            raise InputError("labels: every key must be a string, got %s (quote it in YAML)" % type_word(key))
        full_key = key if key.startswith(LABEL_PREFIX) else LABEL_PREFIX + key
        _check_label(full_key, value)
        if full_key in normalized:
            raise InputError("labels: %r is given twice, with and without the %s prefix" % (full_key, LABEL_PREFIX))
        normalized[full_key] = value
    return normalized


def check_data_key(key):
    if not isinstance(key, str) or not DATA_KEY_PATTERN.fullmatch(key) or key in (".", "..") or key.startswith(".."):
        shown = shorten(key) if isinstance(key, str) else key
        raise InputError("data: key %r is not allowed: keys become file names where the secret is mounted; %s" % (shown, DATA_KEY_RULE))


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
    if len(key) > LABEL_KEY_MAX or not LABEL_KEY_PATTERN.fullmatch(key):  # length first: a long key is refused at once
        raise InputError(
            "labels: key %r is not allowed: after the ext.ai.sap.com/ prefix use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit, at most %d characters in all" % (shorten(key, LABEL_KEY_MAX + 20), LABEL_KEY_MAX)
        )
    if not isinstance(value, str):
        raise InputError("labels: the value of %r must be a string (quote numbers and booleans in YAML)" % key)
    if len(value) > LABEL_VALUE_MAX:
        raise InputError("labels: the value of %r is longer than %d characters" % (key, LABEL_VALUE_MAX))
    if not value:
        raise InputError("labels: the value of %r is empty; AI Core takes an empty value as 'remove this label'" % key)
