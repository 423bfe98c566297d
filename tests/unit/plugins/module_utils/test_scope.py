# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scope headers: the three documented combinations, and refusals of everything else."""

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import describe, scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError


def test_resource_group():
    assert scope_headers("team-a", False, {}) == {"AI-Resource-Group": "team-a"}


def test_resource_group_from_environment():
    assert scope_headers(None, False, {"AICORE_RESOURCE_GROUP": "env-rg"}) == {"AI-Resource-Group": "env-rg"}


def test_tenant_scope_ignores_the_environments_resource_group():
    assert scope_headers(None, True, {"AICORE_RESOURCE_GROUP": "env-rg"}) == {"AI-Tenant-Scope": "true"}


def test_tenant_wide():
    assert scope_headers("*", True, {}) == {"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"}


def test_tenant_scope_with_a_concrete_group_is_refused():
    with pytest.raises(InputError, match="cannot be combined with tenant_scope"):
        scope_headers("team-a", True, {})


def test_no_scope_is_refused_naming_both_options():
    with pytest.raises(InputError) as raised:
        scope_headers(None, False, {})
    assert "resource_group" in str(raised.value) and "tenant_scope" in str(raised.value)


@pytest.mark.parametrize("bad", ["team\r\nX-Evil: 1", "team\n", "tab\there", "nul\x00", " ", ""])
def test_control_characters_and_blank_groups_are_refused(bad):
    with pytest.raises(InputError, match="resource_group"):
        scope_headers(bad, False, {})


def test_star_without_tenant_scope_is_refused():
    with pytest.raises(InputError, match="needs tenant_scope"):
        scope_headers("*", False, {})


def test_descriptions():
    assert describe({"AI-Resource-Group": "x"}) == "resource group x"
    assert describe({"AI-Tenant-Scope": "true"}) == "main tenant scope"
    assert "tenant-wide" in describe({"AI-Tenant-Scope": "true", "AI-Resource-Group": "*"})


@pytest.mark.parametrize("bad", ["team-a,*", "team a", "-team", "team/a"])
def test_only_resource_group_ids_are_sent(bad):
    with pytest.raises(InputError, match="not a resource group id"):
        scope_headers(bad, False, {})
