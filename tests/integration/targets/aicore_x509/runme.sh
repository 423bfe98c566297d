#!/usr/bin/env bash
# X.509 service keys and client certificates against the emulator's mutual-TLS token listener
# (x509.yml), then a leak check: X.509 runs at -vvvv --diff, every byte they print searched for
# the private keys of the emulator's client certificates (trusted and untrusted); last, ten
# refusals of an untrusted client certificate, each of which must name it (x509_refusals.yml).
# ansible-test calls this as `runme.sh [-v...]`; x509.yml runs at that verbosity, the scanned
# runs always at -vvvv. Never `set -x` here: it would print the key this script handles.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config=$(cd "${here}/../.." && pwd)/integration_config.yml
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
out=${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/x509_leak_check
inventory=${INVENTORY_PATH:?INVENTORY_PATH is set by ansible-test}

if [ ! -f "${config}" ]; then
    echo "aicore_x509: ${config} is missing; run under tests/emulator/with_emulator.py --tls --integration-config" >&2
    exit 1
fi

# x509.yml includes the role setup_aicore_emulator, a sibling of this target.
export ANSIBLE_ROLES_PATH="${here}/.."
export OUTPUT_DIR

ansible-playbook -i "${inventory}" -e "@${config}" "${here}/x509.yml" "$@"

# --- leak check ---------------------------------------------------------------------------
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
        echo "x509 leak check: run ${name} ended with status ${status}, expected ${expected}; its last lines:" >&2
        # Even a failing run's output may hold a key: show only lines free of the needles.
        tail -n 60 "${out}/${name}.log" | grep -v -F -f "${needles}" >&2 || true
        exit 1
    fi
    echo "x509 leak check: run ${name}: status ${status} as expected, $(wc -l <"${out}/${name}.log") lines captured"
}

# value KEY: a value of the integration config.
value() {
    "${python}" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "${config}" "$1"
}

# x509_service_key CERT_FILE KEY_FILE: an X.509 service key as JSON, its PEM with literal \n.
x509_service_key() {
    "${python}" - "${config}" "$1" "$2" <<'PYTHON'
import json, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
def pem(path):
    with open(path) as handle:
        return handle.read().strip().replace("\n", "\\n")
print(json.dumps({
    "clientid": config["aicore_emulator_client_id"], "certificate": pem(sys.argv[2]), "key": pem(sys.argv[3]),
    "certurl": config["aicore_emulator_mtls_url"], "credential-type": "x509",
    "serviceurls": {"AI_API_URL": config["aicore_emulator_tls_url"]},
}))
PYTHON
}

# The needles: every base64 line of both private keys, and the PEM label of a private key.
needles=${out}/needles
grep -h -v -e '-----' -e '^$' "$(value aicore_emulator_client_key)" "$(value aicore_emulator_untrusted_client_key)" >"${needles}"
echo 'PRIVATE KEY' >>"${needles}"
if [ "$(wc -l <"${needles}")" -lt 5 ]; then
    echo "x509 leak check: too few needles ($(wc -l <"${needles}")); are the client keys PEM files?" >&2
    exit 1
fi

# Not scanned: set-up only.
ansible-playbook -i "${inventory}" -e "@${config}" "${here}/leak_setup.yml" >"${out}/setup.out" 2>&1 || {
    grep -v -F -f "${needles}" "${out}/setup.out" >&2
    exit 1
}

run check_mode 0 leak_success.yml --check
run success 0 leak_success.yml
run failures 0 leak_failures.yml
run hard_failure 2 leak_hard_failure.yml

# An X.509 service key in the environment of ansible-playbook, as CI and execution environments set it.
AICORE_SERVICE_KEY=$(x509_service_key "$(value aicore_emulator_client_cert)" "$(value aicore_emulator_client_key)") \
    run env_service_key 0 leak_environment.yml -e x509_leak_secret_name=x509-leak-14
AICORE_SERVICE_KEY=$(x509_service_key "$(value aicore_emulator_untrusted_client_cert)" "$(value aicore_emulator_untrusted_client_key)") \
    run env_untrusted 2 leak_environment.yml -e x509_leak_secret_name=x509-leak-15

# The positive control: this run prints the keys on purpose.
run canary 0 leak_canary.yml

problems=0
masked=0
scanned=0
for log in "${out}"/*.log; do
    name=$(basename "${log}" .log)
    [ "${name}" = canary ] && continue
    scanned=$((scanned + 1))
    if grep -q -F -f "${needles}" "${log}"; then
        # Name the lines, never the text.
        echo "x509 leak check: LEAK in ${name}.log, lines: $(grep -n -F -f "${needles}" "${log}" | cut -d: -f1 | tr '\n' ' ')"
        problems=1
    fi
    # A scanned log must be a complete -vvvv run, or its silence proves nothing.
    if ! grep -q 'PLAY RECAP' "${log}"; then
        echo "x509 leak check: ${name}.log has no PLAY RECAP, the run did not finish"
        problems=1
    fi
    if ! grep -q '<testhost> ESTABLISH LOCAL CONNECTION' "${log}"; then
        echo "x509 leak check: ${name}.log has no connection debug lines, the run was not at -vvvv"
        problems=1
    fi
    masked=$((masked + $(grep -o 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "${log}" | wc -l || true)))
done
if [ "${masked}" -eq 0 ]; then
    echo "x509 leak check: no log shows a masked option: the keys never reached the module's output to be checked"
    problems=1
fi
# The canary printed every needle: the scan must find each one there.
while IFS= read -r needle; do
    if ! grep -q -F -e "${needle}" "${out}/canary.log"; then
        echo "x509 leak check: the scan did not find a needle in canary.log"
        problems=1
    fi
done <"${needles}"

echo "x509 leak check: ${scanned} logs scanned, $(wc -l <"${needles}") needles, ${masked} masked values seen"
if [ "${problems}" != 0 ]; then
    exit 1
fi
echo "x509 leak check: no private key in any log; the canary was found"

# Last: every refusal of an untrusted client certificate names it (see the playbook).
ansible-playbook -i "${inventory}" -e "@${config}" "${here}/x509_refusals.yml" "$@"
