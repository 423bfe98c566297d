# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile servers and hostile input against the transport, the token source and the key files.

Each test stands for a row of the adversarial review (issue 10) or the lost-attempt rule (issue 9).
Small misbehaving servers of our own run on 127.0.0.1; fake clocks stand in for long waits.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zlib

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils import _http
from ansible_collections.sap_aicore.admin.plugins.module_utils._auth import TokenSource
from ansible_collections.sap_aicore.admin.plugins.module_utils._client import AICoreClient
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError, Redactor, read_error_body
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import SharedPause, Transport, new_session, proxy_host
from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import is_loopback, resolve_settings
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

from .fakes import ScriptedSession, answer, settings

SECRET = "correct horse ??? battery >>> staple ~~~ 42"
SECRET_B64 = base64.b64encode(SECRET.encode()).decode()
assert "/" in SECRET_B64  # the case the review found: JSON may write it as \/


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection is handled by ``handle(connection, stop)`` in a thread."""

    def __init__(self, handle):
        self._handle = handle
        self.stop = threading.Event()
        self.connected = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self.url = "http://127.0.0.1:%d" % self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _address = self._listener.accept()
            except socket.timeout:
                continue
            self.connected.set()
            threading.Thread(target=self._run, args=(connection,), daemon=True).start()

    def _run(self, connection):
        try:
            _read_request_head(connection)
            self._handle(connection, self.stop)
        except OSError:
            pass
        finally:
            connection.close()

    def close(self):
        self.stop.set()
        self._thread.join(5)
        self._listener.close()


def _read_request_head(connection):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            return
        data += chunk


@pytest.fixture
def serve():
    servers = []

    def start(handle):
        servers.append(RawServer(handle))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


def client_for(emulator):
    """A client of the emulator in tenant scope, without retries."""
    configured = resolve_settings(dict(api_url=emulator.url, auth_url=emulator.auth_url, client_id=emulator.client_id,
                                       client_secret=emulator.client_secret, service_key=None, token=None, timeout=10, retries=0), {})
    return AICoreClient(configured, {"AI-Resource-Group": "hostile"})


def real_transport(timeout=2, retries=0):
    configured = settings(timeout=timeout, retries=retries)
    return Transport(configured, new_session(configured, 1))


# Row 5: server text is decoded, then scrubbed, then shortened.

@pytest.mark.parametrize("body", [
    # A JSON string with "/" escaped as "\/": scrubbing the raw text would miss the base64 value.
    '{"error": {"code": "500", "message": "could not store {\\"data\\": {\\"pw\\": \\"%s\\"}}"}}' % SECRET_B64.replace("/", "\\/"),
    # The whole request echoed as a JSON object under "message".
    '{"message": {"data": {"pw": "%s"}}, "requestId": "r-1"}' % SECRET_B64.replace("/", "\\/"),
    # The raw value with every letter escaped as \\u00XX.
    '{"error": {"message": "%s"}}' % "".join("\\u%04x" % ord(character) for character in SECRET),
    # Plain text where the secret straddles the place the quote is cut.
    "x" * 190 + " " + SECRET + " tail",
    # An HTML page that reflects the secret in its title, entity-encoded.
    "<html><head><title>no &#99;orrect horse ??? battery &gt;&gt;&gt; staple ~~~ 42</title></head></html>",
])
def test_reflected_secrets_never_reach_the_message(aicore, body):
    aicore.reset()
    aicore.add_fault({"action": "respond", "method": "GET", "endpoint": "api", "status": 500, "body": body, "times": 1})
    client = client_for(aicore)
    client.hide(SECRET, SECRET_B64)
    with pytest.raises(AICoreError) as raised:
        client.call("GET", "/admin/secrets")
    message = str(raised.value)
    assert "********" in message
    for text in (SECRET, SECRET_B64):
        assert not any(text[start:start + 8] in message for start in range(len(text) - 7)), message


def test_a_secret_at_the_cut_is_scrubbed_before_the_text_is_shortened():
    redactor = Redactor()
    redactor.add(SECRET)
    text = "y" * 195 + SECRET
    assert read_error_body(text, "text/plain", redactor.scrub).message == "y" * 195 + "*****..."


def test_token_error_descriptions_are_decoded_then_scrubbed():
    session = ScriptedSession(answer(401, '{"error": "unauthorized", "error_description": "bad secret %s"}'
                                     % SECRET_B64.replace("/", "\\/")))
    transport = Transport(settings(), session)
    transport.redactor.add(SECRET)
    with pytest.raises(AICoreError) as raised:
        TokenSource(settings(), transport).current()
    assert "bad secret ********" in str(raised.value) and SECRET_B64[:8] not in str(raised.value)


# Row 7: timeout bounds the whole answer.

def trickle_body(connection, stop):
    """Headers at once, then one byte of a 1000-byte body every 1.5 s."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    while not stop.wait(1.5):
        connection.sendall(b" ")


def trickle_headers(connection, stop):
    """The status line and headers themselves, one byte every 1.5 s."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"x" * 1000:
        if stop.wait(1.5):
            return
        connection.sendall(bytes([byte]))


@pytest.mark.parametrize("trickle", [trickle_body, trickle_headers])
def test_a_trickling_server_is_cut_off_at_the_timeout(serve, trickle):
    server = serve(trickle)
    started = time.monotonic()
    with pytest.raises(AICoreError, match="no answer within the timeout"):
        real_transport(timeout=2, retries=0).send("GET", server.url + "/v2/admin/secrets")
    elapsed = time.monotonic() - started
    print("%s: failed after %.2f s with timeout 2, retries 0" % (trickle.__name__, elapsed))
    assert elapsed < 4  # bounded by the timeout, not by 1000 bytes x 1.5 s


# Row 8: answers have a size cap on decoded bytes.

GIB = 1024 ** 3


@pytest.fixture(scope="module")
def gzip_bomb():
    """About 1 MB of gzip that inflates to 1 GiB of spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1024 * 1024)
    parts = [compressor.compress(block) for _unused in range(1024)]
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb_server(serve, bomb):
    def send_bomb(connection, stop):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(bomb))
        connection.sendall(bomb)
    return serve(send_bomb)


def test_a_gzip_bomb_stops_at_the_size_cap(serve, gzip_bomb):
    server = bomb_server(serve, gzip_bomb)
    with pytest.raises(AICoreError, match="larger than 8192 KiB once decoded"):
        real_transport(timeout=100).send("GET", server.url + "/v2/admin/secrets")


def test_a_gzip_bomb_keeps_memory_low(serve, gzip_bomb, tmp_path):
    server = bomb_server(serve, gzip_bomb)
    script = textwrap.dedent("""
        import json, resource, sys
        from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
        from ansible_collections.sap_aicore.admin.plugins.module_utils._http import Transport, new_session
        from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings
        configured = resolve_settings(dict(api_url=sys.argv[1], token="t", service_key=None, timeout=100, retries=0), {})
        try:
            Transport(configured, new_session(configured, 1)).send("GET", sys.argv[1] + "/v2/admin/secrets")
            error = "no error"
        except AICoreError as raised:
            error = str(raised)
        try:  # VmHWM is this program's own peak; ru_maxrss may include the parent's, kept across fork and exec
            with open("/proc/self/status") as status:
                peak_kib = int([line.split()[1] for line in status if line.startswith("VmHWM:")][0])
        except (OSError, IndexError):
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"error": error, "peak_mib": peak_kib // 1024}))
    """)
    done = subprocess.run([sys.executable, "-c", script, server.url], capture_output=True, text=True, timeout=120, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = json.loads(done.stdout.strip().split("\n")[-1])
    print("gzip bomb of %d bytes (1 GiB inflated): peak RSS %d MiB; %s" % (len(gzip_bomb), outcome["peak_mib"], outcome["error"]))
    assert "larger than 8192 KiB" in outcome["error"] and outcome["peak_mib"] < 200, outcome


def test_token_answers_have_a_smaller_cap():
    session = ScriptedSession(answer(200, json.dumps({"access_token": "t" * (_http.MAX_TOKEN_ANSWER + 1)})))
    with pytest.raises(AICoreError, match="larger than 64 KiB"):
        TokenSource(settings(), Transport(settings(), session)).current()


def test_a_list_page_of_100_secrets_with_labels_fits_the_cap():
    page = {"count": 100, "resources": [{"name": "secret-%03d" % number, "labels": [
        {"key": "ext.ai.sap.com/label-%d" % label, "value": "v" * 200} for label in range(10)]} for number in range(100)]}
    body = json.dumps(page)
    assert len(body) < _http.MAX_API_ANSWER / 10
    assert Transport(settings(), ScriptedSession(answer(200, body))).send("GET", "https://api.example.com/v2").json() == page


# Row 13: a deadline without progress that a 429 storm cannot stretch.

class FakeTime:
    """A clock that only moves when someone sleeps, and by as much as they sleep."""

    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class EndlessSession:
    """Answers every request with the same status (and takes ``seconds_per_answer`` of fake time to do it)."""

    def __init__(self, fake_time, status, headers=None, seconds_per_answer=0.0, succeed_every=0):
        self.fake_time = fake_time
        self.status = status
        self.headers = headers or {}
        self.seconds_per_answer = seconds_per_answer
        self.succeed_every = succeed_every
        self.requests = 0

    def request(self, method, url, **options):
        self.requests += 1
        self.fake_time.sleep(self.seconds_per_answer)
        if self.succeed_every and self.requests % self.succeed_every == 0:
            return answer(200, "{}")
        return answer(self.status, "", dict(self.headers))


def fake_transport(fake_time, session, **given):
    configured = settings(**given)
    return Transport(configured, session, sleep=fake_time.sleep, clock=fake_time.clock,
                     pause=SharedPause(clock=fake_time.clock, sleep=fake_time.sleep))


def test_a_429_storm_over_500_names_ends_at_the_deadline():
    fake_time = FakeTime()
    session = EndlessSession(fake_time, 429, {"Retry-After": "60"})
    transport = fake_transport(fake_time, session, timeout=30, retries=3)
    failures = []
    for number in range(500):
        try:
            reply = transport.send("DELETE", "https://api.example.com/v2/admin/secrets/s%d" % number)
        except AICoreError as error:
            failures.append(str(error))
        else:
            assert reply.status == 429  # retries exhausted: the caller fails this name with the 429
            failures.append(str(reply.error("DELETE failed")))
    limit = (3 + 1) * (30 + 120)
    print("429 storm, 500 names, Retry-After 60, retries 3, timeout 30: every name failed after %.0f s of (fake) time, "
          "%d requests sent; limit %d s" % (fake_time.now, session.requests, limit))
    assert transport.deadline.limit == limit
    assert fake_time.now <= limit
    assert "gave up: no request of this task got a usable answer within 600 s" in failures[-1]
    assert session.requests < 20


def test_a_long_slow_run_that_makes_progress_is_not_cut_short():
    fake_time = FakeTime()
    # Every other request is a 503 asking for 100 s; the run as a whole takes far longer than the limit.
    session = EndlessSession(fake_time, 503, {"Retry-After": "100"}, seconds_per_answer=5, succeed_every=2)
    transport = fake_transport(fake_time, session, timeout=30, retries=3)
    for number in range(200):
        assert transport.send("GET", "https://api.example.com/v2/admin/secrets/s%d" % number).status == 200
    assert fake_time.now > 10 * transport.deadline.limit


def test_time_between_requests_does_not_count():
    fake_time = FakeTime()
    transport = fake_transport(fake_time, EndlessSession(fake_time, 500, seconds_per_answer=0.5), timeout=1, retries=0)
    for _unused in range(5):
        assert transport.send("GET", "https://api.example.com/v2").status == 500
        fake_time.sleep(1000)  # the module computing between requests, far longer than the limit of 121 s
    assert transport.deadline.remaining() == transport.deadline.limit - 2.5


# Issue 9: a retried 502 or 504 may have taken effect; 500, 503 and 429 did not.

@pytest.mark.parametrize("status, lost", [(502, True), (504, True), (500, False), (503, False), (429, False)])
def test_gateway_errors_count_as_lost_attempts(status, lost):
    session = ScriptedSession(answer(status, "gateway"), answer(404, '{"error": {"message": "not found"}}'))
    fake_time = FakeTime()
    reply = fake_transport(fake_time, session).send("DELETE", "https://api.example.com/v2/admin/secrets/a")
    assert reply.status == 404 and reply.after_lost_attempt is lost


# Row 9: the unencrypted warning is decided on the parsed address, and names a proxy.

@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("LOCALHOST", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
    ("127.attacker.example", False), ("127.0.0.1.nip.io", False), ("10.0.0.1", False), ("localhost.attacker.example", False),
])
def test_loopback_is_decided_on_the_parsed_address(host, loopback):
    assert is_loopback(host) is loopback


def http_settings(api_url):
    return resolve_settings(dict(api_url=api_url, auth_url=api_url, client_id="c", client_secret="s", service_key=None), {})


def test_plain_http_to_another_host_warns_and_loopback_does_not(monkeypatch):
    for variable in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    assert http_settings("http://127.attacker.example").unencrypted_routes(proxy_host) == [("api_url", None), ("auth_url", None)]
    assert http_settings("http://127.0.0.1:8080").unencrypted_routes(proxy_host) == []


def test_a_proxy_carrying_plain_http_is_named_without_its_credentials(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy-user:proxy-password@proxy.example.net:3128")
    for variable in ("http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    routes = http_settings("http://127.0.0.1:8080").unencrypted_routes(proxy_host)
    assert routes == [("api_url", "proxy.example.net:3128"), ("auth_url", "proxy.example.net:3128")]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert http_settings("http://127.0.0.1:8080").unencrypted_routes(proxy_host) == []


# Row 10: service key fields of the wrong type are named, never a Python error.

KEY = {"clientid": "sb-c", "clientsecret": "s", "url": "https://auth.example.com", "serviceurls": {"AI_API_URL": "https://api.example.com"}}


@pytest.mark.parametrize("field, value, message", [
    ("clientsecret", 12345, "field clientsecret must be a string, got a number"),
    ("clientsecret", ["s"], "field clientsecret must be a string, got a list"),
    ("clientsecret", {"v": "s"}, "field clientsecret must be a string, got an object"),
    ("clientid", True, "field clientid must be a string, got a boolean"),
    ("url", 7, "field url must be a string, got a number"),
    ("serviceurls", "https://api.example.com", "field serviceurls must be a JSON object, got a str"),
    ("serviceurls", {"AI_API_URL": ["https://api.example.com"]}, "field serviceurls.AI_API_URL must be a string, got a list"),
])
def test_service_key_fields_of_the_wrong_type_are_named(field, value, message):
    key = dict(KEY, **{field: value})
    for source, given, environ in (("option service_key", dict(service_key=key), {}),
                                   ("environment variable AICORE_SERVICE_KEY", dict(service_key=None), {"AICORE_SERVICE_KEY": json.dumps(key)})):
        with pytest.raises(InputError) as raised:
            resolve_settings(dict(given, token=None), environ)
        assert str(raised.value) == "%s: %s" % (source, message)


def test_x509_pem_fields_of_the_wrong_type_are_named():
    key = {"clientid": "c", "certurl": "https://cert.example.com", "certificate": ["PEM"], "key": "k",
           "serviceurls": {"AI_API_URL": "https://api.example.com"}}
    with pytest.raises(InputError, match="field certificate must be a string, got a list"):
        resolve_settings(dict(service_key=key, token=None), {})


# Row 11: a fetched token is renewed whenever it runs out.

class CountingTokens:
    """A token endpoint: each answer a new token living ``expires_in`` seconds."""

    def __init__(self, expires_in=None):
        self.expires_in = expires_in
        self.issued = 0

    def request(self, method, url, **options):
        self.issued += 1
        document = {"access_token": "token-%d" % self.issued}
        if self.expires_in is not None:
            document["expires_in"] = self.expires_in
        return answer(200, json.dumps(document))


def token_source(session, fake_time):
    return TokenSource(settings(), Transport(settings(), session), clock=fake_time.clock)


def test_a_token_is_renewed_before_each_expiry_not_once():
    fake_time, endpoint = FakeTime(), CountingTokens(expires_in=3600)
    tokens = token_source(endpoint, fake_time)
    seen = []
    for _unused in range(10):  # ten hours
        seen.append(tokens.current())
        fake_time.sleep(1200)
    assert len(set(seen)) == 4 and endpoint.issued == 4  # at 0, 3600, 7200 and 10800 s, each renewed 60 s before its end


def test_a_short_lived_token_is_renewed_when_a_tenth_of_its_life_is_left():
    fake_time, endpoint = FakeTime(), CountingTokens(expires_in=100)
    tokens = token_source(endpoint, fake_time)
    tokens.current()
    fake_time.sleep(89)
    assert tokens.current() == "token-1"
    fake_time.sleep(1)
    assert tokens.current() == "token-2"


def test_a_rejected_token_is_renewed_each_time_it_expires_without_expires_in():
    fake_time, endpoint = FakeTime(), CountingTokens()
    tokens = token_source(endpoint, fake_time)
    for hour in range(1, 4):
        expired = tokens.current()
        fake_time.sleep(3600)
        assert tokens.renew(expired) == "token-%d" % (hour + 1)
    assert endpoint.issued == 4


def test_a_replacement_rejected_at_once_is_not_replaced_again():
    fake_time, endpoint = FakeTime(), CountingTokens(expires_in=3600)
    tokens = token_source(endpoint, fake_time)
    first = tokens.current()
    second = tokens.renew(first)  # the first fetched token may be rejected: renewed once
    fake_time.sleep(1)
    assert second == "token-2" and tokens.renew(second) is None and endpoint.issued == 2


def test_workers_rejected_together_share_one_renewal():
    fake_time, endpoint = FakeTime(), CountingTokens(expires_in=3600)
    tokens = token_source(endpoint, fake_time)
    expired = tokens.current()
    results = []
    workers = [threading.Thread(target=lambda: results.append(tokens.renew(expired))) for _unused in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert results == ["token-2"] * 8 and endpoint.issued == 2


def test_tokens_that_expire_during_a_run_are_renewed_over_http(aicore):
    aicore.reset()
    aicore.clear_log()
    aicore.configure(token_ttl=1)
    try:
        client = client_for(aicore)
        for _unused in range(3):
            assert client.call("GET", "/admin/secrets").status == 200
            time.sleep(1.1)
    finally:
        aicore.configure(token_ttl=43199)
    assert sum(1 for record in aicore.log() if record.get("endpoint") == "token") >= 3


# Row 6: the X.509 key never outlives the token request on disk, even when the process is killed.

KILL_SCRIPT = textwrap.dedent("""
    import sys
    from ansible_collections.sap_aicore.admin.plugins.module_utils import _keyfiles
    from ansible_collections.sap_aicore.admin.plugins.module_utils._auth import TokenSource
    from ansible_collections.sap_aicore.admin.plugins.module_utils._http import Transport, new_session
    from ansible_collections.sap_aicore.admin.plugins.module_utils._settings import resolve_settings
    if sys.argv[2] == "fallback":
        _keyfiles.memory_files_available = lambda: False
    with open(sys.argv[3]) as cert, open(sys.argv[4]) as private_key:
        key = {"clientid": "c", "certurl": sys.argv[1], "certificate": cert.read(), "key": private_key.read(),
               "serviceurls": {"AI_API_URL": "https://api.example.com"}}
    configured = resolve_settings(dict(service_key=key, token=None, timeout=60, retries=0), {})
    original = _keyfiles.PrivatePair.__enter__
    def enter_and_report(self):
        paths = original(self)
        print(paths[1], flush=True)
        return paths
    _keyfiles.PrivatePair.__enter__ = enter_and_report
    TokenSource(configured, Transport(configured, new_session(configured, 1))).current()  # the server stalls the handshake
""")


@pytest.fixture(scope="module")
def certificate_pair(tmp_path_factory):
    from aicore_emulator.tls import create_tls_files  # pylint: disable=import-outside-toplevel
    files = create_tls_files("c", str(tmp_path_factory.mktemp("pki")))
    return files.client_cert, files.client_key


def run_until_the_key_exists(server, mode, temporary, certificate_pair):
    """Start a process fetching an X.509 token from a server that never answers the TLS handshake; return it
    (stuck in the request, key material in place) and the path it gave OpenSSL for the key."""
    server.connected.clear()
    url = server.url.replace("http:", "https:")
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, url, mode] + list(certificate_pair), stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, TMPDIR=str(temporary), PYTHONPATH=os.pathsep.join(sys.path)))
    key_path = process.stdout.readline().strip()
    assert server.connected.wait(20)
    return process, key_path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="in-memory key files are Linux only")
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_process_leaves_no_key_file(serve, tmp_path, kill, certificate_pair):
    server = serve(lambda connection, stop: stop.wait(30))
    process, key_path = run_until_the_key_exists(server, "default", tmp_path, certificate_pair)
    assert key_path.startswith("/proc/self/fd/")
    assert os.listdir(str(tmp_path)) == []  # not even while the request runs
    process.send_signal(kill)
    process.wait(10)
    assert os.listdir(str(tmp_path)) == []


def test_the_fallback_removes_its_directory_on_sigterm_and_a_sigkill_would_show(serve, tmp_path, certificate_pair):
    server = serve(lambda connection, stop: stop.wait(30))
    process, key_path = run_until_the_key_exists(server, "fallback", tmp_path, certificate_pair)
    assert key_path.startswith(str(tmp_path)) and os.path.exists(key_path)
    process.send_signal(signal.SIGTERM)
    process.wait(10)
    assert os.listdir(str(tmp_path)) == []
    # The same check sees a key file when nothing can clean up: what the in-memory files prevent.
    process, key_path = run_until_the_key_exists(server, "fallback", tmp_path, certificate_pair)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert [name for name in os.listdir(str(tmp_path)) if name.startswith("aicore-x509-")]


def test_an_inline_x509_key_in_memory_gets_a_token_over_mutual_tls(tmp_path):
    from aicore_emulator import Emulator  # pylint: disable=import-outside-toplevel
    with Emulator(tls=True, tls_dir=str(tmp_path)) as emulator:
        with open(emulator.client_cert) as cert, open(emulator.client_key) as private_key:
            key = {"clientid": emulator.client_id, "certurl": emulator.mtls_url, "certificate": cert.read(), "key": private_key.read(),
                   "serviceurls": {"AI_API_URL": emulator.tls_url}}
        configured = resolve_settings(dict(service_key=key, token=None, ca_path=emulator.ca_file, timeout=10, retries=0), {})
        tokens = TokenSource(configured, Transport(configured, new_session(configured, 1)))
        assert tokens.current()
        assert [record["client_cert"] for record in emulator.log() if record.get("endpoint") == "token"][0]
