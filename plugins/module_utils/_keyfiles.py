# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: a service key's X.509 certificate and key as files, for one token request.

``requests`` (through OpenSSL) reads a client certificate only from files, while an X.509
service key carries it inline. The private key must never outlive the token request on disk,
even when the module is killed:

- On Linux the PEM text goes into anonymous in-memory files (``memfd_create``), handed to OpenSSL
  as ``/proc/self/fd/N``. They are on no file system; the kernel frees them when they are closed
  or the process ends, however it ends (SIGKILL included).
- Elsewhere (or where the kernel refuses ``memfd_create``) it goes into a fresh directory only the
  current user can enter (0700), in files only the current user can read (0600), removed as soon
  as the request is done, at interpreter exit, and on SIGTERM or SIGINT before the signal takes
  its usual course. A SIGKILL cannot be caught: then the files stay until the system cleans its
  temporary directory.
"""

import atexit
import os
import shutil
import signal
import tempfile
import threading

PRIVATE_FILE = 0o600
CLEANUP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def memory_files_available():
    return hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")


class PrivatePair:
    """Context manager: yields paths from which certificate and key can be read, for as long as the block runs."""

    def __init__(self, cert_pem, key_pem):
        self._pems = (_with_final_newline(cert_pem), _with_final_newline(key_pem))
        self._descriptors = []
        self._directory = None

    def __enter__(self):
        if memory_files_available():
            try:
                return tuple(self._memory_file(name, pem) for name, pem in zip(("client.crt", "client.key"), self._pems))
            except OSError:  # memfd_create refused (an old kernel, a seccomp profile): use the fallback
                self._close_memory_files()
        return self._temporary_files()

    def __exit__(self, *exception):
        self._close_memory_files()
        if self._directory:
            _forget_directory(self._directory)
            shutil.rmtree(self._directory, True)

    def _memory_file(self, name, pem):
        descriptor = os.memfd_create("aicore-x509-" + name, os.MFD_CLOEXEC)
        self._descriptors.append(descriptor)
        _write_all(descriptor, pem)
        return "/proc/self/fd/%d" % descriptor

    def _close_memory_files(self):
        while self._descriptors:
            os.close(self._descriptors.pop())

    def _temporary_files(self):
        self._directory = tempfile.mkdtemp(prefix="aicore-x509-")  # created with mode 0700
        _remember_directory(self._directory)
        cert_pem, key_pem = self._pems
        return _write(self._directory, "client.crt", cert_pem), _write(self._directory, "client.key", key_pem)


class GivenFiles:
    """Context manager for files the task named: yields their paths and leaves them alone."""

    def __init__(self, cert_path, key_path):
        self._paths = (cert_path, key_path)

    def __enter__(self):
        return self._paths

    def __exit__(self, *exception):
        return None


def _with_final_newline(text):
    return text if text.endswith("\n") else text + "\n"


def _write_all(descriptor, text):
    data = text.encode("utf-8")
    while data:
        data = data[os.write(descriptor, data):]


def _write(directory, name, text):
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        _write_all(descriptor, text)
    finally:
        os.close(descriptor)
    return path


# The fallback's cleanup when the run ends early: directories still in use, removed at exit or on a signal.
_pending_directories = set()
_pending_lock = threading.Lock()
_previous_handlers = {}
_cleanup_installed = []  # holds True once atexit and the handlers are in place


def _remember_directory(directory):
    with _pending_lock:
        if not _cleanup_installed:
            atexit.register(_remove_pending_directories)
            _install_signal_handlers()
            _cleanup_installed.append(True)
        _pending_directories.add(directory)


def _forget_directory(directory):
    with _pending_lock:
        _pending_directories.discard(directory)


def _remove_pending_directories():
    with _pending_lock:
        directories = list(_pending_directories)
        _pending_directories.clear()
    for directory in directories:
        shutil.rmtree(directory, True)


def _install_signal_handlers():
    """Python lets only the main thread set handlers; from a worker thread, atexit alone remains."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in CLEANUP_SIGNALS:
        _previous_handlers[number] = signal.signal(number, _remove_then_resignal)


def _remove_then_resignal(number, frame):
    """Remove the key files, then let the signal do what it did before (by default: end the process)."""
    _remove_pending_directories()
    previous = _previous_handlers.get(number)
    if callable(previous):  # SIGINT's default raises KeyboardInterrupt; a handler Ansible set runs as before
        previous(number, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
