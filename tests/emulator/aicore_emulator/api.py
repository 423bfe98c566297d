# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AI Core generic secrets API (docs/ai-core-api.md, Endpoints), behind the gateway.

Only ``/v2/admin/secrets`` and ``/v2/admin/secrets/{name}`` exist here. A request whose
``AI-Resource-Group`` names a group the tenant does not have gets the answer the
``unknown_resource_group`` setting chooses; the default 404 reads exactly like an ordinary
"not found", the hardest case for a client.
"""

from __future__ import annotations

import re

from .api_input import json_body, query_flag, query_int
from .config import SettingsHolder
from .messages import ApiError, Request, Response, json_error, json_response, text_response, verbatim_response
from .resource_groups import ResourceGroupRegistry
from .scopes import TENANT_WIDE, resource_group_of, scope_from_request
from .store import TENANT_WIDE_LIMIT, Secret, SecretExists, SecretNotFound, SecretStores, TenantWideLimitReached
from .validation import check_data, check_labels, check_name

COLLECTION_PATH = "/v2/admin/secrets"
_ITEM_PATH = re.compile(r"/v2/admin/secrets/([^/]*)")

# What an endless listing claims as total: more than any client should ever try to fetch.
ENDLESS_COUNT = 1_000_000_000
# The gateway's answer to a token without the right to a resource.
RBAC_DENIED = "RBAC: access denied"


def rbac_denied() -> Response:
    """The gateway's plain-text 403."""
    return text_response(403, RBAC_DENIED)


def unknown_group_refusal(answer: str, group: str, not_found: Exception | None) -> Response:
    """What a request in a resource group the tenant does not have gets, by the ``unknown_resource_group`` setting.

    ``not_found``: what an item request raises for "404" (the API's own not-found error, so
    nothing hints at the group); None for a collection request, which gets a bare 404.
    """
    if answer == "403":
        return rbac_denied()
    if answer == "400":
        raise ApiError(400, "InvalidResourceGroup", f"resource group {group!r} does not exist")
    if not_found is not None:
        raise not_found
    raise ApiError(404, "NotFound", "resource not found")


class SecretsApi:
    """Routes authorised secrets requests to the secret operations."""

    def __init__(self, stores: SecretStores, groups: ResourceGroupRegistry, settings: SettingsHolder):
        self._stores = stores
        self._groups = groups
        self._settings = settings

    @staticmethod
    def serves(path: str) -> bool:
        """Whether ``path`` is one of this API's paths."""
        return path == COLLECTION_PATH or _ITEM_PATH.fullmatch(path) is not None

    def handle(self, request: Request) -> Response:
        """Answer one secrets request (the gateway has checked the token)."""
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
        scope = scope_from_request(request)
        refusal = self._unknown_group_answer(scope, names)
        if refusal is not None:
            return refusal
        return handler(request, scope, *names)

    def _unknown_group_answer(self, scope: str, names: tuple[str, ...]) -> Response | None:
        """The configured answer when ``scope`` is a resource group the tenant does not have."""
        group = resource_group_of(scope)
        if group is None or self._groups.exists(group):
            return None
        # Word for word the answer for a missing secret: nothing hints at the group.
        not_found = SecretNotFound(check_name(names[0])) if names else None
        return unknown_group_refusal(self._settings.current.unknown_resource_group, group, not_found)

    def _list(self, request: Request, scope: str) -> Response:
        settings = self._settings.current
        skip = query_int(request, "$skip") or 0
        top = query_int(request, "$top")
        size = settings.page_cap if top is None else min(top, settings.page_cap)
        if settings.endless_pages:
            page = [Secret(f"endless-{skip + index}", {}, []) for index in range(size)]
            return self._listing(scope, page, ENDLESS_COUNT)
        page, total = self._stores.page(scope, skip, size)
        return self._listing(scope, page, total if query_flag(request, "$count") else len(page))

    def _listing(self, scope: str, page: list[Secret], count: int) -> Response:
        return json_response(200, {"count": count, "resources": [self._details(scope, secret) for secret in page]})

    def _get(self, _request: Request, scope: str, name: str) -> Response:
        return json_response(200, self._details(scope, self._stores.get(scope, check_name(name))))

    def _create(self, request: Request, scope: str) -> Response:
        body = json_body(request, required={"name", "data"}, optional={"labels"})
        secret = Secret(check_name(body["name"]), check_data(body["data"]), check_labels(body.get("labels", [])))
        self._stores.create(scope, secret)
        return json_response(200, {"message": "secret has been created", "name": secret.name})

    def _update(self, request: Request, scope: str, name: str) -> Response:
        check_name(name)
        body = json_body(request, required={"data"}, optional={"labels"})
        labels = check_labels(body.get("labels", []), allow_removal=True)
        self._stores.update(scope, name, check_data(body["data"]), labels)
        return json_response(200, {"message": "The secret has been modified", "name": name})

    def _delete(self, _request: Request, scope: str, name: str) -> Response:
        self._stores.delete(scope, check_name(name))
        body = self._settings.current.delete_body
        return Response(200) if body is None else verbatim_response(200, body)

    def _details(self, scope: str, secret: Secret) -> dict:
        # Data is never part of an answer: the API is write-only for values.
        settings = self._settings.current
        details: dict = {"name": secret.name, "createdAt": secret.created_at}
        if secret.labels:
            # SAP's reference shows a list of {key, value}, its help pages an object.
            labels = [dict(label) for label in secret.labels]
            details["labels"] = labels if settings.labels_shape == "list" else {label["key"]: label["value"] for label in labels}
        if scope == TENANT_WIDE:
            details[settings.sync_status_field] = dict.fromkeys(self._groups.ids(), True)
        return details
