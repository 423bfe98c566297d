# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's ``main()`` in this process, the way Ansible runs it, and return its result.

The task's arguments go in as Ansible hands them over; ``exit_json``/``fail_json`` run for real,
so the result is what the controller would receive: no_log values and the secrets the client
reports are already masked. A module that crashes raises here, which fails the test.
"""

import json
from contextlib import contextmanager

import pytest

from ansible.module_utils import basic

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.18 reads the arguments from basic._ANSIBLE_ARGS
    patch_module_args = None


@contextmanager
def module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")  # pylint: disable=protected-access
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access


def run_module(module, args, capsys, check_mode=False, no_log=False):
    """The result dict of one run of ``module`` (a module object with ``main``) with task arguments ``args``.

    ``check_mode``/``no_log`` are the task keywords. ``failed`` is True in the result when the
    module called ``fail_json``.
    """
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if no_log:
        args["_ansible_no_log"] = True
    capsys.readouterr()  # drop anything printed before
    with module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    result = json.loads(capsys.readouterr().out)
    result.setdefault("failed", False)
    return result


def connection(aicore, **options):
    """The emulator's connection options, as a task gives them, plus ``options``; fail fast by default."""
    args = dict(api_url=aicore.url, auth_url=aicore.auth_url, client_id=aicore.client_id, client_secret=aicore.client_secret,
                timeout=10)
    args.update(options)
    return args
