#!/usr/bin/env bash
# The collection's docs site and its checks, with the tools pinned in tests/requirements-docs.txt.
#
#   tests/docs/docs.sh build   build the HTML site into build/docs/site/build/html (`make docs`)
#   tests/docs/docs.sh lint    antsibull-docs lint-collection-docs --plugin-docs on this checkout
#   tests/docs/docs.sh site    build, then open every page in headless Chromium (tests/docs/test_site.py)
#
# `build` and `site` document the installed copy, build/collections (`make install` first).
# Each command creates or refreshes .venv-docs (Python 3.13) through tests/tools/ensure_venv.sh;
# `site` installs Debian's chromium package with apt-get when no chromium is on PATH.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

venv=.venv-docs
python313=${PYTHON313:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/3.13.0/bin/python3}
tests/tools/ensure_venv.sh "$venv" "$python313" tests/requirements-docs.txt
# antsibull-docs runs ansible-doc and sphinx-build from PATH: the venv's own.
export PATH="$root/$venv/bin:$PATH"
unset VIRTUAL_ENV

ensure_chromium() {
    if command -v chromium >/dev/null; then
        return 0
    fi
    echo "no chromium on PATH: installing Debian's chromium package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

case ${1:-} in
build)
    "$venv/bin/python" tests/docs/build_site.py
    ;;
lint)
    antsibull-docs lint-collection-docs --plugin-docs .
    echo "antsibull-docs lint-collection-docs --plugin-docs: clean"
    ;;
site)
    "$venv/bin/python" tests/docs/build_site.py
    ensure_chromium
    "$venv/bin/python" -m pytest -p no:cacheprovider -q tests/docs/test_site.py
    ;;
*)
    echo "usage: $0 build|lint|site" >&2
    exit 2
    ;;
esac
