"""Offline stand-in for the get-pip.py that ansible-test downloads.

ansible-test creates its sanity-test virtual environments without pip, then
bootstraps pip by running a get-pip.py fetched from ci-files.testing.ansible.com
(cached as ~/.ansible/test/cache/get_pip_<version>.py).  That host is not a
package registry and is unreachable here, so tests/tools/prepare_ansible_test.sh
puts this file in that cache instead.

ansible-test runs it as ``python get_pip_X_Y.py --disable-pip-version-check
pip==X.Y --no-setuptools --no-wheel`` inside the new venv.  We bootstrap the
pip wheel bundled with CPython (ensurepip: no network), then let that pip
install the exact pip release ansible-test asked for from the package index.
"""

import subprocess
import sys


def main():
    # In a child process: ensurepip.bootstrap() sets PIP_CONFIG_FILE=/dev/null in
    # its own environment, which would hide the machine's pip configuration (index,
    # certificates) from the pip we run next.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    # get-pip.py understands these two flags; plain pip install does not.
    unwanted = [flag[len('--no-'):] for flag in ('--no-setuptools', '--no-wheel') if flag in sys.argv]
    args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
    status = subprocess.call([sys.executable, '-m', 'pip', 'install', '--upgrade', '--force-reinstall'] + args)
    if status == 0 and unwanted:
        # Older ensurepip (Python 3.11) also brings setuptools: keep the venv as bare as get-pip.py would.
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet'] + unwanted,
                        stderr=subprocess.DEVNULL)
    sys.exit(status)


if __name__ == '__main__':
    main()
