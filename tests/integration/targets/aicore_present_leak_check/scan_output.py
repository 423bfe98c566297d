# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search captured ansible-playbook output of state=present runs for secret data and credentials.

    scan_output.py --config CONFIG --vars LEAK_VARS --canary CANARY_LOG LOG...

Needles:
- the planted values of LEAK_VARS (secret data, a wrong secret, an unknown token), each as is,
  URL-encoded, percent-encoded, JSON-escaped and base64-encoded;
- every fingerprint label value the emulator ever saw: those in its stores now and those sent in
  any POST or PATCH body in its request log (a rotated secret's old fingerprint included), each
  whole and as its salt and its hash;
- the emulator's client secret, and every token it issued (GET /_emulator/tokens).

Every LOG except CANARY_LOG must hold none of them. CANARY_LOG was printed on purpose and must
hold the canary marker, the client secret, a token, a data value, a data value's base64 and a
fingerprint: the proof that the search finds each kind of needle. The values the scanned runs
wrote must also have reached the emulator (their base64 is in its request log), so the needles
are values that really went through the module. Findings name the file, line and kind of
needle, never the value.
"""

import base64
import json
import sys
import urllib.parse
import urllib.request

import yaml

# Values of LEAK_VARS that must never be printed.
PLANTED = (
    "leak_username", "leak_password", "leak_password_new", "leak_token_value", "leak_token_value_new",
    "leak_binary_text", "leak_foreign_value", "leak_refused_value", "leak_wrong_secret", "leak_unknown_token",
)
# Values the successful runs wrote: each must be in a request body the emulator logged.
SENT = ("leak_username", "leak_password", "leak_password_new", "leak_token_value", "leak_token_value_new",
        "leak_binary_text", "leak_foreign_value")
FINGERPRINT_KEY = "ext.ai.sap.com/ansible-fingerprint"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=30) as answer:  # nosec: loopback emulator only
        return json.loads(answer.read().decode("utf-8"))


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def variants(value, with_base64=True):
    """The spellings under which a value could show up in output."""
    found = {
        "as is": value,
        "URL-encoded": urllib.parse.quote_plus(value),
        "percent-encoded": urllib.parse.quote(value, safe=""),
        "JSON-escaped": json.dumps(value)[1:-1],
    }
    if with_base64:
        found["base64"] = b64(value)
    return dict((how, text) for how, text in found.items() if text)


def fingerprints(control_url):
    """Every fingerprint label value in the stores now and in the logged POST/PATCH bodies."""
    values = set()
    for scope in fetch_json(control_url + "/store").values():
        for secret in scope.values():
            values.update(label["value"] for label in secret["labels"] if label["key"] == FINGERPRINT_KEY)
    requests = fetch_json(control_url + "/log")["requests"]
    for record in requests:
        body = record.get("body")
        if record["method"] in ("POST", "PATCH") and isinstance(body, dict):
            values.update(label["value"] for label in body.get("labels") or [] if label.get("key") == FINGERPRINT_KEY)
    return sorted(values), requests


def needles(config, planted, fingerprint_values, tokens):
    """(kind, spelling, text) for everything that must never be printed."""
    items = []
    secret = config["aicore_emulator_client_secret"]
    items.append(("client secret", secret, True))
    items.append(("client id:secret (HTTP Basic)", "%s:%s" % (config["aicore_emulator_client_id"], secret), True))
    for index, token in enumerate(tokens):
        items.append(("token #%d" % index, token, False))
        items.append(("signature of token #%d" % index, token.rsplit(".", 1)[-1], False))
    for name in PLANTED:
        items.append((name, planted[name], True))
    for index, value in enumerate(fingerprint_values):
        items.append(("fingerprint #%d" % index, value, False))
        parts = value.split("$")
        if len(parts) > 3:
            items.append(("salt of fingerprint #%d" % index, parts[-2], False))
            items.append(("hash of fingerprint #%d" % index, parts[-1], False))
    return [(kind, how, text) for kind, value, with_base64 in items for how, text in variants(value, with_base64).items()]


def search(lines, all_needles):
    """[(line number, kind, [spellings])] of every needle found, line by line."""
    found = []
    for number, line in enumerate(lines, 1):
        spellings = {}
        for kind, how, text in all_needles:
            if text in line:
                spellings.setdefault(kind, []).append(how)
        found.extend((number, kind, hows) for kind, hows in spellings.items())
    return found


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read().splitlines()


def check_canary(path, planted, all_needles):
    """The canary run printed one needle of each kind on purpose: the search must report each."""
    canary = [("canary marker", how, text) for how, text in variants(planted["leak_canary"]).items()]
    found = set((kind, how) for _number, kind, hows in search(read_lines(path), all_needles + canary) for how in hows)
    expected = {
        "the canary marker": lambda kind, how: kind == "canary marker" and how == "as is",
        "the client secret": lambda kind, how: kind == "client secret" and how == "as is",
        "an issued token": lambda kind, how: kind.startswith("token #") and how == "as is",
        "a data value as is": lambda kind, how: kind == "leak_password_new" and how == "as is",
        "a data value's base64": lambda kind, how: kind == "leak_token_value" and how == "base64",
        "a fingerprint label value": lambda kind, how: kind.startswith("fingerprint #") and how == "as is",
    }
    return [what for what, test in expected.items() if not any(test(kind, how) for kind, how in found)]


def check_sent(planted, requests):
    """The values the runs wrote reached the emulator, so the scan looks for real data."""
    bodies = json.dumps([record.get("body") for record in requests if record["method"] in ("POST", "PATCH")])
    return ["%s: its base64 is in no POST or PATCH the emulator logged" % name for name in SENT if b64(planted[name]) not in bodies]


def check_capture(path, lines):
    """A scanned log must be a complete -vvvv run, or its silence proves nothing."""
    text = "\n".join(lines)
    problems = []
    if "PLAY RECAP" not in text:
        problems.append("%s: no PLAY RECAP, the run did not finish" % path)
    if "<testhost> ESTABLISH LOCAL CONNECTION" not in text:
        problems.append("%s: no connection debug lines, the run was not at -vvvv" % path)
    if not any(line.startswith("Using module file ") and line.endswith("/aicore_generic_secret.py") for line in lines):
        problems.append("%s: the module never ran" % path)
    return problems


def main(argv):
    args = dict(zip(argv[0:6:2], argv[1:6:2]))
    logs = [path for path in argv[6:] if path != args["--canary"]]
    config = load_yaml(args["--config"])
    planted = load_yaml(args["--vars"])
    control_url = config["aicore_emulator_url"].rstrip("/") + "/_emulator"
    tokens = fetch_json(control_url + "/tokens")["tokens"]
    fingerprint_values, requests = fingerprints(control_url)
    all_needles = needles(config, planted, fingerprint_values, tokens)

    problems = ["canary: the scan did not find %s in %s" % (what, args["--canary"])
                for what in check_canary(args["--canary"], planted, all_needles)]
    problems.extend(check_sent(planted, requests))
    if not fingerprint_values:
        problems.append("no fingerprint label in the emulator: the runs wrote nothing to look for")
    masked = 0
    diffs = 0
    line_count = 0
    for path in logs:
        lines = read_lines(path)
        line_count += len(lines)
        problems.extend("LEAK %s:%d: %s (%s)" % (path, number, kind, ", ".join(hows)) for number, kind, hows in search(lines, all_needles))
        problems.extend(check_capture(path, lines))
        masked += sum(line.count(MASK) for line in lines)
        diffs += sum(1 for line in lines if line.startswith("+++ after"))
    if not masked:
        problems.append("no log shows a masked option: the data never reached the module's output to be checked")
    if not diffs:
        problems.append("no log shows a diff: the runs were not in diff mode")

    print("present leak check: %d logs, %d lines, %d needle spellings (%d tokens issued, %d fingerprints), "
          "%d masked values and %d diffs seen" % (len(logs), line_count, len(all_needles), len(tokens),
                                                  len(fingerprint_values), masked, diffs))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("present leak check: no data value, base64 of one, fingerprint, credential or token in any log; the canary was found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
