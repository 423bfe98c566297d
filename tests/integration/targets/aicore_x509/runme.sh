#!/usr/bin/env bash
# X.509 service keys and client certificates against the emulator's mutual-TLS token listener
# (x509.yml), then a leak check: X.509 runs at -vvvv --diff, every byte they print searched for
# the private keys of the emulator's client certificates (trusted and untrusted); last, ten
# refusals of an untrusted client certificate, each of which must name it (x509_refusals.yml).
# ansible-test calls this as `runme.sh [-v...]`; x509.yml runs at that verbosity, the scanned
# runs always at -vvvv. Never `set -x` here: it would print the key this script handles.
# shellcheck disable=SC2154  # config, python and scan are set by the sourced leak_runs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config=$(cd "${here}/../.." && pwd)/integration_config.yml
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
# leak_run, leak_setup, leak_value, leak_scan: shared by the leak-check targets
. "${here}/../setup_aicore_emulator/files/leak_runs.sh" "x509 leak check" "${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/x509_leak_check"

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

leak_setup leak_setup.yml

leak_run check_mode 0 leak_success.yml --check
leak_run success 0 leak_success.yml
leak_run failures 0 leak_failures.yml
leak_run hard_failure 2 leak_hard_failure.yml

# An X.509 service key in the environment of ansible-playbook, as CI and execution environments set it.
AICORE_SERVICE_KEY=$(x509_service_key "$(leak_value "${config}" aicore_emulator_client_cert)" "$(leak_value "${config}" aicore_emulator_client_key)") \
    leak_run env_service_key 0 leak_environment.yml -e x509_leak_secret_name=x509-leak-14
AICORE_SERVICE_KEY=$(x509_service_key "$(leak_value "${config}" aicore_emulator_untrusted_client_cert)" "$(leak_value "${config}" aicore_emulator_untrusted_client_key)") \
    leak_run env_untrusted 2 leak_environment.yml -e x509_leak_secret_name=x509-leak-15

# The positive control: this run prints both keys on purpose.
leak_run canary 0 leak_canary.yml

leak_scan --canary-shows key

# Last: every refusal of an untrusted client certificate names it (see the playbook).
ansible-playbook -i "${inventory}" -e "@${config}" "${here}/x509_refusals.yml" "$@"
