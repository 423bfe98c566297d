# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What differs between object store secrets, Docker registry secrets, repositories and applications.

Each kind is one ``Kind`` value: its paths, name rule, request bodies, status codes, answer
shapes and which setting holds its quota. The HTTP handling they share is ``admin_api``, the
life cycle ``admin_objects``. Rules and shapes follow SAP's AI_CORE_API 2.42 reference
(see tests/emulator/README.md for the choices where it is silent). Every check raises
``ApiError`` (400) naming the field and the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from .admin_objects import (
    APPLICATIONS,
    DOCKER_REGISTRY_SECRETS,
    OBJECT_STORE_SECRETS,
    REPOSITORIES,
    AdminObjects,
    Written,
    written_digest,
)
from .config import Settings
from .messages import JSON_TYPE, ApiError

MERGE_PATCH_TYPE = "application/merge-patch+json"
OBJECT_STORE_SUFFIX = "-object-store-secret"
DOCKER_CONFIG_KEY = ".dockerconfigjson"

_DNS_LABEL = re.compile(r"[a-z0-9-]+")
_OBJECT_STORE_PATH_NAME = re.compile(r"[a-zA-Z0-9._-]+")
_DOCKER_NAME_CHARACTERS = re.compile(r"[a-z0-9._-]+")
_LOWER_ALNUM = re.compile(r"[a-z0-9]")
_REPOSITORY_NAME = re.compile(r"[a-z0-9-]{1,51}")
_APPLICATION_BODY_NAME = re.compile(r"[a-z0-9-]{3,54}")
_APPLICATION_PATH_NAME = re.compile(r"[a-z0-9-]{3,63}")
_DATA_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_FLAG_VALUES = ("0", "1")

# Object store body field -> the annotations GET shows for it (the reference's metadata keys).
_ANNOTATIONS = {
    "type": ("storage.ai.sap.com/type",),
    "bucket": ("storage.ai.sap.com/bucket",),
    "endpoint": ("storage.ai.sap.com/endpoint", "serving.kubeflow.org/s3-endpoint"),
    "region": ("storage.ai.sap.com/region", "serving.kubeflow.org/s3-region"),
    "pathPrefix": ("storage.ai.sap.com/pathPrefix",),
    "verifyssl": ("serving.kubeflow.org/s3-verifyssl",),
    "usehttps": ("serving.kubeflow.org/s3-usehttps",),
}
_OBJECT_STORE_OPTIONAL = ("bucket", "endpoint", "region", "pathPrefix", "verifyssl", "usehttps")
# The reference gives usehttps a default of "1": it shows even when a client did not send it.
_USEHTTPS_DEFAULT = "1"

# (name, readable fields, what is kept of the write-only value)
Parsed = tuple  # tuple[str, dict, Optional[Written]]


def _refused(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def _string(body: dict, field_name: str, allow_empty: bool = False) -> str:
    value = body[field_name]
    if not isinstance(value, str) or (value == "" and not allow_empty):
        raise _refused("InvalidField", f"{field_name} must be a non-empty string")
    return value


# --- names -----------------------------------------------------------------------------------

def object_store_body_name(name: object) -> str:
    """DNS subdomain style, at most 233: dot-separated labels of [a-z0-9-], alphanumeric at both ends."""
    if not isinstance(name, str) or not 0 < len(name) <= 233 or not all(
        _DNS_LABEL.fullmatch(label) and label[0] != "-" and label[-1] != "-" for label in name.split(".")
    ):
        raise _refused("InvalidName", f"object store secret name must be DNS-style ([a-z0-9-] labels joined by dots) with at most 233 characters, got {name!r}")
    return name


def object_store_path_name(name: str) -> str:
    """The path rule, looser than the body rule (SAP: ^[a-zA-Z0-9.\\-_]+$)."""
    if not _OBJECT_STORE_PATH_NAME.fullmatch(name):
        raise _refused("InvalidName", f"object store secret name must match ^[a-zA-Z0-9.\\-_]+$, got {name!r}")
    return name


def is_docker_registry_name(name: object) -> bool:
    """SAP's ``^[a-z0-9](?:_?[a-z0-9\\.\\-]+)*[a-z0-9]$`` (max 63), decided without backtracking.

    The pattern allows [a-z0-9.-] runs, each optionally led by one underscore, between an
    alphanumeric first and last character. So: 2..63 characters of [a-z0-9._-], alphanumeric
    at both ends, no two underscores in a row, and an underscore needs at least two characters
    after it (a run of one or more, then the last character).
    """
    if not isinstance(name, str) or not 2 <= len(name) <= 63 or not _DOCKER_NAME_CHARACTERS.fullmatch(name):
        return False
    return bool(_LOWER_ALNUM.fullmatch(name[0]) and _LOWER_ALNUM.fullmatch(name[-1])) and "__" not in name and "_" not in name[-2:]


def docker_registry_name(name: object) -> str:
    """A Docker registry secret name, body or path."""
    if not is_docker_registry_name(name):
        rule = "^[a-z0-9](?:_?[a-z0-9\\.\\-]+)*[a-z0-9]$ with at most 63 characters"
        raise _refused("InvalidName", f"Docker registry secret name must match {rule}, got {name!r}")
    return name


def repository_name(name: object) -> str:
    """1..51 of [a-z0-9-], body and path."""
    if not isinstance(name, str) or not _REPOSITORY_NAME.fullmatch(name):
        raise _refused("InvalidName", f"repository name must match ^[a-z0-9\\-]+$ with 1 to 51 characters, got {name!r}")
    return name


def application_body_name(name: object) -> str:
    """3..54 of [a-z0-9-] (the body's rule; paths allow 63)."""
    if not isinstance(name, str) or not _APPLICATION_BODY_NAME.fullmatch(name):
        raise _refused("InvalidName", f"applicationName must match ^[a-z0-9\\-]+$ with 3 to 54 characters, got {name!r}")
    return name


def application_path_name(name: str) -> str:
    """3..63 of [a-z0-9-]."""
    if not _APPLICATION_PATH_NAME.fullmatch(name):
        raise _refused("InvalidName", f"application name must match ^[a-z0-9\\-]+$ with 3 to 63 characters, got {name!r}")
    return name


# --- bodies ----------------------------------------------------------------------------------

def _object_store_fields(body: dict) -> dict:
    fields = {"type": _string(body, "type")}
    for optional in _OBJECT_STORE_OPTIONAL:
        if optional in body:
            fields[optional] = _string(body, optional, allow_empty=True)
    for flag in ("verifyssl", "usehttps"):
        if flag in fields and fields[flag] not in _FLAG_VALUES:
            raise _refused("InvalidField", f"{flag} must be the string \"0\" or \"1\"")
    return fields


def _object_store_data(data: object) -> Written:
    if not isinstance(data, dict) or not data:
        raise _refused("InvalidData", "data must be a non-empty object of string keys to string values")
    for key, value in data.items():
        if not _DATA_KEY.fullmatch(key):
            raise _refused("InvalidData", f"data key {key!r} must match [-._a-zA-Z0-9]+")
        if not isinstance(value, str):
            raise _refused("InvalidData", f"data value of {key!r} must be a string")
    return Written(written_digest(data), {"data_keys": sorted(data)})


def _object_store_create(body: dict, _objects: AdminObjects) -> Parsed:
    return object_store_body_name(body["name"]), _object_store_fields(body), _object_store_data(body["data"])


def _object_store_update(name: str, body: dict, _objects: AdminObjects) -> Parsed:
    # PATCH carries the whole object, name included; a different name is refused (SAP is silent).
    if body["name"] != name:
        raise _refused("InvalidField", f"name in the body ({body['name']!r}) must be the name in the path ({name!r})")
    return name, _object_store_fields(body), _object_store_data(body["data"])


def _docker_config(data: object) -> Written:
    if not isinstance(data, dict) or set(data) != {DOCKER_CONFIG_KEY} or not isinstance(data[DOCKER_CONFIG_KEY], str) or not data[DOCKER_CONFIG_KEY]:
        raise _refused("InvalidData", f"data must be an object with exactly one key, {DOCKER_CONFIG_KEY}, holding a non-empty string")
    text = data[DOCKER_CONFIG_KEY]
    # Harmless facts for tests: the digest of the parsed JSON (spacing does not matter) and the registries.
    try:
        config = json.loads(text)
    except ValueError:
        config = None
    auths = config.get("auths") if isinstance(config, dict) else None
    facts = {
        "config_sha256": None if config is None else written_digest(config),
        "registries": sorted(auths) if isinstance(auths, dict) else None,
    }
    return Written(written_digest(text), facts)


def _docker_create(body: dict, _objects: AdminObjects) -> Parsed:
    return docker_registry_name(body["name"]), {}, _docker_config(body["data"])


def _docker_update(name: str, body: dict, _objects: AdminObjects) -> Parsed:
    return name, {}, _docker_config(body["data"])


def _repository_create(body: dict, _objects: AdminObjects) -> Parsed:
    fields = {"url": _string(body, "url"), "username": _string(body, "username")}
    return repository_name(body["name"]), fields, Written(written_digest(_string(body, "password")))


def _repository_update(name: str, body: dict, objects: AdminObjects) -> Parsed:
    # Only the credentials change; the URL stays what it was.
    fields = {"url": objects.get(REPOSITORIES, None, name)["fields"]["url"], "username": _string(body, "username")}
    return name, fields, Written(written_digest(_string(body, "password")))


def _application_source(body: dict) -> dict:
    return {"repositoryUrl": _string(body, "repositoryUrl"), "revision": _string(body, "revision"), "path": _string(body, "path", allow_empty=True)}


def _application_create(body: dict, objects: AdminObjects) -> Parsed:
    name = application_body_name(body["applicationName"])
    by_name = "repositoryName" in body
    if by_name == ("repositoryUrl" in body):
        raise _refused("InvalidField", "give exactly one of repositoryUrl and repositoryName")
    if by_name:
        repository = repository_name(body["repositoryName"])
        if not objects.exists(REPOSITORIES, None, repository):
            raise _refused("RepositoryNotFound", f"repository {repository} is not on-boarded")
        # GET shows the repository's URL (SAP does not say what it shows for a create by name).
        body = {**body, "repositoryUrl": objects.get(REPOSITORIES, None, repository)["fields"]["url"]}
    return name, _application_source(body), None


def _application_update(name: str, body: dict, _objects: AdminObjects) -> Parsed:
    return name, _application_source(body), None


# --- answers ---------------------------------------------------------------------------------

def _object_store_view(view: dict, settings: Settings) -> dict:
    name = view["name"] + (OBJECT_STORE_SUFFIX if settings.object_store_name_suffix else "")
    if settings.object_store_metadata == "none":
        return {"name": name}
    fields = {"usehttps": _USEHTTPS_DEFAULT, **view["fields"]}
    metadata = {annotation: value for field_name, value in fields.items() for annotation in _ANNOTATIONS[field_name]}
    return {"name": name, "metadata": metadata}


def _docker_view(view: dict, _settings: Settings) -> dict:
    return {"name": view["name"]}


def _repository_view(view: dict, _settings: Settings) -> dict:
    answer = {"name": view["name"], "url": view["fields"]["url"], "status": repository_status(view)}
    if answer["status"] == "ERROR":
        # Not in SAP's schema: the one place a reason can go; clients must not depend on it.
        answer["message"] = view["error"]
    return answer


def _application_view(view: dict, _settings: Settings) -> dict:
    return {"applicationName": view["name"], **view["fields"]}


def repository_status(view: dict) -> str:
    """IN-PROGRESS until the last write settles, then COMPLETED, or ERROR when one was set."""
    if not view["settled"]:
        return "IN-PROGRESS"
    return "ERROR" if view["error"] else "COMPLETED"


def application_status(view: dict) -> dict:
    """The /status answer: ArgoCD's words for sync and health."""
    fields = view["fields"]
    answer = {
        "syncStatus": "OutOfSync",
        "healthStatus": "Progressing",
        "message": "",
        "source": {"repoURL": fields["repositoryUrl"], "path": fields["path"], "revision": fields["revision"]},
        "syncStartedAt": view["sync_started"],
        "reconciledAt": view["sync_started"],
        "syncResourcesStatus": [],
    }
    if view["settled"]:
        answer.update(syncStatus="Synced", healthStatus="Degraded" if view["error"] else "Healthy", message=view["error"] or "",
                      syncFinishedAt=view["sync_finished"], reconciledAt=view["sync_finished"])
    return answer


# --- the kinds -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """One kind of admin object as the HTTP layer needs it."""

    key: str
    label: str
    path: str
    # The name rule of paths (bodies have their own, in parse_create).
    path_name: Callable[[str], str]
    create_fields: tuple[frozenset, frozenset]  # (required, optional)
    update_fields: tuple[frozenset, frozenset]
    parse_create: Callable[[dict, AdminObjects], Parsed]
    parse_update: Callable[[str, dict, AdminObjects], Parsed]
    view: Callable[[dict, Settings], dict]
    # Messages of the create, update and delete answers.
    messages: tuple[str, str, str]
    # True: 202 answers, and changes show after admin_object_delay (the two secret kinds).
    accepted: bool = False
    # True: the AI-Resource-Group header picks the group (default "default").
    per_group: bool = False
    update_media_type: str = JSON_TYPE
    # The setting that holds the quota and the quota endpoint, for kinds SAP gives a quota.
    quota_setting: str | None = None
    quota_path: str | None = None
    # The setting that holds the delay of status changes and the error map (repositories, applications).
    sync_delay_setting: str | None = None
    errors_setting: str | None = None
    # None: the admin_duplicate_status setting chooses the status of a duplicate create.
    duplicate_status: int | None = None


def _fields(required: tuple, optional: tuple = ()) -> tuple[frozenset, frozenset]:
    return frozenset(required), frozenset(optional)


OBJECT_STORE_SECRET_KIND = Kind(
    key=OBJECT_STORE_SECRETS,
    label="object store secret",
    path="/v2/admin/objectStoreSecrets",
    path_name=object_store_path_name,
    create_fields=_fields(("name", "type", "data"), _OBJECT_STORE_OPTIONAL),
    update_fields=_fields(("name", "type", "data"), _OBJECT_STORE_OPTIONAL),
    parse_create=_object_store_create,
    parse_update=_object_store_update,
    view=_object_store_view,
    messages=("Secret has been created", "Secret has been modified", "Object Store Secret has been deleted"),
    accepted=True,
    per_group=True,
)
DOCKER_REGISTRY_SECRET_KIND = Kind(
    key=DOCKER_REGISTRY_SECRETS,
    label="Docker registry secret",
    path="/v2/admin/dockerRegistrySecrets",
    path_name=docker_registry_name,
    create_fields=_fields(("name", "data")),
    update_fields=_fields(("data",)),
    parse_create=_docker_create,
    parse_update=_docker_update,
    view=_docker_view,
    messages=("Secret has been created", "Secret has been modified", "Docker Registry Secret has been deleted"),
    accepted=True,
    update_media_type=MERGE_PATCH_TYPE,
    quota_setting="docker_registry_secret_quota",
    quota_path="/v2/admin/resourceQuota/dockerRegistrySecrets",
)
REPOSITORY_KIND = Kind(
    key=REPOSITORIES,
    label="repository",
    path="/v2/admin/repositories",
    path_name=repository_name,
    # SAP marks name optional but does not say what name the service picks: the emulator wants it.
    create_fields=_fields(("name", "url", "username", "password")),
    update_fields=_fields(("username", "password")),
    parse_create=_repository_create,
    parse_update=_repository_update,
    view=_repository_view,
    messages=("Repository has been on-boarded", "Repository has been updated", "The repository has been off-boarded."),
    quota_setting="repository_quota",
    quota_path="/v2/admin/resourceQuota/repositories",
    sync_delay_setting="repository_sync_delay",
    errors_setting="repository_errors",
    duplicate_status=409,
)
APPLICATION_KIND = Kind(
    key=APPLICATIONS,
    label="application",
    path="/v2/admin/applications",
    path_name=application_path_name,
    # applicationName is optional at SAP, with no word on the name it picks otherwise: required here.
    create_fields=_fields(("applicationName", "revision", "path"), ("repositoryUrl", "repositoryName")),
    update_fields=_fields(("repositoryUrl", "revision", "path")),
    parse_create=_application_create,
    parse_update=_application_update,
    view=_application_view,
    messages=("ArgoCD application has been created", "ArgoCD application has been updated", "ArgoCD application has been deleted"),
    quota_setting="application_quota",
    quota_path="/v2/admin/resourceQuota/applications",
    sync_delay_setting="application_sync_delay",
    errors_setting="application_errors",
)
ADMIN_KINDS = (OBJECT_STORE_SECRET_KIND, DOCKER_REGISTRY_SECRET_KIND, REPOSITORY_KIND, APPLICATION_KIND)
KIND_BY_KEY = {kind.key: kind for kind in ADMIN_KINDS}
