#!/usr/bin/env bash
# The sap-sdk gate of `make test`: SAP's Python SDK (sap-ai-sdk-core) against the local emulator.
# Creates or refreshes .venv-sdk (Python 3.13, tests/requirements-sdk.txt) through ensure_venv.sh,
# then runs tests/sdk with it. The emulator runs in the test process on 127.0.0.1 (plain HTTP).
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
python313=${PYTHON313:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/3.13.0/bin/python3}
tests/tools/ensure_venv.sh .venv-sdk "$python313" tests/requirements-sdk.txt
unset VIRTUAL_ENV
exec .venv-sdk/bin/python -m pytest -q -p no:cacheprovider tests/sdk "$@"
