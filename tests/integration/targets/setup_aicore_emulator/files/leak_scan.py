# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search captured ansible-playbook output for credentials, keys and secret data.

The one scan of the leak-check targets (aicore_leak_check, aicore_present_leak_check, aicore_x509);
their runme.sh run it through leak_runs.sh, next to this file.

    leak_scan.py --config CONFIG [--vars LEAK_VARS] [--fingerprints] [--module NAME] [--diffs]
                 --canary CANARY_LOG --canary-shows KIND[,KIND...] LOG...
    leak_scan.py --config CONFIG [--vars LEAK_VARS] --tail LOG      the end of a log, lines with a needle left out
    leak_scan.py --config CONFIG --print-new-token                  a fresh token, for runs that take one from the environment

Needles, each also URL-encoded, percent-encoded, JSON-escaped and (where that is a likely
spelling) base64-encoded:
- the emulator's client secret, and client id:secret as HTTP Basic sends it;
- every token the emulator issued (GET /_emulator/tokens) and each one's signature;
- every base64 line of the emulator's client keys (the trusted and the untrusted one), and the
  PEM label of a private key;
- with --vars: the values of the variables LEAK_VARS lists in ``leak_planted``;
- with --fingerprints: every fingerprint label value the emulator saw, in its stores now or in a
  logged POST or PATCH body (a rotated secret's old one too), whole and as its salt and its hash.

Every LOG except CANARY_LOG must hold none of them, be a complete -vvvv run (PLAY RECAP,
connection debug lines; with --module, the module NAME ran) and, together, show a masked option
(with --diffs also a diff). CANARY_LOG was printed on purpose: it must show each KIND of
--canary-shows (see CANARY_KINDS), the proof that the search finds what it looks for. The values
LEAK_VARS lists in ``leak_sent`` must be in a request body the emulator logged (as base64 for
generic secrets, as given for the other kinds), so
the needles are values that really went through the module. Findings name the file, line and
kind of needle, never the value.
"""

import argparse
import base64
import json
import sys
import urllib.parse
import urllib.request

import yaml

FINGERPRINT_KEY = "ext.ai.sap.com/ansible-fingerprint"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
PEM_LABEL = "PRIVATE KEY"
# Shorter base64 lines of a key (its last one) could match by chance; the full lines are enough.
MIN_PEM_LINE = 40
TAIL_LINES = 60
KEY_FILES = ("aicore_emulator_client_key", "aicore_emulator_untrusted_client_key")

# --canary-shows KIND -> the test of a (kind, spelling) found in the canary log
CANARY_KINDS = {
    "marker": lambda kind, how: kind == "canary marker" and how == "as is",
    "secret": lambda kind, how: kind == "client secret" and how == "as is",
    "token": lambda kind, how: kind.startswith("token #") and how == "as is",
    "value": lambda kind, how: kind.startswith("leak_") and how == "as is",
    "value-base64": lambda kind, how: kind.startswith("leak_") and how == "base64",
    "fingerprint": lambda kind, how: kind.startswith("fingerprint #") and how == "as is",
    "key": lambda kind, how: kind.startswith("X.509 client key") and how == "as is",
}


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fetch_json(url, data=None):
    request = urllib.request.Request(url, data=data)
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec: loopback emulator only
        return json.loads(answer.read().decode("utf-8"))


def control_url(config):
    return config["aicore_emulator_url"].rstrip("/") + "/_emulator"


def new_token(config):
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": config["aicore_emulator_client_id"],
        "client_secret": config["aicore_emulator_client_secret"],
    }).encode("ascii")
    return fetch_json(config["aicore_emulator_auth_url"].rstrip("/") + "/oauth/token", form)["access_token"]


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


def key_lines(config):
    """The long base64 lines of the emulator's client keys (tokens and keys are base64 already)."""
    lines = []
    for name in KEY_FILES:
        if config.get(name):
            with open(config[name], encoding="ascii") as handle:
                lines.extend(line.strip() for line in handle if len(line.strip()) >= MIN_PEM_LINE and not line.startswith("-----"))
    return lines


def fingerprints(requests, stores):
    """Every fingerprint label value in the stores now and in the logged POST/PATCH bodies."""
    values = set()
    for scope in stores.values():
        for secret in scope.values():
            values.update(label["value"] for label in secret["labels"] if label["key"] == FINGERPRINT_KEY)
    for record in requests:
        body = record.get("body")
        if record["method"] in ("POST", "PATCH") and isinstance(body, dict):
            values.update(label["value"] for label in body.get("labels") or [] if label.get("key") == FINGERPRINT_KEY)
    return sorted(values)


def needles(config, planted, tokens, fingerprint_values):
    """(kind, spelling, text) for everything that must never be printed."""
    secret = config["aicore_emulator_client_secret"]
    items = [("client secret", secret, True),
             ("client id:secret (HTTP Basic)", "%s:%s" % (config["aicore_emulator_client_id"], secret), True)]
    for index, token in enumerate(tokens):
        items.append(("token #%d" % index, token, False))
        items.append(("signature of token #%d" % index, token.rsplit(".", 1)[-1], False))
    items.extend(("X.509 client key, line %d" % number, line, False) for number, line in enumerate(key_lines(config)))
    items.append(("the PEM label of a private key", PEM_LABEL, False))
    for name in planted.get("leak_planted", []):
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


def check_canary(path, config, planted, all_needles, shows):
    """The canary run printed one needle of each kind in ``shows`` on purpose: the search must report each."""
    canary = [("canary marker", how, text) for how, text in variants(planted["leak_canary"]).items()] if "leak_canary" in planted else []
    lines = read_lines(path)
    found = set((kind, how) for _number, kind, hows in search(lines, all_needles + canary) for how in hows)
    missing = [kind for kind in shows if not any(CANARY_KINDS[kind](*item) for item in found)]
    if "key" in shows:  # every line of both keys, not just one: the keys are the whole needle set of X.509
        text = "\n".join(lines)
        missing.extend("X.509 key line %d" % number for number, line in enumerate(key_lines(config)) if line not in text)
    return missing


def check_sent(planted, requests):
    """The values the runs wrote reached the emulator, so the scan looks for real data."""
    bodies = json.dumps([record.get("body") for record in requests if record["method"] in ("POST", "PATCH")])
    return ["%s: neither it nor its base64 is in a POST or PATCH the emulator logged" % name
            for name in planted.get("leak_sent", []) if b64(planted[name]) not in bodies and json.dumps(planted[name])[1:-1] not in bodies]


def check_capture(path, lines, module):
    """A scanned log must be a complete -vvvv run, or its silence proves nothing."""
    text = "\n".join(lines)
    problems = []
    if "PLAY RECAP" not in text:
        problems.append("%s: no PLAY RECAP, the run did not finish" % path)
    if "<testhost> ESTABLISH LOCAL CONNECTION" not in text:
        problems.append("%s: no connection debug lines, the run was not at -vvvv" % path)
    if module and not any(line.startswith("Using module file ") and line.endswith("/%s.py" % module) for line in lines):
        problems.append("%s: the module %s never ran" % (path, module))
    return problems


def scan(args, config, planted):
    requests = fetch_json(control_url(config) + "/log")["requests"] if args.fingerprints or planted.get("leak_sent") else []
    fingerprint_values = fingerprints(requests, fetch_json(control_url(config) + "/store")) if args.fingerprints else []
    tokens = fetch_json(control_url(config) + "/tokens")["tokens"]
    all_needles = needles(config, planted, tokens, fingerprint_values)
    logs = [path for path in args.logs if path != args.canary]

    problems = ["canary: the scan did not find %s in %s" % (what, args.canary)
                for what in check_canary(args.canary, config, planted, all_needles, args.canary_shows)]
    problems.extend(check_sent(planted, requests))
    if args.fingerprints and not fingerprint_values:
        problems.append("no fingerprint label in the emulator: the runs wrote nothing to look for")
    masked = diffs = line_count = 0
    for path in logs:
        lines = read_lines(path)
        line_count += len(lines)
        problems.extend("LEAK %s:%d: %s (%s)" % (path, number, kind, ", ".join(hows)) for number, kind, hows in search(lines, all_needles))
        problems.extend(check_capture(path, lines, args.module))
        masked += sum(line.count(MASK) for line in lines)
        diffs += sum(1 for line in lines if line.startswith("+++ after"))
    if not masked:
        problems.append("no log shows a masked option: the credentials and data never reached the module's output to be checked")
    if args.diffs and not diffs:
        problems.append("no log shows a diff: the runs were not in diff mode")

    print("%s: %d logs, %d lines, %d needle spellings (%d tokens issued, %d fingerprints), %d masked values and %d diffs seen"
          % (args.name, len(logs), line_count, len(all_needles), len(tokens), len(fingerprint_values), masked, diffs))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("%s: no credential, key, token or secret value in any log; the canary showed each kind it should" % args.name)
    return 0


def tail(args, config, planted):
    """The end of a failed run's log, for the console: lines that hold a needle are left out, and counted."""
    tokens = fetch_json(control_url(config) + "/tokens")["tokens"]
    all_needles = needles(config, planted, tokens, [])
    lines = read_lines(args.tail)[-TAIL_LINES:]
    hidden = set(number for number, _kind, _hows in search(lines, all_needles))
    for number, line in enumerate(lines, 1):
        print("[a line with a needle, left out]" if number in hidden else line)
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Search captured ansible-playbook output for credentials, keys and secret data.")
    parser.add_argument("--config", required=True, help="integration_config.yml of the running emulator")
    parser.add_argument("--vars", help="the target's vars file: leak_planted, leak_sent, leak_canary")
    parser.add_argument("--name", default="leak check", help="how the findings begin")
    parser.add_argument("--fingerprints", action="store_true", help="also search for the fingerprint labels the emulator saw")
    parser.add_argument("--module", help="every scanned log must show this module ran")
    parser.add_argument("--diffs", action="store_true", help="the scanned logs must show a diff")
    parser.add_argument("--canary", help="the log printed on purpose")
    parser.add_argument("--canary-shows", type=lambda text: text.split(","), default=[], help="what the canary must show: " + ", ".join(CANARY_KINDS))
    parser.add_argument("--tail", metavar="LOG", help="print the end of LOG without the lines that hold a needle")
    parser.add_argument("--print-new-token", action="store_true")
    parser.add_argument("logs", nargs="*")
    args = parser.parse_args(argv)
    unknown = [kind for kind in args.canary_shows if kind not in CANARY_KINDS]
    if unknown:
        parser.error("unknown --canary-shows kinds %s" % unknown)
    if not (args.tail or args.print_new_token) and not (args.canary and args.canary_shows and args.logs):
        parser.error("a scan needs --canary, --canary-shows and the logs")
    return args


def main(argv):
    args = parse_args(argv)
    config = load_yaml(args.config)
    if args.print_new_token:
        print(new_token(config))
        return 0
    planted = load_yaml(args.vars) if args.vars else {}
    return tail(args, config, planted) if args.tail else scan(args, config, planted)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
