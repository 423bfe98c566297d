# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retrying transport: what is retried, how long it waits, and what a final failure says."""

import threading

import pytest
import requests

from ansible_collections.sap_aicore.admin.plugins.module_utils import _http
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._http import AdaptiveLimit, SharedPause, Transport, retry_after_seconds

from .fakes import RecordedSleep, ScriptedSession, answer, settings

URL = "https://api.example.com/v2/admin/secrets/a"


def transport(session, sleep, **given):
    return Transport(settings(**given), session, sleep=sleep, pause=SharedPause(clock=lambda: 0.0, sleep=sleep))


@pytest.mark.parametrize("header, expected", [
    ("3", 3.0), ("0", 0.0), ("1.5", 1.5), ("-4", 0.0), ("100000", _http.RETRY_AFTER_LONGEST),
    ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0), ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    ("", None), ("soon", None), ("nan", None),
])
def test_retry_after_parsing(header, expected):
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after_seconds(header, now=now) == expected


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_status_then_success(status):
    session, sleep = ScriptedSession(answer(status, "busy"), answer(200, "{}")), RecordedSleep()
    reply = transport(session, sleep).send("GET", URL)
    assert reply.status == 200 and reply.attempts == 2 and len(session.requests) == 2


def test_retry_after_is_honoured():
    session, sleep = ScriptedSession(answer(503, "", {"Retry-After": "2"}), answer(200, "{}")), RecordedSleep()
    transport(session, sleep).send("GET", URL)
    assert sleep.waits == [2.0]


def test_a_429_pauses_every_worker_through_the_shared_pause():
    clock = [0.0]
    sleep = RecordedSleep()
    pause = SharedPause(clock=lambda: clock[0], sleep=sleep)
    session = ScriptedSession(answer(429, "", {"Retry-After": "1"}), answer(200, "{}"))
    Transport(settings(), session, sleep=sleep, pause=pause).send("GET", URL)
    assert sleep.waits == [1.0]
    clock[0] = 0.4
    pause.wait()  # another worker arriving later waits only for what is left
    assert sleep.waits == [1.0, pytest.approx(0.6)]


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_attempts_are_exactly_one_plus_retries_and_the_message_says_so(retries):
    session = ScriptedSession(*[answer(503, '{"error": {"code": "Busy", "message": "try later", "requestId": "r-1"}}') for _unused in range(retries + 1)])
    reply = transport(session, RecordedSleep(), retries=retries).send("GET", URL)
    assert len(session.requests) == retries + 1
    error = reply.error("GET failed")
    assert "HTTP 503" in str(error) and "code Busy" in str(error) and "request id r-1" in str(error)
    assert ("after %d attempts" % (retries + 1) in str(error)) == (retries > 0)


def test_backoff_grows_between_retries():
    session, sleep = ScriptedSession(*[answer(500)] * 4), RecordedSleep()
    transport(session, sleep).send("GET", URL)
    assert len(sleep.waits) == 3
    assert 0.25 <= sleep.waits[0] <= 0.5 and 0.5 <= sleep.waits[1] <= 1.0 and 1.0 <= sleep.waits[2] <= 2.0


def test_dropped_connections_are_retried_and_remembered():
    session = ScriptedSession(requests.exceptions.ConnectionError("Connection aborted, RemoteDisconnected"), answer(404))
    reply = transport(session, RecordedSleep()).send("DELETE", URL)
    assert reply.status == 404 and reply.after_lost_attempt


def test_a_refused_connection_cannot_have_reached_the_server():
    session = ScriptedSession(requests.exceptions.ConnectionError("[Errno 111] Connection refused"), answer(404))
    assert not transport(session, RecordedSleep()).send("DELETE", URL).after_lost_attempt


def test_timeouts_exhaust_retries_with_a_clear_message():
    session = ScriptedSession(*[requests.exceptions.ReadTimeout("read timed out")] * 3)
    with pytest.raises(AICoreError) as raised:
        transport(session, RecordedSleep(), retries=2).send("GET", URL)
    assert "no answer within the timeout" in str(raised.value) and "after 3 attempts" in str(raised.value)
    assert all(request["timeout"] == 5 for request in session.requests)


def test_certificate_failure_says_so_and_is_not_retried():
    session = ScriptedSession(requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    with pytest.raises(AICoreError, match="certificate verify failed.*ca_path"):
        transport(session, RecordedSleep()).send("GET", URL)
    assert len(session.requests) == 1


def test_redirects_are_not_followed():
    session = ScriptedSession(answer(302, "", {"Location": "https://elsewhere.example.net/steal"}))
    with pytest.raises(AICoreError) as raised:
        transport(session, RecordedSleep()).send("GET", URL)
    assert "redirect to https://elsewhere.example.net" in str(raised.value) and "/steal" not in str(raised.value)
    assert session.requests[0]["allow_redirects"] is False


def test_non_json_success_body_is_an_error_not_a_traceback():
    reply = transport(ScriptedSession(answer(200, "<html>oops</html>")), RecordedSleep()).send("GET", URL)
    with pytest.raises(AICoreError, match="not JSON"):
        reply.json()


def test_adaptive_limit_halves_once_per_pause_and_grows_back_by_rounds():
    clock = [0.0]
    limit = AdaptiveLimit(8, clock=lambda: clock[0])
    for _request in range(3):  # one burst: three requests in flight all answered 429
        limit.acquire()
    for _request in range(3):
        limit.release(rate_limited_until=1.0)
    assert limit.limit == 4
    clock[0] = 1.5  # a later pause halves again
    limit.acquire()
    limit.release(rate_limited_until=2.5)
    assert limit.limit == 2
    for _request in range(2 + 3):  # a round of 2 successes, then a round of 3
        limit.acquire()
        limit.release()
    assert limit.limit == 4


def test_adaptive_limit_never_exceeds_its_ceiling_or_drops_below_one():
    clock = [0.0]
    limit = AdaptiveLimit(2, clock=lambda: clock[0])
    for step in range(5):
        clock[0] = step * 10.0
        limit.acquire()
        limit.release(rate_limited_until=clock[0] + 1)
    assert limit.limit == 1
    for _request in range(50):
        limit.acquire()
        limit.release()
    assert limit.limit == 2


@pytest.mark.parametrize("text, reason", [
    ("[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca (_ssl.c:2580)", "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca"),
    ("EOF occurred in violation of protocol (_ssl.c:2427)", "EOF occurred in violation of protocol"),
    ("[X509: KEY_VALUES_MISMATCH] key values mismatch (_ssl.c:4000)", "[X509: KEY_VALUES_MISMATCH] key values mismatch"),
])
def test_a_client_certificate_refusal_says_so_whatever_the_tls_layer_reports(text, reason):
    session = ScriptedSession(requests.exceptions.SSLError(text))
    with pytest.raises(AICoreError) as raised:
        transport(session, RecordedSleep()).send("POST", URL, cert=("c.pem", "k.pem"))
    assert reason in str(raised.value) and "trusts the client certificate" in str(raised.value)


# The watchdog that bounds the wait for headers: one thread for every request, no thread per request

def test_the_watchdog_fires_what_is_due_in_order_and_never_what_was_ended():
    watchdog = _http.Watchdog()
    fired = []
    done = threading.Event()
    ended = watchdog.watch(0.05, lambda: fired.append("ended"))
    watchdog.watch(0.4, lambda: (fired.append("later"), done.set()))
    watchdog.watch(0.2, lambda: fired.append("sooner"))
    watchdog.end(ended)
    assert done.wait(10)  # generous: the point is that it fires at all
    assert fired == ["sooner", "later"]


def test_requests_start_no_thread_of_their_own(aicore, monkeypatch):
    started = []
    real_start = threading.Thread.start
    here = threading.current_thread()

    def start(thread):
        if threading.current_thread() is here:  # not the emulator's threads, which serve each connection
            started.append(thread)
        return real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    configured = settings(api_url=aicore.url, timeout=5)
    session = _http.new_session(configured, 1)
    transport = Transport(configured, session)
    for _request in range(20):
        assert transport.send("GET", aicore.url + "/v2/admin/secrets").status in (401, 403)  # no token: any answer will do
    assert all(thread.name == "sap_aicore-watchdog" for thread in started) and len(started) <= 1
