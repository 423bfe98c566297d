# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search captured ansible-playbook output for credentials and secret data.

    scan_output.py --config CONFIG --vars LEAK_VARS --canary CANARY_LOG LOG...
    scan_output.py --config CONFIG --print-new-token

Needles: the emulator's client secret, every token it ever issued (GET /_emulator/tokens),
the X.509 client key when the emulator runs with TLS, and the planted values of LEAK_VARS
(secret data, a wrong secret, an unknown token), each also URL-encoded, JSON-escaped and
base64-encoded. Every LOG except CANARY_LOG must hold none of them. CANARY_LOG was printed
on purpose and must hold the client secret, a token and the canary marker: the proof that
the search finds what it looks for. Findings name the file, line and kind of needle, never
the value.
"""

import base64
import json
import sys
import urllib.parse
import urllib.request

import yaml

PLANTED = ("leak_secret_value", "leak_wrong_secret", "leak_unknown_token")
MIN_PEM_LINE = 40


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fetch_json(url, data=None):
    request = urllib.request.Request(url, data=data)
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec: loopback emulator only
        return json.loads(answer.read().decode("utf-8"))


def new_token(config):
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": config["aicore_emulator_client_id"],
        "client_secret": config["aicore_emulator_client_secret"],
    }).encode("ascii")
    return fetch_json(config["aicore_emulator_auth_url"].rstrip("/") + "/oauth/token", form)["access_token"]


def issued_tokens(config):
    return fetch_json(config["aicore_emulator_url"].rstrip("/") + "/_emulator/tokens")["tokens"]


def variants(value):
    """The spellings under which a value could show up in output."""
    found = {
        "as is": value,
        "URL-encoded": urllib.parse.quote_plus(value),
        "percent-encoded": urllib.parse.quote(value, safe=""),
        "JSON-escaped": json.dumps(value)[1:-1],
        "base64": base64.b64encode(value.encode("utf-8")).decode("ascii"),
    }
    return dict((how, text) for how, text in found.items() if text)


def needles(config, planted):
    """(kind, spelling, text) for everything that must never be printed."""
    secret = config["aicore_emulator_client_secret"]
    items = [("client secret", secret)]
    items.append(("client id:secret (HTTP Basic)", "%s:%s" % (config["aicore_emulator_client_id"], secret)))
    for index, token in enumerate(issued_tokens(config)):
        items.append(("token #%d" % index, token))
        items.append(("signature of token #%d" % index, token.rsplit(".", 1)[-1]))
    for name in PLANTED:
        items.append((name, planted[name]))
    key_file = config.get("aicore_emulator_client_key")
    if key_file:
        with open(key_file, encoding="ascii") as handle:
            body = [line.strip() for line in handle if line.strip() and not line.startswith("-----")]
        items.extend(("X.509 client key, line %d" % number, line) for number, line in enumerate(body) if len(line) >= MIN_PEM_LINE)
    result = []
    for kind, value in items:
        for how, text in variants(value).items():
            if how == "base64" and kind.startswith(("token", "signature", "X.509")):
                continue  # tokens and keys are base64 already; their base64 is no likely spelling
            result.append((kind, how, text))
    return result


def findings(path, all_needles):
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    found = []
    for number, line in enumerate(lines, 1):
        spellings = {}
        for kind, how, text in all_needles:
            if text in line:
                spellings.setdefault(kind, []).append(how)
        found.extend("%s:%d: %s (%s)" % (path, number, kind, ", ".join(hows)) for kind, hows in spellings.items())
    return found, lines


def check_canary(path, config, planted, tokens):
    """The canary run printed the needles on purpose: the scan must see them there."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    missing = []
    if planted["leak_canary"] not in text:
        missing.append("the canary marker")
    if config["aicore_emulator_client_secret"] not in text:
        missing.append("the client secret")
    if not any(token in text for token in tokens):
        missing.append("any issued token")
    return missing


def check_capture(path, lines):
    """A scanned log must be a complete -vvvv run, or its silence proves nothing."""
    text = "\n".join(lines)
    problems = []
    if "PLAY RECAP" not in text:
        problems.append("%s: no PLAY RECAP, the run did not finish" % path)
    if "<testhost> ESTABLISH LOCAL CONNECTION" not in text:
        problems.append("%s: no connection debug lines, the run was not at -vvvv" % path)
    return problems


def main(argv):
    args = dict(zip(argv[::2], argv[1::2])) if "--print-new-token" not in argv else {"--config": argv[argv.index("--config") + 1]}
    config = load_yaml(args["--config"])
    if "--print-new-token" in argv:
        print(new_token(config))
        return 0
    logs = [path for path in argv[6:] if path != args["--canary"]]
    planted = load_yaml(args["--vars"])
    tokens = issued_tokens(config)
    all_needles = needles(config, planted)

    problems = ["canary: the scan did not find %s in %s" % (what, args["--canary"])
                for what in check_canary(args["--canary"], config, planted, tokens)]
    masked = 0
    for path in logs:
        found, lines = findings(path, all_needles)
        problems.extend("LEAK %s" % finding for finding in found)
        problems.extend(check_capture(path, lines))
        masked += sum(line.count("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER") for line in lines)
    if not masked:
        problems.append("no log shows a masked option: the credentials never reached the module's output to be checked")

    print("leak check: %d logs, %d lines, %d needle spellings (%d tokens issued), %d masked values seen"
          % (len(logs), sum(1 for path in logs for _line in open(path, encoding="utf-8", errors="replace")),
             len(all_needles), len(tokens), masked))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("leak check: no credential, token or secret value in any log; the canary was found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
