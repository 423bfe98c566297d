# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: a service key's X.509 certificate and key as private files.

``requests`` (through OpenSSL) reads a client certificate only from files, while an X.509
service key carries it inline. The PEM text goes into a fresh directory only the current user
can enter, in files only the current user can read, removed when the module exits: normally,
through fail_json, or on an unhandled error.
"""

import atexit
import os
import shutil
import tempfile

PRIVATE_FILE = 0o600


def write_private_pair(cert_pem, key_pem):
    """Write certificate and key to private temporary files; return their paths."""
    directory = tempfile.mkdtemp(prefix="aicore-x509-")  # created with mode 0700
    atexit.register(shutil.rmtree, directory, True)
    return _write(directory, "client.crt", cert_pem), _write(directory, "client.key", key_pem)


def _write(directory, name, text):
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return path
