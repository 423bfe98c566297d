#!/usr/bin/env bash
# Leak check: run playbooks at -vvvv --diff, keep every byte they print, then search it for
# the client secret, every token the emulator issued, wrong secrets and secret data.
# ansible-test calls this as `runme.sh [-v...]`; the playbooks always run at -vvvv.
# Never `set -x` here: it would print the credentials this script handles.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config=$(cd "${here}/../.." && pwd)/integration_config.yml
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
out=${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/leak_check
inventory=${INVENTORY_PATH:?INVENTORY_PATH is set by ansible-test}

if [ ! -f "${config}" ]; then
    echo "leak check: ${config} is missing; run under tests/emulator/with_emulator.py --integration-config" >&2
    exit 1
fi

rm -rf "${out}"
mkdir -p "${out}"
# ansible-core 2.19+ leaves the module's arguments ("invocation") out of results unless asked;
# ask, so the scanned output holds every option as the module masked it (2.18 always shows it).
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_INJECT_INVOCATION=true OUTPUT_DIR

# run NAME EXPECTED_STATUS PLAYBOOK [ARGS...]: one scanned run, all output in ${out}/NAME.log
run() {
    local name=$1 expected=$2 playbook=$3 status=0
    shift 3
    ansible-playbook -i "${inventory}" -e "@${config}" -vvvv --diff "${here}/${playbook}" "$@" \
        >"${out}/${name}.log" 2>&1 || status=$?
    if [ "${status}" != "${expected}" ]; then
        echo "leak check: run ${name} ended with status ${status}, expected ${expected}; its output:" >&2
        tail -n 60 "${out}/${name}.log" >&2
        exit 1
    fi
    echo "leak check: run ${name}: status ${status} as expected, $(wc -l <"${out}/${name}.log") lines captured"
}

# value FILE KEY: a literal value of a YAML vars file, for the runs that take credentials from the environment.
value() {
    "${python}" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# Not scanned: set-up only.
ansible-playbook -i "${inventory}" -e "@${config}" "${here}/seed.yml" >"${out}/seed.out" 2>&1 || {
    cat "${out}/seed.out" >&2
    exit 1
}

run check_mode 0 success.yml --check
run success 0 success.yml
run failures 0 failures.yml
run hard_failure 2 hard_failure.yml

# Credentials in the environment of ansible-playbook, as CI and execution environments set them.
api_url=$(value "${config}" aicore_emulator_url)
auth_url=$(value "${config}" aicore_emulator_auth_url)
client_id=$(value "${config}" aicore_emulator_client_id)
client_secret=$(value "${config}" aicore_emulator_client_secret)
wrong_secret=$(value "${here}/leak_vars.yml" leak_wrong_secret)
token=$("${python}" "${here}/scan_output.py" --config "${config}" --print-new-token)
service_key=$("${python}" -c 'import json, sys; print(json.dumps({"clientid": sys.argv[1], "clientsecret": sys.argv[2], "url": sys.argv[3], "serviceurls": {"AI_API_URL": sys.argv[4]}}))' \
    "${client_id}" "${client_secret}" "${auth_url}" "${api_url}")
AICORE_SERVICE_KEY=${service_key} run env_service_key 0 environment.yml -e leak_secret_name=leak-30
AICORE_BASE_URL=${api_url} AICORE_AUTH_URL=${auth_url} AICORE_CLIENT_ID=${client_id} AICORE_CLIENT_SECRET=${client_secret} \
    run env_client_secret 0 environment.yml -e leak_secret_name=leak-31
AICORE_BASE_URL=${api_url} AICORE_TOKEN=${token} run env_token 0 environment.yml -e leak_secret_name=leak-32
AICORE_BASE_URL=${api_url} AICORE_AUTH_URL=${auth_url} AICORE_CLIENT_ID=${client_id} AICORE_CLIENT_SECRET=${wrong_secret} \
    run env_wrong_secret 2 environment.yml -e leak_secret_name=leak-33

# The positive control: this run prints the needles on purpose.
run canary 0 canary.yml

"${python}" "${here}/scan_output.py" --config "${config}" --vars "${here}/leak_vars.yml" --canary "${out}/canary.log" "${out}"/*.log
