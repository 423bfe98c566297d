# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The APIs of object store and Docker registry secrets, repositories and applications, behind the gateway.

One handler serves the four kinds (``admin_kinds`` says how they differ): list with
``$top``/``$skip``/``$count``, create, get, change, delete, plus an application's
``/status`` and ``/refresh`` and the quota endpoints of the kinds that have a quota.
Object store secrets live in the resource group named by ``AI-Resource-Group``
(``default`` when it is not sent); the other kinds belong to the tenant and take no scope
header. A group the tenant does not have gets what ``unknown_resource_group`` says, as
for generic secrets.
"""

from __future__ import annotations

import re

from .admin_kinds import ADMIN_KINDS, APPLICATION_KIND, Kind, application_status
from .admin_objects import AdminObjectExists, AdminObjectNotFound, AdminObjects, AdminQuotaReached
from .api import unknown_group_refusal
from .api_input import json_body, query_flag, query_int
from .config import Settings, SettingsHolder
from .messages import JSON_TYPE, ApiError, Request, Response, json_error, json_response
from .resource_groups import DEFAULT_RESOURCE_GROUP, ResourceGroupRegistry
from .scopes import RESOURCE_GROUP_HEADER, TENANT_SCOPE_HEADER, invalid_scope, resource_group_of, resource_group_scope

_KIND_BY_PATH = {kind.path: kind for kind in ADMIN_KINDS}
_KIND_BY_QUOTA_PATH = {kind.quota_path: kind for kind in ADMIN_KINDS if kind.quota_path}
# collection path, then optionally /{name}, then optionally /status or /refresh (applications only)
_PATH = re.compile(r"(?P<collection>/v2/admin/[A-Za-z]+)(?:/(?P<name>[^/]*)(?:/(?P<action>status|refresh))?)?")
REFRESH_MESSAGE = "Refresh of ArgoCD application has been scheduled"


class AdminObjectsApi:
    """Routes authorised requests of the four kinds to the registry."""

    def __init__(self, objects: AdminObjects, groups: ResourceGroupRegistry, settings: SettingsHolder):
        self._objects = objects
        self._groups = groups
        self._settings = settings

    @staticmethod
    def serves(path: str) -> bool:
        """Whether ``path`` is one of these APIs' paths."""
        if path in _KIND_BY_QUOTA_PATH:
            return True
        match = _PATH.fullmatch(path)
        if match is None or match["collection"] not in _KIND_BY_PATH:
            return False
        return match["action"] is None or _KIND_BY_PATH[match["collection"]] is APPLICATION_KIND

    def handle(self, request: Request) -> Response:
        """Answer one request (the gateway has checked the token)."""
        settings = self._settings.current
        if request.path in _KIND_BY_QUOTA_PATH:
            kind, name, action = _KIND_BY_QUOTA_PATH[request.path], None, "quota"
        else:
            match = _PATH.fullmatch(request.path)
            kind, name, action = _KIND_BY_PATH[match["collection"]], match["name"], match["action"]
        try:
            return self._route(request, settings, kind, name, action)
        except ApiError as error:
            return error.to_response()
        except AdminObjectNotFound as error:
            return json_error(404, "NotFound", f"{kind.label} {error} not found")
        except AdminObjectExists as error:
            status = kind.duplicate_status or settings.admin_duplicate_status
            return json_error(status, "AlreadyExists", f"{kind.label} {error} already exists")
        except AdminQuotaReached:
            return json_error(409, "QuotaExceeded", f"the tenant may hold at most {getattr(settings, kind.quota_setting)} of kind {kind.label}")

    def _route(self, request: Request, settings: Settings, kind: Kind, name: str | None, action: str | None) -> Response:
        if action == "quota":
            handlers = {"GET": self._quota}
        elif action == "status":
            handlers = {"GET": self._status}
        elif action == "refresh":
            handlers = {"POST": self._refresh}
        elif name is None:
            handlers = {"GET": self._list, "POST": self._create}
        else:
            handlers = {"GET": self._get, "PATCH": self._update, "DELETE": self._delete}
        handler = handlers.get(request.method)
        if handler is None:
            raise ApiError(405, "MethodNotAllowed", f"{request.method} is not allowed here", {"Allow": ", ".join(handlers)})
        group = self._group(request, kind, name)
        if name is not None:
            name = kind.path_name(name)
        return handler(_Call(request, settings, kind, group, name))

    def _group(self, request: Request, kind: Kind, name: str | None) -> str | None:
        """The resource group of an object store request (after the unknown-group check); None for the other kinds."""
        if not kind.per_group:
            return None
        if request.header_values(TENANT_SCOPE_HEADER):
            raise invalid_scope(f"{kind.label}s live in a resource group; {TENANT_SCOPE_HEADER} is not taken here")
        values = request.header_values(RESOURCE_GROUP_HEADER)
        if len(values) > 1:
            raise invalid_scope(f"{RESOURCE_GROUP_HEADER} sent {len(values)} times")
        group = resource_group_of(resource_group_scope(values[0] if values else DEFAULT_RESOURCE_GROUP))
        if not self._groups.exists(group):
            not_found = AdminObjectNotFound(name) if name is not None else None
            raise _Refusal(unknown_group_refusal(self._settings.current.unknown_resource_group, group, not_found))
        return group

    # Handlers: one _Call each

    def _list(self, call: _Call) -> Response:
        skip = query_int(call.request, "$skip") or 0
        top = query_int(call.request, "$top")
        size = call.settings.page_cap if top is None else min(top, call.settings.page_cap)
        views = self._objects.visible(call.kind.key, call.group)
        page = views[skip:skip + size]
        count = len(views) if query_flag(call.request, "$count") else len(page)
        return json_response(200, {"count": count, "resources": [call.kind.view(view, call.settings) for view in page]})

    def _create(self, call: _Call) -> Response:
        kind, settings = call.kind, call.settings
        body = _checked_body(call, creating=True)
        name, fields, written = kind.parse_create(body, self._objects)
        quota = getattr(settings, kind.quota_setting) if kind.quota_setting else None
        self._objects.create(kind.key, call.group, name, fields, written, _delay(call), quota, *_sync(call, name))
        if kind.accepted:
            return json_response(202, {"message": kind.messages[0]})
        return json_response(200, {"id": name, "message": kind.messages[0]})

    def _get(self, call: _Call) -> Response:
        return json_response(200, call.kind.view(self._objects.get(call.kind.key, call.group, call.name), call.settings))

    def _update(self, call: _Call) -> Response:
        kind = call.kind
        body = _checked_body(call, creating=False)
        name, fields, written = kind.parse_update(call.name, body, self._objects)
        self._objects.update(kind.key, call.group, name, fields, written, _delay(call), *_sync(call, name))
        return json_response(202 if kind.accepted else 200, {"id": name, "message": kind.messages[1]})

    def _delete(self, call: _Call) -> Response:
        self._objects.delete(call.kind.key, call.group, call.name, _delay(call))
        return json_response(202 if call.kind.accepted else 200, {"id": call.name, "message": call.kind.messages[2]})

    def _status(self, call: _Call) -> Response:
        return json_response(200, application_status(self._objects.get(call.kind.key, None, call.name)))

    def _refresh(self, call: _Call) -> Response:
        self._objects.refresh(call.kind.key, call.name, *_sync(call, call.name))
        return json_response(202, {"id": call.name, "message": REFRESH_MESSAGE})

    def _quota(self, call: _Call) -> Response:
        answer: dict = {"quota": {"maxCount": getattr(call.settings, call.kind.quota_setting)}}
        if not query_flag(call.request, "quotaOnly"):
            answer["usage"] = {"count": self._objects.count(call.kind.key)}
        return json_response(200, answer)


class _Call:
    """One routed request: what every handler needs, read once."""

    def __init__(self, request: Request, settings: Settings, kind: Kind, group: str | None, name: str | None):
        self.request = request
        self.settings = settings
        self.kind = kind
        self.group = group
        self.name = name


class _Refusal(ApiError):
    """Carries a ready answer (such as the gateway's plain-text 403) out of the routing."""

    def __init__(self, response: Response):
        super().__init__(response.status, "", "")
        self.response = response

    def to_response(self) -> Response:
        return self.response


def _checked_body(call: _Call, creating: bool) -> dict:
    required, optional = call.kind.create_fields if creating else call.kind.update_fields
    media_type = JSON_TYPE if creating else call.kind.update_media_type
    return json_body(call.request, set(required), set(optional), media_type)


def _delay(call: _Call) -> float:
    """How long until an accepted change shows: the setting for the two secret kinds, else at once."""
    return call.settings.admin_object_delay if call.kind.accepted else 0.0


def _sync(call: _Call, name: str) -> tuple[float, str | None]:
    """(seconds until the write settles, the error it ends in) for kinds that sync, else (0, None)."""
    if call.kind.sync_delay_setting is None:
        return 0.0, None
    errors = getattr(call.settings, call.kind.errors_setting)
    return getattr(call.settings, call.kind.sync_delay_setting), errors.get(name, errors.get("*"))
