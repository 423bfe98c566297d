# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: the kinds of object that ``_objects`` manages, one ``ObjectType`` each.

Each says where its objects live, how they are named, what AI Core shows of them again (and
under which field), what it never shows, and when one is ready. A managing module and its _info
module share the kind, so it lives here and not in either module.
"""

import base64
import json
import re

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import check_data_key
from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError
from ansible_collections.sap_aicore.admin.plugins.module_utils._objects import NameRule, Objects, ObjectType, check_url, status_fields
from ansible_collections.sap_aicore.admin.plugins.module_utils._outcomes import Kind, Outcome
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import InputError, check_no_control_characters, type_word

NO_SPACE = re.compile(r"[^\s\x00-\x1f\x7f]+")
SHORT_TEXT = 1024
DATA_LONGEST = 64 * 1024  # characters of one write-only value: far above any credential


def check_text(value, option, longest=SHORT_TEXT):
    """Refuse anything but a non-empty string without white space or control characters."""
    if not isinstance(value, str) or len(value) > longest or not NO_SPACE.fullmatch(value):
        raise InputError("%s: give a text of 1 to %d characters without spaces or control characters, got %s" % (option, longest, type_word(value)))
    return value


def check_credential(value, option):
    """A password or token: any characters but control characters, 1 to DATA_LONGEST of them. Never quoted."""
    if not isinstance(value, str) or not value or len(value) > DATA_LONGEST:
        raise InputError("%s: give a text of 1 to %d characters, got %s" % (option, DATA_LONGEST, type_word(value)))
    check_no_control_characters(value, option)
    return value


class ObjectStoreSecrets(ObjectType):
    """``/v2/admin/objectStoreSecrets``: where AI Core reads and writes a resource group's artifacts (S3, GCS, ...)."""

    kind = Kind("object store secret", "object_store_secrets", "name")
    collection = "/admin/objectStoreSecrets"
    scoped = True
    # A DNS subdomain, checked without nested quantifiers: the dot rules are substrings it may not hold.
    name_rule = NameRule(re.compile(r"[a-z0-9](?:[-.a-z0-9]*[a-z0-9])?"), 233,
                         "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, "
                         "with a letter or digit on each side of every '.'", never=("..", ".-", "-."), reserved_ending="-object-store-secret")
    readable = ("type", "bucket", "endpoint", "region", "path_prefix", "verify_ssl", "use_https")
    write_only = ("data",)
    # Where AI Core shows each readable option: metadata annotations; the first one present counts.
    ANNOTATIONS = {
        "type": ("storage.ai.sap.com/type",),
        "bucket": ("storage.ai.sap.com/bucket",),
        "endpoint": ("storage.ai.sap.com/endpoint", "serving.kubeflow.org/s3-endpoint"),
        "region": ("storage.ai.sap.com/region", "serving.kubeflow.org/s3-region"),
        "path_prefix": ("storage.ai.sap.com/pathPrefix",),
        "verify_ssl": ("serving.kubeflow.org/s3-verifyssl",),
        "use_https": ("serving.kubeflow.org/s3-usehttps",),
    }
    SWITCHES = ("verify_ssl", "use_https")  # booleans in the task, "1"/"0" in the API
    API_FIELDS = {"type": "type", "bucket": "bucket", "endpoint": "endpoint", "region": "region", "path_prefix": "pathPrefix",
                  "verify_ssl": "verifyssl", "use_https": "usehttps"}
    SUFFIX = "-object-store-secret"  # SAP's reference says a fetched secret may be named <name>-object-store-secret

    def wanted(self, params):
        wanted = dict((option, params[option]) for option in self.readable)
        check_text(wanted["type"], "type", 64)
        for option in ("bucket", "region", "path_prefix"):
            if wanted[option] is not None:
                check_text(wanted[option], option)
        if wanted["endpoint"] is not None:
            check_text(wanted["endpoint"], "endpoint", 2048)
        wanted["data"] = check_plain_data(params["data"])
        return wanted

    def secrets_of(self, wanted):
        return list(wanted["data"].values())

    def body(self, name, wanted, creating):
        body = {"name": name, "data": wanted["data"]}  # a PATCH, too, carries the whole secret
        for option, field in self.API_FIELDS.items():
            value = wanted[option]
            if value is not None:
                body[field] = ("1" if value else "0") if option in self.SWITCHES else value
        return body

    def shown(self, details):
        metadata = details.get("metadata")
        shown = {}
        for option, keys in (self.ANNOTATIONS.items() if isinstance(metadata, dict) else ()):
            value = next((metadata[key] for key in keys if isinstance(metadata.get(key), str)), None)
            if value is not None and option in self.SWITCHES:  # a switch AI Core shows in no known spelling is not shown
                value = {"1": True, "true": True, "0": False, "false": False}.get(value.lower())
            if value is not None:
                shown[option] = value
        return shown

    def name_of(self, details):
        name = details.get(self.name_key)
        return name[:-len(self.SUFFIX)] if isinstance(name, str) and name.endswith(self.SUFFIX) else name

    def ready(self, objects, name, wanted):
        """Visible, and (after an update, which AI Core applies later) showing the readable fields as written."""
        details = objects.get(name)
        if details is None:
            return False, None
        shown = self.shown(details)
        return all(shown[option] == wanted[option] for option in shown if wanted.get(option) is not None), details


def check_plain_data(data):
    """Object store credentials: a mapping of keys to plain (not base64) strings."""
    if not isinstance(data, dict) or not data:
        raise InputError("data: give a mapping of keys to values, such as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, got %s" % type_word(data))
    for key, value in data.items():
        check_data_key(key)  # the rule of generic secrets' keys: AI Core mounts these as files too
        check_credential(value, "data: the value of %s" % key)
    return dict(data)


class DockerRegistrySecrets(ObjectType):
    """``/v2/admin/dockerRegistrySecrets``: the credentials AI Core pulls a tenant's images with."""

    kind = Kind("Docker registry secret", "docker_registry_secrets", "name")
    collection = "/admin/dockerRegistrySecrets"
    # SAP's rule ^[a-z0-9](?:_?[a-z0-9.-]+)*[a-z0-9]$ has nested quantifiers; this is the same language without
    # them (every '_' is followed by another character), and linear.
    name_rule = NameRule(re.compile(r"[a-z0-9](?:_?[a-z0-9.-])*[a-z0-9]"), 63,
                         "lower-case letters, digits, '.', '-' and '_', starting and ending with a letter or digit, "
                         "'_' never twice in a row nor just before the last character", shortest=2)
    write_only = ("registry", "username", "password", "dockerconfigjson")
    patch_headers = {"Content-Type": "application/merge-patch+json"}  # the only type SAP's reference takes for its PATCH
    DESCRIPTIVE = ("username", "email", "serveraddress")  # the fields of a registry's entry that are no credentials
    quota = "/admin/resourceQuota/dockerRegistrySecrets"

    def wanted(self, params):
        if params["dockerconfigjson"] is not None:
            return {"dockerconfigjson": docker_config_text(params["dockerconfigjson"])}
        registry = check_text(params["registry"], "registry", 253)
        username = check_credential(params["username"], "username")
        if ":" in username:
            raise InputError("username: a Docker user name cannot hold ':', which separates it from the password in the credentials")
        return {"registry": registry, "username": username, "password": check_credential(params["password"], "password")}

    def secrets_of(self, wanted):
        """The configuration's text and every credential in it: all values of each registry's entry but the
        descriptive ones, and the password inside each ``auth`` (base64 of user:password)."""
        config = self.config(wanted)
        hidden = [config, wanted.get("password")]
        for entry in json.loads(config)["auths"].values():
            for field, value in (entry.items() if isinstance(entry, dict) else ()):
                if isinstance(value, str) and field not in self.DESCRIPTIVE:
                    hidden.append(value)
            try:
                hidden.append(base64.b64decode(entry["auth"]).decode("utf-8").partition(":")[2])
            except (KeyError, TypeError, ValueError):
                pass  # no auth, or not base64 of text: the value itself is hidden above
        return [value for value in hidden if value]

    @staticmethod
    def config(wanted):
        """The .dockerconfigjson text: as given, or built from registry, username and password as Docker writes it."""
        if "dockerconfigjson" in wanted:
            return wanted["dockerconfigjson"]
        basic = base64.b64encode(("%s:%s" % (wanted["username"], wanted["password"])).encode("utf-8")).decode("ascii")
        return json.dumps({"auths": {wanted["registry"]: {"username": wanted["username"], "password": wanted["password"], "auth": basic}}},
                          sort_keys=True, separators=(",", ":"))

    def body(self, name, wanted, creating):
        data = {"data": {".dockerconfigjson": self.config(wanted)}}
        return dict(data, name=name) if creating else data


def docker_config_text(config):
    """A ready .dockerconfigjson, as a mapping or as its JSON text, with an ``auths`` mapping; its text."""
    if isinstance(config, str):
        if len(config) > DATA_LONGEST:
            raise InputError("dockerconfigjson: at most %d characters" % DATA_LONGEST)
        try:
            config = json.loads(config)
        except (ValueError, RecursionError):
            raise InputError("dockerconfigjson: not JSON; give the text of a .dockerconfigjson file, or a mapping") from None
    if not isinstance(config, dict) or not isinstance(config.get("auths"), dict) or not config["auths"]:
        raise InputError("dockerconfigjson: give a mapping (or its JSON text) with an 'auths' mapping of registries, as in ~/.docker/config.json")
    return json.dumps(config, sort_keys=True, separators=(",", ":"))


class Repositories(ObjectType):
    """``/v2/admin/repositories``: the Git repositories AI Core reads applications' templates from."""

    kind = Kind("repository", "repositories", "name", plural="repositories")
    collection = "/admin/repositories"
    name_rule = NameRule(re.compile(r"[a-z0-9-]+"), 51, "lower-case letters, digits and '-'")
    readable = ("url",)
    write_only = ("password",)
    quota = "/admin/resourceQuota/repositories"
    COMPLETED, ERROR = "COMPLETED", "ERROR"

    def wanted(self, params):
        return {"url": check_url(params["url"], "url"), "username": check_credential(params["username"], "username"),
                "password": check_credential(params["password"], "password")}

    def body(self, name, wanted, creating):
        credentials = {"username": wanted["username"], "password": wanted["password"]}  # all a PATCH can change
        return dict(credentials, name=name, url=wanted["url"]) if creating else credentials

    def refuse_update(self, name, differing):
        if "url" in differing:
            return AICoreError("repository %s has another URL, and AI Core cannot change a repository's URL: "
                               "offboard it (state: absent) and onboard it anew" % name)
        return None

    def status(self, objects, name, details):
        return {"status": details.get("status")}

    def ready(self, objects, name, wanted):
        details = objects.get(name)
        status = (details or {}).get("status")
        if status == self.ERROR:
            reason = objects.client.quote(details.get("message")) or "AI Core gives no reason: check the URL, the user name and the password"
            raise AICoreError("repository %s is in status ERROR: %s" % (name, reason))
        return status == self.COMPLETED, details

    def described(self, objects, details):
        return {"name": details["name"], "url": details.get("url"), "status": details.get("status")}


class Applications(ObjectType):
    """``/v2/admin/applications``: what AI Core syncs from a repository's path (ArgoCD applications)."""

    kind = Kind("application", "applications", "name")
    collection = "/admin/applications"
    name_key = "applicationName"
    name_rule = NameRule(re.compile(r"[a-z0-9-]+"), 54, "lower-case letters, digits and '-'", shortest=3)
    readable = ("repository_url", "revision", "path")
    quota = "/admin/resourceQuota/applications"
    API_FIELDS = {"repository_url": "repositoryUrl", "revision": "revision", "path": "path"}
    SYNCED, HEALTHY = "Synced", "Healthy"
    FAILED_HEALTH = ("Degraded", "Missing")
    SOURCE_FIELDS = (("repoURL", "repository_url"), ("revision", "revision"), ("path", "path"))  # the status's source, and the option it shows

    def __init__(self):
        self.refresh = False
        self.by_repository_name = None
        self.marks_before_write = {}  # name -> the sync marks its status showed before this task wrote to it
        self.moved = set()            # names whose status has shown a sync since this task's write

    def wanted(self, params):
        self.refresh = params["refresh"]
        self.by_repository_name = params["repository_name"]
        if self.by_repository_name is not None:
            Repositories.name_rule.check("repository", self.by_repository_name, "repository_name")
        url = None if params["repository_url"] is None else check_url(params["repository_url"], "repository_url")
        return {"repository_url": url, "revision": check_text(params["revision"], "revision", 255),
                "path": check_text(params["path"], "path", 1024)}

    def complete(self, objects, wanted, check_mode):
        """With repository_name, the repository's URL: what AI Core shows of the application, so what is compared.

        In check mode the repository may be one an earlier task of the play would have onboarded: then
        the URL is unknown, and the repository is reported as not compared instead of failing."""
        if self.by_repository_name is None:
            return wanted
        repository = Objects(objects.client, Repositories()).get(self.by_repository_name)
        if repository is not None and repository.get("url"):
            return dict(wanted, repository_url=repository["url"])
        if check_mode:
            return dict(wanted, repository_name=self.by_repository_name)
        raise AICoreError("repository_name: repository %s is not onboarded (or shows no URL); onboard it with "
                          "sap_aicore.admin.aicore_repository first" % self.by_repository_name)

    def shown(self, details):
        return dict((option, details[field]) for option, field in self.API_FIELDS.items() if field in details)

    def body(self, name, wanted, creating):
        body = dict((field, wanted[option]) for option, field in self.API_FIELDS.items())
        if creating:
            body["applicationName"] = name
            if self.by_repository_name is not None:  # as the task named it; AI Core resolves it
                del body["repositoryUrl"]
                body["repositoryName"] = self.by_repository_name
        return body

    def status(self, objects, name, details):
        if "syncStatus" not in details and "healthStatus" not in details:
            return {}  # the application's own details: its status is read only when waited for
        return {"sync_status": details.get("syncStatus"), "health_status": details.get("healthStatus"),
                "status_message": details.get("message")}

    def before_write(self, objects, name, details):
        status = objects.get(name, ("status",)) or {}
        self.marks_before_write[name] = self.sync_marks(status)

    def follow_up(self, objects, name, outcome, check_mode):
        """With refresh, ask AI Core to sync an application the task did not otherwise change."""
        if not self.refresh or outcome.action not in ("unchanged", "kept"):
            return outcome
        if not check_mode:
            self.before_write(objects, name, None)
            objects.post(name, "refresh")
        return Outcome("refreshed", outcome.before, outcome.after, outcome.fields)

    @staticmethod
    def sync_marks(status):
        """What moves when AI Core looks at an application again: when its last sync ended, when it last compared."""
        return status.get("syncFinishedAt"), status.get("reconciledAt")

    def ready(self, objects, name, wanted):
        """Synced from the source the task gave and healthy, judged only on a status that AI Core wrote after
        this task's write; a sync that ends Degraded or Missing fails, with AI Core's message."""
        status = objects.get(name, ("status",))
        if status is None:
            return False, None
        before = self.marks_before_write.get(name)
        # A created application has no earlier status; an application whose status carries no marks cannot show
        # that it moved, so its status is taken as it comes.
        if before is None or before == (None, None) or status.get("syncStatus") != self.SYNCED or self.sync_marks(status) != before:
            self.moved.add(name)
        source = status.get("source") if isinstance(status.get("source"), dict) else {}
        from_wanted = all(source.get(key) in (None, wanted[option]) for key, option in self.SOURCE_FIELDS)
        if name not in self.moved or not from_wanted or status.get("syncStatus") != self.SYNCED:
            return False, status
        if status.get("healthStatus") in self.FAILED_HEALTH:
            raise AICoreError("application %s is %s after its sync: %s" % (
                name, status["healthStatus"], objects.client.quote(status.get("message")) or "AI Core gives no message"))
        return status.get("healthStatus") == self.HEALTHY, status

    def described(self, objects, details):
        described = dict(self.shown(details), name=details[self.name_key])
        described.update(status_fields(objects, described["name"], objects.get(described["name"], ("status",)) or {}))
        return described
