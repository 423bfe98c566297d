#!/usr/bin/env bash
# Create or refresh a virtual environment from a pinned requirements file.
# Usage: ensure_venv.sh VENV_DIR PYTHON REQUIREMENTS_FILE
#
# VENV_DIR/.requirements.sha256 records what the venv was built from:
#   - no venv:                      create it and install the requirements;
#   - venv, same requirements:      nothing to do;
#   - venv, other requirements:     delete it and build it again (nothing stale survives);
#   - venv without a record (made by hand): install the requirements into it and record them.
set -euo pipefail
venv=$1 python=$2 requirements=$3
stamp=$venv/.requirements.sha256
want="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
    exit 0
fi
if [ -f "$stamp" ]; then
    echo "$requirements changed since $venv was built: rebuilding $venv"
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv with $python"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
echo "$want" > "$stamp"
echo "$venv is ready ($requirements)"
