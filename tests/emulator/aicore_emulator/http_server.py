# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sockets and HTTP/1.1 framing: read requests, hand them to the dispatcher, write answers.

Every listener binds to 127.0.0.1 on a free port and serves each connection on its own
daemon thread with keep-alive, so a pooled client reuses its connections as it would
against AI Core. Every answer carries Content-Length, even an empty one, or keep-alive
clients would wait for a body that never comes. Quiet unless AICORE_EMULATOR_VERBOSE=1.
"""

from __future__ import annotations

import os
import socket
import socketserver
import ssl
import sys
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from .dispatch import Dispatcher
from .messages import Request, Response, json_error
from .request_log import MAX_LOGGED_BODY

LOOPBACK = "127.0.0.1"
VERBOSE_ENV = "AICORE_EMULATOR_VERBOSE"
READ_CHUNK = 64 * 1024
MAX_LINE = 64 * 1024
# Nothing downstream looks past AI Core's body limit, so larger bodies are read and dropped.
KEPT_BODY_BYTES = MAX_LOGGED_BODY


def verbose() -> bool:
    """Whether to log every request and error to stderr."""
    return os.environ.get(VERBOSE_ENV) == "1"


class RequestHandler(BaseHTTPRequestHandler):
    """One connection; ``handle`` loops over its keep-alive requests."""

    protocol_version = "HTTP/1.1"
    # Answers go out as soon as they are written, as from a real server: with Nagle's algorithm on,
    # a body written after its headers waits for the client's delayed ACK (up to 40 ms on Linux).
    disable_nagle_algorithm = True
    server: EmulatorHTTPServer

    def version_string(self) -> str:
        """The Server header, without the Python version http.server adds."""
        return "AICoreEmulator/1.0"

    def setup(self) -> None:
        # The handshake runs here, on the connection's own thread, so a slow or refused
        # client (an untrusted certificate on the mTLS listener) cannot block accept().
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def _serve(self) -> None:
        request = self._read_request()
        if request is None:
            return
        try:
            response = self.server.dispatcher.handle(request)
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug in the emulator must not pass for a "drop" fault: answer 500 and show it.
            traceback.print_exc()
            response = json_error(500, "EmulatorError", "the emulator failed; see its stderr")
        if response is None:
            self.close_connection = True
            return
        self._send(response)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _read_request(self) -> Request | None:
        path, _question_mark, query = self.path.partition("?")
        try:
            body, body_size = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(json_error(400, "InvalidRequest", "unreadable Content-Length or chunked body"))
            return None
        return Request(
            method=self.command,
            path=path,
            query=dict(parse_qsl(query, keep_blank_values=True)),
            headers=self.headers,
            body=body,
            body_size=body_size,
            listener=self.server.listener_name,
            client_cert=self._has_client_cert(),
        )

    def _read_body(self) -> tuple[bytes, int]:
        kept = bytearray()
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            size = self._read_chunks(kept)
        else:
            size = _non_negative_int(self.headers.get("Content-Length") or "0", 10)
            self._read_into(kept, size)
        return bytes(kept), size

    def _read_chunks(self, kept: bytearray) -> int:
        size = 0
        while True:
            chunk_size = _non_negative_int(self.rfile.readline(MAX_LINE).split(b";", 1)[0], 16)
            if chunk_size == 0:
                break
            self._read_into(kept, chunk_size)
            self.rfile.readline(MAX_LINE)  # the CRLF that ends every chunk
            size += chunk_size
        while self.rfile.readline(MAX_LINE).strip():
            pass  # trailer fields, up to the empty line that ends the message
        return size

    def _read_into(self, kept: bytearray, length: int) -> None:
        while length:
            chunk = self.rfile.read(min(READ_CHUNK, length))
            if not chunk:
                raise ConnectionError("client closed the connection in the middle of a body")
            kept += chunk[:max(0, KEPT_BODY_BYTES - len(kept))]
            length -= len(chunk)

    def _has_client_cert(self) -> bool:
        return isinstance(self.request, ssl.SSLSocket) and bool(self.request.getpeercert())

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format, *args) -> None:  # pylint: disable=redefined-builtin
        """Per-request logging only on request, so test output stays readable."""
        if verbose():
            sys.stderr.write(f"{self.server.listener_name} {self.address_string()} {format % args}\n")


def _non_negative_int(text: str | bytes, base: int) -> int:
    value = int(text, base)
    if value < 0:
        raise ValueError("negative length")
    return value


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading server on a free loopback port that can close its open connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, dispatcher: Dispatcher, listener_name: str, ssl_context: ssl.SSLContext | None = None):
        super().__init__((LOOPBACK, 0), RequestHandler)
        self.dispatcher = dispatcher
        self.listener_name = listener_name
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host name (a DNS query); the emulator
        # must not talk to anything but loopback, and needs no name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        # Dropped connections and refused handshakes are part of the tests, not errors.
        if verbose():
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down idle keep-alive connections, whose threads would otherwise linger."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


@dataclass
class Listener:
    """A running server and its thread."""

    server: EmulatorHTTPServer
    thread: threading.Thread
    scheme: str

    @property
    def url(self) -> str:
        """``scheme://127.0.0.1:port``."""
        return f"{self.scheme}://{LOOPBACK}:{self.server.server_port}"

    def stop(self) -> None:
        """Stop accepting, close the socket and every open connection."""
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self.thread.join(timeout=5)


def start_listener(dispatcher: Dispatcher, listener_name: str, ssl_context: ssl.SSLContext | None = None) -> Listener:
    """Bind a free loopback port and serve it on a daemon thread."""
    server = EmulatorHTTPServer(dispatcher, listener_name, ssl_context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"aicore-emulator-{listener_name}", daemon=True)
    thread.start()
    return Listener(server, thread, "https" if ssl_context else "http")
