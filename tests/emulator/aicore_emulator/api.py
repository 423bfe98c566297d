# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AI Core generic secrets API behind its gateway (docs/ai-core-api.md, Generic secrets).

The gateway part answers auth failures in plain text, as AI Core's does; everything behind
it answers JSON. Only ``/v2/admin/secrets`` and ``/v2/admin/secrets/{name}`` exist, so a
client that doubles ``/v2`` gets 404.
"""

from __future__ import annotations

import json
import re

from .config import SettingsHolder
from .messages import JSON_TYPE, ApiError, Request, Response, json_error, json_response, text_response, verbatim_response
from .scopes import TENANT_WIDE, scope_from_request
from .store import TENANT_WIDE_LIMIT, Secret, SecretExists, SecretNotFound, SecretStores, TenantWideLimitReached
from .tokens import EXPIRED, UNKNOWN, TokenRegistry, bearer_token
from .validation import MAX_BODY_BYTES, check_data, check_fields, check_labels, check_name

API_PREFIX = "/v2/"
COLLECTION_PATH = "/v2/admin/secrets"
_ITEM_PATH = re.compile(r"/v2/admin/secrets/([^/]*)")
_DIGITS = re.compile(r"[0-9]+")

# What an endless listing claims as total: more than any client should ever try to fetch.
ENDLESS_COUNT = 1_000_000_000
# Resource groups every tenant has; tenant-wide secrets report their sync status there.
DEFAULT_RESOURCE_GROUP = "default"
_INVALID_TOKEN = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def gateway_refusal(request: Request, tokens: TokenRegistry) -> Response | None:
    """The gateway's plain-text answer to a missing, unknown or expired token, else None."""
    token = bearer_token(request)
    if token is None:
        return text_response(403, "RBAC: access denied")
    status = tokens.status(token)
    if status == EXPIRED:
        return text_response(401, "Jwt is expired", _INVALID_TOKEN)
    if status == UNKNOWN:
        return text_response(401, "Jwt verification fails", _INVALID_TOKEN)
    return None


class SecretsApi:
    """Routes authorised ``/v2/...`` requests to the secret operations."""

    def __init__(self, stores: SecretStores, tokens: TokenRegistry, settings: SettingsHolder):
        self._stores = stores
        self._tokens = tokens
        self._settings = settings

    def handle(self, request: Request) -> Response:
        """Answer one API request."""
        refusal = gateway_refusal(request, self._tokens)
        if refusal is not None:
            return refusal
        try:
            return self._route(request)
        except ApiError as error:
            return error.to_response()
        except SecretNotFound as error:
            return json_error(404, "NotFound", f"secret {error} not found")
        except SecretExists:
            return json_error(self._settings.current.duplicate_status, "AlreadyExists", "secret already exists")
        except TenantWideLimitReached:
            return json_error(400, "TenantWideSecretLimit", f"at most {TENANT_WIDE_LIMIT} tenant-wide secrets are allowed")

    def _route(self, request: Request) -> Response:
        item = _ITEM_PATH.fullmatch(request.path)
        if request.path == COLLECTION_PATH:
            handlers, names = {"GET": self._list, "POST": self._create}, ()
        elif item:
            handlers, names = {"GET": self._get, "PATCH": self._update, "DELETE": self._delete}, (item.group(1),)
        else:
            raise ApiError(404, "NotFound", f"no resource at {request.path}")
        handler = handlers.get(request.method)
        if handler is None:
            raise ApiError(405, "MethodNotAllowed", f"{request.method} is not allowed here", {"Allow": ", ".join(handlers)})
        return handler(request, scope_from_request(request), *names)

    def _list(self, request: Request, scope: str) -> Response:
        settings = self._settings.current
        skip = _query_int(request, "$skip") or 0
        top = _query_int(request, "$top")
        size = settings.page_cap if top is None else min(top, settings.page_cap)
        if settings.endless_pages:
            page = [Secret(f"endless-{skip + index}", {}, []) for index in range(size)]
            return self._listing(scope, page, ENDLESS_COUNT)
        page, total = self._stores.page(scope, skip, size)
        return self._listing(scope, page, total if _query_flag(request, "$count") else len(page))

    def _listing(self, scope: str, page: list[Secret], count: int) -> Response:
        return json_response(200, {"count": count, "resources": [self._details(scope, secret) for secret in page]})

    def _get(self, _request: Request, scope: str, name: str) -> Response:
        return json_response(200, self._details(scope, self._stores.get(scope, check_name(name))))

    def _create(self, request: Request, scope: str) -> Response:
        body = _json_body(request, required={"name", "data"}, optional={"labels"})
        secret = Secret(check_name(body["name"]), check_data(body["data"]), check_labels(body.get("labels", [])))
        self._stores.create(scope, secret)
        return json_response(200, {"message": "secret has been created", "name": secret.name})

    def _update(self, request: Request, scope: str, name: str) -> Response:
        check_name(name)
        body = _json_body(request, required={"data"}, optional={"labels"})
        labels = check_labels(body.get("labels", []), allow_removal=True)
        self._stores.update(scope, name, check_data(body["data"]), labels)
        return json_response(200, {"message": "The secret has been modified", "name": name})

    def _delete(self, _request: Request, scope: str, name: str) -> Response:
        self._stores.delete(scope, check_name(name))
        body = self._settings.current.delete_body
        return Response(200) if body is None else verbatim_response(200, body)

    def _details(self, scope: str, secret: Secret) -> dict:
        # Data is never part of an answer: the API is write-only for values.
        details: dict = {"name": secret.name, "createdAt": secret.created_at}
        if secret.labels:
            details["labels"] = secret.labels
        if scope == TENANT_WIDE:
            groups = [DEFAULT_RESOURCE_GROUP, *self._stores.resource_groups()]
            details["resourceGroupSecretsSyncStatus"] = dict.fromkeys(groups, True)
        return details


def _json_body(request: Request, required: set[str], optional: set[str]) -> dict:
    if request.body_size > MAX_BODY_BYTES:
        raise ApiError(413, "PayloadTooLarge", f"request body of {request.body_size} bytes exceeds {MAX_BODY_BYTES}")
    if request.media_type() != JSON_TYPE:
        raise ApiError(400, "InvalidContentType", "Content-Type must be application/json")
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise ApiError(400, "InvalidBody", "request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise ApiError(400, "InvalidBody", "request body must be a JSON object")
    check_fields(body, required, optional)
    return body


def _query_int(request: Request, name: str) -> int | None:
    text = request.query.get(name)
    if text is None:
        return None
    if not _DIGITS.fullmatch(text):
        raise ApiError(400, "InvalidQuery", f"{name} must be an integer >= 0, got {text!r}")
    return int(text)


def _query_flag(request: Request, name: str) -> bool:
    text = request.query.get(name, "false").lower()
    if text not in ("true", "false"):
        raise ApiError(400, "InvalidQuery", f"{name} must be true or false, got {text!r}")
    return text == "true"
