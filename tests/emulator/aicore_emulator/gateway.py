# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateway in front of AI Core: token checks in plain text, then routing to an API.

Everything under ``/v2/`` passes the token check first, as at AI Core. A path no API has
answers 404, so a client with a doubled ``/v2`` or a wrong base path sees "not found"
on every request, exactly as it would against the real service.
"""

from __future__ import annotations

from .admin_api import AdminObjectsApi
from .admin_objects import AdminObjects
from .api import SecretsApi
from .config import SettingsHolder
from .groups_api import ResourceGroupsApi
from .messages import Request, Response, json_error, text_response
from .resource_groups import ResourceGroupRegistry
from .store import SecretStores
from .tokens import EXPIRED, UNKNOWN, TokenRegistry, bearer_token

API_PREFIX = "/v2/"
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


class Gateway:
    """Checks the token of every ``/v2/...`` request and hands it to the API that has its path."""

    def __init__(self, stores: SecretStores, groups: ResourceGroupRegistry, tokens: TokenRegistry, settings: SettingsHolder, objects: AdminObjects):
        self._tokens = tokens
        self._apis = (SecretsApi(stores, groups, settings), ResourceGroupsApi(groups, settings), AdminObjectsApi(objects, groups, settings))

    def handle(self, request: Request) -> Response:
        """Answer one API request."""
        refusal = gateway_refusal(request, self._tokens)
        if refusal is not None:
            return refusal
        for api in self._apis:
            if api.serves(request.path):
                return api.handle(request)
        return json_error(404, "NotFound", f"no resource at {request.path}")
