#!/usr/bin/env bash
# The workflows gate of `make test`: lint .github/workflows/*.yml without network.
#   1. check-jsonschema against the GitHub workflow schema it ships (keys, types, event names);
#   2. zizmor's offline audits (template injection, persisted credentials, permissions, unpinned actions).
# Creates or refreshes .venv-workflows (Python 3.13, tests/requirements-workflows.txt) through ensure_venv.sh.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
python313=${PYTHON313:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/3.13.0/bin/python3}
tests/tools/ensure_venv.sh .venv-workflows "$python313" tests/requirements-workflows.txt
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
    echo "no workflow files in .github/workflows" >&2
    exit 1
fi
.venv-workflows/bin/check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
.venv-workflows/bin/zizmor --offline --no-progress "${workflows[@]}"
echo "workflows: ${workflows[*]} pass check-jsonschema and zizmor"
