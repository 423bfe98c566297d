# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error bodies in every shape AI Core, XSUAA, the gateway and proxies send; name rules."""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError, read_error_body
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_secret_name, secret_names


@pytest.mark.parametrize("key", ["requestId", "requestID", "request_id"])
def test_ai_core_error_body_in_each_request_id_spelling(key):
    body = read_error_body('{"error": {"code": "03021", "message": "Secret not found", "%s": "req-1"}}' % key)
    assert (body.code, body.message, body.request_id) == ("03021", "Secret not found", "req-1")


def test_xsuaa_error_body():
    body = read_error_body('{"error": "unauthorized", "error_description": "Bad credentials"}')
    assert (body.code, body.message) == ("unauthorized", "Bad credentials")


def test_gateway_plain_text():
    assert read_error_body("RBAC: access denied", "text/plain").message == "RBAC: access denied"


def test_proxy_html_page_is_summarised_not_dumped():
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "x" * 5000 + "</body></html>"
    message = read_error_body(page, "text/html").message
    assert "HTML page (502 Bad Gateway)" in message and len(message) < 200


@pytest.mark.parametrize("odd", ['{"error": {}}', '{"error": {"code": 7, "message": null}}', "[1, 2]", '{"error": "x"', "", "   "])
def test_odd_or_truncated_bodies_never_raise(odd):
    read_error_body(odd, "application/json")


def test_error_message_carries_status_code_message_request_id_and_attempts():
    error = AICoreError("DELETE https://h/v2/admin/secrets/a failed", status=503, code="X1", detail="busy", request_id="r-9", attempts=4)
    assert str(error) == "DELETE https://h/v2/admin/secrets/a failed: HTTP 503, code X1, busy, request id r-9, after 4 attempts"


@pytest.mark.parametrize("good", ["a", "a.b-c", "0", "...", "x" * 252])
def test_good_names(good):
    check_secret_name(good)


@pytest.mark.parametrize("bad", ["", "A", "a/b", "a?b", "a#b", "a%2fb", "a b", "..%2f", ".", "..", "x" * 253, "ä", None, 5])
def test_bad_names_are_refused_naming_the_option(bad):
    with pytest.raises(InputError, match="^name: "):
        check_secret_name(bad)


def test_duplicates_collapse_in_order_and_empty_lists_are_refused():
    assert secret_names(["b", "a", "b"]) == ["b", "a"]
    assert secret_names("a") == ["a"]
    with pytest.raises(InputError, match="at least one"):
        secret_names([])


def test_a_comma_separated_string_is_one_bad_name_not_two():
    with pytest.raises(InputError, match="'ci-run-1,prod-db' is not allowed"):
        secret_names("ci-run-1,prod-db")
