# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""serve.py and with_emulator.py, run as separate processes the way the Makefile runs them."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from aicore_emulator import STANDARD_RESOURCE_GROUPS  # on sys.path through tests/unit/conftest.py

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "emulator"))
SERVE = os.path.join(EMULATOR_DIR, "serve.py")
WITH_EMULATOR = os.path.join(EMULATOR_DIR, "with_emulator.py")
SEED = {"scope": "rg:default", "secrets": [{"name": "seeded", "plain_data": {"k": "v"}}]}
TIMEOUT = 20

# The command run inside with_emulator.py: copies what it was given into argv[1] and exits 7.
CHILD = """
import json, os, sys
config_path = sys.argv[2]
given = {
    "env": {name: value for name, value in os.environ.items() if name.startswith("AICORE_EMULATOR_")},
    "config": open(config_path).read(),
}
json.dump(given, open(sys.argv[1], "w"))
sys.exit(7)
"""

# A command that says it runs, then waits to be signalled.
SLEEPER = """
import sys, time
open(sys.argv[1], "w").close()
time.sleep(60)
"""


@pytest.fixture
def seed_file(tmp_path):
    """A seed document on disk."""
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    return str(path)


def wait_for(path):
    """Wait until ``path`` exists (a ready file or a marker)."""
    deadline = time.monotonic() + TIMEOUT
    while not os.path.exists(path):
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_serve_writes_the_ready_file_and_stops_cleanly_on_sigterm(tmp_path, seed_file):
    ready = tmp_path / "ready.json"
    argv = [sys.executable, SERVE, "--tls", "--ready-file", str(ready), "--client-secret", "s" * 40, "--latency", "0", "--seed", seed_file]
    with subprocess.Popen(argv, stderr=subprocess.PIPE) as process:
        try:
            wait_for(ready)
            values = json.loads(ready.read_text())
            store = requests.get(f"{values['AICORE_EMULATOR_URL']}/_emulator/store", timeout=TIMEOUT).json()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT) == 0
        finally:
            process.kill()
    assert values["AICORE_EMULATOR_CLIENT_SECRET"] == "s" * 40
    assert values["AICORE_EMULATOR_TLS_URL"].startswith("https://127.0.0.1:")
    assert list(store["rg:default"]) == ["seeded"]
    assert not ready.exists() and not os.path.exists(values["AICORE_EMULATOR_DIR"])


def test_with_emulator_exports_writes_config_and_passes_the_exit_status(tmp_path, seed_file):
    given_path, config_path = tmp_path / "given.json", tmp_path / "integration_config.yml"
    argv = [sys.executable, WITH_EMULATOR, "--tls", "--seed", seed_file, "--integration-config", str(config_path),
            "--", sys.executable, "-c", CHILD, str(given_path), str(config_path)]
    assert subprocess.run(argv, timeout=TIMEOUT * 2, check=False).returncode == 7
    given = json.loads(given_path.read_text())
    env = given["env"]
    assert len(env["AICORE_EMULATOR_CLIENT_SECRET"]) >= 32 and env["AICORE_EMULATOR_CLIENT_ID"] == "sb-emulator-client!t1"
    assert {"AICORE_EMULATOR_URL", "AICORE_EMULATOR_AUTH_URL", "AICORE_EMULATOR_MTLS_URL", "AICORE_EMULATOR_CA_FILE",
            "AICORE_EMULATOR_UNTRUSTED_CLIENT_KEY"} <= set(env)
    config = dict(line.split(": ", 1) for line in given["config"].splitlines() if not line.startswith("#"))
    expected = {name.lower(): value for name, value in env.items()}
    expected["aicore_emulator_resource_groups"] = ["default", *STANDARD_RESOURCE_GROUPS]
    assert {name: json.loads(value) for name, value in config.items()} == expected
    assert not config_path.exists() and not os.path.exists(env["AICORE_EMULATOR_DIR"])


def test_resource_group_options_replace_the_standard_list(tmp_path):
    given_path, config_path = tmp_path / "given.json", tmp_path / "integration_config.yml"
    argv = [sys.executable, WITH_EMULATOR, "--resource-group", "team-a", "--resource-group", "ml.prod", "--integration-config", str(config_path),
            "--", sys.executable, "-c", CHILD, str(given_path), str(config_path)]
    assert subprocess.run(argv, timeout=TIMEOUT * 2, check=False).returncode == 7
    config = json.loads(given_path.read_text())["config"]
    assert 'aicore_emulator_resource_groups: ["default", "team-a", "ml.prod"]' in config.splitlines()


def test_serve_starts_with_the_given_resource_groups(tmp_path):
    ready = tmp_path / "ready.json"
    with subprocess.Popen([sys.executable, SERVE, "--ready-file", str(ready), "--resource-group", "solo"], stderr=subprocess.PIPE) as process:
        try:
            wait_for(ready)
            url = json.loads(ready.read_text())["AICORE_EMULATOR_URL"]
            groups = requests.get(f"{url}/_emulator/resource_groups", timeout=TIMEOUT).json()["resource_groups"]
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT) == 0
        finally:
            process.kill()
    assert [group["resourceGroupId"] for group in groups] == ["default", "solo"]


def test_a_bad_resource_group_option_is_a_usage_error():
    finished = subprocess.run([sys.executable, WITH_EMULATOR, "--resource-group", "my group", "--", "true"],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert finished.returncode == 2 and "--resource-group" in finished.stderr


def test_with_emulator_forwards_sigterm_and_still_cleans_up(tmp_path):
    marker, config_path = tmp_path / "running", tmp_path / "integration_config.yml"
    argv = [sys.executable, WITH_EMULATOR, "--integration-config", str(config_path), "--", sys.executable, "-c", SLEEPER, str(marker)]
    with subprocess.Popen(argv) as process:
        try:
            wait_for(marker)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT) == 128 + signal.SIGTERM
        finally:
            process.kill()
    assert not config_path.exists()


def test_with_emulator_reports_a_missing_command():
    result = subprocess.run([sys.executable, WITH_EMULATOR, "--", "/nonexistent/command"], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 127 and "cannot run /nonexistent/command" in result.stderr
