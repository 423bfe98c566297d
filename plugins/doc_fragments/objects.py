# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options that the modules of object store secrets, Docker registry secrets, repositories and applications share."""


class ModuleDocFragment:

    # The managing modules: aicore_object_store_secret, aicore_docker_registry_secret, aicore_repository, aicore_application.
    DOCUMENTATION = r"""
options:
  name:
    description:
      - The name of an object, or a list of names; every name gets the same settings.
      - A name that breaks the kind's naming rule (see the notes) is refused before any request is sent,
        naming the entry's index. Duplicates are handled once. A string is always one name, never split at commas.
    type: raw
    required: true
    aliases: [names]
  state:
    description:
      - V(present) creates the objects that are missing and updates the others where they differ (see C(update_mode)
        where the module has it).
      - V(absent) deletes the objects that exist; an object that does not exist is reported as V(absent).
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait until AI Core has done what the task asked for, all names of the task at once; what "done" means
        for the kind is in the notes. With O(state=absent), until each deleted object is gone.
      - Without it, the task ends once AI Core has accepted each request.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most, for all names of the task together, 1 to 86400.
      - An object that is not done by then fails, with what was last seen of it; AI Core may still finish it.
    type: int
    default: 300
  concurrency:
    description:
      - How many names are worked on (and waited for) at once, 1 to 32.
    type: int
    default: 8
attributes:
  check_mode:
    support: full
    description:
      - Only reads each object and reports what would be created, updated or deleted; nothing is written
        and nothing is waited for.
  diff_mode:
    support: full
    description:
      - Each name as V(absent), or V(present) with the fields AI Core shows. A value AI Core never shows appears only
        as V(written) (sent by this task) or V(not compared); the value itself never.
"""

    # Modules whose objects hold values AI Core never shows.
    UPDATE_MODE = r"""
options:
  update_mode:
    description:
      - When to write the values AI Core never shows (the write-only options), which a second run cannot compare.
        These objects carry no labels, so no fingerprint can stand in for them.
      - V(on_create) writes them when the object is created and never again. An existing object whose readable
        fields match is left alone and reported as V(kept), with the options that could not be compared in
        RV(ignore:objects[].not_compared); it is never reported as V(unchanged). A readable field that differs is
        updated, and the update sends the write-only values of the task too.
      - V(always) rewrites every existing object on every run and reports it as V(updated) (changed). Use it to
        rotate a value, or when the task is the only source of truth.
    type: str
    choices: [on_create, always]
    default: on_create
"""

    # The _info modules.
    INFO = r"""
options:
  name:
    description:
      - The names of the objects to return, a string or a list; names that do not exist are left out of the result.
      - When not set, every object is returned.
    type: raw
    aliases: [names]
  concurrency:
    description:
      - How many requests are sent at once, 1 to 32.
    type: int
    default: 8
"""
