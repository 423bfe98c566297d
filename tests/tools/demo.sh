#!/usr/bin/env bash
# `make demo`: run examples/cleanup_demo.yml twice against the local AI Core emulator.
#
# The emulator (tests/emulator/with_emulator.py) starts on 127.0.0.1 seeded with
# examples/demo_seed.json, exports AICORE_EMULATOR_* for the playbook, runs this
# script again inside it, and stops afterwards. The first run must delete the
# stale secrets (changed=1), the second must find nothing to do (changed=0).
# Expects `make install` to have put the collection in build/collections.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ -z "${AICORE_EMULATOR_URL:-}" ]; then
    exec .venv/bin/python tests/emulator/with_emulator.py --seed examples/demo_seed.json -- "$0"
fi

# Use the collection as a user installed it, and nothing from ~/.ansible.
export ANSIBLE_COLLECTIONS_PATH=$root/build/collections
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
log=$root/tests/output/demo
mkdir -p "$log"

run() {  # run N EXPECTED_CHANGED
    echo "=== run $1 of examples/cleanup_demo.yml (expect changed=$2)"
    .venv/bin/ansible-playbook examples/cleanup_demo.yml | tee "$log/run$1.txt"
    local recap
    recap=$(grep -E '^localhost +: ' "$log/run$1.txt")
    if [[ $recap != *" changed=$2 "* ]]; then
        echo "demo: run $1 expected changed=$2, got: $recap" >&2
        return 1
    fi
}

run 1 1
run 2 0
echo "demo: the first run deleted the stale secrets, the second had nothing left to do"
