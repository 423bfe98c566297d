# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request to the AI Core emulator's control API (``/_emulator/...``), sent from the controller.

The integration targets steer the emulator hundreds of times per pass (reset, set up, read the
request log, read the stores). As ``ansible.builtin.uri`` tasks, every call started a module
process (AnsiballZ payload, a Python start, the imports of uri) and a ``set_fact`` task followed
to keep the answer. This action sends the request from the controller process and, with
``facts``, returns the facts in the same task.

Options:
  path         the endpoint below the control URL, e.g. ``log``, ``setup``, ``store?scope=tenant``
  method       GET (default), POST or DELETE
  body         the JSON body of a POST
  facts        what to keep as facts from the answer (see FACTS below); none by default
  control_url  default: the variable aicore_control_url (set by the role's main.yml)

The answer is in the result as ``json`` (as uri returns it), so ``register`` works as before.
An answer other than 200 fails the task with its status and body.
"""

import json

from ansible.errors import AnsibleActionFail
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase

try:  # ansible-core 2.19 and later: facts at set_fact's precedence, without the top-level fact deprecation
    from ansible.plugins.action import VariableLayer
except ImportError:  # ansible-core 2.18: facts that an action returns become host facts
    VariableLayer = None

# Generous: the emulator answers in milliseconds; a hang should still end the task, not the pass.
CONTROL_TIMEOUT_SECONDS = 30

ARGUMENT_SPEC = dict(
    path=dict(type='str', required=True),
    method=dict(type='str', default='GET', choices=['GET', 'POST', 'DELETE']),
    body=dict(type='raw'),
    facts=dict(type='str', choices=['log', 'stores', 'state']),
    control_url=dict(type='str'),
)


def log_facts(requests):
    """The request log, whole and split the ways the targets ask about it."""
    return dict(
        aicore_log=requests,
        aicore_api_log=[record for record in requests if record.get('endpoint') == 'api'],
        aicore_token_log=[record for record in requests if record.get('endpoint') == 'token'],
        # the API requests split by what they address: secrets, or resource groups (the proof of a scope, issue 9)
        aicore_secrets_log=[record for record in requests if str(record.get('path', '')).startswith('/v2/admin/secrets')],
        aicore_proof_log=[record for record in requests if str(record.get('path', '')).startswith('/v2/admin/resourceGroups')],
    )


def stores_fact(stores):
    """scope -> its stored names, sorted (the answer of GET /store lists them in store order)."""
    return dict(aicore_stores={scope: sorted(names) for scope, names in stores.items()})


# The other admin kinds in the state answer: each a list of objects, never with a write-only value.
ADMIN_KINDS = ('object_store_secrets', 'docker_registry_secrets', 'repositories', 'applications')


def admin_objects_fact(answer):
    """kind -> the emulator's objects of it (tests/emulator/README.md, "Other admin objects")."""
    return dict(aicore_admin_objects={kind: answer.get(kind, []) for kind in ADMIN_KINDS})


# facts option -> the facts it sets from the answer
FACTS = {
    'log': lambda answer: log_facts(answer['requests']),
    'stores': stores_fact,
    'state': lambda answer: dict(log_facts(answer['requests']), **stores_fact(answer['stores']), **admin_objects_fact(answer)),
}


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    # It steers the test fixture, not the host: it acts in check mode too (a uri task was skipped there).
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        _spec, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        control_url = args['control_url'] or task_vars.get('aicore_control_url')
        if not control_url:
            raise AnsibleActionFail('no control_url given and aicore_control_url is not defined (include the role setup_aicore_emulator first)')
        answer = self._request(control_url.rstrip('/') + '/' + args['path'].lstrip('/'), args['method'], args['body'])
        result.update(changed=False, status=200, json=answer)
        if args['facts']:
            self._keep_facts(result, FACTS[args['facts']](answer))
        return result

    @staticmethod
    def _request(url, method, body):
        data = None if body is None else json.dumps(body).encode('utf-8')
        headers = {'Content-Type': 'application/json'} if data is not None else {}
        try:
            with open_url(url, method=method, data=data, headers=headers, timeout=CONTROL_TIMEOUT_SECONDS) as response:
                return json.loads(response.read())
        except HTTPError as error:
            raise AnsibleActionFail('%s %s answered %d: %s' % (method, url, error.code, error.read().decode('utf-8', 'replace')))
        except URLError as error:
            raise AnsibleActionFail('%s %s failed: %s' % (method, url, error.reason))

    def _keep_facts(self, result, facts):
        if VariableLayer is None:
            result['ansible_facts'] = facts
            return
        # as set_fact does it: no cacheable facts, the values at the layer of set_fact's
        self.register_host_variables({}, VariableLayer.CACHEABLE_FACT)
        self.register_host_variables(facts, VariableLayer.EPHEMERAL_FACT)
        result['ansible_facts'] = facts
