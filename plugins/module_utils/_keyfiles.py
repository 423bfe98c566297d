# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: a service key's X.509 certificate and key as private files.

``requests`` (through OpenSSL) reads a client certificate only from files, while an X.509
service key carries it inline. The PEM text goes into a fresh directory only the current user
can enter, in files only the current user can read, removed as soon as the token request is done
(and, should the run end first, when the module exits).
"""

import atexit
import os
import shutil
import tempfile

PRIVATE_FILE = 0o600


class PrivatePair(object):
    """Context manager: writes certificate and key to private temporary files, yields their paths,
    and removes them when the token request is done; ``atexit`` removes them should the run end first."""

    def __init__(self, cert_pem, key_pem):
        self._pems = (cert_pem, key_pem)
        self._directory = None

    def __enter__(self):
        self._directory = tempfile.mkdtemp(prefix="aicore-x509-")  # created with mode 0700
        atexit.register(shutil.rmtree, self._directory, True)
        cert_pem, key_pem = self._pems
        return _write(self._directory, "client.crt", cert_pem), _write(self._directory, "client.key", key_pem)

    def __exit__(self, *exception):
        shutil.rmtree(self._directory, True)


class GivenFiles(object):
    """Context manager for files the task named: yields their paths and leaves them alone."""

    def __init__(self, cert_path, key_path):
        self._paths = (cert_path, key_path)

    def __enter__(self):
        return self._paths

    def __exit__(self, *exception):
        return None


def _write(directory, name, text):
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return path
