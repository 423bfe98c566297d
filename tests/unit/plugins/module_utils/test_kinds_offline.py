# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four kinds of _kinds without a server: name rules (also against SAP's own patterns), input checks,
the bodies sent, what is read back from AI Core's answers, and the diff views of _objects."""

import base64
import itertools
import json
import re
import time

import pytest

from ansible_collections.sap_aicore.admin.plugins.module_utils._kinds import (
    Applications, DockerRegistrySecrets, ObjectStoreSecrets, Repositories, docker_config_text)
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import NOT_COMPARED, WRITTEN, Objects, check_url, view
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError

# SAP's patterns from its API reference (AI_CORE_API 2.42), as documented: the rules the linear ones must equal.
SAP_OBJECT_STORE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
SAP_DOCKER_NAME = re.compile(r"^[a-z0-9](?:_?[a-z0-9\.\-]+)*[a-z0-9]$")
SAP_SIMPLE_NAME = re.compile(r"^[a-z0-9\-]+$")


def accepts(kind, name):
    try:
        kind.name_rule.check(kind.kind.noun, name)
        return True
    except InputError:
        return False


def every_short_name(alphabet, longest):
    for length in range(1, longest + 1):
        for letters in itertools.product(alphabet, repeat=length):
            yield "".join(letters)


def test_the_object_store_rule_accepts_exactly_sap_s_names_up_to_five_characters():
    for name in every_short_name("a1-.", 5):
        assert accepts(ObjectStoreSecrets, name) == bool(SAP_OBJECT_STORE_NAME.fullmatch(name)), name


def test_the_docker_rule_accepts_exactly_sap_s_names_up_to_six_characters():
    for name in every_short_name("a1._-", 6):
        assert accepts(DockerRegistrySecrets, name) == bool(SAP_DOCKER_NAME.fullmatch(name)), name


@pytest.mark.parametrize("kind, longest, shortest", [(Repositories, 51, 1), (Applications, 54, 3)])
def test_repository_and_application_names_follow_sap_s_pattern_and_lengths(kind, longest, shortest):
    for name in every_short_name("a-_A", 3):
        assert accepts(kind, name) == (bool(SAP_SIMPLE_NAME.fullmatch(name)) and len(name) >= shortest), name
    assert accepts(kind, "a" * longest) and not accepts(kind, "a" * (longest + 1))


@pytest.mark.parametrize("kind", [ObjectStoreSecrets, DockerRegistrySecrets, Repositories, Applications])
@pytest.mark.parametrize("hostile", ["a" * 100000 + "!", "a-" * 50000 + "-", "a_" * 50000 + "_", "a." * 50000 + ".", "name\n"])
def test_hostile_names_are_refused_at_once_naming_the_option(kind, hostile):
    started = time.monotonic()
    with pytest.raises(InputError, match="^name: "):
        kind.name_rule.check(kind.kind.noun, hostile, "name")
    assert time.monotonic() - started < 1  # a bound that proves linearity, not a benchmark


@pytest.mark.parametrize("url", ["https://github.com/example/repo", "http://git.example.com:8080/a/b.git"])
def test_http_urls_pass(url):
    assert check_url(url, "url") == url


@pytest.mark.parametrize("url", ["github.com/example/repo", "https://", "https://host/with space", "https://host/\n", "ftp://host/x",
                                 "https://" + "a" * 3000, 42, None])
def test_other_urls_are_refused_naming_the_option(url):
    with pytest.raises(InputError, match="^repository_url: "):
        check_url(url, "repository_url")


def test_object_store_body_carries_switches_as_1_and_0_and_the_whole_secret_on_update_too():
    wanted = ObjectStoreSecrets().wanted(dict(type="S3", bucket="b", endpoint="s3.example.com", region=None, path_prefix="p",
                                              verify_ssl=False, use_https=True, data={"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}))
    for creating in (True, False):
        body = ObjectStoreSecrets().body("store", wanted, creating)
        assert body == {"name": "store", "type": "S3", "bucket": "b", "endpoint": "s3.example.com", "pathPrefix": "p", "verifyssl": "0",
                        "usehttps": "1", "data": {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}}
    assert sorted(ObjectStoreSecrets().secrets_of(wanted)) == ["k", "s"]


@pytest.mark.parametrize("data, says", [("key=value", "give a mapping"), ({}, "give a mapping"), ({"..": "x"}, "key '..' is not allowed"),
                                        ({"KEY": 1}, "the value of KEY"), ({"KEY": "a\nb"}, "control characters")])
def test_object_store_data_must_be_a_mapping_of_keys_to_texts(data, says):
    with pytest.raises(InputError, match="^data: ") as refused:
        ObjectStoreSecrets().wanted(dict(type="S3", bucket=None, endpoint=None, region=None, path_prefix=None, verify_ssl=None, use_https=None, data=data))
    assert says in str(refused.value)


def test_object_store_fields_are_read_from_either_annotation_and_switches_become_booleans():
    details = {"name": "store-object-store-secret", "metadata": {
        "storage.ai.sap.com/type": "S3", "serving.kubeflow.org/s3-endpoint": "s3.example.com", "storage.ai.sap.com/region": "eu",
        "serving.kubeflow.org/s3-verifyssl": "0", "serving.kubeflow.org/s3-usehttps": "1", "other": "x"}}
    assert ObjectStoreSecrets().shown(details) == {"type": "S3", "endpoint": "s3.example.com", "region": "eu", "verify_ssl": False, "use_https": True}
    assert ObjectStoreSecrets().name_of(details) == "store"
    assert ObjectStoreSecrets().shown({"name": "store"}) == {}  # no metadata: nothing can be compared


def test_docker_config_is_built_as_docker_writes_it_and_every_secret_part_is_hidden():
    kind = DockerRegistrySecrets()
    wanted = kind.wanted(dict(registry="registry.example.com", username="bot", password="pa:ss", dockerconfigjson=None))
    config = json.loads(kind.body("pull", wanted, creating=True)["data"][".dockerconfigjson"])
    entry = config["auths"]["registry.example.com"]
    assert entry == {"username": "bot", "password": "pa:ss", "auth": base64.b64encode(b"bot:pa:ss").decode()}
    hidden = kind.secrets_of(wanted)
    assert "pa:ss" in hidden and entry["auth"] in hidden and kind.config(wanted) in hidden
    assert kind.body("pull", wanted, creating=False) == {"data": {".dockerconfigjson": kind.config(wanted)}}


def test_a_ready_docker_config_is_taken_as_text_or_mapping_and_its_tokens_are_hidden():
    ready = {"auths": {"ghcr.io": {"auth": "dXNlcjp0b2tlbg==", "identitytoken": "tok"}}}
    kind = DockerRegistrySecrets()
    for given in (ready, json.dumps(ready)):
        wanted = kind.wanted(dict(registry=None, username=None, password=None, dockerconfigjson=given))
        assert json.loads(kind.config(wanted)) == ready
        assert {"dXNlcjp0b2tlbg==", "tok"} <= set(kind.secrets_of(wanted))


@pytest.mark.parametrize("given, says", [("{not json", "not JSON"), ({"auth": {}}, "'auths' mapping"), ("[]", "'auths' mapping"),
                                         ({"auths": {}}, "'auths' mapping")])
def test_a_ready_docker_config_without_auths_is_refused_without_quoting_it(given, says):
    with pytest.raises(InputError, match="^dockerconfigjson: ") as refused:
        docker_config_text(given)
    assert says in str(refused.value) and "not json" not in str(refused.value)


def test_a_docker_user_name_with_a_colon_is_refused():
    with pytest.raises(InputError, match="^username: .* ':'"):
        DockerRegistrySecrets().wanted(dict(registry="r.example.com", username="a:b", password="p", dockerconfigjson=None))


def test_a_repository_update_sends_only_the_credentials_and_a_new_url_is_refused():
    kind = Repositories()
    wanted = kind.wanted(dict(url="https://github.com/example/repo", username="bot", password="token"))
    assert kind.body("repo", wanted, creating=True) == {"name": "repo", "url": "https://github.com/example/repo", "username": "bot", "password": "token"}
    assert kind.body("repo", wanted, creating=False) == {"username": "bot", "password": "token"}
    assert "cannot change a repository's URL" in str(kind.refuse_update("repo", ["url"]))
    assert kind.refuse_update("repo", []) is None


def test_an_application_by_repository_name_is_created_by_that_name_and_compared_by_url():
    kind = Applications()
    wanted = kind.wanted(dict(repository_url=None, repository_name="pipelines", revision="main", path="workflows", refresh=False))
    wanted["repository_url"] = "https://github.com/example/repo"  # what complete() reads from the repository
    assert kind.body("app", wanted, creating=True) == {"applicationName": "app", "repositoryName": "pipelines", "revision": "main", "path": "workflows"}
    assert kind.body("app", wanted, creating=False) == {"repositoryUrl": "https://github.com/example/repo", "revision": "main", "path": "workflows"}
    assert kind.shown({"repositoryUrl": "u", "revision": "r", "path": "p", "applicationName": "app"}) == {"repository_url": "u", "revision": "r", "path": "p"}


def test_diff_views_show_readable_values_and_only_words_for_the_rest():
    kind = Repositories()
    wanted = {"url": "https://github.com/example/repo", "username": "bot", "password": "token"}
    assert view(kind, wanted, WRITTEN) == {"state": "present", "url": "https://github.com/example/repo", "username": WRITTEN, "password": WRITTEN}
    kept = view(kind, {"url": "https://github.com/example/repo", "username": None, "password": None}, NOT_COMPARED)
    assert kept == {"state": "present", "url": "https://github.com/example/repo", "username": NOT_COMPARED, "password": NOT_COMPARED}
    assert "token" not in json.dumps(view(kind, wanted, WRITTEN))


@pytest.mark.parametrize("url", ["https://oauth2:token@gitlab.com/x.git", "https://user@github.com/x"])
def test_a_url_with_credentials_is_refused_pointing_to_username_and_password(url):
    with pytest.raises(InputError, match="username and password") as refused:
        check_url(url, "url")
    assert "token" not in str(refused.value)


def test_an_object_store_name_may_not_end_in_the_suffix_ai_core_may_add():
    assert not accepts(ObjectStoreSecrets, "ci-1041-object-store-secret")
    assert accepts(ObjectStoreSecrets, "ci-1041-object-store")


def test_every_credential_of_a_ready_docker_config_is_hidden_also_inside_auth():
    ready = {"auths": {"r.example.com": {"auth": base64.b64encode(b"bot:inner-password").decode(), "registrytoken": "reg-token",
                                         "username": "bot", "email": "bot@example.com"}}}
    kind = DockerRegistrySecrets()
    hidden = kind.secrets_of(kind.wanted(dict(registry=None, username=None, password=None, dockerconfigjson=ready)))
    assert {"inner-password", "reg-token"} <= set(hidden)
    assert "bot" not in hidden and "bot@example.com" not in hidden  # descriptive: hiding them would blank words everywhere


def test_a_deeply_nested_docker_config_is_refused_not_a_traceback():
    with pytest.raises(InputError, match="^dockerconfigjson: not JSON"):
        docker_config_text("[" * 60000)


def test_object_store_switches_in_an_unknown_spelling_are_not_shown():
    assert ObjectStoreSecrets().shown({"metadata": {"serving.kubeflow.org/s3-usehttps": "maybe"}}) == {}


def test_a_listed_name_outside_the_module_rule_is_addressed_but_a_dot_segment_never():
    """AI Core's own rule for application names in paths (up to 63) is looser than the create's (54)."""
    endpoints = Objects(None, Applications())
    assert endpoints.path("a" * 60, "status") == "/admin/applications/%s/status" % ("a" * 60)
    for segment in (".", ".."):
        with pytest.raises(AICoreError, match="path segment"):
            endpoints.path(segment)
