# shellcheck shell=bash
# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The shared part of the leak-check targets' runme.sh (aicore_leak_check, aicore_present_leak_check,
# aicore_x509), sourced as
#   . leak_runs.sh NAME OUT [VARS]
# NAME: how its messages begin, e.g. "leak check"; OUT: the directory for the captured logs (emptied
# here); VARS: the target's vars file of planted values (leak_planted, leak_sent, leak_canary).
# It sets here (the target's directory), config, python, inventory, scan (leak_scan.py next to this
# file) and defines
#   leak_run NAME EXPECTED_STATUS PLAYBOOK [ARGS...]   one scanned run at -vvvv --diff, its output in ${out}/NAME.log
#   leak_setup PLAYBOOK [ARGS...]                      an unscanned run (set-up only), its output in ${out}/setup.out
#   leak_value FILE KEY                                a value of a YAML vars file
#   leak_scan [OPTIONS...]                             leak_scan.py over every log, the canary being ${out}/canary.log
# Never `set -x` where this is sourced: it would print the credentials the runs handle.

leak_name=$1
out=$2
leak_vars=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
config=$(cd "${here}/../.." && pwd)/integration_config.yml
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
inventory=${INVENTORY_PATH:?INVENTORY_PATH is set by ansible-test}
scan=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/leak_scan.py

if [ ! -f "${config}" ]; then
    echo "${leak_name}: ${config} is missing; run under tests/emulator/with_emulator.py --tls --integration-config" >&2
    exit 1
fi

rm -rf "${out}"
mkdir -p "${out}"
# ansible-core 2.19+ leaves the module's arguments ("invocation") out of results unless asked;
# ask, so the scanned output holds every option as the module masked it (2.18 always shows it).
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_INJECT_INVOCATION=true OUTPUT_DIR
# The playbooks steer the emulator with the role's aicore_emulator_control (no module process per call);
# they do not include the role, so ansible finds the action here.
ANSIBLE_ACTION_PLUGINS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../action_plugins" && pwd)
export ANSIBLE_ACTION_PLUGINS

# The end of a log for the console; even a failing run's output may hold a needle: those lines are left out.
_leak_tail() {
    "${python}" "${scan}" --config "${config}" ${leak_vars:+--vars "${leak_vars}"} --tail "$1" >&2
}

leak_run() {
    local name=$1 expected=$2 playbook=$3 status=0
    shift 3
    ansible-playbook -i "${inventory}" -e "@${config}" -vvvv --diff "${here}/${playbook}" "$@" \
        >"${out}/${name}.log" 2>&1 || status=$?
    if [ "${status}" != "${expected}" ]; then
        echo "${leak_name}: run ${name} ended with status ${status}, expected ${expected}; its last lines:" >&2
        _leak_tail "${out}/${name}.log"
        exit 1
    fi
    echo "${leak_name}: run ${name}: status ${status} as expected, $(wc -l <"${out}/${name}.log") lines captured"
}

leak_setup() {
    local playbook=$1
    shift
    ansible-playbook -i "${inventory}" -e "@${config}" "${here}/${playbook}" "$@" >"${out}/setup.out" 2>&1 || {
        echo "${leak_name}: set-up ${playbook} failed; its last lines:" >&2
        _leak_tail "${out}/setup.out"
        exit 1
    }
}

leak_value() {
    "${python}" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

leak_scan() {
    "${python}" "${scan}" --config "${config}" ${leak_vars:+--vars "${leak_vars}"} --name "${leak_name}" \
        --canary "${out}/canary.log" "$@" "${out}"/*.log
}
