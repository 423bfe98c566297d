#!/usr/bin/env bash
# Seed ansible-test's pip bootstrap cache with the offline stand-in for get-pip.py
# (see get_pip_offline.py) for the pip version that the given ansible-test uses.
# Usage: prepare_ansible_test.sh VENV_PYTHON [TARGET_PYTHON_VERSION]
# TARGET_PYTHON_VERSION (e.g. 3.8): the Python of ansible-test's --venv when it is not VENV_PYTHON's own
# (ansible-test asks for another pip release on older Pythons).
set -euo pipefail
python=$1
export TARGET_PYTHON_VERSION=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
version=$("$python" - <<'PY'
from ansible_test._internal.python_requirements import get_venv_packages
import os, sys
class P:  # only .version is read
    version = os.environ['TARGET_PYTHON_VERSION'] or '%d.%d' % sys.version_info[:2]
print(get_venv_packages(P())['pip'])
PY
)
cache=${HOME}/.ansible/test/cache/get_pip_${version//./_}.py
mkdir -p "$(dirname "$cache")"
# A real get-pip.py someone downloaded is left alone; ours is refreshed.
if [ ! -e "$cache" ] || { grep -q 'Offline stand-in' "$cache" && ! cmp -s "$here/get_pip_offline.py" "$cache"; }; then
    cp "$here/get_pip_offline.py" "$cache"
    echo "prepared $cache (offline pip bootstrap for ansible-test)"
fi
