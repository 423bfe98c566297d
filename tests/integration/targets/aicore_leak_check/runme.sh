#!/usr/bin/env bash
# Leak check: run playbooks at -vvvv --diff, keep every byte they print, then search it for
# the client secret, every token the emulator issued, wrong secrets and secret data.
# ansible-test calls this as `runme.sh [-v...]`; the playbooks always run at -vvvv.
# Never `set -x` here: it would print the credentials this script handles.
# shellcheck disable=SC2154  # config, python and scan are set by the sourced leak_runs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# leak_run, leak_setup, leak_value, leak_scan: shared by the leak-check targets
. "${here}/../setup_aicore_emulator/files/leak_runs.sh" "leak check" "${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/leak_check" "${here}/leak_vars.yml"

leak_setup seed.yml

leak_run check_mode 0 success.yml --check
leak_run success 0 success.yml
leak_run failures 0 failures.yml
leak_run hard_failure 2 hard_failure.yml

# Credentials in the environment of ansible-playbook, as CI and execution environments set them.
api_url=$(leak_value "${config}" aicore_emulator_url)
auth_url=$(leak_value "${config}" aicore_emulator_auth_url)
client_id=$(leak_value "${config}" aicore_emulator_client_id)
client_secret=$(leak_value "${config}" aicore_emulator_client_secret)
wrong_secret=$(leak_value "${here}/leak_vars.yml" leak_wrong_secret)
token=$("${python}" "${scan}" --config "${config}" --print-new-token)
service_key=$("${python}" -c 'import json, sys; print(json.dumps({"clientid": sys.argv[1], "clientsecret": sys.argv[2], "url": sys.argv[3], "serviceurls": {"AI_API_URL": sys.argv[4]}}))' \
    "${client_id}" "${client_secret}" "${auth_url}" "${api_url}")
AICORE_SERVICE_KEY=${service_key} leak_run env_service_key 0 environment.yml -e leak_secret_name=leak-30
AICORE_BASE_URL=${api_url} AICORE_AUTH_URL=${auth_url} AICORE_CLIENT_ID=${client_id} AICORE_CLIENT_SECRET=${client_secret} \
    leak_run env_client_secret 0 environment.yml -e leak_secret_name=leak-31
AICORE_BASE_URL=${api_url} AICORE_TOKEN=${token} leak_run env_token 0 environment.yml -e leak_secret_name=leak-32
AICORE_BASE_URL=${api_url} AICORE_AUTH_URL=${auth_url} AICORE_CLIENT_ID=${client_id} AICORE_CLIENT_SECRET=${wrong_secret} \
    leak_run env_wrong_secret 2 environment.yml -e leak_secret_name=leak-33

# The positive control: this run prints the needles on purpose.
leak_run canary 0 canary.yml

leak_scan --canary-shows marker,secret,token
