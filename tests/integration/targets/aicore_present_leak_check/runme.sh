#!/usr/bin/env bash
# Leak check of state=present: run playbooks that create, update, leave unchanged, run in
# check mode and fail, at -vvvv --diff; keep every byte they print, then search it for the
# secret data, its base64, the fingerprint labels, the client secret and every issued token.
# ansible-test calls this as `runme.sh [-v...]`; the playbooks always run at -vvvv.
# Never `set -x` here: it would print the credentials this script handles.
# shellcheck disable=SC2154  # config, python and scan are set by the sourced leak_runs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# leak_run, leak_setup, leak_scan: shared by the leak-check targets
. "${here}/../setup_aicore_emulator/files/leak_runs.sh" "present leak check" "${OUTPUT_DIR:?OUTPUT_DIR is set by ansible-test}/present_leak_check" "${here}/leak_vars.yml"

leak_setup seed.yml

leak_run create_check 0 create.yml --check
leak_run create 0 create.yml
leak_run create_unchanged 0 create.yml -e leak_again=true
leak_run update_check 0 update.yml --check
leak_run update 0 update.yml
leak_run update_unchanged 0 update.yml -e leak_again=true
leak_run failures 0 failures.yml
leak_run objects_check 0 objects.yml --check
leak_run objects 0 objects.yml
leak_run objects_again 0 objects.yml -e leak_again=true
leak_run hard_refusal 2 hard_refusal.yml
leak_run hard_server 2 hard_server.yml

# The positive control: this run prints the needles on purpose.
leak_run canary 0 canary.yml

leak_scan --fingerprints --module aicore_generic_secret --diffs --canary-shows marker,secret,token,value,value-base64,fingerprint
