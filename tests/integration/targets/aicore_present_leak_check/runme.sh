#!/usr/bin/env bash
# Leak check of state=present: run playbooks that create, update, leave unchanged, run in
# check mode and fail, at -vvvv --diff; keep every byte they print, then search it for the
# secret data, its base64, the fingerprint labels, the client secret and every issued token.
# ansible-test calls this as `runme.sh [-v...]`; the playbooks always run at -vvvv.
# Never `set -x` here: it would print the credentials this script handles.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config=$(cd "${here}/../.." && pwd)/integration_config.yml
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
out=${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/present_leak_check
inventory=${INVENTORY_PATH:?INVENTORY_PATH is set by ansible-test}

if [ ! -f "${config}" ]; then
    echo "present leak check: ${config} is missing; run under tests/emulator/with_emulator.py --integration-config" >&2
    exit 1
fi

rm -rf "${out}"
mkdir -p "${out}"
# ansible-core 2.19+ leaves the module's arguments ("invocation") out of results unless asked;
# ask, so the scanned output holds every option as the module masked it (2.18 always shows it).
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_INJECT_INVOCATION=true

# run NAME EXPECTED_STATUS PLAYBOOK [ARGS...]: one scanned run, all output in ${out}/NAME.log
run() {
    local name=$1 expected=$2 playbook=$3 status=0
    shift 3
    ansible-playbook -i "${inventory}" -e "@${config}" -vvvv --diff "${here}/${playbook}" "$@" \
        >"${out}/${name}.log" 2>&1 || status=$?
    if [ "${status}" != "${expected}" ]; then
        echo "present leak check: run ${name} ended with status ${status}, expected ${expected}; its output:" >&2
        tail -n 60 "${out}/${name}.log" >&2
        exit 1
    fi
    echo "present leak check: run ${name}: status ${status} as expected, $(wc -l <"${out}/${name}.log") lines captured"
}

# Not scanned: set-up only.
ansible-playbook -i "${inventory}" -e "@${config}" "${here}/seed.yml" >"${out}/seed.out" 2>&1 || {
    cat "${out}/seed.out" >&2
    exit 1
}

run create_check 0 create.yml --check
run create 0 create.yml
run create_unchanged 0 create.yml -e leak_again=true
run update_check 0 update.yml --check
run update 0 update.yml
run update_unchanged 0 update.yml -e leak_again=true
run failures 0 failures.yml
run hard_refusal 2 hard_refusal.yml
run hard_server 2 hard_server.yml

# The positive control: this run prints the needles on purpose.
run canary 0 canary.yml

"${python}" "${here}/scan_output.py" --config "${config}" --vars "${here}/leak_vars.yml" --canary "${out}/canary.log" "${out}"/*.log
