# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How tests describe secrets that exist before a run (control API, ``--seed`` files).

A seed document is ``{"scope": "rg:default", "secrets": [...]}`` or a list of those; an
entry may instead (or also) carry ``"resource_groups": [ids]``, groups to create without
secrets. Seeding into ``rg:<id>`` creates that group too (see ``Emulator``). A secret is
``{"name", "data"?, "plain_data"?, "labels"?, "createdAt"?}``: ``data`` values are base64
already, ``plain_data`` values are text that is base64-encoded here. Secrets go through the
API's own checks, so a test cannot start from secrets AI Core would refuse; group ids only
through the looser scope rule (see ``resource_groups.check_seeded_ids``).

An entry may also hold lists of the other admin objects, each item the kind's create body:
``"object_store_secrets"`` (plus ``"resource_group"``, default ``default``; seeding creates the
group), ``"docker_registry_secrets"``, ``"repositories"`` and ``"applications"`` (by
``repositoryUrl``; plus ``"error"``: the message it has failed with). Seeded objects are
visible and settled at once and count no write.
"""

from __future__ import annotations

import base64

from dataclasses import dataclass, field

from .admin_kinds import KIND_BY_KEY, Kind
from .admin_objects import AdminObjects
from .resource_groups import DEFAULT_RESOURCE_GROUP, check_seeded_ids
from .scopes import parse_scope
from .store import Secret
from .validation import check_data, check_fields, check_labels, check_name


@dataclass
class SeedDocument:
    """What a seed document asks for: resource groups to create, and secrets per scope."""

    resource_groups: list[str] = field(default_factory=list)
    secrets: list[tuple[str, list[Secret]]] = field(default_factory=list)
    # id -> {"labels"?, "createdAt"?} for groups given as objects (labels checked as the API checks them)
    group_details: dict[str, dict] = field(default_factory=dict)
    # (kind key, resource group or None, name, fields, Written or None, error or None), in document order
    admin_objects: list[tuple] = field(default_factory=list)


def parse_seed_document(document: object) -> SeedDocument:
    """The parsed document; raises ``ApiError`` or ValueError and then nothing is applied."""
    parsed = SeedDocument()
    for entry in document if isinstance(document, list) else [document]:
        _parse_entry(entry, parsed)
    return parsed


def _parse_entry(entry: object, parsed: SeedDocument) -> None:
    if not isinstance(entry, dict):
        raise ValueError(f"a seed entry must be an object with scope and secrets, got {entry!r}")
    check_fields(entry, required=set(), optional={"scope", "secrets", "resource_groups", *KIND_BY_KEY})
    admin_kinds = [key for key in KIND_BY_KEY if key in entry]
    for key in admin_kinds:
        parsed.admin_objects.extend(_parse_admin_objects(KIND_BY_KEY[key], entry[key]))
    groups = entry.get("resource_groups", [])
    if not isinstance(groups, list):
        raise ValueError("resource_groups must be a list of resource group ids")
    ids = []
    for group in groups:  # an id, or {"id", "labels"?, "createdAt"?} for a group with labels or an age
        if isinstance(group, dict):
            check_fields(group, required={"id"}, optional={"labels", "createdAt"})
            parsed.group_details[group["id"]] = {"labels": check_labels(group.get("labels", [])), "createdAt": group.get("createdAt")}
            group = group["id"]
        ids.append(group)
    parsed.resource_groups.extend(check_seeded_ids(ids))
    if "scope" in entry or "secrets" in entry or not (groups or admin_kinds):
        check_fields(entry, required={"scope", "secrets"}, optional={"resource_groups", *admin_kinds})
        scope = parse_scope(entry["scope"])
        parsed.secrets.append((scope, parse_seed_secrets(entry["secrets"])))


def parse_seed_secrets(secrets: object) -> list[Secret]:
    """Secrets of one scope, checked like API input."""
    if not isinstance(secrets, list):
        raise ValueError("secrets must be a list")
    return [_parse_secret(secret) for secret in secrets]


def _parse_secret(item: object) -> Secret:
    if not isinstance(item, dict):
        raise ValueError(f"a seeded secret must be an object, got {item!r}")
    check_fields(item, required={"name"}, optional={"data", "plain_data", "labels", "createdAt"})
    data = _object(item, "data")
    data.update({key: _base64(value) for key, value in _object(item, "plain_data").items()})
    secret = Secret(check_name(item["name"]), check_data(data) if data else {}, check_labels(item.get("labels", [])))
    if "createdAt" in item:
        secret.created_at = str(item["createdAt"])
    return secret


def _object(item: dict, key: str) -> dict:
    value = item.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be an object, got {value!r}")
    return dict(value)


def _base64(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError(f"plain_data values must be strings, got {text!r}")
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _parse_admin_objects(kind: Kind, items: object) -> list[tuple]:
    """Objects of one kind, checked like the API's create bodies."""
    if not isinstance(items, list):
        raise ValueError(f"{kind.key} must be a list of objects")
    required, optional = kind.create_fields
    extras = {"resource_group"} if kind.per_group else {"error"} if kind.errors_setting else set()
    parsed = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError(f"a seeded {kind.label} must be an object, got {item!r}")
        check_fields(item, set(required), set(optional) | extras)
        if "repositoryName" in item:
            raise ValueError("seeded applications name their repository by repositoryUrl")
        body = {key: value for key, value in item.items() if key not in extras}
        # Nothing is looked up in the registry for these bodies, so a scratch one will do.
        name, fields, written = kind.parse_create(body, AdminObjects())
        group = check_seeded_ids([item.get("resource_group", DEFAULT_RESOURCE_GROUP)])[0] if kind.per_group else None
        error = item.get("error")
        if error is not None and (not isinstance(error, str) or not error):
            raise ValueError(f"error of a seeded {kind.label} must be a non-empty message")
        parsed.append((kind.key, group, name, fields, written, error))
    return parsed
