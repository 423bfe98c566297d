# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource groups API (docs/ai-core-api.md, Resource groups), behind the gateway.

``/v2/admin/resourceGroups[/{id}]`` and ``/v2/admin/resourceQuota/resourceGroups``. They take
no scope headers. Creation, label changes and deletion answer 202; the change of status
follows the delays set in the settings (see ``resource_groups``).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode

from .api import rbac_denied
from .api_input import json_body, query_flag, query_int
from .config import SettingsHolder
from .messages import ApiError, Request, Response, json_error, json_response
from .resource_groups import (
    DEFAULT_RESOURCE_GROUP,
    RESOURCE_GROUP_ID,
    TENANT_ID,
    ResourceGroupExists,
    ResourceGroupNotFound,
    ResourceGroupQuotaReached,
    ResourceGroupRegistry,
    is_resource_group_id,
)
from .validation import check_labels

COLLECTION_PATH = "/v2/admin/resourceGroups"
QUOTA_PATH = "/v2/admin/resourceQuota/resourceGroups"
_ITEM_PATH = re.compile(r"/v2/admin/resourceGroups/([^/]*)")
# One term of a label selector: key=value, key!=value, or a bare key (the label is set).
_DIGITS = re.compile(r"[0-9]+")
_SELECTOR_TERM = re.compile(r"(?P<key>[^ =,!]+)(?:(?P<operator>!?=)(?P<value>[^ =,!]+))?")


class ResourceGroupsApi:
    """Routes authorised resource group requests to the registry."""

    def __init__(self, groups: ResourceGroupRegistry, settings: SettingsHolder):
        self._groups = groups
        self._settings = settings

    @staticmethod
    def serves(path: str) -> bool:
        """Whether ``path`` is one of this API's paths."""
        return path in (COLLECTION_PATH, QUOTA_PATH) or _ITEM_PATH.fullmatch(path) is not None

    def handle(self, request: Request) -> Response:
        """Answer one request (the gateway has checked the token)."""
        if self._settings.current.resource_groups_forbidden:
            return rbac_denied()
        try:
            return self._route(request)
        except ApiError as error:
            return error.to_response()
        except ResourceGroupNotFound as error:
            return json_error(404, "NotFound", f"resource group {error} not found")
        except ResourceGroupExists as error:
            return json_error(409, "AlreadyExists", f"resource group {error} already exists")
        except ResourceGroupQuotaReached:
            quota = self._settings.current.resource_group_quota
            return json_error(409, "QuotaExceeded", f"the tenant may hold at most {quota} resource groups")

    def _route(self, request: Request) -> Response:
        item = _ITEM_PATH.fullmatch(request.path)
        if request.path == COLLECTION_PATH:
            handlers, ids = {"GET": self._list, "POST": self._create}, ()
        elif request.path == QUOTA_PATH:
            handlers, ids = {"GET": self._quota}, ()
        else:
            group_id = item.group(1)
            # A group a test seeded under an id SAP refuses (see check_seeded_ids) is still served.
            handlers, ids = {"GET": self._get, "PATCH": self._update, "DELETE": self._delete}, (
                group_id if self._groups.exists(group_id) else _checked_id(group_id),
            )
        handler = handlers.get(request.method)
        if handler is None:
            raise ApiError(405, "MethodNotAllowed", f"{request.method} is not allowed here", {"Allow": ", ".join(handlers)})
        return handler(request, *ids)

    def _create(self, request: Request) -> Response:
        settings = self._settings.current
        body = json_body(request, required={"resourceGroupId"}, optional={"labels"})
        group_id = _checked_id(body["resourceGroupId"])
        labels = check_labels(body.get("labels", []))
        self._groups.create(group_id, labels, settings.resource_group_provisioning_delay, settings.resource_group_error, settings.resource_group_quota)
        return json_response(202, {"resourceGroupId": group_id, "tenantId": TENANT_ID, "zoneId": TENANT_ID})

    def _list(self, request: Request) -> Response:
        selector = _parse_selector(request.query.get("labelSelector"))
        matching = [group for group in self._groups.all() if _selected(group, selector)]
        settings = self._settings.current
        max_page_size = _max_page_size(request) if settings.resource_group_maxpagesize else None
        if max_page_size is not None or ("continueToken" in request.query and settings.resource_group_maxpagesize):
            return _continued_page(request, matching, max_page_size, settings.page_cap)
        skip = query_int(request, "$skip") or 0
        top = query_int(request, "$top")
        # Without $top every group comes in one answer, as the reference says for no maxpagesize.
        size = len(matching) if top is None else min(top, self._settings.current.page_cap)
        page = matching[skip:skip + size]
        return json_response(200, {"count": len(matching) if query_flag(request, "$count") else len(page), "resources": page})

    def _get(self, _request: Request, group_id: str) -> Response:
        return json_response(200, self._groups.get(group_id))

    def _update(self, request: Request, group_id: str) -> Response:
        body = json_body(request, required=set(), optional={"labels"})
        if "labels" in body:
            # The reference says PATCH replaces the characteristics sent: the list is the new set.
            self._groups.set_labels(group_id, check_labels(body["labels"]))
        else:
            self._groups.get(group_id)  # 404 for a missing group even with nothing to change
        return Response(202)

    def _delete(self, _request: Request, group_id: str) -> Response:
        if group_id == DEFAULT_RESOURCE_GROUP:
            raise ApiError(400, "InvalidRequest", "the default resource group cannot be deleted")
        self._groups.delete(group_id, self._settings.current.resource_group_deletion_delay)
        return json_response(202, {"id": group_id, "message": "Resource Group deletion scheduled"})

    def _quota(self, request: Request) -> Response:
        answer: dict = {"quota": {"maxCount": self._settings.current.resource_group_quota}}
        if not query_flag(request, "quotaOnly"):
            answer["usage"] = {"count": len(self._groups.ids())}
        return json_response(200, answer)


def _checked_id(group_id: object) -> str:
    if not is_resource_group_id(group_id):
        raise ApiError(400, "InvalidResourceGroupId", f"resource group id must match ^{RESOURCE_GROUP_ID.pattern}$ with 3 to 253 characters, got {group_id!r}")
    return group_id


def _max_page_size(request: Request) -> int | None:
    """N of ``Prefer: maxpagesize=N``, else None."""
    for preference in (request.header("Prefer") or "").split(","):
        name, _equals, value = preference.strip().partition("=")
        if name.strip().lower() == "maxpagesize":
            if not _DIGITS.fullmatch(value.strip()) or int(value) < 1:
                raise ApiError(400, "InvalidPreference", f"maxpagesize must be an integer >= 1, got {value.strip()!r}")
            return int(value)
    return None


def _continued_page(request: Request, matching: list[dict], max_page_size: int | None, page_cap: int) -> Response:
    """One page of the Prefer/continueToken paging: a ``Link`` header names the next page, if any.

    A page holds at most ``page_cap`` groups whatever maxpagesize asks (the preference is a
    maximum, so a server may send fewer). The token is the offset, base64-encoded; a token the
    emulator did not issue gets 410, as an expired one would at AI Core.
    """
    start = _offset_of(request.query["continueToken"]) if "continueToken" in request.query else 0
    end = start + (page_cap if max_page_size is None else min(max_page_size, page_cap))
    page = matching[start:end]
    headers = {}
    if end < len(matching):
        query = urlencode({**{key: value for key, value in request.query.items() if key != "continueToken"}, "continueToken": _token_for(end)})
        headers["Link"] = f'<{COLLECTION_PATH}?{query}>; rel="next"'
    return json_response(200, {"count": len(page), "resources": page}, headers)


def _token_for(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode("ascii")


def _offset_of(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError) as error:
        raise ApiError(410, "ResourceExpired", "continueToken is not valid any more; restart the listing") from error
    prefix, _colon, number = text.partition(":")
    if prefix != "offset" or not _DIGITS.fullmatch(number):
        raise ApiError(410, "ResourceExpired", "continueToken is not valid any more; restart the listing")
    return int(number)


def _parse_selector(text: str | None) -> list[tuple[str, str | None, str | None]]:
    """``[(key, operator or None, value or None)]``; comma-separated terms must all hold."""
    if text is None:
        return []
    terms = []
    for term in text.split(","):
        match = _SELECTOR_TERM.fullmatch(term)
        if match is None:
            raise ApiError(400, "InvalidLabelSelector", f"labelSelector term {term!r} must be key=value, key!=value or key")
        terms.append((match["key"], match["operator"], match["value"]))
    return terms


def _selected(group: dict, selector: list[tuple[str, str | None, str | None]]) -> bool:
    labels = {label["key"]: label["value"] for label in group["labels"]}
    for key, operator, value in selector:
        if operator is None and key not in labels:
            return False
        if operator == "=" and labels.get(key) != value:
            return False
        if operator == "!=" and labels.get(key) == value:
            return False
    return True
