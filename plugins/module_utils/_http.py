# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: one HTTP exchange with retries, over one pooled session.

Retried: 429, 500, 502, 503, 504, dropped connections and timeouts, at most ``retries`` times
after the first attempt, with exponential backoff and jitter. ``Retry-After`` (seconds or an
HTTP date) is honoured. A 429 means the server is limiting the whole client, not one request,
so every worker waits out the same pause, and the number of requests in flight is halved, then
grown back by one per round of successes (AIMD), so that a storm does not burn the retries.

Every answer is read in full by this module, under two bounds: ``timeout`` covers the whole
answer (connecting, the headers and the last byte of the body), not each read; and the decoded
body has a size cap, smaller for token answers. A task also has a deadline without progress:
when no request has got a usable answer for ``(retries + 1) x (timeout + 120 s)`` of time spent
sending or waiting, nothing more is sent (see ``ProgressDeadline``).
"""

import email.utils
import functools
import heapq
import itertools
import json
import math
import random
import re
import socket
import threading
import time
import traceback

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError, Redactor, read_error_body

# "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca", "[X509: KEY_VALUES_MISMATCH] key values mismatch",
# "[SSL] PEM lib", or, when TLS 1.3 reports a refused client certificate late, an EOF.
SSL_REASON = re.compile(r"\[(?:SSL|X509)(?:: [A-Z0-9_]+)?\][^'\")(]*|EOF occurred in violation of protocol")
# "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: CA cert does not include key usage extension (_ssl.c:1028)"
VERIFY_REASON = re.compile(r"certificate verify failed: ([^()'\"]{1,120}?)\s*(?:\(_ssl|['\")]|$)")
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_FIRST = 0.5  # seconds before the first retry; doubles each time
BACKOFF_LONGEST = 8.0
RETRY_AFTER_LONGEST = 120.0  # a server asking for more is waited on this long, then retried
# A gateway that answers 502 or 504 may already have forwarded the request, which may have taken effect.
# 429 and 503 are refusals before the work starts, and a 500 is AI Core reporting that it did not complete.
LOST_ANSWER_STATUSES = frozenset((502, 504))
MAX_API_ANSWER = 8 * 1024 * 1024  # decoded bytes; a list page of 100 secrets with labels is far below
MAX_TOKEN_ANSWER = 64 * 1024  # a token answer is a few KiB; more is not a token endpoint
READ_CHUNK = 64 * 1024


class Reply:
    """A final HTTP answer. ``after_lost_attempt``: an earlier attempt may have reached the server."""

    def __init__(self, method, url, answer, attempts, after_lost_attempt, redactor):
        self.method = method
        self.url = url
        self.status = answer.status
        self.text = answer.text
        self.redactor = redactor
        self.headers = answer.headers
        self.content_type = answer.headers.get("Content-Type", "")
        self.attempts = attempts
        self.after_lost_attempt = after_lost_attempt

    def json(self):
        """The body as JSON; a body that is not JSON is an error of the server, reported as such."""
        try:
            return json.loads(self.text)
        except ValueError:
            raise AICoreError("%s %s answered with a body that is not JSON" % (self.method, self.url), status=self.status,
                              detail=self.quoted_body().message)

    def quoted_body(self):
        """What the body says, with the run's secrets removed, as it may be quoted in a message."""
        return read_error_body(self.text, self.content_type, self.redactor.scrub)

    def error(self, summary):
        """An ``AICoreError`` for this answer, quoting what its body says."""
        body = self.quoted_body()
        return AICoreError(summary, status=self.status, code=body.code, detail=body.message,
                           request_id=body.request_id, attempts=self.attempts)


class SharedPause:
    """A moment before which no worker sends anything; set from a 429's Retry-After."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._resume_at = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def hold(self, seconds):
        """Pause everyone for ``seconds`` from now (or longer, if already paused longer); return the end."""
        with self._lock:
            self._resume_at = max(self._resume_at, self._clock() + seconds)
            return self._resume_at

    def remaining(self):
        return max(self._resume_at - self._clock(), 0.0)

    def wait(self):
        remaining = self.remaining()
        if remaining > 0:
            self._sleep(remaining)


class AdaptiveLimit:
    """How many requests may be in flight at once: at most ``ceiling``, halved after a 429 (once per
    pause, however many requests the same burst had in flight), one more after each round of successes."""

    def __init__(self, ceiling, clock=time.monotonic):
        self.ceiling = max(ceiling, 1)
        self.limit = self.ceiling
        self._in_flight = 0
        self._successes = 0
        self._calm_after = 0.0
        self._clock = clock
        self._changed = threading.Condition()

    def acquire(self):
        with self._changed:
            while self._in_flight >= self.limit:
                self._changed.wait()
            self._in_flight += 1

    def release(self, rate_limited_until=None):
        """Free a slot; ``rate_limited_until`` when the answer was a 429, with the end of the pause."""
        with self._changed:
            self._in_flight -= 1
            if rate_limited_until is not None:
                self._decrease(rate_limited_until)
            else:
                self._increase()
            self._changed.notify_all()

    def _decrease(self, pause_end):
        if self._clock() >= self._calm_after:
            self.limit = max(1, self.limit // 2)
            self._successes = 0
            self._calm_after = pause_end

    def _increase(self):
        self._successes += 1
        if self._successes >= self.limit and self.limit < self.ceiling:
            self.limit += 1
            self._successes = 0


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value, time.time() if now is None else now)
    if seconds is None or math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_LONGEST)


def _seconds_until(http_date, now):
    try:
        moment = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.timestamp() - now


def backoff_seconds(retry_number):
    """Exponential backoff with jitter: half the step is fixed, half random, so workers spread out."""
    step = min(BACKOFF_FIRST * (2 ** (retry_number - 1)), BACKOFF_LONGEST)
    return step / 2 + random.uniform(0, step / 2)


def new_session(settings, pool_size):
    """One keep-alive session for the whole module run, with a connection per worker."""
    session = requests.Session()
    # Without an auth of its own, requests would look the host up in ~/.netrc and send those
    # credentials, replacing the bearer token: the run must only ever use what the task configured.
    session.auth = _headers_as_given
    adapter = BoundedAdapter(pool_connections=2, pool_maxsize=max(pool_size, 1))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# The wait for an answer's status line and headers, bounded as a whole. Each socket read has its own
# timeout, so a server sending one header byte at a time could keep a request waiting forever; while
# it waits for the headers, the connection is cut when the request's time is up. (The body is bounded
# by _read_body.) The exchange in progress on this thread, for the connection to find.
_exchange_window = threading.local()


class AnswerWindow:
    """How long the answer to one request may take, and whether the connection had to be cut for it."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.cut = False


class Watchdog:
    """One thread that calls each watched action when its time is up, unless it was ended before.

    A timer thread per request would start and stop a thread for every answer, which costs more CPU
    than the rest of a small request. One thread serves every request of the process instead: a
    watch is an entry in a heap, ending it is setting a flag. Ending and firing happen under one
    lock, so once ``end`` returns the action cannot run any more.
    """

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._due = []  # heap of (moment, sequence, watch)
        self._sequence = itertools.count()
        self._changed = threading.Condition()
        self._thread = None

    def watch(self, seconds, action):
        """Call ``action()`` in ``seconds`` unless ``end`` is called with the returned watch first."""
        watch = _Watch(action)
        with self._changed:
            while self._due and self._due[0][2].ended:  # the answered ones ahead of it: dropped now, not at their time
                heapq.heappop(self._due)
            moment = self._clock() + seconds
            sooner = not self._due or moment < self._due[0][0]
            heapq.heappush(self._due, (moment, next(self._sequence), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sap_aicore-watchdog")
                self._thread.daemon = True
                self._thread.start()
            elif sooner:  # same timeouts come due in order, so this is rare
                self._changed.notify()
        return watch

    def end(self, watch):
        with self._changed:
            watch.ended = True

    def _run(self):
        with self._changed:
            while True:
                if not self._due:
                    self._changed.wait()
                    continue
                moment, _sequence, watch = self._due[0]
                left = moment - self._clock()
                if left > 0 and not watch.ended:
                    self._changed.wait(left)
                    continue
                heapq.heappop(self._due)
                if not watch.ended:
                    watch.ended = True
                    watch.action()  # must not block: it only shuts a socket down


class _Watch:
    __slots__ = ("action", "ended")

    def __init__(self, action):
        self.action = action
        self.ended = False


_HEADER_WATCHDOG = Watchdog()


if HAS_REQUESTS:
    class _HeadersInTime:
        """Mixin for urllib3 connections: cut the connection when the headers are not in by the deadline."""

        def getresponse(self, *args, **kwargs):
            window = getattr(_exchange_window, "current", None)
            if window is None:
                return super().getresponse(*args, **kwargs)
            watch = _HEADER_WATCHDOG.watch(window.seconds, functools.partial(self._cut, window))
            try:
                return super().getresponse(*args, **kwargs)
            finally:
                _HEADER_WATCHDOG.end(watch)

        def _cut(self, window):
            window.cut = True
            sock = getattr(self, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed
                    pass

    class _HTTPConnection(_HeadersInTime, urllib3.connection.HTTPConnection):
        pass

    class _HTTPSConnection(_HeadersInTime, urllib3.connection.HTTPSConnection):
        pass

    class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    class BoundedAdapter(HTTPAdapter):
        """An adapter whose connections, direct or through an HTTP proxy, bound the wait for headers."""

        POOLS = {"http": _HTTPPool, "https": _HTTPSPool}

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = dict(self.POOLS)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            manager.pool_classes_by_scheme = dict(self.POOLS)
            return manager


def proxy_host(url):
    """The proxy requests will send ``url`` through, from the environment (HTTP_PROXY, ALL_PROXY, NO_PROXY, ...),
    as host[:port] without any credentials it carries; None when the request goes direct."""
    proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    if not proxy:
        return None
    parts = requests.utils.urlparse(proxy if "://" in proxy else "http://" + proxy)
    return "%s:%s" % (parts.hostname, parts.port) if parts.port else parts.hostname


def _headers_as_given(request):
    """An auth for requests that changes nothing: the client sets Authorization itself."""
    return request


class Answer:
    """An HTTP answer read in full: status, headers and the decoded body as text."""

    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text


class AnswerTooLarge(Exception):
    """The decoded body went past the size cap; reading stopped there."""


class ProgressDeadline:
    """How long a task may go on without progress, counted only while it sends or waits.

    Progress is any answer other than a retryable status. The limit, ``(retries + 1) x (timeout +
    120 s)``, is the longest one request may legitimately take (each attempt bounded by ``timeout``,
    each wait by the longest ``Retry-After`` honoured), so a slow but working tenant is never cut
    short however many names a task has, while a storm of 429s or 5xx answers ends the task within
    that time. Time the module spends between requests (computing, for example) does not count.
    """

    def __init__(self, timeout, retries, clock=time.monotonic):
        self.limit = (retries + 1) * (timeout + RETRY_AFTER_LONGEST)
        self._clock = clock
        self._lock = threading.Lock()
        self._active = 0
        self._busy_since = 0.0
        self._stalled = 0.0  # time without progress before the current busy stretch

    def enter(self):
        with self._lock:
            if self._active == 0:
                self._busy_since = self._clock()
            self._active += 1

    def leave(self):
        with self._lock:
            self._active -= 1
            if self._active == 0:
                self._stalled += self._clock() - self._busy_since

    def progress(self):
        with self._lock:
            self._stalled = 0.0
            self._busy_since = self._clock()

    def remaining(self):
        with self._lock:
            running = self._clock() - self._busy_since if self._active else 0.0
            return self.limit - self._stalled - running


class Transport:
    """Sends requests with retries; answers are returned whatever their status, failures to get one raise."""

    def __init__(self, settings, session, sleep=time.sleep, pause=None, concurrency=1, redactor=None, clock=time.monotonic):
        self._timeout = settings.timeout
        # Given with each request: requests lets REQUESTS_CA_BUNDLE override a session's verify, not a request's.
        self._verify = settings.tls_verify
        self._retries = settings.retries
        self._session = session
        self._sleep = sleep
        self._clock = clock
        self._pause = pause or SharedPause(clock=clock, sleep=sleep)
        self.limit = AdaptiveLimit(concurrency, clock=clock)
        self.deadline = ProgressDeadline(settings.timeout, settings.retries, clock=clock)
        self.redactor = redactor or Redactor()

    def send(self, method, url, max_answer_bytes=MAX_API_ANSWER, **request_options):
        """Send until a final answer; raise ``AICoreError`` when none came, the server redirected, the answer
        was too large, or the task's deadline without progress has passed."""
        self.deadline.enter()
        try:
            return self._send(method, url, max_answer_bytes, request_options)
        finally:
            self.deadline.leave()

    def _send(self, method, url, max_answer_bytes, request_options):
        lost_attempt = False
        for attempt in range(1, self._retries + 2):
            try:
                answer = self._attempt(method, url, request_options, attempt, max_answer_bytes)
            except requests.exceptions.SSLError as error:
                raise _tls_error(method, url, error, "cert" in request_options)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as error:
                lost_attempt = lost_attempt or _may_have_arrived(error)
                if attempt > self._retries:
                    raise _no_answer_error(method, url, error, attempt)
                self._wait(backoff_seconds(attempt), method, url, attempt)
                continue
            except AnswerTooLarge:
                raise AICoreError("%s %s: the answer is larger than %d KiB once decoded; stopped reading it"
                                  % (method, url, max_answer_bytes // 1024), attempts=attempt)
            except requests.exceptions.RequestException as error:  # anything else requests can raise: not retried
                raise AICoreError("%s %s: the request failed (%s)" % (method, url, type(error).__name__))
            reply = Reply(method, url, answer, attempt, lost_attempt, self.redactor)
            if answer.status in RETRYABLE_STATUSES and attempt <= self._retries:
                lost_attempt = lost_attempt or answer.status in LOST_ANSWER_STATUSES
                self._wait(self._wait_before_retry(answer, attempt), method, url, attempt, reply)
                continue
            if answer.status not in RETRYABLE_STATUSES:
                self.deadline.progress()
            if 300 <= answer.status < 400:
                raise _redirect_error(method, url, answer, attempt)
            return reply
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(self, method, url, request_options, attempt, max_answer_bytes):
        """One request, inside a slot of the adaptive limit and after any shared pause."""
        self.limit.acquire()
        pause_end = None
        try:
            if self._pause.remaining() > self.deadline.remaining() or self.deadline.remaining() <= 0:
                raise self._give_up_error(method, url, max(attempt - 1, 1))
            self._pause.wait()
            answer = self._exchange(method, url, request_options, max_answer_bytes)
            if answer.status == 429:
                pause_end = self._pause.hold(_pause_seconds(answer, attempt))
            return answer
        finally:
            self.limit.release(pause_end)

    def _exchange(self, method, url, request_options, max_answer_bytes):
        """Send once and read the whole answer before ``timeout`` has passed since sending."""
        answer_by = self._clock() + self._timeout
        window = _exchange_window.current = AnswerWindow(self._timeout)
        try:
            response = self._session.request(method, url, timeout=self._timeout, verify=self._verify, allow_redirects=False,
                                             stream=True, **request_options)
        except requests.exceptions.ConnectionError as error:
            if window.cut:
                raise requests.exceptions.ReadTimeout("the status line and headers took longer than the timeout") from error
            raise
        finally:
            _exchange_window.current = None
        try:
            body = _read_body(response, answer_by, max_answer_bytes, self._clock)
        except BaseException:
            response.close()  # a half-read connection cannot be reused
            raise
        response.raw.release_conn()  # back to the pool, for keep-alive
        return Answer(response.status_code, response.headers, _decoded_text(body, response.encoding))

    def _wait_before_retry(self, answer, attempt):
        """Seconds to wait alone: a 429 already set the shared pause (waited out before the next attempt)."""
        if answer.status == 429:
            return 0.0
        asked = retry_after_seconds(answer.headers.get("Retry-After"))
        return asked if asked is not None else backoff_seconds(attempt)

    def _wait(self, seconds, method, url, attempt, last_reply=None):
        """Wait before a retry, unless the wait would take the task past its deadline: then fail now."""
        if seconds > self.deadline.remaining():
            raise self._give_up_error(method, url, attempt, last_reply)
        if seconds > 0:
            self._sleep(seconds)

    def _give_up_error(self, method, url, attempts, last_reply=None):
        summary = ("%s %s: gave up: no request of this task got a usable answer within %d s of sending and waiting, "
                   "the limit (retries + 1) x (timeout + 120 s)" % (method, url, self.deadline.limit))
        return last_reply.error(summary) if last_reply is not None else AICoreError(summary, attempts=attempts)


def _read_body(response, answer_by, max_answer_bytes, clock):
    """The decoded body, read in chunks so that the time limit and the size cap hold between chunks.

    requests' own timeout bounds each read from the socket, so a server trickling one byte at a time
    could hold a request forever; here each read may only take what is left of the time. Decoding
    (gzip, deflate) happens chunk by chunk, so a small compressed body cannot inflate past the cap.
    """
    raw = response.raw
    read = getattr(raw, "read1", None) or raw.read  # read1 (urllib3 2) returns what has arrived, never waits for more
    chunks, size = [], 0
    while True:
        left = answer_by - clock()
        if left <= 0:
            raise requests.exceptions.ReadTimeout("the whole answer took longer than the timeout")
        _limit_next_read(raw, left)
        try:
            chunk = read(READ_CHUNK, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(error) from error
        except urllib3.exceptions.DecodeError as error:
            raise requests.exceptions.ContentDecodingError(error) from error
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as error:
            raise requests.exceptions.ChunkedEncodingError(error) from error
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_answer_bytes:
            raise AnswerTooLarge()
        chunks.append(chunk)


def _limit_next_read(raw, seconds):
    """Let the next socket read wait no longer than what is left of the time, where urllib3 shows the socket."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _decoded_text(body, encoding):
    try:
        return body.decode(encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def _pause_seconds(answer, attempt):
    asked = retry_after_seconds(answer.headers.get("Retry-After"))
    return asked if asked is not None else backoff_seconds(attempt)


def _may_have_arrived(error):
    """False only when the connection was never made, so the server cannot have acted on the request."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    return "NewConnectionError" not in repr(error) and "Connection refused" not in str(error)


def _no_answer_error(method, url, error, attempts):
    if isinstance(error, requests.exceptions.Timeout):
        reason = "no answer within the timeout"
    else:
        reason = "the connection failed or was dropped (%s)" % type(error).__name__
    return AICoreError("%s %s: %s" % (method, url, reason), attempts=attempts)


def _tls_error(method, url, error, with_client_certificate):
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        reason = VERIFY_REASON.search(text)  # OpenSSL's words about a certificate: they hold no secret
        why = " (%s)" % reason.group(1) if reason else ""
        return AICoreError("%s %s: TLS certificate verify failed%s; %s" % (method, url, why, _verify_hint(why)))
    reason = SSL_REASON.search(text)
    hint = "; check that the server trusts the client certificate and that the key belongs to it" if with_client_certificate else ""
    return AICoreError("%s %s: TLS handshake failed (%s)%s" % (method, url, reason.group(0).strip() if reason else type(error).__name__, hint))


def _verify_hint(reason):
    if "key usage" in reason.lower():
        # Python 3.13 verifies strictly (VERIFY_X509_STRICT): a CA certificate must say it may sign certificates.
        return ("the CA certificate in the bundle lacks the keyUsage extension (keyCertSign) that strict verification "
                "(Python 3.13 and later) requires: reissue that CA certificate with keyUsage, or run the modules with an older "
                "Python; validate_certs: false only for a test system")
    return "set ca_path to the CA bundle that signed the server's certificate, or validate_certs: false for a test system"


def _redirect_error(method, url, response, attempts):
    target = requests.utils.urlparse(response.headers.get("Location", ""))
    host = "%s:%s" % (target.hostname, target.port) if target.port else target.hostname  # never user:password@
    where = "%s://%s" % (target.scheme, host) if target.hostname else "another path"
    return AICoreError(
        "%s %s answered with a redirect to %s, which is not followed so that credentials stay with the configured host"
        % (method, url, where), status=response.status, attempts=attempts,
    )
